/* CPU shares of the container's own cgroup (BEHAVIOR.md §1, THREATS.md #7,
   #8): cgroup v1 cpu.shares or cgroup v2 cpu.weight, found from
   /proc/PID/cgroup and the mount table, resolved beneath the cgroupfs root
   by fd.  Hybrid hosts (v1 controllers plus a v2 mount without cpu) use the
   v1 cpu controller.  */
#ifndef OCI_SANDBOX_HOOK_CGROUP_H
#define OCI_SANDBOX_HOOK_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "process.h"

typedef struct cgroup_cpu_result
{
  bool v2;
  char file[PATH_MAX]; /* the file written, for the log */
  char value[24];
} cgroup_cpu_result;

/* ROOT_OVERRIDE (the policy's cgroup_root, tests point it at a faithful fake
   tree) replaces the mount table: ROOT/cgroup.controllers marks a v2
   hierarchy (the "0::" line applies), otherwise ROOT/cpu is the v1 cpu
   controller.  Without it the real mounts are used and checked to be
   cgroupfs.  */
int cgroup_apply_cpu (const target_process *p, const char *root_override, uint64_t shares,
                      uint64_t weight, cgroup_cpu_result *result, hook_error **err);

/* Parsing helpers, exposed for the unit tests.  */
/* From the content of /proc/PID/cgroup: the path of the v1 hierarchy whose
   controller list holds CONTROLLER, or of the v2 "0::" line when CONTROLLER
   is NULL.  */
int cgroup_path_for (const char *proc_cgroup, const char *controller, char *out, size_t size);
/* From the content of /proc/self/mountinfo: the mount point and root of
   the v1 cgroup mount with CONTROLLER in its super options, or of the
   cgroup2 mount when CONTROLLER is NULL.  */
int cgroup_mount_for (const char *mountinfo, const char *controller, char *mount_point,
                      size_t mp_size, char *mount_root, size_t root_size);

#endif

/* CPU shares of the container's own cgroup (docs/engines.md §1, docs/security.md, threat 7,
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

typedef struct cgroup_cpu_result
{
  bool v2;
  char value[24];
} cgroup_cpu_result;

/* The container's cgroup in the hierarchy that carries the cpu
   controller, opened once (as a fact before the plan, used by act).  */
typedef struct cgroup_target
{
  bool v2;
  int hierarchy_fd;    /* O_PATH on the hierarchy's mount point */
  char rel[PATH_MAX];  /* the container's cgroup below it */
  char file[PATH_MAX]; /* the file cpu_shares writes, for messages */
} cgroup_target;

#define CGROUP_TARGET_INIT                                                                         \
  {                                                                                                \
    .hierarchy_fd = -1                                                                             \
  }

/* Find it from the container's cgroup lines (V1_CPU: the v1 cpu
   controller's path in /proc/PID/cgroup, V2: the "0::" path; "" when
   absent).  ROOT_OVERRIDE (the policy's cgroup_root, tests point it at a
   faithful fake tree) replaces the mount table: ROOT/cgroup.controllers
   marks a v2 hierarchy, otherwise ROOT/cpu is the v1 cpu controller.
   Without it the real mounts are used and checked to be cgroupfs.  */
int cgroup_target_open (const char *v1_cpu, const char *v2, const char *root_override,
                        cgroup_target *target, hook_error **err);
void cgroup_target_close (cgroup_target *target);
#define cleanup_cgroup_target __attribute__ ((cleanup (cgroup_target_close)))

/* How many processes TARGET holds that are not the container's: not PID
   (its init, bound by PROC_PID_FD) and not in the container's own pid
   namespace.  A cgroup shared with anything else is never changed.  */
int cgroup_count_others (const cgroup_target *target, int proc_pid_fd, int pid, size_t *others,
                         hook_error **err);

/* Write cpu.shares (v1) or cpu.weight (v2) and read it back.  */
int cgroup_write_cpu (const cgroup_target *target, uint64_t shares, uint64_t weight,
                      cgroup_cpu_result *result, hook_error **err);

#endif

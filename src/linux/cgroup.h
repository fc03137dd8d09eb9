/* CPU shares of the container's own cgroup (docs/engines.md §1, docs/security.md, threat 7,
   #8): cgroup v1 cpu.shares or cgroup v2 cpu.weight, found from
   /proc/PID/cgroup and /sys/fs/cgroup (the mount table when the layout is
   unusual), resolved beneath the cgroupfs root by fd.  Hybrid hosts (v1 controllers plus a v2 mount
   without cpu) use the v1 cpu controller.  */
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
  char value[24];
} cgroup_cpu_result;

/* The container's cgroup in the hierarchy that carries the cpu
   controller, opened once (as a fact before the plan, used by act).  */
typedef struct cgroup_target
{
  bool v2;
  int hierarchy_fd; /* O_PATH on the hierarchy's mount point */
  /* Strings of their length (malloc'ed, freed by cgroup_target_close),
     not PATH_MAX buffers: the target sits on the stack of every sandbox's
     createRuntime, where each page it spans is a fault.  */
  char *rel;  /* the container's cgroup below it */
  char *file; /* the file cpu_shares writes, for messages */
} cgroup_target;

#define CGROUP_TARGET_INIT                                                                         \
  {                                                                                                \
    .hierarchy_fd = -1                                                                             \
  }

/* Find it from the container's cgroup lines (V1_CPU: the v1 cpu
   controller's path in /proc/PID/cgroup, V2: the "0::" path; "" when
   absent), and count in *OTHERS the processes it holds that are not the
   container's: not its init (PROCESS) and not in the container's own pid
   namespace (a cgroup shared with anything else is
   never changed).  The hierarchy is the usual one under /sys/fs/cgroup,
   or the one the mount table names when the container's process is not
   listed there; it is checked to be cgroupfs, and the process must be
   listed in the cgroup found.  ROOT_OVERRIDE (the policy's cgroup_root,
   tests point it at a faithful fake tree) replaces all of that:
   ROOT/cgroup.controllers marks a v2 hierarchy, otherwise ROOT/cpu is the
   v1 cpu controller.  */
int cgroup_target_find (const char *v1_cpu, const char *v2, const char *root_override,
                        const target_process *process, cgroup_target *target, size_t *others,
                        hook_error **err);
void cgroup_target_close (cgroup_target *target);
#define cleanup_cgroup_target __attribute__ ((cleanup (cgroup_target_close)))

/* Write cpu.shares (v1) or cpu.weight (v2) and read it back.  */
int cgroup_write_cpu (const cgroup_target *target, uint64_t shares, uint64_t weight,
                      cgroup_cpu_result *result, hook_error **err);

#endif

/* Writing the sandbox sysctls in the container's own network namespace
   (BEHAVIOR.md §5, THREATS.md #1, #3, #4).  */
#ifndef OCI_SANDBOX_HOOK_SYSCTL_H
#define OCI_SANDBOX_HOOK_SYSCTL_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "process.h"

typedef struct sysctl_write
{
  const char *key;   /* one of the keys of sysctl_known_path () */
  const char *value; /* canonical, built by the plan */
} sysctl_write;

/* The /proc/sys path below "sys/" for KEY, or NULL: only the two sandbox
   sysctls are ever opened, whatever the input says.  */
const char *sysctl_known_path (const char *key);

/* Join the container's network namespace in a child (by pidfd), refuse if
   it is the hook's own, then for each write: open the file (after setns:
   a /proc/sys/net file belongs to the netns of the task that opens it),
   write the value in full, read it back and compare.  */
/* With JOIN_USER_NAMESPACE the child also enters the container's user
   namespace: the kernel reads the gids of ping_group_range in the writer's
   user namespace, and the plan's values are the container's gids.  */
int sysctl_apply_in_netns (const target_process *p, const sysctl_write *writes, size_t n,
                           bool join_user_namespace, hook_error **err);

/* Compare a read-back sysctl value with what was written: the kernel
   prints vectors separated by tabs and ends with a newline.  */
int sysctl_value_matches (const char *written, const char *read_back);

#endif

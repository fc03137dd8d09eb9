/* Writing the sandbox sysctls in the container's own network namespace
   (docs/engines.md §5, docs/security.md, threats 1, 3, 4).  */
#ifndef OCI_SANDBOX_HOOK_SYSCTL_H
#define OCI_SANDBOX_HOOK_SYSCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "error.h"
#include "pod_entry.h"
#include "process.h"

typedef struct sysctl_write
{
  const char *key;   /* one of the keys of sysctl_known_path () */
  const char *value; /* canonical, built by the plan */
} sysctl_write;

/* The /proc/sys path below "sys/" for KEY, or NULL: only the two sandbox
   sysctls are ever opened, whatever the input says.  */
const char *sysctl_known_path (const char *key);

/* The writes, as a step of the namespace child (nsenter.h): prepared on the
   host side (checks the keys, opens the hook's procfs, notes the host's
   netns), run in the child after setns (JOB->nstypes: the network
   namespace, plus the user namespace when the container has one, because
   the kernel reads ping_group_range gids in the writer's user namespace),
   released in the parent.  The run refuses the host's netns, opens each
   file after the join (a /proc/sys/net file belongs to the netns of the
   task that opens it), writes in full, reads back and compares.
   JOB->proc_fd (borrowed: the hook's procfs, opened before any join: after
   a join of the container's mount namespace its /proc may be the
   container's, a pid namespace the hook is not in, /proc/sys read-only) must
   be kept open in a child.  A /proc/sys/net lookup answers for the netns of
   the task doing it, whichever procfs instance it goes through.  */
typedef struct sysctl_job
{
  const sysctl_write *writes;
  size_t n;
  file_identity host_netns; /* the hook's own, never written */
  int proc_fd;
  int nstypes;
} sysctl_job;

int sysctl_job_prepare (const sysctl_write *writes, size_t n, bool join_user_namespace, int proc_fd,
                        const file_identity *host_netns, sysctl_job *job, hook_error **err);
int sysctl_job_run (void *job, hook_error **err);

/* Compare a read-back sysctl value with what was written: the kernel
   prints vectors separated by tabs and ends with a newline.  */
int sysctl_value_matches (const char *written, const char *read_back);

#endif

/* Namespace entry (docs/security.md, "Namespaces are joined only to do one
   job, and left"): the steps join exactly the namespaces they need through
   the container's pidfd and do one job each.  Without a user namespace the
   hook joins them itself and comes back through handles on its own
   namespaces; a user namespace cannot be left, so then a short-lived
   forked child joins, closes every fd it was not given, and reports its
   error back over a pipe.  A step uses only the fds it is given, never a
   path of the host, and never logs.  */
#ifndef OCI_SANDBOX_HOOK_NSENTER_H
#define OCI_SANDBOX_HOOK_NSENTER_H

#include <stddef.h>

#include "error.h"

typedef int (*ns_child_fn) (void *arg, hook_error **err);

/* One job of a namespace child: join NSTYPES (CLONE_NEWNS, CLONE_NEWNET,
   CLONE_NEWNET | CLONE_NEWUSER, ...) of the pidfd's process, run FN (ARG).  */
typedef struct ns_step
{
  int nstypes;
  ns_child_fn fn;
  void *arg;
} ns_step;

#define NS_MAX_KEEP_FDS 16

/* Run STEPS in order, each after its setns.  Namespaces only ever narrow
   down a step at a time (mount, then network and user), so order the
   steps so.  No step joins a user namespace: in the hook, which returns to
   its own namespaces after the last (OWN_NS_FD: O_PATH on the hook's
   /proc/thread-self/ns, target_process's own_ns_fd).
   Otherwise in ONE forked child (a fork costs more than the work of each
   step: the mount placement and the sysctls share it) that closes every
   fd but KEEP_FDS and the pidfd first.  The first failing step's error
   comes back in *ERR.  */
int run_ns_steps (int pidfd, int own_ns_fd, const ns_step *steps, size_t n_steps,
                  const int *keep_fds, size_t n_keep_fds, hook_error **err);

#endif

/* Namespace entry (docs/security.md, "Namespaces are
   joined only in short-lived children"): a short-lived forked child joins
   exactly the namespaces it needs through the container's pidfd, closes
   every fd it was not given, does one job and reports its error back over
   a pipe.  The hook itself never leaves its own namespaces.  */
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

/* Fork ONE child (a fork costs more than the work of each step: the
   mount placement and the sysctls share it); in the child close every fd
   but KEEP_FDS and the pidfd, then run STEPS in order, each after its
   setns.  Namespaces only ever narrow down a step at a time (mount, then
   network and user), so order the steps so.  The first failing step's
   error comes back in *ERR.  */
int run_ns_steps (int pidfd, const ns_step *steps, size_t n_steps, const int *keep_fds,
                  size_t n_keep_fds, hook_error **err);

#endif

/* Namespace entry (THREATS.md pattern 4): a short-lived forked child joins
   exactly the namespaces it needs through the container's pidfd, closes
   every fd it was not given, does one job and reports its error back over
   a pipe.  The hook itself never leaves its own namespaces.  */
#ifndef OCI_SANDBOX_HOOK_NSENTER_H
#define OCI_SANDBOX_HOOK_NSENTER_H

#include <stddef.h>

#include "error.h"

typedef int (*ns_child_fn) (void *arg, hook_error **err);

/* Fork; in the child close every fd but KEEP_FDS, setns (PIDFD, NSTYPES)
   (CLONE_NEWNET, CLONE_NEWNS, ...), run FN (ARG).  Returns FN's result;
   the child's error message comes back in *ERR.  */
int run_in_namespaces (int pidfd, int nstypes, const int *keep_fds, size_t n_keep_fds,
                       ns_child_fn fn, void *arg, hook_error **err);

#endif

/* Least privilege (docs/security.md, "Least privilege"): once the input is read and the
   plan made, keep only the capabilities acting needs.  */
#ifndef OCI_SANDBOX_HOOK_PRIVILEGES_H
#define OCI_SANDBOX_HOOK_PRIVILEGES_H

#include "error.h"

/* Reduce the effective and permitted sets to: SYS_ADMIN (mounts, setns),
   SYS_CHROOT (joining a mount namespace), SYS_PTRACE and KILL (pidfd and
   /proc access to a container process of another uid), NET_ADMIN
   (sysctls of a netns owned by a user namespace), DAC_OVERRIDE,
   DAC_READ_SEARCH and FOWNER (files owned by mapped ids), and SYS_RESOURCE
   when the hook has it (lowering oom_score_adj).  Capabilities the hook
   does not have are not asked for.  */
int drop_capabilities (hook_error **err);

#endif

/* Least privilege (docs/security.md, "Least privilege"): once the input is read and the
   plan made, keep only the capabilities acting needs.  */
#ifndef OCI_SANDBOX_HOOK_PRIVILEGES_H
#define OCI_SANDBOX_HOOK_PRIVILEGES_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "security_libs.h"

/* The hook's capabilities, read once (one capget): what the plan asks
   (CAP_SYS_RESOURCE in the effective set, for restrict_oom_score_adj
   "auto") and what the drop keeps.  */
typedef struct hook_capabilities
{
  bool sys_resource_effective;
  uint64_t needed_permitted; /* bit N: capability N is needed and permitted */
} hook_capabilities;

/* Load libcap-ng into CAPNG (the caller's, when not loaded yet) and read
   the hook's capabilities into CAPS.  */
int capabilities_read (capng_lib *capng, hook_capabilities *caps, hook_error **err);

/* Reduce the effective and permitted sets to: SYS_ADMIN (mounts, setns),
   SYS_CHROOT (joining a mount namespace), SYS_PTRACE and KILL (pidfd and
   /proc access to a container process of another uid), NET_ADMIN
   (sysctls of a netns owned by a user namespace), DAC_OVERRIDE,
   DAC_READ_SEARCH and FOWNER (files owned by mapped ids), and SYS_RESOURCE
   when the hook has it (lowering oom_score_adj).  Capabilities the hook
   does not have are not asked for: the sets are those CAPS read (nothing
   the hook does can widen them), and the inheritable set is emptied.  */
int drop_capabilities (const capng_lib *capng, const hook_capabilities *caps, hook_error **err);

#endif

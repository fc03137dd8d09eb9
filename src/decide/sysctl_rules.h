/* What config.json linux.sysctl may contain (docs/engines.md §4): the runc
   validator's namespaced set, the name grammar, and values that cannot
   smuggle a second assignment (CRI-O CVE-2022-0811).  Pure functions.  */
#ifndef OCI_SANDBOX_HOOK_SYSCTL_RULES_H
#define OCI_SANDBOX_HOOK_SYSCTL_RULES_H

#include <stdbool.h>

#include "error.h"

typedef enum sysctl_namespace
{
  SYSCTL_NS_NONE, /* not namespaced: a container must never set it */
  SYSCTL_NS_IPC,
  SYSCTL_NS_NET,
  SYSCTL_NS_UTS,
} sysctl_namespace;

/* Name grammar: segments [a-z0-9]([-_a-z0-9]*[a-z0-9])? joined by '.' or
   '/', at most 253 characters.  */
int sysctl_name_validate (const char *name, hook_error **err);

/* Which namespace owns NAME ('/' and '.' separators are equivalent).
   IPC: kernel.msgmax, kernel.msgmnb, kernel.msgmni, kernel.sem,
   kernel.shmall, kernel.shmmax, kernel.shmmni, kernel.shm_rmid_forced and
   the fs.mqueue. prefix; NET: the net. prefix; UTS: kernel.domainname.
   Everything else, kernel.hostname included, is SYSCTL_NS_NONE.  */
sysctl_namespace sysctl_namespace_of (const char *name);

/* Are NAME and OTHER the same sysctl ('/' and '.' separators are
   equivalent)?  */
bool sysctl_name_equals (const char *name, const char *other);

/* A value: 1..4096 printable ASCII characters, spaces and tabs allowed
   inside, no '+' or '=' (assignment smuggling), no control characters.  */
int sysctl_value_validate (const char *value, hook_error **err);

/* The whole check of one config.json entry: grammar of both, a namespaced
   name, and the container owning that namespace (OWN_* false means the
   container shares the host's).  The error names the key and the reason.  */
int sysctl_entry_check (const char *name, const char *value, bool own_ipc, bool own_net,
                        bool own_uts, hook_error **err);

#endif

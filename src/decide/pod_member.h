/* Is a container a member of a pod (an app container of a sandbox), by
   the annotations its engine writes?  containerd: io.kubernetes.cri.
   container-type=container and io.kubernetes.cri.sandbox-id; CRI-O:
   io.kubernetes.cri-o.ContainerType=container and
   io.kubernetes.cri-o.SandboxID (docs/engines.md §6).  An annotation proves
   nothing about the namespaces the member joins: this only says the hook
   has work to look at.  */
#ifndef OCI_SANDBOX_HOOK_POD_MEMBER_H
#define OCI_SANDBOX_HOOK_POD_MEMBER_H

#include <stdbool.h>
#include <stddef.h>

#include "json.h"

/* ANNOTATIONS: an object of strings, or NULL.  REASON says which engine's
   pair matched, or that none did.  */
bool pod_member_match (const json_value *annotations, char *reason, size_t reason_size);

#endif

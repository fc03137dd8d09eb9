/* The limits of a pod's cgroup parent, for sandbox sizing: under kubelet
   the pod cgroup (".../kubepods/burstable/podUID") carries the pod's CPU
   quota and memory limit before any container of the pod exists.  */
#ifndef OCI_SANDBOX_HOOK_POD_CGROUP_H
#define OCI_SANDBOX_HOOK_POD_CGROUP_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "sizing.h"

/* Read the parent's limits below CGROUP_ROOT (NULL: /sys/fs/cgroup; a v2
   hierarchy when it holds cgroup.controllers, else v1 cpu/ and memory/).
   OUT->present is true only when the parent actually limits the pod (a
   CPU quota or a memory limit): an unlimited parent says nothing about the
   pod's size.  Unreadable files are not an error; malformed ones are.  */
int pod_cgroup_sizing (const char *cgroup_root, const char *cgroups_path, sandbox_sizing *out,
                       hook_error **err);

#endif

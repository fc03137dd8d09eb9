/* The limits of a pod's cgroup parent, for sandbox sizing: under kubelet
   the pod cgroup (".../kubepods/burstable/podUID") carries the pod's CPU
   quota and memory limit before any container of the pod exists.  */
#ifndef OCI_SANDBOX_HOOK_POD_CGROUP_H
#define OCI_SANDBOX_HOOK_POD_CGROUP_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "sizing.h"

/* The parent of CGROUPS_PATH (config.json linux.cgroupsPath) as a path
   below the hierarchy root: "/kubepods/pod1/ctr" -> "kubepods/pod1";
   systemd's "kubepods-burstable-pod1.slice:cri-containerd:ID" ->
   "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice".
   Returns -1 (no error object) when there is no parent below the root.  */
int pod_cgroup_parent (const char *cgroups_path, char *out, size_t size);

/* Does SEEN, a cgroup path as /proc/PID/cgroup shows it, name the cgroup
   CGROUPS_PATH asks for?  The runtimes' three forms: an absolute cgroupfs
   path (equal), a relative one (below the runtime's own cgroup: SEEN ends
   with it), systemd's "slice:prefix:name" (the slice expanded, then
   "prefix-name.scope", or the name itself when it is a slice).  */
bool cgroups_path_names (const char *cgroups_path, const char *seen);

/* Read the parent's limits below CGROUP_ROOT (NULL: /sys/fs/cgroup; a v2
   hierarchy when it holds cgroup.controllers, else v1 cpu/ and memory/).
   OUT->present is true only when the parent actually limits the pod (a
   CPU quota or a memory limit): an unlimited parent says nothing about the
   pod's size.  Unreadable files are not an error; malformed ones are.  */
int pod_cgroup_sizing (const char *cgroup_root, const char *cgroups_path, sandbox_sizing *out,
                       hook_error **err);

#endif

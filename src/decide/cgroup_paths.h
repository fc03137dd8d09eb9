/* The grammar of cgroup paths: the ones config.json names
   (linux.cgroupsPath, in the runtimes' three forms) and the ones the
   kernel prints (/proc/PID/cgroup, /proc/self/mountinfo).  */
#ifndef OCI_SANDBOX_HOOK_CGROUP_PATHS_H
#define OCI_SANDBOX_HOOK_CGROUP_PATHS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* From the content of /proc/PID/cgroup: the path of the v1 hierarchy whose
   controller list holds CONTROLLER, or of the v2 "0::" line when CONTROLLER
   is NULL.  */
int cgroup_path_for (const char *proc_cgroup, const char *controller, char *out, size_t size);
/* From the content of /proc/self/mountinfo, one match at a time from
   *CURSOR (the content at first), which moves past it: the mount point
   and root of a v1 cgroup mount with CONTROLLER in its super options, or
   of a cgroup2 mount when CONTROLLER is NULL; *ID receives the mount's id
   (field 1), so that a caller can tell the mount it opens by path is this
   one and not one stacked on it.  A mount point or root no buffer holds
   is passed over.  -1 when no match is left.  */
int cgroup_mount_next (const char **cursor, const char *controller, uint64_t *id, char *mount_point,
                       size_t mp_size, char *mount_root, size_t root_size);

/* From the content of /proc/self/mountinfo: the root (the directory of
   its filesystem the mount shows, "/" for a whole filesystem) and the
   filesystem type of the mount whose id is MOUNT_ID (statx STX_MNT_ID).
   -1 when there is no such mount or a field does not fit.  */
int mountinfo_root_for_id (const char *mountinfo, uint64_t mount_id, char *root, size_t root_size,
                           char *fstype, size_t fstype_size);

#endif

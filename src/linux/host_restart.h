/* Restarting an engine through the host's systemd from a FROM-scratch
   container, which has no shell and no nsenter: the installer joins the
   namespaces of the host's pid 1, found in the host's own procfs under
   --root (ROOT/proc/1, visible through the recursive bind of the host's
   "/", so the pod needs no hostPID), and execs the host's systemctl
   there.  systemctl then talks to systemd over its private socket and
   waits for the restart job, as on the host.  */
#ifndef OCI_SANDBOX_HOOK_HOST_RESTART_H
#define OCI_SANDBOX_HOOK_HOST_RESTART_H

#include <stddef.h>

#include "error.h"

/* ROOT/proc must be a procfs whose pid 1 has ROOT as its root directory:
   the host's init, not this container's.  Checked before anything is
   written.  */
int host_init_check (int root_fd, const char *root, hook_error **err);

/* `systemctl restart UNIT...` in the mount, UTS, IPC, network and cgroup
   namespaces of ROOT's pid 1, with the host's /usr/bin/systemctl (or
   /bin/systemctl); waits for it.  */
int host_restart_units (int root_fd, const char *root, const char *const *units, size_t n,
                        hook_error **err);

#endif

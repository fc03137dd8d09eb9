/* The pod-wide /dev/shm tmpfs (docs/engines.md §1, docs/security.md,
   threats 10, 17): a tmpfs.h mount of the pod's size.  */
#ifndef OCI_SANDBOX_HOOK_SHM_H
#define OCI_SANDBOX_HOOK_SHM_H

#include <stdint.h>

#include "error.h"

/* A detached tmpfs mount (mode=1777, size=SIZE, nosuid, nodev, noexec,
   context=LABEL when LABEL is not NULL) in *MOUNT_FD.  */
int shm_tmpfs_create (uint64_t size, const char *label, int *mount_fd, hook_error **err);

/* Check that FD is the root of a tmpfs of SIZE bytes, mode 1777; *ROOT
   receives its stat.  */
struct stat;
int shm_tmpfs_verify (int fd, uint64_t size, struct stat *root, hook_error **err);

#endif

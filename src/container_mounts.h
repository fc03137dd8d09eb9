/* Placing the hook's mounts inside the container (DESIGN.md, "Files
   inside the bundle").  At createRuntime runc has done the config.json
   mounts in the container's mount namespace and not yet pivoted: a child
   joins that namespace by pidfd, resolves each target inside the rootfs
   (RESOLVE_IN_ROOT, no symlinks at all: THREATS.md #9), checks what it
   found, and moves a detached mount (cloned on the host side before the
   join, as later host mounts do not propagate there) onto it.  */
#ifndef OCI_SANDBOX_HOOK_CONTAINER_MOUNTS_H
#define OCI_SANDBOX_HOOK_CONTAINER_MOUNTS_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "process.h"

typedef struct container_mount
{
  int tree_fd;        /* detached mount (open_tree CLONE or fsmount) */
  const char *target; /* inside the rootfs, relative: "dev/shm", "etc/hosts" */
  bool directory;     /* target is a directory (else a regular file) */
} container_mount;

#define CONTAINER_MOUNTS_MAX 8

/* ROOTFS is the absolute rootfs path as seen in the container's mount
   namespace before pivot_root (the bundle's root.path).  */
int container_mounts_place (const target_process *p, const char *rootfs,
                            const container_mount *mounts, size_t n, hook_error **err);

/* A read-only (nosuid, nodev, noexec) detached clone of DIRFD/NAME.  */
int clone_readonly_bind (int dirfd, const char *name, int *tree_fd, hook_error **err);

#endif

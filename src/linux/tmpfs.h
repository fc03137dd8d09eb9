/* Detached tmpfs mounts, made with the new mount API: every option is set
   by fsconfig from values the hook formatted itself, never from a
   concatenated option string (docs/security.md, threat 10).  The pod's
   /dev/shm (shm.c) and the hook's directory in a bundle (hook_dir.c) are
   such mounts.  */
#ifndef OCI_SANDBOX_HOOK_TMPFS_H
#define OCI_SANDBOX_HOOK_TMPFS_H

#include <stdint.h>

#include "error.h"

typedef struct tmpfs_options
{
  const char *source; /* the name mountinfo shows */
  const char *mode;   /* of its root, octal: "1777" */
  uint64_t size;      /* bytes, > 0: a tmpfs of size 0 is unlimited */
  uint64_t nr_inodes; /* 0: tmpfs's default */
  const char *label;  /* SELinux context=, or NULL */
} tmpfs_options;

/* A detached tmpfs mount (nosuid, nodev, noexec) in *MOUNT_FD.  */
int tmpfs_create (const tmpfs_options *options, int *mount_fd, hook_error **err);

#endif

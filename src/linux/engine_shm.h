/* A pod's /dev/shm size under an engine that makes the pod's tmpfs itself
   (containerd, CRI-O: 64 MiB; docs/engines.md §1, §5): that tmpfs,
   resized in place with fspick and FSCONFIG_CMD_RECONFIGURE, so that the
   sandbox's and every member's bind of it see the new size at once.
   Never the host's /dev/shm, never anything but the root of a tmpfs found
   below the policy's engine_dirs (docs/security.md, threat 26).  */
#ifndef OCI_SANDBOX_HOOK_ENGINE_SHM_H
#define OCI_SANDBOX_HOOK_ENGINE_SHM_H

#include <stdint.h>

#include "error.h"

typedef struct engine_shm_result
{
  uint64_t before, after; /* the tmpfs's size in bytes */
} engine_shm_result;

/* Resize the tmpfs mounted at SOURCE (a canonical absolute path strictly
   below DIR, an entry of engine_dirs) to SIZE bytes: DIR is opened as
   root's, SOURCE's directory below it by fd without symlinks or mount
   crossings, SOURCE itself without symlinks; it must be the root of a
   mount, a tmpfs, and not the superblock of the hook's /dev/shm.  The size
   is read back (fstatfs).  */
int engine_shm_resize (const char *dir, const char *source, uint64_t size, engine_shm_result *r,
                       hook_error **err);

#endif

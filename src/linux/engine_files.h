/* The engine's own files (policy keys engine_dirs and engine_files,
   docs/security.md, threat 26): a pod's resolv.conf and hostname as
   containerd or CRI-O wrote them, read so that the plan can check them.
   The engine's directory is opened as root's configuration, and the file
   below it by fd: no symlink, no magic link, no mount crossing.  */
#ifndef OCI_SANDBOX_HOOK_ENGINE_FILES_H
#define OCI_SANDBOX_HOOK_ENGINE_FILES_H

#include <stddef.h>

#include "error.h"

/* Read SOURCE, a canonical absolute path strictly below DIR (an entry of
   engine_dirs, which must be root's: open_trusted_directory).  The file
   must be a regular file with one link and at most MAX bytes; it is looked
   at before it is opened (a device node is never opened) and never opened
   blocking.  *OUT is malloc'ed and NUL-terminated.  */
int engine_file_read (const char *dir, const char *source, size_t max, char **out, size_t *len,
                      hook_error **err);

/* The directory of engine_dirs DIR (root's, StrictModes) and, below it
   by fd with RESOLVE_STRICT_BENEATH, the parent directory of SOURCE (a
   canonical absolute path strictly below DIR) in *PARENT; *LAST points at
   SOURCE's last component.  Shared by engine_shm.c.  */
int engine_dir_open_parent (const char *dir, const char *source, int *parent, const char **last,
                            hook_error **err);

#endif

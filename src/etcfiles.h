/* The generated hostname, hosts and resolv.conf files in the hook's
   directory of the bundle: rendered content or a copy of a host file,
   written atomically and labelled by fd.  */
#ifndef OCI_SANDBOX_HOOK_ETCFILES_H
#define OCI_SANDBOX_HOOK_ETCFILES_H

#include <stddef.h>

#include "error.h"

#define ETCFILE_SOURCE_MAX (1u << 20)

/* Write NAME in HOOK_DIR_FD from CONTENT (LEN bytes) or, when CONTENT is
   NULL, from a copy of SOURCE_PATH (a regular file, at most 1 MiB).  */
int etcfile_install (int hook_dir_fd, const char *name, const char *content, size_t len,
                     const char *source_path, const char *label, hook_error **err);

#endif

/* The generated hostname, hosts and resolv.conf files in the hook's
   directory of the bundle, written from the plan's content and labelled
   by fd.  */
#ifndef OCI_SANDBOX_HOOK_ETCFILES_H
#define OCI_SANDBOX_HOOK_ETCFILES_H

#include <stddef.h>

#include "error.h"

/* The largest host file the hook copies into a pod (hosts, resolv.conf).  */
#define ETC_SOURCE_MAX (1u << 20)

/* Create NAME in HOOK_DIR_FD (the directory this run created, private to
   root, that nobody else writes) with CONTENT, mode 0644: O_EXCL, so a
   leftover is an error rather than something to write through.  *FILE_FD
   receives the file, to bind and identify it without a second lookup.  */
struct selinux_label;
int etcfile_install (int hook_dir_fd, const char *name, const char *content, size_t len,
                     const struct selinux_label *label, int *file_fd, hook_error **err);

#endif

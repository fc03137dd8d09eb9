/* Path handling by fd (THREATS.md pattern 1 and 2): every lookup below a
   directory fd goes through openat2 with an explicit resolve mode, and
   every file the hook generates is written to an O_EXCL temporary in its
   own directory and renamed into place.  */
#ifndef OCI_SANDBOX_HOOK_SAFEPATH_H
#define OCI_SANDBOX_HOOK_SAFEPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/openat2.h>
#include <sys/types.h>

#include "error.h"

/* Below DIRFD, no symlink of any kind, no mount crossing.  */
#define RESOLVE_STRICT_BENEATH                                                                     \
  (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV)
/* Inside a container rootfs: ".." and absolute links stay in the root, and
   the hook refuses symlinks altogether on the targets it mounts onto.  */
#define RESOLVE_ROOTFS (RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)

/* openat2 (DIRFD, PATH, FLAGS | O_CLOEXEC, MODE, RESOLVE); the fd or -1 with
   errno set.  */
int openat2_fd (int dirfd, const char *path, int flags, mode_t mode, uint64_t resolve);

/* Write all of BUF; a short write is an error (EIO).  */
int write_all (int fd, const void *buf, size_t len);

/* Read at most SIZE - 1 bytes from the start of FD into BUF, NUL-terminated.  */
ssize_t read_small (int fd, char *buf, size_t size);

/* Create or replace DIRFD/NAME: FILL writes the content to a temporary
   ".NAME.tmp" made with O_CREAT|O_EXCL|O_NOFOLLOW (a stale one of a killed
   run is removed first), which gets exactly MODE, is labelled by fd with
   LABEL when not NULL, fsync'ed when DURABLE, and renamed over NAME.  On
   any failure the temporary is removed and NAME is untouched.  */
typedef int (*file_filler) (int fd, void *arg, hook_error **err);
int replace_file_atomic (int dirfd, const char *name, mode_t mode, const char *label, bool durable,
                         file_filler fill, void *arg, hook_error **err);

/* Create or replace DIRFD/NAME with CONTENT, mode 0644: written to
   ".NAME.tmp" with O_CREAT|O_EXCL|O_NOFOLLOW (a stale temporary of a killed
   run is removed first), labelled by fd with LABEL when not NULL, then
   renamed over NAME.  DIRFD must be a directory only root can write.  */
int write_file_atomic (int dirfd, const char *name, const char *content, size_t len,
                       const char *label, hook_error **err);

/* FD, opened O_NONBLOCK (a FIFO planted where a file belongs must never
   block the hook), must be a regular file of at most MAX bytes: read it
   whole into a malloc'ed NUL-terminated buffer.  NAME names it in errors
   ("NAME: not a regular file").  The one reader of every file the hook
   takes input from: config.json, the policy, the /etc sources.  */
int read_regular_fd (int fd, const char *name, size_t max, char **out, size_t *len,
                     hook_error **err);

/* read_regular_fd of the file PATH (absolute, trusted: a symlink is
   followed).  */
int read_regular_file (const char *path, size_t max, char **out, size_t *len, hook_error **err);

/* /proc as an O_PATH directory fd, checked to be procfs: a /proc that is
   not (a bind mount over it) would redirect every write below it
   (CVE-2025-52881).  */
int open_procfs (int *out, hook_error **err);

/* Open PATH (absolute, trusted: the bundle given by the runtime) as an
   O_PATH directory fd, refusing a symlink as the last component.  */
int open_directory (const char *path, int *out, hook_error **err);

#endif

/* The host's files for the installer, below --root and by fd: every path
   is an absolute host path resolved with RESOLVE_IN_ROOT under the root
   directory's fd, so that no symlink of the host ("/etc/containerd" ->
   "/opt/...", an absolute link) leads out of it.  Files are replaced by an
   O_EXCL temporary, fsync'ed and renamed, keeping the old file's mode,
   owner and SELinux label.  */
#ifndef OCI_SANDBOX_HOOK_HOSTFS_H
#define OCI_SANDBOX_HOOK_HOSTFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "host_view.h"
#include "install_record.h"

/* The largest file the installer reads: the binary.  */
#define HOSTFS_MAX_BYTES ((size_t)256 << 20)
/* The largest file the view shows (configurations, the policy).  */
#define HOSTFS_VIEW_MAX_BYTES ((size_t)4 << 20)

/* ROOT as a readable directory fd, locked (flock, exclusive) against
   another installer on the same host: two DaemonSet pods of a rolling
   update take turns.  */
int hostfs_open_root (const char *root, int *out, hook_error **err);

/* Installers that stay (install --wait, a DaemonSet's pods) hold the
   directory PATH, which they never replace, with a shared flock (*OUT,
   close-on-exec), taken while the root is locked.  hostfs_sole_holder,
   also under the root's lock, says whether HELD (PATH's fd) is the only
   holder left: no other installer on the host still counts on PATH's
   installation.  */
int hostfs_hold (int root_fd, const char *path, int *out, hook_error **err);
int hostfs_sole_holder (int held, const char *path, bool *sole, hook_error **err);

typedef struct hostfs_stat
{
  found_type type; /* the path itself, a symlink not followed */
  uint32_t mode, uid, gid;
} hostfs_stat;

/* What PATH is, not following a last symlink (a missing parent directory
   is FOUND_ABSENT).  */
int hostfs_lstat (int root_fd, const char *path, hostfs_stat *st, hook_error **err);

/* PATH's bytes.  FOLLOW: symlinks followed, inside the root (how an engine
   reads its files); otherwise a symlink is FOUND_SYMLINK and not read.
   *TYPE says what it is; *DATA (NUL-terminated) only for FOUND_FILE.  */
int hostfs_read (int root_fd, const char *path, bool follow, size_t max, found_type *type,
                 char **data, size_t *len, hook_error **err);
int hostfs_readlink (int root_fd, const char *path, char **target, hook_error **err);
/* The entries of directory PATH sorted by name; a symlink counts as the
   file it names, or as HOST_OTHER when that is no regular file.  */
int hostfs_list (int root_fd, const char *path, host_dirent **entries, size_t *n, hook_error **err);
int hostfs_executable (int root_fd, const char *path, bool *yes, hook_error **err);

/* Create or replace the regular file PATH (a symlink there is refused)
   with DATA: mode MODE and owner UID:GID (a replaced file's SELinux label
   is kept).  TMP_IN_PARENT puts the temporary in the parent's parent (a
   directory an engine reads every file of must never show one).  */
int hostfs_write (int root_fd, const char *path, const char *data, size_t len, uint32_t mode,
                  uint32_t uid, uint32_t gid, bool tmp_in_parent, hook_error **err);
int hostfs_symlink (int root_fd, const char *path, const char *target, hook_error **err);
/* Remove the file or symlink PATH.  */
int hostfs_unlink (int root_fd, const char *path, hook_error **err);
int hostfs_mkdir (int root_fd, const char *path, uint32_t mode, hook_error **err);
/* Remove the directory PATH; *NOT_EMPTY (and 0) when something is in it.  */
int hostfs_rmdir (int root_fd, const char *path, bool *not_empty, hook_error **err);

/* Remove the regular files of directory DIR whose names MATCH (with ARG;
   NULL: every one), symlinks and the rest left; a missing DIR has none.
   *REMOVED counts them.  What a hostfs_write cut short (SIGKILL, a power
   loss) left is the files is_temporary_name (safepath.h) matches: call it
   for those only with the root locked, when no other installer is
   writing one.  */
typedef bool (*hostfs_name_match) (const char *name, const char *arg);
int hostfs_remove_files (int root_fd, const char *dir, hostfs_name_match match, const char *arg,
                         size_t *removed, hook_error **err);

/* A host_view over ROOT_FD (its ctx is a pointer to the fd).  */
void hostfs_view (int *root_fd, host_view *view);

#endif

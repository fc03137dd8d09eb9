/* Path handling by fd (docs/security.md, "Paths are file
   descriptors"): every lookup below a
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
#include "write_all.h"

/* Below DIRFD, no symlink of any kind, no mount crossing.  */
#define RESOLVE_STRICT_BENEATH                                                                     \
  (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV)
/* Inside a container rootfs: ".." and absolute links stay in the root, and
   the hook refuses symlinks altogether on the targets it mounts onto.  */
#define RESOLVE_ROOTFS (RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)

/* openat2 (DIRFD, PATH, FLAGS | O_CLOEXEC, MODE, RESOLVE); the fd or -1 with
   errno set.  */
int openat2_fd (int dirfd, const char *path, int flags, mode_t mode, uint64_t resolve);

/* The id of the mount FD is on (statx STX_MNT_ID); -1 with errno set.  */
int mount_id_of (int fd, uint64_t *id);

/* Detach (MNT_DETACH) the mount FD holds, through PROCFS_FD (a checked
   procfs, which becomes the working directory).  */
int unmount_fd (int procfs_fd, int fd, hook_error **err);

/* Detach whatever is mounted on NAME below PARENT_FD, however many times
   (a racing second hook may have stacked mounts there), until NAME is on
   PARENT_FD's mount again; *UNMOUNTED counts them.  Nothing there is
   success.  WHAT names NAME in messages.  */
int unmount_all_at (int parent_fd, const char *name, const char *what, int *unmounted,
                    hook_error **err);

/* Read all of FD into a NUL-terminated buffer; more than MAX_BYTES is an
   error, found while reading, before anything else is looked at (stdin).  */
int read_fd_bounded (int fd, size_t max_bytes, char **buf, size_t *len, hook_error **err);

/* Read the regular file FD whose fstat is ST: at most MAX bytes (more is
   an error), allocated to its size.  */
struct stat;
int read_regular_sized (int fd, const struct stat *st, size_t max, char **buf, size_t *len,
                        hook_error **err);

/* Open DIRFD/PATH (RESOLVE: its openat2 resolve mode; O_NONBLOCK) and read
   at most SIZE - 1 bytes of it into BUF, NUL-terminated: the small files
   of /proc and the cgroupfs, where a file's size says nothing.  */
int read_small_at (int dirfd, const char *path, uint64_t resolve, char *buf, size_t size,
                   hook_error **err);
/* What FD (a kernel file the hook wrote, opened O_RDWR) reads from its
   start, NUL-terminated, in BUF: the read-back of a write through the same
   open file, without a second open.  */
int pread_small (int fd, const char *name, char *buf, size_t size, hook_error **err);

/* An O_EXCL|O_NOFOLLOW temporary ".NAME.RANDOM.tmp" in DIRFD, created with
   MODE (less the umask), its name in TMP: concurrent writers of one
   directory (two engines' precreate runs on one bundle, two installers)
   never share one, so each rename installs one complete file.  */
int create_temporary (int dirfd, const char *name, mode_t mode, char *tmp, size_t size,
                      hook_error **err);

/* Is ENTRY a name create_temporary gives for NAME (NULL: for any name)?  */
bool is_temporary_name (const char *entry, const char *name);

/* Create or replace DIRFD/NAME: FILL writes the content to a temporary
   ".NAME.RANDOM.tmp" made with O_CREAT|O_EXCL|O_NOFOLLOW (a name of its
   own: concurrent writers never share one), which gets exactly MODE, is
   labelled by fd with LABEL when not NULL, fsync'ed when DURABLE, and
   renamed over NAME.  On any failure the temporary is removed and NAME is
   untouched; only a kill between create and rename leaves a temporary.  */
typedef int (*file_filler) (int fd, void *arg, hook_error **err);
struct selinux_label;
int replace_file_atomic (int dirfd, const char *name, mode_t mode,
                         const struct selinux_label *label, bool durable, file_filler fill,
                         void *arg, hook_error **err);

/* FD, opened O_NONBLOCK (a FIFO planted where a file belongs must never
   block the hook), must be a regular file of at most MAX bytes: read it
   whole into a malloc'ed NUL-terminated buffer, by its size as fstat gives
   it (read_regular_sized).  NAME names it in errors ("NAME: not a regular
   file").  The one reader of every file the hook
   takes input from: config.json, the policy, the /etc sources.  */
int read_regular_fd (int fd, const char *name, size_t max, char **out, size_t *len,
                     hook_error **err);

/* Open PATH (absolute) for reading only when it can be trusted as root's
   own configuration, as sshd's StrictModes does: every directory on the
   way (symlinks followed by hand, at most 40) is owned by root and not
   writable by group or others unless sticky (then others cannot replace
   root's entries in it), every symlink is owned by root, the file is a
   regular file owned by root and not writable by group or others, and
   none of them is on a FUSE file system (whose daemon chooses the owners
   and modes stat reports).
   *FD is O_RDONLY|O_NONBLOCK (a FIFO is refused before it is ever opened
   for reading).  A missing file fails with errno_value ENOENT.  */
int open_trusted_file (const char *path, int *fd, hook_error **err);

/* The same walk to a directory (root's, not writable by group or others
   unless sticky): an O_PATH fd in *FD.  */
int open_trusted_directory (const char *path, int *fd, hook_error **err);

/* Whether FD is on a FUSE file system, whose daemon chooses the owners
   and modes stat reports (a user may mount one, with allow_other): what
   is on one is never proven root's.  -1 with errno when fstatfs fails.  */
int on_fuse (int fd, bool *fuse);

/* open_trusted_file, then read_regular_fd.  With WORLD_READABLE, a file
   that others may not read is refused too: the hook would publish into
   a pod what the host keeps private.  NAME prefixes every message.  */
int read_trusted_file (const char *path, const char *name, size_t max, bool world_readable,
                       char **out, size_t *len, hook_error **err);

/* /proc as an O_PATH directory fd, checked to be procfs: a /proc that is
   not (a bind mount over it) would redirect every write below it
   (CVE-2025-52881).  */
int open_procfs (int *out, hook_error **err);

/* Open PATH (absolute, trusted: the bundle given by the runtime) as an
   O_PATH directory fd, refusing a symlink as the last component.  */
int open_directory (const char *path, int *out, hook_error **err);

/* open_directory, but a readable fd holding a flock on the directory
   until it is closed, EXCLUSIVE or shared: the runs of the hook for one
   bundle (createRuntime, a retried or racing one, poststop) take turns,
   so one run never undoes what another is placing, and a member binding
   its sandbox's files holds the sandbox's bundle shared, so the sandbox's
   poststop cannot sweep them half-way.  Waits; the hook's deadline bounds
   the wait.  */
int open_directory_locked (const char *path, bool exclusive, int *out, hook_error **err);
/* The same in two steps: open (readable, for flock), then lock.  */
int open_directory_lockable (const char *path, int *out, hook_error **err);
int lock_directory (int fd, const char *path, bool exclusive, hook_error **err);

#endif

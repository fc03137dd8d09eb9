#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cgroup_paths.h"
#include "cleanup.h"
#include "engine_files.h"
#include "engine_shm.h"
#include "safepath.h"

#ifndef STATX_ATTR_MOUNT_ROOT
#define STATX_ATTR_MOUNT_ROOT 0x00002000
#endif

static int
tmpfs_size (int fd, uint64_t *size, hook_error **err)
{
  struct statfs sfs;

  if (fstatfs (fd, &sfs) < 0)
    return hook_fail (err, errno, "statfs");
  if (sfs.f_type != TMPFS_MAGIC)
    return hook_fail (err, 0, "not a tmpfs (filesystem magic 0x%lx): refused",
                      (unsigned long)sfs.f_type);
  *size = (uint64_t)sfs.f_blocks * (uint64_t)sfs.f_bsize;
  return 0;
}

/* FD is the root of a mount: the engine mounts its tmpfs right there, and
   a directory inside some tmpfs would resize a filesystem it only holds.  */
static int
check_mount_root (int fd, int parent, hook_error **err)
{
  struct statx stx;
  uint64_t own, up;

  if (statx (fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &stx) < 0)
    return hook_fail (err, errno, "statx");
  if (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)
    return (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT)
               ? 0
               : hook_fail (err, 0,
                            "not a mount point (the engine mounts its tmpfs there): refused");
  /* Kernels before 5.8 do not say: compare the mount ids.  */
  if (mount_id_of (fd, &own) < 0 || mount_id_of (parent, &up) < 0)
    return hook_fail (err, errno, "statx mount id");
  return own != up
             ? 0
             : hook_fail (err, 0, "not a mount point (the engine mounts its tmpfs there): refused");
}

/* The mount is a whole tmpfs, as the engine mounts it ("shm" on the pod's
   directory), not a directory of some tmpfs bound there: resizing that
   would resize the filesystem it belongs to (/run, say).  */
#define MOUNTINFO_MAX (64u << 20)
static int
check_whole_tmpfs (int fd, hook_error **err)
{
  cleanup_close int proc_fd = -1;
  cleanup_free char *text = NULL;
  char root[4096], fstype[64];
  uint64_t id;
  size_t len;

  if (mount_id_of (fd, &id) < 0)
    return hook_fail (err, errno, "statx mount id");
  if (open_procfs (&proc_fd, err) < 0)
    return -1;
  cleanup_close int mi = openat2_fd (proc_fd, "thread-self/mountinfo", O_RDONLY, 0,
                                     RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
  if (mi < 0)
    return hook_fail (err, errno, "open /proc/thread-self/mountinfo");
  if (read_fd_bounded (mi, MOUNTINFO_MAX, &text, &len, err) < 0)
    return hook_error_prefix (err, "/proc/thread-self/mountinfo");
  if (mountinfo_root_for_id (text, id, root, sizeof root, fstype, sizeof fstype) < 0)
    return hook_fail (err, 0, "mount %llu is not in /proc/thread-self/mountinfo",
                      (unsigned long long)id);
  if (strcmp (fstype, "tmpfs") != 0)
    return hook_fail (err, 0, "a mount of type %s, not a tmpfs: refused", fstype);
  if (strcmp (root, "/") != 0)
    return hook_fail (err, 0,
                      "a directory (%s) of a tmpfs bound there, not the engine's own tmpfs: "
                      "refused",
                      root);
  return 0;
}

int
engine_shm_resize (const char *dir, const char *source, uint64_t size, engine_shm_result *r,
                   hook_error **err)
{
  cleanup_close int parent = -1;
  const char *last = NULL;
  struct stat st, host;
  char text[24];
  uint64_t page = (uint64_t)sysconf (_SC_PAGESIZE);

  if (size == 0)
    return hook_fail (err, EINVAL, "size 0 (a tmpfs of size 0 is unlimited)");
  if (engine_dir_open_parent (dir, source, &parent, &last, err) < 0)
    return -1;
  /* The last component is the mount point: crossing into it is the point,
     a symlink never.  */
  cleanup_close int fd = openat2_fd (parent, last, O_PATH | O_NOFOLLOW, 0,
                                     RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
  if (fd < 0)
    return hook_fail (err, errno, "open");
  /* O_PATH|O_NOFOLLOW opens a link itself: say what it is.  */
  if (fstat (fd, &st) < 0)
    return hook_fail (err, errno, "stat");
  if (S_ISLNK (st.st_mode))
    return hook_fail (err, 0, "a symlink: refused");
  if (!S_ISDIR (st.st_mode))
    return hook_fail (err, 0, "not a directory: refused");
  if (check_mount_root (fd, parent, err) < 0 || check_whole_tmpfs (fd, err) < 0
      || tmpfs_size (fd, &r->before, err) < 0)
    return -1;
  /* The host's /dev/shm (as the hook's mount namespace, the engine's, sees
     it), bound below an engine directory or not, is never resized: a
     host-IPC pod's /dev/shm is the host's.  */
  if (stat ("/dev/shm", &host) == 0 && host.st_dev == st.st_dev)
    return hook_fail (err, 0, "the tmpfs of the host's /dev/shm: never resized, refused");

  cleanup_close int fs = fspick (
      fd, "", FSPICK_CLOEXEC | FSPICK_NO_AUTOMOUNT | FSPICK_SYMLINK_NOFOLLOW | FSPICK_EMPTY_PATH);
  if (fs < 0)
    return hook_fail (err, errno, "fspick");
  snprintf (text, sizeof text, "%" PRIu64, size);
  if (fsconfig (fs, FSCONFIG_SET_STRING, "size", text, 0) < 0)
    return hook_fail (err, errno, "tmpfs option size=%s", text);
  if (fsconfig (fs, FSCONFIG_CMD_RECONFIGURE, NULL, NULL, 0) < 0)
    return hook_fail (err, errno, "resize the tmpfs to %s bytes", text);
  /* tmpfs rounds the size up to whole pages.  */
  if (tmpfs_size (fd, &r->after, err) < 0)
    return -1;
  if (r->after < size || r->after - size >= page)
    return hook_fail (err, 0, "the tmpfs holds %" PRIu64 " bytes after the resize, expected %s",
                      r->after, text);
  return 0;
}

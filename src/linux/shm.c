#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "shm.h"

static int
set_string (int fs, const char *key, const char *value, hook_error **err)
{
  if (fsconfig (fs, FSCONFIG_SET_STRING, key, value, 0) < 0)
    return hook_fail (err, errno, "tmpfs option %s=%s", key, value);
  return 0;
}

int
shm_tmpfs_create (uint64_t size, const char *label, int *mount_fd, hook_error **err)
{
  char size_text[24];

  if (size == 0)
    return hook_fail (err, 0, "shm size 0: a tmpfs of size 0 would be unlimited");
  cleanup_close int fs = fsopen ("tmpfs", FSOPEN_CLOEXEC);
  if (fs < 0)
    return hook_fail (err, errno, "fsopen tmpfs");
  snprintf (size_text, sizeof size_text, "%" PRIu64, size);
  if (set_string (fs, "source", "shm", err) < 0 || set_string (fs, "mode", "1777", err) < 0
      || set_string (fs, "size", size_text, err) < 0
      || (label && set_string (fs, "context", label, err) < 0))
    return -1;
  if (fsconfig (fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return hook_fail (err, errno, "create tmpfs");
  int mnt = fsmount (fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
  if (mnt < 0)
    return hook_fail (err, errno, "fsmount tmpfs");
  *mount_fd = mnt;
  return 0;
}

int
shm_tmpfs_verify (int fd, uint64_t size, hook_error **err)
{
  struct statfs sfs;
  struct stat st;

  if (fstatfs (fd, &sfs) < 0 || fstat (fd, &st) < 0)
    return hook_fail (err, errno, "stat the shm tmpfs");
  if (sfs.f_type != TMPFS_MAGIC)
    return hook_fail (err, 0, "shm: not a tmpfs");
  /* tmpfs rounds the size up to whole pages.  */
  uint64_t total = (uint64_t)sfs.f_blocks * (uint64_t)sfs.f_bsize;
  uint64_t page = (uint64_t)sysconf (_SC_PAGESIZE);
  if (total < size || total - size >= page)
    return hook_fail (err, 0, "shm: tmpfs of %" PRIu64 " bytes, expected %" PRIu64, total, size);
  if ((st.st_mode & 07777) != 01777)
    return hook_fail (err, 0, "shm: mode %o, expected 1777", st.st_mode & 07777);
  return 0;
}

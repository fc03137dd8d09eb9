#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "shm.h"
#include "tmpfs.h"

int
shm_tmpfs_create (uint64_t size, const char *label, int *mount_fd, hook_error **err)
{
  tmpfs_options o = { .source = "shm", .mode = "1777", .size = size, .label = label };

  /* tmpfs_create refuses size 0 (unlimited).  */
  return tmpfs_create (&o, mount_fd, err);
}

int
shm_tmpfs_verify (int fd, uint64_t size, struct stat *root, hook_error **err)
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
  *root = st;
  return 0;
}

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <selinux/selinux.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "safepath.h"

int
openat2_fd (int dirfd, const char *path, int flags, mode_t mode, uint64_t resolve)
{
  struct open_how how = {
    .flags = (uint64_t)(flags | O_CLOEXEC),
    .mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
    .resolve = resolve,
  };
  int fd;
  do
    fd = (int)syscall (SYS_openat2, dirfd, path, &how, sizeof how);
  while (fd < 0 && errno == EAGAIN);
  return fd;
}

int
write_all (int fd, const void *buf, size_t len)
{
  const char *p = buf;
  while (len > 0)
    {
      ssize_t n = write (fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      if (n == 0)
        {
          errno = EIO;
          return -1;
        }
      p += n;
      len -= (size_t)n;
    }
  return 0;
}

ssize_t
read_small (int fd, char *buf, size_t size)
{
  ssize_t n;
  do
    n = pread (fd, buf, size - 1, 0);
  while (n < 0 && errno == EINTR);
  if (n >= 0)
    buf[n] = '\0';
  return n;
}

int
write_file_atomic (int dirfd, const char *name, const char *content, size_t len, const char *label,
                   hook_error **err)
{
  char tmp[256];

  if ((size_t)snprintf (tmp, sizeof tmp, ".%s.tmp", name) >= sizeof tmp)
    return hook_fail (err, ENAMETOOLONG, "%s", name);
  if (unlinkat (dirfd, tmp, 0) < 0 && errno != ENOENT)
    return hook_fail (err, errno, "remove stale %s", tmp);
  cleanup_close int fd = openat2_fd (dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0644,
                                     RESOLVE_STRICT_BENEATH);
  if (fd < 0)
    return hook_fail (err, errno, "create %s", tmp);
  if (fchmod (fd, 0644) < 0 || write_all (fd, content, len) < 0)
    {
      int saved = errno;
      unlinkat (dirfd, tmp, 0);
      return hook_fail (err, saved, "write %s", name);
    }
  if (label && fsetfilecon (fd, label) < 0)
    {
      int saved = errno;
      unlinkat (dirfd, tmp, 0);
      return hook_fail (err, saved, "label %s with %s", name, label);
    }
  if (renameat (dirfd, tmp, dirfd, name) < 0)
    {
      int saved = errno;
      unlinkat (dirfd, tmp, 0);
      return hook_fail (err, saved, "rename %s into place", name);
    }
  return 0;
}

int
read_regular_file (const char *path, size_t max, char **out, size_t *len, hook_error **err)
{
  struct stat st;
  cleanup_free char *buf = NULL;
  size_t used = 0;

  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0)
    return hook_fail (err, errno, "open %s", path);
  if (fstat (fd, &st) < 0)
    return hook_fail (err, errno, "stat %s", path);
  if (!S_ISREG (st.st_mode))
    return hook_fail (err, 0, "%s: not a regular file", path);
  if ((uint64_t)st.st_size > max)
    return hook_fail (err, 0, "%s: larger than %zu bytes", path, max);
  buf = malloc (max + 1);
  if (buf == NULL)
    return hook_fail (err, ENOMEM, "read %s", path);
  for (;;)
    {
      ssize_t n = read (fd, buf + used, max + 1 - used);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return hook_fail (err, errno, "read %s", path);
      if (n == 0)
        break;
      used += (size_t)n;
      if (used > max)
        return hook_fail (err, 0, "%s: larger than %zu bytes", path, max);
    }
  buf[used] = '\0';
  *len = used;
  *out = steal_pointer (&buf);
  return 0;
}

int
open_directory (const char *path, int *out, hook_error **err)
{
  int fd = openat2_fd (AT_FDCWD, path, O_PATH | O_DIRECTORY | O_NOFOLLOW, 0, RESOLVE_NO_MAGICLINKS);
  if (fd < 0)
    return hook_fail (err, errno, "open directory %s", path);
  *out = fd;
  return 0;
}

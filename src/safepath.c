#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <selinux/selinux.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "json.h"
#include "safepath.h"

static int
mount_id (int fd, uint64_t *id)
{
  struct statx stx;
  if (statx (fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) < 0)
    return -1;
  *id = stx.stx_mnt_id;
  return 0;
}

/* openat2 for environments that lack the syscall (valgrind 3.19, which the
   leak checks run under, answers ENOSYS).  Every resolve mode the hook
   uses with untrusted paths forbids symlinks, which makes a walk of
   O_PATH|O_NOFOLLOW opens, one component at a time, equivalent and
   race-free: a component swapped for a symlink is opened as the link itself
   and refused.  ".." is refused outright (the hook never needs it).  Modes
   without RESOLVE_NO_SYMLINKS are only used on trusted absolute paths.  */
static int
openat2_emulated (int dirfd, const char *path, int flags, mode_t mode, uint64_t resolve)
{
  cleanup_free char *copy = NULL;
  cleanup_close int start = -1;
  int cur;
  uint64_t start_mnt = 0, mnt;
  struct stat st;

  if (!(resolve & RESOLVE_NO_SYMLINKS))
    return openat (dirfd, path, flags | O_CLOEXEC, mode);
  if (path[0] == '/')
    {
      if (resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT))
        {
          errno = EXDEV;
          return -1;
        }
      start = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    }
  else
    start = openat (dirfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (start < 0)
    return -1;
  if ((resolve & RESOLVE_NO_XDEV) && mount_id (start, &start_mnt) < 0)
    return -1;
  copy = strdup (path);
  if (copy == NULL)
    return -1;

  cur = start;
  int owned = -1; /* the intermediate directory fd we opened, if any */
  char *save = NULL;
  char *comp = strtok_r (copy, "/", &save);
  if (comp == NULL)
    comp = (char *)".";
  for (;;)
    {
      char *next = strtok_r (NULL, "/", &save);
      int fd;
      if (strcmp (comp, "..") == 0)
        {
          if (owned >= 0)
            close (owned);
          errno = EXDEV;
          return -1;
        }
      fd = next ? openat (cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC)
                : openat (cur, comp, flags | O_NOFOLLOW | O_CLOEXEC, mode);
      int saved = errno;
      if (owned >= 0)
        close (owned);
      owned = -1;
      if (fd < 0)
        {
          errno = saved;
          return -1;
        }
      if (fstat (fd, &st) < 0 || S_ISLNK (st.st_mode) || (next && !S_ISDIR (st.st_mode))
          || ((resolve & RESOLVE_NO_XDEV) && (mount_id (fd, &mnt) < 0 || mnt != start_mnt)))
        {
          saved = S_ISLNK (st.st_mode) ? ELOOP : (next && !S_ISDIR (st.st_mode)) ? ENOTDIR : EXDEV;
          close (fd);
          errno = saved;
          return -1;
        }
      if (next == NULL)
        return fd;
      owned = cur = fd;
      comp = next;
    }
}

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
  if (fd < 0 && errno == ENOSYS)
    return openat2_emulated (dirfd, path, flags, how.mode, resolve);
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
replace_file_atomic (int dirfd, const char *name, mode_t mode, const char *label, bool durable,
                     file_filler fill, void *arg, hook_error **err)
{
  char tmp[256];

  if ((size_t)snprintf (tmp, sizeof tmp, ".%s.tmp", name) >= sizeof tmp)
    return hook_fail (err, ENAMETOOLONG, "%s", name);
  if (unlinkat (dirfd, tmp, 0) < 0 && errno != ENOENT)
    return hook_fail (err, errno, "remove stale %s", tmp);
  cleanup_close int fd = openat2_fd (dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW,
                                     mode & 0666, RESOLVE_STRICT_BENEATH);
  if (fd < 0)
    return hook_fail (err, errno, "create %s", tmp);
  /* The umask narrowed the creation mode: make it exact, by fd.  */
  if (fchmod (fd, mode) < 0)
    {
      int saved = errno;
      unlinkat (dirfd, tmp, 0);
      return hook_fail (err, saved, "write %s", name);
    }
  if (fill (fd, arg, err) < 0)
    {
      unlinkat (dirfd, tmp, 0);
      return hook_error_prefix (err, "write %s", name);
    }
  if (label && fsetfilecon (fd, label) < 0)
    {
      int saved = errno;
      unlinkat (dirfd, tmp, 0);
      return hook_fail (err, saved, "label %s with %s", name, label);
    }
  if ((durable && fsync (fd) < 0) || renameat (dirfd, tmp, dirfd, name) < 0)
    {
      int saved = errno;
      unlinkat (dirfd, tmp, 0);
      return hook_fail (err, saved, "rename %s into place", name);
    }
  return 0;
}

typedef struct content
{
  const char *bytes;
  size_t len;
} content;

static int
fill_with_content (int fd, void *arg, hook_error **err)
{
  const content *c = arg;
  if (write_all (fd, c->bytes, c->len) < 0)
    return hook_fail (err, errno, "write");
  return 0;
}

int
write_file_atomic (int dirfd, const char *name, const char *bytes, size_t len, const char *label,
                   hook_error **err)
{
  content c = { bytes, len };
  return replace_file_atomic (dirfd, name, 0644, label, false, fill_with_content, &c, err);
}

int
read_regular_fd (int fd, const char *name, size_t max, char **out, size_t *len, hook_error **err)
{
  struct stat st;

  if (fstat (fd, &st) < 0)
    return hook_fail (err, errno, "stat %s", name);
  if (!S_ISREG (st.st_mode))
    return hook_fail (err, 0, "%s: not a regular file", name);
  if (json_read_fd (fd, max, out, len, err) < 0)
    return hook_error_prefix (err, "%s", name);
  return 0;
}

int
read_regular_file (const char *path, size_t max, char **out, size_t *len, hook_error **err)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0)
    return hook_fail (err, errno, "open %s", path);
  return read_regular_fd (fd, path, max, out, len, err);
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

int
open_procfs (int *out, hook_error **err)
{
  struct statfs sfs;
  cleanup_close int fd = openat2_fd (AT_FDCWD, "/proc", O_PATH | O_DIRECTORY, 0,
                                     RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
  if (fd < 0)
    return hook_fail (err, errno, "open /proc");
  if (fstatfs (fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
    return hook_fail (err, 0, "/proc is not procfs");
  *out = steal_fd (&fd);
  return 0;
}

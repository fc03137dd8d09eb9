#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "safepath.h"
#include "security_libs.h"

/* create_temporary's names: "." NAME TEMPORARY_SUFFIX (a random word).  */
#define TEMPORARY_SUFFIX ".%08x.tmp"

int
mount_id_of (int fd, uint64_t *id)
{
  struct statx stx;
  if (statx (fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) < 0)
    return -1;
  if (!(stx.stx_mask & STATX_MNT_ID))
    {
      errno = ENOSYS;
      return -1;
    }
  *id = stx.stx_mnt_id;
  return 0;
}

int
unmount_fd (int procfs_fd, int fd, hook_error **err)
{
  char fdpath[32];

  /* The magic link names exactly the mount the fd holds: no path lookup
     an attacker could redirect.  umount2 has no fd form: the lookup
     starts from the hook's checked procfs, whatever mount namespace the
     hook stands in.  */
  if (fchdir (procfs_fd) < 0)
    return hook_fail (err, errno, "chdir to /proc");
  snprintf (fdpath, sizeof fdpath, "self/fd/%d", fd);
  if (umount2 (fdpath, MNT_DETACH) < 0)
    return hook_fail (err, errno, "unmount");
  return 0;
}

int
unmount_all_at (int parent_fd, const char *name, const char *what, int *unmounted, hook_error **err)
{
  uint64_t parent_id, id;
  cleanup_close int proc_fd = -1;

  if (mount_id_of (parent_fd, &parent_id) < 0)
    return hook_fail (err, errno, "statx the directory of %s", what);
  for (int round = 0; round < 64; round++)
    {
      cleanup_close int fd
          = openat2_fd (parent_fd, name, O_PATH | O_DIRECTORY, 0,
                        RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
      if (fd < 0 && errno == ENOENT)
        return 0;
      if (fd < 0)
        return hook_fail (err, errno, "open %s", what);
      if (mount_id_of (fd, &id) < 0)
        return hook_fail (err, errno, "statx %s", what);
      if (id == parent_id)
        return 0;
      if ((proc_fd < 0 && open_procfs (&proc_fd, err) < 0) || unmount_fd (proc_fd, fd, err) < 0)
        return hook_error_prefix (err, "%s", what);
      (*unmounted)++;
    }
  return hook_fail (err, 0, "%s: still mounted after 64 unmounts", what);
}

/* openat2 for environments that lack the syscall (valgrind 3.19, which the
   leak checks run under, answers ENOSYS; so may a seccomp profile).  With
   RESOLVE_NO_SYMLINKS a walk of O_PATH|O_NOFOLLOW opens, one component at
   a time, is equivalent and race-free: a component swapped for a symlink
   is opened as the link itself and refused.  ".." is refused outright (the
   hook never needs it).  Symlinks followed inside a root (RESOLVE_IN_ROOT:
   the installer's host paths) cannot be emulated, an absolute link would
   leave the root: that stays ENOSYS.  What is left, RESOLVE_BENEATH
   without RESOLVE_NO_SYMLINKS, is only used on the hook's own relative
   paths below its checked procfs ("self/..."), and is a plain openat.  */
static int
openat2_emulated (int dirfd, const char *path, int flags, mode_t mode, uint64_t resolve)
{
  cleanup_free char *copy = NULL;
  cleanup_close int start = -1;
  int cur;
  uint64_t start_mnt = 0, mnt;
  struct stat st;

  if ((resolve & (RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS)) == RESOLVE_IN_ROOT)
    {
      errno = ENOSYS;
      return -1;
    }
  if (path[0] == '/' && (resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT)))
    {
      errno = EXDEV;
      return -1;
    }
  if (!(resolve & RESOLVE_NO_SYMLINKS))
    return openat (dirfd, path, flags | O_CLOEXEC, mode);
  if (path[0] == '/')
    start = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  else
    start = openat (dirfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (start < 0)
    return -1;
  if ((resolve & RESOLVE_NO_XDEV) && mount_id_of (start, &start_mnt) < 0)
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
      /* ST is read only once fstat filled it.  */
      if (fstat (fd, &st) < 0)
        saved = errno;
      else if (S_ISLNK (st.st_mode))
        saved = ELOOP;
      else if (next && !S_ISDIR (st.st_mode))
        saved = ENOTDIR;
      else if ((resolve & RESOLVE_NO_XDEV) && (mount_id_of (fd, &mnt) < 0 || mnt != start_mnt))
        saved = EXDEV;
      else
        saved = 0;
      if (saved)
        {
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

/* Read FD to its end, or to EXPECTED bytes when EXPECTED is not 0 (a
   regular file of that size: no read to find the end; one that changes
   meanwhile is read as far as it was), into a buffer that starts at CAP
   bytes and doubles; more than MAX_BYTES is an error.  */
static int
read_bounded (int fd, size_t max_bytes, size_t cap, size_t expected, char **buf, size_t *len,
              hook_error **err)
{
  size_t used = 0;
  cleanup_free char *data = malloc (cap + 1);

  if (data == NULL)
    return hook_fail (err, ENOMEM, "reading input");
  while (expected == 0 || used < expected)
    {
      if (used == cap)
        {
          if (cap > max_bytes)
            return hook_fail (err, 0, "input exceeds the limit of %zu bytes", max_bytes);
          size_t ncap = cap * 2;
          char *n = realloc (data, ncap + 1);
          if (n == NULL)
            return hook_fail (err, ENOMEM, "reading input");
          data = n;
          cap = ncap;
        }
      ssize_t r = read (fd, data + used, cap - used);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return hook_fail (err, errno, "read");
      if (r == 0)
        break;
      used += (size_t)r;
      if (used > max_bytes)
        return hook_fail (err, 0, "input exceeds the limit of %zu bytes", max_bytes);
    }
  data[used] = '\0';
  *len = used;
  *buf = steal_pointer (&data);
  return 0;
}

/* What a state, a /proc file or a cgroup list usually needs, in one page
   with malloc's header: a larger first buffer costs the short-lived hook
   page faults for memory it never reads into.  */
#define READ_FIRST_CAP (4096u - 64u)

int
read_fd_bounded (int fd, size_t max_bytes, char **buf, size_t *len, hook_error **err)
{
  return read_bounded (fd, max_bytes, READ_FIRST_CAP, 0, buf, len, err);
}

int
read_regular_sized (int fd, const struct stat *st, size_t max, char **buf, size_t *len,
                    hook_error **err)
{
  if ((uint64_t)st->st_size > max)
    return hook_fail (err, 0, "input of %lld bytes exceeds the limit of %zu bytes",
                      (long long)st->st_size, max);
  /* An empty file may still be a kernel file that knows no size: read it
     to the end.  */
  if (st->st_size == 0)
    return read_fd_bounded (fd, max, buf, len, err);
  return read_bounded (fd, max, (size_t)st->st_size, (size_t)st->st_size, buf, len, err);
}

int
pread_small (int fd, const char *name, char *buf, size_t size, hook_error **err)
{
  ssize_t n;
  do
    n = pread (fd, buf, size - 1, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return hook_fail (err, errno, "read %s", name);
  buf[n] = '\0';
  return 0;
}

int
read_small_at (int dirfd, const char *path, uint64_t resolve, char *buf, size_t size,
               hook_error **err)
{
  cleanup_close int fd = openat2_fd (dirfd, path, O_RDONLY | O_NONBLOCK, 0, resolve);

  ssize_t n;

  if (fd < 0)
    return hook_fail (err, errno, "open %s", path);
  /* read, not pread: a FIFO or socket in a fake tree must fail as it did.  */
  do
    n = read (fd, buf, size - 1);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return hook_fail (err, errno, "read %s", path);
  buf[n] = '\0';
  return 0;
}

int
create_temporary (int dirfd, const char *name, mode_t mode, char *tmp, size_t size,
                  hook_error **err)
{
  for (int attempt = 0; attempt < 16; attempt++)
    {
      uint32_t r;
      if (getrandom (&r, sizeof r, 0) != sizeof r)
        return hook_fail (err, errno, "getrandom");
      if ((size_t)snprintf (tmp, size, ".%s" TEMPORARY_SUFFIX, name, (unsigned)r) >= size)
        return hook_fail (err, ENAMETOOLONG, "%s", name);
      int fd = openat2_fd (dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode & 0666,
                           RESOLVE_STRICT_BENEATH);
      if (fd >= 0)
        return fd;
      if (errno != EEXIST)
        return hook_fail (err, errno, "create %s", tmp);
    }
  return hook_fail (err, EEXIST, "create a temporary for %s", name);
}

bool
is_temporary_name (const char *entry, const char *name)
{
  /* TEMPORARY_SUFFIX as written: ".", eight hexadecimal digits, ".tmp".  */
  size_t n = strlen (entry), suffix = sizeof ".xxxxxxxx.tmp" - 1;

  if (entry[0] != '.' || n < 1 + 1 + suffix || strcmp (entry + n - 4, ".tmp") != 0)
    return false;
  if (name != NULL
      && (strlen (name) != n - 1 - suffix || strncmp (entry + 1, name, n - 1 - suffix) != 0))
    return false;
  if (entry[n - suffix] != '.')
    return false;
  for (size_t i = n - suffix + 1; i < n - 4; i++)
    if (!((entry[i] >= '0' && entry[i] <= '9') || (entry[i] >= 'a' && entry[i] <= 'f')))
      return false;
  return true;
}

int
replace_file_atomic (int dirfd, const char *name, mode_t mode, const selinux_label *label,
                     bool durable, file_filler fill, void *arg, hook_error **err)
{
  char tmp[NAME_MAX + 1];

  cleanup_close int fd = create_temporary (dirfd, name, mode, tmp, sizeof tmp, err);
  if (fd < 0)
    return -1;
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
  if (label && label->lib->fsetfilecon (fd, label->context) < 0)
    {
      int saved = errno;
      unlinkat (dirfd, tmp, 0);
      return hook_fail (err, saved, "label %s with %s", name, label->context);
    }
  if ((durable && fsync (fd) < 0) || renameat (dirfd, tmp, dirfd, name) < 0)
    {
      int saved = errno;
      unlinkat (dirfd, tmp, 0);
      return hook_fail (err, saved, "rename %s into place", name);
    }
  return 0;
}

int
read_regular_fd (int fd, const char *name, size_t max, char **out, size_t *len, hook_error **err)
{
  struct stat st;

  if (fstat (fd, &st) < 0)
    return hook_fail (err, errno, "stat %s", name);
  if (!S_ISREG (st.st_mode))
    return hook_fail (err, 0, "%s: not a regular file", name);
  if (read_regular_sized (fd, &st, max, out, len, err) < 0)
    return hook_error_prefix (err, "%s", name);
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

int
open_directory_lockable (const char *path, int *out, hook_error **err)
{
  int fd
      = openat2_fd (AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0, RESOLVE_NO_MAGICLINKS);
  if (fd < 0)
    return hook_fail (err, errno, "open directory %s", path);
  *out = fd;
  return 0;
}

int
lock_directory (int fd, const char *path, bool exclusive, hook_error **err)
{
  while (flock (fd, exclusive ? LOCK_EX : LOCK_SH) < 0)
    if (errno != EINTR)
      return hook_fail (err, errno, "lock %s", path);
  return 0;
}

int
open_directory_locked (const char *path, bool exclusive, int *out, hook_error **err)
{
  cleanup_close int fd = -1;
  if (open_directory_lockable (path, &fd, err) < 0 || lock_directory (fd, path, exclusive, err) < 0)
    return -1;
  *out = steal_fd (&fd);
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

/* ---------------------------------------------------- trusted files */

#define TRUST_MAX_SYMLINKS 40
#define TRUST_MAX_DEPTH    128
#define TRUST_PENDING_MAX  (2 * PATH_MAX)

typedef struct trust_walk
{
  int dirs[TRUST_MAX_DEPTH];   /* O_PATH fds from "/" down to the current directory */
  dev_t devs[TRUST_MAX_DEPTH]; /* the devices of their file systems */
  size_t depth;
  char where[PATH_MAX]; /* the current directory, for messages */
} trust_walk;

static void
trust_walk_release (trust_walk *w)
{
  for (size_t i = 0; i < w->depth; i++)
    close (w->dirs[i]);
  w->depth = 0;
}

static int
trusted_directory (const struct stat *dir, const char *where, hook_error **err)
{
  const struct stat st = *dir;
  if (st.st_uid != 0)
    return hook_fail (err, 0, "not trusted: directory %s is owned by uid %u, not root", where,
                      (unsigned)st.st_uid);
  /* A sticky directory (/tmp) lets others add names, never replace or
     rename root's: the next component, owned by root, is still root's.  */
  if ((st.st_mode & 022) && !(st.st_mode & S_ISVTX))
    return hook_fail (err, 0,
                      "not trusted: directory %s is writable by group or others (mode %04o)", where,
                      (unsigned)(st.st_mode & 07777));
  return 0;
}

static int
trust_walk_root (trust_walk *w, hook_error **err)
{
  trust_walk_release (w);
  struct stat st;
  int fd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return hook_fail (err, errno, "open /");
  w->dirs[w->depth++] = fd;
  strcpy (w->where, "/");
  if (fstat (fd, &st) < 0)
    return hook_fail (err, errno, "stat directory /");
  w->devs[0] = st.st_dev;
  return trusted_directory (&st, "/", err);
}

int
on_fuse (int fd, bool *fuse)
{
  struct statfs sfs;
  if (fstatfs (fd, &sfs) < 0)
    return -1;
  *fuse = sfs.f_type == FUSE_SUPER_MAGIC;
  return 0;
}

/* The separator between the walk's WHERE and a name below it, for
   messages: none after "/".  */
static const char *
where_sep (const char *where)
{
  return strcmp (where, "/") ? "/" : "";
}

/* A walk gets onto a FUSE file system only through a mount, where the
   device changes: NAME in DIR (FD, or looked up again when -1), found
   on another device than DIR's, is looked at with fstatfs.  */
static int
refuse_fuse (int dir, const char *name, int fd, const char *where, hook_error **err)
{
  cleanup_close int own = fd < 0 ? openat (dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC) : -1;
  bool fuse;
  if (fd < 0 && own < 0)
    return hook_fail (err, errno, "%s%s%s", where, where_sep (where), name);
  if (on_fuse (fd < 0 ? own : fd, &fuse) < 0)
    return hook_fail (err, errno, "statfs %s", name);
  if (fuse)
    return hook_fail (err, 0,
                      "not trusted: %s%s%s is on a FUSE file system, whose daemon chooses the "
                      "owners and modes it reports",
                      where, where_sep (where), name);
  return 0;
}

static void
where_append (char *where, const char *name)
{
  size_t len = strlen (where);
  snprintf (where + len, PATH_MAX - len, "%s%s", len > 1 ? "/" : "", name);
}

static void
where_pop (char *where)
{
  char *slash = strrchr (where, '/');
  if (slash == where)
    where[1] = '\0';
  else if (slash)
    *slash = '\0';
}

/* NAME, looked up in the walk's current directory, failed with ERRNO_VALUE.
   The message names the path reached ("/etc/x: No such file or
   directory" for a walk to /etc/x/y), except when that is PATH itself,
   which every caller's prefix already names.  */
static int
walk_fail_lookup (hook_error **err, int errno_value, const trust_walk *w, const char *name,
                  const char *path)
{
  const char *sep = where_sep (w->where);
  size_t where_len = strlen (w->where), sep_len = strlen (sep);
  bool whole = strncmp (path, w->where, where_len) == 0
               && strncmp (path + where_len, sep, sep_len) == 0
               && strcmp (path + where_len + sep_len, name) == 0;
  if (whole)
    return hook_fail (err, errno_value, "%s", "");
  return hook_fail (err, errno_value, "%s%s%s", w->where, sep, name);
}

/* The walk of open_trusted_file and open_trusted_directory: WANT_DIRECTORY
   says what the last component must be.  */
static int
trusted_walk (const char *path, bool want_directory, int *out, struct stat *out_st,
              hook_error **err)
{
  /* Not zeroed: WHERE is a string, DIRS counted by DEPTH.  The walk keeps
     to a few hundred bytes of stack (a symlink's text goes to the heap):
     the hook walks several paths a run, each at another depth, and every
     fresh stack page is a fault of a process that lives a millisecond.  */
  __attribute__ ((cleanup (trust_walk_release))) trust_walk w;
  cleanup_free char *expanded = NULL; /* after a symlink: its target, then the rest */
  const char *rest = path;
  int links = 0;

  w.depth = 0;
  w.where[0] = '\0';
  if (path[0] != '/')
    return hook_fail (err, 0, "not an absolute path");
  if (strlen (path) >= PATH_MAX)
    return hook_fail (err, ENAMETOOLONG, "path");
  if (trust_walk_root (&w, err) < 0)
    return -1;

  for (;;)
    {
      while (*rest == '/')
        rest++;
      if (*rest == '\0')
        {
          if (!want_directory)
            return hook_fail (err, EISDIR, "not a regular file");
          *out = fcntl (w.dirs[w.depth - 1], F_DUPFD_CLOEXEC, 3);
          return *out < 0 ? hook_fail (err, errno, "dup") : 0;
        }
      const char *slash = strchr (rest, '/');
      char name[NAME_MAX + 1];
      size_t n = slash ? (size_t)(slash - rest) : strlen (rest);
      if (n > NAME_MAX)
        return hook_fail (err, ENAMETOOLONG, "path component");
      memcpy (name, rest, n);
      name[n] = '\0';
      rest += n;
      while (*rest == '/')
        rest++;
      bool last = *rest == '\0';

      if (strcmp (name, ".") == 0)
        {
          if (last && !want_directory)
            return hook_fail (err, EISDIR, "not a regular file");
          continue;
        }
      if (strcmp (name, "..") == 0)
        {
          if (w.depth > 1)
            {
              close (w.dirs[--w.depth]);
              where_pop (w.where);
            }
          if (last && !want_directory)
            return hook_fail (err, EISDIR, "not a regular file");
          continue;
        }

      /* A directory to descend into is held by an O_PATH fd, the next
         name looked up below it.  The file at the end is only looked at
         by name: it is opened for reading below, by name in DIR, only
         once it is known to be a regular file (never a FIFO or a
         device), and then proven to be the inode that was looked at.
         Looking at a symlink or that file by name in DIR is as safe as
         through an fd: DIR is trusted, and only root can replace the
         root-owned names the checks accept in it, a sticky /tmp
         included.  One fstatat instead of an open, an fstat and a
         close, for each trusted file the hook reads.  */
      int dir = w.dirs[w.depth - 1];
      bool by_name = last && !want_directory;
      cleanup_close int fd = -1;
      struct stat st;
      if (by_name ? fstatat (dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0
                  : (fd = openat (dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC)) < 0)
        return walk_fail_lookup (err, errno, &w, name, path);
      if (!by_name && fstat (fd, &st) < 0)
        return hook_fail (err, errno, "stat %s", name);
      if (st.st_dev != w.devs[w.depth - 1] && refuse_fuse (dir, name, fd, w.where, err) < 0)
        return -1;

      if (S_ISLNK (st.st_mode))
        {
          if (st.st_uid != 0)
            return hook_fail (err, 0, "not trusted: symlink %s%s%s is owned by uid %u, not root",
                              w.where, where_sep (w.where), name, (unsigned)st.st_uid);
          if (++links > TRUST_MAX_SYMLINKS)
            return hook_fail (err, ELOOP, "resolve");
          /* The link's target, then what was left of the path: at most
             two paths' worth.  */
          size_t rest_len = strlen (rest);
          cleanup_free char *next = malloc (TRUST_PENDING_MAX);
          if (next == NULL)
            return hook_fail (err, ENOMEM, "resolve");
          ssize_t l = by_name ? readlinkat (dir, name, next, PATH_MAX)
                              : readlinkat (fd, "", next, PATH_MAX);
          if (l < 0)
            return hook_fail (err, errno, "read symlink %s", name);
          if ((size_t)l >= PATH_MAX || (size_t)l + rest_len + 2 > TRUST_PENDING_MAX)
            return hook_fail (err, ENAMETOOLONG, "resolve");
          next[l] = '\0';
          if (*rest)
            {
              next[l] = '/';
              memcpy (next + l + 1, rest, rest_len + 1);
            }
          free (expanded);
          expanded = steal_pointer (&next);
          rest = expanded;
          if (expanded[0] == '/' && trust_walk_root (&w, err) < 0)
            return -1;
          continue;
        }

      if (!last || want_directory)
        {
          if (!S_ISDIR (st.st_mode))
            return hook_fail (err, ENOTDIR, "%s", name);
          if (w.depth == TRUST_MAX_DEPTH)
            return hook_fail (err, ELOOP, "resolve");
          where_append (w.where, name);
          if (trusted_directory (&st, w.where, err) < 0)
            return -1;
          if (last)
            {
              *out = steal_fd (&fd);
              return 0;
            }
          w.devs[w.depth] = st.st_dev;
          w.dirs[w.depth++] = steal_fd (&fd);
          continue;
        }

      if (!S_ISREG (st.st_mode))
        return hook_fail (err, 0, "not a regular file");
      if (st.st_uid != 0)
        return hook_fail (err, 0, "not trusted: owned by uid %u, not root", (unsigned)st.st_uid);
      if (st.st_mode & 022)
        return hook_fail (err, 0, "not trusted: writable by group or others (mode %04o)",
                          (unsigned)(st.st_mode & 07777));
      /* Reopen for reading the very file that was checked.  */
      int rfd = openat (dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
      struct stat again;
      if (rfd < 0)
        return hook_fail (err, errno, "open");
      if (fstat (rfd, &again) < 0 || again.st_dev != st.st_dev || again.st_ino != st.st_ino)
        {
          close (rfd);
          return hook_fail (err, 0, "not trusted: replaced while it was checked");
        }
      *out = rfd;
      if (out_st)
        *out_st = again;
      return 0;
    }
}

int
open_trusted_file (const char *path, int *out, hook_error **err)
{
  return trusted_walk (path, false, out, NULL, err);
}

int
open_trusted_directory (const char *path, int *out, hook_error **err)
{
  return trusted_walk (path, true, out, NULL, err);
}

int
read_trusted_file (const char *path, const char *name, size_t max, bool world_readable, char **out,
                   size_t *len, hook_error **err)
{
  cleanup_close int fd = -1;
  struct stat st;

  if (trusted_walk (path, false, &fd, &st, err) < 0)
    return hook_error_prefix (err, "%s", name);
  if (world_readable && !(st.st_mode & S_IROTH))
    return hook_fail (err, 0,
                      "%s: not world-readable (mode %04o): refusing to publish it into a pod", name,
                      (unsigned)(st.st_mode & 07777));
  /* The walk checked it is a regular file.  */
  if (read_regular_sized (fd, &st, max, out, len, err) < 0)
    return hook_error_prefix (err, "%s", name);
  return 0;
}

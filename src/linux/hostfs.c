#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cleanup.h"
#include "hostfs.h"
#include "safepath.h"
#include "write_all.h"

/* Inside the root: ".." and absolute links stay in it; /proc's magic links
   never resolve.  */
#define RESOLVE_HOST (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)

#define SELINUX_XATTR "security.selinux"

int
hostfs_open_root (const char *root, int *out, hook_error **err)
{
  cleanup_close int fd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0)
    return hook_fail (err, errno, "--root %s", root);
  if (lock_directory (fd, root, true, err) < 0)
    return -1;
  *out = steal_fd (&fd);
  return 0;
}

/* "/etc/containerd/config.toml" -> "etc/containerd/config.toml".  */
static const char *
relative (const char *path)
{
  while (*path == '/')
    path++;
  return *path ? path : ".";
}

/* The parent directory of PATH (an O_PATH fd) and its last component.  */
static int
open_parent (int root_fd, const char *path, int *dir_fd, const char **name, hook_error **err)
{
  cleanup_free char *parent = NULL;
  const char *slash = strrchr (path, '/');

  if (path[0] != '/' || slash == NULL || slash[1] == '\0')
    return hook_fail (err, EINVAL, "%s: not an absolute path to a file", path);
  *name = slash + 1;
  parent = strndup (path, (size_t)(slash - path));
  if (parent == NULL)
    return hook_fail (err, ENOMEM, "%s", path);
  *dir_fd = openat2_fd (root_fd, relative (parent), O_PATH | O_DIRECTORY, 0, RESOLVE_HOST);
  if (*dir_fd < 0)
    return hook_fail (err, errno, "open directory %s", parent[0] ? parent : "/");
  return 0;
}

static found_type
type_of (mode_t mode)
{
  return S_ISREG (mode)   ? FOUND_FILE
         : S_ISLNK (mode) ? FOUND_SYMLINK
         : S_ISDIR (mode) ? FOUND_DIRECTORY
                          : FOUND_OTHER;
}

int
hostfs_lstat (int root_fd, const char *path, hostfs_stat *st, hook_error **err)
{
  cleanup_close int dir = -1;
  const char *name;
  struct stat s;

  memset (st, 0, sizeof *st);
  if (open_parent (root_fd, path, &dir, &name, err) < 0)
    {
      if (!hook_error_absorb (err, ENOENT) && !hook_error_absorb (err, ENOTDIR))
        return -1;
      st->type = FOUND_ABSENT;
      return 0;
    }
  if (fstatat (dir, name, &s, AT_SYMLINK_NOFOLLOW) < 0)
    {
      if (errno == ENOENT)
        {
          st->type = FOUND_ABSENT;
          return 0;
        }
      return hook_fail (err, errno, "stat %s", path);
    }
  st->type = type_of (s.st_mode);
  st->mode = s.st_mode & 07777;
  st->uid = s.st_uid;
  st->gid = s.st_gid;
  return 0;
}

int
hostfs_read (int root_fd, const char *path, bool follow, size_t max, found_type *type, char **data,
             size_t *len, hook_error **err)
{
  cleanup_close int fd = -1;
  struct stat st;

  *data = NULL;
  *len = 0;
  *type = FOUND_ABSENT;
  if (follow)
    fd = openat2_fd (root_fd, relative (path), O_RDONLY | O_NONBLOCK | O_NOCTTY, 0, RESOLVE_HOST);
  else
    {
      cleanup_close int dir = -1;
      const char *name;
      hostfs_stat s;
      if (hostfs_lstat (root_fd, path, &s, err) < 0)
        return -1;
      if (s.type != FOUND_FILE)
        {
          *type = s.type;
          return 0;
        }
      if (open_parent (root_fd, path, &dir, &name, err) < 0)
        return -1;
      fd = openat (dir, name, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC);
    }
  if (fd < 0)
    {
      if (errno == ENOENT || errno == ENOTDIR)
        return 0;
      return hook_fail (err, errno, "open %s", path);
    }
  if (fstat (fd, &st) < 0)
    return hook_fail (err, errno, "stat %s", path);
  *type = type_of (st.st_mode);
  if (*type != FOUND_FILE)
    return 0;
  if ((uint64_t)st.st_size > max)
    return hook_fail (err, EFBIG, "%s: %lld bytes exceed the limit of %zu", path,
                      (long long)st.st_size, max);
  if (read_regular_sized (fd, &st, max, data, len, err) < 0)
    return hook_error_prefix (err, "%s", path);
  return 0;
}

int
hostfs_readlink (int root_fd, const char *path, char **target, hook_error **err)
{
  cleanup_close int dir = -1;
  const char *name;
  char buf[PATH_MAX];
  ssize_t n;

  if (open_parent (root_fd, path, &dir, &name, err) < 0)
    return -1;
  n = readlinkat (dir, name, buf, sizeof buf);
  if (n < 0)
    return hook_fail (err, errno, "read the symlink %s", path);
  if ((size_t)n >= sizeof buf)
    return hook_fail (err, ENAMETOOLONG, "read the symlink %s", path);
  *target = strndup (buf, (size_t)n);
  return *target ? 0 : hook_fail (err, ENOMEM, "%s", path);
}

static int
compare_dirents (const void *a, const void *b)
{
  return strcmp (((const host_dirent *)a)->name, ((const host_dirent *)b)->name);
}

int
hostfs_list (int root_fd, const char *path, host_dirent **entries, size_t *n, hook_error **err)
{
  int fd = openat2_fd (root_fd, relative (path), O_RDONLY | O_DIRECTORY, 0, RESOLVE_HOST);
  host_dirent *list = NULL;
  size_t count = 0;
  DIR *d;
  struct dirent *de;

  *entries = NULL;
  *n = 0;
  if (fd < 0)
    {
      if (errno == ENOENT || errno == ENOTDIR)
        return 0;
      return hook_fail (err, errno, "open directory %s", path);
    }
  d = fdopendir (fd);
  if (d == NULL)
    {
      int saved = errno;
      close (fd);
      return hook_fail (err, saved, "read directory %s", path);
    }
  while ((errno = 0, de = readdir (d)) != NULL)
    {
      struct stat st;
      host_dirent *p;
      host_entry_type type;

      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (fstatat (dirfd (d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        continue; /* gone meanwhile */
      if (S_ISLNK (st.st_mode))
        {
          /* An engine opens it and reads the file it names.  */
          cleanup_free char *full = path_join (path, de->d_name);
          cleanup_close int t
              = full ? openat2_fd (root_fd, relative (full), O_PATH, 0, RESOLVE_HOST) : -1;
          type = t >= 0 && fstat (t, &st) == 0 && S_ISREG (st.st_mode) ? HOST_FILE : HOST_OTHER;
        }
      else
        type = S_ISREG (st.st_mode)   ? HOST_FILE
               : S_ISDIR (st.st_mode) ? HOST_DIRECTORY
                                      : HOST_OTHER;
      p = reallocarray (list, count + 1, sizeof *p);
      if (p == NULL || (p[count].name = strdup (de->d_name)) == NULL)
        {
          if (p)
            list = p;
          host_dirents_free (list, count);
          closedir (d);
          return hook_fail (err, ENOMEM, "read directory %s", path);
        }
      p[count++].type = type;
      list = p;
    }
  if (errno != 0)
    {
      int saved = errno;
      host_dirents_free (list, count);
      closedir (d);
      return hook_fail (err, saved, "read directory %s", path);
    }
  closedir (d);
  if (count)
    qsort (list, count, sizeof *list, compare_dirents);
  *entries = list;
  *n = count;
  return 0;
}

int
hostfs_executable (int root_fd, const char *path, bool *yes, hook_error **err)
{
  cleanup_close int fd = openat2_fd (root_fd, relative (path), O_PATH, 0, RESOLVE_HOST);
  struct stat st;

  *yes = false;
  if (fd < 0)
    {
      if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)
        return 0;
      return hook_fail (err, errno, "open %s", path);
    }
  if (fstat (fd, &st) < 0)
    return hook_fail (err, errno, "stat %s", path);
  *yes = S_ISREG (st.st_mode) && (st.st_mode & 0111);
  return 0;
}

int
hostfs_write (int root_fd, const char *path, const char *data, size_t len, uint32_t mode,
              uint32_t uid, uint32_t gid, bool tmp_in_parent, hook_error **err)
{
  cleanup_close int dir = -1, tmp_dir = -1, fd = -1, old = -1;
  const char *name;
  char tmp[NAME_MAX + 1], label[256];
  ssize_t label_len = -1;
  struct stat st;
  int saved;

  if (open_parent (root_fd, path, &dir, &name, err) < 0)
    return -1;
  old = openat (dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (old >= 0)
    {
      if (fstat (old, &st) < 0)
        return hook_fail (err, errno, "stat %s", path);
      if (!S_ISREG (st.st_mode))
        return hook_fail (err, 0, "%s: %s: the installer replaces regular files only", path,
                          S_ISLNK (st.st_mode) ? "a symlink" : "not a regular file");
      /* The label the host's policy gave it (container_config_t, ...):
         a new inode would get its directory's default.  */
      cleanup_close int rd = openat (dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
      if (rd >= 0)
        label_len = fgetxattr (rd, SELINUX_XATTR, label, sizeof label);
    }
  else if (errno != ENOENT)
    return hook_fail (err, errno, "open %s", path);

  if (tmp_in_parent)
    {
      /* The parent's parent, by name and inside the root ("/x" has none:
         its own directory then).  */
      cleanup_free char *above = path_dir (path);
      cleanup_free char *above2 = above ? path_dir (above) : NULL;
      if (above2 == NULL)
        return hook_fail (err, ENOMEM, "%s", path);
      tmp_dir = strcmp (above, "/") == 0 ? dup (dir)
                                         : openat2_fd (root_fd, relative (above2),
                                                       O_PATH | O_DIRECTORY, 0, RESOLVE_HOST);
    }
  else
    tmp_dir = dup (dir);
  if (tmp_dir < 0)
    return hook_fail (err, errno, "open the directory above %s", path);
  fd = create_temporary (tmp_dir, name, 0600, tmp, sizeof tmp, err);
  if (fd < 0)
    return hook_error_prefix (err, "write %s", path);
  if (write_all (fd, data, len) < 0 || fchown (fd, uid, gid) < 0 || fchmod (fd, mode) < 0
      || (label_len > 0 && fsetxattr (fd, SELINUX_XATTR, label, (size_t)label_len, 0) < 0)
      || fsync (fd) < 0)
    {
      saved = errno;
      unlinkat (tmp_dir, tmp, 0);
      return hook_fail (err, saved, "write %s", path);
    }
  if (renameat (tmp_dir, tmp, dir, name) < 0)
    {
      saved = errno;
      unlinkat (tmp_dir, tmp, 0);
      /* Another filesystem above: the temporary goes next to the file.  */
      if (saved == EXDEV && tmp_in_parent)
        return hostfs_write (root_fd, path, data, len, mode, uid, gid, false, err);
      return hook_fail (err, saved, "rename %s into place", path);
    }
  {
    cleanup_close int sync_fd = openat (dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (sync_fd >= 0)
      fsync (sync_fd);
  }
  return 0;
}

int
hostfs_symlink (int root_fd, const char *path, const char *target, hook_error **err)
{
  cleanup_close int dir = -1;
  const char *name;

  if (open_parent (root_fd, path, &dir, &name, err) < 0)
    return -1;
  if (symlinkat (target, dir, name) < 0)
    return hook_fail (err, errno, "symlink %s", path);
  return 0;
}

/* The parent of a path to remove: gone with it (an uninstall cut short
   after it removed the directory) means there is nothing to remove.  */
static int
open_parent_to_remove (int root_fd, const char *path, int *dir, const char **name, bool *gone,
                       hook_error **err)
{
  *gone = false;
  if (open_parent (root_fd, path, dir, name, err) == 0)
    return 0;
  if (!hook_error_absorb (err, ENOENT))
    return -1;
  *gone = true;
  return 0;
}

int
hostfs_unlink (int root_fd, const char *path, hook_error **err)
{
  cleanup_close int dir = -1;
  const char *name;
  bool gone;

  if (open_parent_to_remove (root_fd, path, &dir, &name, &gone, err) < 0)
    return -1;
  if (gone)
    return 0;
  if (unlinkat (dir, name, 0) < 0 && errno != ENOENT)
    return hook_fail (err, errno, "remove %s", path);
  return 0;
}

int
hostfs_mkdir (int root_fd, const char *path, uint32_t mode, hook_error **err)
{
  cleanup_close int dir = -1, made = -1;
  const char *name;

  if (open_parent (root_fd, path, &dir, &name, err) < 0)
    return -1;
  if (mkdirat (dir, name, 0700) < 0)
    return hook_fail (err, errno, "create directory %s", path);
  /* The umask narrowed it: set the mode exactly, by fd.  */
  made = openat (dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (made < 0 || fchmod (made, mode) < 0)
    return hook_fail (err, errno, "create directory %s", path);
  return 0;
}

int
hostfs_rmdir (int root_fd, const char *path, bool *not_empty, hook_error **err)
{
  cleanup_close int dir = -1;
  const char *name;
  bool gone;

  *not_empty = false;
  if (open_parent_to_remove (root_fd, path, &dir, &name, &gone, err) < 0)
    return -1;
  if (gone)
    return 0;
  if (unlinkat (dir, name, AT_REMOVEDIR) < 0)
    {
      if (errno == ENOTEMPTY || errno == EEXIST)
        {
          *not_empty = true;
          return 0;
        }
      if (errno != ENOENT)
        return hook_fail (err, errno, "remove directory %s", path);
    }
  return 0;
}

int
hostfs_remove_files (int root_fd, const char *dir, hostfs_name_match match, const char *arg,
                     size_t *removed, hook_error **err)
{
  host_dirent *entries = NULL;
  size_t n = 0;
  int ret = 0;

  if (hostfs_list (root_fd, dir, &entries, &n, err) < 0)
    return -1;
  for (size_t i = 0; i < n && ret == 0; i++)
    {
      cleanup_free char *path = NULL;
      hostfs_stat st;
      if (match && !match (entries[i].name, arg))
        continue;
      path = path_join (dir, entries[i].name);
      if (path == NULL)
        ret = hook_fail (err, ENOMEM, "%s", dir);
      else if (hostfs_lstat (root_fd, path, &st, err) < 0)
        ret = -1;
      else if (st.type == FOUND_FILE)
        {
          ret = hostfs_unlink (root_fd, path, err);
          *removed += ret == 0;
        }
    }
  host_dirents_free (entries, n);
  return ret;
}

int
hostfs_hold (int root_fd, const char *path, int *out, hook_error **err)
{
  cleanup_close int fd
      = openat2_fd (root_fd, relative (path), O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0, RESOLVE_HOST);

  if (fd < 0)
    return hook_fail (err, errno, "open directory %s", path);
  if (lock_directory (fd, path, false, err) < 0)
    return -1;
  *out = steal_fd (&fd);
  return 0;
}

int
hostfs_sole_holder (int held, const char *path, bool *sole, hook_error **err)
{
  /* Not atomic (flock drops the shared lock first): a holder that fails
     to be the sole one holds nothing afterwards, and is about to exit.  */
  while (flock (held, LOCK_EX | LOCK_NB) < 0)
    {
      if (errno == EWOULDBLOCK)
        {
          *sole = false;
          return 0;
        }
      if (errno != EINTR)
        return hook_fail (err, errno, "lock %s", path);
    }
  *sole = true;
  return 0;
}

/* ---------------------------------------------------------------- the view */

static int
view_read (void *ctx, const char *path, host_entry_type *type, char **data, size_t *len,
           hook_error **err)
{
  found_type t;
  /* Configuration files: the TOML editor refuses more than 1 MiB anyway.  */
  if (hostfs_read (*(int *)ctx, path, true, HOSTFS_VIEW_MAX_BYTES, &t, data, len, err) < 0)
    return -1;
  *type = t == FOUND_FILE        ? HOST_FILE
          : t == FOUND_DIRECTORY ? HOST_DIRECTORY
          : t == FOUND_ABSENT    ? HOST_ABSENT
                                 : HOST_OTHER;
  return 0;
}

static int
view_list (void *ctx, const char *path, host_dirent **entries, size_t *n, hook_error **err)
{
  return hostfs_list (*(int *)ctx, path, entries, n, err);
}

static int
view_executable (void *ctx, const char *path, bool *yes, hook_error **err)
{
  return hostfs_executable (*(int *)ctx, path, yes, err);
}

void
hostfs_view (int *root_fd, host_view *view)
{
  view->ctx = root_fd;
  view->read = view_read;
  view->list = view_list;
  view->executable = view_executable;
}

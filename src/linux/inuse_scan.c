#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "inuse_scan.h"
#include "safepath.h"
#include "string_list.h"

/* A location as the host finds it: ".." and absolute links stay inside
   the root (a configured /var/run/containerd), magic links never
   resolve.  */
#define RESOLVE_LOCATION (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)
/* Below a location: no symlink at all.  */
#define RESOLVE_STATE (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)

#define TASK_DIR "io.containerd.runtime.v2.task"

typedef struct scan
{
  int root_fd;
  const char *prefix;
  bool have_binary;
  dev_t dev;
  ino_t ino;
  size_t files;
  bool stopped;
  inuse_users *users;
} scan;

static const char *
relative (const char *path)
{
  while (*path == '/')
    path++;
  return *path ? path : ".";
}

/* A file counted as in use though it could not be read: named, with
   why.  */
static int
damaged (scan *s, const char *engine, const char *id, const char *file, const char *why,
         hook_error **err)
{
  cleanup_free char *reason = NULL;
  if (asprintf (&reason, "%s: counted as in use", why) < 0)
    return hook_fail (err, ENOMEM, "uninstall");
  return inuse_users_add (s->users, engine, id, file, reason, true, err);
}

static int
damaged_errno (scan *s, const char *engine, const char *id, const char *file, const char *what,
               int e, hook_error **err)
{
  cleanup_free char *why = NULL;
  if (asprintf (&why, "%s: %s", what, strerror (e)) < 0)
    return hook_fail (err, ENOMEM, "uninstall");
  return damaged (s, engine, id, file, why, err);
}

/* LOCATION (a host path) as a directory fd inside the root; -1 when it is
   not there.  */
static int
open_location (scan *s, const char *location, int *fd, hook_error **err)
{
  *fd = openat2_fd (s->root_fd, relative (location), O_RDONLY | O_DIRECTORY, 0, RESOLVE_LOCATION);
  if (*fd >= 0 || errno == ENOENT || errno == ENOTDIR)
    return 0;
  return damaged_errno (s, "?", "-", location, "open the directory", errno, err);
}

/* NAME below DIR_FD as a directory fd, no symlink followed; -1 when it is
   gone (deleted meanwhile) or is no directory.  */
static int
open_below (scan *s, int dir_fd, const char *name, const char *path, int *fd, hook_error **err)
{
  *fd = openat2_fd (dir_fd, name, O_RDONLY | O_DIRECTORY, 0, RESOLVE_STATE);
  if (*fd >= 0 || errno == ENOENT || errno == ENOTDIR)
    return 0;
  /* Listed as a directory, a symlink now.  */
  if (errno == ELOOP)
    return damaged (s, "?", name, path, "a symlink, not followed", err);
  return damaged_errno (s, "?", name, path, "open the directory", errno, err);
}

/* The entries of DIR_FD that may be a container's: its subdirectories in
   DIRS, and in LINKS its symlinks, which are never followed.  Any other
   file is no container's state.  At most INUSE_MAX_ENTRIES entries are
   read; *MORE says there were more.  */
static int
list_entries (int dir_fd, const char *path, string_list *dirs, string_list *links, bool *more,
              hook_error **err)
{
  int fd = dup (dir_fd);
  size_t seen = 0;
  DIR *d;
  struct dirent *de;

  *more = false;
  if (fd < 0)
    return hook_fail (err, errno, "read directory %s", path);
  d = fdopendir (fd);
  if (d == NULL)
    {
      int saved = errno;
      close (fd);
      return hook_fail (err, saved, "read directory %s", path);
    }
  /* A dup shares the offset: read from the start.  */
  rewinddir (d);
  while ((errno = 0, de = readdir (d)) != NULL)
    {
      unsigned char type = de->d_type;
      struct stat st;
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (++seen > INUSE_MAX_ENTRIES)
        {
          *more = true;
          break;
        }
      if (type == DT_UNKNOWN)
        {
          if (fstatat (dirfd (d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            continue; /* gone meanwhile */
          type = S_ISDIR (st.st_mode) ? DT_DIR : S_ISLNK (st.st_mode) ? DT_LNK : DT_REG;
        }
      if ((type == DT_DIR && string_list_take (dirs, strdup (de->d_name)) < 0)
          || (type == DT_LNK && string_list_take (links, strdup (de->d_name)) < 0))
        {
          closedir (d);
          return hook_fail (err, ENOMEM, "read directory %s", path);
        }
    }
  if (errno != 0 && !*more)
    {
      int saved = errno;
      closedir (d);
      return hook_fail (err, saved, "read directory %s", path);
    }
  closedir (d);
  return 0;
}

typedef enum read_kind
{
  READ_ABSENT, /* not there: never made, or deleted meanwhile */
  READ_FILE,
  READ_REFUSED, /* there, but not read: *WHY says why */
} read_kind;

/* NAME in DIR_FD (no symlink): a regular file of at most MAX bytes, looked
   at before it is opened.  */
static int
read_state_file (scan *s, int dir_fd, const char *name, size_t max, read_kind *kind, char **data,
                 size_t *len, char **why, hook_error **err)
{
  cleanup_close int fd = -1;
  struct stat st;

  *kind = READ_ABSENT;
  *data = NULL;
  *why = NULL;
  if (fstatat (dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    {
      if (errno == ENOENT)
        return 0;
      *kind = READ_REFUSED;
      return asprintf (why, "stat: %s", strerror (errno)) < 0 ? hook_fail (err, ENOMEM, "scan") : 0;
    }
  if (!S_ISREG (st.st_mode))
    {
      *kind = READ_REFUSED;
      *why = strdup (S_ISLNK (st.st_mode)   ? "a symlink, not followed"
                     : S_ISDIR (st.st_mode) ? "a directory, not a file"
                                            : "not a regular file, not opened");
      return *why ? 0 : hook_fail (err, ENOMEM, "scan");
    }
  if ((uint64_t)st.st_size > max)
    {
      *kind = READ_REFUSED;
      return asprintf (why, "%lld bytes exceed the limit of %zu", (long long)st.st_size, max) < 0
                 ? hook_fail (err, ENOMEM, "scan")
                 : 0;
    }
  if (s->files++ >= INUSE_MAX_FILES)
    {
      s->stopped = true;
      return 0;
    }
  fd = openat (dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0)
    {
      if (errno == ENOENT)
        return 0;
      *kind = READ_REFUSED;
      return asprintf (why, "open: %s", strerror (errno)) < 0 ? hook_fail (err, ENOMEM, "scan") : 0;
    }
  {
    hook_error *e = NULL;
    if (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode)
        || read_regular_sized (fd, &st, max, data, len, &e) < 0)
      {
        *kind = READ_REFUSED;
        int r = asprintf (why, "%s", e ? e->message : "replaced while read");
        hook_error_free (e);
        return r < 0 ? hook_fail (err, ENOMEM, "scan") : 0;
      }
  }
  *kind = READ_FILE;
  return 0;
}

/* Whether PATH, named in a state file, is the install's: below the prefix,
   or the installed binary through a symlink of the host.  */
static bool
names_install (const scan *s, const char *path)
{
  cleanup_close int fd = -1;
  struct stat st;

  if (inuse_path_below (path, s->prefix))
    return true;
  if (!s->have_binary)
    return false;
  fd = openat2_fd (s->root_fd, relative (path), O_PATH, 0, RESOLVE_LOCATION);
  return fd >= 0 && fstat (fd, &st) == 0 && st.st_dev == s->dev && st.st_ino == s->ino;
}

/* FILE (NAME in DIR_FD) of container ID, in FORMAT: a user when it names
   the install.  *FOUND says whether the file was there at all.  */
static int
check_file (scan *s, int dir_fd, const char *name, const char *file, const char *engine,
            const char *id, inuse_format format, bool *found, hook_error **err)
{
  cleanup_free char *data = NULL, *why = NULL;
  char **paths = NULL;
  size_t len = 0, n = 0;
  read_kind kind;
  int ret = 0;

  *found = false;
  if (read_state_file (s, dir_fd, name,
                       format == INUSE_RUNC_STATE || format == INUSE_OCI_CONFIG
                           ? INUSE_STATE_MAX_BYTES
                           : INUSE_SMALL_MAX_BYTES,
                       &kind, &data, &len, &why, err)
      < 0)
    return -1;
  if (kind == READ_ABSENT)
    return 0;
  *found = true;
  if (kind == READ_REFUSED)
    return damaged (s, engine, id, file, why, err);
  {
    hook_error *e = NULL;
    if (inuse_named_paths (format, data, len, &paths, &n, &e) < 0)
      {
        cleanup_free char *msg = NULL;
        int r = asprintf (&msg, "%s: %s", inuse_format_name (format), e->message);
        hook_error_free (e);
        if (r < 0)
          return hook_fail (err, ENOMEM, "scan");
        return damaged (s, engine, id, file, msg, err);
      }
  }
  for (size_t i = 0; i < n; i++)
    if (names_install (s, paths[i]))
      {
        cleanup_free char *reason = NULL;
        if (asprintf (&reason,
                      format == INUSE_CONTAINERD_RUNTIME || format == INUSE_CONTAINERD_OPTIONS
                          ? "its shim runs %s for kill, delete, exec"
                          : "its hook %s runs at delete (poststop)",
                      paths[i])
            < 0)
          ret = hook_fail (err, ENOMEM, "scan");
        else
          ret = inuse_users_add (s->users, engine, id, file, reason, false, err);
        break;
      }
  free_strings (paths, n);
  return ret;
}

static char *
join (const char *a, const char *b)
{
  char *out = NULL;
  if (asprintf (&out, "%s/%s", strcmp (a, "/") == 0 ? "" : a, b) < 0)
    return NULL;
  return out;
}

/* What to read of each entry of a directory: ENTRY_DIR_FD is the entry's
   fd, ID its name (containerd: NS/ID), PATH its host path.  */
typedef int (*entry_fn) (scan *s, int entry_fd, const char *id, const char *path, hook_error **err);

/* Every subdirectory of DIR_FD (host path PATH), each as FN sees it; NS
   (or NULL) prefixes the ids.  */
static int
each_subdir (scan *s, int dir_fd, const char *path, const char *ns, const char *engine, entry_fn fn,
             hook_error **err)
{
  cleanup_string_list string_list dirs = { .n = 0 };
  cleanup_string_list string_list links = { .n = 0 };
  bool more = false;

  if (list_entries (dir_fd, path, &dirs, &links, &more, err) < 0)
    {
      int e = (*err)->errno_value;
      if (e == ENOMEM)
        return -1;
      hook_error_free (*err);
      *err = NULL;
      return damaged_errno (s, engine, "-", path, "read the directory", e, err);
    }
  if (more)
    {
      char why[96];
      snprintf (why, sizeof why, "more than %d entries, not all read", INUSE_MAX_ENTRIES);
      return damaged (s, engine, "-", path, why, err);
    }
  for (size_t i = 0; i < links.n; i++)
    {
      cleanup_free char *sub = join (path, links.items[i]);
      if (sub == NULL)
        return hook_fail (err, ENOMEM, "scan");
      if (damaged (s, engine, links.items[i], sub, "a symlink, not followed", err) < 0)
        return -1;
    }
  for (size_t i = 0; i < dirs.n && !s->stopped; i++)
    {
      cleanup_free char *sub = join (path, dirs.items[i]);
      cleanup_free char *id = NULL;
      cleanup_close int fd = -1;
      if (sub == NULL || (ns && asprintf (&id, "%s/%s", ns, dirs.items[i]) < 0))
        return hook_fail (err, ENOMEM, "scan");
      if (open_below (s, dir_fd, dirs.items[i], sub, &fd, err) < 0
          || (fd >= 0 && fn (s, fd, id ? id : dirs.items[i], sub, err) < 0))
        return -1;
    }
  return 0;
}

/* containerd's task bundle: runtime, then options.json.  */
static int
task_entry (scan *s, int fd, const char *id, const char *path, hook_error **err)
{
  cleanup_free char *runtime = join (path, "runtime");
  cleanup_free char *options = join (path, "options.json");
  size_t before = s->users->n;
  bool found;

  if (runtime == NULL || options == NULL)
    return hook_fail (err, ENOMEM, "scan");
  if (check_file (s, fd, "runtime", runtime, "containerd", id, INUSE_CONTAINERD_RUNTIME, &found,
                  err)
      < 0)
    return -1;
  if (s->users->n != before)
    return 0;
  return check_file (s, fd, "options.json", options, "containerd", id, INUSE_CONTAINERD_OPTIONS,
                     &found, err);
}

/* A runc (state.json) or crun (config.json) state directory; neither:
   being created or deleted.  */
static int
state_entry (scan *s, int fd, const char *id, const char *path, hook_error **err)
{
  cleanup_free char *state = join (path, "state.json");
  cleanup_free char *config = join (path, "config.json");
  bool found;

  if (state == NULL || config == NULL)
    return hook_fail (err, ENOMEM, "scan");
  if (check_file (s, fd, "state.json", state, "runc", id, INUSE_RUNC_STATE, &found, err) < 0)
    return -1;
  if (found)
    return 0;
  return check_file (s, fd, "config.json", config, "crun", id, INUSE_OCI_CONFIG, &found, err);
}

/* A namespace's directory of task bundles or runc states.  */
static int
ns_tasks (scan *s, int fd, const char *ns, const char *path, hook_error **err)
{
  return each_subdir (s, fd, path, ns, "containerd", task_entry, err);
}

static int
ns_states (scan *s, int fd, const char *ns, const char *path, hook_error **err)
{
  return each_subdir (s, fd, path, ns, "runc", state_entry, err);
}

static int
scan_location (scan *s, const char *location, const char *engine, entry_fn fn, hook_error **err)
{
  cleanup_close int fd = -1;

  if (open_location (s, location, &fd, err) < 0)
    return -1;
  if (fd < 0)
    return 0;
  return each_subdir (s, fd, location, NULL, engine, fn, err);
}

int
inuse_scan (int root_fd, const inuse_locations *loc, const char *prefix, const char *binary_name,
            inuse_users *users, hook_error **err)
{
  scan s = { .root_fd = root_fd, .prefix = prefix, .users = users };
  cleanup_free char *binary = join (prefix, binary_name);
  cleanup_close int bin_fd = -1;
  struct stat st;

  if (binary == NULL)
    return hook_fail (err, ENOMEM, "scan");
  bin_fd = openat2_fd (root_fd, relative (binary), O_PATH, 0, RESOLVE_LOCATION);
  if (bin_fd >= 0 && fstat (bin_fd, &st) == 0 && S_ISREG (st.st_mode))
    {
      s.have_binary = true;
      s.dev = st.st_dev;
      s.ino = st.st_ino;
    }
  for (size_t i = 0; i < loc->n_task_dirs && !s.stopped; i++)
    {
      cleanup_free char *tasks = join (loc->task_dirs[i], TASK_DIR);
      if (tasks == NULL)
        return hook_fail (err, ENOMEM, "scan");
      if (scan_location (&s, tasks, "containerd", ns_tasks, err) < 0)
        return -1;
    }
  for (size_t i = 0; i < loc->n_ns_roots && !s.stopped; i++)
    if (scan_location (&s, loc->ns_roots[i], "runc", ns_states, err) < 0)
      return -1;
  for (size_t i = 0; i < loc->n_roots && !s.stopped; i++)
    if (scan_location (&s, loc->roots[i], "runc", state_entry, err) < 0)
      return -1;
  if (s.stopped)
    {
      char why[96];
      snprintf (why, sizeof why, "the scan stopped after %d state files", INUSE_MAX_FILES);
      return damaged (&s, "?", "-", "/", why, err);
    }
  return 0;
}

#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "names.h"
#include "process.h"
#include "registry.h"
#include "safepath.h"

int
pod_registry_open (const char *state_dir, bool create, pod_registry *reg, hook_error **err)
{
  struct stat st;

  if (canonical_absolute_path_validate (state_dir, "state_dir", err) < 0)
    return -1;
  const char *base = strrchr (state_dir, '/') + 1;
  if (*base == '\0')
    return hook_fail (err, 0, "state_dir %s: not a directory of its own", state_dir);
  cleanup_free char *parent = strndup (state_dir, base - state_dir > 1 ? base - state_dir - 1 : 1);
  cleanup_free char *path = strdup (state_dir);
  if (parent == NULL || path == NULL)
    return hook_fail (err, ENOMEM, "state_dir %s", state_dir);
  cleanup_close int parent_fd = -1;
  if (open_trusted_directory (parent, &parent_fd, err) < 0)
    return hook_error_prefix (err, "state_dir %s", state_dir);
  int fd = openat (parent_fd, base, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT && create)
    {
      /* main's umask (022) leaves 0700 exact.  */
      if (mkdirat (parent_fd, base, 0700) < 0 && errno != EEXIST)
        return hook_fail (err, errno, "create state_dir %s", state_dir);
      fd = openat (parent_fd, base, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
  if (fd < 0)
    return hook_fail (err, errno, "state_dir %s", state_dir);
  cleanup_close int dir = fd;
  /* Root's and no one else's: the entries decide what a member mounts.
     Its parent was walked; it may itself be a mount, of FUSE too.  */
  bool fuse;
  if (fstat (dir, &st) < 0 || on_fuse (dir, &fuse) < 0)
    return hook_fail (err, errno, "stat state_dir %s", state_dir);
  if (fuse)
    return hook_fail (err, 0,
                      "state_dir %s: on a FUSE file system, whose daemon chooses the owners and "
                      "modes it reports: refusing",
                      state_dir);
  if (st.st_uid != 0 || (st.st_mode & 07777) != 0700)
    return hook_fail (err, 0,
                      "state_dir %s: owned by uid %u with mode %04o, not root's 0700: refusing",
                      state_dir, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
  reg->path = steal_pointer (&path);
  reg->dir_fd = steal_fd (&dir);
  return 0;
}

void
pod_registry_close (pod_registry *reg)
{
  if (reg->dir_fd >= 0)
    close (reg->dir_fd);
  if (reg->procfs_fd >= 0 && !reg->procfs_lent)
    close (reg->procfs_fd);
  reg->dir_fd = reg->procfs_fd = -1;
  reg->procfs_lent = false;
  free (reg->path);
  reg->path = NULL;
}

void
pod_registry_lend_procfs (pod_registry *reg, int procfs_fd)
{
  if (procfs_fd < 0 || reg->procfs_fd >= 0)
    return;
  reg->procfs_fd = procfs_fd;
  reg->procfs_lent = true;
}

/* The registry's writers take turns: what an entry is decided on (stale,
   this sandbox's, or absent) is still there when it is replaced or
   removed, and two sandboxes never both take one stale name.  Readers
   (members, `pods`) take no lock: entries change by link, rename and
   unlink only.  The lock goes with the fd, or with the process.  */
static int
registry_lock (pod_registry *reg, int *lock, hook_error **err)
{
  *lock = openat (reg->dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (*lock < 0)
    return hook_fail (err, errno, "open %s", reg->path);
  return lock_directory (*lock, reg->path, true, err);
}

/* Read NAME's entry; *MISSING when there is none.  Anything but a
   root-owned 0600 regular file with one link is refused: an entry is only
   ever made by pod_registry_add.  */
static int
read_entry (pod_registry *reg, const char *name, pod_entry *entry, bool *missing, hook_error **err)
{
  cleanup_free char *buf = NULL;
  struct stat st;
  size_t len;

  *missing = false;
  pod_entry_clear (entry);
  if (pod_name_validate (name, err) < 0)
    return -1;
  cleanup_close int fd = openat2_fd (reg->dir_fd, name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW, 0,
                                     RESOLVE_STRICT_BENEATH);
  if (fd < 0 && errno == ENOENT)
    {
      *missing = true;
      return 0;
    }
  if (fd < 0)
    return hook_fail (err, errno, "registry entry %s/%s%s", reg->path, name,
                      errno == ELOOP ? " (a symlink: refused)" : "");
  if (fstat (fd, &st) < 0)
    return hook_fail (err, errno, "stat registry entry %s/%s", reg->path, name);
  if (!S_ISREG (st.st_mode) || st.st_uid != 0 || (st.st_mode & 07777) != 0600 || st.st_nlink != 1)
    return hook_fail (err, 0,
                      "registry entry %s/%s: not a root-owned 0600 file with one link (mode %06o, "
                      "uid %u, %lu links): refused",
                      reg->path, name, (unsigned)st.st_mode, (unsigned)st.st_uid,
                      (unsigned long)st.st_nlink);
  if (read_regular_sized (fd, &st, POD_ENTRY_MAX_BYTES, &buf, &len, err) < 0
      || pod_entry_decode (buf, len, entry, err) < 0)
    return hook_error_prefix (err, "registry entry %s/%s", reg->path, name);
  return 0;
}

int
pod_entry_alive (int procfs_fd, const pod_entry *entry, bool *alive, hook_error **err)
{
  char pid_dir[16];
  uint64_t start_time;

  *alive = false;
  cleanup_pidfd int pidfd = pidfd_open (entry->pid, 0);
  if (pidfd < 0 && errno == ESRCH)
    return 0;
  if (pidfd < 0)
    return hook_fail (err, errno, "pidfd_open %d", entry->pid);
  snprintf (pid_dir, sizeof pid_dir, "%d", entry->pid);
  cleanup_close int pid_fd
      = openat2_fd (procfs_fd, pid_dir, O_PATH | O_DIRECTORY, 0, RESOLVE_STRICT_BENEATH);
  if (pid_fd < 0)
    return errno == ENOENT ? 0 : hook_fail (err, errno, "open /proc/%d", entry->pid);
  if (process_start_time (pid_fd, &start_time, err) < 0)
    {
      /* It exited between the opens: the directory went away.  */
      return hook_error_absorb (err, ESRCH) || hook_error_absorb (err, ENOENT) ? 0 : -1;
    }
  /* The same process, alive after its start time was read: a recycled pid
     starts later.  */
  *alive = start_time == entry->start_time && pidfd_send_signal (pidfd, 0, NULL, 0) == 0;
  /* And still holding the namespaces it registered.  An init that exited
     but is not reaped yet (a zombie: its parent has not waited) keeps its
     pid and start time and takes signal 0, but has dropped its
     namespaces: their inode numbers are free for the next namespaces
     made, another pod's included, which would then pass for the
     sandbox's.  A zombie's /proc/PID/ns links are gone (ENOENT).  */
  const file_identity *held[] = { &entry->ns_ipc, &entry->ns_uts, &entry->ns_net };
  static const char *const types[] = { "ipc", "uts", "net" };
  for (size_t i = 0; *alive && i < sizeof held / sizeof held[0]; i++)
    {
      char path[16];
      uint64_t ino;
      snprintf (path, sizeof path, "ns/%s", types[i]);
      if (namespace_inode_at (pid_fd, path, types[i], &ino, err) < 0)
        {
          if (!hook_error_absorb (err, ENOENT) && !hook_error_absorb (err, ESRCH))
            return -1;
          *alive = false;
        }
      else
        *alive = ino == held[i]->ino;
    }
  return 0;
}

int
pod_registry_lookup (pod_registry *reg, const char *name, bool sweep, pod_entry *entry,
                     pod_lookup *result, hook_error **err)
{
  bool missing, alive;

  if (read_entry (reg, name, entry, &missing, err) < 0)
    return -1;
  if (missing)
    {
      *result = POD_NOT_REGISTERED;
      return 0;
    }
  /* One checked /proc serves every entry a run looks at (`pods` lists
     them all).  */
  if ((reg->procfs_fd < 0 && open_procfs (&reg->procfs_fd, err) < 0)
      || pod_entry_alive (reg->procfs_fd, entry, &alive, err) < 0)
    return -1;
  *result = alive ? POD_FOUND : POD_STALE;
  /* Another run may sweep it first, or a new sandbox may have taken the
     name meanwhile: remove only what was read.  */
  if (!alive && sweep && pod_registry_remove (reg, name, entry->bundle, entry->pid, err) < 0)
    return -1;
  return 0;
}

/* The temporary a replacement of NAME goes through: ".NAME.tmp", one
   name, since writers hold the registry's lock.  One found there was left
   by a writer killed between its link and its rename: the next
   replacement of NAME and NAME's removal remove it, so none outlives its
   name.  POD_NAME_MAX keeps it within NAME_MAX.  */
static void
temporary_name (const char *name, char tmp[static NAME_MAX + 1])
{
  snprintf (tmp, NAME_MAX + 1, ".%s.tmp", name);
}

/* Replace NAME's entry by TEXT: a temporary linked (FD, the unnamed file
   already written, or when the file system has no O_TMPFILE, created and
   written) and renamed over NAME.  Under the registry's lock.  */
static int
replace_entry (pod_registry *reg, const char *name, int fd, const char *text, size_t len,
               hook_error **err)
{
  char tmp[NAME_MAX + 1];
  cleanup_close int created = -1;

  temporary_name (name, tmp);
  if (unlinkat (reg->dir_fd, tmp, 0) < 0 && errno != ENOENT)
    return hook_fail (err, errno, "remove %s", tmp);
  if (fd >= 0)
    {
      if (linkat (fd, "", reg->dir_fd, tmp, AT_EMPTY_PATH) < 0)
        return hook_fail (err, errno, "link %s", tmp);
    }
  else
    {
      created
          = openat (reg->dir_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (created < 0)
        return hook_fail (err, errno, "create %s", tmp);
      if (write_all (created, text, len) < 0)
        {
          int saved = errno;
          unlinkat (reg->dir_fd, tmp, 0);
          return hook_fail (err, saved, "write %s", tmp);
        }
    }
  if (renameat (reg->dir_fd, tmp, reg->dir_fd, name) < 0)
    {
      int saved = errno;
      unlinkat (reg->dir_fd, tmp, 0);
      return hook_fail (err, saved, "rename %s into place", tmp);
    }
  return 0;
}

int
pod_registry_add (pod_registry *reg, const char *name, const pod_entry *entry, hook_error **err)
{
  cleanup_free char *text = NULL;
  cleanup_pod_entry pod_entry existing = { 0 };
  pod_lookup found;
  size_t len;

  if (pod_name_validate (name, err) < 0)
    return hook_error_prefix (err, "register");
  if (pod_entry_encode (entry, &text, &len, err) < 0)
    return -1;
  cleanup_close int lock = -1;
  if (registry_lock (reg, &lock, err) < 0)
    return hook_error_prefix (err, "register %s", name);
  /* A name nobody holds, the common case: the entry appears whole under
     its name (an unnamed file, written, then linked: readers never see it
     half-written) or not at all.  */
  cleanup_close int fd = openat (reg->dir_fd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  if (fd >= 0)
    {
      if (write_all (fd, text, len) < 0)
        return hook_fail (err, errno, "register %s in %s: write", name, reg->path);
      if (linkat (fd, "", reg->dir_fd, name, AT_EMPTY_PATH) == 0)
        return 0;
      if (errno != EEXIST)
        return hook_fail (err, errno, "register %s in %s", name, reg->path);
    }
  else if (errno != EOPNOTSUPP && errno != EISDIR)
    return hook_fail (err, errno, "register %s in %s", name, reg->path);
  /* Held already: replaced only when it is stale or this sandbox's.  */
  if (pod_registry_lookup (reg, name, false, &existing, &found, err) < 0)
    return hook_error_prefix (err, "register %s", name);
  if (found == POD_FOUND && strcmp (existing.bundle, entry->bundle) != 0)
    return hook_fail (err, 0,
                      "register %s: a running sandbox (pid %d, bundle %s) holds that name: "
                      "refusing",
                      name, existing.pid, existing.bundle);
  if (replace_entry (reg, name, fd, text, len, err) < 0)
    return hook_error_prefix (err, "register %s in %s", name, reg->path);
  return 0;
}

int
pod_registry_remove (pod_registry *reg, const char *name, const char *bundle, int pid,
                     hook_error **err)
{
  cleanup_pod_entry pod_entry entry = { 0 };
  bool missing;

  cleanup_close int lock = -1;
  if (registry_lock (reg, &lock, err) < 0 || read_entry (reg, name, &entry, &missing, err) < 0)
    return -1;
  if (missing || strcmp (entry.bundle, bundle) != 0 || entry.pid != pid)
    return 0;
  if (unlinkat (reg->dir_fd, name, 0) < 0 && errno != ENOENT)
    return hook_fail (err, errno, "remove registry entry %s/%s", reg->path, name);
  char tmp[NAME_MAX + 1];
  temporary_name (name, tmp);
  if (unlinkat (reg->dir_fd, tmp, 0) < 0 && errno != ENOENT)
    return hook_fail (err, errno, "remove %s/%s", reg->path, tmp);
  return 0;
}

static int
compare_names (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

int
pod_registry_list (pod_registry *reg, char ***names, size_t *n, hook_error **err)
{
  size_t cap = 0;
  char **list = NULL;

  *names = NULL;
  *n = 0;
  int fd = openat (reg->dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return hook_fail (err, errno, "read %s", reg->path);
  DIR *d = fdopendir (fd);
  if (d == NULL)
    {
      close (fd);
      return hook_fail (err, errno, "read %s", reg->path);
    }
  struct dirent *de;
  errno = 0;
  while ((de = readdir (d)) != NULL)
    {
      /* Temporaries of a replacement in progress are hidden: ".NAME.tmp".  */
      if (de->d_name[0] == '.')
        continue;
      if (*n == cap)
        {
          size_t ncap = cap ? cap * 2 : 16;
          char **grown = realloc (list, ncap * sizeof *list);
          if (grown == NULL)
            break;
          list = grown;
          cap = ncap;
        }
      if ((list[*n] = strdup (de->d_name)) == NULL)
        break;
      (*n)++;
      errno = 0;
    }
  int saved = errno;
  closedir (d);
  if (saved)
    {
      free_strings (list, *n);
      *n = 0;
      return hook_fail (err, saved, "read %s", reg->path);
    }
  if (*n)
    qsort (list, *n, sizeof *list, compare_names);
  *names = list;
  return 0;
}

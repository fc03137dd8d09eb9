#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cgroup.h"
#include "decimal.h"
#include "cleanup.h"
#include "safepath.h"
#include "cgroup_paths.h"
#include "names.h"
#include "process.h"

#define MOUNTINFO_MAX    (4u << 20)
#define CGROUP_PROCS_MAX (1u << 20)

/* The container's cgroup path relative to the hierarchy's mount: strip the
   mount's root, refuse anything non-canonical (docs/security.md, threat 8).  */
static int
relative_cgroup_path (const char *path, const char *mount_root, const char **out, hook_error **err)
{
  size_t rl = strlen (mount_root);
  const char *rel = path;

  if (canonical_absolute_path_validate (path, "cgroup path", err) < 0)
    return -1;
  if (strcmp (mount_root, "/") != 0)
    {
      if (strncmp (path, mount_root, rl) != 0 || (path[rl] != '/' && path[rl] != '\0'))
        return hook_fail (err, 0, "cgroup path %s is outside the mounted hierarchy %s", path,
                          mount_root);
      rel = path + rl;
    }
  while (*rel == '/')
    rel++;
  if (*rel == '\0')
    return hook_fail (err, 0, "the container is in the root cgroup: refusing to change it");
  if (strlen (rel) + 1 > PATH_MAX)
    return hook_fail (err, ENAMETOOLONG, "cgroup path");
  *out = rel;
  return 0;
}

/* Name the container's cgroup PATH below the hierarchy mounted at
   MOUNT_POINT (its root in the hierarchy: MOUNT_ROOT), before the
   hierarchy's fd is set.  */
static int
cgroup_name (const char *mount_point, const char *mount_root, bool v2, const char *path,
             cgroup_target *t, hook_error **err)
{
  if (path == NULL || path[0] == '\0')
    return hook_fail (err, 0, "/proc/PID/cgroup has no %s entry",
                      v2 ? "cgroup v2 (0::)" : "cpu controller");
  const char *rel = NULL;
  if (relative_cgroup_path (path, mount_root, &rel, err) < 0)
    return -1;
  t->v2 = v2;
  free (t->rel);
  free (t->file);
  t->file = NULL;
  if ((t->rel = strdup (rel)) == NULL
      || asprintf (&t->file, "%s/%s/%s", mount_point, t->rel, v2 ? "cpu.weight" : "cpu.shares") < 0)
    {
      t->file = NULL;
      return hook_fail (err, ENOMEM, "cgroup path %s", rel);
    }
  if (strlen (t->file) >= PATH_MAX)
    return hook_fail (err, ENAMETOOLONG, "cgroup path %s", t->rel);
  return 0;
}

static int
open_mount_point (const char *mount_point)
{
  return openat2_fd (AT_FDCWD, mount_point, O_PATH | O_DIRECTORY, 0, RESOLVE_NO_MAGICLINKS);
}

/* MOUNT_POINT opened when it is a file system of type MAGIC, else -1.  */
static int
open_if_fs (const char *mount_point, long magic)
{
  struct statfs sfs;

  cleanup_close int fd = open_mount_point (mount_point);
  if (fd < 0 || fstatfs (fd, &sfs) < 0 || sfs.f_type != magic)
    return -1;
  return steal_fd (&fd);
}

/* The layouts nearly every host has, found by the file system of two
   directories instead of the mount table (which a node grows by several
   mounts a pod): the v1 cpu controller at /sys/fs/cgroup/cpu (v1 and
   hybrid hosts; often a symlink to cpu,cpuacct) or cgroup2 at
   /sys/fs/cgroup, each taken to be mounted from the root of the hook's
   cgroup namespace.  That is a guess until the container's process is
   found listed in the cgroup it names.  *FITS is false when the host has
   neither.  */
static int
usual_hierarchy_open (const char *v1_cpu, const char *v2_path, cgroup_target *t, bool *fits,
                      hook_error **err)
{
  static const char v1_mount[] = "/sys/fs/cgroup/cpu", v2_mount[] = "/sys/fs/cgroup";
  bool v2 = false;

  int fd = open_if_fs (v1_mount, CGROUP_SUPER_MAGIC);
  if (fd < 0 && (fd = open_if_fs (v2_mount, CGROUP2_SUPER_MAGIC)) >= 0)
    v2 = true;
  const char *path = v2 ? v2_path : v1_cpu;
  *fits = fd >= 0 && path != NULL && path[0] != '\0';
  if (!*fits)
    {
      if (fd >= 0)
        close (fd);
      return 0;
    }
  if (cgroup_name (v2 ? v2_mount : v1_mount, "/", v2, path, t, err) < 0)
    {
      close (fd);
      return -1;
    }
  /* The fd whose file system was checked is the one used.  */
  t->hierarchy_fd = fd;
  return 0;
}

/* The mount table's word (read through PROCFS_FD, the checked /proc): a
   v1 mount whose super options list cpu, or else a cgroup2 mount, with
   the root it was mounted from; the first one whose mount point, opened,
   is that very mount (not one hidden under a later mount).  */
static int
mounted_hierarchy_open (const char *v1_cpu, const char *v2_path, int procfs_fd, cgroup_target *t,
                        hook_error **err)
{
  cleanup_free char *mountinfo = NULL;
  char mount_point[PATH_MAX], mount_root[PATH_MAX];
  struct statfs sfs;
  size_t len;

  cleanup_close int self = openat2_fd (procfs_fd, "self/mountinfo", O_RDONLY, 0, RESOLVE_BENEATH);
  if (self < 0)
    return hook_fail (err, errno, "open /proc/self/mountinfo");
  if (read_regular_fd (self, "/proc/self/mountinfo", MOUNTINFO_MAX, &mountinfo, &len, err) < 0)
    return -1;
  for (int pass = 0; pass < 2; pass++)
    {
      bool v2 = pass == 1;
      const char *cursor = mountinfo;
      uint64_t id, seen;
      while (cgroup_mount_next (&cursor, v2 ? NULL : "cpu", &id, mount_point, sizeof mount_point,
                                mount_root, sizeof mount_root)
             == 0)
        {
          cleanup_close int fd = open_mount_point (mount_point);
          if (fd < 0 || mount_id_of (fd, &seen) < 0 || seen != id)
            continue;
          /* That very mount, as the fd that proved it.  */
          if (cgroup_name (mount_point, mount_root, v2, v2 ? v2_path : v1_cpu, t, err) < 0)
            return -1;
          if (fstatfs (fd, &sfs) < 0
              || sfs.f_type != (v2 ? CGROUP2_SUPER_MAGIC : CGROUP_SUPER_MAGIC))
            return hook_fail (err, 0, "%s is not a cgroup%s file system", mount_point,
                              v2 ? "2" : "");
          t->hierarchy_fd = steal_fd (&fd);
          return 0;
        }
    }
  return hook_fail (err, 0, "no cgroup v1 cpu controller and no cgroup2 mount");
}

/* Count, from TARGET's cgroup.procs, the processes that are not the
   container's: not PID (its init, bound by PROC_PID_FD) and not in the
   container's own pid namespace.  *LISTED: whether PID is there.  */
static int
count_others (const cgroup_target *t, const target_process *p, size_t *others, bool *listed,
              hook_error **err)
{
  cleanup_free char *procs = NULL;
  int proc_fd = p->procfs_fd, pid = p->pid;
  uint64_t theirs, host;
  char path[PATH_MAX + 16];
  size_t len;

  *others = 0;
  *listed = false;
  snprintf (path, sizeof path, "%s/cgroup.procs", t->rel);
  cleanup_close int fd = openat2_fd (t->hierarchy_fd, path, O_RDONLY, 0, RESOLVE_STRICT_BENEATH);
  if (fd < 0)
    return hook_fail (err, errno, "open cgroup %s/cgroup.procs", t->rel);
  if (read_regular_fd (fd, "cgroup.procs", CGROUP_PROCS_MAX, &procs, &len, err) < 0)
    return -1;
  /* The container's own children are its pid namespace's, when it has one
     of its own (otherwise only its init is the container's).  */
  if (namespace_inode_at (p->proc_fd, "ns/pid", "pid", &theirs, err) < 0
      || namespace_inode_at (p->own_ns_fd, "pid", "pid", &host, err) < 0)
    return hook_error_prefix (err, "cgroup %s", t->rel);
  bool own_pidns = theirs != host;
  for (char *line = procs; *line;)
    {
      char *eol = strchrnul (line, '\n');
      char saved = *eol;
      *eol = '\0';
      int64_t listed_pid;
      if (*line
          && decimal_parse (line, strlen (line), DECIMAL_CANONICAL, 1, INT32_MAX, &listed_pid) < 0)
        {
          *eol = saved;
          return hook_fail (err, 0, "cgroup %s/cgroup.procs: \"%.20s\" is not a pid", t->rel, line);
        }
      if (*line && listed_pid == pid)
        *listed = true;
      else if (*line)
        {
          cleanup_hook_error hook_error *gone = NULL;
          uint64_t other;
          char ns[64];
          snprintf (ns, sizeof ns, "%.20s/ns/pid", line);
          if (namespace_inode_at (proc_fd, ns, "pid", &other, &gone) < 0)
            {
              if (gone->errno_value != ENOENT && gone->errno_value != ESRCH)
                {
                  *err = steal_pointer (&gone);
                  return hook_error_prefix (err, "/proc/%s", ns);
                }
            }
          else if (!own_pidns || other != theirs)
            (*others)++;
        }
      *eol = saved;
      line = saved ? eol + 1 : eol;
    }
  return 0;
}

int
cgroup_target_find (const char *v1_cpu, const char *v2_path, const char *root_override,
                    const target_process *p, cgroup_target *t, size_t *others, hook_error **err)
{
  bool fits, listed;

  if (root_override)
    {
      cleanup_close int root = open_mount_point (root_override);
      char mount_point[PATH_MAX];
      if (root < 0)
        return hook_fail (err, errno, "open cgroup_root %s", root_override);
      bool v2 = faccessat (root, "cgroup.controllers", F_OK, AT_SYMLINK_NOFOLLOW) == 0;
      if ((size_t)snprintf (mount_point, sizeof mount_point, "%s%s", root_override,
                            v2 ? "" : "/cpu")
          >= sizeof mount_point)
        return hook_fail (err, ENAMETOOLONG, "cgroup_root");
      /* A tree the policy names is taken as it is: a faithful fake tree
         cannot list the container's process ahead of time.  */
      if (cgroup_name (mount_point, "/", v2, v2 ? v2_path : v1_cpu, t, err) < 0)
        return -1;
      t->hierarchy_fd = v2 ? steal_fd (&root) : open_mount_point (mount_point);
      if (t->hierarchy_fd < 0)
        return hook_fail (err, errno, "open %s", mount_point);
      return count_others (t, p, others, &listed, err);
    }

  cleanup_hook_error hook_error *guess_err = NULL;
  if (usual_hierarchy_open (v1_cpu, v2_path, t, &fits, err) < 0)
    return -1;
  if (fits && count_others (t, p, others, &listed, &guess_err) == 0 && listed)
    return 0;
  /* Mounted from a subtree (a v1 host's containers that nest an engine)
     or somewhere else: the mount table says where.  */
  cgroup_target_close (t);
  if (mounted_hierarchy_open (v1_cpu, v2_path, p->procfs_fd, t, err) < 0
      || count_others (t, p, others, &listed, err) < 0)
    return -1;
  if (!listed)
    return hook_fail (err, 0,
                      "the container's process %d is not in cgroup %s: refusing to change it",
                      (int)p->pid, t->file);
  return 0;
}

void
cgroup_target_close (cgroup_target *t)
{
  if (t->hierarchy_fd >= 0)
    close (t->hierarchy_fd);
  t->hierarchy_fd = -1;
  free (t->rel);
  free (t->file);
  t->rel = t->file = NULL;
}

static int
write_cgroup_file (int hierarchy_fd, const char *rel, const char *file, const char *value,
                   hook_error **err)
{
  char path[PATH_MAX + 16], back[64];

  /* One lookup of REL/FILE beneath the hierarchy, as for cgroup.procs.  */
  snprintf (path, sizeof path, "%s/%s", rel, file);
  cleanup_close int fd = openat2_fd (hierarchy_fd, path, O_RDWR, 0, RESOLVE_STRICT_BENEATH);
  if (fd < 0)
    return hook_fail (err, errno, "open cgroup %s", path);
  if (write_all (fd, value, strlen (value)) < 0)
    return hook_fail (err, errno, "write %s", path);
  if (pread_small (fd, file, back, sizeof back, err) < 0)
    return hook_error_prefix (err, "read back cgroup %s", rel);
  back[strcspn (back, "\n")] = '\0';
  if (strcmp (back, value) != 0)
    return hook_fail (err, 0, "%s: wrote %s but the kernel reports \"%s\"", path, value, back);
  return 0;
}

int
cgroup_write_cpu (const cgroup_target *t, uint64_t shares, uint64_t weight,
                  cgroup_cpu_result *result, hook_error **err)
{
  memset (result, 0, sizeof *result);
  result->v2 = t->v2;
  snprintf (result->value, sizeof result->value, "%" PRIu64, t->v2 ? weight : shares);
  return write_cgroup_file (t->hierarchy_fd, t->rel, t->v2 ? "cpu.weight" : "cpu.shares",
                            result->value, err);
}

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

#define MOUNTINFO_MAX    (4u << 20)
#define CGROUP_PROCS_MAX (1u << 20)

/* The container's cgroup path relative to the hierarchy's mount: strip the
   mount's root, refuse anything non-canonical (docs/security.md, threat 8).  */
static int
relative_cgroup_path (const char *path, const char *mount_root, char *out, size_t size,
                      hook_error **err)
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
  if (strlen (rel) + 1 > size)
    return hook_fail (err, ENAMETOOLONG, "cgroup path");
  strcpy (out, rel);
  return 0;
}

int
cgroup_target_open (const char *v1_cpu, const char *v2_path, const char *root_override,
                    cgroup_target *t, hook_error **err)
{
  cleanup_free char *mountinfo = NULL;
  char mount_point[PATH_MAX], mount_root[PATH_MAX];
  struct statfs sfs;
  bool v2;

  if (root_override)
    {
      cleanup_close int root
          = openat2_fd (AT_FDCWD, root_override, O_PATH | O_DIRECTORY, 0, RESOLVE_NO_MAGICLINKS);
      if (root < 0)
        return hook_fail (err, errno, "open cgroup_root %s", root_override);
      v2 = faccessat (root, "cgroup.controllers", F_OK, AT_SYMLINK_NOFOLLOW) == 0;
      snprintf (mount_point, sizeof mount_point, "%s%s", root_override, v2 ? "" : "/cpu");
      strcpy (mount_root, "/");
    }
  else
    {
      cleanup_close int self = open ("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
      size_t len;
      if (self < 0
          || read_regular_fd (self, "/proc/self/mountinfo", MOUNTINFO_MAX, &mountinfo, &len, err)
                 < 0)
        return self < 0 ? hook_fail (err, errno, "open /proc/self/mountinfo") : -1;
      v2 = cgroup_mount_for (mountinfo, "cpu", mount_point, sizeof mount_point, mount_root,
                             sizeof mount_root)
           < 0;
      if (v2
          && cgroup_mount_for (mountinfo, NULL, mount_point, sizeof mount_point, mount_root,
                               sizeof mount_root)
                 < 0)
        return hook_fail (err, 0, "no cgroup v1 cpu controller and no cgroup2 mount");
    }

  const char *path = v2 ? v2_path : v1_cpu;
  if (path == NULL || path[0] == '\0')
    return hook_fail (err, 0, "/proc/PID/cgroup has no %s entry",
                      v2 ? "cgroup v2 (0::)" : "cpu controller");
  if (relative_cgroup_path (path, mount_root, t->rel, sizeof t->rel, err) < 0)
    return -1;
  t->hierarchy_fd
      = openat2_fd (AT_FDCWD, mount_point, O_PATH | O_DIRECTORY, 0, RESOLVE_NO_MAGICLINKS);
  if (t->hierarchy_fd < 0)
    return hook_fail (err, errno, "open %s", mount_point);
  if (root_override == NULL
      && (fstatfs (t->hierarchy_fd, &sfs) < 0
          || sfs.f_type != (v2 ? CGROUP2_SUPER_MAGIC : CGROUP_SUPER_MAGIC)))
    return hook_fail (err, 0, "%s is not a cgroup%s file system", mount_point, v2 ? "2" : "");
  t->v2 = v2;
  if ((size_t)snprintf (t->file, sizeof t->file, "%s/%s/%s", mount_point, t->rel,
                        v2 ? "cpu.weight" : "cpu.shares")
      >= sizeof t->file)
    return hook_fail (err, ENAMETOOLONG, "cgroup path %s", t->rel);
  return 0;
}

void
cgroup_target_close (cgroup_target *t)
{
  if (t->hierarchy_fd >= 0)
    close (t->hierarchy_fd);
  t->hierarchy_fd = -1;
}

int
cgroup_count_others (const cgroup_target *t, int proc_pid_fd, int pid, size_t *others,
                     hook_error **err)
{
  cleanup_free char *procs = NULL;
  cleanup_close int proc_fd = -1;
  struct stat theirs, host;
  char path[PATH_MAX + 16];
  size_t len;

  *others = 0;
  snprintf (path, sizeof path, "%s/cgroup.procs", t->rel);
  cleanup_close int fd = openat2_fd (t->hierarchy_fd, path, O_RDONLY, 0, RESOLVE_STRICT_BENEATH);
  if (fd < 0)
    return hook_fail (err, errno, "open cgroup %s/cgroup.procs", t->rel);
  if (read_regular_fd (fd, "cgroup.procs", CGROUP_PROCS_MAX, &procs, &len, err) < 0)
    return -1;
  /* The container's own children are its pid namespace's, when it has one
     of its own (otherwise only its init is the container's).  */
  if (open_procfs (&proc_fd, err) < 0)
    return -1;
  if (fstatat (proc_pid_fd, "ns/pid", &theirs, 0) < 0
      || fstatat (proc_fd, "self/ns/pid", &host, 0) < 0)
    return hook_fail (err, errno, "stat pid namespaces");
  bool own_pidns = theirs.st_dev != host.st_dev || theirs.st_ino != host.st_ino;
  for (char *line = procs; *line;)
    {
      char *eol = strchrnul (line, '\n');
      char saved = *eol;
      struct stat st;
      *eol = '\0';
      int64_t listed;
      if (*line
          && decimal_parse (line, strlen (line), DECIMAL_CANONICAL, 1, INT32_MAX, &listed) < 0)
        {
          *eol = saved;
          return hook_fail (err, 0, "cgroup %s/cgroup.procs: \"%.20s\" is not a pid", t->rel, line);
        }
      if (*line && listed != pid)
        {
          char ns[64];
          snprintf (ns, sizeof ns, "%.20s/ns/pid", line);
          if (fstatat (proc_fd, ns, &st, 0) < 0)
            {
              if (errno != ENOENT && errno != ESRCH)
                return hook_fail (err, errno, "stat /proc/%s", ns);
            }
          else if (!own_pidns || st.st_dev != theirs.st_dev || st.st_ino != theirs.st_ino)
            (*others)++;
        }
      *eol = saved;
      line = saved ? eol + 1 : eol;
    }
  return 0;
}

static int
write_cgroup_file (int hierarchy_fd, const char *rel, const char *file, const char *value,
                   hook_error **err)
{
  char back[64];

  cleanup_close int dir
      = openat2_fd (hierarchy_fd, rel, O_PATH | O_DIRECTORY, 0, RESOLVE_STRICT_BENEATH);
  if (dir < 0)
    return hook_fail (err, errno, "open cgroup %s", rel);
  cleanup_close int fd = openat2_fd (dir, file, O_WRONLY, 0, RESOLVE_STRICT_BENEATH);
  if (fd < 0)
    return hook_fail (err, errno, "open %s/%s", rel, file);
  if (write_all (fd, value, strlen (value)) < 0)
    return hook_fail (err, errno, "write %s/%s", rel, file);
  if (read_small_at (dir, file, RESOLVE_STRICT_BENEATH, back, sizeof back, err) < 0)
    return hook_error_prefix (err, "read back cgroup %s", rel);
  back[strcspn (back, "\n")] = '\0';
  if (strcmp (back, value) != 0)
    return hook_fail (err, 0, "%s/%s: wrote %s but the kernel reports \"%s\"", rel, file, value,
                      back);
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

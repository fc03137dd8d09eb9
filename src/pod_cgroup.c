#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "pod_cgroup.h"
#include "safepath.h"
#include "state.h"

#define DEFAULT_CGROUP_ROOT "/sys/fs/cgroup"

static int
append (char *out, size_t size, size_t *used, const char *s, size_t n)
{
  if (*used + n + 1 > size)
    return -1;
  memcpy (out + *used, s, n);
  *used += n;
  out[*used] = '\0';
  return 0;
}

/* systemd expands "a-b-c.slice" into a/a-b/a-b-c nesting.  */
static int
expand_slice (const char *slice, size_t len, char *out, size_t size)
{
  const char *suffix = ".slice";
  size_t used = 0, sl = strlen (suffix);

  out[0] = '\0';
  if (len <= sl || memcmp (slice + len - sl, suffix, sl) != 0 || memchr (slice, '/', len))
    return -1;
  if (len == strlen ("-.slice") && memcmp (slice, "-.slice", len) == 0)
    return -1; /* the root slice: no parent below the root */
  size_t stem = len - sl;
  for (size_t i = 0; i <= stem; i++)
    if (i == stem || slice[i] == '-')
      {
        if (i == 0 || slice[i - 1] == '-')
          return -1;
        if ((used && append (out, size, &used, "/", 1) < 0)
            || append (out, size, &used, slice, i) < 0 || append (out, size, &used, suffix, sl) < 0)
          return -1;
      }
  return 0;
}

int
pod_cgroup_parent (const char *cgroups_path, char *out, size_t size)
{
  const char *colon = strchr (cgroups_path, ':');

  if (cgroups_path == NULL || size == 0)
    return -1;
  if (colon)
    return expand_slice (cgroups_path, (size_t)(colon - cgroups_path), out, size);
  if (canonical_absolute_path_validate (cgroups_path, "cgroupsPath", NULL) < 0)
    return -1;
  const char *slash = strrchr (cgroups_path, '/');
  size_t n = (size_t)(slash - cgroups_path);
  if (n <= 1 || n >= size)
    return -1;
  memcpy (out, cgroups_path + 1, n - 1);
  out[n - 1] = '\0';
  return 0;
}

bool
cgroups_path_names (const char *cgroups_path, const char *seen)
{
  const char *colon = strchr (cgroups_path, ':');
  char expected[4096];

  if (seen == NULL || seen[0] != '/')
    return false;
  if (colon)
    {
      const char *second = strchr (colon + 1, ':');
      const char *name = second ? second + 1 : NULL;
      char slice[2048];
      size_t used = 0;
      if (name == NULL || *name == '\0' || strchr (name, ':') || strchr (name, '/'))
        return false;
      /* runc and crun put a container without a slice under system.slice.  */
      size_t slice_len = (size_t)(colon - cgroups_path);
      if (slice_len == 0)
        strcpy (slice, "system.slice");
      else if (slice_len == 7 && memcmp (cgroups_path, "-.slice", 7) == 0)
        slice[0] = '\0'; /* the root slice */
      else if (expand_slice (cgroups_path, slice_len, slice, sizeof slice) < 0)
        return false;
      size_t prefix_len = (size_t)(second - colon - 1), name_len = strlen (name);
      bool name_is_slice = name_len > 6 && strcmp (name + name_len - 6, ".slice") == 0;
      expected[0] = '\0';
      if (append (expected, sizeof expected, &used, "/", 1) < 0
          || (slice[0]
              && (append (expected, sizeof expected, &used, slice, strlen (slice)) < 0
                  || append (expected, sizeof expected, &used, "/", 1) < 0)))
        return false;
      if (!name_is_slice
          && (append (expected, sizeof expected, &used, colon + 1, prefix_len) < 0
              || append (expected, sizeof expected, &used, "-", 1) < 0))
        return false;
      if (append (expected, sizeof expected, &used, name, name_len) < 0
          || (!name_is_slice && append (expected, sizeof expected, &used, ".scope", 6) < 0))
        return false;
      return strcmp (seen, expected) == 0;
    }
  size_t len = strlen (cgroups_path);
  while (len > 1 && cgroups_path[len - 1] == '/')
    len--;
  if (cgroups_path[0] == '/')
    return strlen (seen) == len && memcmp (seen, cgroups_path, len) == 0;
  size_t seen_len = strlen (seen);
  return len > 0 && seen_len > len && seen[seen_len - len - 1] == '/'
         && memcmp (seen + seen_len - len, cgroups_path, len) == 0;
}

/* Read HIERARCHY/PARENT/FILE into BUF, resolved beneath the hierarchy;
   NULL when it cannot be read (controller absent, no such cgroup).  */
static const char *
read_cgroup_file (int hierarchy, const char *parent, const char *file, char *buf, size_t size)
{
  char path[4096];
  if ((size_t)snprintf (path, sizeof path, "%s/%s", parent, file) >= sizeof path)
    return NULL;
  cleanup_hook_error hook_error *unreadable = NULL;
  if (read_small_at (hierarchy, path, RESOLVE_STRICT_BENEATH, buf, size, &unreadable) < 0)
    return NULL;
  return buf;
}

static int
open_hierarchy (const char *root, const char *sub)
{
  char path[4096];
  snprintf (path, sizeof path, "%s%s%s", root, sub ? "/" : "", sub ? sub : "");
  return openat2_fd (AT_FDCWD, path, O_PATH | O_DIRECTORY, 0, RESOLVE_NO_MAGICLINKS);
}

int
pod_cgroup_sizing (const char *cgroup_root, const char *cgroups_path, sandbox_sizing *out,
                   hook_error **err)
{
  char parent[4096], a[64], b[64], c[64], d[64];
  const char *root = cgroup_root ? cgroup_root : DEFAULT_CGROUP_ROOT;
  int ret;

  memset (out, 0, sizeof *out);
  if (cgroups_path == NULL || pod_cgroup_parent (cgroups_path, parent, sizeof parent) < 0)
    return 0;
  cleanup_close int top = open_hierarchy (root, NULL);
  if (top < 0)
    return 0;
  if (faccessat (top, "cgroup.controllers", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    ret = sizing_from_cgroup_v2 (read_cgroup_file (top, parent, "cpu.max", a, sizeof a),
                                 read_cgroup_file (top, parent, "cpu.weight", b, sizeof b),
                                 read_cgroup_file (top, parent, "memory.max", c, sizeof c), out,
                                 err);
  else
    {
      cleanup_close int cpu = open_hierarchy (root, "cpu");
      cleanup_close int memory = open_hierarchy (root, "memory");
      ret = sizing_from_cgroup_v1 (
          cpu < 0 ? NULL : read_cgroup_file (cpu, parent, "cpu.cfs_period_us", a, sizeof a),
          cpu < 0 ? NULL : read_cgroup_file (cpu, parent, "cpu.cfs_quota_us", b, sizeof b),
          cpu < 0 ? NULL : read_cgroup_file (cpu, parent, "cpu.shares", c, sizeof c),
          memory < 0 ? NULL
                     : read_cgroup_file (memory, parent, "memory.limit_in_bytes", d, sizeof d),
          out, err);
    }
  if (ret < 0)
    return hook_error_prefix (err, "pod cgroup %s", parent);
  out->present = out->cpu_quota > 0 || out->memory > 0;
  return 0;
}

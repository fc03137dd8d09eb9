#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "pod_cgroup.h"
#include "safepath.h"
#include "cgroup_paths.h"
#include "names.h"

#define DEFAULT_CGROUP_ROOT "/sys/fs/cgroup"

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

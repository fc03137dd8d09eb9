#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "decimal.h"
#include "process.h"
#include "safepath.h"

int
open_own_namespaces (int procfs_fd, int *out, hook_error **err)
{
  *out = openat (procfs_fd, "thread-self/ns", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (*out < 0)
    return hook_fail (err, errno, "open /proc/thread-self/ns");
  return 0;
}

int
target_process_open (pid_t pid, int *procfs_fd, target_process *p, hook_error **err)
{
  char path[32];

  if (pid <= 0)
    return hook_fail (err, 0, "state pid: a live container process is required at this stage");
  cleanup_pidfd int pidfd = pidfd_open (pid, 0);
  if (pidfd < 0)
    return hook_fail (err, errno, "pidfd_open %d", (int)pid);
  cleanup_close int proc = procfs_fd ? steal_fd (procfs_fd) : -1;
  if (proc < 0 && open_procfs (&proc, err) < 0)
    return -1;
  snprintf (path, sizeof path, "%d", (int)pid);
  cleanup_close int proc_pid
      = openat2_fd (proc, path, O_PATH | O_DIRECTORY, 0, RESOLVE_STRICT_BENEATH);
  if (proc_pid < 0)
    return hook_fail (err, errno, "open /proc/%d", (int)pid);
  /* The directory was opened while the pidfd's process lives: it is the
     same process, not a successor with a recycled pid.  */
  if (pidfd_send_signal (pidfd, 0, NULL, 0) < 0)
    return hook_fail (err, errno, "container process %d", (int)pid);
  cleanup_close int own_ns = -1;
  if (open_own_namespaces (proc, &own_ns, err) < 0)
    return -1;
  p->pid = pid;
  p->own_ns_fd = steal_fd (&own_ns);
  p->pidfd = steal_fd (&pidfd);
  p->proc_fd = steal_fd (&proc_pid);
  p->procfs_fd = steal_fd (&proc);
  return 0;
}

int
target_process_check_alive (const target_process *p, hook_error **err)
{
  if (pidfd_send_signal (p->pidfd, 0, NULL, 0) < 0)
    return hook_fail (err, errno, "container process %d", (int)p->pid);
  return 0;
}

void
target_process_close (target_process *p)
{
  if (p->pidfd >= 0)
    close (p->pidfd);
  if (p->proc_fd >= 0)
    close (p->proc_fd);
  if (p->procfs_fd >= 0)
    close (p->procfs_fd);
  if (p->own_ns_fd >= 0)
    close (p->own_ns_fd);
  p->pidfd = p->proc_fd = p->procfs_fd = p->own_ns_fd = -1;
}

int
process_start_time (int proc_pid_fd, uint64_t *out, hook_error **err)
{
  char stat[1024];

  if (read_small_at (proc_pid_fd, "stat", RESOLVE_STRICT_BENEATH, stat, sizeof stat, err) < 0)
    return hook_error_prefix (err, "process start time");
  /* "PID (COMM) STATE PPID ...": COMM may hold spaces and parentheses, so
     the fields are counted from the last ')'; starttime is field 22.  */
  const char *p = strrchr (stat, ')');
  for (int field = 2; p && field < 22; field++)
    p = strchr (p + 1, ' ');
  if (p == NULL)
    return hook_fail (err, 0, "/proc/PID/stat: no start time");
  p++;
  size_t len = strcspn (p, " \n");
  if (decimal_parse_unsigned (p, len, DECIMAL_CANONICAL, UINT64_MAX, out) < 0)
    return hook_fail (err, 0, "/proc/PID/stat: start time \"%.*s\" is not a number", (int)len, p);
  return 0;
}

int
namespace_inode_at (int dirfd, const char *path, const char *type, uint64_t *ino, hook_error **err)
{
  char link[64];
  size_t type_len = strlen (type);
  int64_t value;

  ssize_t n = readlinkat (dirfd, path, link, sizeof link);
  if (n < 0)
    return hook_fail (err, errno, "read the %s namespace link", type);
  /* "TYPE:[INODE]", as proc_ns_readlink writes it.  */
  if ((size_t)n >= sizeof link || (size_t)n < type_len + 4 || memcmp (link, type, type_len) != 0
      || link[type_len] != ':' || link[type_len + 1] != '[' || link[n - 1] != ']'
      || decimal_parse (link + type_len + 2, (size_t)n - type_len - 3, DECIMAL_CANONICAL, 1,
                        UINT32_MAX, &value)
             < 0)
    return hook_fail (err, 0, "the %s namespace link reads \"%.*s\", not %s:[INODE]", type, (int)n,
                      link, type);
  *ino = (uint64_t)value;
  return 0;
}

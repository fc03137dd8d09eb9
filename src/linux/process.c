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
target_process_open (pid_t pid, target_process *p, hook_error **err)
{
  char path[32];

  if (pid <= 0)
    return hook_fail (err, 0, "state pid: a live container process is required at this stage");
  cleanup_pidfd int pidfd = pidfd_open (pid, 0);
  if (pidfd < 0)
    return hook_fail (err, errno, "pidfd_open %d", (int)pid);
  cleanup_close int proc = -1;
  if (open_procfs (&proc, err) < 0)
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
  p->pid = pid;
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
  p->pidfd = p->proc_fd = p->procfs_fd = -1;
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

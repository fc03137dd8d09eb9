#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "nsenter.h"
#include "process.h"
#include "safepath.h"
#include "sysctl.h"

static const struct
{
  const char *key, *path;
} known_sysctls[] = {
  { "net.ipv4.ip_unprivileged_port_start", "sys/net/ipv4/ip_unprivileged_port_start" },
  { "net.ipv4.ping_group_range", "sys/net/ipv4/ping_group_range" },
};

const char *
sysctl_known_path (const char *key)
{
  for (size_t i = 0; i < sizeof known_sysctls / sizeof known_sysctls[0]; i++)
    if (strcmp (key, known_sysctls[i].key) == 0)
      return known_sysctls[i].path;
  return NULL;
}

int
sysctl_value_matches (const char *written, const char *read_back)
{
  const char *w = written, *r = read_back;
  for (;;)
    {
      bool ws_w = *w == ' ' || *w == '\t', ws_r = *r == ' ' || *r == '\t';
      if (ws_w || ws_r)
        {
          if (!(ws_w && ws_r))
            return 0;
          while (*w == ' ' || *w == '\t')
            w++;
          while (*r == ' ' || *r == '\t')
            r++;
          continue;
        }
      if (*w == '\0')
        return *r == '\0' || (*r == '\n' && r[1] == '\0');
      if (*w != *r)
        return 0;
      w++;
      r++;
    }
}

static int
write_one (int proc_fd, const sysctl_write *w, hook_error **err)
{
  const char *path = sysctl_known_path (w->key);
  char back[256];

  if (path == NULL)
    return hook_fail (err, 0, "sysctl %s: not one the hook writes", w->key);
  cleanup_close int fd = openat2_fd (proc_fd, path, O_RDWR, 0, RESOLVE_STRICT_BENEATH);
  /* The file is the container's through the host's /proc, joined to its
     network namespace: a mount on the host's /proc/sys (systemd's
     ProtectKernelTunables= binds it read-only for a service and what it
     starts) is crossed by no RESOLVE_NO_XDEV walk, and a read-only /proc
     is opened for writing by none.  The operator must know which.  */
  if (fd < 0 && (errno == EXDEV || errno == EROFS))
    return hook_fail (err, errno,
                      "open /proc/%s: the hook's /proc/sys is %s (systemd's "
                      "ProtectKernelTunables= does that to the engine's service and the hooks it "
                      "starts), and the hook writes a container's sysctls through it; run the "
                      "engine without it, or set unprivileged_ports and unprivileged_icmp to false",
                      path, errno == EXDEV ? "a mount of its own" : "read-only");
  if (fd < 0)
    return hook_fail (err, errno, "open /proc/%s", path);
  if (write_all (fd, w->value, strlen (w->value)) < 0)
    return hook_fail (err, errno, "write %s=\"%s\"", w->key, w->value);
  if (pread_small (fd, path, back, sizeof back, err) < 0)
    return hook_error_prefix (err, "read back %s", w->key);
  if (!sysctl_value_matches (w->value, back))
    return hook_fail (err, 0, "sysctl %s: wrote \"%s\" but the kernel reports \"%.*s\"", w->key,
                      w->value, (int)strcspn (back, "\n"), back);
  return 0;
}

int
sysctl_job_prepare (const sysctl_write *writes, size_t n, bool join_user_namespace, int proc_fd,
                    const file_identity *host_netns, sysctl_job *job, hook_error **err)
{
  memset (job, 0, sizeof *job);
  for (size_t i = 0; i < n; i++)
    if (sysctl_known_path (writes[i].key) == NULL)
      return hook_fail (err, 0, "sysctl %s: not one the hook writes", writes[i].key);
  job->host_netns = *host_netns;
  job->proc_fd = proc_fd;
  job->writes = writes;
  job->n = n;
  job->nstypes = CLONE_NEWNET | (join_user_namespace ? CLONE_NEWUSER : 0);
  return 0;
}

int
sysctl_job_run (void *arg, hook_error **err)
{
  sysctl_job *job = arg;
  uint64_t now;

  /* Belt and braces: the plan refused the host's namespace already, but a
     write that lands there changes every pod on the node.  */
  if (namespace_inode_at (job->proc_fd, "thread-self/ns/net", "net", &now, err) < 0)
    return -1;
  if (now == job->host_netns.ino)
    return hook_fail (err, 0, "the container's network namespace is the host's: refusing");
  for (size_t i = 0; i < job->n; i++)
    if (write_one (job->proc_fd, &job->writes[i], err) < 0)
      return hook_error_prefix (err, "sysctl");
  return 0;
}

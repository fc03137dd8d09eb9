#include <config.h>

#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <selinux/selinux.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cleanup.h"
#include "config.h"
#include "host.h"

#define RESOLVED_STUB_ADDRESS  "127.0.0.53"
#define RESOLVED_UPSTREAM_FILE "/run/systemd/resolve/resolv.conf"

/* Small /proc files: read at most SIZE-1 bytes, NUL-terminate.  */
static int
read_small_file (int dirfd, const char *path, char *buf, size_t size, hook_error **err)
{
  cleanup_close int fd = openat (dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0)
    return hook_fail (err, errno, "open %s", path);
  ssize_t n = read (fd, buf, size - 1);
  if (n < 0)
    return hook_fail (err, errno, "read %s", path);
  buf[n] = '\0';
  return 0;
}

int
oom_score_parse (const char *text, int *out, hook_error **err)
{
  char *end = NULL;
  errno = 0;
  long v = strtol (text, &end, 10);
  /* strtol skips any leading white space ("\t5", "\n5") and takes a '+':
     the kernel writes neither.  */
  bool starts_strict = text[0] == '-' || (text[0] >= '0' && text[0] <= '9');
  if (!starts_strict || end == text || errno != 0 || (*end != '\n' && *end != '\0')
      || (*end == '\n' && end[1]) || v < -1000 || v > 1000)
    return hook_fail (err, 0, "oom_score_adj \"%.16s\": not an integer in [-1000, 1000]", text);
  *out = (int)v;
  return 0;
}

/* True when FILE names a nameserver line with the systemd-resolved stub.  */
static bool
points_at_resolved_stub (const char *path)
{
  cleanup_fclose FILE *f = NULL;
  char line[512];
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  struct stat st;

  if (fd < 0)
    return false;
  if (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode) || (f = fdopen (fd, "r")) == NULL)
    {
      close (fd);
      return false;
    }
  while (fgets (line, sizeof line, f))
    {
      char *p = line;
      while (*p == ' ' || *p == '\t')
        p++;
      if (strncmp (p, "nameserver", 10) != 0 || (p[10] != ' ' && p[10] != '\t'))
        continue;
      p += 10;
      while (*p == ' ' || *p == '\t')
        p++;
      if (strncmp (p, RESOLVED_STUB_ADDRESS, strlen (RESOLVED_STUB_ADDRESS)) == 0)
        return true;
    }
  return false;
}

int
host_facts_gather (const char *resolv_conf, bool resolv_conf_is_default, host_facts *facts,
                   hook_error **err)
{
  char buf[128];
  struct utsname uts;

  memset (facts, 0, sizeof *facts);
  if (read_small_file (AT_FDCWD, "/proc/self/oom_score_adj", buf, sizeof buf, err) < 0
      || oom_score_parse (buf, &facts->own_oom_score_adj, err) < 0)
    return hook_error_prefix (err, "the hook's own OOM score");

  capng_clear (CAPNG_SELECT_BOTH);
  if (capng_get_caps_process () < 0)
    return hook_fail (err, errno, "read the hook's capabilities");
  facts->cap_sys_resource = capng_have_capability (CAPNG_EFFECTIVE, CAP_SYS_RESOURCE) != 0;

  facts->selinux_enabled = is_selinux_enabled () == 1;

  /* containerd's userns.RunningInUserNS: the initial namespace maps every
     uid onto itself.  */
  if (read_small_file (AT_FDCWD, "/proc/self/uid_map", buf, sizeof buf, err) < 0)
    return -1;
  unsigned long a, b, c;
  facts->in_user_namespace
      = !(sscanf (buf, " %lu %lu %lu", &a, &b, &c) == 3 && a == 0 && b == 0 && c == 4294967295UL);

  if (uname (&uts) < 0)
    return hook_fail (err, errno, "uname");
  snprintf (facts->hostname, sizeof facts->hostname, "%s", uts.nodename);

  if (resolv_conf)
    {
      snprintf (facts->resolv_conf_source, sizeof facts->resolv_conf_source, "%s", resolv_conf);
      if (resolv_conf_is_default && points_at_resolved_stub (resolv_conf)
          && access (RESOLVED_UPSTREAM_FILE, R_OK) == 0)
        snprintf (facts->resolv_conf_source, sizeof facts->resolv_conf_source, "%s",
                  RESOLVED_UPSTREAM_FILE);
    }
  return 0;
}

/* Is THEIRS (a namespace file's stat) the hook's own NS namespace?  */
static int
is_own_namespace (const struct stat *theirs, const char *ns, bool *same, hook_error **err)
{
  struct stat mine;
  char own[32];

  snprintf (own, sizeof own, "/proc/self/ns/%s", ns);
  if (stat (own, &mine) < 0)
    return hook_fail (err, errno, "stat %s", own);
  *same = mine.st_dev == theirs->st_dev && mine.st_ino == theirs->st_ino;
  return 0;
}

static int
same_namespace (int proc_pid_fd, const char *ns, bool *same, hook_error **err)
{
  struct stat theirs;
  char path[32];

  snprintf (path, sizeof path, "ns/%s", ns);
  if (fstatat (proc_pid_fd, path, &theirs, 0) < 0)
    return hook_fail (err, errno, "stat the container's %s namespace", ns);
  return is_own_namespace (&theirs, ns, same, err);
}

int
target_facts_from_process (int proc_pid_fd, target_facts *facts, hook_error **err)
{
  memset (facts, 0, sizeof *facts);
  if (same_namespace (proc_pid_fd, "net", &facts->net_is_host, err) < 0
      || same_namespace (proc_pid_fd, "ipc", &facts->ipc_is_host, err) < 0
      || same_namespace (proc_pid_fd, "uts", &facts->uts_is_host, err) < 0)
    return -1;
  facts->known = true;
  return 0;
}

static int
path_is_own_namespace (const char *path, const char *ns, bool *same, hook_error **err)
{
  struct stat theirs;

  *same = false;
  if (path == NULL)
    return 0;
  if (stat (path, &theirs) < 0)
    return hook_fail (err, errno, "config linux.namespaces: %s namespace path %s", ns, path);
  return is_own_namespace (&theirs, ns, same, err);
}

int
target_facts_from_config (const container_config *config, target_facts *facts, hook_error **err)
{
  memset (facts, 0, sizeof *facts);
  if (path_is_own_namespace (config->ns_network.path, "net", &facts->net_is_host, err) < 0
      || path_is_own_namespace (config->ns_ipc.path, "ipc", &facts->ipc_is_host, err) < 0
      || path_is_own_namespace (config->ns_uts.path, "uts", &facts->uts_is_host, err) < 0)
    return -1;
  facts->known = true;
  return 0;
}

int
selinux_mount_label_check (const char *label, hook_error **err)
{
  if (security_check_context (label) < 0)
    return hook_fail (err, errno,
                      "config linux.mountLabel \"%s\": not a valid context for the loaded "
                      "SELinux policy",
                      label);
  return 0;
}

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cleanup.h"
#include "spec.h"
#include "etcfiles.h"
#include "cgroup.h"
#include "cgroup_paths.h"
#include "decimal.h"
#include "host.h"
#include "oom.h"
#include "process.h"
#include "privileges.h"
#include "safepath.h"
#include "security_libs.h"

#define RESOLVED_STUB_ADDRESS  "127.0.0.53"
#define RESOLVED_UPSTREAM_FILE "/run/systemd/resolve/resolv.conf"

/* True when CONTENT (a resolv.conf) has a nameserver line with the
   systemd-resolved stub.  */
static bool
points_at_resolved_stub (const char *content)
{
  for (const char *line = content; *line;)
    {
      const char *eol = strchrnul (line, '\n');
      const char *p = line;
      while (*p == ' ' || *p == '\t')
        p++;
      if (strncmp (p, "nameserver", 10) == 0 && (p[10] == ' ' || p[10] == '\t'))
        {
          p += 10;
          while (*p == ' ' || *p == '\t')
            p++;
          if (strncmp (p, RESOLVED_STUB_ADDRESS, strlen (RESOLVED_STUB_ADDRESS)) == 0)
            return true;
        }
      line = *eol ? eol + 1 : eol;
    }
  return false;
}

bool
uid_map_is_initial (const char *uid_map)
{
  static const uint64_t identity[] = { 0, 0, UINT32_MAX };
  const char *p = uid_map;
  for (size_t i = 0; i < sizeof identity / sizeof identity[0]; i++)
    {
      uint64_t value;
      while (*p == ' ')
        p++;
      size_t len = strspn (p, "0123456789");
      if (decimal_parse_unsigned (p, len, DECIMAL_CANONICAL, UINT32_MAX, &value) < 0
          || value != identity[i])
        return false;
      p += len;
    }
  return strcmp (p, "\n") == 0 || *p == '\0';
}

int
hook_user_namespace_read (int procfs_fd, char *uid_map, size_t size, bool *initial,
                          hook_error **err)
{
  cleanup_close int own_proc_fd = -1;
  if (procfs_fd < 0 && open_procfs (&own_proc_fd, err) < 0)
    return hook_error_prefix (err, "the hook's user namespace");
  if (read_small_at (procfs_fd >= 0 ? procfs_fd : own_proc_fd, "self/uid_map", RESOLVE_BENEATH,
                     uid_map, size, err)
      < 0)
    return hook_error_prefix (err, "the hook's user namespace");
  *initial = uid_map_is_initial (uid_map);
  return 0;
}

static int
read_source (const char *path, const char *key, char **content, size_t *len, hook_error **err)
{
  cleanup_free char *name = NULL;
  if (asprintf (&name, "policy key \"%s\": %s", key, path) < 0)
    return hook_fail (err, ENOMEM, "%s", key);
  return read_trusted_file (path, name, ETC_SOURCE_MAX, true, content, len, err);
}

int
host_facts_gather (int procfs_fd, const bool *in_user_namespace, const char *resolv_conf,
                   bool resolv_conf_is_default, const char *hosts, host_facts *facts,
                   hook_error **err)
{
  char buf[128];
  bool initial;
  struct utsname uts;

  memset (facts, 0, sizeof *facts);
  cleanup_close int own_proc_fd = -1;
  if (procfs_fd < 0 && open_procfs (&own_proc_fd, err) < 0)
    return -1;
  int proc_fd = procfs_fd >= 0 ? procfs_fd : own_proc_fd;
  if (read_small_at (proc_fd, "self/oom_score_adj", RESOLVE_BENEATH, buf, sizeof buf, err) < 0
      || oom_score_parse (buf, &facts->own_oom_score_adj, err) < 0)
    return hook_error_prefix (err, "the hook's own OOM score");

  if (in_user_namespace)
    facts->in_user_namespace = *in_user_namespace;
  else if (hook_user_namespace_read (proc_fd, buf, sizeof buf, &initial, err) < 0)
    return -1;
  else
    facts->in_user_namespace = !initial;

  if (uname (&uts) < 0)
    return hook_fail (err, errno, "uname");
  snprintf (facts->hostname, sizeof facts->hostname, "%s", uts.nodename);

  if (hosts && read_source (hosts, "hosts", &facts->hosts_content, &facts->hosts_len, err) < 0)
    return -1;
  if (resolv_conf)
    {
      facts->resolv_conf_source = resolv_conf;
      if (read_source (resolv_conf, "resolv_conf", &facts->resolv_conf_content,
                       &facts->resolv_conf_len, err)
          < 0)
        return -1;
      /* A container cannot reach the host's loopback: copy the upstream
         servers systemd-resolved forwards to, when it has them.  */
      if (resolv_conf_is_default && points_at_resolved_stub (facts->resolv_conf_content))
        {
          cleanup_hook_error hook_error *upstream_err = NULL;
          char *upstream = NULL;
          size_t len = 0;
          if (read_source (RESOLVED_UPSTREAM_FILE, "resolv_conf", &upstream, &len, &upstream_err)
              == 0)
            {
              free (facts->resolv_conf_content);
              facts->resolv_conf_content = upstream;
              facts->resolv_conf_len = len;
              facts->resolv_conf_source = RESOLVED_UPSTREAM_FILE;
            }
          else if (upstream_err->errno_value != ENOENT)
            {
              *err = steal_pointer (&upstream_err);
              return -1;
            }
        }
    }
  return 0;
}

void
host_facts_clear (host_facts *facts)
{
  free (facts->resolv_conf_content);
  free (facts->hosts_content);
  facts->resolv_conf_content = facts->hosts_content = NULL;
}

static const char *const namespace_files[NAMESPACE_COUNT] = {
  [NAMESPACE_NET] = "net", [NAMESPACE_IPC] = "ipc",   [NAMESPACE_UTS] = "uts",
  [NAMESPACE_MNT] = "mnt", [NAMESPACE_USER] = "user",
};

static const spec_namespace *
config_namespace_of (const container_spec *config, namespace_kind kind)
{
  switch (kind)
    {
    case NAMESPACE_NET:
      return &config->ns_network;
    case NAMESPACE_IPC:
      return &config->ns_ipc;
    case NAMESPACE_UTS:
      return &config->ns_uts;
    case NAMESPACE_MNT:
      return &config->ns_mount;
    case NAMESPACE_USER:
      return &config->ns_user;
    default:
      return NULL;
    }
}

/* The hook's own namespaces, below OWN_NS_FD (/proc/thread-self/ns, the
   hook is single-threaded: its thread's are the process's), and nsfs's
   device, from the one stat among them.  */
static int
own_namespaces (int own_ns_fd, uint64_t own[NAMESPACE_COUNT], dev_t *nsfs_dev, hook_error **err)
{
  struct stat st;
  if (fstatat (own_ns_fd, namespace_files[NAMESPACE_USER], &st, 0) < 0)
    return hook_fail (err, errno, "stat /proc/thread-self/ns/%s", namespace_files[NAMESPACE_USER]);
  *nsfs_dev = st.st_dev;
  own[NAMESPACE_USER] = (uint64_t)st.st_ino;
  for (int k = 0; k < NAMESPACE_COUNT; k++)
    if (k != NAMESPACE_USER
        && namespace_inode_at (own_ns_fd, namespace_files[k], namespace_files[k], &own[k], err) < 0)
      return hook_error_prefix (err, "the hook's own namespaces");
  return 0;
}

/* A namespace path config.json names (a trusted engine's: /proc/PID/ns/net
   or a pinned /run/netns/NAME), as a stat; NULL when it gives none.  */
static int
config_namespace_stat (const container_spec *config, namespace_kind kind, struct stat *st,
                       bool *given, hook_error **err)
{
  const spec_namespace *ns = config_namespace_of (config, kind);
  *given = ns && ns->present && ns->path;
  if (!*given)
    return 0;
  if (stat (ns->path, st) < 0)
    return hook_fail (err, errno, "config linux.namespaces: %s namespace path %s",
                      namespace_files[kind], ns->path);
  return 0;
}

#define PROC_PID_CGROUP_MAX (64u << 10)

/* The container's v1 cpu and v2 cgroup paths from PROC_CGROUP (the text
   of /proc/PID/cgroup), kept in one allocation of their length.  */
static int
cgroup_paths_keep (const char *proc_cgroup, target_facts *facts, hook_error **err)
{
  char v1[PATH_MAX], v2[PATH_MAX];
  bool has_v1 = cgroup_path_for (proc_cgroup, "cpu", v1, sizeof v1) == 0;
  bool has_v2 = cgroup_path_for (proc_cgroup, NULL, v2, sizeof v2) == 0;
  size_t n1 = has_v1 ? strlen (v1) + 1 : 0, n2 = has_v2 ? strlen (v2) + 1 : 0;

  if (n1 + n2 == 0)
    return 0;
  facts->cgroup_paths = malloc (n1 + n2);
  if (facts->cgroup_paths == NULL)
    return hook_fail (err, ENOMEM, "/proc/PID/cgroup");
  if (has_v1)
    facts->cgroup_v1_cpu = memcpy (facts->cgroup_paths, v1, n1);
  if (has_v2)
    facts->cgroup_v2 = memcpy (facts->cgroup_paths + n1, v2, n2);
  return 0;
}

void
target_facts_clear (target_facts *facts)
{
  free (facts->cgroup_paths);
  facts->cgroup_paths = NULL;
  facts->cgroup_v1_cpu = facts->cgroup_v2 = NULL;
}

int
target_facts_from_process (const target_process *p, const container_spec *config,
                           target_facts *facts, hook_error **err)
{
  uint64_t own[NAMESPACE_COUNT];
  cleanup_free char *cgroups = NULL;
  int proc_pid_fd = p->proc_fd, pid = p->pid;
  dev_t nsfs_dev;
  size_t len;

  memset (facts, 0, sizeof *facts);
  if (own_namespaces (p->own_ns_fd, own, &nsfs_dev, err) < 0)
    return -1;
  for (int k = 0; k < NAMESPACE_COUNT; k++)
    {
      struct stat named;
      uint64_t theirs;
      char path[32];
      bool given;
      snprintf (path, sizeof path, "ns/%s", namespace_files[k]);
      if (namespace_inode_at (proc_pid_fd, path, namespace_files[k], &theirs, err) < 0)
        return hook_error_prefix (err, "the container's namespaces");
      facts->is_own[k] = theirs == own[k];
      facts->ns[k] = (file_identity){ (uint64_t)nsfs_dev, theirs };
      facts->own_ns[k] = (file_identity){ (uint64_t)nsfs_dev, own[k] };
      if (config_namespace_stat (config, (namespace_kind)k, &named, &given, err) < 0)
        return -1;
      facts->matches_path[k]
          = given && named.st_dev == nsfs_dev && (uint64_t)named.st_ino == theirs;
    }
  cleanup_close int fd = openat2_fd (proc_pid_fd, "cgroup", O_RDONLY, 0, RESOLVE_STRICT_BENEATH);
  if (fd < 0
      || read_regular_fd (fd, "/proc/PID/cgroup", PROC_PID_CGROUP_MAX, &cgroups, &len, err) < 0)
    return fd < 0 ? hook_fail (err, errno, "open /proc/%d/cgroup", pid) : -1;
  if (cgroup_paths_keep (cgroups, facts, err) < 0)
    return -1;
  facts->known = facts->live = true;
  facts->pid = pid;
  return 0;
}

int
target_facts_from_config (const container_spec *config, target_facts *facts, hook_error **err)
{
  uint64_t own[NAMESPACE_COUNT];
  cleanup_close int proc_fd = -1, own_ns_fd = -1;
  dev_t nsfs_dev;

  memset (facts, 0, sizeof *facts);
  if (open_procfs (&proc_fd, err) < 0 || open_own_namespaces (proc_fd, &own_ns_fd, err) < 0
      || own_namespaces (own_ns_fd, own, &nsfs_dev, err) < 0)
    return -1;
  for (int k = 0; k < NAMESPACE_COUNT; k++)
    {
      struct stat named;
      bool given;
      if (config_namespace_stat (config, (namespace_kind)k, &named, &given, err) < 0)
        return -1;
      const spec_namespace *ns = config_namespace_of (config, (namespace_kind)k);
      /* Not listed: the container shares the runtime's (the host's).  */
      facts->is_own[k]
          = !ns->present || (given && named.st_dev == nsfs_dev && (uint64_t)named.st_ino == own[k]);
    }
  facts->known = true;
  return 0;
}

int
host_security_facts (const hook_capabilities *caps, const char *mount_label, selinux_lib *selinux,
                     host_facts *facts, hook_error **err)
{
  facts->cap_sys_resource = caps->sys_resource_effective;
  /* Without a mount label nothing is labelled: libselinux is not even
     loaded.  */
  facts->selinux_enabled = false;
  if (mount_label == NULL)
    return 0;
  if (selinux_lib_load (selinux, err) < 0)
    return hook_error_prefix (err, "config linux.mountLabel");
  facts->selinux_enabled = selinux->is_selinux_enabled () == 1;
  return 0;
}

int
selinux_mount_label_check (const selinux_lib *selinux, const char *label, hook_error **err)
{
  if (selinux->security_check_context (label) < 0)
    return hook_fail (err, errno,
                      "config linux.mountLabel \"%s\": not a valid context for the loaded "
                      "SELinux policy",
                      label);
  return 0;
}

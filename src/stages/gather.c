#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "dnsfiles.h"
#include "engine_files.h"
#include "host.h"
#include "inputs.h"
#include "pod_cgroup.h"
#include "registry.h"
#include "safepath.h"
#include "stage.h"

int
stage_user_namespace (int procfs_fd, hook_log *log, const char *what, const hook_error *cause,
                      bool *rootless, hook_error **err)
{
  char uid_map[128];
  bool initial;

  if (hook_user_namespace_read (procfs_fd, uid_map, sizeof uid_map, &initial, err) < 0)
    return -1;
  *rootless = !initial;
  if (initial)
    return 0;
  /* The first mapping, spaces collapsed: "0 54321 1".  */
  char shown[64];
  size_t n = 0;
  for (const char *p = uid_map; *p && *p != '\n' && n + 1 < sizeof shown; p++)
    if (*p != ' ' || (n > 0 && shown[n - 1] != ' '))
      shown[n++] = *p;
  while (n > 0 && shown[n - 1] == ' ')
    n--;
  shown[n] = '\0';
  if (cause)
    log_debug (log, "%s", cause->message);
  log_info (log,
            "%s: the hook runs in a user namespace (uid_map \"%s\"), with no privileges beyond "
            "its owner's (rootless), where no policy file can be proven root's",
            what, shown);
  return 0;
}

bool
stage_rootless (hook_log *log, const char *what, const hook_error *cause)
{
  cleanup_hook_error hook_error *e = NULL;
  bool rootless;

  return stage_user_namespace (-1, log, what, cause, &rootless, &e) == 0 && rootless;
}

int
stage_load_policy (const options *o, sandbox_policy *policy, hook_log *log, hook_error **err)
{
  /* --log-level holds for what is said of a policy that failed too.  */
  if (o->log_level_set)
    log->level = o->log_level;
  if (sandbox_policy_load (o->policy_path, o->policy_explicit, policy, err) < 0)
    return -1;
  log->level = o->log_level_set ? o->log_level : policy->log_level;
  return hook_log_set_socket (log, policy->log_socket, err);
}

int
gather_host_facts (int procfs_fd, const bool *in_user_namespace, const plan_input *in,
                   host_facts *host, hook_error **err)
{
  const char *hosts, *resolv_conf;

  plan_host_sources (in, &hosts, &resolv_conf);
  return host_facts_gather (procfs_fd, in_user_namespace, resolv_conf,
                            in->policy->resolv_conf_is_default, hosts, host, err);
}

/* The cgroup cpu_shares would change, and whether anything else lives in
   it: facts for the plan, looked up only when shares may apply (plan_cpu
   skips them first when the policy sets none or config.json has its own).
   A failure is a fact too: the plan refuses with it only where it matters,
   after it has checked that the process is the container's.  */
void
gather_cgroup_facts (const target_process *process, const sandbox_policy *policy,
                     const container_spec *config, cgroup_target *cgroup, target_facts *target)
{
  cleanup_hook_error hook_error *e = NULL;

  if (policy->cpu_shares == 0 || config->has_cpu_shares)
    return;
  if (cgroup_target_find (target->cgroup_v1_cpu, target->cgroup_v2, policy->cgroup_root, process,
                          cgroup, &target->cgroup_others, &e)
      < 0)
    {
      snprintf (target->cgroup_error, sizeof target->cgroup_error, "%s",
                e ? e->message : "cgroup lookup failed");
      cgroup_target_close (cgroup);
      return;
    }
  target->cgroup_counted = true;
  target->cgroup_file = cgroup->file;
}

/* Facts for a plan made without acting: the namespaces config.json names,
   and the limits of the pod's cgroup parent for sizing (a source only:
   an unreadable or malformed parent is logged and skipped).  */
int
gather_spec_facts (const container_spec *config, const sandbox_policy *policy, hook_log *log,
                   target_facts *target, sandbox_sizing *pod_cgroup, hook_error **err)
{
  cleanup_hook_error hook_error *cgroup_err = NULL;

  if (target_facts_from_config (config, target, err) < 0)
    return -1;
  memset (pod_cgroup, 0, sizeof *pod_cgroup);
  /* The plan skips sizing then: nothing to read.  */
  if (policy->sandbox_sizing
      && pod_cgroup_sizing (policy->cgroup_root, config->cgroups_path, pod_cgroup, &cgroup_err) < 0)
    {
      log_warn (log, "sandbox sizing: %s: ignored", cgroup_err->message);
      memset (pod_cgroup, 0, sizeof *pod_cgroup);
    }
  return 0;
}

static bool
same_identity (const file_identity *a, const file_identity *b)
{
  return a->dev == b->dev && a->ino == b->ino;
}

void
gather_pod_facts (const sandbox_policy *policy, const char *name, const target_facts *target,
                  int procfs_fd, bool sweep, pod_facts *pod)
{
  cleanup_pod_registry pod_registry reg = POD_REGISTRY_INIT;
  cleanup_hook_error hook_error *e = NULL;
  pod_lookup result;

  memset (pod, 0, sizeof *pod); /* fresh: it holds no entry's document yet */
  /* A name outside the grammar is the plan's to refuse.  */
  if (pod_name_validate (name, NULL) < 0)
    return;
  if (pod_registry_open (policy->state_dir, false, &reg, &e) < 0)
    {
      pod->lookup = e->errno_value == ENOENT ? POD_LOOKUP_NOT_REGISTERED : POD_LOOKUP_FAILED;
      snprintf (pod->error, sizeof pod->error, "%s", e->message);
      return;
    }
  pod_registry_lend_procfs (&reg, procfs_fd);
  if (pod_registry_lookup (&reg, name, sweep, &pod->entry, &result, &e) < 0)
    {
      pod->lookup = POD_LOOKUP_FAILED;
      snprintf (pod->error, sizeof pod->error, "%s", e->message);
      return;
    }
  pod->lookup = result == POD_FOUND   ? POD_LOOKUP_FOUND
                : result == POD_STALE ? POD_LOOKUP_STALE
                                      : POD_LOOKUP_NOT_REGISTERED;
  if (pod->lookup != POD_LOOKUP_FOUND)
    return;
  pod->shares_ipc = same_identity (&target->ns[NAMESPACE_IPC], &pod->entry.ns_ipc);
  pod->shares_uts = same_identity (&target->ns[NAMESPACE_UTS], &pod->entry.ns_uts);
  pod->shares_net = same_identity (&target->ns[NAMESPACE_NET], &pod->entry.ns_net);
}

void
gather_engine_facts (const sandbox_policy *policy, const container_spec *config,
                     engine_facts *facts)
{
  memset (facts, 0, sizeof *facts);
  if (policy->engine_files == SYSCTL_CHECK_OFF)
    return;
  facts->gathered = true;
  for (int f = 0; f < ENGINE_N_FILES; f++)
    {
      engine_file_facts *ef = &facts->files[f];
      const spec_mount *m = spec_find_mount (config, engine_file_destination ((engine_file)f));
      const char *dir = m && m->bind ? plan_engine_dir (policy, m->source) : NULL;
      cleanup_hook_error hook_error *e = NULL;

      if (dir == NULL)
        continue;
      if (engine_file_read (dir, m->source, ENGINE_FILE_MAX, &ef->content, &ef->len, &e) < 0)
        snprintf (ef->error, sizeof ef->error, "cannot be read: %s", e->message);
    }
  /* What engines copy for a pod without DNS settings.  Not root's, or
     unreadable: then there is nothing the engine's file may equal.  */
  if (facts->files[ENGINE_FILE_RESOLV_CONF].content)
    {
      cleanup_hook_error hook_error *e = NULL;
      if (read_trusted_file ("/etc/resolv.conf", "the node's /etc/resolv.conf", ENGINE_FILE_MAX,
                             false, &facts->node_resolv_conf, &facts->node_resolv_conf_len, &e)
          < 0)
        facts->node_resolv_conf = NULL;
    }
}

void
engine_facts_clear (engine_facts *facts)
{
  for (int f = 0; f < ENGINE_N_FILES; f++)
    free (facts->files[f].content);
  free (facts->node_resolv_conf);
  memset (facts, 0, sizeof *facts);
}

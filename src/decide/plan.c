#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cpu_weight.h"
#include "decimal.h"
#include "dnsfiles.h"
#include "plan.h"
#include "cgroup_paths.h"
#include "names.h"
#include "quantity.h"
#include "state.h"
#include "sysctl_rules.h"

static const char *const action_names[ACTION_COUNT] = {
  [ACTION_SYSCTL_CHECK] = "sysctl_check",
  [ACTION_ENGINE_FILES] = "engine_files",
  [ACTION_HOSTNAME_FILE] = "hostname",
  [ACTION_HOSTS_FILE] = "hosts",
  [ACTION_RESOLV_CONF_FILE] = "resolv_conf",
  [ACTION_SHM] = "shm",
  [ACTION_ENGINE_SHM] = "engine_shm",
  [ACTION_UNPRIVILEGED_PORTS] = "unprivileged_ports",
  [ACTION_UNPRIVILEGED_ICMP] = "unprivileged_icmp",
  [ACTION_OOM_SCORE_ADJ] = "oom_score_adj",
  [ACTION_CPU_SHARES] = "cpu_shares",
  [ACTION_POD_REGISTRY] = "pod_registry",
  [ACTION_SANDBOX_SIZING] = "sandbox_sizing",
};

const action_kind sysctl_actions[N_SYSCTL_ACTIONS]
    = { ACTION_UNPRIVILEGED_PORTS, ACTION_UNPRIVILEGED_ICMP };

const char *
action_name (action_kind kind)
{
  return kind < ACTION_COUNT ? action_names[kind] : "unknown";
}

/* A reason longer than its buffer is cut at a byte; never leave half a
   UTF-8 character at the cut (policy strings may hold any character), or
   explain's JSON generator refuses the whole reason.  */
static void __attribute__ ((format (printf, 3, 0)))
format_reason (char *buf, size_t size, const char *fmt, va_list ap)
{
  int n = vsnprintf (buf, size, fmt, ap);
  size_t len, start;
  unsigned char lead;

  if (n < 0 || (size_t)n < size || size == 0)
    return;
  len = strlen (buf);
  start = len;
  while (start > 0 && ((unsigned char)buf[start - 1] & 0xc0) == 0x80)
    start--;
  if (start == 0)
    return;
  lead = (unsigned char)buf[start - 1];
  if (lead >= 0xc0 && len - (start - 1) < (lead >= 0xf0 ? 4u : lead >= 0xe0 ? 3u : 2u))
    buf[start - 1] = '\0';
}

static void __attribute__ ((format (printf, 3, 4)))
reason_printf (char *buf, size_t size, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  format_reason (buf, size, fmt, ap);
  va_end (ap);
}

static void __attribute__ ((format (printf, 2, 3))) skip (planned_action *a, const char *fmt, ...)
{
  va_list ap;
  a->skip = true;
  va_start (ap, fmt);
  format_reason (a->reason, sizeof a->reason, fmt, ap);
  va_end (ap);
}

static void __attribute__ ((format (printf, 2, 3)))
because (planned_action *a, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  format_reason (a->reason, sizeof a->reason, fmt, ap);
  va_end (ap);
}

/* Every action of PLAN not skipped yet is skipped, for the same reason.  */
static void __attribute__ ((format (printf, 2, 3)))
skip_the_rest (sandbox_plan *plan, const char *fmt, ...)
{
  char reason[sizeof plan->actions[0].reason];
  va_list ap;
  va_start (ap, fmt);
  format_reason (reason, sizeof reason, fmt, ap);
  va_end (ap);
  for (int k = 0; k < ACTION_COUNT; k++)
    if (!plan->actions[k].skip)
      skip (&plan->actions[k], "%s", reason);
}

static const char *
annotation_in (const json_value *config_annotations, const json_value *state_annotations,
               const char *key)
{
  const char *v = annotation_get (config_annotations, key);
  return v ? v : annotation_get (state_annotations, key);
}

/* An annotation of the pod: config.json's, else the state's.  */
static const char *
lookup_annotation (const plan_input *in, const char *key)
{
  return annotation_in (in->config->annotations, in->state_annotations, key);
}

/* A sandbox annotation of the policy present with another value: the
   engine that set it says what the container is (an app container of a
   pod that runs /catatonit as its init is no sandbox).  */
static const annotation_match *
annotation_veto (const sandbox_policy *policy, const json_value *config_annotations,
                 const json_value *state_annotations)
{
  for (size_t i = 0; i < policy->n_match_annotations; i++)
    {
      const annotation_match *m = &policy->match_annotations[i];
      const char *v = annotation_in (config_annotations, state_annotations, m->key);
      if (v && strcmp (v, m->value) != 0)
        return m;
    }
  return NULL;
}

bool
plan_classify (const sandbox_policy *policy, const json_value *config_annotations,
               const json_value *state_annotations, const char *arg0, char *reason,
               size_t reason_size)
{
  if (policy->match_all)
    {
      reason_printf (reason, reason_size, "the policy matches all containers");
      return true;
    }
  for (size_t i = 0; i < policy->n_match_annotations; i++)
    {
      const annotation_match *m = &policy->match_annotations[i];
      const char *v = annotation_in (config_annotations, state_annotations, m->key);
      if (v && strcmp (v, m->value) == 0)
        {
          reason_printf (reason, reason_size, "annotation %s=%s", m->key, m->value);
          return true;
        }
    }
  const annotation_match *veto = annotation_veto (policy, config_annotations, state_annotations);
  if (veto)
    {
      reason_printf (reason, reason_size, "annotation %s=%s: the engine says it is not a sandbox",
                     veto->key, annotation_in (config_annotations, state_annotations, veto->key));
      return false;
    }
  for (size_t i = 0; arg0 && i < policy->n_match_commands; i++)
    if (strcmp (arg0, policy->match_commands[i]) == 0)
      {
        reason_printf (reason, reason_size, "command %s", arg0);
        return true;
      }
  reason_printf (reason, reason_size, "no sandbox annotation or command of the policy matches");
  return false;
}

bool
plan_classify_needs_command (const sandbox_policy *policy, const json_value *config_annotations,
                             const json_value *state_annotations)
{
  return policy->n_match_commands > 0
         && annotation_veto (policy, config_annotations, state_annotations) == NULL;
}

/* Our own annotations: bounded, and an unknown key under our prefix is an
   error (docs/security.md, threat 15: exact key allow-list).  */
static int
check_own_annotations (const json_value *annotations, hook_error **err)
{
  static const char *const known[] = { ANNOTATION_SHM_SIZE, ANNOTATION_DNS_SERVERS,
                                       ANNOTATION_DNS_SEARCHES, ANNOTATION_DNS_OPTIONS };
  if (annotations == NULL)
    return 0;
  for (size_t i = 0; i < annotations->u.object.count; i++)
    {
      const json_member *m = &annotations->u.object.members[i];
      bool ok = false;
      if (strncmp (m->key, ANNOTATION_PREFIX, strlen (ANNOTATION_PREFIX)) != 0)
        continue;
      for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
        ok |= strcmp (m->key, known[k]) == 0;
      if (!ok)
        {
          cleanup_free char *q = quote_for_message (m->key);
          return hook_fail (err, 0,
                            "annotation %s: unknown key (known: shm-size, dns-servers, "
                            "dns-searches, dns-options)",
                            q ? q : "?");
        }
      if (m->value->u.scalar.len > ANNOTATION_VALUE_MAX)
        return hook_fail (err, 0, "annotation %s: value of %zu bytes exceeds %d", m->key,
                          m->value->u.scalar.len, ANNOTATION_VALUE_MAX);
    }
  return 0;
}

/* The container's namespace K is known to be the hook's own (the host's).  */
static bool
host_namespace (const plan_input *in, namespace_kind k)
{
  return in->target->known && in->target->is_own[k];
}

static bool
own_network (const plan_input *in)
{
  return in->config->ns_network.present && !host_namespace (in, NAMESPACE_NET);
}

static bool
own_ipc (const plan_input *in)
{
  return in->config->ns_ipc.present && !host_namespace (in, NAMESPACE_IPC);
}

static bool
own_uts (const plan_input *in)
{
  return in->config->ns_uts.present && !host_namespace (in, NAMESPACE_UTS);
}

static const char *
no_network_reason (const plan_input *in)
{
  return in->config->ns_network.present ? "the container's network namespace is the host's"
                                        : "the container has no network namespace of its own";
}

/* Append TEXT to the findings of A (warn mode): "key: reason"
   (sysctl_check), "FILE (SOURCE): WHAT" (engine_files).  */
static int
add_finding (planned_action *a, const char *text, hook_error **err)
{
  char **grown = realloc (a->u.check.findings, (a->u.check.n_findings + 1) * sizeof (char *));
  if (grown == NULL)
    return hook_fail (err, ENOMEM, "findings");
  a->u.check.findings = grown;
  if ((grown[a->u.check.n_findings] = strdup (text)) == NULL)
    return hook_fail (err, ENOMEM, "findings");
  a->u.check.n_findings++;
  return 0;
}

static int
plan_sysctl_check (const plan_input *in, planned_action *a, hook_error **err)
{
  const json_value *s = in->config->sysctl;

  if (in->policy->sysctl_check == SYSCTL_CHECK_OFF)
    {
      skip (a, "disabled by policy (sysctl_check: off)");
      return 0;
    }
  if (s == NULL || s->u.object.count == 0)
    {
      skip (a, "config.json sets no sysctls");
      return 0;
    }
  for (size_t i = 0; i < s->u.object.count; i++)
    {
      cleanup_hook_error hook_error *finding = NULL;
      const char *key = s->u.object.members[i].key;
      const char *value = s->u.object.members[i].value->u.scalar.text;
      if (sysctl_entry_check (key, value, own_ipc (in), own_network (in), own_uts (in), &finding)
          == 0)
        continue;
      if (in->policy->sysctl_check == SYSCTL_CHECK_ENFORCE)
        return hook_fail (err, 0, "config linux.sysctl: %s", finding->message);
      if (add_finding (a, finding->message, err) < 0)
        return hook_error_prefix (err, "sysctl check");
    }
  because (a,
           a->u.check.n_findings ? "%zu finding(s), policy says warn"
                                 : "%zu sysctl(s) in config.json are namespaced and valid",
           a->u.check.n_findings ? a->u.check.n_findings : s->u.object.count);
  return 0;
}

static void
plan_unprivileged_ports (const plan_input *in, planned_action *a)
{
  const char *set = spec_sysctl_get (in->config, SYSCTL_PORTS);

  a->u.sysctl.key = SYSCTL_PORTS;
  if (!in->policy->unprivileged_ports)
    {
      skip (a, "disabled by policy (unprivileged_ports: false)");
      return;
    }
  if (!own_network (in))
    {
      skip (a, "%s", no_network_reason (in));
      return;
    }
  if (set)
    {
      skip (a, "set in config.json linux.sysctl");
      return;
    }
  strcpy (a->u.sysctl.value, "0");
  because (a, "containerd default for a pod with its own network namespace");
}

static void
plan_unprivileged_icmp (const plan_input *in, planned_action *a)
{
  const container_spec *c = in->config;

  a->u.sysctl.key = SYSCTL_ICMP;
  if (!in->policy->unprivileged_icmp)
    {
      skip (a, "disabled by policy (unprivileged_icmp: false)");
      return;
    }
  if (!own_network (in))
    {
      skip (a, "%s", no_network_reason (in));
      return;
    }
  if (spec_sysctl_get (c, SYSCTL_ICMP))
    {
      skip (a, "set in config.json linux.sysctl");
      return;
    }
  if (c->ns_user.present)
    {
      /* The kernel refuses gids that are not mapped in the user namespace
         owning the netns (EINVAL): clamp to one mapped range, as CRI-O.  */
      const id_mapping *lowest = NULL;
      for (size_t i = 0; i < c->n_gid_mappings; i++)
        if (lowest == NULL || c->gid_mappings[i].container_id < lowest->container_id)
          lowest = &c->gid_mappings[i];
      if (lowest == NULL)
        {
          skip (a, "the container has a user namespace without gid mappings in config.json");
          return;
        }
      if (lowest->container_id > 2147483647u)
        {
          skip (a, "the lowest mapped gid is above the kernel's maximum of 2147483647");
          return;
        }
      uint64_t high = (uint64_t)lowest->container_id + lowest->size - 1;
      if (high > 2147483647u)
        high = 2147483647u;
      snprintf (a->u.sysctl.value, sizeof a->u.sysctl.value, "%u %u", lowest->container_id,
                (unsigned)high);
      because (a, "clamped to the container's mapped gid range");
      return;
    }
  if (in->host->in_user_namespace)
    {
      skip (a, "the hook runs in a user namespace: the full gid range is not mapped");
      return;
    }
  strcpy (a->u.sysctl.value, "0 2147483647");
  because (a, "containerd default for a pod with its own network namespace");
}

static void
plan_oom (const plan_input *in, planned_action *a)
{
  const sandbox_policy *p = in->policy;
  int own = in->host->own_oom_score_adj;

  if (in->config->has_oom_score_adj)
    {
      skip (a, "set in config.json process.oomScoreAdj (%d)", in->config->oom_score_adj);
      return;
    }
  if (!p->set_oom_score_adj)
    {
      skip (a, "disabled by policy (oom_score_adj: null)");
      return;
    }
  bool restricting = p->restrict_oom_score_adj == RESTRICT_ALWAYS
                     || (p->restrict_oom_score_adj == RESTRICT_AUTO && !in->host->cap_sys_resource);
  a->u.oom.value = p->oom_score_adj;
  a->u.oom.restricted = restricting;
  if (!restricting)
    {
      because (a, "policy value");
      return;
    }
  const char *why = p->restrict_oom_score_adj == RESTRICT_ALWAYS
                        ? "restrict_oom_score_adj: true"
                        : "restrict_oom_score_adj: auto and CAP_SYS_RESOURCE missing";
  if (own > p->oom_score_adj)
    {
      a->u.oom.value = own;
      because (a, "restricted to the hook's own score %d (%s)", own, why);
      return;
    }
  because (a, "policy value, not below the hook's own score %d (%s)", own, why);
}

static int
plan_cpu (const plan_input *in, planned_action *a, hook_error **err)
{
  if (in->policy->cpu_shares == 0)
    {
      skip (a, "disabled by policy (cpu_shares: 0)");
      return 0;
    }
  if (in->config->has_cpu_shares)
    {
      skip (a, "set in config.json linux.resources.cpu.shares (%llu)",
            (unsigned long long)in->config->cpu_shares);
      return 0;
    }
  if (in->target->cgroup_error[0])
    return hook_fail (err, 0, "cpu_shares: %s", in->target->cgroup_error);
  /* Skipped, not refused: the sandbox is fine without its minimal CPU
     weight, while writing it would change every process in that cgroup
     (and outlive the container).  */
  if (in->target->cgroup_counted && in->target->cgroup_others > 0)
    {
      skip (a,
            "the container's cgroup holds other processes (%zu): a shared cgroup is never "
            "changed (%s)",
            in->target->cgroup_others, in->target->cgroup_file);
      return 0;
    }
  a->u.cpu.shares = in->policy->cpu_shares;
  a->u.cpu.weight = cpu_shares_to_weight (a->u.cpu.shares);
  because (a, "cgroup v1 cpu.shares %llu, or cgroup v2 cpu.weight %llu",
           (unsigned long long)a->u.cpu.shares, (unsigned long long)a->u.cpu.weight);
  return 0;
}

/* A mount label reaches the kernel through fsconfig, never through an
   option string, but it is still pod-influenced text: bound it.  */
static int
mount_label_validate (const char *label, hook_error **err)
{
  size_t len = strlen (label);
  if (len > 255)
    return hook_fail (err, 0, "config linux.mountLabel: longer than 255 bytes");
  for (const char *p = label; *p; p++)
    if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || *p == '"' || *p == '\\'
        || *p == '=')
      {
        cleanup_free char *q = quote_for_message (label);
        return hook_fail (err, 0, "config linux.mountLabel %s: not an SELinux context", q ? q : "");
      }
  return 0;
}

/* The pod's /dev/shm size request: our annotation, else CRI-O's (*TEXT
   NULL: none, *SIZE the policy's shm_size).  Validated even when it ends
   up unused: a hostile value is an error, not something to skip over
   quietly.  */
static int
shm_request (const plan_input *in, const char **key, const char **text, uint64_t *size,
             hook_error **err)
{
  const sandbox_policy *p = in->policy;

  *key = ANNOTATION_SHM_SIZE;
  *text = lookup_annotation (in, *key);
  *size = p->shm_size;
  if (*text == NULL)
    {
      *key = ANNOTATION_CRIO_SHM;
      *text = lookup_annotation (in, *key);
    }
  if (*text == NULL)
    return 0;
  if (quantity_parse_bytes (*text, size, err) < 0)
    return hook_error_prefix (err, "annotation %s", *key);
  if (*size == 0)
    return hook_fail (err, 0, "annotation %s: \"%s\": must be greater than 0", *key, *text);
  if (*size > p->shm_size_max)
    return hook_fail (err, 0, "annotation %s: %llu bytes exceed the node maximum of %llu", *key,
                      (unsigned long long)*size, (unsigned long long)p->shm_size_max);
  return 0;
}

static int
plan_shm (const plan_input *in, planned_action *a, hook_error **err)
{
  const sandbox_policy *p = in->policy;
  const char *key, *text;
  const spec_mount *m = spec_find_mount (in->config, "/dev/shm");
  uint64_t size;

  if (shm_request (in, &key, &text, &size, err) < 0)
    return -1;
  if (p->shm_size == 0)
    {
      skip (a, "disabled by policy (shm_size: 0)");
      return 0;
    }
  if (m && m->bind)
    {
      skip (a, "config.json bind-mounts /dev/shm: the engine owns it");
      return 0;
    }
  if (!own_ipc (in))
    {
      a->u.shm.host_ipc = true;
      because (a, "host IPC namespace: bind the host's /dev/shm, no tmpfs");
      return 0;
    }
  a->u.shm.size = size;
  /* The label passed plan_sandbox_actions' grammar check already.  */
  if (in->config->mount_label && in->host->selinux_enabled)
    a->u.shm.label = in->config->mount_label;
  because (a, "pod-wide tmpfs of %llu bytes (%s)%s", (unsigned long long)size,
           text ? key : "policy shm_size",
           in->config->mount_label && !in->host->selinux_enabled
               ? ", mountLabel ignored: SELinux is disabled"
               : "");
  return 0;
}

/* A config.json path for a message: whole, as written, when it is a
   canonical absolute path; whole in quotes when it is printable ASCII of
   at most 1024 bytes (a "../" trick must show where it leads); else quoted
   and cut (malloc'ed; NULL only without memory).  */
static char *
path_for_message (const char *path)
{
  char *out = NULL;
  size_t len;

  if (path == NULL)
    return strdup ("(no source)");
  if (canonical_absolute_path_validate (path, "path", NULL) == 0)
    return strdup (path);
  len = strnlen (path, 1025);
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)path[i] < 0x20 || (unsigned char)path[i] > 0x7e || path[i] == '"')
      return quote_for_message (path);
  if (len > 1024 || asprintf (&out, "\"%s\"", path) < 0)
    return quote_for_message (path);
  return out;
}

const char *
plan_engine_dir (const sandbox_policy *policy, const char *source)
{
  if (source == NULL || canonical_absolute_path_validate (source, "source", NULL) < 0)
    return NULL;
  for (size_t i = 0; i < policy->n_engine_dirs; i++)
    {
      const char *dir = policy->engine_dirs[i];
      size_t n = strlen (dir);
      if (strncmp (source, dir, n) == 0 && source[n] == '/' && source[n + 1] != '\0')
        return dir;
    }
  return NULL;
}

/* A pod that asks for a /dev/shm size under an engine that makes the pod's
   tmpfs itself (containerd, CRI-O: 64 MiB, which Kubernetes cannot size
   there): that very tmpfs is resized in place at createRuntime, within the
   node's maximum.  Only a tmpfs the engine keeps below engine_dirs, never
   the host's /dev/shm: a request that cannot be met so is refused, not
   ignored.  */
static int
plan_engine_shm (const plan_input *in, planned_action *a, hook_error **err)
{
  const spec_mount *m = spec_find_mount (in->config, "/dev/shm");
  const char *key, *text, *dir;
  uint64_t size;

  if (shm_request (in, &key, &text, &size, err) < 0)
    return -1;
  if (m == NULL || !m->bind)
    {
      skip (a, "config.json binds no /dev/shm of the engine's");
      return 0;
    }
  if (text == NULL)
    {
      skip (a, "the pod asks for no /dev/shm size: the engine's tmpfs keeps its own");
      return 0;
    }
  if (in->policy->shm_size == 0)
    {
      skip (a, "disabled by policy (shm_size: 0)");
      return 0;
    }
  if (!own_ipc (in))
    return hook_fail (err, 0,
                      "annotation %s: the pod shares the host's IPC namespace, whose /dev/shm is "
                      "never resized: refusing",
                      key);
  dir = plan_engine_dir (in->policy, m->source);
  if (dir == NULL)
    {
      cleanup_free char *shown = path_for_message (m->source);
      return hook_fail (err, 0,
                        "annotation %s: config.json binds /dev/shm from %s, which is not below "
                        "any of the policy's engine_dirs: refusing to resize it",
                        key, shown ? shown : "?");
    }
  a->u.engine_shm.size = size;
  a->u.engine_shm.key = key;
  a->u.engine_shm.source = m->source;
  a->u.engine_shm.engine_dir = dir;
  because (a, "the engine's tmpfs resized in place to %llu bytes (%s), below %s",
           (unsigned long long)size, key, dir);
  return 0;
}

const char *
engine_file_destination (engine_file f)
{
  return f == ENGINE_FILE_HOSTNAME ? "/etc/hostname" : "/etc/resolv.conf";
}

/* One engine file against the grammar, or what the node itself holds
   (engines copy the node's resolv.conf for a pod without DNS settings, and
   write the node's name for a host-network pod): *VERDICT says which.  */
static int
judge_engine_file (const plan_input *in, engine_file f, const engine_file_facts *ef,
                   const char **verdict, hook_error **err)
{
  const engine_facts *e = in->engine;

  if (ef->content == NULL)
    return hook_fail (err, 0, "%s", ef->error[0] ? ef->error : "not read");
  if (f == ENGINE_FILE_RESOLV_CONF && e->node_resolv_conf && ef->len == e->node_resolv_conf_len
      && memcmp (ef->content, e->node_resolv_conf, ef->len) == 0)
    {
      *verdict = "the node's /etc/resolv.conf";
      return 0;
    }
  if (f == ENGINE_FILE_HOSTNAME && in->host && in->host->hostname[0]
      && ef->len == strlen (in->host->hostname) + 1 && ef->content[ef->len - 1] == '\n'
      && memcmp (ef->content, in->host->hostname, ef->len - 1) == 0)
    {
      *verdict = "the node's name";
      return 0;
    }
  *verdict = "valid";
  return f == ENGINE_FILE_HOSTNAME ? dns_engine_hostname_check (ef->content, ef->len, err)
                                   : dns_engine_resolv_conf_check (ef->content, ef->len, err);
}

/* containerd and CRI-O write a pod's DNS values verbatim (docs/engines.md
   §1): an option "ndots:5\nnameserver 6.6.6.6" gives the pod a nameserver
   nobody configured.  The engine's resolv.conf and hostname that
   config.json binds from below engine_dirs are checked against the
   engines' own format; enforce refuses the pod naming the file and the
   line, warn records findings.  */
static int
plan_engine_files (const plan_input *in, planned_action *a, hook_error **err)
{
  static const engine_file files[] = { ENGINE_FILE_RESOLV_CONF, ENGINE_FILE_HOSTNAME };
  const sandbox_policy *p = in->policy;
  const char *outside = NULL;
  char verdicts[200] = "";
  size_t n_bound = 0;

  if (p->engine_files == SYSCTL_CHECK_OFF)
    {
      skip (a, "disabled by policy (engine_files: off)");
      return 0;
    }
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
    {
      const char *dest = engine_file_destination (files[i]);
      const spec_mount *m = spec_find_mount (in->config, dest);
      cleanup_hook_error hook_error *finding = NULL;
      const char *verdict = NULL;

      if (m == NULL || !m->bind)
        continue;
      if (plan_engine_dir (p, m->source) == NULL)
        {
          outside = dest;
          continue;
        }
      n_bound++;
      if (in->engine == NULL || !in->engine->gathered)
        continue;
      if (judge_engine_file (in, files[i], &in->engine->files[files[i]], &verdict, &finding) == 0)
        {
          size_t used = strlen (verdicts);
          snprintf (verdicts + used, sizeof verdicts - used, "%s%s: %s", used ? "; " : "", dest,
                    verdict);
          continue;
        }
      cleanup_free char *text = NULL;
      /* Below an engine directory: a canonical path, shown whole.  */
      if (asprintf (&text, "the engine's %s (%s): %s", dest, m->source, finding->message) < 0)
        return hook_fail (err, ENOMEM, "engine_files");
      if (p->engine_files == SYSCTL_CHECK_ENFORCE)
        return hook_fail (err, 0, "engine_files: %s: refusing the pod (engine_files: enforce)",
                          text);
      if (add_finding (a, text, err) < 0)
        return -1;
    }
  if (n_bound == 0)
    {
      if (outside)
        skip (a, "config.json binds %s from outside engine_dirs: not the engine's file", outside);
      else
        skip (a, "config.json binds no /etc/resolv.conf or /etc/hostname of the engine's");
      return 0;
    }
  if (in->engine == NULL || !in->engine->gathered)
    {
      skip (a, "the engine's files are read at createRuntime");
      return 0;
    }
  if (a->u.check.n_findings)
    because (a, "%zu finding(s), policy says warn", a->u.check.n_findings);
  else
    because (a, "%s", verdicts);
  return 0;
}

/* config.json mounts DEST: the engine made that file itself.  */
static bool
engine_mounts (const plan_input *in, const char *dest)
{
  return spec_find_mount (in->config, dest) != NULL;
}

static bool
engine_owns (const plan_input *in, planned_action *a, const char *dest)
{
  if (!engine_mounts (in, dest))
    return false;
  skip (a, "config.json mounts %s: the engine owns it", dest);
  return true;
}

static int
plan_hostname (const plan_input *in, planned_action *a, hook_error **err)
{
  const char *name = in->config->hostname;
  const char *origin = "config.json hostname";

  a->u.file.destination = "/etc/hostname";
  if (name && hostname_validate (name, err) < 0)
    return hook_error_prefix (err, "config hostname");
  if (!in->policy->hostname)
    {
      skip (a, "disabled by policy (hostname: false)");
      return 0;
    }
  if (engine_owns (in, a, "/etc/hostname"))
    return 0;
  if (name == NULL)
    {
      cleanup_hook_error hook_error *host_err = NULL;
      name = in->host->hostname;
      origin = "the host's name";
      /* The node's own name is trusted, not pod input: one the file grammar
         refuses (an underscore, say) means no /etc/hostname, not a failed
         sandbox.  */
      if (hostname_validate (name, &host_err) < 0)
        {
          skip (a, "config.json has no hostname and the host's name is not RFC 1123 (%s)",
                host_err->message);
          return 0;
        }
    }
  if (hostname_render (name, &a->u.file.content, &a->u.file.len, err) < 0)
    return -1;
  because (a, "from %s", origin);
  return 0;
}

/* A copy of a host file, whose bytes the host facts hold.  */
static int
copy_source (planned_action *a, const char *path, const char *content, size_t len, hook_error **err)
{
  a->u.file.source_path = path;
  if (content == NULL)
    return hook_fail (err, EINVAL, "%s: the source %s was not read", a->u.file.destination, path);
  a->u.file.content = malloc (len + 1);
  if (a->u.file.content == NULL)
    return hook_fail (err, ENOMEM, "%s", a->u.file.destination);
  memcpy (a->u.file.content, content, len);
  a->u.file.content[len] = '\0';
  a->u.file.len = len;
  because (a, "copy of %s", path);
  return 0;
}

/* Where a sandbox's /etc/hosts comes from.  */
typedef enum hosts_origin
{
  HOSTS_DISABLED,
  HOSTS_FROM_ENGINE,
  HOSTS_FROM_HOST, /* a copy of the policy's source */
} hosts_origin;

static hosts_origin
hosts_origin_of (const plan_input *in)
{
  if (in->policy->hosts == NULL)
    return HOSTS_DISABLED;
  if (engine_mounts (in, "/etc/hosts"))
    return HOSTS_FROM_ENGINE;
  return HOSTS_FROM_HOST;
}

static int
plan_hosts (const plan_input *in, planned_action *a, hook_error **err)
{
  a->u.file.destination = "/etc/hosts";
  switch (hosts_origin_of (in))
    {
    case HOSTS_DISABLED:
      skip (a, "disabled by policy (hosts: false)");
      return 0;
    case HOSTS_FROM_ENGINE:
      engine_owns (in, a, "/etc/hosts");
      return 0;
    case HOSTS_FROM_HOST:
      break;
    }
  return copy_source (a, in->policy->hosts, in->host->hosts_content, in->host->hosts_len, err);
}

static const struct
{
  const char *key;
  size_t max;
  size_t offset_items, offset_n;
} dns_annotations[] = {
  { ANNOTATION_DNS_SERVERS, DNS_MAX_SERVERS, offsetof (dns_config, servers),
    offsetof (dns_config, n_servers) },
  { ANNOTATION_DNS_SEARCHES, DNS_MAX_SEARCHES, offsetof (dns_config, searches),
    offsetof (dns_config, n_searches) },
  { ANNOTATION_DNS_OPTIONS, DNS_MAX_OPTIONS, offsetof (dns_config, options),
    offsetof (dns_config, n_options) },
};
#define N_DNS_ANNOTATIONS (sizeof dns_annotations / sizeof dns_annotations[0])

/* Where a sandbox's /etc/resolv.conf comes from, first match wins.  */
typedef enum resolv_conf_origin
{
  RESOLV_CONF_DISABLED,
  RESOLV_CONF_FROM_ENGINE,
  RESOLV_CONF_FROM_POD,      /* the pod's DNS annotations */
  RESOLV_CONF_FROM_NODE_DNS, /* the policy's dns */
  RESOLV_CONF_FROM_HOST,     /* a copy of the policy's source */
} resolv_conf_origin;

static resolv_conf_origin
resolv_conf_origin_of (const plan_input *in)
{
  const dns_config *node = &in->policy->dns;

  if (in->policy->resolv_conf == NULL)
    return RESOLV_CONF_DISABLED;
  if (engine_mounts (in, "/etc/resolv.conf"))
    return RESOLV_CONF_FROM_ENGINE;
  for (size_t i = 0; i < N_DNS_ANNOTATIONS; i++)
    if (lookup_annotation (in, dns_annotations[i].key))
      return RESOLV_CONF_FROM_POD;
  if (node->n_servers + node->n_searches + node->n_options > 0)
    return RESOLV_CONF_FROM_NODE_DNS;
  return RESOLV_CONF_FROM_HOST;
}

void
plan_host_sources (const plan_input *in, const char **hosts, const char **resolv_conf)
{
  *hosts = hosts_origin_of (in) == HOSTS_FROM_HOST ? in->policy->hosts : NULL;
  *resolv_conf
      = resolv_conf_origin_of (in) == RESOLV_CONF_FROM_HOST ? in->policy->resolv_conf : NULL;
}

/* The pod's DNS annotations, each validated alone.  */
static int
dns_from_annotations (const plan_input *in, dns_config *dns, hook_error **err)
{
  for (size_t i = 0; i < N_DNS_ANNOTATIONS; i++)
    {
      const char *v = lookup_annotation (in, dns_annotations[i].key);
      char ***items = (char ***)((char *)dns + dns_annotations[i].offset_items);
      size_t *n = (size_t *)((char *)dns + dns_annotations[i].offset_n);
      dns_config one = { 0 };
      if (v == NULL)
        continue;
      if (dns_split_list (v, dns_annotations[i].max, items, n, err) < 0)
        return hook_error_prefix (err, "annotation %s", dns_annotations[i].key);
      /* Validate each annotation alone (every Kubernetes limit is per
         field) so that the error names the one at fault.  ONE borrows the
         list: servers are canonicalised in place in DNS's array.  */
      *(char ***)((char *)&one + dns_annotations[i].offset_items) = *items;
      *(size_t *)((char *)&one + dns_annotations[i].offset_n) = *n;
      if (dns_config_validate (&one, err) < 0)
        return hook_error_prefix (err, "annotation %s", dns_annotations[i].key);
    }
  return 0;
}

static int
plan_resolv_conf (const plan_input *in, planned_action *a, hook_error **err)
{
  dns_config pod_dns = { 0 };
  int ret = 0;

  a->u.file.destination = "/etc/resolv.conf";
  /* Validated whoever makes the file: a hostile annotation is refused.  */
  if (dns_from_annotations (in, &pod_dns, err) < 0)
    {
      dns_config_clear (&pod_dns);
      return -1;
    }
  switch (resolv_conf_origin_of (in))
    {
    case RESOLV_CONF_DISABLED:
      skip (a, "disabled by policy (resolv_conf: false)");
      break;
    case RESOLV_CONF_FROM_ENGINE:
      engine_owns (in, a, "/etc/resolv.conf");
      break;
    case RESOLV_CONF_FROM_POD:
      /* The annotations make the whole file, as Kubernetes' dnsPolicy None
         does, which refuses a configuration without a nameserver: the
         resolvers would send every query to 127.0.0.1, in the pod.  */
      if (pod_dns.n_servers == 0)
        {
          ret = hook_fail (err, 0,
                           "annotation %s without %s: the pod's resolv.conf would have no "
                           "nameserver (these annotations make the whole file)",
                           pod_dns.n_searches > 0 ? ANNOTATION_DNS_SEARCHES
                                                  : ANNOTATION_DNS_OPTIONS,
                           ANNOTATION_DNS_SERVERS);
          break;
        }
      ret = dns_render_resolv_conf (&pod_dns, &a->u.file.content, &a->u.file.len, err);
      because (a, "from the pod's DNS annotations");
      break;
    case RESOLV_CONF_FROM_NODE_DNS:
      ret = dns_render_resolv_conf (&in->policy->dns, &a->u.file.content, &a->u.file.len, err);
      because (a, "from the policy's node DNS");
      break;
    case RESOLV_CONF_FROM_HOST:
      ret = copy_source (a, in->host->resolv_conf_source, in->host->resolv_conf_content,
                         in->host->resolv_conf_len, err);
      break;
    }
  dns_config_clear (&pod_dns);
  return ret;
}

/* An engine's sizing annotation: a decimal int64, as strconv.FormatInt
   writes it.  Anything else is refused rather than passed to Kata.  */
static int
parse_sizing_annotation (const char *key, const char *text, int64_t *out, hook_error **err)
{
  if (decimal_parse (text, strlen (text), DECIMAL_CANONICAL, INT64_MIN, INT64_MAX, out) < 0)
    {
      cleanup_free char *q = quote_for_message (text);
      return hook_fail (err, 0, "annotation %s: %s is not a decimal integer", key, q ? q : "");
    }
  return 0;
}

static int
plan_sizing (const plan_input *in, planned_action *a, hook_error **err)
{
  static const char *const keys[4]
      = { SIZING_CPU_PERIOD, SIZING_CPU_QUOTA, SIZING_CPU_SHARES, SIZING_MEMORY };
  sandbox_sizing *s = &a->u.sizing;
  int64_t *slots[4] = { &s->cpu_period, &s->cpu_quota, &s->cpu_shares, &s->memory };
  const container_spec *c = in->config;
  int present = 0;

  memset (s, 0, sizeof *s);
  if (!in->policy->sandbox_sizing)
    {
      skip (a, "disabled by policy (sandbox_sizing: false)");
      return 0;
    }
  for (int i = 0; i < 4; i++)
    {
      const char *v = lookup_annotation (in, keys[i]);
      if (v == NULL)
        continue;
      if (parse_sizing_annotation (keys[i], v, slots[i], err) < 0)
        return -1;
      present++;
    }
  if (present == 4)
    {
      skip (a, "set by the engine (io.kubernetes.cri.sandbox-* annotations)");
      return 0;
    }
  if (present > 0)
    {
      s->present = true;
      s->source = "the engine's sizing annotations, the missing ones as 0";
    }
  else
    {
      const char *crio_key = CRIO_POD_RESOURCES_NEW;
      const char *crio = lookup_annotation (in, crio_key);
      if (crio == NULL)
        crio = lookup_annotation (in, crio_key = CRIO_POD_RESOURCES);
      if (crio)
        {
          if (sizing_from_crio_json (crio, s, err) < 0)
            return hook_error_prefix (err, "annotation %s", crio_key);
        }
      else if (in->pod_cgroup && in->pod_cgroup->present)
        *s = *in->pod_cgroup;
      /* CPU shares alone do not size a pod: precreate itself adds them
         (cpu_shares), and a second run must not take its own addition for
         the pod's resources (a rerun changes no byte).  Engines set the
         sizing annotations exactly when the pod has resources.  */
      else if (c->has_sizing_resources)
        {
          s->cpu_period = c->cpu_period > INT64_MAX ? INT64_MAX : (int64_t)c->cpu_period;
          s->cpu_quota = sizing_quota (c->cpu_quota);
          s->cpu_shares = c->cpu_shares > INT64_MAX ? INT64_MAX : (int64_t)c->cpu_shares;
          s->memory = c->memory_limit;
          s->present = true;
          s->source = "config.json linux.resources";
        }
    }
  if (!s->present)
    {
      skip (a, "no pod resources known (no sizing or CRI-O annotations, no limiting pod "
               "cgroup, no linux.resources)");
      return 0;
    }
  because (a, "from %s: Kata sizes the VM at %lld vCPU(s) and %lld MiB", s->source,
           (long long)kata_vcpus (s), (long long)kata_memory_mib (s));
  return 0;
}

static const spec_namespace *
namespace_in_spec (const container_spec *c, namespace_kind kind)
{
  const spec_namespace *all[NAMESPACE_COUNT] = {
    [NAMESPACE_NET] = &c->ns_network, [NAMESPACE_IPC] = &c->ns_ipc,   [NAMESPACE_UTS] = &c->ns_uts,
    [NAMESPACE_MNT] = &c->ns_mount,   [NAMESPACE_USER] = &c->ns_user,
  };
  return all[kind];
}

/* The live process is the one config.json describes, or the hook would
   write another container's (or the host's) settings: its namespaces are
   the ones config.json asks for, and its cgroup is linux.cgroupsPath when
   that is given.  A recycled pid or a state naming the wrong container is
   refused here, before anything is acted on.  */
static int
check_target_process (const plan_input *in, hook_error **err)
{
  const target_facts *t = in->target;
  const container_spec *c = in->config;

  for (int k = 0; k < NAMESPACE_COUNT; k++)
    {
      static const char *const names[NAMESPACE_COUNT] = {
        [NAMESPACE_NET] = "network", [NAMESPACE_IPC] = "IPC",   [NAMESPACE_UTS] = "UTS",
        [NAMESPACE_MNT] = "mount",   [NAMESPACE_USER] = "user",
      };
      const spec_namespace *ns = namespace_in_spec (c, (namespace_kind)k);
      const char *name = names[k];
      if (ns->present && ns->path && !t->matches_path[k])
        return hook_fail (err, 0,
                          "pid %d is not in the %s namespace config.json names (%s): refusing "
                          "(another container, or a recycled pid?)",
                          t->pid, name, ns->path);
      if (ns->present && !ns->path && t->is_own[k])
        return hook_fail (err, 0,
                          "pid %d is in the host's %s namespace although config.json gives the "
                          "container a new one: refusing (recycled pid?)",
                          t->pid, name);
      if (!ns->present && !t->is_own[k])
        return hook_fail (err, 0,
                          "pid %d has a %s namespace of its own although config.json shares the "
                          "host's: refusing (another container, or a recycled pid?)",
                          t->pid, name);
    }
  if (c->cgroups_path)
    {
      const char *seen = t->cgroup_v1_cpu ? t->cgroup_v1_cpu : t->cgroup_v2 ? t->cgroup_v2 : "";
      if (!cgroups_path_names (c->cgroups_path, seen))
        return hook_fail (err, 0,
                          "pid %d is in cgroup %s, not the container's linux.cgroupsPath %s: "
                          "refusing (another container, or a recycled pid?)",
                          t->pid, seen[0] ? seen : "(none)", c->cgroups_path);
    }
  return 0;
}

/* Every decision of a sandbox, in act's order.  */
/* The generated /etc files, in the plan's order: a sandbox makes them, a
   member binds its sandbox's.  */
static const struct
{
  action_kind kind;
  pod_file file;
} member_files[] = {
  { ACTION_HOSTNAME_FILE, POD_FILE_HOSTNAME },
  { ACTION_HOSTS_FILE, POD_FILE_HOSTS },
  { ACTION_RESOLV_CONF_FILE, POD_FILE_RESOLV_CONF },
};

bool
plan_file_action (action_kind kind, pod_file *file)
{
  for (size_t i = 0; i < sizeof member_files / sizeof member_files[0]; i++)
    if (member_files[i].kind == kind)
      {
        if (file)
          *file = member_files[i].file;
        return true;
      }
  return false;
}

/* The sandbox registers its pod so that members find it: under its OCI
   id and under every sandbox id its own annotations give (containerd's
   and CRI-O's sandbox-id keys name the sandbox itself).  */
static void
plan_pod_registry (const plan_input *in, sandbox_plan *plan)
{
  const sandbox_policy *p = in->policy;
  planned_action *a = &plan->actions[ACTION_POD_REGISTRY];
  cleanup_hook_error hook_error *name_err = NULL;

  a->u.registry.state_dir = p->state_dir;
  if (in->container_id == NULL)
    {
      skip (a, "registered by createRuntime, which knows the container id");
      return;
    }
  if (p->n_member_rules == 0)
    {
      skip (a, "no pod members on this node (member_match is empty)");
      return;
    }
  if (pod_name_validate (in->container_id, &name_err) < 0)
    {
      skip (a, "members cannot find this sandbox: %s", name_err->message);
      return;
    }
  snprintf (plan->pod_names[0], sizeof plan->pod_names[0], "%s", in->container_id);
  plan->n_pod_names = 1;
  for (size_t i = 0; i < p->n_member_rules; i++)
    {
      const char *alias = lookup_annotation (in, p->member_rules[i].sandbox_id_key);
      bool known = false;
      if (alias == NULL || pod_name_validate (alias, NULL) < 0)
        continue;
      for (size_t j = 0; j < plan->n_pod_names && !known; j++)
        known = strcmp (plan->pod_names[j], alias) == 0;
      if (known || plan->n_pod_names == POD_MAX_NAMES)
        continue;
      snprintf (plan->pod_names[plan->n_pod_names++], sizeof plan->pod_names[0], "%s", alias);
    }
  because (a, "members find the pod in %s under %zu name(s)", p->state_dir, plan->n_pod_names);
}

static int
plan_sandbox_actions (const plan_input *in, sandbox_plan *plan, hook_error **err)
{
  /* Pod input is validated whether or not the action that uses it ends up
     applied: the mount label also labels the generated files.  */
  if ((in->target->live && check_target_process (in, err) < 0)
      || check_own_annotations (in->config->annotations, err) < 0
      || check_own_annotations (in->state_annotations, err) < 0
      || (in->config->mount_label && mount_label_validate (in->config->mount_label, err) < 0))
    return -1;
  if (plan_sysctl_check (in, &plan->actions[ACTION_SYSCTL_CHECK], err) < 0
      || plan_engine_files (in, &plan->actions[ACTION_ENGINE_FILES], err) < 0
      || plan_hostname (in, &plan->actions[ACTION_HOSTNAME_FILE], err) < 0)
    return -1;
  if (plan_hosts (in, &plan->actions[ACTION_HOSTS_FILE], err) < 0
      || plan_resolv_conf (in, &plan->actions[ACTION_RESOLV_CONF_FILE], err) < 0
      || plan_shm (in, &plan->actions[ACTION_SHM], err) < 0
      || plan_engine_shm (in, &plan->actions[ACTION_ENGINE_SHM], err) < 0)
    return -1;
  plan_unprivileged_ports (in, &plan->actions[ACTION_UNPRIVILEGED_PORTS]);
  plan_unprivileged_icmp (in, &plan->actions[ACTION_UNPRIVILEGED_ICMP]);
  plan_oom (in, &plan->actions[ACTION_OOM_SCORE_ADJ]);
  if (plan_cpu (in, &plan->actions[ACTION_CPU_SHARES], err) < 0)
    return -1;
  plan_pod_registry (in, plan);
  for (size_t i = 0; i < sizeof member_files / sizeof member_files[0]; i++)
    plan->actions[member_files[i].kind].u.file.read_only = true;
  return plan_sizing (in, &plan->actions[ACTION_SANDBOX_SIZING], err);
}

/* ------------------------------------------------------------ members */

bool
plan_classify_member (const sandbox_policy *policy, const json_value *config_annotations,
                      const json_value *state_annotations, const char **sandbox_name, char *reason,
                      size_t reason_size)
{
  for (size_t i = 0; i < policy->n_member_rules; i++)
    {
      const member_rule *r = &policy->member_rules[i];
      const char *name = annotation_in (config_annotations, state_annotations, r->sandbox_id_key);
      bool all = name != NULL;
      for (size_t j = 0; all && j < r->n_annotations; j++)
        {
          const char *v
              = annotation_in (config_annotations, state_annotations, r->annotations[j].key);
          all = v && strcmp (v, r->annotations[j].value) == 0;
        }
      if (all)
        {
          *sandbox_name = name;
          reason_printf (reason, reason_size, "pod member: annotation %s", r->sandbox_id_key);
          return true;
        }
    }
  return false;
}

static bool
policy_manages (const sandbox_policy *p, pod_file f)
{
  switch (f)
    {
    case POD_FILE_HOSTNAME:
      return p->hostname;
    case POD_FILE_HOSTS:
      return p->hosts != NULL;
    case POD_FILE_RESOLV_CONF:
      return p->resolv_conf != NULL;
    default:
      return false;
    }
}

static bool
engine_binds_shm (const container_spec *spec)
{
  const spec_mount *m = spec_find_mount (spec, "/dev/shm");
  return m && m->bind;
}

bool
plan_member_needs_sandbox (const sandbox_policy *policy, const container_spec *spec)
{
  if (policy->shm_size && !engine_binds_shm (spec))
    return true;
  for (int f = 0; f < POD_N_FILES; f++)
    if (policy_manages (policy, (pod_file)f)
        && spec_find_mount (spec, pod_file_destination ((pod_file)f)) == NULL)
      return true;
  return false;
}

/* What a member does not need from its sandbox, or cannot have: the
   policy's, the engine's.  False when the action still needs the pod.  */
static bool
member_skips (const plan_input *in, planned_action *a)
{
  if (a->kind == ACTION_SHM)
    {
      if (in->policy->shm_size == 0)
        skip (a, "disabled by policy (shm_size: 0)");
      else if (engine_binds_shm (in->config))
        skip (a, "config.json bind-mounts /dev/shm: the engine owns it");
      return a->skip;
    }
  for (size_t i = 0; i < sizeof member_files / sizeof member_files[0]; i++)
    if (member_files[i].kind == a->kind)
      {
        if (!policy_manages (in->policy, member_files[i].file))
          skip (a, "disabled by policy (%s: false)", action_name (a->kind));
        else
          engine_owns (in, a, a->u.file.destination);
        return a->skip;
      }
  return true;
}

/* The sandbox is not there to give: refused, with the reason.  */
static int
member_refused (const plan_input *in, const char *name, hook_error **err)
{
  const pod_facts *pod = in->pod;

  switch (pod->lookup)
    {
    case POD_LOOKUP_NOT_REGISTERED:
      return hook_fail (err, 0,
                        "pod member of sandbox %s: no such sandbox is registered in %s (not "
                        "started with the hook on this node, or already deleted): refusing",
                        name, in->policy->state_dir);
    case POD_LOOKUP_STALE:
      return hook_fail (err, 0,
                        "pod member of sandbox %s: sandbox %s is not running (its process %d is "
                        "gone; the stale registry entry is not trusted): refusing",
                        name, name, pod->entry.pid);
    case POD_LOOKUP_FAILED:
      return hook_fail (err, 0, "pod member of sandbox %s: %s: refusing", name, pod->error);
    default:
      return hook_fail (err, 0,
                        "pod member of sandbox %s: the container is in none of the sandbox's "
                        "IPC, UTS and network namespaces: refusing (it names a pod it is not "
                        "part of)",
                        name);
    }
}

static int
plan_member_actions (const plan_input *in, sandbox_plan *plan, const char *name, hook_error **err)
{
  const pod_facts *pod = in->pod;
  bool needs = false;

  if (in->target->live && check_target_process (in, err) < 0)
    return -1;
  if (pod_name_validate (name, err) < 0)
    return hook_error_prefix (err, "pod member: its sandbox id");
  snprintf (plan->sandbox_name, sizeof plan->sandbox_name, "%s", name);
  for (size_t i = 0; i < sizeof member_files / sizeof member_files[0]; i++)
    plan->actions[member_files[i].kind].u.file.destination
        = pod_file_destination (member_files[i].file);
  for (int k = 0; k < ACTION_COUNT; k++)
    {
      planned_action *a = &plan->actions[k];
      if (a->kind == ACTION_SHM || plan_file_action (a->kind, NULL))
        needs |= !member_skips (in, a);
      else
        skip (a, "a pod member: the pod's policies are its sandbox's");
    }
  if (!needs)
    {
      reason_printf (plan->membership, sizeof plan->membership,
                     "nothing to take from sandbox %s (the policy's or the engine's)", name);
      return 0;
    }
  if (pod == NULL || pod->lookup == POD_LOOKUP_NONE)
    {
      reason_printf (plan->membership, sizeof plan->membership,
                     "sandbox %s not looked up (no live process)", name);
      skip_the_rest (plan, "sandbox %s not looked up: the plan of a live member says", name);
      return 0;
    }
  if (pod->lookup != POD_LOOKUP_FOUND || !(pod->shares_ipc || pod->shares_uts || pod->shares_net))
    return member_refused (in, name, err);
  /* The host's namespaces (the hook's own) are those of every container
     that has none of its own: sharing them with a host-network or host-IPC
     sandbox proves nothing, and would hand any such container that names
     the sandbox its read-write /etc files.  It gets nothing of the
     sandbox's, but is not refused: the members of a pod in all three of
     the host's namespaces (hostNetwork and hostIPC) are such containers,
     and they must start, with what their engine gives them.  */
  if (!(pod->shares_ipc && !host_namespace (in, NAMESPACE_IPC))
      && !(pod->shares_uts && !host_namespace (in, NAMESPACE_UTS))
      && !(pod->shares_net && !host_namespace (in, NAMESPACE_NET)))
    {
      reason_printf (plan->membership, sizeof plan->membership,
                     "sandbox %s (pid %d): shares only the host's namespaces with it, as every "
                     "container without its own does: no membership proven, nothing of the "
                     "sandbox's given",
                     name, pod->entry.pid);
      skip_the_rest (
          plan, "membership of sandbox %s not proven: only the host's namespaces are shared", name);
      return 0;
    }
  reason_printf (plan->membership, sizeof plan->membership,
                 "sandbox %s (pid %d): shares its IPC %s, UTS %s, network %s namespace", name,
                 pod->entry.pid, pod->shares_ipc ? "yes" : "no", pod->shares_uts ? "yes" : "no",
                 pod->shares_net ? "yes" : "no");

  planned_action *shm = &plan->actions[ACTION_SHM];
  if (!shm->skip)
    {
      if (!pod->shares_ipc)
        skip (shm, "not in sandbox %s's IPC namespace: it keeps its own /dev/shm", name);
      else if (pod->entry.shm == POD_SHM_HOST)
        {
          shm->u.shm.host_ipc = true;
          because (shm, "host IPC pod: the host's /dev/shm, as its sandbox has it");
        }
      else if (pod->entry.shm == POD_SHM_TMPFS)
        {
          shm->u.shm.from_sandbox = true;
          shm->u.shm.size = pod->entry.shm_size;
          because (shm, "the pod's /dev/shm: sandbox %s's tmpfs of %llu bytes", name,
                   (unsigned long long)pod->entry.shm_size);
        }
      else
        skip (shm, "sandbox %s has no pod /dev/shm", name);
    }
  for (size_t i = 0; i < sizeof member_files / sizeof member_files[0]; i++)
    {
      planned_action *a = &plan->actions[member_files[i].kind];
      if (a->skip)
        continue;
      if (!pod->shares_uts && !pod->shares_net)
        skip (a, "in neither sandbox %s's UTS nor its network namespace", name);
      else if (!pod->entry.has_file[member_files[i].file])
        skip (a, "sandbox %s has no generated %s", name, a->u.file.destination);
      else
        {
          a->u.file.from_sandbox = true;
          a->u.file.read_only = in->config->root_readonly;
          because (a, "sandbox %s's %s (%s)", name, a->u.file.destination,
                   in->config->root_readonly ? "read-only: the rootfs is" : "read-write");
        }
    }
  return 0;
}

int
plan_build (const plan_input *in, sandbox_plan *plan, hook_error **err)
{
  memset (plan, 0, sizeof *plan);
  for (int k = 0; k < ACTION_COUNT; k++)
    plan->actions[k].kind = (action_kind)k;
  plan->is_sandbox
      = plan_classify (in->policy, in->config->annotations, in->state_annotations, in->config->arg0,
                       plan->match_reason, sizeof plan->match_reason);
  const char *sandbox_name = NULL;
  if (!plan->is_sandbox)
    plan->is_member
        = plan_classify_member (in->policy, in->config->annotations, in->state_annotations,
                                &sandbox_name, plan->match_reason, sizeof plan->match_reason);
  if (!plan->is_sandbox && !plan->is_member)
    {
      skip_the_rest (plan, "not a sandbox or a pod member");
      return 0;
    }
  /* A refused input leaves no half-made plan behind.  */
  if ((plan->is_member ? plan_member_actions (in, plan, sandbox_name, err)
                       : plan_sandbox_actions (in, plan, err))
      < 0)
    {
      sandbox_plan_clear (plan);
      return -1;
    }
  return 0;
}

void
sandbox_plan_clear (sandbox_plan *plan)
{
  for (int k = 0; k < ACTION_COUNT; k++)
    {
      planned_action *a = &plan->actions[k];
      if (k == ACTION_SYSCTL_CHECK || k == ACTION_ENGINE_FILES)
        {
          for (size_t i = 0; i < a->u.check.n_findings; i++)
            free (a->u.check.findings[i]);
          free (a->u.check.findings);
        }
      else if (k == ACTION_HOSTNAME_FILE || k == ACTION_HOSTS_FILE || k == ACTION_RESOLV_CONF_FILE)
        free (a->u.file.content);
    }
  memset (plan, 0, sizeof *plan);
}

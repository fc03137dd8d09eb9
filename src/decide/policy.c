#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "cpu_weight.h"
#include "json.h"
#include "policy.h"
#include "quantity.h"
#include "names.h"
#include "state.h"

static const char *const default_sandbox_annotations[][2] = {
  { "io.kubernetes.cri.container-type", "sandbox" },
  { "io.kubernetes.cri-o.ContainerType", "sandbox" },
  { "io.kubernetes.docker.type", "podsandbox" },
};

/* podman's pod infra container runs exactly this and carries no sandbox
   annotation (docs/engines.md §3): hooks.d matches it by command, so must we.  */
static const char *const default_sandbox_commands[] = { "/catatonit" };

/* Who is a pod member, engine by engine (docs/engines.md §6): containerd
   and CRI-O name the type and the sandbox; podman only the sandbox.  */
static const struct
{
  const char *sandbox_id_key, *type_key, *type_value;
} default_member_rules[] = {
  { "io.kubernetes.cri.sandbox-id", "io.kubernetes.cri.container-type", "container" },
  { "io.kubernetes.cri-o.SandboxID", "io.kubernetes.cri-o.ContainerType", "container" },
  { "io.kubernetes.cri-o.SandboxID", NULL, NULL },
};

static char *
xstrdup (const char *s)
{
  return s ? strdup (s) : NULL;
}

static void
free_matches (sandbox_policy *policy)
{
  for (size_t i = 0; i < policy->n_match_annotations; i++)
    {
      free (policy->match_annotations[i].key);
      free (policy->match_annotations[i].value);
    }
  free (policy->match_annotations);
  policy->match_annotations = NULL;
  policy->n_match_annotations = 0;
  for (size_t i = 0; i < policy->n_match_commands; i++)
    free (policy->match_commands[i]);
  free (policy->match_commands);
  policy->match_commands = NULL;
  policy->n_match_commands = 0;
}

static void
free_member_rules (sandbox_policy *policy)
{
  for (size_t i = 0; i < policy->n_member_rules; i++)
    {
      member_rule *r = &policy->member_rules[i];
      free (r->sandbox_id_key);
      for (size_t j = 0; j < r->n_annotations; j++)
        {
          free (r->annotations[j].key);
          free (r->annotations[j].value);
        }
      free (r->annotations);
    }
  free (policy->member_rules);
  policy->member_rules = NULL;
  policy->n_member_rules = 0;
}

static void
default_members (sandbox_policy *policy)
{
  size_t n = sizeof default_member_rules / sizeof default_member_rules[0];

  policy->member_rules = calloc (n, sizeof *policy->member_rules);
  if (policy->member_rules == NULL)
    return;
  for (size_t i = 0; i < n; i++)
    {
      member_rule *r = &policy->member_rules[i];
      r->sandbox_id_key = xstrdup (default_member_rules[i].sandbox_id_key);
      if (default_member_rules[i].type_key)
        {
          r->annotations = calloc (1, sizeof *r->annotations);
          if (r->annotations)
            {
              r->annotations[0].key = xstrdup (default_member_rules[i].type_key);
              r->annotations[0].value = xstrdup (default_member_rules[i].type_value);
              r->n_annotations = 1;
            }
        }
      policy->n_member_rules++;
    }
}

static void
free_engine_dirs (sandbox_policy *policy)
{
  free_strings (policy->engine_dirs, policy->n_engine_dirs);
  policy->engine_dirs = NULL;
  policy->n_engine_dirs = 0;
}

static void
default_engine_dirs (sandbox_policy *policy)
{
  static const char *const dirs[] = DEFAULT_ENGINE_DIRS;
  size_t n = sizeof dirs / sizeof dirs[0];

  policy->engine_dirs = calloc (n + 1, sizeof *policy->engine_dirs);
  if (policy->engine_dirs == NULL)
    return;
  for (size_t i = 0; i < n; i++)
    if ((policy->engine_dirs[policy->n_engine_dirs] = xstrdup (dirs[i])) != NULL)
      policy->n_engine_dirs++;
}

void
sandbox_policy_init_defaults (sandbox_policy *policy)
{
  size_t n = sizeof default_sandbox_annotations / sizeof default_sandbox_annotations[0];

  memset (policy, 0, sizeof *policy);
  policy->match_annotations = calloc (n, sizeof *policy->match_annotations);
  if (policy->match_annotations)
    {
      for (size_t i = 0; i < n; i++)
        {
          policy->match_annotations[i].key = xstrdup (default_sandbox_annotations[i][0]);
          policy->match_annotations[i].value = xstrdup (default_sandbox_annotations[i][1]);
        }
      policy->n_match_annotations = n;
    }
  policy->match_commands = calloc (2, sizeof *policy->match_commands);
  if (policy->match_commands)
    {
      policy->match_commands[0] = xstrdup (default_sandbox_commands[0]);
      policy->n_match_commands = policy->match_commands[0] ? 1 : 0;
    }
  default_members (policy);
  policy->state_dir = xstrdup (DEFAULT_STATE_DIR);
  policy->unprivileged_ports = true;
  policy->unprivileged_icmp = true;
  policy->set_oom_score_adj = true;
  policy->oom_score_adj = DEFAULT_OOM_SCORE_ADJ;
  policy->restrict_oom_score_adj = RESTRICT_AUTO;
  policy->cpu_shares = DEFAULT_CPU_SHARES;
  policy->sandbox_sizing = true;
  policy->shm_size = DEFAULT_SHM_SIZE;
  policy->shm_size_max = DEFAULT_SHM_SIZE_MAX;
  policy->resolv_conf = xstrdup ("/etc/resolv.conf");
  policy->resolv_conf_is_default = true;
  policy->hosts = xstrdup ("/etc/hosts");
  policy->hostname = true;
  policy->sysctl_check = SYSCTL_CHECK_ENFORCE;
  default_engine_dirs (policy);
  policy->engine_files = SYSCTL_CHECK_ENFORCE;
  policy->log_level = LOG_LEVEL_INFO;
  policy->log_socket = xstrdup ("/dev/log");
  policy->runtime = xstrdup (DEFAULT_RUNTIME);
}

void
sandbox_policy_clear (sandbox_policy *policy)
{
  free_matches (policy);
  free_member_rules (policy);
  free_engine_dirs (policy);
  free (policy->state_dir);
  free (policy->cgroup_root);
  dns_config_clear (&policy->dns);
  free (policy->resolv_conf);
  free (policy->hosts);
  free (policy->log_socket);
  free (policy->runtime);
  memset (policy, 0, sizeof *policy);
}

static int __attribute__ ((format (printf, 3, 4)))
key_fail (hook_error **err, const char *key, const char *fmt, ...)
{
  char msg[512];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (msg, sizeof msg, fmt, ap);
  va_end (ap);
  hook_fail (err, 0, "%s", msg);
  return hook_error_prefix (err, "policy key \"%s\"", key);
}

/* What errors call a policy key: the json_* helpers take it as the field
   name, so every message reads policy key "cpu_shares": ...  */
#define KEY_NAME_MAX 96
static const char *
key_name (char buf[static KEY_NAME_MAX], const char *key)
{
  snprintf (buf, KEY_NAME_MAX, "policy key \"%s\"", key);
  return buf;
}

static int
parse_path (const json_value *v, const char *key, char **out, hook_error **err)
{
  const char *s;
  char name[KEY_NAME_MAX];
  if (json_string (v, key_name (name, key), &s, err) < 0
      || canonical_absolute_path_validate (s, name, err) < 0)
    return -1;
  char *copy = strdup (s);
  if (copy == NULL)
    return hook_fail (err, ENOMEM, "policy");
  free (*out);
  *out = copy;
  return 0;
}

/* A source file path, or false to leave that file to the engine.  */
static int
parse_path_or_false (const json_value *v, const char *key, char **out, hook_error **err)
{
  if (v->kind == JSON_FALSE)
    {
      free (*out);
      *out = NULL;
      return 0;
    }
  if (v->kind != JSON_STRING)
    return key_fail (err, key, "expected an absolute path or false, got %s",
                     json_kind_name (v->kind));
  return parse_path (v, key, out, err);
}

static int
parse_hosts (const json_value *v, const char *key, sandbox_policy *policy, hook_error **err)
{
  return parse_path_or_false (v, key, &policy->hosts, err);
}

static int
parse_bool (const json_value *v, const char *key, bool *out, hook_error **err)
{
  char name[KEY_NAME_MAX];
  return json_bool (v, key_name (name, key), out, err);
}

static int
parse_size (const json_value *v, const char *key, uint64_t *out, hook_error **err)
{
  if (v->kind == JSON_NUMBER)
    {
      char name[KEY_NAME_MAX];
      if (json_uint64 (v, key_name (name, key), UINT64_MAX, out, err) < 0)
        return -1;
      return 0;
    }
  if (v->kind != JSON_STRING)
    return key_fail (err, key, "expected a quantity (\"64Mi\") or a byte count, got %s",
                     json_kind_name (v->kind));
  if (quantity_parse_bytes (v->u.scalar.text, out, err) < 0)
    return hook_error_prefix (err, "policy key \"%s\"", key);
  return 0;
}

static int
parse_string_list (const json_value *v, const char *key, size_t max, char ***out, size_t *n,
                   hook_error **err)
{
  char name[KEY_NAME_MAX];
  if (json_expect (v, JSON_ARRAY, key_name (name, key), err) < 0)
    return -1;
  if (v->u.array.count > max)
    {
      return key_fail (err, key, "more than %zu entries", max);
    }
  *out = calloc (v->u.array.count + 1, sizeof **out);
  if (*out == NULL)
    return hook_fail (err, ENOMEM, "policy");
  for (size_t i = 0; i < v->u.array.count; i++)
    {
      const char *s;
      if (json_string (v->u.array.items[i], name, &s, err) < 0)
        return -1;
      (*out)[i] = strdup (s);
      if ((*out)[i] == NULL)
        return hook_fail (err, ENOMEM, "policy");
      (*n)++;
    }
  return 0;
}

/* An object of annotation name to exact value, copied into *OUT.  */
static int
copy_annotation_map (const json_value *map, const char *key, annotation_match **out, size_t *n,
                     hook_error **err)
{
  char name[KEY_NAME_MAX];

  if (json_string_map_validate (map, key_name (name, key), err) < 0)
    return -1;
  *out = calloc (map->u.object.count + 1, sizeof **out);
  if (*out == NULL)
    return hook_fail (err, ENOMEM, "policy");
  for (size_t j = 0; j < map->u.object.count; j++)
    {
      annotation_match *am = &(*out)[j];
      if (annotation_key_validate (map->u.object.members[j].key, err) < 0)
        return hook_error_prefix (err, "policy key \"%s\"", key);
      am->key = strdup (map->u.object.members[j].key);
      am->value = strdup (map->u.object.members[j].value->u.scalar.text);
      (*n)++;
      if (am->key == NULL || am->value == NULL)
        return hook_fail (err, ENOMEM, "policy");
    }
  return 0;
}

/* member_match: a list of {"sandbox_id": ANNOTATION, "annotations": {...}}.
   An explicit list replaces the defaults whole; [] turns members off.  */
static int
parse_member_match (const json_value *v, const char *key, sandbox_policy *policy, hook_error **err)
{
  char name[KEY_NAME_MAX];

  if (json_expect (v, JSON_ARRAY, key_name (name, key), err) < 0)
    return -1;
  if (v->u.array.count > MEMBER_RULES_MAX)
    return key_fail (err, key, "more than %d rules", MEMBER_RULES_MAX);
  free_member_rules (policy);
  policy->member_rules = calloc (v->u.array.count + 1, sizeof *policy->member_rules);
  if (policy->member_rules == NULL)
    return hook_fail (err, ENOMEM, "policy");
  for (size_t i = 0; i < v->u.array.count; i++)
    {
      const json_value *rule = v->u.array.items[i];
      member_rule *r = &policy->member_rules[i];
      const char *id_key = NULL;

      policy->n_member_rules++;
      if (json_expect (rule, JSON_OBJECT, key_name (name, "member_match[]"), err) < 0)
        return -1;
      for (size_t j = 0; j < rule->u.object.count; j++)
        {
          const json_member *m = &rule->u.object.members[j];
          if (strcmp (m->key, "sandbox_id") == 0)
            {
              if (json_string (m->value, key_name (name, "member_match[].sandbox_id"), &id_key, err)
                  < 0)
                return -1;
              if (annotation_key_validate (id_key, err) < 0)
                return hook_error_prefix (err, "%s", name);
            }
          else if (strcmp (m->key, "annotations") == 0)
            {
              if (copy_annotation_map (m->value, "member_match[].annotations", &r->annotations,
                                       &r->n_annotations, err)
                  < 0)
                return -1;
            }
          else
            return key_fail (err, "member_match[]", "unknown key \"%s\"", m->key);
        }
      if (id_key == NULL)
        return key_fail (err, "member_match[]", "%s", "\"sandbox_id\" is missing");
      r->sandbox_id_key = strdup (id_key);
      if (r->sandbox_id_key == NULL)
        return hook_fail (err, ENOMEM, "policy");
    }
  return 0;
}

static int
parse_sandbox_match (const json_value *v, const char *key, sandbox_policy *policy, hook_error **err)
{
  char name[KEY_NAME_MAX];
  if (json_expect (v, JSON_OBJECT, key_name (name, "sandbox_match"), err) < 0)
    return -1;
  /* An explicit sandbox_match replaces the default rules whole: the
     operator says exactly what a sandbox is.  */
  free_matches (policy);
  policy->match_all = false;
  for (size_t i = 0; i < v->u.object.count; i++)
    {
      const json_member *m = &v->u.object.members[i];
      if (strcmp (m->key, "all") == 0)
        {
          if (parse_bool (m->value, "sandbox_match.all", &policy->match_all, err) < 0)
            return -1;
        }
      else if (strcmp (m->key, "annotations") == 0)
        {
          if (copy_annotation_map (m->value, "sandbox_match.annotations",
                                   &policy->match_annotations, &policy->n_match_annotations, err)
              < 0)
            return -1;
        }
      else if (strcmp (m->key, "commands") == 0)
        {
          if (parse_string_list (m->value, "sandbox_match.commands", 64, &policy->match_commands,
                                 &policy->n_match_commands, err)
              < 0)
            return -1;
          for (size_t j = 0; j < policy->n_match_commands; j++)
            if (policy->match_commands[j][0] != '/')
              return key_fail (err, "sandbox_match.commands", "\"%s\": not an absolute path",
                               policy->match_commands[j]);
        }
      else
        return key_fail (err, "sandbox_match", "unknown key \"%s\"", m->key);
    }
  return 0;
}

static int
parse_dns (const json_value *v, const char *key, sandbox_policy *policy, hook_error **err)
{
  dns_config dns = { 0 };

  char name[KEY_NAME_MAX];
  if (json_expect (v, JSON_OBJECT, key_name (name, "dns"), err) < 0)
    return -1;
  for (size_t i = 0; i < v->u.object.count; i++)
    {
      const json_member *m = &v->u.object.members[i];
      int r;
      if (strcmp (m->key, "servers") == 0)
        r = parse_string_list (m->value, "dns.servers", DNS_MAX_SERVERS, &dns.servers,
                               &dns.n_servers, err);
      else if (strcmp (m->key, "searches") == 0)
        r = parse_string_list (m->value, "dns.searches", DNS_MAX_SEARCHES, &dns.searches,
                               &dns.n_searches, err);
      else if (strcmp (m->key, "options") == 0)
        r = parse_string_list (m->value, "dns.options", DNS_MAX_OPTIONS, &dns.options,
                               &dns.n_options, err);
      else
        r = key_fail (err, "dns", "unknown key \"%s\"", m->key);
      if (r < 0)
        {
          dns_config_clear (&dns);
          return -1;
        }
    }
  if (dns_config_validate (&dns, err) < 0)
    {
      dns_config_clear (&dns);
      return hook_error_prefix (err, "policy key \"dns\"");
    }
  /* What it gives makes the pod's whole resolv.conf, as the pod's
     annotations and Kubernetes' dnsPolicy None do, which refuse it
     without a nameserver: every pod of the node would send its queries
     to 127.0.0.1, inside the pod.  */
  if (dns.n_servers == 0 && (dns.n_searches > 0 || dns.n_options > 0))
    {
      const char *given = dns.n_searches > 0 ? "searches" : "options";
      dns_config_clear (&dns);
      return key_fail (err, "dns",
                       "%s without servers: the pods' resolv.conf would have no nameserver (the "
                       "policy's DNS makes the whole file)",
                       given);
    }
  dns_config_clear (&policy->dns);
  policy->dns = dns;
  return 0;
}

static int
parse_oom_score_adj (const json_value *v, const char *key, sandbox_policy *policy, hook_error **err)
{
  char name[KEY_NAME_MAX];
  int64_t n;

  policy->set_oom_score_adj = v->kind != JSON_NULL;
  if (!policy->set_oom_score_adj)
    return 0;
  if (json_int64 (v, key_name (name, key), -1000, 1000, &n, err) < 0)
    return -1;
  policy->oom_score_adj = (int)n;
  return 0;
}

static int
parse_restrict_oom_score_adj (const json_value *v, const char *key, sandbox_policy *policy,
                              hook_error **err)
{
  if (v->kind == JSON_TRUE || v->kind == JSON_FALSE)
    policy->restrict_oom_score_adj = v->kind == JSON_TRUE ? RESTRICT_ALWAYS : RESTRICT_NEVER;
  else if (v->kind == JSON_STRING && strcmp (v->u.scalar.text, "auto") == 0)
    policy->restrict_oom_score_adj = RESTRICT_AUTO;
  else
    return key_fail (err, key, "expected \"auto\", true or false");
  return 0;
}

static int
parse_cpu_shares (const json_value *v, const char *key, sandbox_policy *policy, hook_error **err)
{
  char name[KEY_NAME_MAX];
  int64_t n;

  if (json_int64 (v, key_name (name, key), 0, CPU_SHARES_MAX, &n, err) < 0)
    return -1;
  if (n == 1)
    return key_fail (err, key, "%s",
                     "1 is below the kernel's minimum of 2 (0 leaves shares alone)");
  policy->cpu_shares = (uint64_t)n;
  return 0;
}

static int
parse_shm_size_max (const json_value *v, const char *key, sandbox_policy *policy, hook_error **err)
{
  if (parse_size (v, key, &policy->shm_size_max, err) < 0)
    return -1;
  if (policy->shm_size_max == 0)
    return key_fail (err, key, "%s", "must be greater than 0");
  if (policy->shm_size_max > SHM_SIZE_LIMIT)
    return key_fail (err, key, "%s",
                     "larger than 1Ei (a tmpfs size near 2^64 wraps to an unlimited one)");
  return 0;
}

static int
parse_resolv_conf (const json_value *v, const char *key, sandbox_policy *policy, hook_error **err)
{
  if (parse_path_or_false (v, key, &policy->resolv_conf, err) < 0)
    return -1;
  /* The systemd-resolved stub check is about the host's file, whether
     named explicitly or by default.  */
  policy->resolv_conf_is_default
      = policy->resolv_conf && strcmp (policy->resolv_conf, "/etc/resolv.conf") == 0;
  return 0;
}

/* "enforce", "warn" or "off": sysctl_check and engine_files.  */
static int
parse_check_mode (const json_value *v, const char *key, sysctl_check_mode *out, hook_error **err)
{
  static const char *const modes[] = {
    [SYSCTL_CHECK_ENFORCE] = "enforce",
    [SYSCTL_CHECK_WARN] = "warn",
    [SYSCTL_CHECK_OFF] = "off",
  };
  char name[KEY_NAME_MAX];
  const char *s;

  if (json_string (v, key_name (name, key), &s, err) < 0)
    return -1;
  for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
    if (strcmp (s, modes[i]) == 0)
      {
        *out = (sysctl_check_mode)i;
        return 0;
      }
  return key_fail (err, key, "\"%s\": expected \"enforce\", \"warn\" or \"off\"", s);
}

static int
parse_sysctl_check (const json_value *v, const char *key, sandbox_policy *policy, hook_error **err)
{
  return parse_check_mode (v, key, &policy->sysctl_check, err);
}

static int
parse_engine_files (const json_value *v, const char *key, sandbox_policy *policy, hook_error **err)
{
  return parse_check_mode (v, key, &policy->engine_files, err);
}

/* engine_dirs: a list of canonical absolute directories, replacing the
   defaults whole ([]: no engine directory; no engine file is read and no
   engine tmpfs resized).  "/" is refused: it would make every path the
   engine's.  */
static int
parse_engine_dirs (const json_value *v, const char *key, sandbox_policy *policy, hook_error **err)
{
  char name[KEY_NAME_MAX];
  char **dirs = NULL;
  size_t n = 0;

  if (json_expect (v, JSON_ARRAY, key_name (name, key), err) < 0)
    return -1;
  if (v->u.array.count > ENGINE_DIRS_MAX)
    return key_fail (err, key, "more than %d entries", ENGINE_DIRS_MAX);
  dirs = calloc (v->u.array.count + 1, sizeof *dirs);
  if (dirs == NULL)
    return hook_fail (err, ENOMEM, "policy");
  for (size_t i = 0; i < v->u.array.count; i++)
    {
      const char *s;
      int r = json_string (v->u.array.items[i], key_name (name, "engine_dirs[]"), &s, err);
      if (r == 0)
        r = canonical_absolute_path_validate (s, name, err);
      if (r == 0 && strcmp (s, "/") == 0)
        r = key_fail (err, "engine_dirs[]", "%s", "\"/\": every path would be the engine's");
      if (r == 0 && (dirs[n] = strdup (s)) == NULL)
        r = hook_fail (err, ENOMEM, "policy");
      if (r < 0)
        {
          for (size_t j = 0; j < n; j++)
            free (dirs[j]);
          free (dirs);
          return -1;
        }
      n++;
    }
  free_engine_dirs (policy);
  policy->engine_dirs = dirs;
  policy->n_engine_dirs = n;
  return 0;
}

static int
parse_log_level (const json_value *v, const char *key, sandbox_policy *policy, hook_error **err)
{
  char name[KEY_NAME_MAX];
  const char *s;

  if (json_string (v, key_name (name, key), &s, err) < 0)
    return -1;
  if (log_level_parse (s, &policy->log_level) < 0)
    return key_fail (err, key, "\"%s\": expected error, warn, info or debug", s);
  return 0;
}

/* Every key of the policy file: the plain kinds read into the field at
   OFFSET, the others through their own parser.  */
typedef enum policy_key_kind
{
  KEY_BOOL,
  KEY_PATH,
  KEY_SIZE,
  KEY_PARSER,
} policy_key_kind;

typedef struct policy_key
{
  const char *key;
  policy_key_kind kind;
  size_t offset;
  int (*parse) (const json_value *v, const char *key, sandbox_policy *policy, hook_error **err);
} policy_key;

#define FIELD(kind, member) kind, offsetof (sandbox_policy, member), NULL
#define PARSER(fn)          KEY_PARSER, 0, fn

static const policy_key policy_keys[] = {
  { "sandbox_match", PARSER (parse_sandbox_match) },
  { "member_match", PARSER (parse_member_match) },
  { "state_dir", FIELD (KEY_PATH, state_dir) },
  { "unprivileged_ports", FIELD (KEY_BOOL, unprivileged_ports) },
  { "unprivileged_icmp", FIELD (KEY_BOOL, unprivileged_icmp) },
  { "oom_score_adj", PARSER (parse_oom_score_adj) },
  { "restrict_oom_score_adj", PARSER (parse_restrict_oom_score_adj) },
  { "cpu_shares", PARSER (parse_cpu_shares) },
  { "sandbox_sizing", FIELD (KEY_BOOL, sandbox_sizing) },
  { "cgroup_root", FIELD (KEY_PATH, cgroup_root) },
  { "shm_size", FIELD (KEY_SIZE, shm_size) },
  { "shm_size_max", PARSER (parse_shm_size_max) },
  { "dns", PARSER (parse_dns) },
  { "resolv_conf", PARSER (parse_resolv_conf) },
  { "hosts", PARSER (parse_hosts) },
  { "hostname", FIELD (KEY_BOOL, hostname) },
  { "sysctl_check", PARSER (parse_sysctl_check) },
  { "engine_dirs", PARSER (parse_engine_dirs) },
  { "engine_files", PARSER (parse_engine_files) },
  { "log_level", PARSER (parse_log_level) },
  { "log_socket", FIELD (KEY_PATH, log_socket) },
  { "runtime", FIELD (KEY_PATH, runtime) },
};

static int
parse_key (const policy_key *k, const json_value *v, sandbox_policy *policy, hook_error **err)
{
  void *field = (char *)policy + k->offset;

  switch (k->kind)
    {
    case KEY_BOOL:
      return parse_bool (v, k->key, field, err);
    case KEY_PATH:
      return parse_path (v, k->key, field, err);
    case KEY_SIZE:
      return parse_size (v, k->key, field, err);
    case KEY_PARSER:
      return k->parse (v, k->key, policy, err);
    }
  return hook_fail (err, EINVAL, "policy key \"%s\"", k->key);
}

const json_limits policy_json_limits
    = { .max_bytes = POLICY_MAX_BYTES, .max_depth = 8, .allow_comments = true };

int
sandbox_policy_parse_runtime (const char *buf, size_t len, char **runtime, hook_error **err)
{
  cleanup_json json_doc *doc = NULL;
  const json_value *root, *v;

  *runtime = NULL;
  if (json_parse (buf, len, &policy_json_limits, &doc, err) < 0)
    return -1;
  root = json_doc_root (doc);
  if (json_expect (root, JSON_OBJECT, "policy", err) < 0)
    return -1;
  v = json_get (root, "runtime");
  if (v)
    return parse_path (v, "runtime", runtime, err);
  *runtime = strdup (DEFAULT_RUNTIME);
  if (*runtime == NULL)
    return hook_fail (err, ENOMEM, "policy");
  return 0;
}

int
sandbox_policy_parse (const char *buf, size_t len, sandbox_policy *policy, hook_error **err)
{
  cleanup_json json_doc *doc = NULL;
  const json_value *root;

  if (json_parse (buf, len, &policy_json_limits, &doc, err) < 0)
    return -1;
  root = json_doc_root (doc);
  if (json_expect (root, JSON_OBJECT, "policy", err) < 0)
    return -1;
  for (size_t i = 0; i < root->u.object.count; i++)
    {
      const json_member *m = &root->u.object.members[i];
      const policy_key *k = NULL;
      for (size_t j = 0; j < sizeof policy_keys / sizeof policy_keys[0] && k == NULL; j++)
        if (strcmp (m->key, policy_keys[j].key) == 0)
          k = &policy_keys[j];
      if (k == NULL)
        return key_fail (err, m->key, "%s", "unknown key");
      if (parse_key (k, m->value, policy, err) < 0)
        return -1;
    }
  if (policy->shm_size > policy->shm_size_max)
    return key_fail (err, "shm_size", "%s", "larger than shm_size_max");
  return 0;
}

/* explain: the plan as one JSON document.  Each test builds a real plan,
   writes it to a memory stream and parses it back with the project's own
   JSON parser, so the document is checked as a consumer sees it.  */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "spec.h"
#include "dnsfiles.h"
#include "error.h"
#include "explain.h"
#include "host.h"
#include "json.h"
#include "plan.h"
#include "policy.h"
#include "tap.h"

#define HOST_HOSTS       "127.0.0.1 localhost\n::1 localhost\n"
#define HOST_RESOLV_CONF "nameserver 192.0.2.53\nsearch example.net\n"

#define N_ELEMENTS(a) (sizeof (a) / sizeof ((a)[0]))

#define CONTAINER_ID "0123456789abcdef"

/* A CRI pod sandbox with all of its namespaces; FMT's %s takes extra
   members of "linux", then extra members of the document.  */
#define SANDBOX_CONFIG(linux_members, top)                                                         \
  "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"                                      \
  "\"process\":{\"args\":[\"/pause\"]},"                                                           \
  "\"annotations\":{\"io.kubernetes.cri.container-type\":\"sandbox\"},"                            \
  "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},"       \
  "{\"type\":\"uts\"},{\"type\":\"mount\"}]" linux_members "}" top "}"

typedef struct fixture
{
  sandbox_policy policy;
  host_facts host;
  target_facts target;
  engine_facts engine; /* literals, never freed */
  container_spec config;
  sandbox_plan plan;
  json_doc *doc; /* the parsed explanation */
  char *text;    /* the explanation as written */
  size_t len;
} fixture;

static void
fixture_clear (fixture *f)
{
  sandbox_plan_clear (&f->plan);
  spec_clear (&f->config);
  sandbox_policy_clear (&f->policy);
  json_doc_free (f->doc);
  free (f->text);
}
#define cleanup_fixture __attribute__ ((cleanup (fixture_clear)))

/* The policy: defaults, then POLICY_JSON (may be NULL) over them.  */
static void
fixture_policy (fixture *f, const char *policy_json)
{
  cleanup_hook_error hook_error *err = NULL;

  sandbox_policy_clear (&f->policy);
  sandbox_policy_init_defaults (&f->policy);
  if (policy_json && sandbox_policy_parse (policy_json, strlen (policy_json), &f->policy, &err) < 0)
    {
      printf ("# fixture policy: %s\n", err->message);
      tap_current_failed = true;
    }
}

static void
fixture_init (fixture *f, const char *policy_json)
{
  memset (f, 0, sizeof *f);
  fixture_policy (f, policy_json);
  f->host.cap_sys_resource = true;
  snprintf (f->host.hostname, sizeof f->host.hostname, "node-1");
  f->host.resolv_conf_source = "/etc/resolv.conf";
  /* What host_facts_gather reads from the policy's sources (never freed:
     literals).  */
  f->host.hosts_content = (char *)HOST_HOSTS;
  f->host.hosts_len = strlen (HOST_HOSTS);
  f->host.resolv_conf_content = (char *)HOST_RESOLV_CONF;
  f->host.resolv_conf_len = strlen (HOST_RESOLV_CONF);
  f->target.known = true;
}

/* Build the plan of CONFIG_JSON; a failure is a bug of the test.  */
static void
fixture_plan (fixture *f, const char *config_json)
{
  cleanup_hook_error hook_error *err = NULL;

  sandbox_plan_clear (&f->plan);
  spec_clear (&f->config);
  if (spec_parse (config_json, strlen (config_json), &f->config, &err) < 0)
    {
      printf ("# fixture config.json: %s\n", err->message);
      tap_current_failed = true;
      return;
    }
  plan_input in = {
    .config = &f->config,
    .policy = &f->policy,
    .host = &f->host,
    .target = &f->target,
    .engine = &f->engine,
  };
  if (plan_build (&in, &f->plan, &err) < 0)
    {
      printf ("# fixture plan: %s\n", err->message);
      tap_current_failed = true;
    }
}

/* Explain the plan into a memory stream and parse the text back.  Returns
   the document's root, or NULL (and fails the test).  */
static const json_value *
fixture_explain (fixture *f, bool pretty)
{
  const json_limits limits = { .max_bytes = 1u << 20, .max_depth = 8 };
  cleanup_hook_error hook_error *err = NULL;
  FILE *out;

  json_doc_free (f->doc);
  f->doc = NULL;
  free (f->text);
  f->text = NULL;
  out = open_memstream (&f->text, &f->len);
  if (out == NULL)
    abort ();
  if (explain_plan (&f->plan, CONTAINER_ID, "plan", pretty, out, &err) < 0)
    {
      printf ("# explain_plan: %s\n", err->message);
      tap_current_failed = true;
      fclose (out);
      return NULL;
    }
  fclose (out);
  if (json_parse (f->text, f->len, &limits, &f->doc, &err) < 0)
    {
      cleanup_free char *q = quote_for_message (f->text);
      printf ("# the explanation %s does not parse: %s\n", q ? q : "?", err->message);
      tap_current_failed = true;
      return NULL;
    }
  return json_doc_root (f->doc);
}

/* Typed members: NULL when absent or of another kind.  */
static const json_value *
member (const json_value *obj, const char *key, json_kind kind)
{
  const json_value *v = json_get (obj, key);
  return v && v->kind == kind ? v : NULL;
}

static const char *
string_member (const json_value *obj, const char *key)
{
  const json_value *v = member (obj, key, JSON_STRING);
  return v ? v->u.scalar.text : NULL;
}

/* The number exactly as written.  */
static const char *
number_member (const json_value *obj, const char *key)
{
  const json_value *v = member (obj, key, JSON_NUMBER);
  return v ? v->u.scalar.text : NULL;
}

static size_t
member_count (const json_value *obj)
{
  return obj && obj->kind == JSON_OBJECT ? obj->u.object.count : 0;
}

/* The explained action called NAME, or NULL.  */
static const json_value *
explained_action (const json_value *root, const char *name)
{
  const json_value *actions = member (root, "actions", JSON_ARRAY);

  for (size_t i = 0; actions && i < actions->u.array.count; i++)
    {
      const char *n = string_member (actions->u.array.items[i], "action");
      if (n && strcmp (n, name) == 0)
        return actions->u.array.items[i];
    }
  printf ("# no action \"%s\" in the explanation\n", name);
  tap_current_failed = true;
  return NULL;
}

TEST (explain_names_the_container_the_stage_and_the_match)
{
  cleanup_fixture fixture f;
  fixture_init (&f, NULL);
  const json_value *root;

  fixture_plan (&f, SANDBOX_CONFIG ("", ""));
  root = fixture_explain (&f, false);
  CHECK (root != NULL && root->kind == JSON_OBJECT);
  CHECK_STR (string_member (root, "id"), CONTAINER_ID);
  CHECK_STR (string_member (root, "stage"), "plan");
  CHECK (member (root, "sandbox", JSON_TRUE) != NULL);
  CHECK_STR (string_member (root, "match"), "annotation io.kubernetes.cri.container-type=sandbox");
  CHECK_INT (member_count (root), 5);
}

TEST (explain_lists_every_action_in_plan_order)
{
  static const char *const names[] = {
    "sysctl_check",      "engine_files",  "hostname",   "hosts",
    "resolv_conf",       "shm",           "engine_shm", "unprivileged_ports",
    "unprivileged_icmp", "oom_score_adj", "cpu_shares", "pod_registry",
    "sandbox_sizing",
  };
  cleanup_fixture fixture f;
  fixture_init (&f, NULL);
  const json_value *root, *actions;

  fixture_plan (&f, SANDBOX_CONFIG ("", ""));
  root = fixture_explain (&f, false);
  actions = member (root, "actions", JSON_ARRAY);
  CHECK (actions != NULL);
  if (actions == NULL)
    return;
  CHECK_INT (actions->u.array.count, N_ELEMENTS (names));
  for (size_t i = 0; i < actions->u.array.count && i < N_ELEMENTS (names); i++)
    {
      const json_value *a = actions->u.array.items[i];
      CHECK_STR (string_member (a, "action"), names[i]);
      CHECK_STR (string_member (a, "reason"), f.plan.actions[i].reason);
    }
}

TEST (explain_applied_action_says_apply_with_its_reason)
{
  cleanup_fixture fixture f;
  fixture_init (&f, NULL);
  const json_value *a;

  fixture_plan (&f, SANDBOX_CONFIG ("", ""));
  a = explained_action (fixture_explain (&f, false), "cpu_shares");
  CHECK_STR (string_member (a, "decision"), "apply");
  CHECK_STR (string_member (a, "reason"), "cgroup v1 cpu.shares 2, or cgroup v2 cpu.weight 1");
}

TEST (explain_skipped_action_says_skip_with_its_reason_and_no_parameters)
{
  cleanup_fixture fixture f;
  fixture_init (&f, "{\"cpu_shares\": 0, \"hosts\": false}");
  const json_value *root, *a;

  fixture_plan (&f, SANDBOX_CONFIG ("", ""));
  root = fixture_explain (&f, false);
  a = explained_action (root, "cpu_shares");
  CHECK_STR (string_member (a, "decision"), "skip");
  CHECK_STR (string_member (a, "reason"), "disabled by policy (cpu_shares: 0)");
  CHECK_INT (member_count (a), 3);
  CHECK (json_get (a, "shares") == NULL);

  a = explained_action (root, "hosts");
  CHECK_STR (string_member (a, "decision"), "skip");
  CHECK_INT (member_count (a), 3);
  CHECK (json_get (a, "destination") == NULL);
}

TEST (explain_unprivileged_sysctls_give_key_and_value)
{
  cleanup_fixture fixture f;
  fixture_init (&f, NULL);
  const json_value *root, *a;

  fixture_plan (&f, SANDBOX_CONFIG ("", ""));
  root = fixture_explain (&f, false);
  a = explained_action (root, "unprivileged_ports");
  CHECK_STR (string_member (a, "decision"), "apply");
  CHECK_STR (string_member (a, "key"), "net.ipv4.ip_unprivileged_port_start");
  CHECK_STR (string_member (a, "value"), "0");
  a = explained_action (root, "unprivileged_icmp");
  CHECK_STR (string_member (a, "key"), "net.ipv4.ping_group_range");
  CHECK_STR (string_member (a, "value"), "0 2147483647");
}

TEST (explain_oom_score_adj_gives_a_number_and_restricted)
{
  cleanup_fixture fixture f;
  fixture_init (&f, NULL);
  const json_value *a;

  fixture_plan (&f, SANDBOX_CONFIG ("", ""));
  a = explained_action (fixture_explain (&f, false), "oom_score_adj");
  CHECK_STR (number_member (a, "value"), "-998");
  CHECK (member (a, "restricted", JSON_FALSE) != NULL);

  f.host.cap_sys_resource = false;
  f.host.own_oom_score_adj = 300;
  fixture_plan (&f, SANDBOX_CONFIG ("", ""));
  a = explained_action (fixture_explain (&f, false), "oom_score_adj");
  CHECK_STR (number_member (a, "value"), "300");
  CHECK (member (a, "restricted", JSON_TRUE) != NULL);
}

TEST (explain_cpu_shares_give_shares_and_weight_as_numbers)
{
  cleanup_fixture fixture f;
  fixture_init (&f, NULL);
  const json_value *a;

  fixture_plan (&f, SANDBOX_CONFIG ("", ""));
  a = explained_action (fixture_explain (&f, false), "cpu_shares");
  CHECK_STR (number_member (a, "shares"), "2");
  CHECK_STR (number_member (a, "weight"), "1");

  fixture_policy (&f, "{\"cpu_shares\": 1024}");
  fixture_plan (&f, SANDBOX_CONFIG ("", ""));
  a = explained_action (fixture_explain (&f, false), "cpu_shares");
  CHECK_STR (number_member (a, "shares"), "1024");
  CHECK_STR (number_member (a, "weight"), "100");
}

TEST (explain_shm_tmpfs_gives_size_options_and_context)
{
  cleanup_fixture fixture f;
  fixture_init (&f, NULL);
  const json_value *a;

  f.host.selinux_enabled = true;
  fixture_plan (
      &f, SANDBOX_CONFIG (",\"mountLabel\":\"system_u:object_r:container_file_t:s0:c1,c2\"", ""));
  a = explained_action (fixture_explain (&f, false), "shm");
  CHECK_STR (string_member (a, "decision"), "apply");
  CHECK_STR (string_member (a, "mode"), "tmpfs");
  CHECK_STR (number_member (a, "size"), "67108864");
  CHECK_STR (string_member (a, "options"), "mode=1777,nosuid,nodev,noexec");
  CHECK_STR (string_member (a, "context"), "system_u:object_r:container_file_t:s0:c1,c2");
}

TEST (explain_shm_without_selinux_has_no_context)
{
  cleanup_fixture fixture f;
  fixture_init (&f, NULL);
  const json_value *a;

  fixture_plan (&f,
                SANDBOX_CONFIG (",\"mountLabel\":\"system_u:object_r:container_file_t:s0\"", ""));
  a = explained_action (fixture_explain (&f, false), "shm");
  CHECK_STR (string_member (a, "mode"), "tmpfs");
  CHECK (json_get (a, "context") == NULL);
  CHECK (
      strstr (string_member (a, "reason") ? string_member (a, "reason") : "", "mountLabel ignored")
      != NULL);
}

TEST (explain_shm_in_the_host_ipc_namespace_gives_mode_host_only)
{
  cleanup_fixture fixture f;
  fixture_init (&f, NULL);
  const json_value *a;

  f.target.is_own[NAMESPACE_IPC] = true;
  fixture_plan (&f, SANDBOX_CONFIG ("", ""));
  a = explained_action (fixture_explain (&f, false), "shm");
  CHECK_STR (string_member (a, "decision"), "apply");
  CHECK_STR (string_member (a, "mode"), "host");
  CHECK (json_get (a, "size") == NULL);
  CHECK (json_get (a, "options") == NULL);
  CHECK_INT (member_count (a), 4);
}

TEST (explain_hostname_gives_destination_and_content)
{
  cleanup_fixture fixture f;
  fixture_init (&f, NULL);
  const json_value *a;

  fixture_plan (&f, SANDBOX_CONFIG ("", ",\"hostname\":\"pod-a\""));
  a = explained_action (fixture_explain (&f, false), "hostname");
  CHECK_STR (string_member (a, "destination"), "/etc/hostname");
  CHECK_STR (string_member (a, "content"), "pod-a\n");
  CHECK (json_get (a, "source") == NULL);
}

TEST (explain_copied_files_give_destination_and_source)
{
  cleanup_fixture fixture f;
  fixture_init (&f, NULL);
  const json_value *root, *a;

  fixture_plan (&f, SANDBOX_CONFIG ("", ""));
  root = fixture_explain (&f, false);
  a = explained_action (root, "hosts");
  CHECK_STR (string_member (a, "destination"), "/etc/hosts");
  CHECK_STR (string_member (a, "source"), "/etc/hosts");
  CHECK (json_get (a, "content") == NULL);
  a = explained_action (root, "resolv_conf");
  CHECK_STR (string_member (a, "destination"), "/etc/resolv.conf");
  CHECK_STR (string_member (a, "source"), "/etc/resolv.conf");
  CHECK (json_get (a, "content") == NULL);
}

TEST (explain_rendered_resolv_conf_gives_its_content)
{
  cleanup_fixture fixture f;
  fixture_init (&f, "{\"dns\": {\"servers\": [\"1.1.1.1\"], \"searches\": [\"a\", \"b\"], "
                    "\"options\": [\"ndots:5\"]}}");
  const json_value *a;

  fixture_plan (&f, SANDBOX_CONFIG ("", ""));
  a = explained_action (fixture_explain (&f, false), "resolv_conf");
  CHECK_STR (string_member (a, "content"), "search a b\nnameserver 1.1.1.1\noptions ndots:5\n");
  CHECK (json_get (a, "source") == NULL);
}

TEST (explain_sysctl_check_lists_its_findings)
{
  cleanup_fixture fixture f;
  fixture_init (&f, "{\"sysctl_check\": \"warn\"}");
  const json_value *a, *findings;

  fixture_plan (&f, SANDBOX_CONFIG (",\"sysctl\":{\"kernel.core_pattern\":\"|/x\","
                                    "\"net.ipv4.tcp_syncookies\":\"1\"}",
                                    ""));
  a = explained_action (fixture_explain (&f, false), "sysctl_check");
  CHECK_STR (string_member (a, "decision"), "apply");
  CHECK_STR (string_member (a, "reason"), "1 finding(s), policy says warn");
  findings = member (a, "findings", JSON_ARRAY);
  CHECK (findings != NULL && findings->u.array.count == 1);
  if (findings && findings->u.array.count == 1)
    {
      CHECK (findings->u.array.items[0]->kind == JSON_STRING);
      CHECK_STR (findings->u.array.items[0]->u.scalar.text,
                 "kernel.core_pattern: not a namespaced sysctl");
    }

  fixture_policy (&f, NULL);
  fixture_plan (&f, SANDBOX_CONFIG (",\"sysctl\":{\"net.ipv4.tcp_syncookies\":\"1\"}", ""));
  a = explained_action (fixture_explain (&f, false), "sysctl_check");
  findings = member (a, "findings", JSON_ARRAY);
  CHECK (findings != NULL && findings->u.array.count == 0);
}

TEST (explain_non_sandbox_has_an_empty_action_list)
{
  cleanup_fixture fixture f;
  fixture_init (&f, NULL);
  const json_value *root, *actions;

  fixture_plan (&f, "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
                    "\"annotations\":{\"io.kubernetes.cri.container-type\":\"container\"}}");
  root = fixture_explain (&f, false);
  CHECK (member (root, "sandbox", JSON_FALSE) != NULL);
  CHECK_STR (string_member (root, "match"),
             "annotation io.kubernetes.cri.container-type=container: the engine says it is not a "
             "sandbox");
  actions = member (root, "actions", JSON_ARRAY);
  CHECK (actions != NULL && actions->u.array.count == 0);
}

/* JSON escaping is explain's job, whatever a file holds.  */
TEST (explain_file_content_with_newline_quote_and_backslash_round_trips)
{
  static const char content[] = "line \"one\"\n\\two\t\x01\xc3\xa9\n";
  cleanup_fixture fixture f;
  fixture_init (&f, NULL);
  planned_action *hostname = &f.plan.actions[ACTION_HOSTNAME_FILE];
  const json_value *a, *v;

  fixture_plan (&f, SANDBOX_CONFIG ("", ""));
  free (hostname->u.file.content);
  hostname->u.file.content = strdup (content);
  if (hostname->u.file.content == NULL)
    abort ();
  hostname->u.file.len = strlen (content);
  a = explained_action (fixture_explain (&f, false), "hostname");
  v = member (a, "content", JSON_STRING);
  CHECK (v != NULL);
  if (v)
    {
      CHECK_INT (v->u.scalar.len, strlen (content));
      CHECK_STR (v->u.scalar.text, content);
    }
}

TEST (explain_compact_output_is_one_line)
{
  cleanup_fixture fixture f;
  fixture_init (&f, NULL);

  fixture_plan (&f, SANDBOX_CONFIG ("", ",\"hostname\":\"pod-a\""));
  CHECK (fixture_explain (&f, false) != NULL);
  CHECK (f.len > 0 && f.text[f.len - 1] == '\n');
  CHECK (memchr (f.text, '\n', f.len) == f.text + f.len - 1);
}

TEST (explain_pretty_output_holds_the_same_document)
{
  cleanup_fixture fixture f;
  fixture_init (&f, NULL);
  const json_value *root;
  size_t compact_len;

  fixture_plan (&f, SANDBOX_CONFIG ("", ",\"hostname\":\"pod-a\""));
  CHECK (fixture_explain (&f, false) != NULL);
  compact_len = f.len;
  root = fixture_explain (&f, true);
  CHECK (root != NULL);
  CHECK (f.len > compact_len);
  CHECK (f.len >= 2 && f.text[f.len - 1] == '\n' && f.text[f.len - 2] != '\n');
  CHECK_STR (string_member (explained_action (root, "hostname"), "content"), "pod-a\n");
  CHECK_STR (number_member (explained_action (root, "oom_score_adj"), "value"), "-998");
}

/* A reason is cut at 319 bytes; a cut inside a UTF-8 character (from a
   policy annotation value) must still give a valid document.  */
TEST (explain_reason_cut_inside_a_utf8_character_is_still_valid_json)
{
  cleanup_fixture fixture f;
  cleanup_free char *policy = NULL;
  cleanup_free char *config = NULL;
  char value[400];
  const json_value *root;

  /* "annotation k=" is 13 bytes: the value's byte 305 is the 319th of the
     reason, the first half of "é".  */
  memset (value, 'x', 305);
  strcpy (value + 305, "\xc3\xa9tail");
  if (asprintf (&policy, "{\"sandbox_match\": {\"annotations\": {\"k\": \"%s\"}}}", value) < 0
      || asprintf (&config,
                   "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
                   "\"annotations\":{\"k\":\"%s\"},\"linux\":{\"namespaces\":[{\"type\":"
                   "\"network\"},{\"type\":\"ipc\"}]}}",
                   value)
             < 0)
    abort ();
  fixture_init (&f, policy);
  fixture_plan (&f, config);
  CHECK (f.plan.is_sandbox);
  root = fixture_explain (&f, false);
  CHECK (root != NULL);
  CHECK (member (root, "sandbox", JSON_TRUE) != NULL);
  CHECK (string_member (root, "match") != NULL
         && strncmp (string_member (root, "match"), "annotation k=xxx", 16) == 0);
  CHECK (member (root, "actions", JSON_ARRAY) != NULL);
}

/* yajl refuses a string that is not UTF-8 and writes nothing for it; the
   rest of the document would shift and still parse.  explain must fail
   and write nothing instead.  */
TEST (explain_refused_value_is_an_error_and_writes_nothing)
{
  cleanup_fixture fixture f;
  fixture_init (&f, NULL);
  cleanup_hook_error hook_error *err = NULL;
  cleanup_free char *text = NULL;
  size_t len = 0;
  FILE *out;

  fixture_plan (&f, SANDBOX_CONFIG ("", ""));
  strcpy (f.plan.actions[ACTION_HOSTS_FILE].reason, "copy of /etc/h\xffsts");
  out = open_memstream (&text, &len);
  if (out == NULL)
    abort ();
  CHECK_INT (explain_plan (&f.plan, CONTAINER_ID, "plan", false, out, &err), -1);
  CHECK_ERROR_MENTIONS (err, "could not generate JSON");
  fclose (out);
  CHECK_INT (len, 0);
}

TEST (explain_write_failure_is_an_error)
{
  cleanup_fixture fixture f;
  fixture_init (&f, NULL);
  cleanup_hook_error hook_error *err = NULL;
  cleanup_fclose FILE *full = fopen ("/dev/full", "w");

  CHECK (full != NULL);
  if (full == NULL)
    return;
  fixture_plan (&f, SANDBOX_CONFIG ("", ""));
  CHECK_INT (explain_plan (&f.plan, CONTAINER_ID, "plan", false, full, &err), -1);
  CHECK_ERROR_MENTIONS (err, "write the plan");
}

#define ENGINE_SANDBOX(annotations, mounts)                                                        \
  "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"                                      \
  "\"process\":{\"args\":[\"/pause\"]},"                                                           \
  "\"annotations\":{\"io.kubernetes.cri.container-type\":\"sandbox\"" annotations "},"             \
  "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},"       \
  "{\"type\":\"uts\"},{\"type\":\"mount\"}]},\"mounts\":[" mounts "]}"
#define ENGINE_SHM_DIR "/run/containerd/io.containerd.grpc.v1.cri/sandboxes"
#define ENGINE_ROOT    "/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes"

TEST (explain_engine_shm_gives_size_annotation_source_and_engine_dir)
{
  cleanup_fixture fixture f;
  fixture_init (&f, NULL);
  const json_value *a;

  fixture_plan (&f,
                ENGINE_SANDBOX (",\"io.oci-sandbox-hook.shm-size\":\"256Mi\"",
                                "{\"destination\":\"/dev/shm\",\"type\":\"bind\",\"source\":"
                                "\"" ENGINE_SHM_DIR "/p1/shm\",\"options\":[\"rbind\",\"ro\"]}"));
  a = explained_action (fixture_explain (&f, false), "engine_shm");
  CHECK_STR (string_member (a, "decision"), "apply");
  CHECK_STR (number_member (a, "size"), "268435456");
  CHECK_STR (string_member (a, "annotation"), "io.oci-sandbox-hook.shm-size");
  CHECK_STR (string_member (a, "source"), ENGINE_SHM_DIR "/p1/shm");
  CHECK_STR (string_member (a, "engine_dir"), ENGINE_SHM_DIR);
  CHECK_INT (member_count (a), 7);
}

TEST (explain_engine_files_under_warn_lists_the_findings)
{
  cleanup_fixture fixture f;
  fixture_init (&f, "{\"engine_files\": \"warn\"}");
  const json_value *a, *findings;

  f.engine.gathered = true;
  f.engine.files[ENGINE_FILE_RESOLV_CONF].content = (char *)"options ndots:5\nnameserver 6.6.6.6\n";
  f.engine.files[ENGINE_FILE_RESOLV_CONF].len = strlen (f.engine.files[0].content);
  fixture_plan (&f, ENGINE_SANDBOX ("", "{\"destination\":\"/etc/resolv.conf\",\"type\":\"bind\","
                                        "\"source\":\"" ENGINE_ROOT "/p1/resolv.conf\"}"));
  a = explained_action (fixture_explain (&f, false), "engine_files");
  CHECK_STR (string_member (a, "decision"), "apply");
  CHECK_STR (string_member (a, "reason"), "1 finding(s), policy says warn");
  findings = member (a, "findings", JSON_ARRAY);
  CHECK (findings != NULL && findings->u.array.count == 1);
  if (findings && findings->u.array.count == 1)
    CHECK_STR (findings->u.array.items[0]->u.scalar.text,
               "the engine's /etc/resolv.conf (" ENGINE_ROOT "/p1/resolv.conf): line 2 "
               "\"nameserver 6.6.6.6\": a nameserver line after the options line: engines write "
               "the search, nameserver and options lines in that order, so this line was inside a "
               "DNS value (an injected line)");
}

int
main (void)
{
  RUN (explain_names_the_container_the_stage_and_the_match);
  RUN (explain_lists_every_action_in_plan_order);
  RUN (explain_applied_action_says_apply_with_its_reason);
  RUN (explain_skipped_action_says_skip_with_its_reason_and_no_parameters);
  RUN (explain_unprivileged_sysctls_give_key_and_value);
  RUN (explain_oom_score_adj_gives_a_number_and_restricted);
  RUN (explain_cpu_shares_give_shares_and_weight_as_numbers);
  RUN (explain_shm_tmpfs_gives_size_options_and_context);
  RUN (explain_shm_without_selinux_has_no_context);
  RUN (explain_shm_in_the_host_ipc_namespace_gives_mode_host_only);
  RUN (explain_hostname_gives_destination_and_content);
  RUN (explain_copied_files_give_destination_and_source);
  RUN (explain_rendered_resolv_conf_gives_its_content);
  RUN (explain_sysctl_check_lists_its_findings);
  RUN (explain_non_sandbox_has_an_empty_action_list);
  RUN (explain_file_content_with_newline_quote_and_backslash_round_trips);
  RUN (explain_compact_output_is_one_line);
  RUN (explain_pretty_output_holds_the_same_document);
  RUN (explain_reason_cut_inside_a_utf8_character_is_still_valid_json);
  RUN (explain_refused_value_is_an_error_and_writes_nothing);
  RUN (explain_write_failure_is_an_error);
  RUN (explain_engine_shm_gives_size_annotation_source_and_engine_dir);
  RUN (explain_engine_files_under_warn_lists_the_findings);
  return tap_done ();
}

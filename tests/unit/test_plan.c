/* The plan: every decision, its parameters and the reason it gives
   (docs/engines.md §1, docs/security.md, threats 1, 2, 6, 7, 10, 12, 15, 17).  Each test
   builds a config.json from a few pieces, runs plan_build and looks at one
   action.  A refused input must leave the plan cleared.  */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "spec.h"
#include "dnsfiles.h"
#include "error.h"
#include "host.h"
#include "json.h"
#include "plan.h"
#include "policy.h"
#include "tap.h"

#define HOST_HOSTS       "127.0.0.1 localhost\n::1 localhost\n"
#define HOST_RESOLV_CONF "nameserver 192.0.2.53\nsearch example.net\n"

#define N_ELEMENTS(a) (sizeof (a) / sizeof ((a)[0]))

/* JSON pieces for config_spec.  */
#define ANN(k, v)            "\"" k "\":\"" v "\""
#define NS(t)                "{\"type\":\"" t "\"}"
#define CRI_SANDBOX          ANN ("io.kubernetes.cri.container-type", "sandbox")
#define POD_NAMESPACES       NS ("pid") "," NS ("network") "," NS ("ipc") "," NS ("uts") "," NS ("mount")
#define USER_NAMESPACES      POD_NAMESPACES "," NS ("user")
#define GID_MAPPING(c, h, s) "{\"containerID\":" #c ",\"hostID\":" #h ",\"size\":" #s "}"

#define MIB (1ull << 20)

#define POD_DNS_ANNOTATIONS                                                                        \
  ANN ("io.oci-sandbox-hook.dns-servers", "1.1.1.1")                                               \
  "," ANN ("io.oci-sandbox-hook.dns-searches", "a,b") "," ANN ("io.oci-sandbox-hook.dns-options",  \
                                                               "ndots:5")

/* A config.json built from pieces; NULL means the default of a pod
   sandbox under containerd.  The extra members are written after a comma
   of their own.  */
typedef struct config_spec
{
  const char *annotations;   /* members of "annotations"; NULL: CRI_SANDBOX */
  const char *namespaces;    /* items of linux.namespaces; NULL: POD_NAMESPACES */
  const char *arg0;          /* process.args[0]; NULL: "/pause" */
  const char *process;       /* extra members of "process" */
  const char *linux_members; /* extra members of "linux" */
  const char *top;           /* extra members of the document */
  const char *state;         /* members of the state's annotations; NULL: none */
} config_spec;

typedef struct fixture
{
  sandbox_policy policy;
  host_facts host;
  target_facts target;
  container_spec config;
  json_doc *state_doc;
  sandbox_sizing pod_cgroup; /* limits of the pod cgroup parent, when present */
  pod_facts pod;             /* a member's sandbox (lookup NONE: not looked up) */
  const char *container_id;  /* createRuntime's state id, or NULL */
  sandbox_plan plan;
  hook_error *err;
} fixture;

static void
fixture_release (fixture *f)
{
  sandbox_plan_clear (&f->plan);
  spec_clear (&f->config);
  json_doc_free (f->state_doc);
  f->state_doc = NULL;
  hook_error_free (f->err);
  f->err = NULL;
}

static void
fixture_clear (fixture *f)
{
  fixture_release (f);
  sandbox_policy_clear (&f->policy);
}
#define cleanup_fixture __attribute__ ((cleanup (fixture_clear)))

/* Default policy; a root hook on a plain host with CAP_SYS_RESOURCE, its
   own score 0, SELinux off; a container whose namespaces are all its own.  */
static void
fixture_init (fixture *f)
{
  memset (f, 0, sizeof *f);
  sandbox_policy_init_defaults (&f->policy);
  f->host.own_oom_score_adj = 0;
  f->host.cap_sys_resource = true;
  snprintf (f->host.hostname, sizeof f->host.hostname, "node-1");
  f->host.resolv_conf_source = "/run/systemd/resolve/resolv.conf";
  /* What host_facts_gather reads from the policy's sources (never freed:
     literals).  */
  f->host.hosts_content = (char *)HOST_HOSTS;
  f->host.hosts_len = strlen (HOST_HOSTS);
  f->host.resolv_conf_content = (char *)HOST_RESOLV_CONF;
  f->host.resolv_conf_len = strlen (HOST_RESOLV_CONF);
  f->target.known = true;
}

/* Parse POLICY_JSON over the defaults.  */
static void
fixture_policy (fixture *f, const char *policy_json)
{
  cleanup_hook_error hook_error *err = NULL;

  if (sandbox_policy_parse (policy_json, strlen (policy_json), &f->policy, &err) < 0)
    {
      printf ("# fixture policy %s: %s\n", policy_json, err->message);
      tap_current_failed = true;
    }
}

static char *
config_json (const config_spec *s)
{
  char *json = NULL;

  if (asprintf (&json,
                "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
                "\"process\":{\"args\":[\"%s\"]%s%s},"
                "\"annotations\":{%s},"
                "\"linux\":{\"namespaces\":[%s]%s%s}%s%s}",
                s->arg0 ? s->arg0 : "/pause", s->process ? "," : "", s->process ? s->process : "",
                s->annotations ? s->annotations : CRI_SANDBOX,
                s->namespaces ? s->namespaces : POD_NAMESPACES, s->linux_members ? "," : "",
                s->linux_members ? s->linux_members : "", s->top ? "," : "", s->top ? s->top : "")
      < 0)
    abort ();
  return json;
}

/* Build the plan of SPEC.  A fixture that does not parse is a bug of the
   test: it fails the test and returns -2.  */
static int
fixture_plan (fixture *f, const config_spec *spec)
{
  const json_limits limits = { .max_bytes = 1u << 20, .max_depth = 8 };
  cleanup_free char *json = config_json (spec);
  cleanup_hook_error hook_error *err = NULL;

  fixture_release (f);
  if (spec_parse (json, strlen (json), &f->config, &err) < 0)
    {
      printf ("# fixture config.json %s: %s\n", json, err->message);
      tap_current_failed = true;
      return -2;
    }
  if (spec->state)
    {
      cleanup_free char *state = NULL;

      if (asprintf (&state, "{%s}", spec->state) < 0)
        abort ();
      if (json_parse (state, strlen (state), &limits, &f->state_doc, &err) < 0)
        {
          printf ("# fixture state annotations %s: %s\n", state, err->message);
          tap_current_failed = true;
          return -2;
        }
    }

  plan_input in = {
    .config = &f->config,
    .state_annotations = f->state_doc ? json_doc_root (f->state_doc) : NULL,
    .policy = &f->policy,
    .host = &f->host,
    .target = &f->target,
    .pod_cgroup = f->pod_cgroup.present ? &f->pod_cgroup : NULL,
    .container_id = f->container_id,
    .pod = &f->pod,
  };
  return plan_build (&in, &f->plan, &f->err);
}

#define PLAN(f, ...) fixture_plan (&(f), &(config_spec){ __VA_ARGS__ })
/* The plan of the default sandbox (ISO C11 has no empty initializer).  */
#define PLAN_DEFAULT(f) fixture_plan (&(f), &(config_spec){ .annotations = NULL })

#define ACTION(f, k) (&(f).plan.actions[k])

static void
report_reason (int line, const planned_action *a, const char *detail)
{
  cleanup_free char *q = quote_for_message (a->reason);

  printf ("# line %d: %s %s (reason %s)\n", line, action_name (a->kind), detail, q ? q : "?");
  tap_current_failed = true;
}

/* The action was planned (or skipped) and its reason contains PHRASE.  */
static void
check_decision (const fixture *f, action_kind kind, bool skipped, const char *phrase, int line)
{
  const planned_action *a = &f->plan.actions[kind];

  if (f->err)
    {
      printf ("# line %d: plan failed: %s\n", line, f->err->message);
      tap_current_failed = true;
      return;
    }
  if (a->kind != kind)
    report_reason (line, a, "has the wrong kind");
  if (a->skip != skipped)
    report_reason (line, a, skipped ? "is applied, expected a skip" : "is skipped, expected apply");
  if (strstr (a->reason, phrase) == NULL)
    {
      printf ("# line %d: reason does not mention \"%s\"\n", line, phrase);
      report_reason (line, a, "has the wrong reason");
    }
}
#define CHECK_APPLIED(f, kind, phrase) check_decision (&(f), kind, false, phrase, __LINE__)
#define CHECK_SKIPPED(f, kind, phrase) check_decision (&(f), kind, true, phrase, __LINE__)

static bool
plan_is_cleared (const sandbox_plan *plan)
{
  const unsigned char *p = (const unsigned char *)plan;

  for (size_t i = 0; i < sizeof *plan; i++)
    if (p[i] != 0)
      return false;
  return true;
}

/* plan_build failed with an error that mentions MENTION and left nothing
   in the plan.  WHAT names the case in diagnostics.  */
static void
check_refused (int rc, const fixture *f, const char *what, const char *mention, int line)
{
  cleanup_free char *q = quote_for_message (what);

  if (rc != -1 || f->err == NULL)
    {
      printf ("# line %d: %s: accepted (rc %d), expected an error mentioning \"%s\"\n", line,
              q ? q : "?", rc, mention);
      tap_current_failed = true;
      return;
    }
  if (strstr (f->err->message, mention) == NULL)
    {
      printf ("# line %d: %s: error \"%s\" does not mention \"%s\"\n", line, q ? q : "?",
              f->err->message, mention);
      tap_current_failed = true;
    }
  if (!plan_is_cleared (&f->plan))
    {
      printf ("# line %d: %s: the plan is not cleared after an error\n", line, q ? q : "?");
      tap_current_failed = true;
    }
}
#define CHECK_REFUSED(rc, f, what, mention) check_refused (rc, &(f), what, mention, __LINE__)

static char *
repeat (char c, size_t n)
{
  char *s = malloc (n + 1);

  if (s == NULL)
    abort ();
  memset (s, c, n);
  s[n] = '\0';
  return s;
}

/* Classification */

TEST (cri_sandbox_annotation_is_a_sandbox)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (PLAN (f, .annotations = ANN ("io.kubernetes.cri.container-type", "sandbox")), 0);
  CHECK (f.plan.is_sandbox);
  CHECK_STR (f.plan.match_reason, "annotation io.kubernetes.cri.container-type=sandbox");
}

TEST (crio_sandbox_annotation_is_a_sandbox)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (PLAN (f, .annotations = ANN ("io.kubernetes.cri-o.ContainerType", "sandbox")), 0);
  CHECK (f.plan.is_sandbox);
  CHECK_STR (f.plan.match_reason, "annotation io.kubernetes.cri-o.ContainerType=sandbox");
}

TEST (docker_podsandbox_annotation_is_a_sandbox)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (PLAN (f, .annotations = ANN ("io.kubernetes.docker.type", "podsandbox")), 0);
  CHECK (f.plan.is_sandbox);
  CHECK_STR (f.plan.match_reason, "annotation io.kubernetes.docker.type=podsandbox");
}

TEST (cri_app_container_is_not_a_sandbox)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (PLAN (f, .annotations = ANN ("io.kubernetes.cri.container-type", "container")), 0);
  CHECK (!f.plan.is_sandbox);
  CHECK_STR (f.plan.match_reason, "annotation io.kubernetes.cri.container-type=container: the "
                                  "engine says it is not a sandbox");
}

TEST (an_app_container_of_a_pod_that_runs_catatonit_is_not_a_sandbox)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  /* The default policy's command rule is for podman's infra, which has no
     sandbox annotation; CRI-O and containerd say what their containers are.  */
  CHECK_INT (PLAN (f, .annotations = ANN ("io.kubernetes.cri-o.ContainerType", "container"),
                   .arg0 = "/catatonit"),
             0);
  CHECK (!f.plan.is_sandbox);
  CHECK (strstr (f.plan.match_reason, "the engine says it is not a sandbox") != NULL);
  CHECK_INT (PLAN (f, .annotations = "", .arg0 = "/catatonit"), 0);
  CHECK (f.plan.is_sandbox);
  CHECK_STR (f.plan.match_reason, "command /catatonit");
}

TEST (sandbox_annotation_only_in_the_state_matches)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (PLAN (f, .annotations = "", .state = CRI_SANDBOX), 0);
  CHECK (f.plan.is_sandbox);
  CHECK_STR (f.plan.match_reason, "annotation io.kubernetes.cri.container-type=sandbox");
}

TEST (config_annotation_is_looked_up_before_the_state)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (PLAN (f, .annotations = ANN ("io.kubernetes.cri.container-type", "container"),
                   .state = CRI_SANDBOX),
             0);
  CHECK (!f.plan.is_sandbox);
}

TEST (sandbox_match_command_matches_arg0_exactly)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_policy (&f, "{\"sandbox_match\": {\"commands\": [\"/catatonit\"]}}");

  CHECK_INT (PLAN (f, .annotations = "", .arg0 = "/catatonit"), 0);
  CHECK (f.plan.is_sandbox);
  CHECK_STR (f.plan.match_reason, "command /catatonit");

  CHECK_INT (PLAN (f, .annotations = "", .arg0 = "/catatonit2"), 0);
  CHECK (!f.plan.is_sandbox);
  CHECK_INT (PLAN (f, .annotations = "", .arg0 = "catatonit"), 0);
  CHECK (!f.plan.is_sandbox);
}

TEST (sandbox_match_in_policy_replaces_the_default_annotations)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_policy (&f, "{\"sandbox_match\": {\"commands\": [\"/catatonit\"]}}");

  CHECK_INT (PLAN (f, .annotations = CRI_SANDBOX), 0);
  CHECK (!f.plan.is_sandbox);
}

TEST (sandbox_match_all_matches_every_container)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_policy (&f, "{\"sandbox_match\": {\"all\": true}}");

  CHECK_INT (PLAN (f, .annotations = ANN ("io.kubernetes.cri.container-type", "container")), 0);
  CHECK (f.plan.is_sandbox);
  CHECK_STR (f.plan.match_reason, "the policy matches all containers");
}

TEST (non_sandbox_skips_every_action_without_error_even_with_hostile_input)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (PLAN (f,
                   .annotations = ANN ("io.kubernetes.cri.container-type", "container") "," ANN (
                       "io.oci-sandbox-hook.shm-size",
                       "200%") "," ANN ("io.oci-sandbox-hook.bogus",
                                        "x") "," ANN ("io.oci-sandbox-hook.dns-options",
                                                      "1\\nnameserver 6.6.6.6"),
                   .top = "\"hostname\":\"a/b\"",
                   .linux_members = "\"sysctl\":{\"kernel.core_pattern\":\"|/x\"},"
                                    "\"mountLabel\":\"s0,size=0\""),
             0);
  CHECK (f.err == NULL);
  CHECK (!f.plan.is_sandbox);
  for (int k = 0; k < ACTION_COUNT; k++)
    CHECK_SKIPPED (f, (action_kind)k, "not a sandbox");
}

/* Unprivileged ports and ICMP */

TEST (unprivileged_ports_start_at_0_in_an_own_network_namespace)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (PLAN_DEFAULT (f), 0);
  CHECK_APPLIED (f, ACTION_UNPRIVILEGED_PORTS, "containerd default");
  CHECK_STR (ACTION (f, ACTION_UNPRIVILEGED_PORTS)->u.sysctl.key,
             "net.ipv4.ip_unprivileged_port_start");
  CHECK_STR (ACTION (f, ACTION_UNPRIVILEGED_PORTS)->u.sysctl.value, "0");
}

TEST (unprivileged_icmp_covers_every_gid_in_an_own_network_namespace)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (PLAN_DEFAULT (f), 0);
  CHECK_APPLIED (f, ACTION_UNPRIVILEGED_ICMP, "containerd default");
  CHECK_STR (ACTION (f, ACTION_UNPRIVILEGED_ICMP)->u.sysctl.key, "net.ipv4.ping_group_range");
  CHECK_STR (ACTION (f, ACTION_UNPRIVILEGED_ICMP)->u.sysctl.value, "0 2147483647");
}

TEST (unprivileged_sysctls_disabled_by_policy_are_skipped)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_policy (&f, "{\"unprivileged_ports\": false, \"unprivileged_icmp\": false}");

  CHECK_INT (PLAN_DEFAULT (f), 0);
  CHECK_SKIPPED (f, ACTION_UNPRIVILEGED_PORTS, "disabled by policy (unprivileged_ports: false)");
  CHECK_SKIPPED (f, ACTION_UNPRIVILEGED_ICMP, "disabled by policy (unprivileged_icmp: false)");
}

TEST (unprivileged_sysctls_without_a_network_namespace_are_skipped)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (PLAN (f, .namespaces = NS ("pid") "," NS ("ipc") "," NS ("mount")), 0);
  CHECK_SKIPPED (f, ACTION_UNPRIVILEGED_PORTS, "no network namespace of its own");
  CHECK_SKIPPED (f, ACTION_UNPRIVILEGED_ICMP, "no network namespace of its own");
}

TEST (unprivileged_sysctls_in_the_host_network_namespace_are_skipped)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  f.target.is_own[NAMESPACE_NET] = true;

  CHECK_INT (PLAN_DEFAULT (f), 0);
  CHECK_SKIPPED (f, ACTION_UNPRIVILEGED_PORTS, "network namespace is the host's");
  CHECK_SKIPPED (f, ACTION_UNPRIVILEGED_ICMP, "network namespace is the host's");
}

/* At precreate the target is not known yet: config.json decides.  */
TEST (unprivileged_sysctls_ignore_target_facts_that_are_not_known)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  f.target.known = false;
  f.target.is_own[NAMESPACE_NET] = true;

  CHECK_INT (PLAN_DEFAULT (f), 0);
  CHECK_APPLIED (f, ACTION_UNPRIVILEGED_PORTS, "containerd default");
  CHECK_APPLIED (f, ACTION_UNPRIVILEGED_ICMP, "containerd default");
}

TEST (unprivileged_sysctls_set_in_config_are_left_alone)
{
  static const char *const sysctls[] = {
    "\"sysctl\":{\"net.ipv4.ip_unprivileged_port_start\":\"80\","
    "\"net.ipv4.ping_group_range\":\"1 1\"}",
    "\"sysctl\":{\"net/ipv4/ip_unprivileged_port_start\":\"80\","
    "\"net/ipv4/ping_group_range\":\"1 1\"}",
  };
  cleanup_fixture fixture f;
  fixture_init (&f);

  for (size_t i = 0; i < N_ELEMENTS (sysctls); i++)
    {
      CHECK_INT (PLAN (f, .linux_members = sysctls[i]), 0);
      CHECK_SKIPPED (f, ACTION_UNPRIVILEGED_PORTS, "set in config.json linux.sysctl");
      CHECK_SKIPPED (f, ACTION_UNPRIVILEGED_ICMP, "set in config.json linux.sysctl");
    }
}

TEST (unprivileged_icmp_is_clamped_to_the_mapped_gids_of_a_user_namespace)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (PLAN (f, .namespaces = USER_NAMESPACES,
                   .linux_members = "\"gidMappings\":[" GID_MAPPING (0, 100000, 65536) "]"),
             0);
  CHECK_APPLIED (f, ACTION_UNPRIVILEGED_ICMP, "clamped to the container's mapped gid range");
  CHECK_STR (ACTION (f, ACTION_UNPRIVILEGED_ICMP)->u.sysctl.value, "0 65535");
  /* Ports do not depend on gids.  */
  CHECK_APPLIED (f, ACTION_UNPRIVILEGED_PORTS, "containerd default");
  CHECK_STR (ACTION (f, ACTION_UNPRIVILEGED_PORTS)->u.sysctl.value, "0");
}

TEST (unprivileged_icmp_uses_the_mapping_with_the_lowest_container_gid)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (PLAN (f, .namespaces = USER_NAMESPACES,
                   .linux_members = "\"gidMappings\":[" GID_MAPPING (
                       1000, 200000, 10) "," GID_MAPPING (5, 100000, 500) "]"),
             0);
  CHECK_APPLIED (f, ACTION_UNPRIVILEGED_ICMP, "clamped");
  CHECK_STR (ACTION (f, ACTION_UNPRIVILEGED_ICMP)->u.sysctl.value, "5 504");
}

TEST (unprivileged_icmp_mapping_beyond_2_31_is_clamped_to_the_kernel_maximum)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (PLAN (f, .namespaces = USER_NAMESPACES,
                   .linux_members = "\"gidMappings\":[" GID_MAPPING (0, 0, 4294967295) "]"),
             0);
  CHECK_APPLIED (f, ACTION_UNPRIVILEGED_ICMP, "clamped");
  CHECK_STR (ACTION (f, ACTION_UNPRIVILEGED_ICMP)->u.sysctl.value, "0 2147483647");

  CHECK_INT (PLAN (f, .namespaces = USER_NAMESPACES,
                   .linux_members = "\"gidMappings\":[" GID_MAPPING (2147483600, 1, 100) "]"),
             0);
  CHECK_STR (ACTION (f, ACTION_UNPRIVILEGED_ICMP)->u.sysctl.value, "2147483600 2147483647");
}

TEST (unprivileged_icmp_mapping_starting_above_2_31_is_skipped)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (PLAN (f, .namespaces = USER_NAMESPACES,
                   .linux_members = "\"gidMappings\":[" GID_MAPPING (2147483648, 1, 10) "]"),
             0);
  CHECK_SKIPPED (f, ACTION_UNPRIVILEGED_ICMP, "above the kernel's maximum of 2147483647");
}

TEST (unprivileged_icmp_with_a_user_namespace_but_no_gid_mappings_is_skipped)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (PLAN (f, .namespaces = USER_NAMESPACES), 0);
  CHECK_SKIPPED (f, ACTION_UNPRIVILEGED_ICMP, "user namespace without gid mappings");
  CHECK_APPLIED (f, ACTION_UNPRIVILEGED_PORTS, "containerd default");
}

TEST (unprivileged_icmp_when_the_hook_runs_in_a_user_namespace_is_skipped)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  f.host.in_user_namespace = true;

  CHECK_INT (PLAN_DEFAULT (f), 0);
  CHECK_SKIPPED (f, ACTION_UNPRIVILEGED_ICMP, "the hook runs in a user namespace");
  CHECK_APPLIED (f, ACTION_UNPRIVILEGED_PORTS, "containerd default");
}

/* A container with its own user namespace names its gids itself, wherever
   the hook runs.  */
TEST (unprivileged_icmp_of_a_user_namespace_is_clamped_even_when_the_hook_runs_in_one)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  f.host.in_user_namespace = true;

  CHECK_INT (PLAN (f, .namespaces = USER_NAMESPACES,
                   .linux_members = "\"gidMappings\":[" GID_MAPPING (0, 100000, 65536) "]"),
             0);
  CHECK_APPLIED (f, ACTION_UNPRIVILEGED_ICMP, "clamped");
  CHECK_STR (ACTION (f, ACTION_UNPRIVILEGED_ICMP)->u.sysctl.value, "0 65535");
}

/* OOM score */

TEST (oom_score_adj_is_the_policy_value_with_cap_sys_resource)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (PLAN_DEFAULT (f), 0);
  CHECK_APPLIED (f, ACTION_OOM_SCORE_ADJ, "policy value");
  CHECK_INT (ACTION (f, ACTION_OOM_SCORE_ADJ)->u.oom.value, -998);
  CHECK (!ACTION (f, ACTION_OOM_SCORE_ADJ)->u.oom.restricted);
}

TEST (oom_score_adj_without_cap_sys_resource_is_restricted_to_the_own_score)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  f.host.cap_sys_resource = false;
  f.host.own_oom_score_adj = 300;

  CHECK_INT (PLAN_DEFAULT (f), 0);
  CHECK_APPLIED (f, ACTION_OOM_SCORE_ADJ, "restricted to the hook's own score 300");
  CHECK_APPLIED (f, ACTION_OOM_SCORE_ADJ, "CAP_SYS_RESOURCE missing");
  CHECK_INT (ACTION (f, ACTION_OOM_SCORE_ADJ)->u.oom.value, 300);
  CHECK (ACTION (f, ACTION_OOM_SCORE_ADJ)->u.oom.restricted);
}

TEST (oom_score_adj_own_score_below_the_policy_value_keeps_the_policy_value)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  f.host.cap_sys_resource = false;
  f.host.own_oom_score_adj = -999;

  CHECK_INT (PLAN_DEFAULT (f), 0);
  CHECK_APPLIED (f, ACTION_OOM_SCORE_ADJ, "not below the hook's own score -999");
  CHECK_INT (ACTION (f, ACTION_OOM_SCORE_ADJ)->u.oom.value, -998);
  CHECK (ACTION (f, ACTION_OOM_SCORE_ADJ)->u.oom.restricted);
}

TEST (oom_score_adj_restrict_true_restricts_even_with_the_capability)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_policy (&f, "{\"restrict_oom_score_adj\": true}");
  f.host.own_oom_score_adj = 300;

  CHECK_INT (PLAN_DEFAULT (f), 0);
  CHECK_APPLIED (f, ACTION_OOM_SCORE_ADJ, "restrict_oom_score_adj: true");
  CHECK_INT (ACTION (f, ACTION_OOM_SCORE_ADJ)->u.oom.value, 300);
  CHECK (ACTION (f, ACTION_OOM_SCORE_ADJ)->u.oom.restricted);
}

TEST (oom_score_adj_restrict_false_never_restricts)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_policy (&f, "{\"restrict_oom_score_adj\": false}");
  f.host.cap_sys_resource = false;
  f.host.own_oom_score_adj = 300;

  CHECK_INT (PLAN_DEFAULT (f), 0);
  CHECK_APPLIED (f, ACTION_OOM_SCORE_ADJ, "policy value");
  CHECK_INT (ACTION (f, ACTION_OOM_SCORE_ADJ)->u.oom.value, -998);
  CHECK (!ACTION (f, ACTION_OOM_SCORE_ADJ)->u.oom.restricted);
}

TEST (oom_score_adj_other_policy_value_is_used)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_policy (&f, "{\"oom_score_adj\": -500}");

  CHECK_INT (PLAN_DEFAULT (f), 0);
  CHECK_APPLIED (f, ACTION_OOM_SCORE_ADJ, "policy value");
  CHECK_INT (ACTION (f, ACTION_OOM_SCORE_ADJ)->u.oom.value, -500);
}

TEST (oom_score_adj_null_in_policy_is_skipped)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_policy (&f, "{\"oom_score_adj\": null}");

  CHECK_INT (PLAN_DEFAULT (f), 0);
  CHECK_SKIPPED (f, ACTION_OOM_SCORE_ADJ, "disabled by policy (oom_score_adj: null)");
}

TEST (oom_score_adj_set_in_config_is_skipped)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (PLAN (f, .process = "\"oomScoreAdj\":100"), 0);
  CHECK_SKIPPED (f, ACTION_OOM_SCORE_ADJ, "set in config.json process.oomScoreAdj (100)");
}

/* CPU shares */

TEST (cpu_shares_default_to_2_with_weight_1)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (PLAN_DEFAULT (f), 0);
  CHECK_APPLIED (f, ACTION_CPU_SHARES, "cgroup v1 cpu.shares 2, or cgroup v2 cpu.weight 1");
  CHECK_INT (ACTION (f, ACTION_CPU_SHARES)->u.cpu.shares, 2);
  CHECK_INT (ACTION (f, ACTION_CPU_SHARES)->u.cpu.weight, 1);
}

TEST (cpu_shares_1024_in_policy_give_weight_100)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_policy (&f, "{\"cpu_shares\": 1024}");

  CHECK_INT (PLAN_DEFAULT (f), 0);
  CHECK_APPLIED (f, ACTION_CPU_SHARES, "cpu.shares 1024, or cgroup v2 cpu.weight 100");
  CHECK_INT (ACTION (f, ACTION_CPU_SHARES)->u.cpu.shares, 1024);
  CHECK_INT (ACTION (f, ACTION_CPU_SHARES)->u.cpu.weight, 100);
}

TEST (cpu_shares_0_in_policy_is_skipped)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_policy (&f, "{\"cpu_shares\": 0}");

  CHECK_INT (PLAN_DEFAULT (f), 0);
  CHECK_SKIPPED (f, ACTION_CPU_SHARES, "disabled by policy (cpu_shares: 0)");
}

TEST (cpu_shares_set_in_config_are_skipped)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (PLAN (f, .linux_members = "\"resources\":{\"cpu\":{\"shares\":512}}"), 0);
  CHECK_SKIPPED (f, ACTION_CPU_SHARES, "set in config.json linux.resources.cpu.shares (512)");
}

/* /dev/shm */

TEST (shm_default_is_a_64_mib_tmpfs)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (PLAN_DEFAULT (f), 0);
  CHECK_APPLIED (f, ACTION_SHM, "pod-wide tmpfs of 67108864 bytes (policy shm_size)");
  CHECK (!ACTION (f, ACTION_SHM)->u.shm.host_ipc);
  CHECK_INT (ACTION (f, ACTION_SHM)->u.shm.size, 67108864);
  CHECK (ACTION (f, ACTION_SHM)->u.shm.label == NULL);
}

TEST (shm_size_annotation_sets_the_size)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (PLAN (f, .annotations = CRI_SANDBOX "," ANN ("io.oci-sandbox-hook.shm-size", "128Mi")),
             0);
  CHECK_APPLIED (f, ACTION_SHM, "134217728 bytes (io.oci-sandbox-hook.shm-size)");
  CHECK_INT (ACTION (f, ACTION_SHM)->u.shm.size, 134217728);
}

TEST (shm_size_annotation_in_the_state_is_used)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (PLAN (f, .state = ANN ("io.oci-sandbox-hook.shm-size", "128Mi")), 0);
  CHECK_APPLIED (f, ACTION_SHM, "(io.oci-sandbox-hook.shm-size)");
  CHECK_INT (ACTION (f, ACTION_SHM)->u.shm.size, 134217728);
}

TEST (shm_size_crio_annotation_is_used_when_ours_is_absent)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (PLAN (f, .annotations = CRI_SANDBOX "," ANN ("io.kubernetes.cri-o.ShmSize", "256Mi")),
             0);
  CHECK_APPLIED (f, ACTION_SHM, "268435456 bytes (io.kubernetes.cri-o.ShmSize)");
  CHECK_INT (ACTION (f, ACTION_SHM)->u.shm.size, 268435456);
}

TEST (shm_size_own_annotation_wins_over_crio)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  static const char both[] = CRI_SANDBOX "," ANN ("io.kubernetes.cri-o.ShmSize", "256Mi") "," ANN (
      "io.oci-sandbox-hook.shm-size", "128Mi");

  CHECK_INT (PLAN (f, .annotations = both), 0);
  CHECK_APPLIED (f, ACTION_SHM, "(io.oci-sandbox-hook.shm-size)");
  CHECK_INT (ACTION (f, ACTION_SHM)->u.shm.size, 134217728);

  /* Even when ours only comes with the state.  */
  CHECK_INT (PLAN (f, .annotations = CRI_SANDBOX "," ANN ("io.kubernetes.cri-o.ShmSize", "256Mi"),
                   .state = ANN ("io.oci-sandbox-hook.shm-size", "128Mi")),
             0);
  CHECK_INT (ACTION (f, ACTION_SHM)->u.shm.size, 134217728);
}

typedef struct refuse_case
{
  const char *value;   /* JSON string content */
  const char *mention; /* besides the annotation's name */
} refuse_case;

TEST (shm_size_hostile_annotation_is_refused)
{
  static const refuse_case cases[] = {
    { "0", "must be greater than 0" }, { "200%", "not a quantity" },
    { "1m,size=0", "not a quantity" }, { "-1", "not a quantity" },
    { "", "not a quantity" },          { "0x400", "not a quantity" },
    { " 64Mi", "not a quantity" },     { "64Mi\\n", "not a quantity" },
    { "1e3", "not a quantity" },       { "99999999999999999999", "out of range" },
  };
  static const char *const keys[]
      = { "io.oci-sandbox-hook.shm-size", "io.kubernetes.cri-o.ShmSize" };
  cleanup_fixture fixture f;
  fixture_init (&f);

  for (size_t k = 0; k < N_ELEMENTS (keys); k++)
    for (size_t i = 0; i < N_ELEMENTS (cases); i++)
      {
        cleanup_free char *annotations = NULL;
        int rc;

        if (asprintf (&annotations, CRI_SANDBOX ",\"%s\":\"%s\"", keys[k], cases[i].value) < 0)
          abort ();
        rc = PLAN (f, .annotations = annotations);
        CHECK_REFUSED (rc, f, cases[i].value, keys[k]);
        CHECK_REFUSED (rc, f, cases[i].value, cases[i].mention);
      }
}

TEST (shm_size_annotation_above_the_node_maximum_is_refused)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_policy (&f, "{\"shm_size_max\": \"512Mi\"}");
  int rc;

  CHECK_INT (PLAN (f, .annotations = CRI_SANDBOX "," ANN ("io.oci-sandbox-hook.shm-size", "512Mi")),
             0);
  CHECK_INT (ACTION (f, ACTION_SHM)->u.shm.size, 512 * MIB);

  rc = PLAN (f, .annotations = CRI_SANDBOX "," ANN ("io.oci-sandbox-hook.shm-size", "1Gi"));
  CHECK_REFUSED (rc, f, "1Gi",
                 "annotation io.oci-sandbox-hook.shm-size: 1073741824 bytes exceed the node "
                 "maximum of 536870912");
}

TEST (shm_in_the_host_ipc_namespace_binds_the_hosts_dev_shm)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (PLAN (f, .namespaces = NS ("pid") "," NS ("network") "," NS ("uts")), 0);
  CHECK_APPLIED (f, ACTION_SHM, "host IPC namespace");
  CHECK (ACTION (f, ACTION_SHM)->u.shm.host_ipc);
  CHECK_INT (ACTION (f, ACTION_SHM)->u.shm.size, 0);

  f.target.is_own[NAMESPACE_IPC] = true;
  CHECK_INT (PLAN_DEFAULT (f), 0);
  CHECK_APPLIED (f, ACTION_SHM, "host IPC namespace");
  CHECK (ACTION (f, ACTION_SHM)->u.shm.host_ipc);
}

TEST (shm_bind_mounted_by_config_is_left_to_the_engine)
{
  static const char *const mounts[] = {
    "\"mounts\":[{\"destination\":\"/dev/shm\",\"type\":\"bind\",\"source\":\"/run/x/shm\"}]",
    "\"mounts\":[{\"destination\":\"/dev/shm/\",\"source\":\"/run/x/shm\","
    "\"options\":[\"rbind\",\"ro\"]}]",
  };
  cleanup_fixture fixture f;
  fixture_init (&f);

  for (size_t i = 0; i < N_ELEMENTS (mounts); i++)
    {
      CHECK_INT (PLAN (f, .top = mounts[i]), 0);
      CHECK_SKIPPED (f, ACTION_SHM, "config.json bind-mounts /dev/shm: the engine owns it");
    }
}

TEST (shm_plain_tmpfs_in_config_is_still_replaced)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (PLAN (f, .top = "\"mounts\":[{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\","
                             "\"source\":\"shm\",\"options\":[\"nosuid\",\"size=65536k\"]}]"),
             0);
  CHECK_APPLIED (f, ACTION_SHM, "pod-wide tmpfs of 67108864 bytes");
  CHECK_INT (ACTION (f, ACTION_SHM)->u.shm.size, 67108864);
}

TEST (shm_mount_label_is_kept_when_selinux_is_enabled)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  f.host.selinux_enabled = true;

  CHECK_INT (
      PLAN (f, .linux_members = "\"mountLabel\":\"system_u:object_r:container_file_t:s0:c1,c2\""),
      0);
  CHECK_APPLIED (f, ACTION_SHM, "pod-wide tmpfs");
  CHECK_STR (ACTION (f, ACTION_SHM)->u.shm.label, "system_u:object_r:container_file_t:s0:c1,c2");
  CHECK (strstr (ACTION (f, ACTION_SHM)->reason, "mountLabel ignored") == NULL);
}

TEST (shm_mount_label_is_ignored_when_selinux_is_disabled)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (
      PLAN (f, .linux_members = "\"mountLabel\":\"system_u:object_r:container_file_t:s0:c1,c2\""),
      0);
  CHECK_APPLIED (f, ACTION_SHM, "mountLabel ignored: SELinux is disabled");
  CHECK (ACTION (f, ACTION_SHM)->u.shm.label == NULL);
}

TEST (shm_hostile_mount_label_is_refused)
{
  static const refuse_case cases[] = {
    { "s0\\\"", "not an SELinux context" },       { "s0,size=0", "not an SELinux context" },
    { "s0 c1", "not an SELinux context" },        { "s0\\tc1", "not an SELinux context" },
    { "s0\\nc1", "not an SELinux context" },      { "s0\\\\c1", "not an SELinux context" },
    { "s0:c1\\u00e9", "not an SELinux context" }, { "s0\\u007f", "not an SELinux context" },
  };
  cleanup_fixture fixture f;
  fixture_init (&f);

  /* Refused whether SELinux is on or off: it is hostile either way.  */
  for (int selinux = 0; selinux <= 1; selinux++)
    for (size_t i = 0; i < N_ELEMENTS (cases); i++)
      {
        cleanup_free char *linux_members = NULL;
        int rc;

        f.host.selinux_enabled = selinux;
        if (asprintf (&linux_members, "\"mountLabel\":\"%s\"", cases[i].value) < 0)
          abort ();
        rc = PLAN (f, .linux_members = linux_members);
        CHECK_REFUSED (rc, f, cases[i].value, "config linux.mountLabel");
        CHECK_REFUSED (rc, f, cases[i].value, cases[i].mention);
      }
}

TEST (hostile_mount_label_is_refused_even_when_shm_is_not_planned)
{
  /* Host IPC, shm disabled: the label still labels the generated files.  */
  cleanup_fixture fixture f;
  int rc;

  fixture_init (&f);
  rc = PLAN (f, .namespaces = NS ("pid") "," NS ("network") "," NS ("uts") "," NS ("mount"),
             .linux_members = "\"mountLabel\":\"a\\\",size=0\"");
  CHECK_REFUSED (rc, f, "host IPC", "config linux.mountLabel");
  fixture_policy (&f, "{\"shm_size\": 0}");
  rc = PLAN (f, .linux_members = "\"mountLabel\":\"a b\"");
  CHECK_REFUSED (rc, f, "shm disabled", "config linux.mountLabel");
}

TEST (shm_mount_label_longer_than_255_bytes_is_refused)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  cleanup_free char *label = repeat ('c', 256);
  cleanup_free char *linux_members = NULL;
  int rc;

  if (asprintf (&linux_members, "\"mountLabel\":\"%s\"", label) < 0)
    abort ();
  rc = PLAN (f, .linux_members = linux_members);
  CHECK_REFUSED (rc, f, "256 bytes", "config linux.mountLabel: longer than 255 bytes");
}

TEST (shm_disabled_by_policy_is_skipped)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_policy (&f, "{\"shm_size\": 0}");

  CHECK_INT (PLAN (f, .annotations = CRI_SANDBOX "," ANN ("io.oci-sandbox-hook.shm-size", "128Mi")),
             0);
  CHECK_SKIPPED (f, ACTION_SHM, "disabled by policy (shm_size: 0)");
}

TEST (shm_disabled_by_policy_still_refuses_a_hostile_annotation)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_policy (&f, "{\"shm_size\": 0}");
  int rc;

  rc = PLAN (f, .annotations = CRI_SANDBOX "," ANN ("io.oci-sandbox-hook.shm-size", "200%"));
  CHECK_REFUSED (rc, f, "200%", "annotation io.oci-sandbox-hook.shm-size");
}

/* /etc/hostname */

TEST (hostname_file_holds_the_config_hostname)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  const planned_action *a = ACTION (f, ACTION_HOSTNAME_FILE);

  CHECK_INT (PLAN (f, .top = "\"hostname\":\"pod-a\""), 0);
  CHECK_APPLIED (f, ACTION_HOSTNAME_FILE, "from config.json hostname");
  CHECK_STR (a->u.file.destination, "/etc/hostname");
  CHECK_STR (a->u.file.content, "pod-a\n");
  CHECK_INT (a->u.file.len, 6);
  CHECK (a->u.file.source_path == NULL);
}

TEST (hostname_file_falls_back_to_the_hosts_name)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  const planned_action *a = ACTION (f, ACTION_HOSTNAME_FILE);

  CHECK_INT (PLAN_DEFAULT (f), 0);
  CHECK_APPLIED (f, ACTION_HOSTNAME_FILE, "from the host's name");
  CHECK_STR (a->u.file.content, "node-1\n");
  CHECK_INT (a->u.file.len, 7);

  /* An empty hostname is no hostname.  */
  CHECK_INT (PLAN (f, .top = "\"hostname\":\"\""), 0);
  CHECK_APPLIED (f, ACTION_HOSTNAME_FILE, "from the host's name");
  CHECK_STR (a->u.file.content, "node-1\n");
}

TEST (hostname_hostile_config_hostname_is_refused)
{
  static const char *const names[] = {
    "a/b",
    "a\\nb",
    "pod-a\\r",
    "-a",
    "a-",
    "a..b",
    "a b",
    /* A 64-character label.  */
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
  };
  cleanup_fixture fixture f;
  fixture_init (&f);

  for (int disabled = 0; disabled <= 1; disabled++)
    for (size_t i = 0; i < N_ELEMENTS (names); i++)
      {
        cleanup_free char *top = NULL;
        int rc;

        /* Refused even when the policy does not manage /etc/hostname.  */
        f.policy.hostname = !disabled;
        if (asprintf (&top, "\"hostname\":\"%s\"", names[i]) < 0)
          abort ();
        rc = PLAN (f, .top = top);
        CHECK_REFUSED (rc, f, names[i], "config hostname");
      }
}

TEST (hostname_label_of_63_characters_is_accepted)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  cleanup_free char *label = repeat ('a', 63);
  cleanup_free char *top = NULL;
  cleanup_free char *expected = NULL;

  if (asprintf (&top, "\"hostname\":\"%s.b\"", label) < 0
      || asprintf (&expected, "%s.b\n", label) < 0)
    abort ();
  CHECK_INT (PLAN (f, .top = top), 0);
  CHECK_STR (ACTION (f, ACTION_HOSTNAME_FILE)->u.file.content, expected);
}

TEST (hostname_file_is_skipped_when_the_host_name_is_not_rfc1123)
{
  /* The node's name is trusted input: a name the grammar refuses costs the
     pod its /etc/hostname, not its sandbox.  */
  cleanup_fixture fixture f;
  fixture_init (&f);
  snprintf (f.host.hostname, sizeof f.host.hostname, "node_1");

  CHECK_INT (PLAN_DEFAULT (f), 0);
  CHECK_SKIPPED (f, ACTION_HOSTNAME_FILE, "the host's name is not RFC 1123");
  CHECK (ACTION (f, ACTION_HOSTNAME_FILE)->u.file.content == NULL);
  /* A pod's own hostname is still used, and still checked.  */
  CHECK_INT (PLAN (f, .top = "\"hostname\":\"pod-a\""), 0);
  CHECK_APPLIED (f, ACTION_HOSTNAME_FILE, "from config.json hostname");
}

TEST (hostname_disabled_by_policy_is_skipped)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_policy (&f, "{\"hostname\": false}");

  CHECK_INT (PLAN (f, .top = "\"hostname\":\"pod-a\""), 0);
  CHECK_SKIPPED (f, ACTION_HOSTNAME_FILE, "disabled by policy (hostname: false)");
  CHECK (ACTION (f, ACTION_HOSTNAME_FILE)->u.file.content == NULL);
}

TEST (hostname_mounted_by_config_is_left_to_the_engine)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (PLAN (f, .top = "\"hostname\":\"pod-a\",\"mounts\":[{\"destination\":"
                             "\"/etc/hostname\",\"type\":\"bind\",\"source\":\"/run/h\"}]"),
             0);
  CHECK_SKIPPED (f, ACTION_HOSTNAME_FILE, "config.json mounts /etc/hostname: the engine owns it");
  CHECK (ACTION (f, ACTION_HOSTNAME_FILE)->u.file.content == NULL);
}

/* /etc/hosts */

TEST (hosts_file_is_a_copy_of_the_policy_source)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  const planned_action *a = ACTION (f, ACTION_HOSTS_FILE);

  CHECK_INT (PLAN_DEFAULT (f), 0);
  CHECK_APPLIED (f, ACTION_HOSTS_FILE, "copy of /etc/hosts");
  CHECK_STR (a->u.file.destination, "/etc/hosts");
  CHECK_STR (a->u.file.source_path, "/etc/hosts");
  /* The bytes host_facts_gather read, carried by the plan to act.  */
  CHECK_STR (a->u.file.content, HOST_HOSTS);
  CHECK (a->u.file.len == strlen (HOST_HOSTS));

  fixture_policy (&f, "{\"hosts\": \"/srv/node/hosts\"}");
  CHECK_INT (PLAN_DEFAULT (f), 0);
  CHECK_APPLIED (f, ACTION_HOSTS_FILE, "copy of /srv/node/hosts");
  CHECK_STR (a->u.file.source_path, "/srv/node/hosts");
}

TEST (hosts_false_in_policy_is_skipped)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_policy (&f, "{\"hosts\": false}");

  CHECK_INT (PLAN_DEFAULT (f), 0);
  CHECK_SKIPPED (f, ACTION_HOSTS_FILE, "disabled by policy (hosts: false)");
}

TEST (hosts_mounted_by_config_is_left_to_the_engine)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (PLAN (f, .top = "\"mounts\":[{\"destination\":\"/etc/hosts\",\"type\":\"bind\","
                             "\"source\":\"/run/hosts\"}]"),
             0);
  CHECK_SKIPPED (f, ACTION_HOSTS_FILE, "config.json mounts /etc/hosts: the engine owns it");
  CHECK (ACTION (f, ACTION_HOSTS_FILE)->u.file.source_path == NULL);
}

/* /etc/resolv.conf */

TEST (resolv_conf_is_rendered_from_the_pods_dns_annotations)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  const planned_action *a = ACTION (f, ACTION_RESOLV_CONF_FILE);

  CHECK_INT (PLAN (f, .annotations = CRI_SANDBOX "," POD_DNS_ANNOTATIONS), 0);
  CHECK_APPLIED (f, ACTION_RESOLV_CONF_FILE, "from the pod's DNS annotations");
  CHECK_STR (a->u.file.destination, "/etc/resolv.conf");
  CHECK_STR (a->u.file.content, "search a b\nnameserver 1.1.1.1\noptions ndots:5\n");
  CHECK_INT (a->u.file.len, strlen ("search a b\nnameserver 1.1.1.1\noptions ndots:5\n"));
  CHECK (a->u.file.source_path == NULL);
}

TEST (resolv_conf_from_annotations_writes_only_the_lines_given)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  const planned_action *a = ACTION (f, ACTION_RESOLV_CONF_FILE);

  CHECK_INT (PLAN (f, .state = ANN ("io.oci-sandbox-hook.dns-servers", "1.1.1.1, 2001:db8::1")), 0);
  CHECK_APPLIED (f, ACTION_RESOLV_CONF_FILE, "from the pod's DNS annotations");
  CHECK_STR (a->u.file.content, "nameserver 1.1.1.1\nnameserver 2001:db8::1\n");
}

/* The annotations make the whole file: searches or options without a
   server would leave the pod no nameserver (Kubernetes refuses that for
   dnsPolicy None).  Unused annotations (the engine's file) refuse nothing.  */
TEST (resolv_conf_from_annotations_without_a_server_is_refused)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  int rc;

  rc = PLAN (f, .annotations = CRI_SANDBOX "," ANN ("io.oci-sandbox-hook.dns-options", "ndots:2"));
  CHECK_REFUSED (rc, f, "options alone",
                 "annotation io.oci-sandbox-hook.dns-options without "
                 "io.oci-sandbox-hook.dns-servers: the pod's resolv.conf would have no nameserver");
  rc = PLAN (f, .annotations
                = CRI_SANDBOX "," ANN ("io.oci-sandbox-hook.dns-searches",
                                       "a") "," ANN ("io.oci-sandbox-hook.dns-options", "ndots:2"));
  CHECK_REFUSED (rc, f, "searches and options",
                 "annotation io.oci-sandbox-hook.dns-searches without "
                 "io.oci-sandbox-hook.dns-servers");
  CHECK_INT (
      PLAN (f, .annotations = CRI_SANDBOX "," ANN ("io.oci-sandbox-hook.dns-options", "ndots:2"),
            .top = "\"mounts\":[{\"destination\":\"/etc/resolv.conf\",\"type\":\"bind\","
                   "\"source\":\"/run/resolv.conf\"}]"),
      0);
  CHECK_SKIPPED (f, ACTION_RESOLV_CONF_FILE,
                 "config.json mounts /etc/resolv.conf: the engine owns it");
}

TEST (resolv_conf_servers_are_written_in_canonical_form)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (PLAN (f, .annotations = CRI_SANDBOX
                      "," ANN ("io.oci-sandbox-hook.dns-servers", "2001:0DB8:0::1,::ffff:1.2.3.4")),
             0);
  CHECK_STR (ACTION (f, ACTION_RESOLV_CONF_FILE)->u.file.content,
             "nameserver 2001:db8::1\nnameserver ::ffff:1.2.3.4\n");
}

/* Nine searches of 253 characters: 2285 characters joined, within the
   annotation cap but above Kubernetes' 2048.  */
TEST (resolv_conf_searches_longer_than_2048_characters_are_refused)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  cleanup_free char *annotations = NULL;
  char search[254];
  char value[9 * 254];
  size_t pos = 0;
  int rc;

  memset (search, 'a', 253);
  search[63] = search[127] = search[191] = '.';
  search[253] = '\0';
  for (int i = 0; i < 9; i++)
    pos += (size_t)snprintf (value + pos, sizeof value - pos, "%s%s", i ? "," : "", search);
  if (asprintf (&annotations, CRI_SANDBOX ",\"io.oci-sandbox-hook.dns-searches\":\"%s\"", value)
      < 0)
    abort ();
  rc = PLAN (f, .annotations = annotations);
  CHECK_REFUSED (rc, f, "2285 characters",
                 "annotation io.oci-sandbox-hook.dns-searches: DNS search domains too long");
}

TEST (resolv_conf_is_rendered_from_the_policys_node_dns)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_policy (&f, "{\"dns\": {\"servers\": [\"10.96.0.10\"], \"searches\": "
                      "[\"svc.cluster.local\", \"cluster.local\"], \"options\": [\"ndots:2\"]}}");
  const planned_action *a = ACTION (f, ACTION_RESOLV_CONF_FILE);

  CHECK_INT (PLAN_DEFAULT (f), 0);
  CHECK_APPLIED (f, ACTION_RESOLV_CONF_FILE, "from the policy's node DNS");
  CHECK_STR (a->u.file.content, "search svc.cluster.local cluster.local\n"
                                "nameserver 10.96.0.10\noptions ndots:2\n");

  /* The pod's annotations take precedence over the node's.  */
  CHECK_INT (
      PLAN (f, .annotations = CRI_SANDBOX "," ANN ("io.oci-sandbox-hook.dns-servers", "1.1.1.1")),
      0);
  CHECK_APPLIED (f, ACTION_RESOLV_CONF_FILE, "from the pod's DNS annotations");
  CHECK_STR (a->u.file.content, "nameserver 1.1.1.1\n");
}

TEST (resolv_conf_without_dns_config_is_a_copy_of_the_hosts_file)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  const planned_action *a = ACTION (f, ACTION_RESOLV_CONF_FILE);

  CHECK_INT (PLAN_DEFAULT (f), 0);
  CHECK_APPLIED (f, ACTION_RESOLV_CONF_FILE, "copy of /run/systemd/resolve/resolv.conf");
  CHECK_STR (a->u.file.source_path, "/run/systemd/resolve/resolv.conf");
  CHECK_STR (a->u.file.content, HOST_RESOLV_CONF);
}

TEST (resolv_conf_false_in_policy_is_skipped)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_policy (&f, "{\"resolv_conf\": false}");

  CHECK_INT (
      PLAN (f, .annotations = CRI_SANDBOX "," ANN ("io.oci-sandbox-hook.dns-servers", "1.1.1.1")),
      0);
  CHECK_SKIPPED (f, ACTION_RESOLV_CONF_FILE, "disabled by policy (resolv_conf: false)");
  CHECK (ACTION (f, ACTION_RESOLV_CONF_FILE)->u.file.content == NULL);
}

TEST (resolv_conf_mounted_by_config_is_left_to_the_engine)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (
      PLAN (f, .annotations = CRI_SANDBOX "," ANN ("io.oci-sandbox-hook.dns-servers", "1.1.1.1"),
            .top = "\"mounts\":[{\"destination\":\"/etc/resolv.conf\",\"type\":\"bind\","
                   "\"source\":\"/run/resolv.conf\"}]"),
      0);
  CHECK_SKIPPED (f, ACTION_RESOLV_CONF_FILE,
                 "config.json mounts /etc/resolv.conf: the engine owns it");
  CHECK (ACTION (f, ACTION_RESOLV_CONF_FILE)->u.file.content == NULL);
}

/* The host sources the plan copies, and only those, are what
   plan_host_sources names: a plan whose facts hold no other source
   succeeds, and one that lacks a source it names fails.  */
TEST (host_sources_read_are_exactly_those_the_plan_copies)
{
#define MOUNT_OF(d) "{\"destination\":\"" d "\",\"type\":\"bind\",\"source\":\"/run/x\"}"
  static const struct
  {
    const char *policy;
    config_spec spec;
    bool hosts, resolv_conf; /* expected: read */
  } cases[] = {
    { "{}", { .annotations = NULL }, true, true },
    { "{\"hosts\": false}", { .annotations = NULL }, false, true },
    { "{\"resolv_conf\": false}", { .annotations = NULL }, true, false },
    { "{\"hosts\": false, \"resolv_conf\": false}", { .annotations = NULL }, false, false },
    { "{\"dns\": {\"servers\": [\"192.0.2.1\"]}}", { .annotations = NULL }, true, false },
    { "{\"dns\": {\"servers\": [\"192.0.2.1\"], \"options\": [\"ndots:2\"]}}",
      { .annotations = NULL },
      true,
      false },
    { "{}", { .annotations = CRI_SANDBOX "," POD_DNS_ANNOTATIONS }, true, false },
    { "{}",
      { .annotations = CRI_SANDBOX "," ANN ("io.oci-sandbox-hook.dns-servers", "192.0.2.1") },
      true,
      false },
    /* The state's annotations count as the config's do.  */
    { "{}", { .state = ANN ("io.oci-sandbox-hook.dns-servers", "192.0.2.1") }, true, false },
    { "{}", { .top = "\"mounts\":[" MOUNT_OF ("/etc/hosts") "]" }, false, true },
    { "{}", { .top = "\"mounts\":[" MOUNT_OF ("/etc/resolv.conf") "]" }, true, false },
    /* containerd's sandbox: its resolv.conf and shm, the hook's hosts.  */
    { "{}",
      { .top = "\"mounts\":[" MOUNT_OF ("/dev/shm") "," MOUNT_OF ("/etc/resolv.conf") "]" },
      true,
      false },
    { "{}",
      { .top = "\"mounts\":[" MOUNT_OF ("/etc/hosts") "," MOUNT_OF ("/etc/resolv.conf") "]" },
      false,
      false },
  };
#undef MOUNT_OF

  for (size_t i = 0; i < N_ELEMENTS (cases); i++)
    {
      cleanup_fixture fixture f;
      const char *hosts = NULL, *resolv_conf = NULL;

      fixture_init (&f);
      fixture_policy (&f, cases[i].policy);
      /* Parse config.json and the state as the plan sees them.  */
      if (fixture_plan (&f, &cases[i].spec) != 0)
        {
          printf ("# case %zu: the plan with every source failed\n", i);
          tap_current_failed = true;
          continue;
        }
      plan_input in = {
        .config = &f.config,
        .state_annotations = f.state_doc ? json_doc_root (f.state_doc) : NULL,
        .policy = &f.policy,
      };
      plan_host_sources (&in, &hosts, &resolv_conf);
      CHECK (hosts == (cases[i].hosts ? f.policy.hosts : NULL));
      CHECK (resolv_conf == (cases[i].resolv_conf ? f.policy.resolv_conf : NULL));

      /* Facts without the sources it does not name: the plan is whole.  */
      if (hosts == NULL)
        f.host.hosts_content = NULL;
      if (resolv_conf == NULL)
        f.host.resolv_conf_content = NULL;
      CHECK_INT (fixture_plan (&f, &cases[i].spec), 0);

      /* A source it names is one the plan cannot do without.  */
      if (hosts)
        {
          f.host.hosts_content = NULL;
          int rc = fixture_plan (&f, &cases[i].spec);
          CHECK_REFUSED (rc, f, cases[i].policy, "/etc/hosts: the source /etc/hosts was not read");
          f.host.hosts_content = (char *)HOST_HOSTS;
        }
      if (resolv_conf)
        {
          f.host.resolv_conf_content = NULL;
          int rc = fixture_plan (&f, &cases[i].spec);
          CHECK_REFUSED (rc, f, cases[i].policy, "/etc/resolv.conf: the source");
        }
    }
}

typedef struct annotation_case
{
  const char *key;
  const char *value;   /* JSON string content */
  const char *mention; /* besides the key */
} annotation_case;

#define AN_SERVERS  "io.oci-sandbox-hook.dns-servers"
#define AN_SEARCHES "io.oci-sandbox-hook.dns-searches"
#define AN_OPTIONS  "io.oci-sandbox-hook.dns-options"

static const char thirty_three_searches[]
    = "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v,w,x,y,z,a1,b1,c1,d1,e1,f1,g1";

TEST (resolv_conf_hostile_dns_annotation_is_refused)
{
  static const annotation_case cases[] = {
    { AN_OPTIONS, "1\\nnameserver 6.6.6.6", "not a resolver option" },
    { AN_OPTIONS, "ndots:5 rotate", "not a resolver option" },
    { AN_OPTIONS, "ndots:5,", "empty" },
    { AN_SEARCHES, "a\\rb", "not a DNS-1123 subdomain" },
    { AN_SEARCHES, "Example.com", "not a DNS-1123 subdomain" },
    { AN_SEARCHES, thirty_three_searches, "more than 32 items" },
    { AN_SERVERS, "1.1.1.1 #", "not an IP address" },
    { AN_SERVERS, "1.1.1.1\\nnameserver 6.6.6.6", "not an IP address" },
    { AN_SERVERS, "fe80::1%eth0", "not an IP address" },
    { AN_SERVERS, "1.1.1.1,2.2.2.2,3.3.3.3,4.4.4.4", "more than 3 items" },
    { AN_SERVERS, "", "" },
  };
  cleanup_fixture fixture f;
  fixture_init (&f);

  for (int disabled = 0; disabled <= 1; disabled++)
    for (size_t i = 0; i < N_ELEMENTS (cases); i++)
      {
        cleanup_free char *annotations = NULL;
        int rc;

        /* Refused even when the policy leaves resolv.conf alone.  */
        if (disabled)
          fixture_policy (&f, "{\"resolv_conf\": false}");
        if (asprintf (&annotations, CRI_SANDBOX ",\"%s\":\"%s\"", cases[i].key, cases[i].value) < 0)
          abort ();
        rc = PLAN (f, .annotations = annotations);
        CHECK_REFUSED (rc, f, cases[i].value, cases[i].key);
        CHECK_REFUSED (rc, f, cases[i].value, cases[i].mention);
      }
}

/* Our own annotations */

TEST (own_annotation_with_an_unknown_key_is_refused)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  int rc;

  rc = PLAN (f, .annotations = CRI_SANDBOX "," ANN ("io.oci-sandbox-hook.dns-server", "1.1.1.1"));
  CHECK_REFUSED (rc, f, "dns-server", "annotation \"io.oci-sandbox-hook.dns-server\": unknown key");

  rc = PLAN (f, .state = ANN ("io.oci-sandbox-hook.shm_size", "64Mi"));
  CHECK_REFUSED (rc, f, "shm_size", "annotation \"io.oci-sandbox-hook.shm_size\": unknown key");

  rc = PLAN (f, .annotations = CRI_SANDBOX "," ANN ("io.oci-sandbox-hook.", "x"));
  CHECK_REFUSED (rc, f, "prefix alone", "unknown key");
}

TEST (own_annotation_prefix_in_another_case_is_not_ours)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  static const char variants[] = CRI_SANDBOX "," ANN (
      "IO.OCI-SANDBOX-HOOK.shm-size", "200%") "," ANN ("io.oci-sandbox-hook.Shm-Size", "1Gi");

  CHECK_INT (PLAN (f, .annotations = variants), -1);
  /* The second one is under our prefix: unknown key.  */
  CHECK_ERROR_MENTIONS (f.err, "io.oci-sandbox-hook.Shm-Size");

  CHECK_INT (PLAN (f, .annotations = CRI_SANDBOX "," ANN ("IO.OCI-SANDBOX-HOOK.shm-size", "200%")),
             0);
  CHECK_APPLIED (f, ACTION_SHM, "(policy shm_size)");
  CHECK_INT (ACTION (f, ACTION_SHM)->u.shm.size, 67108864);
}

TEST (own_annotation_value_above_4096_bytes_is_refused)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  cleanup_free char *value = repeat ('a', 4097);
  cleanup_free char *annotations = NULL;
  int rc;

  if (asprintf (&annotations, CRI_SANDBOX ",\"io.oci-sandbox-hook.dns-searches\":\"%s\"", value)
      < 0)
    abort ();
  rc = PLAN (f, .annotations = annotations);
  CHECK_REFUSED (rc, f, "4097 bytes",
                 "annotation io.oci-sandbox-hook.dns-searches: value of 4097 bytes exceeds 4096");

  free (annotations);
  annotations = NULL;
  if (asprintf (&annotations, "\"io.oci-sandbox-hook.shm-size\":\"%s\"", value) < 0)
    abort ();
  rc = PLAN (f, .state = annotations);
  CHECK_REFUSED (rc, f, "4097 bytes in the state", "value of 4097 bytes exceeds 4096");
}

/* sysctl check */

TEST (sysctl_check_enforce_refuses_a_host_wide_sysctl)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  int rc;

  rc = PLAN (f, .linux_members = "\"sysctl\":{\"net.ipv4.tcp_syncookies\":\"1\","
                                 "\"kernel.core_pattern\":\"|/x\"}");
  CHECK_REFUSED (rc, f, "kernel.core_pattern",
                 "config linux.sysctl: kernel.core_pattern: not a namespaced sysctl");

  rc = PLAN (f, .linux_members = "\"sysctl\":{\"vm.overcommit_memory\":\"1\"}");
  CHECK_REFUSED (rc, f, "vm.overcommit_memory", "vm.overcommit_memory");
}

TEST (sysctl_check_enforce_refuses_a_net_sysctl_without_an_own_network_namespace)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  int rc;

  rc = PLAN (f, .namespaces = NS ("pid") "," NS ("ipc") "," NS ("uts") "," NS ("mount"),
             .linux_members = "\"sysctl\":{\"net.ipv4.ip_forward\":\"1\"}");
  CHECK_REFUSED (rc, f, "no netns",
                 "net.ipv4.ip_forward: the container shares the host's network namespace");

  f.target.is_own[NAMESPACE_NET] = true;
  rc = PLAN (f, .linux_members = "\"sysctl\":{\"net.ipv4.ip_forward\":\"1\"}");
  CHECK_REFUSED (rc, f, "host netns", "net.ipv4.ip_forward");
}

TEST (sysctl_check_enforce_refuses_a_smuggled_assignment)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  int rc;

  rc = PLAN (f, .linux_members
                = "\"sysctl\":{\"kernel.shm_rmid_forced\":\"1+kernel.core_pattern=|/x\"}");
  CHECK_REFUSED (rc, f, "value", "config linux.sysctl: kernel.shm_rmid_forced");
  CHECK_REFUSED (rc, f, "value", "not a sysctl value");

  rc = PLAN (f,
             .linux_members = "\"sysctl\":{\"net.ipv4.ip_forward=1+kernel.core_pattern\":\"1\"}");
  CHECK_REFUSED (rc, f, "key", "config linux.sysctl");
}

TEST (sysctl_check_warn_records_findings_and_does_not_fail)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_policy (&f, "{\"sysctl_check\": \"warn\"}");
  const planned_action *a = ACTION (f, ACTION_SYSCTL_CHECK);

  CHECK_INT (PLAN (f, .linux_members = "\"sysctl\":{\"kernel.core_pattern\":\"|/x\","
                                       "\"net.ipv4.tcp_syncookies\":\"1\","
                                       "\"kernel.shm_rmid_forced\":\"1+kernel.core_pattern=|/x\"}"),
             0);
  CHECK_APPLIED (f, ACTION_SYSCTL_CHECK, "2 finding(s), policy says warn");
  CHECK_INT (a->u.check.n_findings, 2);
  if (a->u.check.n_findings == 2)
    {
      CHECK_STR (a->u.check.findings[0], "kernel.core_pattern: not a namespaced sysctl");
      CHECK (strstr (a->u.check.findings[1], "kernel.shm_rmid_forced") != NULL);
    }
  /* The rest of the plan goes on.  */
  CHECK_APPLIED (f, ACTION_SHM, "pod-wide tmpfs");
}

TEST (sysctl_check_off_is_skipped)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_policy (&f, "{\"sysctl_check\": \"off\"}");

  CHECK_INT (PLAN (f, .linux_members = "\"sysctl\":{\"kernel.core_pattern\":\"|/x\"}"), 0);
  CHECK_SKIPPED (f, ACTION_SYSCTL_CHECK, "disabled by policy (sysctl_check: off)");
  CHECK_INT (ACTION (f, ACTION_SYSCTL_CHECK)->u.check.n_findings, 0);
}

TEST (sysctl_check_namespaced_valid_sysctls_are_applied_with_a_count)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (PLAN (f, .linux_members = "\"sysctl\":{\"net.ipv4.tcp_syncookies\":\"1\","
                                       "\"kernel.shm_rmid_forced\":\"1\","
                                       "\"kernel.domainname\":\"example\","
                                       "\"net/ipv4/ip_local_port_range\":\"1024 65000\"}"),
             0);
  CHECK_APPLIED (f, ACTION_SYSCTL_CHECK, "4 sysctl(s) in config.json are namespaced and valid");
  CHECK_INT (ACTION (f, ACTION_SYSCTL_CHECK)->u.check.n_findings, 0);
}

TEST (sysctl_check_without_sysctls_is_skipped)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (PLAN_DEFAULT (f), 0);
  CHECK_SKIPPED (f, ACTION_SYSCTL_CHECK, "config.json sets no sysctls");
  CHECK_INT (PLAN (f, .linux_members = "\"sysctl\":{}"), 0);
  CHECK_SKIPPED (f, ACTION_SYSCTL_CHECK, "config.json sets no sysctls");
}

/* The whole plan */

TEST (sandbox_plan_lists_every_action_in_order)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  static const char *const names[ACTION_COUNT] = {
    "sysctl_check",      "engine_files",  "hostname",   "hosts",
    "resolv_conf",       "shm",           "engine_shm", "unprivileged_ports",
    "unprivileged_icmp", "oom_score_adj", "cpu_shares", "pod_registry",
    "sandbox_sizing",
  };

  CHECK_INT (PLAN_DEFAULT (f), 0);
  CHECK (f.plan.is_sandbox);
  for (int k = 0; k < ACTION_COUNT; k++)
    {
      CHECK_INT (f.plan.actions[k].kind, k);
      CHECK_STR (action_name (f.plan.actions[k].kind), names[k]);
      CHECK (f.plan.actions[k].reason[0] != '\0');
    }
  CHECK_STR (action_name (ACTION_COUNT), "unknown");
}

typedef struct cut_case
{
  size_t n_x;        /* 'x' bytes before the character */
  const char *tail;  /* a UTF-8 character, then more */
  size_t reason_len; /* what is left of the 319 bytes */
} cut_case;

/* "annotation k=" is 13 bytes, so the value's byte 306 would be the 320th
   of the reason: the cut never leaves half a character behind.  */
TEST (reason_cut_inside_a_utf8_character_drops_the_partial_character)
{
  static const cut_case cases[] = {
    { 305, "\xc3\xa9tail", 318 },     /* first byte of two fits */
    { 304, "\xc3\xa9tail", 319 },     /* the whole character fits */
    { 304, "\xe2\x82\xactail", 317 }, /* two bytes of three fit */
    { 303, "\xe2\x82\xactail", 319 },
    { 303, "\xf0\x9f\x90\xa7", 316 }, /* three bytes of four fit */
    { 302, "\xf0\x9f\x90\xa7", 319 },
  };
  cleanup_fixture fixture f;
  fixture_init (&f);

  for (size_t i = 0; i < N_ELEMENTS (cases); i++)
    {
      cleanup_free char *value = repeat ('x', cases[i].n_x + strlen (cases[i].tail));
      cleanup_free char *policy = NULL;
      cleanup_free char *annotations = NULL;

      memcpy (value + cases[i].n_x, cases[i].tail, strlen (cases[i].tail));
      if (asprintf (&policy, "{\"sandbox_match\": {\"annotations\": {\"k\": \"%s\"}}}", value) < 0
          || asprintf (&annotations, "\"k\":\"%s\"", value) < 0)
        abort ();
      fixture_policy (&f, policy);
      CHECK_INT (PLAN (f, .annotations = annotations), 0);
      CHECK (f.plan.is_sandbox);
      CHECK_INT (strlen (f.plan.match_reason), cases[i].reason_len);
      CHECK (strncmp (f.plan.match_reason, "annotation k=xxx", 16) == 0);
    }
}

TEST (plan_classify_with_no_room_for_a_reason_writes_nothing)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  char reason[4] = "abc";

  CHECK (plan_classify (&f.policy, NULL, NULL, "/pause", reason, 0) == false);
  CHECK_STR (reason, "abc");
}

/* Errors that come after memory was given to earlier actions (the
   hostname content, warn findings, a rendered resolv.conf) must free it
   and leave the plan zeroed; ASan and valgrind check the leaks.  */
TEST (plan_error_after_allocations_leaves_the_plan_cleared)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_policy (&f, "{\"sysctl_check\": \"warn\"}");
  int rc;

  static const char dns_then_bad_shm[]
      = CRI_SANDBOX "," ANN ("io.oci-sandbox-hook.dns-servers",
                             "1.1.1.1") "," ANN ("io.oci-sandbox-hook.shm-size", "200%");
  static const char two_findings[]
      = "\"sysctl\":{\"kernel.core_pattern\":\"|/x\",\"vm.swappiness\":\"1\"}";

  rc = PLAN (f, .annotations = dns_then_bad_shm, .top = "\"hostname\":\"pod-a\"",
             .linux_members = two_findings);
  CHECK_REFUSED (rc, f, "shm after files", "annotation io.oci-sandbox-hook.shm-size");

  rc = PLAN (f, .annotations = CRI_SANDBOX "," ANN ("io.oci-sandbox-hook.dns-options", "a b"),
             .top = "\"hostname\":\"pod-a\"",
             .linux_members = "\"sysctl\":{\"kernel.core_pattern\":\"|/x\"}");
  CHECK_REFUSED (rc, f, "resolv.conf after hostname", "io.oci-sandbox-hook.dns-options");

  rc = PLAN (f, .top = "\"hostname\":\"pod-a\"", .linux_members = "\"mountLabel\":\"a=b\"");
  CHECK_REFUSED (rc, f, "label after hostname", "config linux.mountLabel");
}

TEST (plan_error_before_any_action_leaves_the_plan_cleared)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  int rc;

  rc = PLAN (f, .annotations = CRI_SANDBOX "," ANN ("io.oci-sandbox-hook.bogus", "x"));
  CHECK_REFUSED (rc, f, "unknown own annotation", "io.oci-sandbox-hook.bogus");

  rc = PLAN (f, .linux_members = "\"sysctl\":{\"kernel.core_pattern\":\"|/x\"}");
  CHECK_REFUSED (rc, f, "enforced sysctl", "kernel.core_pattern");
}

TEST (plan_clear_twice_is_harmless)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (PLAN (f, .top = "\"hostname\":\"pod-a\""), 0);
  sandbox_plan_clear (&f.plan);
  CHECK (plan_is_cleared (&f.plan));
  sandbox_plan_clear (&f.plan);
  CHECK (plan_is_cleared (&f.plan));
}

/* act binds a member's files by the pod file each action names.  */
TEST (file_actions_name_their_pod_file_and_no_other_action_does)
{
  pod_file f = POD_N_FILES;

  CHECK (plan_file_action (ACTION_HOSTNAME_FILE, &f) && f == POD_FILE_HOSTNAME);
  CHECK (plan_file_action (ACTION_HOSTS_FILE, &f) && f == POD_FILE_HOSTS);
  CHECK (plan_file_action (ACTION_RESOLV_CONF_FILE, &f) && f == POD_FILE_RESOLV_CONF);
  CHECK (plan_file_action (ACTION_HOSTS_FILE, NULL));
  f = POD_N_FILES;
  for (int k = 0; k < ACTION_COUNT; k++)
    if (k != ACTION_HOSTNAME_FILE && k != ACTION_HOSTS_FILE && k != ACTION_RESOLV_CONF_FILE)
      CHECK (!plan_file_action ((action_kind)k, &f) && f == POD_N_FILES);
}

/* The live process is the one config.json describes (docs/security.md,
   threat 21): anything else is refused before a single action.  */

/* A created sandbox of POD_NAMESPACES as the hook sees it: every listed
   namespace its own, the user namespace the host's.  */
static void
fixture_live (fixture *f)
{
  f->target.live = true;
  f->target.pid = 4242;
  f->target.is_own[NAMESPACE_USER] = true;
  f->target.cgroup_v1_cpu = "/osh/sandbox";
  f->target.cgroup_v2 = "/osh/sandbox";
}

TEST (live_process_in_the_namespaces_config_asks_for_is_accepted)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_live (&f);

  CHECK_INT (PLAN (f, .linux_members = "\"cgroupsPath\":\"/osh/sandbox\""), 0);
  CHECK (f.plan.is_sandbox);
}

TEST (live_process_in_the_host_network_namespace_is_refused)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_live (&f);
  f.target.is_own[NAMESPACE_NET] = true;

  CHECK_REFUSED (PLAN_DEFAULT (f), f, "host netns",
                 "pid 4242 is in the host's network namespace although config.json gives the "
                 "container a new one: refusing");
}

TEST (live_process_with_a_namespace_config_shares_with_the_host_is_refused)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_live (&f);
  f.target.is_own[NAMESPACE_USER] = false;

  CHECK_REFUSED (PLAN_DEFAULT (f), f, "own userns",
                 "pid 4242 has a user namespace of its own although config.json shares the host's");
}

#define NETNS_PATH "{\"type\":\"network\",\"path\":\"/run/netns/pod-1\"}"

TEST (live_process_outside_the_namespace_a_path_names_is_refused)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_live (&f);

  CHECK_REFUSED (PLAN (f, .namespaces = NS ("pid") "," NETNS_PATH
                                                   "," NS ("ipc") "," NS ("uts") "," NS ("mount")),
                 f, "netns path",
                 "pid 4242 is not in the network namespace config.json names (/run/netns/pod-1)");
  f.target.matches_path[NAMESPACE_NET] = true;
  CHECK_INT (PLAN (f, .namespaces
                      = NS ("pid") "," NETNS_PATH "," NS ("ipc") "," NS ("uts") "," NS ("mount")),
             0);
}

TEST (live_process_in_another_cgroup_than_cgroups_path_is_refused)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_live (&f);

  CHECK_REFUSED (PLAN (f, .linux_members = "\"cgroupsPath\":\"/osh/other\""), f, "cgroup",
                 "pid 4242 is in cgroup /osh/sandbox, not the container's linux.cgroupsPath "
                 "/osh/other: refusing");
  /* Without a cgroupsPath the runtime chose: nothing to compare.  */
  CHECK_INT (PLAN_DEFAULT (f), 0);
}

TEST (live_process_in_the_systemd_cgroup_of_cgroups_path_is_accepted)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_live (&f);
  f.target.cgroup_v1_cpu = "/kubepods.slice/kubepods-besteffort.slice/"
                           "kubepods-besteffort-pod1.slice/cri-containerd-abc.scope";

  CHECK_INT (PLAN (f, .linux_members = "\"cgroupsPath\":\"kubepods-besteffort-pod1.slice:cri-"
                                       "containerd:abc\""),
             0);
  CHECK_REFUSED (PLAN (f, .linux_members = "\"cgroupsPath\":\"kubepods-besteffort-pod1.slice:cri-"
                                           "containerd:abd\""),
                 f, "systemd cgroup", "linux.cgroupsPath");
}

TEST (cpu_shares_of_a_cgroup_holding_other_processes_are_skipped)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_live (&f);
  f.target.cgroup_counted = true;
  f.target.cgroup_others = 2;
  f.target.cgroup_file = "/sys/fs/cgroup/cpu/x/cpu.shares";

  CHECK_INT (PLAN_DEFAULT (f), 0);
  CHECK_SKIPPED (f, ACTION_CPU_SHARES,
                 "the container's cgroup holds other processes (2): a shared cgroup is never "
                 "changed (/sys/fs/cgroup/cpu/x/cpu.shares)");
}

TEST (cpu_shares_whose_cgroup_could_not_be_found_are_refused_only_when_they_apply)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_live (&f);
  snprintf (f.target.cgroup_error, sizeof f.target.cgroup_error, "no cgroup2 mount");

  CHECK_REFUSED (PLAN_DEFAULT (f), f, "cgroup error", "cpu_shares: no cgroup2 mount");
  fixture_policy (&f, "{\"cpu_shares\": 0}");
  CHECK_INT (PLAN_DEFAULT (f), 0);
}

/* Pod members (docs/security.md, threat 23) */

#define MEMBER_OF(id)                                                                              \
  ANN ("io.kubernetes.cri.container-type", "container") "," ANN ("io.kubernetes.cri.sandbox-id", id)

/* A sandbox found in the registry, running, with a 64 MiB tmpfs and the
   three files, whose namespaces the member shares.  */
static void
fixture_found (fixture *f)
{
  f->pod.lookup = POD_LOOKUP_FOUND;
  f->pod.shares_ipc = f->pod.shares_uts = f->pod.shares_net = true;
  f->pod.entry.pid = 777;
  f->pod.entry.shm = POD_SHM_TMPFS;
  f->pod.entry.shm_size = 64 * MIB;
  for (int i = 0; i < POD_N_FILES; i++)
    f->pod.entry.has_file[i] = true;
}

TEST (member_sharing_every_namespace_gets_the_pods_shm_and_files_and_nothing_else)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_found (&f);

  CHECK_INT (PLAN (f, .annotations = MEMBER_OF ("sbx1")), 0);
  CHECK (f.plan.is_member && !f.plan.is_sandbox);
  CHECK_STR (f.plan.sandbox_name, "sbx1");
  CHECK (strstr (f.plan.membership, "shares its IPC yes, UTS yes, network yes") != NULL);
  CHECK_APPLIED (f, ACTION_SHM, "the pod's /dev/shm: sandbox sbx1's tmpfs of 67108864 bytes");
  CHECK (ACTION (f, ACTION_SHM)->u.shm.from_sandbox);
  CHECK_APPLIED (f, ACTION_HOSTS_FILE, "sandbox sbx1's /etc/hosts (read-write)");
  CHECK (ACTION (f, ACTION_HOSTS_FILE)->u.file.from_sandbox);
  CHECK (!ACTION (f, ACTION_HOSTS_FILE)->u.file.read_only);
  CHECK_APPLIED (f, ACTION_HOSTNAME_FILE, "sandbox sbx1's /etc/hostname");
  CHECK_APPLIED (f, ACTION_RESOLV_CONF_FILE, "sandbox sbx1's /etc/resolv.conf");
  static const action_kind sandbox_only[] = {
    ACTION_SYSCTL_CHECK, ACTION_UNPRIVILEGED_PORTS, ACTION_UNPRIVILEGED_ICMP, ACTION_OOM_SCORE_ADJ,
    ACTION_CPU_SHARES,   ACTION_POD_REGISTRY,       ACTION_SANDBOX_SIZING,
  };
  for (size_t i = 0; i < N_ELEMENTS (sandbox_only); i++)
    CHECK_SKIPPED (f, sandbox_only[i], "a pod member: the pod's policies are its sandbox's");
}

TEST (member_refused_when_its_sandbox_is_not_registered_stale_or_unreadable)
{
  static const struct
  {
    pod_lookup_result lookup;
    const char *mention;
  } cases[] = {
    { POD_LOOKUP_NOT_REGISTERED, "pod member of sandbox sbx1: no such sandbox is registered in" },
    { POD_LOOKUP_STALE, "sandbox sbx1 is not running (its process 777 is gone" },
    { POD_LOOKUP_FAILED, "pod member of sandbox sbx1: entry planted: refusing" },
  };
  for (size_t i = 0; i < N_ELEMENTS (cases); i++)
    {
      cleanup_fixture fixture f;
      fixture_init (&f);
      fixture_found (&f);
      f.pod.lookup = cases[i].lookup;
      snprintf (f.pod.error, sizeof f.pod.error, "entry planted");
      CHECK_REFUSED (PLAN (f, .annotations = MEMBER_OF ("sbx1")), f, "lookup", cases[i].mention);
    }
}

TEST (member_in_none_of_the_sandboxs_namespaces_is_refused)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_found (&f);
  f.pod.shares_ipc = f.pod.shares_uts = f.pod.shares_net = false;

  CHECK_REFUSED (PLAN (f, .annotations = MEMBER_OF ("sbx1")), f, "no namespace",
                 "the container is in none of the sandbox's IPC, UTS and network namespaces");
}

/* A host-network, host-UTS sandbox: every container without namespaces of
   its own is in them too.  Sharing only those proves nothing: such a
   container gets nothing of the sandbox's, and is not refused (the members
   of a pod in all three of the host's namespaces are such containers).  A
   namespace of the sandbox's own still proves membership, and then the
   files come with it.  */
TEST (member_sharing_only_the_hosts_namespaces_gets_nothing)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_found (&f);
  f.pod.entry.shm = POD_SHM_HOST;
  f.target.is_own[NAMESPACE_IPC] = f.target.is_own[NAMESPACE_UTS] = true;
  f.target.is_own[NAMESPACE_NET] = true;

  CHECK_INT (PLAN (f, .annotations = MEMBER_OF ("sbx1")), 0);
  CHECK (strstr (f.plan.membership, "shares only the host's namespaces") != NULL);
  CHECK_SKIPPED (f, ACTION_SHM, "membership of sandbox sbx1 not proven");
  CHECK_SKIPPED (f, ACTION_HOSTS_FILE, "only the host's namespaces are shared");
  CHECK_SKIPPED (f, ACTION_RESOLV_CONF_FILE, "only the host's namespaces are shared");
  CHECK_SKIPPED (f, ACTION_HOSTNAME_FILE, "only the host's namespaces are shared");

  f.pod.shares_ipc = false;
  f.target.is_own[NAMESPACE_IPC] = false;
  f.pod.entry.shm = POD_SHM_TMPFS;
  CHECK_INT (PLAN (f, .annotations = MEMBER_OF ("sbx1")), 0);
  CHECK_SKIPPED (f, ACTION_HOSTS_FILE, "membership of sandbox sbx1 not proven");
  CHECK_SKIPPED (f, ACTION_RESOLV_CONF_FILE, "only the host's namespaces are shared");

  f.pod.shares_ipc = true;
  f.pod.entry.shm = POD_SHM_TMPFS;
  CHECK_INT (PLAN (f, .annotations = MEMBER_OF ("sbx1")), 0);
  CHECK_APPLIED (f, ACTION_SHM, "the pod's /dev/shm");
  CHECK_APPLIED (f, ACTION_HOSTS_FILE, "sandbox sbx1's /etc/hosts");
}

TEST (member_outside_the_sandboxs_ipc_namespace_keeps_its_own_shm)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_found (&f);
  f.pod.shares_ipc = false;

  CHECK_INT (PLAN (f, .annotations = MEMBER_OF ("sbx1")), 0);
  CHECK_SKIPPED (f, ACTION_SHM, "not in sandbox sbx1's IPC namespace: it keeps its own /dev/shm");
  CHECK_APPLIED (f, ACTION_HOSTS_FILE, "sandbox sbx1's /etc/hosts");

  f.pod.shares_ipc = true;
  f.pod.shares_uts = f.pod.shares_net = false;
  CHECK_INT (PLAN (f, .annotations = MEMBER_OF ("sbx1")), 0);
  CHECK_APPLIED (f, ACTION_SHM, "the pod's /dev/shm");
  CHECK_SKIPPED (f, ACTION_HOSTS_FILE, "in neither sandbox sbx1's UTS nor its network namespace");
}

TEST (member_of_a_host_ipc_pod_gets_the_hosts_shm)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_found (&f);
  f.pod.entry.shm = POD_SHM_HOST;

  CHECK_INT (PLAN (f, .annotations = MEMBER_OF ("sbx1")), 0);
  CHECK_APPLIED (f, ACTION_SHM, "host IPC pod: the host's /dev/shm");
  CHECK (ACTION (f, ACTION_SHM)->u.shm.host_ipc && !ACTION (f, ACTION_SHM)->u.shm.from_sandbox);
}

TEST (member_whose_engine_mounts_everything_needs_nothing_from_its_sandbox)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  /* podman's and containerd's members: the engine binds all four.  */
  CHECK_INT (PLAN (f, .annotations = MEMBER_OF ("sbx1"),
                   .top = "\"mounts\":[{\"destination\":\"/dev/shm\",\"type\":\"bind\"},"
                          "{\"destination\":\"/etc/hosts\",\"type\":\"bind\"},"
                          "{\"destination\":\"/etc/hostname\",\"type\":\"bind\"},"
                          "{\"destination\":\"/etc/resolv.conf\",\"type\":\"bind\"}]"),
             0);
  CHECK (!plan_member_needs_sandbox (&f.policy, &f.config));
  CHECK (strstr (f.plan.membership, "nothing to take from sandbox sbx1") != NULL);
  CHECK_SKIPPED (f, ACTION_SHM, "config.json bind-mounts /dev/shm: the engine owns it");
  CHECK_SKIPPED (f, ACTION_RESOLV_CONF_FILE, "config.json mounts /etc/resolv.conf");
  /* runc's own /dev/shm tmpfs is no engine bind: the pod's replaces it.  */
  CHECK_INT (PLAN (f, .annotations = MEMBER_OF ("sbx1"),
                   .top = "\"mounts\":[{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\"}]"),
             0);
  CHECK (plan_member_needs_sandbox (&f.policy, &f.config));
}

TEST (member_classification_needs_every_annotation_of_a_rule)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  /* containerd's type without the sandbox id: neither.  */
  CHECK_INT (PLAN (f, .annotations = ANN ("io.kubernetes.cri.container-type", "container")), 0);
  CHECK (!f.plan.is_member && !f.plan.is_sandbox);
  /* podman's members carry only CRI-O's SandboxID.  */
  fixture_found (&f);
  CHECK_INT (PLAN (f, .annotations = ANN ("io.kubernetes.cri-o.SandboxID", "infra1")), 0);
  CHECK (f.plan.is_member);
  CHECK_STR (f.plan.sandbox_name, "infra1");
  /* member_match [] turns members off.  */
  fixture_policy (&f, "{\"member_match\": []}");
  CHECK_INT (PLAN (f, .annotations = MEMBER_OF ("sbx1")), 0);
  CHECK (!f.plan.is_member);
}

TEST (member_naming_a_sandbox_id_outside_the_grammar_is_refused)
{
  static const char *const bad[] = { "../x", "a/b", ".hidden", "", "sp ace" };
  for (size_t i = 0; i < N_ELEMENTS (bad); i++)
    {
      cleanup_fixture fixture f;
      cleanup_free char *ann = NULL;
      fixture_init (&f);
      fixture_found (&f);
      if (asprintf (&ann, MEMBER_OF ("%s"), bad[i]) < 0)
        abort ();
      check_refused (PLAN (f, .annotations = ann), &f, bad[i], "pod member: its sandbox id",
                     __LINE__);
    }
}

TEST (sandbox_registers_under_its_id_and_the_sandbox_ids_its_annotations_give)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  f.container_id = "abc123";

  CHECK_INT (PLAN_DEFAULT (f), 0);
  CHECK_APPLIED (f, ACTION_POD_REGISTRY, "members find the pod in /run/oci-sandbox-hook under 1");
  CHECK_STR (f.plan.pod_names[0], "abc123");
  CHECK_INT (
      PLAN (f, .annotations = CRI_SANDBOX "," ANN ("io.kubernetes.cri.sandbox-id", "abc123")), 0);
  CHECK_INT (f.plan.n_pod_names, 1);
  CHECK_INT (
      PLAN (f, .annotations = CRI_SANDBOX "," ANN ("io.kubernetes.cri-o.SandboxID", "pod-7")), 0);
  CHECK_INT (f.plan.n_pod_names, 2);
  CHECK_STR (f.plan.pod_names[1], "pod-7");
  /* An alias outside the grammar is not filed; the id still is.  */
  CHECK_INT (PLAN (f, .annotations = CRI_SANDBOX "," ANN ("io.kubernetes.cri-o.SandboxID", "../x")),
             0);
  CHECK_INT (f.plan.n_pod_names, 1);
}

TEST (sandbox_registration_is_skipped_without_an_id_or_members)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (PLAN_DEFAULT (f), 0);
  CHECK_SKIPPED (f, ACTION_POD_REGISTRY, "registered by createRuntime");
  f.container_id = "abc123";
  fixture_policy (&f, "{\"member_match\": []}");
  CHECK_INT (PLAN_DEFAULT (f), 0);
  CHECK_SKIPPED (f, ACTION_POD_REGISTRY, "no pod members on this node");
  char long_id[POD_NAME_MAX + 2];
  memset (long_id, 'a', sizeof long_id - 1);
  long_id[sizeof long_id - 1] = '\0';
  fixture_policy (&f, "{\"member_match\": [{\"sandbox_id\": \"k\"}]}");
  f.container_id = long_id;
  CHECK_INT (PLAN_DEFAULT (f), 0);
  CHECK_SKIPPED (f, ACTION_POD_REGISTRY, "members cannot find this sandbox");
}

/* A rerun of precreate must not take the shares it added for the pod's
   resources (docs/security.md: precreate changes no byte the second time).  */
TEST (sizing_ignores_cpu_shares_alone)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (PLAN (f, .linux_members = "\"resources\":{\"cpu\":{\"shares\":2}}"), 0);
  CHECK_SKIPPED (f, ACTION_SANDBOX_SIZING, "no pod resources known");
}

/* Sandbox sizing (precreate): the four annotations Kata sizes the VM from */

#define SIZING_ANN(period, quota, shares, memory)                                                  \
  CRI_SANDBOX "," ANN ("io.kubernetes.cri.sandbox-cpu-period", period) "," ANN (                   \
      "io.kubernetes.cri.sandbox-cpu-quota",                                                       \
      quota) "," ANN ("io.kubernetes.cri.sandbox-cpu-shares",                                      \
                      shares) "," ANN ("io.kubernetes.cri.sandbox-memory", memory)
#define PODMAN_CPUS_2_MEMORY_512M                                                                  \
  "\"resources\":{\"cpu\":{\"quota\":200000,\"period\":100000},\"memory\":{\"limit\":536870912}}"

TEST (sizing_from_config_resources_of_podman_cpus_2_memory_512m)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  CHECK_INT (PLAN (f, .linux_members = PODMAN_CPUS_2_MEMORY_512M), 0);
  CHECK_APPLIED (f, ACTION_SANDBOX_SIZING, "config.json linux.resources");
  const sandbox_sizing *s = &ACTION (f, ACTION_SANDBOX_SIZING)->u.sizing;
  CHECK_INT (s->cpu_period, 100000);
  CHECK_INT (s->cpu_quota, 200000);
  CHECK_INT (s->cpu_shares, 0);
  CHECK_INT (s->memory, 536870912);
  CHECK_INT (kata_vcpus (s), 2);
  CHECK_INT (kata_memory_mib (s), 512);
  CHECK (strstr (ACTION (f, ACTION_SANDBOX_SIZING)->reason, "2 vCPU(s) and 512 MiB") != NULL);
}

/* runtime-spec's quota -1 is "no CPU limit": kubelet gives containerd 0
   for that, which Kata sizes at 0 vCPUs whatever the shares.  */
TEST (sizing_from_config_resources_without_a_cpu_limit_writes_quota_0)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  CHECK_INT (PLAN (f, .linux_members = "\"resources\":{\"cpu\":{\"quota\":-1,\"period\":100000,"
                                       "\"shares\":2048},\"memory\":{\"limit\":536870912}}"),
             0);
  CHECK_APPLIED (f, ACTION_SANDBOX_SIZING, "config.json linux.resources");
  const sandbox_sizing *s = &ACTION (f, ACTION_SANDBOX_SIZING)->u.sizing;
  CHECK_INT (s->cpu_quota, 0);
  CHECK_INT (s->cpu_shares, 2048);
  CHECK_INT (kata_vcpus (s), 0);
}

TEST (sizing_set_by_the_engine_is_kept)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  CHECK_INT (PLAN (f, .annotations = SIZING_ANN ("100000", "50000", "512", "1073741824"),
                   .linux_members = PODMAN_CPUS_2_MEMORY_512M),
             0);
  CHECK_SKIPPED (f, ACTION_SANDBOX_SIZING, "set by the engine");
}

TEST (sizing_partial_engine_annotations_fill_the_rest_with_zero)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  CHECK_INT (
      PLAN (f, .annotations = CRI_SANDBOX "," ANN ("io.kubernetes.cri.sandbox-memory", "268435456"),
            .linux_members = PODMAN_CPUS_2_MEMORY_512M),
      0);
  CHECK_APPLIED (f, ACTION_SANDBOX_SIZING, "engine's sizing annotations");
  CHECK_INT (ACTION (f, ACTION_SANDBOX_SIZING)->u.sizing.memory, 268435456);
  CHECK_INT (ACTION (f, ACTION_SANDBOX_SIZING)->u.sizing.cpu_quota, 0);
}

TEST (sizing_hostile_engine_annotation_is_refused)
{
  static const char *const bad[]
      = { "1e3", " 5", "+5", "0x10", "", "5 ", "007", "-0", "99999999999999999999" };
  for (size_t i = 0; i < N_ELEMENTS (bad); i++)
    {
      cleanup_fixture fixture f;
      cleanup_free char *ann = NULL;
      fixture_init (&f);
      if (asprintf (&ann, CRI_SANDBOX ",\"io.kubernetes.cri.sandbox-memory\":\"%s\"", bad[i]) < 0)
        abort ();
      check_refused (PLAN (f, .annotations = ann), &f, bad[i], "io.kubernetes.cri.sandbox-memory",
                     __LINE__);
    }
}

TEST (sizing_prefers_crio_pod_resources_over_config)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  CHECK_INT (
      PLAN (f,
            .annotations = CRI_SANDBOX "," ANN ("io.kubernetes.cri-o.PodLinuxResources",
                                                "{\\\"cpu_period\\\":100000,\\\"cpu_quota\\\":"
                                                "400000,\\\"memory_limit_in_bytes\\\":2147483648}"),
            .linux_members = PODMAN_CPUS_2_MEMORY_512M),
      0);
  CHECK_APPLIED (f, ACTION_SANDBOX_SIZING, "CRI-O");
  CHECK_INT (kata_vcpus (&ACTION (f, ACTION_SANDBOX_SIZING)->u.sizing), 4);
  CHECK_INT (kata_memory_mib (&ACTION (f, ACTION_SANDBOX_SIZING)->u.sizing), 2048);
}

TEST (sizing_hostile_crio_pod_resources_is_refused)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  check_refused (PLAN (f, .annotations = CRI_SANDBOX
                          "," ANN ("pod-linux-resources.crio.io", "{\\\"cpu_quota\\\":-7}")),
                 &f, "cpu_quota -7", "pod-linux-resources.crio.io", __LINE__);
}

TEST (sizing_prefers_a_limiting_pod_cgroup_over_config)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  f.pod_cgroup = (sandbox_sizing){ .present = true,
                                   .cpu_period = 100000,
                                   .cpu_quota = 300000,
                                   .cpu_shares = 3072,
                                   .memory = 1073741824,
                                   .source = "pod cgroup parent (v1)" };
  CHECK_INT (PLAN (f, .linux_members = PODMAN_CPUS_2_MEMORY_512M), 0);
  CHECK_APPLIED (f, ACTION_SANDBOX_SIZING, "pod cgroup parent");
  CHECK_INT (kata_vcpus (&ACTION (f, ACTION_SANDBOX_SIZING)->u.sizing), 3);
}

TEST (sizing_disabled_by_policy_is_skipped)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_policy (&f, "{\"sandbox_sizing\": false}");
  CHECK_INT (PLAN (f, .linux_members = PODMAN_CPUS_2_MEMORY_512M), 0);
  CHECK_SKIPPED (f, ACTION_SANDBOX_SIZING, "disabled by policy (sandbox_sizing: false)");
}

TEST (sizing_without_any_source_is_skipped)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  CHECK_INT (PLAN_DEFAULT (f), 0);
  CHECK_SKIPPED (f, ACTION_SANDBOX_SIZING, "no pod resources known");
}

int
main (void)
{
  RUN (cri_sandbox_annotation_is_a_sandbox);
  RUN (crio_sandbox_annotation_is_a_sandbox);
  RUN (docker_podsandbox_annotation_is_a_sandbox);
  RUN (cri_app_container_is_not_a_sandbox);
  RUN (an_app_container_of_a_pod_that_runs_catatonit_is_not_a_sandbox);
  RUN (sandbox_annotation_only_in_the_state_matches);
  RUN (config_annotation_is_looked_up_before_the_state);
  RUN (sandbox_match_command_matches_arg0_exactly);
  RUN (sandbox_match_in_policy_replaces_the_default_annotations);
  RUN (sandbox_match_all_matches_every_container);
  RUN (non_sandbox_skips_every_action_without_error_even_with_hostile_input);

  RUN (unprivileged_ports_start_at_0_in_an_own_network_namespace);
  RUN (unprivileged_icmp_covers_every_gid_in_an_own_network_namespace);
  RUN (unprivileged_sysctls_disabled_by_policy_are_skipped);
  RUN (unprivileged_sysctls_without_a_network_namespace_are_skipped);
  RUN (unprivileged_sysctls_in_the_host_network_namespace_are_skipped);
  RUN (unprivileged_sysctls_ignore_target_facts_that_are_not_known);
  RUN (unprivileged_sysctls_set_in_config_are_left_alone);
  RUN (unprivileged_icmp_is_clamped_to_the_mapped_gids_of_a_user_namespace);
  RUN (unprivileged_icmp_uses_the_mapping_with_the_lowest_container_gid);
  RUN (unprivileged_icmp_mapping_beyond_2_31_is_clamped_to_the_kernel_maximum);
  RUN (unprivileged_icmp_mapping_starting_above_2_31_is_skipped);
  RUN (unprivileged_icmp_with_a_user_namespace_but_no_gid_mappings_is_skipped);
  RUN (unprivileged_icmp_when_the_hook_runs_in_a_user_namespace_is_skipped);
  RUN (unprivileged_icmp_of_a_user_namespace_is_clamped_even_when_the_hook_runs_in_one);

  RUN (oom_score_adj_is_the_policy_value_with_cap_sys_resource);
  RUN (oom_score_adj_without_cap_sys_resource_is_restricted_to_the_own_score);
  RUN (oom_score_adj_own_score_below_the_policy_value_keeps_the_policy_value);
  RUN (oom_score_adj_restrict_true_restricts_even_with_the_capability);
  RUN (oom_score_adj_restrict_false_never_restricts);
  RUN (oom_score_adj_other_policy_value_is_used);
  RUN (oom_score_adj_null_in_policy_is_skipped);
  RUN (oom_score_adj_set_in_config_is_skipped);

  RUN (cpu_shares_default_to_2_with_weight_1);
  RUN (cpu_shares_1024_in_policy_give_weight_100);
  RUN (cpu_shares_0_in_policy_is_skipped);
  RUN (cpu_shares_set_in_config_are_skipped);

  RUN (shm_default_is_a_64_mib_tmpfs);
  RUN (shm_size_annotation_sets_the_size);
  RUN (shm_size_annotation_in_the_state_is_used);
  RUN (shm_size_crio_annotation_is_used_when_ours_is_absent);
  RUN (shm_size_own_annotation_wins_over_crio);
  RUN (shm_size_hostile_annotation_is_refused);
  RUN (shm_size_annotation_above_the_node_maximum_is_refused);
  RUN (shm_in_the_host_ipc_namespace_binds_the_hosts_dev_shm);
  RUN (shm_bind_mounted_by_config_is_left_to_the_engine);
  RUN (shm_plain_tmpfs_in_config_is_still_replaced);
  RUN (shm_mount_label_is_kept_when_selinux_is_enabled);
  RUN (shm_mount_label_is_ignored_when_selinux_is_disabled);
  RUN (shm_hostile_mount_label_is_refused);
  RUN (shm_mount_label_longer_than_255_bytes_is_refused);
  RUN (hostile_mount_label_is_refused_even_when_shm_is_not_planned);
  RUN (shm_disabled_by_policy_is_skipped);
  RUN (shm_disabled_by_policy_still_refuses_a_hostile_annotation);

  RUN (hostname_file_holds_the_config_hostname);
  RUN (hostname_file_falls_back_to_the_hosts_name);
  RUN (hostname_hostile_config_hostname_is_refused);
  RUN (hostname_label_of_63_characters_is_accepted);
  RUN (hostname_file_is_skipped_when_the_host_name_is_not_rfc1123);
  RUN (hostname_disabled_by_policy_is_skipped);
  RUN (hostname_mounted_by_config_is_left_to_the_engine);
  RUN (hosts_file_is_a_copy_of_the_policy_source);
  RUN (hosts_false_in_policy_is_skipped);
  RUN (hosts_mounted_by_config_is_left_to_the_engine);
  RUN (resolv_conf_is_rendered_from_the_pods_dns_annotations);
  RUN (resolv_conf_from_annotations_writes_only_the_lines_given);
  RUN (resolv_conf_from_annotations_without_a_server_is_refused);
  RUN (resolv_conf_servers_are_written_in_canonical_form);
  RUN (resolv_conf_searches_longer_than_2048_characters_are_refused);
  RUN (resolv_conf_is_rendered_from_the_policys_node_dns);
  RUN (resolv_conf_without_dns_config_is_a_copy_of_the_hosts_file);
  RUN (resolv_conf_false_in_policy_is_skipped);
  RUN (resolv_conf_mounted_by_config_is_left_to_the_engine);
  RUN (host_sources_read_are_exactly_those_the_plan_copies);
  RUN (resolv_conf_hostile_dns_annotation_is_refused);

  RUN (own_annotation_with_an_unknown_key_is_refused);
  RUN (own_annotation_prefix_in_another_case_is_not_ours);
  RUN (own_annotation_value_above_4096_bytes_is_refused);

  RUN (sysctl_check_enforce_refuses_a_host_wide_sysctl);
  RUN (sysctl_check_enforce_refuses_a_net_sysctl_without_an_own_network_namespace);
  RUN (sysctl_check_enforce_refuses_a_smuggled_assignment);
  RUN (sysctl_check_warn_records_findings_and_does_not_fail);
  RUN (sysctl_check_off_is_skipped);
  RUN (sysctl_check_namespaced_valid_sysctls_are_applied_with_a_count);
  RUN (sysctl_check_without_sysctls_is_skipped);

  RUN (sandbox_plan_lists_every_action_in_order);
  RUN (sizing_from_config_resources_of_podman_cpus_2_memory_512m);
  RUN (sizing_from_config_resources_without_a_cpu_limit_writes_quota_0);
  RUN (sizing_set_by_the_engine_is_kept);
  RUN (sizing_partial_engine_annotations_fill_the_rest_with_zero);
  RUN (sizing_hostile_engine_annotation_is_refused);
  RUN (sizing_prefers_crio_pod_resources_over_config);
  RUN (sizing_hostile_crio_pod_resources_is_refused);
  RUN (sizing_prefers_a_limiting_pod_cgroup_over_config);
  RUN (sizing_without_any_source_is_skipped);
  RUN (sizing_disabled_by_policy_is_skipped);
  RUN (reason_cut_inside_a_utf8_character_drops_the_partial_character);
  RUN (plan_classify_with_no_room_for_a_reason_writes_nothing);
  RUN (live_process_in_the_namespaces_config_asks_for_is_accepted);
  RUN (live_process_in_the_host_network_namespace_is_refused);
  RUN (live_process_with_a_namespace_config_shares_with_the_host_is_refused);
  RUN (live_process_outside_the_namespace_a_path_names_is_refused);
  RUN (live_process_in_another_cgroup_than_cgroups_path_is_refused);
  RUN (live_process_in_the_systemd_cgroup_of_cgroups_path_is_accepted);
  RUN (cpu_shares_of_a_cgroup_holding_other_processes_are_skipped);
  RUN (cpu_shares_whose_cgroup_could_not_be_found_are_refused_only_when_they_apply);
  RUN (member_sharing_every_namespace_gets_the_pods_shm_and_files_and_nothing_else);
  RUN (member_refused_when_its_sandbox_is_not_registered_stale_or_unreadable);
  RUN (member_in_none_of_the_sandboxs_namespaces_is_refused);
  RUN (member_outside_the_sandboxs_ipc_namespace_keeps_its_own_shm);
  RUN (member_of_a_host_ipc_pod_gets_the_hosts_shm);
  RUN (member_sharing_only_the_hosts_namespaces_gets_nothing);
  RUN (member_whose_engine_mounts_everything_needs_nothing_from_its_sandbox);
  RUN (member_classification_needs_every_annotation_of_a_rule);
  RUN (member_naming_a_sandbox_id_outside_the_grammar_is_refused);
  RUN (sandbox_registers_under_its_id_and_the_sandbox_ids_its_annotations_give);
  RUN (sandbox_registration_is_skipped_without_an_id_or_members);
  RUN (sizing_ignores_cpu_shares_alone);
  RUN (plan_error_after_allocations_leaves_the_plan_cleared);
  RUN (plan_error_before_any_action_leaves_the_plan_cleared);
  RUN (plan_clear_twice_is_harmless);
  RUN (file_actions_name_their_pod_file_and_no_other_action_does);
  return tap_done ();
}

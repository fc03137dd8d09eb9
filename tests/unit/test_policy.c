/* src/decide/policy.h: the node policy file.  Defaults are containerd 2.0's; every
   key is checked, and a typo or a bad value is an error naming the key, so
   that no protection is silently turned off.  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "dnsfiles.h"
#include "error.h"
#include "inputs.h"
#include "policy.h"
#include "tap.h"

#define N_ELEMENTS(a) (sizeof (a) / sizeof ((a)[0]))

/* Makefile.am passes the absolute fixture directory; a standalone build runs
   from the top of the tree.  */
#ifndef TEST_DATA_DIR
#define TEST_DATA_DIR "tests/data"
#endif

typedef struct refuse_case
{
  const char *json;
  const char *key;    /* the message must name the key ... */
  const char *reason; /* ... and give this reason */
} refuse_case;

static int
parse (const char *text, sandbox_policy *policy, hook_error **err)
{
  return sandbox_policy_parse (text, strlen (text), policy, err);
}

static void
fixture_path (const char *name, char *path, size_t size)
{

  snprintf (path, size, "%s/%s", TEST_DATA_DIR, name);
}

static void
check_defaults (const sandbox_policy *p)
{
  static const char *const annotations[][2] = {
    { "io.kubernetes.cri.container-type", "sandbox" },
    { "io.kubernetes.cri-o.ContainerType", "sandbox" },
    { "io.kubernetes.docker.type", "podsandbox" },
  };

  CHECK (!p->match_all);
  CHECK_INT (p->n_match_annotations, 3);
  for (size_t i = 0; i < 3 && i < p->n_match_annotations; i++)
    {
      CHECK_STR (p->match_annotations[i].key, annotations[i][0]);
      CHECK_STR (p->match_annotations[i].value, annotations[i][1]);
    }
  /* podman's pod infra container: no annotation, matched by command.  */
  CHECK_INT (p->n_match_commands, 1);
  CHECK_STR (p->n_match_commands ? p->match_commands[0] : NULL, "/catatonit");
  CHECK (p->unprivileged_ports);
  CHECK (p->unprivileged_icmp);
  CHECK (p->set_oom_score_adj);
  CHECK_INT (p->oom_score_adj, -998);
  CHECK_INT (p->restrict_oom_score_adj, RESTRICT_AUTO);
  CHECK_INT (p->cpu_shares, 2);
  CHECK (p->sandbox_sizing);
  CHECK (p->cgroup_root == NULL);
  CHECK_INT (p->shm_size, 64 << 20);
  CHECK_INT (p->shm_size_max, 1 << 30);
  CHECK_INT (p->dns.n_servers, 0);
  CHECK_INT (p->dns.n_searches, 0);
  CHECK_INT (p->dns.n_options, 0);
  CHECK_STR (p->resolv_conf, "/etc/resolv.conf");
  CHECK (p->resolv_conf_is_default);
  CHECK_STR (p->hosts, "/etc/hosts");
  CHECK (p->hostname);
  CHECK_INT (p->sysctl_check, SYSCTL_CHECK_ENFORCE);
  CHECK_INT (p->n_engine_dirs, 3);
  if (p->n_engine_dirs == 3)
    {
      CHECK_STR (p->engine_dirs[0], "/run/containerd/io.containerd.grpc.v1.cri/sandboxes");
      CHECK_STR (p->engine_dirs[1], "/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes");
      CHECK_STR (p->engine_dirs[2], "/run/containers/storage");
    }
  CHECK_INT (p->engine_files, SYSCTL_CHECK_ENFORCE);
  CHECK_INT (p->log_level, LOG_LEVEL_INFO);
  CHECK_STR (p->log_socket, "/dev/log");
  CHECK_STR (p->runtime, "/usr/sbin/runc");
}

static void
check_full_policy (const sandbox_policy *p)
{
  CHECK (!p->match_all);
  CHECK_INT (p->n_match_annotations, 2);
  if (p->n_match_annotations == 2)
    {
      CHECK_STR (p->match_annotations[0].key, "io.kubernetes.cri.container-type");
      CHECK_STR (p->match_annotations[0].value, "sandbox");
      CHECK_STR (p->match_annotations[1].key, "example.com/role");
      CHECK_STR (p->match_annotations[1].value, "pod-infra");
    }
  CHECK_INT (p->n_match_commands, 2);
  if (p->n_match_commands == 2)
    {
      CHECK_STR (p->match_commands[0], "/catatonit");
      CHECK_STR (p->match_commands[1], "/pause");
    }
  CHECK (!p->unprivileged_ports);
  CHECK (!p->unprivileged_icmp);
  CHECK (p->set_oom_score_adj);
  CHECK_INT (p->oom_score_adj, -500);
  CHECK_INT (p->restrict_oom_score_adj, RESTRICT_ALWAYS);
  CHECK_INT (p->cpu_shares, 10);
  CHECK_STR (p->cgroup_root, "/run/fake-cgroup");
  CHECK_INT (p->shm_size, 128 << 20);
  CHECK_INT (p->shm_size_max, INT64_C (2147483648));
  CHECK_INT (p->dns.n_servers, 2);
  if (p->dns.n_servers == 2)
    {
      CHECK_STR (p->dns.servers[0], "10.96.0.10");
      CHECK_STR (p->dns.servers[1], "2001:db8::1");
    }
  CHECK_INT (p->dns.n_searches, 2);
  if (p->dns.n_searches == 2)
    {
      CHECK_STR (p->dns.searches[0], "svc.cluster.local");
      CHECK_STR (p->dns.searches[1], "cluster.local");
    }
  CHECK_INT (p->dns.n_options, 2);
  if (p->dns.n_options == 2)
    {
      CHECK_STR (p->dns.options[0], "ndots:5");
      CHECK_STR (p->dns.options[1], "edns0");
    }
  CHECK_STR (p->resolv_conf, "/run/systemd/resolve/resolv.conf");
  CHECK (!p->resolv_conf_is_default);
  CHECK (p->hosts == NULL);
  CHECK (!p->hostname);
  CHECK_INT (p->sysctl_check, SYSCTL_CHECK_WARN);
  CHECK_INT (p->n_engine_dirs, 2);
  if (p->n_engine_dirs == 2)
    {
      CHECK_STR (p->engine_dirs[0], "/run/k3s/containerd/io.containerd.grpc.v1.cri/sandboxes");
      CHECK_STR (p->engine_dirs[1], "/var/run/crio-pods");
    }
  CHECK_INT (p->engine_files, SYSCTL_CHECK_WARN);
  CHECK_INT (p->log_level, LOG_LEVEL_DEBUG);
  CHECK_STR (p->log_socket, "/run/oci-sandbox-hook/log.sock");
  CHECK_STR (p->runtime, "/usr/bin/crun");
}

static void
check_refused (const refuse_case *cases, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      sandbox_policy policy;

      sandbox_policy_init_defaults (&policy);
      int ret = parse (cases[i].json, &policy, &err);
      if (ret != -1 || err == NULL || strstr (err->message, cases[i].key) == NULL
          || strstr (err->message, cases[i].reason) == NULL)
        {
          cleanup_free char *quoted = quote_for_message (cases[i].json);
          printf ("# %s: ret %d, error \"%s\", expected one naming %s with \"%s\"\n",
                  quoted ? quoted : "?", ret, err ? err->message : "(none)", cases[i].key,
                  cases[i].reason);
          tap_current_failed = true;
        }
      /* Whatever was allocated before the error belongs to the policy.  */
      sandbox_policy_clear (&policy);
    }
}

/* Defaults and a full policy */

TEST (defaults_are_those_of_containerd_2_0)
{
  sandbox_policy policy;

  sandbox_policy_init_defaults (&policy);
  check_defaults (&policy);
  sandbox_policy_clear (&policy);
}

TEST (empty_policy_keeps_every_default)
{
  cleanup_hook_error hook_error *err = NULL;
  sandbox_policy policy;

  sandbox_policy_init_defaults (&policy);
  CHECK_INT (parse ("{ } // nothing to change\n", &policy, &err), 0);
  check_defaults (&policy);
  sandbox_policy_clear (&policy);
}

TEST (full_policy_with_comments_sets_every_key)
{
  char path[PATH_MAX];
  cleanup_hook_error hook_error *err = NULL;
  sandbox_policy policy;

  fixture_path ("policy-full.json", path, sizeof path);
  sandbox_policy_init_defaults (&policy);
  CHECK_INT (sandbox_policy_load (path, true, &policy, &err), 0);
  if (err)
    printf ("# %s\n", err->message);
  check_full_policy (&policy);
  sandbox_policy_clear (&policy);
}

TEST (policy_parsed_twice_takes_the_second_values)
{
  cleanup_hook_error hook_error *err = NULL;
  sandbox_policy policy;

  sandbox_policy_init_defaults (&policy);
  CHECK_INT (parse ("{\"cgroup_root\":\"/a\",\"dns\":{\"servers\":[\"1.1.1.1\"],"
                    "\"options\":[\"ndots:1\"]},"
                    "\"log_socket\":\"/a.sock\",\"resolv_conf\":\"/a.conf\"}",
                    &policy, &err),
             0);
  CHECK_INT (parse ("{\"cgroup_root\":\"/b\",\"dns\":{\"servers\":[\"2.2.2.2\"],"
                    "\"searches\":[\"b.local\"]},"
                    "\"log_socket\":\"/b.sock\",\"resolv_conf\":false}",
                    &policy, &err),
             0);
  CHECK_STR (policy.cgroup_root, "/b");
  CHECK_STR (policy.log_socket, "/b.sock");
  CHECK (policy.resolv_conf == NULL);
  /* dns is replaced whole, not merged.  */
  CHECK_INT (policy.dns.n_servers, 1);
  CHECK_STR (policy.dns.servers[0], "2.2.2.2");
  CHECK_INT (policy.dns.n_searches, 1);
  CHECK_INT (policy.dns.n_options, 0);
  sandbox_policy_clear (&policy);
}

/* Values with a meaning of their own */

TEST (engine_dirs_replace_the_defaults_whole_and_may_be_empty)
{
  cleanup_hook_error hook_error *err = NULL;
  sandbox_policy policy;

  sandbox_policy_init_defaults (&policy);
  CHECK_INT (parse ("{\"engine_dirs\": [\"/run/k3s/containerd\"], \"engine_files\": \"off\"}",
                    &policy, &err),
             0);
  CHECK_INT (policy.n_engine_dirs, 1);
  CHECK_STR (policy.n_engine_dirs ? policy.engine_dirs[0] : NULL, "/run/k3s/containerd");
  CHECK_INT (policy.engine_files, SYSCTL_CHECK_OFF);
  CHECK_INT (parse ("{\"engine_dirs\": []}", &policy, &err), 0);
  CHECK_INT (policy.n_engine_dirs, 0);
  sandbox_policy_clear (&policy);
}

TEST (null_oom_score_adj_disables_it)
{
  cleanup_hook_error hook_error *err = NULL;
  sandbox_policy policy;

  sandbox_policy_init_defaults (&policy);
  CHECK_INT (parse ("{\"oom_score_adj\": null}", &policy, &err), 0);
  CHECK (!policy.set_oom_score_adj);
  sandbox_policy_clear (&policy);
}

TEST (oom_score_adj_bounds_are_accepted)
{
  static const struct
  {
    const char *json;
    int value;
  } cases[] = {
    { "{\"oom_score_adj\": -1000}", -1000 },
    { "{\"oom_score_adj\": 1000}", 1000 },
    { "{\"oom_score_adj\": 0}", 0 },
  };

  for (size_t i = 0; i < N_ELEMENTS (cases); i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      sandbox_policy policy;

      sandbox_policy_init_defaults (&policy);
      CHECK_INT (parse (cases[i].json, &policy, &err), 0);
      CHECK (policy.set_oom_score_adj);
      CHECK_INT (policy.oom_score_adj, cases[i].value);
      sandbox_policy_clear (&policy);
    }
}

TEST (restrict_oom_score_adj_takes_auto_true_or_false)
{
  static const struct
  {
    const char *json;
    restrict_mode mode;
  } cases[] = {
    { "{\"restrict_oom_score_adj\": true}", RESTRICT_ALWAYS },
    { "{\"restrict_oom_score_adj\": false}", RESTRICT_NEVER },
    { "{\"restrict_oom_score_adj\": \"auto\"}", RESTRICT_AUTO },
  };

  for (size_t i = 0; i < N_ELEMENTS (cases); i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      sandbox_policy policy;

      sandbox_policy_init_defaults (&policy);
      /* Start from a value none of the cases gives.  */
      policy.restrict_oom_score_adj = (restrict_mode)99;
      CHECK_INT (parse (cases[i].json, &policy, &err), 0);
      CHECK_INT (policy.restrict_oom_score_adj, cases[i].mode);
      sandbox_policy_clear (&policy);
    }
}

TEST (cpu_shares_zero_leaves_shares_alone_and_bounds_are_accepted)
{
  static const struct
  {
    const char *json;
    uint64_t value;
  } cases[] = {
    { "{\"cpu_shares\": 0}", 0 },
    { "{\"cpu_shares\": 2}", 2 },
    { "{\"cpu_shares\": 262144}", 262144 },
  };

  for (size_t i = 0; i < N_ELEMENTS (cases); i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      sandbox_policy policy;

      sandbox_policy_init_defaults (&policy);
      CHECK_INT (parse (cases[i].json, &policy, &err), 0);
      CHECK_INT (policy.cpu_shares, cases[i].value);
      sandbox_policy_clear (&policy);
    }
}

TEST (shm_size_takes_a_quantity_or_a_byte_count)
{
  static const struct
  {
    const char *json;
    uint64_t size, max;
  } cases[] = {
    { "{\"shm_size\": \"64Mi\"}", 64u << 20, 1u << 30 },
    { "{\"shm_size\": 67108864}", 64u << 20, 1u << 30 },
    { "{\"shm_size\": 0}", 0, 1u << 30 },
    { "{\"shm_size\": \"1Gi\"}", 1u << 30, 1u << 30 },
    { "{\"shm_size\": \"2Gi\", \"shm_size_max\": \"4Gi\"}", 2ull << 30, 4ull << 30 },
    /* The check is made after all keys: their order does not matter.  */
    { "{\"shm_size_max\": \"4Gi\", \"shm_size\": \"2Gi\"}", 2ull << 30, 4ull << 30 },
    { "{\"shm_size_max\": \"1\", \"shm_size\": 0}", 0, 1 },
    { "{\"shm_size_max\": \"1Ei\", \"shm_size\": \"1Ei\"}", 1ull << 60, 1ull << 60 },
  };

  for (size_t i = 0; i < N_ELEMENTS (cases); i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      sandbox_policy policy;

      sandbox_policy_init_defaults (&policy);
      CHECK_INT (parse (cases[i].json, &policy, &err), 0);
      CHECK (policy.shm_size == cases[i].size);
      CHECK (policy.shm_size_max == cases[i].max);
      sandbox_policy_clear (&policy);
    }
}

TEST (resolv_conf_false_means_not_managed)
{
  cleanup_hook_error hook_error *err = NULL;
  sandbox_policy policy;

  sandbox_policy_init_defaults (&policy);
  CHECK_INT (parse ("{\"resolv_conf\": false, \"hosts\": false}", &policy, &err), 0);
  CHECK (policy.resolv_conf == NULL);
  CHECK (!policy.resolv_conf_is_default);
  CHECK (policy.hosts == NULL);
  sandbox_policy_clear (&policy);
}

TEST (resolv_conf_naming_the_hosts_file_keeps_the_stub_detection)
{
  /* contrib/policy.json spells every default out: naming the host's file
     must behave exactly as leaving the key out (systemd-resolved's stub
     replaced by its upstream file); any other file is copied as it is.  */
  cleanup_hook_error hook_error *err = NULL;
  sandbox_policy policy;

  sandbox_policy_init_defaults (&policy);
  CHECK_INT (parse ("{\"resolv_conf\": \"/etc/resolv.conf\"}", &policy, &err), 0);
  CHECK_STR (policy.resolv_conf, "/etc/resolv.conf");
  CHECK (policy.resolv_conf_is_default);
  CHECK_INT (parse ("{\"resolv_conf\": \"/etc/pod-resolv.conf\"}", &policy, &err), 0);
  CHECK (!policy.resolv_conf_is_default);
  sandbox_policy_clear (&policy);
}

TEST (explicit_sandbox_match_replaces_the_defaults)
{
  cleanup_hook_error hook_error *err = NULL;
  sandbox_policy policy;

  sandbox_policy_init_defaults (&policy);
  CHECK_INT (parse ("{\"sandbox_match\": {\"commands\": [\"/catatonit\"]}}", &policy, &err), 0);
  CHECK_INT (policy.n_match_annotations, 0);
  CHECK_INT (policy.n_match_commands, 1);
  CHECK_STR (policy.n_match_commands ? policy.match_commands[0] : NULL, "/catatonit");
  CHECK (!policy.match_all);
  sandbox_policy_clear (&policy);
}

TEST (empty_sandbox_match_matches_nothing)
{
  cleanup_hook_error hook_error *err = NULL;
  sandbox_policy policy;

  sandbox_policy_init_defaults (&policy);
  CHECK_INT (parse ("{\"sandbox_match\": {}}", &policy, &err), 0);
  CHECK_INT (policy.n_match_annotations, 0);
  CHECK_INT (policy.n_match_commands, 0);
  CHECK (!policy.match_all);
  sandbox_policy_clear (&policy);
}

TEST (sandbox_match_all_is_kept)
{
  cleanup_hook_error hook_error *err = NULL;
  sandbox_policy policy;

  sandbox_policy_init_defaults (&policy);
  CHECK_INT (parse ("{\"sandbox_match\": {\"all\": true}}", &policy, &err), 0);
  CHECK (policy.match_all);
  CHECK_INT (policy.n_match_annotations, 0);
  sandbox_policy_clear (&policy);
}

TEST (sandbox_match_replaces_an_earlier_one_whole)
{
  cleanup_hook_error hook_error *err = NULL;
  sandbox_policy policy;

  sandbox_policy_init_defaults (&policy);
  CHECK_INT (parse ("{\"sandbox_match\": {\"all\": true, \"commands\": [\"/a\"]}}", &policy, &err),
             0);
  CHECK_INT (parse ("{\"sandbox_match\": {\"annotations\": {\"k\": \"v\"}}}", &policy, &err), 0);
  CHECK (!policy.match_all);
  CHECK_INT (policy.n_match_commands, 0);
  CHECK_INT (policy.n_match_annotations, 1);
  sandbox_policy_clear (&policy);
}

TEST (sandbox_match_annotations_replace_the_default_ones)
{
  cleanup_hook_error hook_error *err = NULL;
  sandbox_policy policy;

  sandbox_policy_init_defaults (&policy);
  CHECK_INT (
      parse ("{\"sandbox_match\": {\"annotations\": {\"a\": \"1\", \"b\": \"\"}}}", &policy, &err),
      0);
  CHECK_INT (policy.n_match_annotations, 2);
  if (policy.n_match_annotations == 2)
    {
      CHECK_STR (policy.match_annotations[0].key, "a");
      CHECK_STR (policy.match_annotations[0].value, "1");
      CHECK_STR (policy.match_annotations[1].key, "b");
      CHECK_STR (policy.match_annotations[1].value, "");
    }
  sandbox_policy_clear (&policy);
}

/* Refusals, each naming the key */

TEST (unknown_keys_are_refused)
{
  static const refuse_case cases[] = {
    { "{\"shm-size\": \"64Mi\"}", "\"shm-size\"", "unknown key" },
    { "{\"oom_score\": -998}", "\"oom_score\"", "unknown key" },
    { "{\"Hostname\": true}", "\"Hostname\"", "unknown key" },
    { "{\"sandbox_match\": {\"labels\": {}}}", "\"sandbox_match\"", "unknown key \"labels\"" },
    { "{\"sandbox_match\": {\"command\": [\"/pause\"]}}", "\"sandbox_match\"",
      "unknown key \"command\"" },
    { "{\"dns\": {\"nameservers\": [\"1.1.1.1\"]}}", "\"dns\"", "unknown key \"nameservers\"" },
    { "{\"dns\": {\"search\": []}}", "\"dns\"", "unknown key \"search\"" },
  };

  check_refused (cases, N_ELEMENTS (cases));
}

TEST (wrong_types_and_bad_values_are_refused_naming_the_key)
{
  static const refuse_case cases[] = {
    { "[]", "policy", "expected an object, got an array" },
    { "{\"unprivileged_ports\": \"true\"}", "unprivileged_ports",
      "expected a boolean, got a string" },
    { "{\"unprivileged_icmp\": 1}", "unprivileged_icmp", "expected a boolean, got a number" },
    { "{\"hostname\": \"yes\"}", "hostname", "expected a boolean, got a string" },
    { "{\"oom_score_adj\": 1001}", "oom_score_adj", "1001 is out of range [-1000, 1000]" },
    { "{\"oom_score_adj\": -1001}", "oom_score_adj", "-1001 is out of range [-1000, 1000]" },
    { "{\"oom_score_adj\": \"x\"}", "oom_score_adj", "expected a number, got a string" },
    { "{\"oom_score_adj\": 1e3}", "oom_score_adj", "1e3 is not an integer" },
    { "{\"restrict_oom_score_adj\": \"sometimes\"}", "\"restrict_oom_score_adj\"",
      "expected \"auto\", true or false" },
    { "{\"restrict_oom_score_adj\": \"Auto\"}", "\"restrict_oom_score_adj\"",
      "expected \"auto\", true or false" },
    { "{\"restrict_oom_score_adj\": null}", "\"restrict_oom_score_adj\"",
      "expected \"auto\", true or false" },
    { "{\"cpu_shares\": 1}", "\"cpu_shares\"", "1 is below the kernel's minimum of 2" },
    { "{\"sandbox_sizing\": \"yes\"}", "\"sandbox_sizing\"", "expected a boolean" },
    { "{\"cpu_shares\": 262145}", "cpu_shares", "262145 is out of range [0, 262144]" },
    { "{\"cpu_shares\": -1}", "cpu_shares", "-1 is out of range [0, 262144]" },
    { "{\"cpu_shares\": 2.0}", "cpu_shares", "2.0 is not an integer" },
    { "{\"cpu_shares\": \"2\"}", "cpu_shares", "expected a number, got a string" },
    { "{\"shm_size\": \"200%\"}", "\"shm_size\"", "\"200%\": not a quantity" },
    { "{\"shm_size\": \"1m,size=0\"}", "\"shm_size\"", "\"1m,size=0\": not a quantity" },
    { "{\"shm_size\": -1}", "shm_size", "-1 is negative" },
    { "{\"shm_size\": 1.5}", "shm_size", "1.5 is not an integer" },
    { "{\"shm_size\": true}", "\"shm_size\"",
      "expected a quantity (\"64Mi\") or a byte count, got a boolean" },
    { "{\"shm_size\": null}", "\"shm_size\"", "got null" },
    { "{\"shm_size_max\": 0}", "\"shm_size_max\"", "must be greater than 0" },
    { "{\"shm_size_max\": \"0Mi\"}", "\"shm_size_max\"", "must be greater than 0" },
    /* Within a page of 2^64 the kernel's tmpfs would be unlimited.  */
    { "{\"shm_size_max\": 18446744073709547521}", "\"shm_size_max\"", "larger than 1Ei" },
    { "{\"shm_size_max\": \"1025Pi\"}", "\"shm_size_max\"", "larger than 1Ei" },
    { "{\"shm_size\": \"2Ei\", \"shm_size_max\": \"2Ei\"}", "\"shm_size_max\"", "larger than 1Ei" },
    { "{\"shm_size\": \"2Gi\"}", "\"shm_size\"", "larger than shm_size_max" },
    { "{\"shm_size\": \"128Mi\", \"shm_size_max\": \"64Mi\"}", "\"shm_size\"",
      "larger than shm_size_max" },
    { "{\"cgroup_root\": \"sys/fs/cgroup\"}", "cgroup_root", "not an absolute path" },
    { "{\"cgroup_root\": \"/sys/fs/../fs/cgroup\"}", "cgroup_root", "is not a canonical path" },
    { "{\"cgroup_root\": \"/sys/fs/cgroup/\"}", "cgroup_root", "is not a canonical path" },
    { "{\"cgroup_root\": 5}", "cgroup_root", "expected a string, got a number" },
    { "{\"resolv_conf\": true}", "\"resolv_conf\"", "expected an absolute path or false" },
    { "{\"resolv_conf\": \"resolv.conf\"}", "resolv_conf", "not an absolute path" },
    { "{\"hosts\": 5}", "\"hosts\"", "expected an absolute path or false, got a number" },
    { "{\"hosts\": null}", "\"hosts\"", "expected an absolute path or false, got null" },
    { "{\"hosts\": \"/etc/./hosts\"}", "hosts", "is not a canonical path" },
    { "{\"dns\": []}", "dns", "expected an object, got an array" },
    { "{\"dns\": {\"servers\": [\"1.1.1.1 #\"]}}", "\"dns\"", "\"1.1.1.1 #\": not an IP address" },
    { "{\"dns\": {\"servers\": [\"1.1.1.1\",\"8.8.8.8\",\"9.9.9.9\",\"1.0.0.1\"]}}",
      "\"dns.servers\"", "more than 3 entries" },
    { "{\"dns\": {\"servers\": \"1.1.1.1\"}}", "dns.servers", "expected an array, got a string" },
    { "{\"dns\": {\"servers\": [1]}}", "dns.servers", "expected a string, got a number" },
    { "{\"dns\": {\"searches\": [\"a\\rb\"]}}", "\"dns\"", "not a DNS-1123 subdomain" },
    { "{\"dns\": {\"options\": [\"1\\nnameserver 6.6.6.6\"]}}", "\"dns\"",
      "not a resolver option" },
    { "{\"dns\": {\"searches\": [\"svc.cluster.local\"]}}", "policy key \"dns\"",
      "searches without servers: the pods' resolv.conf would have no nameserver" },
    { "{\"dns\": {\"servers\": [], \"options\": [\"ndots:5\"]}}", "policy key \"dns\"",
      "options without servers" },
    { "{\"sysctl_check\": \"maybe\"}", "\"sysctl_check\"",
      "\"maybe\": expected \"enforce\", \"warn\" or \"off\"" },
    { "{\"sysctl_check\": false}", "sysctl_check", "expected a string, got a boolean" },
    { "{\"member_match\": {}}", "member_match", "expected an array, got an object" },
    { "{\"member_match\": [\"io.kubernetes.cri.sandbox-id\"]}", "member_match[]",
      "expected an object, got a string" },
    { "{\"member_match\": [{}]}", "member_match[]", "\"sandbox_id\" is missing" },
    { "{\"member_match\": [{\"sandbox_id\": \"k\", \"pid\": 1}]}", "member_match[]",
      "unknown key \"pid\"" },
    { "{\"member_match\": [{\"sandbox_id\": 7}]}", "member_match[].sandbox_id",
      "expected a string, got a number" },
    { "{\"member_match\": [{\"sandbox_id\": \"a key\"}]}", "member_match[].sandbox_id", "a key" },
    { "{\"member_match\": [{\"sandbox_id\": \"k\", \"annotations\": []}]}",
      "member_match[].annotations", "expected an object, got an array" },
    { "{\"member_match\": [{\"sandbox_id\":\"a\"},{\"sandbox_id\":\"a\"},{\"sandbox_id\":\"a\"},"
      "{\"sandbox_id\":\"a\"},{\"sandbox_id\":\"a\"},{\"sandbox_id\":\"a\"},{\"sandbox_id\":\"a\"},"
      "{\"sandbox_id\":\"a\"},{\"sandbox_id\":\"a\"},{\"sandbox_id\":\"a\"},{\"sandbox_id\":\"a\"},"
      "{\"sandbox_id\":\"a\"},{\"sandbox_id\":\"a\"},{\"sandbox_id\":\"a\"},{\"sandbox_id\":\"a\"},"
      "{\"sandbox_id\":\"a\"},{\"sandbox_id\":\"a\"}]}",
      "member_match", "more than 16 rules" },
    { "{\"state_dir\": \"run/oci-sandbox-hook\"}", "state_dir", "not an absolute path" },
    { "{\"state_dir\": \"/run/oci-sandbox-hook/\"}", "state_dir", "is not a canonical path" },
    { "{\"state_dir\": false}", "state_dir", "expected a string, got a boolean" },
    { "{\"runtime\": \"runc\"}", "runtime", "not an absolute path" },
    { "{\"runtime\": \"/usr/sbin/../sbin/runc\"}", "runtime", "is not a canonical path" },
    { "{\"log_socket\": \"dev/log\"}", "log_socket", "not an absolute path" },
    { "{\"engine_files\": \"strict\"}", "\"engine_files\"",
      "\"strict\": expected \"enforce\", \"warn\" or \"off\"" },
    { "{\"engine_files\": true}", "engine_files", "expected a string, got a boolean" },
    { "{\"engine_dirs\": \"/run/containerd\"}", "engine_dirs", "expected an array, got a string" },
    { "{\"engine_dirs\": [\"run/containerd\"]}", "engine_dirs[]", "not an absolute path" },
    { "{\"engine_dirs\": [\"/run/containerd/\"]}", "engine_dirs[]", "is not a canonical path" },
    { "{\"engine_dirs\": [\"/run/../etc\"]}", "engine_dirs[]", "is not a canonical path" },
    { "{\"engine_dirs\": [\"/\"]}", "\"engine_dirs[]\"", "every path would be the engine's" },
    { "{\"engine_dirs\": [\"/run/a\", 7]}", "engine_dirs[]", "expected a string, got a number" },
    { "{\"engine_dirs\": [\"/a\",\"/b\",\"/c\",\"/d\",\"/e\",\"/f\",\"/g\",\"/h\",\"/i\","
      "\"/j\",\"/k\",\"/l\",\"/m\",\"/n\",\"/o\",\"/p\",\"/q\"]}",
      "\"engine_dirs\"", "more than 16 entries" },
    { "{\"log_level\": \"loud\"}", "\"log_level\"",
      "\"loud\": expected error, warn, info or debug" },
    { "{\"log_level\": 3}", "log_level", "expected a string, got a number" },
    { "{\"log_socket\": \"dev/log\"}", "log_socket", "not an absolute path" },
    { "{\"runtime\": \"runc\"}", "\"runtime\"", "not an absolute path" },
    { "{\"runtime\": \"/usr/sbin/../sbin/runc\"}", "\"runtime\"", "" },
    { "{\"runtime\": false}", "\"runtime\"", "expected a string, got a boolean" },
    { "{\"sandbox_match\": []}", "sandbox_match", "expected an object, got an array" },
    { "{\"sandbox_match\": {\"all\": \"yes\"}}", "sandbox_match.all",
      "expected a boolean, got a string" },
    { "{\"sandbox_match\": {\"annotations\": {\"a\": 1}}}", "sandbox_match.annotations",
      "value of \"a\" is not a string" },
    { "{\"sandbox_match\": {\"annotations\": [\"a=b\"]}}", "sandbox_match.annotations",
      "expected an object, got an array" },
    { "{\"sandbox_match\": {\"commands\": [\"catatonit\"]}}", "\"sandbox_match.commands\"",
      "\"catatonit\": not an absolute path" },
    { "{\"sandbox_match\": {\"commands\": [\"/pause\", \"\"]}}", "\"sandbox_match.commands\"",
      "\"\": not an absolute path" },
    { "{\"sandbox_match\": {\"commands\": \"/pause\"}}", "sandbox_match.commands",
      "expected an array, got a string" },
    { "{\"sandbox_match\": {\"commands\": [\"/pause\", 7]}}", "sandbox_match.commands",
      "expected a string, got a number" },
  };

  check_refused (cases, N_ELEMENTS (cases));
}

TEST (duplicate_keys_in_a_policy_are_refused)
{
  static const refuse_case cases[] = {
    { "{\"cpu_shares\": 2, \"cpu_shares\": 0}", "\"cpu_shares\"", "duplicate key" },
    { "{\"dns\": {\"servers\": [], \"servers\": [\"1.1.1.1\"]}}", "\"servers\"", "duplicate key" },
    { "{\"sandbox_match\": {\"annotations\": {\"k\": \"a\", \"k\": \"b\"}}}", "\"k\"",
      "duplicate key" },
  };

  check_refused (cases, N_ELEMENTS (cases));
}

TEST (malformed_policy_json_is_refused)
{
  static const refuse_case cases[] = {
    { "", "JSON", "invalid JSON" },
    { "{\"cpu_shares\": 2", "JSON", "invalid JSON" },
    { "{\"cpu_shares\": 2,}", "JSON", "invalid JSON" },
    { "{} {}", "JSON", "invalid JSON" },
    { "# comment\n{}", "JSON", "invalid JSON" },
    { "{\"dns\": {\"servers\": [[[[[[[[\"1.1.1.1\"]]]]]]]]}}", "JSON", "nested too deeply" },
  };

  check_refused (cases, N_ELEMENTS (cases));
}

/* A comment left open at the end may be hiding the rest of an edit (a
   key the operator meant to set): the policy is refused, whatever the
   layer that notices.  The integration tests check the message names the
   file.  */
TEST (policy_ending_in_an_unterminated_comment_is_refused)
{
  static const char *const texts[] = {
    "{} /* never closed",
    "{\"cpu_shares\": 2}\n/* never closed\n",
    "{}/*",
    "{\"cpu_shares\": 2} /* \"cpu_shares\": 0 }",
  };

  for (size_t i = 0; i < N_ELEMENTS (texts); i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      sandbox_policy policy;

      sandbox_policy_init_defaults (&policy);
      int ret = parse (texts[i], &policy, &err);
      if (ret != -1 || err == NULL)
        {
          cleanup_free char *quoted = quote_for_message (texts[i]);
          printf ("# %s: accepted (ret %d), expected an error\n", quoted ? quoted : "?", ret);
          tap_current_failed = true;
        }
      sandbox_policy_clear (&policy);
    }
}

TEST (more_than_64_sandbox_commands_are_refused)
{
  char *json = NULL;
  size_t size = 0;
  FILE *f = open_memstream (&json, &size);

  if (f == NULL)
    abort ();
  fputs ("{\"sandbox_match\": {\"commands\": [", f);
  for (int i = 0; i < 65; i++)
    fprintf (f, "%s\"/bin/c%d\"", i ? "," : "", i);
  fputs ("]}}", f);
  if (fclose (f) != 0)
    abort ();
  const refuse_case c = { json, "\"sandbox_match.commands\"", "more than 64 entries" };
  check_refused (&c, 1);
  free (json);
}

/* The key is named once: a message reads policy key "K": REASON, never
   with the key a second time in front.  */
TEST (refusals_name_the_key_exactly_once)
{
  static const struct
  {
    const char *json, *message;
  } cases[] = {
    { "{\"member_match\": [{\"sandbox_id\": 7}]}",
      "policy key \"member_match[].sandbox_id\": expected a string, got a number" },
    { "{\"member_match\": [{\"sandbox_id\": \"a key\"}]}",
      "policy key \"member_match[].sandbox_id\": \"a key\": not an annotation name "
      "([prefix/]name)" },
    { "{\"sandbox_match\": {\"annotations\": {\"a key\": \"x\"}}}",
      "policy key \"sandbox_match.annotations\": \"a key\": not an annotation name "
      "([prefix/]name)" },
    { "{\"cpu_shares\": \"2\"}", "policy key \"cpu_shares\": expected a number, got a string" },
  };

  for (size_t i = 0; i < N_ELEMENTS (cases); i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      sandbox_policy policy;

      sandbox_policy_init_defaults (&policy);
      CHECK_INT (parse (cases[i].json, &policy, &err), -1);
      CHECK_STR (err ? err->message : NULL, cases[i].message);
      sandbox_policy_clear (&policy);
    }
}

TEST (refusal_in_the_middle_of_a_list_leaves_nothing_to_leak)
{
  /* Run under valgrind: every one of these fails after allocating.  */
  static const refuse_case cases[] = {
    { "{\"sandbox_match\": {\"annotations\": {\"a\": \"1\"}, \"commands\": [\"/a\", \"b\"]}}",
      "sandbox_match.commands", "not an absolute path" },
    { "{\"sandbox_match\": {\"commands\": [\"/a\", \"/b\", false]}}", "sandbox_match.commands",
      "expected a string" },
    { "{\"sandbox_match\": {\"annotations\": {\"a\": \"1\"}, \"other\": 1}}", "\"sandbox_match\"",
      "unknown key \"other\"" },
    { "{\"dns\": {\"servers\": [\"1.1.1.1\"], \"searches\": [\"a.b\"], \"options\": [1]}}",
      "dns.options", "expected a string" },
    { "{\"dns\": {\"servers\": [\"1.1.1.1\"], \"searches\": [\"a.b\"], \"x\": 1}}", "\"dns\"",
      "unknown key \"x\"" },
    { "{\"dns\": {\"servers\": [\"1.1.1.1\", \"::1\", \"bad\"]}}", "\"dns\"", "not an IP address" },
    { "{\"engine_dirs\": [\"/a\", \"/b\", \"c\"]}", "engine_dirs[]", "not an absolute path" },
    { "{\"cgroup_root\": \"/a\", \"log_socket\": \"/s\", \"resolv_conf\": \"/r\", \"hosts\": "
      "\"/h\", \"dns\": {\"servers\": [\"1.1.1.1\"]}, \"bogus\": 1}",
      "\"bogus\"", "unknown key" },
  };

  check_refused (cases, N_ELEMENTS (cases));
}

/* Loading a file */

TEST (missing_file_at_the_default_path_means_all_defaults)
{
  cleanup_hook_error hook_error *err = NULL;
  sandbox_policy policy;

  sandbox_policy_init_defaults (&policy);
  CHECK_INT (
      sandbox_policy_load ("/nonexistent/oci-sandbox-hook/policy.json", false, &policy, &err), 0);
  CHECK (err == NULL);
  check_defaults (&policy);
  sandbox_policy_clear (&policy);
}

TEST (missing_file_named_explicitly_is_an_error)
{
  cleanup_hook_error hook_error *err = NULL;
  sandbox_policy policy;

  sandbox_policy_init_defaults (&policy);
  CHECK_INT (sandbox_policy_load ("/nonexistent/policy.json", true, &policy, &err), -1);
  /* The message names the file and the component that is missing.  */
  CHECK_ERROR_MENTIONS (err, "policy /nonexistent/policy.json: /nonexistent: No such file or "
                             "directory");
  CHECK (err != NULL && err->errno_value == ENOENT);
  sandbox_policy_clear (&policy);
}

typedef struct temp_dir
{
  char path[64];
} temp_dir;

static void
temp_dir_make (temp_dir *t)
{
  snprintf (t->path, sizeof t->path, "/tmp/test_policy.XXXXXX");
  if (mkdtemp (t->path) == NULL)
    abort ();
}

static void
temp_dir_remove (temp_dir *t)
{
  char p[128];

  snprintf (p, sizeof p, "%s/policy.json", t->path);
  if (unlink (p) < 0 && errno == EISDIR)
    rmdir (p);
  if (rmdir (t->path) < 0)
    {
      printf ("# cannot remove %s: %s\n", t->path, strerror (errno));
      tap_current_failed = true;
    }
}

TEST (policy_fifo_is_refused_without_blocking)
{
  /* main () arms an alarm: a blocking open or read kills the test.  */
  sandbox_policy policy;
  temp_dir t;
  char path[128];

  temp_dir_make (&t);
  snprintf (path, sizeof path, "%s/policy.json", t.path);
  if (mkfifo (path, 0600) < 0)
    abort ();
  sandbox_policy_init_defaults (&policy);
  for (int explicit_path = 0; explicit_path <= 1; explicit_path++)
    {
      cleanup_hook_error hook_error *e = NULL;
      CHECK_INT (sandbox_policy_load (path, explicit_path, &policy, &e), -1);
      CHECK_ERROR_MENTIONS (e, "not a regular file");
      CHECK_ERROR_MENTIONS (e, path);
    }
  sandbox_policy_clear (&policy);
  temp_dir_remove (&t);
}

TEST (policy_directory_is_refused)
{
  cleanup_hook_error hook_error *err = NULL;
  sandbox_policy policy;
  temp_dir t;
  char path[128];

  temp_dir_make (&t);
  snprintf (path, sizeof path, "%s/policy.json", t.path);
  if (mkdir (path, 0700) < 0)
    abort ();
  sandbox_policy_init_defaults (&policy);
  CHECK_INT (sandbox_policy_load (path, false, &policy, &err), -1);
  CHECK_ERROR_MENTIONS (err, "not a regular file");
  sandbox_policy_clear (&policy);
  temp_dir_remove (&t);
}

TEST (policy_file_error_names_the_file_and_the_key)
{
  cleanup_hook_error hook_error *err = NULL;
  sandbox_policy policy;
  temp_dir t;
  char path[128];
  static const char text[] = "{\n  // typo below\n  \"shm_sise\": \"128Mi\"\n}\n";

  temp_dir_make (&t);
  snprintf (path, sizeof path, "%s/policy.json", t.path);
  {
    cleanup_close int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 || write (fd, text, sizeof text - 1) != (ssize_t)(sizeof text - 1))
      abort ();
  }
  sandbox_policy_init_defaults (&policy);
  CHECK_INT (sandbox_policy_load (path, false, &policy, &err), -1);
  CHECK_ERROR_MENTIONS (err, path);
  CHECK_ERROR_MENTIONS (err, "policy key \"shm_sise\": unknown key");
  sandbox_policy_clear (&policy);
  temp_dir_remove (&t);
}

TEST (policy_file_over_1_mib_is_refused)
{
  cleanup_hook_error hook_error *err = NULL;
  sandbox_policy policy;
  temp_dir t;
  char path[128];

  temp_dir_make (&t);
  snprintf (path, sizeof path, "%s/policy.json", t.path);
  {
    cleanup_free char *text = malloc (POLICY_MAX_BYTES + 1);
    cleanup_close int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (text == NULL || fd < 0)
      abort ();
    /* Valid JSON: only the size can be the reason.  */
    memset (text, ' ', POLICY_MAX_BYTES + 1);
    text[0] = '{';
    text[POLICY_MAX_BYTES] = '}';
    if (write (fd, text, POLICY_MAX_BYTES + 1) != (ssize_t)POLICY_MAX_BYTES + 1)
      abort ();
  }
  sandbox_policy_init_defaults (&policy);
  CHECK_INT (sandbox_policy_load (path, true, &policy, &err), -1);
  CHECK_ERROR_MENTIONS (err, "exceeds the limit of 1048576 bytes");
  check_defaults (&policy);
  sandbox_policy_clear (&policy);
  temp_dir_remove (&t);
}

/* The runtime wrapper's pass-through reads the runtime key alone.  */
TEST (runtime_alone_is_read_whatever_the_other_keys_say)
{
  static const struct
  {
    const char *json, *runtime;
  } ok[] = {
    { "{}", "/usr/sbin/runc" },
    { "// a comment\n{\"runtime\": \"/usr/bin/crun\"}", "/usr/bin/crun" },
    { "{\"cpu_shares\": \"lots\", \"bogus\": 1, \"runtime\": \"/opt/r\"}", "/opt/r" },
  };
  for (size_t i = 0; i < N_ELEMENTS (ok); i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      cleanup_free char *runtime = NULL;
      CHECK_INT (sandbox_policy_parse_runtime (ok[i].json, strlen (ok[i].json), &runtime, &err), 0);
      CHECK_STR (runtime, ok[i].runtime);
    }
  static const struct
  {
    const char *json, *needle;
  } bad[] = {
    { "{\"runtime\": \"runc\"}", "policy key \"runtime\"" },
    { "{\"runtime\": 1}", "expected a string" },
    { "{\"runtime\": \"/a\", \"runtime\": \"/b\"}", "duplicate key" },
    { "[\"runtime\"]", "policy" },
    { "{\"runtime\": \"/a\"", "" },
  };
  for (size_t i = 0; i < N_ELEMENTS (bad); i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      cleanup_free char *runtime = NULL;
      CHECK_INT (sandbox_policy_parse_runtime (bad[i].json, strlen (bad[i].json), &runtime, &err),
                 -1);
      CHECK_ERROR_MENTIONS (err, bad[i].needle);
      CHECK (runtime == NULL);
    }
}

TEST (clear_leaves_an_empty_policy)
{
  sandbox_policy policy;

  sandbox_policy_init_defaults (&policy);
  sandbox_policy_clear (&policy);
  CHECK (policy.match_annotations == NULL && policy.n_match_annotations == 0);
  CHECK (policy.resolv_conf == NULL && policy.hosts == NULL && policy.log_socket == NULL);
  /* Clearing twice is harmless.  */
  sandbox_policy_clear (&policy);
}

int
main (void)
{
  /* Nothing here may block: a hang becomes a failure after 60 s.  */
  alarm (60);

  RUN (defaults_are_those_of_containerd_2_0);
  RUN (empty_policy_keeps_every_default);
  RUN (full_policy_with_comments_sets_every_key);
  RUN (policy_parsed_twice_takes_the_second_values);
  RUN (engine_dirs_replace_the_defaults_whole_and_may_be_empty);
  RUN (null_oom_score_adj_disables_it);
  RUN (oom_score_adj_bounds_are_accepted);
  RUN (restrict_oom_score_adj_takes_auto_true_or_false);
  RUN (cpu_shares_zero_leaves_shares_alone_and_bounds_are_accepted);
  RUN (shm_size_takes_a_quantity_or_a_byte_count);
  RUN (resolv_conf_false_means_not_managed);
  RUN (resolv_conf_naming_the_hosts_file_keeps_the_stub_detection);
  RUN (explicit_sandbox_match_replaces_the_defaults);
  RUN (empty_sandbox_match_matches_nothing);
  RUN (sandbox_match_all_is_kept);
  RUN (sandbox_match_replaces_an_earlier_one_whole);
  RUN (sandbox_match_annotations_replace_the_default_ones);
  RUN (unknown_keys_are_refused);
  RUN (wrong_types_and_bad_values_are_refused_naming_the_key);
  RUN (duplicate_keys_in_a_policy_are_refused);
  RUN (malformed_policy_json_is_refused);
  RUN (policy_ending_in_an_unterminated_comment_is_refused);
  RUN (more_than_64_sandbox_commands_are_refused);
  RUN (refusals_name_the_key_exactly_once);
  RUN (refusal_in_the_middle_of_a_list_leaves_nothing_to_leak);
  RUN (missing_file_at_the_default_path_means_all_defaults);
  RUN (missing_file_named_explicitly_is_an_error);
  RUN (policy_fifo_is_refused_without_blocking);
  RUN (policy_directory_is_refused);
  RUN (policy_file_error_names_the_file_and_the_key);
  RUN (policy_file_over_1_mib_is_refused);
  RUN (runtime_alone_is_read_whatever_the_other_keys_say);
  RUN (clear_leaves_an_empty_policy);
  return tap_done ();
}

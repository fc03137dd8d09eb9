/* The plan's two actions for engines that make a pod's /dev/shm and /etc
   files themselves (containerd, CRI-O; docs/engines.md §1): engine_shm
   resizes the engine's tmpfs to the pod's request, engine_files checks the
   engine's resolv.conf and hostname (docs/security.md, threat 26).  Each
   test builds a config.json with the engine's binds, runs plan_build and
   looks at one action; a refusal must leave the plan cleared.  */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "error.h"
#include "plan.h"
#include "policy.h"
#include "spec.h"
#include "tap.h"

#define N_ELEMENTS(a) (sizeof (a) / sizeof ((a)[0]))

#define CTRD_STATE "/run/containerd/io.containerd.grpc.v1.cri/sandboxes"
#define CTRD_ROOT  "/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes"
#define CRIO_RUN   "/run/containers/storage/overlay-containers/4c1e/userdata"
#define POD_ID     "4c1e2f9d0b7a"

#define ANN(k, v) "\"" k "\":\"" v "\""
#define SANDBOX   ANN ("io.kubernetes.cri.container-type", "sandbox")
#define ASKS(v)   SANDBOX "," ANN ("io.oci-sandbox-hook.shm-size", v)
#define MOUNT(dest, src, opts)                                                                     \
  "{\"destination\":\"" dest "\",\"type\":\"bind\",\"source\":\"" src "\",\"options\":[" opts "]}"
/* containerd 1.6's sandbox: the default tmpfs, then its own tmpfs bound
   over it, and its resolv.conf (seen in containerd.bats).  */
#define CTRD_SHM_DEFAULT                                                                           \
  "{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"source\":\"shm\",\"options\":[\"nosuid\","   \
  "\"noexec\",\"nodev\",\"mode=1777\",\"size=65536k\"]}"
#define CTRD_SHM MOUNT ("/dev/shm", CTRD_STATE "/" POD_ID "/shm", "\"rbind\",\"ro\"")
#define CTRD_RESOLV                                                                                \
  MOUNT ("/etc/resolv.conf", CTRD_ROOT "/" POD_ID "/resolv.conf", "\"rbind\",\"ro\"")
#define CTRD_HOSTNAME MOUNT ("/etc/hostname", CTRD_ROOT "/" POD_ID "/hostname", "\"rbind\",\"ro\"")
#define CTRD_MOUNTS   CTRD_SHM_DEFAULT "," CTRD_SHM "," CTRD_RESOLV
#define ALL_NS                                                                                     \
  "{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":"     \
  "\"mount\"}"
#define HOST_IPC_NS                                                                                \
  "{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"uts\"},{\"type\":\"mount\"}"

#define NODE_RESOLV_CONF "nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n"

typedef struct fixture
{
  sandbox_policy policy;
  host_facts host;
  target_facts target;
  engine_facts engine;
  container_spec config;
  sandbox_plan plan;
  hook_error *err;
} fixture;

static void
fixture_release (fixture *f)
{
  sandbox_plan_clear (&f->plan);
  spec_clear (&f->config);
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

/* The default policy, a node named node-1, a container whose namespaces
   are its own; the engine's files as ENGINE sets them (literals, never
   freed).  */
static void
fixture_init (fixture *f)
{
  memset (f, 0, sizeof *f);
  sandbox_policy_init_defaults (&f->policy);
  f->host.cap_sys_resource = true;
  snprintf (f->host.hostname, sizeof f->host.hostname, "node_1");
  /* What host_facts_gather reads from the policy's sources (literals).  */
  f->host.hosts_content = (char *)"127.0.0.1 localhost\n";
  f->host.hosts_len = strlen (f->host.hosts_content);
  f->host.resolv_conf_content = (char *)"nameserver 192.0.2.53\n";
  f->host.resolv_conf_len = strlen (f->host.resolv_conf_content);
  f->host.resolv_conf_source = "/etc/resolv.conf";
  f->target.known = true;
}

static void
fixture_policy (fixture *f, const char *json)
{
  cleanup_hook_error hook_error *err = NULL;
  if (sandbox_policy_parse (json, strlen (json), &f->policy, &err) < 0)
    {
      printf ("# fixture policy %s: %s\n", json, err->message);
      tap_current_failed = true;
    }
}

static void
set_engine_file (fixture *f, engine_file which, const char *content)
{
  f->engine.gathered = true;
  f->engine.files[which].content = (char *)content;
  f->engine.files[which].len = content ? strlen (content) : 0;
  if (content == NULL)
    snprintf (f->engine.files[which].error, sizeof f->engine.files[which].error,
              "cannot be read: open (a symlink: refused): Too many levels of symbolic links");
}

/* The plan of a sandbox with ANNOTATIONS, NAMESPACES and MOUNTS.  */
static int
fixture_plan (fixture *f, const char *annotations, const char *namespaces, const char *mounts)
{
  cleanup_free char *json = NULL;
  cleanup_hook_error hook_error *err = NULL;

  fixture_release (f);
  if (asprintf (&json,
                "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},\"hostname\":\"web-0\","
                "\"process\":{\"args\":[\"/pause\"]},\"annotations\":{%s},"
                "\"linux\":{\"namespaces\":[%s]},\"mounts\":[%s]}",
                annotations, namespaces, mounts)
      < 0)
    abort ();
  if (spec_parse (json, strlen (json), &f->config, &err) < 0)
    {
      printf ("# fixture config.json %s: %s\n", json, err->message);
      tap_current_failed = true;
      return -2;
    }
  plan_input in = {
    .config = &f->config,
    .policy = &f->policy,
    .host = &f->host,
    .target = &f->target,
    .engine = &f->engine,
  };
  return plan_build (&in, &f->plan, &f->err);
}

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
  if (a->skip != skipped || strstr (a->reason, phrase) == NULL)
    {
      printf ("# line %d: %s: %s \"%s\", expected %s mentioning \"%s\"\n", line, action_name (kind),
              a->skip ? "skip" : "apply", a->reason, skipped ? "a skip" : "apply", phrase);
      tap_current_failed = true;
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

static void
check_refused (int rc, const fixture *f, const char *mention, int line)
{
  if (rc != -1 || f->err == NULL || strstr (f->err->message, mention) == NULL)
    {
      printf ("# line %d: rc %d, error \"%s\", expected one mentioning \"%s\"\n", line, rc,
              f->err ? f->err->message : "(none)", mention);
      tap_current_failed = true;
    }
  if (!plan_is_cleared (&f->plan))
    {
      printf ("# line %d: the plan is not cleared after an error\n", line);
      tap_current_failed = true;
    }
}
#define CHECK_REFUSED(rc, f, mention) check_refused (rc, &(f), mention, __LINE__)

/* engine_shm */

TEST (engine_shm_resizes_containerds_tmpfs_to_the_pods_request)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (fixture_plan (&f, ASKS ("256Mi"), ALL_NS, CTRD_MOUNTS), 0);
  CHECK_APPLIED (f, ACTION_ENGINE_SHM, "the engine's tmpfs resized in place to 268435456 bytes");
  const planned_action *a = &f.plan.actions[ACTION_ENGINE_SHM];
  CHECK_INT (a->u.engine_shm.size, 256ull << 20);
  CHECK_STR (a->u.engine_shm.key, "io.oci-sandbox-hook.shm-size");
  CHECK_STR (a->u.engine_shm.source, CTRD_STATE "/" POD_ID "/shm");
  CHECK_STR (a->u.engine_shm.engine_dir, CTRD_STATE);
  /* The hook makes no tmpfs of its own there.  */
  CHECK_SKIPPED (f, ACTION_SHM, "config.json bind-mounts /dev/shm: the engine owns it");
}

TEST (engine_shm_takes_crio_shm_size_below_crios_run_root)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (fixture_plan (&f,
                           ANN ("io.kubernetes.cri-o.ContainerType",
                                "sandbox") "," ANN ("io.kubernetes.cri-o.ShmSize", "128Mi"),
                           ALL_NS, MOUNT ("/dev/shm", CRIO_RUN "/shm", "\"rw\",\"bind\"")),
             0);
  CHECK_APPLIED (f, ACTION_ENGINE_SHM, "134217728 bytes (io.kubernetes.cri-o.ShmSize)");
  CHECK_STR (f.plan.actions[ACTION_ENGINE_SHM].u.engine_shm.engine_dir, "/run/containers/storage");
}

TEST (engine_shm_without_a_request_leaves_the_engines_size)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (fixture_plan (&f, SANDBOX, ALL_NS, CTRD_MOUNTS), 0);
  CHECK_SKIPPED (f, ACTION_ENGINE_SHM,
                 "the pod asks for no /dev/shm size: the engine's tmpfs keeps its own");
}

TEST (engine_shm_without_an_engine_bind_leaves_the_size_to_the_shm_action)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (fixture_plan (&f, ASKS ("256Mi"), ALL_NS, CTRD_SHM_DEFAULT), 0);
  CHECK_SKIPPED (f, ACTION_ENGINE_SHM, "config.json binds no /dev/shm of the engine's");
  CHECK_APPLIED (f, ACTION_SHM, "pod-wide tmpfs of 268435456 bytes");
}

TEST (engine_shm_disabled_by_policy_is_skipped)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_policy (&f, "{\"shm_size\": 0}");

  CHECK_INT (fixture_plan (&f, ASKS ("256Mi"), ALL_NS, CTRD_MOUNTS), 0);
  CHECK_SKIPPED (f, ACTION_ENGINE_SHM, "disabled by policy (shm_size: 0)");
}

TEST (engine_shm_request_above_the_cap_zero_or_not_a_quantity_is_refused)
{
  static const struct
  {
    const char *value, *mention;
  } cases[] = {
    { "2Gi", "annotation io.oci-sandbox-hook.shm-size: 2147483648 bytes exceed the node "
             "maximum of 1073741824" },
    { "0", "annotation io.oci-sandbox-hook.shm-size: \"0\": must be greater than 0" },
    { "1m,size=0", "annotation io.oci-sandbox-hook.shm-size: \"1m,size=0\": not a quantity" },
    { "200%", "\"200%\": not a quantity" },
  };
  cleanup_fixture fixture f;
  fixture_init (&f);

  for (size_t i = 0; i < N_ELEMENTS (cases); i++)
    {
      char annotations[256];
      snprintf (annotations, sizeof annotations,
                SANDBOX "," ANN ("io.oci-sandbox-hook.shm-size", "%s"), cases[i].value);
      CHECK_REFUSED (fixture_plan (&f, annotations, ALL_NS, CTRD_MOUNTS), f, cases[i].mention);
    }
}

TEST (engine_shm_source_outside_the_engine_dirs_is_refused_naming_it)
{
  static const struct
  {
    const char *mounts, *mention;
  } cases[] = {
    { MOUNT ("/dev/shm", "/tmp/elsewhere/shm", "\"rbind\""),
      "config.json binds /dev/shm from /tmp/elsewhere/shm, which is not below any of the "
      "policy's engine_dirs: refusing to resize it" },
    /* Text that starts like an engine directory but is not below it.  */
    { MOUNT ("/dev/shm", CTRD_STATE "-x/" POD_ID "/shm", "\"rbind\""),
      "sandboxes-x/" POD_ID "/shm, which is not below any" },
    { MOUNT ("/dev/shm", CTRD_STATE "/../../../../dev/shm", "\"rbind\""),
      "sandboxes/../../../../dev/shm\", which is not below any" },
    { MOUNT ("/dev/shm", CTRD_STATE "//" POD_ID "/shm", "\"rbind\""), "which is not below any" },
    { MOUNT ("/dev/shm", CTRD_STATE, "\"rbind\""), "which is not below any" },
    { MOUNT ("/dev/shm", CTRD_STATE "/", "\"rbind\""), "which is not below any" },
    { MOUNT ("/dev/shm", "shm", "\"rbind\""), "from \"shm\", which is not below any" },
    { "{\"destination\":\"/dev/shm\",\"type\":\"bind\"}", "from (no source)" },
  };
  cleanup_fixture fixture f;
  fixture_init (&f);

  for (size_t i = 0; i < N_ELEMENTS (cases); i++)
    CHECK_REFUSED (fixture_plan (&f, ASKS ("256Mi"), ALL_NS, cases[i].mounts), f, cases[i].mention);
  /* No engine directory at all: every request is refused.  */
  fixture_policy (&f, "{\"engine_dirs\": []}");
  CHECK_REFUSED (fixture_plan (&f, ASKS ("256Mi"), ALL_NS, CTRD_MOUNTS), f,
                 "which is not below any of the policy's engine_dirs");
}

TEST (engine_shm_of_a_host_ipc_pod_is_refused)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  /* containerd binds the host's /dev/shm for a host-IPC pod.  */
  CHECK_REFUSED (fixture_plan (&f, ASKS ("256Mi"), HOST_IPC_NS,
                               MOUNT ("/dev/shm", "/dev/shm", "\"rbind\",\"ro\"")),
                 f,
                 "annotation io.oci-sandbox-hook.shm-size: the pod shares the host's IPC "
                 "namespace, whose /dev/shm is never resized: refusing");
  /* The live process in the host's IPC namespace says the same.  */
  f.target.is_own[NAMESPACE_IPC] = true;
  CHECK_REFUSED (fixture_plan (&f, ASKS ("256Mi"), ALL_NS, CTRD_MOUNTS), f,
                 "shares the host's IPC namespace");
  /* Without a request, nothing to refuse.  */
  CHECK_INT (fixture_plan (&f, SANDBOX, HOST_IPC_NS, MOUNT ("/dev/shm", "/dev/shm", "\"rbind\"")),
             0);
  CHECK_SKIPPED (f, ACTION_ENGINE_SHM, "the pod asks for no /dev/shm size");
}

TEST (engine_shm_is_never_planned_for_a_pod_member)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (fixture_plan (&f,
                           ANN ("io.kubernetes.cri.container-type", "container") "," ANN (
                               "io.kubernetes.cri.sandbox-id", POD_ID) "," ANN ("io.oci-sandbox-"
                                                                                "hook.shm-size",
                                                                                "256Mi"),
                           ALL_NS, CTRD_SHM "," CTRD_RESOLV "," CTRD_HOSTNAME),
             0);
  CHECK (f.plan.is_member);
  CHECK_SKIPPED (f, ACTION_ENGINE_SHM, "a pod member");
  CHECK_SKIPPED (f, ACTION_ENGINE_FILES, "a pod member");
}

/* engine_files */

TEST (engine_files_off_reads_and_checks_nothing)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_policy (&f, "{\"engine_files\": \"off\"}");
  set_engine_file (&f, ENGINE_FILE_RESOLV_CONF, "options ndots:5\nnameserver 6.6.6.6\n");

  CHECK_INT (fixture_plan (&f, SANDBOX, ALL_NS, CTRD_MOUNTS), 0);
  CHECK_SKIPPED (f, ACTION_ENGINE_FILES, "disabled by policy (engine_files: off)");
}

TEST (engine_files_without_engine_binds_are_skipped)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_INT (fixture_plan (&f, SANDBOX, ALL_NS, CTRD_SHM), 0);
  CHECK_SKIPPED (f, ACTION_ENGINE_FILES,
                 "config.json binds no /etc/resolv.conf or /etc/hostname of the engine's");
  /* podman binds its own from its static directory: not the engine's of
     engine_dirs, not read.  */
  CHECK_INT (fixture_plan (&f, SANDBOX, ALL_NS,
                           MOUNT ("/etc/resolv.conf",
                                  "/var/lib/containers/storage/overlay-containers/1/userdata/"
                                  "resolv.conf",
                                  "\"bind\"")),
             0);
  CHECK_SKIPPED (f, ACTION_ENGINE_FILES,
                 "config.json binds /etc/resolv.conf from outside engine_dirs: not the engine's");
}

TEST (engine_files_are_checked_only_where_they_were_read)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  /* precreate and the runtime wrapper: nothing read.  */
  CHECK_INT (fixture_plan (&f, SANDBOX, ALL_NS, CTRD_MOUNTS), 0);
  CHECK_SKIPPED (f, ACTION_ENGINE_FILES, "the engine's files are read at createRuntime");
}

TEST (engine_files_enforce_refuses_an_injected_line_naming_the_file_and_the_line)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  set_engine_file (&f, ENGINE_FILE_RESOLV_CONF,
                   "search ns.svc.cluster.local\nnameserver 10.0.0.10\noptions ndots:5\n"
                   "nameserver 6.6.6.6\n");

  CHECK_REFUSED (fixture_plan (&f, SANDBOX, ALL_NS, CTRD_MOUNTS), f,
                 "engine_files: the engine's /etc/resolv.conf (" CTRD_ROOT "/" POD_ID
                 "/resolv.conf): line 4 \"nameserver 6.6.6.6\": a nameserver line after the "
                 "options line");
  CHECK (f.err && strstr (f.err->message, "refusing the pod (engine_files: enforce)"));

  set_engine_file (&f, ENGINE_FILE_HOSTNAME, "web-0\nnameserver 6.6.6.6\n");
  set_engine_file (&f, ENGINE_FILE_RESOLV_CONF, "nameserver 10.0.0.10\n");
  CHECK_REFUSED (fixture_plan (&f, SANDBOX, ALL_NS, CTRD_MOUNTS "," CTRD_HOSTNAME), f,
                 "the engine's /etc/hostname (" CTRD_ROOT "/" POD_ID
                 "/hostname): line 2 \"nameserver 6.6.6.6\": a second line");
}

TEST (engine_files_warn_records_every_finding_and_the_pod_starts)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  fixture_policy (&f, "{\"engine_files\": \"warn\"}");
  set_engine_file (&f, ENGINE_FILE_RESOLV_CONF, "options ndots:5\nnameserver 6.6.6.6\n");
  set_engine_file (&f, ENGINE_FILE_HOSTNAME, "web 0\n");

  CHECK_INT (fixture_plan (&f, SANDBOX, ALL_NS, CTRD_MOUNTS "," CTRD_HOSTNAME), 0);
  CHECK_APPLIED (f, ACTION_ENGINE_FILES, "2 finding(s), policy says warn");
  const planned_action *a = &f.plan.actions[ACTION_ENGINE_FILES];
  CHECK_INT (a->u.check.n_findings, 2);
  if (a->u.check.n_findings == 2)
    {
      CHECK (strstr (a->u.check.findings[0], "/etc/resolv.conf")
             && strstr (a->u.check.findings[0], "line 2 \"nameserver 6.6.6.6\""));
      CHECK (strstr (a->u.check.findings[1], "/etc/hostname")
             && strstr (a->u.check.findings[1], "not an RFC 1123 host name"));
    }
}

TEST (engine_files_as_engines_write_them_are_valid)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  set_engine_file (&f, ENGINE_FILE_RESOLV_CONF,
                   "search ns.svc.cluster.local svc.cluster.local\nnameserver 10.0.0.10\n"
                   "options ndots:5\n");
  set_engine_file (&f, ENGINE_FILE_HOSTNAME, "web-0\n");

  CHECK_INT (fixture_plan (&f, SANDBOX, ALL_NS, CTRD_MOUNTS "," CTRD_HOSTNAME), 0);
  CHECK_APPLIED (f, ACTION_ENGINE_FILES, "/etc/resolv.conf: valid; /etc/hostname: valid");
  CHECK_INT (f.plan.actions[ACTION_ENGINE_FILES].u.check.n_findings, 0);
}

TEST (engine_files_that_hold_what_the_node_holds_are_accepted_as_the_nodes)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  /* systemd-resolved's stub file breaks the order engines write, and the
     node's name has an underscore: both are the node's own.  */
  f.engine.node_resolv_conf = (char *)NODE_RESOLV_CONF;
  f.engine.node_resolv_conf_len = strlen (NODE_RESOLV_CONF);
  set_engine_file (&f, ENGINE_FILE_RESOLV_CONF, NODE_RESOLV_CONF);
  set_engine_file (&f, ENGINE_FILE_HOSTNAME, "node_1\n");

  CHECK_INT (fixture_plan (&f, SANDBOX, ALL_NS, CTRD_MOUNTS "," CTRD_HOSTNAME), 0);
  CHECK_APPLIED (f, ACTION_ENGINE_FILES,
                 "/etc/resolv.conf: the node's /etc/resolv.conf; /etc/hostname: the node's name");

  /* One byte more than the node's file is judged by the grammar.  */
  set_engine_file (&f, ENGINE_FILE_RESOLV_CONF, NODE_RESOLV_CONF "#\n");
  CHECK_REFUSED (fixture_plan (&f, SANDBOX, ALL_NS, CTRD_MOUNTS), f,
                 "line 3 \"search .\": a search line after the options line");
}

TEST (engine_file_that_cannot_be_read_is_a_finding)
{
  cleanup_fixture fixture f;
  fixture_init (&f);
  set_engine_file (&f, ENGINE_FILE_RESOLV_CONF, NULL);

  CHECK_REFUSED (fixture_plan (&f, SANDBOX, ALL_NS, CTRD_MOUNTS), f,
                 "the engine's /etc/resolv.conf (" CTRD_ROOT "/" POD_ID
                 "/resolv.conf): cannot be read: open (a symlink: refused)");
  fixture_policy (&f, "{\"engine_files\": \"warn\"}");
  CHECK_INT (fixture_plan (&f, SANDBOX, ALL_NS, CTRD_MOUNTS), 0);
  CHECK_APPLIED (f, ACTION_ENGINE_FILES, "1 finding(s), policy says warn");
}

TEST (plan_engine_dir_is_a_whole_path_prefix)
{
  cleanup_fixture fixture f;
  fixture_init (&f);

  CHECK_STR (plan_engine_dir (&f.policy, CTRD_STATE "/x/shm"), CTRD_STATE);
  CHECK_STR (plan_engine_dir (&f.policy, CTRD_ROOT "/x"), CTRD_ROOT);
  CHECK_STR (plan_engine_dir (&f.policy, CRIO_RUN "/hostname"), "/run/containers/storage");
  CHECK (plan_engine_dir (&f.policy, CTRD_STATE) == NULL);
  CHECK (plan_engine_dir (&f.policy, CTRD_STATE "/") == NULL);
  CHECK (plan_engine_dir (&f.policy, CTRD_STATE "x/shm") == NULL);
  CHECK (plan_engine_dir (&f.policy, CTRD_STATE "/./shm") == NULL);
  CHECK (plan_engine_dir (&f.policy, CTRD_STATE "/x/../../y") == NULL);
  CHECK (plan_engine_dir (&f.policy, "run/containers/storage/x") == NULL);
  CHECK (plan_engine_dir (&f.policy, NULL) == NULL);
  CHECK_STR (engine_file_destination (ENGINE_FILE_RESOLV_CONF), "/etc/resolv.conf");
  CHECK_STR (engine_file_destination (ENGINE_FILE_HOSTNAME), "/etc/hostname");
}

int
main (void)
{
  RUN (engine_shm_resizes_containerds_tmpfs_to_the_pods_request);
  RUN (engine_shm_takes_crio_shm_size_below_crios_run_root);
  RUN (engine_shm_without_a_request_leaves_the_engines_size);
  RUN (engine_shm_without_an_engine_bind_leaves_the_size_to_the_shm_action);
  RUN (engine_shm_disabled_by_policy_is_skipped);
  RUN (engine_shm_request_above_the_cap_zero_or_not_a_quantity_is_refused);
  RUN (engine_shm_source_outside_the_engine_dirs_is_refused_naming_it);
  RUN (engine_shm_of_a_host_ipc_pod_is_refused);
  RUN (engine_shm_is_never_planned_for_a_pod_member);
  RUN (engine_files_off_reads_and_checks_nothing);
  RUN (engine_files_without_engine_binds_are_skipped);
  RUN (engine_files_are_checked_only_where_they_were_read);
  RUN (engine_files_enforce_refuses_an_injected_line_naming_the_file_and_the_line);
  RUN (engine_files_warn_records_every_finding_and_the_pod_starts);
  RUN (engine_files_as_engines_write_them_are_valid);
  RUN (engine_files_that_hold_what_the_node_holds_are_accepted_as_the_nodes);
  RUN (engine_file_that_cannot_be_read_is_a_finding);
  RUN (plan_engine_dir_is_a_whole_path_prefix);
  return tap_done ();
}

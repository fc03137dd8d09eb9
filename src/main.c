/* oci-sandbox-hook: wires the stages together.  Parsing, deciding and
   acting live in their own modules; this file reads the command line and
   the input, runs one stage, and is the only place that prints errors.  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "act.h"
#include "cgroup.h"
#include "cleanup.h"
#include "spec.h"
#include "explain.h"
#include "fault.h"
#include "host.h"
#include "hook_dir.h"
#include "log.h"
#include "plan.h"
#include "pod_cgroup.h"
#include "policy.h"
#include "precreate.h"
#include "privileges.h"
#include "process.h"
#include "safepath.h"
#include "state.h"

/* Runtimes set no default timeout for hooks: bound the whole run once
   stdin is drained (THREATS.md pattern 8).  poststop cleans up whatever a
   createRuntime killed by the deadline left behind.  */
#define HOOK_DEADLINE_SECONDS 30

typedef enum stage
{
  STAGE_INFER,
  STAGE_CREATE_RUNTIME,
  STAGE_POSTSTOP,
  STAGE_PLAN,
  STAGE_PRECREATE,
} stage;

typedef struct options
{
  stage stage;
  const char *stage_name;
  const char *policy_path;
  bool policy_explicit;
  const char *bundle; /* plan and precreate --bundle */
  bool log_level_set;
  log_level log_level;
  bool log_stderr;
  char *fail_after;
  unsigned int deadline; /* seconds */
} options;

static void
usage (FILE *out)
{
  fprintf (out,
           "Usage: oci-sandbox-hook [OPTION...] STAGE\n"
           "Give an OCI pod sandbox containerd's sandbox policies, under any runtime.\n"
           "\n"
           "Stages:\n"
           "  createRuntime, prestart  apply the policy to the live container (OCI state on "
           "stdin)\n"
           "  poststop                 undo what createRuntime did (OCI state on stdin)\n"
           "  precreate [--bundle DIR] config.json on stdin, the sandbox's config.json on stdout\n"
           "                           (podman hooks.d); --bundle rewrites DIR/config.json in\n"
           "                           place, atomically (before `runc create`)\n"
           "  plan [--bundle DIR]      print the plan as JSON, change nothing (state on stdin,\n"
           "                           or only a bundle)\n"
           "  (none)                   inferred from the state: \"stopped\" is poststop\n"
           "\n"
           "Options:\n"
           "  --policy FILE      policy file (default " OCI_SANDBOX_HOOK_POLICY_FILE ")\n"
           "  --log-level LEVEL  error, warn, info (default) or debug\n"
           "  --log-stderr       copy every log line to stderr (errors always go there)\n"
           "  --bundle DIR       with plan: read DIR/config.json instead of a state\n"
           "  --help, --version\n");
}

static int
parse_stage (const char *name, stage *out)
{
  if (strcmp (name, "createRuntime") == 0 || strcmp (name, "prestart") == 0)
    *out = STAGE_CREATE_RUNTIME;
  else if (strcmp (name, "poststop") == 0)
    *out = STAGE_POSTSTOP;
  else if (strcmp (name, "plan") == 0)
    *out = STAGE_PLAN;
  else if (strcmp (name, "precreate") == 0)
    *out = STAGE_PRECREATE;
  else
    return -1;
  return 0;
}

static int
parse_options (int argc, char **argv, options *o, hook_error **err)
{
  static const struct option long_options[] = {
    { "policy", required_argument, NULL, 'p' },
    { "log-level", required_argument, NULL, 'l' },
    { "log-stderr", no_argument, NULL, 'e' },
    { "bundle", required_argument, NULL, 'b' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 },
  };
  int c;

  o->policy_path = OCI_SANDBOX_HOOK_POLICY_FILE;
  while ((c = getopt_long (argc, argv, "", long_options, NULL)) != -1)
    switch (c)
      {
      case 'p':
        o->policy_path = optarg;
        o->policy_explicit = true;
        break;
      case 'l':
        if (log_level_parse (optarg, &o->log_level) < 0)
          return hook_fail (err, 0, "--log-level \"%s\": expected error, warn, info or debug",
                            optarg);
        o->log_level_set = true;
        break;
      case 'e':
        o->log_stderr = true;
        break;
      case 'b':
        o->bundle = optarg;
        break;
      case 'h':
        usage (stdout);
        exit (EXIT_SUCCESS);
      case 'V':
        printf ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
        exit (EXIT_SUCCESS);
      default:
        usage (stderr);
        exit (2);
      }
  if (optind < argc)
    {
      o->stage_name = argv[optind++];
      if (parse_stage (o->stage_name, &o->stage) < 0)
        return hook_fail (err, 0, "unknown stage \"%s\" (try --help)", o->stage_name);
    }
  if (optind < argc)
    return hook_fail (err, 0, "unexpected argument \"%s\"", argv[optind]);
  if (o->bundle && o->stage != STAGE_PLAN && o->stage != STAGE_PRECREATE)
    return hook_fail (err, 0, "--bundle is only for the plan and precreate stages");
  return 0;
}

static int
read_state (oci_state *state, hook_error **err)
{
  cleanup_free char *buf = NULL;
  size_t len = 0;

  if (read_fd_bounded (STDIN_FILENO, STATE_MAX_BYTES, &buf, &len, err) < 0)
    return hook_error_prefix (err, "state on stdin");
  return oci_state_parse (buf, len, state, err);
}

static int
load_policy (const options *o, sandbox_policy *policy, hook_log *log, hook_error **err)
{
  if (sandbox_policy_load (o->policy_path, o->policy_explicit, policy, err) < 0)
    return -1;
  log->level = o->log_level_set ? o->log_level : policy->log_level;
  return hook_log_set_socket (log, policy->log_socket, err);
}

/* The rootfs as an absolute path: root.path is relative to the bundle
   unless absolute (runtime-spec).  */
static int
rootfs_path (const char *bundle, const container_spec *config, char *out, size_t size,
             hook_error **err)
{
  int n
      = config->root_path[0] == '/'
            ? snprintf (out, size, "%s", config->root_path)
            : snprintf (out, size, "%s/%s", strcmp (bundle, "/") ? bundle : "", config->root_path);
  if (n < 0 || (size_t)n >= size)
    return hook_fail (err, ENAMETOOLONG, "config root.path");
  /* runc accepts "rootfs/": trailing slashes name the same directory.  */
  while (n > 1 && out[n - 1] == '/')
    out[--n] = '\0';
  return canonical_absolute_path_validate (out, "config root.path", err);
}

/* The cgroup cpu_shares would change, and whether anything else lives in
   it: facts for the plan, looked up only when shares may apply.  A failure
   is a fact too: the plan refuses with it only where it matters, after it
   has checked that the process is the container's.  */
static void
gather_cgroup_facts (const target_process *process, const char *cgroup_root, cgroup_target *cgroup,
                     target_facts *target)
{
  cleanup_hook_error hook_error *e = NULL;

  if (cgroup_target_open (target->cgroup_v1_cpu, target->cgroup_v2, cgroup_root, cgroup, &e) < 0
      || cgroup_count_others (cgroup, process->proc_fd, process->pid, &target->cgroup_others, &e)
             < 0)
    {
      snprintf (target->cgroup_error, sizeof target->cgroup_error, "%s",
                e ? e->message : "cgroup lookup failed");
      cgroup_target_close (cgroup);
      return;
    }
  target->cgroup_counted = true;
  snprintf (target->cgroup_file, sizeof target->cgroup_file, "%s", cgroup->file);
}

static int
run_create_runtime (const options *o, oci_state *state, hook_log *log, hook_error **err)
{
  cleanup_policy sandbox_policy policy = { 0 };
  cleanup_spec container_spec config = { 0 };
  cleanup_target_process target_process process = TARGET_PROCESS_INIT;
  cleanup_plan sandbox_plan plan = { 0 };
  cleanup_close int bundle_fd = -1;
  cleanup_host_facts host_facts host = { 0 };
  cleanup_cgroup_target cgroup_target cgroup = CGROUP_TARGET_INIT;
  target_facts target;
  char reason[320], rootfs[PATH_MAX];

  sandbox_policy_init_defaults (&policy);
  if (load_policy (o, &policy, log, err) < 0)
    return -1;
  /* Fast path: the state carries the pod's annotations (runtime-spec), so
     a container that is not a sandbox costs no config.json read.  */
  if (state->annotations && !policy.match_all && policy.n_match_commands == 0
      && !plan_classify (&policy, NULL, state->annotations, NULL, reason, sizeof reason))
    {
      log_debug (log, "not a sandbox: %s", reason);
      return 0;
    }
  if (open_directory_locked (state->bundle, &bundle_fd, err) < 0
      || spec_load (bundle_fd, &config, err) < 0)
    return -1;
  if (!plan_classify (&policy, config.annotations, state->annotations, config.arg0, reason,
                      sizeof reason))
    {
      log_debug (log, "not a sandbox: %s", reason);
      return 0;
    }
  if (rootfs_path (state->bundle, &config, rootfs, sizeof rootfs, err) < 0
      || host_facts_gather (policy.resolv_conf, policy.resolv_conf_is_default, policy.hosts, &host,
                            err)
             < 0
      || target_process_open (state->pid, &process, err) < 0
      || target_facts_from_process (process.proc_fd, process.pid, &config, &target, err) < 0)
    return -1;
  if (policy.cpu_shares != 0 && !config.has_cpu_shares)
    gather_cgroup_facts (&process, policy.cgroup_root, &cgroup, &target);
  plan_input in = {
    .config = &config,
    .state_annotations = state->annotations,
    .policy = &policy,
    .host = &host,
    .target = &target,
  };
  if (plan_build (&in, &plan, err) < 0)
    return -1;
  if (host.selinux_enabled && config.mount_label
      && selinux_mount_label_check (config.mount_label, err) < 0)
    return -1;
  log_debug (log, "sandbox: %s", plan.match_reason);
  if (drop_capabilities (err) < 0)
    return -1;
  act_context ctx = {
    .bundle_fd = bundle_fd,
    .rootfs = rootfs,
    .process = &process,
    .cgroup = cgroup.hierarchy_fd >= 0 ? &cgroup : NULL,
    .file_label = host.selinux_enabled ? config.mount_label : NULL,
    .fail_after = o->fail_after,
    .user_namespace = config.ns_user.present,
    .log = log,
  };
  return act_create_runtime (&ctx, &plan, err);
}

/* poststop undoes by the hook's fixed names and needs nothing from the
   policy: a policy that became invalid (or changed) while the pod ran
   must not leave its tmpfs mounted.  The policy is still read, for the
   log settings, and a problem with it is reported once the cleanup is
   done.  */
static int
run_poststop (const options *o, const oci_state *state, hook_log *log, hook_error **err)
{
  cleanup_policy sandbox_policy policy = { 0 };
  cleanup_hook_error hook_error *policy_err = NULL;
  cleanup_close int bundle_fd = -1;

  sandbox_policy_init_defaults (&policy);
  (void)load_policy (o, &policy, log, &policy_err);
  /* A bundle already deleted leaves nothing of ours behind.  */
  if (open_directory_locked (state->bundle, &bundle_fd, err) < 0)
    {
      if ((*err)->errno_value != ENOENT)
        return -1;
      hook_error_free (*err);
      *err = NULL;
    }
  else if (act_poststop (bundle_fd, log, err) < 0)
    return -1;
  if (policy_err)
    {
      *err = steal_pointer (&policy_err);
      return hook_error_prefix (err, "cleanup done, but");
    }
  return 0;
}

/* Facts for a plan made without acting: the namespaces config.json names,
   and the limits of the pod's cgroup parent for sizing (a source only:
   an unreadable or malformed parent is logged and skipped).  */
static int
gather_spec_facts (const container_spec *config, const sandbox_policy *policy, hook_log *log,
                   target_facts *target, sandbox_sizing *pod_cgroup, hook_error **err)
{
  cleanup_hook_error hook_error *cgroup_err = NULL;

  if (target_facts_from_config (config, target, err) < 0)
    return -1;
  if (pod_cgroup_sizing (policy->cgroup_root, config->cgroups_path, pod_cgroup, &cgroup_err) < 0)
    {
      log_warn (log, "sandbox sizing: %s: ignored", cgroup_err->message);
      memset (pod_cgroup, 0, sizeof *pod_cgroup);
    }
  return 0;
}

static int
run_plan (const options *o, hook_log *log, hook_error **err)
{
  cleanup_state oci_state state = { 0 };
  cleanup_policy sandbox_policy policy = { 0 };
  cleanup_spec container_spec config = { 0 };
  cleanup_target_process target_process process = TARGET_PROCESS_INIT;
  cleanup_plan sandbox_plan plan = { 0 };
  cleanup_close int bundle_fd = -1;
  cleanup_host_facts host_facts host = { 0 };
  cleanup_cgroup_target cgroup_target cgroup = CGROUP_TARGET_INIT;
  target_facts target = { 0 };
  sandbox_sizing pod_cgroup = { 0 };
  const char *bundle = o->bundle, *id = "-";

  sandbox_policy_init_defaults (&policy);
  if (bundle == NULL)
    {
      if (read_state (&state, err) < 0)
        return -1;
      bundle = state.bundle;
      id = state.id;
    }
  if (load_policy (o, &policy, log, err) < 0 || open_directory (bundle, &bundle_fd, err) < 0
      || spec_load (bundle_fd, &config, err) < 0
      || host_facts_gather (policy.resolv_conf, policy.resolv_conf_is_default, policy.hosts, &host,
                            err)
             < 0)
    return -1;
  /* With a live pid the plan sees the real process; read-only.  */
  if (state.pid > 0 && target_process_open (state.pid, &process, err) == 0)
    {
      if (target_facts_from_process (process.proc_fd, process.pid, &config, &target, err) < 0)
        return -1;
      if (policy.cpu_shares != 0 && !config.has_cpu_shares)
        gather_cgroup_facts (&process, policy.cgroup_root, &cgroup, &target);
    }
  else
    {
      if (*err)
        {
          hook_error_free (*err);
          *err = NULL;
        }
      if (gather_spec_facts (&config, &policy, log, &target, &pod_cgroup, err) < 0)
        return -1;
    }
  plan_input in = {
    .config = &config,
    .state_annotations = state.annotations,
    .policy = &policy,
    .host = &host,
    .target = &target,
    .pod_cgroup = &pod_cgroup,
  };
  if (plan_build (&in, &plan, err) < 0)
    return -1;
  return explain_plan (&plan, id, "plan", true, stdout, err);
}

/* A name for precreate's log lines: the spec has no container id.  */
static const char *
spec_log_id (const container_spec *config)
{
  static const char *const keys[] = { "io.kubernetes.cri.sandbox-id",
                                      "io.kubernetes.cri-o.SandboxID", "io.kubernetes.pod.uid" };
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    {
      const char *v = annotation_get (config->annotations, keys[i]);
      if (v && container_id_validate (v, NULL) == 0)
        return v;
    }
  return config->hostname && container_id_validate (config->hostname, NULL) == 0 ? config->hostname
                                                                                 : "precreate";
}

typedef struct spec_render
{
  const json_value *root;
  const sandbox_plan *plan;
} spec_render;

static int
fill_with_spec (int fd, void *arg, hook_error **err)
{
  const spec_render *r = arg;
  return precreate_render_fd (r->root, r->plan, fd, err);
}

/* Replace BUNDLE_FD/config.json with the rendered spec, atomically.  */
static int
rewrite_config_atomically (int bundle_fd, const json_value *root, const sandbox_plan *plan,
                           hook_error **err)
{
  spec_render r = { root, plan };
  struct stat st;

  if (fstatat (bundle_fd, "config.json", &st, AT_SYMLINK_NOFOLLOW) < 0)
    return hook_fail (err, errno, "stat config.json");
  /* The engine's file: same mode, and on disk before it is renamed in.  */
  if (replace_file_atomic (bundle_fd, "config.json", st.st_mode & 07777, NULL, true, fill_with_spec,
                           &r, err)
      < 0)
    return hook_error_prefix (err, "rewrite config.json");
  return 0;
}

/* The spec precreate works on: BUNDLE/config.json (a regular file, never
   a FIFO), or stdin.  */
static int
read_spec (const char *bundle, int *bundle_fd, char **input, size_t *len, hook_error **err)
{
  if (bundle == NULL)
    {
      if (read_fd_bounded (STDIN_FILENO, SPEC_MAX_BYTES, input, len, err) < 0)
        return hook_error_prefix (err, "config.json on stdin");
      return 0;
    }
  if (open_directory (bundle, bundle_fd, err) < 0)
    return -1;
  return spec_read (*bundle_fd, input, len, err);
}

static int
run_precreate (const options *o, hook_log *log, hook_error **err)
{
  cleanup_policy sandbox_policy policy = { 0 };
  cleanup_spec container_spec config = { 0 };
  cleanup_plan sandbox_plan plan = { 0 };
  cleanup_close int bundle_fd = -1;
  cleanup_free char *input = NULL;
  size_t input_len = 0;
  cleanup_host_facts host_facts host = { 0 };
  target_facts target;
  sandbox_sizing pod_cgroup;
  char reason[320];
  int ret;

  sandbox_policy_init_defaults (&policy);
  if (read_spec (o->bundle, &bundle_fd, &input, &input_len, err) < 0)
    return -1;
  alarm (o->deadline);
  if (load_policy (o, &policy, log, err) < 0 || spec_parse (input, input_len, &config, err) < 0)
    return -1;
  hook_log_set_id (log, spec_log_id (&config));
  if (!plan_classify (&policy, config.annotations, NULL, config.arg0, reason, sizeof reason))
    {
      /* Not ours: the engine gets its spec back byte for byte.  */
      log_debug (log, "not a sandbox: %s", reason);
      if (!o->bundle && write_all (STDOUT_FILENO, input, input_len) < 0)
        return hook_fail (err, errno, "write config.json to stdout");
      return 0;
    }
  if (host_facts_gather (policy.resolv_conf, policy.resolv_conf_is_default, policy.hosts, &host,
                         err)
          < 0
      || gather_spec_facts (&config, &policy, log, &target, &pod_cgroup, err) < 0)
    return -1;
  plan_input in = {
    .config = &config,
    .policy = &policy,
    .host = &host,
    .target = &target,
    .pod_cgroup = &pod_cgroup,
  };
  if (plan_build (&in, &plan, err) < 0)
    return -1;
  for (size_t i = 0; i < plan.actions[ACTION_SYSCTL_CHECK].u.check.n_findings; i++)
    log_warn (log, "sysctl_check: config linux.sysctl: %s",
              plan.actions[ACTION_SYSCTL_CHECK].u.check.findings[i]);
  /* Streamed: nothing reaches stdout unless the patches fit the spec
     (checked first); only a failing write can leave it incomplete, and
     the engine then sees a non-zero exit.  */
  if (o->bundle)
    ret = rewrite_config_atomically (bundle_fd, json_doc_root (config.doc), &plan, err);
  else
    ret = precreate_render_fd (json_doc_root (config.doc), &plan, STDOUT_FILENO, err);
  if (ret < 0)
    return -1;
  precreate_edits edits;
  precreate_edits_from_plan (&plan, &edits);
  log_info (log, "precreate: %zu addition(s) to the spec (only where absent): %s",
            json_patches_count_absent (json_doc_root (config.doc), edits.patches, edits.n),
            plan.actions[ACTION_SANDBOX_SIZING].reason);
  return 0;
}

/* Read what the stage needs and run it.  */
static int
run_stage (options *o, hook_log *log, hook_error **err)
{
  cleanup_state oci_state state = { 0 };

  if (o->stage == STAGE_PLAN)
    return run_plan (o, log, err);
  if (o->stage == STAGE_PRECREATE)
    return run_precreate (o, log, err);
  if (read_state (&state, err) < 0)
    return -1;
  alarm (o->deadline);
  hook_log_set_id (log, state.id);
  if (o->stage == STAGE_INFER)
    o->stage = strcmp (state.status, "stopped") == 0 ? STAGE_POSTSTOP : STAGE_CREATE_RUNTIME;
  if (o->stage == STAGE_POSTSTOP)
    return run_poststop (o, &state, log, err);
  return run_create_runtime (o, &state, log, err);
}

int
main (int argc, char **argv)
{
  options o = { 0 };
  hook_log log;
  cleanup_hook_error hook_error *err = NULL;
  int ret;

  /* Inherited fds are the runtime's business, not ours: none may reach a
     child that joins a container namespace (CVE-2024-21626).  */
  close_range (3, ~0U, 0);
  hook_log_init (&log);
  if (parse_options (argc, argv, &o, &err) < 0)
    {
      log_error (&log, "%s", err->message);
      return 2;
    }
  log.mirror_to_stderr = o.log_stderr;
#ifdef ENABLE_FAULT_INJECTION
  if (getenv (FAULT_ENV))
    o.fail_after = strdup (getenv (FAULT_ENV));
#endif
  o.deadline = fault_deadline (getenv (DEADLINE_ENV), HOOK_DEADLINE_SECONDS);
  /* Nothing below reads the environment; an inherited LD_PRELOAD or
     similar must not leak into anything the hook might start.  */
  clearenv ();
  umask (022);

  ret = run_stage (&o, &log, &err);
  if (ret < 0)
    log_error (&log, "%s", err ? err->message : "failed");
  hook_log_close (&log);
  free (o.fail_after);
  return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

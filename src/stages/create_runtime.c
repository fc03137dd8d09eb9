#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "act.h"
#include "cleanup.h"
#include "host.h"
#include "inputs.h"
#include "names.h"
#include "plan.h"
#include "privileges.h"
#include "process.h"
#include "safepath.h"
#include "spec_command.h"
#include "stage.h"

/* The rootfs as an absolute path (malloc'ed into *OUT): root.path is
   relative to the bundle unless absolute (runtime-spec).  */
static int
rootfs_path (const char *bundle, const container_spec *config, char **out, hook_error **err)
{
  cleanup_free char *path = NULL;
  int n = config->root_path[0] == '/'
              ? asprintf (&path, "%s", config->root_path)
              : asprintf (&path, "%s/%s", strcmp (bundle, "/") ? bundle : "", config->root_path);
  if (n < 0)
    return hook_fail (err, ENOMEM, "config root.path");
  if (n >= PATH_MAX)
    return hook_fail (err, ENAMETOOLONG, "config root.path");
  /* runc accepts "rootfs/": trailing slashes name the same directory.  */
  while (n > 1 && path[n - 1] == '/')
    path[--n] = '\0';
  if (canonical_absolute_path_validate (path, "config root.path", err) < 0)
    return -1;
  *out = steal_pointer (&path);
  return 0;
}

/* createRuntime of a pod member: its process is proven to be the one
   config.json describes, its sandbox found in the registry, alive, and
   sharing namespaces with it; then the sandbox's shm and files are bound.
   No host facts: a member takes nothing from the host.  */
static int
create_member (const options *o, oci_state *state, sandbox_policy *policy, container_spec *config,
               const char *sandbox_name, int *procfs_fd, hook_log *log, hook_error **err)
{
  cleanup_target_process target_process process = TARGET_PROCESS_INIT;
  cleanup_plan sandbox_plan plan = { 0 };
  host_facts host = { 0 };
  cleanup_target_facts target_facts target = { 0 };
  cleanup_pod_facts pod_facts pod = { .lookup = POD_LOOKUP_NONE };
  cleanup_capng_lib capng_lib capng = CAPNG_LIB_INIT;
  hook_capabilities caps;
  cleanup_free char *rootfs = NULL;

  if (rootfs_path (state->bundle, config, &rootfs, err) < 0
      || target_process_open (state->pid, procfs_fd, &process, err) < 0
      || target_facts_from_process (&process, config, &target, err) < 0)
    return -1;
  /* The registry is looked up only when the member needs something of
     its sandbox (under podman or containerd the engine binds it all).  */
  if (plan_member_needs_sandbox (policy, config))
    gather_pod_facts (policy, sandbox_name, &target, process.procfs_fd, true, &pod);
  plan_input in = {
    .config = config,
    .state_annotations = state->annotations,
    .policy = policy,
    .host = &host,
    .target = &target,
    .pod = &pod,
  };
  if (plan_build (&in, &plan, err) < 0)
    return -1;
  log_debug (log, "%s; %s", plan.match_reason, plan.membership);
  if (capabilities_read (&capng, &caps, err) < 0 || drop_capabilities (&capng, &caps, err) < 0)
    return -1;
  act_context ctx = {
    .container_id = state->id,
    .bundle_path = state->bundle,
    .bundle_fd = -1,
    .rootfs = rootfs,
    .process = &process,
    .target = &target,
    .fail_after = o->fail_after,
    .log = log,
  };
  return act_member (&ctx, &pod.entry, &plan, err);
}

static int
create_sandbox (const options *o, oci_state *state, sandbox_policy *policy, container_spec *config,
                int bundle_fd, int *procfs_fd, const bool *in_user_namespace, hook_log *log,
                hook_error **err)
{
  cleanup_target_process target_process process = TARGET_PROCESS_INIT;
  cleanup_plan sandbox_plan plan = { 0 };
  cleanup_host_facts host_facts host = { 0 };
  cleanup_cgroup_target cgroup_target cgroup = CGROUP_TARGET_INIT;
  cleanup_engine_facts engine_facts engine = { 0 };
  cleanup_capng_lib capng_lib capng = CAPNG_LIB_INIT;
  cleanup_selinux_lib selinux_lib selinux = SELINUX_LIB_INIT;
  hook_capabilities caps;
  cleanup_target_facts target_facts target = { 0 };
  cleanup_free char *rootfs = NULL;

  plan_input in = {
    .config = config,
    .state_annotations = state->annotations,
    .policy = policy,
    .host = &host,
    .target = &target,
    .container_id = state->id,
    .engine = &engine,
  };

  gather_engine_facts (policy, config, &engine);
  if (rootfs_path (state->bundle, config, &rootfs, err) < 0
      || target_process_open (state->pid, procfs_fd, &process, err) < 0
      || gather_host_facts (process.procfs_fd, in_user_namespace, &in, &host, err) < 0
      || capabilities_read (&capng, &caps, err) < 0
      || host_security_facts (&caps, config->mount_label, &selinux, &host, err) < 0
      || target_facts_from_process (&process, config, &target, err) < 0)
    return -1;
  gather_cgroup_facts (&process, policy, config, &cgroup, &target);
  if (plan_build (&in, &plan, err) < 0)
    return -1;
  if (host.selinux_enabled && config->mount_label
      && selinux_mount_label_check (&selinux, config->mount_label, err) < 0)
    return -1;
  log_debug (log, "sandbox: %s", plan.match_reason);
  if (drop_capabilities (&capng, &caps, err) < 0)
    return -1;
  const selinux_label file_label = { &selinux, config->mount_label };
  act_context ctx = {
    .container_id = state->id,
    .bundle_path = state->bundle,
    .bundle_fd = bundle_fd,
    .rootfs = rootfs,
    .process = &process,
    .target = &target,
    .cgroup = cgroup.hierarchy_fd >= 0 ? &cgroup : NULL,
    .file_label = host.selinux_enabled ? &file_label : NULL,
    .fail_after = o->fail_after,
    .user_namespace = config->ns_user.present,
    .log = log,
  };
  return act_create_runtime (&ctx, &plan, err);
}

/* The fast path: what the state's annotations (runtime-spec: the
   config's) and, when the policy has commands, config.json's command say
   of a container that is neither a sandbox nor a pod member, with no full
   parse of config.json.  True when that is settled; *SPEC_BUF then holds
   config.json when it was read (for the full path to parse).  */
static bool
settled_not_ours (const sandbox_policy *policy, const oci_state *state, int *bundle_fd,
                  char **spec_buf, size_t *spec_len, char *reason, size_t reason_size)
{
  cleanup_hook_error hook_error *e = NULL;
  const char *sandbox_name;
  char arg0[PATH_MAX];

  if (state->annotations == NULL || policy->match_all
      || plan_classify (policy, NULL, state->annotations, NULL, reason, reason_size)
      || plan_classify_member (policy, NULL, state->annotations, &sandbox_name, reason,
                               reason_size))
    return false;
  if (!plan_classify_needs_command (policy, NULL, state->annotations))
    return true;
  /* An error is the full path's to report.  */
  if (open_directory_lockable (state->bundle, bundle_fd, &e) < 0
      || spec_read (*bundle_fd, spec_buf, spec_len, &e) < 0)
    return false;
  return spec_scan_command (*spec_buf, *spec_len, arg0, sizeof arg0)
         && !plan_classify (policy, NULL, state->annotations, arg0, reason, reason_size);
}

int
run_create_runtime (const options *o, oci_state *state, hook_log *log, hook_error **err)
{
  cleanup_policy sandbox_policy policy = { 0 };
  cleanup_spec container_spec config = { 0 };
  cleanup_close int bundle_fd = -1;
  cleanup_free char *spec_buf = NULL;
  size_t spec_len = 0;
  const char *sandbox_name = NULL;
  char reason[320];
  cleanup_close int procfs_fd = -1;
  cleanup_hook_error hook_error *userns_err = NULL;
  bool rootless = false;

  sandbox_policy_init_defaults (&policy);
  /* Under a rootless engine the walk to the policy meets directories the
     user namespace cannot map (owned by the overflow uid): the pod is
     left alone, not refused.  */
  if (stage_load_policy (o, &policy, log, err) < 0)
    {
      if (!stage_rootless (log, "left alone", *err))
        return -1;
      hook_error_free (steal_pointer (err));
      return 0;
    }
  /* Nothing to do costs no lock and no full parse of config.json.  */
  if (settled_not_ours (&policy, state, &bundle_fd, &spec_buf, &spec_len, reason, sizeof reason))
    {
      log_debug (log, "not a sandbox or a pod member: %s", reason);
      return 0;
    }
  /* A policy the walk trusted in a user namespace is its owner's (what
     maps to uid 0 there), not root's: not obeyed either.  The /proc that
     tells is the one the rest of the stage reads.  Where it cannot tell,
     the step that needs /proc next reports it: a container that proves
     not to be ours is never refused for it.  */
  bool userns_known
      = open_procfs (&procfs_fd, &userns_err) == 0
        && stage_user_namespace (procfs_fd, log, "left alone", NULL, &rootless, &userns_err) == 0;
  if (rootless)
    return 0;
  if ((bundle_fd < 0 && open_directory_lockable (state->bundle, &bundle_fd, err) < 0)
      || lock_directory (bundle_fd, state->bundle, true, err) < 0
      || (spec_buf == NULL && spec_read (bundle_fd, &spec_buf, &spec_len, err) < 0)
      || spec_parse (spec_buf, spec_len, &config, err) < 0)
    return -1;
  if (plan_classify (&policy, config.annotations, state->annotations, config.arg0, reason,
                     sizeof reason))
    return create_sandbox (o, state, &policy, &config, bundle_fd, &procfs_fd,
                           userns_known ? &rootless : NULL, log, err);
  if (plan_classify_member (&policy, config.annotations, state->annotations, &sandbox_name, reason,
                            sizeof reason))
    return create_member (o, state, &policy, &config, sandbox_name, &procfs_fd, log, err);
  log_debug (log, "not a sandbox or a pod member: %s", reason);
  return 0;
}

/* poststop undoes by the hook's fixed names and needs nothing from the
   policy: a policy that became invalid (or changed) while the pod ran
   must not leave its tmpfs mounted.  The policy is still read, for the
   log settings, and a problem with it is reported once the cleanup is
   done.  */
int
run_poststop (const options *o, const oci_state *state, hook_log *log, hook_error **err)
{
  cleanup_policy sandbox_policy policy = { 0 };
  cleanup_hook_error hook_error *policy_err = NULL;
  cleanup_close int bundle_fd = -1;

  sandbox_policy_init_defaults (&policy);
  (void)stage_load_policy (o, &policy, log, &policy_err);
  /* A bundle already deleted leaves nothing of ours behind.  */
  if (open_directory_locked (state->bundle, true, &bundle_fd, err) < 0)
    {
      if (!hook_error_absorb (err, ENOENT))
        return -1;
    }
  else if (act_poststop (bundle_fd, log, err) < 0)
    return -1;
  /* Rootless: nothing was made (createRuntime left the pod alone); the
     policy that could not be trusted is no error of the cleanup.  */
  if (policy_err && stage_rootless (log, "poststop", policy_err))
    return 0;
  if (policy_err)
    {
      *err = steal_pointer (&policy_err);
      return hook_error_prefix (err, "cleanup done, but");
    }
  return 0;
}

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
#include "host.h"
#include "inputs.h"
#include "names.h"
#include "plan.h"
#include "safepath.h"
#include "spec_edits.h"
#include "stage.h"

/* A name for precreate's log lines: the spec has no container id.  */
static const char *
spec_log_id (const container_spec *config)
{
  static const char *const keys[] = { "io.kubernetes.cri.sandbox-id",
                                      "io.kubernetes.cri-o.SandboxID", "io.kubernetes.pod.uid" };
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    {
      const char *v = annotation_get (config->annotations, keys[i]);
      if (v && container_id_validate (v, keys[i], NULL) == 0)
        return v;
    }
  return config->hostname && container_id_validate (config->hostname, "hostname", NULL) == 0
             ? config->hostname
             : "precreate";
}

typedef struct spec_render
{
  const json_value *root;
  const json_patch *patches;
  size_t n;
} spec_render;

static int
fill_with_spec (int fd, void *arg, hook_error **err)
{
  const spec_render *r = arg;
  return json_render_fd (r->root, r->patches, r->n, fd, err);
}

int
bundle_config_rewrite (int bundle_fd, const json_value *root, const json_patch *patches, size_t n,
                       hook_error **err)
{
  spec_render r = { root, patches, n };
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

int
spec_plan_build (const container_spec *config, const sandbox_policy *policy, int procfs_fd,
                 const bool *in_user_namespace, hook_log *log, sandbox_plan *plan, hook_error **err)
{
  cleanup_host_facts host_facts host = { 0 };
  cleanup_capng_lib capng_lib capng = CAPNG_LIB_INIT;
  cleanup_selinux_lib selinux_lib selinux = SELINUX_LIB_INIT;
  hook_capabilities caps;
  target_facts target;
  sandbox_sizing pod_cgroup;

  plan_input in = {
    .config = config,
    .policy = policy,
    .host = &host,
    .target = &target,
    .pod_cgroup = &pod_cgroup,
  };

  if (gather_host_facts (procfs_fd, in_user_namespace, &in, &host, err) < 0
      || capabilities_read (&capng, &caps, err) < 0
      || host_security_facts (&caps, config->mount_label, &selinux, &host, err) < 0
      || gather_spec_facts (config, policy, log, &target, &pod_cgroup, err) < 0)
    return -1;
  if (plan_build (&in, plan, err) < 0)
    return -1;
  for (size_t i = 0; i < plan->actions[ACTION_SYSCTL_CHECK].u.check.n_findings; i++)
    log_warn (log, "sysctl_check: config linux.sysctl: %s",
              plan->actions[ACTION_SYSCTL_CHECK].u.check.findings[i]);
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
    return hook_error_prefix (err, "--bundle");
  return spec_read (*bundle_fd, input, len, err);
}

/* The engine gets its spec back byte for byte: on stdout, or
   --bundle's config.json untouched.  */
static int
spec_unchanged (const options *o, const char *input, size_t input_len, hook_error **err)
{
  if (!o->bundle && write_all (STDOUT_FILENO, input, input_len) < 0)
    return hook_fail (err, errno, "write config.json to stdout");
  return 0;
}

int
run_precreate (const options *o, hook_log *log, hook_error **err)
{
  cleanup_policy sandbox_policy policy = { 0 };
  cleanup_spec container_spec config = { 0 };
  cleanup_plan sandbox_plan plan = { 0 };
  cleanup_close int bundle_fd = -1;
  cleanup_free char *input = NULL;
  size_t input_len = 0;
  char reason[320];
  int ret;
  cleanup_close int procfs_fd = -1;
  cleanup_hook_error hook_error *userns_err = NULL;
  bool rootless = false;

  sandbox_policy_init_defaults (&policy);
  if (read_spec (o->bundle, &bundle_fd, &input, &input_len, err) < 0)
    return -1;
  alarm (o->deadline);
  if (stage_load_policy (o, &policy, log, err) < 0)
    {
      /* Rootless podman runs precreate in its user namespace: the spec
         goes back as it came (no OOM score the runtime could not set).  */
      if (!stage_rootless (log, "precreate: the spec unchanged", *err))
        return -1;
      hook_error_free (steal_pointer (err));
      return spec_unchanged (o, input, input_len, err);
    }
  if (spec_parse (input, input_len, &config, err) < 0)
    return -1;
  hook_log_set_id (log, spec_log_id (&config));
  if (!plan_classify (&policy, config.annotations, NULL, config.arg0, reason, sizeof reason))
    {
      /* Not ours: the engine gets its spec back byte for byte.  */
      log_debug (log, "not a sandbox: %s", reason);
      return spec_unchanged (o, input, input_len, err);
    }
  /* Where /proc cannot tell, the host facts report it.  */
  bool userns_known = open_procfs (&procfs_fd, &userns_err) == 0
                      && stage_user_namespace (procfs_fd, log, "precreate: the spec unchanged",
                                               NULL, &rootless, &userns_err)
                             == 0;
  if (rootless)
    return spec_unchanged (o, input, input_len, err);
  if (spec_plan_build (&config, &policy, procfs_fd, userns_known ? &rootless : NULL, log, &plan,
                       err)
      < 0)
    return -1;
  spec_edits edits;
  spec_edits_from_plan (&plan, &edits);
  size_t added = json_patches_count_absent (json_doc_root (config.doc), edits.patches, edits.n);
  /* Nothing to add: the spec stays as the engine wrote it, byte for byte
     (a rewrite would only reformat it), once the patches are known to fit
     it, as they must for a rendering.  */
  if (added == 0)
    {
      ret = json_patches_check (json_doc_root (config.doc), edits.patches, edits.n, err);
      if (ret == 0 && !o->bundle && write_all (STDOUT_FILENO, input, input_len) < 0)
        ret = hook_fail (err, errno, "write config.json to stdout");
    }
  /* Streamed: nothing reaches stdout unless the patches fit the spec
     (checked first); only a failing write can leave it incomplete, and
     the engine then sees a non-zero exit.  */
  else if (o->bundle)
    ret = bundle_config_rewrite (bundle_fd, json_doc_root (config.doc), edits.patches, edits.n,
                                 err);
  else
    ret = json_render_fd (json_doc_root (config.doc), edits.patches, edits.n, STDOUT_FILENO, err);
  if (ret < 0)
    return -1;
  log_info (log, "precreate: %zu addition(s) to the spec (only where absent): %s", added,
            plan.actions[ACTION_SANDBOX_SIZING].reason);
  return 0;
}

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
#include "explain.h"
#include "host.h"
#include "inputs.h"
#include "plan.h"
#include "safepath.h"
#include "stage.h"

int
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
  cleanup_capng_lib capng_lib capng = CAPNG_LIB_INIT;
  cleanup_selinux_lib selinux_lib selinux = SELINUX_LIB_INIT;
  hook_capabilities caps;
  cleanup_target_facts target_facts target = { 0 };
  sandbox_sizing pod_cgroup = { 0 };
  cleanup_pod_facts pod_facts pod = { .lookup = POD_LOOKUP_NONE };
  cleanup_engine_facts engine_facts engine = { 0 };
  const char *bundle = o->bundle, *id = "-", *sandbox_name = NULL;
  char reason[320];

  sandbox_policy_init_defaults (&policy);
  if (bundle == NULL)
    {
      if (state_read (&state, err) < 0)
        return -1;
      bundle = state.bundle;
      id = state.id;
    }
  if (stage_load_policy (o, &policy, log, err) < 0)
    return -1;
  if (open_directory (bundle, &bundle_fd, err) < 0)
    return hook_error_prefix (err, "%s", o->bundle ? "--bundle" : "state bundle");
  plan_input in = {
    .config = &config,
    .state_annotations = state.annotations,
    .policy = &policy,
    .host = &host,
    .target = &target,
    .pod_cgroup = &pod_cgroup,
    .pod = &pod,
    .engine = &engine,
  };
  if (spec_load (bundle_fd, &config, err) < 0 || gather_host_facts (-1, NULL, &in, &host, err) < 0
      || capabilities_read (&capng, &caps, err) < 0
      || host_security_facts (&caps, config.mount_label, &selinux, &host, err) < 0)
    return -1;
  bool is_sandbox = plan_classify (&policy, config.annotations, state.annotations, config.arg0,
                                   reason, sizeof reason);
  /* With a live pid the plan sees the real process; read-only.  */
  if (state.pid > 0 && target_process_open (state.pid, NULL, &process, err) == 0)
    {
      if (target_facts_from_process (&process, &config, &target, err) < 0)
        return -1;
      gather_cgroup_facts (&process, &policy, &config, &cgroup, &target);
      /* A member's sandbox, as its createRuntime would find it (a stale
         entry is reported, not removed: plan changes nothing).  */
      if (!is_sandbox
          && plan_classify_member (&policy, config.annotations, state.annotations, &sandbox_name,
                                   reason, sizeof reason)
          && plan_member_needs_sandbox (&policy, &config))
        gather_pod_facts (&policy, sandbox_name, &target, process.procfs_fd, false, &pod);
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
  /* What createRuntime would judge of the engine's files (read only).  As
     another user the engine's directories may be closed to it: the plan
     then says they are read at createRuntime, rather than refuse a pod
     for what root would read.  */
  if (geteuid () == 0 && is_sandbox)
    gather_engine_facts (&policy, &config, &engine);
  if (plan_build (&in, &plan, err) < 0)
    return -1;
  return explain_plan (&plan, id, "plan", true, stdout, err);
}

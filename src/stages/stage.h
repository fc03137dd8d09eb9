/* The stages of oci-sandbox-hook, one file each, and what they share:
   main.c reads the command line and runs one of them.  */
#ifndef OCI_SANDBOX_HOOK_STAGE_H
#define OCI_SANDBOX_HOOK_STAGE_H

#include <stdbool.h>

#include "cgroup.h"
#include "error.h"
#include "facts.h"
#include "log.h"
#include "plan.h"
#include "policy.h"
#include "process.h"
#include "render.h"
#include "sizing.h"
#include "spec.h"
#include "state.h"

/* Runtimes set no default timeout for hooks: bound the whole run once
   stdin is drained (docs/security.md, "Transactional").  poststop cleans up whatever a
   createRuntime killed by the deadline left behind.  */
#define HOOK_DEADLINE_SECONDS 30

typedef enum stage
{
  STAGE_INFER,
  STAGE_CREATE_RUNTIME,
  STAGE_POSTSTOP,
  STAGE_PLAN,
  STAGE_PRECREATE,
  STAGE_PODS, /* not a hook stage: the operator's view of the registry */
} stage;

typedef struct options
{
  stage stage;
  const char *stage_name;
  const char *policy_path;
  bool policy_explicit;
  const char *bundle; /* plan and precreate --bundle */
  bool json;          /* pods --json */
  bool log_level_set;
  log_level log_level;
  bool log_stderr;
  char *fail_after;
  unsigned int deadline; /* seconds */
} options;

/* Rootless engines (podman run by a user, in the user namespace of its
   pause process): the hook then runs as uid 0 of a user namespace that is
   not the initial one, i.e. with the privileges of the user who owns it.
   It can prove no file root's from there (root is unmapped: the overflow
   uid, or what maps to uid 0 is the user), so it trusts no policy, and it
   gives the pod nothing: true, with one info line naming the uid_map and
   WHAT the stage does instead (CAUSE, when not NULL, is the error that
   made the stage ask: logged at debug level).  False in the initial user
   namespace, or when /proc cannot tell (the caller reports its own
   error: stage_rootless is asked on the way out of a failure).  Never on
   the not-a-sandbox fast path.  */
bool stage_rootless (hook_log *log, const char *what, const hook_error *cause);
/* The same question asked by a stage about to act, through PROCFS_FD (a
   checked /proc to borrow, or -1): *ROOTLESS says, and /proc failing to
   tell is an error.  The answer is the host facts' in_user_namespace.  */
int stage_user_namespace (int procfs_fd, hook_log *log, const char *what, const hook_error *cause,
                          bool *rootless, hook_error **err);

/* createRuntime (or prestart): apply the plan to the live container.  */
int run_create_runtime (const options *o, oci_state *state, hook_log *log, hook_error **err);
/* poststop: sweep the hook's directory, whatever the policy says.  */
int run_poststop (const options *o, const oci_state *state, hook_log *log, hook_error **err);
/* plan: print the plan as JSON, change nothing.  */
int run_plan (const options *o, hook_log *log, hook_error **err);
/* precreate: the spec-level half, on stdin or --bundle.  */
int run_precreate (const options *o, hook_log *log, hook_error **err);

/* install and uninstall (ARGV[0] names which): their own options, no
   stage of a container; see stages/install.c.  */
int run_installer (int argc, char **argv, hook_error **err);

/* pods: the node's registered pods, a table or --json.  */
int run_pods (const options *o, hook_log *log, hook_error **err);

/* oci-sandbox-runtime, the runtime wrapper: main runs it instead of the
   hook when argv[0]'s name is WRAPPER_NAME.  It returns only on a refusal
   (its exit status); otherwise it execs the real runtime.  */
#define WRAPPER_NAME "oci-sandbox-runtime"
int runtime_main (int argc, char **argv);

/* The spec-level plan of CONFIG, made from config.json alone (precreate
   and the runtime wrapper): host facts, the namespaces config.json names,
   the pod cgroup parent's limits when sizing applies.  PROCFS_FD and
   IN_USER_NAMESPACE as for gather_host_facts.  */
int spec_plan_build (const container_spec *config, const sandbox_policy *policy, int procfs_fd,
                     const bool *in_user_namespace, hook_log *log, sandbox_plan *plan,
                     hook_error **err);

/* Replace BUNDLE_FD/config.json with ROOT rendered with PATCHES,
   atomically (a random O_EXCL temporary, fsync, rename), with the mode the
   engine gave it.  */
int bundle_config_rewrite (int bundle_fd, const json_value *root, const json_patch *patches,
                           size_t n, hook_error **err);

/* Load the policy of O into POLICY and apply its log settings.  */
int stage_load_policy (const options *o, sandbox_policy *policy, hook_log *log, hook_error **err);

/* The host facts for the plan of IN (its config, state annotations and
   policy): the hosts and resolv.conf sources only when the plan copies
   them (plan_host_sources).  PROCFS_FD: a checked /proc, or -1;
   IN_USER_NAMESPACE: what stage_user_namespace found, or NULL (read).  */
int gather_host_facts (int procfs_fd, const bool *in_user_namespace, const plan_input *in,
                       host_facts *host, hook_error **err);

/* The cgroup cpu_shares would change, and whether anything else lives in
   it, into TARGET (a failure is recorded there as a fact); nothing when
   POLICY sets no shares or CONFIG sets its own.  */
void gather_cgroup_facts (const target_process *process, const sandbox_policy *policy,
                          const container_spec *config, cgroup_target *cgroup,
                          target_facts *target);

/* A member's sandbox NAME in the policy's registry, and whether the
   member's init (its namespaces in TARGET) is in the sandbox's, into POD
   (a failure is a fact there too).  PROCFS_FD: a checked /proc the
   liveness check borrows, or -1.  SWEEP removes a stale entry
   (createRuntime; never `plan`).  */
void gather_pod_facts (const sandbox_policy *policy, const char *name, const target_facts *target,
                       int procfs_fd, bool sweep, pod_facts *pod);

/* The engine's resolv.conf and hostname that CONFIG binds from below the
   policy's engine_dirs, and the node's /etc/resolv.conf, into FACTS (read
   errors are facts too; nothing is read under engine_files: off).  */
void gather_engine_facts (const sandbox_policy *policy, const container_spec *config,
                          engine_facts *facts);
void engine_facts_clear (engine_facts *facts);
#define cleanup_engine_facts __attribute__ ((cleanup (engine_facts_clear)))

/* Facts without a live process: the namespaces config.json names, and the
   pod cgroup parent's limits for sizing.  */
int gather_spec_facts (const container_spec *config, const sandbox_policy *policy, hook_log *log,
                       target_facts *target, sandbox_sizing *pod_cgroup, hook_error **err);

#endif

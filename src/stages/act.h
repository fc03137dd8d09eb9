/* act: carry out a plan on the live container (createRuntime), and undo
   it (poststop).  Journaled: a failure undoes every host-side effect in
   reverse and exits non-zero; what was placed inside the container dies
   with it (runc kills the container when a createRuntime hook fails).  */
#ifndef OCI_SANDBOX_HOOK_ACT_H
#define OCI_SANDBOX_HOOK_ACT_H

#include "cgroup.h"
#include "error.h"
#include "log.h"
#include "plan.h"
#include "process.h"
#include "security_libs.h"

typedef struct act_context
{
  const char *container_id; /* the state's id */
  const char *bundle_path;  /* the state's bundle, as the registry records it */
  int bundle_fd;
  const char *rootfs; /* absolute */
  const target_process *process;
  const target_facts *target;      /* its namespaces, as the plan saw them */
  const cgroup_target *cgroup;     /* where cpu_shares writes (opened when it applies) */
  const selinux_label *file_label; /* SELinux label for generated files, or NULL */
  const char *fail_after;          /* fault injection (test builds) */
  bool user_namespace;             /* the container has its own user namespace */
  hook_log *log;
} act_context;

int act_create_runtime (const act_context *ctx, const sandbox_plan *plan, hook_error **err);

/* createRuntime of a pod member: bind SANDBOX's /dev/shm and /etc files
   (the registry's entry, its process proven alive and the member in its
   namespaces by the plan) into the container.  Nothing is made on the
   host, so nothing needs undoing there.  */
int act_member (const act_context *ctx, const pod_entry *sandbox, const sandbox_plan *plan,
                hook_error **err);
int act_poststop (int bundle_fd, hook_log *log, hook_error **err);

#endif

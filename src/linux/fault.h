/* Fault injection for the rollback tests (docs/security.md, threat 18): in a build
   configured with --enable-fault-injection, OCI_SANDBOX_HOOK_FAIL_AFTER=STEP
   makes createRuntime fail right after STEP (and roll back), and
   OCI_SANDBOX_HOOK_FAIL_AFTER=kill:STEP kills it by SIGKILL there (no
   rollback: poststop must clean up).  The steps are the ones the record of
   a run names (hook_dir.h), in act's order: dir, hostname, hosts,
   resolv_conf, shm, engine_shm, container_mounts, sysctls, oom_score_adj,
   cpu_shares, pod_registry; a member's createRuntime has member_mounts.
   Release builds compile the check to nothing.  */
#ifndef OCI_SANDBOX_HOOK_FAULT_H
#define OCI_SANDBOX_HOOK_FAULT_H

#include "error.h"

#define FAULT_ENV "OCI_SANDBOX_HOOK_FAIL_AFTER"
/* OCI_SANDBOX_HOOK_DEADLINE=SECONDS (1..3600) shortens the hook's deadline,
   so that the tests can watch it expire.  */
#define DEADLINE_ENV "OCI_SANDBOX_HOOK_DEADLINE"

/* CONFIGURED is the environment's value, read by main before it clears
   the environment (NULL when unset or in release builds).  */
int fault_point (const char *configured, const char *step, hook_error **err);

/* The deadline in seconds: CONFIGURED (the environment's value, NULL when
   unset; ignored in release builds) when it is a valid override, else
   FALLBACK.  */
unsigned int fault_deadline (const char *configured, unsigned int fallback);

#endif

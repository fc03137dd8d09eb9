/* The runtime wrapper's decisions (oci-sandbox-runtime, an engine's runc):
   which containers it edits at create, the hook entries it adds to their
   config.json, and the log line a refusal leaves where engines look for
   runc's errors.  The command line is runtime_args.h's; reading, writing
   and exec'ing are stages/runtime.c's.  */
#ifndef OCI_SANDBOX_HOOK_WRAPPER_H
#define OCI_SANDBOX_HOOK_WRAPPER_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "error.h"
#include "json.h"
#include "policy.h"
#include "render.h"

/* Runtimes set no default timeout for hooks; the hook bounds itself to
   30 s (stages/stage.h).  The runtime's timeout is the backstop above it,
   so that the hook's own message, not a kill, reports a stall.  */
#define WRAPPER_HOOK_TIMEOUT 40

typedef enum wrapped_kind
{
  WRAPPED_PLAIN,   /* none of the hook's business: exec'd unchanged */
  WRAPPED_SANDBOX, /* the spec edits and the hooks */
  WRAPPED_MEMBER,  /* the hooks */
} wrapped_kind;

/* What the wrapper does with the container of config.json (parsed, ROOT):
   a sandbox by the policy's sandbox_match, else a pod member by its
   member_match (the containers the hook handles), else plain.  Only
   annotations (an object of strings, as runtimes require) and
   process.args[0] are read.  */
int wrapper_classify (const sandbox_policy *policy, const json_value *root, wrapped_kind *kind,
                      char *reason, size_t reason_size, hook_error **err);

/* Two hook entries are the same hook when these members are equal.  */
extern const char *const wrapper_hook_identity[];

/* The hook entry of STAGE ("createRuntime" or "poststop") as a parsed
   object: {"path": HOOK_PATH, "args": ["oci-sandbox-hook", ["--policy",
   POLICY_PATH,] STAGE], "env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],
   "timeout": WRAPPER_HOOK_TIMEOUT}.  POLICY_PATH NULL: the hook's default
   policy, no option.  HOOK_PATH must be an absolute path.  */
int wrapper_hook_entry (const char *hook_path, const char *policy_path, const char *stage,
                        json_doc **out, hook_error **err);

/* The append patch that adds ENTRY to config.json hooks.STAGE unless an
   entry with the same identity is there.  */
json_patch wrapper_hook_patch (const char *stage, const json_doc *entry);

/* runc's log line for an error MSG at NOW, newline included, into a
   malloc'ed *OUT: with JSON, {"level":"error","msg":MSG,"time":RFC3339}
   (logrus' JSON formatter, keys sorted); else logrus' text form
   time="RFC3339" level=error msg="MSG" (Go-quoted).  The time is UTC.  */
int wrapper_log_line (bool json, const char *msg, time_t now, char **out, size_t *len,
                      hook_error **err);

#endif

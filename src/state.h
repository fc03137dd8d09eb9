/* The OCI state a runtime writes on a hook's stdin (runtime-spec "State"):
   parsed, type-checked and bounded.  Strings point into the parsed
   document, which the state owns.  */
#ifndef OCI_SANDBOX_HOOK_STATE_H
#define OCI_SANDBOX_HOOK_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"
#include "json.h"

/* Bounds for everything read from the runtime or the pod.  */
#define STATE_MAX_BYTES  (16u << 20)
#define JSON_MAX_DEPTH   64
#define CONTAINER_ID_MAX 1024
#define PID_MAX_LINUX    4194304

typedef struct oci_state
{
  json_doc *doc;
  const char *oci_version;
  const char *id;
  const char *status;            /* "" when the runtime sent none (Kata) */
  pid_t pid;                     /* 0 when absent (runc poststop) or 0 (crun poststop) */
  const char *bundle;            /* absolute, canonical */
  const json_value *annotations; /* object of strings, or NULL */
} oci_state;

int oci_state_parse (const char *buf, size_t len, oci_state *state, hook_error **err);
void oci_state_clear (oci_state *state);
#define cleanup_state __attribute__ ((cleanup (oci_state_clear)))

/* runc's container id grammar: [A-Za-z0-9_+.-]+, at most CONTAINER_ID_MAX
   bytes, not "." or "..".  The id names log lines and must never be a path.  */
int container_id_validate (const char *id, hook_error **err);

/* An absolute path without ".", ".." or empty components, shorter than
   PATH_MAX: what an engine hands us for the bundle.  */
int canonical_absolute_path_validate (const char *path, const char *name, hook_error **err);

/* Value of annotation KEY in ANNOTATIONS (an object of strings), or NULL.  */
const char *annotation_get (const json_value *annotations, const char *key);

#endif

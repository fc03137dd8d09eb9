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
#define STATE_MAX_BYTES (16u << 20)
#define JSON_MAX_DEPTH  64
#define PID_MAX_LINUX   4194304

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

/* Value of annotation KEY in ANNOTATIONS (an object of strings), or NULL.  */
const char *annotation_get (const json_value *annotations, const char *key);

#endif

#include <config.h>

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "names.h"
#include "state.h"

const char *
annotation_get (const json_value *annotations, const char *key)
{
  const json_value *v = json_get (annotations, key);
  return v && v->kind == JSON_STRING ? v->u.scalar.text : NULL;
}

int
oci_state_parse (const char *buf, size_t len, oci_state *state, hook_error **err)
{
  const json_limits limits = { .max_bytes = STATE_MAX_BYTES, .max_depth = JSON_MAX_DEPTH };
  const json_value *root, *v;
  int64_t pid = 0;

  memset (state, 0, sizeof *state);
  if (json_parse (buf, len, &limits, &state->doc, err) < 0)
    return hook_error_prefix (err, "state");
  root = json_doc_root (state->doc);
  if (json_expect (root, JSON_OBJECT, "state", err) < 0)
    return -1;

  if (json_string (json_get (root, "ociVersion"), "state ociVersion", &state->oci_version, err) < 0)
    return -1;
  if (strlen (state->oci_version) > 64)
    return hook_fail (err, 0, "state ociVersion: longer than 64 bytes");
  if (json_string (json_get (root, "id"), "state id", &state->id, err) < 0)
    return -1;
  if (container_id_validate (state->id, "state id", err) < 0)
    return -1;

  v = json_get (root, "status");
  state->status = "";
  if (v && json_string (v, "state status", &state->status, err) < 0)
    return -1;

  v = json_get (root, "pid");
  if (v && json_int64 (v, "state pid", 0, PID_MAX_LINUX, &pid, err) < 0)
    return -1;
  state->pid = (pid_t)pid;

  /* "bundlePath" is what engines before runtime-spec 1.0 sent.  */
  v = json_get (root, "bundle");
  if (v == NULL)
    v = json_get (root, "bundlePath");
  if (json_string (v, "state bundle", &state->bundle, err) < 0)
    return -1;
  if (canonical_absolute_path_validate (state->bundle, "state bundle", err) < 0)
    return -1;

  v = json_get (root, "annotations");
  if (v && v->kind != JSON_NULL)
    {
      if (json_string_map_validate (v, "state annotations", err) < 0)
        return -1;
      state->annotations = v;
    }
  return 0;
}

void
oci_state_clear (oci_state *state)
{
  json_doc_free (state->doc);
  memset (state, 0, sizeof *state);
}

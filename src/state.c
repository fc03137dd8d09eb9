#include <config.h>

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "state.h"

int
container_id_validate (const char *id, hook_error **err)
{
  size_t len = strlen (id);

  if (len == 0 || len > CONTAINER_ID_MAX)
    return hook_fail (err, 0, "state id: length %zu is not within [1, %d]", len, CONTAINER_ID_MAX);
  if (strcmp (id, ".") == 0 || strcmp (id, "..") == 0)
    return hook_fail (err, 0, "state id: \"%s\" is not a container id", id);
  for (const char *p = id; *p; p++)
    {
      unsigned char c = (unsigned char)*p;
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
            || c == '+' || c == '.' || c == '-'))
        return hook_fail (err, 0, "state id: character 0x%02x at offset %zu is not allowed", c,
                          (size_t)(p - id));
    }
  return 0;
}

int
canonical_absolute_path_validate (const char *path, const char *name, hook_error **err)
{
  size_t len = strlen (path);

  if (path[0] != '/')
    return hook_fail (err, 0, "%s: not an absolute path", name);
  if (len >= PATH_MAX)
    return hook_fail (err, ENAMETOOLONG, "%s: path of %zu bytes is too long", name, len);
  /* Walk the components: no "", ".", ".." (a trailing '/' is refused as
     an empty component, "/" alone is allowed).  */
  for (const char *p = path + 1; *p;)
    {
      const char *slash = strchr (p, '/');
      size_t n = slash ? (size_t)(slash - p) : strlen (p);
      if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
        return hook_fail (err, 0, "%s: \"%s\" is not a canonical path", name, path);
      for (size_t i = 0; i < n; i++)
        if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
          return hook_fail (err, 0, "%s: path contains a control character", name);
      p += n;
      /* The empty component after a trailing '/' ends the loop before it
         is looked at: refuse it here.  */
      if (*p == '/' && *++p == '\0')
        return hook_fail (err, 0, "%s: \"%s\" is not a canonical path", name, path);
    }
  return 0;
}

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
  if (container_id_validate (state->id, err) < 0)
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

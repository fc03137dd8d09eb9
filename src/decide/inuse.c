#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "inuse.h"
#include "json.h"
#include "string_list.h"

#define N(a) (sizeof (a) / sizeof ((a)[0]))

/* The defaults of the engines and runtimes, as root.  */
#define CONTAINERD_STATE_DEFAULT "/run/containerd"
#define CONTAINERD_RUNC_ROOT     "/run/containerd/runc"
#define RUNC_ROOT_DEFAULT        "/run/runc"
#define CRUN_ROOT_DEFAULT        "/run/crun"

const char *
inuse_format_name (inuse_format format)
{
  switch (format)
    {
    case INUSE_CONTAINERD_RUNTIME:
      return "containerd's runtime file";
    case INUSE_CONTAINERD_OPTIONS:
      return "containerd's options.json";
    case INUSE_RUNC_STATE:
      return "runc's state.json";
    case INUSE_OCI_CONFIG:
      return "crun's config.json";
    }
  return "?";
}

/* Keep P when it is absolute (a relative name is looked up in PATH by
   whoever runs it: not a path of the install).  */
static int
add_path (string_list *l, const char *p, hook_error **err)
{
  if (p[0] != '/')
    return 0;
  if (l->n == INUSE_MAX_PATHS)
    return hook_fail (err, 0, "more than %d executables named", INUSE_MAX_PATHS);
  if (string_list_take (l, strdup (p)) < 0)
    return hook_fail (err, ENOMEM, "state file");
  return 0;
}

/* The paths of a hooks object: {STAGE: null | [{"path": ...}, ...]}.
   WHERE names it in errors.  */
static int
hook_paths (const json_value *hooks, const char *where, string_list *l, hook_error **err)
{
  if (hooks == NULL || hooks->kind == JSON_NULL)
    return 0;
  if (hooks->kind != JSON_OBJECT)
    return hook_fail (err, 0, "%s is %s, not an object", where, json_kind_name (hooks->kind));
  for (size_t i = 0; i < hooks->u.object.count; i++)
    {
      const json_member *stage = &hooks->u.object.members[i];
      const json_value *list = stage->value;
      if (list->kind == JSON_NULL)
        continue;
      if (list->kind != JSON_ARRAY)
        return hook_fail (err, 0, "%s.%s is %s, not an array", where, stage->key,
                          json_kind_name (list->kind));
      for (size_t j = 0; j < list->u.array.count; j++)
        {
          const json_value *entry = list->u.array.items[j];
          const json_value *path = json_get (entry, "path");
          if (entry->kind != JSON_OBJECT || path == NULL || path->kind != JSON_STRING)
            return hook_fail (err, 0, "%s.%s[%zu] has no path", where, stage->key, j);
          if (add_path (l, path->u.scalar.text, err) < 0)
            return -1;
        }
    }
  return 0;
}

static int
parse_json (const char *buf, size_t len, size_t max, json_doc **doc, hook_error **err)
{
  const json_limits limits = { .max_bytes = max, .max_depth = 64 };
  return json_parse (buf, len, &limits, doc, err);
}

/* parse_json, and the document must be an object (*ROOT).  */
static int
parse_object (const char *buf, size_t len, size_t max, json_doc **doc, const json_value **root,
              hook_error **err)
{
  if (parse_json (buf, len, max, doc, err) < 0)
    return -1;
  *root = json_doc_root (*doc);
  return (*root)->kind == JSON_OBJECT ? 0 : hook_fail (err, 0, "not a JSON object");
}

int
inuse_named_paths (inuse_format format, const char *buf, size_t len, char ***paths, size_t *n,
                   hook_error **err)
{
  cleanup_string_list string_list l = { .items = NULL };
  cleanup_json json_doc *doc = NULL;
  const json_value *root, *v;

  *paths = NULL;
  *n = 0;
  switch (format)
    {
    case INUSE_CONTAINERD_RUNTIME:
      /* Go's []byte(BinaryName): a path, or nothing (the shim runs "runc").
         A NUL or a line break is no path an exec could take.  */
      if (len >= PATH_MAX || memchr (buf, '\0', len) || memchr (buf, '\n', len))
        return hook_fail (err, 0, "not a runtime's path");
      if (len && add_path (&l, buf, err) < 0)
        return -1;
      break;
    case INUSE_CONTAINERD_OPTIONS:
      if (parse_object (buf, len, INUSE_SMALL_MAX_BYTES, &doc, &root, err) < 0)
        return -1;
      v = json_get (root, "binary_name");
      if (v != NULL && v->kind != JSON_STRING)
        return hook_fail (err, 0, "binary_name is %s, not a string", json_kind_name (v->kind));
      if (v != NULL && add_path (&l, v->u.scalar.text, err) < 0)
        return -1;
      break;
    case INUSE_RUNC_STATE:
      if (parse_json (buf, len, INUSE_STATE_MAX_BYTES, &doc, err) < 0)
        return -1;
      v = json_get (json_doc_root (doc), "config");
      if (v == NULL || v->kind != JSON_OBJECT)
        return hook_fail (err, 0, "no config object");
      /* runc's libcontainer config has "Hooks" (a Go field without a JSON
         name); "hooks" is taken too, should a release name it.  */
      if (hook_paths (json_get (v, "Hooks"), "config.Hooks", &l, err) < 0
          || hook_paths (json_get (v, "hooks"), "config.hooks", &l, err) < 0)
        return -1;
      break;
    case INUSE_OCI_CONFIG:
      if (parse_object (buf, len, INUSE_STATE_MAX_BYTES, &doc, &root, err) < 0
          || hook_paths (json_get (root, "hooks"), "hooks", &l, err) < 0)
        return -1;
      break;
    }
  *paths = steal_pointer (&l.items);
  *n = l.n;
  l.n = 0;
  return 0;
}

bool
inuse_path_below (const char *path, const char *dir)
{
  size_t n = strlen (dir);

  if (strcmp (dir, "/") == 0)
    return path[0] == '/';
  return strncmp (path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* ------------------------------------------------------------------ users */

void
inuse_users_clear (inuse_users *users)
{
  for (size_t i = 0; i < users->n; i++)
    {
      free (users->items[i].engine);
      free (users->items[i].id);
      free (users->items[i].file);
      free (users->items[i].reason);
    }
  free (users->items);
  memset (users, 0, sizeof *users);
}

int
inuse_users_add (inuse_users *users, const char *engine, const char *id, const char *file,
                 const char *reason, bool damaged, hook_error **err)
{
  inuse_user *grown, *u;
  /* containerd's ids are NS/ID, runc's under containerd ID: the same
     container.  */
  const char *slash = strrchr (id, '/');
  const char *bare = slash ? slash + 1 : id;

  if (!damaged)
    for (size_t i = 0; i < users->n; i++)
      {
        const char *other = strrchr (users->items[i].id, '/');
        if (!users->items[i].damaged && strcmp (other ? other + 1 : users->items[i].id, bare) == 0)
          return 0;
      }
  grown = reallocarray (users->items, users->n + 1, sizeof *grown);
  if (grown == NULL)
    return hook_fail (err, ENOMEM, "uninstall");
  users->items = grown;
  u = &users->items[users->n];
  u->engine = strdup (engine);
  u->id = strdup (id);
  u->file = strdup (file);
  u->reason = strdup (reason);
  u->damaged = damaged;
  users->n++;
  users->containers++;
  if (u->engine == NULL || u->id == NULL || u->file == NULL || u->reason == NULL)
    return hook_fail (err, ENOMEM, "uninstall");
  return 0;
}

/* -------------------------------------------------------------- locations */

void
inuse_locations_clear (inuse_locations *loc)
{
  free_strings (loc->task_dirs, loc->n_task_dirs);
  free_strings (loc->ns_roots, loc->n_ns_roots);
  free_strings (loc->roots, loc->n_roots);
  free_strings (loc->notes, loc->n_notes);
  memset (loc, 0, sizeof *loc);
}

/* Add a clean copy of PATH to LIST unless it is there (or not absolute).  */
static int
add_location (char ***list, size_t *n, const char *path, hook_error **err)
{
  cleanup_free char *clean = NULL;
  char **grown;

  if (path == NULL || path[0] != '/')
    return 0;
  clean = path_clean (path);
  if (clean == NULL)
    return hook_fail (err, ENOMEM, "uninstall");
  for (size_t i = 0; i < *n; i++)
    if (strcmp ((*list)[i], clean) == 0)
      return 0;
  grown = reallocarray (*list, *n + 1, sizeof *grown);
  if (grown == NULL)
    return hook_fail (err, ENOMEM, "uninstall");
  *list = grown;
  (*list)[(*n)++] = steal_pointer (&clean);
  return 0;
}

static int
add_note (inuse_locations *loc, const char *engine, hook_error *e, const char *instead,
          hook_error **err)
{
  char *note = NULL;
  char **grown;

  if (asprintf (&note, "%s's configuration: %s: reading %s", engine, e->message, instead) < 0)
    return hook_fail (err, ENOMEM, "uninstall");
  grown = reallocarray (loc->notes, loc->n_notes + 1, sizeof *grown);
  if (grown == NULL)
    {
      free (note);
      return hook_fail (err, ENOMEM, "uninstall");
    }
  loc->notes = grown;
  loc->notes[loc->n_notes++] = note;
  return 0;
}

int
inuse_locations_build (const host_view *view, inuse_locations *loc, hook_error **err)
{
  cleanup_free char *state = NULL, *runc_root = NULL, *crio_root = NULL;
  hook_error *e = NULL;

  memset (loc, 0, sizeof *loc);
  if (containerd_state_locations (view, &state, &runc_root, &e) < 0)
    {
      int r = add_note (loc, "containerd", e, "its defaults", err);
      hook_error_free (e);
      e = NULL;
      if (r < 0)
        return -1;
    }
  if (crio_runtime_root (view, &crio_root, &e) < 0)
    {
      int r = add_note (loc, "CRI-O", e, "the runtimes' defaults", err);
      hook_error_free (e);
      e = NULL;
      if (r < 0)
        return -1;
    }
  if (add_location (&loc->task_dirs, &loc->n_task_dirs, state, err) < 0
      || add_location (&loc->task_dirs, &loc->n_task_dirs, CONTAINERD_STATE_DEFAULT, err) < 0
      || add_location (&loc->ns_roots, &loc->n_ns_roots, runc_root, err) < 0
      || add_location (&loc->ns_roots, &loc->n_ns_roots, CONTAINERD_RUNC_ROOT, err) < 0
      || add_location (&loc->roots, &loc->n_roots, crio_root, err) < 0
      || add_location (&loc->roots, &loc->n_roots, RUNC_ROOT_DEFAULT, err) < 0
      || add_location (&loc->roots, &loc->n_roots, CRUN_ROOT_DEFAULT, err) < 0)
    return -1;
  return 0;
}

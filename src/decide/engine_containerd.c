/* containerd's configuration, as containerd reads it (docs/installer-toml.md):
   the main file, then its imports breadth first (each file once), and the
   edits that make its default runtime run the sandbox wrapper.  */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "glob.h"
#include "install_plan.h"
#include "inuse.h"
#include "toml_edit.h"

#define N(a) (sizeof (a) / sizeof ((a)[0]))

/* More files than this is not a configuration anyone wrote by hand.  */
#define CONTAINERD_MAX_FILES 64

#define RUNC_V2 "io.containerd.runc.v2"

typedef struct config_set
{
  engine_config_file files[CONTAINERD_MAX_FILES];
  size_t n;
  /* The drop-in, placed where containerd will load it.  */
  bool has_drop_in;
  size_t drop_in_at;
} config_set;

static void
config_set_clear (config_set *set)
{
  engine_config_files_clear (set->files, &set->n);
}
#define cleanup_config_set __attribute__ ((cleanup (config_set_clear)))

typedef struct pending
{
  char *path;
  const char *parent; /* for messages; NULL for the main file */
} pending;

typedef struct queue
{
  pending items[CONTAINERD_MAX_FILES * 4];
  size_t head, tail;
} queue;

static void
queue_clear (queue *q)
{
  for (size_t i = q->head; i < q->tail; i++)
    free (q->items[i].path);
  q->head = q->tail = 0;
}
#define cleanup_queue __attribute__ ((cleanup (queue_clear)))

static int
queue_push (queue *q, char *path, const char *parent, hook_error **err)
{
  if (path == NULL)
    return hook_fail (err, ENOMEM, "containerd imports");
  if (q->tail == N (q->items))
    {
      free (path);
      return hook_fail (err, 0, "%s: more than %zu imports", parent ? parent : CONTAINERD_CONFIG,
                        N (q->items));
    }
  q->items[q->tail].path = path;
  q->items[q->tail].parent = parent;
  q->tail++;
  return 0;
}

static bool
has_file (const config_set *set, const char *path)
{
  for (size_t i = 0; i < set->n; i++)
    if (strcmp (set->files[i].path, path) == 0)
      return true;
  return false;
}

/* One entry of `imports`, resolved as containerd resolves it: an entry
   with a '*' is a glob (filepath.Glob), anything else a path relative to
   the importing file's directory.  A relative glob is relative to the
   daemon's working directory in 1.6 and to the importing file in 2.x: the
   installer cannot tell which containerd it is, so it refuses.  DROP_IN,
   when not NULL, is the file to be written: a glob that would match it
   lists it (*MATCHED).  */
static int
resolve_import (const host_view *view, const engine_config_file *parent, const char *entry,
                const char *drop_in, bool *matched, queue *q, hook_error **err)
{
  cleanup_free char *dir = NULL;
  const char *base;
  host_dirent *entries = NULL;
  size_t n_entries = 0;
  bool drop_in_listed = false;
  int ret = 0;

  if (strchr (entry, '*') == NULL)
    {
      cleanup_free char *parent_dir = path_dir (parent->path);
      if (parent_dir == NULL)
        return hook_fail (err, ENOMEM, "containerd imports");
      return queue_push (q, path_join (parent_dir, entry), parent->path, err);
    }
  if (entry[0] != '/')
    return hook_fail (err, 0,
                      "%s: imports \"%s\": a relative glob, which containerd 1.x resolves from "
                      "its working directory and 2.x from the file's directory; write it as an "
                      "absolute path",
                      parent->path, entry);
  base = strrchr (entry, '/') + 1;
  dir = strndup (entry, (size_t)(base - entry));
  if (dir == NULL)
    return hook_fail (err, ENOMEM, "containerd imports");
  if (strpbrk (dir, "*?[\\") != NULL)
    return hook_fail (err, 0,
                      "%s: imports \"%s\": a pattern in a directory name, which the installer "
                      "does not expand; name the directory",
                      parent->path, entry);
  {
    cleanup_free char *clean = path_clean (dir);
    if (clean == NULL)
      return hook_fail (err, ENOMEM, "containerd imports");
    free (dir);
    dir = steal_pointer (&clean);
  }
  if (view->list (view->ctx, dir, &entries, &n_entries, err) < 0)
    return hook_error_prefix (err, "%s: imports \"%s\"", parent->path, entry);

  /* filepath.Glob sorts the names it lists; the drop-in, when the pattern
     takes it, goes where its name sorts.  */
  cleanup_free char *drop_in_dir = drop_in ? path_dir (drop_in) : NULL;
  const char *drop_in_name = drop_in ? strrchr (drop_in, '/') + 1 : NULL;
  bool drop_in_here = drop_in && drop_in_dir && strcmp (drop_in_dir, dir) == 0;
  bool drop_in_matches = false;
  if (drop_in_here && glob_match (base, drop_in_name, &drop_in_matches, err) < 0)
    {
      ret = hook_error_prefix (err, "%s: imports", parent->path);
      goto out;
    }
  for (size_t i = 0; i <= n_entries; i++)
    {
      bool match = false;
      if (drop_in_matches && !drop_in_listed
          && (i == n_entries || strcmp (drop_in_name, entries[i].name) <= 0))
        {
          drop_in_listed = true;
          *matched = true;
          if (queue_push (q, strdup (drop_in), parent->path, err) < 0)
            {
              ret = -1;
              goto out;
            }
          if (i < n_entries && strcmp (drop_in_name, entries[i].name) == 0)
            continue; /* the drop-in's own name: listed once */
        }
      if (i == n_entries)
        break;
      if (glob_match (base, entries[i].name, &match, err) < 0)
        {
          ret = hook_error_prefix (err, "%s: imports", parent->path);
          goto out;
        }
      if (match && queue_push (q, path_join (dir, entries[i].name), parent->path, err) < 0)
        {
          ret = -1;
          goto out;
        }
    }
out:
  host_dirents_free (entries, n_entries);
  return ret;
}

/* Load the main file and its imports in containerd's order into SET.
   DROP_IN (may be NULL) is the drop-in to be written: listed where a glob
   takes it, or, with APPEND_DROP_IN, imported after the main file's own
   imports.  *FOUND is false when there is no main file.  */
static int
load_configs (const host_view *view, const char *drop_in, bool append_drop_in, config_set *set,
              bool *found, bool *drop_in_matched, hook_error **err)
{
  cleanup_queue queue q = { .head = 0 };

  *found = true;
  *drop_in_matched = false;
  set->has_drop_in = false;
  if (queue_push (&q, strdup (CONTAINERD_CONFIG), NULL, err) < 0)
    return -1;
  while (q.head < q.tail)
    {
      pending p = q.items[q.head++];
      cleanup_free char *path = p.path;
      engine_config_file *file;
      host_entry_type type = HOST_ABSENT;
      cleanup_toml_value toml_value imports = { 0 };
      cleanup_free char *data = NULL;
      size_t len = 0;

      if (has_file (set, path))
        continue;
      if (set->n == CONTAINERD_MAX_FILES)
        return hook_fail (err, 0, "%s: more than %d files through imports", CONTAINERD_CONFIG,
                          CONTAINERD_MAX_FILES);
      if (drop_in && strcmp (path, drop_in) == 0)
        {
          /* The drop-in is the installer's: the view shows the host
             without it, and its content is decided below.  */
          file = &set->files[set->n];
          file->path = steal_pointer (&path);
          file->data = NULL;
          file->len = 0;
          set->has_drop_in = true;
          set->drop_in_at = set->n++;
          continue;
        }
      if (view->read (view->ctx, path, &type, &data, &len, err) < 0)
        return hook_error_prefix (err, "containerd configuration %s", path);
      if (type == HOST_ABSENT && p.parent == NULL)
        {
          *found = false;
          return 0;
        }
      if (type != HOST_FILE)
        return hook_fail (err, 0, "%s (imported by %s): %s: containerd would not start", path,
                          p.parent ? p.parent : "containerd",
                          type == HOST_ABSENT ? "does not exist" : "not a regular file");
      if (toml_check (data, len, err) < 0)
        return hook_error_prefix (err, "%s", path);
      file = &set->files[set->n++];
      file->path = steal_pointer (&path);
      file->data = steal_pointer (&data);
      file->len = len;

      static const char *const IMPORTS[] = { "imports" };
      if (engine_config_get (file, IMPORTS, 1, &imports, err) < 0)
        return -1;
      if (imports.kind != TOML_ABSENT && !(imports.kind == TOML_ARRAY && imports.all_strings))
        return hook_fail (err, 0, "%s: imports is %s, not an array of strings", file->path,
                          toml_kind_name (imports.kind));
      for (size_t i = 0; i < imports.n_items; i++)
        if (resolve_import (view, file, imports.strings[i], drop_in, drop_in_matched, &q, err) < 0)
          return -1;
      if (set->n == 1 && drop_in && append_drop_in
          && queue_push (&q, strdup (drop_in), file->path, err) < 0)
        return -1;
    }
  return 0;
}

static bool
is_set (const toml_value *v)
{
  return v->kind != TOML_ABSENT;
}

/* A string the configuration must hold at PATH of FILE (absent is fine).  */
static int
get_string (const engine_config_file *file, const char *const *path, size_t n, const char *what,
            toml_value *out, hook_error **err)
{
  if (engine_config_get (file, path, n, out, err) < 0)
    return -1;
  if (out->kind != TOML_ABSENT && out->kind != TOML_STRING)
    return hook_fail (err, 0, "%s: %s is %s, not a string", file->path, what,
                      toml_kind_name (out->kind));
  return 0;
}

/* The last file (in load order, below LIMIT) where PATH is set: its index
   and value; *AT is SIZE_MAX when none sets it.  */
static int
last_set (const config_set *set, size_t limit, const char *const *path, size_t n, const char *what,
          bool want_string, toml_value *out, size_t *at, hook_error **err)
{
  *at = SIZE_MAX;
  memset (out, 0, sizeof *out);
  for (size_t i = limit; i > 0; i--)
    {
      toml_value v = { 0 };
      if ((want_string ? get_string (&set->files[i - 1], path, n, what, &v, err)
                       : engine_config_get (&set->files[i - 1], path, n, &v, err))
          < 0)
        return -1;
      if (is_set (&v))
        {
          *out = v;
          *at = i - 1;
          return 0;
        }
    }
  return 0;
}

static int
disabled_cri (const config_set *set, const char **file, const char **name, hook_error **err)
{
  static const char *const DISABLED[] = { "disabled_plugins" };
  static const char *const CRI_IDS[]
      = { "cri", "io.containerd.grpc.v1.cri", "io.containerd.cri.v1.runtime" };

  *file = NULL;
  for (size_t i = 0; i < set->n; i++)
    {
      cleanup_toml_value toml_value v = { 0 };
      if (engine_config_get (&set->files[i], DISABLED, 1, &v, err) < 0)
        return -1;
      if (v.kind == TOML_ABSENT)
        continue;
      if (!(v.kind == TOML_ARRAY && v.all_strings))
        return hook_fail (err, 0, "%s: disabled_plugins is %s, not an array of strings",
                          set->files[i].path, toml_kind_name (v.kind));
      for (size_t j = 0; j < v.n_items; j++)
        for (size_t k = 0; k < N (CRI_IDS); k++)
          if (strcmp (v.strings[j], CRI_IDS[k]) == 0)
            {
              *file = set->files[i].path;
              *name = CRI_IDS[k];
              return 0;
            }
    }
  return 0;
}

/* Apply one edit to *DOC (replaced by the result).  */
static int
edit_doc (char **doc, size_t *len, bool append, const char *const *path, size_t n,
          const char *value, const char *file, hook_error **err)
{
  char *out = NULL;
  size_t out_len = 0;
  int ret = append ? toml_append_string (*doc, *len, path, n, value, &out, &out_len, NULL, err)
                   : toml_set_string (*doc, *len, path, n, value, &out, &out_len, NULL, err);
  if (ret < 0)
    return hook_error_prefix (err, "%s", file);
  free (*doc);
  *doc = out;
  *len = out_len;
  return 0;
}

/* The runtime's BinaryName: the runtime the wrapper must exec (without
   one, the shim runs "runc" by PATH).  */
static int
chain_from (const host_view *view, const char *file, const toml_value *binary_name,
            const char *wrapper, engine_result *out, hook_error **err)
{
  bool set = binary_name->kind == TOML_STRING && binary_name->string[0] != '\0';

  if (set && strcmp (binary_name->string, wrapper) == 0)
    {
      out->names_wrapper = true;
      return 0;
    }
  if (host_resolve_executable (view, set ? binary_name->string : "runc",
                               set ? "options.BinaryName" : "the runc runtime's binary",
                               &out->runtime, err)
      < 0)
    return hook_error_prefix (err, "%s", file);
  return 0;
}

static int
push_target (engine_result *out, const char *path, char *data, size_t len, bool tmp_in_parent,
             char *what, hook_error **err)
{
  install_target t = {
    .path = strdup (path),
    .kind = TARGET_FILE,
    .data = data,
    .len = len,
    .mode = 0644,
    .tmp_in_parent = tmp_in_parent,
    .what = what,
    .restart_unit = "containerd.service",
  };
  return targets_push (&out->targets, &out->n_targets, &t, err);
}

/* Version 2: edit, in place, the file that finally defines the CRI plugin
   (1.x replaces a plugin's whole table with each file that names it).  */
static int
plan_version_2 (const host_view *view, const config_set *set, const char *wrapper,
                engine_result *out, hook_error **err)
{
  const char *plugin = "io.containerd.grpc.v1.cri";
  const char *const plugin_path[] = { "plugins", plugin };
  const char *const default_path[] = { "plugins", plugin, "containerd", "default_runtime_name" };
  cleanup_toml_value toml_value name = { 0 };
  size_t target = 0;

  /* The edited file: the last that defines the plugin, or the main
     file.  */
  for (size_t i = set->n; i > 0; i--)
    {
      cleanup_toml_value toml_value v = { 0 };
      if (engine_config_get (&set->files[i - 1], plugin_path, 2, &v, err) < 0)
        return -1;
      if (v.kind == TOML_TABLE)
        {
          target = i - 1;
          break;
        }
      if (is_set (&v))
        return hook_fail (err, 0, "%s: plugins.\"%s\" is %s, not a table", set->files[i - 1].path,
                          plugin, toml_kind_name (v.kind));
    }
  const engine_config_file *file = &set->files[target];
  if (get_string (file, default_path, N (default_path), "default_runtime_name", &name, err) < 0)
    return -1;
  const char *runtime = name.kind == TOML_STRING ? name.string : "runc";
  /* 2.x merges the files key by key where 1.x takes the last table whole:
     both must agree on the default runtime.  */
  for (size_t i = 0; i < target; i++)
    {
      cleanup_toml_value toml_value earlier = { 0 };
      if (get_string (&set->files[i], default_path, N (default_path), "default_runtime_name",
                      &earlier, err)
          < 0)
        return -1;
      if (is_set (&earlier) && strcmp (earlier.string, runtime) != 0)
        return hook_fail (err, 0,
                          "%s sets default_runtime_name = \"%s\", but %s (loaded later) defines "
                          "the CRI plugin again with %s \"%s\": containerd 1.x and 2.x disagree "
                          "on the default runtime; set it in %s",
                          set->files[i].path, earlier.string, file->path,
                          name.kind == TOML_STRING ? "" : "the default", runtime, file->path);
    }

  const char *const table[] = { "plugins", plugin, "containerd", "runtimes", runtime };
  const char *const type_path[]
      = { "plugins", plugin, "containerd", "runtimes", runtime, "runtime_type" };
  const char *const binary_path[]
      = { "plugins", plugin, "containerd", "runtimes", runtime, "options", "BinaryName" };
  const char *const annotations_path[]
      = { "plugins", plugin, "containerd", "runtimes", runtime, "pod_annotations" };
  cleanup_toml_value toml_value table_v = { 0 };
  cleanup_toml_value toml_value type = { 0 };
  cleanup_toml_value toml_value binary_name = { 0 };
  cleanup_free char *doc = NULL;
  size_t len = file->len;

  if (engine_config_get (file, table, N (table), &table_v, err) < 0
      || get_string (file, type_path, N (type_path), "runtime_type", &type, err) < 0
      || get_string (file, binary_path, N (binary_path), "options.BinaryName", &binary_name, err)
             < 0)
    return -1;
  if (table_v.kind == TOML_ABSENT && strcmp (runtime, "runc") != 0)
    return hook_fail (err, 0,
                      "%s: the default runtime \"%s\" has no [plugins.\"%s\".containerd."
                      "runtimes.%s] table: containerd would not start",
                      file->path, runtime, plugin, runtime);
  if (table_v.kind != TOML_ABSENT && type.kind == TOML_ABSENT)
    return hook_fail (err, 0,
                      "%s: the default runtime \"%s\" has no runtime_type: set runtime_type = "
                      "\"" RUNC_V2 "\" (the installer changes only runc runtimes)",
                      file->path, runtime);
  if (type.kind == TOML_STRING && strcmp (type.string, RUNC_V2) != 0)
    return hook_fail (err, 0,
                      "%s: the default runtime \"%s\" is of type \"%s\": only " RUNC_V2
                      " runtimes call a runc-compatible binary that the wrapper can stand in for",
                      file->path, runtime, type.string);
  if (chain_from (view, file->path, &binary_name, wrapper, out, err) < 0)
    return -1;

  doc = malloc (file->len + 1);
  if (doc == NULL)
    return hook_fail (err, ENOMEM, "containerd");
  memcpy (doc, file->data, file->len + 1);
  /* A new table replaces the runc runtime containerd has by default,
     runtime_type included: name it.  */
  if (table_v.kind == TOML_ABSENT
      && edit_doc (&doc, &len, false, type_path, N (type_path), RUNC_V2, file->path, err) < 0)
    return -1;
  if (edit_doc (&doc, &len, false, binary_path, N (binary_path), wrapper, file->path, err) < 0
      || edit_doc (&doc, &len, true, annotations_path, N (annotations_path),
                   INSTALL_POD_ANNOTATIONS, file->path, err)
             < 0)
    return -1;

  char *what = NULL;
  if (asprintf (&what,
                "containerd (config version 2): default runtime %s: options.BinaryName = \"%s\"%s, "
                "pod_annotations += \"" INSTALL_POD_ANNOTATIONS "\"%s",
                runtime, wrapper,
                binary_name.kind == TOML_STRING && binary_name.string[0] ? " (was set)" : "",
                table_v.kind == TOML_ABSENT ? ", runtime_type = \"" RUNC_V2 "\"" : "")
      < 0)
    return hook_fail (err, ENOMEM, "containerd");
  char *data = steal_pointer (&doc);
  return push_target (out, file->path, data, len, target != 0, what, err);
}

/* The drop-in of a version 3 configuration.  */
static int
render_drop_in (const char *runtime, const toml_value *annotations, const char *wrapper, char **out,
                size_t *out_len, hook_error **err)
{
  const char *plugin = "io.containerd.cri.v1.runtime";
  const char *const table[] = { "plugins", plugin, "containerd", "runtimes", runtime };
  const char *const options[] = { "plugins", plugin, "containerd", "runtimes", runtime, "options" };
  cleanup_free char *table_key = NULL, *options_key = NULL, *wrapper_s = NULL, *items = NULL;
  cleanup_free char *doc = NULL;
  size_t items_len = 0;
  FILE *f;

  if (toml_render_path (table, N (table), &table_key, err) < 0
      || toml_render_path (options, N (options), &options_key, err) < 0
      || toml_render_string (wrapper, &wrapper_s, err) < 0)
    return -1;
  f = open_memstream (&items, &items_len);
  if (f == NULL)
    return hook_fail (err, errno, "containerd drop-in");
  for (size_t i = 0; annotations->kind == TOML_ARRAY && i < annotations->n_items; i++)
    {
      cleanup_free char *s = NULL;
      if (strcmp (annotations->strings[i], INSTALL_POD_ANNOTATIONS) == 0)
        continue;
      if (toml_render_string (annotations->strings[i], &s, err) < 0)
        {
          fclose (f);
          return -1;
        }
      fprintf (f, "%s, ", s);
    }
  if (fclose (f) != 0)
    return hook_fail (err, errno, "containerd drop-in");
  if (asprintf (
          &doc,
          "# Written by `oci-sandbox-hook install`; `oci-sandbox-hook uninstall` removes it.\n"
          "# containerd's default runtime runs the sandbox wrapper, which execs the\n"
          "# runtime it replaced, and the pod annotations " INSTALL_POD_ANNOTATIONS " reach\n"
          "# the sandbox's spec.  containerd 2.x replaces an array of a later file whole:\n"
          "# pod_annotations repeats the items set before this file.\n"
          "version = 3\n"
          "\n"
          "[%s]\n"
          "  runtime_type = \"" RUNC_V2 "\"\n"
          "  pod_annotations = [%s\"" INSTALL_POD_ANNOTATIONS "\"]\n"
          "\n"
          "[%s]\n"
          "  BinaryName = %s\n",
          table_key, items, options_key, wrapper_s)
      < 0)
    return hook_fail (err, ENOMEM, "containerd drop-in");
  *out_len = strlen (doc);
  *out = steal_pointer (&doc);
  return 0;
}

/* Version 3: a drop-in through imports, loaded after every file that sets
   what it sets (2.x merges files key by key, the last one winning).  */
static int
plan_version_3 (const host_view *view, config_set *set, bool drop_in_matched, const char *wrapper,
                engine_result *out, hook_error **err)
{
  const char *plugin = "io.containerd.cri.v1.runtime";
  const char *const default_path[] = { "plugins", plugin, "containerd", "default_runtime_name" };
  cleanup_toml_value toml_value name = { 0 };
  size_t at;

  if (last_set (set, set->n, default_path, N (default_path), "default_runtime_name", true, &name,
                &at, err)
      < 0)
    return -1;
  const char *runtime = name.kind == TOML_STRING ? name.string : "runc";
  const char *const table[] = { "plugins", plugin, "containerd", "runtimes", runtime };
  const char *const type_path[]
      = { "plugins", plugin, "containerd", "runtimes", runtime, "runtime_type" };
  const char *const binary_path[]
      = { "plugins", plugin, "containerd", "runtimes", runtime, "options", "BinaryName" };
  const char *const annotations_path[]
      = { "plugins", plugin, "containerd", "runtimes", runtime, "pod_annotations" };
  cleanup_toml_value toml_value table_v = { 0 };
  cleanup_toml_value toml_value type = { 0 };
  cleanup_toml_value toml_value binary_name = { 0 };
  cleanup_toml_value toml_value annotations = { 0 };
  size_t table_at, type_at, binary_at, annotations_at;

  if (last_set (set, set->n, table, N (table), "the runtime", false, &table_v, &table_at, err) < 0
      || last_set (set, set->n, type_path, N (type_path), "runtime_type", true, &type, &type_at,
                   err)
             < 0
      || last_set (set, set->n, binary_path, N (binary_path), "options.BinaryName", true,
                   &binary_name, &binary_at, err)
             < 0
      || last_set (set, set->n, annotations_path, N (annotations_path), "pod_annotations", false,
                   &annotations, &annotations_at, err)
             < 0)
    return -1;
  if (table_v.kind == TOML_ABSENT && strcmp (runtime, "runc") != 0)
    return hook_fail (
        err, 0,
        "%s: the default runtime \"%s\" has no [plugins.\"%s\".containerd.runtimes.%s] "
        "table in any file: containerd would not start",
        CONTAINERD_CONFIG, runtime, plugin, runtime);
  if (table_v.kind != TOML_ABSENT && table_v.kind != TOML_TABLE)
    return hook_fail (err, 0, "%s: the runtime \"%s\" is %s, not a table",
                      set->files[table_at].path, runtime, toml_kind_name (table_v.kind));
  if (type.kind == TOML_STRING && strcmp (type.string, RUNC_V2) != 0)
    return hook_fail (err, 0,
                      "%s: the default runtime \"%s\" is of type \"%s\": only " RUNC_V2
                      " runtimes call a runc-compatible binary that the wrapper can stand in for",
                      set->files[type_at].path, runtime, type.string);
  if (annotations.kind != TOML_ABSENT
      && !(annotations.kind == TOML_ARRAY && annotations.all_strings))
    return hook_fail (err, 0, "%s: pod_annotations is %s, not an array of strings",
                      set->files[annotations_at].path, toml_kind_name (annotations.kind));
  if (chain_from (view, binary_at == SIZE_MAX ? CONTAINERD_CONFIG : set->files[binary_at].path,
                  &binary_name, wrapper, out, err)
      < 0)
    return -1;

  /* Nothing loaded after the drop-in may set what it sets.  */
  for (size_t i = set->drop_in_at + 1; i < set->n; i++)
    {
      const char *const *paths[] = { type_path, binary_path, annotations_path };
      const size_t lens[] = { N (type_path), N (binary_path), N (annotations_path) };
      for (size_t k = 0; k < N (paths); k++)
        {
          cleanup_toml_value toml_value v = { 0 };
          if (engine_config_get (&set->files[i], paths[k], lens[k], &v, err) < 0)
            return -1;
          if (is_set (&v))
            return hook_fail (err, 0,
                              "%s, loaded after the drop-in %s, sets %s of the default runtime "
                              "\"%s\" and would undo it: move that setting before it",
                              set->files[i].path, CONTAINERD_DROP_IN, paths[k][lens[k] - 1],
                              runtime);
        }
    }

  char *doc = NULL, *what = NULL;
  size_t len = 0;
  if (render_drop_in (runtime, &annotations, wrapper, &doc, &len, err) < 0)
    return -1;
  /* The proof that it says what it must: read back.  */
  {
    const char *const p3[]
        = { "plugins", plugin, "containerd", "runtimes", runtime, "options", "BinaryName" };
    cleanup_toml_value toml_value back = { 0 };
    if (toml_get (doc, len, p3, N (p3), &back, err) < 0 || back.kind != TOML_STRING
        || strcmp (back.string, wrapper) != 0)
      {
        free (doc);
        return *err ? -1 : hook_fail (err, 0, "internal error: the containerd drop-in");
      }
  }
  if (asprintf (&what,
                "containerd (config version 3): drop-in for the default runtime %s: "
                "options.BinaryName = \"%s\", pod_annotations += \"" INSTALL_POD_ANNOTATIONS "\"",
                runtime, wrapper)
      < 0)
    {
      free (doc);
      return hook_fail (err, ENOMEM, "containerd");
    }
  if (push_target (out, CONTAINERD_DROP_IN, doc, len, true, what, err) < 0)
    return -1;

  if (!drop_in_matched)
    {
      /* The main file's imports name the drop-in.  */
      static const char *const IMPORTS[] = { "imports" };
      const engine_config_file *main_file = &set->files[0];
      cleanup_free char *main_doc = malloc (main_file->len + 1);
      size_t main_len = main_file->len;
      if (main_doc == NULL)
        return hook_fail (err, ENOMEM, "containerd");
      memcpy (main_doc, main_file->data, main_file->len + 1);
      if (edit_doc (&main_doc, &main_len, true, IMPORTS, 1, CONTAINERD_DROP_IN, main_file->path,
                    err)
          < 0)
        return -1;
      if (asprintf (&what, "containerd: imports += \"%s\"", CONTAINERD_DROP_IN) < 0)
        return hook_fail (err, ENOMEM, "containerd");
      char *data = steal_pointer (&main_doc);
      if (push_target (out, main_file->path, data, main_len, false, what, err) < 0)
        return -1;
    }
  return 0;
}

int
containerd_plan (const host_view *view, const char *wrapper, engine_result *out, hook_error **err)
{
  static const char *const VERSION_KEY[] = { "version" };
  cleanup_config_set config_set set = { .n = 0 };
  cleanup_toml_value toml_value version = { 0 };
  const char *disabled_in = NULL, *disabled_name = NULL;
  bool found = false, matched = false;

  memset (out, 0, sizeof *out);
  if (load_configs (view, NULL, false, &set, &found, &matched, err) < 0)
    return -1;
  if (!found)
    return 0;
  out->found = true;
  if (engine_config_get (&set.files[0], VERSION_KEY, 1, &version, err) < 0)
    return -1;
  if (disabled_cri (&set, &disabled_in, &disabled_name, err) < 0)
    return -1;
  if (disabled_in)
    {
      if (asprintf (&out->skipped,
                    "containerd: the CRI plugin is disabled (\"%s\" in "
                    "disabled_plugins of %s)",
                    disabled_name, disabled_in)
          < 0)
        return hook_fail (err, ENOMEM, "containerd");
      return 0;
    }
  if (version.kind == TOML_ABSENT)
    return hook_fail (err, 0,
                      "%s: no version: containerd reads it as version 1, whose plugin names the "
                      "installer does not edit; write version = 2 (containerd 1.6, 1.7) or 3 (2.x)",
                      CONTAINERD_CONFIG);
  if (version.kind != TOML_INTEGER || (version.integer != 2 && version.integer != 3))
    return hook_fail (err, 0, "%s: version %s%lld: the installer edits versions 2 and 3",
                      CONTAINERD_CONFIG, version.kind == TOML_INTEGER ? "" : "is not an integer: ",
                      version.kind == TOML_INTEGER ? (long long)version.integer : 0LL);
  for (size_t i = 1; i < set.n; i++)
    {
      cleanup_toml_value toml_value v = { 0 };
      if (engine_config_get (&set.files[i], VERSION_KEY, 1, &v, err) < 0)
        return -1;
      if (is_set (&v) && !(v.kind == TOML_INTEGER && v.integer == version.integer))
        return hook_fail (err, 0,
                          "%s: an imported file of another version than %s's (%lld): containerd "
                          "versions merge them differently",
                          set.files[i].path, CONTAINERD_CONFIG, (long long)version.integer);
    }
  if (version.integer == 2)
    return plan_version_2 (view, &set, wrapper, out, err);

  /* Version 3: load again with the drop-in where containerd will find it:
     through a glob that takes it, or appended to the main file's imports.  */
  config_set_clear (&set);
  if (load_configs (view, CONTAINERD_DROP_IN, false, &set, &found, &matched, err) < 0)
    return -1;
  if (!matched)
    {
      config_set_clear (&set);
      if (load_configs (view, CONTAINERD_DROP_IN, true, &set, &found, &matched, err) < 0)
        return -1;
      matched = false;
    }
  if (!set.has_drop_in)
    return hook_fail (err, 0, "internal error: the containerd drop-in is not loaded");
  return plan_version_3 (view, &set, matched, wrapper, out, err);
}

int
containerd_state_locations (const host_view *view, char **state, char **runc_root, hook_error **err)
{
  static const char *const STATE[] = { "state" };
  static const char *const PLUGINS[]
      = { "io.containerd.grpc.v1.cri", "io.containerd.cri.v1.runtime" };
  cleanup_config_set config_set set = { .n = 0 };
  cleanup_toml_value toml_value v = { 0 };
  bool found = false, matched = false;
  size_t at;

  *state = NULL;
  *runc_root = NULL;
  if (load_configs (view, NULL, false, &set, &found, &matched, err) < 0)
    return -1;
  if (!found)
    return 0;
  /* Top-level keys: the last file that sets one wins (1.x and 2.x merge
     imports so).  */
  if (last_set (&set, set.n, STATE, 1, "state", true, &v, &at, err) < 0)
    return -1;
  if (v.kind == TOML_STRING && v.string[0] && (*state = strdup (v.string)) == NULL)
    return hook_fail (err, ENOMEM, "containerd");
  for (size_t p = 0; p < N (PLUGINS); p++)
    {
      const char *const default_path[]
          = { "plugins", PLUGINS[p], "containerd", "default_runtime_name" };
      cleanup_toml_value toml_value name = { 0 };
      cleanup_toml_value toml_value root = { 0 };
      if (last_set (&set, set.n, default_path, N (default_path), "default_runtime_name", true,
                    &name, &at, err)
          < 0)
        return -1;
      const char *runtime = name.kind == TOML_STRING ? name.string : "runc";
      const char *const root_path[]
          = { "plugins", PLUGINS[p], "containerd", "runtimes", runtime, "options", "Root" };
      if (last_set (&set, set.n, root_path, N (root_path), "options.Root", true, &root, &at, err)
          < 0)
        return -1;
      if (root.kind == TOML_STRING && root.string[0] && *runc_root == NULL
          && (*runc_root = strdup (root.string)) == NULL)
        return hook_fail (err, ENOMEM, "containerd");
    }
  return 0;
}

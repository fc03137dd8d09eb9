/* CRI-O's configuration, as CRI-O reads it (docs/installer-toml.md):
   crio.conf, then every file below crio.conf.d in filepath.Walk's order
   (names sorted, subdirectories walked where they sort), each decoded over
   the result so far; a [crio.runtime.runtimes.NAME] table replaces that
   runtime's whole table.  The installer's drop-in therefore repeats every
   key of the default runtime's table, with runtime_path the wrapper.  */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "install_plan.h"
#include "inuse.h"
#include "toml_edit.h"

#define N(a) (sizeof (a) / sizeof ((a)[0]))

#define CRIO_MAX_FILES 64
#define CRIO_MAX_DEPTH 8

typedef struct crio_set
{
  engine_config_file files[CRIO_MAX_FILES + 1];
  size_t n;
  size_t drop_in_at;
} crio_set;

static void
crio_set_clear (crio_set *set)
{
  engine_config_files_clear (set->files, &set->n);
}
#define cleanup_crio_set __attribute__ ((cleanup (crio_set_clear)))

static int
add_file (const host_view *view, crio_set *set, const char *path, bool drop_in, hook_error **err)
{
  host_entry_type type = HOST_ABSENT;
  char *data = NULL;
  size_t len = 0;

  if (set->n == N (set->files))
    return hook_fail (err, 0, "%s: more than %d files", CRIO_DROP_IN_DIR, CRIO_MAX_FILES);
  if (!drop_in)
    {
      if (view->read (view->ctx, path, &type, &data, &len, err) < 0)
        return hook_error_prefix (err, "CRI-O configuration %s", path);
      if (type != HOST_FILE)
        {
          free (data);
          return hook_fail (err, 0, "%s: not a regular file: CRI-O would not start", path);
        }
      if (toml_check (data, len, err) < 0)
        {
          free (data);
          return hook_error_prefix (err, "%s", path);
        }
    }
  set->files[set->n].path = strdup (path);
  set->files[set->n].data = data;
  set->files[set->n].len = len;
  if (set->files[set->n].path == NULL)
    {
      free (data);
      return hook_fail (err, ENOMEM, "CRI-O configuration");
    }
  if (drop_in)
    set->drop_in_at = set->n;
  set->n++;
  return 0;
}

/* filepath.Walk of DIR: its entries sorted, a subdirectory walked where
   its name sorts.  The drop-in (DIR == crio.conf.d) takes its place among
   them.  */
static int
walk (const host_view *view, const char *dir, unsigned depth, crio_set *set, hook_error **err)
{
  host_dirent *entries = NULL;
  size_t n = 0;
  bool top = strcmp (dir, CRIO_DROP_IN_DIR) == 0, placed = !top;
  const char *drop_in_name = strrchr (CRIO_DROP_IN, '/') + 1;
  int ret = 0;

  if (depth > CRIO_MAX_DEPTH)
    return hook_fail (err, 0, "%s: directories nested deeper than %d", dir, CRIO_MAX_DEPTH);
  if (view->list (view->ctx, dir, &entries, &n, err) < 0)
    return hook_error_prefix (err, "CRI-O configuration %s", dir);
  for (size_t i = 0; i <= n && ret == 0; i++)
    {
      cleanup_free char *path = NULL;
      if (!placed && (i == n || strcmp (drop_in_name, entries[i].name) <= 0))
        {
          placed = true;
          ret = add_file (view, set, CRIO_DROP_IN, true, err);
          if (ret < 0 || (i < n && strcmp (drop_in_name, entries[i].name) == 0))
            continue;
        }
      if (i == n)
        break;
      path = path_join (dir, entries[i].name);
      if (path == NULL)
        ret = hook_fail (err, ENOMEM, "CRI-O configuration");
      else if (entries[i].type == HOST_DIRECTORY)
        ret = walk (view, path, depth + 1, set, err);
      else if (entries[i].type == HOST_FILE)
        ret = add_file (view, set, path, false, err);
      else
        ret = hook_fail (err, 0, "%s: not a regular file: CRI-O would not start", path);
    }
  host_dirents_free (entries, n);
  return ret;
}

/* The last file (in reading order, the drop-in aside) where PATH is set.  */
static int
last_set (const crio_set *set, const char *const *path, size_t n, toml_value *out, size_t *at,
          hook_error **err)
{
  *at = SIZE_MAX;
  memset (out, 0, sizeof *out);
  for (size_t i = set->n; i > 0; i--)
    {
      toml_value v = { 0 };
      if (engine_config_get (&set->files[i - 1], path, n, &v, err) < 0)
        return -1;
      if (v.kind != TOML_ABSENT)
        {
          *out = v;
          *at = i - 1;
          return 0;
        }
    }
  return 0;
}

static int
render_drop_in (const char *runtime, const char *from, const toml_entry *entries, size_t n,
                const char *wrapper, char **out, size_t *out_len, hook_error **err)
{
  const char *const table[] = { "crio", "runtime", "runtimes", runtime };
  cleanup_free char *header = NULL, *wrapper_s = NULL, *doc = NULL;
  size_t len = 0;
  bool replaced = false;
  FILE *f;

  if (toml_render_path (table, N (table), &header, err) < 0
      || toml_render_string (wrapper, &wrapper_s, err) < 0)
    return -1;
  f = open_memstream (&doc, &len);
  if (f == NULL)
    return hook_fail (err, errno, "CRI-O drop-in");
  fprintf (f,
           "# Written by `oci-sandbox-hook install`; `oci-sandbox-hook uninstall` removes it.\n"
           "# CRI-O's default runtime runs the sandbox wrapper, which execs the runtime it\n"
           "# replaced.  A runtime table in a drop-in replaces the table of that name whole,\n"
           "# so every key of the one in %s is repeated here.\n"
           "[%s]\n",
           from, header);
  for (size_t i = 0; i < n; i++)
    {
      cleanup_free char *key = NULL;
      const char *const k[] = { entries[i].key };
      if (toml_render_path (k, 1, &key, err) < 0)
        {
          fclose (f);
          return -1;
        }
      if (strcmp (entries[i].key, "runtime_path") == 0)
        {
          fprintf (f, "%s = %s\n", key, wrapper_s);
          replaced = true;
        }
      else
        fprintf (f, "%s = %.*s\n", key, (int)entries[i].raw_len, entries[i].raw);
    }
  if (!replaced)
    fprintf (f, "runtime_path = %s\n", wrapper_s);
  if (fclose (f) != 0)
    return hook_fail (err, errno, "CRI-O drop-in");
  *out_len = len;
  *out = steal_pointer (&doc);
  return 0;
}

/* The proof: the drop-in is valid TOML whose runtime table holds the
   same keys and value bytes as the one it repeats, runtime_path aside.  */
static int
verify_drop_in (const char *doc, size_t len, const char *runtime, const toml_entry *entries,
                size_t n, const char *wrapper, hook_error **err)
{
  const char *const table[] = { "crio", "runtime", "runtimes", runtime };
  const char *const path_key[] = { "crio", "runtime", "runtimes", runtime, "runtime_path" };
  toml_entry *got = NULL;
  size_t n_got = 0, j = 0;
  bool exists = false, ok = true;
  cleanup_toml_value toml_value path = { 0 };

  if (toml_table_entries (doc, len, table, N (table), &exists, &got, &n_got, err) < 0
      || toml_get (doc, len, path_key, N (path_key), &path, err) < 0)
    {
      toml_entries_free (got, n_got);
      return hook_error_prefix (err, "internal error: the CRI-O drop-in");
    }
  ok = exists && path.kind == TOML_STRING && strcmp (path.string, wrapper) == 0;
  for (size_t i = 0; ok && i < n; i++)
    {
      if (strcmp (entries[i].key, "runtime_path") == 0)
        {
          j++;
          continue;
        }
      ok = j < n_got && strcmp (got[j].key, entries[i].key) == 0
           && got[j].raw_len == entries[i].raw_len
           && memcmp (got[j].raw, entries[i].raw, entries[i].raw_len) == 0;
      j++;
    }
  toml_entries_free (got, n_got);
  if (!ok)
    return hook_fail (err, 0, "internal error: the CRI-O drop-in does not repeat the table");
  return 0;
}

int
crio_plan (const host_view *view, const char *wrapper, engine_result *out, hook_error **err)
{
  static const char *const DEFAULT[] = { "crio", "runtime", "default_runtime" };
  static const char *const HOOKS_DIR[] = { "crio", "runtime", "hooks_dir" };
  cleanup_crio_set crio_set set = { .n = 0 };
  cleanup_toml_value toml_value name = { 0 };
  cleanup_toml_value toml_value hooks = { 0 };
  host_entry_type type = HOST_ABSENT;
  cleanup_free char *ignored = NULL;
  size_t len = 0, at, hooks_at;
  bool has_main;

  memset (out, 0, sizeof *out);
  if (view->read (view->ctx, CRIO_CONFIG, &type, &ignored, &len, err) < 0)
    return hook_error_prefix (err, "CRI-O configuration %s", CRIO_CONFIG);
  has_main = type != HOST_ABSENT;
  {
    host_entry_type dir_type = HOST_ABSENT;
    cleanup_free char *unused = NULL;
    if (view->read (view->ctx, CRIO_DROP_IN_DIR, &dir_type, &unused, &len, err) < 0)
      return hook_error_prefix (err, "CRI-O configuration %s", CRIO_DROP_IN_DIR);
    if (!has_main && dir_type == HOST_ABSENT)
      return 0;
    if (dir_type != HOST_ABSENT && dir_type != HOST_DIRECTORY)
      return hook_fail (err, 0, "%s: not a directory", CRIO_DROP_IN_DIR);
  }
  out->found = true;
  if (has_main && add_file (view, &set, CRIO_CONFIG, false, err) < 0)
    return -1;
  if (walk (view, CRIO_DROP_IN_DIR, 0, &set, err) < 0)
    return -1;

  if (last_set (&set, DEFAULT, N (DEFAULT), &name, &at, err) < 0)
    return -1;
  if (name.kind == TOML_ABSENT)
    return hook_fail (err, 0,
                      "CRI-O: no file sets crio.runtime.default_runtime in %s or %s: CRI-O's "
                      "built-in default differs between versions (runc, then crun); set it",
                      CRIO_CONFIG, CRIO_DROP_IN_DIR);
  if (name.kind != TOML_STRING || name.string[0] == '\0')
    return hook_fail (err, 0, "%s: crio.runtime.default_runtime is %s, not a runtime's name",
                      set.files[at].path,
                      name.kind == TOML_STRING ? "empty" : toml_kind_name (name.kind));
  const char *runtime = name.string;
  const char *const table[] = { "crio", "runtime", "runtimes", runtime };
  const char *const type_path[] = { "crio", "runtime", "runtimes", runtime, "runtime_type" };
  const char *const path_path[] = { "crio", "runtime", "runtimes", runtime, "runtime_path" };
  cleanup_toml_value toml_value table_v = { 0 };
  size_t table_at;

  if (last_set (&set, table, N (table), &table_v, &table_at, err) < 0)
    return -1;
  if (table_v.kind == TOML_ABSENT)
    return hook_fail (err, 0,
                      "CRI-O: the default runtime \"%s\" has no [crio.runtime.runtimes.%s] table "
                      "in %s or %s: it comes from CRI-O's built-in defaults, which differ between "
                      "versions; write the table",
                      runtime, runtime, CRIO_CONFIG, CRIO_DROP_IN_DIR);
  if (table_at > set.drop_in_at)
    return hook_fail (err, 0,
                      "%s, read after the drop-in %s, defines the default runtime \"%s\": move "
                      "it before",
                      set.files[table_at].path, CRIO_DROP_IN, runtime);
  for (size_t i = set.drop_in_at + 1; i < set.n; i++)
    {
      cleanup_toml_value toml_value v = { 0 };
      if (engine_config_get (&set.files[i], DEFAULT, N (DEFAULT), &v, err) < 0)
        return -1;
      if (v.kind != TOML_ABSENT)
        return hook_fail (err, 0,
                          "%s, read after the drop-in %s, sets the default runtime: move it "
                          "before",
                          set.files[i].path, CRIO_DROP_IN);
    }

  const engine_config_file *from = &set.files[table_at];
  cleanup_toml_value toml_value rtype = { 0 };
  cleanup_toml_value toml_value rpath = { 0 };
  toml_entry *entries = NULL;
  size_t n_entries = 0;
  bool exists = false;
  char *doc = NULL, *what = NULL;
  size_t doc_len = 0;
  int ret = -1;

  if (engine_config_get (from, type_path, N (type_path), &rtype, err) < 0
      || engine_config_get (from, path_path, N (path_path), &rpath, err) < 0)
    return -1;
  if (rtype.kind != TOML_ABSENT
      && !(rtype.kind == TOML_STRING
           && (strcmp (rtype.string, "oci") == 0 || rtype.string[0] == 0)))
    return hook_fail (err, 0,
                      "%s: the default runtime \"%s\" is of runtime_type %s%s%s: only \"oci\" "
                      "runtimes are runc-compatible binaries that the wrapper can stand in for",
                      from->path, runtime, rtype.kind == TOML_STRING ? "\"" : "",
                      rtype.kind == TOML_STRING ? rtype.string : toml_kind_name (rtype.kind),
                      rtype.kind == TOML_STRING ? "\"" : "");
  if (rpath.kind != TOML_ABSENT && rpath.kind != TOML_STRING)
    return hook_fail (err, 0, "%s: runtime_path of \"%s\" is %s, not a string", from->path, runtime,
                      toml_kind_name (rpath.kind));
  if (rpath.kind == TOML_STRING && strcmp (rpath.string, wrapper) == 0)
    out->names_wrapper = true;
  else if (host_resolve_executable (
               view, rpath.kind == TOML_STRING && rpath.string[0] ? rpath.string : runtime,
               "runtime_path", &out->runtime, err)
           < 0)
    return hook_error_prefix (err, "%s: the default runtime \"%s\"", from->path, runtime);

  if (toml_table_entries (from->data, from->len, table, N (table), &exists, &entries, &n_entries,
                          err)
      < 0)
    return hook_error_prefix (err, "%s", from->path);
  if (render_drop_in (runtime, from->path, entries, n_entries, wrapper, &doc, &doc_len, err) < 0
      || verify_drop_in (doc, doc_len, runtime, entries, n_entries, wrapper, err) < 0)
    goto out;
  if (asprintf (&what, "CRI-O: drop-in for the default runtime %s: runtime_path = \"%s\"", runtime,
                wrapper)
      < 0)
    {
      hook_fail (err, ENOMEM, "CRI-O");
      goto out;
    }
  {
    install_target t = {
      .path = strdup (CRIO_DROP_IN),
      .kind = TARGET_FILE,
      .data = steal_pointer (&doc),
      .len = doc_len,
      .mode = 0644,
      .tmp_in_parent = true,
      .what = steal_pointer (&what),
      .restart_unit = "crio.service",
    };
    if (targets_push (&out->targets, &out->n_targets, &t, err) < 0)
      goto out;
  }

  /* The hooks directories it reads: the stage keeps podman's precreate
     files out of them (CRI-O refuses the stage and would not start).  */
  if (last_set (&set, HOOKS_DIR, N (HOOKS_DIR), &hooks, &hooks_at, err) < 0)
    goto out;
  if (hooks.kind != TOML_ABSENT)
    {
      if (!(hooks.kind == TOML_ARRAY && hooks.all_strings))
        {
          hook_fail (err, 0, "%s: crio.runtime.hooks_dir is %s, not an array of strings",
                     set.files[hooks_at].path, toml_kind_name (hooks.kind));
          goto out;
        }
      out->hooks_dirs = hooks.strings;
      out->n_hooks_dirs = hooks.n_items;
      hooks.strings = NULL;
      hooks.n_items = 0;
    }
  ret = 0;
out:
  free (doc);
  free (what);
  toml_entries_free (entries, n_entries);
  return ret;
}

int
crio_runtime_root (const host_view *view, char **root, hook_error **err)
{
  static const char *const DEFAULT[] = { "crio", "runtime", "default_runtime" };
  cleanup_crio_set crio_set set = { .n = 0 };
  cleanup_toml_value toml_value name = { 0 };
  cleanup_toml_value toml_value value = { 0 };
  host_entry_type type = HOST_ABSENT, dir_type = HOST_ABSENT;
  cleanup_free char *ignored = NULL, *unused = NULL;
  size_t len = 0, at;

  *root = NULL;
  if (view->read (view->ctx, CRIO_CONFIG, &type, &ignored, &len, err) < 0
      || view->read (view->ctx, CRIO_DROP_IN_DIR, &dir_type, &unused, &len, err) < 0)
    return -1;
  if (type == HOST_ABSENT && dir_type == HOST_ABSENT)
    return 0;
  if (type != HOST_ABSENT && add_file (view, &set, CRIO_CONFIG, false, err) < 0)
    return -1;
  if (dir_type == HOST_DIRECTORY && walk (view, CRIO_DROP_IN_DIR, 0, &set, err) < 0)
    return -1;
  if (last_set (&set, DEFAULT, N (DEFAULT), &name, &at, err) < 0)
    return -1;
  /* Unset: CRI-O's built-in default runtime keeps the runtimes' own
     roots, which are read anyway.  */
  if (name.kind != TOML_STRING || name.string[0] == '\0')
    return 0;
  const char *const path[] = { "crio", "runtime", "runtimes", name.string, "runtime_root" };
  if (last_set (&set, path, N (path), &value, &at, err) < 0)
    return -1;
  if (value.kind == TOML_STRING && value.string[0] && (*root = strdup (value.string)) == NULL)
    return hook_fail (err, ENOMEM, "CRI-O");
  return 0;
}

#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "install_plan.h"
#include "json.h"
#include "names.h"
#include "policy.h"
#include "toml_edit.h"

#define N(a) (sizeof (a) / sizeof ((a)[0]))

static const struct
{
  install_engine engine;
  const char *name;
  const char *binaries[4]; /* what tells it is installed */
} ENGINES[] = {
  { ENGINE_CONTAINERD,
    "containerd",
    { "/usr/bin/containerd", "/usr/local/bin/containerd", "/usr/sbin/containerd", NULL } },
  { ENGINE_CRIO, "crio", { "/usr/bin/crio", "/usr/local/bin/crio", "/usr/sbin/crio", NULL } },
  { ENGINE_PODMAN, "podman", { "/usr/bin/podman", "/usr/local/bin/podman", NULL, NULL } },
};

const char *
install_engine_name (install_engine engine)
{
  for (size_t i = 0; i < N (ENGINES); i++)
    if (ENGINES[i].engine == engine)
      return ENGINES[i].name;
  return "?";
}

int
install_engines_parse (const char *list, unsigned *mask, hook_error **err)
{
  const char *p = list;

  *mask = 0;
  for (;;)
    {
      const char *comma = strchr (p, ',');
      size_t n = comma ? (size_t)(comma - p) : strlen (p);
      size_t i;

      for (i = 0; i < N (ENGINES); i++)
        if (strlen (ENGINES[i].name) == n && strncmp (ENGINES[i].name, p, n) == 0)
          break;
      if (i == N (ENGINES))
        return hook_fail (err, 0, "--engines \"%s\": \"%.*s\" is not containerd, crio or podman",
                          list, (int)n, p);
      if (*mask & ENGINES[i].engine)
        return hook_fail (err, 0, "--engines \"%s\": %s named twice", list, ENGINES[i].name);
      *mask |= ENGINES[i].engine;
      if (comma == NULL)
        return 0;
      p = comma + 1;
    }
}

void
install_target_clear (install_target *t)
{
  free (t->path);
  if (!t->borrowed)
    free (t->data);
  free (t->what);
  memset (t, 0, sizeof *t);
}

int
targets_push (install_target **targets, size_t *n, install_target *t, hook_error **err)
{
  install_target *p = NULL;

  /* The caller's strdup or asprintf of a field failed.  */
  if (t->path == NULL || t->what == NULL || (t->kind == TARGET_SYMLINK && t->data == NULL))
    {
      install_target_clear (t);
      return hook_fail (err, ENOMEM, "install");
    }
  p = reallocarray (*targets, *n + 1, sizeof *p);
  if (p == NULL)
    {
      install_target_clear (t);
      return hook_fail (err, ENOMEM, "install");
    }
  *targets = p;
  p[(*n)++] = *t;
  memset (t, 0, sizeof *t);
  return 0;
}

void
engine_result_clear (engine_result *r)
{
  free (r->skipped);
  for (size_t i = 0; i < r->n_targets; i++)
    install_target_clear (&r->targets[i]);
  free (r->targets);
  free (r->runtime);
  for (size_t i = 0; i < r->n_hooks_dirs; i++)
    free (r->hooks_dirs[i]);
  free (r->hooks_dirs);
  memset (r, 0, sizeof *r);
}
#define cleanup_engine_result __attribute__ ((cleanup (engine_result_clear)))

void
engine_config_files_clear (engine_config_file *files, size_t *n)
{
  for (size_t i = 0; i < *n; i++)
    {
      free (files[i].path);
      free (files[i].data);
    }
  *n = 0;
}

int
engine_config_get (const engine_config_file *file, const char *const *path, size_t n,
                   toml_value *out, hook_error **err)
{
  memset (out, 0, sizeof *out);
  if (file->data == NULL)
    return 0;
  if (toml_get (file->data, file->len, path, n, out, err) < 0)
    return hook_error_prefix (err, "%s", file->path);
  return 0;
}

void
install_plan_clear (install_plan *plan)
{
  for (size_t i = 0; i < plan->n_notes; i++)
    free (plan->notes[i]);
  free (plan->notes);
  for (size_t i = 0; i < plan->n_targets; i++)
    install_target_clear (&plan->targets[i]);
  free (plan->targets);
  free (plan->runtime);
  memset (plan, 0, sizeof *plan);
}

int
install_prefix_validate (const char *prefix, hook_error **err)
{
  if (canonical_absolute_path_validate (prefix, "--prefix", err) < 0)
    return -1;
  if (strcmp (prefix, "/") == 0)
    return hook_fail (err, 0, "--prefix \"/\": the installer needs a directory of its own");
  for (const char *p = prefix; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
          || strchr ("._+/-", *p)))
      return hook_fail (err, 0,
                        "--prefix \"%s\": only letters, digits and ._+/- (engines' files name "
                        "it)",
                        prefix);
  return 0;
}

/* --------------------------------------------------------------- JSON bits */

static int
json_escape (FILE *f, const char *s)
{
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p == '"' || *p == '\\')
      fprintf (f, "\\%c", *p);
    else if (*p < 0x20 || *p == 0x7f)
      fprintf (f, "\\u%04x", *p);
    else
      fputc (*p, f);
  return 0;
}

int
hooksd_render (const char *template_text, const char *hook_path, char **out, size_t *len,
               hook_error **err)
{
  static const char MARK[] = "@HOOK_PATH@";
  cleanup_free char *doc = NULL;
  size_t doc_len = 0;
  FILE *f = open_memstream (&doc, &doc_len);
  const char *p = template_text, *m;
  int found = 0;

  if (f == NULL)
    return hook_fail (err, errno, "hooks.d file");
  while ((m = strstr (p, MARK)) != NULL)
    {
      fwrite (p, 1, (size_t)(m - p), f);
      json_escape (f, hook_path);
      p = m + strlen (MARK);
      found++;
    }
  fputs (p, f);
  if (fclose (f) != 0)
    return hook_fail (err, errno, "hooks.d file");
  if (found != 1)
    return hook_fail (err, 0, "internal error: a hooks.d template names @HOOK_PATH@ %d times",
                      found);
  *len = doc_len;
  *out = steal_pointer (&doc);
  return 0;
}

/* The offset right after the top-level '{' of a policy (JSON with
   comments, as the policy parser reads it).  */
static int
opening_brace (const char *buf, size_t len, size_t *after, hook_error **err)
{
  size_t i = 0;

  while (i < len)
    {
      if (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' || buf[i] == '\r')
        i++;
      else if (buf[i] == '/' && i + 1 < len && buf[i + 1] == '/')
        {
          while (i < len && buf[i] != '\n')
            i++;
        }
      else if (buf[i] == '/' && i + 1 < len && buf[i + 1] == '*')
        {
          const char *end = NULL;
          for (size_t j = i + 2; j + 1 < len; j++)
            if (buf[j] == '*' && buf[j + 1] == '/')
              {
                end = buf + j;
                break;
              }
          if (end == NULL)
            return hook_fail (err, 0, "policy: an unterminated comment");
          i = (size_t)(end - buf) + 2;
        }
      else if (buf[i] == '{')
        {
          *after = i + 1;
          return 0;
        }
      else
        break;
    }
  return hook_fail (err, 0, "policy: not a JSON object");
}

int
policy_set_runtime (const char *buf, size_t len, const char *runtime, char **out, size_t *out_len,
                    hook_error **err)
{
  cleanup_json json_doc *doc = NULL;
  cleanup_json json_doc *again = NULL;
  cleanup_free char *text = NULL, *result = NULL;
  size_t text_len = 0, at = 0, members;
  const json_value *root, *old;
  FILE *f;

  if (json_parse (buf, len, &policy_json_limits, &doc, err) < 0)
    return hook_error_prefix (err, "policy");
  root = json_doc_root (doc);
  if (root->kind != JSON_OBJECT)
    return hook_fail (err, 0, "policy: not a JSON object");
  members = root->u.object.count;
  old = json_get (root, POLICY_RUNTIME_KEY);
  if (old != NULL)
    {
      if (old->kind != JSON_STRING || strcmp (old->u.scalar.text, runtime) != 0)
        return hook_fail (err, 0,
                          "policy: \"" POLICY_RUNTIME_KEY "\" names %s%s%s, but the engines' "
                          "default runtime is %s: remove the key (the installer sets it) or "
                          "make them agree",
                          old->kind == JSON_STRING ? "\"" : "",
                          old->kind == JSON_STRING ? old->u.scalar.text
                                                   : json_kind_name (old->kind),
                          old->kind == JSON_STRING ? "\"" : "", runtime);
      *out = malloc (len + 1);
      if (*out == NULL)
        return hook_fail (err, ENOMEM, "policy");
      memcpy (*out, buf, len);
      (*out)[len] = '\0';
      *out_len = len;
      return 0;
    }
  if (opening_brace (buf, len, &at, err) < 0)
    return -1;
  f = open_memstream (&text, &text_len);
  if (f == NULL)
    return hook_fail (err, errno, "policy");
  fputs (members ? "\n  \"" POLICY_RUNTIME_KEY "\": \"" : "\"" POLICY_RUNTIME_KEY "\": \"", f);
  json_escape (f, runtime);
  fputs (members ? "\"," : "\"", f);
  if (fclose (f) != 0)
    return hook_fail (err, errno, "policy");
  result = malloc (len + text_len + 1);
  if (result == NULL)
    return hook_fail (err, ENOMEM, "policy");
  memcpy (result, buf, at);
  memcpy (result + at, text, text_len);
  memcpy (result + at + text_len, buf + at, len - at);
  result[len + text_len] = '\0';
  /* Read back: one member more, the runtime as given.  */
  if (json_parse (result, len + text_len, &policy_json_limits, &again, err) < 0)
    return hook_error_prefix (err, "internal error: the policy with a runtime");
  root = json_doc_root (again);
  old = json_get (root, POLICY_RUNTIME_KEY);
  if (root->u.object.count != members + 1 || old == NULL || old->kind != JSON_STRING
      || strcmp (old->u.scalar.text, runtime) != 0)
    return hook_fail (err, 0, "internal error: the policy with a runtime");
  *out_len = len + text_len;
  *out = steal_pointer (&result);
  return 0;
}

/* ------------------------------------------------------------- detection */

static int
installed_binary (const host_view *view, size_t engine, const char **which, hook_error **err)
{
  *which = NULL;
  for (size_t i = 0; i < N (ENGINES[engine].binaries) && ENGINES[engine].binaries[i]; i++)
    {
      bool yes = false;
      if (view->executable (view->ctx, ENGINES[engine].binaries[i], &yes, err) < 0)
        return -1;
      if (yes)
        {
          *which = ENGINES[engine].binaries[i];
          return 0;
        }
    }
  return 0;
}

static int
add_note (install_plan *plan, char *note, hook_error **err)
{
  char **p;
  if (note == NULL)
    return hook_fail (err, ENOMEM, "install");
  p = reallocarray (plan->notes, plan->n_notes + 1, sizeof *p);
  if (p == NULL)
    {
      free (note);
      return hook_fail (err, ENOMEM, "install");
    }
  plan->notes = p;
  p[plan->n_notes++] = note;
  return 0;
}

/* Does podman read HOOKS_D_DIR?  It reads the directories of
   containers.conf's engine.hooks_dir, the last file that sets it
   deciding; set nowhere, its default alone (podman 4:
   PODMAN_DEFAULT_HOOKS_D, not HOOKS_D_DIR), and *NEEDS_DROP_IN says the
   installer's drop-in must add HOOKS_D_DIR.  That drop-in itself, from an
   earlier install, counts as setting nothing.  Set without HOOKS_D_DIR
   is refused: the operator chose that list.  */
static int
podman_reads_hooks_dir (const host_view *view, bool *needs_drop_in, hook_error **err)
{
  static const char *const KEY[] = { "engine", "hooks_dir" };
  static const char *const FILES[]
      = { "/usr/share/containers/containers.conf", "/etc/containers/containers.conf" };
  const char *dropin_dir = PODMAN_CONF_DIR;
  char *paths[64];
  size_t n = 0;
  host_dirent *entries = NULL;
  size_t n_entries = 0;
  int ret = 0;
  bool reads = true, set = false;
  const char *set_in = NULL;

  for (size_t i = 0; i < N (FILES); i++)
    paths[n++] = strdup (FILES[i]);
  if (view->list (view->ctx, dropin_dir, &entries, &n_entries, err) < 0)
    {
      ret = hook_error_prefix (err, "%s", dropin_dir);
      goto out;
    }
  for (size_t i = 0; i < n_entries && n < N (paths); i++)
    {
      size_t l = strlen (entries[i].name);
      if (entries[i].type == HOST_FILE && l > 5 && strcmp (entries[i].name + l - 5, ".conf") == 0
          && strcmp (entries[i].name, PODMAN_DROP_IN_NAME) != 0)
        paths[n++] = path_join (dropin_dir, entries[i].name);
    }
  for (size_t i = 0; i < n; i++)
    {
      host_entry_type type = HOST_ABSENT;
      cleanup_free char *data = NULL;
      cleanup_toml_value toml_value v = { 0 };
      size_t len = 0;

      if (paths[i] == NULL)
        {
          ret = hook_fail (err, ENOMEM, "podman");
          goto out;
        }
      if (view->read (view->ctx, paths[i], &type, &data, &len, err) < 0)
        {
          ret = hook_error_prefix (err, "podman configuration %s", paths[i]);
          goto out;
        }
      if (type != HOST_FILE)
        continue;
      if (toml_get (data, len, KEY, N (KEY), &v, err) < 0)
        {
          ret = hook_error_prefix (err, "%s", paths[i]);
          goto out;
        }
      if (v.kind == TOML_ABSENT)
        continue;
      if (!(v.kind == TOML_ARRAY && v.all_strings))
        {
          ret = hook_fail (err, 0, "%s: engine.hooks_dir is %s, not an array of strings", paths[i],
                           toml_kind_name (v.kind));
          goto out;
        }
      /* The last file that sets it decides.  */
      reads = false;
      set = true;
      set_in = paths[i];
      for (size_t j = 0; j < v.n_items; j++)
        {
          cleanup_free char *clean = path_clean (v.strings[j]);
          if (clean && strcmp (clean, HOOKS_D_DIR) == 0)
            reads = true;
        }
    }
  *needs_drop_in = !set;
  if (!reads)
    ret = hook_fail (err, 0,
                     "podman: engine.hooks_dir in %s does not list %s, where the installer puts "
                     "its hooks.d files: add it, or leave podman out (--engines)",
                     set_in, HOOKS_D_DIR);
out:
  for (size_t i = 0; i < n; i++)
    free (paths[i]);
  host_dirents_free (entries, n_entries);
  return ret;
}

static int
push_file (install_plan *plan, const char *dir, const char *name, char *data, size_t len,
           uint32_t mode, char *what, hook_error **err)
{
  install_target t = {
    .path = dir ? path_join (dir, name) : strdup (name),
    .kind = TARGET_FILE,
    .data = data,
    .len = len,
    .mode = mode,
    .what = what,
  };
  return targets_push (&plan->targets, &plan->n_targets, &t, err);
}

static int
move_targets (install_plan *plan, engine_result *r, hook_error **err)
{
  for (size_t i = 0; i < r->n_targets; i++)
    if (targets_push (&plan->targets, &plan->n_targets, &r->targets[i], err) < 0)
      {
        for (size_t j = i + 1; j < r->n_targets; j++)
          install_target_clear (&r->targets[j]);
        r->n_targets = 0;
        return -1;
      }
  r->n_targets = 0;
  return 0;
}

/* An engine's configuration: planned, or why it is left alone.  */
static int
plan_engine (install_engine engine, size_t index, const install_request *req, const host_view *view,
             const char *wrapper, install_plan *plan, engine_result *r, hook_error **err)
{
  bool explicit = req->engines != 0;
  const char *binary = NULL;
  const char *config = engine == ENGINE_CONTAINERD ? CONTAINERD_CONFIG : CRIO_CONFIG;

  if (explicit && !(req->engines & engine))
    return 0;
  if ((engine == ENGINE_CONTAINERD ? containerd_plan (view, wrapper, r, err)
                                   : crio_plan (view, wrapper, r, err))
      < 0)
    return -1;
  if (!r->found)
    {
      if (installed_binary (view, index, &binary, err) < 0)
        return -1;
      if (explicit || binary)
        return hook_fail (err, 0,
                          "%s%s%s%s has no %s%s: it runs on built-in defaults, which the "
                          "installer does not edit; write the configuration first%s",
                          ENGINES[index].name, binary ? " (" : "", binary ? binary : "",
                          binary ? ")" : "", config,
                          engine == ENGINE_CRIO ? " or " CRIO_DROP_IN_DIR : "",
                          explicit ? "" : ", or leave it out (--engines)");
      return 0;
    }
  if (r->skipped)
    {
      if (explicit)
        return hook_fail (err, 0, "%s", r->skipped);
      char *note = NULL;
      if (asprintf (&note, "%s: left alone", r->skipped) < 0)
        return hook_fail (err, ENOMEM, "install");
      return add_note (plan, note, err);
    }
  plan->engines |= engine;
  return 0;
}

/* The engines' runtimes, reconciled: the wrapper execs one runtime (one
   policy key serves every engine of the node).  */
static int
reconcile_runtime (const install_request *req, engine_result *results[], size_t n,
                   install_plan *plan, hook_error **err)
{
  const char *chosen = NULL, *chosen_by = NULL;

  for (size_t i = 0; i < n; i++)
    {
      engine_result *r = results[i];
      const char *name = install_engine_name (i == 0 ? ENGINE_CONTAINERD : ENGINE_CRIO);
      const char *rt;
      if (r == NULL)
        continue;
      rt = r->names_wrapper ? req->recorded_runtime : r->runtime;
      if (rt == NULL)
        return hook_fail (err, 0,
                          "%s's configuration names the wrapper already, and no install record "
                          "says which runtime it replaced: restore the configuration, or run "
                          "uninstall",
                          name);
      if (chosen == NULL)
        {
          chosen = rt;
          chosen_by = name;
        }
      else if (strcmp (chosen, rt) != 0)
        return hook_fail (err, 0,
                          "%s's default runtime runs %s and %s's runs %s: the wrapper execs one "
                          "runtime (policy key \"" POLICY_RUNTIME_KEY "\"); make them agree",
                          chosen_by, chosen, name, rt);
    }
  if (chosen)
    {
      plan->runtime = strdup (chosen);
      if (plan->runtime == NULL)
        return hook_fail (err, ENOMEM, "install");
    }
  return 0;
}

/* The runtime key of a policy: NULL when absent.  */
static int
policy_runtime (const char *buf, size_t len, char **out, hook_error **err)
{
  cleanup_json json_doc *doc = NULL;
  const json_value *v;

  *out = NULL;
  if (json_parse (buf, len, &policy_json_limits, &doc, err) < 0)
    return hook_error_prefix (err, "the policy to install");
  v = json_get (json_doc_root (doc), POLICY_RUNTIME_KEY);
  if (v == NULL)
    return 0;
  if (v->kind != JSON_STRING)
    return hook_fail (err, 0, "the policy to install: \"" POLICY_RUNTIME_KEY "\" is %s",
                      json_kind_name (v->kind));
  *out = strdup (v->u.scalar.text);
  return *out ? 0 : hook_fail (err, ENOMEM, "policy");
}

/* The node policy: the one given (or the host's), with the runtime key
   the engines need when it differs from the wrapper's default.  */
static int
plan_policy (const install_request *req, const host_view *view, install_plan *plan,
             hook_error **err)
{
  cleanup_free char *host = NULL, *doc = NULL, *what = NULL, *named = NULL;
  size_t host_len = 0, len = 0;
  const char *base = req->policy;
  size_t base_len = req->policy_len;
  bool insert = false;
  sandbox_policy parsed;

  if (base == NULL)
    {
      host_entry_type type = HOST_ABSENT;
      if (view->read (view->ctx, req->policy_path, &type, &host, &host_len, err) < 0)
        return hook_error_prefix (err, "policy %s", req->policy_path);
      if (type == HOST_FILE)
        {
          base = host;
          base_len = host_len;
        }
      else if (type != HOST_ABSENT)
        return hook_fail (err, 0, "%s: not a regular file", req->policy_path);
    }
  if (base && policy_runtime (base, base_len, &named, err) < 0)
    return -1;
  if (plan->runtime)
    {
      const char *effective = named ? named : DEFAULT_RUNTIME;
      if (named && strcmp (named, plan->runtime) != 0)
        return hook_fail (err, 0,
                          "the policy%s%s sets \"" POLICY_RUNTIME_KEY "\": \"%s\", but the "
                          "engines' default runtime runs %s: leave the key out (the installer "
                          "sets it from the engine's configuration) or make them agree",
                          req->policy ? "" : " ", req->policy ? "" : req->policy_path, named,
                          plan->runtime);
      insert = strcmp (effective, plan->runtime) != 0;
    }
  if (!insert && req->policy == NULL)
    return 0; /* the host's policy (or none) serves as it is */

  if (insert && base == NULL)
    {
      FILE *f = open_memstream (&doc, &len);
      if (f == NULL)
        return hook_fail (err, errno, "policy");
      fputs ("{\n  \"" POLICY_RUNTIME_KEY "\": \"", f);
      json_escape (f, plan->runtime);
      fputs ("\"\n}\n", f);
      if (fclose (f) != 0)
        return hook_fail (err, errno, "policy");
    }
  else if (insert)
    {
      if (policy_set_runtime (base, base_len, plan->runtime, &doc, &len, err) < 0)
        return -1;
    }
  else
    {
      doc = malloc (base_len + 1);
      if (doc == NULL)
        return hook_fail (err, ENOMEM, "policy");
      memcpy (doc, base, base_len);
      doc[base_len] = '\0';
      len = base_len;
    }
  /* What every pod on the node will be held to, and what the wrapper
     reads for every container: the hook's own parser must accept it before
     it is installed.  */
  sandbox_policy_init_defaults (&parsed);
  int ret = sandbox_policy_parse (doc, len, &parsed, err);
  sandbox_policy_clear (&parsed);
  if (ret < 0)
    return hook_error_prefix (err, "the policy to install");
  if (asprintf (&what, "the node policy%s%s%s", insert ? " (\"" POLICY_RUNTIME_KEY "\": \"" : "",
                insert ? plan->runtime : "", insert ? "\")" : "")
      < 0)
    return hook_fail (err, ENOMEM, "policy");
  install_target t = {
    .path = strdup (req->policy_path),
    .kind = TARGET_FILE,
    .data = steal_pointer (&doc),
    .len = len,
    .mode = 0644,
    .force_owner = true,
    .what = steal_pointer (&what),
  };
  return targets_push (&plan->targets, &plan->n_targets, &t, err);
}

static int
build_plan (const install_request *req, const host_view *view, install_plan *plan, hook_error **err)
{
  cleanup_free char *hook_path = NULL, *wrapper = NULL;
  cleanup_engine_result engine_result containerd = { .found = false };
  cleanup_engine_result engine_result crio = { .found = false };
  const char *podman_binary = NULL;
  bool precreate_ok = true;

  memset (plan, 0, sizeof *plan);
  if (install_prefix_validate (req->prefix, err) < 0)
    return -1;
  hook_path = path_join (req->prefix, INSTALL_BINARY_NAME);
  wrapper = path_join (req->prefix, INSTALL_WRAPPER_NAME);
  if (hook_path == NULL || wrapper == NULL)
    return hook_fail (err, ENOMEM, "install");

  /* Every engine is looked at before anything is decided: one that cannot
     be served stops the whole install.  */
  if (plan_engine (ENGINE_CONTAINERD, 0, req, view, wrapper, plan, &containerd, err) < 0
      || plan_engine (ENGINE_CRIO, 1, req, view, wrapper, plan, &crio, err) < 0)
    return -1;
  bool podman, podman_drop_in = false;
  if (req->engines)
    podman = (req->engines & ENGINE_PODMAN) != 0;
  else
    {
      if (installed_binary (view, 2, &podman_binary, err) < 0)
        return -1;
      podman = podman_binary != NULL;
    }
  if (podman)
    {
      if (podman_reads_hooks_dir (view, &podman_drop_in, err) < 0)
        return -1;
      plan->engines |= ENGINE_PODMAN;
    }
  if (plan->engines == 0)
    return hook_fail (err, 0,
                      "no engine to install into: found none of containerd (%s), CRI-O (%s, %s) "
                      "or podman on the host (--engines names them)",
                      CONTAINERD_CONFIG, CRIO_CONFIG, CRIO_DROP_IN_DIR);

  engine_result *results[] = { plan->engines & ENGINE_CONTAINERD ? &containerd : NULL,
                               plan->engines & ENGINE_CRIO ? &crio : NULL };
  if (reconcile_runtime (req, results, N (results), plan, err) < 0)
    return -1;

  /* CRI-O refuses a hooks.d file with the precreate stage and would not
     start: podman's precreate files stay out of a directory it reads.  */
  if ((plan->engines & ENGINE_CRIO) && (plan->engines & ENGINE_PODMAN))
    for (size_t i = 0; i < crio.n_hooks_dirs; i++)
      {
        cleanup_free char *clean = path_clean (crio.hooks_dirs[i]);
        if (clean && strcmp (clean, HOOKS_D_DIR) == 0)
          precreate_ok = false;
      }
  if (!precreate_ok)
    return hook_fail (err, 0,
                      "CRI-O reads %s (crio.runtime.hooks_dir) and refuses hooks.d files with "
                      "podman's precreate stage, which the installer puts there: CRI-O would not "
                      "start; take the directory out of hooks_dir (CRI-O needs no hooks.d file: "
                      "the wrapper reaches its sandboxes), or leave podman out (--engines)",
                      HOOKS_D_DIR);

  /* The binary and the wrapper's name for it, before anything names
     them.  */
  {
    install_target bin = {
      .path = strdup (hook_path),
      .kind = TARGET_FILE,
      .data = (char *)req->binary,
      .len = req->binary_len,
      .borrowed = true,
      .mode = 0755,
      .force_owner = true,
      .what = strdup ("the hook"),
    };
    install_target link = {
      .path = strdup (wrapper),
      .kind = TARGET_SYMLINK,
      .data = strdup (INSTALL_BINARY_NAME),
      .len = strlen (INSTALL_BINARY_NAME),
      .what = strdup ("the runtime wrapper (the same binary)"),
    };
    if (targets_push (&plan->targets, &plan->n_targets, &bin, err) < 0)
      {
        install_target_clear (&link);
        return -1;
      }
    if (targets_push (&plan->targets, &plan->n_targets, &link, err) < 0)
      return -1;
  }
  if (plan_policy (req, view, plan, err) < 0)
    return -1;
  if (plan->engines & ENGINE_PODMAN)
    for (size_t i = 0; i < N_HOOKSD_TEMPLATES; i++)
      {
        char *doc = NULL, *what = NULL;
        size_t len = 0;
        if (hooksd_render (HOOKSD_TEMPLATES[i].text, hook_path, &doc, &len, err) < 0)
          return -1;
        if (asprintf (&what, "podman: hooks.d (%s)",
                      HOOKSD_TEMPLATES[i].precreate ? "precreate" : "prestart, poststop")
            < 0)
          what = NULL;
        if (push_file (plan, HOOKS_D_DIR, HOOKSD_TEMPLATES[i].name, doc, len, 0644, what, err) < 0)
          return -1;
      }
  if (podman_drop_in)
    {
      static const char conf[]
          = "# Written by oci-sandbox-hook install (uninstall removes it): podman reads\n"
            "# the hooks.d files of " HOOKS_D_DIR " beside those of its\n"
            "# default directory, which alone it reads when nothing sets hooks_dir.\n"
            "[engine]\n"
            "hooks_dir = [\"" PODMAN_DEFAULT_HOOKS_D "\", \"" HOOKS_D_DIR "\"]\n";
      char *data = strdup (conf);
      char *what = strdup ("podman: hooks_dir, its default directory and " HOOKS_D_DIR);
      if (data == NULL || what == NULL)
        {
          free (data);
          free (what);
          return hook_fail (err, ENOMEM, "install");
        }
      if (push_file (plan, PODMAN_CONF_DIR, PODMAN_DROP_IN_NAME, data, strlen (conf), 0644, what,
                     err)
          < 0)
        return -1;
    }
  if ((plan->engines & ENGINE_CRIO) && move_targets (plan, &crio, err) < 0)
    return -1;
  if ((plan->engines & ENGINE_CONTAINERD) && move_targets (plan, &containerd, err) < 0)
    return -1;
  return 0;
}

int
install_plan_build (const install_request *req, const host_view *view, install_plan *plan,
                    hook_error **err)
{
  if (build_plan (req, view, plan, err) < 0)
    {
      install_plan_clear (plan);
      return -1;
    }
  return 0;
}

#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "install_plan.h"
#include "install_record.h"
#include "json.h"
#include "json_gen.h"
#include "names.h"

#define N(a) (sizeof (a) / sizeof ((a)[0]))

static const char *const TYPE_NAMES[] = {
  [RECORD_FILE] = "file",
  [RECORD_SYMLINK] = "symlink",
  [RECORD_DIRECTORY] = "directory",
};

void
record_entry_clear (record_entry *e)
{
  free (e->path);
  free (e->target);
  free (e->original);
  free (e->restart);
  memset (e, 0, sizeof *e);
}

void
install_record_clear (install_record *rec)
{
  free (rec->prefix);
  free (rec->runtime);
  for (size_t i = 0; i < rec->n_entries; i++)
    record_entry_clear (&rec->entries[i]);
  free (rec->entries);
  memset (rec, 0, sizeof *rec);
}

int
install_record_add (install_record *rec, record_entry *e, hook_error **err)
{
  record_entry *p = reallocarray (rec->entries, rec->n_entries + 1, sizeof *p);
  if (p == NULL)
    {
      record_entry_clear (e);
      return hook_fail (err, ENOMEM, "install record");
    }
  rec->entries = p;
  p[rec->n_entries++] = *e;
  memset (e, 0, sizeof *e);
  return 0;
}

record_entry *
install_record_find (const install_record *rec, const char *path)
{
  for (size_t i = 0; i < rec->n_entries; i++)
    if (strcmp (rec->entries[i].path, path) == 0)
      return &rec->entries[i];
  return NULL;
}

/* ------------------------------------------------------------------ parsing */

static int
copy_string (const json_value *obj, const char *key, const char *where, bool required, char **out,
             hook_error **err)
{
  const json_value *v = json_get (obj, key);
  const char *s;

  *out = NULL;
  if (v == NULL)
    return required ? hook_fail (err, 0, "%s: %s is missing", where, key) : 0;
  if (json_string (v, key, &s, err) < 0)
    return hook_error_prefix (err, "%s", where);
  *out = strdup (s);
  return *out ? 0 : hook_fail (err, ENOMEM, "install record");
}

static int
copy_digest (const json_value *obj, const char *key, const char *where, char out[SHA256_HEX_SIZE],
             hook_error **err)
{
  const json_value *v = json_get (obj, key);
  const char *s;

  if (v == NULL)
    return hook_fail (err, 0, "%s: %s is missing", where, key);
  if (json_string (v, key, &s, err) < 0)
    return hook_error_prefix (err, "%s", where);
  if (strlen (s) != SHA256_HEX_SIZE - 1 || strspn (s, "0123456789abcdef") != SHA256_HEX_SIZE - 1)
    return hook_fail (err, 0, "%s: %s: not a SHA-256 digest", where, key);
  memcpy (out, s, SHA256_HEX_SIZE);
  return 0;
}

static int
copy_u32 (const json_value *obj, const char *key, const char *where, uint64_t max, uint32_t *out,
          hook_error **err)
{
  const json_value *v = json_get (obj, key);
  uint64_t n;

  if (v == NULL)
    return hook_fail (err, 0, "%s: %s is missing", where, key);
  if (json_uint64 (v, key, max, &n, err) < 0)
    return hook_error_prefix (err, "%s", where);
  *out = (uint32_t)n;
  return 0;
}

/* A unit uninstall passes to `systemctl restart`: a service's name, never
   an option.  */
static int
unit_name_validate (const char *unit, const char *where, hook_error **err)
{
  static const char suffix[] = ".service";
  size_t len = strlen (unit);

  if (len <= sizeof suffix - 1 || len > 255 || unit[0] == '-'
      || strspn (unit, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789:-_.\\@")
             != len
      || strcmp (unit + len - (sizeof suffix - 1), suffix) != 0)
    return hook_fail (err, 0, "%s: restart \"%s\": not a systemd service's name", where, unit);
  return 0;
}

/* The array at KEY of the record (required).  */
static int
get_array (const json_value *root, const char *key, const json_value **out, hook_error **err)
{
  *out = json_get (root, key);
  if (*out == NULL)
    return hook_fail (err, 0, "%s is missing", key);
  return json_expect (*out, JSON_ARRAY, key, err);
}

static int
parse_entry (const json_value *v, size_t index, record_entry *e, hook_error **err)
{
  char where[64];
  const char *type = NULL, *action = NULL;
  const json_value *t, *a;

  snprintf (where, sizeof where, "entries[%zu]", index);
  if (json_expect (v, JSON_OBJECT, where, err) < 0)
    return -1;
  if (copy_string (v, "path", where, true, &e->path, err) < 0)
    return -1;
  if (canonical_absolute_path_validate (e->path, "path", err) < 0)
    return hook_error_prefix (err, "%s", where);
  t = json_get (v, "type");
  a = json_get (v, "action");
  if (t == NULL || a == NULL || json_string (t, "type", &type, err) < 0
      || json_string (a, "action", &action, err) < 0)
    return *err ? hook_error_prefix (err, "%s", where)
                : hook_fail (err, 0, "%s: type or action is missing", where);
  if (strcmp (type, "file") == 0)
    e->type = RECORD_FILE;
  else if (strcmp (type, "symlink") == 0)
    e->type = RECORD_SYMLINK;
  else if (strcmp (type, "directory") == 0)
    e->type = RECORD_DIRECTORY;
  else
    return hook_fail (err, 0, "%s: type \"%s\": expected file, symlink or directory", where, type);
  if (strcmp (action, "created") == 0)
    e->created = true;
  else if (strcmp (action, "modified") == 0 && e->type == RECORD_FILE)
    e->created = false;
  else
    return hook_fail (err, 0, "%s: action \"%s\": expected created%s", where, action,
                      e->type == RECORD_FILE ? " or modified" : "");
  if (copy_string (v, "restart", where, false, &e->restart, err) < 0
      || (e->restart && unit_name_validate (e->restart, where, err) < 0))
    return -1;
  if (e->type == RECORD_FILE && copy_digest (v, "sha256", where, e->sha256, err) < 0)
    return -1;
  if (e->type == RECORD_SYMLINK && copy_string (v, "target", where, true, &e->target, err) < 0)
    return -1;
  if (!e->created)
    {
      if (copy_string (v, "original", where, true, &e->original, err) < 0
          || copy_digest (v, "original_sha256", where, e->original_sha256, err) < 0
          || copy_u32 (v, "mode", where, 07777, &e->mode, err) < 0
          || copy_u32 (v, "uid", where, UINT32_MAX - 1, &e->uid, err) < 0
          || copy_u32 (v, "gid", where, UINT32_MAX - 1, &e->gid, err) < 0)
        return -1;
      /* A name in the originals directory, never a path.  */
      if (e->original[0] == '\0' || e->original[0] == '.' || strchr (e->original, '/'))
        return hook_fail (err, 0, "%s: original \"%s\": not a plain file name", where, e->original);
    }
  return 0;
}

int
install_record_parse (const char *buf, size_t len, install_record *rec, hook_error **err)
{
  const json_limits limits = { .max_bytes = INSTALL_RECORD_MAX, .max_depth = 8 };
  cleanup_json json_doc *doc = NULL;
  const json_value *root, *v;
  int64_t format;

  memset (rec, 0, sizeof *rec);
  if (json_parse (buf, len, &limits, &doc, err) < 0)
    return -1;
  root = json_doc_root (doc);
  if (json_expect (root, JSON_OBJECT, "record", err) < 0)
    return -1;
  v = json_get (root, "format");
  if (v == NULL)
    return hook_fail (err, 0, "format is missing");
  if (json_int64 (v, "format", 0, INT64_MAX, &format, err) < 0)
    return -1;
  if (format != INSTALL_RECORD_FORMAT)
    return hook_fail (err, 0, "format %" PRId64 ": this installer reads format %d", format,
                      INSTALL_RECORD_FORMAT);
  if (copy_string (root, "prefix", "record", true, &rec->prefix, err) < 0
      || install_prefix_validate (rec->prefix, err) < 0
      || copy_string (root, "runtime", "record", false, &rec->runtime, err) < 0)
    goto fail;
  /* What the wrapper chained to, which a later install writes into the
     policy: the policy's own grammar.  */
  if (rec->runtime && canonical_absolute_path_validate (rec->runtime, "runtime", err) < 0)
    {
      hook_error_prefix (err, "record");
      goto fail;
    }
  if (get_array (root, "engines", &v, err) < 0)
    goto fail;
  for (size_t i = 0; i < v->u.array.count; i++)
    {
      const char *name;
      unsigned mask;
      if (json_string (v->u.array.items[i], "engines[]", &name, err) < 0
          || install_engines_parse (name, &mask, err) < 0)
        goto fail;
      rec->engines |= mask;
    }
  v = json_get (root, "uninstalled");
  if (v != NULL && json_bool (v, "uninstalled", &rec->uninstalled, err) < 0)
    goto fail;
  if (get_array (root, "entries", &v, err) < 0)
    goto fail;
  for (size_t i = 0; i < v->u.array.count; i++)
    {
      record_entry e = { 0 };
      if (parse_entry (v->u.array.items[i], i, &e, err) < 0)
        {
          record_entry_clear (&e);
          goto fail;
        }
      if (install_record_find (rec, e.path))
        {
          hook_fail (err, 0, "entries[%zu]: %s is recorded twice", i, e.path);
          record_entry_clear (&e);
          goto fail;
        }
      if (install_record_add (rec, &e, err) < 0)
        goto fail;
    }
  return 0;
fail:
  install_record_clear (rec);
  return -1;
}

/* ---------------------------------------------------------------- rendering */

int
install_record_render (const install_record *rec, char **out, size_t *len, hook_error **err)
{
  cleanup_generator generator gen = { .g = NULL };
  const char *buf;
  size_t n;

  if (generator_open (&gen, true, err) < 0)
    return hook_error_prefix (err, "install record");
  gen_map_open (&gen);
  gen_key_integer (&gen, "format", INSTALL_RECORD_FORMAT);
  gen_key_string (&gen, "prefix", rec->prefix);
  if (rec->runtime)
    gen_key_string (&gen, "runtime", rec->runtime);
  if (rec->uninstalled)
    gen_key_bool (&gen, "uninstalled", true);
  gen_string (&gen, "engines");
  gen_array_open (&gen);
  for (unsigned bit = 1; bit <= ENGINE_ALL; bit <<= 1)
    if (rec->engines & bit)
      gen_string (&gen, install_engine_name ((install_engine)bit));
  gen_array_close (&gen);
  gen_string (&gen, "entries");
  gen_array_open (&gen);
  for (size_t i = 0; i < rec->n_entries; i++)
    {
      const record_entry *e = &rec->entries[i];
      gen_map_open (&gen);
      gen_key_string (&gen, "path", e->path);
      gen_key_string (&gen, "type", TYPE_NAMES[e->type]);
      gen_key_string (&gen, "action", e->created ? "created" : "modified");
      if (e->type == RECORD_FILE)
        gen_key_string (&gen, "sha256", e->sha256);
      if (e->type == RECORD_SYMLINK)
        gen_key_string (&gen, "target", e->target);
      if (!e->created)
        {
          gen_key_string (&gen, "original", e->original);
          gen_key_string (&gen, "original_sha256", e->original_sha256);
          gen_key_integer (&gen, "mode", e->mode);
          gen_key_integer (&gen, "uid", e->uid);
          gen_key_integer (&gen, "gid", e->gid);
        }
      if (e->restart)
        gen_key_string (&gen, "restart", e->restart);
      gen_map_close (&gen);
    }
  gen_array_close (&gen);
  gen_map_close (&gen);
  /* A value yajl refused (not UTF-8) fails here, whichever it was.  */
  if (generator_result (&gen, &buf, &n, err) < 0)
    return hook_error_prefix (err, "install record");
  *out = malloc (n + 2);
  if (*out == NULL)
    return hook_fail (err, ENOMEM, "install record");
  memcpy (*out, buf, n);
  /* yajl ends a beautified document without a newline.  */
  if (n == 0 || buf[n - 1] != '\n')
    (*out)[n++] = '\n';
  (*out)[n] = '\0';
  *len = n;
  return 0;
}

/* ---------------------------------------------------------------- uninstall */

void
install_record_undo_plan (const install_record *rec, const found_state *states, undo_step *steps)
{
  bool prefix_needed = false;

  for (size_t i = 0; i < rec->n_entries; i++)
    {
      const record_entry *e = &rec->entries[i];
      const found_state *s = &states[i];
      undo_step *st = &steps[i];

      switch (e->type)
        {
        case RECORD_DIRECTORY:
          if (s->type == FOUND_ABSENT)
            *st = (undo_step){ UNDO_NOTHING, "already gone" };
          else if (s->type == FOUND_DIRECTORY)
            *st = (undo_step){ UNDO_RMDIR, "created by the install" };
          else
            *st = (undo_step){ UNDO_KEEP, "no longer a directory" };
          break;
        case RECORD_SYMLINK:
          if (s->type == FOUND_ABSENT)
            *st = (undo_step){ UNDO_NOTHING, "already gone" };
          else if (s->type == FOUND_SYMLINK && s->target && strcmp (s->target, e->target) == 0)
            *st = (undo_step){ UNDO_REMOVE, "created by the install" };
          else
            *st = (undo_step){ UNDO_KEEP, "changed since the install" };
          break;
        case RECORD_FILE:
          if (s->type == FOUND_FILE && strcmp (s->sha256, e->sha256) == 0)
            *st = e->created ? (undo_step){ UNDO_REMOVE, "created by the install" }
                             : (undo_step){ UNDO_RESTORE, "changed by the install" };
          else if (e->created && s->type == FOUND_ABSENT)
            *st = (undo_step){ UNDO_NOTHING, "already gone" };
          else if (!e->created && s->type == FOUND_FILE
                   && strcmp (s->sha256, e->original_sha256) == 0)
            *st = (undo_step){ UNDO_NOTHING, "already the original" };
          else if (!e->created && s->type == FOUND_ABSENT)
            *st = (undo_step){ UNDO_KEEP, "removed since the install: not put back" };
          else
            {
              *st = (undo_step){ UNDO_KEEP, "changed since the install" };
              if (s->type == FOUND_FILE && s->names_prefix)
                prefix_needed = true;
            }
          break;
        }
    }
  if (!prefix_needed)
    return;
  /* A kept file still names the wrapper or the hook: they stay, with
     every directory above them that the install made.  */
  size_t plen = strlen (rec->prefix);
  for (size_t i = 0; i < rec->n_entries; i++)
    {
      const char *p = rec->entries[i].path;
      bool in_prefix = strncmp (p, rec->prefix, plen) == 0 && (p[plen] == '/' || p[plen] == '\0');
      bool above_prefix = rec->entries[i].type == RECORD_DIRECTORY
                          && strncmp (rec->prefix, p, strlen (p)) == 0
                          && rec->prefix[strlen (p)] == '/';
      if ((in_prefix || above_prefix) && steps[i].action != UNDO_NOTHING
          && steps[i].action != UNDO_KEEP)
        steps[i] = (undo_step){ UNDO_KEEP_NAMED, "a kept file still names it" };
    }
}

/* PARENT is a proper ancestor of PATH (both clean and absolute).  */
static bool
is_above (const char *parent, const char *path)
{
  size_t n = strlen (parent);
  if (strcmp (parent, "/") == 0)
    return path[0] == '/' && path[1] != '\0';
  return strncmp (path, parent, n) == 0 && path[n] == '/';
}

bool
install_record_serves_containers (const install_record *rec, size_t i, const char *policy_path)
{
  const record_entry *e = &rec->entries[i];

  if (strcmp (e->path, rec->prefix) == 0 || is_above (rec->prefix, e->path))
    return true;
  if (e->type == RECORD_FILE && strcmp (e->path, policy_path) == 0)
    return true;
  return e->type == RECORD_DIRECTORY
         && (is_above (e->path, rec->prefix) || is_above (e->path, policy_path));
}

static bool
removes (undo_action action)
{
  return action == UNDO_REMOVE || action == UNDO_RESTORE || action == UNDO_RMDIR;
}

bool
install_record_removes_served (const install_record *rec, const char *policy_path,
                               const undo_step *steps)
{
  for (size_t i = 0; i < rec->n_entries; i++)
    if (removes (steps[i].action) && install_record_serves_containers (rec, i, policy_path))
      return true;
  return false;
}

size_t
install_record_keep_in_use (const install_record *rec, const char *policy_path, size_t n_users,
                            undo_step *steps)
{
  size_t marked = 0;

  if (n_users == 0)
    return 0;
  for (size_t i = 0; i < rec->n_entries; i++)
    if (removes (steps[i].action) && install_record_serves_containers (rec, i, policy_path))
      {
        steps[i]
            = (undo_step){ UNDO_KEEP_IN_USE, strcmp (rec->entries[i].path, policy_path) == 0
                                                 ? "live containers' calls of the wrapper read it"
                                             : rec->entries[i].type == RECORD_DIRECTORY
                                                 ? "it holds what live containers call"
                                                 : "live containers still call it" };
        marked++;
      }
  return marked;
}

#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"
#include "json_gen.h"
#include "pod_entry.h"

static const char *const file_names[POD_N_FILES] = {
  [POD_FILE_HOSTNAME] = "hostname",
  [POD_FILE_HOSTS] = "hosts",
  [POD_FILE_RESOLV_CONF] = "resolv.conf",
};

static const char *const file_destinations[POD_N_FILES] = {
  [POD_FILE_HOSTNAME] = "/etc/hostname",
  [POD_FILE_HOSTS] = "/etc/hosts",
  [POD_FILE_RESOLV_CONF] = "/etc/resolv.conf",
};

static const char *const shm_kinds[] = {
  [POD_SHM_NONE] = "none",
  [POD_SHM_TMPFS] = "tmpfs",
  [POD_SHM_HOST] = "host",
};

const char *
pod_file_name (pod_file f)
{
  return f < POD_N_FILES ? file_names[f] : "?";
}

const char *
pod_file_destination (pod_file f)
{
  return f < POD_N_FILES ? file_destinations[f] : "?";
}

int
pod_name_validate (const char *name, hook_error **err)
{
  if (container_id_validate (name, "sandbox id", err) < 0)
    return -1;
  if (strlen (name) > POD_NAME_MAX)
    return hook_fail (err, 0, "sandbox id of %zu bytes: the registry takes at most %d",
                      strlen (name), POD_NAME_MAX);
  /* Hidden names belong to the registry's own temporaries.  */
  if (name[0] == '.' || name[0] == '-' || name[0] == '+' || name[0] == '_')
    return hook_fail_quoted (err, name,
                             "a sandbox id the registry takes starts with a letter "
                             "or digit");
  return 0;
}

static void
gen_identity (generator *gen, const char *key, const file_identity *id)
{
  gen_string (gen, key);
  gen_array_open (gen);
  gen_uint64 (gen, id->dev);
  gen_uint64 (gen, id->ino);
  gen_array_close (gen);
}

int
pod_entry_encode (const pod_entry *e, char **out, size_t *len, hook_error **err)
{
  cleanup_generator generator gen = { 0 };
  const char *buf;

  if (generator_open (&gen, false, err) < 0)
    return -1;
  gen_map_open (&gen);
  gen_key_integer (&gen, "version", POD_ENTRY_VERSION);
  gen_key_string (&gen, "id", e->id);
  gen_key_string (&gen, "bundle", e->bundle);
  gen_key_integer (&gen, "pid", e->pid);
  gen_key_uint64 (&gen, "start_time", e->start_time);
  gen_string (&gen, "namespaces");
  gen_map_open (&gen);
  gen_identity (&gen, "ipc", &e->ns_ipc);
  gen_identity (&gen, "uts", &e->ns_uts);
  gen_identity (&gen, "net", &e->ns_net);
  gen_map_close (&gen);
  gen_string (&gen, "shm");
  gen_map_open (&gen);
  gen_key_string (&gen, "kind", shm_kinds[e->shm]);
  if (e->shm == POD_SHM_TMPFS)
    {
      gen_identity (&gen, "root", &e->shm_root);
      gen_key_uint64 (&gen, "size", e->shm_size);
    }
  gen_map_close (&gen);
  gen_string (&gen, "files");
  gen_map_open (&gen);
  for (int f = 0; f < POD_N_FILES; f++)
    if (e->has_file[f])
      gen_identity (&gen, file_names[f], &e->files[f]);
  gen_map_close (&gen);
  gen_map_close (&gen);
  if (generator_result (&gen, &buf, len, err) < 0)
    return hook_error_prefix (err, "registry entry");
  *out = strndup (buf, *len);
  if (*out == NULL)
    return hook_fail (err, ENOMEM, "registry entry");
  return 0;
}

/* [dev, ino], each a non-negative 64-bit integer.  */
static int
decode_identity (const json_value *v, const char *name, file_identity *id, hook_error **err)
{
  if (json_expect (v, JSON_ARRAY, name, err) < 0)
    return -1;
  if (v->u.array.count != 2)
    return hook_fail (err, 0, "%s: expected [dev, ino]", name);
  if (json_uint64 (v->u.array.items[0], name, UINT64_MAX, &id->dev, err) < 0
      || json_uint64 (v->u.array.items[1], name, UINT64_MAX, &id->ino, err) < 0)
    return -1;
  return 0;
}

#define N_KEYS(keys) (sizeof (keys) / sizeof ((keys)[0]))

/* An object whose keys must all be among KEYS (and are looked up by
   name by the caller).  */
static int
expect_keys (const json_value *v, const char *name, const char *const *keys, size_t n,
             hook_error **err)
{
  if (json_expect (v, JSON_OBJECT, name, err) < 0)
    return -1;
  for (size_t i = 0; i < v->u.object.count; i++)
    {
      bool known = false;
      for (size_t k = 0; k < n && !known; k++)
        known = strcmp (v->u.object.members[i].key, keys[k]) == 0;
      if (!known)
        return hook_fail (err, 0, "%s: unknown key \"%.64s\"", name, v->u.object.members[i].key);
    }
  return 0;
}

/* pod_entry_decode, into *E and the document it keeps (which the caller
   clears when this fails).  */
static int
decode_entry (const char *buf, size_t len, pod_entry *e, hook_error **err)
{
  static const char *const top_keys[]
      = { "version", "id", "bundle", "pid", "start_time", "namespaces", "shm", "files" };
  static const char *const ns_keys[] = { "ipc", "uts", "net" };
  static const char *const shm_keys[] = { "kind", "root", "size" };
  const json_limits limits = { .max_bytes = POD_ENTRY_MAX_BYTES, .max_depth = 4 };
  const json_value *root, *ns, *shm, *files;
  int64_t version, pid;
  const char *kind;

  *e = (pod_entry){ 0 };
  if (json_parse (buf, len, &limits, &e->doc, err) < 0)
    return -1;
  root = json_doc_root (e->doc);
  if (expect_keys (root, "entry", top_keys, N_KEYS (top_keys), err) < 0
      || json_int64 (json_get (root, "version"), "entry version", 1, INT64_MAX, &version, err) < 0)
    return -1;
  if (version != POD_ENTRY_VERSION)
    return hook_fail (err, 0, "entry version %lld: this hook reads version %d", (long long)version,
                      POD_ENTRY_VERSION);
  /* container_id_validate bounds the id by CONTAINER_ID_MAX,
     canonical_absolute_path_validate the bundle by PATH_MAX.  */
  if (json_string (json_get (root, "id"), "entry id", &e->id, err) < 0
      || container_id_validate (e->id, "entry id", err) < 0
      || json_string (json_get (root, "bundle"), "entry bundle", &e->bundle, err) < 0
      || canonical_absolute_path_validate (e->bundle, "entry bundle", err) < 0
      || json_int64 (json_get (root, "pid"), "entry pid", 1, INT32_MAX, &pid, err) < 0
      || json_uint64 (json_get (root, "start_time"), "entry start_time", UINT64_MAX, &e->start_time,
                      err)
             < 0)
    return -1;
  e->pid = (int)pid;
  ns = json_get (root, "namespaces");
  if (expect_keys (ns, "entry namespaces", ns_keys, N_KEYS (ns_keys), err) < 0
      || decode_identity (json_get (ns, "ipc"), "entry namespaces.ipc", &e->ns_ipc, err) < 0
      || decode_identity (json_get (ns, "uts"), "entry namespaces.uts", &e->ns_uts, err) < 0
      || decode_identity (json_get (ns, "net"), "entry namespaces.net", &e->ns_net, err) < 0)
    return -1;
  shm = json_get (root, "shm");
  if (expect_keys (shm, "entry shm", shm_keys, N_KEYS (shm_keys), err) < 0
      || json_string (json_get (shm, "kind"), "entry shm.kind", &kind, err) < 0)
    return -1;
  if (strcmp (kind, "none") == 0)
    e->shm = POD_SHM_NONE;
  else if (strcmp (kind, "host") == 0)
    e->shm = POD_SHM_HOST;
  else if (strcmp (kind, "tmpfs") == 0)
    {
      e->shm = POD_SHM_TMPFS;
      if (decode_identity (json_get (shm, "root"), "entry shm.root", &e->shm_root, err) < 0
          || json_uint64 (json_get (shm, "size"), "entry shm.size", UINT64_MAX, &e->shm_size, err)
                 < 0)
        return -1;
    }
  else
    return hook_fail (err, 0, "entry shm.kind \"%.16s\": not none, tmpfs or host", kind);
  files = json_get (root, "files");
  if (expect_keys (files, "entry files", file_names, POD_N_FILES, err) < 0)
    return -1;
  for (int f = 0; f < POD_N_FILES; f++)
    {
      const json_value *v = json_get (files, file_names[f]);
      if (v == NULL)
        continue;
      if (decode_identity (v, "entry files", &e->files[f], err) < 0)
        return -1;
      e->has_file[f] = true;
    }
  return 0;
}

int
pod_entry_decode (const char *buf, size_t len, pod_entry *e, hook_error **err)
{
  if (decode_entry (buf, len, e, err) == 0)
    return 0;
  pod_entry_clear (e);
  return -1;
}

void
pod_entry_clear (pod_entry *e)
{
  if (e->doc)
    json_doc_free (e->doc);
  *e = (pod_entry){ 0 };
}

int
pod_registration_encode (const pod_registration *r, char **out, size_t *len, hook_error **err)
{
  cleanup_generator generator gen = { 0 };
  const char *buf;

  if (generator_open (&gen, false, err) < 0)
    return -1;
  gen_map_open (&gen);
  gen_key_string (&gen, "state_dir", r->state_dir);
  gen_key_string (&gen, "bundle", r->bundle);
  gen_key_integer (&gen, "pid", r->pid);
  gen_string (&gen, "names");
  gen_array_open (&gen);
  for (size_t i = 0; i < r->n_names; i++)
    gen_string (&gen, r->names[i]);
  gen_array_close (&gen);
  gen_map_close (&gen);
  if (generator_result (&gen, &buf, len, err) < 0)
    return hook_error_prefix (err, "registration");
  *out = strndup (buf, *len);
  if (*out == NULL)
    return hook_fail (err, ENOMEM, "registration");
  return 0;
}

/* pod_registration_decode, into *R and the document it keeps (which the
   caller clears when this fails).  */
static int
decode_registration (const char *buf, size_t len, pod_registration *r, hook_error **err)
{
  static const char *const keys[] = { "state_dir", "bundle", "pid", "names" };
  const json_limits limits = { .max_bytes = POD_ENTRY_MAX_BYTES, .max_depth = 3 };
  const json_value *root, *names;
  int64_t pid;

  *r = (pod_registration){ 0 };
  if (json_parse (buf, len, &limits, &r->doc, err) < 0)
    return -1;
  root = json_doc_root (r->doc);
  /* canonical_absolute_path_validate bounds the paths by PATH_MAX,
     pod_name_validate the names by POD_NAME_MAX.  */
  if (expect_keys (root, "registration", keys, N_KEYS (keys), err) < 0
      || json_string (json_get (root, "state_dir"), "registration state_dir", &r->state_dir, err)
             < 0
      || canonical_absolute_path_validate (r->state_dir, "registration state_dir", err) < 0
      || json_string (json_get (root, "bundle"), "registration bundle", &r->bundle, err) < 0
      || canonical_absolute_path_validate (r->bundle, "registration bundle", err) < 0
      || json_int64 (json_get (root, "pid"), "registration pid", 1, INT32_MAX, &pid, err) < 0)
    return -1;
  r->pid = (int)pid;
  names = json_get (root, "names");
  if (json_expect (names, JSON_ARRAY, "registration names", err) < 0)
    return -1;
  if (names->u.array.count > POD_MAX_NAMES)
    return hook_fail (err, 0, "registration names: more than %d", POD_MAX_NAMES);
  for (size_t i = 0; i < names->u.array.count; i++)
    {
      if (json_string (names->u.array.items[i], "registration names[]", &r->names[i], err) < 0
          || pod_name_validate (r->names[i], err) < 0)
        return -1;
      r->n_names++;
    }
  return 0;
}

int
pod_registration_decode (const char *buf, size_t len, pod_registration *r, hook_error **err)
{
  if (decode_registration (buf, len, r, err) == 0)
    return 0;
  pod_registration_clear (r);
  return -1;
}

void
pod_registration_clear (pod_registration *r)
{
  if (r->doc)
    json_doc_free (r->doc);
  *r = (pod_registration){ 0 };
}

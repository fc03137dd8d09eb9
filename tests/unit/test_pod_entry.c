/* src/decide/pod_entry.h: the registry entry's format: what is written is
   read back the same, and anything else is refused naming the field
   (docs/security.md, threat 23: a planted or damaged entry is never
   trusted).  */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "error.h"
#include "pod_entry.h"
#include "tap.h"

#define N_ELEMENTS(a) (sizeof (a) / sizeof ((a)[0]))

static pod_entry
sample (void)
{
  pod_entry e = {
    .pid = 4242,
    .start_time = 123456789,
    .ns_ipc = { 4, 4026532201 },
    .ns_uts = { 4, 4026532202 },
    .ns_net = { 4, 4026532203 },
    .shm = POD_SHM_TMPFS,
    .shm_root = { 71, 1 },
    .shm_size = 67108864,
    .has_file = { true, false, true },
    .files = { { 2049, 11 }, { 0, 0 }, { 2049, 13 } },
    .id = "3f2a9c1d0b7e",
    .bundle = "/run/containers/pod \"1\"/bundle",
  };
  return e;
}

TEST (an_entry_reads_back_as_written)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_free char *text = NULL;
  pod_entry in = sample ();
  cleanup_pod_entry pod_entry out = { 0 };
  size_t len;

  in.files[POD_FILE_HOSTS] = (file_identity){ 0, 0 };
  CHECK_INT (pod_entry_encode (&in, &text, &len, &err), 0);
  CHECK_INT (pod_entry_decode (text, len, &out, &err), 0);
  CHECK_STR (out.id, in.id);
  CHECK_STR (out.bundle, in.bundle);
  CHECK (out.doc != NULL);
  /* Every other field as written, bit for bit.  */
  out.id = in.id;
  out.bundle = in.bundle;
  json_doc *doc = out.doc;
  out.doc = NULL;
  CHECK (memcmp (&in, &out, sizeof in) == 0);
  out.doc = doc;
}

TEST (identities_keep_every_bit_of_64)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_free char *text = NULL;
  pod_entry in = sample ();
  cleanup_pod_entry pod_entry out = { 0 };
  size_t len;

  in.ns_net = (file_identity){ UINT64_MAX, UINT64_MAX - 1 };
  CHECK_INT (pod_entry_encode (&in, &text, &len, &err), 0);
  CHECK_INT (pod_entry_decode (text, len, &out, &err), 0);
  CHECK (out.ns_net.dev == UINT64_MAX && out.ns_net.ino == UINT64_MAX - 1);
}

TEST (host_ipc_and_no_shm_entries_have_no_tmpfs)
{
  cleanup_hook_error hook_error *err = NULL;
  pod_entry in = sample (), out = { 0 };

  for (int kind = POD_SHM_NONE; kind <= POD_SHM_HOST; kind += 2)
    {
      cleanup_free char *text = NULL;
      size_t len;
      in.shm = (pod_shm_kind)kind;
      CHECK_INT (pod_entry_encode (&in, &text, &len, &err), 0);
      CHECK (strstr (text, "\"size\"") == NULL);
      CHECK_INT (pod_entry_decode (text, len, &out, &err), 0);
      CHECK_INT (out.shm, kind);
      pod_entry_clear (&out);
    }
}

static const char *const good
    = "{\"version\":1,\"id\":\"abc\",\"bundle\":\"/run/b\",\"pid\":7,\"start_time\":9,"
      "\"namespaces\":{\"ipc\":[1,2],\"uts\":[1,3],\"net\":[1,4]},"
      "\"shm\":{\"kind\":\"tmpfs\",\"root\":[5,6],\"size\":1024},\"files\":{\"hosts\":[7,8]}}";

TEST (a_written_by_hand_entry_is_read)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_pod_entry pod_entry e = { 0 };

  CHECK_INT (pod_entry_decode (good, strlen (good), &e, &err), 0);
  CHECK_STR (e.id, "abc");
  CHECK_INT (e.pid, 7);
  CHECK (e.has_file[POD_FILE_HOSTS] && !e.has_file[POD_FILE_HOSTNAME]);
  CHECK (e.files[POD_FILE_HOSTS].ino == 8 && e.shm_root.ino == 6);
}

/* GOOD with FROM replaced by TO must be refused with an error that
   mentions MENTION.  */
typedef struct bad_entry
{
  const char *from, *to, *mention;
} bad_entry;

TEST (a_damaged_or_planted_entry_is_refused_naming_the_field)
{
  static const bad_entry cases[] = {
    { "\"version\":1", "\"version\":2", "entry version 2" },
    { "\"id\":\"abc\"", "\"id\":\"../etc\"", "entry id: character 0x2f at offset 2" },
    { "\"id\":\"abc\"", "\"id\":7", "entry id" },
    { "\"bundle\":\"/run/b\"", "\"bundle\":\"run/b\"", "entry bundle" },
    { "\"bundle\":\"/run/b\"", "\"bundle\":\"/run/../b\"", "entry bundle" },
    { "\"pid\":7", "\"pid\":0", "entry pid" },
    { "\"pid\":7", "\"pid\":-7", "entry pid" },
    { "\"pid\":7", "\"pid\":\"7\"", "entry pid" },
    { "\"start_time\":9", "\"start_time\":-9", "entry start_time" },
    { "\"ipc\":[1,2]", "\"ipc\":[1]", "entry namespaces.ipc" },
    { "\"ipc\":[1,2]", "\"ipc\":[1,2,3]", "entry namespaces.ipc" },
    { "\"uts\":[1,3],", "", "entry namespaces.uts" },
    { "\"kind\":\"tmpfs\"", "\"kind\":\"ramfs\"", "entry shm.kind" },
    { "\"root\":[5,6],", "", "entry shm.root" },
    { "\"files\":{\"hosts\"", "\"files\":{\"passwd\"", "entry files: unknown key \"passwd\"" },
    { "\"version\":1,", "\"version\":1,\"extra\":1,", "entry: unknown key \"extra\"" },
    { "\"pid\":7", "\"pid\":7,\"pid\":8", "duplicate key" },
    { "\"net\":[1,4]", "\"net\":[1,\"4\"]", "entry namespaces.net" },
    { "\"size\":1024", "\"size\":-1", "entry shm.size" },
    { "\"hosts\":[7,8]", "\"hosts\":[7]", "entry files" },
    { "\"start_time\":9", "\"start_time\":9.5", "entry start_time" },
    { "\"namespaces\":{", "\"namespaces\":{\"pid\":[1,5],", "entry namespaces: unknown key" },
  };
  for (size_t i = 0; i < N_ELEMENTS (cases); i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      char text[1024];
      const char *at = strstr (good, cases[i].from);
      pod_entry e;
      if (at == NULL)
        abort ();
      snprintf (text, sizeof text, "%.*s%s%s", (int)(at - good), good, cases[i].to,
                at + strlen (cases[i].from));
      if (pod_entry_decode (text, strlen (text), &e, &err) == 0 || err == NULL
          || strstr (err->message, cases[i].mention) == NULL)
        {
          printf ("# %s: %s\n", text, err ? err->message : "accepted");
          tap_current_failed = true;
        }
    }
}

TEST (an_entry_larger_than_16_kib_is_refused)
{
  cleanup_hook_error hook_error *err = NULL;
  size_t n = POD_ENTRY_MAX_BYTES + 1;
  cleanup_free char *big = malloc (n + 1);
  pod_entry e;

  if (big == NULL)
    abort ();
  memset (big, ' ', n);
  big[n] = '\0';
  CHECK_INT (pod_entry_decode (big, n, &e, &err), -1);
  CHECK_ERROR_MENTIONS (err, "exceeds the limit");
}

/* GOOD with the id, or the bundle after its "/", replaced by LEN bytes
   of 'a', decoded into *E.  */
static int
decode_with_long_field (const char *field, size_t len, pod_entry *e, hook_error **err)
{
  const char *from = strcmp (field, "id") == 0 ? "\"id\":\"abc\"" : "\"bundle\":\"/run/b\"";
  const char *at = strstr (good, from);
  cleanup_free char *part = malloc (len + 1), *text = NULL;
  if (at == NULL || part == NULL)
    abort ();
  memset (part, 'a', len);
  part[len] = '\0';
  if (asprintf (&text, "%.*s\"%s\":\"%s%s\"%s", (int)(at - good), good, field,
                strcmp (field, "id") == 0 ? "" : "/", part, at + strlen (from))
      < 0)
    abort ();
  return pod_entry_decode (text, strlen (text), e, err);
}

/* The decoder points into the entry instead of copying into buffers of a
   fixed size: the bounds are the validators' (CONTAINER_ID_MAX for the
   id, PATH_MAX for the bundle), and a refused entry leaves nothing
   behind.  */
TEST (an_entry_with_an_id_or_bundle_too_long_is_refused)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_pod_entry pod_entry e = { 0 };

  CHECK_INT (decode_with_long_field ("id", CONTAINER_ID_MAX + 1, &e, &err), -1);
  CHECK_ERROR_MENTIONS (err, "entry id: length 1025 is not within [1, 1024]");
  CHECK (e.doc == NULL && e.id == NULL && e.bundle == NULL);
  hook_error_free (err);
  err = NULL;
  CHECK_INT (decode_with_long_field ("bundle", PATH_MAX - 1, &e, &err), -1);
  CHECK_ERROR_MENTIONS (err, "entry bundle: path of 4096 bytes is too long");
  CHECK (e.doc == NULL && e.id == NULL && e.bundle == NULL);
  hook_error_free (err);
  err = NULL;
  /* The longest of each is taken.  */
  CHECK_INT (decode_with_long_field ("id", CONTAINER_ID_MAX, &e, &err), 0);
  CHECK_INT (strlen (e.id), CONTAINER_ID_MAX);
  pod_entry_clear (&e);
  CHECK_INT (decode_with_long_field ("bundle", PATH_MAX - 2, &e, &err), 0);
  CHECK_INT (strlen (e.bundle), PATH_MAX - 1);
}

TEST (registry_names_are_ids_short_enough_for_a_file)
{
  char long_id[POD_NAME_MAX + 2];
  cleanup_hook_error hook_error *err = NULL;

  CHECK_INT (pod_name_validate ("3f2a9c1d0b7e", &err), 0);
  memset (long_id, 'a', sizeof long_id - 1);
  long_id[sizeof long_id - 1] = '\0';
  CHECK_INT (pod_name_validate (long_id, &err), -1);
  CHECK_ERROR_MENTIONS (err, "the registry takes at most 200");
  hook_error_free (err);
  err = NULL;
  CHECK_INT (pod_name_validate ("../etc/passwd", &err), -1);
  hook_error_free (err);
  err = NULL;
  CHECK_INT (pod_name_validate ("..", &err), -1);
}

TEST (a_registration_reads_back_as_written)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_free char *text = NULL;
  pod_registration in = {
    .state_dir = "/run/oci-sandbox-hook",
    .bundle = "/run/containers/pod \"1\"/bundle",
    .pid = 4242,
    .n_names = 2,
    .names = { "3f2a9c1d0b7e", "pod-sandbox-1" },
  };
  cleanup_pod_registration pod_registration out = { 0 };
  size_t len;

  CHECK_INT (pod_registration_encode (&in, &text, &len, &err), 0);
  CHECK_INT (pod_registration_decode (text, len, &out, &err), 0);
  CHECK_STR (out.state_dir, in.state_dir);
  CHECK_STR (out.bundle, in.bundle);
  CHECK_INT (out.pid, 4242);
  CHECK_INT (out.n_names, 2);
  CHECK_STR (out.names[0], "3f2a9c1d0b7e");
  CHECK_STR (out.names[1], "pod-sandbox-1");
  CHECK (out.names[2] == NULL);
}

static const char *const good_registration
    = "{\"state_dir\":\"/run/s\",\"bundle\":\"/run/b\",\"pid\":7,\"names\":[\"abc\"]}";

/* The pod note a sandbox's createRuntime leaves in its hook directory is
   read back at poststop to unregister exactly those names: a damaged or
   planted one is refused naming the field.  */
TEST (a_damaged_or_planted_registration_is_refused_naming_the_field)
{
  static const bad_entry cases[] = {
    { "\"state_dir\":\"/run/s\"", "\"state_dir\":\"run/s\"", "registration state_dir" },
    { "\"state_dir\":\"/run/s\"", "\"state_dir\":\"/run/../s\"", "registration state_dir" },
    { "\"state_dir\":\"/run/s\"", "\"state_dir\":7", "registration state_dir" },
    { "\"state_dir\":\"/run/s\",", "", "registration state_dir: missing" },
    { "\"bundle\":\"/run/b\"", "\"bundle\":\"b\"", "registration bundle" },
    { "\"bundle\":\"/run/b\"", "\"bundle\":null", "registration bundle" },
    { "\"pid\":7", "\"pid\":0", "registration pid" },
    { "\"pid\":7", "\"pid\":2147483648", "registration pid" },
    { "\"pid\":7", "\"pid\":\"7\"", "registration pid" },
    { "\"names\":[\"abc\"]", "\"names\":\"abc\"", "registration names" },
    { "\"names\":[\"abc\"]", "\"names\":[\"a\",\"b\",\"c\",\"d\",\"e\"]",
      "registration names: more than 4" },
    { "\"names\":[\"abc\"]", "\"names\":[7]", "registration names[]" },
    { "\"names\":[\"abc\"]", "\"names\":[\"../etc\"]", "not allowed" },
    { "\"names\":[\"abc\"]", "\"names\":[\".hidden\"]", "starts with a letter or digit" },
    { "\"pid\":7", "\"pid\":7,\"extra\":1", "registration: unknown key \"extra\"" },
    { "\"pid\":7", "\"pid\":7,\"pid\":8", "duplicate key" },
  };
  for (size_t i = 0; i < N_ELEMENTS (cases); i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      char text[1024];
      const char *at = strstr (good_registration, cases[i].from);
      pod_registration r;
      if (at == NULL)
        abort ();
      snprintf (text, sizeof text, "%.*s%s%s", (int)(at - good_registration), good_registration,
                cases[i].to, at + strlen (cases[i].from));
      if (pod_registration_decode (text, strlen (text), &r, &err) == 0 || err == NULL
          || strstr (err->message, cases[i].mention) == NULL)
        {
          printf ("# %s: %s\n", text, err ? err->message : "accepted");
          tap_current_failed = true;
        }
    }
}

TEST (a_registration_larger_than_16_kib_is_refused)
{
  cleanup_hook_error hook_error *err = NULL;
  size_t n = POD_ENTRY_MAX_BYTES + 1;
  cleanup_free char *big = malloc (n + 1);
  pod_registration r;

  if (big == NULL)
    abort ();
  memset (big, ' ', n);
  big[n] = '\0';
  CHECK_INT (pod_registration_decode (big, n, &r, &err), -1);
  CHECK_ERROR_MENTIONS (err, "exceeds the limit");
}

/* The decoder points into the note instead of copying into buffers of a
   fixed size: the bounds are the validators' (PATH_MAX for the paths,
   POD_NAME_MAX for a name), and a refused note leaves nothing behind.  */
TEST (a_registration_with_a_path_or_name_too_long_is_refused)
{
  static const struct
  {
    const char *before, *after;
    size_t long_part;
    const char *mention;
  } cases[] = {
    { "{\"state_dir\":\"/", "\",\"bundle\":\"/run/b\",\"pid\":7,\"names\":[\"abc\"]}", PATH_MAX - 1,
      "registration state_dir: path of 4096 bytes is too long" },
    { "{\"state_dir\":\"/run/s\",\"bundle\":\"/", "\",\"pid\":7,\"names\":[\"abc\"]}", PATH_MAX - 1,
      "registration bundle: path of 4096 bytes is too long" },
    { "{\"state_dir\":\"/run/s\",\"bundle\":\"/run/b\",\"pid\":7,\"names\":[\"", "\"]}",
      POD_NAME_MAX + 1, "the registry takes at most 200" },
  };
  for (size_t i = 0; i < N_ELEMENTS (cases); i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      cleanup_free char *part = malloc (cases[i].long_part + 1), *text = NULL;
      pod_registration r;
      if (part == NULL)
        abort ();
      memset (part, 'a', cases[i].long_part);
      part[cases[i].long_part] = '\0';
      if (asprintf (&text, "%s%s%s", cases[i].before, part, cases[i].after) < 0)
        abort ();
      CHECK_INT (pod_registration_decode (text, strlen (text), &r, &err), -1);
      CHECK_ERROR_MENTIONS (err, cases[i].mention);
      CHECK (r.doc == NULL && r.state_dir == NULL && r.bundle == NULL && r.n_names == 0);
    }
  /* One byte shorter is a path the hook takes.  */
  cleanup_hook_error hook_error *err = NULL;
  cleanup_free char *part = malloc (PATH_MAX - 1), *text = NULL;
  cleanup_pod_registration pod_registration r = { 0 };
  if (part == NULL)
    abort ();
  memset (part, 'a', PATH_MAX - 2);
  part[PATH_MAX - 2] = '\0';
  if (asprintf (&text, "{\"state_dir\":\"/%s\",\"bundle\":\"/run/b\",\"pid\":7,\"names\":[]}", part)
      < 0)
    abort ();
  CHECK_INT (pod_registration_decode (text, strlen (text), &r, &err), 0);
  CHECK_INT (strlen (r.state_dir), PATH_MAX - 1);
}

int
main (void)
{
  RUN (an_entry_reads_back_as_written);
  RUN (identities_keep_every_bit_of_64);
  RUN (host_ipc_and_no_shm_entries_have_no_tmpfs);
  RUN (a_written_by_hand_entry_is_read);
  RUN (a_damaged_or_planted_entry_is_refused_naming_the_field);
  RUN (an_entry_larger_than_16_kib_is_refused);
  RUN (an_entry_with_an_id_or_bundle_too_long_is_refused);
  RUN (registry_names_are_ids_short_enough_for_a_file);
  RUN (a_registration_reads_back_as_written);
  RUN (a_damaged_or_planted_registration_is_refused_naming_the_field);
  RUN (a_registration_larger_than_16_kib_is_refused);
  RUN (a_registration_with_a_path_or_name_too_long_is_refused);
  return tap_done ();
}

/* src/decide/state.h: the OCI state on the hook's stdin, as runc, crun and Kata
   send it, and every malformed or hostile variant refused naming the field
   (docs/security.md, threats 15, 16).  */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "dnsfiles.h"
#include "error.h"
#include "json.h"
#include "names.h"
#include "state.h"
#include "tap.h"

#define N_ELEMENTS(a) (sizeof (a) / sizeof ((a)[0]))

/* Captured from the createRuntime and poststop hooks of runc 1.1.5 and
   crun 1.8.1 on this kind of machine (bundle path shortened).  */
static const char runc_create_runtime[]
    = "{\"ociVersion\":\"1.0.2-dev\",\"id\":\"ut-state-runc\",\"status\":\"creating\","
      "\"pid\":17479,\"bundle\":\"/tmp/ut/bundle.ui0b\",\"annotations\":"
      "{\"io.kubernetes.cri.container-type\":\"sandbox\"}}";
static const char runc_poststop[]
    = "{\"ociVersion\":\"1.0.2-dev\",\"id\":\"ut-state-runc\",\"status\":\"stopped\","
      "\"bundle\":\"/tmp/ut/bundle.ui0b\",\"annotations\":"
      "{\"io.kubernetes.cri.container-type\":\"sandbox\"}}";
static const char crun_create_runtime[]
    = "{\"ociVersion\":\"1.0\",\"id\":\"ut-state-crun\",\"pid\":17576,\"root\":\"rootfs\","
      "\"bundle\":\"/tmp/ut/bundle.ui0b\",\"status\":\"created\",\"annotations\":"
      "{\"io.kubernetes.cri.container-type\":\"sandbox\"}}";
static const char crun_poststop[]
    = "{\"ociVersion\":\"1.0\",\"id\":\"ut-state-crun\",\"pid\":0,\"root\":\"rootfs\","
      "\"bundle\":\"/tmp/ut/bundle.ui0b\",\"status\":\"stopped\",\"annotations\":"
      "{\"io.kubernetes.cri.container-type\":\"sandbox\"}}";
/* Kata's own hook runner: empty version and status, the hypervisor's pid.  */
static const char kata_state[]
    = "{\"ociVersion\":\"\",\"id\":\"4c1e2f\",\"status\":\"\",\"pid\":3071,"
      "\"bundle\":\"/run/containers/storage/overlay-containers/4c1e2f/userdata\","
      "\"annotations\":{\"io.kubernetes.cri-o.ContainerType\":\"sandbox\"}}";

typedef struct refuse_case
{
  const char *json;
  const char *mention;
} refuse_case;

typedef struct path_case
{
  const char *path;
  const char *mention; /* NULL: accepted */
} path_case;

static char *
repeat (char c, size_t n)
{
  char *s = malloc (n + 1);

  if (s == NULL)
    abort ();
  memset (s, c, n);
  s[n] = '\0';
  return s;
}

/* Parse TEXT; on success the caller clears STATE.  */
static int
parse (const char *text, oci_state *state, hook_error **err)
{
  return oci_state_parse (text, strlen (text), state, err);
}

static void
check_refused (const refuse_case *cases, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      oci_state state;
      int ret = parse (cases[i].json, &state, &err);

      if (ret != -1 || err == NULL || strstr (err->message, cases[i].mention) == NULL)
        {
          cleanup_free char *quoted = quote_for_message (cases[i].json);
          printf ("# %s: ret %d, error \"%s\", expected one mentioning \"%s\"\n",
                  quoted ? quoted : "?", ret, err ? err->message : "(none)", cases[i].mention);
          tap_current_failed = true;
        }
      /* A state refused after parsing still owns its document.  */
      oci_state_clear (&state);
    }
}

/* A runc-like state whose member NAME is replaced by VALUE_JSON.  */
static char *
state_with (const char *name, const char *value_json)
{
  static const char *const fields[][2] = {
    { "ociVersion", "\"1.0.2\"" }, { "id", "\"abc\"" },
    { "status", "\"creating\"" },  { "pid", "1234" },
    { "bundle", "\"/run/b\"" },    { "annotations", "{}" },
  };
  char *out = NULL;
  size_t size = 0;
  FILE *f = open_memstream (&out, &size);
  const char *sep = "";

  if (f == NULL)
    abort ();
  fputc ('{', f);
  for (size_t i = 0; i < N_ELEMENTS (fields); i++)
    {
      const char *v = strcmp (fields[i][0], name) == 0 ? value_json : fields[i][1];
      if (v == NULL)
        continue; /* member left out */
      fprintf (f, "%s\"%s\":%s", sep, fields[i][0], v);
      sep = ",";
    }
  fputc ('}', f);
  if (fclose (f) != 0)
    abort ();
  return out;
}

typedef struct member_case
{
  const char *name, *value_json, *mention;
} member_case;

static void
check_member_refused (const member_case *cases, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      cleanup_free char *json = state_with (cases[i].name, cases[i].value_json);
      const refuse_case c = { json, cases[i].mention };
      check_refused (&c, 1);
    }
}

/* What runtimes send */

TEST (runc_create_runtime_state_is_parsed)
{
  cleanup_hook_error hook_error *err = NULL;
  oci_state state;

  CHECK_INT (parse (runc_create_runtime, &state, &err), 0);
  CHECK (err == NULL);
  CHECK_STR (state.oci_version, "1.0.2-dev");
  CHECK_STR (state.id, "ut-state-runc");
  CHECK_STR (state.status, "creating");
  CHECK_INT (state.pid, 17479);
  CHECK_STR (state.bundle, "/tmp/ut/bundle.ui0b");
  CHECK (state.annotations != NULL && state.annotations->kind == JSON_OBJECT);
  CHECK_STR (annotation_get (state.annotations, "io.kubernetes.cri.container-type"), "sandbox");
  CHECK (state.doc != NULL);
  oci_state_clear (&state);
  CHECK (state.doc == NULL && state.id == NULL && state.annotations == NULL);
}

TEST (crun_state_with_root_and_pid_is_parsed)
{
  cleanup_hook_error hook_error *err = NULL;
  oci_state state;

  CHECK_INT (parse (crun_create_runtime, &state, &err), 0);
  CHECK_STR (state.oci_version, "1.0");
  CHECK_STR (state.id, "ut-state-crun");
  CHECK_STR (state.status, "created");
  CHECK_INT (state.pid, 17576);
  /* crun's "root" is not a field of ours: the rootfs comes from config.json.  */
  CHECK_STR (state.bundle, "/tmp/ut/bundle.ui0b");
  CHECK_STR (annotation_get (state.annotations, "io.kubernetes.cri.container-type"), "sandbox");
  oci_state_clear (&state);
}

TEST (runc_poststop_state_without_pid_gives_pid_0)
{
  cleanup_hook_error hook_error *err = NULL;
  oci_state state;

  CHECK_INT (parse (runc_poststop, &state, &err), 0);
  CHECK_STR (state.status, "stopped");
  CHECK_INT (state.pid, 0);
  CHECK_STR (state.bundle, "/tmp/ut/bundle.ui0b");
  oci_state_clear (&state);
}

TEST (crun_poststop_state_with_pid_0_is_parsed)
{
  cleanup_hook_error hook_error *err = NULL;
  oci_state state;

  CHECK_INT (parse (crun_poststop, &state, &err), 0);
  CHECK_STR (state.status, "stopped");
  CHECK_INT (state.pid, 0);
  oci_state_clear (&state);
}

TEST (kata_state_with_empty_version_and_status_is_parsed)
{
  cleanup_hook_error hook_error *err = NULL;
  oci_state state;

  CHECK_INT (parse (kata_state, &state, &err), 0);
  CHECK_STR (state.oci_version, "");
  CHECK_STR (state.status, "");
  CHECK_INT (state.pid, 3071);
  CHECK_STR (state.id, "4c1e2f");
  CHECK_STR (annotation_get (state.annotations, "io.kubernetes.cri-o.ContainerType"), "sandbox");
  oci_state_clear (&state);
}

TEST (state_without_status_gets_an_empty_status)
{
  cleanup_free char *json = state_with ("status", NULL);
  cleanup_hook_error hook_error *err = NULL;
  oci_state state;

  CHECK_INT (parse (json, &state, &err), 0);
  CHECK_STR (state.status, "");
  oci_state_clear (&state);
}

TEST (bundle_path_of_older_engines_is_accepted)
{
  cleanup_hook_error hook_error *err = NULL;
  oci_state state;

  CHECK_INT (parse ("{\"ociVersion\":\"0.2.0\",\"id\":\"old\",\"pid\":9,"
                    "\"bundlePath\":\"/var/lib/old/bundle\"}",
                    &state, &err),
             0);
  CHECK_STR (state.bundle, "/var/lib/old/bundle");
  CHECK (state.annotations == NULL);
  oci_state_clear (&state);
}

TEST (bundle_wins_over_bundle_path)
{
  cleanup_hook_error hook_error *err = NULL;
  oci_state state;

  CHECK_INT (parse ("{\"ociVersion\":\"1.0\",\"id\":\"x\",\"bundlePath\":\"/old\","
                    "\"bundle\":\"/new\"}",
                    &state, &err),
             0);
  CHECK_STR (state.bundle, "/new");
  oci_state_clear (&state);
}

TEST (bundle_path_is_validated_like_bundle)
{
  static const refuse_case cases[] = {
    { "{\"ociVersion\":\"1.0\",\"id\":\"x\",\"bundlePath\":\"/a/../b\"}",
      "state bundle: \"/a/../b\" is not a canonical path" },
    { "{\"ociVersion\":\"1.0\",\"id\":\"x\",\"bundlePath\":7}",
      "state bundle: expected a string, got a number" },
  };

  check_refused (cases, N_ELEMENTS (cases));
}

TEST (absent_or_null_annotations_give_null)
{
  static const char *const values[] = { NULL, "null" };

  for (size_t i = 0; i < N_ELEMENTS (values); i++)
    {
      cleanup_free char *json = state_with ("annotations", values[i]);
      cleanup_hook_error hook_error *err = NULL;
      oci_state state;

      CHECK_INT (parse (json, &state, &err), 0);
      CHECK (state.annotations == NULL);
      CHECK (annotation_get (state.annotations, "io.kubernetes.cri.container-type") == NULL);
      oci_state_clear (&state);
    }
}

TEST (pid_at_the_kernel_maximum_is_accepted)
{
  cleanup_free char *json = state_with ("pid", "4194304");
  cleanup_hook_error hook_error *err = NULL;
  oci_state state;

  CHECK_INT (parse (json, &state, &err), 0);
  CHECK_INT (state.pid, PID_MAX_LINUX);
  oci_state_clear (&state);
}

TEST (unknown_members_are_ignored)
{
  cleanup_hook_error hook_error *err = NULL;
  oci_state state;

  CHECK_INT (parse ("{\"ociVersion\":\"1.2.0\",\"id\":\"x\",\"bundle\":\"/b\",\"created\":"
                    "\"2024-01-01T00:00:00Z\",\"owner\":\"\",\"future\":{\"a\":[1,2]}}",
                    &state, &err),
             0);
  CHECK_STR (state.id, "x");
  oci_state_clear (&state);
}

/* Refusals, each naming the field */

TEST (missing_or_malformed_id_is_refused)
{
  static const member_case cases[] = {
    { "id", NULL, "state id: missing" },
    { "id", "null", "state id: expected a string, got null" },
    { "id", "42", "state id: expected a string, got a number" },
    { "id", "\"\"", "state id: length 0 is not within [1, 1024]" },
    { "id", "\"a/b\"", "state id: character 0x2f at offset 1 is not allowed" },
    { "id", "\"../../etc\"", "state id: character 0x2f" },
    { "id", "\"..\"", "state id: \"..\" is not a container id" },
    { "id", "\".\"", "state id: \".\" is not a container id" },
    { "id", "\"abc\\n\"", "state id: character 0x0a at offset 3 is not allowed" },
    { "id", "\"a b\"", "state id: character 0x20" },
    { "id", "\"a\\tb\"", "state id: character 0x09" },
    { "id", "\"a:b\"", "state id: character 0x3a" },
    { "id", "\"\\u00e9\"", "state id: character 0xc3 at offset 0" },
    { "id", "\"a\\u0000b\"", "string contains a NUL character" },
  };

  check_member_refused (cases, N_ELEMENTS (cases));
}

TEST (id_of_1025_bytes_is_refused_and_1024_accepted)
{
  cleanup_free char *id1024 = repeat ('a', 1024);
  cleanup_free char *id1025 = repeat ('a', 1025);
  cleanup_free char *v1024 = NULL, *v1025 = NULL;

  if (asprintf (&v1024, "\"%s\"", id1024) < 0 || asprintf (&v1025, "\"%s\"", id1025) < 0)
    abort ();
  cleanup_free char *ok_json = state_with ("id", v1024);
  cleanup_hook_error hook_error *err = NULL;
  oci_state state;

  CHECK_INT (parse (ok_json, &state, &err), 0);
  CHECK_INT (strlen (state.id ? state.id : ""), 1024);
  oci_state_clear (&state);

  const member_case refused = { "id", v1025, "state id: length 1025 is not within [1, 1024]" };
  check_member_refused (&refused, 1);
}

TEST (malformed_pid_is_refused)
{
  static const member_case cases[] = {
    { "pid", "-1", "state pid: -1 is out of range [0, 4194304]" },
    { "pid", "-4194304", "state pid: -4194304 is out of range" },
    { "pid", "1.5", "state pid: 1.5 is not an integer" },
    { "pid", "1e3", "state pid: 1e3 is not an integer" },
    { "pid", "1234.0", "state pid: 1234.0 is not an integer" },
    { "pid", "\"123\"", "state pid: expected a number, got a string" },
    { "pid", "null", "state pid: expected a number, got null" },
    { "pid", "true", "state pid: expected a number, got a boolean" },
    { "pid", "4194305", "state pid: 4194305 is out of range [0, 4194304]" },
    { "pid", "2147483648", "state pid: 2147483648 is out of range" },
    { "pid", "4294967297", "state pid: 4294967297 is out of range" },
    { "pid", "18446744073709551617", "state pid: 18446744073709551617 is out of range" },
  };

  check_member_refused (cases, N_ELEMENTS (cases));
}

TEST (non_canonical_bundle_is_refused)
{
  static const member_case cases[] = {
    { "bundle", NULL, "state bundle: missing" },
    { "bundle", "null", "state bundle: expected a string, got null" },
    { "bundle", "[\"/run/b\"]", "state bundle: expected a string, got an array" },
    { "bundle", "\"\"", "state bundle: not an absolute path" },
    { "bundle", "\"run/b\"", "state bundle: not an absolute path" },
    { "bundle", "\"./b\"", "state bundle: not an absolute path" },
    { "bundle", "\"/run/../etc\"", "state bundle: \"/run/../etc\" is not a canonical path" },
    { "bundle", "\"/run/b/..\"", "state bundle: \"/run/b/..\" is not a canonical path" },
    { "bundle", "\"/..\"", "state bundle: \"/..\" is not a canonical path" },
    { "bundle", "\"/run/./b\"", "state bundle: \"/run/./b\" is not a canonical path" },
    { "bundle", "\"/run//b\"", "state bundle: \"/run//b\" is not a canonical path" },
    { "bundle", "\"//run/b\"", "state bundle: \"//run/b\" is not a canonical path" },
    { "bundle", "\"/run/b/\"", "state bundle: \"/run/b/\" is not a canonical path" },
    { "bundle", "\"/run/b\\n\"", "state bundle: path contains a control character" },
    { "bundle", "\"/run/\\u0001b\"", "state bundle: path contains a control character" },
    { "bundle", "\"/run/b\\u007f\"", "state bundle: path contains a control character" },
    { "bundle", "\"/run/b\\u0000/x\"", "string contains a NUL character" },
  };

  check_member_refused (cases, N_ELEMENTS (cases));
}

TEST (malformed_annotations_are_refused)
{
  static const member_case cases[] = {
    { "annotations", "[]", "state annotations: expected an object, got an array" },
    { "annotations", "\"a=b\"", "state annotations: expected an object, got a string" },
    { "annotations", "true", "state annotations: expected an object, got a boolean" },
    { "annotations", "{\"io.oci-sandbox-hook.shm-size\":128}",
      "state annotations: value of \"io.oci-sandbox-hook.shm-size\" is not a string" },
    { "annotations", "{\"a\":\"1\",\"b\":null}",
      "state annotations: value of \"b\" is not a string" },
    { "annotations", "{\"a\":{\"b\":\"c\"}}", "state annotations: value of \"a\" is not a string" },
    { "annotations", "{\"a\":[\"x\"]}", "state annotations: value of \"a\" is not a string" },
    { "annotations", "{\"k\":\"1\",\"k\":\"2\"}", "duplicate key \"k\"" },
  };

  check_member_refused (cases, N_ELEMENTS (cases));
}

TEST (malformed_version_or_status_is_refused)
{
  static const member_case cases[] = {
    { "ociVersion", NULL, "state ociVersion: missing" },
    { "ociVersion", "1.0", "state ociVersion: expected a string, got a number" },
    { "ociVersion", "\"12345678901234567890123456789012345678901234567890123456789012345\"",
      "state ociVersion: longer than 64 bytes" },
    { "status", "0", "state status: expected a string, got a number" },
    { "status", "null", "state status: expected a string, got null" },
  };

  check_member_refused (cases, N_ELEMENTS (cases));
}

TEST (state_that_is_not_a_json_object_is_refused)
{
  static const refuse_case cases[] = {
    { "", "state: invalid JSON" },
    { "not json", "state: invalid JSON" },
    { "{\"id\":\"abc\"", "state: invalid JSON" },
    { "[]", "state: expected an object, got an array" },
    { "\"abc\"", "state: expected an object, got a string" },
    { "null", "state: expected an object, got null" },
    { "{\"ociVersion\":\"1.0\",\"id\":\"a\",\"id\":\"b\",\"bundle\":\"/b\"}",
      "state: invalid JSON near byte" },
    { "{\"ociVersion\":\"1.0\",\"id\":\"a\",\"bundle\":\"/b\"} {}", "state: invalid JSON" },
    { "{\"ociVersion\":\"1.0\",\"id\":\"a\",\"bundle\":\"/b\"}\n// comment",
      "state: invalid JSON" },
  };

  check_refused (cases, N_ELEMENTS (cases));
}

TEST (state_nested_deeper_than_64_is_refused)
{
  cleanup_free char *open = repeat ('[', 64);
  cleanup_free char *close = repeat (']', 64);
  cleanup_free char *json = NULL;

  /* The state object is level 1: 64 more arrays make 65.  */
  if (asprintf (&json, "{\"ociVersion\":\"1.0\",\"id\":\"a\",\"bundle\":\"/b\",\"x\":%s%s}", open,
                close)
      < 0)
    abort ();
  const refuse_case c = { json, "nested too deeply" };
  check_refused (&c, 1);
}

/* A state of exactly SIZE bytes: a runc state padded by one annotation.  */
#define PAD_HEAD                                                                                   \
  "{\"ociVersion\":\"1.0\",\"id\":\"big\",\"bundle\":\"/b\",\"annotations\":{\"pad\":\""
#define PAD_TAIL  "\"}}"
#define PAD_FIXED (sizeof PAD_HEAD - 1 + sizeof PAD_TAIL - 1)

static char *
state_of_size (size_t size)
{
  char *s = malloc (size + 1);

  if (s == NULL || size < PAD_FIXED)
    abort ();
  memcpy (s, PAD_HEAD, sizeof PAD_HEAD - 1);
  memset (s + sizeof PAD_HEAD - 1, 'x', size - PAD_FIXED);
  memcpy (s + size - (sizeof PAD_TAIL - 1), PAD_TAIL, sizeof PAD_TAIL);
  return s;
}

TEST (state_of_16_mib_is_accepted)
{
  cleanup_free char *json = state_of_size (STATE_MAX_BYTES);
  cleanup_hook_error hook_error *err = NULL;
  oci_state state;

  CHECK_INT (oci_state_parse (json, STATE_MAX_BYTES, &state, &err), 0);
  const char *pad = annotation_get (state.annotations, "pad");
  CHECK_INT (pad ? strlen (pad) : 0, STATE_MAX_BYTES - PAD_FIXED);
  oci_state_clear (&state);
}

TEST (state_over_16_mib_is_refused_by_size)
{
  cleanup_free char *json = state_of_size (STATE_MAX_BYTES + 1);
  cleanup_hook_error hook_error *err = NULL;
  oci_state state;

  CHECK_INT (oci_state_parse (json, STATE_MAX_BYTES + 1, &state, &err), -1);
  CHECK_ERROR_MENTIONS (err,
                        "state: JSON document of 16777217 bytes exceeds the limit of 16777216");
  CHECK (state.doc == NULL);
  oci_state_clear (&state);
}

/* The validators on their own */

TEST (container_id_grammar_of_runc_is_accepted)
{
  static const char *const ids[] = {
    "a",
    "Z",
    "0",
    "_",
    "+",
    "-",
    "...",
    ".a",
    "a.",
    "-rf",
    "4c1e2f9d0b7a4f3e8c6d5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706",
    "k8s_POD_nginx-7d9d_default_1b2c3d4e-0000-1111-2222-333344445555_0",
    "a+b.c-d_e",
  };

  for (size_t i = 0; i < N_ELEMENTS (ids); i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      if (container_id_validate (ids[i], "state id", &err) != 0)
        {
          printf ("# \"%s\": %s\n", ids[i], err ? err->message : "refused");
          tap_current_failed = true;
        }
    }
}

TEST (container_id_outside_the_grammar_is_refused)
{
  static const path_case cases[] = {
    { "", "length 0" },
    { ".", "\".\" is not a container id" },
    { "..", "\"..\" is not a container id" },
    { "/", "character 0x2f at offset 0" },
    { "a/..", "character 0x2f at offset 1" },
    { "a\\b", "character 0x5c" },
    { "a,b", "character 0x2c" },
    { "a\x7f", "character 0x7f" },
    { "a\xff", "character 0xff" },
    { "$(id)", "character 0x24" },
    { "a\rb", "character 0x0d" },
  };

  for (size_t i = 0; i < N_ELEMENTS (cases); i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      CHECK_INT (container_id_validate (cases[i].path, "state id", &err), -1);
      CHECK_ERROR_MENTIONS (err, cases[i].mention);
      CHECK_ERROR_MENTIONS (err, "state id: ");
    }
}

TEST (canonical_absolute_path_validation)
{
  static const path_case cases[] = {
    { "/", NULL },
    { "/a", NULL },
    { "/run/containerd/io.containerd.runtime.v2.task/k8s.io/4c1e", NULL },
    { "/a/.hidden/..dots/.../b..", NULL },
    { "/a b/\xc3\xa9", NULL },
    { "", "f: not an absolute path" },
    { "a", "f: not an absolute path" },
    { "./a", "f: not an absolute path" },
    { "~/a", "f: not an absolute path" },
    { "//", "f: \"//\" is not a canonical path" },
    { "/a/", "f: \"/a/\" is not a canonical path" },
    { "//a", "f: \"//a\" is not a canonical path" },
    { "/a//b", "f: \"/a//b\" is not a canonical path" },
    { "/.", "f: \"/.\" is not a canonical path" },
    { "/..", "f: \"/..\" is not a canonical path" },
    { "/a/.", "f: \"/a/.\" is not a canonical path" },
    { "/a/./b", "f: \"/a/./b\" is not a canonical path" },
    { "/a/../b", "f: \"/a/../b\" is not a canonical path" },
    { "/a/..", "f: \"/a/..\" is not a canonical path" },
    { "/a\n/b", "f: path contains a control character" },
    { "/a/b\t", "f: path contains a control character" },
    { "/\x1f", "f: path contains a control character" },
    { "/\x7f", "f: path contains a control character" },
  };

  for (size_t i = 0; i < N_ELEMENTS (cases); i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      int ret = canonical_absolute_path_validate (cases[i].path, "f", &err);

      if (cases[i].mention == NULL
              ? ret != 0
              : ret != -1 || err == NULL || strstr (err->message, cases[i].mention) == NULL)
        {
          cleanup_free char *quoted = quote_for_message (cases[i].path);
          printf ("# %s: ret %d, error \"%s\", expected %s\n", quoted ? quoted : "?", ret,
                  err ? err->message : "(none)", cases[i].mention ? cases[i].mention : "success");
          tap_current_failed = true;
        }
    }
}

TEST (path_of_path_max_bytes_is_refused)
{
  cleanup_free char *longest = repeat ('a', PATH_MAX - 1);
  cleanup_free char *too_long = repeat ('a', PATH_MAX);

  longest[0] = '/';
  too_long[0] = '/';
  {
    cleanup_hook_error hook_error *err = NULL;
    CHECK_INT (canonical_absolute_path_validate (longest, "f", &err), 0);
  }
  {
    cleanup_hook_error hook_error *err = NULL;
    CHECK_INT (canonical_absolute_path_validate (too_long, "state bundle", &err), -1);
    CHECK_ERROR_MENTIONS (err, "state bundle: path of 4096 bytes is too long");
    CHECK (err != NULL && err->errno_value == ENAMETOOLONG);
  }
}

TEST (annotation_get_returns_only_string_values)
{
  cleanup_json json_doc *doc = NULL;
  cleanup_hook_error hook_error *err = NULL;
  const json_limits limits = { .max_bytes = 4096, .max_depth = 8 };
  const char *text = "{\"a\":\"1\",\"n\":2,\"z\":null,\"e\":\"\",\"io.k/x\":\"y\"}";

  CHECK_INT (json_parse (text, strlen (text), &limits, &doc, &err), 0);
  if (doc == NULL)
    return;
  const json_value *root = json_doc_root (doc);
  CHECK_STR (annotation_get (root, "a"), "1");
  CHECK_STR (annotation_get (root, "e"), "");
  CHECK_STR (annotation_get (root, "io.k/x"), "y");
  CHECK (annotation_get (root, "n") == NULL);
  CHECK (annotation_get (root, "z") == NULL);
  CHECK (annotation_get (root, "A") == NULL);
  CHECK (annotation_get (root, "missing") == NULL);
  CHECK (annotation_get (NULL, "a") == NULL);
  CHECK (annotation_get (json_get (root, "a"), "a") == NULL);
}

TEST (annotation_lookup_is_exact_not_case_folded)
{
  /* An annotation key in another case is another key (docs/security.md, threat 15).  */
  cleanup_hook_error hook_error *err = NULL;
  oci_state state;

  CHECK_INT (parse ("{\"ociVersion\":\"1.0\",\"id\":\"x\",\"bundle\":\"/b\",\"annotations\":"
                    "{\"IO.Kubernetes.CRI.Container-Type\":\"sandbox\","
                    "\"io.kubernetes.cri.container-type \":\"sandbox\"}}",
                    &state, &err),
             0);
  CHECK (annotation_get (state.annotations, "io.kubernetes.cri.container-type") == NULL);
  oci_state_clear (&state);
}

int
main (void)
{
  RUN (runc_create_runtime_state_is_parsed);
  RUN (crun_state_with_root_and_pid_is_parsed);
  RUN (runc_poststop_state_without_pid_gives_pid_0);
  RUN (crun_poststop_state_with_pid_0_is_parsed);
  RUN (kata_state_with_empty_version_and_status_is_parsed);
  RUN (state_without_status_gets_an_empty_status);
  RUN (bundle_path_of_older_engines_is_accepted);
  RUN (bundle_wins_over_bundle_path);
  RUN (bundle_path_is_validated_like_bundle);
  RUN (absent_or_null_annotations_give_null);
  RUN (pid_at_the_kernel_maximum_is_accepted);
  RUN (unknown_members_are_ignored);
  RUN (missing_or_malformed_id_is_refused);
  RUN (id_of_1025_bytes_is_refused_and_1024_accepted);
  RUN (malformed_pid_is_refused);
  RUN (non_canonical_bundle_is_refused);
  RUN (malformed_annotations_are_refused);
  RUN (malformed_version_or_status_is_refused);
  RUN (state_that_is_not_a_json_object_is_refused);
  RUN (state_nested_deeper_than_64_is_refused);
  RUN (state_of_16_mib_is_accepted);
  RUN (state_over_16_mib_is_refused_by_size);
  RUN (container_id_grammar_of_runc_is_accepted);
  RUN (container_id_outside_the_grammar_is_refused);
  RUN (canonical_absolute_path_validation);
  RUN (path_of_path_max_bytes_is_refused);
  RUN (annotation_get_returns_only_string_values);
  RUN (annotation_lookup_is_exact_not_case_folded);
  return tap_done ();
}

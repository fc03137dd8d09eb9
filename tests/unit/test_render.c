/* render: config.json round trips unchanged; additions fill only what is
   absent.  */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "render.h"
#include "fd_capture.h"
#include "tap.h"

static const json_limits limits = { .max_bytes = 1 << 24, .max_depth = 64 };

/* Same kinds, same key order, same number text, same string bytes.  */
static bool
same_tree (const json_value *a, const json_value *b)
{
  if (a->kind != b->kind)
    return false;
  switch (a->kind)
    {
    case JSON_NUMBER:
    case JSON_STRING:
      return a->u.scalar.len == b->u.scalar.len
             && memcmp (a->u.scalar.text, b->u.scalar.text, a->u.scalar.len) == 0;
    case JSON_OBJECT:
      if (a->u.object.count != b->u.object.count)
        return false;
      for (size_t i = 0; i < a->u.object.count; i++)
        if (strcmp (a->u.object.members[i].key, b->u.object.members[i].key) != 0
            || !same_tree (a->u.object.members[i].value, b->u.object.members[i].value))
          return false;
      return true;
    case JSON_ARRAY:
      if (a->u.array.count != b->u.array.count)
        return false;
      for (size_t i = 0; i < a->u.array.count; i++)
        if (!same_tree (a->u.array.items[i], b->u.array.items[i]))
          return false;
      return true;
    default:
      return true;
    }
}

typedef struct render_args
{
  const json_value *root;
  const json_patch *patches;
  size_t n;
} render_args;

static int
render_into (const void *arg, int fd, hook_error **err)
{
  const render_args *r = arg;
  return json_render_fd (r->root, r->patches, r->n, fd, err);
}

/* json_render_fd of ROOT with PATCHES, captured in *OUT.  */
static int
json_render (const json_value *root, const json_patch *patches, size_t n, char **out, size_t *len,
             hook_error **err)
{
  render_args r = { root, patches, n };
  return capture_fd_output (render_into, &r, out, len, err);
}

/* Render TEXT with PATCHES and parse the result back into *OUT.  */
static int
render_text (const char *text, const json_patch *patches, size_t n, json_doc **out,
             hook_error **err)
{
  cleanup_json json_doc *in = NULL;
  cleanup_free char *buf = NULL;
  size_t len;
  if (json_parse (text, strlen (text), &limits, &in, err) < 0
      || json_render (json_doc_root (in), patches, n, &buf, &len, err) < 0)
    return -1;
  return json_parse (buf, len, &limits, out, err);
}

static const char *const edge_cases
    = "{\"ociVersion\":\"1.0.2\",\"big\":18446744073709551615,\"huge\":1e400,\"neg\":-0,"
      "\"frac\":1.50,\"exp\":2E-3,\"esc\":\"tab\\t nl\\n quote\\\" bs\\\\ \\u00e9 \\ud83d\\ude00\","
      "\"x-vendor\":{\"nested\":[[[{\"deep\":[1,2,{\"k\":null}]}]]],\"b\":true,\"f\":false},"
      "\"empty\":{},\"arr\":[],\"z\":\"last\",\"a\":\"order kept\"}";

TEST (round_trip_without_patches_is_identical)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_json json_doc *orig = NULL, *back = NULL;
  CHECK (json_parse (edge_cases, strlen (edge_cases), &limits, &orig, &err) == 0);
  CHECK (render_text (edge_cases, NULL, 0, &back, &err) == 0);
  CHECK (orig && back && same_tree (json_doc_root (orig), json_doc_root (back)));
}

TEST (numbers_are_written_as_they_were_read)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_json json_doc *in = NULL;
  cleanup_free char *buf = NULL;
  size_t len = 0;
  CHECK (json_parse (edge_cases, strlen (edge_cases), &limits, &in, &err) == 0);
  CHECK (json_render (json_doc_root (in), NULL, 0, &buf, &len, &err) == 0);
  CHECK (buf && strstr (buf, "\"big\":18446744073709551615") != NULL);
  CHECK (buf && strstr (buf, "\"huge\":1e400") != NULL);
  CHECK (buf && strstr (buf, "\"frac\":1.50") != NULL);
  CHECK (buf && strstr (buf, "\"exp\":2E-3") != NULL);
}

TEST (annotation_is_appended_to_an_existing_map)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_json json_doc *out = NULL;
  json_patch p = { { "annotations", NULL }, "io.example/new", PATCH_STRING, "v", NULL, NULL };
  CHECK (render_text ("{\"annotations\":{\"a\":\"1\"},\"z\":0}", &p, 1, &out, &err) == 0);
  const json_value *ann = json_get (json_doc_root (out), "annotations");
  CHECK (ann && ann->u.object.count == 2);
  CHECK_STR (ann ? ann->u.object.members[1].key : NULL, "io.example/new");
  CHECK_STR (json_get (ann, "a")->u.scalar.text, "1");
}

TEST (present_key_is_never_changed)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_json json_doc *out = NULL;
  json_patch p = { { "annotations", NULL }, "a", PATCH_STRING, "hook", NULL, NULL };
  CHECK (render_text ("{\"annotations\":{\"a\":\"engine\"}}", &p, 1, &out, &err) == 0);
  const json_value *ann = json_get (json_doc_root (out), "annotations");
  CHECK (ann && ann->u.object.count == 1);
  CHECK_STR (json_get (ann, "a")->u.scalar.text, "engine");
}

TEST (missing_parents_are_created_in_order)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_json json_doc *out = NULL;
  json_patch p[] = {
    { { "linux", "sysctl", NULL },
      "net.ipv4.ping_group_range",
      PATCH_STRING,
      "0 2147483647",
      NULL,
      NULL },
    { { "linux", "resources", "cpu", NULL }, "shares", PATCH_NUMBER, "2", NULL, NULL },
    { { "process", NULL }, "oomScoreAdj", PATCH_NUMBER, "-998", NULL, NULL },
  };
  CHECK (render_text ("{\"linux\":{\"namespaces\":[]}}", p, 3, &out, &err) == 0);
  const json_value *root = json_doc_root (out), *lx = json_get (root, "linux");
  CHECK (lx && lx->u.object.count == 3);
  CHECK_STR (lx ? lx->u.object.members[1].key : NULL, "sysctl");
  CHECK_STR (json_get (json_get (lx, "sysctl"), "net.ipv4.ping_group_range")->u.scalar.text,
             "0 2147483647");
  const json_value *shares = json_get (json_get (json_get (lx, "resources"), "cpu"), "shares");
  CHECK (shares && shares->kind == JSON_NUMBER);
  CHECK_STR (shares ? shares->u.scalar.text : NULL, "2");
  const json_value *oom = json_get (json_get (root, "process"), "oomScoreAdj");
  CHECK_STR (oom ? oom->u.scalar.text : NULL, "-998");
}

TEST (null_parent_is_replaced_by_an_object)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_json json_doc *out = NULL;
  json_patch p = { { "annotations", NULL }, "k", PATCH_STRING, "v", NULL, NULL };
  CHECK (render_text ("{\"annotations\":null}", &p, 1, &out, &err) == 0);
  const json_value *ann = json_get (json_doc_root (out), "annotations");
  CHECK (ann && ann->kind == JSON_OBJECT && ann->u.object.count == 1);
}

/* A null leaf is unset for runtimes (Go's *int64 nil, crun's absent):
   the spec parser takes it as absent, so the plan adds the value there, in
   place, and the count says so.  */
TEST (null_leaf_is_filled_in_place)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_json json_doc *in = NULL, *out = NULL;
  json_patch p[] = {
    { { "linux", "resources", "cpu", NULL }, "shares", PATCH_NUMBER, "2", NULL, NULL },
    { { "process", NULL }, "oomScoreAdj", PATCH_NUMBER, "-998", NULL, NULL },
    { { "process", NULL }, "oomScoreAdj", PATCH_NUMBER, "5", NULL, NULL },
  };
  const char *text = "{\"process\":{\"oomScoreAdj\":null,\"cwd\":\"/\"},"
                     "\"linux\":{\"resources\":{\"cpu\":{\"shares\":null,\"quota\":1}}}}";
  CHECK (json_parse (text, strlen (text), &limits, &in, &err) == 0);
  CHECK (in && json_patches_count_absent (json_doc_root (in), p, 2) == 2);
  CHECK (render_text (text, p, 3, &out, &err) == 0);
  const json_value *proc = json_get (json_doc_root (out), "process");
  CHECK (proc && proc->u.object.count == 2);
  CHECK_STR (proc ? proc->u.object.members[0].key : NULL, "oomScoreAdj");
  const json_value *oom = json_get (proc, "oomScoreAdj");
  CHECK (oom && oom->kind == JSON_NUMBER);
  CHECK_STR (oom ? oom->u.scalar.text : NULL, "-998");
  const json_value *cpu
      = json_get (json_get (json_get (json_doc_root (out), "linux"), "resources"), "cpu");
  CHECK (cpu && cpu->u.object.count == 2);
  const json_value *shares = json_get (cpu, "shares");
  CHECK (shares && shares->kind == JSON_NUMBER);
  CHECK_STR (shares ? shares->u.scalar.text : NULL, "2");
}

TEST (parent_of_the_wrong_type_is_an_error)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_json json_doc *out = NULL;
  json_patch p = { { "linux", "sysctl", NULL }, "k", PATCH_STRING, "v", NULL, NULL };
  CHECK (render_text ("{\"linux\":{\"sysctl\":[1]}}", &p, 1, &out, &err) < 0);
  CHECK_ERROR_MENTIONS (err, "sysctl");
}

TEST (two_patches_for_one_key_add_it_once)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_json json_doc *out = NULL;
  json_patch p[] = { { { "annotations", NULL }, "k", PATCH_STRING, "first", NULL, NULL },
                     { { "annotations", NULL }, "k", PATCH_STRING, "second", NULL, NULL } };
  /* Rendering twice the same key would be a duplicate: the parser of the
     result refuses those, so success proves there is only one.  */
  CHECK (render_text ("{}", p, 2, &out, &err) == 0);
  CHECK_STR (json_get (json_get (json_doc_root (out), "annotations"), "k")->u.scalar.text, "first");
}

/* The hook entries the runtime wrapper appends: one object, identified by
   its path and args.  */
static const char *const hook_identity[] = { "path", "args", NULL };
static const char *const hook_entry
    = "{\"path\":\"/hook\",\"args\":[\"oci-sandbox-hook\",\"createRuntime\"],"
      "\"env\":[\"PATH=/bin\"],\"timeout\":35}";

/* Render TEXT with one append of OBJECT_TEXT to hooks.KEY (MATCH as
   given), into *OUT; the number of additions counted beforehand in *N.  */
static int
render_append (const char *text, const char *key, const char *object_text, const char *const *match,
               json_doc **out, size_t *n, hook_error **err)
{
  cleanup_json json_doc *in = NULL, *obj = NULL;
  if (json_parse (object_text, strlen (object_text), &limits, &obj, err) < 0
      || json_parse (text, strlen (text), &limits, &in, err) < 0)
    return -1;
  json_patch p = { { "hooks", NULL }, key, PATCH_APPEND, NULL, json_doc_root (obj), match };
  *n = json_patches_count_absent (json_doc_root (in), &p, 1);
  return render_text (text, &p, 1, out, err);
}

static const json_value *
hooks_of (const json_doc *doc, const char *key)
{
  return json_get (json_get (json_doc_root (doc), "hooks"), key);
}

TEST (append_creates_the_missing_parent_and_array)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_json json_doc *out = NULL;
  size_t n = 0;
  CHECK (render_append ("{\"ociVersion\":\"1.0.2\"}", "createRuntime", hook_entry, hook_identity,
                        &out, &n, &err)
         == 0);
  CHECK_INT (n, 1);
  const json_value *a = hooks_of (out, "createRuntime");
  CHECK (a && a->kind == JSON_ARRAY && a->u.array.count == 1);
  const json_value *t = a ? json_get (a->u.array.items[0], "timeout") : NULL;
  CHECK (t && t->kind == JSON_NUMBER);
  CHECK_STR (t ? t->u.scalar.text : NULL, "35");
  /* The root keeps its members first, in order.  */
  CHECK_STR (json_doc_root (out)->u.object.members[0].key, "ociVersion");
}

TEST (append_goes_after_the_existing_elements)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_json json_doc *out = NULL;
  size_t n = 0;
  CHECK (render_append ("{\"hooks\":{\"prestart\":[],\"createRuntime\":[{\"path\":\"/other\"}],"
                        "\"poststop\":[]}}",
                        "createRuntime", hook_entry, hook_identity, &out, &n, &err)
         == 0);
  CHECK_INT (n, 1);
  const json_value *a = hooks_of (out, "createRuntime");
  CHECK (a && a->u.array.count == 2);
  CHECK_STR (a ? json_get (a->u.array.items[0], "path")->u.scalar.text : NULL, "/other");
  CHECK_STR (a ? json_get (a->u.array.items[1], "path")->u.scalar.text : NULL, "/hook");
  /* Its siblings stay where they were.  */
  const json_value *h = json_get (json_doc_root (out), "hooks");
  CHECK_STR (h->u.object.members[0].key, "prestart");
  CHECK_STR (h->u.object.members[2].key, "poststop");
}

TEST (append_adds_nothing_when_an_equal_entry_is_there)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_json json_doc *out = NULL;
  size_t n = 9;
  /* Same path and args; other members differ (timeout, env, key order):
     the same entry for the identity keys.  */
  CHECK (render_append ("{\"hooks\":{\"createRuntime\":[{\"timeout\":5,\"args\":"
                        "[\"oci-sandbox-hook\",\"createRuntime\"],\"path\":\"/hook\"}]}}",
                        "createRuntime", hook_entry, hook_identity, &out, &n, &err)
         == 0);
  CHECK_INT (n, 0);
  const json_value *a = hooks_of (out, "createRuntime");
  CHECK (a && a->u.array.count == 1);
  CHECK_STR (a ? json_get (a->u.array.items[0], "timeout")->u.scalar.text : NULL, "5");
}

TEST (append_adds_when_the_identity_differs)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_json json_doc *out = NULL;
  size_t n = 0;
  /* Same path, other args (another policy): a different entry.  */
  CHECK (render_append ("{\"hooks\":{\"createRuntime\":[{\"path\":\"/hook\",\"args\":"
                        "[\"oci-sandbox-hook\",\"--policy\",\"/p\",\"createRuntime\"]}]}}",
                        "createRuntime", hook_entry, hook_identity, &out, &n, &err)
         == 0);
  CHECK_INT (n, 1);
  CHECK (hooks_of (out, "createRuntime")->u.array.count == 2);
}

TEST (append_without_match_keys_compares_whole_objects)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_json json_doc *out = NULL, *out2 = NULL;
  size_t n = 0;
  CHECK (render_append ("{\"hooks\":{\"poststop\":[{\"b\":[1,{\"c\":null}],\"a\":\"x\"}]}}",
                        "poststop", "{\"a\":\"x\",\"b\":[1,{\"c\":null}]}", NULL, &out, &n, &err)
         == 0);
  CHECK_INT (n, 0);
  CHECK (hooks_of (out, "poststop")->u.array.count == 1);
  /* One member more is another object; array order matters.  */
  CHECK (render_append ("{\"hooks\":{\"poststop\":[{\"a\":\"x\",\"b\":[{\"c\":null},1]}]}}",
                        "poststop", "{\"a\":\"x\",\"b\":[1,{\"c\":null}]}", NULL, &out2, &n, &err)
         == 0);
  CHECK_INT (n, 1);
  CHECK (hooks_of (out2, "poststop")->u.array.count == 2);
}

TEST (append_replaces_a_null_array_and_a_null_parent)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_json json_doc *out = NULL, *out2 = NULL;
  size_t n = 0;
  CHECK (render_append ("{\"hooks\":{\"createRuntime\":null}}", "createRuntime", hook_entry,
                        hook_identity, &out, &n, &err)
         == 0);
  CHECK_INT (n, 1);
  CHECK (hooks_of (out, "createRuntime")->u.array.count == 1);
  CHECK (render_append ("{\"hooks\":null}", "createRuntime", hook_entry, hook_identity, &out2, &n,
                        &err)
         == 0);
  CHECK (hooks_of (out2, "createRuntime")->u.array.count == 1);
}

TEST (append_to_a_value_that_is_no_array_is_an_error)
{
  cleanup_hook_error hook_error *err = NULL, *err2 = NULL;
  cleanup_json json_doc *out = NULL, *out2 = NULL;
  size_t n = 0;
  CHECK (render_append ("{\"hooks\":{\"createRuntime\":{\"path\":\"/x\"}}}", "createRuntime",
                        hook_entry, hook_identity, &out, &n, &err)
         < 0);
  CHECK_ERROR_MENTIONS (err, "createRuntime: expected an array, got an object");
  CHECK (
      render_append ("{\"hooks\":[]}", "createRuntime", hook_entry, hook_identity, &out2, &n, &err2)
      < 0);
  CHECK_ERROR_MENTIONS (err2, "hooks: expected an object, got an array");
}

TEST (elements_that_are_no_objects_never_match)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_json json_doc *out = NULL;
  size_t n = 0;
  CHECK (render_append ("{\"hooks\":{\"createRuntime\":[\"/hook\",null,7]}}", "createRuntime",
                        hook_entry, hook_identity, &out, &n, &err)
         == 0);
  CHECK_INT (n, 1);
  const json_value *a = hooks_of (out, "createRuntime");
  CHECK (a && a->u.array.count == 4);
  CHECK (a && a->u.array.items[1]->kind == JSON_NULL);
}

TEST (two_equal_appends_add_one_element_and_two_arrays_get_theirs)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_json json_doc *obj = NULL, *in = NULL, *out = NULL;
  CHECK (json_parse (hook_entry, strlen (hook_entry), &limits, &obj, &err) == 0);
  const json_value *o = json_doc_root (obj);
  json_patch p[] = {
    { { "hooks", NULL }, "createRuntime", PATCH_APPEND, NULL, o, hook_identity },
    { { "hooks", NULL }, "createRuntime", PATCH_APPEND, NULL, o, hook_identity },
    { { "hooks", NULL }, "poststop", PATCH_APPEND, NULL, o, hook_identity },
    { { "annotations", NULL }, "k", PATCH_STRING, "v", NULL, NULL },
  };
  const char *text = "{\"hooks\":{\"poststop\":[]}}";
  CHECK (json_parse (text, strlen (text), &limits, &in, &err) == 0);
  CHECK_INT (json_patches_count_absent (json_doc_root (in), p, 4), 3);
  CHECK (render_text (text, p, 4, &out, &err) == 0);
  CHECK (hooks_of (out, "createRuntime")->u.array.count == 1);
  CHECK (hooks_of (out, "poststop")->u.array.count == 1);
  CHECK_STR (json_get (json_get (json_doc_root (out), "annotations"), "k")->u.scalar.text, "v");
}

TEST (a_rendered_append_renders_again_byte_for_byte)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_json json_doc *obj = NULL, *in = NULL, *again = NULL;
  cleanup_free char *first = NULL, *second = NULL;
  size_t len1 = 0, len2 = 0;
  CHECK (json_parse (hook_entry, strlen (hook_entry), &limits, &obj, &err) == 0);
  json_patch p
      = { { "hooks", NULL }, "poststop", PATCH_APPEND, NULL, json_doc_root (obj), hook_identity };
  const char *text = "{\"a\":1e400,\"hooks\":{}}";
  CHECK (json_parse (text, strlen (text), &limits, &in, &err) == 0);
  CHECK (json_render (json_doc_root (in), &p, 1, &first, &len1, &err) == 0);
  CHECK (json_parse (first, len1, &limits, &again, &err) == 0);
  CHECK_INT (json_patches_count_absent (json_doc_root (again), &p, 1), 0);
  CHECK (json_render (json_doc_root (again), &p, 1, &second, &len2, &err) == 0);
  CHECK (len1 == len2 && memcmp (first, second, len1) == 0);
}

/* A real engine-generated spec, read from tests/data/NAME, round-trips
   through render with no patches to a semantically identical document.  */
static void
check_fixture_round_trips (const char *name)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_free char *text = NULL, *path = NULL;
  cleanup_json json_doc *orig = NULL, *back = NULL;
  size_t len = 0;

  if (asprintf (&path, "%s/%s", TEST_DATA_DIR, name) < 0)
    abort ();
  FILE *f = fopen (path, "r");
  CHECK (f != NULL);
  if (f == NULL)
    return;
  text = malloc (1 << 20);
  len = fread (text, 1, (1 << 20) - 1, f);
  fclose (f);
  text[len] = '\0';
  CHECK (json_parse (text, len, &limits, &orig, &err) == 0);
  CHECK (render_text (text, NULL, 0, &back, &err) == 0);
  CHECK (orig && back && same_tree (json_doc_root (orig), json_doc_root (back)));
}

TEST (real_runc_spec_round_trips)
{
  check_fixture_round_trips ("runc-spec.json");
}

TEST (real_podman_spec_round_trips)
{
  /* podman 4.3.1's spec for `podman run --cpus 2 --memory 512m
     --annotation io.kubernetes.cri.container-type=sandbox`, as its
     precreate hooks receive it.  */
  check_fixture_round_trips ("podman-config.json");
}

TEST (containerd_like_sandbox_spec_round_trips)
{
  check_fixture_round_trips ("sandbox-config.json");
}

int
main (void)
{
  RUN (round_trip_without_patches_is_identical);
  RUN (numbers_are_written_as_they_were_read);
  RUN (annotation_is_appended_to_an_existing_map);
  RUN (present_key_is_never_changed);
  RUN (missing_parents_are_created_in_order);
  RUN (null_parent_is_replaced_by_an_object);
  RUN (null_leaf_is_filled_in_place);
  RUN (parent_of_the_wrong_type_is_an_error);
  RUN (two_patches_for_one_key_add_it_once);
  RUN (append_creates_the_missing_parent_and_array);
  RUN (append_goes_after_the_existing_elements);
  RUN (append_adds_nothing_when_an_equal_entry_is_there);
  RUN (append_adds_when_the_identity_differs);
  RUN (append_without_match_keys_compares_whole_objects);
  RUN (append_replaces_a_null_array_and_a_null_parent);
  RUN (append_to_a_value_that_is_no_array_is_an_error);
  RUN (elements_that_are_no_objects_never_match);
  RUN (two_equal_appends_add_one_element_and_two_arrays_get_theirs);
  RUN (a_rendered_append_renders_again_byte_for_byte);
  RUN (real_runc_spec_round_trips);
  RUN (real_podman_spec_round_trips);
  RUN (containerd_like_sandbox_spec_round_trips);
  return tap_done ();
}

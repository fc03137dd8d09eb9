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
  json_patch p = { { "annotations", NULL }, "io.example/new", PATCH_STRING, "v" };
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
  json_patch p = { { "annotations", NULL }, "a", PATCH_STRING, "hook" };
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
    { { "linux", "sysctl", NULL }, "net.ipv4.ping_group_range", PATCH_STRING, "0 2147483647" },
    { { "linux", "resources", "cpu", NULL }, "shares", PATCH_NUMBER, "2" },
    { { "process", NULL }, "oomScoreAdj", PATCH_NUMBER, "-998" },
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
  json_patch p = { { "annotations", NULL }, "k", PATCH_STRING, "v" };
  CHECK (render_text ("{\"annotations\":null}", &p, 1, &out, &err) == 0);
  const json_value *ann = json_get (json_doc_root (out), "annotations");
  CHECK (ann && ann->kind == JSON_OBJECT && ann->u.object.count == 1);
}

TEST (parent_of_the_wrong_type_is_an_error)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_json json_doc *out = NULL;
  json_patch p = { { "linux", "sysctl", NULL }, "k", PATCH_STRING, "v" };
  CHECK (render_text ("{\"linux\":{\"sysctl\":[1]}}", &p, 1, &out, &err) < 0);
  CHECK_ERROR_MENTIONS (err, "sysctl");
}

TEST (two_patches_for_one_key_add_it_once)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_json json_doc *out = NULL;
  json_patch p[] = { { { "annotations", NULL }, "k", PATCH_STRING, "first" },
                     { { "annotations", NULL }, "k", PATCH_STRING, "second" } };
  /* Rendering twice the same key would be a duplicate: the parser of the
     result refuses those, so success proves there is only one.  */
  CHECK (render_text ("{}", p, 2, &out, &err) == 0);
  CHECK_STR (json_get (json_get (json_doc_root (out), "annotations"), "k")->u.scalar.text, "first");
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
  RUN (parent_of_the_wrong_type_is_an_error);
  RUN (two_patches_for_one_key_add_it_once);
  RUN (real_runc_spec_round_trips);
  RUN (real_podman_spec_round_trips);
  RUN (containerd_like_sandbox_spec_round_trips);
  return tap_done ();
}

/* libFuzzer harness: the TOML scanner and editor on a root-owned engine
   config.  The first byte picks the operation and the key path, the rest
   is the document.  A successful edit must hold its own promises: the
   result scans, holds the value, and the same edit again changes nothing;
   anything else aborts.  */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "toml_edit.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char *const containerd[]
    = { "plugins",   "io.containerd.grpc.v1.cri", "containerd", "runtimes", "runc", "options",
        "BinaryName" };
static const char *const annotations[] = { "plugins",    "io.containerd.grpc.v1.cri",
                                           "containerd", "runtimes",
                                           "runc",       "pod_annotations" };
static const char *const one[] = { "a" };
static const char *const two[] = { "a", "b" };
static const char *const three[] = { "a", "b", "c" };
static const char *const quoted[] = { "a.b", "" };

static const struct
{
  const char *const *path;
  size_t n;
} paths[] = {
  { containerd, 7 }, { annotations, 6 }, { one, 1 }, { two, 2 }, { three, 3 }, { quoted, 2 },
};

static void
forget (hook_error **err)
{
  hook_error_free (*err);
  *err = NULL;
}

static void
check_edit (bool append, const char *doc, size_t len, const char *const *path, size_t n)
{
  const char *value = append ? "io.oci-sandbox-hook.*" : "v \"\\\n\x01 é";
  hook_error *err = NULL;
  char *out = NULL, *again = NULL;
  size_t out_len = 0, again_len = 0;
  bool changed;
  toml_value v = { 0 };
  int ret = append ? toml_append_string (doc, len, path, n, value, &out, &out_len, &changed, &err)
                   : toml_set_string (doc, len, path, n, value, &out, &out_len, &changed, &err);

  if (ret != 0)
    {
      if (out != NULL || err == NULL)
        abort ();
      forget (&err);
      return;
    }
  if (out == NULL || (!changed && (out_len != len || memcmp (out, doc, len) != 0)))
    abort ();
  if (toml_check (out, out_len, &err) != 0 || toml_get (out, out_len, path, n, &v, &err) != 0)
    abort ();
  if (append ? v.kind != TOML_ARRAY || !v.all_strings
             : v.kind != TOML_STRING || strcmp (v.string, value) != 0)
    abort ();
  ret = append
            ? toml_append_string (out, out_len, path, n, value, &again, &again_len, &changed, &err)
            : toml_set_string (out, out_len, path, n, value, &again, &again_len, &changed, &err);
  if (ret != 0 || changed || again_len != out_len || memcmp (again, out, out_len) != 0)
    abort ();
  toml_value_clear (&v);
  free (out);
  free (again);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  hook_error *err = NULL;
  toml_value v = { 0 };
  const char *doc = (const char *)data + 1;
  size_t len, pick;

  if (size < 1)
    return 0;
  len = size - 1;
  pick = (data[0] >> 2) % (sizeof paths / sizeof paths[0]);
  switch (data[0] & 3)
    {
    case 0:
      (void)toml_check (doc, len, &err);
      break;
    case 1:
      (void)toml_get (doc, len, paths[pick].path, paths[pick].n, &v, &err);
      toml_value_clear (&v);
      break;
    case 2:
      check_edit (false, doc, len, paths[pick].path, paths[pick].n);
      break;
    case 3:
      check_edit (true, doc, len, paths[pick].path, paths[pick].n);
      break;
    }
  forget (&err);
  return 0;
}

/* libFuzzer harness: the bounded JSON parser (any bytes).  */
#include <config.h>

#include <stdint.h>

#include "json.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static size_t
count_nodes (const json_value *v)
{
  size_t n = 1;
  if (v->kind == JSON_OBJECT)
    for (size_t i = 0; i < v->u.object.count; i++)
      n += count_nodes (v->u.object.members[i].value);
  else if (v->kind == JSON_ARRAY)
    for (size_t i = 0; i < v->u.array.count; i++)
      n += count_nodes (v->u.array.items[i]);
  return n;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const json_limits limits = { .max_bytes = 1 << 20, .max_depth = 32, .allow_comments = size & 1 };
  json_doc *doc = NULL;
  hook_error *err = NULL;

  if (json_parse ((const char *)data, size, &limits, &doc, &err) == 0)
    {
      const json_value *root = json_doc_root (doc);
      int64_t i;
      uint64_t u;
      hook_error *e2 = NULL;
      (void)count_nodes (root);
      if (json_int64 (root, "root", INT64_MIN, INT64_MAX, &i, &e2) < 0)
        hook_error_free (e2);
      e2 = NULL;
      if (json_uint64 (root, "root", UINT64_MAX, &u, &e2) < 0)
        hook_error_free (e2);
    }
  json_doc_free (doc);
  hook_error_free (err);
  return 0;
}

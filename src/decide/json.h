/* Bounded JSON: a small read-only tree built on yajl's event parser.
   yajl's own tree API truncates strings at \u0000, keeps the first of two
   duplicate keys (Go runtimes keep the last) and recurses without limit when
   freeing; this parser refuses all three, caps the input size and the
   nesting depth, keeps object key order and keeps numbers as written so that
   a rewritten config.json carries them unchanged (docs/security.md, "Bounded JSON", threat 16).  */
#ifndef OCI_SANDBOX_HOOK_JSON_H
#define OCI_SANDBOX_HOOK_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef enum json_kind
{
  JSON_NULL,
  JSON_FALSE,
  JSON_TRUE,
  JSON_NUMBER,
  JSON_STRING,
  JSON_OBJECT,
  JSON_ARRAY,
} json_kind;

typedef struct json_value json_value;

typedef struct json_member
{
  const char *key;
  size_t key_len;
  json_value *value;
} json_member;

struct json_value
{
  json_kind kind;
  union
  {
    /* JSON_STRING: decoded UTF-8, NUL-terminated, never containing NUL.
       JSON_NUMBER: the number exactly as written in the input.  */
    struct
    {
      const char *text;
      size_t len;
    } scalar;
    struct
    {
      json_member *members;
      size_t count;
    } object;
    struct
    {
      json_value **items;
      size_t count;
    } array;
  } u;
};

typedef struct json_limits
{
  size_t max_bytes;   /* input larger than this is refused before parsing */
  unsigned max_depth; /* objects and arrays nested deeper are refused */
  bool allow_comments;
} json_limits;

/* Owns every node and string of one parsed document.  */
typedef struct json_doc json_doc;

int json_parse (const char *buf, size_t len, const json_limits *limits, json_doc **out,
                hook_error **err);
const json_value *json_doc_root (const json_doc *doc);
void json_doc_free (json_doc *doc);

static inline void
cleanup_json_doc_fn (json_doc **doc)
{
  if (*doc)
    json_doc_free (*doc);
}
#define cleanup_json __attribute__ ((cleanup (cleanup_json_doc_fn)))

/* Member KEY of OBJ, or NULL when OBJ is not an object or has no such key.  */
const json_value *json_get (const json_value *obj, const char *key);

const char *json_kind_name (json_kind kind);

/* MAP must be an object of strings (annotations, linux.sysctl): anything
   else is a malformed document, not something to skip over.  */
int json_string_map_validate (const json_value *map, const char *name, hook_error **err);

/* Typed accessors.  NAME is the field's path, used in error messages.  A
   missing (NULL) value is an error for these; test with json_get first.  */
int json_expect (const json_value *v, json_kind kind, const char *name, hook_error **err);
int json_string (const json_value *v, const char *name, const char **out, hook_error **err);
int json_bool (const json_value *v, const char *name, bool *out, hook_error **err);
/* An integer written without fraction or exponent, within [MIN, MAX].  */
int json_int64 (const json_value *v, const char *name, int64_t min, int64_t max, int64_t *out,
                hook_error **err);
int json_uint64 (const json_value *v, const char *name, uint64_t max, uint64_t *out,
                 hook_error **err);

#endif

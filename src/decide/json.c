#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "cleanup.h"
#include "decimal.h"
#include "json.h"

/* Nodes and strings live in a bump arena: one document is freed at once,
   whatever its depth, and a large config costs few allocations.  */
typedef struct arena_chunk
{
  struct arena_chunk *next;
  size_t used, size;
  max_align_t data[];
} arena_chunk;

struct json_doc
{
  arena_chunk *chunks;
  json_value *root;
  size_t next_chunk; /* the size of the next ordinary chunk */
};

/* The first chunk is sized from the document (its tree takes about as
   much as its text), the next ones double up to ARENA_CHUNK_MAX: a
   state or a policy of a few hundred bytes touches one page of memory,
   not eight (every fresh page is a fault of a process that lives a
   millisecond).  */
#define ARENA_CHUNK_MIN 512u
#define ARENA_CHUNK_MAX 32768u

/* One open object or array during parsing: its members grow in a heap
   vector and are copied into the arena, exactly sized, when it closes.  */
typedef struct open_container
{
  json_value *value;
  json_member *members;
  json_value **items;
  size_t count, cap;
  const char *pending_key; /* object: key waiting for its value */
  size_t pending_key_len;
} open_container;

typedef struct parse_ctx
{
  json_doc *doc;
  open_container *stack;
  unsigned depth, max_depth;
  hook_error **err;
  bool failed;
} parse_ctx;

/* ALIGN: the alignment of what is stored (1 for strings, which are most of
   a large document: padding every one to 16 bytes cost a third of the
   arena).  */
static void *
arena_alloc_aligned (json_doc *doc, size_t size, size_t align)
{
  arena_chunk *c = doc->chunks;

  if (c)
    {
      size_t start = (c->used + align - 1) & ~(align - 1);
      if (start <= c->size && c->size - start >= size)
        {
          void *p = (char *)c->data + start;
          c->used = start + size;
          return p;
        }
    }
  /* A new chunk: its data starts max_align_t-aligned.  A chunk made for
     one large object goes behind the current one, so that the current
     chunk's free space is still used.  */
  size_t chunk_size = size > doc->next_chunk ? size : doc->next_chunk;
  arena_chunk *n = malloc (sizeof (*n) + chunk_size);
  if (n == NULL)
    return NULL;
  if (chunk_size != size && doc->next_chunk < ARENA_CHUNK_MAX)
    doc->next_chunk *= 2;
  n->size = chunk_size;
  n->used = size;
  if (c && chunk_size == size)
    {
      n->next = c->next;
      c->next = n;
    }
  else
    {
      n->next = c;
      doc->chunks = n;
    }
  return n->data;
}

static void *
arena_alloc (json_doc *doc, size_t size)
{
  /* Nodes and arrays hold pointers and sizes: 8 bytes is their alignment.  */
  return arena_alloc_aligned (doc, size, _Alignof(void *));
}

static const char *
arena_strndup (json_doc *doc, const char *s, size_t len)
{
  char *p = arena_alloc_aligned (doc, len + 1, 1);
  if (p == NULL)
    return NULL;
  memcpy (p, s, len);
  p[len] = '\0';
  return p;
}

void
json_doc_free (json_doc *doc)
{
  if (doc == NULL)
    return;
  for (arena_chunk *c = doc->chunks, *next; c; c = next)
    {
      next = c->next;
      free (c);
    }
  free (doc);
}

const json_value *
json_doc_root (const json_doc *doc)
{
  return doc->root;
}

static int __attribute__ ((format (printf, 3, 4)))
ctx_fail (parse_ctx *ctx, int errno_value, const char *fmt, ...)
{
  va_list ap;
  char msg[512];
  va_start (ap, fmt);
  vsnprintf (msg, sizeof msg, fmt, ap);
  va_end (ap);
  if (!ctx->failed)
    hook_fail (ctx->err, errno_value, "%s", msg);
  ctx->failed = true;
  return 0; /* tells yajl to stop */
}

static int
ctx_oom (parse_ctx *ctx)
{
  return ctx_fail (ctx, ENOMEM, "%s", "parsing JSON");
}

/* Attach V to the innermost open container (or make it the root).  */
static int
add_value (parse_ctx *ctx, json_value *v)
{
  if (ctx->depth == 0)
    {
      ctx->doc->root = v;
      return 1;
    }
  open_container *top = &ctx->stack[ctx->depth - 1];
  if (top->count == top->cap)
    {
      size_t cap = top->cap ? top->cap * 2 : 8;
      if (top->value->kind == JSON_OBJECT)
        {
          json_member *m = realloc (top->members, cap * sizeof *m);
          if (m == NULL)
            return ctx_oom (ctx);
          top->members = m;
        }
      else
        {
          json_value **items = realloc (top->items, cap * sizeof *items);
          if (items == NULL)
            return ctx_oom (ctx);
          top->items = items;
        }
      top->cap = cap;
    }
  if (top->value->kind == JSON_OBJECT)
    {
      top->members[top->count].key = top->pending_key;
      top->members[top->count].key_len = top->pending_key_len;
      top->members[top->count].value = v;
    }
  else
    top->items[top->count] = v;
  top->count++;
  return 1;
}

static json_value *
new_value (parse_ctx *ctx, json_kind kind)
{
  json_value *v = arena_alloc (ctx->doc, sizeof *v);
  if (v == NULL)
    return NULL;
  memset (v, 0, sizeof *v);
  v->kind = kind;
  return v;
}

static int
add_scalar (parse_ctx *ctx, json_kind kind, const char *text, size_t len)
{
  json_value *v = new_value (ctx, kind);
  if (v == NULL)
    return ctx_oom (ctx);
  if (text)
    {
      v->u.scalar.text = arena_strndup (ctx->doc, text, len);
      if (v->u.scalar.text == NULL)
        return ctx_oom (ctx);
      v->u.scalar.len = len;
    }
  return add_value (ctx, v);
}

static int
on_null (void *c)
{
  return add_scalar (c, JSON_NULL, NULL, 0);
}

static int
on_boolean (void *c, int b)
{
  return add_scalar (c, b ? JSON_TRUE : JSON_FALSE, NULL, 0);
}

static int
on_number (void *c, const char *s, size_t len)
{
  return add_scalar (c, JSON_NUMBER, s, len);
}

/* RFC 3629 UTF-8.  yajl only checks the shape of multi-byte sequences: it
   lets overlong forms ("\xc0\xaf" for '/'), surrogates (also those it makes
   itself from an unpaired "\udc00") and code points above U+10FFFF through,
   which Go's decoder in the runtimes turns into U+FFFD: the two sides would
   not see the same string.  */
static bool
utf8_valid (const unsigned char *s, size_t len)
{
  for (size_t i = 0; i < len;)
    {
      unsigned char c = s[i];
      size_t n;
      uint32_t cp, min;

      if (c < 0x80)
        {
          i++;
          continue;
        }
      if (c >= 0xc2 && c <= 0xdf)
        n = 1, cp = c & 0x1f, min = 0x80;
      else if (c >= 0xe0 && c <= 0xef)
        n = 2, cp = c & 0x0f, min = 0x800;
      else if (c >= 0xf0 && c <= 0xf4)
        n = 3, cp = c & 0x07, min = 0x10000;
      else
        return false;
      if (len - i - 1 < n)
        return false;
      for (size_t k = 1; k <= n; k++)
        {
          if ((s[i + k] & 0xc0) != 0x80)
            return false;
          cp = (cp << 6) | (s[i + k] & 0x3f);
        }
      if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return false;
      i += n + 1;
    }
  return true;
}

static int
on_string (void *c, const unsigned char *s, size_t len)
{
  /* A decoded \u0000 would silently truncate the string for every C
     consumer after us.  */
  if (memchr (s, '\0', len))
    return ctx_fail (c, 0, "%s", "string contains a NUL character");
  if (!utf8_valid (s, len))
    return ctx_fail (c, 0, "%s", "string is not valid UTF-8");
  return add_scalar (c, JSON_STRING, (const char *)s, len);
}

static int
open_container_at (parse_ctx *ctx, json_kind kind)
{
  if (ctx->depth >= ctx->max_depth)
    return ctx_fail (ctx, 0, "%s", "nested too deeply");
  json_value *v = new_value (ctx, kind);
  if (v == NULL)
    return ctx_oom (ctx);
  if (!add_value (ctx, v))
    return 0;
  open_container *top = &ctx->stack[ctx->depth++];
  memset (top, 0, sizeof *top);
  top->value = v;
  return 1;
}

static int
on_start_map (void *c)
{
  return open_container_at (c, JSON_OBJECT);
}

static int
on_start_array (void *c)
{
  return open_container_at (c, JSON_ARRAY);
}

static int
on_map_key (void *c, const unsigned char *s, size_t len)
{
  parse_ctx *ctx = c;
  if (memchr (s, '\0', len))
    return ctx_fail (ctx, 0, "%s", "object key contains a NUL character");
  if (!utf8_valid (s, len))
    return ctx_fail (ctx, 0, "%s", "object key is not valid UTF-8");
  open_container *top = &ctx->stack[ctx->depth - 1];
  top->pending_key = arena_strndup (ctx->doc, (const char *)s, len);
  if (top->pending_key == NULL)
    return ctx_oom (ctx);
  top->pending_key_len = len;
  return 1;
}

static int
compare_members (const void *a, const void *b)
{
  const json_member *x = *(json_member *const *)a, *y = *(json_member *const *)b;
  size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
  int r = memcmp (x->key, y->key, n);
  if (r != 0)
    return r;
  return (x->key_len > y->key_len) - (x->key_len < y->key_len);
}

/* Duplicate keys are refused: which of the two a consumer sees differs
   between yajl (first) and Go (last), a classic smuggling vector.  Sorting
   pointers keeps this O(n log n) for the huge annotation maps.  */
static int
check_duplicate_keys (parse_ctx *ctx, open_container *top)
{
  if (top->count < 2)
    return 1;
  if (top->count <= 8)
    {
      for (size_t i = 0; i < top->count; i++)
        for (size_t j = i + 1; j < top->count; j++)
          if (top->members[i].key_len == top->members[j].key_len
              && memcmp (top->members[i].key, top->members[j].key, top->members[i].key_len) == 0)
            return ctx_fail (ctx, 0, "duplicate key \"%s\"", top->members[i].key);
      return 1;
    }
  cleanup_free const json_member **sorted = malloc (top->count * sizeof *sorted);
  if (sorted == NULL)
    return ctx_oom (ctx);
  for (size_t i = 0; i < top->count; i++)
    sorted[i] = &top->members[i];
  qsort (sorted, top->count, sizeof *sorted, compare_members);
  for (size_t i = 1; i < top->count; i++)
    if (compare_members (&sorted[i - 1], &sorted[i]) == 0)
      return ctx_fail (ctx, 0, "duplicate key \"%s\"", sorted[i]->key);
  return 1;
}

static int
close_container (void *c)
{
  parse_ctx *ctx = c;
  open_container *top = &ctx->stack[ctx->depth - 1];
  json_value *v = top->value;

  if (v->kind == JSON_OBJECT)
    {
      if (!check_duplicate_keys (ctx, top))
        return 0;
      if (top->count)
        {
          v->u.object.members = arena_alloc (ctx->doc, top->count * sizeof (json_member));
          if (v->u.object.members == NULL)
            return ctx_oom (ctx);
          memcpy (v->u.object.members, top->members, top->count * sizeof (json_member));
        }
      v->u.object.count = top->count;
    }
  else
    {
      if (top->count)
        {
          v->u.array.items = arena_alloc (ctx->doc, top->count * sizeof (json_value *));
          if (v->u.array.items == NULL)
            return ctx_oom (ctx);
          memcpy (v->u.array.items, top->items, top->count * sizeof (json_value *));
        }
      v->u.array.count = top->count;
    }
  free (top->members);
  free (top->items);
  top->members = NULL;
  top->items = NULL;
  ctx->depth--;
  return 1;
}

static const yajl_callbacks callbacks = {
  .yajl_null = on_null,
  .yajl_boolean = on_boolean,
  .yajl_number = on_number,
  .yajl_string = on_string,
  .yajl_start_map = on_start_map,
  .yajl_map_key = on_map_key,
  .yajl_end_map = close_container,
  .yajl_start_array = on_start_array,
  .yajl_end_array = close_container,
};

static void
free_open_containers (parse_ctx *ctx)
{
  for (unsigned i = 0; i < ctx->depth; i++)
    {
      free (ctx->stack[i].members);
      free (ctx->stack[i].items);
    }
  ctx->depth = 0;
}

/* yajl accepts a document that ends inside a block comment (an opening
   slash-star never closed): whatever the author meant to comment out,
   half of it is missing.  Find
   such an end with the lexer's own states: outside strings, a comment
   opens with a slash and a star and closes with a star and a slash.  */
static bool
ends_in_open_comment (const char *buf, size_t len)
{
  enum
  {
    CODE,
    STRING,
    LINE_COMMENT,
    BLOCK_COMMENT
  } state
      = CODE;

  for (size_t i = 0; i < len; i++)
    {
      char c = buf[i], next = i + 1 < len ? buf[i + 1] : '\0';
      switch (state)
        {
        case CODE:
          if (c == '"')
            state = STRING;
          else if (c == '/' && next == '/')
            state = LINE_COMMENT, i++;
          else if (c == '/' && next == '*')
            state = BLOCK_COMMENT, i++;
          break;
        case STRING:
          if (c == '\\')
            i++;
          else if (c == '"')
            state = CODE;
          break;
        case LINE_COMMENT:
          if (c == '\n')
            state = CODE;
          break;
        case BLOCK_COMMENT:
          if (c == '*' && next == '/')
            state = CODE, i++;
          break;
        }
    }
  return state == BLOCK_COMMENT;
}

int
json_parse (const char *buf, size_t len, const json_limits *limits, json_doc **out,
            hook_error **err)
{
  cleanup_free open_container *stack = NULL;
  json_doc *doc = NULL;
  yajl_handle h;
  yajl_status st;

  *out = NULL;
  if (len > limits->max_bytes)
    return hook_fail (err, 0, "JSON document of %zu bytes exceeds the limit of %zu", len,
                      limits->max_bytes);
  stack = calloc (limits->max_depth ? limits->max_depth : 1, sizeof *stack);
  doc = calloc (1, sizeof *doc);
  if (stack == NULL || doc == NULL)
    {
      free (doc);
      return hook_fail (err, ENOMEM, "parsing JSON");
    }
  doc->next_chunk = ARENA_CHUNK_MIN;
  while (doc->next_chunk < len && doc->next_chunk < ARENA_CHUNK_MAX)
    doc->next_chunk *= 2;

  parse_ctx ctx = { .doc = doc, .stack = stack, .max_depth = limits->max_depth, .err = err };
  h = yajl_alloc (&callbacks, NULL, &ctx);
  if (h == NULL)
    {
      json_doc_free (doc);
      return hook_fail (err, ENOMEM, "parsing JSON");
    }
  yajl_config (h, yajl_allow_comments, limits->allow_comments ? 1 : 0);
  /* Every string and key goes through utf8_valid, which is stricter than
     yajl's check (overlong forms, surrogates): checking twice cost 8 % of
     a large parse.  */
  yajl_config (h, yajl_dont_validate_strings, 1);
  /* No trailing garbage, one value: yajl's defaults.  */
  st = yajl_parse (h, (const unsigned char *)buf, len);
  if (st == yajl_status_ok)
    st = yajl_complete_parse (h);
  if (st != yajl_status_ok || ctx.failed || doc->root == NULL)
    {
      size_t offset = yajl_get_bytes_consumed (h);
      if (!ctx.failed)
        {
          unsigned char *msg = yajl_get_error (h, 0, (const unsigned char *)buf, len);
          /* yajl's message ends with a newline; keep the line clean.  */
          char *nl = msg ? strchr ((char *)msg, '\n') : NULL;
          if (nl)
            *nl = '\0';
          hook_fail (err, 0, "invalid JSON: %s",
                     msg ? (const char *)msg : "unexpected end of input");
          if (msg)
            yajl_free_error (h, msg);
        }
      else
        hook_error_prefix (err, "invalid JSON near byte %zu", offset);
      free_open_containers (&ctx);
      yajl_free (h);
      json_doc_free (doc);
      return -1;
    }
  yajl_free (h);
  if (limits->allow_comments && ends_in_open_comment (buf, len))
    {
      json_doc_free (doc);
      return hook_fail (err, 0, "invalid JSON: a /* comment is never closed");
    }
  *out = doc;
  return 0;
}

const json_value *
json_get (const json_value *obj, const char *key)
{
  if (obj == NULL || obj->kind != JSON_OBJECT)
    return NULL;
  size_t klen = strlen (key);
  for (size_t i = 0; i < obj->u.object.count; i++)
    if (obj->u.object.members[i].key_len == klen
        && memcmp (obj->u.object.members[i].key, key, klen) == 0)
      return obj->u.object.members[i].value;
  return NULL;
}

const char *
json_kind_name (json_kind kind)
{
  switch (kind)
    {
    case JSON_NULL:
      return "null";
    case JSON_FALSE:
    case JSON_TRUE:
      return "a boolean";
    case JSON_NUMBER:
      return "a number";
    case JSON_STRING:
      return "a string";
    case JSON_OBJECT:
      return "an object";
    case JSON_ARRAY:
      return "an array";
    }
  return "unknown";
}

int
json_expect (const json_value *v, json_kind kind, const char *name, hook_error **err)
{
  if (v == NULL)
    return hook_fail (err, 0, "%s: missing", name);
  if (v->kind != kind && !(kind == JSON_TRUE && v->kind == JSON_FALSE))
    return hook_fail (err, 0, "%s: expected %s, got %s", name, json_kind_name (kind),
                      json_kind_name (v->kind));
  return 0;
}

int
json_string (const json_value *v, const char *name, const char **out, hook_error **err)
{
  if (json_expect (v, JSON_STRING, name, err) < 0)
    return -1;
  *out = v->u.scalar.text;
  return 0;
}

int
json_bool (const json_value *v, const char *name, bool *out, hook_error **err)
{
  if (json_expect (v, JSON_TRUE, name, err) < 0)
    return -1;
  *out = v->kind == JSON_TRUE;
  return 0;
}

int
json_int64 (const json_value *v, const char *name, int64_t min, int64_t max, int64_t *out,
            hook_error **err)
{
  if (json_expect (v, JSON_NUMBER, name, err) < 0)
    return -1;
  /* JSON's integer grammar only: "1e3", "1.0" and 20-digit values are
     refused rather than rounded.  */
  if (decimal_parse (v->u.scalar.text, v->u.scalar.len, DECIMAL_ALLOW_MINUS_ZERO, min, max, out)
      == 0)
    return 0;
  if (errno == ERANGE)
    return hook_fail (err, 0, "%s: %s is out of range [%" PRId64 ", %" PRId64 "]", name,
                      v->u.scalar.text, min, max);
  return hook_fail (err, 0, "%s: %s is not an integer", name, v->u.scalar.text);
}

int
json_uint64 (const json_value *v, const char *name, uint64_t max, uint64_t *out, hook_error **err)
{
  int64_t ignored;

  if (json_expect (v, JSON_NUMBER, name, err) < 0)
    return -1;
  if (decimal_parse_unsigned (v->u.scalar.text, v->u.scalar.len, DECIMAL_CANONICAL, max, out) == 0)
    return 0;
  /* Which fault to name: the grammar, a sign, or the range.  */
  if (errno == ERANGE)
    return hook_fail (err, 0, "%s: %s is out of range [0, %" PRIu64 "]", name, v->u.scalar.text,
                      max);
  if (v->u.scalar.text[0] == '-'
      && (decimal_parse (v->u.scalar.text, v->u.scalar.len, DECIMAL_ALLOW_MINUS_ZERO, INT64_MIN,
                         INT64_MAX, &ignored)
              == 0
          || errno == ERANGE))
    return hook_fail (err, 0, "%s: %s is negative", name, v->u.scalar.text);
  return hook_fail (err, 0, "%s: %s is not an integer", name, v->u.scalar.text);
}

int
json_string_map_validate (const json_value *map, const char *name, hook_error **err)
{
  if (map->kind != JSON_OBJECT)
    return hook_fail (err, 0, "%s: expected an object, got %s", name, json_kind_name (map->kind));
  for (size_t i = 0; i < map->u.object.count; i++)
    if (map->u.object.members[i].value->kind != JSON_STRING)
      return hook_fail (
          err, 0, "%s: value of \"%.*s\" is not a string", name,
          (int)(map->u.object.members[i].key_len > 253 ? 253 : map->u.object.members[i].key_len),
          map->u.object.members[i].key);
  return 0;
}

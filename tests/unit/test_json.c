/* src/decide/json.h: the bounded JSON tree every untrusted input goes through
   (docs/security.md, "Bounded JSON", threat 16): order and numbers kept, duplicates, NUL, depth,
   size and malformed input refused with a clear error, never a crash.  */
#include <config.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "dnsfiles.h"
#include "error.h"
#include "json.h"
#include "tap.h"

#define N_ELEMENTS(a) (sizeof (a) / sizeof ((a)[0]))

static const json_limits test_limits = { .max_bytes = 1u << 20, .max_depth = 64 };

typedef struct refuse_case
{
  const char *text;
  size_t len; /* 0: strlen (text); set for inputs holding a NUL byte */
  const char *mention;
} refuse_case;

typedef struct int_case
{
  const char *number; /* the JSON text of the number */
  int64_t min, max;
  int64_t value;       /* expected when MENTION is NULL */
  const char *mention; /* NULL: accepted */
} int_case;

typedef struct uint_case
{
  const char *number;
  uint64_t max;
  uint64_t value;
  const char *mention;
} uint_case;

static char *
repeat (const char *unit, size_t n, const char *tail)
{
  size_t ul = strlen (unit), tl = strlen (tail);
  char *s = malloc (ul * n + tl + 1);

  if (s == NULL)
    abort ();
  for (size_t i = 0; i < n; i++)
    memcpy (s + i * ul, unit, ul);
  memcpy (s + ul * n, tail, tl + 1);
  return s;
}

/* N nested arrays around nothing: "[[...]]".  */
static char *
nested_arrays (size_t n)
{
  char *s = malloc (2 * n + 1);

  if (s == NULL)
    abort ();
  memset (s, '[', n);
  memset (s + n, ']', n);
  s[2 * n] = '\0';
  return s;
}

static void
report_text (const char *text, size_t len, const char *detail)
{
  cleanup_free char *copy = malloc (len + 1);
  cleanup_free char *quoted = NULL;

  if (copy == NULL)
    abort ();
  /* Show an embedded NUL as \x00 rather than cutting the input there.  */
  for (size_t i = 0; i < len; i++)
    copy[i] = text[i] ? text[i] : '\x01';
  copy[len] = '\0';
  quoted = quote_for_message (copy);
  printf ("# %s: %s\n", quoted ? quoted : "?", detail);
  tap_current_failed = true;
}

static void
check_refused_with (const refuse_case *cases, size_t n, const json_limits *limits)
{
  static char sentinel; /* json_parse must reset *out on failure */

  for (size_t i = 0; i < n; i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      json_doc *doc = (json_doc *)&sentinel;
      size_t len = cases[i].len ? cases[i].len : strlen (cases[i].text);
      int ret = json_parse (cases[i].text, len, limits, &doc, &err);

      if (ret == 0)
        {
          json_doc_free (doc);
          report_text (cases[i].text, len, "accepted");
        }
      else if (ret != -1 || doc != NULL || err == NULL)
        report_text (cases[i].text, len, "failed without an error or left *out set");
      else if (strstr (err->message, cases[i].mention) == NULL)
        {
          char detail[600];

          snprintf (detail, sizeof detail, "error \"%s\" does not mention \"%s\"", err->message,
                    cases[i].mention);
          report_text (cases[i].text, len, detail);
        }
    }
}

static void
check_refused (const refuse_case *cases, size_t n)
{
  check_refused_with (cases, n, &test_limits);
}

/* Parse TEXT, which must be accepted; NULL (and a failed test) otherwise.  */
static json_doc *
parse_ok (const char *text, const json_limits *limits)
{
  cleanup_hook_error hook_error *err = NULL;
  json_doc *doc = NULL;

  if (json_parse (text, strlen (text), limits, &doc, &err) != 0 || doc == NULL)
    {
      report_text (text, strlen (text), err ? err->message : "refused without an error");
      return NULL;
    }
  return doc;
}

/* The single number of "[NUMBER]".  */
static const json_value *
number_of (json_doc *doc)
{
  const json_value *root = doc ? json_doc_root (doc) : NULL;

  if (root == NULL || root->kind != JSON_ARRAY || root->u.array.count != 1)
    return NULL;
  return root->u.array.items[0];
}

/* Objects, arrays, scalars */

TEST (object_members_keep_their_input_order)
{
  cleanup_json json_doc *doc = parse_ok ("{\"z\":1,\"a\":2,\"m\":3,\"b\":4}", &test_limits);
  const json_value *root = doc ? json_doc_root (doc) : NULL;
  static const char *const order[] = { "z", "a", "m", "b" };

  CHECK (root != NULL && root->kind == JSON_OBJECT);
  if (root == NULL || root->kind != JSON_OBJECT)
    return;
  CHECK_INT (root->u.object.count, 4);
  for (size_t i = 0; i < 4 && i < root->u.object.count; i++)
    {
      CHECK_STR (root->u.object.members[i].key, order[i]);
      CHECK_INT (root->u.object.members[i].key_len, 1);
    }
}

TEST (large_object_keeps_input_order_after_the_duplicate_check)
{
  /* More than 8 members take the sorted duplicate check: the sort must
     work on pointers and leave the members in input order.  */
  cleanup_json json_doc *doc = parse_ok (
      "{\"k9\":9,\"k8\":8,\"k7\":7,\"k6\":6,\"k5\":5,\"k4\":4,\"k3\":3,\"k2\":2,\"k1\":1,\"k0\":0}",
      &test_limits);
  const json_value *root = doc ? json_doc_root (doc) : NULL;

  if (root == NULL || root->kind != JSON_OBJECT)
    {
      CHECK (root != NULL && root->kind == JSON_OBJECT);
      return;
    }
  CHECK_INT (root->u.object.count, 10);
  for (size_t i = 0; i < root->u.object.count; i++)
    {
      char key[8];

      snprintf (key, sizeof key, "k%zu", 9 - i);
      CHECK_STR (root->u.object.members[i].key, key);
      CHECK_INT (root->u.object.members[i].value->u.scalar.text[0], '0' + (int)(9 - i));
    }
}

TEST (array_items_keep_their_order_and_kinds)
{
  cleanup_json json_doc *doc
      = parse_ok ("[null, true, false, 7, \"s\", {}, [], {\"k\":[1]}]", &test_limits);
  const json_value *root = doc ? json_doc_root (doc) : NULL;
  static const json_kind kinds[] = { JSON_NULL,   JSON_TRUE,   JSON_FALSE, JSON_NUMBER,
                                     JSON_STRING, JSON_OBJECT, JSON_ARRAY, JSON_OBJECT };

  if (root == NULL || root->kind != JSON_ARRAY)
    {
      CHECK (root != NULL && root->kind == JSON_ARRAY);
      return;
    }
  CHECK_INT (root->u.array.count, N_ELEMENTS (kinds));
  for (size_t i = 0; i < N_ELEMENTS (kinds) && i < root->u.array.count; i++)
    CHECK_INT (root->u.array.items[i]->kind, kinds[i]);
  if (root->u.array.count == N_ELEMENTS (kinds))
    {
      CHECK_STR (root->u.array.items[3]->u.scalar.text, "7");
      CHECK_STR (root->u.array.items[4]->u.scalar.text, "s");
      CHECK_INT (root->u.array.items[5]->u.object.count, 0);
      CHECK_INT (root->u.array.items[6]->u.array.count, 0);
      const json_value *k = json_get (root->u.array.items[7], "k");
      CHECK (k != NULL && k->kind == JSON_ARRAY && k->u.array.count == 1);
    }
}

TEST (scalar_alone_is_a_document)
{
  static const struct
  {
    const char *text;
    json_kind kind;
    const char *scalar;
  } cases[] = {
    { "5", JSON_NUMBER, "5" },           { " -12.5e3 ", JSON_NUMBER, "-12.5e3" },
    { "\"x\"", JSON_STRING, "x" },       { "null", JSON_NULL, NULL },
    { "true", JSON_TRUE, NULL },         { "false", JSON_FALSE, NULL },
    { "\n\t{}\r\n", JSON_OBJECT, NULL },
  };

  for (size_t i = 0; i < N_ELEMENTS (cases); i++)
    {
      cleanup_json json_doc *doc = parse_ok (cases[i].text, &test_limits);
      const json_value *root = doc ? json_doc_root (doc) : NULL;

      if (root == NULL)
        continue;
      CHECK_INT (root->kind, cases[i].kind);
      if (cases[i].scalar)
        CHECK_STR (root->u.scalar.text, cases[i].scalar);
    }
}

TEST (numbers_are_kept_exactly_as_written)
{
  static const char *const numbers[] = {
    "1e400", "-0",     "18446744073709551616",           "1.50", "0", "-1E-07",
    "1E+2",  "0.0000", "123456789012345678901234567890",
  };

  for (size_t i = 0; i < N_ELEMENTS (numbers); i++)
    {
      char text[128];

      snprintf (text, sizeof text, "{\"n\": %s }", numbers[i]);
      cleanup_json json_doc *doc = parse_ok (text, &test_limits);
      const json_value *n = doc ? json_get (json_doc_root (doc), "n") : NULL;

      CHECK (n != NULL && n->kind == JSON_NUMBER);
      if (n == NULL || n->kind != JSON_NUMBER)
        continue;
      CHECK_STR (n->u.scalar.text, numbers[i]);
      CHECK_INT (n->u.scalar.len, strlen (numbers[i]));
    }
}

TEST (string_escapes_are_decoded_to_utf8)
{
  cleanup_json json_doc *doc = parse_ok (
      "[\"a\\nb\\t\\\"\\\\\\/\", \"\\u00e9\\u20ac\", \"\\ud83d\\ude00\", \"\"]", &test_limits);
  const json_value *root = doc ? json_doc_root (doc) : NULL;

  if (root == NULL || root->kind != JSON_ARRAY || root->u.array.count != 4)
    {
      CHECK (root != NULL && root->kind == JSON_ARRAY && root->u.array.count == 4);
      return;
    }
  CHECK_STR (root->u.array.items[0]->u.scalar.text, "a\nb\t\"\\/");
  CHECK_INT (root->u.array.items[0]->u.scalar.len, 7);
  CHECK_STR (root->u.array.items[1]->u.scalar.text, "\xc3\xa9\xe2\x82\xac");
  CHECK_INT (root->u.array.items[1]->u.scalar.len, 5);
  CHECK_STR (root->u.array.items[2]->u.scalar.text, "\xf0\x9f\x98\x80");
  CHECK_STR (root->u.array.items[3]->u.scalar.text, "");
  CHECK_INT (root->u.array.items[3]->u.scalar.len, 0);
}

TEST (long_strings_survive_the_arena)
{
  /* Strings larger than an arena chunk get a chunk of their own; the
     values around them must stay intact.  */
  cleanup_free char *big = repeat ("x", 100000, "");
  cleanup_free char *text = NULL;

  if (asprintf (&text, "{\"before\":\"b\",\"big\":\"%s\",\"after\":[\"a\",%s]}", big, "1") < 0)
    abort ();
  cleanup_json json_doc *doc = parse_ok (text, &test_limits);
  const json_value *root = doc ? json_doc_root (doc) : NULL;
  const json_value *v = json_get (root, "big"), *after = json_get (root, "after");

  CHECK (v != NULL && v->kind == JSON_STRING);
  if (v && v->kind == JSON_STRING)
    {
      CHECK_INT (v->u.scalar.len, 100000);
      CHECK (strcmp (v->u.scalar.text, big) == 0);
    }
  CHECK_STR (json_get (root, "before") ? json_get (root, "before")->u.scalar.text : NULL, "b");
  CHECK (after != NULL && after->kind == JSON_ARRAY && after->u.array.count == 2);
  if (after && after->kind == JSON_ARRAY && after->u.array.count == 2)
    {
      CHECK_STR (after->u.array.items[0]->u.scalar.text, "a");
      CHECK_STR (after->u.array.items[1]->u.scalar.text, "1");
    }
}

TEST (many_values_are_all_kept)
{
  /* 20000 members: several arena chunks and vector growth.  */
  cleanup_free char *body = repeat ("[1,\"two\",{\"three\":3}],", 20000, "null");
  cleanup_free char *text = NULL;

  if (asprintf (&text, "[%s]", body) < 0)
    abort ();
  cleanup_json json_doc *doc = parse_ok (text, &test_limits);
  const json_value *root = doc ? json_doc_root (doc) : NULL;

  CHECK (root != NULL && root->kind == JSON_ARRAY);
  if (root == NULL || root->kind != JSON_ARRAY)
    return;
  CHECK_INT (root->u.array.count, 20001);
  for (size_t i = 0; i < 20000 && i < root->u.array.count; i++)
    {
      const json_value *item = root->u.array.items[i];
      if (item->kind != JSON_ARRAY || item->u.array.count != 3
          || strcmp (item->u.array.items[1]->u.scalar.text, "two") != 0
          || json_get (item->u.array.items[2], "three") == NULL)
        {
          printf ("# item %zu is damaged\n", i);
          tap_current_failed = true;
          break;
        }
    }
}

/* Duplicate keys */

TEST (duplicate_keys_are_refused_at_any_depth)
{
  static const refuse_case cases[] = {
    { "{\"a\":1,\"a\":2}", 0, "duplicate key \"a\"" },
    { "{\"a\":1,\"b\":2,\"a\":1}", 0, "duplicate key \"a\"" },
    { "{\"\":1,\"\":2}", 0, "duplicate key \"\"" },
    { "{\"x\":{\"y\":{\"z\":{\"id\":1,\"id\":\"2\"}}}}", 0, "duplicate key \"id\"" },
    { "[1,[2,{\"k\":null,\"k\":null}]]", 0, "duplicate key \"k\"" },
    /* The same key once escaped: decoded keys are compared.  */
    { "{\"a\":1,\"\\u0061\":2}", 0, "duplicate key \"a\"" },
    { "{\"bundle\":\"/a\",\"bundl\\u0065\":\"/b\"}", 0, "duplicate key \"bundle\"" },
  };

  check_refused (cases, N_ELEMENTS (cases));
}

TEST (duplicate_keys_in_an_object_of_more_than_8_members_are_refused)
{
  static const refuse_case cases[] = {
    { "{\"1\":0,\"2\":0,\"3\":0,\"4\":0,\"5\":0,\"6\":0,\"7\":0,\"8\":0,\"1\":0}", 0,
      "duplicate key \"1\"" },
    { "{\"1\":0,\"2\":0,\"3\":0,\"4\":0,\"5\":0,\"6\":0,\"7\":0,\"8\":0,\"9\":0,\"9\":0}", 0,
      "duplicate key \"9\"" },
    { "{\"a\":{\"k0\":0,\"k1\":1,\"k2\":2,\"k3\":3,\"k4\":4,\"k5\":5,\"k6\":6,\"k7\":7,\"k8\":8,"
      "\"k9\":9,\"k10\":10,\"k5\":5}}",
      0, "duplicate key \"k5\"" },
  };

  check_refused (cases, N_ELEMENTS (cases));
}

TEST (duplicate_key_in_a_huge_annotation_map_is_refused)
{
  cleanup_free char *text = malloc (10000 * 24 + 64);
  size_t off = 0;

  if (text == NULL)
    abort ();
  off += (size_t)sprintf (text + off, "{");
  for (int i = 0; i < 10000; i++)
    off += (size_t)sprintf (text + off, "\"key-%d\":\"v\",", i);
  off += (size_t)sprintf (text + off, "\"key-4321\":\"again\"}");

  cleanup_hook_error hook_error *err = NULL;
  cleanup_json json_doc *doc = NULL;
  CHECK_INT (json_parse (text, off, &test_limits, &doc, &err), -1);
  CHECK_ERROR_MENTIONS (err, "duplicate key \"key-4321\"");
}

TEST (keys_that_only_share_a_prefix_are_distinct)
{
  cleanup_json json_doc *doc = parse_ok (
      "{\"a\":1,\"ab\":2,\"abc\":3,\"b\":4,\"ba\":5,\"\":6,\"A\":7,\"a \":8,\"a\\u00e9\":9}",
      &test_limits);
  const json_value *root = doc ? json_doc_root (doc) : NULL;

  CHECK (root != NULL && root->kind == JSON_OBJECT && root->u.object.count == 9);
  CHECK_STR (json_get (root, "ab") ? json_get (root, "ab")->u.scalar.text : NULL, "2");
  CHECK_STR (json_get (root, "") ? json_get (root, "")->u.scalar.text : NULL, "6");
  CHECK_STR (json_get (root, "A") ? json_get (root, "A")->u.scalar.text : NULL, "7");
}

TEST (same_key_in_sibling_objects_is_not_a_duplicate)
{
  cleanup_json json_doc *doc = parse_ok (
      "{\"a\":{\"id\":1},\"b\":{\"id\":2},\"c\":[{\"id\":3},{\"id\":4}]}", &test_limits);

  CHECK (doc != NULL);
}

/* NUL */

TEST (escaped_nul_in_a_string_or_key_is_refused)
{
  static const refuse_case cases[] = {
    { "\"\\u0000\"", 0, "string contains a NUL character" },
    { "[\"ab\\u0000cd\"]", 0, "string contains a NUL character" },
    { "{\"bundle\":\"/run/x\\u0000/../etc\"}", 0, "string contains a NUL character" },
    { "{\"k\\u0000\":1}", 0, "object key contains a NUL character" },
    { "{\"a\":{\"\\u0000\":1}}", 0, "object key contains a NUL character" },
  };

  check_refused (cases, N_ELEMENTS (cases));
}

TEST (raw_nul_byte_anywhere_is_refused)
{
  static const refuse_case cases[] = {
    { "{\"a\":1}\0", 8, "invalid JSON" },
    { "{\"a\":\"x\0y\"}", 11, "invalid JSON" },
    { "\0{}", 3, "invalid JSON" },
    { "[1,\0 2]", 7, "invalid JSON" },
  };

  check_refused (cases, N_ELEMENTS (cases));
}

/* Depth */

TEST (nesting_of_exactly_max_depth_is_accepted)
{
  for (unsigned depth = 1; depth <= 70; depth++)
    {
      const json_limits limits = { .max_bytes = 1u << 20, .max_depth = depth };
      cleanup_free char *text = nested_arrays (depth);
      cleanup_json json_doc *doc = parse_ok (text, &limits);
      const json_value *v = doc ? json_doc_root (doc) : NULL;
      unsigned seen = 0;

      while (v && v->kind == JSON_ARRAY)
        {
          seen++;
          v = v->u.array.count ? v->u.array.items[0] : NULL;
        }
      if (seen != depth)
        {
          printf ("# depth %u: walked %u levels\n", depth, seen);
          tap_current_failed = true;
        }
    }
}

TEST (nesting_of_max_depth_plus_one_is_refused)
{
  for (unsigned depth = 0; depth <= 70; depth++)
    {
      const json_limits limits = { .max_bytes = 1u << 20, .max_depth = depth };
      cleanup_free char *text = nested_arrays (depth + 1);
      cleanup_hook_error hook_error *err = NULL;
      cleanup_json json_doc *doc = NULL;

      if (json_parse (text, strlen (text), &limits, &doc, &err) != -1 || doc != NULL || err == NULL
          || strstr (err->message, "nested too deeply") == NULL)
        {
          printf ("# depth %u + 1: %s\n", depth, err ? err->message : "accepted");
          tap_current_failed = true;
        }
    }
}

TEST (mixed_objects_and_arrays_count_towards_the_same_depth)
{
  const json_limits limits = { .max_bytes = 4096, .max_depth = 4 };
  cleanup_json json_doc *doc = parse_ok ("{\"a\":[{\"b\":[]}]}", &limits);
  static const refuse_case deeper[] = {
    { "{\"a\":[{\"b\":[{}]}]}", 0, "nested too deeply" },
    { "[[[{\"x\":{}}]]]", 0, "nested too deeply" },
    /* The limit applies where the depth is reached, not on the first branch only.  */
    { "[[], [[]], [[[]]], [[[[]]]], 1]", 0, "nested too deeply" },
  };

  CHECK (doc != NULL);
  check_refused_with (deeper, N_ELEMENTS (deeper), &limits);
}

TEST (scalars_only_document_needs_no_depth)
{
  const json_limits limits = { .max_bytes = 64, .max_depth = 0 };
  cleanup_json json_doc *doc = parse_ok ("\"just a string\"", &limits);
  static const refuse_case cases[]
      = { { "[]", 0, "nested too deeply" }, { "{}", 0, "nested too deeply" } };

  CHECK (doc != NULL);
  check_refused_with (cases, N_ELEMENTS (cases), &limits);
}

TEST (deep_nesting_of_400000_levels_is_refused_quickly)
{
  /* yajl's tree API overflows the stack freeing this (docs/security.md, "Bounded JSON").  */
  const json_limits limits = { .max_bytes = 16u << 20, .max_depth = 64 };
  static const char *const units[] = { "[", "{\"a\":", "[{\"a\":" };

  for (size_t u = 0; u < N_ELEMENTS (units); u++)
    {
      cleanup_free char *text = repeat (units[u], 400000, "1");
      cleanup_hook_error hook_error *err = NULL;
      cleanup_json json_doc *doc = NULL;
      struct timespec t0, t1;

      clock_gettime (CLOCK_MONOTONIC, &t0);
      CHECK_INT (json_parse (text, strlen (text), &limits, &doc, &err), -1);
      clock_gettime (CLOCK_MONOTONIC, &t1);
      CHECK (doc == NULL);
      CHECK_ERROR_MENTIONS (err, "nested too deeply");
      double seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
      if (seconds > 1.0)
        {
          printf ("# unit %s: took %.3f s\n", units[u], seconds);
          tap_current_failed = true;
        }
    }
}

TEST (deep_nesting_within_a_large_limit_is_parsed_and_freed)
{
  /* Freeing is one arena walk, not a recursion: 100000 levels are fine
     when the caller allows them.  */
  const json_limits limits = { .max_bytes = 1u << 20, .max_depth = 100000 };
  cleanup_free char *text = nested_arrays (100000);
  cleanup_json json_doc *doc = parse_ok (text, &limits);

  CHECK (doc != NULL);
}

/* Size */

TEST (input_over_max_bytes_is_refused_before_parsing)
{
  const json_limits limits = { .max_bytes = 10, .max_depth = 8 };
  cleanup_hook_error hook_error *err = NULL;
  cleanup_json json_doc *doc = NULL;

  /* Invalid JSON, so a parse error would say "invalid": the size must be
     the reason.  */
  CHECK_INT (json_parse ("@@@@@@@@@@@", 11, &limits, &doc, &err), -1);
  CHECK (doc == NULL);
  CHECK_ERROR_MENTIONS (err, "JSON document of 11 bytes exceeds the limit of 10");
}

TEST (input_of_exactly_max_bytes_is_accepted)
{
  const json_limits limits = { .max_bytes = 10, .max_depth = 8 };
  cleanup_json json_doc *doc = parse_ok ("[12345678]", &limits);

  CHECK (doc != NULL);
}

TEST (length_not_nul_terminator_bounds_the_input)
{
  /* Only LEN bytes are parsed: what follows is not part of the input.  */
  cleanup_hook_error hook_error *err = NULL;
  cleanup_json json_doc *doc = NULL;

  CHECK_INT (json_parse ("[1] garbage", 3, &test_limits, &doc, &err), 0);
  CHECK (err == NULL);
}

/* Malformed input */

TEST (trailing_garbage_is_refused)
{
  static const refuse_case cases[] = {
    { "{} x", 0, "invalid JSON" },      { "{}}", 0, "invalid JSON" },
    { "[1]]", 0, "invalid JSON" },      { "{\"a\":1},", 0, "invalid JSON" },
    { "null null", 0, "invalid JSON" }, { "\"a\"\"b\"", 0, "invalid JSON" },
    { "1 2", 0, "invalid JSON" },
  };

  check_refused (cases, N_ELEMENTS (cases));
}

TEST (second_top_level_value_is_refused)
{
  static const refuse_case cases[] = {
    { "{\"id\":\"a\"}{\"id\":\"b\"}", 0, "invalid JSON" },
    { "{\"id\":\"a\"}\n{\"id\":\"b\"}\n", 0, "invalid JSON" },
    { "[] []", 0, "invalid JSON" },
  };

  check_refused (cases, N_ELEMENTS (cases));
}

TEST (truncated_input_is_refused)
{
  static const refuse_case cases[] = {
    { "{", 0, "invalid JSON" },
    { "[", 0, "invalid JSON" },
    { "{\"a\"", 0, "invalid JSON" },
    { "{\"a\":", 0, "invalid JSON" },
    { "{\"a\":1", 0, "invalid JSON" },
    { "{\"a\":1,", 0, "invalid JSON" },
    { "[1,2", 0, "invalid JSON" },
    { "\"abc", 0, "invalid JSON" },
    { "\"ab\\", 0, "invalid JSON" },
    { "\"\\u00", 0, "invalid JSON" },
    { "tru", 0, "invalid JSON" },
    { "-", 0, "invalid JSON" },
    { "1.", 0, "invalid JSON" },
    { "1e", 0, "invalid JSON" },
    { "{\"a\":[{\"b\":", 0, "invalid JSON" },
  };

  check_refused (cases, N_ELEMENTS (cases));
}

TEST (empty_input_is_refused)
{
  static const refuse_case cases[] = {
    { "", 0, "invalid JSON" },
    { " \n\t ", 0, "invalid JSON" },
  };

  check_refused (cases, N_ELEMENTS (cases));
}

TEST (invalid_utf8_is_refused)
{
  static const refuse_case cases[] = {
    { "\"\xff\"", 0, "invalid JSON" },
    { "[\"ok\", \"\xfe\"]", 0, "invalid JSON" },
    { "{\"\xff\":1}", 0, "invalid JSON" },
    { "\"\xc3\"", 0, "invalid JSON" },       /* truncated sequence */
    { "\"\xe2\x82\"", 0, "invalid JSON" },   /* truncated sequence */
    { "\"\x80\"", 0, "invalid JSON" },       /* lone continuation byte */
    { "\"\xc3\x28\"", 0, "invalid JSON" },   /* bad continuation byte */
    { "\xef\xbb\xbf{}", 0, "invalid JSON" }, /* byte order mark */
  };

  check_refused (cases, N_ELEMENTS (cases));
}

TEST (utf8_that_go_would_replace_is_refused)
{
  /* yajl checks only the shape of a sequence; Go's decoder (in runc and
     the engines) turns these into U+FFFD, so both sides must refuse.  */
  static const refuse_case cases[] = {
    { "\"..\xc0\xaf..\"", 0, "string is not valid UTF-8" },     /* overlong '/' */
    { "\"\xe0\x80\xaf\"", 0, "string is not valid UTF-8" },     /* overlong '/' */
    { "\"\xf0\x80\x80\xaf\"", 0, "string is not valid UTF-8" }, /* overlong '/' */
    { "\"\xc1\xbf\"", 0, "string is not valid UTF-8" },         /* overlong DEL */
    { "\"\xed\xa0\x80\"", 0, "string is not valid UTF-8" },     /* U+D800 */
    { "\"\xed\xbf\xbf\"", 0, "string is not valid UTF-8" },     /* U+DFFF */
    { "\"\xf4\x90\x80\x80\"", 0, "string is not valid UTF-8" }, /* U+110000 */
    { "\"\xf5\x80\x80\x80\"", 0, "invalid JSON" },
    { "\"\\udc00\"", 0, "string is not valid UTF-8" }, /* unpaired low surrogate */
    { "{\"\xc0\xae\":1}", 0, "object key is not valid UTF-8" },
    { "{\"k\\udfff\":1}", 0, "object key is not valid UTF-8" },
  };

  check_refused (cases, N_ELEMENTS (cases));
}

TEST (utf8_at_the_edges_of_the_valid_ranges_is_accepted)
{
  static const char *const texts[] = {
    "\"\xc2\x80\"",         /* U+0080 */
    "\"\xdf\xbf\"",         /* U+07FF */
    "\"\xe0\xa0\x80\"",     /* U+0800 */
    "\"\xed\x9f\xbf\"",     /* U+D7FF */
    "\"\xee\x80\x80\"",     /* U+E000 */
    "\"\xef\xbf\xbf\"",     /* U+FFFF */
    "\"\xf0\x90\x80\x80\"", /* U+10000 */
    "\"\xf4\x8f\xbf\xbf\"", /* U+10FFFF */
    "\"\\udbff\\udfff\"",   /* U+10FFFF escaped */
    "{\"\xc3\xa9\":\"\xe2\x82\xac\"}",
  };

  for (size_t i = 0; i < N_ELEMENTS (texts); i++)
    {
      cleanup_json json_doc *doc = parse_ok (texts[i], &test_limits);
      CHECK (doc != NULL);
    }
}

TEST (json_that_is_not_strict_json_is_refused)
{
  static const refuse_case cases[] = {
    { "{'a':1}", 0, "invalid JSON" },     { "{a:1}", 0, "invalid JSON" },
    { "[1,]", 0, "invalid JSON" },        { "{\"a\":1,}", 0, "invalid JSON" },
    { "[NaN]", 0, "invalid JSON" },       { "[Infinity]", 0, "invalid JSON" },
    { "[+1]", 0, "invalid JSON" },        { "[01]", 0, "invalid JSON" },
    { "[.5]", 0, "invalid JSON" },        { "[0x10]", 0, "invalid JSON" },
    { "[-]", 0, "invalid JSON" },         { "[\"a\tb\"]", 0, "invalid JSON" },
    { "[\"a\nb\"]", 0, "invalid JSON" },  { "[\"\\x41\"]", 0, "invalid JSON" },
    { "[\"\\u12\"]", 0, "invalid JSON" }, { "[True]", 0, "invalid JSON" },
    { "{\"a\" 1}", 0, "invalid JSON" },   { "{\"a\":1 \"b\":2}", 0, "invalid JSON" },
    { "[1 2]", 0, "invalid JSON" },       { "{1:2}", 0, "invalid JSON" },
  };

  check_refused (cases, N_ELEMENTS (cases));
}

TEST (comments_are_refused_unless_allowed)
{
  static const char *const texts[] = {
    "// note\n{\"a\":1}",      "/* note */ {\"a\":1}",  "{\"a\": /* inline */ 1}",
    "{\"a\":1 // trailing\n}", "{\"a\":1}\n// after\n",
  };
  const json_limits with_comments = { .max_bytes = 4096, .max_depth = 8, .allow_comments = true };

  for (size_t i = 0; i < N_ELEMENTS (texts); i++)
    {
      const refuse_case refused = { texts[i], 0, "invalid JSON" };
      check_refused (&refused, 1);

      cleanup_json json_doc *doc = parse_ok (texts[i], &with_comments);
      const json_value *a = doc ? json_get (json_doc_root (doc), "a") : NULL;
      CHECK (a != NULL && a->kind == JSON_NUMBER && strcmp (a->u.scalar.text, "1") == 0);
    }
}

TEST (comment_markers_inside_strings_are_text)
{
  const json_limits with_comments = { .max_bytes = 4096, .max_depth = 8, .allow_comments = true };
  cleanup_json json_doc *doc = parse_ok ("{\"a\":\"/* \\\" //\"} /* closed */", &with_comments);
  const json_value *a = doc ? json_get (json_doc_root (doc), "a") : NULL;
  CHECK (a != NULL && a->kind == JSON_STRING && strcmp (a->u.scalar.text, "/* \" //") == 0);
}

TEST (comment_that_hides_part_of_the_document_is_refused_even_when_allowed)
{
  /* yajl itself lets an unterminated comment after a complete document
     pass: whatever it was meant to hide is missing, so it is refused too.  */
  const json_limits with_comments = { .max_bytes = 4096, .max_depth = 8, .allow_comments = true };
  static const refuse_case cases[] = {
    { "{\"a\":1 /* never closed }", 0, "invalid JSON" },
    { "{\"a\":1} /* never closed", 0, "a /* comment is never closed" },
    { "{\"a\":1} // a /* in a line comment opens nothing\n/* but this one", 0,
      "a /* comment is never closed" },
    { "{\"a\":1, // \"b\":2}", 0, "invalid JSON" },
    { "/ {}", 0, "invalid JSON" },
    { "# shell comment\n{}", 0, "invalid JSON" },
  };

  check_refused_with (cases, N_ELEMENTS (cases), &with_comments);
}

TEST (parse_error_message_is_one_line)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_json json_doc *doc = NULL;

  CHECK_INT (json_parse ("{\"a\":}", 6, &test_limits, &doc, &err), -1);
  CHECK_ERROR_MENTIONS (err, "invalid JSON: ");
  CHECK (err != NULL && strchr (err->message, '\n') == NULL);
}

TEST (callback_error_names_the_byte_offset)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_json json_doc *doc = NULL;

  CHECK_INT (json_parse ("{\"a\":\"\\u0000\"}", 14, &test_limits, &doc, &err), -1);
  CHECK_ERROR_MENTIONS (err, "invalid JSON near byte ");
  CHECK_ERROR_MENTIONS (err, "string contains a NUL character");
}

/* Integers */

static void
check_int64 (const int_case *cases, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      char text[128];
      snprintf (text, sizeof text, "[%s]", cases[i].number);
      cleanup_json json_doc *doc = parse_ok (text, &test_limits);
      const json_value *v = number_of (doc);
      cleanup_hook_error hook_error *err = NULL;
      int64_t out = INT64_C (0x5a5a5a5a);

      if (v == NULL)
        continue;
      int ret = json_int64 (v, "spec.field", cases[i].min, cases[i].max, &out, &err);
      if (cases[i].mention == NULL ? ret != 0 || out != cases[i].value
                                   : ret != -1 || err == NULL || out != INT64_C (0x5a5a5a5a)
                                         || strstr (err->message, cases[i].mention) == NULL
                                         || strstr (err->message, "spec.field: ") == NULL)
        {
          printf ("# %s: ret %d, value %" PRId64 ", error \"%s\"\n", cases[i].number, ret, out,
                  err ? err->message : "(none)");
          tap_current_failed = true;
        }
    }
}

static void
check_uint64 (const uint_case *cases, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      char text[128];
      snprintf (text, sizeof text, "[%s]", cases[i].number);
      cleanup_json json_doc *doc = parse_ok (text, &test_limits);
      const json_value *v = number_of (doc);
      cleanup_hook_error hook_error *err = NULL;
      uint64_t out = UINT64_C (0x5a5a5a5a);

      if (v == NULL)
        continue;
      int ret = json_uint64 (v, "spec.field", cases[i].max, &out, &err);
      if (cases[i].mention == NULL ? ret != 0 || out != cases[i].value
                                   : ret != -1 || err == NULL || out != UINT64_C (0x5a5a5a5a)
                                         || strstr (err->message, cases[i].mention) == NULL
                                         || strstr (err->message, "spec.field: ") == NULL)
        {
          printf ("# %s: ret %d, value %" PRIu64 ", error \"%s\"\n", cases[i].number, ret, out,
                  err ? err->message : "(none)");
          tap_current_failed = true;
        }
    }
}

TEST (int64_accepts_plain_integers_within_range)
{
  static const int_case cases[] = {
    { "0", INT64_MIN, INT64_MAX, 0, NULL },
    { "-998", -1000, 1000, -998, NULL },
    { "1000", -1000, 1000, 1000, NULL },
    { "-1000", -1000, 1000, -1000, NULL },
    { "4194304", 0, 4194304, 4194304, NULL },
    { "9223372036854775807", INT64_MIN, INT64_MAX, INT64_MAX, NULL },
    { "-9223372036854775808", INT64_MIN, INT64_MAX, INT64_MIN, NULL },
  };

  check_int64 (cases, N_ELEMENTS (cases));
}

TEST (int64_accepts_minus_zero_as_zero)
{
  /* "-0" is in the JSON integer grammar (Go's ParseInt takes it too).  */
  static const int_case cases[] = { { "-0", -5, 5, 0, NULL }, { "-0", 0, 0, 0, NULL } };

  check_int64 (cases, N_ELEMENTS (cases));
}

TEST (int64_refuses_fraction_and_exponent)
{
  static const int_case cases[] = {
    { "1e3", INT64_MIN, INT64_MAX, 0, "1e3 is not an integer" },
    { "1E3", INT64_MIN, INT64_MAX, 0, "1E3 is not an integer" },
    { "1.0", INT64_MIN, INT64_MAX, 0, "1.0 is not an integer" },
    { "-1.5", INT64_MIN, INT64_MAX, 0, "-1.5 is not an integer" },
    { "0e0", INT64_MIN, INT64_MAX, 0, "0e0 is not an integer" },
    { "-0.0", INT64_MIN, INT64_MAX, 0, "is not an integer" },
    { "1e400", INT64_MIN, INT64_MAX, 0, "1e400 is not an integer" },
    { "10E-1", INT64_MIN, INT64_MAX, 0, "is not an integer" },
  };

  check_int64 (cases, N_ELEMENTS (cases));
}

TEST (int64_refuses_values_outside_range)
{
  static const int_case cases[] = {
    { "1001", -1000, 1000, 0, "1001 is out of range [-1000, 1000]" },
    { "-1001", -1000, 1000, 0, "-1001 is out of range [-1000, 1000]" },
    { "9223372036854775808", INT64_MIN, INT64_MAX, 0, "is out of range" },
    { "-9223372036854775809", INT64_MIN, INT64_MAX, 0, "is out of range" },
    { "18446744073709551616", INT64_MIN, INT64_MAX, 0, "is out of range" },
    { "99999999999999999999", INT64_MIN, INT64_MAX, 0, "is out of range" },
    { "-99999999999999999999", INT64_MIN, INT64_MAX, 0, "is out of range" },
    { "123456789012345678901234567890", INT64_MIN, INT64_MAX, 0, "is out of range" },
    { "-1", 0, 4194304, 0, "-1 is out of range [0, 4194304]" },
    { "1", 0, 0, 0, "is out of range [0, 0]" },
  };

  check_int64 (cases, N_ELEMENTS (cases));
}

TEST (uint64_accepts_the_full_unsigned_range)
{
  static const uint_case cases[] = {
    { "0", UINT64_MAX, 0, NULL },
    { "2", UINT64_MAX, 2, NULL },
    { "4294967295", UINT32_MAX, UINT32_MAX, NULL },
    { "9223372036854775808", UINT64_MAX, UINT64_C (9223372036854775808), NULL },
    { "18446744073709551615", UINT64_MAX, UINT64_MAX, NULL },
  };

  check_uint64 (cases, N_ELEMENTS (cases));
}

TEST (uint64_refuses_negative_fraction_exponent_and_overflow)
{
  static const uint_case cases[] = {
    { "-1", UINT64_MAX, 0, "-1 is negative" },
    /* Go's ParseUint refuses "-0" as well: a uint field never has a sign.  */
    { "-0", UINT64_MAX, 0, "-0 is negative" },
    { "-18446744073709551615", UINT64_MAX, 0, "is negative" },
    { "1e3", UINT64_MAX, 0, "1e3 is not an integer" },
    { "1.0", UINT64_MAX, 0, "1.0 is not an integer" },
    { "18446744073709551616", UINT64_MAX, 0, "18446744073709551616 is out of range" },
    { "99999999999999999999", UINT64_MAX, 0, "is out of range" },
    { "4294967296", UINT32_MAX, 0, "4294967296 is out of range [0, 4294967295]" },
  };

  check_uint64 (cases, N_ELEMENTS (cases));
}

TEST (integer_grammar_refuses_what_yajl_would_never_produce)
{
  /* Numbers built by hand: the accessors must not trust the lexer.  */
  static const char *const texts[] = { "01", "-01", "0x10", "00", "", "-", "+5", " 5", "5 ", "1-" };

  for (size_t i = 0; i < N_ELEMENTS (texts); i++)
    {
      json_value v = { .kind = JSON_NUMBER };
      cleanup_hook_error hook_error *err = NULL;
      cleanup_hook_error hook_error *uerr = NULL;
      int64_t n = 77;
      uint64_t u = 77;

      v.u.scalar.text = texts[i];
      v.u.scalar.len = strlen (texts[i]);
      if (json_int64 (&v, "f", INT64_MIN, INT64_MAX, &n, &err) != -1 || n != 77
          || json_uint64 (&v, "f", UINT64_MAX, &u, &uerr) != -1 || u != 77)
        {
          printf ("# \"%s\" accepted as an integer\n", texts[i]);
          tap_current_failed = true;
        }
      else
        {
          CHECK_ERROR_MENTIONS (err, "is not an integer");
          CHECK_ERROR_MENTIONS (uerr, "is not an integer");
        }
    }
}

TEST (integer_of_the_wrong_kind_is_refused_naming_the_field)
{
  cleanup_json json_doc *doc
      = parse_ok ("{\"s\":\"5\",\"b\":true,\"z\":null,\"o\":{}}", &test_limits);
  const json_value *root = doc ? json_doc_root (doc) : NULL;
  static const struct
  {
    const char *key, *mention;
  } cases[] = {
    { "s", "process.oomScoreAdj: expected a number, got a string" },
    { "b", "process.oomScoreAdj: expected a number, got a boolean" },
    { "z", "process.oomScoreAdj: expected a number, got null" },
    { "o", "process.oomScoreAdj: expected a number, got an object" },
    { "missing", "process.oomScoreAdj: missing" },
  };

  for (size_t i = 0; i < N_ELEMENTS (cases); i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      cleanup_hook_error hook_error *uerr = NULL;
      int64_t n;
      uint64_t u;

      CHECK_INT (
          json_int64 (json_get (root, cases[i].key), "process.oomScoreAdj", -1000, 1000, &n, &err),
          -1);
      CHECK_ERROR_MENTIONS (err, cases[i].mention);
      CHECK_INT (json_uint64 (json_get (root, cases[i].key), "process.oomScoreAdj", 10, &u, &uerr),
                 -1);
      CHECK_ERROR_MENTIONS (uerr, cases[i].mention);
    }
}

/* Other accessors */

TEST (string_and_bool_accessors_check_the_kind)
{
  cleanup_json json_doc *doc
      = parse_ok ("{\"s\":\"text\",\"t\":true,\"f\":false,\"n\":1}", &test_limits);
  const json_value *root = doc ? json_doc_root (doc) : NULL;
  const char *s = NULL;
  bool b = false;

  {
    cleanup_hook_error hook_error *err = NULL;
    CHECK_INT (json_string (json_get (root, "s"), "a.s", &s, &err), 0);
    CHECK_STR (s, "text");
  }
  {
    cleanup_hook_error hook_error *err = NULL;
    CHECK_INT (json_bool (json_get (root, "t"), "a.t", &b, &err), 0);
    CHECK (b == true);
    CHECK_INT (json_bool (json_get (root, "f"), "a.f", &b, &err), 0);
    CHECK (b == false);
  }
  {
    cleanup_hook_error hook_error *err = NULL;
    CHECK_INT (json_string (json_get (root, "n"), "a.n", &s, &err), -1);
    CHECK_ERROR_MENTIONS (err, "a.n: expected a string, got a number");
  }
  {
    cleanup_hook_error hook_error *err = NULL;
    CHECK_INT (json_bool (json_get (root, "s"), "a.s", &b, &err), -1);
    CHECK_ERROR_MENTIONS (err, "a.s: expected a boolean, got a string");
  }
  {
    cleanup_hook_error hook_error *err = NULL;
    CHECK_INT (json_string (NULL, "a.gone", &s, &err), -1);
    CHECK_ERROR_MENTIONS (err, "a.gone: missing");
  }
  {
    cleanup_hook_error hook_error *err = NULL;
    CHECK_INT (json_expect (root, JSON_ARRAY, "a", &err), -1);
    CHECK_ERROR_MENTIONS (err, "a: expected an array, got an object");
  }
}

TEST (json_get_on_anything_but_an_object_is_null)
{
  cleanup_json json_doc *doc
      = parse_ok ("[[\"a\"],\"a\",1,null,true,{\"a\":1,\"ab\":2}]", &test_limits);
  const json_value *root = doc ? json_doc_root (doc) : NULL;

  if (root == NULL || root->kind != JSON_ARRAY || root->u.array.count != 6)
    {
      CHECK (0);
      return;
    }
  CHECK (json_get (NULL, "a") == NULL);
  CHECK (json_get (root, "a") == NULL);
  for (size_t i = 0; i < 5; i++)
    CHECK (json_get (root->u.array.items[i], "a") == NULL);
  CHECK (json_get (root->u.array.items[5], "a") != NULL);
  CHECK (json_get (root->u.array.items[5], "") == NULL);
  CHECK (json_get (root->u.array.items[5], "A") == NULL);
  CHECK (json_get (root->u.array.items[5], "abc") == NULL);
  CHECK_STR (json_get (root->u.array.items[5], "ab")->u.scalar.text, "2");
}

TEST (kind_names_read_as_english)
{
  CHECK_STR (json_kind_name (JSON_NULL), "null");
  CHECK_STR (json_kind_name (JSON_FALSE), "a boolean");
  CHECK_STR (json_kind_name (JSON_TRUE), "a boolean");
  CHECK_STR (json_kind_name (JSON_NUMBER), "a number");
  CHECK_STR (json_kind_name (JSON_STRING), "a string");
  CHECK_STR (json_kind_name (JSON_OBJECT), "an object");
  CHECK_STR (json_kind_name (JSON_ARRAY), "an array");
  CHECK_STR (json_kind_name ((json_kind)99), "unknown");
}

int
main (void)
{
  RUN (object_members_keep_their_input_order);
  RUN (large_object_keeps_input_order_after_the_duplicate_check);
  RUN (array_items_keep_their_order_and_kinds);
  RUN (scalar_alone_is_a_document);
  RUN (numbers_are_kept_exactly_as_written);
  RUN (string_escapes_are_decoded_to_utf8);
  RUN (long_strings_survive_the_arena);
  RUN (many_values_are_all_kept);
  RUN (duplicate_keys_are_refused_at_any_depth);
  RUN (duplicate_keys_in_an_object_of_more_than_8_members_are_refused);
  RUN (duplicate_key_in_a_huge_annotation_map_is_refused);
  RUN (keys_that_only_share_a_prefix_are_distinct);
  RUN (same_key_in_sibling_objects_is_not_a_duplicate);
  RUN (escaped_nul_in_a_string_or_key_is_refused);
  RUN (raw_nul_byte_anywhere_is_refused);
  RUN (nesting_of_exactly_max_depth_is_accepted);
  RUN (nesting_of_max_depth_plus_one_is_refused);
  RUN (mixed_objects_and_arrays_count_towards_the_same_depth);
  RUN (scalars_only_document_needs_no_depth);
  RUN (deep_nesting_of_400000_levels_is_refused_quickly);
  RUN (deep_nesting_within_a_large_limit_is_parsed_and_freed);
  RUN (input_over_max_bytes_is_refused_before_parsing);
  RUN (input_of_exactly_max_bytes_is_accepted);
  RUN (length_not_nul_terminator_bounds_the_input);
  RUN (trailing_garbage_is_refused);
  RUN (second_top_level_value_is_refused);
  RUN (truncated_input_is_refused);
  RUN (empty_input_is_refused);
  RUN (invalid_utf8_is_refused);
  RUN (utf8_that_go_would_replace_is_refused);
  RUN (utf8_at_the_edges_of_the_valid_ranges_is_accepted);
  RUN (json_that_is_not_strict_json_is_refused);
  RUN (comments_are_refused_unless_allowed);
  RUN (comment_that_hides_part_of_the_document_is_refused_even_when_allowed);
  RUN (comment_markers_inside_strings_are_text);
  RUN (parse_error_message_is_one_line);
  RUN (callback_error_names_the_byte_offset);
  RUN (int64_accepts_plain_integers_within_range);
  RUN (int64_accepts_minus_zero_as_zero);
  RUN (int64_refuses_fraction_and_exponent);
  RUN (int64_refuses_values_outside_range);
  RUN (uint64_accepts_the_full_unsigned_range);
  RUN (uint64_refuses_negative_fraction_exponent_and_overflow);
  RUN (integer_grammar_refuses_what_yajl_would_never_produce);
  RUN (integer_of_the_wrong_kind_is_refused_naming_the_field);
  RUN (string_and_bool_accessors_check_the_kind);
  RUN (json_get_on_anything_but_an_object_is_null);
  RUN (kind_names_read_as_english);
  return tap_done ();
}

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "error.h"
#include "safepath.h"
#include "tap.h"
#include "toml_edit.h"

#define N(a) (sizeof (a) / sizeof ((a)[0]))

static const char *const RUNC[]
    = { "plugins",   "io.containerd.grpc.v1.cri", "containerd", "runtimes", "runc", "options",
        "BinaryName" };
static const char *const ANNOTATIONS[] = { "plugins",    "io.containerd.grpc.v1.cri",
                                           "containerd", "runtimes",
                                           "runc",       "pod_annotations" };
#define WRAPPER "/usr/local/libexec/oci-sandbox-hook/oci-sandbox-runtime"

/* Set or append, expecting success and the exact document EXPECTED.  */
static void
check_edit (bool append, const char *doc, const char *const *path, size_t n, const char *value,
            const char *expected)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_free char *out = NULL;
  size_t len = 0;
  bool changed = false;
  int ret = append
                ? toml_append_string (doc, strlen (doc), path, n, value, &out, &len, &changed, &err)
                : toml_set_string (doc, strlen (doc), path, n, value, &out, &len, &changed, &err);

  if (ret != 0 || out == NULL || len != strlen (expected) || memcmp (out, expected, len) != 0
      || changed != (strcmp (doc, expected) != 0))
    {
      printf ("# edit of \"%s\": ret %d (%s), changed %d, got:\n# %s\n# expected:\n# %s\n", doc,
              ret, err ? err->message : "no error", changed, out ? out : "(null)", expected);
      tap_current_failed = true;
      return;
    }
  /* Idempotence: the same edit on the result changes nothing.  */
  cleanup_free char *again = NULL;
  size_t again_len = 0;
  ret = append ? toml_append_string (out, len, path, n, value, &again, &again_len, &changed, &err)
               : toml_set_string (out, len, path, n, value, &again, &again_len, &changed, &err);
  if (ret != 0 || changed || again_len != len || memcmp (again, out, len) != 0)
    {
      printf ("# the same edit twice differs from once on \"%s\"\n", doc);
      tap_current_failed = true;
    }
}

static void
check_refused (bool append, const char *doc, const char *const *path, size_t n, const char *value,
               const char *mention)
{
  cleanup_hook_error hook_error *err = NULL;
  char *out = (char *)"untouched";
  size_t len = 0;
  int ret = append ? toml_append_string (doc, strlen (doc), path, n, value, &out, &len, NULL, &err)
                   : toml_set_string (doc, strlen (doc), path, n, value, &out, &len, NULL, &err);

  if (ret != -1 || out != NULL || err == NULL || strstr (err->message, mention) == NULL)
    {
      printf ("# edit of \"%s\": ret %d, error \"%s\", expected one mentioning \"%s\"\n", doc, ret,
              err ? err->message : "(none)", mention);
      tap_current_failed = true;
    }
}

static char *
read_fixture (const char *name, size_t *len)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_free char *path = NULL;
  cleanup_close int fd = -1;
  char *buf = NULL;

  if (asprintf (&path, "%s/install/%s", TEST_DATA_DIR, name) < 0)
    return NULL;
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || read_fd_bounded (fd, TOML_EDIT_MAX_BYTES, &buf, len, &err) < 0)
    {
      printf ("# cannot read %s\n", path);
      return NULL;
    }
  return buf;
}

TEST (valid_documents_are_accepted)
{
  static const char *const docs[] = {
    "",
    "# only a comment\n",
    "a = \"x\"\nb = 'y'\nc = \"\"\"\nm\"\"\"\nd = '''l'''\n",
    "a = \"\\u00e9\\U0001F600\\b\\t\\n\\f\\r\\\"\\\\\"",
    "a = \"\"\"x\\\n   y\"\"\"\nb = \"\"\"q\"\"\"\"\"\n",
    "i = [0, -0, +17, 1_000, 0xDEAD_beef, 0o755, 0b11, 9223372036854775807, "
    "-9223372036854775808]",
    "f = [3.14, -1e-05, 1e1_0, inf, -nan, +inf, 224_617.445_991_228]",
    "b = [true, false]",
    "d = [1979-05-27T07:32:00Z, 1979-05-27 07:32:00-07:00, 1979-05-27T07:32:00.5, "
    "1979-05-27, 07:32:00, 2000-02-29]",
    "a = 1979-05-27 # a date, then a comment",
    "a = [\n  1, # one\n  'x',\n  [2, [3]],\n  {b = 1},\n]",
    "a = {}\nb = { c = 1, d.e = [\n 2 ] }",
    "a.b.c = 1\na.b.d = 2\n\"q.k\" = 3\n'' = 4\n1234 = 5\n3.14 = 6",
    "[a]\n[b]\n[a.c]\n[x.y.z]\n[x]\nk = 1",
    "[a]\nb.c = 1\n[a.b.d]\ne = 1",
    "[[a]]\nb = 1\n[a.c]\n[[a]]\nb = 2\n[a.c]",
    "[ a . 'b' . \"c\" ] # comment\n",
    "a = 1\r\nb = 2\r\n",
  };

  for (size_t i = 0; i < N (docs); i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      if (toml_check (docs[i], strlen (docs[i]), &err) != 0)
        {
          printf ("# refused \"%s\": %s\n", docs[i], err ? err->message : "?");
          tap_current_failed = true;
        }
    }
}

typedef struct bad_doc
{
  const char *doc;
  const char *mention;
} bad_doc;

/* One bad value per construct; every error names the line and column.  */
TEST (invalid_documents_are_refused_with_line_and_column)
{
  static const bad_doc docs[] = {
    { "a", "line 1, column 2: expected '='" },
    { "a =", "expected a value" },
    { "= 1", "expected a key" },
    { "a = 1 b = 2", "column 7: expected the end of the line" },
    { "a = 1\na = 2", "line 2, column 1: a is defined twice (defined on line 1)" },
    { "a = 1\na.b = 2", "a is already a value" },
    { "a = \"x", "unterminated string" },
    { "a = \"x\ny\"", "line 1, column 5: unterminated string" },
    { "a = 'x", "unterminated literal string" },
    { "a = \"\\q\"", "invalid escape" },
    { "a = \"\\u00\"", "needs 4 hexadecimal digits" },
    { "a = \"\\uD800\"", "not a Unicode scalar value" },
    { "a = \"\\U00110000\"", "not a Unicode scalar value" },
    { "a = \"\x01\"", "control character U+0001" },
    { "a = '\x7f'", "control character U+007F" },
    { "a = \"\"\"x", "unterminated multi-line string" },
    { "a = \"\"\"x\"\"\"\"\"\"", "too many quotes" },
    { "a = \"\"\"\\ x\"\"\"", "invalid escape" },
    { "a = 01", "leading zeros" },
    { "a = 1__0", "not a valid value" },
    { "a = 0x", "invalid integer" },
    { "a = 0o8", "invalid integer" },
    { "a = 9223372036854775808", "out of the 64-bit range" },
    { "a = -9223372036854775809", "out of the 64-bit range" },
    { "a = 1.", "invalid fraction" },
    { "a = 1e+", "invalid exponent" },
    { "a = True", "not a valid value" },
    { "a = 1979-02-30", "invalid date" },
    { "a = 1979-05-27T25:00:00", "invalid time" },
    { "a = 1979-05-27T07:32:00+24:00", "invalid time offset" },
    { "a = 07:32", "invalid time" },
    { "a = [1 2]", "expected ',' or ']'" },
    { "a = [,]", "expected a value" },
    { "a = [", "expected a value" },
    { "a = {b = 1,}", "trailing comma in an inline table" },
    { "a = {b = 1\n}", "newline in an inline table" },
    { "a = {b = 1, b = 2}", "a.b is defined twice" },
    { "a = {b = 1}\na.c = 2", "a is an inline table" },
    { "a = {b = 1}\n[a.c]", "a is an inline table" },
    { "[a]\n[a]", "line 2, column 1: a is defined twice" },
    { "a.b = 1\n[a]", "a is already defined by dotted keys" },
    { "[a]\nb = 1\n[a.b]", "a.b is already a value" },
    { "[a]\n[[a]]", "not an array of tables" },
    { "a = []\n[[a]]", "already a value" },
    { "[[a]]\n[a]", "a is an array of tables" },
    { "[a.b]\n[a]\nb.c = 1", "a.b is a [table]" },
    { "[a", "expected ']'" },
    { "[[a]", "expected ']]'" },
    { "[]", "expected a key" },
    { "[a] b = 1", "expected the end of the line after a table header" },
    { "a..b = 1", "expected a key" },
    { "a = 1 # \x01", "control character U+0001 in a comment" },
    { "a = 1\rb = 2", "carriage return not followed by a line feed" },
    { "a = \"\xff\"", "line 1, column 6: not valid UTF-8" },
    { "a = \"\\u0000\"", "NUL character" },
    { "a = 1979-05-27T07:32:60Z", "invalid time" },
  };

  for (size_t i = 0; i < N (docs); i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      int ret = toml_check (docs[i].doc, strlen (docs[i].doc), &err);

      if (ret != -1 || err == NULL || strstr (err->message, docs[i].mention) == NULL
          || strstr (err->message, "line ") == NULL || strstr (err->message, "column ") == NULL)
        {
          printf ("# \"%s\": ret %d, error \"%s\", expected one mentioning \"%s\"\n", docs[i].doc,
                  ret, err ? err->message : "(none)", docs[i].mention);
          tap_current_failed = true;
        }
    }
}

TEST (columns_count_characters_not_bytes)
{
  cleanup_hook_error hook_error *err = NULL;
  const char *doc = "k = \"é\" x";

  CHECK_INT (toml_check (doc, strlen (doc), &err), -1);
  CHECK_ERROR_MENTIONS (err, "line 1, column 9:");
}

TEST (nesting_deeper_than_the_limit_is_refused)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_free char *doc = malloc (4 + 2 * (TOML_EDIT_MAX_DEPTH + 1) + 1);
  char *p = doc;

  p = stpcpy (p, "a = ");
  for (int i = 0; i <= TOML_EDIT_MAX_DEPTH; i++)
    *p++ = '[';
  for (int i = 0; i <= TOML_EDIT_MAX_DEPTH; i++)
    *p++ = ']';
  *p = '\0';
  CHECK_INT (toml_check (doc, strlen (doc), &err), -1);
  CHECK_ERROR_MENTIONS (err, "nested deeper than 32");
}

TEST (a_document_over_the_size_limit_is_refused_unread)
{
  cleanup_hook_error hook_error *err = NULL;
  size_t len = TOML_EDIT_MAX_BYTES + 1;
  cleanup_free char *doc = malloc (len);

  memset (doc, '#', len);
  CHECK_INT (toml_check (doc, len, &err), -1);
  CHECK (err && err->errno_value == E2BIG);
}

TEST (get_reads_typed_values)
{
  static const char doc[] = "s = 'lit\\eral'\n"
                            "e = \"tab\\there \\u00e9\"\n"
                            "m = \"\"\"\r\none\r\ntwo\"\"\"\n"
                            "i = -0x10\n" /* invalid: a sign on a prefixed integer */;
  static const char good[] = "s = 'lit\\eral'\n"
                             "e = \"tab\\there \\u00e9\"\n"
                             "m = \"\"\"\r\none\r\ntwo\"\"\"\n"
                             "i = -1_024\n"
                             "f = 1.5\n"
                             "b = true\n"
                             "d = 1979-05-27\n"
                             "arr = ['x', \"y\\n\", # c\n]\n"
                             "mixed = [1, 'x']\n"
                             "[t.u]\n"
                             "v = {w = 'deep'}\n"
                             "[[aot]]\n"
                             "k = 1\n";
  const char *s[] = { "s" }, *e[] = { "e" }, *m[] = { "m" }, *i[] = { "i" }, *f[] = { "f" },
             *b[] = { "b" }, *d[] = { "d" }, *arr[] = { "arr" }, *mixed[] = { "mixed" },
             *t[] = { "t" }, *deep[] = { "t", "u", "v", "w" }, *absent[] = { "t", "nope" },
             *aot[] = { "aot" }, *through_aot[] = { "aot", "k" }, *through_value[] = { "i", "x" };
  cleanup_hook_error hook_error *err = NULL;
  toml_value v = { 0 };

  CHECK_INT (toml_get (doc, strlen (doc), s, 1, &v, &err), -1);
  CHECK_ERROR_MENTIONS (err, "line 6, column 5");

#define GET(path)                                                                                  \
  do                                                                                               \
    {                                                                                              \
      toml_value_clear (&v);                                                                       \
      CHECK_INT (toml_get (good, strlen (good), path, N (path), &v, NULL), 0);                     \
    }                                                                                              \
  while (0)
  GET (s);
  CHECK_INT (v.kind, TOML_STRING);
  CHECK_STR (v.string, "lit\\eral");
  GET (e);
  CHECK_STR (v.string, "tab\there \xc3\xa9");
  GET (m);
  CHECK_STR (v.string, "one\ntwo");
  GET (i);
  CHECK_INT (v.kind, TOML_INTEGER);
  CHECK_INT (v.integer, -1024);
  GET (f);
  CHECK_INT (v.kind, TOML_FLOAT);
  GET (b);
  CHECK (v.kind == TOML_BOOL && v.boolean);
  GET (d);
  CHECK_INT (v.kind, TOML_DATETIME);
  GET (arr);
  CHECK (v.kind == TOML_ARRAY && v.all_strings && v.n_items == 2);
  if (v.n_items == 2)
    {
      CHECK_STR (v.strings[0], "x");
      CHECK_STR (v.strings[1], "y\n");
    }
  GET (mixed);
  CHECK (v.kind == TOML_ARRAY && !v.all_strings && v.n_items == 2 && v.strings == NULL);
  GET (t);
  CHECK_INT (v.kind, TOML_TABLE);
  GET (deep);
  CHECK_STR (v.string, "deep");
  GET (absent);
  CHECK_INT (v.kind, TOML_ABSENT);
  GET (aot);
  CHECK_INT (v.kind, TOML_ARRAY_OF_TABLES);
#undef GET
  toml_value_clear (&v);
  hook_error_free (err);
  err = NULL;
  CHECK_INT (toml_get (good, strlen (good), through_aot, 2, &v, &err), -1);
  CHECK_ERROR_MENTIONS (err, "aot: is an array of tables (line 15)");
  hook_error_free (err);
  err = NULL;
  CHECK_INT (toml_get (good, strlen (good), through_value, 2, &v, &err), -1);
  CHECK_ERROR_MENTIONS (err, "i: is an integer (line 6), not a table");
  toml_value_clear (&v);
}

TEST (set_replaces_the_value_in_place)
{
  const char *k[] = { "t", "k" };

  check_edit (false, "[t]\n  k = 'old' # keep me\nz = 1\n", k, 2, "new",
              "[t]\n  k = \"new\" # keep me\nz = 1\n");
  /* The same value in another spelling is not an edit.  */
  check_edit (false, "[t]\nk = 'same'\n", k, 2, "same", "[t]\nk = 'same'\n");
}

TEST (set_adds_a_line_after_the_tables_last_key_line)
{
  const char *k[] = { "t", "k" }, *root[] = { "k" };

  check_edit (false, "[t]\n  a = 1\n  b = [\n    2,\n  ] # c\n\n# about u\n[u]\n", k, 2, "v",
              "[t]\n  a = 1\n  b = [\n    2,\n  ] # c\n  k = \"v\"\n\n# about u\n[u]\n");
  check_edit (false, "[t]\n\n[u]\n", k, 2, "v", "[t]\nk = \"v\"\n\n[u]\n");
  check_edit (false, "[t]", k, 2, "v", "[t]\nk = \"v\"\n");
  check_edit (false, "a = 1\n[t]\n", root, 1, "v", "a = 1\nk = \"v\"\n[t]\n");
  check_edit (false, "# top\n[t]\n", root, 1, "v", "# top\nk = \"v\"\n\n[t]\n");
  check_edit (false, "", root, 1, "v", "k = \"v\"\n");
}

TEST (set_creates_a_missing_table_after_its_parents_section)
{
  const char *k[] = { "p", "c", "d", "k" };

  check_edit (false, "[p]\n  [p.x]\n    a = 1\n", k, 4, "v",
              "[p]\n\n[p.c.d]\nk = \"v\"\n  [p.x]\n    a = 1\n");
  /* containerd's layout: headers indented like their parent's keys.  */
  check_edit (false, "  [p]\n    a = 1\n\n  [q]\n", k, 4, "v",
              "  [p]\n    a = 1\n\n    [p.c.d]\n      k = \"v\"\n\n  [q]\n");
  check_edit (false, "[p]\na = 1\n[q]\n", k, 4, "v", "[p]\na = 1\n\n[p.c.d]\nk = \"v\"\n[q]\n");
  check_edit (false, "x = 1", k, 4, "v", "x = 1\n\n[p.c.d]\nk = \"v\"\n");
}

TEST (set_gives_an_implicit_table_its_header)
{
  const char *k[] = { "a", "b", "k" };

  check_edit (false, "x = 1\n\n  [a.b.c]\n  y = 2\n", k, 3, "v",
              "x = 1\n\n  [a.b]\n  k = \"v\"\n\n  [a.b.c]\n  y = 2\n");
}

TEST (append_adds_a_string_and_keeps_the_layout)
{
  const char *k[] = { "a" };

  check_edit (true, "a = []", k, 1, "n", "a = [\"n\"]");
  check_edit (true, "a = [ # empty\n]\n", k, 1, "n", "a = [\"n\" # empty\n]\n");
  check_edit (true, "a = ['x']\n", k, 1, "n", "a = ['x', \"n\"]\n");
  check_edit (true, "a = ['x', ] # c\n", k, 1, "n", "a = ['x', \"n\", ] # c\n");
  check_edit (true, "a = [\n  'x',\n  'y', # c\n]\n", k, 1, "n",
              "a = [\n  'x',\n  'y', # c\n  \"n\",\n]\n");
  check_edit (true, "a = [\r\n  'y', # c\r\n]\r\n", k, 1, "n",
              "a = [\r\n  'y', # c\r\n  \"n\",\r\n]\r\n");
  check_edit (true, "a = [\n  'y' # c\n]\n", k, 1, "n", "a = [\n  'y',\n  \"n\" # c\n]\n");
  check_edit (true, "a = ['x', 'n']\n", k, 1, "n", "a = ['x', 'n']\n");
  check_edit (true, "b = 1\n", k, 1, "n", "b = 1\na = [\"n\"]\n");
}

TEST (line_endings_follow_the_document)
{
  const char *k[] = { "t", "k" }, *n[] = { "n", "k" };

  check_edit (false, "[t]\r\na = 1\r\n", k, 2, "v", "[t]\r\na = 1\r\nk = \"v\"\r\n");
  check_edit (false, "[t]\r\na = 1", n, 2, "v", "[t]\r\na = 1\r\n\r\n[n]\r\nk = \"v\"\r\n");
}

TEST (written_strings_and_keys_are_escaped)
{
  const char *k[] = { "odd key", "ünï", "q\"k" };
  cleanup_hook_error hook_error *err = NULL;
  cleanup_free char *s = NULL;

  check_edit (false, "", k, 3, "\"\\\b\t\n\f\r\x01\x7f é",
              "[\"odd key\".\"ünï\"]\n\"q\\\"k\" = \"\\\"\\\\\\b\\t\\n\\f\\r\\u0001\\u007F é\"\n");
  CHECK_INT (toml_render_string ("a\"b", &s, &err), 0);
  CHECK_STR (s, "\"a\\\"b\"");
  free (s);
  s = NULL;
  CHECK_INT (toml_render_path (k, 2, &s, &err), 0);
  CHECK_STR (s, "\"odd key\".\"ünï\"");
  free (s);
  s = NULL;
  CHECK_INT (toml_render_string ("\xff", &s, &err), -1);
  CHECK_ERROR_MENTIONS (err, "valid UTF-8");
}

TEST (edits_the_installer_does_not_make_safely_are_refused)
{
  const char *ab[] = { "a", "b", "k" }, *ax[] = { "a", "x", "k" }, *tk[] = { "t", "k" },
             *ai[] = { "a", "i" }, *am[] = { "a", "m" }, *ad[] = { "a", "b" }, *v[] = { "v" },
             *x[] = { "x", "y" };
  const char *doc = "v = 1\n[a]\nb.c = 1\nx = {y = 1}\ni = 3\nm = [1, 'x']\n[[t]]\nk = 's'\n";

  check_refused (false, doc, ab, 3, "s",
                 "a.b.k: a.b is a table defined through dotted keys in its parent table (line 3)");
  check_refused (false, doc, ax, 3, "s", "a.x.k: a.x is an inline table (line 4)");
  check_refused (false, doc, tk, 2, "s", "t.k: t is an array of tables (line 7)");
  check_refused (false, doc, ai, 2, "s", "a.i: is an integer (line 5), not a string");
  check_refused (true, doc, am, 2, "s",
                 "a.m: is an array with items that are not strings (line 6), not an array of "
                 "strings");
  check_refused (true, doc, ai, 2, "s", "not an array of strings");
  check_refused (false, doc, ad, 2, "s", "a.b: is a table (line 3), not a string");
  check_refused (false, "x = 1\n", x, 2, "s", "x.y: x is an integer (line 1)");
  check_refused (false, doc, v, 1, "\xc3", "the new value is not valid UTF-8");
  check_refused (false, doc, v, 0, "s", "empty TOML key path");
  check_refused (false, "a = 1\na = 2\n", v, 1, "s", "line 2, column 1: a is defined twice");
}

/* The containerd edits of the installer on the real `containerd config
   default` of Debian's containerd 1.6.20: two lines change, every other
   byte stays.  */
TEST (containerd_1_6_default_config_is_edited_in_place)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_free char *doc = NULL, *one = NULL, *two = NULL;
  cleanup_toml_value toml_value v = { 0 };
  size_t len = 0, one_len = 0, two_len = 0;
  const char *old_bin = "            BinaryName = \"\"\n";
  const char *old_ann = "          pod_annotations = []\n";

  doc = read_fixture ("containerd-1.6-default.toml", &len);
  if (doc == NULL)
    {
      tap_current_failed = true;
      return;
    }
  CHECK_INT (toml_set_string (doc, len, RUNC, N (RUNC), WRAPPER, &one, &one_len, NULL, &err), 0);
  CHECK_INT (toml_append_string (one, one_len, ANNOTATIONS, N (ANNOTATIONS),
                                 "io.oci-sandbox-hook.*", &two, &two_len, NULL, &err),
             0);
  if (two == NULL)
    {
      tap_current_failed = true;
      return;
    }
  /* Exactly these two lines differ.  */
  const char *bin = strstr (doc, old_bin), *ann = strstr (doc, old_ann);
  CHECK (bin != NULL && ann != NULL && ann < bin);
  if (bin == NULL || ann == NULL)
    return;
  size_t ann_at = (size_t)(ann - doc), bin_at = (size_t)(bin - doc);
  const char *new_ann = "          pod_annotations = [\"io.oci-sandbox-hook.*\"]\n";
  const char *new_bin = "            BinaryName = \"" WRAPPER "\"\n";
  CHECK_INT (two_len,
             len + strlen (new_ann) - strlen (old_ann) + strlen (new_bin) - strlen (old_bin));
  CHECK (memcmp (two, doc, ann_at) == 0);
  CHECK (memcmp (two + ann_at, new_ann, strlen (new_ann)) == 0);
  size_t mid = bin_at - ann_at - strlen (old_ann), out_mid = ann_at + strlen (new_ann);
  CHECK (memcmp (two + out_mid, doc + ann_at + strlen (old_ann), mid) == 0);
  CHECK (memcmp (two + out_mid + mid, new_bin, strlen (new_bin)) == 0);
  size_t tail = len - bin_at - strlen (old_bin);
  CHECK (memcmp (two + two_len - tail, doc + len - tail, tail) == 0);
  CHECK_INT (toml_get (two, two_len, RUNC, N (RUNC), &v, &err), 0);
  CHECK_STR (v.string, WRAPPER);
}

TEST (containerd_2_config_takes_the_version_3_table_names)
{
  static const char *const runc2[]
      = { "plugins",   "io.containerd.cri.v1.runtime", "containerd", "runtimes", "runc", "options",
          "BinaryName" };
  cleanup_hook_error hook_error *err = NULL;
  cleanup_free char *doc = NULL, *out = NULL;
  cleanup_toml_value toml_value v = { 0 };
  size_t len = 0, out_len = 0;

  doc = read_fixture ("containerd-2.x-default.toml", &len);
  if (doc == NULL)
    {
      tap_current_failed = true;
      return;
    }
  CHECK_INT (toml_set_string (doc, len, runc2, N (runc2), WRAPPER, &out, &out_len, NULL, &err), 0);
  CHECK (out && strstr (out, "            BinaryName = \"" WRAPPER "\"\n") != NULL);
  CHECK_INT (toml_get (doc, len, RUNC, N (RUNC), &v, &err), 0);
  CHECK_INT (v.kind, TOML_ABSENT);
}

/* The proof lists every key by its path; one too deep to list is not
   proven, so the edit is refused.  */
TEST (an_edit_that_cannot_be_proven_is_refused)
{
  const char *x[] = { "x" };
  cleanup_free char *doc = malloc (2 + 2 * 300 + 3);
  char *p = doc;

  *p++ = '[';
  for (int i = 0; i < 300; i++)
    p = stpcpy (p, i ? ".a" : "a");
  p = stpcpy (p, "]\n");
  check_refused (false, doc, x, 1, "v", "x: keys nested deeper than 256 tables: not edited");
}

int
main (void)
{
  RUN (valid_documents_are_accepted);
  RUN (invalid_documents_are_refused_with_line_and_column);
  RUN (columns_count_characters_not_bytes);
  RUN (nesting_deeper_than_the_limit_is_refused);
  RUN (a_document_over_the_size_limit_is_refused_unread);
  RUN (get_reads_typed_values);
  RUN (set_replaces_the_value_in_place);
  RUN (set_adds_a_line_after_the_tables_last_key_line);
  RUN (set_creates_a_missing_table_after_its_parents_section);
  RUN (set_gives_an_implicit_table_its_header);
  RUN (append_adds_a_string_and_keeps_the_layout);
  RUN (line_endings_follow_the_document);
  RUN (written_strings_and_keys_are_escaped);
  RUN (edits_the_installer_does_not_make_safely_are_refused);
  RUN (containerd_1_6_default_config_is_edited_in_place);
  RUN (containerd_2_config_takes_the_version_3_table_names);
  RUN (an_edit_that_cannot_be_proven_is_refused);
  return tap_done ();
}

#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "toml_edit.h"

/* Error messages quote key paths from the document: long ones are cut.  */
#define MESSAGE_PATH_MAX 200

/* ---- growable byte buffer ------------------------------------------------ */

typedef struct strbuf
{
  char *data;
  size_t len, cap;
} strbuf;

static int
sb_reserve (strbuf *sb, size_t extra)
{
  size_t need, cap;
  char *p;

  if (extra > SIZE_MAX - sb->len - 1)
    return -1;
  need = sb->len + extra + 1;
  if (need <= sb->cap)
    return 0;
  cap = sb->cap ? sb->cap : 64;
  while (cap < need)
    cap = cap > SIZE_MAX / 2 ? need : cap * 2;
  p = realloc (sb->data, cap);
  if (p == NULL)
    return -1;
  sb->data = p;
  sb->cap = cap;
  sb->data[sb->len] = '\0';
  return 0;
}

/* SB may be NULL: the scanner then only validates.  */
static int
sb_add (strbuf *sb, const char *s, size_t n)
{
  if (sb == NULL || n == 0)
    return 0;
  if (sb_reserve (sb, n) < 0)
    return -1;
  memcpy (sb->data + sb->len, s, n);
  sb->len += n;
  sb->data[sb->len] = '\0';
  return 0;
}

static int
sb_adds (strbuf *sb, const char *s)
{
  return sb_add (sb, s, strlen (s));
}

static int
sb_addc (strbuf *sb, char c)
{
  return sb_add (sb, &c, 1);
}

static void
sb_clear (strbuf *sb)
{
  free (sb->data);
  sb->data = NULL;
  sb->len = sb->cap = 0;
}

/* The NUL-terminated contents (an empty string when nothing was added).  */
static char *
sb_steal (strbuf *sb)
{
  char *p;

  if (sb->data == NULL && sb_reserve (sb, 0) < 0)
    return NULL;
  p = sb->data;
  sb->data = NULL;
  sb->len = sb->cap = 0;
  return p;
}

#define cleanup_strbuf __attribute__ ((cleanup (sb_clear)))

/* A list of decoded strings (key parts, array items).  */
typedef struct strvec
{
  char **items;
  size_t n, cap;
} strvec;

static int
strvec_push (strvec *v, char *s)
{
  if (v->n == v->cap)
    {
      size_t cap = v->cap ? v->cap * 2 : 8;
      char **p = reallocarray (v->items, cap, sizeof *p);
      if (p == NULL)
        return -1;
      v->items = p;
      v->cap = cap;
    }
  v->items[v->n++] = s;
  return 0;
}

static void
strvec_clear (strvec *v)
{
  free_strings (v->items, v->n);
  v->items = NULL;
  v->n = v->cap = 0;
}

#define cleanup_strvec __attribute__ ((cleanup (strvec_clear)))

/* ---- the document model ---------------------------------------------------- */

typedef enum node_kind
{
  NODE_ROOT,
  NODE_IMPLICIT, /* created by a header's prefix: [a.b.c] creates a and a.b */
  NODE_HEADER,   /* defined by its own [header] */
  NODE_DOTTED,   /* created by a dotted key: a.b = 1 creates the table a */
  NODE_INLINE,   /* an inline table { ... } */
  NODE_AOT,      /* [[array.of.tables]] */
  NODE_ELEMENT,  /* one table of an array of tables */
  NODE_VALUE,    /* any other value */
} node_kind;

typedef struct value_info
{
  toml_kind kind;
  size_t start, end; /* the value's bytes */
  /* TOML_ARRAY */
  size_t n_items, last_item_start, last_item_end;
  bool all_strings;
  int64_t integer;
  bool boolean;
} value_info;

typedef struct toml_node toml_node;
struct toml_node
{
  toml_node *parent;
  toml_node *hash_next; /* the document's (parent, key) hash chain */
  toml_node *all_next;  /* every node of the document, to free them */
  char *key;            /* decoded; NULL for the root, elements, array items */
  size_t key_len;
  node_kind kind;
  size_t defined_at;       /* offset of the definition, for messages */
  size_t section;          /* NODE_ROOT, NODE_HEADER, NODE_ELEMENT */
  toml_node *last_element; /* NODE_AOT */
  size_t n_elements;       /* NODE_AOT; NODE_ELEMENT: its index */
  /* NODE_VALUE and NODE_INLINE: on_line when defined by a key/value line
     of a section (not inside an inline table), with that key's parts.  */
  bool on_line;
  size_t n_key_parts;
  value_info value;
};

/* One [header] (or the root's lines before any) and its key/value lines:
   where an edit inserts text.  */
typedef struct section
{
  toml_node *table;
  size_t header_line;    /* offset of the header's line (0 for the root) */
  size_t header_bracket; /* offset of its '[' */
  size_t header_end;     /* offset after the header's line */
  size_t n_lines;        /* key/value lines */
  size_t last_line;      /* offset of the last key/value line */
  size_t last_key;       /* offset of its key (after the indentation) */
  size_t last_end;       /* offset after it and its newline */
} section;

typedef struct toml_doc
{
  toml_node *root;
  toml_node *all;
  toml_node **buckets;
  size_t n_buckets, n_hashed;
  section *sections;
  size_t n_sections, cap_sections;
} toml_doc;

static void
doc_free (toml_doc *doc)
{
  if (doc == NULL)
    return;
  for (toml_node *n = doc->all, *next; n; n = next)
    {
      next = n->all_next;
      free (n->key);
      free (n);
    }
  free (doc->buckets);
  free (doc->sections);
  free (doc);
}

static void
cleanup_doc_fn (toml_doc **doc)
{
  doc_free (*doc);
}
#define cleanup_doc __attribute__ ((cleanup (cleanup_doc_fn)))

static size_t
node_hash (const toml_node *parent, const char *key, size_t len)
{
  uint64_t h = UINT64_C (1469598103934665603);
  uintptr_t p = (uintptr_t)parent;

  for (size_t i = 0; i < sizeof p; i++)
    {
      h ^= (p >> (8 * i)) & 0xff;
      h *= UINT64_C (1099511628211);
    }
  for (size_t i = 0; i < len; i++)
    {
      h ^= (unsigned char)key[i];
      h *= UINT64_C (1099511628211);
    }
  return (size_t)h;
}

static toml_node *
lookup (const toml_doc *doc, const toml_node *parent, const char *key, size_t len)
{
  if (doc->n_buckets == 0)
    return NULL;
  for (toml_node *n = doc->buckets[node_hash (parent, key, len) % doc->n_buckets]; n;
       n = n->hash_next)
    if (n->parent == parent && n->key_len == len && memcmp (n->key, key, len) == 0)
      return n;
  return NULL;
}

static int
rehash (toml_doc *doc)
{
  size_t n = doc->n_buckets ? doc->n_buckets * 2 : 64;
  toml_node **b = calloc (n, sizeof *b);

  if (b == NULL)
    return -1;
  for (toml_node *node = doc->all; node; node = node->all_next)
    if (node->key != NULL && node->parent != NULL)
      {
        size_t i = node_hash (node->parent, node->key, node->key_len) % n;
        node->hash_next = b[i];
        b[i] = node;
      }
  free (doc->buckets);
  doc->buckets = b;
  doc->n_buckets = n;
  return 0;
}

/* A new node; with a PARENT and a KEY it is found by lookup.  */
static toml_node *
node_new (toml_doc *doc, toml_node *parent, const char *key, size_t len, node_kind kind, size_t at)
{
  cleanup_free toml_node *n = NULL;

  if (key != NULL && parent != NULL && doc->n_hashed >= doc->n_buckets && rehash (doc) < 0)
    return NULL;
  n = calloc (1, sizeof *n);
  if (n == NULL)
    return NULL;
  if (key != NULL)
    {
      n->key = malloc (len + 1);
      if (n->key == NULL)
        return NULL;
      memcpy (n->key, key, len);
      n->key[len] = '\0';
      n->key_len = len;
    }
  n->parent = parent;
  n->kind = kind;
  n->defined_at = at;
  n->section = SIZE_MAX;
  n->all_next = doc->all;
  doc->all = n;
  if (key != NULL && parent != NULL)
    {
      size_t i = node_hash (parent, key, len) % doc->n_buckets;
      n->hash_next = doc->buckets[i];
      doc->buckets[i] = n;
      doc->n_hashed++;
    }
  return steal_pointer (&n);
}

/* ---- rendering ----------------------------------------------------------- */

static bool
is_bare_key_char (int c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'
         || c == '-';
}

/* A control character that TOML requires to be escaped in a string (tab
   is allowed as is).  */
static bool
is_control (int c)
{
  return (c >= 0 && c < 0x20 && c != '\t') || c == 0x7f;
}

static int
render_string (strbuf *sb, const char *s, size_t len)
{
  if (sb_addc (sb, '"') < 0)
    return -1;
  for (size_t i = 0; i < len; i++)
    {
      unsigned char c = (unsigned char)s[i];
      char esc[8];
      const char *rep = NULL;

      switch (c)
        {
        case '"':
          rep = "\\\"";
          break;
        case '\\':
          rep = "\\\\";
          break;
        case '\b':
          rep = "\\b";
          break;
        case '\t':
          rep = "\\t";
          break;
        case '\n':
          rep = "\\n";
          break;
        case '\f':
          rep = "\\f";
          break;
        case '\r':
          rep = "\\r";
          break;
        default:
          if (c < 0x20 || c == 0x7f)
            {
              snprintf (esc, sizeof esc, "\\u%04X", c);
              rep = esc;
            }
        }
      if (rep ? sb_adds (sb, rep) < 0 : sb_addc (sb, (char)c) < 0)
        return -1;
    }
  return sb_addc (sb, '"');
}

static int
render_key_part (strbuf *sb, const char *s, size_t len)
{
  bool bare = len > 0;

  for (size_t i = 0; i < len && bare; i++)
    bare = is_bare_key_char ((unsigned char)s[i]);
  return bare ? sb_add (sb, s, len) : render_string (sb, s, len);
}

static int
render_path (strbuf *sb, const char *const *path, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if ((i > 0 && sb_addc (sb, '.') < 0) || render_key_part (sb, path[i], strlen (path[i])) < 0)
      return -1;
  return 0;
}

/* Cut a rendered path for a message, on a character boundary.  */
static void
truncate_for_message (strbuf *sb)
{
  size_t cut = MESSAGE_PATH_MAX;

  if (sb->data == NULL || sb->len <= MESSAGE_PATH_MAX)
    return;
  while (cut > 0 && ((unsigned char)sb->data[cut] & 0xc0) == 0x80)
    cut--;
  sb->len = cut;
  sb->data[cut] = '\0';
  sb_adds (sb, "...");
}

/* The key path of NODE for a message (malloc'ed; NULL on ENOMEM).  */
static char *
node_path (const toml_node *node)
{
  cleanup_strbuf strbuf sb = { 0 };
  const toml_node *chain[64];
  size_t n = 0;
  bool cut = false, deep = false;

  for (const toml_node *p = node; p && p->kind != NODE_ROOT; p = p->parent)
    {
      if (p->key == NULL && p->kind == NODE_ELEMENT)
        continue;
      if (p->key == NULL)
        {
          /* An inline table inside an array: not addressable by a path.  */
          cut = true;
          break;
        }
      if (n == sizeof chain / sizeof chain[0])
        {
          deep = true;
          break;
        }
      chain[n++] = p;
    }
  if ((cut && sb_adds (&sb, "(in an array) ") < 0) || (deep && sb_adds (&sb, "... ") < 0))
    return NULL;
  for (size_t i = n; i > 0; i--)
    if ((i < n && sb_addc (&sb, '.') < 0)
        || render_key_part (&sb, chain[i - 1]->key, chain[i - 1]->key_len) < 0)
      return NULL;
  truncate_for_message (&sb);
  return sb_steal (&sb);
}

/* ---- UTF-8 ------------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at P (AVAIL bytes there), 0 if none.  */
static size_t
utf8_sequence_length (const unsigned char *p, size_t avail)
{
  unsigned char c = p[0];
  uint32_t cp;
  size_t n;

  if (c < 0x80)
    return 1;
  if (c >= 0xc2 && c <= 0xdf)
    n = 2, cp = c & 0x1f;
  else if (c >= 0xe0 && c <= 0xef)
    n = 3, cp = c & 0x0f;
  else if (c >= 0xf0 && c <= 0xf4)
    n = 4, cp = c & 0x07;
  else
    return 0;
  if (avail < n)
    return 0;
  for (size_t i = 1; i < n; i++)
    {
      if ((p[i] & 0xc0) != 0x80)
        return 0;
      cp = (cp << 6) | (p[i] & 0x3f);
    }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff))
      || (cp >= 0xd800 && cp <= 0xdfff))
    return 0;
  return n;
}

/* Offset of the first byte that is not valid UTF-8, or LEN.  */
static size_t
utf8_invalid_at (const char *s, size_t len)
{
  size_t i = 0;

  while (i < len)
    {
      size_t n = utf8_sequence_length ((const unsigned char *)s + i, len - i);
      if (n == 0)
        return i;
      i += n;
    }
  return len;
}

static int
utf8_encode (strbuf *sb, uint32_t cp)
{
  char b[4];
  size_t n;

  if (cp < 0x80)
    b[0] = (char)cp, n = 1;
  else if (cp < 0x800)
    b[0] = (char)(0xc0 | (cp >> 6)), b[1] = (char)(0x80 | (cp & 0x3f)), n = 2;
  else if (cp < 0x10000)
    b[0] = (char)(0xe0 | (cp >> 12)), b[1] = (char)(0x80 | ((cp >> 6) & 0x3f)),
    b[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
  else
    b[0] = (char)(0xf0 | (cp >> 18)), b[1] = (char)(0x80 | ((cp >> 12) & 0x3f)),
    b[2] = (char)(0x80 | ((cp >> 6) & 0x3f)), b[3] = (char)(0x80 | (cp & 0x3f)), n = 4;
  return sb_add (sb, b, n);
}

/* ---- the scanner ------------------------------------------------------------- */

typedef struct scanner
{
  const char *buf;
  size_t len, pos;
  unsigned depth;
  toml_doc *doc;
  hook_error **err;
} scanner;

static int
peek_at (const scanner *s, size_t off)
{
  return s->pos + off < s->len ? (unsigned char)s->buf[s->pos + off] : -1;
}

static int
peek (const scanner *s)
{
  return peek_at (s, 0);
}

/* 1-based line and column (in characters) of offset AT.  */
static void
line_column (const char *buf, size_t len, size_t at, size_t *line, size_t *column)
{
  size_t l = 1, start = 0, col = 1;

  if (at > len)
    at = len;
  for (size_t i = 0; i < at; i++)
    if (buf[i] == '\n')
      l++, start = i + 1;
  for (size_t i = start; i < at; i++)
    if (((unsigned char)buf[i] & 0xc0) != 0x80)
      col++;
  *line = l;
  *column = col;
}

static size_t
line_of (const char *buf, size_t len, size_t at)
{
  size_t line, column;

  line_column (buf, len, at, &line, &column);
  return line;
}

static int scan_fail_at (scanner *s, size_t at, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

static int
scan_fail_at (scanner *s, size_t at, const char *fmt, ...)
{
  cleanup_free char *msg = NULL;
  size_t line, column;
  va_list ap;
  int ret;

  line_column (s->buf, s->len, at, &line, &column);
  va_start (ap, fmt);
  ret = vasprintf (&msg, fmt, ap);
  va_end (ap);
  if (ret < 0)
    {
      msg = NULL;
      return hook_fail (s->err, ENOMEM, "line %zu, column %zu", line, column);
    }
  return hook_fail (s->err, 0, "line %zu, column %zu: %s", line, column, msg);
}

#define scan_fail(s, ...) scan_fail_at ((s), (s)->pos, __VA_ARGS__)

static int
scan_oom (scanner *s)
{
  return hook_fail (s->err, ENOMEM, "scan TOML");
}

static void
skip_ws (scanner *s)
{
  while (peek (s) == ' ' || peek (s) == '\t')
    s->pos++;
}

/* At '#': the comment up to (not including) its newline.  */
static int
parse_comment (scanner *s)
{
  for (s->pos++;; s->pos++)
    {
      int c = peek (s);

      if (c < 0 || c == '\n' || (c == '\r' && peek_at (s, 1) == '\n'))
        return 0;
      if (is_control (c))
        return scan_fail (s, "control character U+%04X in a comment", (unsigned)c);
    }
}

/* LF or CRLF.  */
static int
parse_newline (scanner *s)
{
  if (peek (s) == '\n')
    {
      s->pos++;
      return 0;
    }
  if (peek (s) == '\r' && peek_at (s, 1) == '\n')
    {
      s->pos += 2;
      return 0;
    }
  if (peek (s) == '\r')
    return scan_fail (s, "carriage return not followed by a line feed");
  return scan_fail (s, "expected a newline");
}

/* After a key/value pair or a header: blanks, a comment, then the end of
   the line (or of the document).  */
static int
expect_line_end (scanner *s, const char *after)
{
  skip_ws (s);
  if (peek (s) == '#' && parse_comment (s) < 0)
    return -1;
  if (peek (s) < 0)
    return 0;
  if (peek (s) == '\n' || peek (s) == '\r')
    return parse_newline (s);
  return scan_fail (s, "expected the end of the line after %s", after);
}

/* Blanks, newlines and comments, inside an array.  */
static int
skip_ws_comments_newlines (scanner *s)
{
  for (;;)
    {
      int c = peek (s);

      if (c == ' ' || c == '\t')
        s->pos++;
      else if (c == '\n' || c == '\r')
        {
          if (parse_newline (s) < 0)
            return -1;
        }
      else if (c == '#')
        {
          if (parse_comment (s) < 0)
            return -1;
        }
      else
        return 0;
    }
}

static int
hex_value (int c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* At a backslash in a basic string (not a line-ending one).  */
static int
parse_escape (scanner *s, strbuf *out)
{
  size_t at = s->pos;
  const char *rep = NULL;
  size_t ndigits;
  uint32_t cp = 0;
  int c;

  s->pos++;
  c = peek (s);
  switch (c)
    {
    case 'b':
      rep = "\b";
      break;
    case 't':
      rep = "\t";
      break;
    case 'n':
      rep = "\n";
      break;
    case 'f':
      rep = "\f";
      break;
    case 'r':
      rep = "\r";
      break;
    case '"':
      rep = "\"";
      break;
    case '\\':
      rep = "\\";
      break;
    case 'u':
    case 'U':
      break;
    default:
      return scan_fail_at (s, at, "invalid escape sequence in a string");
    }
  s->pos++;
  if (rep)
    return sb_adds (out, rep) < 0 ? scan_oom (s) : 0;
  ndigits = c == 'u' ? 4 : 8;
  for (size_t i = 0; i < ndigits; i++, s->pos++)
    {
      int h = hex_value (peek (s));
      if (h < 0)
        return scan_fail_at (s, at, "\\%c needs %zu hexadecimal digits", c, ndigits);
      cp = cp * 16 + (uint32_t)h;
    }
  if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
    return scan_fail_at (s, at, "escape is not a Unicode scalar value");
  if (cp == 0)
    return scan_fail_at (s, at, "a NUL character (\\u0000) in a string is not supported");
  return utf8_encode (out, cp) < 0 ? scan_oom (s) : 0;
}

/* At '"' (not '"""').  */
static int
parse_basic_string (scanner *s, strbuf *out)
{
  size_t start = s->pos;

  for (s->pos++;;)
    {
      int c = peek (s);

      if (c < 0 || c == '\n' || c == '\r')
        return scan_fail_at (s, start, "unterminated string");
      if (c == '"')
        {
          s->pos++;
          return 0;
        }
      if (c == '\\')
        {
          if (parse_escape (s, out) < 0)
            return -1;
          continue;
        }
      if (is_control (c))
        return scan_fail (s, "control character U+%04X in a string must be escaped", (unsigned)c);
      if (sb_addc (out, (char)c) < 0)
        return scan_oom (s);
      s->pos++;
    }
}

/* At '\'' (not "'''").  */
static int
parse_literal_string (scanner *s, strbuf *out)
{
  size_t start = s->pos;

  for (s->pos++;;)
    {
      int c = peek (s);

      if (c < 0 || c == '\n' || c == '\r')
        return scan_fail_at (s, start, "unterminated literal string");
      if (c == '\'')
        {
          s->pos++;
          return 0;
        }
      if (is_control (c))
        return scan_fail (s, "control character U+%04X in a literal string", (unsigned)c);
      if (sb_addc (out, (char)c) < 0)
        return scan_oom (s);
      s->pos++;
    }
}

/* At '"""' or "'''".  One or two quotes may end the content right before
   the closing delimiter; a newline right after the opening one is not
   content; CRLF is decoded as LF.  */
static int
parse_multiline_string (scanner *s, char quote, strbuf *out)
{
  size_t start = s->pos;

  s->pos += 3;
  if (peek (s) == '\n')
    s->pos++;
  else if (peek (s) == '\r' && peek_at (s, 1) == '\n')
    s->pos += 2;
  for (;;)
    {
      int c = peek (s);

      if (c < 0)
        return scan_fail_at (s, start, "unterminated multi-line string");
      if (c == quote)
        {
          size_t n = 0;
          while (peek_at (s, n) == quote)
            n++;
          if (n >= 3)
            {
              if (n > 5)
                return scan_fail (s, "too many quotes at the end of a multi-line string");
              for (size_t i = 0; i < n - 3; i++)
                if (sb_addc (out, quote) < 0)
                  return scan_oom (s);
              s->pos += n;
              return 0;
            }
          for (size_t i = 0; i < n; i++)
            if (sb_addc (out, quote) < 0)
              return scan_oom (s);
          s->pos += n;
          continue;
        }
      if (c == '\\' && quote == '"')
        {
          /* A line-ending backslash trims the newline and all blanks and
             newlines after it.  */
          size_t p = s->pos + 1;
          while (p < s->len && (s->buf[p] == ' ' || s->buf[p] == '\t'))
            p++;
          if (p < s->len
              && (s->buf[p] == '\n'
                  || (s->buf[p] == '\r' && p + 1 < s->len && s->buf[p + 1] == '\n')))
            {
              s->pos = p;
              for (;;)
                {
                  int w = peek (s);
                  if (w == ' ' || w == '\t' || w == '\n')
                    s->pos++;
                  else if (w == '\r' && peek_at (s, 1) == '\n')
                    s->pos += 2;
                  else
                    break;
                }
              continue;
            }
          if (parse_escape (s, out) < 0)
            return -1;
          continue;
        }
      if (c == '\r')
        {
          if (peek_at (s, 1) != '\n')
            return scan_fail (s, "carriage return not followed by a line feed");
          s->pos++;
          continue;
        }
      if (c != '\n' && is_control (c))
        return scan_fail (s, "control character U+%04X in a string must be escaped", (unsigned)c);
      if (sb_addc (out, (char)c) < 0)
        return scan_oom (s);
      s->pos++;
    }
}

static int
parse_string (scanner *s, strbuf *out)
{
  char q = (char)peek (s);

  if (peek_at (s, 1) == q && peek_at (s, 2) == q)
    return parse_multiline_string (s, q, out);
  return q == '"' ? parse_basic_string (s, out) : parse_literal_string (s, out);
}

/* A key: simple keys joined by dots, blanks around the dots.  */
static int
parse_key (scanner *s, strvec *parts)
{
  for (;;)
    {
      cleanup_strbuf strbuf part = { 0 };
      char *p;
      int c;

      skip_ws (s);
      c = peek (s);
      if (c == '"')
        {
          if (peek_at (s, 1) == '"' && peek_at (s, 2) == '"')
            return scan_fail (s, "a multi-line string cannot be a key");
          if (parse_basic_string (s, &part) < 0)
            return -1;
        }
      else if (c == '\'')
        {
          if (peek_at (s, 1) == '\'' && peek_at (s, 2) == '\'')
            return scan_fail (s, "a multi-line string cannot be a key");
          if (parse_literal_string (s, &part) < 0)
            return -1;
        }
      else if (is_bare_key_char (c))
        {
          while (is_bare_key_char (peek (s)))
            {
              if (sb_addc (&part, (char)peek (s)) < 0)
                return scan_oom (s);
              s->pos++;
            }
        }
      else
        return scan_fail (s, "expected a key");
      p = sb_steal (&part);
      if (p == NULL || strvec_push (parts, p) < 0)
        {
          free (p);
          return scan_oom (s);
        }
      skip_ws (s);
      if (peek (s) != '.')
        return 0;
      s->pos++;
    }
}

/* ---- scalars ------------------------------------------------------------------ */

static bool
is_digit (int c)
{
  return c >= '0' && c <= '9';
}

static int
digit_value (int c, int base)
{
  int v = hex_value (c);
  return v >= 0 && v < base ? v : -1;
}

/* T[0..N) is DIGIT *( ["_"] DIGIT ) in BASE.  */
static bool
valid_digit_run (const char *t, size_t n, int base)
{
  bool prev_digit = false;

  if (n == 0)
    return false;
  for (size_t i = 0; i < n; i++)
    {
      if (t[i] == '_')
        {
          if (!prev_digit || i + 1 == n)
            return false;
          prev_digit = false;
        }
      else if (digit_value ((unsigned char)t[i], base) < 0)
        return false;
      else
        prev_digit = true;
    }
  return true;
}

/* The value of a valid digit run; false when it does not fit an int64.  */
static bool
digit_run_value (const char *t, size_t n, int base, bool negative, int64_t *out)
{
  uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
  uint64_t v = 0;

  for (size_t i = 0; i < n; i++)
    {
      int d = digit_value ((unsigned char)t[i], base);
      if (d < 0)
        continue; /* an underscore */
      if (v > (limit - (uint64_t)d) / (uint64_t)base)
        return false;
      v = v * (uint64_t)base + (uint64_t)d;
    }
  if (!negative)
    *out = (int64_t)v;
  else
    *out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
  return true;
}

/* NULL when T[0..N) is a TOML integer or float, the reason otherwise.  */
static const char *
check_number (const char *t, size_t n, value_info *vi)
{
  size_t i = 0, j;
  bool negative = false;

  if (n >= 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'o' || t[1] == 'b'))
    {
      int base = t[1] == 'x' ? 16 : t[1] == 'o' ? 8 : 2;
      if (!valid_digit_run (t + 2, n - 2, base))
        return "invalid integer";
      if (!digit_run_value (t + 2, n - 2, base, false, &vi->integer))
        return "integer out of the 64-bit range";
      vi->kind = TOML_INTEGER;
      return NULL;
    }
  if (t[0] == '+' || t[0] == '-')
    negative = t[0] == '-', i = 1;
  if (n - i == 3 && (memcmp (t + i, "inf", 3) == 0 || memcmp (t + i, "nan", 3) == 0))
    {
      vi->kind = TOML_FLOAT;
      return NULL;
    }
  for (j = i; j < n && t[j] != '.' && t[j] != 'e' && t[j] != 'E'; j++)
    ;
  if (!valid_digit_run (t + i, j - i, 10))
    return "not a valid value (string, number, boolean, date, array or inline table)";
  if (t[i] == '0' && j - i > 1)
    return "leading zeros are not allowed in a number";
  if (j == n)
    {
      if (!digit_run_value (t + i, j - i, 10, negative, &vi->integer))
        return "integer out of the 64-bit range";
      vi->kind = TOML_INTEGER;
      return NULL;
    }
  if (t[j] == '.')
    {
      size_t k;
      for (k = j + 1; k < n && t[k] != 'e' && t[k] != 'E'; k++)
        ;
      if (!valid_digit_run (t + j + 1, k - j - 1, 10))
        return "invalid fraction in a float";
      j = k;
    }
  if (j < n)
    {
      size_t k = j + 1;
      if (k < n && (t[k] == '+' || t[k] == '-'))
        k++;
      if (!valid_digit_run (t + k, n - k, 10))
        return "invalid exponent in a float";
    }
  vi->kind = TOML_FLOAT;
  return NULL;
}

static bool
two_digits (const char *t, int *v)
{
  if (!is_digit ((unsigned char)t[0]) || !is_digit ((unsigned char)t[1]))
    return false;
  *v = (t[0] - '0') * 10 + (t[1] - '0');
  return true;
}

static bool
is_date_shape (const char *t, size_t n)
{
  return n >= 10 && is_digit ((unsigned char)t[0]) && is_digit ((unsigned char)t[1])
         && is_digit ((unsigned char)t[2]) && is_digit ((unsigned char)t[3]) && t[4] == '-'
         && is_digit ((unsigned char)t[5]) && is_digit ((unsigned char)t[6]) && t[7] == '-'
         && is_digit ((unsigned char)t[8]) && is_digit ((unsigned char)t[9]);
}

static bool
valid_date (const char *t)
{
  static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  int century = 0, yy = 0, month = 0, day = 0, year, max;

  two_digits (t, &century);
  two_digits (t + 2, &yy);
  two_digits (t + 5, &month);
  two_digits (t + 8, &day);
  year = century * 100 + yy;
  if (year == 0 || month < 1 || month > 12 || day < 1)
    return false;
  max = days[month - 1];
  if (month == 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))
    max = 29;
  return day <= max;
}

/* HH:MM:SS[.fraction] at the start of T[0..N); *USED is its length.  */
static bool
valid_time (const char *t, size_t n, size_t *used)
{
  int h, m, sec;
  size_t i = 8;

  if (n < 8 || !two_digits (t, &h) || t[2] != ':' || !two_digits (t + 3, &m) || t[5] != ':'
      || !two_digits (t + 6, &sec) || h > 23 || m > 59 || sec > 59)
    return false;
  if (i < n && t[i] == '.')
    {
      i++;
      if (i == n || !is_digit ((unsigned char)t[i]))
        return false;
      while (i < n && is_digit ((unsigned char)t[i]))
        i++;
    }
  *used = i;
  return true;
}

/* NULL when T[0..N) is an offset or local date-time, date or time.  */
static const char *
check_datetime (const char *t, size_t n, value_info *vi)
{
  size_t used;

  vi->kind = TOML_DATETIME;
  if (is_date_shape (t, n))
    {
      const char *rest;
      size_t rn;
      int h, m;

      if (!valid_date (t))
        return "invalid date";
      if (n == 10)
        return NULL;
      if (t[10] != 'T' && t[10] != 't' && t[10] != ' ')
        return "invalid date-time";
      if (!valid_time (t + 11, n - 11, &used))
        return "invalid time in a date-time";
      rest = t + 11 + used;
      rn = n - 11 - used;
      if (rn == 0 || (rn == 1 && (rest[0] == 'Z' || rest[0] == 'z')))
        return NULL;
      if (rn == 6 && (rest[0] == '+' || rest[0] == '-') && two_digits (rest + 1, &h)
          && rest[3] == ':' && two_digits (rest + 4, &m) && h <= 23 && m <= 59)
        return NULL;
      return "invalid time offset in a date-time";
    }
  if (!valid_time (t, n, &used) || used != n)
    return "invalid time";
  return NULL;
}

static bool
is_scalar_end (int c)
{
  return c < 0 || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == ']'
         || c == '}' || c == '#';
}

/* A number, boolean, date or time: the token up to a delimiter, checked
   whole.  */
static int
parse_scalar (scanner *s, value_info *vi)
{
  size_t start = s->pos, n;
  const char *t, *why;

  while (!is_scalar_end (peek (s)))
    s->pos++;
  /* RFC 3339 lets a space separate the date from the time.  */
  if (s->pos - start == 10 && is_date_shape (s->buf + start, 10) && peek (s) == ' '
      && is_digit (peek_at (s, 1)) && is_digit (peek_at (s, 2)) && peek_at (s, 3) == ':')
    {
      s->pos++;
      while (!is_scalar_end (peek (s)))
        s->pos++;
    }
  t = s->buf + start;
  n = s->pos - start;
  if (n == 0)
    return scan_fail (s, "expected a value");
  if (n == 4 && memcmp (t, "true", 4) == 0)
    {
      vi->kind = TOML_BOOL;
      vi->boolean = true;
      return 0;
    }
  if (n == 5 && memcmp (t, "false", 5) == 0)
    {
      vi->kind = TOML_BOOL;
      return 0;
    }
  if (is_date_shape (t, n) || (n >= 3 && t[2] == ':'))
    why = check_datetime (t, n, vi);
  else
    why = check_number (t, n, vi);
  return why ? scan_fail_at (s, start, "%s", why) : 0;
}

/* ---- values, arrays, inline tables ----------------------------------------- */

static int parse_value (scanner *s, toml_node *node, value_info *vi, strbuf *str, strvec *items);

static int
kind_conflict (scanner *s, size_t at, const toml_node *node, const char *reason)
{
  cleanup_free char *path = node_path (node);

  return scan_fail_at (s, at, "%s %s (defined on line %zu)", path ? path : "key", reason,
                       line_of (s->buf, s->len, node->defined_at));
}

/* The node for KEY (dotted parts) in TABLE, for a key/value pair: tables
   of the dotted prefix are created or must have been created by dotted
   keys (of this same section or inline table); the last part must be
   new.  */
static int
define_key (scanner *s, toml_node *table, const strvec *key, size_t at, toml_node **out)
{
  toml_node *cur = table, *child;

  for (size_t i = 0; i + 1 < key->n; i++)
    {
      child = lookup (s->doc, cur, key->items[i], strlen (key->items[i]));
      if (child == NULL)
        {
          child = node_new (s->doc, cur, key->items[i], strlen (key->items[i]), NODE_DOTTED, at);
          if (child == NULL)
            return scan_oom (s);
        }
      else if (child->kind == NODE_HEADER || child->kind == NODE_IMPLICIT)
        return kind_conflict (s, at, child, "is a [table]: dotted keys cannot extend it");
      else if (child->kind == NODE_INLINE)
        return kind_conflict (s, at, child, "is an inline table: it cannot be extended");
      else if (child->kind == NODE_AOT)
        return kind_conflict (s, at, child, "is an array of tables");
      else if (child->kind == NODE_VALUE)
        return kind_conflict (s, at, child, "is already a value");
      cur = child;
    }
  child = lookup (s->doc, cur, key->items[key->n - 1], strlen (key->items[key->n - 1]));
  if (child != NULL)
    return kind_conflict (s, at, child, "is defined twice");
  *out = node_new (s->doc, cur, key->items[key->n - 1], strlen (key->items[key->n - 1]), NODE_VALUE,
                   at);
  return *out ? 0 : scan_oom (s);
}

static int
parse_array (scanner *s, value_info *vi, strvec *items)
{
  if (++s->depth > TOML_EDIT_MAX_DEPTH)
    return scan_fail (s, "arrays and inline tables nested deeper than %d", TOML_EDIT_MAX_DEPTH);
  vi->kind = TOML_ARRAY;
  vi->all_strings = true;
  for (s->pos++;;)
    {
      cleanup_strbuf strbuf str = { 0 };
      value_info item = { 0 };
      size_t item_start;
      int c;

      if (skip_ws_comments_newlines (s) < 0)
        return -1;
      if (peek (s) == ']')
        {
          s->pos++;
          break;
        }
      item_start = s->pos;
      if (parse_value (s, NULL, &item, items ? &str : NULL, NULL) < 0)
        return -1;
      if (item.kind != TOML_STRING)
        vi->all_strings = false;
      else if (items)
        {
          char *p = sb_steal (&str);
          if (p == NULL || strvec_push (items, p) < 0)
            {
              free (p);
              return scan_oom (s);
            }
        }
      vi->n_items++;
      vi->last_item_start = item_start;
      vi->last_item_end = s->pos;
      if (skip_ws_comments_newlines (s) < 0)
        return -1;
      c = peek (s);
      if (c == ',')
        s->pos++;
      else if (c == ']')
        {
          s->pos++;
          break;
        }
      else
        return scan_fail (s, "expected ',' or ']' after an array item");
    }
  s->depth--;
  return 0;
}

/* At '{': one line of `key = value` pairs (newlines only inside values),
   no trailing comma.  NODE is the key's node, or NULL inside an array.  */
static int
parse_inline_table (scanner *s, toml_node *node, value_info *vi)
{
  if (++s->depth > TOML_EDIT_MAX_DEPTH)
    return scan_fail (s, "arrays and inline tables nested deeper than %d", TOML_EDIT_MAX_DEPTH);
  if (node == NULL)
    {
      node = node_new (s->doc, NULL, NULL, 0, NODE_INLINE, s->pos);
      if (node == NULL)
        return scan_oom (s);
    }
  node->kind = NODE_INLINE;
  vi->kind = TOML_TABLE;
  s->pos++;
  skip_ws (s);
  if (peek (s) == '}')
    {
      s->pos++;
      s->depth--;
      return 0;
    }
  for (;;)
    {
      cleanup_strvec strvec key = { 0 };
      toml_node *child;
      size_t key_at;
      int c;

      skip_ws (s);
      if (peek (s) == '\n' || peek (s) == '\r')
        return scan_fail (s, "newline in an inline table");
      key_at = s->pos;
      if (parse_key (s, &key) < 0)
        return -1;
      if (peek (s) != '=')
        return scan_fail (s, "expected '=' after a key");
      s->pos++;
      skip_ws (s);
      if (define_key (s, node, &key, key_at, &child) < 0)
        return -1;
      if (parse_value (s, child, &child->value, NULL, NULL) < 0)
        return -1;
      skip_ws (s);
      c = peek (s);
      if (c == '}')
        {
          s->pos++;
          break;
        }
      if (c != ',')
        return scan_fail (s, c == '\n' || c == '\r' ? "newline in an inline table"
                                                    : "expected ',' or '}' in an inline table");
      s->pos++;
      skip_ws (s);
      if (peek (s) == '}')
        return scan_fail (s, "trailing comma in an inline table");
    }
  s->depth--;
  return 0;
}

/* Any value.  NODE (may be NULL) is the key's node, made an inline table
   by '{'.  STR receives a decoded string, ITEMS the decoded strings of an
   array (both may be NULL).  */
static int
parse_value (scanner *s, toml_node *node, value_info *vi, strbuf *str, strvec *items)
{
  int c = peek (s), ret;

  memset (vi, 0, sizeof *vi);
  vi->start = s->pos;
  if (c == '"' || c == '\'')
    {
      vi->kind = TOML_STRING;
      ret = parse_string (s, str);
    }
  else if (c == '[')
    ret = parse_array (s, vi, items);
  else if (c == '{')
    ret = parse_inline_table (s, node, vi);
  else
    ret = parse_scalar (s, vi);
  vi->end = s->pos;
  return ret;
}

/* ---- the document ---------------------------------------------------------- */

static int
push_section (scanner *s, toml_node *table, size_t line, size_t bracket)
{
  toml_doc *doc = s->doc;
  section *sec;

  if (doc->n_sections == doc->cap_sections)
    {
      size_t cap = doc->cap_sections ? doc->cap_sections * 2 : 16;
      section *p = reallocarray (doc->sections, cap, sizeof *p);
      if (p == NULL)
        return scan_oom (s);
      doc->sections = p;
      doc->cap_sections = cap;
    }
  sec = &doc->sections[doc->n_sections];
  memset (sec, 0, sizeof *sec);
  sec->table = table;
  sec->header_line = line;
  sec->header_bracket = bracket;
  sec->header_end = s->pos;
  sec->last_end = s->pos;
  table->section = doc->n_sections++;
  return 0;
}

/* The table a [header] or [[header]] names: its prefix walks (creating
   implicit tables) through tables and into the last element of arrays of
   tables; the table itself must not have been defined before.  */
static int
define_table (scanner *s, const strvec *key, bool array, size_t at, toml_node **out)
{
  toml_node *cur = s->doc->root, *child;

  for (size_t i = 0; i < key->n; i++)
    {
      bool last = i + 1 == key->n;
      const char *part = key->items[i];

      child = lookup (s->doc, cur, part, strlen (part));
      if (child == NULL)
        {
          child = node_new (s->doc, cur, part, strlen (part),
                            !last   ? NODE_IMPLICIT
                            : array ? NODE_AOT
                                    : NODE_HEADER,
                            at);
          if (child == NULL)
            return scan_oom (s);
          if (!last)
            {
              cur = child;
              continue;
            }
          if (!array)
            {
              *out = child;
              return 0;
            }
        }
      else if (!last)
        {
          if (child->kind == NODE_AOT)
            child = child->last_element;
          else if (child->kind == NODE_INLINE)
            return kind_conflict (s, at, child, "is an inline table: it cannot be extended");
          else if (child->kind == NODE_VALUE)
            return kind_conflict (s, at, child, "is already a value");
          cur = child;
          continue;
        }
      else if (array && child->kind != NODE_AOT)
        return kind_conflict (s, at, child,
                              child->kind == NODE_VALUE || child->kind == NODE_INLINE
                                  ? "is already a value, not an array of tables"
                                  : "is already a table, not an array of tables");
      else if (!array)
        {
          if (child->kind == NODE_IMPLICIT)
            {
              child->kind = NODE_HEADER;
              child->defined_at = at;
              *out = child;
              return 0;
            }
          return kind_conflict (s, at, child,
                                child->kind == NODE_HEADER   ? "is defined twice"
                                : child->kind == NODE_DOTTED ? "is already defined by dotted keys"
                                : child->kind == NODE_AOT    ? "is an array of tables"
                                                             : "is already a value");
        }
      /* A new element of the array of tables CHILD.  */
      toml_node *element = node_new (s->doc, child, NULL, 0, NODE_ELEMENT, at);
      if (element == NULL)
        return scan_oom (s);
      element->n_elements = child->n_elements++;
      child->last_element = element;
      *out = element;
      return 0;
    }
  return scan_fail_at (s, at, "empty table name");
}

static int
parse_header (scanner *s, size_t line)
{
  cleanup_strvec strvec key = { 0 };
  size_t bracket = s->pos;
  bool array = peek_at (s, 1) == '[';
  toml_node *table = NULL;

  s->pos += array ? 2 : 1;
  if (parse_key (s, &key) < 0)
    return -1;
  if (peek (s) != ']' || (array && peek_at (s, 1) != ']'))
    return scan_fail (s,
                      array ? "expected ']]' to end the header" : "expected ']' to end the header");
  s->pos += array ? 2 : 1;
  if (expect_line_end (s, "a table header") < 0)
    return -1;
  if (define_table (s, &key, array, bracket, &table) < 0)
    return -1;
  return push_section (s, table, line, bracket);
}

static int
parse_keyval (scanner *s, size_t line)
{
  cleanup_strvec strvec key = { 0 };
  section *sec = &s->doc->sections[s->doc->n_sections - 1];
  size_t key_at = s->pos;
  toml_node *node;

  if (parse_key (s, &key) < 0)
    return -1;
  if (peek (s) != '=')
    return scan_fail (s, "expected '=' after a key");
  s->pos++;
  skip_ws (s);
  if (define_key (s, sec->table, &key, key_at, &node) < 0)
    return -1;
  node->on_line = true;
  node->n_key_parts = key.n;
  if (parse_value (s, node, &node->value, NULL, NULL) < 0)
    return -1;
  if (expect_line_end (s, "a value") < 0)
    return -1;
  sec->n_lines++;
  sec->last_line = line;
  sec->last_key = key_at;
  sec->last_end = s->pos;
  return 0;
}

static int
parse_document (const char *buf, size_t len, toml_doc **out, hook_error **err)
{
  cleanup_doc toml_doc *doc = calloc (1, sizeof *doc);
  scanner s = { .buf = buf, .len = len, .doc = doc, .err = err };
  size_t bad;

  if (doc == NULL)
    return hook_fail (err, ENOMEM, "scan TOML");
  if (len > TOML_EDIT_MAX_BYTES)
    return hook_fail (err, E2BIG, "%zu bytes is more than the %zu a TOML config may have", len,
                      TOML_EDIT_MAX_BYTES);
  bad = utf8_invalid_at (buf, len);
  if (bad < len)
    return scan_fail_at (&s, bad, "not valid UTF-8");
  doc->root = node_new (doc, NULL, NULL, 0, NODE_ROOT, 0);
  if (doc->root == NULL || push_section (&s, doc->root, 0, 0) < 0)
    return scan_oom (&s);
  while (s.pos < len)
    {
      size_t line = s.pos;
      int c;

      skip_ws (&s);
      c = peek (&s);
      if (c < 0)
        break;
      if (c == '\n' || c == '\r')
        {
          if (parse_newline (&s) < 0)
            return -1;
        }
      else if (c == '#')
        {
          if (parse_comment (&s) < 0)
            return -1;
        }
      else if (c == '[')
        {
          if (parse_header (&s, line) < 0)
            return -1;
        }
      else if (parse_keyval (&s, line) < 0)
        return -1;
    }
  *out = steal_pointer (&doc);
  return 0;
}

int
toml_check (const char *buf, size_t len, hook_error **err)
{
  cleanup_doc toml_doc *doc = NULL;

  return parse_document (buf, len, &doc, err);
}

/* ---- reading values ----------------------------------------------------------- */

const char *
toml_kind_name (toml_kind kind)
{
  switch (kind)
    {
    case TOML_ABSENT:
      return "absent";
    case TOML_STRING:
      return "a string";
    case TOML_INTEGER:
      return "an integer";
    case TOML_FLOAT:
      return "a float";
    case TOML_BOOL:
      return "a boolean";
    case TOML_DATETIME:
      return "a date-time";
    case TOML_ARRAY:
      return "an array";
    case TOML_TABLE:
      return "a table";
    case TOML_ARRAY_OF_TABLES:
      return "an array of tables";
    }
  return "unknown";
}

void
toml_value_clear (toml_value *v)
{
  free (v->string);
  for (size_t i = 0; v->strings && i < v->n_items; i++)
    free (v->strings[i]);
  free (v->strings);
  memset (v, 0, sizeof *v);
}

static toml_kind
node_value_kind (const toml_node *node)
{
  switch (node->kind)
    {
    case NODE_VALUE:
      return node->value.kind;
    case NODE_AOT:
      return TOML_ARRAY_OF_TABLES;
    default:
      return TOML_TABLE;
    }
}

/* Scan the value of NODE again, decoding its string(s).  */
static int
decode_value (const char *buf, size_t len, const toml_node *node, toml_value *out, hook_error **err)
{
  cleanup_strbuf strbuf str = { 0 };
  cleanup_strvec strvec items = { 0 };
  cleanup_doc toml_doc *scratch = calloc (1, sizeof *scratch);
  scanner s = { .buf = buf, .len = len, .pos = node->value.start, .doc = scratch, .err = err };
  value_info vi;

  if (scratch == NULL)
    return hook_fail (err, ENOMEM, "scan TOML");
  if (parse_value (&s, NULL, &vi, &str, &items) < 0)
    return -1;
  if (vi.kind == TOML_STRING)
    {
      out->string = sb_steal (&str);
      if (out->string == NULL)
        return hook_fail (err, ENOMEM, "scan TOML");
    }
  else
    {
      out->strings = items.items;
      out->n_items = items.n;
      items.items = NULL;
      items.n = 0;
    }
  return 0;
}

static int
fill_value (const char *buf, size_t len, const toml_node *node, toml_value *out, hook_error **err)
{
  memset (out, 0, sizeof *out);
  out->kind = node_value_kind (node);
  if (node->kind != NODE_VALUE)
    return 0;
  out->integer = node->value.integer;
  out->boolean = node->value.boolean;
  out->n_items = node->value.n_items;
  out->all_strings = node->value.all_strings;
  if (out->kind == TOML_STRING || (out->kind == TOML_ARRAY && out->all_strings))
    {
      toml_kind kind = out->kind;
      size_t n_items = out->n_items;
      if (decode_value (buf, len, node, out, err) < 0)
        {
          toml_value_clear (out);
          return -1;
        }
      out->kind = kind;
      out->all_strings = kind == TOML_ARRAY;
      out->n_items = n_items;
    }
  return 0;
}

static int path_fail (hook_error **err, const char *const *path, size_t n, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));

/* "KEY.PATH: reason" */
static int
path_fail (hook_error **err, const char *const *path, size_t n, const char *fmt, ...)
{
  cleanup_strbuf strbuf sb = { 0 };
  cleanup_free char *msg = NULL;
  va_list ap;
  int ret;

  va_start (ap, fmt);
  ret = vasprintf (&msg, fmt, ap);
  va_end (ap);
  if (ret < 0)
    {
      msg = NULL;
      return hook_fail (err, ENOMEM, "format an error");
    }
  if (render_path (&sb, path, n) < 0)
    return hook_fail (err, ENOMEM, "format an error");
  truncate_for_message (&sb);
  return hook_fail (err, 0, "%s: %s", sb.data ? sb.data : "", msg);
}

static int
check_path (const char *const *path, size_t n, hook_error **err)
{
  if (n == 0)
    return hook_fail (err, EINVAL, "empty TOML key path");
  for (size_t i = 0; i < n; i++)
    {
      if (path[i] == NULL)
        return hook_fail (err, EINVAL, "TOML key path component %zu is NULL", i);
      if (utf8_invalid_at (path[i], strlen (path[i])) != strlen (path[i]))
        return hook_fail (err, EINVAL, "TOML key path component %zu is not valid UTF-8", i);
    }
  return 0;
}

int
toml_get (const char *buf, size_t len, const char *const *path, size_t n, toml_value *out,
          hook_error **err)
{
  cleanup_doc toml_doc *doc = NULL;
  toml_node *cur;

  memset (out, 0, sizeof *out);
  if (check_path (path, n, err) < 0 || parse_document (buf, len, &doc, err) < 0)
    return -1;
  cur = doc->root;
  for (size_t i = 0; i < n; i++)
    {
      toml_node *child = lookup (doc, cur, path[i], strlen (path[i]));

      if (child == NULL)
        return 0;
      if (i + 1 == n)
        return fill_value (buf, len, child, out, err);
      if (child->kind == NODE_AOT)
        return path_fail (err, path, i + 1,
                          "is an array of tables (line %zu): a key path cannot address into it",
                          line_of (buf, len, child->defined_at));
      if (child->kind == NODE_VALUE)
        return path_fail (err, path, i + 1, "is %s (line %zu), not a table",
                          toml_kind_name (child->value.kind),
                          line_of (buf, len, child->defined_at));
      cur = child;
    }
  return 0;
}

/* ---- editing ---------------------------------------------------------------- */

/* The line ending the document already uses.  */
static const char *
document_eol (const char *buf, size_t len)
{
  const char *nl = memchr (buf, '\n', len);
  return nl && nl > buf && nl[-1] == '\r' ? "\r\n" : "\n";
}

/* BUF with [FROM, TO) replaced by TEXT.  */
static int
splice (const char *buf, size_t len, size_t from, size_t to, const char *text, size_t text_len,
        char **out, size_t *out_len, hook_error **err)
{
  cleanup_strbuf strbuf sb = { 0 };

  if (sb_reserve (&sb, len - (to - from) + text_len) < 0 || sb_add (&sb, buf, from) < 0
      || sb_add (&sb, text, text_len) < 0 || sb_add (&sb, buf + to, len - to) < 0)
    return hook_fail (err, ENOMEM, "edit TOML");
  *out_len = sb.len;
  *out = sb_steal (&sb);
  return 0;
}

static int
copy_unchanged (const char *buf, size_t len, char **out, size_t *out_len, hook_error **err)
{
  return splice (buf, len, len, len, "", 0, out, out_len, err);
}

typedef enum edit_kind
{
  EDIT_SET_STRING,
  EDIT_APPEND_STRING,
} edit_kind;

typedef struct edit
{
  edit_kind kind;
  const char *const *path;
  size_t n;
  const char *value;
  const char *buf;
  size_t len;
  const char *eol;
  toml_doc *doc;
} edit;

/* `KEY = VALUE` for a new line: the rendered key and value of the edit.  */
static int
render_keyval (const edit *e, strbuf *sb)
{
  if (render_key_part (sb, e->path[e->n - 1], strlen (e->path[e->n - 1])) < 0
      || sb_adds (sb, " = ") < 0)
    return -1;
  if (e->kind == EDIT_APPEND_STRING && sb_addc (sb, '[') < 0)
    return -1;
  if (render_string (sb, e->value, strlen (e->value)) < 0)
    return -1;
  if (e->kind == EDIT_APPEND_STRING && sb_addc (sb, ']') < 0)
    return -1;
  return 0;
}

/* The blanks at the start of the line at LINE (up to END).  */
static size_t
indent_len (const char *buf, size_t line, size_t end)
{
  size_t i = line;
  while (i < end && (buf[i] == ' ' || buf[i] == '\t'))
    i++;
  return i - line;
}

/* A line in an existing section: after its last key/value line (or its
   header), indented like that line.  */
static int
insert_in_section (const edit *e, const section *sec, char **out, size_t *out_len, hook_error **err)
{
  cleanup_strbuf strbuf sb = { 0 };
  size_t at, indent_from, indent;

  if (sec->n_lines > 0)
    {
      at = sec->last_end;
      indent_from = sec->last_line;
      indent = indent_len (e->buf, sec->last_line, sec->last_key);
    }
  else if (sec->table->kind == NODE_ROOT)
    {
      /* No root key yet: before the first header, or at the end.  */
      at = e->doc->n_sections > 1 ? e->doc->sections[1].header_line : e->len;
      indent_from = at;
      indent = 0;
    }
  else
    {
      at = sec->header_end;
      indent_from = sec->header_line;
      indent = indent_len (e->buf, sec->header_line, sec->header_bracket);
    }
  if (at > 0 && e->buf[at - 1] != '\n' && sb_adds (&sb, e->eol) < 0)
    return hook_fail (err, ENOMEM, "edit TOML");
  if (sb_add (&sb, e->buf + indent_from, indent) < 0 || render_keyval (e, &sb) < 0
      || sb_adds (&sb, e->eol) < 0)
    return hook_fail (err, ENOMEM, "edit TOML");
  if (sec->n_lines == 0 && sec->table->kind == NODE_ROOT && at < e->len
      && sb_adds (&sb, e->eol) < 0)
    return hook_fail (err, ENOMEM, "edit TOML");
  return splice (e->buf, e->len, at, at, sb.data, sb.len, out, out_len, err);
}

/* [TABLE] and the key line, for a table that does not exist yet or exists
   only implicitly, with the given indentations.  */
static int
render_new_table (const edit *e, strbuf *sb, const char *hdr_indent, size_t hdr_len,
                  const char *key_indent, size_t key_len)
{
  if (sb_add (sb, hdr_indent, hdr_len) < 0 || sb_addc (sb, '[') < 0
      || render_path (sb, e->path, e->n - 1) < 0 || sb_addc (sb, ']') < 0
      || sb_adds (sb, e->eol) < 0 || sb_add (sb, key_indent, key_len) < 0
      || render_keyval (e, sb) < 0 || sb_adds (sb, e->eol) < 0)
    return -1;
  return 0;
}

/* Is ANCESTOR on NODE's parent chain?  */
static bool
descends_from (const toml_node *node, const toml_node *ancestor)
{
  for (const toml_node *p = node->parent; p; p = p->parent)
    if (p == ancestor)
      return true;
  return false;
}

/* TABLE exists only through longer headers ([a.b.c] made a.b): its own
   header goes right before the first of those, indented like it.  */
static int
insert_header_for_implicit (const edit *e, const toml_node *table, char **out, size_t *out_len,
                            hook_error **err)
{
  cleanup_strbuf strbuf sb = { 0 };

  for (size_t i = 1; i < e->doc->n_sections; i++)
    {
      const section *sec = &e->doc->sections[i];
      const char *indent = e->buf + sec->header_line;
      size_t n;

      if (!descends_from (sec->table, table))
        continue;
      n = indent_len (e->buf, sec->header_line, sec->header_bracket);
      if (render_new_table (e, &sb, indent, n, indent, n) < 0 || sb_adds (&sb, e->eol) < 0)
        return hook_fail (err, ENOMEM, "edit TOML");
      return splice (e->buf, e->len, sec->header_line, sec->header_line, sb.data, sb.len, out,
                     out_len, err);
    }
  return hook_fail (err, 0, "internal error: an implicit table without a header below it");
}

/* A new [table] for a table that does not exist: after the section of its
   deepest existing ancestor ANCESTOR when that has a header, at the end of
   the document otherwise.  The header is indented like the ancestor's
   keys, and its keys one step deeper when the ancestor indents its keys
   deeper than its header (containerd's own layout).  */
static int
insert_new_table (const edit *e, const toml_node *ancestor, char **out, size_t *out_len,
                  hook_error **err)
{
  cleanup_strbuf strbuf text = { 0 };
  cleanup_strbuf strbuf hdr_indent = { 0 };
  cleanup_strbuf strbuf key_indent = { 0 };
  size_t at = e->len;

  if (ancestor->kind == NODE_HEADER)
    {
      const section *sec = &e->doc->sections[ancestor->section];
      const char *header = e->buf + sec->header_line;
      size_t own = indent_len (e->buf, sec->header_line, sec->header_bracket);

      at = sec->last_end;
      if (sec->n_lines == 0)
        {
          if (sb_add (&hdr_indent, header, own) < 0 || sb_add (&key_indent, header, own) < 0)
            return hook_fail (err, ENOMEM, "edit TOML");
        }
      else
        {
          const char *line = e->buf + sec->last_line;
          size_t keys = indent_len (e->buf, sec->last_line, sec->last_key);

          if (sb_add (&hdr_indent, line, keys) < 0 || sb_add (&key_indent, line, keys) < 0)
            return hook_fail (err, ENOMEM, "edit TOML");
          if (keys > own && memcmp (header, line, own) == 0
              && sb_add (&key_indent, line + own, keys - own) < 0)
            return hook_fail (err, ENOMEM, "edit TOML");
        }
    }
  if (at > 0 && e->buf[at - 1] != '\n' && sb_adds (&text, e->eol) < 0)
    return hook_fail (err, ENOMEM, "edit TOML");
  if (at > 0 && sb_adds (&text, e->eol) < 0)
    return hook_fail (err, ENOMEM, "edit TOML");
  if (render_new_table (e, &text, hdr_indent.data, hdr_indent.len, key_indent.data, key_indent.len)
      < 0)
    return hook_fail (err, ENOMEM, "edit TOML");
  return splice (e->buf, e->len, at, at, text.data, text.len, out, out_len, err);
}

/* ---- the proof: nothing but the edited key changed ------------------------- */

/* One line per key and table of DOC that is not inside a value: its path
   (array-of-tables elements as [N]), then for values the value's bytes as
   written.  Two documents whose lists are equal hold the same data.
   -2 when a key is nested too deep to be listed.  */
static int
list_entries (const char *buf, const toml_doc *doc, strvec *out)
{
  for (const toml_node *n = doc->all; n; n = n->all_next)
    {
      cleanup_strbuf strbuf sb = { 0 };
      const toml_node *chain[256];
      size_t depth = 0;
      bool listed = true;
      char *p;

      if (n->kind == NODE_ROOT)
        continue;
      for (const toml_node *a = n; a->kind != NODE_ROOT; a = a->parent)
        {
          /* Inside a value (an inline table, an array item): its bytes are
             in the value's entry already.  */
          if (a->parent == NULL || (a != n && (a->kind == NODE_VALUE || a->kind == NODE_INLINE)))
            {
              listed = false;
              break;
            }
          /* Not compared means not proven: refuse the edit instead.  */
          if (depth == sizeof chain / sizeof chain[0])
            return -2;
          chain[depth++] = a;
        }
      if (!listed)
        continue;
      for (size_t i = depth; i > 0; i--)
        {
          const toml_node *a = chain[i - 1];
          char idx[32];

          if (a->kind == NODE_ELEMENT)
            {
              snprintf (idx, sizeof idx, "[%zu]", a->n_elements);
              if (sb_adds (&sb, idx) < 0)
                return -1;
              continue;
            }
          if ((i < depth && sb_addc (&sb, '.') < 0)
              || render_key_part (&sb, a->key, a->key_len) < 0)
            return -1;
        }
      if (sb_addc (&sb, '\n') < 0)
        return -1;
      if ((n->kind == NODE_VALUE || n->kind == NODE_INLINE)
          && sb_add (&sb, buf + n->value.start, n->value.end - n->value.start) < 0)
        return -1;
      if (n->kind != NODE_VALUE && n->kind != NODE_INLINE
          && sb_adds (&sb, n->kind == NODE_AOT ? "array of tables" : "table") < 0)
        return -1;
      p = sb_steal (&sb);
      if (p == NULL || strvec_push (out, p) < 0)
        {
          free (p);
          return -1;
        }
    }
  return 0;
}

static int
compare_entries (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

/* Drop the entries of the edited key and of the tables on its path.  */
static int
drop_edited (strvec *v, const char *const *path, size_t n)
{
  size_t kept = 0;

  for (size_t i = 0; i < v->n; i++)
    {
      bool edited = false;

      for (size_t k = 1; k <= n && !edited; k++)
        {
          cleanup_strbuf strbuf prefix = { 0 };
          if (render_path (&prefix, path, k) < 0 || sb_addc (&prefix, '\n') < 0)
            return -1;
          edited = strncmp (v->items[i], prefix.data, prefix.len) == 0;
        }
      if (edited)
        free (v->items[i]);
      else
        v->items[kept++] = v->items[i];
    }
  v->n = kept;
  if (v->n > 1)
    qsort (v->items, v->n, sizeof *v->items, compare_entries);
  return 0;
}

/* AFTER must scan, hold the intended value at the edited path, and hold
   everything else of BEFORE exactly as it was.  */
static int
verify_edit (const edit *e, const toml_value *old, const char *after, size_t after_len,
             hook_error **err)
{
  cleanup_doc toml_doc *doc = NULL;
  cleanup_toml_value toml_value now = { 0 };
  cleanup_strvec strvec before_entries = { 0 };
  cleanup_strvec strvec after_entries = { 0 };
  bool ok;
  int ret;

  if (parse_document (after, after_len, &doc, err) < 0
      || toml_get (after, after_len, e->path, e->n, &now, err) < 0)
    return hook_error_prefix (err, "internal error: the edited document does not scan");
  if (e->kind == EDIT_SET_STRING)
    ok = now.kind == TOML_STRING && strcmp (now.string, e->value) == 0;
  else
    {
      size_t had = old->kind == TOML_ARRAY ? old->n_items : 0;
      ok = now.kind == TOML_ARRAY && now.all_strings && now.n_items == had + 1
           && strcmp (now.strings[had], e->value) == 0;
      for (size_t i = 0; ok && i < had; i++)
        ok = strcmp (now.strings[i], old->strings[i]) == 0;
    }
  if (!ok)
    return path_fail (err, e->path, e->n, "internal error: the edit did not produce the value");
  ret = list_entries (e->buf, e->doc, &before_entries);
  if (ret == 0)
    ret = list_entries (after, doc, &after_entries);
  if (ret == -2)
    return path_fail (err, e->path, e->n, "keys nested deeper than 256 tables: not edited");
  if (ret < 0 || drop_edited (&before_entries, e->path, e->n) < 0
      || drop_edited (&after_entries, e->path, e->n) < 0)
    return hook_fail (err, ENOMEM, "verify a TOML edit");
  ok = before_entries.n == after_entries.n;
  for (size_t i = 0; ok && i < before_entries.n; i++)
    ok = strcmp (before_entries.items[i], after_entries.items[i]) == 0;
  if (!ok)
    return path_fail (err, e->path, e->n, "internal error: the edit would change other keys");
  return 0;
}

/* ---- the operations ------------------------------------------------------------ */

/* The table that holds the edited key, when every table on the path is a
   [table] (or only implied by longer headers): *TABLE is it, and *EXISTS
   tells; when the path stops early, *TABLE is the deepest existing one.  */
static int
resolve_table (const edit *e, toml_node **table, bool *exists, hook_error **err)
{
  toml_node *cur = e->doc->root;

  for (size_t i = 0; i + 1 < e->n; i++)
    {
      toml_node *child = lookup (e->doc, cur, e->path[i], strlen (e->path[i]));
      cleanup_free char *name = NULL;
      const char *why;

      if (child == NULL)
        {
          *table = cur;
          *exists = false;
          return 0;
        }
      if (child->kind == NODE_IMPLICIT || child->kind == NODE_HEADER)
        {
          cur = child;
          continue;
        }
      switch (child->kind)
        {
        case NODE_DOTTED:
          why = "is a table defined through dotted keys in its parent table";
          break;
        case NODE_INLINE:
          why = "is an inline table";
          break;
        case NODE_AOT:
          why = "is an array of tables";
          break;
        default:
          why = toml_kind_name (child->value.kind);
          break;
        }
      name = node_path (child);
      return path_fail (err, e->path, e->n,
                        "%s %s%s (line %zu); only keys of [table] sections are edited",
                        name ? name : "a table on the path", child->kind == NODE_VALUE ? "is " : "",
                        why, line_of (e->buf, e->len, child->defined_at));
    }
  *table = cur;
  *exists = true;
  return 0;
}

/* A new item after the last one of the string array KEY (right after '['
   when empty); on its own line when the last item is alone on its line.  */
static int
append_to_array (const edit *e, const toml_node *key, char **out, size_t *out_len, hook_error **err)
{
  cleanup_strbuf strbuf sb = { 0 };
  const value_info *v = &key->value;
  size_t at = v->start + 1;

  if (v->n_items > 0)
    {
      size_t line = v->last_item_start;

      at = v->last_item_end;
      while (line > v->start && (e->buf[line - 1] == ' ' || e->buf[line - 1] == '\t'))
        line--;
      if (sb_addc (&sb, ',') < 0)
        return hook_fail (err, ENOMEM, "edit TOML");
      if (e->buf[line - 1] == '\n')
        {
          /* One item per line, the last with its comma and a comment:
             the new item gets a line of its own after it, so that the
             comment stays with the item it was written for.  */
          size_t p = v->last_item_end;
          while (p < v->end && (e->buf[p] == ' ' || e->buf[p] == '\t'))
            p++;
          if (p < v->end && e->buf[p] == ',')
            {
              p++;
              while (p < v->end && (e->buf[p] == ' ' || e->buf[p] == '\t'))
                p++;
              if (p < v->end && e->buf[p] == '#')
                {
                  while (p < v->end && e->buf[p] != '\n' && e->buf[p] != '\r')
                    p++;
                  sb.len = 0;
                  if (sb_adds (&sb, e->eol) < 0
                      || sb_add (&sb, e->buf + line, v->last_item_start - line) < 0
                      || render_string (&sb, e->value, strlen (e->value)) < 0
                      || sb_addc (&sb, ',') < 0)
                    return hook_fail (err, ENOMEM, "edit TOML");
                  return splice (e->buf, e->len, p, p, sb.data, sb.len, out, out_len, err);
                }
            }
          if (sb_adds (&sb, e->eol) < 0
              || sb_add (&sb, e->buf + line, v->last_item_start - line) < 0)
            return hook_fail (err, ENOMEM, "edit TOML");
        }
      else if (sb_addc (&sb, ' ') < 0)
        return hook_fail (err, ENOMEM, "edit TOML");
    }
  if (render_string (&sb, e->value, strlen (e->value)) < 0)
    return hook_fail (err, ENOMEM, "edit TOML");
  return splice (e->buf, e->len, at, at, sb.data, sb.len, out, out_len, err);
}

static int
apply_edit (edit *e, char **out, size_t *out_len, bool *changed, hook_error **err)
{
  cleanup_doc toml_doc *doc = NULL;
  cleanup_toml_value toml_value old = { 0 };
  cleanup_free char *result = NULL;
  size_t result_len = 0;
  toml_node *table = NULL, *key;
  bool exists;
  int ret;

  *out = NULL;
  *out_len = 0;
  if (changed)
    *changed = false;
  if (check_path (e->path, e->n, err) < 0)
    return -1;
  if (e->value == NULL || utf8_invalid_at (e->value, strlen (e->value)) != strlen (e->value))
    return path_fail (err, e->path, e->n, "the new value is not valid UTF-8");
  if (parse_document (e->buf, e->len, &doc, err) < 0)
    return -1;
  e->doc = doc;
  e->eol = document_eol (e->buf, e->len);
  if (resolve_table (e, &table, &exists, err) < 0)
    return -1;
  key = exists ? lookup (doc, table, e->path[e->n - 1], strlen (e->path[e->n - 1])) : NULL;
  if (key != NULL)
    {
      bool plain = key->kind == NODE_VALUE && key->on_line && key->n_key_parts == 1;
      toml_kind want = e->kind == EDIT_SET_STRING ? TOML_STRING : TOML_ARRAY;

      if (!plain && key->kind != NODE_VALUE)
        return path_fail (err, e->path, e->n, "is %s (line %zu), not %s",
                          toml_kind_name (node_value_kind (key)),
                          line_of (e->buf, e->len, key->defined_at),
                          e->kind == EDIT_SET_STRING ? "a string" : "an array of strings");
      if (!plain)
        return path_fail (err, e->path, e->n,
                          "is not a plain key = value line of its table (line %zu)",
                          line_of (e->buf, e->len, key->defined_at));
      if (key->value.kind != want || (want == TOML_ARRAY && !key->value.all_strings))
        return path_fail (err, e->path, e->n, "is %s%s (line %zu), not %s",
                          toml_kind_name (key->value.kind),
                          key->value.kind == TOML_ARRAY ? " with items that are not strings" : "",
                          line_of (e->buf, e->len, key->defined_at),
                          e->kind == EDIT_SET_STRING ? "a string" : "an array of strings");
      if (fill_value (e->buf, e->len, key, &old, err) < 0)
        return -1;
      if (e->kind == EDIT_SET_STRING && strcmp (old.string, e->value) == 0)
        return copy_unchanged (e->buf, e->len, out, out_len, err);
      if (e->kind == EDIT_APPEND_STRING)
        for (size_t i = 0; i < old.n_items; i++)
          if (strcmp (old.strings[i], e->value) == 0)
            return copy_unchanged (e->buf, e->len, out, out_len, err);
    }

  if (!exists)
    ret = insert_new_table (e, table, &result, &result_len, err);
  else if (key != NULL && e->kind == EDIT_SET_STRING)
    {
      cleanup_strbuf strbuf sb = { 0 };
      if (render_string (&sb, e->value, strlen (e->value)) < 0)
        return hook_fail (err, ENOMEM, "edit TOML");
      ret = splice (e->buf, e->len, key->value.start, key->value.end, sb.data, sb.len, &result,
                    &result_len, err);
    }
  else if (key != NULL)
    ret = append_to_array (e, key, &result, &result_len, err);
  else if (table->kind == NODE_IMPLICIT)
    ret = insert_header_for_implicit (e, table, &result, &result_len, err);
  else
    ret = insert_in_section (e, &doc->sections[table->section], &result, &result_len, err);
  if (ret < 0)
    return -1;
  if (verify_edit (e, &old, result, result_len, err) < 0)
    return -1;
  *out = steal_pointer (&result);
  *out_len = result_len;
  if (changed)
    *changed = true;
  return 0;
}

int
toml_set_string (const char *buf, size_t len, const char *const *path, size_t n, const char *value,
                 char **out, size_t *out_len, bool *changed, hook_error **err)
{
  edit e
      = { .kind = EDIT_SET_STRING, .path = path, .n = n, .value = value, .buf = buf, .len = len };

  return apply_edit (&e, out, out_len, changed, err);
}

int
toml_append_string (const char *buf, size_t len, const char *const *path, size_t n,
                    const char *value, char **out, size_t *out_len, bool *changed, hook_error **err)
{
  edit e = {
    .kind = EDIT_APPEND_STRING, .path = path, .n = n, .value = value, .buf = buf, .len = len
  };

  return apply_edit (&e, out, out_len, changed, err);
}

int
toml_render_string (const char *value, char **out, hook_error **err)
{
  cleanup_strbuf strbuf sb = { 0 };

  *out = NULL;
  if (value == NULL || utf8_invalid_at (value, strlen (value)) != strlen (value))
    return hook_fail (err, EINVAL, "a TOML string must be valid UTF-8");
  if (render_string (&sb, value, strlen (value)) < 0 || (*out = sb_steal (&sb)) == NULL)
    return hook_fail (err, ENOMEM, "render a TOML string");
  return 0;
}

int
toml_render_path (const char *const *path, size_t n, char **out, hook_error **err)
{
  cleanup_strbuf strbuf sb = { 0 };

  *out = NULL;
  if (check_path (path, n, err) < 0)
    return -1;
  if (render_path (&sb, path, n) < 0 || (*out = sb_steal (&sb)) == NULL)
    return hook_fail (err, ENOMEM, "render a TOML key path");
  return 0;
}

/* ---- copying a table ------------------------------------------------------- */

void
toml_entries_free (toml_entry *entries, size_t n)
{
  for (size_t i = 0; entries && i < n; i++)
    {
      free (entries[i].key);
      free (entries[i].raw);
    }
  free (entries);
}

static int
compare_defined_at (const void *a, const void *b)
{
  const toml_node *x = *(const toml_node *const *)a, *y = *(const toml_node *const *)b;
  return x->defined_at < y->defined_at ? -1 : x->defined_at > y->defined_at;
}

static const char *
refusal_of (const toml_node *node)
{
  switch (node->kind)
    {
    case NODE_DOTTED:
      return "is a table defined through dotted keys in its parent table";
    case NODE_INLINE:
      return "is an inline table";
    case NODE_AOT:
      return "is an array of tables";
    case NODE_HEADER:
    case NODE_IMPLICIT:
      return "is a table of its own";
    default:
      return "is a value";
    }
}

int
toml_table_entries (const char *buf, size_t len, const char *const *path, size_t n, bool *exists,
                    toml_entry **out, size_t *n_out, hook_error **err)
{
  cleanup_doc toml_doc *doc = NULL;
  cleanup_free const toml_node **members = NULL;
  toml_entry *entries = NULL;
  size_t n_members = 0, cap = 0;
  toml_node *cur;

  *exists = false;
  *out = NULL;
  *n_out = 0;
  if (check_path (path, n, err) < 0 || parse_document (buf, len, &doc, err) < 0)
    return -1;
  cur = doc->root;
  for (size_t i = 0; i < n; i++)
    {
      toml_node *child = lookup (doc, cur, path[i], strlen (path[i]));
      if (child == NULL)
        return 0;
      if (child->kind != NODE_IMPLICIT && child->kind != NODE_HEADER)
        {
          cleanup_free char *name = node_path (child);
          return path_fail (err, path, n, "%s %s (line %zu); only [table] sections are copied",
                            name ? name : "a table on the path", refusal_of (child),
                            line_of (buf, len, child->defined_at));
        }
      cur = child;
    }
  *exists = true;

  for (const toml_node *m = doc->all; m; m = m->all_next)
    {
      if (m->parent != cur)
        continue;
      if (!((m->kind == NODE_VALUE || m->kind == NODE_INLINE) && m->on_line && m->n_key_parts == 1))
        {
          cleanup_free char *name = node_path (m);
          return path_fail (
              err, path, n, "%s %s (line %zu); only key = value lines of the table are copied",
              name ? name : "a member", refusal_of (m), line_of (buf, len, m->defined_at));
        }
      if (n_members == cap)
        {
          size_t ncap = cap ? cap * 2 : 16;
          const toml_node **p = reallocarray (members, ncap, sizeof *p);
          if (p == NULL)
            return hook_fail (err, ENOMEM, "copy a TOML table");
          members = p;
          cap = ncap;
        }
      members[n_members++] = m;
    }
  if (n_members == 0)
    return 0;
  qsort (members, n_members, sizeof *members, compare_defined_at);
  entries = calloc (n_members, sizeof *entries);
  if (entries == NULL)
    return hook_fail (err, ENOMEM, "copy a TOML table");
  for (size_t i = 0; i < n_members; i++)
    {
      const toml_node *m = members[i];
      size_t raw_len = m->value.end - m->value.start;
      entries[i].key = strdup (m->key);
      entries[i].kind = node_value_kind (m);
      entries[i].raw = strndup (buf + m->value.start, raw_len);
      entries[i].raw_len = raw_len;
      if (entries[i].key == NULL || entries[i].raw == NULL)
        {
          toml_entries_free (entries, n_members);
          return hook_fail (err, ENOMEM, "copy a TOML table");
        }
    }
  *out = entries;
  *n_out = n_members;
  return 0;
}

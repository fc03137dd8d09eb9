/* A TOML v1.0 scanner and a small, provably local editor for engine
   configuration files (containerd's config.toml).  Pure: it works on a
   buffer and does no I/O.

   Every operation scans the whole document first, exactly enough to never
   mis-edit: invalid TOML (duplicate keys and tables included) is refused
   with "line L, column C: reason" (columns count characters).  An edit then
   changes one span of bytes (a value replaced, or text inserted) and keeps
   every other byte; its result is scanned again and must hold the intended
   value before it is returned.  A target that is not a plain
   `key = value` line of a `[table]` section (dotted keys, inline tables,
   arrays of tables, a value of another type) is refused with an error that
   names the key path and why: the caller leaves that file alone.

   Deliberately stricter than TOML (refused, never mis-read): a NUL
   (\u0000) inside a string, a leap second (:60), year 0, and dotted keys
   that extend a table created by a [table] header's prefix.  */
#ifndef OCI_SANDBOX_HOOK_TOML_EDIT_H
#define OCI_SANDBOX_HOOK_TOML_EDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* An engine config is a few KiB: anything larger is refused unread.  */
#define TOML_EDIT_MAX_BYTES ((size_t)1 << 20)
/* Arrays and inline tables nested deeper than this are refused (the
   scanner recurses into them).  */
#define TOML_EDIT_MAX_DEPTH 32

typedef enum toml_kind
{
  TOML_ABSENT,
  TOML_STRING,
  TOML_INTEGER,
  TOML_FLOAT,
  TOML_BOOL,
  TOML_DATETIME,
  TOML_ARRAY,
  TOML_TABLE, /* a [table], a dotted-key table or an inline table */
  TOML_ARRAY_OF_TABLES,
} toml_kind;

typedef struct toml_value
{
  toml_kind kind;
  char *string;   /* TOML_STRING: decoded, NUL-terminated */
  char **strings; /* TOML_ARRAY whose items are all strings: decoded */
  size_t n_items; /* TOML_ARRAY */
  bool all_strings;
  int64_t integer; /* TOML_INTEGER */
  bool boolean;    /* TOML_BOOL */
} toml_value;

const char *toml_kind_name (toml_kind kind);
void toml_value_clear (toml_value *v);
#define cleanup_toml_value __attribute__ ((cleanup (toml_value_clear)))

/* Scan the whole document; 0 when it is valid TOML v1.0.  */
int toml_check (const char *buf, size_t len, hook_error **err);

/* The value at the full key path PATH[0..N) (N >= 1), e.g. {"plugins",
   "io.containerd.grpc.v1.cri", "containerd", "runtimes", "runc",
   "options", "BinaryName"}.  OUT->kind is TOML_ABSENT when the key is not
   there; an array of tables on the path (or a value where a table should
   be) is an error.  Clear OUT with toml_value_clear.  */
int toml_get (const char *buf, size_t len, const char *const *path, size_t n, toml_value *out,
              hook_error **err);

/* Set the string at PATH[0..N): the last component is the key, the others
   name its table (N == 1: a key of the root table).  The value is
   replaced in place when the key exists; a new line goes after the
   table's last key line otherwise; a missing table gets its [header]
   (after its parent's section, or at the end).  *OUT (malloc'ed,
   NUL-terminated, *OUT_LEN bytes) is the whole new document; *CHANGED
   (may be NULL) tells whether it differs from the input: an edit already
   made is a copy of the input.  */
int toml_set_string (const char *buf, size_t len, const char *const *path, size_t n,
                     const char *value, char **out, size_t *out_len, bool *changed,
                     hook_error **err);

/* Make the array of strings at PATH[0..N) contain VALUE: appended after
   the last item (comments and layout kept) when missing, the key added as
   `key = ["VALUE"]` when absent.  Same OUT, OUT_LEN and CHANGED.  */
int toml_append_string (const char *buf, size_t len, const char *const *path, size_t n,
                        const char *value, char **out, size_t *out_len, bool *changed,
                        hook_error **err);

/* One key = value line of a table, as written.  */
typedef struct toml_entry
{
  char *key; /* decoded */
  toml_kind kind;
  char *raw; /* the value's bytes exactly as written, NUL-terminated */
  size_t raw_len;
} toml_entry;

void toml_entries_free (toml_entry *entries, size_t n);

/* The key = value lines of the [table] at PATH[0..N), in document order,
   each value's bytes as written: what a generated file copies from a table
   it must repeat whole (a CRI-O runtime table in a drop-in).  *EXISTS is
   false (and *N_OUT 0) when the table is not there.  A table on the path
   that is not a [table] section (dotted keys, an inline table, an array
   of tables), and a member that is not a plain key = value line (a
   sub-table, a dotted key) are refused with the key path and why.  */
int toml_table_entries (const char *buf, size_t len, const char *const *path, size_t n,
                        bool *exists, toml_entry **out, size_t *n_out, hook_error **err);

/* VALUE (UTF-8) as a TOML basic string, quotes and escapes included, for
   generated files (a CRI-O drop-in).  */
int toml_render_string (const char *value, char **out, hook_error **err);

/* PATH[0..N) as a TOML dotted key (bare parts where possible, basic
   strings otherwise).  */
int toml_render_path (const char *const *path, size_t n, char **out, hook_error **err);

#endif

/* The TOML editor on the command line, for tests/unit/check_toml.py
   (which compares its results with Python's tomllib) and for trying edits
   by hand.  Not installed.

     toml_edit_tool check FILE
     toml_edit_tool get FILE KEY...            prints {"kind": ..., "value": ...}
     toml_edit_tool set FILE VALUE KEY...      prints the edited document
     toml_edit_tool append FILE VALUE KEY...   likewise

   An edit that changes nothing exits 0 with the document unchanged and
   "unchanged" on stderr.  Errors go to stderr with exit status 1.  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "error.h"
#include "safepath.h"
#include "toml_edit.h"

static void
print_json_string (const char *s)
{
  putchar ('"');
  for (; *s; s++)
    {
      unsigned char c = (unsigned char)*s;
      if (c == '"' || c == '\\')
        printf ("\\%c", c);
      else if (c < 0x20 || c == 0x7f)
        printf ("\\u%04x", c);
      else
        putchar (c);
    }
  putchar ('"');
}

static const char *
kind_word (toml_kind kind)
{
  static const char *const words[] = {
    [TOML_ABSENT] = "absent", [TOML_STRING] = "string", [TOML_INTEGER] = "integer",
    [TOML_FLOAT] = "float",   [TOML_BOOL] = "bool",     [TOML_DATETIME] = "datetime",
    [TOML_ARRAY] = "array",   [TOML_TABLE] = "table",   [TOML_ARRAY_OF_TABLES] = "array-of-tables",
  };
  return words[kind];
}

static int
print_value (const toml_value *v)
{
  printf ("{\"kind\": \"%s\"", kind_word (v->kind));
  if (v->kind == TOML_STRING)
    {
      printf (", \"value\": ");
      print_json_string (v->string);
    }
  else if (v->kind == TOML_INTEGER)
    printf (", \"value\": %lld", (long long)v->integer);
  else if (v->kind == TOML_BOOL)
    printf (", \"value\": %s", v->boolean ? "true" : "false");
  else if (v->kind == TOML_ARRAY && v->all_strings)
    {
      printf (", \"value\": [");
      for (size_t i = 0; i < v->n_items; i++)
        {
          if (i)
            printf (", ");
          print_json_string (v->strings[i]);
        }
      putchar (']');
    }
  else if (v->kind == TOML_ARRAY)
    printf (", \"items\": %zu", v->n_items);
  printf ("}\n");
  return 0;
}

static int
run (int argc, char **argv, hook_error **err)
{
  cleanup_close int fd = -1;
  cleanup_free char *buf = NULL;
  cleanup_free char *out = NULL;
  size_t len = 0, out_len = 0;
  bool changed = false;
  const char *cmd;
  int nkeys;

  if (argc < 3)
    return hook_fail (err, EINVAL,
                      "usage: toml_edit_tool check|get|set|append FILE [VALUE] KEY...");
  cmd = argv[1];
  fd = open (argv[2], O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return hook_fail (err, errno, "open %s", argv[2]);
  /* One byte more than the editor takes, so that its own limit answers.  */
  if (read_fd_bounded (fd, TOML_EDIT_MAX_BYTES + 1, &buf, &len, err) < 0)
    return -1;
  if (strcmp (cmd, "check") == 0)
    return toml_check (buf, len, err);
  if (strcmp (cmd, "get") == 0)
    {
      cleanup_toml_value toml_value v = { 0 };
      if (toml_get (buf, len, (const char *const *)argv + 3, (size_t)(argc - 3), &v, err) < 0)
        return -1;
      return print_value (&v);
    }
  if (argc < 5 || (strcmp (cmd, "set") != 0 && strcmp (cmd, "append") != 0))
    return hook_fail (err, EINVAL,
                      "usage: toml_edit_tool check|get|set|append FILE [VALUE] KEY...");
  nkeys = argc - 4;
  if ((strcmp (cmd, "set") == 0
           ? toml_set_string (buf, len, (const char *const *)argv + 4, (size_t)nkeys, argv[3], &out,
                              &out_len, &changed, err)
           : toml_append_string (buf, len, (const char *const *)argv + 4, (size_t)nkeys, argv[3],
                                 &out, &out_len, &changed, err))
      < 0)
    return -1;
  if (fwrite (out, 1, out_len, stdout) != out_len || fflush (stdout) != 0)
    return hook_fail (err, errno, "write the document");
  if (!changed)
    fprintf (stderr, "unchanged\n");
  return 0;
}

int
main (int argc, char **argv)
{
  cleanup_hook_error hook_error *err = NULL;

  if (run (argc, argv, &err) < 0)
    {
      fprintf (stderr, "toml_edit_tool: %s\n", err ? err->message : "failed");
      return 1;
    }
  return 0;
}

#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "runtime_args.h"

/* One flag of a flag set.  NAME and ALIAS are one flag (urfave/cli's
   "bundle, b"); OFFSET is where its value goes in runtime_args, or
   NO_FIELD for flags the wrapper only has to step over.  */
typedef enum flag_type
{
  FLAG_BOOL,
  FLAG_VALUE, /* a string: takes a value */
  FLAG_INT,   /* Go's flag.Int: takes a value that strconv.ParseInt reads */
} flag_type;

#define NO_FIELD SIZE_MAX
#define FIELD(m) offsetof (runtime_args, m)

typedef struct flag_def
{
  const char *name, *alias;
  flag_type type;
  size_t offset;
} flag_def;

static const flag_def global_flags[] = {
  { "debug", NULL, FLAG_BOOL, FIELD (debug) },
  { "log", NULL, FLAG_VALUE, FIELD (log) },
  { "log-format", NULL, FLAG_VALUE, FIELD (log_format) },
  { "root", NULL, FLAG_VALUE, FIELD (root) },
  { "criu", NULL, FLAG_VALUE, FIELD (criu) },
  { "systemd-cgroup", NULL, FLAG_BOOL, FIELD (systemd_cgroup) },
  { "rootless", NULL, FLAG_VALUE, FIELD (rootless) },
  /* urfave/cli's own, on every app.  */
  { "help", "h", FLAG_BOOL, FIELD (help) },
  { "version", "v", FLAG_BOOL, FIELD (version) },
  { NULL, NULL, 0, 0 },
};

/* What the flags of create and run set (help is urfave/cli's, on every
   command).  */
typedef struct command_flags
{
  const char *bundle;
  bool help;
} command_flags;

#define CFIELD(m) offsetof (command_flags, m)

/* runc 1.1's flags, and runc 1.2's --pidfd-socket: an engine of runc 1.2
   may pass it (runc 1.1 then refuses the line itself).  */
static const flag_def create_flags[] = {
  { "bundle", "b", FLAG_VALUE, CFIELD (bundle) },
  { "console-socket", NULL, FLAG_VALUE, NO_FIELD },
  { "pidfd-socket", NULL, FLAG_VALUE, NO_FIELD },
  { "pid-file", NULL, FLAG_VALUE, NO_FIELD },
  { "no-pivot", NULL, FLAG_BOOL, NO_FIELD },
  { "no-new-keyring", NULL, FLAG_BOOL, NO_FIELD },
  { "preserve-fds", NULL, FLAG_INT, NO_FIELD },
  { "help", "h", FLAG_BOOL, CFIELD (help) },
  { NULL, NULL, 0, 0 },
};

static const flag_def run_flags[] = {
  { "bundle", "b", FLAG_VALUE, CFIELD (bundle) },  { "console-socket", NULL, FLAG_VALUE, NO_FIELD },
  { "pidfd-socket", NULL, FLAG_VALUE, NO_FIELD },  { "detach", "d", FLAG_BOOL, NO_FIELD },
  { "keep", NULL, FLAG_BOOL, NO_FIELD },           { "pid-file", NULL, FLAG_VALUE, NO_FIELD },
  { "no-subreaper", NULL, FLAG_BOOL, NO_FIELD },   { "no-pivot", NULL, FLAG_BOOL, NO_FIELD },
  { "no-new-keyring", NULL, FLAG_BOOL, NO_FIELD }, { "preserve-fds", NULL, FLAG_INT, NO_FIELD },
  { "help", "h", FLAG_BOOL, CFIELD (help) },       { NULL, NULL, 0, 0 },
};

#define MAX_FLAGS 16

/* Go's strconv.ParseBool.  */
static int
parse_go_bool (const char *s, bool *out)
{
  static const char *const yes[] = { "1", "t", "T", "TRUE", "true", "True" };
  static const char *const no[] = { "0", "f", "F", "FALSE", "false", "False" };
  for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
    {
      if (strcmp (s, yes[i]) == 0)
        return *out = true, 0;
      if (strcmp (s, no[i]) == 0)
        return *out = false, 0;
    }
  return -1;
}

/* Go's underscoreOK: in S (after its sign), "_" only ever between two
   digits, a base prefix counting as one.  */
static bool
go_underscores_ok (const char *s, bool prefix, bool hex)
{
  char saw = prefix ? '0' : '^';
  for (const char *p = s; *p; p++)
    {
      if (isdigit ((unsigned char)*p) || (hex && isxdigit ((unsigned char)*p)))
        saw = '0';
      else if (*p == '_')
        {
          if (saw != '0')
            return false;
          saw = '_';
        }
      else if (saw == '_')
        return false;
      else
        saw = '!';
    }
  return saw != '_';
}

/* Go's strconv.ParseInt (S, 0, 64), what flag.Int's Set runs: a sign,
   then "0x", "0o", "0b", a leading "0" (octal) or none (decimal), digits
   with "_" between them, within int64.  0, or -1 with *RANGE set when
   only the range is wrong.  */
static int
parse_go_int (const char *s, bool *range)
{
  const char *p = s;
  bool neg = false, prefix = false, underscores = false;
  unsigned base = 10;
  uint64_t n = 0;

  *range = false;
  if (*p == '+' || *p == '-')
    neg = *p++ == '-';
  if (*p == '\0')
    return -1;
  const char *digits = p;
  if (p[0] == '0')
    {
      char c = (char)tolower ((unsigned char)p[1]);
      if (p[1] && p[2] && (c == 'b' || c == 'o' || c == 'x'))
        {
          base = c == 'b' ? 2 : c == 'o' ? 8 : 16;
          prefix = true;
          p += 2;
        }
      else
        {
          base = 8;
          p += 1;
        }
    }
  for (; *p; p++)
    {
      unsigned d;
      if (*p == '_')
        {
          underscores = true;
          continue;
        }
      if (isdigit ((unsigned char)*p))
        d = (unsigned)(*p - '0');
      else if (isalpha ((unsigned char)*p))
        d = (unsigned)(tolower ((unsigned char)*p) - 'a' + 10);
      else
        return -1;
      if (d >= base)
        return -1;
      if (n > (UINT64_MAX - d) / base)
        {
          *range = true;
          return -1;
        }
      n = n * base + d;
    }
  if (underscores && !go_underscores_ok (digits + (prefix ? 2 : 0), prefix, base == 16))
    return -1;
  if (n > (uint64_t)INT64_MAX + (neg ? 1 : 0))
    {
      *range = true;
      return -1;
    }
  return 0;
}

/* One pass of Go's flag.FlagSet.Parse over WORDS[*I..N) with the flags of
   DEFS, storing into BASE; SEEN[k] counts the times the name (0) or the
   alias (1) of DEFS[k] was given.  Stops at the first word that is no
   flag (left at *I) or after "--" (consumed).  WHAT names the flag set in
   errors.  */
static int
parse_flags (const char *what, const flag_def *defs, void *base, int n, char *const *words, int *i,
             unsigned seen[][2], hook_error **err)
{
  while (*i < n)
    {
      const char *s = words[*i];
      if (s[0] != '-' || s[1] == '\0')
        return 0;
      if (strcmp (s, "--") == 0)
        {
          (*i)++;
          return 0;
        }
      const char *name = s + (s[1] == '-' ? 2 : 1);
      if (name[0] == '\0' || name[0] == '-' || name[0] == '=')
        return hook_fail (err, 0, "%s: bad flag syntax: %s", what, s);
      (*i)++;
      const char *eq = strchr (name + 1, '=');
      size_t name_len = eq ? (size_t)(eq - name) : strlen (name);
      const flag_def *f = NULL;
      int which = 0;
      for (size_t k = 0; defs[k].name && f == NULL; k++)
        {
          if (strlen (defs[k].name) == name_len && strncmp (defs[k].name, name, name_len) == 0)
            f = &defs[k], which = 0;
          else if (defs[k].alias && strlen (defs[k].alias) == name_len
                   && strncmp (defs[k].alias, name, name_len) == 0)
            f = &defs[k], which = 1;
        }
      if (f == NULL)
        return hook_fail (err, 0, "%s: flag provided but not defined: -%.*s", what, (int)name_len,
                          name);
      seen[f - defs][which]++;
      if (f->type == FLAG_BOOL)
        {
          bool v = true;
          if (eq && parse_go_bool (eq + 1, &v) < 0)
            return hook_fail (err, 0, "%s: invalid boolean value \"%s\" for -%.*s", what, eq + 1,
                              (int)name_len, name);
          if (f->offset != NO_FIELD)
            *(bool *)((char *)base + f->offset) = v;
          continue;
        }
      const char *value;
      if (eq)
        value = eq + 1;
      else if (*i < n)
        value = words[(*i)++];
      else
        return hook_fail (err, 0, "%s: flag needs an argument: -%.*s", what, (int)name_len, name);
      bool range;
      if (f->type == FLAG_INT && parse_go_int (value, &range) < 0)
        return hook_fail (err, 0, "%s: invalid value \"%s\" for flag -%.*s: %s", what, value,
                          (int)name_len, name, range ? "value out of range" : "parse error");
      if (f->offset != NO_FIELD)
        *(const char **)((char *)base + f->offset) = value;
    }
  return 0;
}

/* urfave/cli's normalizeFlags: the two names of one flag, both given.  */
static int
check_two_forms (const char *what, const flag_def *defs, unsigned seen[][2], hook_error **err)
{
  for (size_t k = 0; defs[k].name; k++)
    if (seen[k][0] && seen[k][1])
      return hook_fail (err, 0, "%s: cannot use two forms of the same flag: -%s and -%s", what,
                        defs[k].name, defs[k].alias);
  return 0;
}

/* urfave/cli's argIsFlag (1.22.2 and later): is A one of DEFS's flags?
   It strips two leading dashes, then one more, and compares the name
   before any "=" with every name of every flag.  "-" and "--" never are.  */
static bool
arg_is_flag (const flag_def *defs, const char *a)
{
  if (a[0] != '-' || strcmp (a, "-") == 0 || strcmp (a, "--") == 0)
    return false;
  const char *name = a + (a[1] == '-' ? 2 : 0);
  if (name[0] == '-')
    name++;
  size_t len = strcspn (name, "=");
  for (size_t k = 0; defs[k].name; k++)
    if ((strlen (defs[k].name) == len && strncmp (defs[k].name, name, len) == 0)
        || (defs[k].alias && strlen (defs[k].alias) == len
            && strncmp (defs[k].alias, name, len) == 0))
      return true;
  return false;
}

/* urfave/cli's reorderArgs, as runc 1.1 and later run it (urfave/cli
   1.22.2 and later; Debian 12's runc 1.1.5 is built with 1.22.9, runc 1.2
   with 1.22.16): the command's own flags (DEFS) go in front, each with the
   word after it when it has no "=" and that word is none of DEFS's flags
   ("-", "--" and unknown "-x" words included: they become its value); the
   first other "--" goes right after them, followed by the other words in
   their order and everything after that "--".  It does not know which
   flags take a value: "--no-pivot ID" keeps ID among the flags, where Go's
   parser then stops.  OUT and REST hold N words each.  */
static void
reorder (const flag_def *defs, char *const *in, int n, const char **out, const char **rest)
{
  int nf = 0, nr = 0;
  bool may_be_value = false;

  for (int i = 0; i < n; i++)
    {
      const char *a = in[i];
      if (may_be_value && !arg_is_flag (defs, a))
        {
          may_be_value = false;
          out[nf++] = a;
        }
      else if (strcmp (a, "--") == 0)
        {
          out[nf++] = a;
          for (int j = 0; j < nr; j++)
            out[nf++] = rest[j];
          for (i++; i < n; i++)
            out[nf++] = in[i];
          return;
        }
      else if (arg_is_flag (defs, a))
        {
          out[nf++] = a;
          may_be_value = strchr (a, '=') == NULL;
        }
      else
        rest[nr++] = a;
    }
  for (int j = 0; j < nr; j++)
    out[nf++] = rest[j];
}

static int
parse_command (int argc, char *const *argv, runtime_args *args, hook_error **err)
{
  const flag_def *defs = args->kind == RUNTIME_RUN ? run_flags : create_flags;
  int n = argc - args->command_index - 1, i = 0;
  unsigned seen[MAX_FLAGS][2] = { { 0 } };
  command_flags flags = { 0 };

  cleanup_free const char **words = calloc (2 * (size_t)n + 1, sizeof *words);
  if (words == NULL)
    return hook_fail (err, ENOMEM, "%s", args->command);
  reorder (defs, argv + args->command_index + 1, n, words, words + n);
  if (parse_flags (args->command, defs, &flags, n, (char *const *)words, &i, seen, err) < 0
      || check_two_forms (args->command, defs, seen, err) < 0)
    return -1;
  if (flags.help)
    {
      /* runc prints the command's help and creates nothing.  */
      args->kind = RUNTIME_PASS;
      return 0;
    }
  if (n - i != 1)
    return hook_fail (err, 0, "\"%s\" requires exactly 1 argument (the container id), got %d",
                      args->command, n - i);
  args->id = words[i];
  args->bundle = flags.bundle;
  return 0;
}

int
runtime_args_parse (int argc, char *const *argv, runtime_args *args, hook_error **err)
{
  unsigned seen[MAX_FLAGS][2] = { { 0 } };
  int i = 1;

  memset (args, 0, sizeof *args);
  args->command_index = -1;
  if (parse_flags ("runtime global flags", global_flags, args, argc, argv, &i, seen, err) < 0
      || check_two_forms ("runtime global flags", global_flags, seen, err) < 0)
    return -1;
  if (i >= argc)
    return 0;
  args->command_index = i;
  args->command = argv[i];
  /* runc prints its help or version and runs no command.  */
  if (args->help || args->version)
    return 0;
  if (strcmp (args->command, "create") == 0)
    args->kind = RUNTIME_CREATE;
  else if (strcmp (args->command, "run") == 0)
    args->kind = RUNTIME_RUN;
  else
    return 0;
  /* runc's app.Before, before any command: a log format it does not know
     refuses the line.  */
  if (args->log_format && args->log_format[0] && strcmp (args->log_format, "text") != 0
      && strcmp (args->log_format, "json") != 0)
    return hook_fail (err, 0, "invalid log-format: %s", args->log_format);
  return parse_command (argc, argv, args, err);
}

bool
runtime_args_log_json (const runtime_args *args)
{
  return args->log_format && strcmp (args->log_format, "json") == 0;
}

/* `oci-sandbox-hook install` and `uninstall`: wire the hook into every
   engine of a host (under --root), idempotently, and take it out again
   byte for byte.  The decisions are decide/install_plan.c's (which bytes
   every file must hold) and decide/install_record.c's (what uninstall
   does with each file); this file reads the host, keeps the originals
   and the record, writes, and restarts the engines.

   Order of an install: everything is read and decided first (a
   configuration that cannot be edited stops it before any write); the
   record and the originals are written before the first file they
   describe; a failure midway puts back every file this run wrote.  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "host_restart.h"
#include "hostfs.h"
#include "install_plan.h"
#include "install_record.h"
#include "inuse.h"
#include "inuse_scan.h"
#include "policy.h"
#include "safepath.h"
#include "sha256.h"
#include "string_list.h"
#include "stage.h"

#define N(a) (sizeof (a) / sizeof ((a)[0]))

typedef struct install_options
{
  bool uninstall;
  const char *root;
  unsigned engines;
  const char *policy_file;
  const char *binary;
  const char *prefix;
  bool restart, dry_run, wait;
} install_options;

static void
installer_usage (FILE *out)
{
  fprintf (out,
           "Usage: oci-sandbox-hook install [OPTION...]\n"
           "       oci-sandbox-hook uninstall [--root DIR] [--restart] [--dry-run]\n"
           "Wire the hook into the engines of a host (containerd, CRI-O, podman); uninstall\n"
           "puts back every file it changed, byte for byte, and keeps the binary, the\n"
           "wrapper and the policy while live containers still call them (run it again\n"
           "once they are gone).\n"
           "\n"
           "  --root DIR       the host's root directory (default /)\n"
           "  --engines LIST   containerd,crio,podman (default: those found under DIR)\n"
           "  --policy FILE    the node policy to install (default: keep the host's)\n"
           "  --binary PATH    the binary to install (default: this one)\n"
           "  --prefix DIR     where it goes on the host (default " INSTALL_DEFAULT_PREFIX ")\n"
           "  --restart        restart the changed engines through the host's systemd\n"
           "  --dry-run        say what would change, change nothing\n"
           "  --wait           install, wait for SIGTERM or SIGINT, then uninstall unless\n"
           "                   another --wait installer still holds DIR (the command of a\n"
           "                   DaemonSet's container; its new pod in a rolling update)\n");
}

static int
parse_installer_options (int argc, char **argv, install_options *o, hook_error **err)
{
  static const struct option long_options[] = {
    { "root", required_argument, NULL, 'r' },   { "engines", required_argument, NULL, 'e' },
    { "policy", required_argument, NULL, 'p' }, { "binary", required_argument, NULL, 'b' },
    { "prefix", required_argument, NULL, 'x' }, { "restart", no_argument, NULL, 'R' },
    { "dry-run", no_argument, NULL, 'n' },      { "wait", no_argument, NULL, 'w' },
    { "help", no_argument, NULL, 'h' },         { NULL, 0, NULL, 0 },
  };
  const char *install_only = NULL;
  int c;

  o->uninstall = strcmp (argv[0], "uninstall") == 0;
  o->root = "/";
  o->binary = "/proc/self/exe";
  o->prefix = INSTALL_DEFAULT_PREFIX;
  optind = 1;
  while ((c = getopt_long (argc, argv, "", long_options, NULL)) != -1)
    switch (c)
      {
      case 'r':
        o->root = optarg;
        break;
      case 'e':
        if (install_engines_parse (optarg, &o->engines, err) < 0)
          return -1;
        install_only = "--engines";
        break;
      case 'p':
        o->policy_file = optarg;
        install_only = "--policy";
        break;
      case 'b':
        o->binary = optarg;
        install_only = "--binary";
        break;
      case 'x':
        o->prefix = optarg;
        install_only = "--prefix";
        break;
      case 'R':
        o->restart = true;
        break;
      case 'n':
        o->dry_run = true;
        break;
      case 'w':
        o->wait = true;
        install_only = "--wait";
        break;
      case 'h':
        installer_usage (stdout);
        exit (EXIT_SUCCESS);
      default:
        installer_usage (stderr);
        exit (2);
      }
  if (optind < argc)
    return hook_fail (err, 0, "unexpected argument \"%s\"", argv[optind]);
  if (o->uninstall && install_only)
    return hook_fail (err, 0, "%s is an install option (uninstall reads the record)", install_only);
  if (o->wait && o->dry_run)
    return hook_fail (err, 0, "--wait and --dry-run exclude each other");
  if (o->root[0] != '/')
    return hook_fail (err, 0, "--root \"%s\": not an absolute path", o->root);
  return install_prefix_validate (o->prefix, err);
}

/* ------------------------------------------------------------- the record */

static const char *
record_path (void)
{
  return INSTALL_STATE_DIR "/" INSTALL_RECORD_NAME;
}

/* Where the original NAME of a changed file is kept.  */
static int
original_path (const char *name, char **out, hook_error **err)
{
  if (asprintf (out, "%s/%s/%s", INSTALL_STATE_DIR, INSTALL_ORIGINALS, name) < 0)
    {
      *out = NULL; /* undefined after a failure: the callers free it */
      return hook_fail (err, ENOMEM, "install");
    }
  return 0;
}

/* The record of an earlier install, if any.  */
static int
read_record (int root_fd, install_record *rec, bool *exists, hook_error **err)
{
  cleanup_free char *buf = NULL;
  size_t len = 0;
  found_type type;

  *exists = false;
  if (hostfs_read (root_fd, record_path (), false, INSTALL_RECORD_MAX, &type, &buf, &len, err) < 0)
    return -1;
  if (type == FOUND_ABSENT)
    return 0;
  if (type != FOUND_FILE)
    return hook_fail (err, 0, "%s: not a regular file", record_path ());
  if (install_record_parse (buf, len, rec, err) < 0)
    return hook_error_prefix (err, "%s", record_path ());
  *exists = true;
  return 0;
}

/* The bytes the installer kept of a file it changed, checked against the
   record.  */
static int
read_original (int root_fd, const record_entry *e, char **data, size_t *len, hook_error **err)
{
  cleanup_free char *path = NULL;
  char digest[SHA256_HEX_SIZE];
  found_type type;

  if (original_path (e->original, &path, err) < 0
      || hostfs_read (root_fd, path, false, HOSTFS_MAX_BYTES, &type, data, len, err) < 0)
    return -1;
  if (type != FOUND_FILE)
    return hook_fail (err, 0, "%s, the original of %s, is missing", path, e->path);
  sha256_hex (*data, *len, digest);
  if (strcmp (digest, e->original_sha256) != 0)
    {
      free (*data);
      *data = NULL;
      return hook_fail (err, 0, "%s, the original of %s, is not what was kept (sha256 %s)", path,
                        e->path, digest);
    }
  return 0;
}

/* ------------------------------------------------ what a cut-short run left */

/* The temporaries a run cut short (SIGKILL, a power loss) left of PATH:
   in its directory, or the one above (hostfs_write's TMP_IN_PARENT).  */
static int
sweep_temporaries_of (int root_fd, const char *path, size_t *removed, hook_error **err)
{
  cleanup_free char *dir = path_dir (path);
  cleanup_free char *above = dir ? path_dir (dir) : NULL;
  const char *name = strrchr (path, '/') + 1;

  if (above == NULL)
    return hook_fail (err, ENOMEM, "install");
  if (hostfs_remove_files (root_fd, dir, is_temporary_name, name, removed, err) < 0)
    return -1;
  if (strcmp (dir, "/") != 0
      && hostfs_remove_files (root_fd, above, is_temporary_name, name, removed, err) < 0)
    return -1;
  return 0;
}

/* Every temporary of the installer's own directories, and of PATHS.  */
static int
sweep_temporaries (int root_fd, const char *const *paths, size_t n, hook_error **err)
{
  size_t removed = 0;

  if (hostfs_remove_files (root_fd, INSTALL_STATE_DIR, is_temporary_name, NULL, &removed, err) < 0
      || hostfs_remove_files (root_fd, INSTALL_STATE_DIR "/" INSTALL_ORIGINALS, is_temporary_name,
                              NULL, &removed, err)
             < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    if (sweep_temporaries_of (root_fd, paths[i], &removed, err) < 0)
      return -1;
  if (removed)
    printf ("  removed %zu temporary file(s) left by a run cut short\n", removed);
  return 0;
}

/* The installer's own directories (INSTALL_STATE_DIR, its originals, the
   directory above it, all the installer's by name), once nothing needs
   them: a run cut short after it made them and before its record, or an
   uninstall cut short after it removed the record, leaves them behind
   unrecorded.  Every file left in its originals goes (uninstall calls it
   once every original the record names is removed), then each directory
   when empty.  An original no record names is never the only copy: install
   writes the record naming an original before it changes that file.
   *REMOVED counts what went.  */
static int
remove_own_state (int root_fd, size_t *removed, hook_error **err)
{
  static const char originals[] = INSTALL_STATE_DIR "/" INSTALL_ORIGINALS;
  cleanup_free char *above = path_dir (INSTALL_STATE_DIR);
  const char *dirs[3] = { originals, INSTALL_STATE_DIR, above };

  if (above == NULL)
    return hook_fail (err, ENOMEM, "uninstall");
  if (hostfs_remove_files (root_fd, originals, NULL, NULL, removed, err) < 0)
    return -1;
  for (size_t i = 0; i < N (dirs); i++)
    {
      hostfs_stat st;
      bool not_empty = false;
      if (hostfs_lstat (root_fd, dirs[i], &st, err) < 0)
        return -1;
      if (st.type != FOUND_DIRECTORY)
        continue;
      if (hostfs_rmdir (root_fd, dirs[i], &not_empty, err) < 0)
        return -1;
      if (not_empty)
        break;
      (*removed)++;
    }
  return 0;
}

/* ------------------------------------------------- the host before install */

/* The host as it was before the installer: a file it wrote and nobody
   changed since reads as what was there before (its original, or
   nothing).  */
typedef struct prior_view
{
  int root_fd;
  const install_record *rec;
} prior_view;

/* Whether PATH is the installer's own, unchanged since: then *ORIGINAL is
   what was there before (NULL: nothing).  */
static int
installed_as_recorded (const prior_view *pv, const char *path, bool *ours,
                       const record_entry **entry, hook_error **err)
{
  const record_entry *e = pv->rec ? install_record_find (pv->rec, path) : NULL;
  cleanup_free char *data = NULL;
  size_t len = 0;
  found_type type;
  char digest[SHA256_HEX_SIZE];

  *ours = false;
  *entry = e;
  if (e == NULL || e->type != RECORD_FILE)
    return 0;
  if (hostfs_read (pv->root_fd, path, false, HOSTFS_MAX_BYTES, &type, &data, &len, err) < 0)
    return -1;
  if (type != FOUND_FILE)
    return 0;
  sha256_hex (data, len, digest);
  *ours = strcmp (digest, e->sha256) == 0;
  return 0;
}

static int
prior_read (void *ctx, const char *path, host_entry_type *type, char **data, size_t *len,
            hook_error **err)
{
  const prior_view *pv = ctx;
  const record_entry *e;
  bool ours;
  int fd = pv->root_fd;
  host_view raw;

  if (installed_as_recorded (pv, path, &ours, &e, err) < 0)
    return -1;
  if (ours && e->created)
    {
      *type = HOST_ABSENT;
      *data = NULL;
      *len = 0;
      return 0;
    }
  if (ours)
    {
      *type = HOST_FILE;
      return read_original (pv->root_fd, e, data, len, err);
    }
  hostfs_view (&fd, &raw);
  return raw.read (raw.ctx, path, type, data, len, err);
}

static int
prior_list (void *ctx, const char *path, host_dirent **entries, size_t *n, hook_error **err)
{
  const prior_view *pv = ctx;
  size_t kept = 0;

  if (hostfs_list (pv->root_fd, path, entries, n, err) < 0)
    return -1;
  /* The installer's own files were not there.  */
  for (size_t i = 0; i < *n; i++)
    {
      cleanup_free char *full = path_join (path, (*entries)[i].name);
      const record_entry *e;
      bool ours = false;
      if (full == NULL)
        return hook_fail (err, ENOMEM, "install");
      if (installed_as_recorded (pv, full, &ours, &e, err) < 0)
        return -1;
      if (ours && e->created)
        {
          free ((*entries)[i].name);
          continue;
        }
      (*entries)[kept++] = (*entries)[i];
    }
  *n = kept;
  return 0;
}

static int
prior_executable (void *ctx, const char *path, bool *yes, hook_error **err)
{
  const prior_view *pv = ctx;
  return hostfs_executable (pv->root_fd, path, yes, err);
}

/* ---------------------------------------------------------------- install */

typedef enum change_kind
{
  CHANGE_NONE,
  CHANGE_CREATE,
  CHANGE_REPLACE,
} change_kind;

typedef struct change
{
  install_target *target;
  change_kind kind;
  /* What is there now (CHANGE_REPLACE): put back on a failure.  */
  char *previous;
  size_t previous_len;
  uint32_t mode, uid, gid;
  record_entry *entry; /* its record entry (existing, or new) */
} change;

/* One step already done, to undo on a failure.  */
typedef enum done_kind
{
  DONE_MKDIR,
  DONE_CREATE, /* a file or symlink that was not there */
  DONE_REPLACE,
} done_kind;

typedef struct done_step
{
  done_kind kind;
  const char *path;
  const char *previous;
  size_t previous_len;
  uint32_t mode, uid, gid;
} done_step;

typedef struct journal
{
  done_step steps[256];
  size_t n;
} journal;

static int
journal_add (journal *j, done_step step, hook_error **err)
{
  if (j->n == N (j->steps))
    return hook_fail (err, 0, "install: more than %zu steps", N (j->steps));
  j->steps[j->n++] = step;
  return 0;
}

/* Undo every step of this run, newest first.  Best effort: the original
   error is what the operator needs; a failure here is added to it.  */
static void
journal_rollback (int root_fd, journal *j, hook_error **err)
{
  for (size_t i = j->n; i > 0; i--)
    {
      const done_step *s = &j->steps[i - 1];
      hook_error *e = NULL;
      bool not_empty = false;
      int ret = 0;

      switch (s->kind)
        {
        case DONE_MKDIR:
          ret = hostfs_rmdir (root_fd, s->path, &not_empty, &e);
          break;
        case DONE_CREATE:
          ret = hostfs_unlink (root_fd, s->path, &e);
          break;
        case DONE_REPLACE:
          ret = hostfs_write (root_fd, s->path, s->previous, s->previous_len, s->mode, s->uid,
                              s->gid, true, &e);
          break;
        }
      if (ret < 0)
        {
          hook_error_prefix (err, "(and rolling back: %s)", e->message);
          hook_error_free (e);
        }
    }
  j->n = 0;
}

/* The directories above PATH that do not exist yet, outermost first.  */
static int
missing_directories (int root_fd, const char *path, char ***dirs, size_t *n, hook_error **err)
{
  cleanup_free char *copy = strdup (path);
  char *slash;

  if (copy == NULL)
    return hook_fail (err, ENOMEM, "install");
  for (slash = strchr (copy + 1, '/'); slash; slash = strchr (slash + 1, '/'))
    {
      hostfs_stat st;
      *slash = '\0';
      if (hostfs_lstat (root_fd, copy, &st, err) < 0)
        return -1;
      if (st.type == FOUND_ABSENT)
        {
          bool seen = false;
          for (size_t i = 0; i < *n; i++)
            seen = seen || strcmp ((*dirs)[i], copy) == 0;
          if (!seen)
            {
              char **p = reallocarray (*dirs, *n + 1, sizeof *p);
              if (p == NULL || (p[*n] = strdup (copy)) == NULL)
                {
                  if (p)
                    *dirs = p;
                  return hook_fail (err, ENOMEM, "install");
                }
              *dirs = p;
              (*n)++;
            }
        }
      else if (st.type != FOUND_DIRECTORY && st.type != FOUND_SYMLINK)
        return hook_fail (err, 0, "%s: not a directory", copy);
      *slash = '/';
    }
  return 0;
}

static bool
is_state_path (const char *path)
{
  size_t n = strlen (path);
  return strncmp (INSTALL_STATE_DIR, path, n) == 0
         && (INSTALL_STATE_DIR[n] == '\0' || INSTALL_STATE_DIR[n] == '/');
}

/* What TARGET needs on the host, checked against the record.  */
static int
classify (int root_fd, const install_record *rec, install_target *t, change *c, hook_error **err)
{
  hostfs_stat st;
  const record_entry *e = rec ? install_record_find (rec, t->path) : NULL;

  memset (c, 0, sizeof *c);
  c->target = t;
  if (hostfs_lstat (root_fd, t->path, &st, err) < 0)
    return -1;
  if (t->kind == TARGET_SYMLINK)
    {
      cleanup_free char *link = NULL;
      if (st.type == FOUND_ABSENT)
        {
          c->kind = CHANGE_CREATE;
          return 0;
        }
      if (st.type == FOUND_SYMLINK && hostfs_readlink (root_fd, t->path, &link, err) == 0
          && strcmp (link, t->data) == 0)
        return 0;
      if (*err)
        return -1;
      return hook_fail (err, 0, "%s exists and is not the installer's (a symlink to %s wanted)",
                        t->path, t->data);
    }
  if (st.type == FOUND_ABSENT)
    {
      c->kind = CHANGE_CREATE;
      return 0;
    }
  if (st.type != FOUND_FILE)
    return hook_fail (err, 0, "%s: %s: the installer writes regular files only", t->path,
                      st.type == FOUND_SYMLINK ? "a symlink" : "not a regular file");
  {
    found_type type;
    char digest[SHA256_HEX_SIZE];
    if (hostfs_read (root_fd, t->path, false, HOSTFS_MAX_BYTES, &type, &c->previous,
                     &c->previous_len, err)
        < 0)
      return -1;
    sha256_hex (c->previous, c->previous_len, digest);
    c->mode = st.mode;
    c->uid = st.uid;
    c->gid = st.gid;
    bool same = c->previous_len == t->len && memcmp (c->previous, t->data, t->len) == 0;
    if (same && (!t->force_owner || (st.mode == t->mode && st.uid == 0 && st.gid == 0)))
      {
        free (c->previous);
        c->previous = NULL;
        return 0;
      }
    /* Someone changed a file the installer wrote: the operator decides.
       Its original is no such change: a run cut short (SIGKILL, a power
       loss) after the record was written, an install before it reached
       this file or an uninstall once it had put it back.  */
    if (e && e->type == RECORD_FILE && strcmp (digest, e->sha256) != 0 && !same
        && (e->created || strcmp (digest, e->original_sha256) != 0))
      return hook_fail (err, 0,
                        "%s changed since the last install (by someone else) and needs the "
                        "installer's edit again: resolve it by hand, or run uninstall first%s%s",
                        t->path, e->created ? "" : "; its original is in " INSTALL_STATE_DIR "/",
                        e->created ? "" : INSTALL_ORIGINALS);
    c->kind = CHANGE_REPLACE;
  }
  return 0;
}

static int
new_entry (install_record *rec, const change *c, unsigned index, char **original_name,
           hook_error **err)
{
  install_target *t = c->target;
  record_entry e = {
    .path = strdup (t->path),
    .type = t->kind == TARGET_SYMLINK ? RECORD_SYMLINK : RECORD_FILE,
    .created = c->kind == CHANGE_CREATE,
    .restart = t->restart_unit ? strdup (t->restart_unit) : NULL,
  };
  if (e.path == NULL || (t->restart_unit && e.restart == NULL))
    {
      record_entry_clear (&e);
      return hook_fail (err, ENOMEM, "install");
    }
  if (t->kind == TARGET_SYMLINK && (e.target = strdup (t->data)) == NULL)
    {
      record_entry_clear (&e);
      return hook_fail (err, ENOMEM, "install");
    }
  if (t->kind == TARGET_FILE)
    sha256_hex (t->data, t->len, e.sha256);
  if (c->kind == CHANGE_REPLACE)
    {
      const char *base = strrchr (t->path, '/') + 1;
      if (asprintf (&e.original, "%u-%s", index, base) < 0)
        {
          e.original = NULL;
          record_entry_clear (&e);
          return hook_fail (err, ENOMEM, "install");
        }
      sha256_hex (c->previous, c->previous_len, e.original_sha256);
      e.mode = c->mode;
      e.uid = c->uid;
      e.gid = c->gid;
      *original_name = e.original;
    }
  return install_record_add (rec, &e, err);
}

static int
add_directory_entry (install_record *rec, const char *path, hook_error **err)
{
  record_entry e = { .path = strdup (path), .type = RECORD_DIRECTORY, .created = true };
  if (e.path == NULL)
    return hook_fail (err, ENOMEM, "install");
  return install_record_add (rec, &e, err);
}

static int
write_record (int root_fd, const install_record *rec, hook_error **err)
{
  cleanup_free char *buf = NULL;
  size_t len = 0;
  if (install_record_render (rec, &buf, &len, err) < 0)
    return -1;
  return hostfs_write (root_fd, record_path (), buf, len, 0600, 0, 0, false, err);
}

static void
print_units (const char *const *units, size_t n, FILE *out)
{
  for (size_t i = 0; i < n; i++)
    fprintf (out, " %s", units[i]);
}

static void
add_unit (const char **units, size_t *n, size_t max, const char *unit)
{
  if (unit == NULL)
    return;
  for (size_t i = 0; i < *n; i++)
    if (strcmp (units[i], unit) == 0)
      return;
  if (*n < max)
    units[(*n)++] = unit;
}

static int
restart_or_tell (int root_fd, const install_options *o, const char **units, size_t n,
                 hook_error **err)
{
  if (n == 0)
    return 0;
  if (!o->restart)
    {
      printf ("restart to apply: systemctl restart");
      print_units (units, n, stdout);
      printf ("\n");
      return 0;
    }
  printf ("restarting:");
  print_units (units, n, stdout);
  printf ("\n");
  fflush (stdout);
  if (host_restart_units (root_fd, o->root, units, n, err) < 0)
    return -1;
  printf ("restarted:");
  print_units (units, n, stdout);
  printf ("\n");
  return 0;
}

static void
print_engines (unsigned engines)
{
  const char *sep = "";
  for (unsigned bit = 1; bit <= ENGINE_ALL; bit <<= 1)
    if (engines & bit)
      {
        printf ("%s%s", sep, install_engine_name ((install_engine)bit));
        sep = ", ";
      }
}

/* Keep S (malloc'ed) until the end of the run; NULL on ENOMEM.  */
static const char *
string_list_keep (string_list *l, char *s)
{
  return string_list_take (l, s) < 0 ? NULL : s;
}

/* A file installed before that is its original again (a run cut short)
   is written over from it: its kept copy must be there for uninstall.
   An uninstall cut short may have removed it already; the bytes are the
   ones on the host, the digest the record's.  */
static int
keep_original_again (int root_fd, const change *c, const record_entry *e, string_list *owned,
                     journal *j, hook_error **err)
{
  char digest[SHA256_HEX_SIZE];
  const char *kept;
  hostfs_stat st;

  if (e->created || c->kind != CHANGE_REPLACE)
    return 0;
  sha256_hex (c->previous, c->previous_len, digest);
  if (strcmp (digest, e->original_sha256) != 0)
    return 0;
  {
    char *path = NULL;
    if (original_path (e->original, &path, err) < 0)
      return -1;
    kept = string_list_keep (owned, path);
  }
  if (kept == NULL)
    return hook_fail (err, ENOMEM, "install");
  if (hostfs_lstat (root_fd, kept, &st, err) < 0)
    return -1;
  if (st.type != FOUND_ABSENT)
    return 0;
  if (hostfs_write (root_fd, kept, c->previous, c->previous_len, 0600, 0, 0, false, err) < 0)
    return -1;
  return journal_add (j, (done_step){ .kind = DONE_CREATE, .path = kept }, err);
}

static int uninstall_locked (const install_options *o, int root_fd, bool *left, hook_error **err);

/* Install.  HOLDER (install --wait): once installed, or nothing to do,
   the installation is held (hostfs_hold) while the root is still locked,
   so that no other installer's uninstall comes in between.  */
static int
do_install (const install_options *o, int *holder, hook_error **err)
{
  cleanup_close int root_fd = -1;
  cleanup_install_record install_record rec = { .prefix = NULL };
  cleanup_install_plan install_plan plan = { .n_targets = 0 };
  cleanup_free char *policy = NULL, *binary = NULL, *previous_record = NULL;
  cleanup_string_list string_list dirs = { .n = 0 };
  cleanup_string_list string_list state_dirs = { .n = 0 };
  cleanup_string_list string_list owned = { .n = 0 };
  size_t policy_len = 0, binary_len = 0, previous_record_len = 0;
  bool had_record = false;
  change changes[64];
  size_t n_changes = 0, n_work = 0;
  journal j = { .n = 0 };
  const char *units[8];
  size_t n_units = 0;
  int ret = -1;

  if (hostfs_open_root (o->root, &root_fd, err) < 0
      || read_record (root_fd, &rec, &had_record, err) < 0)
    return -1;
  if (had_record && strcmp (rec.prefix, o->prefix) != 0)
    {
      bool left = true;
      if (!rec.uninstalled)
        return hook_fail (err, 0,
                          "installed with --prefix %s (%s): run uninstall before installing to %s",
                          rec.prefix, record_path (), o->prefix);
      /* An uninstall kept what live containers called: gone now, it goes;
         still called, it stays where it is, and so does its record.  */
      printf ("an earlier uninstall kept files of --prefix %s (%s): finishing it first\n",
              rec.prefix, record_path ());
      install_options un = *o;
      un.uninstall = true;
      un.restart = false;
      un.wait = false;
      if (uninstall_locked (&un, root_fd, &left, err) < 0)
        return -1;
      if (left)
        return hook_fail (err, 0,
                          "%s still records files of --prefix %s (listed above): install to %s, "
                          "or to %s once uninstall removed them",
                          record_path (), rec.prefix, rec.prefix, o->prefix);
      if (o->dry_run)
        {
          printf ("(--dry-run: the install to %s comes once that is done)\n", o->prefix);
          return 0;
        }
      install_record_clear (&rec);
      if (read_record (root_fd, &rec, &had_record, err) < 0)
        return -1;
    }
  if (had_record && install_record_render (&rec, &previous_record, &previous_record_len, err) < 0)
    return -1;
  if (o->policy_file)
    {
      cleanup_free char *name = NULL;
      if (asprintf (&name, "--policy %s", o->policy_file) < 0)
        return hook_fail (err, ENOMEM, "--policy");
      if (read_trusted_file (o->policy_file, name, POLICY_MAX_BYTES, false, &policy, &policy_len,
                             err)
          < 0)
        return -1;
    }
  {
    cleanup_close int fd = open (o->binary, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
      return hook_fail (err, errno, "--binary %s", o->binary);
    if (read_regular_fd (fd, "--binary", HOSTFS_MAX_BYTES, &binary, &binary_len, err) < 0)
      return -1;
  }
  if (o->restart && host_init_check (root_fd, o->root, err) < 0)
    return -1;

  prior_view pv = { .root_fd = root_fd, .rec = had_record ? &rec : NULL };
  host_view view
      = { .ctx = &pv, .read = prior_read, .list = prior_list, .executable = prior_executable };
  install_request req = {
    .prefix = o->prefix,
    .engines = o->engines,
    .policy_path = OCI_SANDBOX_HOOK_POLICY_FILE,
    .policy = policy,
    .policy_len = policy_len,
    .binary = binary,
    .binary_len = binary_len,
    .recorded_runtime = had_record ? rec.runtime : NULL,
  };
  if (install_plan_build (&req, &view, &plan, err) < 0)
    return -1;

  printf ("oci-sandbox-hook install%s: root %s, prefix %s, engines: ",
          o->dry_run ? " --dry-run" : "", o->root, o->prefix);
  print_engines (plan.engines);
  printf ("\n");
  for (size_t i = 0; i < plan.n_notes; i++)
    printf ("  note: %s\n", plan.notes[i]);

  if (plan.n_targets > N (changes))
    return hook_fail (err, 0, "install: more than %zu files", N (changes));
  if (!o->dry_run)
    {
      const char *paths[N (changes)];
      for (size_t i = 0; i < plan.n_targets; i++)
        paths[i] = plan.targets[i].path;
      if (sweep_temporaries (root_fd, paths, plan.n_targets, err) < 0)
        return -1;
    }
  for (size_t i = 0; i < plan.n_targets; i++)
    {
      if (classify (root_fd, had_record ? &rec : NULL, &plan.targets[i], &changes[i], err) < 0)
        goto out;
      n_changes++;
      if (changes[i].kind == CHANGE_NONE)
        continue;
      n_work++;
      if (missing_directories (root_fd, plan.targets[i].path, &dirs.items, &dirs.n, err) < 0)
        goto out;
      add_unit (units, &n_units, N (units), plan.targets[i].restart_unit);
    }
  if (n_work == 0)
    {
      printf ("nothing to do: every file is as installed\n");
      ret = 0;
      goto out;
    }
  for (size_t i = 0; i < dirs.n; i++)
    printf ("  %screate directory %s\n", o->dry_run ? "would " : "", dirs.items[i]);
  for (size_t i = 0; i < n_changes; i++)
    if (changes[i].kind != CHANGE_NONE)
      printf ("  %s%s %s: %s\n", o->dry_run ? "would " : "",
              changes[i].kind == CHANGE_CREATE ? "create" : "change", plan.targets[i].path,
              plan.targets[i].what);
  if (o->dry_run)
    {
      if (n_units)
        {
          printf ("would restart:");
          print_units (units, n_units, stdout);
          printf ("\n");
        }
      ret = 0;
      goto out;
    }

  /* The record's directories, the originals and the record itself, before
     any file the record describes.  */
  if (missing_directories (root_fd, record_path (), &state_dirs.items, &state_dirs.n, err) < 0)
    goto out;
  for (size_t i = 0; i < state_dirs.n; i++)
    if (add_directory_entry (&rec, state_dirs.items[i], err) < 0
        || hostfs_mkdir (root_fd, state_dirs.items[i],
                         is_state_path (state_dirs.items[i]) ? 0700 : 0755, err)
               < 0
        || journal_add (&j, (done_step){ .kind = DONE_MKDIR, .path = state_dirs.items[i] }, err)
               < 0)
      goto fail;
  {
    hostfs_stat st;
    if (hostfs_lstat (root_fd, INSTALL_STATE_DIR "/" INSTALL_ORIGINALS, &st, err) < 0)
      goto fail;
    if (st.type == FOUND_ABSENT
        && (hostfs_mkdir (root_fd, INSTALL_STATE_DIR "/" INSTALL_ORIGINALS, 0700, err) < 0
            || journal_add (&j,
                            (done_step){ .kind = DONE_MKDIR,
                                         .path = INSTALL_STATE_DIR "/" INSTALL_ORIGINALS },
                            err)
                   < 0))
      goto fail;
  }
  for (size_t i = 0; i < dirs.n; i++)
    if (install_record_find (&rec, dirs.items[i]) == NULL
        && add_directory_entry (&rec, dirs.items[i], err) < 0)
      goto fail;
  for (size_t i = 0; i < n_changes; i++)
    {
      change *c = &changes[i];
      record_entry *e;
      char *original = NULL;
      const char *kept;

      if (c->kind == CHANGE_NONE)
        continue;
      e = install_record_find (&rec, c->target->path);
      if (e != NULL)
        {
          /* Installed before: the original stays the one kept then.  */
          if (c->target->kind == TARGET_FILE)
            sha256_hex (c->target->data, c->target->len, e->sha256);
          if (keep_original_again (root_fd, c, e, &owned, &j, err) < 0)
            goto fail;
          continue;
        }
      if (new_entry (&rec, c, (unsigned)rec.n_entries, &original, err) < 0)
        goto fail;
      if (original == NULL)
        continue;
      {
        char *path = NULL;
        if (original_path (original, &path, err) < 0)
          goto fail;
        kept = string_list_keep (&owned, path);
      }
      if (kept == NULL)
        {
          hook_fail (err, ENOMEM, "install");
          goto fail;
        }
      if (hostfs_write (root_fd, kept, c->previous, c->previous_len, 0600, 0, 0, false, err) < 0
          || journal_add (&j, (done_step){ .kind = DONE_CREATE, .path = kept }, err) < 0)
        goto fail;
    }
  rec.engines |= plan.engines;
  rec.uninstalled = false;
  free (rec.prefix);
  rec.prefix = strdup (o->prefix);
  free (rec.runtime);
  rec.runtime = plan.runtime ? strdup (plan.runtime) : NULL;
  if (rec.prefix == NULL || (plan.runtime && rec.runtime == NULL))
    {
      hook_fail (err, ENOMEM, "install");
      goto fail;
    }
  if (write_record (root_fd, &rec, err) < 0)
    goto fail;
  if (journal_add (&j,
                   had_record ? (done_step){ .kind = DONE_REPLACE,
                                             .path = record_path (),
                                             .previous = previous_record,
                                             .previous_len = previous_record_len,
                                             .mode = 0600 }
                              : (done_step){ .kind = DONE_CREATE, .path = record_path () },
                   err)
      < 0)
    goto fail;

  /* The directories, then the files in the plan's order: what a file
     names exists before it.  */
  for (size_t i = 0; i < dirs.n; i++)
    if (hostfs_mkdir (root_fd, dirs.items[i], 0755, err) < 0
        || journal_add (&j, (done_step){ .kind = DONE_MKDIR, .path = dirs.items[i] }, err) < 0)
      goto fail;
  for (size_t i = 0; i < n_changes; i++)
    {
      change *c = &changes[i];
      install_target *t = c->target;
      int r;
      if (c->kind == CHANGE_NONE)
        continue;
      if (t->kind == TARGET_SYMLINK)
        r = hostfs_symlink (root_fd, t->path, t->data, err);
      else if (c->kind == CHANGE_CREATE || t->force_owner)
        r = hostfs_write (root_fd, t->path, t->data, t->len, t->mode, 0, 0, t->tmp_in_parent, err);
      else
        r = hostfs_write (root_fd, t->path, t->data, t->len, c->mode, c->uid, c->gid,
                          t->tmp_in_parent, err);
      if (r < 0)
        goto fail;
      if (journal_add (&j,
                       c->kind == CHANGE_CREATE
                           ? (done_step){ .kind = DONE_CREATE, .path = t->path }
                           : (done_step){ .kind = DONE_REPLACE,
                                          .path = t->path,
                                          .previous = c->previous,
                                          .previous_len = c->previous_len,
                                          .mode = c->mode,
                                          .uid = c->uid,
                                          .gid = c->gid },
                       err)
          < 0)
        goto fail;
    }
  printf ("installed: %zu file(s) written; uninstall puts back what was there (record: %s)\n",
          n_work, record_path ());
  ret = restart_or_tell (root_fd, o, units, n_units, err);
  goto out;

fail:
  journal_rollback (root_fd, &j, err);
out:
  for (size_t i = 0; i < n_changes; i++)
    free (changes[i].previous);
  if (ret == 0 && holder != NULL && hostfs_hold (root_fd, INSTALL_STATE_DIR, holder, err) < 0)
    ret = -1;
  return ret;
}

/* -------------------------------------------------------------- uninstall */

/* What one uninstall did and left.  */
typedef struct undo_run
{
  size_t kept, kept_named, kept_in_use, kept_dirs;
  const char *units[8];
  size_t n_units;
} undo_run;

/* Undo the entries of REC that install_record_serves_containers says
   SERVED of (or not), newest first: the engines' configurations before
   what they name.  The record's own directories go last, with the
   record.  */
static int
undo_entries (const install_options *o, int root_fd, const install_record *rec, undo_step *steps,
              bool served, undo_run *run, hook_error **err)
{
  for (size_t i = rec->n_entries; i > 0; i--)
    {
      const record_entry *e = &rec->entries[i - 1];
      undo_step *st = &steps[i - 1];
      cleanup_free char *original = NULL, *kept_at = NULL;
      size_t len = 0;
      bool not_empty = false;

      if (is_state_path (e->path)
          || install_record_serves_containers (rec, i - 1, OCI_SANDBOX_HOOK_POLICY_FILE) != served)
        continue;
      switch (st->action)
        {
        case UNDO_NOTHING:
          break;
        case UNDO_KEEP_NAMED:
          run->kept_named++;
          printf ("  keep %s: %s\n", e->path, st->why);
          break;
        case UNDO_KEEP_IN_USE:
          run->kept_in_use++;
          printf ("  keep %s%s: %s\n", e->type == RECORD_DIRECTORY ? "directory " : "", e->path,
                  st->why);
          break;
        case UNDO_KEEP:
          run->kept++;
          if (!e->created && original_path (e->original, &kept_at, err) < 0)
            return -1;
          printf ("  keep %s: %s%s%s%s\n", e->path, st->why, kept_at ? " (its original: " : "",
                  kept_at ? kept_at : "", kept_at ? ")" : "");
          break;
        case UNDO_RESTORE:
          printf ("  %srestore %s\n", o->dry_run ? "would " : "", e->path);
          if (o->dry_run)
            break;
          if (read_original (root_fd, e, &original, &len, err) < 0
              || hostfs_write (root_fd, e->path, original, len, e->mode, e->uid, e->gid, true, err)
                     < 0)
            return -1;
          add_unit (run->units, &run->n_units, N (run->units), e->restart);
          break;
        case UNDO_REMOVE:
          printf ("  %sremove %s\n", o->dry_run ? "would " : "", e->path);
          if (o->dry_run)
            break;
          if (hostfs_unlink (root_fd, e->path, err) < 0)
            return -1;
          add_unit (run->units, &run->n_units, N (run->units), e->restart);
          break;
        case UNDO_RMDIR:
          if (o->dry_run)
            {
              printf ("  would remove directory %s (when empty)\n", e->path);
              break;
            }
          if (hostfs_rmdir (root_fd, e->path, &not_empty, err) < 0)
            return -1;
          if (not_empty)
            {
              run->kept_dirs++;
              st->action = UNDO_KEEP;
              printf ("  keep directory %s: not empty\n", e->path);
            }
          else
            printf ("  remove directory %s\n", e->path);
          break;
        }
    }
  return 0;
}

/* S for the operator's terminal: a byte that is not printable ASCII (a
   name read from the host's runtime state) as \xHH.  */
static void
put_escaped (const char *s)
{
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p < 0x20 || *p >= 0x7f || *p == '\\')
      printf ("\\x%02x", *p);
    else
      putchar (*p);
}

static void
print_users (const inuse_users *users, const char *prefix)
{
  size_t listed = 0;

  printf ("  in use: %zu live container(s) still call what the install put in %s:\n",
          users->containers, prefix);
  for (size_t i = 0; i < users->n && listed < INUSE_MAX_LISTED; i++, listed++)
    {
      const inuse_user *u = &users->items[i];
      printf ("    ");
      if (u->damaged)
        {
          put_escaped (u->file);
          printf (": ");
          put_escaped (u->reason);
        }
      else
        {
          printf ("%s ", u->engine);
          put_escaped (u->id);
          printf (": ");
          put_escaped (u->reason);
          printf (" (");
          put_escaped (u->file);
          printf (")");
        }
      printf ("\n");
    }
  if (users->n > listed)
    printf ("    ... and %zu more\n", users->n - listed);
}

/* The live containers that still name what the install put in the
   prefix, from the host's runtime state.  */
static int
find_users (int root_fd, const install_record *rec, inuse_users *users, hook_error **err)
{
  cleanup_inuse_locations inuse_locations loc = { .n_roots = 0 };
  int fd = root_fd;
  host_view view;

  hostfs_view (&fd, &view);
  if (inuse_locations_build (&view, &loc, err) < 0)
    return -1;
  for (size_t i = 0; i < loc.n_notes; i++)
    {
      printf ("  note: ");
      put_escaped (loc.notes[i]);
      printf ("\n");
    }
  return inuse_scan (root_fd, &loc, rec->prefix, INSTALL_BINARY_NAME, users, err);
}

/* Uninstall, ROOT_FD locked (hostfs_open_root).  *LEFT (may be NULL):
   whether a record stays (or would, with --dry-run): files kept.

   Two passes: first every engine's configuration (and whatever else
   serves no live container) goes back, and the engines restart; then
   the host's runtime state says whether a live container still calls the
   binary, the wrapper or reads the policy (decide/inuse.h): those stay
   while one does.  Looking after the restart misses no container that an
   engine started with the old configuration meanwhile.  */
static int
uninstall_locked (const install_options *o, int root_fd, bool *left, hook_error **err)
{
  cleanup_install_record install_record rec = { .prefix = NULL };
  cleanup_inuse_users inuse_users users = { .n = 0 };
  found_state *states = NULL;
  undo_step *steps = NULL;
  bool exists = false;
  undo_run run = { .kept = 0 };
  size_t first_units;
  int ret = -1;

  if (left)
    *left = false;
  if (read_record (root_fd, &rec, &exists, err) < 0)
    return -1;
  printf ("oci-sandbox-hook uninstall%s: root %s\n", o->dry_run ? " --dry-run" : "", o->root);
  if (!exists)
    {
      size_t removed = 0;
      if (!o->dry_run
          && (sweep_temporaries (root_fd, NULL, 0, err) < 0
              || remove_own_state (root_fd, &removed, err) < 0))
        return -1;
      if (removed)
        printf ("  removed what a run cut short left in %s (%zu)\n", INSTALL_STATE_DIR, removed);
      printf ("nothing to do: not installed (no %s)\n", record_path ());
      return 0;
    }
  if (o->restart && host_init_check (root_fd, o->root, err) < 0)
    return -1;
  if (!o->dry_run)
    {
      cleanup_free const char **paths = calloc (rec.n_entries ? rec.n_entries : 1, sizeof *paths);
      size_t n = 0;
      if (paths == NULL)
        return hook_fail (err, ENOMEM, "uninstall");
      for (size_t i = 0; i < rec.n_entries; i++)
        if (rec.entries[i].type != RECORD_DIRECTORY)
          paths[n++] = rec.entries[i].path;
      if (sweep_temporaries (root_fd, paths, n, err) < 0)
        return -1;
    }
  states = calloc (rec.n_entries ? rec.n_entries : 1, sizeof *states);
  steps = calloc (rec.n_entries ? rec.n_entries : 1, sizeof *steps);
  if (states == NULL || steps == NULL)
    {
      hook_fail (err, ENOMEM, "uninstall");
      goto out;
    }
  for (size_t i = 0; i < rec.n_entries; i++)
    {
      hostfs_stat st;
      found_state *s = &states[i];
      if (hostfs_lstat (root_fd, rec.entries[i].path, &st, err) < 0)
        goto out;
      s->type = st.type;
      if (st.type == FOUND_FILE)
        {
          cleanup_free char *data = NULL;
          size_t len = 0;
          found_type type;
          if (hostfs_read (root_fd, rec.entries[i].path, false, HOSTFS_MAX_BYTES, &type, &data,
                           &len, err)
              < 0)
            goto out;
          sha256_hex (data, len, s->sha256);
          s->names_prefix = data && memmem (data, len, rec.prefix, strlen (rec.prefix)) != NULL;
        }
      else if (st.type == FOUND_SYMLINK
               && hostfs_readlink (root_fd, rec.entries[i].path, &s->target, err) < 0)
        goto out;
    }
  install_record_undo_plan (&rec, states, steps);

  /* The engines first: no new container will call the wrapper or the
     hook.  */
  if (undo_entries (o, root_fd, &rec, steps, false, &run, err) < 0)
    goto out;
  if (!o->dry_run && restart_or_tell (root_fd, o, run.units, run.n_units, err) < 0)
    goto out;
  first_units = run.n_units;

  /* Then what live containers may still call.  */
  if (install_record_removes_served (&rec, OCI_SANDBOX_HOOK_POLICY_FILE, steps))
    {
      if (find_users (root_fd, &rec, &users, err) < 0)
        goto out;
      if (users.n)
        {
          print_users (&users, rec.prefix);
          install_record_keep_in_use (&rec, OCI_SANDBOX_HOOK_POLICY_FILE, users.n, steps);
        }
    }
  if (undo_entries (o, root_fd, &rec, steps, true, &run, err) < 0)
    goto out;
  if (o->dry_run)
    {
      if (left)
        *left = run.kept || run.kept_named || run.kept_in_use;
      if (run.kept_in_use)
        printf ("would keep what the %zu live container(s) above still call\n", users.containers);
      ret = 0;
      goto out;
    }

  if (run.kept == 0 && run.kept_named == 0 && run.kept_in_use == 0 && run.kept_dirs == 0)
    {
      /* Everything is back: the originals, the record and its
         directories go too.  */
      for (size_t i = 0; i < rec.n_entries; i++)
        if (!rec.entries[i].created)
          {
            cleanup_free char *path = NULL;
            if (original_path (rec.entries[i].original, &path, err) < 0
                || hostfs_unlink (root_fd, path, err) < 0)
              goto out;
          }
      bool not_empty = false;
      size_t removed = 0;
      if (hostfs_unlink (root_fd, record_path (), err) < 0
          || remove_own_state (root_fd, &removed, err) < 0)
        goto out;
      for (size_t i = rec.n_entries; i > 0; i--)
        if (is_state_path (rec.entries[i - 1].path))
          {
            if (hostfs_rmdir (root_fd, rec.entries[i - 1].path, &not_empty, err) < 0)
              goto out;
          }
      printf ("uninstalled: every file is as before the install\n");
    }
  else
    {
      /* What is left stays recorded, for the operator and a later
         uninstall.  */
      install_record kept_rec = {
        .prefix = rec.prefix, .runtime = rec.runtime, .engines = rec.engines, .uninstalled = true
      };
      record_entry *keep = calloc (rec.n_entries, sizeof *keep);
      size_t n_keep = 0;
      if (keep == NULL)
        {
          hook_fail (err, ENOMEM, "uninstall");
          goto out;
        }
      for (size_t i = 0; i < rec.n_entries; i++)
        if (is_state_path (rec.entries[i].path) || steps[i].action == UNDO_KEEP
            || steps[i].action == UNDO_KEEP_NAMED || steps[i].action == UNDO_KEEP_IN_USE)
          keep[n_keep++] = rec.entries[i];
        else if (!rec.entries[i].created)
          {
            cleanup_free char *path = NULL;
            if (original_path (rec.entries[i].original, &path, err) < 0
                || hostfs_unlink (root_fd, path, err) < 0)
              {
                free (keep);
                goto out;
              }
          }
      kept_rec.entries = keep;
      kept_rec.n_entries = n_keep;
      int r = write_record (root_fd, &kept_rec, err);
      free (keep);
      if (r < 0)
        goto out;
      if (left)
        *left = true;
      if (run.kept_in_use)
        {
          printf ("uninstalled from the engines: none names the hook or the wrapper any more; "
                  "what the %zu live container(s) above still call stays, recorded in %s: run "
                  "uninstall again once they are gone",
                  users.containers, record_path ());
          if (strcmp (o->root, "/") != 0)
            printf (" (on the host: %s/" INSTALL_BINARY_NAME " uninstall)", rec.prefix);
          printf ("\n");
        }
    }
  if (restart_or_tell (root_fd, o, run.units + first_units, run.n_units - first_units, err) < 0)
    goto out;
  if (run.kept)
    {
      hook_fail (err, 0,
                 "uninstall kept %zu file(s) changed since the install, and what they name "
                 "(listed above); %s still records them",
                 run.kept, record_path ());
      goto out;
    }
  ret = 0;
out:
  for (size_t i = 0; states && i < rec.n_entries; i++)
    free (states[i].target);
  free (states);
  free (steps);
  return ret;
}

static int
do_uninstall (const install_options *o, hook_error **err)
{
  cleanup_close int root_fd = -1;

  if (hostfs_open_root (o->root, &root_fd, err) < 0)
    return -1;
  return uninstall_locked (o, root_fd, NULL, err);
}

/* --------------------------------------------------------------- --wait */

/* A DaemonSet's pod: install, wait for SIGTERM, uninstall.  A rolling
   update with a surge (maxSurge 1, maxUnavailable 0) starts the new pod's
   installer before the old one is told to stop: the old one then finds
   that another installer holds the installation, and leaves the node
   installed instead of undoing what the new one counts on (no window
   without the hook, no engine restarted twice).  The last one to go
   uninstalls.  */
static int
install_and_wait (const install_options *o, hook_error **err)
{
  sigset_t set;
  int sig = 0;
  install_options un = *o;
  cleanup_close int holder = -1, root_fd = -1;
  bool sole;

  /* Blocked before the install starts, so a SIGTERM that comes during it
     waits its turn.  As pid 1 of a container the signal would otherwise be
     dropped (no handler).  */
  sigemptyset (&set);
  sigaddset (&set, SIGTERM);
  sigaddset (&set, SIGINT);
  sigprocmask (SIG_BLOCK, &set, NULL);
  if (do_install (o, &holder, err) < 0)
    return -1;
  printf ("waiting for SIGTERM or SIGINT to uninstall\n");
  fflush (stdout);
  while (sigwait (&set, &sig) != 0)
    ;
  if (hostfs_open_root (o->root, &root_fd, err) < 0
      || hostfs_sole_holder (holder, INSTALL_STATE_DIR, &sole, err) < 0)
    return -1;
  if (!sole)
    {
      printf ("signal %d: another installer holds this root (a rolling update's new pod): "
              "leaving it installed\n",
              sig);
      return 0;
    }
  printf ("signal %d: uninstalling\n", sig);
  un.uninstall = true;
  un.wait = false;
  return uninstall_locked (&un, root_fd, NULL, err);
}

int
run_installer (int argc, char **argv, hook_error **err)
{
  install_options o = { .root = "/" };
  int ret;

  if (parse_installer_options (argc, argv, &o, err) < 0)
    return -1;
  /* Files the installer creates are root's own, with the modes it names.  */
  umask (022);
  if (o.uninstall)
    ret = do_uninstall (&o, err);
  else if (o.wait)
    ret = install_and_wait (&o, err);
  else
    ret = do_install (&o, NULL, err);
  fflush (stdout);
  return ret;
}

/* `oci-sandbox-hook pods`: what the node's registry holds, for people (a
   table) and for tools (--json).  Read-only: a stale entry is reported,
   not removed (the next member that names it sweeps it).  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "hook_dir.h"
#include "json_gen.h"
#include "registry.h"
#include "safepath.h"
#include "stage.h"

/* One registered sandbox; its aliases share the row.  */
typedef struct pod_row
{
  pod_entry entry;
  char names[POD_MAX_NAMES * (POD_NAME_MAX + 1)]; /* comma-separated: a whole registration */
  const char *state;                              /* running, stale, unreadable */
  char problem[256];
  bool shm_known;
  uint64_t shm_size, shm_used;
} pod_row;

/* The size and use of the sandbox's tmpfs, found through its bundle and
   proven to be the registered one.  */
static void
shm_usage (pod_row *row)
{
  const pod_entry *e = &row->entry;
  struct statfs sfs;
  struct stat st;

  if (e->shm != POD_SHM_TMPFS)
    return;
  cleanup_close int bundle = openat2_fd (AT_FDCWD, e->bundle, O_PATH | O_DIRECTORY | O_NOFOLLOW, 0,
                                         RESOLVE_NO_MAGICLINKS);
  cleanup_close int shm
      = bundle < 0 ? -1
                   : openat2_fd (bundle, HOOK_DIR_NAME "/" HOOK_SHM_DIR, O_PATH | O_DIRECTORY, 0,
                                 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
  if (shm < 0 || fstat (shm, &st) < 0 || fstatfs (shm, &sfs) < 0 || sfs.f_type != TMPFS_MAGIC
      || (uint64_t)st.st_dev != e->shm_root.dev || (uint64_t)st.st_ino != e->shm_root.ino)
    return;
  row->shm_known = true;
  row->shm_size = (uint64_t)sfs.f_blocks * (uint64_t)sfs.f_bsize;
  row->shm_used = (uint64_t)(sfs.f_blocks - sfs.f_bfree) * (uint64_t)sfs.f_bsize;
}

/* False, and ROW unchanged, when NAME does not fit whole.  */
static bool
add_name (pod_row *row, const char *name)
{
  size_t used = strlen (row->names);
  int n = snprintf (row->names + used, sizeof row->names - used, "%s%s", used ? "," : "", name);
  if (n < 0 || (size_t)n >= sizeof row->names - used)
    {
      row->names[used] = '\0';
      return false;
    }
  return true;
}

/* Read every entry; the names of one sandbox (same bundle and pid) make
   one row.  A row's entry keeps its document (run_pods clears the rows), and
   an unreadable one borrows its id from NAMES.  */
static int
read_rows (pod_registry *reg, char **names, size_t n, pod_row *rows, size_t *n_rows,
           hook_error **err)
{
  *n_rows = 0;
  for (size_t i = 0; i < n; i++)
    {
      cleanup_hook_error hook_error *e = NULL;
      pod_row row = { .state = "running" };
      pod_lookup found;
      if (pod_registry_lookup (reg, names[i], false, &row.entry, &found, &e) < 0)
        {
          row.state = "unreadable";
          snprintf (row.problem, sizeof row.problem, "%s", e->message);
          row.entry.id = names[i];
        }
      else if (found != POD_FOUND)
        row.state = "stale";
      /* An entry gone since the listing, or not decoded: empty strings.  */
      if (row.entry.id == NULL)
        row.entry.id = "";
      if (row.entry.bundle == NULL)
        row.entry.bundle = "";
      size_t same = *n_rows;
      for (size_t j = 0; j < *n_rows && row.problem[0] == '\0'; j++)
        if (rows[j].problem[0] == '\0' && rows[j].entry.pid == row.entry.pid
            && strcmp (rows[j].entry.bundle, row.entry.bundle) == 0)
          same = j;
      /* A name that no longer fits the row (leftovers of several runs)
         gets a row of its own rather than being cut.  */
      if (same < *n_rows && add_name (&rows[same], names[i]))
        {
          pod_entry_clear (&row.entry);
          continue;
        }
      add_name (&row, names[i]);
      if (strcmp (row.state, "running") == 0)
        shm_usage (&row);
      rows[(*n_rows)++] = row;
    }
  return 0;
}

static void
human_bytes (uint64_t bytes, char *out, size_t size)
{
  static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
  double v = (double)bytes;
  size_t u = 0;
  while (v >= 1024 && u + 1 < sizeof units / sizeof units[0])
    {
      v /= 1024;
      u++;
    }
  snprintf (out, size, u ? "%.1f %s" : "%.0f %s", v, units[u]);
}

static int
print_table (const pod_row *rows, size_t n, hook_error **err)
{
  printf ("%-14s %-10s %8s %10s %10s  %s\n", "SANDBOX", "STATE", "PID", "SHM", "USED", "BUNDLE");
  for (size_t i = 0; i < n; i++)
    {
      const pod_row *r = &rows[i];
      char size[24] = "-", used[24] = "-";
      if (r->entry.shm == POD_SHM_HOST)
        snprintf (size, sizeof size, "host");
      else if (r->shm_known)
        {
          human_bytes (r->shm_size, size, sizeof size);
          human_bytes (r->shm_used, used, sizeof used);
        }
      printf ("%-14.12s %-10s %8d %10s %10s  %s%s%s\n", r->names, r->state, r->entry.pid, size,
              used, r->problem[0] ? r->problem : r->entry.bundle,
              strchr (r->names, ',') ? "  also: " : "",
              strchr (r->names, ',') ? strchr (r->names, ',') + 1 : "");
    }
  if (fflush (stdout) != 0 || ferror (stdout))
    return hook_fail (err, errno ? errno : EIO, "write the table");
  return 0;
}

static int
print_json (const pod_registry *reg, const pod_row *rows, size_t n, hook_error **err)
{
  cleanup_generator generator gen = { 0 };
  const char *buf;
  size_t len;

  if (generator_open (&gen, true, err) < 0)
    return -1;
  gen_map_open (&gen);
  gen_key_string (&gen, "state_dir", reg->path);
  gen_string (&gen, "pods");
  gen_array_open (&gen);
  for (size_t i = 0; i < n; i++)
    {
      const pod_row *r = &rows[i];
      char names[sizeof r->names], *save = NULL;
      gen_map_open (&gen);
      gen_key_string (&gen, "id", r->entry.id);
      gen_string (&gen, "names");
      gen_array_open (&gen);
      snprintf (names, sizeof names, "%s", r->names);
      for (char *tok = strtok_r (names, ",", &save); tok; tok = strtok_r (NULL, ",", &save))
        gen_string (&gen, tok);
      gen_array_close (&gen);
      gen_key_string (&gen, "state", r->state);
      if (r->problem[0])
        gen_key_string (&gen, "problem", r->problem);
      else
        {
          gen_key_string (&gen, "bundle", r->entry.bundle);
          gen_key_integer (&gen, "pid", r->entry.pid);
          gen_string (&gen, "shm");
          gen_map_open (&gen);
          gen_key_string (&gen, "kind",
                          r->entry.shm == POD_SHM_TMPFS  ? "tmpfs"
                          : r->entry.shm == POD_SHM_HOST ? "host"
                                                         : "none");
          if (r->shm_known)
            {
              gen_key_uint64 (&gen, "size", r->shm_size);
              gen_key_uint64 (&gen, "used", r->shm_used);
            }
          gen_map_close (&gen);
        }
      gen_map_close (&gen);
    }
  gen_array_close (&gen);
  gen_map_close (&gen);
  if (generator_result (&gen, &buf, &len, err) < 0)
    return -1;
  if (write_all (STDOUT_FILENO, buf, len) < 0)
    return hook_fail (err, errno, "write the pods");
  return 0;
}

int
run_pods (const options *o, hook_log *log, hook_error **err)
{
  cleanup_policy sandbox_policy policy = { 0 };
  cleanup_pod_registry pod_registry reg = POD_REGISTRY_INIT;
  char **names = NULL;
  size_t n = 0, n_rows = 0;
  int ret;

  sandbox_policy_init_defaults (&policy);
  if (stage_load_policy (o, &policy, log, err) < 0)
    return -1;
  if (pod_registry_open (policy.state_dir, false, &reg, err) < 0)
    {
      /* Nothing ever registered on this node: an empty list.  */
      if (!hook_error_absorb (err, ENOENT))
        return -1;
      reg.path = strdup (policy.state_dir);
      if (reg.path == NULL)
        return hook_fail (err, ENOMEM, "pods");
    }
  else if (pod_registry_list (&reg, &names, &n, err) < 0)
    return -1;
  cleanup_free pod_row *rows = calloc (n ? n : 1, sizeof *rows);
  if (rows == NULL)
    {
      free_strings (names, n);
      return hook_fail (err, ENOMEM, "pods");
    }
  ret = read_rows (&reg, names, n, rows, &n_rows, err);
  if (ret == 0)
    ret = o->json ? print_json (&reg, rows, n_rows, err) : print_table (rows, n_rows, err);
  for (size_t i = 0; i < n_rows; i++)
    pod_entry_clear (&rows[i].entry);
  free_strings (names, n);
  return ret;
}

/* libFuzzer harness: the installer's decisions on a hostile engine
   configuration, its record, and the runtime state uninstall reads.  The
   first byte picks what the rest is: containerd's config.toml, CRI-O's
   crio.conf, a file containerd's config imports, an install record, or
   one of the four state files of decide/inuse.h.  A plan that succeeds
   must hold its own promises (every TOML it writes scans; containerd's
   names the wrapper; the drop-ins are where they belong), and the state's
   locations the configuration gives are absolute; a record that parses
   must render to a record that parses to the same rendering, and keeping
   it for live containers only turns removals into keeps; a state file
   names only absolute paths; anything else aborts.  */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "install_plan.h"
#include "install_record.h"
#include "inuse.h"
#include "toml_edit.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define WRAPPER INSTALL_DEFAULT_PREFIX "/" INSTALL_WRAPPER_NAME

typedef struct mem_file
{
  const char *path;
  const char *data; /* NULL: executable stub */
} mem_file;

typedef struct mem_host
{
  mem_file files[4];
  size_t n;
} mem_host;

static int
mem_read (void *ctx, const char *path, host_entry_type *type, char **out, size_t *len,
          hook_error **err)
{
  const mem_host *h = ctx;
  size_t plen = strlen (path);
  *out = NULL;
  *len = 0;
  *type = HOST_ABSENT;
  for (size_t i = 0; i < h->n; i++)
    {
      if (strcmp (h->files[i].path, path) == 0)
        {
          const char *d = h->files[i].data ? h->files[i].data : "#!stub\n";
          *type = HOST_FILE;
          *out = strdup (d);
          *len = strlen (d);
          return *out ? 0 : hook_fail (err, 12, "oom");
        }
      if (strncmp (h->files[i].path, path, plen) == 0 && h->files[i].path[plen] == '/')
        *type = HOST_DIRECTORY;
    }
  return 0;
}

static int
mem_list (void *ctx, const char *path, host_dirent **entries, size_t *n, hook_error **err)
{
  const mem_host *h = ctx;
  size_t plen = strlen (path), count = 0;
  host_dirent *list = calloc (h->n + 1, sizeof *list);
  if (list == NULL)
    return hook_fail (err, 12, "oom");
  for (size_t i = 0; i < h->n; i++)
    {
      const char *p = h->files[i].path;
      if (strncmp (p, path, plen) == 0 && p[plen] == '/' && strchr (p + plen + 1, '/') == NULL)
        {
          list[count].name = strdup (p + plen + 1);
          list[count].type = HOST_FILE;
          count++;
        }
    }
  *entries = list;
  *n = count;
  return 0;
}

static int
mem_executable (void *ctx, const char *path, bool *yes, hook_error **err)
{
  const mem_host *h = ctx;
  *yes = false;
  for (size_t i = 0; i < h->n; i++)
    if (strcmp (h->files[i].path, path) == 0 && h->files[i].data == NULL)
      *yes = true;
  return 0;
}

static void
check_plan (mem_host *h)
{
  host_view view = { .ctx = h, .read = mem_read, .list = mem_list, .executable = mem_executable };
  install_request req = {
    .prefix = INSTALL_DEFAULT_PREFIX,
    .policy_path = "/etc/oci-sandbox-hook/policy.json",
    .binary = "bin",
    .binary_len = 3,
  };
  install_plan plan;
  hook_error *err = NULL;

  if (install_plan_build (&req, &view, &plan, &err) < 0)
    {
      if (err == NULL || plan.n_targets != 0)
        abort ();
      hook_error_free (err);
      return;
    }
  for (size_t i = 0; i < plan.n_targets; i++)
    {
      const install_target *t = &plan.targets[i];
      size_t l = strlen (t->path);
      if (t->path[0] != '/')
        abort ();
      if (l > 5
          && (strcmp (t->path + l - 5, ".toml") == 0 || strcmp (t->path + l - 5, ".conf") == 0))
        {
          if (toml_check (t->data, t->len, &err) < 0)
            abort ();
          if (t->restart_unit == NULL)
            abort ();
        }
    }
  install_plan_clear (&plan);
}

/* Where uninstall looks for live containers, from the same host.  */
static void
check_locations (mem_host *h)
{
  host_view view = { .ctx = h, .read = mem_read, .list = mem_list, .executable = mem_executable };
  inuse_locations loc;
  hook_error *err = NULL;

  if (inuse_locations_build (&view, &loc, &err) < 0)
    abort ();
  for (size_t i = 0; i < loc.n_task_dirs; i++)
    if (loc.task_dirs[i][0] != '/')
      abort ();
  for (size_t i = 0; i < loc.n_ns_roots; i++)
    if (loc.ns_roots[i][0] != '/')
      abort ();
  for (size_t i = 0; i < loc.n_roots; i++)
    if (loc.roots[i][0] != '/')
      abort ();
  if (loc.n_roots < 2 || loc.n_task_dirs < 1 || loc.n_ns_roots < 1)
    abort ();
  inuse_locations_clear (&loc);
}

static void
check_state (inuse_format format, const char *doc, size_t len)
{
  char **paths = NULL;
  size_t n = 0;
  hook_error *err = NULL;

  if (inuse_named_paths (format, doc, len, &paths, &n, &err) < 0)
    {
      if (err == NULL || paths != NULL || n != 0)
        abort ();
      hook_error_free (err);
      return;
    }
  if (n > INUSE_MAX_PATHS)
    abort ();
  for (size_t i = 0; i < n; i++)
    if (paths[i][0] != '/')
      abort ();
  free_strings (paths, n);
}

static void
check_record (const char *doc, size_t len)
{
  install_record rec, again;
  hook_error *err = NULL;
  char *out = NULL, *out2 = NULL;
  size_t out_len = 0, out2_len = 0;

  if (install_record_parse (doc, len, &rec, &err) < 0)
    {
      if (err == NULL || rec.entries != NULL)
        abort ();
      hook_error_free (err);
      return;
    }
  if (install_record_render (&rec, &out, &out_len, &err) < 0
      || install_record_parse (out, out_len, &again, &err) < 0
      || install_record_render (&again, &out2, &out2_len, &err) < 0 || out_len != out2_len
      || memcmp (out, out2, out_len) != 0)
    abort ();
  /* Uninstall's decisions for any state.  */
  found_state *states = calloc (rec.n_entries + 1, sizeof *states);
  undo_step *steps = calloc (rec.n_entries + 1, sizeof *steps);
  if (states == NULL || steps == NULL)
    abort ();
  for (size_t i = 0; i < rec.n_entries; i++)
    {
      states[i].type = (found_type)(i % 5);
      memcpy (states[i].sha256, rec.entries[i].sha256, SHA256_HEX_SIZE);
      states[i].target = rec.entries[i].target;
      states[i].names_prefix = i % 2;
    }
  install_record_undo_plan (&rec, states, steps);
  for (size_t i = 0; i < rec.n_entries; i++)
    if (steps[i].why == NULL || steps[i].action > UNDO_KEEP_NAMED)
      abort ();
  /* Live containers: what would go stays, nothing else changes.  */
  {
    undo_step *kept = calloc (rec.n_entries + 1, sizeof *kept);
    if (kept == NULL)
      abort ();
    memcpy (kept, steps, rec.n_entries * sizeof *kept);
    install_record_keep_in_use (&rec, "/etc/oci-sandbox-hook/policy.json", 1, kept);
    for (size_t i = 0; i < rec.n_entries; i++)
      if (kept[i].action != steps[i].action
          && (kept[i].action != UNDO_KEEP_IN_USE
              || (steps[i].action != UNDO_REMOVE && steps[i].action != UNDO_RESTORE
                  && steps[i].action != UNDO_RMDIR)))
        abort ();
    free (kept);
  }
  free (states);
  free (steps);
  free (out);
  free (out2);
  install_record_clear (&rec);
  install_record_clear (&again);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *doc;
  mem_host h = { .n = 0 };

  if (size < 1 || size > 65536)
    return 0;
  doc = malloc (size);
  if (doc == NULL)
    return 0;
  memcpy (doc, data + 1, size - 1);
  doc[size - 1] = '\0';
  h.files[h.n++] = (mem_file){ "/usr/sbin/runc", NULL };
  switch (data[0] % 8)
    {
    case 0:
      h.files[h.n++] = (mem_file){ CONTAINERD_CONFIG, doc };
      check_plan (&h);
      check_locations (&h);
      break;
    case 1:
      h.files[h.n++] = (mem_file){ CRIO_CONFIG, doc };
      check_plan (&h);
      check_locations (&h);
      break;
    case 2:
      h.files[h.n++] = (mem_file){ CONTAINERD_CONFIG,
                                   "version = 2\nimports = [\"/etc/containerd/conf.d/*.toml\"]\n" };
      h.files[h.n++] = (mem_file){ "/etc/containerd/conf.d/10.toml", doc };
      check_plan (&h);
      check_locations (&h);
      break;
    case 3:
      check_record (doc, size - 1);
      break;
    default:
      check_state ((inuse_format)(data[0] % 8 - 4), doc, size - 1);
      break;
    }
  free (doc);
  return 0;
}

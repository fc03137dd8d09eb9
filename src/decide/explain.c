#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "explain.h"

/* yajl refuses a value (a string that is not UTF-8, a value where a key
   belongs) by returning a status and writing nothing: the rest of the
   document would shift and still parse.  Keep the first failure.  */
typedef struct generator
{
  yajl_gen g;
  yajl_gen_status status;
} generator;

static void
track (generator *gen, yajl_gen_status status)
{
  if (gen->status == yajl_gen_status_ok)
    gen->status = status;
}

static void
gen_string (generator *gen, const char *s)
{
  track (gen, yajl_gen_string (gen->g, (const unsigned char *)s, strlen (s)));
}

static void
gen_key_string (generator *gen, const char *key, const char *value)
{
  gen_string (gen, key);
  gen_string (gen, value);
}

static void
gen_key_integer (generator *gen, const char *key, long long value)
{
  gen_string (gen, key);
  track (gen, yajl_gen_integer (gen->g, value));
}

static void
gen_key_bool (generator *gen, const char *key, bool value)
{
  gen_string (gen, key);
  track (gen, yajl_gen_bool (gen->g, value));
}

static void
gen_uint64 (generator *gen, const char *key, uint64_t value)
{
  char buf[24];
  int n = snprintf (buf, sizeof buf, "%" PRIu64, value);
  gen_string (gen, key);
  track (gen, yajl_gen_number (gen->g, buf, (size_t)n));
}

static void
gen_parameters (generator *gen, const planned_action *a)
{
  switch (a->kind)
    {
    case ACTION_SYSCTL_CHECK:
      gen_string (gen, "findings");
      track (gen, yajl_gen_array_open (gen->g));
      for (size_t i = 0; i < a->u.check.n_findings; i++)
        gen_string (gen, a->u.check.findings[i]);
      track (gen, yajl_gen_array_close (gen->g));
      break;
    case ACTION_HOSTNAME_FILE:
    case ACTION_HOSTS_FILE:
    case ACTION_RESOLV_CONF_FILE:
      gen_key_string (gen, "destination", a->u.file.destination);
      /* A copy names its source; only rendered files show their bytes.  */
      if (a->u.file.content && a->u.file.source_path == NULL)
        {
          gen_string (gen, "content");
          track (gen,
                 yajl_gen_string (gen->g, (const unsigned char *)a->u.file.content, a->u.file.len));
        }
      if (a->u.file.source_path)
        gen_key_string (gen, "source", a->u.file.source_path);
      break;
    case ACTION_SHM:
      gen_key_string (gen, "mode", a->u.shm.host_ipc ? "host" : "tmpfs");
      if (!a->u.shm.host_ipc)
        {
          gen_uint64 (gen, "size", a->u.shm.size);
          gen_key_string (gen, "options", "mode=1777,nosuid,nodev,noexec");
          if (a->u.shm.label)
            gen_key_string (gen, "context", a->u.shm.label);
        }
      break;
    case ACTION_UNPRIVILEGED_PORTS:
    case ACTION_UNPRIVILEGED_ICMP:
      gen_key_string (gen, "key", a->u.sysctl.key);
      gen_key_string (gen, "value", a->u.sysctl.value);
      break;
    case ACTION_OOM_SCORE_ADJ:
      gen_key_integer (gen, "value", a->u.oom.value);
      gen_key_bool (gen, "restricted", a->u.oom.restricted);
      break;
    case ACTION_CPU_SHARES:
      gen_uint64 (gen, "shares", a->u.cpu.shares);
      gen_uint64 (gen, "weight", a->u.cpu.weight);
      break;
    case ACTION_SANDBOX_SIZING:
      {
        /* As the annotations will read: decimal strings, containerd's
           strconv.FormatInt.  */
        static const char *const keys[4]
            = { SIZING_CPU_PERIOD, SIZING_CPU_QUOTA, SIZING_CPU_SHARES, SIZING_MEMORY };
        const int64_t values[4] = { a->u.sizing.cpu_period, a->u.sizing.cpu_quota,
                                    a->u.sizing.cpu_shares, a->u.sizing.memory };
        gen_string (gen, "annotations");
        track (gen, yajl_gen_map_open (gen->g));
        for (int i = 0; i < 4; i++)
          {
            char text[24];
            snprintf (text, sizeof text, "%lld", (long long)values[i]);
            gen_key_string (gen, keys[i], text);
          }
        track (gen, yajl_gen_map_close (gen->g));
        gen_key_integer (gen, "kata_vcpus", kata_vcpus (&a->u.sizing));
        gen_key_integer (gen, "kata_memory_mib", kata_memory_mib (&a->u.sizing));
        break;
      }
    case ACTION_COUNT:
      break;
    }
}

int
explain_plan (const sandbox_plan *plan, const char *id, const char *stage, bool pretty, FILE *out,
              hook_error **err)
{
  const unsigned char *buf;
  size_t len;
  generator gen = { .g = yajl_gen_alloc (NULL), .status = yajl_gen_status_ok };

  if (gen.g == NULL)
    return hook_fail (err, ENOMEM, "explain");
  yajl_gen_config (gen.g, yajl_gen_beautify, pretty ? 1 : 0);
  yajl_gen_config (gen.g, yajl_gen_validate_utf8, 1);
  track (&gen, yajl_gen_map_open (gen.g));
  gen_key_string (&gen, "id", id);
  gen_key_string (&gen, "stage", stage);
  gen_key_bool (&gen, "sandbox", plan->is_sandbox);
  gen_key_string (&gen, "match", plan->match_reason);
  gen_string (&gen, "actions");
  track (&gen, yajl_gen_array_open (gen.g));
  for (int k = 0; plan->is_sandbox && k < ACTION_COUNT; k++)
    {
      const planned_action *a = &plan->actions[k];
      track (&gen, yajl_gen_map_open (gen.g));
      gen_key_string (&gen, "action", action_name (a->kind));
      gen_key_string (&gen, "decision", a->skip ? "skip" : "apply");
      gen_key_string (&gen, "reason", a->reason);
      if (!a->skip)
        gen_parameters (&gen, a);
      track (&gen, yajl_gen_map_close (gen.g));
    }
  track (&gen, yajl_gen_array_close (gen.g));
  track (&gen, yajl_gen_map_close (gen.g));
  if (gen.status != yajl_gen_status_ok
      || yajl_gen_get_buf (gen.g, &buf, &len) != yajl_gen_status_ok)
    {
      yajl_gen_free (gen.g);
      return hook_fail (err, 0, "explain: could not generate JSON (yajl status %d)",
                        (int)gen.status);
    }
  /* A short fwrite, a failed fputc or fflush all show in ferror.  */
  errno = 0;
  fwrite (buf, 1, len, out);
  if (!pretty || len == 0 || buf[len - 1] != '\n')
    fputc ('\n', out);
  bool failed = fflush (out) != 0 || ferror (out);
  int saved_errno = errno;
  yajl_gen_free (gen.g);
  if (failed)
    return hook_fail (err, saved_errno ? saved_errno : EIO, "write the plan");
  return 0;
}

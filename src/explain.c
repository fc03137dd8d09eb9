#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "explain.h"

static void
gen_string (yajl_gen g, const char *s)
{
  yajl_gen_string (g, (const unsigned char *)s, strlen (s));
}

static void
gen_key_string (yajl_gen g, const char *key, const char *value)
{
  gen_string (g, key);
  gen_string (g, value);
}

static void
gen_key_integer (yajl_gen g, const char *key, long long value)
{
  gen_string (g, key);
  yajl_gen_integer (g, value);
}

static void
gen_uint64 (yajl_gen g, const char *key, uint64_t value)
{
  char buf[24];
  int n = snprintf (buf, sizeof buf, "%" PRIu64, value);
  gen_string (g, key);
  yajl_gen_number (g, buf, (size_t)n);
}

static void
gen_parameters (yajl_gen g, const planned_action *a)
{
  switch (a->kind)
    {
    case ACTION_SYSCTL_CHECK:
      gen_string (g, "findings");
      yajl_gen_array_open (g);
      for (size_t i = 0; i < a->u.check.n_findings; i++)
        gen_string (g, a->u.check.findings[i]);
      yajl_gen_array_close (g);
      break;
    case ACTION_HOSTNAME_FILE:
    case ACTION_HOSTS_FILE:
    case ACTION_RESOLV_CONF_FILE:
      gen_key_string (g, "destination", a->u.file.destination);
      if (a->u.file.content)
        {
          gen_string (g, "content");
          yajl_gen_string (g, (const unsigned char *)a->u.file.content, a->u.file.len);
        }
      if (a->u.file.source_path)
        gen_key_string (g, "source", a->u.file.source_path);
      break;
    case ACTION_SHM:
      gen_key_string (g, "mode", a->u.shm.host_ipc ? "host" : "tmpfs");
      if (!a->u.shm.host_ipc)
        {
          gen_uint64 (g, "size", a->u.shm.size);
          gen_key_string (g, "options", "mode=1777,nosuid,nodev,noexec");
          if (a->u.shm.label)
            gen_key_string (g, "context", a->u.shm.label);
        }
      break;
    case ACTION_UNPRIVILEGED_PORTS:
    case ACTION_UNPRIVILEGED_ICMP:
      gen_key_string (g, "key", a->u.sysctl.key);
      gen_key_string (g, "value", a->u.sysctl.value);
      break;
    case ACTION_OOM_SCORE_ADJ:
      gen_key_integer (g, "value", a->u.oom.value);
      gen_string (g, "restricted");
      yajl_gen_bool (g, a->u.oom.restricted);
      break;
    case ACTION_CPU_SHARES:
      gen_uint64 (g, "shares", a->u.cpu.shares);
      gen_uint64 (g, "weight", a->u.cpu.weight);
      break;
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
  yajl_gen g = yajl_gen_alloc (NULL);

  if (g == NULL)
    return hook_fail (err, ENOMEM, "explain");
  yajl_gen_config (g, yajl_gen_beautify, pretty ? 1 : 0);
  yajl_gen_config (g, yajl_gen_validate_utf8, 1);
  yajl_gen_map_open (g);
  gen_key_string (g, "id", id);
  gen_key_string (g, "stage", stage);
  gen_string (g, "sandbox");
  yajl_gen_bool (g, plan->is_sandbox);
  gen_key_string (g, "match", plan->match_reason);
  gen_string (g, "actions");
  yajl_gen_array_open (g);
  for (int k = 0; plan->is_sandbox && k < ACTION_COUNT; k++)
    {
      const planned_action *a = &plan->actions[k];
      yajl_gen_map_open (g);
      gen_key_string (g, "action", action_name (a->kind));
      gen_key_string (g, "decision", a->skip ? "skip" : "apply");
      gen_key_string (g, "reason", a->reason);
      if (!a->skip)
        gen_parameters (g, a);
      yajl_gen_map_close (g);
    }
  yajl_gen_array_close (g);
  yajl_gen_map_close (g);
  if (yajl_gen_get_buf (g, &buf, &len) != yajl_gen_status_ok)
    {
      yajl_gen_free (g);
      return hook_fail (err, EINVAL, "explain: could not generate JSON");
    }
  fwrite (buf, 1, len, out);
  if (!pretty || len == 0 || buf[len - 1] != '\n')
    fputc ('\n', out);
  yajl_gen_free (g);
  if (fflush (out) != 0)
    return hook_fail (err, errno, "write the plan");
  return 0;
}

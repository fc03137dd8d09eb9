#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "explain.h"
#include "json_gen.h"

static void
gen_parameters (generator *gen, const sandbox_plan *plan, const planned_action *a)
{
  switch (a->kind)
    {
    case ACTION_SYSCTL_CHECK:
    case ACTION_ENGINE_FILES:
      gen_string (gen, "findings");
      gen_array_open (gen);
      for (size_t i = 0; i < a->u.check.n_findings; i++)
        gen_string (gen, a->u.check.findings[i]);
      gen_array_close (gen);
      break;
    case ACTION_HOSTNAME_FILE:
    case ACTION_HOSTS_FILE:
    case ACTION_RESOLV_CONF_FILE:
      gen_key_string (gen, "destination", a->u.file.destination);
      gen_key_bool (gen, "read_only", a->u.file.read_only);
      if (a->u.file.from_sandbox)
        gen_key_bool (gen, "from_sandbox", true);
      /* A copy names its source; only rendered files show their bytes.  */
      if (a->u.file.content && a->u.file.source_path == NULL)
        {
          gen_string (gen, "content");
          gen_track (gen, yajl_gen_string (gen->g, (const unsigned char *)a->u.file.content,
                                           a->u.file.len));
        }
      if (a->u.file.source_path)
        gen_key_string (gen, "source", a->u.file.source_path);
      break;
    case ACTION_SHM:
      gen_key_string (gen, "mode",
                      a->u.shm.host_ipc       ? "host"
                      : a->u.shm.from_sandbox ? "sandbox"
                                              : "tmpfs");
      if (a->u.shm.from_sandbox)
        gen_key_uint64 (gen, "size", a->u.shm.size);
      else if (!a->u.shm.host_ipc)
        {
          gen_key_uint64 (gen, "size", a->u.shm.size);
          gen_key_string (gen, "options", "mode=1777,nosuid,nodev,noexec");
          if (a->u.shm.label)
            gen_key_string (gen, "context", a->u.shm.label);
        }
      break;
    case ACTION_ENGINE_SHM:
      gen_key_uint64 (gen, "size", a->u.engine_shm.size);
      gen_key_string (gen, "annotation", a->u.engine_shm.key);
      gen_key_string (gen, "source", a->u.engine_shm.source);
      gen_key_string (gen, "engine_dir", a->u.engine_shm.engine_dir);
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
      gen_key_uint64 (gen, "shares", a->u.cpu.shares);
      gen_key_uint64 (gen, "weight", a->u.cpu.weight);
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
        gen_map_open (gen);
        for (int i = 0; i < 4; i++)
          {
            char text[24];
            snprintf (text, sizeof text, "%lld", (long long)values[i]);
            gen_key_string (gen, keys[i], text);
          }
        gen_map_close (gen);
        gen_key_integer (gen, "kata_vcpus", kata_vcpus (&a->u.sizing));
        gen_key_integer (gen, "kata_memory_mib", kata_memory_mib (&a->u.sizing));
        break;
      }
    case ACTION_POD_REGISTRY:
      gen_key_string (gen, "state_dir", a->u.registry.state_dir);
      gen_string (gen, "names");
      gen_array_open (gen);
      for (size_t i = 0; i < plan->n_pod_names; i++)
        gen_string (gen, plan->pod_names[i]);
      gen_array_close (gen);
      break;
    case ACTION_COUNT:
      break;
    }
}

int
explain_plan (const sandbox_plan *plan, const char *id, const char *stage, bool pretty, FILE *out,
              hook_error **err)
{
  const char *buf;
  size_t len;
  cleanup_generator generator gen = { 0 };

  if (generator_open (&gen, pretty, err) < 0)
    return -1;
  gen_map_open (&gen);
  gen_key_string (&gen, "id", id);
  gen_key_string (&gen, "stage", stage);
  gen_key_bool (&gen, "sandbox", plan->is_sandbox);
  gen_key_string (&gen, "match", plan->match_reason);
  if (plan->is_member)
    {
      gen_string (&gen, "member");
      gen_map_open (&gen);
      gen_key_string (&gen, "sandbox", plan->sandbox_name);
      gen_key_string (&gen, "membership", plan->membership);
      gen_map_close (&gen);
    }
  gen_string (&gen, "actions");
  gen_array_open (&gen);
  for (int k = 0; (plan->is_sandbox || plan->is_member) && k < ACTION_COUNT; k++)
    {
      const planned_action *a = &plan->actions[k];
      gen_map_open (&gen);
      gen_key_string (&gen, "action", action_name (a->kind));
      gen_key_string (&gen, "decision", a->skip ? "skip" : "apply");
      gen_key_string (&gen, "reason", a->reason);
      if (!a->skip)
        gen_parameters (&gen, plan, a);
      gen_map_close (&gen);
    }
  gen_array_close (&gen);
  gen_map_close (&gen);
  if (generator_result (&gen, &buf, &len, err) < 0)
    return hook_error_prefix (err, "explain");
  /* A short fwrite, a failed fputc or fflush all show in ferror.  */
  errno = 0;
  fwrite (buf, 1, len, out);
  if (!pretty || len == 0 || buf[len - 1] != '\n')
    fputc ('\n', out);
  bool failed = fflush (out) != 0 || ferror (out);
  int saved_errno = errno;
  if (failed)
    return hook_fail (err, saved_errno ? saved_errno : EIO, "write the plan");
  return 0;
}

#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cpu_weight.h"
#include "decimal.h"
#include "sizing.h"

#define CRIO_RESOURCES_MAX 4096

int
sizing_from_crio_json (const char *text, sandbox_sizing *out, hook_error **err)
{
  static const struct
  {
    const char *key;
    size_t offset;
  } fields[] = {
    { "cpu_period", offsetof (sandbox_sizing, cpu_period) },
    { "cpu_quota", offsetof (sandbox_sizing, cpu_quota) },
    { "cpu_shares", offsetof (sandbox_sizing, cpu_shares) },
    { "memory_limit_in_bytes", offsetof (sandbox_sizing, memory) },
  };
  const json_limits limits = { .max_bytes = CRIO_RESOURCES_MAX, .max_depth = 4 };
  cleanup_json json_doc *doc = NULL;
  const json_value *root;

  memset (out, 0, sizeof *out);
  if (json_parse (text, strlen (text), &limits, &doc, err) < 0)
    return -1;
  root = json_doc_root (doc);
  if (json_expect (root, JSON_OBJECT, "resources", err) < 0)
    return -1;
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
    {
      const json_value *v = json_get (root, fields[i].key);
      int64_t n;
      if (v == NULL || v->kind == JSON_NULL)
        continue;
      if (json_int64 (v, fields[i].key,
                      fields[i].offset == offsetof (sandbox_sizing, cpu_quota) ? -1 : 0, INT64_MAX,
                      &n, err)
          < 0)
        return -1;
      *(int64_t *)((char *)out + fields[i].offset) = n;
      out->present = true;
    }
  out->source = "CRI-O pod resources annotation";
  return 0;
}

/* A cgroup file's single integer: digits with an optional '-' and one
   trailing newline; "max" is UNLIMITED.  */
static int
parse_cgroup_integer (const char *text, const char *name, int64_t unlimited, int64_t *out,
                      hook_error **err)
{
  if (strcmp (text, "max\n") == 0 || strcmp (text, "max") == 0)
    {
      *out = unlimited;
      return 0;
    }
  /* -1 is v1's "no quota"; no other negative value is a cgroup's.  */
  if (decimal_parse (text, strlen (text), DECIMAL_TRAILING_NEWLINE, -1, INT64_MAX, out) < 0)
    return hook_fail (err, 0, "%s: \"%.32s\": not an integer", name, text);
  return 0;
}

int
sizing_from_cgroup_v1 (const char *cfs_period, const char *cfs_quota, const char *shares,
                       const char *memory_limit, sandbox_sizing *out, hook_error **err)
{
  memset (out, 0, sizeof *out);
  if ((cfs_period
       && parse_cgroup_integer (cfs_period, "cpu.cfs_period_us", 0, &out->cpu_period, err) < 0)
      || (cfs_quota
          && parse_cgroup_integer (cfs_quota, "cpu.cfs_quota_us", -1, &out->cpu_quota, err) < 0)
      || (shares && parse_cgroup_integer (shares, "cpu.shares", 0, &out->cpu_shares, err) < 0)
      || (memory_limit
          && parse_cgroup_integer (memory_limit, "memory.limit_in_bytes", 0, &out->memory, err)
                 < 0))
    return -1;
  /* v1 reports "no limit" as a huge page-aligned number: as containerd
     would not pass a limit, report none.  */
  if (out->memory >= (INT64_MAX / 4096) * 4096 - 4096 * 1024LL)
    out->memory = 0;
  out->cpu_quota = sizing_quota (out->cpu_quota);
  out->present = cfs_period || cfs_quota || shares || memory_limit;
  out->source = "pod cgroup parent (v1)";
  return 0;
}

int
sizing_from_cgroup_v2 (const char *cpu_max, const char *cpu_weight, const char *memory_max,
                       sandbox_sizing *out, hook_error **err)
{
  memset (out, 0, sizeof *out);
  if (cpu_max)
    {
      /* "QUOTA PERIOD" or "max PERIOD".  */
      char quota[32];
      const char *space = strchr (cpu_max, ' ');
      if (space == NULL || (size_t)(space - cpu_max) >= sizeof quota)
        return hook_fail (err, 0, "cpu.max: \"%.32s\": not \"QUOTA PERIOD\"", cpu_max);
      memcpy (quota, cpu_max, (size_t)(space - cpu_max));
      quota[space - cpu_max] = '\0';
      if (parse_cgroup_integer (quota, "cpu.max quota", -1, &out->cpu_quota, err) < 0
          || parse_cgroup_integer (space + 1, "cpu.max period", 0, &out->cpu_period, err) < 0)
        return -1;
      out->cpu_quota = sizing_quota (out->cpu_quota);
    }
  if (cpu_weight)
    {
      int64_t weight;
      if (parse_cgroup_integer (cpu_weight, "cpu.weight", 0, &weight, err) < 0)
        return -1;
      if (weight < CPU_WEIGHT_MIN || weight > CPU_WEIGHT_MAX)
        return hook_fail (err, 0, "cpu.weight: %" PRId64 " out of range", weight);
      /* The inverse of the legacy linear conversion, the one every
         kubelet applies to pod cgroups: shares = 2 + (w - 1) * 262142 / 9999. */
      out->cpu_shares = 2 + ((weight - 1) * 262142) / 9999;
    }
  if (memory_max && parse_cgroup_integer (memory_max, "memory.max", 0, &out->memory, err) < 0)
    return -1;
  out->present = cpu_max || cpu_weight || memory_max;
  out->source = "pod cgroup parent (v2)";
  return 0;
}

int64_t
sizing_quota (int64_t quota)
{
  return quota < 0 ? 0 : quota;
}

int64_t
kata_vcpus (const sandbox_sizing *s)
{
  if (s->cpu_quota >= 0 && s->cpu_period != 0)
    {
      /* Kata goes through milli-CPUs (CalculateMilliCPUs, then
         CalculateVCpusFromMilliCpus): whole CPUs, plus one when the rest
         is at least one milli-CPU (rest * 1000 >= period, compared so
         that nothing overflows).  150000 of 100000 is 2 vCPUs; 100001 of
         100000 (1000.01 milli-CPUs, rounded down) stays 1.  */
      int64_t whole = s->cpu_quota / s->cpu_period, rest = s->cpu_quota % s->cpu_period;
      return whole + (rest > 0 && rest >= (s->cpu_period - 1) / 1000 + 1);
    }
  if (s->cpu_quota < 0)
    return (s->cpu_shares + 1023) / 1024;
  return 0;
}

int64_t
kata_memory_mib (const sandbox_sizing *s)
{
  return s->memory / 1024 / 1024;
}

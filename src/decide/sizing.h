/* Sandbox sizing for VM runtimes (docs/engines.md §1): the four annotations
   containerd sets from the pod's resources and Kata reads to size the VM
   at creation.  Only containerd sets them; this module finds the same
   numbers under other engines, in order of preference:
     1. the annotations themselves, when present (engine truth: kept);
     2. CRI-O's io.kubernetes.cri-o.PodLinuxResources /
        pod-linux-resources.crio.io JSON;
     3. the limits of the pod's cgroup parent (v1 or v2), when readable;
     4. config.json linux.resources.
   Parsing is pure; reading the cgroup parent is the caller's I/O.  */
#ifndef OCI_SANDBOX_HOOK_SIZING_H
#define OCI_SANDBOX_HOOK_SIZING_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "json.h"

#define SIZING_CPU_PERIOD      "io.kubernetes.cri.sandbox-cpu-period"
#define SIZING_CPU_QUOTA       "io.kubernetes.cri.sandbox-cpu-quota"
#define SIZING_CPU_SHARES      "io.kubernetes.cri.sandbox-cpu-shares"
#define SIZING_MEMORY          "io.kubernetes.cri.sandbox-memory"
#define CRIO_POD_RESOURCES     "io.kubernetes.cri-o.PodLinuxResources"
#define CRIO_POD_RESOURCES_NEW "pod-linux-resources.crio.io"

typedef struct sandbox_sizing
{
  bool present; /* some source gave at least one value */
  int64_t cpu_period, cpu_quota, cpu_shares, memory;
  const char *source; /* human name of the source, for the plan's reason */
} sandbox_sizing;

/* From CRI-O's JSON (keys cpu_period, cpu_quota, cpu_shares,
   memory_limit_in_bytes; others ignored).  Bounded, strict integers.  */
int sizing_from_crio_json (const char *text, sandbox_sizing *out, hook_error **err);

/* The quota annotation for a CPU limit read from a cgroup or config.json:
   "no limit" (-1, cgroup v2's "max") is 0, as kubelet hands containerd
   for a pod without a CPU limit (milliCPUToQuota).  Kata sizes 0 at 0
   vCPUs, while -1 would make Kata >= 3.32 count the shares instead.  */
int64_t sizing_quota (int64_t quota);

/* From cgroup v1 files (cpu.cfs_period_us, cpu.cfs_quota_us, cpu.shares,
   memory.limit_in_bytes) or v2 (cpu.max, cpu.weight, memory.max) contents;
   NULL for a file that could not be read.  "max"/unlimited values become
   0, for memory and the quota, as containerd would pass them.  */
int sizing_from_cgroup_v1 (const char *cfs_period, const char *cfs_quota, const char *shares,
                           const char *memory_limit, sandbox_sizing *out, hook_error **err);
int sizing_from_cgroup_v2 (const char *cpu_max, const char *cpu_weight, const char *memory_max,
                           sandbox_sizing *out, hook_error **err);

/* Kata's reading of the annotations (for tests and the plan's reason):
   when quota >= 0 and period != 0, the milli-CPUs quota * 1000 / period
   (rounded down) rounded up to whole vCPUs, so 1.5 CPUs of quota is 2
   vCPUs; else ceil (shares / 1024) when quota < 0 (Kata >= 3.32); memory
   in MiB, rounded down.  */
int64_t kata_vcpus (const sandbox_sizing *s);
int64_t kata_memory_mib (const sandbox_sizing *s);

#endif

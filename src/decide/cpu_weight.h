/* cgroup v1 cpu.shares → cgroup v2 cpu.weight, as the runtimes convert
   them when a cgroup v2 host receives shares.  */
#ifndef OCI_SANDBOX_HOOK_CPU_WEIGHT_H
#define OCI_SANDBOX_HOOK_CPU_WEIGHT_H

#include <stdint.h>

#define CPU_SHARES_MIN 2
#define CPU_SHARES_MAX 262144
#define CPU_WEIGHT_MIN 1
#define CPU_WEIGHT_MAX 10000

/* The modern conversion of runc >= 1.3.2 and crun >= 1.23: 0 -> 0 (leave
   unset), s <= 2 -> 1, s >= 262144 -> 10000, otherwise
   ceil(10^((L^2 + 125 L) / 612 - 7/34)) with L = log2(s), so that the
   default 1024 shares map to the default weight 100.  The result is always
   within [1, 10000] for s > 0.  */
uint64_t cpu_shares_to_weight (uint64_t shares);

#endif

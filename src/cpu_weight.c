#include <config.h>

#include <math.h>
#include <stdbool.h>

#include "cpu_weight.h"

/* The ends both conversions share: 0 leaves the weight unset, the kernel's
   share limits map to the weight limits.  False for shares in between.  */
static bool
weight_at_the_ends (uint64_t shares, uint64_t *weight)
{
  if (shares == 0)
    *weight = 0;
  else if (shares <= CPU_SHARES_MIN)
    *weight = CPU_WEIGHT_MIN;
  else if (shares >= CPU_SHARES_MAX)
    *weight = CPU_WEIGHT_MAX;
  else
    return false;
  return true;
}

uint64_t
cpu_shares_to_weight (uint64_t shares)
{
  uint64_t weight;

  if (weight_at_the_ends (shares, &weight))
    return weight;
  /* Same operations in the same order as runc's Go code, so that the
     IEEE results (and the ceil at exact powers) agree bit for bit.  */
  double l = log2 ((double)shares);
  double exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
  weight = (uint64_t)ceil (pow (10, exponent));
  if (weight < CPU_WEIGHT_MIN)
    return CPU_WEIGHT_MIN;
  if (weight > CPU_WEIGHT_MAX)
    return CPU_WEIGHT_MAX;
  return weight;
}

uint64_t
cpu_shares_to_weight_legacy (uint64_t shares)
{
  uint64_t weight;

  if (weight_at_the_ends (shares, &weight))
    return weight;
  return 1 + ((shares - 2) * 9999) / 262142;
}

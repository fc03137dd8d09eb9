#include <config.h>

#include <math.h>

#include "cpu_weight.h"

uint64_t
cpu_shares_to_weight (uint64_t shares)
{
  /* 0 leaves the weight unset; the kernel's share limits map to the
     weight limits.  */
  if (shares == 0)
    return 0;
  if (shares <= CPU_SHARES_MIN)
    return CPU_WEIGHT_MIN;
  if (shares >= CPU_SHARES_MAX)
    return CPU_WEIGHT_MAX;
  /* Same operations in the same order as runc's Go code, so that the
     IEEE results (and the ceil at exact powers) agree bit for bit.  */
  double l = log2 ((double)shares);
  double exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
  uint64_t weight = (uint64_t)ceil (pow (10, exponent));
  if (weight < CPU_WEIGHT_MIN)
    return CPU_WEIGHT_MIN;
  if (weight > CPU_WEIGHT_MAX)
    return CPU_WEIGHT_MAX;
  return weight;
}

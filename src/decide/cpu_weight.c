#include <config.h>

#include "cpu_weight.h"

/* log2 and 10^x without libm: the default build then loads no libm.so.6 at
   every start, which costs about as much as loading libc itself (libm's
   IFUNC resolvers run at load; docs/performance.md, "The dynamic build").
   Both are series summed in long double (64 bits of mantissa on x86-64, at
   least double elsewhere) and rounded to double where the formula rounds.
   Their last bit may differ from libm's (whose log2 and pow are not
   correctly rounded either) for a few hundred shares values, which cannot
   move a ceiling: the nearest any of the powers comes below an integer is
   2e-6, against errors near 1e-15.  tests/unit/test_cpu_weight.c checks
   that every shares value gets libm's weight.  */

#define LN2_L     0.693147180559945309417232121458176568L
#define LOG2_10_L 3.321928094887362347870319429489390176L

/* log2 (S) for 0 < S < 2^63: S = 2^K M with M in [1, 2), and
   ln M = 2 atanh (Z) = 2 (Z + Z^3/3 + Z^5/5 + ...) with Z = (M-1)/(M+1)
   in [0, 1/3): 24 terms reach 3^-48, far below the long double's epsilon.
   Exact for powers of two (Z = 0).  */
static double
log2_of (uint64_t s)
{
  int k = 63 - __builtin_clzll (s);
  long double m = (long double)s / (long double)(UINT64_C (1) << k);
  long double z = (m - 1) / (m + 1), z2 = z * z, power = z, sum = 0;

  for (int n = 1; n < 48; n += 2)
    {
      sum += power / n;
      power *= z2;
    }
  return (double)(k + 2 * sum / LN2_L);
}

/* 10^X for -1 <= X <= 5: 10^X = 2^Y with Y = X log2 10 = N + F, N an
   integer and F in [0, 1); 2^F = e^(F ln 2) by its Taylor series (22 terms:
   0.7^22 / 22! is below 10^-24); the power of two N is exact.  */
static double
exp10_of (double x)
{
  long double y = x * LOG2_10_L;
  long whole = (long)y;
  if ((long double)whole > y)
    whole--;
  long double t = (y - whole) * LN2_L, term = 1, sum = 1;

  for (int j = 1; j < 22; j++)
    {
      term *= t / j;
      sum += term;
    }
  for (; whole > 0; whole--)
    sum *= 2;
  for (; whole < 0; whole++)
    sum /= 2;
  return (double)sum;
}

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
  /* The runtimes' operations in their order, in double, so that the
     ceiling at the exact powers (1024 -> 10^2) is not bumped by rounding.  */
  double l = log2_of (shares);
  double exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
  double power = exp10_of (exponent);
  uint64_t weight = (uint64_t)power;
  if ((double)weight < power)
    weight++;
  if (weight < CPU_WEIGHT_MIN)
    return CPU_WEIGHT_MIN;
  if (weight > CPU_WEIGHT_MAX)
    return CPU_WEIGHT_MAX;
  return weight;
}

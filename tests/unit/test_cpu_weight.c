/* src/decide/cpu_weight.h: cgroup v1 cpu.shares to cgroup v2 cpu.weight
   (docs/engines.md §1, docs/security.md, threat 7): the weight is always within [1, 10000]
   for shares > 0, 0 stays "unset", and the modern curve is the one of runc
   >= 1.3.2 / crun >= 1.23 (1024 shares, the default, give the default 100).  */
#include <config.h>

#include <inttypes.h>
#include <math.h>
#include <stdint.h>

#include "cpu_weight.h"
#include "policy.h"
#include "tap.h"

#define N_ELEMENTS(a) (sizeof (a) / sizeof ((a)[0]))

typedef struct conversion
{
  uint64_t shares, weight;
} conversion;

static void
check_table (uint64_t (*convert) (uint64_t), const conversion *cases, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      uint64_t got = convert (cases[i].shares);
      if (got != cases[i].weight)
        {
          printf ("# shares %" PRIu64 ": weight %" PRIu64 ", expected %" PRIu64 "\n",
                  cases[i].shares, got, cases[i].weight);
          tap_current_failed = true;
        }
    }
}

/* The modern formula, computed independently in long double:
   ceil (10^((L^2 + 125 L) / 612 - 7/34)), L = log2 (shares).  Where the
   exact value is an integer (1024 -> 10^2) rounding noise could push the
   ceiling one up, so a value within 1e-9 of an integer is that integer.  */
static uint64_t
reference_weight (uint64_t shares)
{
  long double l = log2l ((long double)shares);
  long double exponent = (l * l + 125.0L * l) / 612.0L - 7.0L / 34.0L;
  long double w = powl (10.0L, exponent);
  long double nearest = roundl (w);

  if (fabsl (w - nearest) < 1e-9L)
    return (uint64_t)nearest;
  return (uint64_t)ceill (w);
}

TEST (modern_conversion_matches_the_runtimes_table)
{
  /* The table of opencontainers/cgroups' own test, plus the extremes.  */
  static const conversion cases[] = {
    { 0, 0 },          { 1, 1 },          { 2, 1 },
    { 3, 2 },          { 1024, 100 },     { 262143, 10000 },
    { 262144, 10000 }, { 262145, 10000 }, { UINT64_MAX, 10000 },
  };

  check_table (cpu_shares_to_weight, cases, N_ELEMENTS (cases));
}

TEST (zero_shares_stay_unset)
{
  CHECK_INT (cpu_shares_to_weight (0), 0);
}

TEST (pod_sandbox_shares_of_2_give_weight_1)
{
  CHECK_INT (cpu_shares_to_weight (DEFAULT_CPU_SHARES), 1);
}

TEST (modern_weight_is_in_range_and_monotonic_for_every_valid_shares_value)
{
  uint64_t previous = 0;
  unsigned reported = 0;

  for (uint64_t s = CPU_SHARES_MIN; s <= CPU_SHARES_MAX; s++)
    {
      uint64_t w = cpu_shares_to_weight (s);
      if ((w < CPU_WEIGHT_MIN || w > CPU_WEIGHT_MAX || w < previous) && reported++ < 10)
        {
          printf ("# shares %" PRIu64 ": weight %" PRIu64 " after %" PRIu64 "\n", s, w, previous);
          tap_current_failed = true;
        }
      previous = w;
    }
  CHECK_INT (previous, CPU_WEIGHT_MAX);
}

TEST (weight_outside_the_shares_range_is_clamped)
{
  /* docs/security.md, threat 7: 1, 2^64-1 and everything between the bounds and the
     limits of the type.  */
  static const uint64_t low[] = { 1, 2 };
  static const uint64_t high[]
      = { 262144, 262145, 1u << 20, UINT32_MAX, INT64_MAX, UINT64_MAX - 1, UINT64_MAX };

  for (size_t i = 0; i < N_ELEMENTS (low); i++)
    CHECK_INT (cpu_shares_to_weight (low[i]), CPU_WEIGHT_MIN);
  for (size_t i = 0; i < N_ELEMENTS (high); i++)
    CHECK_INT (cpu_shares_to_weight (high[i]), CPU_WEIGHT_MAX);
}

TEST (modern_weight_agrees_with_the_formula_in_long_double)
{
  static const uint64_t shares[]
      = { 3,    4,    10,   100,  128,   256,   500,   512,    1000,   1024,  1025,
          2048, 4096, 5000, 8192, 10000, 65536, 99999, 131072, 200000, 262143 };

  for (size_t i = 0; i < N_ELEMENTS (shares); i++)
    {
      uint64_t got = cpu_shares_to_weight (shares[i]), want = reference_weight (shares[i]);
      if (got != want)
        {
          printf ("# shares %" PRIu64 ": weight %" PRIu64 ", formula gives %" PRIu64 "\n",
                  shares[i], got, want);
          tap_current_failed = true;
        }
    }
}

TEST (modern_weight_agrees_with_the_formula_over_the_whole_range)
{
  unsigned mismatches = 0;

  for (uint64_t s = CPU_SHARES_MIN + 1; s < CPU_SHARES_MAX; s++)
    {
      uint64_t got = cpu_shares_to_weight (s), want = reference_weight (s);
      if (got != want && mismatches++ < 10)
        printf ("# shares %" PRIu64 ": weight %" PRIu64 ", formula gives %" PRIu64 "\n", s, got,
                want);
    }
  CHECK_INT (mismatches, 0);
}

/* The conversion as libm computes it (log2, pow, ceil in double), as the
   hook did before it stopped linking libm: the same weight for every
   shares value, bit for bit.  */
static uint64_t
libm_weight (uint64_t shares)
{
  double l = log2 ((double)shares);
  double exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
  return (uint64_t)ceil (pow (10, exponent));
}

TEST (modern_weight_is_libm_s_for_every_shares_value)
{
  unsigned mismatches = 0;

  for (uint64_t s = CPU_SHARES_MIN + 1; s < CPU_SHARES_MAX; s++)
    {
      uint64_t got = cpu_shares_to_weight (s), want = libm_weight (s);
      if (got != want && mismatches++ < 10)
        printf ("# shares %" PRIu64 ": weight %" PRIu64 ", libm gives %" PRIu64 "\n", s, got, want);
    }
  CHECK_INT (mismatches, 0);
}

TEST (powers_of_two_with_an_integer_exponent_give_exact_powers_of_ten)
{
  /* L^2 + 125 L - 126 = 612 k has integer solutions L = 1, 10, 18 only:
     2 -> 10^0, 1024 -> 10^2, 262144 -> 10^4.  No ceiling bump at them.  */
  CHECK_INT (cpu_shares_to_weight (UINT64_C (1) << 1), 1);
  CHECK_INT (cpu_shares_to_weight (UINT64_C (1) << 10), 100);
  CHECK_INT (cpu_shares_to_weight (UINT64_C (1) << 18), 10000);
  CHECK_INT (cpu_shares_to_weight ((UINT64_C (1) << 10) - 1), 100);
  CHECK_INT (cpu_shares_to_weight ((UINT64_C (1) << 10) + 1), 101);
}

int
main (void)
{
  RUN (modern_conversion_matches_the_runtimes_table);
  RUN (zero_shares_stay_unset);
  RUN (pod_sandbox_shares_of_2_give_weight_1);
  RUN (modern_weight_is_in_range_and_monotonic_for_every_valid_shares_value);
  RUN (weight_outside_the_shares_range_is_clamped);
  RUN (modern_weight_agrees_with_the_formula_in_long_double);
  RUN (modern_weight_agrees_with_the_formula_over_the_whole_range);
  RUN (modern_weight_is_libm_s_for_every_shares_value);
  RUN (powers_of_two_with_an_integer_exponent_give_exact_powers_of_ten);
  return tap_done ();
}

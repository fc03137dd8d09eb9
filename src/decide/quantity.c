#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "decimal.h"
#include "quantity.h"

#define QUANTITY_MAX_CHARS 64

typedef struct quantity_suffix
{
  const char *text;
  uint64_t multiplier;
} quantity_suffix;

/* Kubernetes' binary and decimal SI suffixes.  "K" is not one of them
   (Kubernetes spells kilo "k"), and "m" (milli) is refused: a size in
   thousandths of a byte is a typo for "M" far more often than not.  */
static const quantity_suffix suffixes[] = {
  { "", 1 },
  { "Ki", UINT64_C (1) << 10 },
  { "Mi", UINT64_C (1) << 20 },
  { "Gi", UINT64_C (1) << 30 },
  { "Ti", UINT64_C (1) << 40 },
  { "Pi", UINT64_C (1) << 50 },
  { "Ei", UINT64_C (1) << 60 },
  { "k", UINT64_C (1000) },
  { "M", UINT64_C (1000000) },
  { "G", UINT64_C (1000000000) },
  { "T", UINT64_C (1000000000000) },
  { "P", UINT64_C (1000000000000000) },
  { "E", UINT64_C (1000000000000000000) },
};

static const quantity_suffix *
find_suffix (const char *text)
{
  size_t i;

  for (i = 0; i < sizeof (suffixes) / sizeof (suffixes[0]); i++)
    if (strcmp (text, suffixes[i].text) == 0)
      return &suffixes[i];
  return NULL;
}

/* MULTIPLIER * 0.DIGITS (N_DIGITS decimal digits) computed exactly by long
   multiplication from the last digit: every partial product stays below
   10 * MULTIPLIER <= 10 * 2^60, so nothing overflows however many digits
   there are.  Returns false when the product is not a whole number.  */
static bool
fraction_times (const char *digits, size_t n_digits, uint64_t multiplier, uint64_t *whole)
{
  uint64_t carry = 0;
  size_t i;

  for (i = n_digits; i > 0; i--)
    {
      uint64_t t = (uint64_t)(digits[i - 1] - '0') * multiplier + carry;

      if (t % 10 != 0)
        return false;
      carry = t / 10;
    }
  *whole = carry;
  return true;
}

int
quantity_parse_bytes (const char *text, uint64_t *bytes, hook_error **err)
{
  const quantity_suffix *suffix;
  const char *p, *fraction = NULL;
  size_t n_fraction = 0;
  uint64_t integer;
  uint64_t whole_fraction = 0, result;

  if (text == NULL)
    return hook_fail (err, 0, "missing quantity");
  if (strnlen (text, QUANTITY_MAX_CHARS + 1) > QUANTITY_MAX_CHARS)
    return hook_fail_quoted (err, text, "not a quantity (longer than 64 characters)");

  /* The whole grammar is checked before any number is converted: strtoull
     alone would skip blanks, take a sign and stop quietly at junk.  */
  p = text;
  while (*p >= '0' && *p <= '9')
    p++;
  if (p == text)
    return hook_fail_quoted (err, text, "not a quantity");
  if (*p == '.')
    {
      fraction = ++p;
      while (*p >= '0' && *p <= '9')
        p++;
      n_fraction = (size_t)(p - fraction);
      if (n_fraction == 0)
        return hook_fail_quoted (err, text, "not a quantity");
    }
  suffix = find_suffix (p);
  if (suffix == NULL)
    return hook_fail_quoted (err, text, "not a quantity");

  size_t n_integer = (size_t)((fraction ? fraction - 1 : p) - text);
  if (decimal_parse_unsigned (text, n_integer, DECIMAL_ALLOW_LEADING_ZEROS, UINT64_MAX, &integer)
      < 0)
    return hook_fail_quoted (err, text,
                             errno == ERANGE ? "quantity out of range (more than 2^64-1 bytes)"
                                             : "not a quantity");

  if (n_fraction > 0 && !fraction_times (fraction, n_fraction, suffix->multiplier, &whole_fraction))
    return hook_fail_quoted (err, text, "not a quantity of whole bytes");

  if (__builtin_mul_overflow ((uint64_t)integer, suffix->multiplier, &result)
      || __builtin_add_overflow (result, whole_fraction, &result))
    return hook_fail_quoted (err, text, "quantity out of range (more than 2^64-1 bytes)");

  *bytes = result;
  return 0;
}

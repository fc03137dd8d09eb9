#include <config.h>

#include <errno.h>
#include <stdbool.h>

#include "decimal.h"

/* The digits of TEXT[0..LEN) as an unsigned magnitude; false (errno set)
   when they are not the grammar or overflow UINT64_MAX.  */
static bool
magnitude (const char *text, size_t len, unsigned rules, uint64_t *out)
{
  uint64_t v = 0;

  if (len == 0 || (!(rules & DECIMAL_ALLOW_LEADING_ZEROS) && text[0] == '0' && len > 1))
    {
      errno = EINVAL;
      return false;
    }
  for (size_t i = 0; i < len; i++)
    {
      if (text[i] < '0' || text[i] > '9')
        {
          errno = EINVAL;
          return false;
        }
      if (__builtin_mul_overflow (v, 10, &v) || __builtin_add_overflow (v, text[i] - '0', &v))
        {
          errno = ERANGE;
          return false;
        }
    }
  *out = v;
  return true;
}

static size_t
value_length (const char *text, size_t len, unsigned rules)
{
  if ((rules & DECIMAL_TRAILING_NEWLINE) && len > 0 && text[len - 1] == '\n')
    return len - 1;
  return len;
}

int
decimal_parse (const char *text, size_t len, unsigned rules, int64_t min, int64_t max, int64_t *out)
{
  bool negative;
  uint64_t m;

  len = value_length (text, len, rules);
  negative = len > 0 && text[0] == '-';
  if (!magnitude (text + negative, len - negative, rules, &m))
    return -1;
  if (negative && m == 0 && !(rules & DECIMAL_ALLOW_MINUS_ZERO))
    {
      errno = EINVAL;
      return -1;
    }
  if ((!negative && m > (uint64_t)INT64_MAX) || (negative && m > (uint64_t)INT64_MAX + 1))
    {
      errno = ERANGE;
      return -1;
    }
  int64_t v = negative ? (int64_t)(0 - m) : (int64_t)m;
  if (v < min || v > max)
    {
      errno = ERANGE;
      return -1;
    }
  *out = v;
  return 0;
}

int
decimal_parse_unsigned (const char *text, size_t len, unsigned rules, uint64_t max, uint64_t *out)
{
  uint64_t m;

  len = value_length (text, len, rules);
  if (!magnitude (text, len, rules, &m))
    return -1;
  if (m > max)
    {
      errno = ERANGE;
      return -1;
    }
  *out = m;
  return 0;
}

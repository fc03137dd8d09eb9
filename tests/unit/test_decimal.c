/* src/decide/decimal.h: the one integer grammar, and its explicit rules.  */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "decimal.h"
#include "tap.h"

#define N_ELEMENTS(a) (sizeof (a) / sizeof ((a)[0]))

typedef struct signed_case
{
  const char *text;
  unsigned rules;
  int64_t min, max;
  int expected_errno; /* 0: accepted with VALUE */
  int64_t value;
} signed_case;

static void
check_signed (const signed_case *c, int line)
{
  int64_t v = 12345;
  errno = 0;
  int rc = decimal_parse (c->text, strlen (c->text), c->rules, c->min, c->max, &v);
  bool ok = c->expected_errno ? rc == -1 && errno == c->expected_errno && v == 12345
                              : rc == 0 && v == c->value;
  if (!ok)
    {
      printf ("# line %d: \"%s\" (rules %u): rc %d errno %d value %" PRId64 "\n", line, c->text,
              c->rules, rc, errno, v);
      tap_current_failed = true;
    }
}

TEST (canonical_decimals_are_read_exactly)
{
  static const signed_case cases[] = {
    { "0", DECIMAL_CANONICAL, INT64_MIN, INT64_MAX, 0, 0 },
    { "7", DECIMAL_CANONICAL, INT64_MIN, INT64_MAX, 0, 7 },
    { "-998", DECIMAL_CANONICAL, INT64_MIN, INT64_MAX, 0, -998 },
    { "9223372036854775807", DECIMAL_CANONICAL, INT64_MIN, INT64_MAX, 0, INT64_MAX },
    { "-9223372036854775808", DECIMAL_CANONICAL, INT64_MIN, INT64_MAX, 0, INT64_MIN },
  };
  for (size_t i = 0; i < N_ELEMENTS (cases); i++)
    check_signed (&cases[i], __LINE__);
}

TEST (anything_but_the_grammar_is_einval)
{
  static const char *const bad[] = { "",    "-",   "+5",  " 5",  "5 ", "\t5", "5\n", "0x10", "1e3",
                                     "1.0", "--5", "- 5", "007", "-0", "00",  "5a",  "\n",   "٣" };
  for (size_t i = 0; i < N_ELEMENTS (bad); i++)
    {
      signed_case c = { bad[i], DECIMAL_CANONICAL, INT64_MIN, INT64_MAX, EINVAL, 0 };
      check_signed (&c, __LINE__);
    }
}

TEST (out_of_range_and_overflow_are_erange)
{
  static const signed_case cases[] = {
    { "9223372036854775808", DECIMAL_CANONICAL, INT64_MIN, INT64_MAX, ERANGE, 0 },
    { "-9223372036854775809", DECIMAL_CANONICAL, INT64_MIN, INT64_MAX, ERANGE, 0 },
    { "99999999999999999999", DECIMAL_CANONICAL, INT64_MIN, INT64_MAX, ERANGE, 0 },
    { "1001", DECIMAL_CANONICAL, -1000, 1000, ERANGE, 0 },
    { "-2", DECIMAL_CANONICAL, -1, INT64_MAX, ERANGE, 0 },
  };
  for (size_t i = 0; i < N_ELEMENTS (cases); i++)
    check_signed (&cases[i], __LINE__);
}

TEST (rules_widen_the_grammar_one_way_each)
{
  static const signed_case cases[] = {
    { "-0", DECIMAL_ALLOW_MINUS_ZERO, -5, 5, 0, 0 },
    { "007", DECIMAL_ALLOW_LEADING_ZEROS, 0, 100, 0, 7 },
    { "-998\n", DECIMAL_TRAILING_NEWLINE, -1000, 1000, 0, -998 },
    { "5", DECIMAL_TRAILING_NEWLINE, 0, 10, 0, 5 },
    /* One newline, at the end, and no more.  */
    { "5\n\n", DECIMAL_TRAILING_NEWLINE, 0, 10, EINVAL, 0 },
    { "\n5", DECIMAL_TRAILING_NEWLINE, 0, 10, EINVAL, 0 },
    { "\n", DECIMAL_TRAILING_NEWLINE, 0, 10, EINVAL, 0 },
    { "007", DECIMAL_ALLOW_MINUS_ZERO, 0, 100, EINVAL, 0 },
  };
  for (size_t i = 0; i < N_ELEMENTS (cases); i++)
    check_signed (&cases[i], __LINE__);
}

TEST (unsigned_values_take_no_sign_and_reach_uint64_max)
{
  uint64_t v = 0;
  CHECK_INT (decimal_parse_unsigned ("18446744073709551615", 20, DECIMAL_CANONICAL, UINT64_MAX, &v),
             0);
  CHECK (v == UINT64_MAX);
  errno = 0;
  CHECK_INT (decimal_parse_unsigned ("18446744073709551616", 20, DECIMAL_CANONICAL, UINT64_MAX, &v),
             -1);
  CHECK_INT (errno, ERANGE);
  errno = 0;
  CHECK_INT (decimal_parse_unsigned ("-1", 2, DECIMAL_CANONICAL, UINT64_MAX, &v), -1);
  CHECK_INT (errno, EINVAL);
  errno = 0;
  CHECK_INT (decimal_parse_unsigned ("263", 3, DECIMAL_CANONICAL, 262, &v), -1);
  CHECK_INT (errno, ERANGE);
}

TEST (only_len_bytes_are_read)
{
  int64_t v = 0;
  CHECK_INT (decimal_parse ("64Mi", 2, DECIMAL_CANONICAL, 0, 100, &v), 0);
  CHECK_INT (v, 64);
}

int
main (void)
{
  RUN (canonical_decimals_are_read_exactly);
  RUN (anything_but_the_grammar_is_einval);
  RUN (out_of_range_and_overflow_are_erange);
  RUN (rules_widen_the_grammar_one_way_each);
  RUN (unsigned_values_take_no_sign_and_reach_uint64_max);
  RUN (only_len_bytes_are_read);
  return tap_done ();
}

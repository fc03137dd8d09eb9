#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "dnsfiles.h"
#include "error.h"
#include "quantity.h"
#include "tap.h"

typedef struct accept_case
{
  const char *text;
  uint64_t bytes;
} accept_case;

typedef struct reject_case
{
  const char *text;
  const char *mention; /* the reason the message must give */
} reject_case;

/* Parse every case; a mismatch prints the input as a TAP diagnostic.  */
static void
check_accepted (const accept_case *cases, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      uint64_t bytes = UINT64_C (0xdeadbeef);
      int ret = quantity_parse_bytes (cases[i].text, &bytes, &err);

      if (ret != 0 || bytes != cases[i].bytes)
        {
          cleanup_free char *quoted = quote_for_message (cases[i].text);

          printf ("# %s: ret %d, bytes %" PRIu64 ", expected %" PRIu64 " (%s)\n", quoted, ret,
                  bytes, cases[i].bytes, err ? err->message : "no error");
          tap_current_failed = true;
        }
    }
}

static void
check_refused (const reject_case *cases, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      uint64_t bytes = UINT64_C (0xdeadbeef);
      int ret = quantity_parse_bytes (cases[i].text, &bytes, &err);

      if (ret != -1 || err == NULL || strstr (err->message, cases[i].mention) == NULL
          || bytes != UINT64_C (0xdeadbeef))
        {
          cleanup_free char *quoted = quote_for_message (cases[i].text);

          printf ("# %s: ret %d, error \"%s\", expected one mentioning \"%s\"\n", quoted, ret,
                  err ? err->message : "(none)", cases[i].mention);
          tap_current_failed = true;
        }
    }
}

TEST (zero_is_parsed_as_zero)
{
  static const accept_case cases[] = { { "0", 0 }, { "0Mi", 0 }, { "0.0Gi", 0 } };

  check_accepted (cases, sizeof cases / sizeof cases[0]);
}

TEST (plain_byte_count_is_parsed)
{
  static const accept_case cases[] = {
    { "67108864", 67108864 },
    { "1", 1 },
    { "18446744073709551615", UINT64_MAX },
  };

  check_accepted (cases, sizeof cases / sizeof cases[0]);
}

TEST (binary_suffixes_are_powers_of_1024)
{
  static const accept_case cases[] = {
    { "1Ki", 1024 },
    { "64Mi", 67108864 },
    { "1Gi", UINT64_C (1073741824) },
    { "1Ti", UINT64_C (1) << 40 },
    { "1Pi", UINT64_C (1) << 50 },
    { "1Ei", UINT64_C (1) << 60 },
    { "15Ei", UINT64_C (15) << 60 },
  };

  check_accepted (cases, sizeof cases / sizeof cases[0]);
}

TEST (decimal_suffixes_are_powers_of_1000)
{
  static const accept_case cases[] = {
    { "1k", 1000 },
    { "128M", 128000000 },
    { "2G", UINT64_C (2000000000) },
    { "1T", UINT64_C (1000000000000) },
    { "1P", UINT64_C (1000000000000000) },
    { "18E", UINT64_C (18000000000000000000) },
  };

  check_accepted (cases, sizeof cases / sizeof cases[0]);
}

TEST (fraction_giving_whole_bytes_is_accepted)
{
  static const accept_case cases[] = {
    { "1.5Gi", UINT64_C (1610612736) },
    { "0.5Ki", 512 },
    { "0.25Ki", 256 },
    { "0.0009765625Ki", 1 },
    { "1.5k", 1500 },
    { "0.001k", 1 },
    { "1.0", 1 },
    { "2.50M", 2500000 },
    { "15.9375Ei", UINT64_C (0xff) << 56 },
    { "18446744073709551.615k", UINT64_MAX },
  };

  check_accepted (cases, sizeof cases / sizeof cases[0]);
}

TEST (leading_zeros_are_decimal_not_octal)
{
  static const accept_case cases[] = { { "010", 10 }, { "0064Mi", 67108864 } };

  check_accepted (cases, sizeof cases / sizeof cases[0]);
}

TEST (fraction_of_a_byte_is_refused)
{
  static const reject_case cases[] = {
    { "1.5", "whole bytes" },
    { "0.1Ki", "whole bytes" },
    { "0.0001k", "whole bytes" },
    { "0.00048828125Ki", "whole bytes" },
  };

  check_refused (cases, sizeof cases / sizeof cases[0]);
}

TEST (shm_quantity_with_percent_is_refused)
{
  static const reject_case cases[] = { { "200%", "\"200%\": not a quantity" } };

  check_refused (cases, sizeof cases / sizeof cases[0]);
}

TEST (shm_quantity_smuggling_mount_options_is_refused)
{
  static const reject_case cases[] = {
    { "1m,size=0", "\"1m,size=0\": not a quantity" },
    { "64Mi,size=0", "not a quantity" },
    { "64Mi\nsize=0", "\"64Mi\\nsize=0\": not a quantity" },
  };

  check_refused (cases, sizeof cases / sizeof cases[0]);
}

TEST (quantity_that_the_kernel_would_parse_leniently_is_refused)
{
  static const reject_case cases[] = {
    { "", "\"\": not a quantity" }, { "0x400", "not a quantity" }, { " 80", "not a quantity" },
    { "80 ", "not a quantity" },    { "\t80", "not a quantity" },  { "80\n", "not a quantity" },
    { "1 Mi", "not a quantity" },
  };

  check_refused (cases, sizeof cases / sizeof cases[0]);
}

TEST (signed_quantity_is_refused)
{
  static const reject_case cases[] = {
    { "-1", "\"-1\": not a quantity" },
    { "+5", "\"+5\": not a quantity" },
    { "-0", "not a quantity" },
  };

  check_refused (cases, sizeof cases / sizeof cases[0]);
}

TEST (exponent_is_refused)
{
  static const reject_case cases[] = {
    { "1e3", "\"1e3\": not a quantity" },
    { "1E3", "not a quantity" },
    { "1e-3", "not a quantity" },
  };

  check_refused (cases, sizeof cases / sizeof cases[0]);
}

TEST (unknown_or_malformed_suffix_is_refused)
{
  static const reject_case cases[] = {
    { "1Ki5", "\"1Ki5\": not a quantity" },
    { "Mi", "\"Mi\": not a quantity" },
    { "1MiB", "not a quantity" },
    { "1K", "not a quantity" },
    { "1ki", "not a quantity" },
    { "1KI", "not a quantity" },
    { "1m", "not a quantity" },
    { "1mi", "not a quantity" },
    { "1Zi", "not a quantity" },
    { "1B", "not a quantity" },
    { "1 ", "not a quantity" },
  };

  check_refused (cases, sizeof cases / sizeof cases[0]);
}

TEST (malformed_fraction_is_refused)
{
  static const reject_case cases[] = {
    { "1.", "not a quantity" },   { ".5", "not a quantity" },   { ".5Gi", "not a quantity" },
    { "1.Gi", "not a quantity" }, { "1..5", "not a quantity" }, { "1.5.5", "not a quantity" },
    { "1,5", "not a quantity" },
  };

  check_refused (cases, sizeof cases / sizeof cases[0]);
}

TEST (quantity_overflowing_64_bits_is_refused)
{
  static const reject_case cases[] = {
    { "18446744073709551616", "out of range" },
    { "99999999999999999999999", "out of range" },
    { "16Ei", "\"16Ei\": quantity out of range" },
    { "19E", "out of range" },
    { "18.5E", "\"18.5E\": quantity out of range" },
    { "18446744073709551.616k", "out of range" },
    { "17179869184Gi", "out of range" },
    { "15.99999999999999999999999999Ei", "whole bytes" },
    { "18446744073709551615.5", "whole bytes" },
    { "16383.9999999999999999999999Pi", "whole bytes" },
  };

  check_refused (cases, sizeof cases / sizeof cases[0]);
}

TEST (quantity_of_exactly_64_characters_is_accepted)
{
  static const accept_case cases[] = {
    { "0000000000000000000000000000000000000000000000000000000000000001", 1 },
  };

  CHECK_INT (strlen (cases[0].text), 64);
  check_accepted (cases, sizeof cases / sizeof cases[0]);
}

TEST (quantity_longer_than_64_characters_is_refused)
{
  static const reject_case cases[] = {
    { "00000000000000000000000000000000000000000000000000000000000000001",
      "longer than 64 characters" },
  };

  CHECK_INT (strlen (cases[0].text), 65);
  check_refused (cases, sizeof cases / sizeof cases[0]);
}

TEST (refused_quantity_is_quoted_with_control_characters_escaped)
{
  cleanup_hook_error hook_error *err = NULL;
  uint64_t bytes = 7;

  CHECK_INT (quantity_parse_bytes ("1\r\x1b[2J", &bytes, &err), -1);
  CHECK_STR (err ? err->message : NULL, "\"1\\r\\x1b[2J\": not a quantity");
  CHECK_INT (err ? err->errno_value : -1, 0);
  CHECK_INT (bytes, 7);
}

int
main (void)
{
  RUN (zero_is_parsed_as_zero);
  RUN (plain_byte_count_is_parsed);
  RUN (binary_suffixes_are_powers_of_1024);
  RUN (decimal_suffixes_are_powers_of_1000);
  RUN (fraction_giving_whole_bytes_is_accepted);
  RUN (leading_zeros_are_decimal_not_octal);
  RUN (fraction_of_a_byte_is_refused);
  RUN (shm_quantity_with_percent_is_refused);
  RUN (shm_quantity_smuggling_mount_options_is_refused);
  RUN (quantity_that_the_kernel_would_parse_leniently_is_refused);
  RUN (signed_quantity_is_refused);
  RUN (exponent_is_refused);
  RUN (unknown_or_malformed_suffix_is_refused);
  RUN (malformed_fraction_is_refused);
  RUN (quantity_overflowing_64_bits_is_refused);
  RUN (quantity_of_exactly_64_characters_is_accepted);
  RUN (quantity_longer_than_64_characters_is_refused);
  RUN (refused_quantity_is_quoted_with_control_characters_escaped);
  return tap_done ();
}

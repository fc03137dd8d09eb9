/* The one integer grammar of the hook: decimal digits with an optional
   leading '-', nothing else (no '+', no spaces, no hex, no exponent), read
   without strtol's leniencies.  Every number the hook takes from text (a
   JSON number, an annotation, a cgroup or /proc file, a quantity's digits)
   goes through it; the rules that differ between those sources are
   explicit flags.  */
#ifndef OCI_SANDBOX_HOOK_DECIMAL_H
#define OCI_SANDBOX_HOOK_DECIMAL_H

#include <stddef.h>
#include <stdint.h>

typedef enum decimal_rules
{
  /* The canonical form a program prints: no leading zeros, no "-0".  */
  DECIMAL_CANONICAL = 0,
  /* JSON's integer grammar takes "-0" (as Go's ParseInt does).  */
  DECIMAL_ALLOW_MINUS_ZERO = 1 << 0,
  /* A quantity's digits may be zero-padded ("064Mi").  */
  DECIMAL_ALLOW_LEADING_ZEROS = 1 << 1,
  /* A kernel file's value: one trailing newline is part of it.  */
  DECIMAL_TRAILING_NEWLINE = 1 << 2,
} decimal_rules;

/* Parse the LEN bytes of TEXT as an integer in [MIN, MAX].  Returns 0, or
   -1 with errno EINVAL (not the grammar) or ERANGE (out of range).  */
int decimal_parse (const char *text, size_t len, unsigned rules, int64_t min, int64_t max,
                   int64_t *out);

/* The same for [0, MAX]: a '-' is not the grammar.  */
int decimal_parse_unsigned (const char *text, size_t len, unsigned rules, uint64_t max,
                            uint64_t *out);

#endif

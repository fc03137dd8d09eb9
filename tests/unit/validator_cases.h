/* Table-driven checks of a grammar: a validator accepts every value of a
   list and refuses every case of another with an error that says why.
   Shared by the unit tests of the pure validators.  */
#ifndef OCI_SANDBOX_HOOK_VALIDATOR_CASES_H
#define OCI_SANDBOX_HOOK_VALIDATOR_CASES_H

#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "dnsfiles.h"
#include "error.h"
#include "tap.h"

#define N_ELEMENTS(a) (sizeof (a) / sizeof ((a)[0]))

typedef int (*validator) (const char *value, hook_error **err);

typedef struct reject_case
{
  const char *value;
  const char *mention; /* what the message must say */
} reject_case;

/* Diagnostics go through quote_for_message too: a raw newline would break
   the TAP stream.  */
static inline void
report (const char *what, const char *value, const char *detail)
{
  cleanup_free char *quoted = quote_for_message (value);

  printf ("# %s %s: %s\n", what, quoted ? quoted : "?", detail);
  tap_current_failed = true;
}

static inline void
check_all_accepted (validator fn, const char *const *values, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      cleanup_hook_error hook_error *err = NULL;

      if (fn (values[i], &err) != 0 || err != NULL)
        report ("refused", values[i], err ? err->message : "(no error set)");
    }
}

static inline void
check_all_refused (validator fn, const reject_case *cases, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      cleanup_hook_error hook_error *err = NULL;

      if (fn (cases[i].value, &err) != -1 || err == NULL)
        report ("accepted", cases[i].value, "expected an error");
      else if (strstr (err->message, cases[i].mention) == NULL)
        {
          printf ("# error \"%s\" does not mention \"%s\"\n", err->message, cases[i].mention);
          tap_current_failed = true;
        }
    }
}

/* N copies of C, malloc'ed.  */
static inline char *
repeat (char c, size_t n)
{
  char *s = malloc (n + 1);

  if (s == NULL)
    abort ();
  memset (s, c, n);
  s[n] = '\0';
  return s;
}

#endif

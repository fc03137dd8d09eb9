/* src/linux/host.c: what the host's own /proc text says, read by the
   hook's one integer grammar.  */
#include <config.h>

#include <stdbool.h>

#include "host.h"
#include "tap.h"

#define N_ELEMENTS(a) (sizeof (a) / sizeof ((a)[0]))

typedef struct uid_map_case
{
  const char *text;
  bool initial;
} uid_map_case;

TEST (only_the_identity_map_is_the_initial_user_namespace)
{
  static const uid_map_case cases[] = {
    /* As the kernel prints it, and as a person would write it.  */
    { "         0          0 4294967295\n", true },
    { "0 0 4294967295\n", true },
    { "0 0 4294967295", true },
    /* A user namespace: a partial map, a shifted one, several lines.  */
    { "         0       1000          1\n", false },
    { "         0     100000      65536\n", false },
    { "         0          0 4294967294\n", false },
    { "         1          1 4294967295\n", false },
    { "0 0 4294967295\n1 1 1\n", false },
    /* Not the grammar: signs, padding zeros, tabs, junk, out of range,
       missing fields, nothing at all.  */
    { "-0 0 4294967295\n", false },
    { "+0 0 4294967295\n", false },
    { "00 0 4294967295\n", false },
    { "0\t0\t4294967295\n", false },
    { "0 0 4294967295x\n", false },
    { "0 0 4294967295 \n", false },
    { "0 0 4294967296\n", false },
    { "0 0 18446744073709551615\n", false },
    { "0 0\n", false },
    { "\n", false },
    { "", false },
  };
  for (size_t i = 0; i < N_ELEMENTS (cases); i++)
    if (uid_map_is_initial (cases[i].text) != cases[i].initial)
      {
        printf ("# \"%s\": expected %s\n", cases[i].text, cases[i].initial ? "initial" : "not");
        tap_current_failed = true;
      }
}

int
main (void)
{
  RUN (only_the_identity_map_is_the_initial_user_namespace);
  return tap_done ();
}

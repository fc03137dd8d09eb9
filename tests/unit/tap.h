/* A minimal TAP producer for the unit tests: one binary per module, one
   TEST per behaviour, run by automake's tap-driver.sh.  A CHECK failure
   marks the current test "not ok" and prints the expression and location
   as a TAP diagnostic.  */
#ifndef OCI_SANDBOX_HOOK_TAP_H
#define OCI_SANDBOX_HOOK_TAP_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int tap_test_count;
static int tap_failed_count;
static bool tap_current_failed;

#define TEST(name) static void name (void)

#define RUN(name)                                                                                  \
  do                                                                                               \
    {                                                                                              \
      tap_current_failed = false;                                                                  \
      name ();                                                                                     \
      tap_test_count++;                                                                            \
      if (tap_current_failed)                                                                      \
        tap_failed_count++;                                                                        \
      printf ("%s %d - %s\n", tap_current_failed ? "not ok" : "ok", tap_test_count, #name);        \
      fflush (stdout);                                                                             \
    }                                                                                              \
  while (0)

#define CHECK(expr)                                                                                \
  do                                                                                               \
    {                                                                                              \
      if (!(expr))                                                                                 \
        {                                                                                          \
          printf ("# %s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #expr);                       \
          tap_current_failed = true;                                                               \
        }                                                                                          \
    }                                                                                              \
  while (0)

#define CHECK_STR(actual, expected)                                                                \
  do                                                                                               \
    {                                                                                              \
      const char *a_ = (actual), *e_ = (expected);                                                 \
      if (a_ == NULL || e_ == NULL ? a_ != e_ : strcmp (a_, e_) != 0)                              \
        {                                                                                          \
          printf ("# %s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #actual,         \
                  a_ ? a_ : "(null)", e_ ? e_ : "(null)");                                         \
          tap_current_failed = true;                                                               \
        }                                                                                          \
    }                                                                                              \
  while (0)

#define CHECK_INT(actual, expected)                                                                \
  do                                                                                               \
    {                                                                                              \
      long long a_ = (long long)(actual), e_ = (long long)(expected);                              \
      if (a_ != e_)                                                                                \
        {                                                                                          \
          printf ("# %s:%d: %s is %lld, expected %lld\n", __FILE__, __LINE__, #actual, a_, e_);    \
          tap_current_failed = true;                                                               \
        }                                                                                          \
    }                                                                                              \
  while (0)

/* The error message must contain NEEDLE (tests name the field in errors).  */
#define CHECK_ERROR_MENTIONS(err, needle)                                                          \
  do                                                                                               \
    {                                                                                              \
      if ((err) == NULL || strstr ((err)->message, (needle)) == NULL)                              \
        {                                                                                          \
          printf ("# %s:%d: error \"%s\" does not mention \"%s\"\n", __FILE__, __LINE__,           \
                  (err) ? (err)->message : "(no error)", (needle));                                \
          tap_current_failed = true;                                                               \
        }                                                                                          \
    }                                                                                              \
  while (0)

static inline int
tap_done (void)
{
  printf ("1..%d\n", tap_test_count);
  return tap_failed_count ? 1 : 0;
}

#endif

/* Patterns as Go's filepath.Match reads them (the cases of Go's own
   match_test.go that concern one path component): containerd's imports
   must load exactly the files the installer expects.  */
#include <config.h>

#include <string.h>

#include "cleanup.h"
#include "glob.h"
#include "tap.h"

/* 1: matches, 0: does not, -1: malformed pattern.  */
static void
check_match (const char *pattern, const char *name, int expected)
{
  cleanup_hook_error hook_error *err = NULL;
  bool match = false;
  int ret = glob_match (pattern, name, &match, &err);
  int got = ret < 0 ? -1 : match;
  if (got != expected)
    {
      printf ("# glob_match (\"%s\", \"%s\") is %d, expected %d\n", pattern, name, got, expected);
      tap_current_failed = true;
    }
  if (ret < 0)
    CHECK_ERROR_MENTIONS (err, "malformed pattern");
}

TEST (literals_stars_and_question_marks)
{
  check_match ("abc", "abc", 1);
  check_match ("*", "abc", 1);
  check_match ("*c", "abc", 1);
  check_match ("a*", "a", 1);
  check_match ("a*", "abc", 1);
  check_match ("a*", "ab/c", 0);
  check_match ("a*b*c*d*e*", "axbxcxdxe", 1);
  check_match ("a*b*c*d*e*", "axbxcxdxexxx", 1);
  check_match ("a*b?c*x", "abxbbxdbxebxczzx", 1);
  check_match ("a*b?c*x", "abxbbxdbxebxczzy", 0);
  check_match ("*x", "xxx", 1);
  check_match ("a?b", "a/b", 0);
  check_match ("a*b", "a/b", 0);
  check_match ("*.toml", "99-oci-sandbox-hook.toml", 1);
  check_match ("*.toml", ".hidden.toml", 1); /* Go: a leading dot is a character like any */
  check_match ("*.toml", ".99-oci-sandbox-hook.toml.0a1b2c3d.tmp", 0);
  check_match ("?", "é", 1); /* one code point, two bytes */
  check_match ("??", "é", 0);
}

TEST (character_classes)
{
  check_match ("ab[c]", "abc", 1);
  check_match ("ab[b-d]", "abc", 1);
  check_match ("ab[e-g]", "abc", 0);
  check_match ("ab[^c]", "abc", 0);
  check_match ("ab[^b-d]", "abc", 0);
  check_match ("ab[^e-g]", "abc", 1);
  check_match ("a\\*b", "a*b", 1);
  check_match ("a\\*b", "ab", 0);
  check_match ("a?b", "a☺b", 1);
  check_match ("a[^a]b", "a☺b", 1);
  check_match ("[a-ζ]*", "α", 1);
  check_match ("*[a-ζ]", "A", 0);
  check_match ("[\\]a]", "]", 1);
  check_match ("[\\-]", "-", 1);
  check_match ("[x\\-]", "x", 1);
  check_match ("[x\\-]", "-", 1);
  check_match ("[x\\-]", "z", 0);
  check_match ("[\\-x]", "x", 1);
  check_match ("[\\-x]", "a", 0);
}

TEST (malformed_patterns_are_errors_whatever_the_name)
{
  check_match ("[]a]", "]", -1);
  check_match ("[-]", "-", -1);
  check_match ("[x-]", "x", -1);
  check_match ("[x-]", "-", -1);
  check_match ("[-x]", "x", -1);
  check_match ("\\", "a", -1);
  check_match ("[a-b-c]", "a", -1);
  check_match ("[", "a", -1);
  check_match ("[^", "a", -1);
  check_match ("[^bc", "a", -1);
  check_match ("a[", "a", -1);
  check_match ("a[", "ab", -1);
  check_match ("a[", "x", -1);
  check_match ("*x[", "y", -1);
}

int
main (void)
{
  RUN (literals_stars_and_question_marks);
  RUN (character_classes);
  RUN (malformed_patterns_are_errors_whatever_the_name);
  return tap_done ();
}

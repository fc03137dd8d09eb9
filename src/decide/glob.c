#include <config.h>

#include <stdint.h>
#include <string.h>

#include "glob.h"

/* One code point at *S (advanced past it).  An invalid byte stands for
   itself, as Go's utf8.DecodeRuneInString gives RuneError for it and
   moves one byte on (no valid file name character equals it).  */
static uint32_t
next_rune (const char **s)
{
  const unsigned char *p = (const unsigned char *)*s;
  uint32_t r;
  size_t n;

  if (p[0] < 0x80)
    n = 1, r = p[0];
  else if ((p[0] & 0xe0) == 0xc0)
    n = 2, r = p[0] & 0x1f;
  else if ((p[0] & 0xf0) == 0xe0)
    n = 3, r = p[0] & 0x0f;
  else if ((p[0] & 0xf8) == 0xf0)
    n = 4, r = p[0] & 0x07;
  else
    {
      *s += 1;
      return 0xfffd;
    }
  for (size_t i = 1; i < n; i++)
    {
      if ((p[i] & 0xc0) != 0x80)
        {
          *s += 1;
          return 0xfffd;
        }
      r = r << 6 | (p[i] & 0x3f);
    }
  *s += n;
  return r;
}

/* A character inside a class: '\\' escapes; an unescaped '-' or ']' or
   the end of the pattern is malformed (Go's getEsc).  */
static int
class_char (const char **p, uint32_t *out)
{
  if (**p == '\0' || **p == '-' || **p == ']')
    return -1;
  if (**p == '\\')
    {
      (*p)++;
      if (**p == '\0')
        return -1;
    }
  *out = next_rune (p);
  return 0;
}

/* The class starting after '[' at *P: *P ends after its ']'.  */
static int
match_class (const char **p, uint32_t r, bool *in)
{
  bool negated = false;
  int ranges = 0;

  *in = false;
  if (**p == '^')
    {
      negated = true;
      (*p)++;
    }
  for (;;)
    {
      uint32_t lo, hi;
      if (**p == ']' && ranges > 0)
        {
          (*p)++;
          break;
        }
      if (class_char (p, &lo) < 0)
        return -1;
      hi = lo;
      if (**p == '-')
        {
          (*p)++;
          if (class_char (p, &hi) < 0)
            return -1;
        }
      if (lo <= r && r <= hi)
        *in = true;
      ranges++;
    }
  if (negated)
    *in = !*in;
  return 0;
}

/* The pattern element at *P against the character R: *P advances past
   it.  */
static int
match_one (const char **p, uint32_t r, bool *ok)
{
  switch (**p)
    {
    case '?':
      (*p)++;
      *ok = r != '/';
      return 0;
    case '[':
      (*p)++;
      return match_class (p, r, ok);
    case '\\':
      (*p)++;
      if (**p == '\0')
        return -1;
      /* fallthrough */
    default:
      *ok = next_rune (p) == r;
      return 0;
    }
}

/* Every element of PATTERN well-formed, checked against a character no
   class or literal could be confused by.  */
static int
validate (const char *p)
{
  bool ignored;

  while (*p)
    {
      if (*p == '*')
        {
          p++;
          continue;
        }
      if (match_one (&p, 0, &ignored) < 0)
        return -1;
    }
  return 0;
}

int
glob_match (const char *pattern, const char *name, bool *match, hook_error **err)
{
  const char *p = pattern, *n = name;
  const char *star_p = NULL, *star_n = NULL;

  if (validate (pattern) < 0)
    return hook_fail (err, 0, "\"%s\": malformed pattern", pattern);
  /* The classic single-backtrack matcher: on a mismatch, the last '*'
     takes one more character (never a '/').  */
  for (;;)
    {
      if (*p == '*')
        {
          while (*p == '*')
            p++;
          star_p = p;
          star_n = n;
          continue;
        }
      if (*n == '\0' && *p == '\0')
        {
          *match = true;
          return 0;
        }
      if (*n != '\0' && *p != '\0')
        {
          const char *np = p, *nn = n;
          uint32_t r = next_rune (&nn);
          bool ok = false;
          if (match_one (&np, r, &ok) < 0)
            return hook_fail (err, 0, "\"%s\": malformed pattern", pattern);
          if (ok)
            {
              p = np;
              n = nn;
              continue;
            }
        }
      if (star_p == NULL || *star_n == '\0' || *star_n == '/')
        {
          *match = false;
          return 0;
        }
      next_rune (&star_n);
      p = star_p;
      n = star_n;
    }
}

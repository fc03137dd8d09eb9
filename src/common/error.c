#include <config.h>

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "error.h"

/* Longest part of a value quoted in a message.  */
#define QUOTE_MAX_CHARS 64

/* A message that cannot even be allocated must still reach the operator.  */
static char oom_message[] = "out of memory while reporting an error";

static hook_error oom_error = { ENOMEM, oom_message };

int
hook_fail (hook_error **err, int errno_value, const char *fmt, ...)
{
  char *msg = NULL, *full = NULL;
  va_list ap;
  int ret;

  if (err == NULL)
    return -1;
#ifdef ENABLE_FAULT_INJECTION
  /* Test builds: a second failure filled over the first would lose (and
     leak) the message of the first.  */
  assert (*err == NULL);
#endif
  va_start (ap, fmt);
  ret = vasprintf (&msg, fmt, ap);
  va_end (ap);
  if (ret < 0)
    {
      *err = &oom_error;
      return -1;
    }
  if (errno_value != 0)
    {
      ret = asprintf (&full, "%s%s%s", msg, msg[0] ? ": " : "", strerror (errno_value));
      free (msg);
      if (ret < 0)
        {
          *err = &oom_error;
          return -1;
        }
      msg = full;
    }
  *err = malloc (sizeof **err);
  if (*err == NULL)
    {
      free (msg);
      *err = &oom_error;
      return -1;
    }
  (*err)->errno_value = errno_value;
  (*err)->message = msg;
  return -1;
}

int
hook_error_prefix (hook_error **err, const char *fmt, ...)
{
  char *ctx = NULL, *full = NULL;
  va_list ap;
  int ret;

  if (err == NULL || *err == NULL || *err == &oom_error)
    return -1;
  va_start (ap, fmt);
  ret = vasprintf (&ctx, fmt, ap);
  va_end (ap);
  if (ret < 0)
    return -1;
  ret = asprintf (&full, "%s: %s", ctx, (*err)->message);
  free (ctx);
  if (ret < 0)
    return -1;
  free ((*err)->message);
  (*err)->message = full;
  return -1;
}

void
hook_error_free (hook_error *err)
{
  if (err == NULL || err == &oom_error)
    return;
  free (err->message);
  free (err);
}

bool
hook_error_absorb (hook_error **err, int errno_value)
{
  if (*err == NULL || (*err)->errno_value != errno_value)
    return false;
  hook_error_free (*err);
  *err = NULL;
  return true;
}

char *
quote_for_message (const char *s)
{
  static const char hex[] = "0123456789abcdef";
  /* Worst case: every byte as \xHH, two quotes, "..." and the NUL.  */
  char *out, *o;
  size_t i;

  if (s == NULL)
    return strdup ("(null)");
  out = malloc (QUOTE_MAX_CHARS * 4 + 2 + 3 + 1);
  if (out == NULL)
    return NULL;
  o = out;
  *o++ = '"';
  for (i = 0; s[i] != '\0' && i < QUOTE_MAX_CHARS; i++)
    {
      unsigned char c = (unsigned char)s[i];

      switch (c)
        {
        case '\n':
          *o++ = '\\';
          *o++ = 'n';
          break;
        case '\r':
          *o++ = '\\';
          *o++ = 'r';
          break;
        case '\t':
          *o++ = '\\';
          *o++ = 't';
          break;
        /* Escaped so that the closing quote of the message is unambiguous.  */
        case '"':
        case '\\':
          *o++ = '\\';
          *o++ = (char)c;
          break;
        default:
          if (c < 0x20 || c >= 0x7f)
            {
              *o++ = '\\';
              *o++ = 'x';
              *o++ = hex[c >> 4];
              *o++ = hex[c & 0xf];
            }
          else
            *o++ = (char)c;
        }
    }
  *o++ = '"';
  if (s[i] != '\0')
    {
      memcpy (o, "...", 3);
      o += 3;
    }
  *o = '\0';
  return out;
}

int
hook_fail_quoted (hook_error **err, const char *value, const char *reason)
{
  cleanup_free char *quoted = quote_for_message (value);

  if (quoted == NULL)
    return hook_fail (err, ENOMEM, "quote a value for an error message");
  return hook_fail (err, 0, "%s: %s", quoted, reason);
}

#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

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
      ret = asprintf (&full, "%s: %s", msg, strerror (errno_value));
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

/* The one error convention of the project: every fallible function returns
   0 on success or -1 after filling a hook_error that carries errno and a
   message built where the failure happened.  Callers add context on the way
   up with hook_error_prefix; only main prints.  */
#ifndef OCI_SANDBOX_HOOK_ERROR_H
#define OCI_SANDBOX_HOOK_ERROR_H

#include <stdbool.h>

typedef struct hook_error
{
  int errno_value;
  char *message;
} hook_error;

/* Fill *ERR (which must be NULL) with a formatted message; when ERRNO_VALUE
   is not 0, ": strerror(errno_value)" is appended, or strerror alone for
   an empty message (what failed is the thing the caller's prefix names).
   Always returns -1.  */
int hook_fail (hook_error **err, int errno_value, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/* Prepend "CONTEXT: " to the message of *ERR.  Always returns -1.  */
int hook_error_prefix (hook_error **err, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

void hook_error_free (hook_error *err);

/* A failure that is an answer ("there is none"): when *ERR carries
   ERRNO_VALUE, free it, leave *ERR NULL and return true.  */
bool hook_error_absorb (hook_error **err, int errno_value);

/* Quote S for an error message: at most 64 characters, control characters
   and non-ASCII bytes escaped as \n, \r, \t or \xHH, in double quotes.
   Returns a malloc'ed string (NULL only on allocation failure).  */
char *quote_for_message (const char *s);

/* hook_fail with the message "QUOTED-VALUE: REASON" (validation, errno 0).  */
int hook_fail_quoted (hook_error **err, const char *value, const char *reason);

static inline void
cleanup_hook_error_fn (hook_error **err)
{
  if (*err)
    hook_error_free (*err);
}
#define cleanup_hook_error __attribute__ ((cleanup (cleanup_hook_error_fn)))

#endif

/* Owners for every resource: a local declared with one of these attributes
   is released when it goes out of scope.  Hand ownership away by setting the
   local to NULL or -1 after the transfer.  */
#ifndef OCI_SANDBOX_HOOK_CLEANUP_H
#define OCI_SANDBOX_HOOK_CLEANUP_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void
cleanup_free_fn (void *p)
{
  void **pp = p;
  free (*pp);
}

static inline void
cleanup_close_fn (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;
      close (*fd);
      errno = saved;
    }
}

static inline void
cleanup_fclose_fn (FILE **f)
{
  if (*f)
    fclose (*f);
}

/* Free N malloc'ed strings and the array holding them (NULL: nothing).  */
static inline void
free_strings (char **v, size_t n)
{
  if (v == NULL)
    return;
  for (size_t i = 0; i < n; i++)
    free (v[i]);
  free (v);
}

#define cleanup_free   __attribute__ ((cleanup (cleanup_free_fn)))
#define cleanup_close  __attribute__ ((cleanup (cleanup_close_fn)))
#define cleanup_pidfd  __attribute__ ((cleanup (cleanup_close_fn)))
#define cleanup_fclose __attribute__ ((cleanup (cleanup_fclose_fn)))

/* Take ownership out of a cleanup_* local.  Statement expressions are a
   GNU extension, used deliberately (as crun and bubblewrap do): marked so,
   -Wpedantic accepts them.  */
#define steal_pointer(pp)                                                                          \
  __extension__({                                                                                  \
    __typeof__ (*(pp)) stolen_ = *(pp);                                                            \
    *(pp) = NULL;                                                                                  \
    stolen_;                                                                                       \
  })
#define steal_fd(fdp)                                                                              \
  __extension__({                                                                                  \
    int stolen_fd_ = *(fdp);                                                                       \
    *(fdp) = -1;                                                                                   \
    stolen_fd_;                                                                                    \
  })

#endif

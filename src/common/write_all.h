/* Writing to an fd the caller hands over: every layer's output (the
   rendered spec, the explained plan, generated files) goes through it.  */
#ifndef OCI_SANDBOX_HOOK_WRITE_ALL_H
#define OCI_SANDBOX_HOOK_WRITE_ALL_H

#include <stddef.h>

/* Write all of BUF, retrying on EINTR; a short write is an error (EIO).
   Returns 0, or -1 with errno set.  */
int write_all (int fd, const void *buf, size_t len);

#endif

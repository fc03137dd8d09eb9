/* What a renderer writes to an fd, captured in memory (a memfd read back):
   the tests exercise the one output path the hook has.  */
#ifndef OCI_SANDBOX_HOOK_TEST_FD_CAPTURE_H
#define OCI_SANDBOX_HOOK_TEST_FD_CAPTURE_H

#include <sys/mman.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "safepath.h"

typedef int (*fd_renderer) (const void *arg, int fd, hook_error **err);

static inline int
capture_fd_output (fd_renderer render, const void *arg, char **out, size_t *len, hook_error **err)
{
  cleanup_close int fd = memfd_create ("rendered", MFD_CLOEXEC);
  if (fd < 0)
    return hook_fail (err, errno, "memfd_create");
  if (render (arg, fd, err) < 0)
    return -1;
  if (lseek (fd, 0, SEEK_SET) < 0)
    return hook_fail (err, errno, "lseek");
  return read_fd_bounded (fd, 64u << 20, out, len, err);
}

#endif

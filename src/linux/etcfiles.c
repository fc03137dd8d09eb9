#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "etcfiles.h"
#include "safepath.h"
#include "security_libs.h"

int
etcfile_install (int hook_dir_fd, const char *name, const char *content, size_t len,
                 const selinux_label *label, int *file_fd, hook_error **err)
{
  if (content == NULL)
    return hook_fail (err, EINVAL, "%s: no content planned", name);
  /* No temporary and rename: the directory is new, private and held under
     the bundle lock, and nothing reads the file before the bind is placed.  */
  cleanup_close int fd = openat2_fd (hook_dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW,
                                     0644, RESOLVE_STRICT_BENEATH);
  if (fd < 0)
    return hook_fail (err, errno, "create %s", name);
  if (write_all (fd, content, len) < 0)
    return hook_fail (err, errno, "write %s", name);
  if (label && label->lib->fsetfilecon (fd, label->context) < 0)
    return hook_fail (err, errno, "label %s with %s", name, label->context);
  *file_fd = steal_fd (&fd);
  return 0;
}

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "engine_files.h"
#include "safepath.h"

int
engine_dir_open_parent (const char *dir, const char *source, int *parent, const char **last,
                        hook_error **err)
{
  size_t n = strlen (dir);
  cleanup_close int dir_fd = -1;

  /* The plan matched SOURCE below DIR as text; checked again, since a
     wrong split would resolve something else below DIR.  */
  if (strncmp (source, dir, n) != 0 || source[n] != '/' || source[n + 1] == '\0')
    return hook_fail (err, EINVAL, "%s is not below %s", source, dir);
  if (open_trusted_directory (dir, &dir_fd, err) < 0)
    return hook_error_prefix (err, "policy key \"engine_dirs\": %s", dir);
  const char *rest = source + n + 1;
  const char *slash = strrchr (rest, '/');
  if (slash == NULL)
    {
      *parent = steal_fd (&dir_fd);
      *last = rest;
      return 0;
    }
  cleanup_free char *path = strndup (rest, (size_t)(slash - rest));
  if (path == NULL)
    return hook_fail (err, ENOMEM, "%s", source);
  int fd = openat2_fd (dir_fd, path, O_PATH | O_DIRECTORY, 0, RESOLVE_STRICT_BENEATH);
  if (fd < 0)
    return hook_fail (err, errno, "%s below %s%s", path, dir,
                      errno == ELOOP   ? " (a symlink: refused)"
                      : errno == EXDEV ? " (crosses a mount point: refused)"
                                       : "");
  *parent = fd;
  *last = slash + 1;
  return 0;
}

int
engine_file_read (const char *dir, const char *source, size_t max, char **out, size_t *len,
                  hook_error **err)
{
  cleanup_close int parent = -1;
  const char *last = NULL;
  struct stat seen, st;

  if (engine_dir_open_parent (dir, source, &parent, &last, err) < 0)
    return -1;
  /* Looked at before it is opened: opening a device node can act on the
     device (a tape rewinds, a watchdog arms), O_NONBLOCK or not.  */
  if (fstatat (parent, last, &seen, AT_SYMLINK_NOFOLLOW) < 0)
    return hook_fail (err, errno, "stat");
  if (S_ISLNK (seen.st_mode))
    return hook_fail (err, ELOOP, "open (a symlink: refused)");
  if (!S_ISREG (seen.st_mode))
    return hook_fail (err, 0, "not a regular file");
  cleanup_close int fd = openat2_fd (parent, last, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY, 0,
                                     RESOLVE_STRICT_BENEATH);
  if (fd < 0)
    return hook_fail (err, errno, "open%s",
                      errno == ELOOP   ? " (a symlink: refused)"
                      : errno == EXDEV ? " (a mount point: refused)"
                                       : "");
  if (fstat (fd, &st) < 0)
    return hook_fail (err, errno, "stat");
  if (!S_ISREG (st.st_mode) || st.st_dev != seen.st_dev || st.st_ino != seen.st_ino)
    return hook_fail (err, 0, "replaced while it was opened: refused");
  /* Engines write these files themselves: a second name is a file linked
     in from elsewhere.  */
  if (st.st_nlink != 1)
    return hook_fail (err, 0, "%lu hard links (the engine's file has one)",
                      (unsigned long)st.st_nlink);
  if (read_regular_sized (fd, &st, max, out, len, err) < 0)
    return hook_error_prefix (err, "%s", last);
  return 0;
}

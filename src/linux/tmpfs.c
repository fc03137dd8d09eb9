#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/mount.h>
#include <unistd.h>

#include "cleanup.h"
#include "tmpfs.h"

static int
set_string (int fs, const char *key, const char *value, hook_error **err)
{
  if (fsconfig (fs, FSCONFIG_SET_STRING, key, value, 0) < 0)
    return hook_fail (err, errno, "tmpfs option %s=%s", key, value);
  return 0;
}

int
tmpfs_create (const tmpfs_options *o, int *mount_fd, hook_error **err)
{
  char size_text[24], inodes_text[24];

  if (o->size == 0)
    return hook_fail (err, 0, "a tmpfs of size 0 would be unlimited");
  cleanup_close int fs = fsopen ("tmpfs", FSOPEN_CLOEXEC);
  if (fs < 0)
    return hook_fail (err, errno, "fsopen tmpfs");
  snprintf (size_text, sizeof size_text, "%" PRIu64, o->size);
  snprintf (inodes_text, sizeof inodes_text, "%" PRIu64, o->nr_inodes);
  if (set_string (fs, "source", o->source, err) < 0 || set_string (fs, "mode", o->mode, err) < 0
      || set_string (fs, "size", size_text, err) < 0
      || (o->nr_inodes && set_string (fs, "nr_inodes", inodes_text, err) < 0)
      || (o->label && set_string (fs, "context", o->label, err) < 0))
    return -1;
  if (fsconfig (fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return hook_fail (err, errno, "create tmpfs");
  int mnt = fsmount (fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
  if (mnt < 0)
    return hook_fail (err, errno, "fsmount tmpfs");
  *mount_fd = mnt;
  return 0;
}

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "container_mounts.h"
#include "nsenter.h"
#include "safepath.h"

static bool
same_object (const struct stat *a, dev_t dev, ino_t ino)
{
  return a->st_dev == dev && a->st_ino == ino;
}

static bool
statx_is (const struct statx *stx, dev_t dev, ino_t ino)
{
  return makedev (stx->stx_dev_major, stx->stx_dev_minor) == dev && stx->stx_ino == ino;
}

/* Open the parent directory PARENT of the targets below ROOT_FD: it must
   exist except for "etc", which a minimal rootfs may lack; nothing is ever
   created through a symlink.  */
static int
open_parent (int root_fd, const char *parent, hook_error **err)
{
  int dir = openat2_fd (root_fd, parent, O_PATH | O_DIRECTORY, 0, RESOLVE_ROOTFS);
  if (dir < 0 && errno == ENOENT && strcmp (parent, "etc") == 0)
    {
      if (mkdirat (root_fd, "etc", 0755) < 0 && errno != EEXIST)
        return hook_fail (err, errno, "rootfs /etc: create");
      dir = openat2_fd (root_fd, parent, O_PATH | O_DIRECTORY, 0, RESOLVE_ROOTFS);
    }
  if (dir < 0)
    return hook_fail (err, errno, "rootfs /%s%s", parent,
                      errno == ELOOP ? " (symlinks are refused)" : "");
  return dir;
}

#define RESOLVE_LEAF (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)

/* The target LEAF of M in DIR_FD, created when missing.  A file this run
   created is returned as it was opened to create it: the inode is new,
   and the mount goes onto it through that fd as through an O_PATH one.  */
static int
open_or_create_leaf (int dir_fd, const char *leaf, const container_mount *m, hook_error **err)
{
  int fd = openat2_fd (dir_fd, leaf, O_PATH | O_NOFOLLOW, 0, RESOLVE_LEAF);
  if (fd >= 0 || errno != ENOENT)
    return fd >= 0 ? fd : hook_fail (err, errno, "rootfs /%s", m->target);
  if (m->directory)
    {
      if (mkdirat (dir_fd, leaf, 01777) < 0 && errno != EEXIST)
        return hook_fail (err, errno, "rootfs /%s: create", m->target);
    }
  else
    {
      /* O_EXCL|O_NOFOLLOW: a symlink planted meanwhile is not followed. */
      int c
          = openat2_fd (dir_fd, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0644, RESOLVE_LEAF);
      if (c >= 0)
        return c;
      if (errno != EEXIST)
        return hook_fail (err, errno, "rootfs /%s: create", m->target);
    }
  fd = openat2_fd (dir_fd, leaf, O_PATH | O_NOFOLLOW, 0, RESOLVE_LEAF);
  return fd >= 0 ? fd : hook_fail (err, errno, "rootfs /%s", m->target);
}

/* Open the mount target M (its leaf LEAF in DIR_FD) to mount onto.  A
   mount there whose root is what an earlier run of the hook mounted (or
   what this run is about to mount: the host's /dev/shm under host IPC) is detached first, while
   there is one; then what is left must be what the hook mounts over.  */
static int
open_target (const container_placement *a, int dir_fd, const char *leaf, const container_mount *m,
             hook_error **err)
{
  for (int round = 0; round < 16; round++)
    {
      struct statx stx;
      cleanup_close int fd = open_or_create_leaf (dir_fd, leaf, m, err);
      if (fd < 0)
        return -1;
      if (statx (fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_TYPE | STATX_NLINK | STATX_INO,
                 &stx)
          < 0)
        return hook_fail (err, errno, "rootfs /%s: statx", m->target);
      bool ours = (m->earlier_ino && statx_is (&stx, m->earlier_dev, m->earlier_ino))
                  || statx_is (&stx, m->tree_dev, m->tree_ino);
      if (ours && (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)
          && (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT))
        {
          /* Through the hook's own procfs: the container's /proc, after
             pivot_root, belongs to a pid namespace the hook is not in.  */
          if (unmount_fd (a->host_proc_fd, fd, err) < 0)
            return hook_error_prefix (err, "rootfs /%s: detach the earlier run's mount", m->target);
          continue;
        }
      /* O_PATH|O_NOFOLLOW on a symlink yields the link itself: refuse it,
         and anything that is not what we mount over (a FIFO, a device, a
         file hard-linked elsewhere).  */
      const char *bad = NULL;
      if (S_ISLNK (stx.stx_mode))
        bad = "a symlink (refused)";
      else if (m->directory && !S_ISDIR (stx.stx_mode))
        bad = "not a directory";
      else if (!m->directory && !S_ISREG (stx.stx_mode))
        bad = "not a regular file";
      else if (!m->directory && stx.stx_nlink == 0)
        bad = "a deleted file still mounted there (an earlier run's mount?): refused";
      else if (!m->directory && stx.stx_nlink != 1)
        bad = "a file with several hard links (refused)";
      if (bad)
        return hook_fail (err, 0, "rootfs /%s: %s", m->target, bad);
      return steal_fd (&fd);
    }
  return hook_fail (err, 0, "rootfs /%s: still mounted by an earlier run after 16 detaches",
                    m->target);
}

int
container_placement_run (void *arg, hook_error **err)
{
  container_placement *a = arg;
  cleanup_close int root_fd
      = a->pivoted
            ? openat2_fd (a->root_fd, ".", O_PATH | O_DIRECTORY, 0, RESOLVE_NO_MAGICLINKS)
            : openat2_fd (AT_FDCWD, a->rootfs, O_PATH | O_DIRECTORY, 0, RESOLVE_NO_MAGICLINKS);
  cleanup_close int dir_fd = -1;
  char dir[64] = "";

  if (root_fd < 0)
    return hook_fail (err, errno, "open the rootfs %s in the container's mount namespace",
                      a->rootfs);
  for (size_t i = 0; i < a->n; i++)
    {
      const container_mount *m = &a->mounts[i];
      const char *slash = strrchr (m->target, '/');
      size_t dir_len = slash ? (size_t)(slash - m->target) : 0;
      if (slash == NULL || dir_len >= sizeof dir)
        return hook_fail (err, EINVAL, "mount target %s", m->target);
      /* Targets sharing a parent (etc/...) share its lookup.  */
      if (dir_fd < 0 || strncmp (dir, m->target, dir_len) != 0 || dir[dir_len] != '\0')
        {
          memcpy (dir, m->target, dir_len);
          dir[dir_len] = '\0';
          if (dir_fd >= 0)
            close (dir_fd);
          dir_fd = open_parent (root_fd, dir, err);
          if (dir_fd < 0)
            return -1;
        }
      cleanup_close int target_fd = open_target (a, dir_fd, slash + 1, m, err);
      if (target_fd < 0)
        return -1;
      if (move_mount (m->tree_fd, "", target_fd, "",
                      MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH)
          < 0)
        return hook_fail (err, errno, "mount onto rootfs /%s", m->target);
    }
  return 0;
}

int
container_placement_prepare (const target_process *p, const char *rootfs,
                             const container_mount *mounts, size_t n, container_placement *out,
                             hook_error **err)
{
  struct stat host_rootfs, target_root;

  memset (out, 0, sizeof *out);
  out->root_fd = out->host_proc_fd = -1;
  if (n > CONTAINER_MOUNTS_MAX)
    return hook_fail (err, E2BIG, "too many container mounts");
  /* Has the container pivoted already?  Then its root is the rootfs and
     the rootfs path means nothing (or something else) inside.  */
  cleanup_close int rootfs_fd
      = openat2_fd (AT_FDCWD, rootfs, O_PATH | O_DIRECTORY, 0, RESOLVE_NO_MAGICLINKS);
  if (rootfs_fd < 0 || fstat (rootfs_fd, &host_rootfs) < 0)
    return hook_fail (err, errno, "open the rootfs %s", rootfs);
  /* The magic link of the pidfd-checked process: followed on purpose.  */
  out->root_fd = openat (p->proc_fd, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (out->root_fd < 0 || fstat (out->root_fd, &target_root) < 0)
    return hook_fail (err, errno, "open /proc/%d/root", (int)p->pid);
  out->host_proc_fd = p->procfs_fd;
  out->pivoted = same_object (&target_root, host_rootfs.st_dev, host_rootfs.st_ino);
  out->rootfs = rootfs;
  out->mounts = mounts;
  out->n = n;
  return 0;
}

size_t
container_placement_fds (const container_placement *a, int *fds)
{
  size_t n = 0;
  for (size_t i = 0; i < a->n; i++)
    fds[n++] = a->mounts[i].tree_fd;
  fds[n++] = a->root_fd;
  fds[n++] = a->host_proc_fd;
  return n;
}

void
container_placement_release (container_placement *a)
{
  if (a->root_fd >= 0)
    close (a->root_fd);
  a->root_fd = a->host_proc_fd = -1;
}

int
clone_file_bind (int fd, bool read_only, int *tree_fd, hook_error **err)
{
  /* rw is cleared explicitly: the clone starts with the flags of the
     mount the file lives on.  */
  struct mount_attr attr = {
    .attr_set = (read_only ? MOUNT_ATTR_RDONLY : 0) | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV
                | MOUNT_ATTR_NOEXEC,
    .attr_clr = read_only ? 0 : MOUNT_ATTR_RDONLY,
  };
  cleanup_close int tree = open_tree (fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
  if (tree < 0)
    return hook_fail (err, errno, "clone a bind mount");
  if (mount_setattr (tree, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
    return hook_fail (err, errno, "set the flags of a bind mount");
  *tree_fd = steal_fd (&tree);
  return 0;
}

void
mount_set_release (mount_set *set)
{
  for (size_t i = 0; i < set->n; i++)
    if (set->m[i].tree_fd >= 0)
      close (set->m[i].tree_fd);
  set->n = 0;
}

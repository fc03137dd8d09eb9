/* Placing the hook's mounts inside the container (docs/architecture.md,
   "The flow of one container").  At createRuntime runc and crun have done the
   config.json mounts in the container's mount namespace and not yet
   pivoted: a child joins that namespace by pidfd, resolves each target
   inside the rootfs (RESOLVE_IN_ROOT, no symlinks at all: docs/security.md, threat 9),
   checks what it found, and moves a detached mount (cloned on the host
   side before the join, as later host mounts do not propagate there) onto
   it.  A container that has already pivoted (the hook run again by hand
   after `runc create`) is recognised by its /proc/PID/root being the
   rootfs, and its root is used directly.  A mount an earlier run of the
   hook placed at a target is detached first: a rerun replaces, it never
   stacks (docs/security.md, threat 18).  */
#ifndef OCI_SANDBOX_HOOK_CONTAINER_MOUNTS_H
#define OCI_SANDBOX_HOOK_CONTAINER_MOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "error.h"
#include "process.h"

typedef struct container_mount
{
  int tree_fd;        /* detached mount (open_tree CLONE or fsmount) */
  const char *target; /* inside the rootfs, relative: "dev/shm", "etc/hosts" */
  bool directory;     /* target is a directory (else a regular file) */
  /* What TREE_FD mounts (its root's identity), as its maker knows it.  */
  dev_t tree_dev;
  ino_t tree_ino;
  /* The root of what an earlier run of the hook mounted here (its file or
     tmpfs, identified before that run was undone), or 0/0.  A mount at the
     target with this identity, or with the identity of TREE_FD itself, is
     detached before TREE_FD is placed.  */
  dev_t earlier_dev;
  ino_t earlier_ino;
} container_mount;

#define CONTAINER_MOUNTS_MAX 8

/* Mounts being prepared, whose tree fds are closed when it goes.  */
typedef struct mount_set
{
  container_mount m[CONTAINER_MOUNTS_MAX];
  size_t n;
} mount_set;

void mount_set_release (mount_set *set);
#define cleanup_mount_set __attribute__ ((cleanup (mount_set_release)))

/* The placement as a step of a shared namespace child (nsenter.h):
   prepared on the host side, run after setns (CLONE_NEWNS), released in the
   parent.  */
typedef struct container_placement
{
  const char *rootfs;
  bool pivoted;     /* the target's root already is the rootfs */
  int root_fd;      /* the target's /proc/PID/root, opened on the host side */
  int host_proc_fd; /* the hook's procfs (borrowed): /proc in the container may be another */
  const container_mount *mounts;
  size_t n;
} container_placement;

int container_placement_prepare (const target_process *p, const char *rootfs,
                                 const container_mount *mounts, size_t n, container_placement *out,
                                 hook_error **err);
int container_placement_run (void *placement, hook_error **err);
/* The fds the child must keep (at most CONTAINER_MOUNTS_MAX + 2) into FDS.  */
size_t container_placement_fds (const container_placement *placement, int *fds);
void container_placement_release (container_placement *placement);
#define cleanup_placement __attribute__ ((cleanup (container_placement_release)))

/* A detached bind mount of the file FD (an O_PATH fd) names: nosuid,
   nodev, noexec, and read-only or read-write as asked.  */
int clone_file_bind (int fd, bool read_only, int *tree_fd, hook_error **err);

#endif

/* The container's init process, bound by pidfd (docs/security.md, threat 5): a pid the
   runtime reported may die and be recycled while the hook runs; every
   later access goes through the pidfd (setns) or through a /proc/PID
   directory fd opened while the pidfd proved the process alive, which
   the kernel invalidates (ESRCH) when that process exits.  */
#ifndef OCI_SANDBOX_HOOK_PROCESS_H
#define OCI_SANDBOX_HOOK_PROCESS_H

#include <stdint.h>
#include <sys/types.h>

#include "error.h"

typedef struct target_process
{
  pid_t pid;
  int pidfd;
  int proc_fd;   /* O_PATH|O_DIRECTORY on /proc/PID */
  int procfs_fd; /* the hook's /proc, checked to be procfs, for everyone to borrow */
  /* O_PATH on /proc/thread-self/ns: the hook's own namespaces.  A link
     there is read when it is used: after a setns it names the namespace
     joined (the way back checks that it came back through it).  */
  int own_ns_fd;
} target_process;

#define TARGET_PROCESS_INIT                                                                        \
  {                                                                                                \
    0, -1, -1, -1, -1                                                                              \
  }

/* O_PATH on PROCFS_FD's thread-self/ns: the hook's own namespaces, read
   through it at each use.  */
int open_own_namespaces (int procfs_fd, int *out, hook_error **err);

/* Bind P to the live process PID.  PROCFS_FD: when not NULL, a checked
   /proc (open_procfs) P takes over, *PROCFS_FD then -1; when NULL or -1,
   P opens its own.  */
int target_process_open (pid_t pid, int *procfs_fd, target_process *p, hook_error **err);
/* Still the same, live process?  */
int target_process_check_alive (const target_process *p, hook_error **err);
void target_process_close (target_process *p);

/* The start time of the process of PROC_PID_FD (/proc/PID/stat field 22,
   clock ticks since boot): with the pid, what names one process for good
   (a recycled pid starts later).  */
int process_start_time (int proc_pid_fd, uint64_t *out, hook_error **err);
/* The nsfs inode of the namespace the /proc link PATH (below DIRFD) names,
   TYPE its kind ("net", "mnt", ...), read from the link's text
   ("net:[4026531840]") instead of by stat: a stat of a namespace link
   makes the kernel build an nsfs dentry and inode that it frees again as
   the stat returns (about 3 us each here), the text is formatted from the
   namespace itself.  Same access check as a stat (ptrace read access).
   Every namespace lives on the one nsfs: two such inodes are the same
   namespace when they are equal; against a stat, compare the device with
   nsfs's too.  */
int namespace_inode_at (int dirfd, const char *path, const char *type, uint64_t *ino,
                        hook_error **err);
#define cleanup_target_process __attribute__ ((cleanup (target_process_close)))

#endif

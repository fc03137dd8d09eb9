/* The node's pod registry: one file per sandbox in the policy's state_dir
   (default /run/oci-sandbox-hook, a tmpfs: it empties at boot, with the
   pods), named by the sandbox's id, so that a member finds its sandbox
   with one open whatever the number of pods.  The directory is root's,
   0700, reached through root-owned directories only; an entry is a
   root-owned 0600 regular file with one link, at most 16 KiB, or it is
   refused as planted.  Entries appear whole or not at all (an unnamed
   O_TMPFILE file linked under its name; a temporary ".NAME.tmp" and a
   rename to replace a stale one); writers take turns under an flock of the
   directory, so that what an entry was judged to be is what is replaced
   or removed.  An entry whose process is gone (or whose pid now names
   another process) is stale: never trusted, and removed by whoever finds
   it.  docs/security.md, threat 23.  */
#ifndef OCI_SANDBOX_HOOK_REGISTRY_H
#define OCI_SANDBOX_HOOK_REGISTRY_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "pod_entry.h"

typedef struct pod_registry
{
  int dir_fd;    /* O_PATH on the state directory */
  int procfs_fd; /* the checked /proc the liveness checks read, opened at the first */
  char *path;    /* the state directory, for messages (malloc'ed) */
  /* procfs_fd is the caller's (pod_registry_lend_procfs), not closed.  */
  bool procfs_lent;
} pod_registry;

#define POD_REGISTRY_INIT                                                                          \
  {                                                                                                \
    .dir_fd = -1, .procfs_fd = -1                                                                  \
  }

/* Open STATE_DIR (absolute).  With CREATE, a missing directory is made
   (0700, below a trusted parent); without, a missing one fails with
   errno_value ENOENT (no sandbox was ever registered).  */
int pod_registry_open (const char *state_dir, bool create, pod_registry *reg, hook_error **err);
void pod_registry_close (pod_registry *reg);
/* Have REG's liveness checks read PROCFS_FD (a checked /proc the caller
   already holds and keeps open longer than REG; -1: none), instead of one
   REG opens at its first check.  */
void pod_registry_lend_procfs (pod_registry *reg, int procfs_fd);
#define cleanup_pod_registry __attribute__ ((cleanup (pod_registry_close)))

/* File ENTRY under NAME.  An entry of NAME that another live sandbox
   holds (another bundle) is never replaced: a sandbox cannot take over
   another pod's name.  A stale one is.  */
int pod_registry_add (pod_registry *reg, const char *name, const pod_entry *entry,
                      hook_error **err);

typedef enum pod_lookup
{
  POD_FOUND,
  POD_NOT_REGISTERED,
  POD_STALE,
} pod_lookup;

/* Read NAME's entry into ENTRY and say whether its sandbox lives.  A
   planted or damaged entry is an error.  A stale one is removed when
   SWEEP.  */
int pod_registry_lookup (pod_registry *reg, const char *name, bool sweep, pod_entry *entry,
                         pod_lookup *result, hook_error **err);

/* Does the process ENTRY records still live, and is it the same process
   (its start time: a recycled pid starts later), still holding the IPC,
   UTS and network namespaces it registered (an exited init not yet reaped
   holds none)?  PROCFS_FD: a checked /proc (open_procfs).  */
int pod_entry_alive (int procfs_fd, const pod_entry *entry, bool *alive, hook_error **err);

/* Remove NAME when its entry is the one of the sandbox in BUNDLE with PID
   (a later sandbox under the same name keeps its entry).  Nothing there is
   success.  */
int pod_registry_remove (pod_registry *reg, const char *name, const char *bundle, int pid,
                         hook_error **err);

/* The names of every entry (malloc'ed, sorted; free them with cleanup.h's
   free_strings).  */
int pod_registry_list (pod_registry *reg, char ***names, size_t *n, hook_error **err);

#endif

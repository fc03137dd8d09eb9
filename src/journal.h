/* The hook's directory in the bundle and its journal (THREATS.md pattern
   6).  createRuntime records each step *before* doing it: the journal is
   the audit record of a run, and its presence says a run happened.  Undo
   does not need to replay it: every host-side effect the hook can make
   lives under a fixed name in its own directory (the shm tmpfs, the three
   /etc files and their temporaries), so journal_undo sweeps exactly those,
   whatever point a run died at (an error, a deadline, SIGKILL).  It is
   idempotent; poststop and the rollback of a failed createRuntime both run
   it.  In-container mounts need no undo: they die with the container.  */
#ifndef OCI_SANDBOX_HOOK_JOURNAL_H
#define OCI_SANDBOX_HOOK_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define HOOK_DIR_NAME "oci-sandbox-hook"
#define HOOK_SHM_DIR  "shm"
#define JOURNAL_NAME  "journal"

/* The files createRuntime generates in the hook directory.  */
#define HOOK_FILE_HOSTNAME    "hostname"
#define HOOK_FILE_HOSTS       "hosts"
#define HOOK_FILE_RESOLV_CONF "resolv.conf"
#define HOOK_N_FILES          3
extern const char *const hook_files[HOOK_N_FILES];

typedef struct journal
{
  int fd;
} journal;

/* Create BUNDLE_FD/oci-sandbox-hook (0700, must not exist) and open its
   journal; *HOOK_DIR_FD receives an O_PATH fd of the directory.  */
int journal_begin (int bundle_fd, journal *j, int *hook_dir_fd, hook_error **err);
int journal_record (journal *j, const char *entry, hook_error **err);
void journal_close (journal *j);

/* Undo everything under BUNDLE_FD/oci-sandbox-hook: detach every tmpfs
   stacked on shm/, remove the generated files, the journal and the
   directories.  Nothing there is success.  *UNDONE (optional) receives a
   short summary for the log.  */
int journal_undo (int bundle_fd, char *undone, size_t undone_size, hook_error **err);

#endif

/* The hook's directory in a bundle, BUNDLE/oci-sandbox-hook/: a small
   tmpfs of its own (root's, 0700, 4 MiB, 16 inodes) holding the pod's
   generated /etc files, the shm directory the pod's /dev/shm tmpfs is
   mounted on, and the record of the run that made them.  A tmpfs because
   the binds of its files into containers are cloned from a mount with no
   other mounts below it (cloning a file of a file system that holds a
   node's hundreds of pod mounts costs in proportion to them), because
   undoing it is one detach whatever it holds, and because what containers
   write through the binds is bounded.  createRuntime writes each step to
   the record *before* doing it: the record says what a run did (and that
   one happened), for the operator and for audits.  Undo does not replay
   it: every host-side effect the hook can make lives here under fixed
   names, or in the registry the pod note names, so hook_dir_sweep removes
   exactly those, whatever point a run died at (an error, its deadline,
   SIGKILL).  It is idempotent; poststop and the rollback of a failed
   createRuntime both run it.  In-container mounts need no undo: they die
   with the container.  */
#ifndef OCI_SANDBOX_HOOK_HOOK_DIR_H
#define OCI_SANDBOX_HOOK_HOOK_DIR_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "pod_entry.h"

#define HOOK_DIR_NAME         "oci-sandbox-hook"
#define HOOK_DIR_TMPFS_SIZE   (4u << 20) /* three files of at most 1 MiB, the record, the note */
#define HOOK_DIR_TMPFS_INODES 16
#define HOOK_SHM_DIR          "shm"
#define RECORD_NAME           "record"
#define POD_NOTE_NAME         "pod" /* what the sandbox registered (pod_registration) */

/* The files createRuntime generates in the hook directory.  */
#define HOOK_FILE_HOSTNAME    "hostname"
#define HOOK_FILE_HOSTS       "hosts"
#define HOOK_FILE_RESOLV_CONF "resolv.conf"
#define HOOK_N_FILES          3
extern const char *const hook_files[HOOK_N_FILES];

typedef struct run_record
{
  int fd;
} run_record;

/* Create BUNDLE_FD/oci-sandbox-hook (0700, must not exist), mount its
   tmpfs and create the record; *HOOK_DIR_FD receives the tmpfs root.  */
int hook_dir_create (int bundle_fd, run_record *record, int *hook_dir_fd, hook_error **err);

/* Open BUNDLE_FD/oci-sandbox-hook, checked to be the hook's: root's,
   0700.  A bundle without one is an answer, not an error (most bundles
   have none when their createRuntime starts, and a member's has none at
   its poststop): 0 with *HOOK_DIR_FD -1, no error formatted.  */
int hook_dir_open (int bundle_fd, int *hook_dir_fd, hook_error **err);

/* Append the line "STEP DETAIL" (DETAIL may be NULL) to the record.  STEP
   is one of the step names the fault injection knows (fault.h).  */
int run_record_add (run_record *record, const char *step, const char *detail, hook_error **err);
void run_record_close (run_record *record);

/* Note REGISTRATION in the hook directory, before the registry is
   written: a run killed in between is still swept of its entries.  */
int hook_dir_note_registration (int hook_dir_fd, const pod_registration *registration,
                                hook_error **err);

/* Remove everything under BUNDLE_FD/oci-sandbox-hook: the registry
   entries the pod note names (only the ones still this sandbox's), then
   detach its tmpfs (every one stacked there) and remove the directory;
   a directory of the earlier layout (files and a shm tmpfs straight in
   it) is emptied file by file.  Nothing there is success.  *DONE
   (optional) receives a short summary for the log.  When the registry
   cannot be reached, the rest is still removed, then that error is
   returned.  */
int hook_dir_sweep (int bundle_fd, char *done, size_t done_size, hook_error **err);

#endif

/* The installer's record of what it did on a host
   (/var/lib/oci-sandbox-hook/install/record.json): every directory it
   created, every file it created or changed with the digest of the bytes
   it wrote, and for a changed file the name of the original it kept.  It
   is written before any file is touched, so that an install cut short is
   undone as well as a finished one; uninstall reads it to restore each
   file byte for byte, and leaves alone what someone changed since.  */
#ifndef OCI_SANDBOX_HOOK_INSTALL_RECORD_H
#define OCI_SANDBOX_HOOK_INSTALL_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "sha256.h"

#define INSTALL_STATE_DIR     "/var/lib/oci-sandbox-hook/install"
#define INSTALL_RECORD_NAME   "record.json"
#define INSTALL_ORIGINALS     "originals"
#define INSTALL_RECORD_MAX    (1u << 20)
#define INSTALL_RECORD_FORMAT 1

typedef enum record_type
{
  RECORD_FILE,
  RECORD_SYMLINK,
  RECORD_DIRECTORY,
} record_type;

typedef struct record_entry
{
  char *path; /* absolute, on the host */
  record_type type;
  bool created;                 /* false: a file that was there, changed */
  char sha256[SHA256_HEX_SIZE]; /* RECORD_FILE: of the bytes installed */
  char *target;                 /* RECORD_SYMLINK */
  /* A changed file: its original, kept as INSTALL_ORIGINALS/ORIGINAL, and
     what it was.  */
  char *original;
  char original_sha256[SHA256_HEX_SIZE];
  uint32_t mode, uid, gid;
  char *restart; /* the unit that reads it ("containerd.service"), or NULL */
} record_entry;

typedef struct install_record
{
  char *prefix;
  char *runtime; /* the runtime the wrapper chains to, or NULL */
  unsigned engines;
  record_entry *entries;
  size_t n_entries;
  /* Written by an uninstall that kept files live containers still call:
     no engine names them; a later uninstall (or an install to another
     prefix) removes them once nothing does.  */
  bool uninstalled;
} install_record;

void install_record_clear (install_record *rec);
#define cleanup_install_record __attribute__ ((cleanup (install_record_clear)))

/* Parse and check a record: every path clean and absolute, every digest
   64 hex digits, every original a plain file name.  */
int install_record_parse (const char *buf, size_t len, install_record *rec, hook_error **err);
/* The record as JSON (indented, a newline at the end).  */
int install_record_render (const install_record *rec, char **out, size_t *len, hook_error **err);

/* Append E (the record owns its strings afterwards, even on error).  */
int install_record_add (install_record *rec, record_entry *e, hook_error **err);
record_entry *install_record_find (const install_record *rec, const char *path);
void record_entry_clear (record_entry *e);

/* What a path of the host is now, for uninstall.  */
typedef enum found_type
{
  FOUND_ABSENT,
  FOUND_FILE,
  FOUND_SYMLINK,
  FOUND_DIRECTORY,
  FOUND_OTHER,
} found_type;

typedef struct found_state
{
  found_type type;
  char sha256[SHA256_HEX_SIZE]; /* FOUND_FILE */
  char *target;                 /* FOUND_SYMLINK */
  bool names_prefix;            /* FOUND_FILE: its bytes name the install prefix */
} found_state;

typedef enum undo_action
{
  UNDO_NOTHING,     /* already as before the install */
  UNDO_REMOVE,      /* the installer's file or symlink, unchanged: remove it */
  UNDO_RESTORE,     /* the installer's version of a changed file: put the original back */
  UNDO_RMDIR,       /* a directory the installer created: remove it when empty */
  UNDO_KEEP,        /* changed by someone else since: left as it is */
  UNDO_KEEP_NAMED,  /* the installer's, but a kept file names it: stays */
  UNDO_KEEP_IN_USE, /* the installer's, but live containers still call or read it: stays */
} undo_action;

typedef struct undo_step
{
  undo_action action;
  const char *why; /* for the operator (static) */
} undo_step;

/* What uninstall does with each entry of REC, given what each path is now
   (STATES[i] for REC->entries[i]).  A file changed since the install is
   kept; and while a kept file still names the prefix (an engine
   configuration pointing at the wrapper), the binary, the wrapper and the
   prefix directory stay too, so that the engine keeps working.  */
void install_record_undo_plan (const install_record *rec, const found_state *states,
                               undo_step *steps);

/* Whether entry I of REC is what a live container started while the hook
   was installed may still need: the binary and the wrapper's link (below
   the prefix), the node policy at POLICY_PATH (which the wrapper reads at
   every call, for the runtime it execs), and the directories above them
   that the install made.  uninstall decides these last, after the
   engines' configurations are back and the engines restarted.  */
bool install_record_serves_containers (const install_record *rec, size_t i,
                                       const char *policy_path);

/* Whether STEPS would remove or restore one of those entries: only then
   does uninstall look for live containers.  */
bool install_record_removes_served (const install_record *rec, const char *policy_path,
                                    const undo_step *steps);

/* N_USERS live containers still name the install's prefix (N_USERS > 0):
   every entry install_record_serves_containers names that STEPS would
   remove, restore or rmdir stays (UNDO_KEEP_IN_USE), in the record, until
   a later uninstall finds none.  Returns how many entries it marked.  */
size_t install_record_keep_in_use (const install_record *rec, const char *policy_path,
                                   size_t n_users, undo_step *steps);

#endif

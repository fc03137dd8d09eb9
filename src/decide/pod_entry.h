/* A sandbox's entry in the node's pod registry: what a member needs to
   find its sandbox and to prove that it belongs to it.  The sandbox's
   createRuntime writes one (linux/registry.c) after everything else
   succeeded; a member's createRuntime reads it, checks that its process
   still lives, and compares its own namespaces with the ones recorded
   here.  This module holds the format: encoding and strict decoding.  */
#ifndef OCI_SANDBOX_HOOK_POD_ENTRY_H
#define OCI_SANDBOX_HOOK_POD_ENTRY_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "json.h"
#include "names.h"

/* A name the registry files an entry under (the sandbox's OCI id, or the
   sandbox id its annotations give): the container id grammar, short
   enough to be a file name.  */
#define POD_NAME_MAX        200
#define POD_ENTRY_MAX_BYTES (16u << 10)
#define POD_ENTRY_VERSION   1

/* The names a sandbox registers under: its OCI id and the (distinct)
   sandbox ids its own annotations give under member_match's keys.  */
#define POD_MAX_NAMES 4

/* A file or namespace identity: st_dev and st_ino.  */
typedef struct file_identity
{
  uint64_t dev, ino;
} file_identity;

typedef enum pod_shm_kind
{
  POD_SHM_NONE, /* the sandbox has no pod /dev/shm (policy, or the engine's) */
  POD_SHM_TMPFS,
  POD_SHM_HOST, /* host IPC: the host's /dev/shm */
} pod_shm_kind;

/* The generated /etc files a sandbox may have, in this order.  */
typedef enum pod_file
{
  POD_FILE_HOSTNAME,
  POD_FILE_HOSTS,
  POD_FILE_RESOLV_CONF,
  POD_N_FILES
} pod_file;

/* The file's name in the hook directory, and its destination.  */
const char *pod_file_name (pod_file f);
const char *pod_file_destination (pod_file f);

/* The strings are borrowed, as in pod_registration below: a sandbox
   registering points them at its own id and bundle; the decoder at the
   document it keeps in DOC, which pod_entry_clear frees.  */
typedef struct pod_entry
{
  const char *id; /* the sandbox's OCI id */
  const char *bundle;
  int pid;
  uint64_t start_time; /* /proc/PID/stat field 22: a recycled pid differs */
  file_identity ns_ipc, ns_uts, ns_net;
  pod_shm_kind shm;
  file_identity shm_root; /* the tmpfs (POD_SHM_TMPFS) */
  uint64_t shm_size;
  bool has_file[POD_N_FILES];
  file_identity files[POD_N_FILES];
  json_doc *doc;
} pod_entry;

/* What a sandbox's createRuntime registered, noted in its hook directory
   so that poststop removes exactly that, whatever the policy says by then
   (its state_dir may have changed).  The strings are borrowed, not
   PATH_MAX buffers (the registration sits on the stack of the deepest
   calls of a sandbox's createRuntime and of its poststop, where each page
   is a fault): an encoder's caller points them at its own; the decoder at
   the document it keeps in DOC, which pod_registration_clear frees.  */
typedef struct pod_registration
{
  const char *state_dir;
  const char *bundle;
  int pid;
  size_t n_names;
  const char *names[POD_MAX_NAMES];
  json_doc *doc;
} pod_registration;

int pod_registration_encode (const pod_registration *r, char **out, size_t *len, hook_error **err);
int pod_registration_decode (const char *buf, size_t len, pod_registration *r, hook_error **err);
void pod_registration_clear (pod_registration *r);
#define cleanup_pod_registration __attribute__ ((cleanup (pod_registration_clear)))

/* Is NAME one the registry can file an entry under?  */
int pod_name_validate (const char *name, hook_error **err);

/* ENTRY as JSON (malloc'ed, NUL-terminated).  */
int pod_entry_encode (const pod_entry *entry, char **out, size_t *len, hook_error **err);

/* Parse an entry strictly: unknown keys, wrong types, a bad id or bundle
   path are errors naming the field.  ENTRY must hold no document (fresh,
   or cleared); on success it keeps one, and is empty on failure.  */
int pod_entry_decode (const char *buf, size_t len, pod_entry *entry, hook_error **err);
void pod_entry_clear (pod_entry *entry);
#define cleanup_pod_entry __attribute__ ((cleanup (pod_entry_clear)))

#endif

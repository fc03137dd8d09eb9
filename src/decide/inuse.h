/* Who still calls what `install` put on a host: the live containers whose
   runtime state names the install's prefix.  A container started while the
   hook was installed keeps calling it after an uninstall: containerd's runc
   shim runs the BinaryName it was created with (the wrapper) for kill,
   delete, state and exec, and runc or crun run the hook entries the
   wrapper (or podman's hooks.d) put in the container's config at delete
   (its poststop).  uninstall keeps the binary, the wrapper's link and the
   policy they read while such a container lives (install_record.h,
   UNDO_KEEP_IN_USE).

   This module is the pure half: where the engines keep that state (from
   their configurations, through a host_view), what each state file names,
   and the list of users.  linux/inuse_scan.c reads the files, bounded and
   without following symlinks.  Everything read is untrusted input
   (docs/security.md, threat 27): a file that cannot be read or parsed
   counts as in use, never as an error of the uninstall.  */
#ifndef OCI_SANDBOX_HOOK_INUSE_H
#define OCI_SANDBOX_HOOK_INUSE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "host_view.h"

/* The state files read, and their formats.  */
typedef enum inuse_format
{
  /* containerd's task bundle STATE/io.containerd.runtime.v2.task/NS/ID/:
     "runtime", the runc shim's BinaryName as written (no newline; empty:
     runc), and "options.json", the shim's options as JSON
     ({"binary_name": ...}); containerd 1.6, 1.7 and 2.x write both.  */
  INUSE_CONTAINERD_RUNTIME,
  INUSE_CONTAINERD_OPTIONS,
  /* runc's ROOT/ID/state.json: the container's config with its hooks,
     config.Hooks.STAGE[].path (runc 1.1 writes "Hooks").  */
  INUSE_RUNC_STATE,
  /* crun's ROOT/ID/config.json: a copy of the bundle's config.json, whose
     hooks.STAGE[].path crun runs at delete.  */
  INUSE_OCI_CONFIG,
} inuse_format;

/* runc's state.json and crun's config.json hold a container's whole
   config: as large as the largest config.json the hook takes
   (SPEC_MAX_BYTES).  Larger counts as in use.  */
#define INUSE_STATE_MAX_BYTES ((size_t)16 << 20)
/* A task bundle's runtime and options.json.  */
#define INUSE_SMALL_MAX_BYTES ((size_t)64 << 10)
/* Hook entries (or binaries) one state file may name.  */
#define INUSE_MAX_PATHS 256
/* Entries read of one state directory (a node runs a few hundred
   containers): a directory with more counts as in use.  */
#define INUSE_MAX_ENTRIES 16384
/* State files read in one scan, all directories together.  */
#define INUSE_MAX_FILES 65536
/* Users listed by name in uninstall's output.  */
#define INUSE_MAX_LISTED 10

const char *inuse_format_name (inuse_format format);

/* The executables the state file BUF names (each a malloc'ed string in
   *PATHS, *N of them): absolute paths only (a relative BinaryName is a
   name the shim looks up in PATH).  A file that is not what FORMAT says
   is an error saying why.  Free them with free_strings.  */
int inuse_named_paths (inuse_format format, const char *buf, size_t len, char ***paths, size_t *n,
                       hook_error **err);

/* Whether PATH is DIR or below it, lexically (both clean and absolute).  */
bool inuse_path_below (const char *path, const char *dir);

/* A live container that still calls (or may call) the install's files.  */
typedef struct inuse_user
{
  char *engine; /* "containerd", "runc", "crun" */
  char *id;     /* its state directory's name (containerd: NS/ID) */
  char *file;   /* the state file, as a host path */
  char *reason; /* what it calls, or why the file counts though unread */
  bool damaged; /* unread or unparsed: counted as in use */
} inuse_user;

typedef struct inuse_users
{
  inuse_user *items;
  size_t n;
  size_t containers; /* distinct ids among them */
} inuse_users;

void inuse_users_clear (inuse_users *users);
#define cleanup_inuse_users __attribute__ ((cleanup (inuse_users_clear)))

/* Add one (the strings are copied).  A container seen twice (containerd's
   task and runc's state of the same id) is listed once, with its first
   reason; a damaged file is always listed, and counts as a container of
   its own.  */
int inuse_users_add (inuse_users *users, const char *engine, const char *id, const char *file,
                     const char *reason, bool damaged, hook_error **err);

/* Where the state is, from the defaults and the host's configurations.  */
typedef struct inuse_locations
{
  /* containerd's state directories (its task bundles below them).  */
  char **task_dirs;
  size_t n_task_dirs;
  /* runc roots with a namespace level, ROOT/NS/ID (containerd's shim).  */
  char **ns_roots;
  size_t n_ns_roots;
  /* runc and crun roots, ROOT/ID.  */
  char **roots;
  size_t n_roots;
  /* A configuration that could not be read, and what is read instead.  */
  char **notes;
  size_t n_notes;
} inuse_locations;

void inuse_locations_clear (inuse_locations *loc);
#define cleanup_inuse_locations __attribute__ ((cleanup (inuse_locations_clear)))

/* The defaults (containerd's /run/containerd and its shim's
   /run/containerd/runc, runc's /run/runc, crun's /run/crun: also podman's
   and CRI-O's defaults as root), and what the host's configurations name:
   containerd's `state` and its default runtime's options.Root, CRI-O's
   default runtime's runtime_root.  A configuration that cannot be read
   adds a note, not an error: the defaults are read all the same.  */
int inuse_locations_build (const host_view *view, inuse_locations *loc, hook_error **err);

/* (engine_containerd.c, engine_crio.c) What each engine's configuration
   says; NULL where it says nothing.  */
int containerd_state_locations (const host_view *view, char **state, char **runc_root,
                                hook_error **err);
int crio_runtime_root (const host_view *view, char **root, hook_error **err);

#endif

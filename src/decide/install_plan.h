/* The installer's decisions (`oci-sandbox-hook install`): which engines a
   node has, and the exact bytes of every file that wires the hook into
   them.  Pure: it reads the host through a host_view (as it was before the
   installer changed anything) and returns the files as they must be; the
   stage compares them with the host, keeps the originals and writes.  The
   same host gives the same bytes on every run, which makes a second run
   change nothing.  docs/installer-toml.md has the engines' rules.  */
#ifndef OCI_SANDBOX_HOOK_INSTALL_PLAN_H
#define OCI_SANDBOX_HOOK_INSTALL_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "host_view.h"

typedef enum install_engine
{
  ENGINE_CONTAINERD = 1 << 0,
  ENGINE_CRIO = 1 << 1,
  ENGINE_PODMAN = 1 << 2,
} install_engine;
#define ENGINE_ALL (ENGINE_CONTAINERD | ENGINE_CRIO | ENGINE_PODMAN)

const char *install_engine_name (install_engine engine);
/* "containerd,crio,podman" (any order, no repeats) into a mask.  */
int install_engines_parse (const char *list, unsigned *mask, hook_error **err);

/* The names, under the prefix, of the hook and of the wrapper: the same
   binary, which acts as a runc-compatible runtime when called by the
   wrapper's name.  */
#define INSTALL_BINARY_NAME    "oci-sandbox-hook"
#define INSTALL_WRAPPER_NAME   "oci-sandbox-runtime"
#define INSTALL_DEFAULT_PREFIX "/usr/local/libexec/oci-sandbox-hook"
/* The policy key the wrapper reads for the runtime it execs, and what it
   execs without it.  */
#define POLICY_RUNTIME_KEY      "runtime"
#define WRAPPER_DEFAULT_RUNTIME "/usr/sbin/runc"
/* The pod annotations the hook reads: containerd passes only those its
   runtime's pod_annotations admit.  */
#define INSTALL_POD_ANNOTATIONS "io.oci-sandbox-hook.*"

#define CONTAINERD_CONFIG  "/etc/containerd/config.toml"
#define CONTAINERD_DROP_IN "/etc/containerd/conf.d/99-oci-sandbox-hook.toml"
#define CRIO_CONFIG        "/etc/crio/crio.conf"
#define CRIO_DROP_IN_DIR   "/etc/crio/crio.conf.d"
#define CRIO_DROP_IN       "/etc/crio/crio.conf.d/99-oci-sandbox-hook.conf"
/* The administrator's hooks.d directory (/usr/share/... belongs to
   packages).  */
#define HOOKS_D_DIR "/etc/containers/oci/hooks.d"
/* podman 4 reads its default hooks directory alone
   (/usr/share/containers/oci/hooks.d): where no containers.conf sets
   engine.hooks_dir, this drop-in lists that one and HOOKS_D_DIR.  */
#define PODMAN_CONF_DIR        "/etc/containers/containers.conf.d"
#define PODMAN_DROP_IN_NAME    "99-oci-sandbox-hook.conf"
#define PODMAN_DEFAULT_HOOKS_D "/usr/share/containers/oci/hooks.d"

typedef enum target_kind
{
  TARGET_FILE,
  TARGET_SYMLINK,
} target_kind;

/* One file as the installer wants it.  */
typedef struct install_target
{
  char *path; /* absolute, on the host */
  target_kind kind;
  char *data; /* the file's bytes, or the symlink's target */
  size_t len;
  bool borrowed;            /* DATA belongs to the request (the binary) */
  uint32_t mode;            /* the mode of a new file */
  bool force_owner;         /* root:root MODE even when the file exists (the policy) */
  bool tmp_in_parent;       /* its directory is read whole by an engine: write the
                               temporary one level up, where no engine looks */
  char *what;               /* what it is for, for the operator */
  const char *restart_unit; /* changing it needs this unit restarted */
} install_target;

void install_target_clear (install_target *t);

typedef struct install_request
{
  const char *prefix;      /* absolute host directory of the binary */
  unsigned engines;        /* 0: detect */
  const char *policy_path; /* where the hook reads its policy on the host */
  const char *policy;      /* the policy to install (NULL: leave the host's) */
  size_t policy_len;
  const char *binary; /* the binary's bytes */
  size_t binary_len;
  /* An earlier install's record: the runtime the wrapper chained to (NULL:
     none), for an engine whose configuration names the wrapper already.  */
  const char *recorded_runtime;
} install_request;

typedef struct install_plan
{
  unsigned engines; /* served */
  char **notes;     /* engines found but left alone, and why */
  size_t n_notes;
  install_target *targets;
  size_t n_targets;
  char *runtime; /* what the wrapper must exec (NULL: no engine runs it) */
} install_plan;

void install_plan_clear (install_plan *plan);
#define cleanup_install_plan __attribute__ ((cleanup (install_plan_clear)))

/* Everything install writes for REQ on the host VIEW shows, in the order
   to write it (the binary before what names it, engine configurations
   last).  Any configuration it cannot read or does not understand is an
   error that names the file and the reason, before anything is
   written.  */
int install_plan_build (const install_request *req, const host_view *view, install_plan *plan,
                        hook_error **err);

/* PREFIX is where the binary goes: a clean absolute path of portable
   characters ([A-Za-z0-9._+/-]), which every engine's file may name
   unquoted.  */
int install_prefix_validate (const char *prefix, hook_error **err);

/* The policy BUF (JSON with comments) with the key "runtime" set to
   RUNTIME: inserted right after the opening brace, every other byte kept.
   A policy that sets another runtime is refused (the engine's
   configuration says what the node runs); one that sets this one is
   returned unchanged.  */
int policy_set_runtime (const char *buf, size_t len, const char *runtime, char **out,
                        size_t *out_len, hook_error **err);

/* The hooks.d templates (the files hooks/NAME.json.in, built into the
   binary).  */
typedef struct hooksd_template
{
  const char *name; /* oci-sandbox-hook-sandbox.json */
  const char *text; /* with @HOOK_PATH@ */
  bool precreate;   /* has the precreate stage (podman only) */
} hooksd_template;
extern const hooksd_template HOOKSD_TEMPLATES[];
extern const size_t N_HOOKSD_TEMPLATES;

/* TEMPLATE with @HOOK_PATH@ replaced by HOOK_PATH (a JSON string's
   content, escaped).  */
int hooksd_render (const char *template_text, const char *hook_path, char **out, size_t *len,
                   hook_error **err);

/* --- the engines' configurations (install_plan.c calls them) --- */

typedef struct engine_result
{
  bool found;    /* its configuration is on the host */
  char *skipped; /* found, but left alone: why (the CRI plugin is off) */
  install_target *targets;
  size_t n_targets;
  /* The runtime its default runtime ran before (absolute, as found on the
     host) and whether the configuration names the wrapper already.  */
  char *runtime;
  bool names_wrapper;
  /* CRI-O: the hooks.d directories it reads (hooks_dir), to keep the
     precreate files out of them.  */
  char **hooks_dirs;
  size_t n_hooks_dirs;
} engine_result;

void engine_result_clear (engine_result *r);

/* One of an engine's config files as the installer read it from the host:
   DATA is NULL for the drop-in the installer is to write (not on the host
   yet).  */
typedef struct engine_config_file
{
  char *path;
  char *data;
  size_t len;
} engine_config_file;

/* Free the first *N of FILES; *N becomes 0.  */
void engine_config_files_clear (engine_config_file *files, size_t *n);

/* The value at PATH (N keys) of FILE, TOML_ABSENT in the drop-in to be
   written; an error names the file.  */
struct toml_value;
int engine_config_get (const engine_config_file *file, const char *const *path, size_t n,
                       struct toml_value *out, hook_error **err);

/* containerd: /etc/containerd/config.toml and its imports.  Version 2 (1.6,
   1.7, and 2.x reading it) has the file that finally defines the CRI
   plugin edited in place; version 3 (2.x) gets a drop-in through
   imports.  */
int containerd_plan (const host_view *view, const char *wrapper, engine_result *out,
                     hook_error **err);

/* CRI-O: crio.conf and crio.conf.d; a drop-in repeating its default
   runtime's table with runtime_path the wrapper.  */
int crio_plan (const host_view *view, const char *wrapper, engine_result *out, hook_error **err);

/* Add a target to the array (which owns it afterwards, even on error).  A
   target without its path, what, or a symlink's target (a strdup or
   asprintf that failed) is ENOMEM.  */
int targets_push (install_target **targets, size_t *n, install_target *t, hook_error **err);

#endif

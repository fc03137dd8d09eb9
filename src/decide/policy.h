/* The node policy file (JSON, comments allowed): which containers are
   sandboxes and what each of them gets.  Every key is optional; defaults
   follow containerd 2.0.  Unknown keys and bad values are errors naming
   the key.  Trusted input (root-owned node configuration), still parsed
   strictly: a typo must not silently turn a protection off.  */
#ifndef OCI_SANDBOX_HOOK_POLICY_H
#define OCI_SANDBOX_HOOK_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dnsfiles.h"
#include "error.h"
#include "json.h"
#include "log_level.h"

#define POLICY_MAX_BYTES     (1u << 20)
#define DEFAULT_SHM_SIZE     (64ull << 20)
#define DEFAULT_SHM_SIZE_MAX (1ull << 30)
/* The largest shm_size_max: the kernel rounds a tmpfs size up to pages
   with no overflow check, and a size within a page of 2^64 wraps to 0,
   an unlimited tmpfs.  1 EiB is far from it and from any node's memory.  */
#define SHM_SIZE_LIMIT        (1ull << 60)
#define DEFAULT_OOM_SCORE_ADJ (-998)
#define DEFAULT_CPU_SHARES    2
/* The real runtime oci-sandbox-runtime execs (policy key "runtime").  */
#define DEFAULT_RUNTIME "/usr/sbin/runc"

typedef enum restrict_mode
{
  RESTRICT_AUTO, /* restrict when CAP_SYS_RESOURCE is missing */
  RESTRICT_ALWAYS,
  RESTRICT_NEVER,
} restrict_mode;

typedef enum sysctl_check_mode
{
  SYSCTL_CHECK_ENFORCE,
  SYSCTL_CHECK_WARN,
  SYSCTL_CHECK_OFF,
} sysctl_check_mode;

typedef struct annotation_match
{
  char *key, *value;
} annotation_match;

/* A rule that makes a container a pod member: its annotation
   SANDBOX_ID_KEY names the sandbox, and every one of ANNOTATIONS matches.  */
typedef struct member_rule
{
  char *sandbox_id_key;
  annotation_match *annotations;
  size_t n_annotations;
} member_rule;

#define MEMBER_RULES_MAX  16
#define DEFAULT_STATE_DIR "/run/oci-sandbox-hook"

/* engine_dirs: the directories below which engines keep their pods' shm
   tmpfs and /etc files (docs/engines.md §1): containerd's CRI state and
   root directories (1.6 to 2.x), CRI-O's storage run root.  */
#define ENGINE_DIRS_MAX 16
#define DEFAULT_ENGINE_DIRS                                                                        \
  {                                                                                                \
    "/run/containerd/io.containerd.grpc.v1.cri/sandboxes",                                         \
        "/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes", "/run/containers/storage"       \
  }

typedef struct sandbox_policy
{
  /* sandbox_match */
  bool match_all;
  annotation_match *match_annotations;
  size_t n_match_annotations;
  char **match_commands; /* exact process.args[0] */
  size_t n_match_commands;
  /* member_match: [] turns the member half off */
  member_rule *member_rules;
  size_t n_member_rules;
  char *state_dir; /* the registry of the node's sandboxes */

  bool unprivileged_ports;
  bool unprivileged_icmp;
  bool set_oom_score_adj; /* false: "oom_score_adj": null */
  int oom_score_adj;
  restrict_mode restrict_oom_score_adj;
  uint64_t cpu_shares; /* 0: leave alone */
  bool sandbox_sizing; /* precreate adds the VM sizing annotations */
  char *cgroup_root;   /* NULL: /sys/fs/cgroup, found from the mount table */
  uint64_t shm_size;   /* 0: leave /dev/shm alone */
  uint64_t shm_size_max;
  dns_config dns;    /* node default, used when the pod gives none */
  char *resolv_conf; /* source file, NULL: do not manage /etc/resolv.conf */
  bool resolv_conf_is_default;
  char *hosts;   /* source file, NULL: do not manage /etc/hosts */
  bool hostname; /* manage /etc/hostname */
  sysctl_check_mode sysctl_check;
  /* Where the engine's own /dev/shm tmpfs and /etc files may be (absolute,
     canonical): a pod's shm-size resizes only a tmpfs below one of them,
     and engine_files reads only files below one of them.  */
  char **engine_dirs;
  size_t n_engine_dirs;
  sysctl_check_mode engine_files; /* the engine's resolv.conf and hostname: same three modes */
  log_level log_level;
  char *log_socket;
  char *runtime; /* the runtime wrapper's real runtime, absolute */
} sandbox_policy;

void sandbox_policy_init_defaults (sandbox_policy *policy);
/* Parse BUF (the policy file's bytes) over the defaults already in POLICY.  */
int sandbox_policy_parse (const char *buf, size_t len, sandbox_policy *policy, hook_error **err);
void sandbox_policy_clear (sandbox_policy *policy);
/* Only the "runtime" key of BUF (DEFAULT_RUNTIME when absent), into a
   malloc'ed *RUNTIME: what the runtime wrapper needs to pass a command
   through.  The file must be JSON; the other keys are not looked at, so
   that a mistake elsewhere in the policy never keeps the engine from
   killing and deleting its containers.  */
int sandbox_policy_parse_runtime (const char *buf, size_t len, char **runtime, hook_error **err);

/* How a policy file is read as JSON (size, depth, comments): by the hook
   and by the installer, which edits one.  */
extern const json_limits policy_json_limits;
#define cleanup_policy __attribute__ ((cleanup (sandbox_policy_clear)))

#endif

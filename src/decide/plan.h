/* The plan: a pure function from facts (state, config.json, host) and the
   node policy to an ordered list of actions, each with its parameters or a
   skip and a human reason.  No I/O and no globals: every decision is a
   unit test.  act (createRuntime), render (precreate) and explain (plan)
   consume the same plan.  */
#ifndef OCI_SANDBOX_HOOK_PLAN_H
#define OCI_SANDBOX_HOOK_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spec.h"
#include "error.h"
#include "facts.h"
#include "json.h"
#include "pod_entry.h"
#include "policy.h"
#include "sizing.h"

/* The annotations a pod may set for us (exact keys; anything else under
   our prefix is refused so that a typo never silently does nothing).  */
#define ANNOTATION_PREFIX       "io.oci-sandbox-hook."
#define ANNOTATION_SHM_SIZE     "io.oci-sandbox-hook.shm-size"
#define ANNOTATION_DNS_SERVERS  "io.oci-sandbox-hook.dns-servers"
#define ANNOTATION_DNS_SEARCHES "io.oci-sandbox-hook.dns-searches"
#define ANNOTATION_DNS_OPTIONS  "io.oci-sandbox-hook.dns-options"
#define ANNOTATION_CRIO_SHM     "io.kubernetes.cri-o.ShmSize"
#define ANNOTATION_VALUE_MAX    4096

#define SYSCTL_PORTS "net.ipv4.ip_unprivileged_port_start"
#define SYSCTL_ICMP  "net.ipv4.ping_group_range"

/* In the order act performs them: checks first, files and mounts next,
   kernel settings last.  */
typedef enum action_kind
{
  ACTION_SYSCTL_CHECK,
  ACTION_ENGINE_FILES, /* the engine's resolv.conf and hostname, checked */
  ACTION_HOSTNAME_FILE,
  ACTION_HOSTS_FILE,
  ACTION_RESOLV_CONF_FILE,
  ACTION_SHM,
  ACTION_ENGINE_SHM, /* the engine's pod tmpfs, resized to the pod's request */
  ACTION_UNPRIVILEGED_PORTS,
  ACTION_UNPRIVILEGED_ICMP,
  ACTION_OOM_SCORE_ADJ,
  ACTION_CPU_SHARES,
  ACTION_POD_REGISTRY,   /* a sandbox registers its pod for the members */
  ACTION_SANDBOX_SIZING, /* precreate only: the spec's sizing annotations */
  ACTION_COUNT
} action_kind;

/* The actions that write a sysctl in the container's network namespace
   (one namespace child does all of them), in order.  */
#define N_SYSCTL_ACTIONS 2
extern const action_kind sysctl_actions[N_SYSCTL_ACTIONS];

typedef struct planned_action
{
  action_kind kind;
  bool skip;
  char reason[320];
  union
  {
    struct
    {
      const char *key;
      char value[32];
    } sysctl;
    struct
    {
      int value;
      bool restricted;
    } oom;
    struct
    {
      uint64_t shares, weight;
    } cpu;
    struct
    {
      bool host_ipc;     /* bind the host's /dev/shm, mount no tmpfs */
      bool from_sandbox; /* a member: bind its sandbox's tmpfs */
      uint64_t size;
      const char *label; /* SELinux context= for the tmpfs, or NULL */
    } shm;
    struct
    {
      char *content; /* what the file holds (malloc'ed) */
      size_t len;
      const char *source_path; /* the host file it copies, or NULL when rendered */
      const char *destination; /* inside the container */
      bool from_sandbox;       /* a member: bind its sandbox's file instead */
      bool read_only;          /* the bind is read-only (sandboxes; read-only members) */
    } file;
    struct
    {
      const char *state_dir; /* the names are the plan's pod_names */
    } registry;
    sandbox_sizing sizing; /* annotations absent from the spec get these */
    struct
    {
      size_t n_findings;
      char **findings; /* "key: reason" (sysctl_check), "FILE (SOURCE): ..." (engine_files);
                          warn mode */
    } check;
    struct
    {
      uint64_t size;          /* the pod's request, in bytes */
      const char *key;        /* the annotation it came from */
      const char *source;     /* config.json's bind source of /dev/shm */
      const char *engine_dir; /* the policy's engine_dirs entry it is below */
    } engine_shm;
  } u;
} planned_action;

typedef struct sandbox_plan
{
  bool is_sandbox;
  char match_reason[320];
  /* A pod member: it gets its sandbox's /dev/shm and /etc files, proven by
     namespace, and nothing else.  */
  bool is_member;
  char sandbox_name[POD_NAME_MAX + 1];
  char membership[320]; /* the sandbox found or not, the namespaces shared */
  planned_action actions[ACTION_COUNT];
  /* The names pod_registry files the sandbox under, the OCI id first: in
     the plan, not in the action union, which would make each of the
     actions that much larger (and the plan, zeroed whole on the stack of
     every createRuntime, more pages).  */
  size_t n_pod_names;
  char pod_names[POD_MAX_NAMES][POD_NAME_MAX + 1];
} sandbox_plan;

typedef struct plan_input
{
  const container_spec *config;
  const json_value *state_annotations; /* may be NULL */
  const sandbox_policy *policy;
  const host_facts *host;
  const target_facts *target;
  /* Limits of the pod's cgroup parent, when readable and limiting; NULL
     otherwise (gathered by pod_cgroup_sizing).  */
  const sandbox_sizing *pod_cgroup;
  /* The sandbox's OCI id (createRuntime; NULL elsewhere: no registration).  */
  const char *container_id;
  /* A member's sandbox (NULL when not looked up).  */
  const pod_facts *pod;
  /* The engine's /etc files (NULL or not gathered: not read).  */
  const engine_facts *engine;
} plan_input;

/* Is this container one the policy covers?  REASON says why (or why not).
   Annotations are looked up in config.json, then in the state.  A sandbox
   annotation of the policy that is present with another value settles it
   (not a sandbox: the engine said what the container is); the policy's
   commands decide only the containers that carry none (podman's infra).  */
bool plan_classify (const sandbox_policy *policy, const json_value *config_annotations,
                    const json_value *state_annotations, const char *arg0, char *reason,
                    size_t reason_size);

/* Could ARG0 still make it a sandbox (the policy has commands, and no
   sandbox annotation says otherwise)?  */
bool plan_classify_needs_command (const sandbox_policy *policy,
                                  const json_value *config_annotations,
                                  const json_value *state_annotations);

/* Is this container a pod member (member_match)?  *SANDBOX_NAME points at
   the annotation that names its sandbox.  A sandbox is never a member.  */
bool plan_classify_member (const sandbox_policy *policy, const json_value *config_annotations,
                           const json_value *state_annotations, const char **sandbox_name,
                           char *reason, size_t reason_size);

/* Does a member need anything from its sandbox?  Not when the policy
   manages none of /dev/shm and the /etc files, or config.json mounts
   every one of them (the engine owns them: podman, containerd).  */
bool plan_member_needs_sandbox (const sandbox_policy *policy, const container_spec *spec);

/* The host files a sandbox's plan copies: the policy's hosts and
   resolv_conf sources, each NULL when the pod gets that file another way
   (the policy turns it off, config.json mounts the engine's, the pod's
   DNS annotations or the policy's dns make it).  The facts gathered for
   the plan hold only these: a source the pod does not get is not read,
   so it cannot fail the pod.  IN needs config, state_annotations and
   policy.  */
void plan_host_sources (const plan_input *in, const char **hosts, const char **resolv_conf);

/* Build the whole plan.  Hostile or invalid pod input (annotations,
   hostname, sysctls under "enforce") is an error naming the field.  */
int plan_build (const plan_input *input, sandbox_plan *plan, hook_error **err);
void sandbox_plan_clear (sandbox_plan *plan);
#define cleanup_plan __attribute__ ((cleanup (sandbox_plan_clear)))

const char *action_name (action_kind kind);

/* Is KIND one of the generated /etc files' actions (a sandbox makes the
   file, a member binds its sandbox's)?  *FILE, when not NULL, is which.  */
bool plan_file_action (action_kind kind, pod_file *file);

/* The entry of the policy's engine_dirs that SOURCE (a bind source of
   config.json) is strictly below, as written: SOURCE must be a canonical
   absolute path.  NULL when there is none.  */
const char *plan_engine_dir (const sandbox_policy *policy, const char *source);

/* The engine file F's destination in the container ("/etc/resolv.conf").  */
const char *engine_file_destination (engine_file f);

#endif

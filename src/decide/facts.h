/* The few facts about the host and the target container that the plan
   needs: gathered once by linux/host.c, so that the plan itself stays a
   pure function of them.  */
#ifndef OCI_SANDBOX_HOOK_FACTS_H
#define OCI_SANDBOX_HOOK_FACTS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "pod_entry.h"
#include "spec.h"

typedef struct host_facts
{
  int own_oom_score_adj;  /* the hook's own /proc/self/oom_score_adj */
  bool cap_sys_resource;  /* effective CAP_SYS_RESOURCE (libcap-ng) */
  bool selinux_enabled;   /* is_selinux_enabled () == 1, asked only when there is a mountLabel */
  bool in_user_namespace; /* /proc/self/uid_map is not "0 0 4294967295" */
  char hostname[256];
  /* The resolv.conf to copy when no DNS is configured: the policy's source
     (borrowed: the policy outlives the facts), or systemd-resolved's
     upstream file when the source points at the 127.0.0.53 stub (a
     container cannot reach the host's loopback).  NULL when the policy
     copies none.  */
  const char *resolv_conf_source;
  /* The bytes of the sources the pod's /etc files copy (malloc'ed, or NULL
     when the policy does not manage that file): read once, here, through
     the trusted-file checks, so that the plan carries what act writes.  */
  char *resolv_conf_content;
  size_t resolv_conf_len;
  char *hosts_content;
  size_t hosts_len;
} host_facts;

/* The engine's own /etc files that config.json binds into a sandbox
   (engine_files): read at createRuntime and by `plan`, by fd below the
   policy's engine_dirs, so that the plan can judge their bytes.  */
typedef enum engine_file
{
  ENGINE_FILE_RESOLV_CONF,
  ENGINE_FILE_HOSTNAME,
  ENGINE_N_FILES
} engine_file;

typedef struct engine_file_facts
{
  char *content; /* malloc'ed, NULL when it could not be read */
  size_t len;
  char error[512]; /* why it could not be read */
} engine_file_facts;

typedef struct engine_facts
{
  bool gathered; /* false: the files were not read (precreate, the wrapper) */
  engine_file_facts files[ENGINE_N_FILES];
  /* The node's /etc/resolv.conf, which engines copy when a pod gives no
     DNS configuration (NULL when it is not root's or unreadable).  */
  char *node_resolv_conf;
  size_t node_resolv_conf_len;
} engine_facts;

/* How the container's namespaces relate to the hook's own (the host's),
   and, with a live process, which process and cgroup the hook would act
   on: the plan refuses a process that is not the one config.json
   describes.  */
typedef struct target_facts
{
  bool known;                   /* false at precreate: only config.json paths were compared */
  bool is_own[NAMESPACE_COUNT]; /* the hook's own (the host's) namespace */
  /* With a live process (createRuntime; plan of a created container).  */
  bool live;
  int pid;
  /* Its namespace is the one config.json's path names (only meaningful
     where config.json gives a path).  */
  bool matches_path[NAMESPACE_COUNT];
  /* Its namespaces and the hook's own, as read once: what the registry
     records and the sysctl step compares.  */
  file_identity ns[NAMESPACE_COUNT];
  file_identity own_ns[NAMESPACE_COUNT];
  /* Its cgroup as /proc/PID/cgroup shows it: the v1 cpu controller's
     line and the v2 ("0::") line, NULL when absent.  Strings of their
     length in cgroup_paths (malloc'ed; freed by target_facts_clear in
     linux/host.c), not PATH_MAX buffers: the facts sit on the stack of
     every sandbox's createRuntime, where each page they span is a fault.  */
  const char *cgroup_v1_cpu;
  const char *cgroup_v2;
  char *cgroup_paths;
  /* The cgroup cpu_shares would write, when looked at: the processes it
     holds that are not the container's.  */
  bool cgroup_counted;
  size_t cgroup_others;
  const char *cgroup_file; /* the file cpu_shares would write (the cgroup target's) */
  char cgroup_error[512];  /* why it could not be looked at, or "" */
} target_facts;

/* A pod member's sandbox, as the registry knows it (linux/registry.h), and
   how the member's live process relates to it.  */
typedef enum pod_lookup_result
{
  POD_LOOKUP_NONE, /* not looked up: nothing the member needs comes from it */
  POD_LOOKUP_FOUND,
  POD_LOOKUP_NOT_REGISTERED,
  POD_LOOKUP_STALE, /* its process is gone: the entry was not trusted */
  POD_LOOKUP_FAILED,
} pod_lookup_result;

typedef struct pod_facts
{
  pod_lookup_result lookup;
  char error[512]; /* POD_LOOKUP_FAILED: a planted entry, an untrusted state_dir */
  pod_entry entry; /* POD_LOOKUP_FOUND and POD_LOOKUP_STALE */
  /* The member's process is in the sandbox's namespace (POD_LOOKUP_FOUND).  */
  bool shares_ipc, shares_uts, shares_net;
} pod_facts;

/* The entry's document, when the lookup read one.  */
static inline void
pod_facts_clear (pod_facts *pod)
{
  pod_entry_clear (&pod->entry);
}
#define cleanup_pod_facts __attribute__ ((cleanup (pod_facts_clear)))

#endif

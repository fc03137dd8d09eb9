/* The few facts about the host and the target container that the plan
   needs, gathered once (after the fast path decided the container is a
   sandbox) so that the plan itself stays a pure function.  */
#ifndef OCI_SANDBOX_HOOK_HOST_H
#define OCI_SANDBOX_HOOK_HOST_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

typedef struct host_facts
{
  int own_oom_score_adj;  /* the hook's own /proc/self/oom_score_adj */
  bool cap_sys_resource;  /* effective CAP_SYS_RESOURCE (libcap-ng) */
  bool selinux_enabled;   /* is_selinux_enabled () == 1 */
  bool in_user_namespace; /* /proc/self/uid_map is not "0 0 4294967295" */
  char hostname[256];
  /* The resolv.conf to copy when no DNS is configured: the policy's source,
     or systemd-resolved's upstream file when the source points at the
     127.0.0.53 stub (a container cannot reach the host's loopback).  */
  char resolv_conf_source[PATH_MAX];
  /* The bytes of the sources the pod's /etc files copy (malloc'ed, or NULL
     when the policy does not manage that file): read once, here, through
     the trusted-file checks, so that the plan carries what act writes.  */
  char *resolv_conf_content;
  size_t resolv_conf_len;
  char *hosts_content;
  size_t hosts_len;
} host_facts;

/* The namespaces the hook checks a container's process against its
   config.json: the ones it acts through.  */
typedef enum namespace_kind
{
  NAMESPACE_NET,
  NAMESPACE_IPC,
  NAMESPACE_UTS,
  NAMESPACE_MNT,
  NAMESPACE_USER,
  NAMESPACE_COUNT
} namespace_kind;

/* The /proc/PID/ns name of KIND ("net", "mnt", ...).  */
const char *namespace_file (namespace_kind kind);

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
  /* Its cgroup as /proc/PID/cgroup shows it: the v1 cpu controller's
     line and the v2 ("0::") line, "" when absent.  */
  char cgroup_v1_cpu[PATH_MAX];
  char cgroup_v2[PATH_MAX];
  /* The cgroup cpu_shares would write, when looked at: the processes it
     holds that are not the container's.  */
  bool cgroup_counted;
  size_t cgroup_others;
  char cgroup_file[PATH_MAX]; /* the file cpu_shares would write */
  char cgroup_error[512];     /* why it could not be looked at, or "" */
} target_facts;

/* RESOLV_CONF and HOSTS (the policy's sources) may be NULL (not
   managed).  A source must be trusted (open_trusted_file) and
   world-readable: a generated file never publishes what the host keeps
   private.  */
int host_facts_gather (const char *resolv_conf, bool resolv_conf_is_default, const char *hosts,
                       host_facts *facts, hook_error **err);
void host_facts_clear (host_facts *facts);
#define cleanup_host_facts __attribute__ ((cleanup (host_facts_clear)))

struct container_spec;
/* From the live process (PROC_PID_FD, an O_PATH fd on /proc/PID): its
   namespaces compared with the hook's own and with the paths CONFIG
   names, and its cgroup lines.  */
int target_facts_from_process (int proc_pid_fd, int pid, const struct container_spec *config,
                               target_facts *facts, hook_error **err);

/* Without a live process (precreate, plan --bundle): a namespace that
   config.json joins by path is the host's when that path names the hook's
   own namespace; one it creates never is.  */
int target_facts_from_config (const struct container_spec *config, target_facts *facts,
                              hook_error **err);

/* With SELinux enabled, ask the loaded policy whether LABEL (the pod's
   linux.mountLabel, already through the plan's grammar) is a valid context
   before it labels a tmpfs and files: the kernel would otherwise fail the
   mount half-way, or label with something the policy never meant.  */
int selinux_mount_label_check (const char *label, hook_error **err);

#endif

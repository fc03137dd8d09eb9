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
} host_facts;

/* How the container's namespaces relate to the hook's own (the host's).  */
typedef struct target_facts
{
  bool known; /* false at precreate: only config.json paths were compared */
  bool net_is_host, ipc_is_host, uts_is_host;
} target_facts;

/* RESOLV_CONF may be NULL (not managed).  */
int host_facts_gather (const char *resolv_conf, bool resolv_conf_is_default, host_facts *facts,
                       hook_error **err);

/* Compare /proc/PID/ns/{net,ipc,uts} of the container (through PROC_PID_FD,
   an O_PATH fd on /proc/PID) with the hook's own.  */
int target_facts_from_process (int proc_pid_fd, target_facts *facts, hook_error **err);

/* Without a live process (precreate, plan --bundle): a namespace that
   config.json joins by path is the host's when that path names the hook's
   own namespace; one it creates never is.  */
struct container_config;
int target_facts_from_config (const struct container_config *config, target_facts *facts,
                              hook_error **err);

/* With SELinux enabled, ask the loaded policy whether LABEL (the pod's
   linux.mountLabel, already through the plan's grammar) is a valid context
   before it labels a tmpfs and files: the kernel would otherwise fail the
   mount half-way, or label with something the policy never meant.  */
int selinux_mount_label_check (const char *label, hook_error **err);

/* Parse the strict decimal content of an oom_score_adj file.  */
int oom_score_parse (const char *text, int *out, hook_error **err);

#endif

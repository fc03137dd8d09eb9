/* Gathering the facts the plan needs (facts.h) from the host and from
   the container's live process or its config.json, once, after the fast
   path decided the container is a sandbox.  */
#ifndef OCI_SANDBOX_HOOK_HOST_H
#define OCI_SANDBOX_HOOK_HOST_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "facts.h"
#include "privileges.h"
#include "security_libs.h"

/* containerd's userns.RunningInUserNS: the initial user namespace maps
   every uid onto itself, which /proc/self/uid_map shows as the one line
   "0 0 4294967295" (the kernel pads each field to ten columns).  Anything
   else, unreadable text included, is a user namespace: the hook then
   takes the paths that work inside one.  */
bool uid_map_is_initial (const char *uid_map);

/* Read the hook's own /proc/self/uid_map, through PROCFS_FD (a checked
   /proc to borrow) or a /proc of its own when -1, into UID_MAP (SIZE
   bytes: its first line, at least) and say whether it is the initial user
   namespace's.  Off the not-a-sandbox fast path: only a stage that is
   about to act (or failed to trust its policy) asks.  */
int hook_user_namespace_read (int procfs_fd, char *uid_map, size_t size, bool *initial,
                              hook_error **err);

/* PROCFS_FD: a checked /proc to borrow, or -1.  IN_USER_NAMESPACE: what
   the caller already read of the hook's user namespace
   (hook_user_namespace_read), or NULL to have it read here.  RESOLV_CONF
   and HOSTS (the policy's sources) may be NULL (not read: no pod gets a
   copy).  A source must be trusted (open_trusted_file) and world-readable:
   a generated file never publishes what the host keeps private.  */
int host_facts_gather (int procfs_fd, const bool *in_user_namespace, const char *resolv_conf,
                       bool resolv_conf_is_default, const char *hosts, host_facts *facts,
                       hook_error **err);
void host_facts_clear (host_facts *facts);
#define cleanup_host_facts __attribute__ ((cleanup (host_facts_clear)))
/* Free what target_facts_from_process allocated (its cgroup paths).  */
void target_facts_clear (target_facts *facts);
#define cleanup_target_facts __attribute__ ((cleanup (target_facts_clear)))

struct container_spec;
struct target_process;
/* From the live process: its namespaces compared with the hook's own and
   with the paths CONFIG names, and its cgroup lines.  */
int target_facts_from_process (const struct target_process *process,
                               const struct container_spec *config, target_facts *facts,
                               hook_error **err);

/* Without a live process (precreate, plan --bundle): a namespace that
   config.json joins by path is the host's when that path names the hook's
   own namespace; one it creates never is.  */
int target_facts_from_config (const struct container_spec *config, target_facts *facts,
                              hook_error **err);

/* The host facts of libcap-ng and libselinux, after host_facts_gather:
   CAP_SYS_RESOURCE from CAPS (read once, capabilities_read), and whether
   SELinux is enabled, asked only for a pod with a MOUNT_LABEL (config.json
   linux.mountLabel; NULL when none), through libselinux loaded into
   SELINUX (the caller's) then.  */
int host_security_facts (const hook_capabilities *caps, const char *mount_label,
                         selinux_lib *selinux, host_facts *facts, hook_error **err);

/* With SELinux enabled, ask the loaded policy (through SELINUX, loaded by
   host_security_facts) whether LABEL (the pod's linux.mountLabel, already
   through the plan's grammar) is a valid context before it labels a tmpfs
   and files: the kernel would otherwise fail the mount half-way, or label
   with something the policy never meant.  */
int selinux_mount_label_check (const selinux_lib *selinux, const char *label, hook_error **err);

#endif

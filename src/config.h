/* The facts of a bundle's config.json that the plan needs, parsed and
   type-checked.  Strings point into the parsed document, which the config
   owns.  Fields we do not use are not looked at (forward compatibility).  */
#ifndef OCI_SANDBOX_HOOK_CONFIG_H
#define OCI_SANDBOX_HOOK_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "json.h"

#define CONFIG_MAX_BYTES (16u << 20)

typedef struct config_namespace
{
  bool present;     /* listed in linux.namespaces: the container gets one */
  const char *path; /* join this one instead of creating it, or NULL */
} config_namespace;

typedef struct id_mapping
{
  uint32_t container_id, host_id, size;
} id_mapping;

typedef struct config_mount
{
  const char *destination;
  const char *type; /* "" when absent */
  bool bind;        /* type "bind" or a "bind"/"rbind" option */
} config_mount;

typedef struct container_config
{
  json_doc *doc;
  const char *root_path;
  bool root_readonly;
  const char *hostname; /* NULL when absent or "" */
  const json_value *annotations;
  const char *arg0; /* process.args[0], NULL without process */
  bool has_oom_score_adj;
  int oom_score_adj;
  const json_value *sysctl; /* object of strings, or NULL */
  config_namespace ns_network, ns_ipc, ns_uts, ns_user, ns_mount, ns_pid, ns_cgroup;
  id_mapping *gid_mappings; /* malloc'ed */
  size_t n_gid_mappings;
  bool has_cpu_shares;
  uint64_t cpu_shares;
  /* The rest of linux.resources that sizing reads (0 when absent).  */
  bool has_sizing_resources;
  uint64_t cpu_period;
  int64_t cpu_quota;
  int64_t memory_limit;
  const char *cgroups_path; /* NULL when absent */
  const char *mount_label;  /* NULL when absent or "" */
  config_mount *mounts;     /* malloc'ed */
  size_t n_mounts;
} container_config;

int container_config_parse (const char *buf, size_t len, container_config *config,
                            hook_error **err);
/* The bytes of BUNDLE_FD/config.json: a regular file, not a symlink,
   never a FIFO (opened non-blocking and checked by fstat), at most
   CONFIG_MAX_BYTES.  */
int container_config_read (int bundle_fd, char **buf, size_t *len, hook_error **err);
/* container_config_read, then container_config_parse.  */
int container_config_load (int bundle_fd, container_config *config, hook_error **err);
void container_config_clear (container_config *config);
#define cleanup_config __attribute__ ((cleanup (container_config_clear)))

/* The config.json mount whose destination is DEST (trailing '/' and
   repeated '/' ignored), or NULL.  The last one wins, as in runtimes.  */
const config_mount *config_find_mount (const container_config *config, const char *dest);

/* The sysctl value config.json sets for KEY ('.' and '/' forms are the
   same key), or NULL.  */
const char *config_sysctl_get (const container_config *config, const char *key);

#endif

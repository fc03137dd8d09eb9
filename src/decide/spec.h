/* The facts of a bundle's config.json that the plan needs, parsed and
   type-checked.  Strings point into the parsed document, which the config
   owns.  Fields we do not use are not looked at (forward compatibility).  */
#ifndef OCI_SANDBOX_HOOK_SPEC_H
#define OCI_SANDBOX_HOOK_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "json.h"

#define SPEC_MAX_BYTES (16u << 20)

typedef struct spec_namespace
{
  bool present;     /* listed in linux.namespaces: the container gets one */
  const char *path; /* join this one instead of creating it, or NULL */
} spec_namespace;

typedef struct id_mapping
{
  uint32_t container_id, host_id, size;
} id_mapping;

typedef struct spec_mount
{
  const char *destination;
  const char *source; /* NULL when absent */
  const char *type;   /* "" when absent */
  bool bind;          /* type "bind" or a "bind"/"rbind" option */
} spec_mount;

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

typedef struct container_spec
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
  spec_namespace ns_network, ns_ipc, ns_uts, ns_user, ns_mount, ns_pid, ns_cgroup;
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
  spec_mount *mounts;       /* malloc'ed */
  size_t n_mounts;
} container_spec;

int spec_parse (const char *buf, size_t len, container_spec *config, hook_error **err);
void spec_clear (container_spec *config);
#define cleanup_spec __attribute__ ((cleanup (spec_clear)))

/* The config.json mount whose destination is DEST (trailing '/' and
   repeated '/' ignored), or NULL.  The last one wins, as in runtimes.  */
const spec_mount *spec_find_mount (const container_spec *config, const char *dest);

/* The sysctl value config.json sets for KEY ('.' and '/' forms are the
   same key), or NULL.  */
const char *spec_sysctl_get (const container_spec *config, const char *key);

#endif

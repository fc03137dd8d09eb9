#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "spec.h"
#include "safepath.h"
#include "state.h"

typedef struct namespace_slot
{
  const char *type;
  size_t offset;
} namespace_slot;

static const namespace_slot namespace_slots[] = {
  { "network", offsetof (container_spec, ns_network) },
  { "ipc", offsetof (container_spec, ns_ipc) },
  { "uts", offsetof (container_spec, ns_uts) },
  { "user", offsetof (container_spec, ns_user) },
  { "mount", offsetof (container_spec, ns_mount) },
  { "pid", offsetof (container_spec, ns_pid) },
  { "cgroup", offsetof (container_spec, ns_cgroup) },
};

static int
parse_namespaces (const json_value *list, container_spec *config, hook_error **err)
{
  if (json_expect (list, JSON_ARRAY, "config linux.namespaces", err) < 0)
    return -1;
  for (size_t i = 0; i < list->u.array.count; i++)
    {
      const json_value *ns = list->u.array.items[i], *path;
      const char *type;
      bool known = false;

      if (json_expect (ns, JSON_OBJECT, "config linux.namespaces[]", err) < 0
          || json_string (json_get (ns, "type"), "config linux.namespaces[].type", &type, err) < 0)
        return -1;
      for (size_t s = 0; s < sizeof namespace_slots / sizeof namespace_slots[0]; s++)
        if (strcmp (type, namespace_slots[s].type) == 0)
          {
            spec_namespace *slot = (spec_namespace *)((char *)config + namespace_slots[s].offset);
            known = true;
            slot->present = true;
            slot->path = NULL;
            path = json_get (ns, "path");
            if (path && json_string (path, "config linux.namespaces[].path", &slot->path, err) < 0)
              return -1;
            if (slot->path && slot->path[0] == '\0')
              slot->path = NULL;
            if (slot->path
                && canonical_absolute_path_validate (slot->path, "config linux.namespaces[].path",
                                                     err)
                       < 0)
              return -1;
          }
      /* "time" and future types are none of our business.  */
      (void)known;
    }
  return 0;
}

static int
parse_mappings (const json_value *list, const char *name, id_mapping **out, size_t *n,
                hook_error **err)
{
  if (json_expect (list, JSON_ARRAY, name, err) < 0)
    return -1;
  if (list->u.array.count == 0)
    return 0;
  if (list->u.array.count > 340) /* the kernel's limit of map lines */
    return hook_fail (err, 0, "%s: more than 340 mappings", name);
  *out = calloc (list->u.array.count, sizeof **out);
  if (*out == NULL)
    return hook_fail (err, ENOMEM, "%s", name);
  for (size_t i = 0; i < list->u.array.count; i++)
    {
      const json_value *m = list->u.array.items[i];
      uint64_t c, h, s;
      if (json_expect (m, JSON_OBJECT, name, err) < 0
          || json_uint64 (json_get (m, "containerID"), "config linux.gidMappings[].containerID",
                          UINT32_MAX, &c, err)
                 < 0
          || json_uint64 (json_get (m, "hostID"), "config linux.gidMappings[].hostID", UINT32_MAX,
                          &h, err)
                 < 0
          || json_uint64 (json_get (m, "size"), "config linux.gidMappings[].size", UINT32_MAX, &s,
                          err)
                 < 0)
        return -1;
      if (s == 0 || c + s - 1 > UINT32_MAX - 1)
        return hook_fail (err, 0, "%s: mapping %zu has an invalid size", name, i);
      (*out)[i] = (id_mapping){ (uint32_t)c, (uint32_t)h, (uint32_t)s };
    }
  *n = list->u.array.count;
  return 0;
}

static int
parse_mounts (const json_value *list, container_spec *config, hook_error **err)
{
  if (json_expect (list, JSON_ARRAY, "config mounts", err) < 0)
    return -1;
  if (list->u.array.count == 0)
    return 0;
  config->mounts = calloc (list->u.array.count, sizeof *config->mounts);
  if (config->mounts == NULL)
    return hook_fail (err, ENOMEM, "config mounts");
  for (size_t i = 0; i < list->u.array.count; i++)
    {
      const json_value *m = list->u.array.items[i], *v, *opts;
      spec_mount *out = &config->mounts[i];

      if (json_expect (m, JSON_OBJECT, "config mounts[]", err) < 0
          || json_string (json_get (m, "destination"), "config mounts[].destination",
                          &out->destination, err)
                 < 0)
        return -1;
      out->type = "";
      v = json_get (m, "type");
      if (v && json_string (v, "config mounts[].type", &out->type, err) < 0)
        return -1;
      out->bind = strcmp (out->type, "bind") == 0;
      opts = json_get (m, "options");
      if (opts && opts->kind != JSON_NULL)
        {
          if (json_expect (opts, JSON_ARRAY, "config mounts[].options", err) < 0)
            return -1;
          for (size_t j = 0; j < opts->u.array.count; j++)
            {
              const char *o;
              if (json_string (opts->u.array.items[j], "config mounts[].options[]", &o, err) < 0)
                return -1;
              if (strcmp (o, "bind") == 0 || strcmp (o, "rbind") == 0)
                out->bind = true;
            }
        }
    }
  config->n_mounts = list->u.array.count;
  return 0;
}

static int
parse_linux (const json_value *linux_section, container_spec *config, hook_error **err)
{
  const json_value *v, *res, *cpu;

  if (json_expect (linux_section, JSON_OBJECT, "config linux", err) < 0)
    return -1;
  v = json_get (linux_section, "namespaces");
  if (v && v->kind != JSON_NULL && parse_namespaces (v, config, err) < 0)
    return -1;
  v = json_get (linux_section, "gidMappings");
  if (v && v->kind != JSON_NULL
      && parse_mappings (v, "config linux.gidMappings", &config->gid_mappings,
                         &config->n_gid_mappings, err)
             < 0)
    return -1;
  v = json_get (linux_section, "sysctl");
  if (v && v->kind != JSON_NULL)
    {
      if (json_string_map_validate (v, "config linux.sysctl", err) < 0)
        return -1;
      config->sysctl = v;
    }
  res = json_get (linux_section, "resources");
  if (res && res->kind != JSON_NULL)
    {
      if (json_expect (res, JSON_OBJECT, "config linux.resources", err) < 0)
        return -1;
      cpu = json_get (res, "cpu");
      if (cpu && cpu->kind != JSON_NULL)
        {
          if (json_expect (cpu, JSON_OBJECT, "config linux.resources.cpu", err) < 0)
            return -1;
          v = json_get (cpu, "period");
          if (v && v->kind != JSON_NULL)
            {
              if (json_uint64 (v, "config linux.resources.cpu.period", INT64_MAX,
                               &config->cpu_period, err)
                  < 0)
                return -1;
              config->has_sizing_resources = true;
            }
          v = json_get (cpu, "quota");
          if (v && v->kind != JSON_NULL)
            {
              if (json_int64 (v, "config linux.resources.cpu.quota", -1, INT64_MAX,
                              &config->cpu_quota, err)
                  < 0)
                return -1;
              config->has_sizing_resources = true;
            }
          v = json_get (cpu, "shares");
          if (v && v->kind != JSON_NULL)
            {
              if (json_uint64 (v, "config linux.resources.cpu.shares", UINT64_MAX,
                               &config->cpu_shares, err)
                  < 0)
                return -1;
              config->has_cpu_shares = true;
            }
        }
    }
  if (res && res->kind == JSON_OBJECT)
    {
      const json_value *mem = json_get (res, "memory");
      if (mem && mem->kind != JSON_NULL)
        {
          if (json_expect (mem, JSON_OBJECT, "config linux.resources.memory", err) < 0)
            return -1;
          v = json_get (mem, "limit");
          if (v && v->kind != JSON_NULL)
            {
              if (json_int64 (v, "config linux.resources.memory.limit", -1, INT64_MAX,
                              &config->memory_limit, err)
                  < 0)
                return -1;
              /* -1 is "unlimited" in the runtime-spec: no limit to report.  */
              if (config->memory_limit < 0)
                config->memory_limit = 0;
              config->has_sizing_resources = true;
            }
        }
    }
  v = json_get (linux_section, "cgroupsPath");
  if (v && v->kind != JSON_NULL)
    {
      if (json_string (v, "config linux.cgroupsPath", &config->cgroups_path, err) < 0)
        return -1;
      if (config->cgroups_path[0] == '\0')
        config->cgroups_path = NULL;
    }
  v = json_get (linux_section, "mountLabel");
  if (v && v->kind != JSON_NULL)
    {
      if (json_string (v, "config linux.mountLabel", &config->mount_label, err) < 0)
        return -1;
      if (config->mount_label[0] == '\0')
        config->mount_label = NULL;
    }
  return 0;
}

int
spec_parse (const char *buf, size_t len, container_spec *config, hook_error **err)
{
  const json_limits limits = { .max_bytes = SPEC_MAX_BYTES, .max_depth = JSON_MAX_DEPTH };
  const json_value *root, *v, *process;

  memset (config, 0, sizeof *config);
  if (json_parse (buf, len, &limits, &config->doc, err) < 0)
    return hook_error_prefix (err, "config.json");
  root = json_doc_root (config->doc);
  if (json_expect (root, JSON_OBJECT, "config", err) < 0)
    return -1;

  v = json_get (root, "root");
  if (json_expect (v, JSON_OBJECT, "config root", err) < 0
      || json_string (json_get (v, "path"), "config root.path", &config->root_path, err) < 0)
    return -1;
  if (config->root_path[0] == '\0')
    return hook_fail (err, 0, "config root.path: empty");
  if (json_get (v, "readonly")
      && json_bool (json_get (v, "readonly"), "config root.readonly", &config->root_readonly, err)
             < 0)
    return -1;

  v = json_get (root, "hostname");
  if (v && v->kind != JSON_NULL)
    {
      if (json_string (v, "config hostname", &config->hostname, err) < 0)
        return -1;
      if (config->hostname[0] == '\0')
        config->hostname = NULL;
    }

  v = json_get (root, "annotations");
  if (v && v->kind != JSON_NULL)
    {
      if (json_string_map_validate (v, "config annotations", err) < 0)
        return -1;
      config->annotations = v;
    }

  process = json_get (root, "process");
  if (process && process->kind != JSON_NULL)
    {
      if (json_expect (process, JSON_OBJECT, "config process", err) < 0)
        return -1;
      v = json_get (process, "args");
      if (v && v->kind != JSON_NULL)
        {
          if (json_expect (v, JSON_ARRAY, "config process.args", err) < 0)
            return -1;
          if (v->u.array.count > 0
              && json_string (v->u.array.items[0], "config process.args[0]", &config->arg0, err)
                     < 0)
            return -1;
        }
      v = json_get (process, "oomScoreAdj");
      if (v && v->kind != JSON_NULL)
        {
          int64_t score;
          if (json_int64 (v, "config process.oomScoreAdj", -1000, 1000, &score, err) < 0)
            return -1;
          config->has_oom_score_adj = true;
          config->oom_score_adj = (int)score;
        }
    }

  v = json_get (root, "linux");
  if (v && v->kind != JSON_NULL && parse_linux (v, config, err) < 0)
    return -1;
  v = json_get (root, "mounts");
  if (v && v->kind != JSON_NULL && parse_mounts (v, config, err) < 0)
    return -1;
  return 0;
}

int
spec_read (int bundle_fd, char **buf, size_t *len, hook_error **err)
{
  struct stat st;

  /* O_NONBLOCK: a FIFO planted as config.json must not hang the hook.  */
  cleanup_close int fd
      = openat (bundle_fd, "config.json", O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0)
    return hook_fail (err, errno, "open config.json in the bundle");
  /* The largest input the hook takes: refused by its size before a byte
     is read (the bounded read catches one that grows meanwhile).  */
  if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode) && (uint64_t)st.st_size > SPEC_MAX_BYTES)
    return hook_fail (err, 0, "config.json: %lld bytes exceed the limit of %u",
                      (long long)st.st_size, SPEC_MAX_BYTES);
  return read_regular_fd (fd, "config.json", SPEC_MAX_BYTES, buf, len, err);
}

int
spec_load (int bundle_fd, container_spec *config, hook_error **err)
{
  cleanup_free char *buf = NULL;
  size_t len = 0;

  memset (config, 0, sizeof *config);
  if (spec_read (bundle_fd, &buf, &len, err) < 0)
    return -1;
  return spec_parse (buf, len, config, err);
}

void
spec_clear (container_spec *config)
{
  json_doc_free (config->doc);
  free (config->gid_mappings);
  free (config->mounts);
  memset (config, 0, sizeof *config);
}

/* Compare mount destinations as paths: "/dev/shm/", "//dev//shm" and
   "/dev/shm" are the same place.  */
static bool
same_destination (const char *a, const char *b)
{
  for (;;)
    {
      while (*a == '/' && (a[1] == '/' || a[1] == '\0'))
        a++;
      while (*b == '/' && (b[1] == '/' || b[1] == '\0'))
        b++;
      if (*a != *b)
        return false;
      if (*a == '\0')
        return true;
      a++;
      b++;
    }
}

const spec_mount *
spec_find_mount (const container_spec *config, const char *dest)
{
  for (size_t i = config->n_mounts; i-- > 0;)
    if (same_destination (config->mounts[i].destination, dest))
      return &config->mounts[i];
  return NULL;
}

static bool
same_sysctl_key (const char *a, const char *b)
{
  for (; *a && *b; a++, b++)
    {
      char x = *a == '/' ? '.' : *a, y = *b == '/' ? '.' : *b;
      if (x != y)
        return false;
    }
  return *a == *b;
}

const char *
spec_sysctl_get (const container_spec *config, const char *key)
{
  const json_value *s = config->sysctl;
  if (s == NULL)
    return NULL;
  for (size_t i = 0; i < s->u.object.count; i++)
    if (same_sysctl_key (s->u.object.members[i].key, key))
      return s->u.object.members[i].value->u.scalar.text;
  return NULL;
}

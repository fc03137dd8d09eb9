#include <config.h>

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "spec.h"
#include "names.h"
#include "state.h"
#include "sysctl_rules.h"

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

      if (json_expect (ns, JSON_OBJECT, "config linux.namespaces[]", err) < 0
          || json_string (json_get (ns, "type"), "config linux.namespaces[].type", &type, err) < 0)
        return -1;
      for (size_t s = 0; s < sizeof namespace_slots / sizeof namespace_slots[0]; s++)
        if (strcmp (type, namespace_slots[s].type) == 0)
          {
            spec_namespace *slot = (spec_namespace *)((char *)config + namespace_slots[s].offset);
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
      v = json_get (m, "source");
      if (v && json_string (v, "config mounts[].source", &out->source, err) < 0)
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
parse_root (const json_value *v, container_spec *spec, hook_error **err)
{
  const json_value *readonly = json_get (v, "readonly");

  if (json_expect (v, JSON_OBJECT, "config root", err) < 0
      || json_string (json_get (v, "path"), "config root.path", &spec->root_path, err) < 0)
    return -1;
  if (spec->root_path[0] == '\0')
    return hook_fail (err, 0, "config root.path: empty");
  if (readonly && json_bool (readonly, "config root.readonly", &spec->root_readonly, err) < 0)
    return -1;
  return 0;
}

static int
parse_args (const json_value *v, container_spec *spec, hook_error **err)
{
  if (json_expect (v, JSON_ARRAY, "config process.args", err) < 0)
    return -1;
  if (v->u.array.count > 0
      && json_string (v->u.array.items[0], "config process.args[0]", &spec->arg0, err) < 0)
    return -1;
  return 0;
}

static int
parse_gid_mappings (const json_value *v, container_spec *spec, hook_error **err)
{
  return parse_mappings (v, "config linux.gidMappings", &spec->gid_mappings, &spec->n_gid_mappings,
                         err);
}

/* The leaves of config.json the plan reads, in the order they are
   checked: where each is, what it must be, the member it fills and the
   flag its presence sets.  An absent or null leaf (or parent) is left at
   its zero value; every parent on the way must be an object.  */
typedef enum spec_field_kind
{
  FIELD_STRING, /* "" is the same as absent: NULL */
  FIELD_STRING_MAP,
  FIELD_INT,
  FIELD_INT64,
  FIELD_UINT64,
  FIELD_PARSER,
} spec_field_kind;

#define SPEC_FIELD_DEPTH 4
#define NO_FLAG          SIZE_MAX

typedef struct spec_field
{
  const char *path[SPEC_FIELD_DEPTH + 1];
  spec_field_kind kind;
  size_t offset, flag_offset;
  int64_t min;
  uint64_t max;
  int (*parse) (const json_value *v, container_spec *spec, hook_error **err);
} spec_field;

#define MEMBER(m)                       offsetof (container_spec, m)
#define STRING(m)                       FIELD_STRING, MEMBER (m), NO_FLAG, 0, 0, NULL
#define STRING_MAP(m)                   FIELD_STRING_MAP, MEMBER (m), NO_FLAG, 0, 0, NULL
#define PARSER(fn)                      FIELD_PARSER, 0, NO_FLAG, 0, 0, fn
#define NUMBER(kind, m, flag, min, max) kind, MEMBER (m), MEMBER (flag), min, max, NULL

static const spec_field spec_fields[] = {
  { { "hostname" }, STRING (hostname) },
  { { "annotations" }, STRING_MAP (annotations) },
  { { "process", "args" }, PARSER (parse_args) },
  { { "process", "oomScoreAdj" },
    NUMBER (FIELD_INT, oom_score_adj, has_oom_score_adj, -1000, 1000) },
  { { "linux", "namespaces" }, PARSER (parse_namespaces) },
  { { "linux", "gidMappings" }, PARSER (parse_gid_mappings) },
  { { "linux", "sysctl" }, STRING_MAP (sysctl) },
  { { "linux", "resources", "cpu", "period" },
    NUMBER (FIELD_UINT64, cpu_period, has_sizing_resources, 0, INT64_MAX) },
  { { "linux", "resources", "cpu", "quota" },
    NUMBER (FIELD_INT64, cpu_quota, has_sizing_resources, -1, INT64_MAX) },
  { { "linux", "resources", "cpu", "shares" },
    NUMBER (FIELD_UINT64, cpu_shares, has_cpu_shares, 0, UINT64_MAX) },
  { { "linux", "resources", "memory", "limit" },
    NUMBER (FIELD_INT64, memory_limit, has_sizing_resources, -1, INT64_MAX) },
  { { "linux", "cgroupsPath" }, STRING (cgroups_path) },
  { { "linux", "mountLabel" }, STRING (mount_label) },
  { { "mounts" }, PARSER (parse_mounts) },
};

/* "config linux.resources.cpu" for the first N keys of PATH.  */
static const char *
field_name (char *buf, size_t size, const char *const *path, size_t n)
{
  size_t used = (size_t)snprintf (buf, size, "config");
  for (size_t i = 0; i < n && used < size; i++)
    used += (size_t)snprintf (buf + used, size - used, "%s%s", i ? "." : " ", path[i]);
  return buf;
}

static int
parse_field (const json_value *root, const spec_field *f, container_spec *spec, hook_error **err)
{
  const json_value *v = root;
  char name[128];
  size_t depth = 0;
  void *member = (char *)spec + f->offset;

  while (f->path[depth])
    {
      /* The name is formatted only for the error: every field of the
         table is looked up in every config.json, most are absent.  */
      if (depth > 0 && v->kind != JSON_OBJECT)
        return json_expect (v, JSON_OBJECT, field_name (name, sizeof name, f->path, depth), err);
      v = json_get (v, f->path[depth++]);
      if (v == NULL || v->kind == JSON_NULL)
        return 0;
    }
  field_name (name, sizeof name, f->path, depth);
  switch (f->kind)
    {
    case FIELD_STRING:
      if (json_string (v, name, (const char **)member, err) < 0)
        return -1;
      if (**(const char **)member == '\0')
        *(const char **)member = NULL;
      break;
    case FIELD_STRING_MAP:
      if (json_string_map_validate (v, name, err) < 0)
        return -1;
      *(const json_value **)member = v;
      break;
    case FIELD_INT:
    case FIELD_INT64:
      {
        int64_t n;
        if (json_int64 (v, name, f->min, (int64_t)f->max, &n, err) < 0)
          return -1;
        if (f->kind == FIELD_INT)
          *(int *)member = (int)n;
        else
          *(int64_t *)member = n;
        break;
      }
    case FIELD_UINT64:
      if (json_uint64 (v, name, f->max, (uint64_t *)member, err) < 0)
        return -1;
      break;
    case FIELD_PARSER:
      return f->parse (v, spec, err);
    }
  if (f->flag_offset != NO_FLAG)
    *(bool *)((char *)spec + f->flag_offset) = true;
  return 0;
}

int
spec_parse (const char *buf, size_t len, container_spec *spec, hook_error **err)
{
  const json_limits limits = { .max_bytes = SPEC_MAX_BYTES, .max_depth = JSON_MAX_DEPTH };
  const json_value *root;

  memset (spec, 0, sizeof *spec);
  if (json_parse (buf, len, &limits, &spec->doc, err) < 0)
    return hook_error_prefix (err, "config.json");
  root = json_doc_root (spec->doc);
  if (json_expect (root, JSON_OBJECT, "config", err) < 0)
    return -1;
  /* root is required, so not a field of the table (absent there is fine).  */
  if (parse_root (json_get (root, "root"), spec, err) < 0)
    return -1;
  for (size_t i = 0; i < sizeof spec_fields / sizeof spec_fields[0]; i++)
    if (parse_field (root, &spec_fields[i], spec, err) < 0)
      return -1;
  /* -1 is "unlimited" in the runtime-spec: no limit to report.  */
  if (spec->memory_limit < 0)
    spec->memory_limit = 0;
  return 0;
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

const char *
spec_sysctl_get (const container_spec *config, const char *key)
{
  const json_value *s = config->sysctl;
  if (s == NULL)
    return NULL;
  for (size_t i = 0; i < s->u.object.count; i++)
    if (sysctl_name_equals (s->u.object.members[i].key, key))
      return s->u.object.members[i].value->u.scalar.text;
  return NULL;
}

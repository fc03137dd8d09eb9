/* src/decide/spec.h: the facts of a bundle's config.json, from real fixtures,
   and every malformed field refused naming it (docs/security.md, threats 6, 7, 9, 16).

   tests/data/runc-spec.json is the output of `runc spec` of runc 1.1.5
   (commit 1.1.5+ds1-1+deb12u1, spec 1.0.2-dev, Debian 12), unchanged.
   tests/data/sandbox-config.json is shaped like the pause container config
   containerd's CRI plugin writes, with a user namespace and every field the
   hook reads.  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "inputs.h"
#include "spec.h"
#include "spec_command.h"
#include "dnsfiles.h"
#include "error.h"
#include "json.h"
#include "safepath.h"
#include "state.h"
#include "tap.h"

#define N_ELEMENTS(a) (sizeof (a) / sizeof ((a)[0]))

/* Makefile.am passes the absolute fixture directory; a standalone build runs
   from the top of the tree.  */
#ifndef TEST_DATA_DIR
#define TEST_DATA_DIR "tests/data"
#endif

typedef struct refuse_case
{
  const char *json;
  const char *mention;
} refuse_case;

typedef struct mount_expect
{
  const char *destination, *type;
  bool bind;
  const char *source;
} mount_expect;

static char *
read_fixture (const char *name, size_t *len)
{
  char path[PATH_MAX];
  cleanup_hook_error hook_error *err = NULL;
  char *buf = NULL;

  snprintf (path, sizeof path, "%s/%s", TEST_DATA_DIR, name);
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || read_fd_bounded (fd, SPEC_MAX_BYTES, &buf, len, &err) < 0)
    {
      printf ("# cannot read fixture %s\n", path);
      tap_current_failed = true;
      return NULL;
    }
  return buf;
}

static int
parse_text (const char *text, container_spec *config, hook_error **err)
{
  return spec_parse (text, strlen (text), config, err);
}

static void
check_refused (const refuse_case *cases, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      container_spec config;
      int ret = parse_text (cases[i].json, &config, &err);

      if (ret != -1 || err == NULL || strstr (err->message, cases[i].mention) == NULL)
        {
          cleanup_free char *quoted = quote_for_message (cases[i].json);
          printf ("# %s: ret %d, error \"%s\", expected one mentioning \"%s\"\n",
                  quoted ? quoted : "?", ret, err ? err->message : "(none)", cases[i].mention);
          tap_current_failed = true;
        }
      /* What was allocated before the error is owned by the config.  */
      spec_clear (&config);
    }
}

static void
check_mounts (const container_spec *config, const mount_expect *expect, size_t n)
{
  CHECK_INT (config->n_mounts, n);
  for (size_t i = 0; i < n && i < config->n_mounts; i++)
    {
      CHECK_STR (config->mounts[i].destination, expect[i].destination);
      CHECK_STR (config->mounts[i].type, expect[i].type);
      CHECK_STR (config->mounts[i].source, expect[i].source);
      if (config->mounts[i].bind != expect[i].bind)
        {
          printf ("# mount %s: bind is %d\n", expect[i].destination, config->mounts[i].bind);
          tap_current_failed = true;
        }
    }
}

/* Real fixtures */

TEST (runc_spec_fixture_gives_its_facts)
{
  size_t len = 0;
  cleanup_free char *text = read_fixture ("runc-spec.json", &len);
  cleanup_hook_error hook_error *err = NULL;
  container_spec config;
  static const mount_expect mounts[] = {
    { "/proc", "proc", false, "proc" },
    { "/dev", "tmpfs", false, "tmpfs" },
    { "/dev/pts", "devpts", false, "devpts" },
    { "/dev/shm", "tmpfs", false, "shm" },
    { "/dev/mqueue", "mqueue", false, "mqueue" },
    { "/sys", "sysfs", false, "sysfs" },
    { "/sys/fs/cgroup", "cgroup", false, "cgroup" },
  };

  if (text == NULL)
    return;
  CHECK_INT (spec_parse (text, len, &config, &err), 0);
  CHECK (err == NULL);
  CHECK_STR (config.root_path, "rootfs");
  CHECK (config.root_readonly);
  CHECK_STR (config.hostname, "runc");
  CHECK (config.annotations == NULL);
  CHECK_STR (config.arg0, "sh");
  CHECK (!config.has_oom_score_adj);
  CHECK (config.sysctl == NULL);
  CHECK (config.ns_pid.present && config.ns_pid.path == NULL);
  CHECK (config.ns_network.present && config.ns_network.path == NULL);
  CHECK (config.ns_ipc.present && config.ns_ipc.path == NULL);
  CHECK (config.ns_uts.present && config.ns_uts.path == NULL);
  CHECK (config.ns_mount.present && config.ns_mount.path == NULL);
  CHECK (!config.ns_user.present && !config.ns_cgroup.present);
  CHECK (config.gid_mappings == NULL && config.n_gid_mappings == 0);
  CHECK (!config.has_cpu_shares);
  CHECK (!config.has_sizing_resources);
  CHECK (config.cpu_period == 0 && config.cpu_quota == 0 && config.memory_limit == 0);
  CHECK (config.cgroups_path == NULL);
  CHECK (config.mount_label == NULL);
  check_mounts (&config, mounts, N_ELEMENTS (mounts));
  spec_clear (&config);
}

TEST (containerd_sandbox_fixture_gives_every_fact)
{
  size_t len = 0;
  cleanup_free char *text = read_fixture ("sandbox-config.json", &len);
  cleanup_hook_error hook_error *err = NULL;
  container_spec config;
  static const mount_expect mounts[] = {
    { "/proc", "proc", false, "proc" },
    { "/dev", "tmpfs", false, "tmpfs" },
    { "/dev/pts", "devpts", false, "devpts" },
    { "/dev/mqueue", "mqueue", false, "mqueue" },
    { "/sys", "sysfs", false, "sysfs" },
    { "/dev/shm", "tmpfs", false, "shm" },
    { "/etc/resolv.conf", "bind", true,
      "/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/4c1e2f9d0b7a/resolv.conf" },
    /* No type: a bind because of its "rbind" option.  */
    { "/etc/hostname", "", true,
      "/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/4c1e2f9d0b7a/hostname" },
  };

  if (text == NULL)
    return;
  CHECK_INT (spec_parse (text, len, &config, &err), 0);
  CHECK (err == NULL);
  CHECK_STR (config.root_path, "rootfs");
  CHECK (config.root_readonly);
  CHECK_STR (config.hostname, "web-7d9d5c8b4f-x2x9q");
  CHECK_INT (config.annotations ? config.annotations->u.object.count : 0, 10);
  CHECK_STR (annotation_get (config.annotations, "io.kubernetes.cri.container-type"), "sandbox");
  CHECK_STR (annotation_get (config.annotations, "io.kubernetes.cri.sandbox-memory"), "268435456");
  CHECK_STR (config.arg0, "/pause");
  CHECK (config.has_oom_score_adj);
  CHECK_INT (config.oom_score_adj, -998);
  CHECK_INT (config.sysctl ? config.sysctl->u.object.count : 0, 3);
  CHECK_STR (spec_sysctl_get (&config, "net.ipv4.ip_unprivileged_port_start"), "0");
  CHECK_STR (spec_sysctl_get (&config, "net.ipv4.ping_group_range"), "0 2147483647");
  CHECK_STR (spec_sysctl_get (&config, "kernel.shm_rmid_forced"), "1");
  CHECK (config.ns_pid.present && config.ns_pid.path == NULL);
  CHECK (config.ns_ipc.present && config.ns_ipc.path == NULL);
  CHECK (config.ns_uts.present && config.ns_uts.path == NULL);
  CHECK (config.ns_mount.present && config.ns_mount.path == NULL);
  CHECK (config.ns_network.present);
  CHECK_STR (config.ns_network.path, "/var/run/netns/cni-8e3a2c61-7a0b-4b1d-9c4e-5f6a7b8c9d0e");
  CHECK (config.ns_user.present && config.ns_user.path == NULL);
  CHECK (!config.ns_cgroup.present);
  CHECK_INT (config.n_gid_mappings, 2);
  if (config.n_gid_mappings == 2)
    {
      CHECK_INT (config.gid_mappings[0].container_id, 0);
      CHECK_INT (config.gid_mappings[0].host_id, 65536);
      CHECK_INT (config.gid_mappings[0].size, 65536);
      CHECK_INT (config.gid_mappings[1].container_id, 65536);
      CHECK_INT (config.gid_mappings[1].host_id, 1000);
      CHECK_INT (config.gid_mappings[1].size, 1);
    }
  CHECK (config.has_cpu_shares);
  CHECK_INT (config.cpu_shares, 2);
  /* containerd sizes the pause container by annotations only.  */
  CHECK (!config.has_sizing_resources);
  CHECK_STR (config.cgroups_path, "kubepods-besteffort-pod1b2c3d4e_0000_1111_2222_333344445555"
                                  ".slice:cri-containerd:4c1e2f9d0b7a");
  CHECK_STR (config.mount_label, "system_u:object_r:container_file_t:s0:c4,c5");
  check_mounts (&config, mounts, N_ELEMENTS (mounts));
  CHECK (spec_find_mount (&config, "/dev/shm") == &config.mounts[5]);
  CHECK (spec_find_mount (&config, "/etc/resolv.conf") == &config.mounts[6]);
  CHECK (spec_find_mount (&config, "/etc/hosts") == NULL);
  spec_clear (&config);
  CHECK (config.doc == NULL && config.mounts == NULL && config.gid_mappings == NULL);
}

TEST (smallest_config_has_only_a_root)
{
  cleanup_hook_error hook_error *err = NULL;
  container_spec config;

  CHECK_INT (parse_text ("{\"root\":{\"path\":\"/var/lib/x/merged\"}}", &config, &err), 0);
  CHECK_STR (config.root_path, "/var/lib/x/merged");
  CHECK (!config.root_readonly);
  CHECK (config.hostname == NULL && config.arg0 == NULL && config.sysctl == NULL);
  CHECK (config.annotations == NULL && config.cgroups_path == NULL);
  CHECK (config.mount_label == NULL && config.mounts == NULL && config.n_mounts == 0);
  CHECK (!config.has_oom_score_adj && !config.has_cpu_shares);
  CHECK (!config.ns_network.present && !config.ns_ipc.present && !config.ns_uts.present);
  spec_clear (&config);
}

TEST (null_optional_fields_read_as_absent)
{
  cleanup_hook_error hook_error *err = NULL;
  container_spec config;

  CHECK_INT (parse_text ("{\"root\":{\"path\":\"r\"},\"hostname\":null,\"annotations\":null,"
                         "\"process\":{\"args\":null,\"oomScoreAdj\":null},\"mounts\":"
                         "[{\"destination\":\"/x\",\"options\":null}],\"linux\":{"
                         "\"namespaces\":null,\"gidMappings\":null,\"sysctl\":null,"
                         "\"resources\":{\"cpu\":{\"shares\":null}},\"cgroupsPath\":null,"
                         "\"mountLabel\":null}}",
                         &config, &err),
             0);
  CHECK (err == NULL);
  CHECK (config.hostname == NULL && config.annotations == NULL && config.arg0 == NULL);
  CHECK (!config.has_oom_score_adj && !config.has_cpu_shares && config.sysctl == NULL);
  CHECK (config.cgroups_path == NULL && config.mount_label == NULL);
  CHECK_INT (config.n_mounts, 1);
  spec_clear (&config);
}

TEST (empty_strings_read_as_absent)
{
  cleanup_hook_error hook_error *err = NULL;
  container_spec config;

  CHECK_INT (parse_text ("{\"root\":{\"path\":\"r\"},\"hostname\":\"\",\"process\":{\"args\":[]},"
                         "\"linux\":{\"cgroupsPath\":\"\",\"mountLabel\":\"\",\"namespaces\":"
                         "[{\"type\":\"network\",\"path\":\"\"}]}}",
                         &config, &err),
             0);
  CHECK (config.hostname == NULL && config.arg0 == NULL);
  CHECK (config.cgroups_path == NULL && config.mount_label == NULL);
  CHECK (config.ns_network.present && config.ns_network.path == NULL);
  spec_clear (&config);
}

TEST (oom_score_adj_at_the_bounds_is_accepted)
{
  static const struct
  {
    const char *json;
    int value;
  } cases[] = {
    { "{\"root\":{\"path\":\"r\"},\"process\":{\"oomScoreAdj\":-1000}}", -1000 },
    { "{\"root\":{\"path\":\"r\"},\"process\":{\"oomScoreAdj\":1000}}", 1000 },
    { "{\"root\":{\"path\":\"r\"},\"process\":{\"oomScoreAdj\":0}}", 0 },
    { "{\"root\":{\"path\":\"r\"},\"process\":{\"oomScoreAdj\":-0}}", 0 },
  };

  for (size_t i = 0; i < N_ELEMENTS (cases); i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      container_spec config;

      CHECK_INT (parse_text (cases[i].json, &config, &err), 0);
      CHECK (config.has_oom_score_adj);
      CHECK_INT (config.oom_score_adj, cases[i].value);
      spec_clear (&config);
    }
}

TEST (cpu_shares_keep_the_full_unsigned_range)
{
  /* Clamping is the plan's business: the parser keeps what was written.  */
  static const struct
  {
    const char *json;
    uint64_t value;
  } cases[] = {
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"resources\":{\"cpu\":{\"shares\":0}}}}", 0 },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"resources\":{\"cpu\":{\"shares\":1}}}}", 1 },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"resources\":{\"cpu\":{\"shares\":262145}}}}",
      262145 },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"resources\":{\"cpu\":{\"shares\":"
      "18446744073709551615}}}}",
      UINT64_MAX },
  };

  for (size_t i = 0; i < N_ELEMENTS (cases); i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      container_spec config;

      CHECK_INT (parse_text (cases[i].json, &config, &err), 0);
      CHECK (config.has_cpu_shares);
      CHECK (config.cpu_shares == cases[i].value);
      spec_clear (&config);
    }
}

TEST (sizing_resources_are_read)
{
  static const struct
  {
    const char *json;
    uint64_t period;
    int64_t quota, memory;
  } cases[] = {
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"resources\":{\"cpu\":{\"period\":100000,"
      "\"quota\":50000},\"memory\":{\"limit\":268435456}}}}",
      100000, 50000, 268435456 },
    /* -1 is "unlimited": no quota is kept as written, no memory limit as 0.  */
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"resources\":{\"cpu\":{\"quota\":-1},"
      "\"memory\":{\"limit\":-1}}}}",
      0, -1, 0 },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"resources\":{\"memory\":{\"limit\":"
      "9223372036854775807}}}}",
      0, 0, INT64_MAX },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"resources\":{\"cpu\":{\"period\":"
      "9223372036854775807}}}}",
      INT64_MAX, 0, 0 },
  };

  for (size_t i = 0; i < N_ELEMENTS (cases); i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      container_spec config;

      CHECK_INT (parse_text (cases[i].json, &config, &err), 0);
      CHECK (config.has_sizing_resources);
      CHECK (config.cpu_period == cases[i].period);
      CHECK_INT (config.cpu_quota, cases[i].quota);
      CHECK_INT (config.memory_limit, cases[i].memory);
      CHECK (!config.has_cpu_shares);
      spec_clear (&config);
    }
}

TEST (malformed_sizing_resources_are_refused)
{
  static const refuse_case cases[] = {
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"resources\":{\"cpu\":{\"period\":-1}}}}",
      "config linux.resources.cpu.period: -1 is negative" },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"resources\":{\"cpu\":{\"period\":"
      "9223372036854775808}}}}",
      "config linux.resources.cpu.period: 9223372036854775808 is out of range" },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"resources\":{\"cpu\":{\"quota\":-2}}}}",
      "config linux.resources.cpu.quota: -2 is out of range" },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"resources\":{\"cpu\":{\"quota\":1e5}}}}",
      "config linux.resources.cpu.quota: 1e5 is not an integer" },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"resources\":{\"memory\":{\"limit\":"
      "\"256Mi\"}}}}",
      "config linux.resources.memory.limit: expected a number, got a string" },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"resources\":{\"memory\":{\"limit\":-2}}}}",
      "config linux.resources.memory.limit: -2 is out of range" },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"resources\":{\"memory\":{\"limit\":"
      "9223372036854775808}}}}",
      "config linux.resources.memory.limit: 9223372036854775808 is out of range" },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"resources\":{\"memory\":268435456}}}",
      "config linux.resources.memory: expected an object, got a number" },
  };

  check_refused (cases, N_ELEMENTS (cases));
}

TEST (unknown_namespace_types_are_ignored)
{
  cleanup_hook_error hook_error *err = NULL;
  container_spec config;

  CHECK_INT (
      parse_text ("{\"root\":{\"path\":\"r\"},\"linux\":{\"namespaces\":[{\"type\":\"time\"},"
                  "{\"type\":\"cgroup\",\"path\":\"/proc/1/ns/cgroup\"},{\"type\":\"NET\"}]}}",
                  &config, &err),
      0);
  CHECK (config.ns_cgroup.present);
  CHECK_STR (config.ns_cgroup.path, "/proc/1/ns/cgroup");
  CHECK (!config.ns_network.present);
  spec_clear (&config);
}

/* Refusals */

TEST (missing_or_empty_root_is_refused)
{
  static const refuse_case cases[] = {
    { "{}", "config root: missing" },
    { "{\"root\":null}", "config root: expected an object, got null" },
    { "{\"root\":\"rootfs\"}", "config root: expected an object, got a string" },
    { "{\"root\":{}}", "config root.path: missing" },
    { "{\"root\":{\"path\":\"\"}}", "config root.path: empty" },
    { "{\"root\":{\"path\":7}}", "config root.path: expected a string, got a number" },
    { "{\"root\":{\"path\":\"r\",\"readonly\":\"yes\"}}",
      "config root.readonly: expected a boolean, got a string" },
    { "{\"root\":{\"path\":\"r\",\"readonly\":1}}",
      "config root.readonly: expected a boolean, got a number" },
  };

  check_refused (cases, N_ELEMENTS (cases));
}

TEST (out_of_range_or_non_integer_oom_score_adj_is_refused)
{
  static const refuse_case cases[] = {
    { "{\"root\":{\"path\":\"r\"},\"process\":{\"oomScoreAdj\":1001}}",
      "config process.oomScoreAdj: 1001 is out of range [-1000, 1000]" },
    { "{\"root\":{\"path\":\"r\"},\"process\":{\"oomScoreAdj\":-1001}}",
      "config process.oomScoreAdj: -1001 is out of range [-1000, 1000]" },
    { "{\"root\":{\"path\":\"r\"},\"process\":{\"oomScoreAdj\":1e3}}",
      "config process.oomScoreAdj: 1e3 is not an integer" },
    { "{\"root\":{\"path\":\"r\"},\"process\":{\"oomScoreAdj\":-998.0}}",
      "config process.oomScoreAdj: -998.0 is not an integer" },
    { "{\"root\":{\"path\":\"r\"},\"process\":{\"oomScoreAdj\":\"5\"}}",
      "config process.oomScoreAdj: expected a number, got a string" },
    { "{\"root\":{\"path\":\"r\"},\"process\":{\"oomScoreAdj\":4294966298}}",
      "config process.oomScoreAdj: 4294966298 is out of range" },
    { "{\"root\":{\"path\":\"r\"},\"process\":{\"oomScoreAdj\":-9223372036854775809}}",
      "config process.oomScoreAdj: -9223372036854775809 is out of range" },
  };

  check_refused (cases, N_ELEMENTS (cases));
}

TEST (malformed_cpu_shares_are_refused)
{
  static const refuse_case cases[] = {
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"resources\":{\"cpu\":{\"shares\":-1}}}}",
      "config linux.resources.cpu.shares: -1 is negative" },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"resources\":{\"cpu\":{\"shares\":1.5}}}}",
      "config linux.resources.cpu.shares: 1.5 is not an integer" },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"resources\":{\"cpu\":{\"shares\":2e0}}}}",
      "config linux.resources.cpu.shares: 2e0 is not an integer" },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"resources\":{\"cpu\":{\"shares\":\"2\"}}}}",
      "config linux.resources.cpu.shares: expected a number, got a string" },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"resources\":{\"cpu\":{\"shares\":"
      "18446744073709551616}}}}",
      "config linux.resources.cpu.shares: 18446744073709551616 is out of range" },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"resources\":{\"cpu\":[]}}}",
      "config linux.resources.cpu: expected an object, got an array" },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"resources\":true}}",
      "config linux.resources: expected an object, got a boolean" },
  };

  check_refused (cases, N_ELEMENTS (cases));
}

TEST (malformed_namespaces_are_refused)
{
  static const refuse_case cases[] = {
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"namespaces\":{\"type\":\"network\"}}}",
      "config linux.namespaces: expected an array, got an object" },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"namespaces\":[\"network\"]}}",
      "config linux.namespaces[]: expected an object, got a string" },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"namespaces\":[{\"path\":\"/proc/1/ns/net\"}]}}",
      "config linux.namespaces[].type: missing" },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"namespaces\":[{\"type\":7}]}}",
      "config linux.namespaces[].type: expected a string, got a number" },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":"
      "\"proc/1/ns/net\"}]}}",
      "config linux.namespaces[].path: not an absolute path" },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"namespaces\":[{\"type\":\"ipc\",\"path\":"
      "\"/proc/1/../1/ns/ipc\"}]}}",
      "config linux.namespaces[].path: \"/proc/1/../1/ns/ipc\" is not a canonical path" },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"namespaces\":[{\"type\":\"uts\",\"path\":"
      "\"/proc/1/ns/uts/\"}]}}",
      "config linux.namespaces[].path: \"/proc/1/ns/uts/\" is not a canonical path" },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":"
      "false}]}}",
      "config linux.namespaces[].path: expected a string, got a boolean" },
    { "{\"root\":{\"path\":\"r\"},\"linux\":\"host\"}",
      "config linux: expected an object, got a string" },
  };

  check_refused (cases, N_ELEMENTS (cases));
}

TEST (malformed_gid_mappings_are_refused)
{
  static const refuse_case cases[] = {
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"gidMappings\":[{\"containerID\":0,\"hostID\":"
      "100000,\"size\":0}]}}",
      "config linux.gidMappings: mapping 0 has an invalid size" },
    /* The last container id would be 2^32 - 1, which the kernel refuses.  */
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"gidMappings\":[{\"containerID\":4294967295,"
      "\"hostID\":0,\"size\":1}]}}",
      "config linux.gidMappings: mapping 0 has an invalid size" },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"gidMappings\":[{\"containerID\":0,\"hostID\":0,"
      "\"size\":1},{\"containerID\":1,\"hostID\":100000,\"size\":4294967295}]}}",
      "config linux.gidMappings: mapping 1 has an invalid size" },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"gidMappings\":[{\"containerID\":4294967296,"
      "\"hostID\":0,\"size\":1}]}}",
      "config linux.gidMappings[].containerID: 4294967296 is out of range [0, 4294967295]" },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"gidMappings\":[{\"containerID\":-1,"
      "\"hostID\":0,\"size\":1}]}}",
      "config linux.gidMappings[].containerID: -1 is negative" },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"gidMappings\":[{\"containerID\":0,\"size\":1}]}}",
      "config linux.gidMappings[].hostID: missing" },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"gidMappings\":[{\"containerID\":0,\"hostID\":0,"
      "\"size\":1.5}]}}",
      "config linux.gidMappings[].size: 1.5 is not an integer" },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"gidMappings\":[0]}}",
      "config linux.gidMappings: expected an object, got a number" },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"gidMappings\":{\"containerID\":0}}}",
      "config linux.gidMappings: expected an array, got an object" },
  };

  check_refused (cases, N_ELEMENTS (cases));
}

TEST (gid_mapping_ending_at_the_last_valid_id_is_accepted)
{
  cleanup_hook_error hook_error *err = NULL;
  container_spec config;

  CHECK_INT (parse_text ("{\"root\":{\"path\":\"r\"},\"linux\":{\"gidMappings\":[{\"containerID\":"
                         "4294967294,\"hostID\":4294967294,\"size\":1},{\"containerID\":0,"
                         "\"hostID\":0,\"size\":4294967295}]}}",
                         &config, &err),
             0);
  CHECK_INT (config.n_gid_mappings, 2);
  if (config.n_gid_mappings == 2)
    {
      CHECK_INT (config.gid_mappings[0].container_id, UINT32_MAX - 1);
      CHECK_INT (config.gid_mappings[1].size, UINT32_MAX);
    }
  spec_clear (&config);
}

/* A config with N gid mappings of one id each.  */
static char *
config_with_mappings (size_t n)
{
  char *out = NULL;
  size_t size = 0;
  FILE *f = open_memstream (&out, &size);

  if (f == NULL)
    abort ();
  fputs ("{\"root\":{\"path\":\"r\"},\"linux\":{\"gidMappings\":[", f);
  for (size_t i = 0; i < n; i++)
    fprintf (f, "%s{\"containerID\":%zu,\"hostID\":%zu,\"size\":1}", i ? "," : "", i, 100000 + i);
  fputs ("]}}", f);
  if (fclose (f) != 0)
    abort ();
  return out;
}

TEST (more_than_340_gid_mappings_are_refused)
{
  cleanup_free char *ok340 = config_with_mappings (340);
  cleanup_free char *bad341 = config_with_mappings (341);
  cleanup_hook_error hook_error *err = NULL;
  container_spec config;

  CHECK_INT (parse_text (ok340, &config, &err), 0);
  CHECK_INT (config.n_gid_mappings, 340);
  if (config.n_gid_mappings == 340)
    CHECK_INT (config.gid_mappings[339].host_id, 100339);
  spec_clear (&config);

  const refuse_case refused = { bad341, "config linux.gidMappings: more than 340 mappings" };
  check_refused (&refused, 1);
}

TEST (malformed_mounts_are_refused)
{
  static const refuse_case cases[] = {
    { "{\"root\":{\"path\":\"r\"},\"mounts\":[{\"type\":\"tmpfs\",\"source\":\"shm\"}]}",
      "config mounts[].destination: missing" },
    { "{\"root\":{\"path\":\"r\"},\"mounts\":[{\"destination\":\"/ok\"},{\"type\":\"bind\"}]}",
      "config mounts[].destination: missing" },
    { "{\"root\":{\"path\":\"r\"},\"mounts\":[{\"destination\":[\"/dev/shm\"]}]}",
      "config mounts[].destination: expected a string, got an array" },
    { "{\"root\":{\"path\":\"r\"},\"mounts\":[{\"destination\":\"/dev/shm\",\"options\":"
      "[\"ro\",1]}]}",
      "config mounts[].options[]: expected a string, got a number" },
    { "{\"root\":{\"path\":\"r\"},\"mounts\":[{\"destination\":\"/dev/shm\",\"options\":"
      "[null]}]}",
      "config mounts[].options[]: expected a string, got null" },
    { "{\"root\":{\"path\":\"r\"},\"mounts\":[{\"destination\":\"/dev/shm\",\"options\":"
      "\"rbind,ro\"}]}",
      "config mounts[].options: expected an array, got a string" },
    { "{\"root\":{\"path\":\"r\"},\"mounts\":[{\"destination\":\"/dev/shm\",\"type\":7}]}",
      "config mounts[].type: expected a string, got a number" },
    { "{\"root\":{\"path\":\"r\"},\"mounts\":[{\"destination\":\"/dev/shm\",\"source\":"
      "[\"/a\"]}]}",
      "config mounts[].source: expected a string, got an array" },
    { "{\"root\":{\"path\":\"r\"},\"mounts\":[\"/dev/shm\"]}",
      "config mounts[]: expected an object, got a string" },
    { "{\"root\":{\"path\":\"r\"},\"mounts\":{\"destination\":\"/dev/shm\"}}",
      "config mounts: expected an array, got an object" },
  };

  check_refused (cases, N_ELEMENTS (cases));
}

TEST (malformed_sysctl_is_refused)
{
  static const refuse_case cases[] = {
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"sysctl\":{\"net.ipv4.ip_unprivileged_port_start\":"
      "0}}}",
      "config linux.sysctl: value of \"net.ipv4.ip_unprivileged_port_start\" is not a string" },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"sysctl\":{\"a\":\"1\",\"b\":[\"1\"]}}}",
      "config linux.sysctl: value of \"b\" is not a string" },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"sysctl\":[\"a=1\"]}}",
      "config linux.sysctl: expected an object, got an array" },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"sysctl\":{\"a\":\"1\",\"a\":\"2\"}}}",
      "duplicate key \"a\"" },
  };

  check_refused (cases, N_ELEMENTS (cases));
}

TEST (malformed_top_level_fields_are_refused)
{
  static const refuse_case cases[] = {
    { "", "config.json: invalid JSON" },
    { "{\"root\":{\"path\":\"r\"}", "config.json: invalid JSON" },
    { "[]", "config: expected an object, got an array" },
    { "{\"root\":{\"path\":\"r\"},\"hostname\":1}",
      "config hostname: expected a string, got a number" },
    { "{\"root\":{\"path\":\"r\"},\"annotations\":[]}",
      "config annotations: expected an object, got an array" },
    { "{\"root\":{\"path\":\"r\"},\"annotations\":{\"io.oci-sandbox-hook.shm-size\":1}}",
      "config annotations: value of \"io.oci-sandbox-hook.shm-size\" is not a string" },
    { "{\"root\":{\"path\":\"r\"},\"process\":[]}",
      "config process: expected an object, got an array" },
    { "{\"root\":{\"path\":\"r\"},\"process\":{\"args\":\"/pause\"}}",
      "config process.args: expected an array, got a string" },
    { "{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[1]}}",
      "config process.args[0]: expected a string, got a number" },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"cgroupsPath\":1}}",
      "config linux.cgroupsPath: expected a string, got a number" },
    { "{\"root\":{\"path\":\"r\"},\"linux\":{\"mountLabel\":{}}}",
      "config linux.mountLabel: expected a string, got an object" },
    { "{\"root\":{\"path\":\"r\"},\"hostname\":\"a\\u0000b\"}", "string contains a NUL character" },
  };

  check_refused (cases, N_ELEMENTS (cases));
}

/* Lookups */

TEST (find_mount_compares_destinations_as_paths)
{
  cleanup_hook_error hook_error *err = NULL;
  container_spec config;
  static const char *const same[]
      = { "/dev/shm", "/dev/shm/", "//dev//shm", "/dev/shm//", "///dev///shm///" };
  static const char *const other[]
      = { "/dev/sh", "/dev/shmx", "/dev", "/dev/shm/x", "dev/shm", "/", "", "/Dev/shm" };

  CHECK_INT (parse_text ("{\"root\":{\"path\":\"r\"},\"mounts\":[{\"destination\":\"/dev\"},"
                         "{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\"},"
                         "{\"destination\":\"/proc\"}]}",
                         &config, &err),
             0);
  for (size_t i = 0; i < N_ELEMENTS (same); i++)
    if (spec_find_mount (&config, same[i]) != &config.mounts[1])
      {
        printf ("# \"%s\" did not find /dev/shm\n", same[i]);
        tap_current_failed = true;
      }
  for (size_t i = 0; i < N_ELEMENTS (other); i++)
    {
      const spec_mount *m = spec_find_mount (&config, other[i]);
      if (m == &config.mounts[1])
        {
          printf ("# \"%s\" found /dev/shm\n", other[i]);
          tap_current_failed = true;
        }
    }
  CHECK (spec_find_mount (&config, "/dev/") == &config.mounts[0]);
  spec_clear (&config);
}

TEST (find_mount_matches_destinations_written_oddly)
{
  /* The config's own destination may carry the extra slashes.  */
  cleanup_hook_error hook_error *err = NULL;
  container_spec config;

  CHECK_INT (parse_text ("{\"root\":{\"path\":\"r\"},\"mounts\":[{\"destination\":\"//dev//shm/\","
                         "\"type\":\"tmpfs\"}]}",
                         &config, &err),
             0);
  CHECK (spec_find_mount (&config, "/dev/shm") == &config.mounts[0]);
  spec_clear (&config);
}

TEST (find_mount_returns_the_last_one_as_runtimes_do)
{
  cleanup_hook_error hook_error *err = NULL;
  container_spec config;

  CHECK_INT (
      parse_text ("{\"root\":{\"path\":\"r\"},\"mounts\":["
                  "{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\"},"
                  "{\"destination\":\"/etc/hosts\",\"type\":\"bind\"},"
                  "{\"destination\":\"/dev/shm/\",\"type\":\"bind\",\"options\":[\"rbind\"]},"
                  "{\"destination\":\"/tmp\",\"type\":\"tmpfs\"}]}",
                  &config, &err),
      0);
  const spec_mount *m = spec_find_mount (&config, "/dev/shm");
  CHECK (m == &config.mounts[2]);
  CHECK (m != NULL && m->bind);
  CHECK_STR (m ? m->type : NULL, "bind");
  spec_clear (&config);
}

TEST (find_mount_without_mounts_is_null)
{
  cleanup_hook_error hook_error *err = NULL;
  container_spec config;

  CHECK_INT (parse_text ("{\"root\":{\"path\":\"r\"},\"mounts\":[]}", &config, &err), 0);
  CHECK (spec_find_mount (&config, "/dev/shm") == NULL);
  spec_clear (&config);
}

TEST (bind_is_recognised_by_type_or_option)
{
  cleanup_hook_error hook_error *err = NULL;
  container_spec config;

  CHECK_INT (parse_text ("{\"root\":{\"path\":\"r\"},\"mounts\":["
                         "{\"destination\":\"/a\",\"type\":\"bind\"},"
                         "{\"destination\":\"/b\",\"type\":\"none\",\"options\":[\"bind\"]},"
                         "{\"destination\":\"/c\",\"options\":[\"ro\",\"rbind\"]},"
                         "{\"destination\":\"/d\",\"type\":\"tmpfs\",\"options\":[\"nobind\"]},"
                         "{\"destination\":\"/e\",\"type\":\"Bind\"}]}",
                         &config, &err),
             0);
  static const bool expect[] = { true, true, true, false, false };
  CHECK_INT (config.n_mounts, N_ELEMENTS (expect));
  for (size_t i = 0; i < N_ELEMENTS (expect) && i < config.n_mounts; i++)
    if (config.mounts[i].bind != expect[i])
      {
        printf ("# mount %s: bind %d\n", config.mounts[i].destination, config.mounts[i].bind);
        tap_current_failed = true;
      }
  spec_clear (&config);
}

TEST (sysctl_lookup_treats_slash_and_dot_as_the_same_key)
{
  cleanup_hook_error hook_error *err = NULL;
  container_spec config;

  CHECK_INT (parse_text ("{\"root\":{\"path\":\"r\"},\"linux\":{\"sysctl\":{"
                         "\"net.ipv4.ip_unprivileged_port_start\":\"1024\","
                         "\"net/ipv4/ping_group_range\":\"1 0\","
                         "\"kernel.shm_rmid_forced\":\"1\"}}}",
                         &config, &err),
             0);
  CHECK_STR (spec_sysctl_get (&config, "net.ipv4.ip_unprivileged_port_start"), "1024");
  CHECK_STR (spec_sysctl_get (&config, "net/ipv4/ip_unprivileged_port_start"), "1024");
  CHECK_STR (spec_sysctl_get (&config, "net.ipv4/ip_unprivileged_port_start"), "1024");
  CHECK_STR (spec_sysctl_get (&config, "net.ipv4.ping_group_range"), "1 0");
  CHECK_STR (spec_sysctl_get (&config, "net/ipv4/ping_group_range"), "1 0");
  CHECK (spec_sysctl_get (&config, "net.ipv4.ping_group") == NULL);
  CHECK (spec_sysctl_get (&config, "net.ipv4.ping_group_range.x") == NULL);
  CHECK (spec_sysctl_get (&config, "net.ipv4.ping_group_rangE") == NULL);
  CHECK (spec_sysctl_get (&config, "") == NULL);
  spec_clear (&config);
}

TEST (sysctl_lookup_without_sysctls_is_null)
{
  cleanup_hook_error hook_error *err = NULL;
  container_spec config;

  CHECK_INT (parse_text ("{\"root\":{\"path\":\"r\"}}", &config, &err), 0);
  CHECK (spec_sysctl_get (&config, "net.ipv4.ping_group_range") == NULL);
  spec_clear (&config);
}

/* Loading from a bundle directory */

typedef struct bundle_dir
{
  char path[64];
  int fd;
} bundle_dir;

static void
bundle_open (bundle_dir *b)
{
  snprintf (b->path, sizeof b->path, "/tmp/test_spec.XXXXXX");
  if (mkdtemp (b->path) == NULL)
    abort ();
  b->fd = open (b->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (b->fd < 0)
    abort ();
}

static void
bundle_close (bundle_dir *b)
{
  static const char *const names[] = { "config.json", "real.json" };
  for (size_t i = 0; i < N_ELEMENTS (names); i++)
    if (unlinkat (b->fd, names[i], 0) < 0 && errno == EISDIR)
      unlinkat (b->fd, names[i], AT_REMOVEDIR);
  close (b->fd);
  if (rmdir (b->path) < 0)
    {
      printf ("# cannot remove %s: %s\n", b->path, strerror (errno));
      tap_current_failed = true;
    }
}

static void
write_file_at (int dirfd, const char *name, const char *content, size_t len)
{
  cleanup_close int fd = openat (dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0 || write (fd, content, len) != (ssize_t)len)
    abort ();
}

TEST (config_is_loaded_from_the_bundle)
{
  size_t len = 0;
  cleanup_free char *text = read_fixture ("sandbox-config.json", &len);
  cleanup_hook_error hook_error *err = NULL;
  container_spec config;
  bundle_dir b;

  if (text == NULL)
    return;
  bundle_open (&b);
  write_file_at (b.fd, "config.json", text, len);
  CHECK_INT (spec_load (b.fd, &config, &err), 0);
  CHECK (err == NULL);
  CHECK_STR (config.arg0, "/pause");
  CHECK_INT (config.n_mounts, 8);
  spec_clear (&config);
  bundle_close (&b);
}

TEST (missing_config_json_is_an_error)
{
  cleanup_hook_error hook_error *err = NULL;
  container_spec config;
  bundle_dir b;

  bundle_open (&b);
  CHECK_INT (spec_load (b.fd, &config, &err), -1);
  CHECK_ERROR_MENTIONS (err, "open config.json in the bundle: No such file or directory");
  CHECK (err != NULL && err->errno_value == ENOENT);
  spec_clear (&config);
  bundle_close (&b);
}

TEST (config_json_symlink_is_refused)
{
  cleanup_hook_error hook_error *err = NULL;
  container_spec config;
  bundle_dir b;

  bundle_open (&b);
  write_file_at (b.fd, "real.json", "{\"root\":{\"path\":\"r\"}}", 22);
  if (symlinkat ("real.json", b.fd, "config.json") < 0)
    abort ();
  CHECK_INT (spec_load (b.fd, &config, &err), -1);
  CHECK (err != NULL && err->errno_value == ELOOP);
  CHECK_ERROR_MENTIONS (err, "open config.json in the bundle");
  spec_clear (&config);
  bundle_close (&b);
}

TEST (config_json_fifo_is_refused_without_blocking)
{
  /* main () arms an alarm: a blocking open or read kills the test.  */
  cleanup_hook_error hook_error *err = NULL;
  container_spec config;
  bundle_dir b;

  bundle_open (&b);
  if (mkfifoat (b.fd, "config.json", 0600) < 0)
    abort ();
  CHECK_INT (spec_load (b.fd, &config, &err), -1);
  CHECK_ERROR_MENTIONS (err, "config.json: not a regular file");
  spec_clear (&config);
  bundle_close (&b);
}

TEST (config_json_directory_is_refused)
{
  cleanup_hook_error hook_error *err = NULL;
  container_spec config;
  bundle_dir b;

  bundle_open (&b);
  if (mkdirat (b.fd, "config.json", 0700) < 0)
    abort ();
  CHECK_INT (spec_load (b.fd, &config, &err), -1);
  CHECK_ERROR_MENTIONS (err, "config.json: not a regular file");
  spec_clear (&config);
  bundle_close (&b);
}

TEST (config_json_over_16_mib_is_refused_by_size_before_reading)
{
  cleanup_hook_error hook_error *err = NULL;
  container_spec config;
  bundle_dir b;

  bundle_open (&b);
  {
    /* Sparse: a file that would be read would read as NUL bytes, and
       give an "invalid JSON" error instead of this one.  */
    cleanup_close int fd
        = openat (b.fd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 || ftruncate (fd, (off_t)SPEC_MAX_BYTES + 1) < 0)
      abort ();
  }
  CHECK_INT (spec_load (b.fd, &config, &err), -1);
  CHECK_ERROR_MENTIONS (err, "config.json: 16777217 bytes exceed the limit of 16777216");
  spec_clear (&config);
  bundle_close (&b);
}

TEST (config_json_that_is_not_json_is_refused_on_load)
{
  cleanup_hook_error hook_error *err = NULL;
  container_spec config;
  bundle_dir b;

  bundle_open (&b);
  write_file_at (b.fd, "config.json", "root: rootfs\n", 13);
  CHECK_INT (spec_load (b.fd, &config, &err), -1);
  CHECK_ERROR_MENTIONS (err, "config.json: invalid JSON");
  spec_clear (&config);
  bundle_close (&b);
}

/* The fast path's scan: it may only ever conclude "not a sandbox", so
   every case it cannot read must come back inconclusive.  */
typedef struct scan_case
{
  const char *json;
  bool conclusive;
  const char *arg0;
} scan_case;

TEST (scan_command_finds_the_first_arg_and_stops)
{
  static const scan_case cases[] = {
    { "{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"/catatonit\",\"-P\"]}}", true,
      "/catatonit" },
    /* args after other members, nested objects and arrays before it.  */
    { "{\"process\":{\"user\":{\"uid\":0,\"additionalGids\":[1,2]},\"env\":[\"A=1\"],"
      "\"args\":[\"sh\"]}}",
      true, "sh" },
    /* The scan stops at the command: what follows is not read.  */
    { "{\"process\":{\"args\":[\"/pause\"]},\"mounts\":[ this is not json", true, "/pause" },
    /* Not even a later "process" or "args", which the full parse refuses
       (spec_command.h: the first decides, the hook then does nothing).  */
    { "{\"process\":{\"args\":[\"sh\"]},\"process\":{\"args\":[\"/pause\"]}}", true, "sh" },
    { "{\"process\":{\"args\":[\"sh\"],\"args\":[\"/pause\"]}}", true, "sh" },
    { "{\"process\":{\"cwd\":\"/\"},\"process\":{\"args\":[\"/pause\"]}}", true, "" },
    /* "args" or "process" elsewhere is not the command.  */
    { "{\"annotations\":{\"process\":\"x\"},\"linux\":{\"args\":[\"/catatonit\"]},"
      "\"process\":{\"args\":[\"/bin/true\"]}}",
      true, "/bin/true" },
    { "{\"process\":{\"cwd\":\"/\"}}", true, "" },
    { "{\"process\":{\"args\":[]}}", true, "" },
    { "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"}}", true, "" },
    { "{\"process\":{\"args\":[\"a\\u0000b\"]}}", false, NULL },
    { "{\"process\":{\"args\":[7]}}", false, NULL },
    { "{\"process\":{\"args\":[{\"x\":1}]}}", false, NULL },
    { "{\"process\":{\"args\":[[\"x\"]]}}", false, NULL },
    { "{\"process\":{\"args\":[\"\\xff\"]}}", false, NULL },
    { "{\"process\":", false, NULL },
    { "not json", false, NULL },
    { "", false, NULL },
  };
  for (size_t i = 0; i < N_ELEMENTS (cases); i++)
    {
      char arg0[64] = "untouched";
      bool conclusive
          = spec_scan_command (cases[i].json, strlen (cases[i].json), arg0, sizeof arg0);
      if (conclusive != cases[i].conclusive || (conclusive && strcmp (arg0, cases[i].arg0) != 0))
        {
          printf ("# %s: conclusive %d, arg0 \"%s\"\n", cases[i].json, conclusive, arg0);
          tap_current_failed = true;
        }
    }
}

TEST (scan_command_that_does_not_fit_is_inconclusive)
{
  char arg0[8];
  const char *json = "{\"process\":{\"args\":[\"/usr/bin/long\"]}}";
  CHECK (!spec_scan_command (json, strlen (json), arg0, sizeof arg0));
  json = "{\"process\":{\"args\":[\"/seven1\"]}}";
  CHECK (spec_scan_command (json, strlen (json), arg0, sizeof arg0));
  CHECK_STR (arg0, "/seven1");
}

int
main (void)
{
  /* Nothing here may block: a hang becomes a failure after 60 s.  */
  alarm (60);

  RUN (runc_spec_fixture_gives_its_facts);
  RUN (containerd_sandbox_fixture_gives_every_fact);
  RUN (smallest_config_has_only_a_root);
  RUN (null_optional_fields_read_as_absent);
  RUN (empty_strings_read_as_absent);
  RUN (oom_score_adj_at_the_bounds_is_accepted);
  RUN (cpu_shares_keep_the_full_unsigned_range);
  RUN (sizing_resources_are_read);
  RUN (malformed_sizing_resources_are_refused);
  RUN (unknown_namespace_types_are_ignored);
  RUN (missing_or_empty_root_is_refused);
  RUN (out_of_range_or_non_integer_oom_score_adj_is_refused);
  RUN (malformed_cpu_shares_are_refused);
  RUN (malformed_namespaces_are_refused);
  RUN (malformed_gid_mappings_are_refused);
  RUN (gid_mapping_ending_at_the_last_valid_id_is_accepted);
  RUN (more_than_340_gid_mappings_are_refused);
  RUN (malformed_mounts_are_refused);
  RUN (malformed_sysctl_is_refused);
  RUN (malformed_top_level_fields_are_refused);
  RUN (find_mount_compares_destinations_as_paths);
  RUN (find_mount_matches_destinations_written_oddly);
  RUN (find_mount_returns_the_last_one_as_runtimes_do);
  RUN (find_mount_without_mounts_is_null);
  RUN (bind_is_recognised_by_type_or_option);
  RUN (sysctl_lookup_treats_slash_and_dot_as_the_same_key);
  RUN (sysctl_lookup_without_sysctls_is_null);
  RUN (config_is_loaded_from_the_bundle);
  RUN (missing_config_json_is_an_error);
  RUN (config_json_symlink_is_refused);
  RUN (config_json_fifo_is_refused_without_blocking);
  RUN (config_json_directory_is_refused);
  RUN (config_json_over_16_mib_is_refused_by_size_before_reading);
  RUN (config_json_that_is_not_json_is_refused_on_load);
  RUN (scan_command_finds_the_first_arg_and_stops);
  RUN (scan_command_that_does_not_fit_is_inconclusive);
  return tap_done ();
}

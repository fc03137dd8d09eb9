/* precreate: the plan rendered into config.json; the pod cgroup parent as
   a sizing source (against a faithful fake cgroupfs tree).  */
#include <config.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "spec.h"
#include "host.h"
#include "plan.h"
#include "cgroup_paths.h"
#include "pod_cgroup.h"
#include "spec_edits.h"
#include "fd_capture.h"
#include "tap.h"

static const json_limits limits = { .max_bytes = 1 << 24, .max_depth = 64 };

typedef struct precreate_run
{
  container_spec config;
  sandbox_policy policy;
  host_facts host;
  target_facts target;
  sandbox_plan plan;
  json_doc *out;
  hook_error *err;
} precreate_run;

static void
run_clear (precreate_run *r)
{
  sandbox_plan_clear (&r->plan);
  spec_clear (&r->config);
  sandbox_policy_clear (&r->policy);
  json_doc_free (r->out);
  hook_error_free (r->err);
}
#define cleanup_run __attribute__ ((cleanup (run_clear)))

typedef struct precreate_args
{
  const json_value *root;
  const sandbox_plan *plan;
} precreate_args;

static int
precreate_into (const void *arg, int fd, hook_error **err)
{
  const precreate_args *p = arg;
  return spec_edits_render_fd (p->root, p->plan, fd, err);
}

/* Plan and render CONFIG_JSON for a hook without CAP_SYS_RESOURCE whose own
   score is OWN_SCORE; the result is parsed back into R->out.  */
static int
precreate (precreate_run *r, const char *config_json, int own_score)
{
  cleanup_free char *buf = NULL;
  size_t len;

  memset (r, 0, sizeof *r);
  sandbox_policy_init_defaults (&r->policy);
  r->host.own_oom_score_adj = own_score;
  r->target.known = true;
  strcpy (r->host.hostname, "node");
  r->host.hosts_content = (char *)"127.0.0.1 localhost\n";
  r->host.hosts_len = strlen (r->host.hosts_content);
  r->host.resolv_conf_content = (char *)"nameserver 192.0.2.53\n";
  r->host.resolv_conf_len = strlen (r->host.resolv_conf_content);
  plan_input in
      = { .config = &r->config, .policy = &r->policy, .host = &r->host, .target = &r->target };
  if (spec_parse (config_json, strlen (config_json), &r->config, &r->err) < 0
      || plan_build (&in, &r->plan, &r->err) < 0
      || capture_fd_output (precreate_into,
                            &(precreate_args){ json_doc_root (r->config.doc), &r->plan }, &buf,
                            &len, &r->err)
             < 0)
    return -1;
  return json_parse (buf, len, &limits, &r->out, &r->err);
}

static const json_value *
at (const json_value *v, const char *a, const char *b, const char *c, const char *d)
{
  const char *keys[] = { a, b, c, d };
  for (int i = 0; i < 4 && keys[i] && v; i++)
    v = json_get (v, keys[i]);
  return v;
}

static const char *
text_at (const json_value *v, const char *a, const char *b, const char *c, const char *d)
{
  v = at (v, a, b, c, d);
  return v && (v->kind == JSON_STRING || v->kind == JSON_NUMBER) ? v->u.scalar.text : NULL;
}

#define PODMAN_SANDBOX                                                                             \
  "{\"ociVersion\":\"1.0.2-dev\",\"process\":{\"args\":[\"/catatonit\",\"-P\"]},"                  \
  "\"root\":{\"path\":\"/var/lib/containers/x/merged\"},\"hostname\":\"pod\","                     \
  "\"annotations\":{\"io.kubernetes.cri.container-type\":\"sandbox\",\"io.podman.x\":\"kept\"},"   \
  "\"linux\":{\"namespaces\":[{\"type\":\"network\"},{\"type\":\"ipc\"}],"                         \
  "\"resources\":{\"cpu\":{\"quota\":200000,\"period\":100000},\"memory\":{\"limit\":536870912}}}" \
  "}"

TEST (precreate_adds_sysctls_oom_shares_and_sizing_to_a_sandbox)
{
  cleanup_run precreate_run r;
  CHECK (precreate (&r, PODMAN_SANDBOX, 0) == 0);
  const json_value *root = r.out ? json_doc_root (r.out) : NULL;
  CHECK_STR (text_at (root, "linux", "sysctl", "net.ipv4.ip_unprivileged_port_start", NULL), "0");
  CHECK_STR (text_at (root, "linux", "sysctl", "net.ipv4.ping_group_range", NULL), "0 2147483647");
  CHECK_STR (text_at (root, "process", "oomScoreAdj", NULL, NULL), "0");
  CHECK_STR (text_at (root, "linux", "resources", "cpu", "shares"), "2");
  CHECK_STR (text_at (root, "annotations", "io.kubernetes.cri.sandbox-cpu-period", NULL, NULL),
             "100000");
  CHECK_STR (text_at (root, "annotations", "io.kubernetes.cri.sandbox-cpu-quota", NULL, NULL),
             "200000");
  CHECK_STR (text_at (root, "annotations", "io.kubernetes.cri.sandbox-cpu-shares", NULL, NULL),
             "0");
  CHECK_STR (text_at (root, "annotations", "io.kubernetes.cri.sandbox-memory", NULL, NULL),
             "536870912");
  CHECK_STR (text_at (root, "annotations", "io.podman.x", NULL, NULL), "kept");
  /* The existing members come first, in their order.  */
  const json_value *ann = at (root, "annotations", NULL, NULL, NULL);
  CHECK_STR (ann ? ann->u.object.members[1].key : NULL, "io.podman.x");
}

TEST (precreate_restricted_oom_score_is_the_hooks_own)
{
  cleanup_run precreate_run r;
  CHECK (precreate (&r, PODMAN_SANDBOX, 300) == 0);
  CHECK_STR (text_at (r.out ? json_doc_root (r.out) : NULL, "process", "oomScoreAdj", NULL, NULL),
             "300");
}

TEST (precreate_never_changes_what_the_spec_sets)
{
  cleanup_run precreate_run r;
  const char *config
      = "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"r\"},\"process\":{\"oomScoreAdj\":5},"
        "\"annotations\":{\"io.kubernetes.cri.container-type\":\"sandbox\","
        "\"io.kubernetes.cri.sandbox-cpu-period\":\"1\",\"io.kubernetes.cri.sandbox-cpu-quota\":"
        "\"2\","
        "\"io.kubernetes.cri.sandbox-cpu-shares\":\"3\",\"io.kubernetes.cri.sandbox-memory\":\"4\"}"
        ","
        "\"linux\":{\"namespaces\":[{\"type\":\"network\"}],"
        "\"sysctl\":{\"net.ipv4.ip_unprivileged_port_start\":\"1024\"},"
        "\"resources\":{\"cpu\":{\"shares\":512}}}}";
  CHECK (precreate (&r, config, 0) == 0);
  const json_value *root = r.out ? json_doc_root (r.out) : NULL;
  CHECK_STR (text_at (root, "linux", "sysctl", "net.ipv4.ip_unprivileged_port_start", NULL),
             "1024");
  CHECK_STR (text_at (root, "linux", "sysctl", "net.ipv4.ping_group_range", NULL), "0 2147483647");
  CHECK_STR (text_at (root, "process", "oomScoreAdj", NULL, NULL), "5");
  CHECK_STR (text_at (root, "linux", "resources", "cpu", "shares"), "512");
  CHECK_STR (text_at (root, "annotations", "io.kubernetes.cri.sandbox-memory", NULL, NULL), "4");
}

TEST (precreate_leaves_a_non_sandbox_untouched)
{
  cleanup_run precreate_run r;
  const char *config = "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"r\"},\"z\":1e400,"
                       "\"linux\":{\"namespaces\":[{\"type\":\"network\"}]}}";
  CHECK (precreate (&r, config, 0) == 0);
  const json_value *root = r.out ? json_doc_root (r.out) : NULL;
  CHECK (root && root->u.object.count == 4);
  CHECK (at (root, "linux", "sysctl", NULL, NULL) == NULL);
  CHECK_STR (text_at (root, "z", NULL, NULL, NULL), "1e400");
}

TEST (precreate_host_network_gets_no_sysctls)
{
  cleanup_run precreate_run r;
  const char *config = "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"r\"},"
                       "\"annotations\":{\"io.kubernetes.cri.container-type\":\"sandbox\"},"
                       "\"linux\":{\"namespaces\":[{\"type\":\"pid\"}]}}";
  CHECK (precreate (&r, config, 0) == 0);
  CHECK (at (r.out ? json_doc_root (r.out) : NULL, "linux", "sysctl", NULL, NULL) == NULL);
}

TEST (precreate_of_podmans_real_spec_sizes_kata_at_2_vcpus_and_512_mib)
{
  cleanup_run precreate_run r;
  cleanup_free char *text = malloc (1 << 20);
  FILE *f = fopen (TEST_DATA_DIR "/podman-config.json", "r");
  CHECK (f != NULL && text != NULL);
  if (f == NULL || text == NULL)
    return;
  size_t len = fread (text, 1, (1 << 20) - 1, f);
  fclose (f);
  text[len] = '\0';
  CHECK (precreate (&r, text, 0) == 0);
  const json_value *root = r.out ? json_doc_root (r.out) : NULL;
  const char *quota
      = text_at (root, "annotations", "io.kubernetes.cri.sandbox-cpu-quota", NULL, NULL);
  const char *period
      = text_at (root, "annotations", "io.kubernetes.cri.sandbox-cpu-period", NULL, NULL);
  const char *memory
      = text_at (root, "annotations", "io.kubernetes.cri.sandbox-memory", NULL, NULL);
  CHECK_STR (quota, "200000");
  CHECK_STR (period, "100000");
  CHECK_STR (memory, "536870912");
  /* Kata's formula on the strings it will read.  */
  if (quota && period && memory)
    {
      CHECK_INT (strtoll (quota, NULL, 10) / strtoll (period, NULL, 10), 2);
      CHECK_INT (strtoll (memory, NULL, 10) / 1024 / 1024, 512);
    }
  CHECK_STR (text_at (root, "annotations", "io.container.manager", NULL, NULL), "libpod");
}

/* Same kinds, key order, number text and string bytes.  */
static bool
same_tree (const json_value *a, const json_value *b)
{
  if (a->kind != b->kind)
    return false;
  if (a->kind == JSON_NUMBER || a->kind == JSON_STRING)
    return a->u.scalar.len == b->u.scalar.len
           && memcmp (a->u.scalar.text, b->u.scalar.text, a->u.scalar.len) == 0;
  if (a->kind == JSON_OBJECT)
    {
      if (a->u.object.count != b->u.object.count)
        return false;
      for (size_t i = 0; i < a->u.object.count; i++)
        if (strcmp (a->u.object.members[i].key, b->u.object.members[i].key) != 0
            || !same_tree (a->u.object.members[i].value, b->u.object.members[i].value))
          return false;
      return true;
    }
  if (a->kind == JSON_ARRAY)
    {
      if (a->u.array.count != b->u.array.count)
        return false;
      for (size_t i = 0; i < a->u.array.count; i++)
        if (!same_tree (a->u.array.items[i], b->u.array.items[i]))
          return false;
    }
  return true;
}

/* Real engine specs, classified as sandboxes, through precreate with a
   policy under which it adds nothing: the spec comes out semantically
   identical, streamed exactly as precreate writes it.  */
TEST (precreate_with_a_no_op_policy_keeps_real_specs_identical)
{
  static const char *const fixtures[]
      = { "runc-spec.json", "podman-config.json", "sandbox-config.json" };
  static const char no_op[]
      = "{\"sandbox_match\": {\"all\": true}, \"unprivileged_ports\": false,"
        " \"unprivileged_icmp\": false, \"oom_score_adj\": null, \"cpu_shares\": 0,"
        " \"sandbox_sizing\": false, \"sysctl_check\": \"off\"}";
  for (size_t i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      cleanup_free char *text = malloc (1 << 20), *path = NULL, *out = NULL;
      cleanup_json json_doc *orig = NULL, *back = NULL;
      container_spec config = { 0 };
      sandbox_policy policy;
      host_facts host = { .own_oom_score_adj = 0,
                          .hosts_content = (char *)"127.0.0.1 localhost\n",
                          .hosts_len = 20,
                          .resolv_conf_content = (char *)"nameserver 192.0.2.53\n",
                          .resolv_conf_len = 22 };
      target_facts target = { .known = true };
      sandbox_plan plan = { 0 };
      size_t out_len = 0;
      FILE *f, *mem;

      sandbox_policy_init_defaults (&policy);
      CHECK (sandbox_policy_parse (no_op, strlen (no_op), &policy, &err) == 0);
      if (asprintf (&path, "%s/%s", TEST_DATA_DIR, fixtures[i]) < 0)
        abort ();
      f = fopen (path, "r");
      CHECK (f != NULL && text != NULL);
      if (f == NULL || text == NULL)
        {
          sandbox_policy_clear (&policy);
          continue;
        }
      size_t len = fread (text, 1, (1 << 20) - 1, f);
      fclose (f);
      plan_input in = { .config = &config, .policy = &policy, .host = &host, .target = &target };
      /* precreate writes to an fd (stdout, in the hook): a real file.  */
      mem = tmpfile ();
      CHECK (json_parse (text, len, &limits, &orig, &err) == 0);
      CHECK (spec_parse (text, len, &config, &err) == 0);
      CHECK (plan_build (&in, &plan, &err) == 0);
      CHECK (plan.is_sandbox);
      CHECK (mem
             && spec_edits_render_fd (json_doc_root (config.doc), &plan, fileno (mem), &err) == 0);
      if (mem)
        {
          out_len = (size_t)lseek (fileno (mem), 0, SEEK_END);
          out = malloc (out_len + 1);
          if (out && pread (fileno (mem), out, out_len, 0) != (ssize_t)out_len)
            out_len = 0;
          fclose (mem);
        }
      if (err)
        printf ("# %s: %s\n", fixtures[i], err->message);
      CHECK (out != NULL && json_parse (out, out_len, &limits, &back, &err) == 0);
      if (orig && back && !same_tree (json_doc_root (orig), json_doc_root (back)))
        {
          printf ("# %s: precreate changed the spec under a no-op policy\n", fixtures[i]);
          tap_current_failed = true;
        }
      sandbox_plan_clear (&plan);
      spec_clear (&config);
      sandbox_policy_clear (&policy);
    }
}

TEST (pod_cgroup_parent_of_cgroupfs_and_systemd_paths)
{
  char out[256];
  CHECK (pod_cgroup_parent ("/kubepods/burstable/pod1/ctr", out, sizeof out) == 0);
  CHECK_STR (out, "kubepods/burstable/pod1");
  CHECK (pod_cgroup_parent ("kubepods-burstable-pod1.slice:cri-containerd:abc", out, sizeof out)
         == 0);
  CHECK_STR (out, "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice");
  CHECK (pod_cgroup_parent ("/ctr", out, sizeof out) < 0);
  CHECK (pod_cgroup_parent ("/a/../b/ctr", out, sizeof out) < 0);
  CHECK (pod_cgroup_parent ("-.slice:x:y", out, sizeof out) < 0);
  CHECK (pod_cgroup_parent ("a--b.slice:x:y", out, sizeof out) < 0);
  CHECK (pod_cgroup_parent ("a/b.slice:x:y", out, sizeof out) < 0);
}

TEST (cgroups_path_names_the_cgroup_of_each_runtime_form)
{
  static const struct
  {
    const char *cgroups_path, *seen;
    bool names;
  } cases[] = {
    { "/kubepods/burstable/pod1/ctr", "/kubepods/burstable/pod1/ctr", true },
    { "/kubepods/burstable/pod1/ctr/", "/kubepods/burstable/pod1/ctr", true },
    { "/kubepods/burstable/pod1/ctr", "/kubepods/burstable/pod1/other", false },
    { "/ctr", "/kubepods/ctr", false },
    { "ctr", "/user.slice/runner/ctr", true },
    { "ctr", "/user.slice/runner/xctr", false },
    { "kubepods-besteffort-pod1.slice:cri-containerd:abc",
      "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice/"
      "cri-containerd-abc.scope",
      true },
    { "kubepods-besteffort-pod1.slice:cri-containerd:abc",
      "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice/crio-abc.scope",
      false },
    { "machine.slice:libpod:abc", "/machine.slice/libpod-abc.scope", true },
    { ":crio:abc", "/system.slice/crio-abc.scope", true },
    { "-.slice:crio:abc", "/crio-abc.scope", true },
    { "machine.slice:libpod:pod.slice", "/machine.slice/pod.slice", true },
    { "machine.slice:libpod", "/machine.slice/libpod.scope", false },
    { "machine.slice:libpod:a/b", "/machine.slice/libpod-a/b.scope", false },
    { "a--b.slice:crio:abc", "/crio-abc.scope", false },
    { "/ctr", "", false },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    if (cgroups_path_names (cases[i].cgroups_path, cases[i].seen) != cases[i].names)
      {
        printf ("# %s vs %s: expected %s\n", cases[i].cgroups_path, cases[i].seen,
                cases[i].names ? "a match" : "no match");
        tap_current_failed = true;
      }
}

static void
write_file (const char *dir, const char *name, const char *content)
{
  char path[512];
  snprintf (path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen (path, "w");
  if (f == NULL)
    abort ();
  fputs (content, f);
  fclose (f);
}

TEST (pod_cgroup_v2_fake_tree_limits)
{
  char root[] = "/tmp/osh-cg2-XXXXXX", dir[512];
  cleanup_hook_error hook_error *err = NULL;
  sandbox_sizing s;
  CHECK (mkdtemp (root) != NULL);
  write_file (root, "cgroup.controllers", "cpu memory pids\n");
  snprintf (dir, sizeof dir, "%s/kubepods", root);
  mkdir (dir, 0755);
  snprintf (dir, sizeof dir, "%s/kubepods/pod1", root);
  mkdir (dir, 0755);
  write_file (dir, "cpu.max", "150000 100000\n");
  write_file (dir, "cpu.weight", "100\n");
  write_file (dir, "memory.max", "268435456\n");
  CHECK (pod_cgroup_sizing (root, "/kubepods/pod1/ctr", &s, &err) == 0);
  CHECK (s.present);
  CHECK_INT (s.cpu_quota, 150000);
  CHECK_INT (s.memory, 268435456);
  /* An unlimited parent says nothing about the pod.  */
  write_file (dir, "cpu.max", "max 100000\n");
  write_file (dir, "memory.max", "max\n");
  CHECK (pod_cgroup_sizing (root, "/kubepods/pod1/ctr", &s, &err) == 0);
  CHECK (!s.present);
  /* Junk in a cgroup file is an error naming the pod cgroup.  */
  write_file (dir, "memory.max", "12 junk\n");
  CHECK (pod_cgroup_sizing (root, "/kubepods/pod1/ctr", &s, &err) < 0);
  CHECK_ERROR_MENTIONS (err, "kubepods/pod1");
  char cmd[600];
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", root);
  CHECK (system (cmd) == 0);
}

TEST (pod_cgroup_v1_fake_tree_limits)
{
  char root[] = "/tmp/osh-cg1-XXXXXX", dir[512];
  cleanup_hook_error hook_error *err = NULL;
  sandbox_sizing s;
  CHECK (mkdtemp (root) != NULL);
  snprintf (dir, sizeof dir, "%s/cpu", root);
  mkdir (dir, 0755);
  snprintf (dir, sizeof dir, "%s/cpu/pod", root);
  mkdir (dir, 0755);
  write_file (dir, "cpu.cfs_period_us", "100000\n");
  write_file (dir, "cpu.cfs_quota_us", "400000\n");
  write_file (dir, "cpu.shares", "4096\n");
  snprintf (dir, sizeof dir, "%s/memory", root);
  mkdir (dir, 0755);
  snprintf (dir, sizeof dir, "%s/memory/pod", root);
  mkdir (dir, 0755);
  write_file (dir, "memory.limit_in_bytes", "1073741824\n");
  CHECK (pod_cgroup_sizing (root, "/pod/ctr", &s, &err) == 0);
  CHECK (s.present);
  CHECK_INT (kata_vcpus (&s), 4);
  CHECK_INT (kata_memory_mib (&s), 1024);
  /* A missing parent cgroup is no source, not an error.  */
  CHECK (pod_cgroup_sizing (root, "/nope/ctr", &s, &err) == 0);
  CHECK (!s.present);
  char cmd[600];
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", root);
  CHECK (system (cmd) == 0);
}

int
main (void)
{
  RUN (precreate_adds_sysctls_oom_shares_and_sizing_to_a_sandbox);
  RUN (precreate_restricted_oom_score_is_the_hooks_own);
  RUN (precreate_never_changes_what_the_spec_sets);
  RUN (precreate_leaves_a_non_sandbox_untouched);
  RUN (precreate_host_network_gets_no_sysctls);
  RUN (precreate_of_podmans_real_spec_sizes_kata_at_2_vcpus_and_512_mib);
  RUN (precreate_with_a_no_op_policy_keeps_real_specs_identical);
  RUN (pod_cgroup_parent_of_cgroupfs_and_systemd_paths);
  RUN (cgroups_path_names_the_cgroup_of_each_runtime_form);
  RUN (pod_cgroup_v2_fake_tree_limits);
  RUN (pod_cgroup_v1_fake_tree_limits);
  return tap_done ();
}

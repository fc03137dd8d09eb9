/* The installer's decisions on hosts held in memory: which engines it
   finds, the exact bytes it writes for each (containerd 1.x in place,
   through imports, 2.x drop-ins, CRI-O drop-ins, podman's hooks.d, the
   policy), and every configuration it refuses, with the file and the
   reason.  */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "install_plan.h"
#include "json.h"
#include "tap.h"
#include "toml_edit.h"

#define N(a) (sizeof (a) / sizeof ((a)[0]))

#define WRAPPER "/usr/local/libexec/oci-sandbox-hook/oci-sandbox-runtime"
#define HOOK    "/usr/local/libexec/oci-sandbox-hook/oci-sandbox-hook"
#define POLICY  "/etc/oci-sandbox-hook/policy.json"

/* ------------------------------------------------------------ a host */

typedef struct mem_file
{
  char *path;
  char *data; /* NULL: a directory */
  bool exec;
} mem_file;

typedef struct mem_host
{
  mem_file files[64];
  size_t n;
} mem_host;

static void
mem_host_clear (mem_host *h)
{
  for (size_t i = 0; i < h->n; i++)
    {
      free (h->files[i].path);
      free (h->files[i].data);
    }
  h->n = 0;
}
#define cleanup_mem_host __attribute__ ((cleanup (mem_host_clear)))

static void
put (mem_host *h, const char *path, const char *data)
{
  h->files[h->n].path = strdup (path);
  h->files[h->n].data = data ? strdup (data) : NULL;
  h->files[h->n].exec = false;
  h->n++;
}

static void
put_exec (mem_host *h, const char *path)
{
  put (h, path, "#!binary\n");
  h->files[h->n - 1].exec = true;
}

static char *
fixture (const char *name)
{
  char path[512];
  FILE *f;
  char *buf = NULL;
  size_t len = 0;

  snprintf (path, sizeof path, "%s/install/%s", TEST_DATA_DIR, name);
  f = fopen (path, "rb");
  if (f == NULL)
    return strdup ("");
  buf = calloc (1, 1 << 16);
  len = fread (buf, 1, (1 << 16) - 1, f);
  buf[len] = '\0';
  fclose (f);
  return buf;
}

static void
put_fixture (mem_host *h, const char *path, const char *name)
{
  cleanup_free char *data = fixture (name);
  put (h, path, data);
}

static const mem_file *
find (const mem_host *h, const char *path)
{
  for (size_t i = 0; i < h->n; i++)
    if (strcmp (h->files[i].path, path) == 0)
      return &h->files[i];
  return NULL;
}

static int
mem_read (void *ctx, const char *path, host_entry_type *type, char **data, size_t *len,
          hook_error **err)
{
  const mem_host *h = ctx;
  const mem_file *f = find (h, path);
  size_t plen = strlen (path);

  *data = NULL;
  *len = 0;
  if (f && f->data)
    {
      *type = HOST_FILE;
      *data = strdup (f->data);
      *len = strlen (f->data);
      return 0;
    }
  *type = f ? HOST_DIRECTORY : HOST_ABSENT;
  for (size_t i = 0; i < h->n && *type == HOST_ABSENT; i++)
    if (strncmp (h->files[i].path, path, plen) == 0 && h->files[i].path[plen] == '/')
      *type = HOST_DIRECTORY;
  return 0;
}

static int
compare_names (const void *a, const void *b)
{
  return strcmp (((const host_dirent *)a)->name, ((const host_dirent *)b)->name);
}

static int
mem_list (void *ctx, const char *path, host_dirent **entries, size_t *n, hook_error **err)
{
  const mem_host *h = ctx;
  size_t plen = strlen (path);
  host_dirent *list = calloc (h->n + 1, sizeof *list);
  size_t count = 0;

  for (size_t i = 0; i < h->n; i++)
    {
      const char *p = h->files[i].path;
      if (strncmp (p, path, plen) != 0 || p[plen] != '/')
        continue;
      const char *name = p + plen + 1, *slash = strchr (name, '/');
      size_t nlen = slash ? (size_t)(slash - name) : strlen (name);
      bool dup = false;
      for (size_t j = 0; j < count; j++)
        dup = dup || (strlen (list[j].name) == nlen && strncmp (list[j].name, name, nlen) == 0);
      if (dup)
        continue;
      list[count].name = strndup (name, nlen);
      list[count].type = slash || h->files[i].data == NULL ? HOST_DIRECTORY : HOST_FILE;
      count++;
    }
  qsort (list, count, sizeof *list, compare_names);
  *entries = list;
  *n = count;
  return 0;
}

static int
mem_executable (void *ctx, const char *path, bool *yes, hook_error **err)
{
  const mem_file *f = find (ctx, path);
  *yes = f && f->exec;
  return 0;
}

static host_view
view_of (mem_host *h)
{
  return (host_view){ .ctx = h, .read = mem_read, .list = mem_list, .executable = mem_executable };
}

static install_request
request (void)
{
  return (install_request){
    .prefix = INSTALL_DEFAULT_PREFIX,
    .policy_path = POLICY,
    .binary = "\177ELF",
    .binary_len = 4,
  };
}

static const install_target *
target (const install_plan *plan, const char *path)
{
  for (size_t i = 0; i < plan->n_targets; i++)
    if (strcmp (plan->targets[i].path, path) == 0)
      return &plan->targets[i];
  return NULL;
}

/* The string at PATH of a target's TOML.  */
static void
check_toml_string (const install_target *t, const char *const *path, size_t n, const char *expected)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_toml_value toml_value v = { 0 };
  if (t == NULL)
    {
      CHECK (t != NULL);
      return;
    }
  CHECK_INT (toml_get (t->data, t->len, path, n, &v, &err), 0);
  CHECK_INT (v.kind, TOML_STRING);
  if (v.kind == TOML_STRING)
    CHECK_STR (v.string, expected);
}

static void
check_toml_strings (const install_target *t, const char *const *path, size_t n,
                    const char *const *expected, size_t n_expected)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_toml_value toml_value v = { 0 };
  if (t == NULL)
    {
      CHECK (t != NULL);
      return;
    }
  CHECK_INT (toml_get (t->data, t->len, path, n, &v, &err), 0);
  CHECK (v.kind == TOML_ARRAY && v.all_strings);
  CHECK_INT (v.n_items, n_expected);
  for (size_t i = 0; i < v.n_items && i < n_expected; i++)
    CHECK_STR (v.strings[i], expected[i]);
}

static int
build (mem_host *h, const install_request *req, install_plan *plan, hook_error **err)
{
  host_view view = view_of (h);
  return install_plan_build (req, &view, plan, err);
}

static void
check_refused (mem_host *h, const install_request *req, const char *mention)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_install_plan install_plan plan = { .n_targets = 0 };
  CHECK_INT (build (h, req, &plan, &err), -1);
  CHECK_ERROR_MENTIONS (err, mention);
  CHECK_INT (plan.n_targets, 0);
}

static const char *const V2_BINARY[]
    = { "plugins",   "io.containerd.grpc.v1.cri", "containerd", "runtimes", "runc", "options",
        "BinaryName" };
static const char *const V2_ANNOTATIONS[] = { "plugins",    "io.containerd.grpc.v1.cri",
                                              "containerd", "runtimes",
                                              "runc",       "pod_annotations" };
static const char *const V2_TYPE[]
    = { "plugins", "io.containerd.grpc.v1.cri", "containerd", "runtimes", "runc", "runtime_type" };
static const char *const V3_BINARY[]
    = { "plugins",   "io.containerd.cri.v1.runtime", "containerd", "runtimes", "runc", "options",
        "BinaryName" };
static const char *const V3_ANNOTATIONS[]
    = { "plugins",        "io.containerd.cri.v1.runtime", "containerd", "runtimes", "runc",
        "pod_annotations" };

static void
node_with_runc (mem_host *h)
{
  put_exec (h, "/usr/sbin/runc");
  put_exec (h, "/usr/bin/containerd");
}

/* ------------------------------------------------------------ containerd */

TEST (containerd_1_6_default_config_is_edited_in_place)
{
  cleanup_mem_host mem_host h = { .n = 0 };
  cleanup_hook_error hook_error *err = NULL;
  cleanup_install_plan install_plan plan = { .n_targets = 0 };
  install_request req = request ();
  const char *const annotations[] = { INSTALL_POD_ANNOTATIONS };

  node_with_runc (&h);
  put_fixture (&h, CONTAINERD_CONFIG, "containerd-1.6-default.toml");
  CHECK_INT (build (&h, &req, &plan, &err), 0);
  CHECK_INT (plan.engines, ENGINE_CONTAINERD);
  CHECK_STR (plan.runtime, "/usr/sbin/runc");
  /* The binary, its wrapper link, the edited config; no policy: runc is
     the wrapper's default.  */
  CHECK_INT (plan.n_targets, 3);
  CHECK_STR (plan.targets[0].path, HOOK);
  CHECK_INT (plan.targets[0].mode, 0755);
  CHECK (plan.targets[0].borrowed);
  CHECK_STR (plan.targets[1].path, WRAPPER);
  CHECK_INT (plan.targets[1].kind, TARGET_SYMLINK);
  CHECK_STR (plan.targets[1].data, INSTALL_BINARY_NAME);
  const install_target *t = target (&plan, CONTAINERD_CONFIG);
  check_toml_string (t, V2_BINARY, N (V2_BINARY), WRAPPER);
  check_toml_strings (t, V2_ANNOTATIONS, N (V2_ANNOTATIONS), annotations, 1);
  CHECK (t && strcmp (t->restart_unit, "containerd.service") == 0);
  CHECK (target (&plan, POLICY) == NULL);
}

TEST (a_kubeadm_nodes_binary_name_is_chained_and_its_annotations_kept)
{
  cleanup_mem_host mem_host h = { .n = 0 };
  cleanup_hook_error hook_error *err = NULL;
  cleanup_install_plan install_plan plan = { .n_targets = 0 };
  install_request req = request ();
  const char *const annotations[] = { "io.katacontainers.*", INSTALL_POD_ANNOTATIONS };

  node_with_runc (&h);
  put_fixture (&h, CONTAINERD_CONFIG, "containerd-k8s-node.toml");
  CHECK_INT (build (&h, &req, &plan, &err), 0);
  const install_target *t = target (&plan, CONTAINERD_CONFIG);
  check_toml_string (t, V2_BINARY, N (V2_BINARY), WRAPPER);
  check_toml_strings (t, V2_ANNOTATIONS, N (V2_ANNOTATIONS), annotations, 2);
  /* It named /usr/sbin/runc, the wrapper's default: nothing to add.  */
  CHECK_STR (plan.runtime, "/usr/sbin/runc");
  CHECK (target (&plan, POLICY) == NULL);
  /* The comment stays with its item.  */
  CHECK (t && strstr (t->data, "\"io.katacontainers.*\", # per-pod VM sizing\n") != NULL);
}

TEST (another_binary_name_goes_into_the_policy)
{
  cleanup_mem_host mem_host h = { .n = 0 };
  cleanup_hook_error hook_error *err = NULL;
  cleanup_install_plan install_plan plan = { .n_targets = 0 };
  install_request req = request ();
  const char *given = "// the node policy\n{\n  \"cpu_shares\": 2\n}\n";

  node_with_runc (&h);
  put_exec (&h, "/usr/bin/nvidia-container-runtime");
  put (&h, CONTAINERD_CONFIG,
       "version = 2\n"
       "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n"
       "  runtime_type = \"io.containerd.runc.v2\"\n"
       "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n"
       "  BinaryName = \"nvidia-container-runtime\"\n");
  req.policy = given;
  req.policy_len = strlen (given);
  CHECK_INT (build (&h, &req, &plan, &err), 0);
  CHECK_STR (plan.runtime, "/usr/bin/nvidia-container-runtime");
  const install_target *p = target (&plan, POLICY);
  CHECK (p != NULL);
  if (p)
    {
      CHECK_STR (p->data, "// the node policy\n{\n  \"runtime\": "
                          "\"/usr/bin/nvidia-container-runtime\",\n  \"cpu_shares\": 2\n}\n");
      CHECK (p->force_owner);
      CHECK_INT (p->mode, 0644);
    }
  /* The policy comes before the configuration that makes it matter.  */
  for (size_t i = 0; i < plan.n_targets; i++)
    if (strcmp (plan.targets[i].path, POLICY) == 0)
      CHECK (strcmp (plan.targets[plan.n_targets - 1].path, CONTAINERD_CONFIG) == 0);

  /* Without a policy to install, the host's gets the key; without one, a
     policy of that key alone.  */
  install_plan_clear (&plan);
  req.policy = NULL;
  CHECK_INT (build (&h, &req, &plan, &err), 0);
  p = target (&plan, POLICY);
  CHECK (p
         && strcmp (p->data, "{\n  \"runtime\": \"/usr/bin/nvidia-container-runtime\"\n}\n") == 0);
  install_plan_clear (&plan);
  put (&h, POLICY, "{}");
  CHECK_INT (build (&h, &req, &plan, &err), 0);
  p = target (&plan, POLICY);
  CHECK (p && strcmp (p->data, "{\"runtime\": \"/usr/bin/nvidia-container-runtime\"}") == 0);
}

TEST (a_policy_naming_another_runtime_is_refused)
{
  cleanup_mem_host mem_host h = { .n = 0 };
  install_request req = request ();
  const char *given = "{\"runtime\": \"/usr/bin/crun\"}";

  node_with_runc (&h);
  put_fixture (&h, CONTAINERD_CONFIG, "containerd-1.6-default.toml");
  req.policy = given;
  req.policy_len = strlen (given);
  check_refused (&h, &req,
                 "\"runtime\": \"/usr/bin/crun\", but the engines' default runtime runs "
                 "/usr/sbin/runc");
  given = "{\"cpu_shares\": \"two\"}";
  req.policy = given;
  req.policy_len = strlen (given);
  check_refused (&h, &req, "the policy to install");
}

TEST (imports_are_followed_to_the_file_that_finally_defines_the_cri_plugin)
{
  cleanup_mem_host mem_host h = { .n = 0 };
  cleanup_hook_error hook_error *err = NULL;
  cleanup_install_plan install_plan plan = { .n_targets = 0 };
  install_request req = request ();

  node_with_runc (&h);
  put_fixture (&h, CONTAINERD_CONFIG, "containerd-imports.toml");
  put (&h, "/etc/containerd/conf.d/10-mirrors.toml",
       "[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"/etc/certs.d\"\n");
  put (&h, "/etc/containerd/conf.d/20-other.toml", "oom_score = -500\n");
  put (&h, "/etc/containerd/registries.toml", "# nothing for the CRI plugin\n");
  CHECK_INT (build (&h, &req, &plan, &err), 0);
  /* 10-mirrors.toml names the CRI plugin last: 1.x takes its table
     whole, so that is the file edited.  */
  CHECK (target (&plan, CONTAINERD_CONFIG) == NULL);
  const install_target *t = target (&plan, "/etc/containerd/conf.d/10-mirrors.toml");
  check_toml_string (t, V2_BINARY, N (V2_BINARY), WRAPPER);
  check_toml_string (t, V2_TYPE, N (V2_TYPE), "io.containerd.runc.v2");
  CHECK (t && t->tmp_in_parent);
}

TEST (imports_containerd_cannot_load_or_the_installer_cannot_read_are_refused)
{
  cleanup_mem_host mem_host h = { .n = 0 };
  install_request req = request ();

  node_with_runc (&h);
  put (&h, CONTAINERD_CONFIG, "version = 2\nimports = [\"missing.toml\"]\n");
  check_refused (&h, &req,
                 "/etc/containerd/missing.toml (imported by /etc/containerd/config.toml)"
                 ": does not exist");
  mem_host_clear (&h);
  node_with_runc (&h);
  put (&h, CONTAINERD_CONFIG, "version = 2\nimports = [\"conf.d/*.toml\"]\n");
  check_refused (&h, &req, "a relative glob");
  mem_host_clear (&h);
  node_with_runc (&h);
  put (&h, CONTAINERD_CONFIG, "version = 2\nimports = [\"/etc/*/x.toml\"]\n");
  check_refused (&h, &req, "a pattern in a directory name");
  mem_host_clear (&h);
  node_with_runc (&h);
  put (&h, CONTAINERD_CONFIG, "version = 2\nimports = [\"/etc/containerd/conf.d/[*.toml\"]\n");
  put (&h, "/etc/containerd/conf.d/a.toml", "");
  check_refused (&h, &req, "malformed pattern");
  mem_host_clear (&h);
  node_with_runc (&h);
  put (&h, CONTAINERD_CONFIG, "version = 2\nimports = [\"/etc/containerd/a.toml\"]\n");
  put (&h, "/etc/containerd/a.toml", "version = 3\n");
  check_refused (&h, &req, "/etc/containerd/a.toml: an imported file of another version");
  mem_host_clear (&h);
  node_with_runc (&h);
  put (&h, CONTAINERD_CONFIG, "version = 2\nimports = [\"/etc/containerd/a.toml\"]\n");
  put (&h, "/etc/containerd/a.toml", "oom_score = [\n");
  check_refused (&h, &req, "/etc/containerd/a.toml: line 2, column 1");
  mem_host_clear (&h);
  /* The two versions of containerd would disagree on the default runtime.  */
  node_with_runc (&h);
  put (&h, CONTAINERD_CONFIG,
       "version = 2\nimports = [\"/etc/containerd/a.toml\"]\n"
       "[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n  default_runtime_name = \"kata\"\n");
  put (&h, "/etc/containerd/a.toml", "[plugins.\"io.containerd.grpc.v1.cri\".registry]\n");
  check_refused (&h, &req, "containerd 1.x and 2.x disagree");
}

TEST (configs_the_installer_does_not_understand_are_refused_with_the_reason)
{
  static const struct
  {
    const char *config, *mention;
  } cases[] = {
    { "oom_score = 1\n", "no version: containerd reads it as version 1" },
    { "version = 1\n", "version 1: the installer edits versions 2 and 3" },
    { "version = \"2\"\n", "version is not an integer" },
    { "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n"
      "  default_runtime_name = \"kata\"\n"
      "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.kata]\n"
      "  runtime_type = \"io.containerd.kata.v2\"\n",
      "is of type \"io.containerd.kata.v2\"" },
    { "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n"
      "  default_runtime_name = \"crun\"\n",
      "the default runtime \"crun\" has no" },
    { "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n"
      "  pod_annotations = []\n",
      "has no runtime_type" },
    { "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes]\n"
      "  runc = { runtime_type = \"io.containerd.runc.v2\" }\n",
      "is an inline table" },
    { "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n"
      "  runtime_type = \"io.containerd.runc.v2\"\n  options.BinaryName = \"/x\"\n",
      "defined through dotted keys" },
    { "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n"
      "  BinaryName = 1\n",
      "options.BinaryName is an integer, not a string" },
    { "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n"
      "  runtime_type = \"io.containerd.runc.v2\"\n"
      "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n"
      "  BinaryName = \"bin/runc\"\n",
      "neither an absolute path nor a name" },
    { "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n"
      "  runtime_type = \"io.containerd.runc.v2\"\n"
      "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n"
      "  BinaryName = \"gone-runtime\"\n",
      "no executable of that name" },
    { "version = 2\nversion = 2\n", "line 2" },
  };
  for (size_t i = 0; i < N (cases); i++)
    {
      cleanup_mem_host mem_host h = { .n = 0 };
      install_request req = request ();
      node_with_runc (&h);
      put (&h, CONTAINERD_CONFIG, cases[i].config);
      check_refused (&h, &req, cases[i].mention);
      if (tap_current_failed)
        printf ("# case %zu\n", i);
    }
}

TEST (a_disabled_cri_plugin_is_left_alone_unless_asked_for)
{
  cleanup_mem_host mem_host h = { .n = 0 };
  cleanup_hook_error hook_error *err = NULL;
  cleanup_install_plan install_plan plan = { .n_targets = 0 };
  install_request req = request ();

  node_with_runc (&h);
  put_exec (&h, "/usr/bin/podman");
  /* Docker's containerd.io package ships this.  */
  put (&h, CONTAINERD_CONFIG, "disabled_plugins = [\"cri\"]\n");
  CHECK_INT (build (&h, &req, &plan, &err), 0);
  CHECK_INT (plan.engines, ENGINE_PODMAN);
  CHECK_INT (plan.n_notes, 1);
  CHECK (plan.n_notes && strstr (plan.notes[0], "the CRI plugin is disabled") != NULL);
  CHECK (target (&plan, CONTAINERD_CONFIG) == NULL);
  req.engines = ENGINE_CONTAINERD;
  check_refused (&h, &req, "the CRI plugin is disabled (\"cri\" in disabled_plugins");
}

TEST (containerd_2_gets_a_drop_in_through_imports)
{
  cleanup_mem_host mem_host h = { .n = 0 };
  cleanup_hook_error hook_error *err = NULL;
  cleanup_install_plan install_plan plan = { .n_targets = 0 };
  install_request req = request ();
  const char *const imports[] = { "imports" };
  const char *const one[] = { CONTAINERD_DROP_IN };
  const char *const annotations[] = { INSTALL_POD_ANNOTATIONS };

  node_with_runc (&h);
  put_fixture (&h, CONTAINERD_CONFIG, "containerd-2.x-default.toml");
  CHECK_INT (build (&h, &req, &plan, &err), 0);
  const install_target *d = target (&plan, CONTAINERD_DROP_IN);
  const install_target *m = target (&plan, CONTAINERD_CONFIG);
  check_toml_string (d, V3_BINARY, N (V3_BINARY), WRAPPER);
  check_toml_strings (d, V3_ANNOTATIONS, N (V3_ANNOTATIONS), annotations, 1);
  check_toml_strings (m, imports, 1, one, 1);
  CHECK (d && d->tmp_in_parent);
  /* The drop-in repeats the main file's version.  */
  {
    const char *const version[] = { "version" };
    cleanup_toml_value toml_value v = { 0 };
    CHECK (d && toml_get (d->data, d->len, version, 1, &v, &err) == 0 && v.integer == 3);
  }
}

TEST (containerd_2_drop_in_found_by_a_glob_repeats_earlier_annotations)
{
  cleanup_mem_host mem_host h = { .n = 0 };
  cleanup_hook_error hook_error *err = NULL;
  cleanup_install_plan install_plan plan = { .n_targets = 0 };
  install_request req = request ();
  const char *const annotations[] = { "io.katacontainers.*", INSTALL_POD_ANNOTATIONS };

  node_with_runc (&h);
  put (&h, CONTAINERD_CONFIG,
       "version = 3\nimports = ['/etc/containerd/conf.d/*.toml']\n"
       "[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]\n"
       "  runtime_type = 'io.containerd.runc.v2'\n  pod_annotations = ['x.*']\n");
  put (&h, "/etc/containerd/conf.d/10-kata.toml",
       "version = 3\n[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]\n"
       "  pod_annotations = ['io.katacontainers.*']\n");
  CHECK_INT (build (&h, &req, &plan, &err), 0);
  /* The glob loads the drop-in: the main file stays as it is.  */
  CHECK (target (&plan, CONTAINERD_CONFIG) == NULL);
  const install_target *d = target (&plan, CONTAINERD_DROP_IN);
  check_toml_strings (d, V3_ANNOTATIONS, N (V3_ANNOTATIONS), annotations, 2);

  /* A file the glob loads after the drop-in and that sets BinaryName
     would undo it.  */
  install_plan_clear (&plan);
  put (&h, "/etc/containerd/conf.d/zz-nvidia.toml",
       "[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]\n"
       "  BinaryName = '/usr/bin/nvidia-container-runtime'\n");
  check_refused (&h, &req, "/etc/containerd/conf.d/zz-nvidia.toml, loaded after the drop-in");
}

/* ------------------------------------------------------------------- CRI-O */

TEST (crio_gets_a_drop_in_repeating_its_default_runtimes_table)
{
  cleanup_mem_host mem_host h = { .n = 0 };
  cleanup_hook_error hook_error *err = NULL;
  cleanup_install_plan install_plan plan = { .n_targets = 0 };
  install_request req = request ();
  cleanup_free char *expected = fixture ("crio.conf.d/99-oci-sandbox-hook.conf");

  put_exec (&h, "/usr/bin/crio");
  put_exec (&h, "/usr/bin/crun");
  put_fixture (&h, CRIO_CONFIG, "crio.conf");
  put_fixture (&h, CRIO_DROP_IN_DIR "/10-crun.conf", "crio.conf.d/10-crun.conf");
  CHECK_INT (build (&h, &req, &plan, &err), 0);
  CHECK_INT (plan.engines, ENGINE_CRIO);
  const install_target *d = target (&plan, CRIO_DROP_IN);
  /* Byte for byte the example check_toml.py merges and checks.  */
  CHECK (d != NULL && strcmp (d->data, expected) == 0);
  CHECK (d && d->tmp_in_parent && strcmp (d->restart_unit, "crio.service") == 0);
  /* crun, not the wrapper's default: the policy names it.  */
  CHECK_STR (plan.runtime, "/usr/bin/crun");
  const install_target *p = target (&plan, POLICY);
  CHECK (p && strcmp (p->data, "{\n  \"runtime\": \"/usr/bin/crun\"\n}\n") == 0);
  /* No hooks.d for CRI-O: it never gives them to the infra container.  */
  for (size_t i = 0; i < plan.n_targets; i++)
    CHECK (strncmp (plan.targets[i].path, HOOKS_D_DIR, strlen (HOOKS_D_DIR)) != 0);
}

TEST (crio_configs_the_installer_cannot_serve_are_refused)
{
  static const struct
  {
    const char *conf, *mention;
  } cases[] = {
    { "[crio.runtime.runtimes.runc]\nruntime_path = \"/usr/bin/runc\"\n",
      "no file sets crio.runtime.default_runtime" },
    { "[crio.runtime]\ndefault_runtime = \"runc\"\n", "comes from CRI-O's built-in defaults" },
    { "[crio.runtime]\ndefault_runtime = \"kata\"\n[crio.runtime.runtimes.kata]\n"
      "runtime_path = \"/usr/bin/containerd-shim-kata-v2\"\nruntime_type = \"vm\"\n",
      "runtime_type \"vm\"" },
    { "[crio.runtime]\ndefault_runtime = \"runc\"\n[crio.runtime.runtimes.runc]\n"
      "runtime_path = \"/usr/bin/runc\"\n[crio.runtime.runtimes.runc.platform]\nx = \"y\"\n",
      "only key = value lines of the table are copied" },
    { "[crio.runtime]\ndefault_runtime = \"runc\"\n[crio.runtime.runtimes.runc]\n"
      "runtime_path = \"/opt/none/runc\"\n[crio.runtime.runtimes.runc.platform]\nx = \"y\"\n",
      "only key = value lines" },
    { "[crio.runtime]\ndefault_runtime = [1]\n", "not a runtime's name" },
    { "[crio.runtime\n", "/etc/crio/crio.conf: line 1" },
  };
  for (size_t i = 0; i < N (cases); i++)
    {
      cleanup_mem_host mem_host h = { .n = 0 };
      install_request req = request ();
      put_exec (&h, "/usr/bin/runc");
      put (&h, CRIO_CONFIG, cases[i].conf);
      check_refused (&h, &req, cases[i].mention);
      if (tap_current_failed)
        printf ("# case %zu\n", i);
    }
}

TEST (crio_drop_ins_read_after_the_installers_are_respected)
{
  cleanup_mem_host mem_host h = { .n = 0 };
  install_request req = request ();

  put_exec (&h, "/usr/bin/crun");
  put_fixture (&h, CRIO_CONFIG, "crio.conf");
  put (&h, CRIO_DROP_IN_DIR "/zz-last.conf", "[crio.runtime]\ndefault_runtime = \"runc\"\n");
  check_refused (&h, &req, "/etc/crio/crio.conf.d/zz-last.conf, read after the drop-in");
  mem_host_clear (&h);
  put_exec (&h, "/usr/sbin/runc");
  put_fixture (&h, CRIO_CONFIG, "crio.conf");
  put (&h, CRIO_DROP_IN_DIR "/sub/zz.conf",
       "[crio.runtime.runtimes.runc]\nruntime_path = \"/usr/sbin/runc\"\n");
  check_refused (&h, &req, "/etc/crio/crio.conf.d/sub/zz.conf, read after the drop-in");
}

TEST (crio_and_podman_sharing_a_hooks_dir_keep_precreate_files_away)
{
  cleanup_mem_host mem_host h = { .n = 0 };
  install_request req = request ();

  put_exec (&h, "/usr/bin/podman");
  put_exec (&h, "/usr/bin/crun");
  put (&h, CRIO_CONFIG,
       "[crio.runtime]\ndefault_runtime = \"crun\"\n"
       "hooks_dir = [\"/usr/share/containers/oci/hooks.d\", \"/etc/containers/oci/hooks.d/\"]\n"
       "[crio.runtime.runtimes.crun]\nruntime_path = \"/usr/bin/crun\"\n");
  check_refused (&h, &req, "CRI-O would not start");
}

TEST (engines_that_disagree_on_the_runtime_are_refused)
{
  cleanup_mem_host mem_host h = { .n = 0 };
  install_request req = request ();

  node_with_runc (&h);
  put_exec (&h, "/usr/bin/crun");
  put_fixture (&h, CONTAINERD_CONFIG, "containerd-1.6-default.toml");
  put_fixture (&h, CRIO_CONFIG, "crio.conf");
  put_fixture (&h, CRIO_DROP_IN_DIR "/10-crun.conf", "crio.conf.d/10-crun.conf");
  check_refused (&h, &req,
                 "containerd's default runtime runs /usr/sbin/runc and crio's runs /usr/bin/crun");
}

/* Every field of the engines' files the installer reads, with a value of
   the wrong kind: the error names the file and the field.  */
TEST (each_engine_field_with_a_bad_value_is_named)
{
#define CRI       "[plugins.\"io.containerd.grpc.v1.cri\".containerd"
#define RUNC      CRI ".runtimes.runc]\n"
#define CRIO      "[crio.runtime]\ndefault_runtime = \"runc\"\n"
#define CRIO_RUNC "[crio.runtime.runtimes.runc]\n"
  static const struct
  {
    const char *path, *text, *mention;
  } cases[] = {
    { CONTAINERD_CONFIG, "version = 2\nimports = \"a.toml\"\n",
      CONTAINERD_CONFIG ": imports is a string, not an array of strings" },
    { CONTAINERD_CONFIG, "version = 2\nimports = [1]\n",
      CONTAINERD_CONFIG ": imports is an array, not an array of strings" },
    { CONTAINERD_CONFIG, "version = 2\ndisabled_plugins = \"cri\"\n",
      CONTAINERD_CONFIG ": disabled_plugins is a string, not an array of strings" },
    { CONTAINERD_CONFIG, "version = 2\n[plugins]\n\"io.containerd.grpc.v1.cri\" = 1\n",
      "plugins.\"io.containerd.grpc.v1.cri\" is an integer, not a table" },
    { CONTAINERD_CONFIG, "version = 2\n" CRI "]\ndefault_runtime_name = 1\n",
      CONTAINERD_CONFIG ": default_runtime_name is an integer, not a string" },
    { CONTAINERD_CONFIG, "version = 2\n" RUNC "runtime_type = 1\n",
      CONTAINERD_CONFIG ": runtime_type is an integer, not a string" },
    { CONTAINERD_CONFIG,
      "version = 2\n" RUNC "runtime_type = \"io.containerd.runc.v2\"\npod_annotations = \"x\"\n",
      "runtimes.runc.pod_annotations: is a string (line 4), not an array of strings" },
    { CONTAINERD_CONFIG,
      "version = 3\n[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes]\nrunc = 1\n",
      "containerd.runtimes.runc: is an integer (line 3), not a table" },
    { CRIO_CONFIG,
      CRIO "hooks_dir = \"/etc/containers/oci/hooks.d\"\n" CRIO_RUNC
           "runtime_path = \"/usr/bin/runc\"\n",
      CRIO_CONFIG ": crio.runtime.hooks_dir is a string, not an array of strings" },
    { CRIO_CONFIG, CRIO CRIO_RUNC "runtime_path = 1\n",
      CRIO_CONFIG ": runtime_path of \"runc\" is an integer, not a string" },
    { "/etc/containers/containers.conf", "[engine]\nhooks_dir = \"/etc/containers/oci/hooks.d\"\n",
      "/etc/containers/containers.conf: engine.hooks_dir is a string, not an array of strings" },
  };
  for (size_t i = 0; i < N (cases); i++)
    {
      cleanup_mem_host mem_host h = { .n = 0 };
      install_request req = request ();
      node_with_runc (&h);
      put_exec (&h, "/usr/bin/runc");
      put_exec (&h, "/usr/bin/podman");
      if (strcmp (cases[i].path, CONTAINERD_CONFIG) == 0)
        req.engines = ENGINE_CONTAINERD;
      else if (strcmp (cases[i].path, CRIO_CONFIG) == 0)
        req.engines = ENGINE_CRIO;
      else
        req.engines = ENGINE_PODMAN;
      put (&h, cases[i].path, cases[i].text);
      check_refused (&h, &req, cases[i].mention);
      if (tap_current_failed)
        printf ("# case %zu\n", i);
    }
#undef CRI
#undef RUNC
#undef CRIO
#undef CRIO_RUNC
}

TEST (a_policy_or_a_configuration_the_installer_cannot_take_is_named)
{
  cleanup_mem_host mem_host h = { .n = 0 };
  install_request req = request ();
  const char *given = "{\"runtime\": 1}";

  node_with_runc (&h);
  put_fixture (&h, CONTAINERD_CONFIG, "containerd-1.6-default.toml");
  /* The runtime key of the policy given is no string.  */
  req.policy = given;
  req.policy_len = strlen (given);
  check_refused (&h, &req, "the policy to install: \"runtime\" is a number");
  /* The host's policy is a directory.  */
  req.policy = NULL;
  req.policy_len = 0;
  put (&h, POLICY "/x", "{}");
  check_refused (&h, &req, POLICY ": not a regular file");
  /* containerd runs the wrapper already, and no record says what it
     replaced.  */
  mem_host_clear (&h);
  node_with_runc (&h);
  put (&h, CONTAINERD_CONFIG,
       "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n"
       "runtime_type = \"io.containerd.runc.v2\"\n"
       "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n"
       "BinaryName = \"" INSTALL_DEFAULT_PREFIX "/" INSTALL_WRAPPER_NAME "\"\n");
  check_refused (&h, &req,
                 "containerd's configuration names the wrapper already, and no install record");
}

/* ------------------------------------------------------------------ podman */

TEST (podman_gets_the_hooks_d_files_naming_the_installed_hook)
{
  cleanup_mem_host mem_host h = { .n = 0 };
  cleanup_hook_error hook_error *err = NULL;
  cleanup_install_plan install_plan plan = { .n_targets = 0 };
  install_request req = request ();
  const json_limits limits = { .max_bytes = 65536, .max_depth = 8 };
  size_t hooks = 0;

  put_exec (&h, "/usr/bin/podman");
  CHECK_INT (build (&h, &req, &plan, &err), 0);
  CHECK_INT (plan.engines, ENGINE_PODMAN);
  CHECK (plan.runtime == NULL);
  for (size_t i = 0; i < plan.n_targets; i++)
    {
      const install_target *t = &plan.targets[i];
      cleanup_json json_doc *doc = NULL;
      if (strncmp (t->path, HOOKS_D_DIR "/", strlen (HOOKS_D_DIR) + 1) != 0)
        continue;
      hooks++;
      CHECK_INT (json_parse (t->data, t->len, &limits, &doc, &err), 0);
      const json_value *hook = doc ? json_get (json_doc_root (doc), "hook") : NULL;
      const json_value *path = hook ? json_get (hook, "path") : NULL;
      CHECK (path && path->kind == JSON_STRING && strcmp (path->u.scalar.text, HOOK) == 0);
      CHECK_INT (t->mode, 0644);
    }
  CHECK_INT (hooks, N_HOOKSD_TEMPLATES);
  CHECK_INT (N_HOOKSD_TEMPLATES, 5);
  /* No containers.conf sets hooks_dir: podman 4 would read its default
     directory alone, so a drop-in lists it and ours.  */
  const char *drop_in = PODMAN_CONF_DIR "/" PODMAN_DROP_IN_NAME;
  const install_target *conf = target (&plan, drop_in);
  CHECK (conf != NULL);
  static const char *const hooks_dir_key[] = { "engine", "hooks_dir" };
  static const char *const both[] = { "/usr/share/containers/oci/hooks.d", HOOKS_D_DIR };
  check_toml_strings (conf, hooks_dir_key, 2, both, 2);
  if (conf)
    {
      CHECK_INT (conf->mode, 0644);
      /* An install over an earlier one: its own drop-in sets nothing, and
         the plan is the same.  */
      put (&h, drop_in, conf->data);
      install_plan plan2 = { .n_targets = 0 };
      CHECK_INT (build (&h, &req, &plan2, &err), 0);
      const install_target *again = target (&plan2, drop_in);
      CHECK (again != NULL && again->len == conf->len
             && memcmp (again->data, conf->data, conf->len) == 0);
      install_plan_clear (&plan2);
    }

  /* A containers.conf that reads other hooks directories only.  */
  install_plan_clear (&plan);
  put (&h, "/etc/containers/containers.conf",
       "[engine]\nhooks_dir = [\"/usr/share/containers/oci/hooks.d\"]\n");
  check_refused (&h, &req, "engine.hooks_dir in /etc/containers/containers.conf does not list");
  put (&h, "/etc/containers/containers.conf.d/99-local.conf",
       "[engine]\nhooks_dir = [\"/etc/containers/oci/hooks.d\"]\n");
  CHECK_INT (build (&h, &req, &plan, &err), 0);
  /* The administrator's list reads ours: no drop-in.  */
  CHECK (target (&plan, drop_in) == NULL);
}

/* ------------------------------------------------------- the whole request */

TEST (engines_requested_or_found)
{
  cleanup_mem_host mem_host h = { .n = 0 };
  cleanup_hook_error hook_error *err = NULL;
  unsigned mask = 0;
  install_request req = request ();

  CHECK_INT (install_engines_parse ("podman,containerd", &mask, &err), 0);
  CHECK_INT (mask, ENGINE_PODMAN | ENGINE_CONTAINERD);
  CHECK_INT (install_engines_parse ("crio,docker", &mask, &err), -1);
  CHECK_ERROR_MENTIONS (err, "\"docker\" is not containerd, crio or podman");
  hook_error_free (err);
  err = NULL;
  CHECK_INT (install_engines_parse ("crio,crio", &mask, &err), -1);
  CHECK_ERROR_MENTIONS (err, "crio named twice");

  /* Nothing on the host.  */
  check_refused (&h, &req, "no engine to install into");
  /* containerd installed without a configuration.  */
  put_exec (&h, "/usr/bin/containerd");
  check_refused (&h, &req, "containerd (/usr/bin/containerd) has no /etc/containerd/config.toml");
  /* Asked for an engine that is not there.  */
  mem_host_clear (&h);
  req.engines = ENGINE_CRIO;
  check_refused (&h, &req, "crio has no /etc/crio/crio.conf or /etc/crio/crio.conf.d");
}

TEST (prefixes_engines_files_can_name)
{
  cleanup_hook_error hook_error *err = NULL;

  CHECK_INT (install_prefix_validate ("/opt/oci-sandbox-hook", &err), 0);
  CHECK_INT (install_prefix_validate ("opt/x", &err), -1);
  CHECK_ERROR_MENTIONS (err, "--prefix");
  hook_error_free (err);
  err = NULL;
  CHECK_INT (install_prefix_validate ("/opt/my hook", &err), -1);
  CHECK_ERROR_MENTIONS (err, "only letters, digits");
  hook_error_free (err);
  err = NULL;
  CHECK_INT (install_prefix_validate ("/opt/../x", &err), -1);
  hook_error_free (err);
  err = NULL;
  CHECK_INT (install_prefix_validate ("/", &err), -1);
}

TEST (policy_runtime_insertion_keeps_every_other_byte)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_free char *out = NULL;
  size_t len = 0;
  const char *with_comments = "/* a { brace in a comment */\n// and { here\n{ \"a\": 1 }\n";

  CHECK_INT (
      policy_set_runtime (with_comments, strlen (with_comments), "/usr/bin/crun", &out, &len, &err),
      0);
  CHECK_STR (out, "/* a { brace in a comment */\n// and { here\n{\n  \"runtime\": "
                  "\"/usr/bin/crun\", \"a\": 1 }\n");
  free (out);
  out = NULL;
  const char *same = "{\"runtime\": \"/usr/bin/crun\"}";
  const char *other = "{\"runtime\": \"/usr/sbin/runc\"}";
  CHECK_INT (policy_set_runtime (same, strlen (same), "/usr/bin/crun", &out, &len, &err), 0);
  CHECK_STR (out, same);
  CHECK_INT (policy_set_runtime (other, strlen (other), "/usr/bin/crun", &out, &len, &err), -1);
  CHECK_ERROR_MENTIONS (err, "make them agree");
  hook_error_free (err);
  err = NULL;
  CHECK_INT (policy_set_runtime ("[1]", 3, "/usr/bin/crun", &out, &len, &err), -1);
  CHECK_ERROR_MENTIONS (err, "not a JSON object");
}

int
main (void)
{
  RUN (containerd_1_6_default_config_is_edited_in_place);
  RUN (a_kubeadm_nodes_binary_name_is_chained_and_its_annotations_kept);
  RUN (another_binary_name_goes_into_the_policy);
  RUN (a_policy_naming_another_runtime_is_refused);
  RUN (imports_are_followed_to_the_file_that_finally_defines_the_cri_plugin);
  RUN (imports_containerd_cannot_load_or_the_installer_cannot_read_are_refused);
  RUN (configs_the_installer_does_not_understand_are_refused_with_the_reason);
  RUN (a_disabled_cri_plugin_is_left_alone_unless_asked_for);
  RUN (containerd_2_gets_a_drop_in_through_imports);
  RUN (containerd_2_drop_in_found_by_a_glob_repeats_earlier_annotations);
  RUN (crio_gets_a_drop_in_repeating_its_default_runtimes_table);
  RUN (crio_configs_the_installer_cannot_serve_are_refused);
  RUN (crio_drop_ins_read_after_the_installers_are_respected);
  RUN (crio_and_podman_sharing_a_hooks_dir_keep_precreate_files_away);
  RUN (engines_that_disagree_on_the_runtime_are_refused);
  RUN (each_engine_field_with_a_bad_value_is_named);
  RUN (a_policy_or_a_configuration_the_installer_cannot_take_is_named);
  RUN (podman_gets_the_hooks_d_files_naming_the_installed_hook);
  RUN (engines_requested_or_found);
  RUN (prefixes_engines_files_can_name);
  RUN (policy_runtime_insertion_keeps_every_other_byte);
  return tap_done ();
}

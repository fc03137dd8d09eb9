/* What uninstall reads of the host's runtime state: the executables each
   engine's state file names (as containerd 1.6.20, runc 1.1.5 and crun
   1.8.1 write them), damaged and hostile files refused with the reason,
   the list of live users, and where the engines' configurations say the
   state is.  */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "inuse.h"
#include "tap.h"

#define HOOK    "/usr/local/libexec/oci-sandbox-hook/oci-sandbox-hook"
#define WRAPPER "/usr/local/libexec/oci-sandbox-hook/oci-sandbox-runtime"

static void
check_paths (inuse_format format, const char *text, const char *const *expected, size_t n_expected)
{
  cleanup_hook_error hook_error *err = NULL;
  char **paths = NULL;
  size_t n = 0;

  CHECK_INT (inuse_named_paths (format, text, strlen (text), &paths, &n, &err), 0);
  if (err)
    printf ("# %s\n", err->message);
  CHECK_INT (n, n_expected);
  for (size_t i = 0; i < n && i < n_expected; i++)
    CHECK_STR (paths[i], expected[i]);
  free_strings (paths, n);
}

static void
check_damaged (inuse_format format, const char *text, size_t len, const char *mention)
{
  cleanup_hook_error hook_error *err = NULL;
  char **paths = NULL;
  size_t n = 0;

  CHECK_INT (inuse_named_paths (format, text, len, &paths, &n, &err), -1);
  CHECK_ERROR_MENTIONS (err, mention);
  CHECK (paths == NULL && n == 0);
}

static void
check_refused_text (inuse_format format, const char *text, const char *mention)
{
  check_damaged (format, text, strlen (text), mention);
}

/* runc 1.1.5's state.json of a sandbox the wrapper edited (cut to the
   keys read, with two it writes around them).  */
static const char RUNC_STATE[]
    = "{\"id\":\"0073\",\"init_process_pid\":25602,\"config\":{\"no_pivot_root\":false,"
      "\"Hooks\":{\"createContainer\":null,\"createRuntime\":[{\"path\":\"" HOOK "\","
      "\"args\":[\"oci-sandbox-hook\",\"createRuntime\"],\"env\":[\"PATH=/usr/sbin:/usr/bin\"],"
      "\"dir\":\"\",\"timeout\":40000000000}],\"poststart\":null,\"poststop\":[{\"path\":\"" HOOK
      "\",\"args\":[\"oci-sandbox-hook\",\"poststop\"],\"env\":[],\"dir\":\"\",\"timeout\":"
      "40000000000}],\"prestart\":null,\"startContainer\":null},\"version\":\"1.0.2-dev\"},"
      "\"rootless\":false}";

/* crun 1.8.1's copy of config.json.  */
static const char CRUN_CONFIG[]
    = "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"sh\"]},\"hooks\":{\"prestart\":[{"
      "\"path\":\"/usr/libexec/oci/hooks.d/other\"}],\"poststop\":[{\"path\":\"" HOOK "\","
      "\"args\":[\"oci-sandbox-hook\",\"poststop\"]}]}}";

TEST (each_engine_s_state_names_its_executables)
{
  const char *const hooks[] = { HOOK, HOOK };
  const char *const crun[] = { "/usr/libexec/oci/hooks.d/other", HOOK };
  const char *const wrapper[] = { WRAPPER };

  check_paths (INUSE_RUNC_STATE, RUNC_STATE, hooks, 2);
  check_paths (INUSE_OCI_CONFIG, CRUN_CONFIG, crun, 2);
  /* containerd's task bundle: the shim's BinaryName, without a newline,
     and its options.  */
  check_paths (INUSE_CONTAINERD_RUNTIME, WRAPPER, wrapper, 1);
  check_paths (INUSE_CONTAINERD_OPTIONS, "{\"binary_name\":\"" WRAPPER "\"}", wrapper, 1);
  /* No BinaryName: the shim runs "runc" from PATH.  Nothing of ours.  */
  check_paths (INUSE_CONTAINERD_RUNTIME, "", NULL, 0);
  check_paths (INUSE_CONTAINERD_RUNTIME, "runc", NULL, 0);
  check_paths (INUSE_CONTAINERD_OPTIONS, "{}", NULL, 0);
  check_paths (INUSE_CONTAINERD_OPTIONS, "{\"root\":\"/run/x\",\"systemd_cgroup\":true}", NULL, 0);
  /* No hooks at all.  */
  check_paths (INUSE_RUNC_STATE, "{\"config\":{\"Hooks\":null}}", NULL, 0);
  check_paths (INUSE_RUNC_STATE, "{\"config\":{}}", NULL, 0);
  check_paths (INUSE_OCI_CONFIG, "{\"process\":{}}", NULL, 0);
  /* "hooks", should a runc name the field.  */
  check_paths (INUSE_RUNC_STATE,
               "{\"config\":{\"hooks\":{\"poststop\":[{\"path\":\"" HOOK "\"}]}}}", hooks, 1);
}

TEST (a_damaged_or_hostile_state_file_says_why)
{
  char big[INUSE_MAX_PATHS * 40 + 64];
  size_t at = 0;

  check_refused_text (INUSE_RUNC_STATE, "{\"config\":", "");
  check_refused_text (INUSE_RUNC_STATE, "[]", "no config object");
  check_refused_text (INUSE_RUNC_STATE, "{\"config\":{\"Hooks\":[]}}",
                      "config.Hooks is an array, not an object");
  check_refused_text (INUSE_RUNC_STATE, "{\"config\":{\"Hooks\":{\"poststop\":{}}}}",
                      "config.Hooks.poststop is an object, not an array");
  check_refused_text (INUSE_RUNC_STATE, "{\"config\":{\"Hooks\":{\"poststop\":[{\"path\":1}]}}}",
                      "config.Hooks.poststop[0] has no path");
  check_refused_text (INUSE_OCI_CONFIG, "\"x\"", "not a JSON object");
  check_refused_text (INUSE_OCI_CONFIG, "{\"hooks\":{\"poststop\":[7]}}", "hooks.poststop[0]");
  /* Duplicate keys: which one would the runtime take?  */
  check_refused_text (INUSE_OCI_CONFIG, "{\"hooks\":{},\"hooks\":{}}", "");
  check_refused_text (INUSE_CONTAINERD_OPTIONS, "{\"binary_name\":7}",
                      "binary_name is a number, not a string");
  check_refused_text (INUSE_CONTAINERD_OPTIONS, "null", "not a JSON object");
  check_damaged (INUSE_CONTAINERD_RUNTIME, WRAPPER "\n", strlen (WRAPPER) + 1,
                 "not a runtime's path");
  check_damaged (INUSE_CONTAINERD_RUNTIME, "/usr/bin\0/x", 11, "not a runtime's path");
  /* Deeper than any runtime writes.  */
  {
    char deep[200];
    memset (deep, '[', 100);
    memset (deep + 100, ']', 100);
    check_damaged (INUSE_OCI_CONFIG, deep, 200, "");
  }
  /* More hook entries than any container has.  */
  at += (size_t)snprintf (big + at, sizeof big - at, "{\"hooks\":{\"poststop\":[");
  for (int i = 0; i <= INUSE_MAX_PATHS; i++)
    at += (size_t)snprintf (big + at, sizeof big - at, "%s{\"path\":\"/x%d\"}", i ? "," : "", i);
  at += (size_t)snprintf (big + at, sizeof big - at, "]}}");
  check_damaged (INUSE_OCI_CONFIG, big, at, "more than 256 executables");
}

TEST (a_path_is_below_the_prefix_by_whole_components)
{
  CHECK (inuse_path_below (HOOK, "/usr/local/libexec/oci-sandbox-hook"));
  CHECK (inuse_path_below ("/usr/local/libexec/oci-sandbox-hook",
                           "/usr/local/libexec/oci-sandbox-hook"));
  CHECK (!inuse_path_below ("/usr/local/libexec/oci-sandbox-hook2/x",
                            "/usr/local/libexec/oci-sandbox-hook"));
  CHECK (!inuse_path_below ("/usr/local/libexec", "/usr/local/libexec/oci-sandbox-hook"));
  CHECK (inuse_path_below ("/x", "/"));
}

TEST (a_container_seen_by_its_engine_and_its_runtime_is_one_user)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_inuse_users inuse_users users = { .n = 0 };

  CHECK_INT (inuse_users_add (&users, "containerd", "k8s.io/0073", "/run/containerd/t/runtime",
                              "its shim runs " WRAPPER, false, &err),
             0);
  CHECK_INT (inuse_users_add (&users, "runc", "k8s.io/0073", "/run/containerd/runc/k8s.io/0073",
                              "its hook", false, &err),
             0);
  CHECK_INT (inuse_users_add (&users, "runc", "0073", "/run/runc/0073/state.json", "its hook",
                              false, &err),
             0);
  CHECK_INT (users.n, 1);
  CHECK_STR (users.items[0].engine, "containerd");
  CHECK_INT (inuse_users_add (&users, "runc", "1c89", "/run/runc/1c89/state.json", "its hook",
                              false, &err),
             0);
  /* A damaged file is listed whatever its name, and counted.  */
  CHECK_INT (inuse_users_add (&users, "runc", "1c89", "/run/runc/1c89/state.json",
                              "a symlink, not followed: counted as in use", true, &err),
             0);
  CHECK_INT (users.n, 3);
  CHECK_INT (users.containers, 3);
  CHECK (users.items[2].damaged);
}

/* ------------------------------------------------------------- a host */

typedef struct mem_host
{
  const char *paths[8];
  const char *data[8];
  size_t n;
} mem_host;

static int
mem_read (void *ctx, const char *path, host_entry_type *type, char **data, size_t *len,
          hook_error **err)
{
  const mem_host *h = ctx;
  size_t plen = strlen (path);

  (void)err;
  *type = HOST_ABSENT;
  *data = NULL;
  *len = 0;
  for (size_t i = 0; i < h->n; i++)
    if (strcmp (h->paths[i], path) == 0)
      {
        *type = HOST_FILE;
        *data = strdup (h->data[i]);
        *len = strlen (h->data[i]);
        return 0;
      }
    else if (strncmp (h->paths[i], path, plen) == 0 && h->paths[i][plen] == '/')
      *type = HOST_DIRECTORY;
  return 0;
}

static int
mem_list (void *ctx, const char *path, host_dirent **entries, size_t *n, hook_error **err)
{
  const mem_host *h = ctx;
  size_t plen = strlen (path);

  (void)err;
  *entries = calloc (h->n + 1, sizeof **entries);
  *n = 0;
  for (size_t i = 0; i < h->n; i++)
    if (strncmp (h->paths[i], path, plen) == 0 && h->paths[i][plen] == '/'
        && strchr (h->paths[i] + plen + 1, '/') == NULL)
      {
        (*entries)[*n].name = strdup (h->paths[i] + plen + 1);
        (*entries)[(*n)++].type = HOST_FILE;
      }
  return 0;
}

static int
mem_executable (void *ctx, const char *path, bool *yes, hook_error **err)
{
  (void)ctx;
  (void)path;
  (void)err;
  *yes = false;
  return 0;
}

static bool
has (char **list, size_t n, const char *path)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp (list[i], path) == 0)
      return true;
  return false;
}

TEST (the_state_is_looked_for_where_the_engines_configurations_put_it)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_inuse_locations inuse_locations loc = { .n_roots = 0 };
  mem_host h = { .n = 0 };
  host_view view = { .ctx = &h, .read = mem_read, .list = mem_list, .executable = mem_executable };

  /* Nothing configured: the defaults.  */
  CHECK_INT (inuse_locations_build (&view, &loc, &err), 0);
  CHECK_INT (loc.n_task_dirs, 1);
  CHECK (has (loc.task_dirs, loc.n_task_dirs, "/run/containerd"));
  CHECK (has (loc.ns_roots, loc.n_ns_roots, "/run/containerd/runc"));
  CHECK (has (loc.roots, loc.n_roots, "/run/runc") && has (loc.roots, loc.n_roots, "/run/crun"));
  CHECK_INT (loc.n_notes, 0);
  inuse_locations_clear (&loc);

  /* containerd 1.x: its state, and the runc runtime's Root, set in an
     import; CRI-O's default runtime's runtime_root in a drop-in.  */
  h.paths[h.n] = "/etc/containerd/config.toml";
  h.data[h.n++] = "version = 2\nimports = [\"/etc/containerd/more.toml\"]\nstate = \"/run/a\"\n";
  h.paths[h.n] = "/etc/containerd/more.toml";
  h.data[h.n++] = "version = 2\nstate = \"/var/run/b/../c\"\n"
                  "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n"
                  "Root = \"/run/r\"\n";
  h.paths[h.n] = "/etc/crio/crio.conf.d/10-runtime.conf";
  h.data[h.n++] = "[crio.runtime]\ndefault_runtime = \"crun\"\n"
                  "[crio.runtime.runtimes.crun]\nruntime_root = \"/run/crio-crun\"\n";
  CHECK_INT (inuse_locations_build (&view, &loc, &err), 0);
  CHECK (has (loc.task_dirs, loc.n_task_dirs, "/var/run/c"));
  CHECK (!has (loc.task_dirs, loc.n_task_dirs, "/run/a"));
  CHECK (has (loc.task_dirs, loc.n_task_dirs, "/run/containerd"));
  CHECK (has (loc.ns_roots, loc.n_ns_roots, "/run/r"));
  CHECK (has (loc.roots, loc.n_roots, "/run/crio-crun"));
  CHECK_INT (loc.n_notes, 0);
  inuse_locations_clear (&loc);

  /* containerd 2.x's plugin.  */
  h.data[1] = "version = 3\n"
              "[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.runc.options]\n"
              "Root = \"/run/r3\"\n";
  h.data[0] = "version = 3\nimports = [\"/etc/containerd/more.toml\"]\n";
  CHECK_INT (inuse_locations_build (&view, &loc, &err), 0);
  CHECK (has (loc.ns_roots, loc.n_ns_roots, "/run/r3"));
  inuse_locations_clear (&loc);

  /* A configuration that cannot be read: a note, and the defaults.  */
  h.data[0] = "version = 2\nstate = [\n";
  h.data[2] = "[crio.runtime\n";
  CHECK_INT (inuse_locations_build (&view, &loc, &err), 0);
  CHECK_INT (loc.n_notes, 2);
  CHECK (loc.n_notes == 2 && strstr (loc.notes[0], "containerd's configuration: ") == loc.notes[0]);
  CHECK (loc.n_notes == 2 && strstr (loc.notes[1], "CRI-O's configuration: ") == loc.notes[1]);
  CHECK (has (loc.task_dirs, loc.n_task_dirs, "/run/containerd"));
  CHECK (has (loc.roots, loc.n_roots, "/run/runc"));
}

int
main (void)
{
  RUN (each_engine_s_state_names_its_executables);
  RUN (a_damaged_or_hostile_state_file_says_why);
  RUN (a_path_is_below_the_prefix_by_whole_components);
  RUN (a_container_seen_by_its_engine_and_its_runtime_is_one_user);
  RUN (the_state_is_looked_for_where_the_engines_configurations_put_it);
  return tap_done ();
}

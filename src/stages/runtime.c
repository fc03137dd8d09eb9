/* oci-sandbox-runtime: the runtime wrapper an engine calls instead of runc
   (containerd's BinaryName, CRI-O's runtime_path, podman's --runtime).  On
   create and run it edits the bundle's config.json: the spec-level half of
   the hook for a sandbox (what precreate --bundle does, without the VM
   sizing annotations), and the hook's createRuntime and poststop entries
   for a sandbox or a pod member, since engines reach neither through hooks
   of their own (docs/engines.md §3, §7).  Then, and for every other
   command at once, it execs the real runtime (policy key "runtime") with
   the very same arguments and environment.

   The wrapper runs in the engine's process context and hands it on: it
   closes no inherited fd (runc's --preserve-fds, the console socket),
   opens its own with O_CLOEXEC, leaves the environment, umask, signals and
   timers alone, and reads nothing from stdin.  A refusal goes where
   engines read runc's errors, the --log file in --log-format, and to
   stderr; the runtime is then never exec'd, and config.json is untouched
   (the rewrite is atomic and the last step before exec).  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "inputs.h"
#include "names.h"
#include "runtime_args.h"
#include "safepath.h"
#include "spec_edits.h"
#include "stage.h"
#include "wrapper.h"

/* Test builds only: the policy file, for suites that cannot touch /etc and
   whose engine passes the wrapper no option (containerd's shim calls it
   with runc's argv).  */
#define POLICY_ENV "OCI_SANDBOX_HOOK_POLICY"

extern char **environ;

typedef struct wrapper
{
  runtime_args args;
  const char *policy_path;
  bool policy_explicit; /* not the default: named in the hook entries */
  hook_log log;
} wrapper;

/* Append LINE to the --log file, as runc would (O_APPEND, created 0644);
   never through a symlink, never blocking on a FIFO.  */
static void
append_to_log_file (const char *path, const char *line, size_t len)
{
  cleanup_close int fd
      = open (path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0644);
  if (fd < 0)
    {
      fprintf (stderr, WRAPPER_NAME ": cannot open the log file %s: %s\n", path, strerror (errno));
      return;
    }
  if (write_all (fd, line, len) < 0)
    fprintf (stderr, WRAPPER_NAME ": cannot write the log file %s: %s\n", path, strerror (errno));
}

/* The refusal of ERR: a line in the --log file, stderr, syslog; exit 1.  */
static int
refuse (wrapper *w, const hook_error *err)
{
  cleanup_free char *msg = NULL, *line = NULL;
  cleanup_hook_error hook_error *e = NULL;
  size_t len = 0;

  if (asprintf (&msg, WRAPPER_NAME ": %s", err ? err->message : "failed") < 0)
    msg = NULL;
  const char *text = msg ? msg : WRAPPER_NAME ": failed";
  fprintf (stderr, "%s\n", text);
  if (w->args.log && w->args.log[0]
      && wrapper_log_line (runtime_args_log_json (&w->args), text, time (NULL), &line, &len, &e)
             == 0)
    append_to_log_file (w->args.log, line, len);
  log_error (&w->log, "%s", text);
  hook_log_close (&w->log);
  return EXIT_FAILURE;
}

/* The real runtime from the policy's runtime key alone: what a command
   that creates nothing needs (sandbox_policy_parse_runtime).  */
static int
load_runtime_only (const wrapper *w, char **runtime, hook_error **err)
{
  cleanup_free char *buf = NULL;
  cleanup_free char *name = NULL;
  size_t len = 0;

  if (policy_file_read (w->policy_path, w->policy_explicit, &name, &buf, &len, err) < 0)
    return -1;
  if (buf == NULL)
    {
      *runtime = strdup (DEFAULT_RUNTIME);
      return *runtime ? 0 : hook_fail (err, ENOMEM, "policy");
    }
  if (sandbox_policy_parse_runtime (buf, len, runtime, err) < 0)
    return hook_error_prefix (err, "%s", name);
  return 0;
}

/* The bundle runc will chdir into, as an O_PATH fd.  A symlink is refused:
   the wrapper would edit one directory while a swapped link sends the
   runtime to another.  */
static int
open_bundle (const char *bundle, int *fd, hook_error **err)
{
  const char *path = bundle && bundle[0] ? bundle : ".";
  struct stat st;

  if (open_directory (path, fd, err) == 0)
    return 0;
  if (lstat (path, &st) == 0 && S_ISLNK (st.st_mode))
    {
      hook_error_free (*err);
      *err = NULL;
      return hook_fail (err, 0, "bundle %s: a symlink, refused (the runtime would follow it)",
                        path);
    }
  return hook_error_prefix (err, "bundle");
}

/* The hook's own path, for the hook entries: this very binary.  */
static int
own_executable (char *buf, size_t size, hook_error **err)
{
  ssize_t n = readlink ("/proc/self/exe", buf, size - 1);
  struct stat self, named;

  if (n < 0)
    return hook_fail (err, errno, "read /proc/self/exe");
  if ((size_t)n >= size - 1)
    return hook_fail (err, ENAMETOOLONG, "read /proc/self/exe");
  buf[n] = '\0';
  /* Replaced since it started (a package upgrade): "PATH (deleted)".  The
     entry must name a file that is there.  */
  if (stat ("/proc/self/exe", &self) < 0 || stat (buf, &named) < 0 || !S_ISREG (named.st_mode))
    return hook_fail (err, errno ? errno : ENOENT, "the hook's executable %s", buf);
  return 0;
}

/* RUNTIME, from the policy, is one the wrapper can become: checked before
   config.json is touched, so that a refusal leaves it as it was.  */
static int
check_runtime (const char *runtime, hook_error **err)
{
  struct stat self, target;

  if (canonical_absolute_path_validate (runtime, "policy key \"runtime\"", err) < 0)
    return -1;
  if (stat (runtime, &target) < 0)
    return hook_fail (err, errno, "the runtime %s", runtime);
  if (!S_ISREG (target.st_mode))
    return hook_fail (err, 0, "the runtime %s: not a regular file", runtime);
  /* A runtime that is this binary would exec itself for ever.  */
  if (stat ("/proc/self/exe", &self) == 0 && self.st_dev == target.st_dev
      && self.st_ino == target.st_ino)
    return hook_fail (err, 0, "policy key \"runtime\": %s is " WRAPPER_NAME " itself", runtime);
  return 0;
}

/* Become RUNTIME with the engine's own arguments and environment.  */
static int
exec_runtime (const char *runtime, int argc, char **argv, hook_error **err)
{
  cleanup_free char **args = calloc ((size_t)argc + 1, sizeof *args);
  if (args == NULL)
    return hook_fail (err, ENOMEM, "exec %s", runtime);
  args[0] = (char *)runtime;
  for (int i = 1; i < argc; i++)
    args[i] = argv[i];
  execve (runtime, args, environ);
  return hook_fail (err, errno, "exec %s", runtime);
}

/* The bundle's config.json made ready for the hook; *RUNTIME is the real
   runtime.  Nothing is written unless everything before succeeded, and
   nothing when there is nothing to add.  */
static int
prepare_bundle (wrapper *w, char **runtime, hook_error **err)
{
  cleanup_policy sandbox_policy policy = { 0 };
  cleanup_json json_doc *doc = NULL;
  cleanup_json json_doc *create_entry = NULL, *poststop_entry = NULL;
  cleanup_spec container_spec config = { 0 };
  cleanup_plan sandbox_plan plan = { 0 };
  cleanup_close int bundle_fd = -1;
  cleanup_free char *input = NULL;
  const json_limits limits = { .max_bytes = SPEC_MAX_BYTES, .max_depth = JSON_MAX_DEPTH };
  char reason[320], exe[PATH_MAX];
  json_patch patches[SPEC_EDITS_MAX_PATCHES + 2];
  size_t input_len = 0, n = 0;
  wrapped_kind kind;

  sandbox_policy_init_defaults (&policy);
  if (sandbox_policy_load (w->policy_path, w->policy_explicit, &policy, err) < 0)
    return -1;
  w->log.level = policy.log_level;
  if (hook_log_set_socket (&w->log, policy.log_socket, err) < 0)
    return -1;
  if (container_id_validate (w->args.id, "container id", NULL) == 0)
    hook_log_set_id (&w->log, w->args.id);
  *runtime = strdup (policy.runtime);
  if (*runtime == NULL)
    return hook_fail (err, ENOMEM, "policy");
  if (check_runtime (*runtime, err) < 0)
    return -1;

  if (open_bundle (w->args.bundle, &bundle_fd, err) < 0
      || spec_read (bundle_fd, &input, &input_len, err) < 0)
    return -1;
  if (json_parse (input, input_len, &limits, &doc, err) < 0)
    return hook_error_prefix (err, "config.json");
  if (wrapper_classify (&policy, json_doc_root (doc), &kind, reason, sizeof reason, err) < 0)
    return -1;
  if (kind == WRAPPED_PLAIN)
    {
      log_debug (&w->log, "%s %s: %s: unchanged", w->args.command, w->args.id, reason);
      return 0;
    }

  if (kind == WRAPPED_SANDBOX)
    {
      /* Only VM runtimes read the sizing annotations, and none runs behind
         a runc wrapper; containerd sets them exactly when the pod has
         resources.  */
      policy.sandbox_sizing = false;
      if (spec_parse (input, input_len, &config, err) < 0
          || spec_plan_build (&config, &policy, -1, NULL, &w->log, &plan, err) < 0)
        return -1;
      spec_edits edits;
      spec_edits_from_plan (&plan, &edits);
      memcpy (patches, edits.patches, edits.n * sizeof edits.patches[0]);
      n = edits.n;
    }
  if (own_executable (exe, sizeof exe, err) < 0
      || wrapper_hook_entry (exe, w->policy_explicit ? w->policy_path : NULL, "createRuntime",
                             &create_entry, err)
             < 0
      || wrapper_hook_entry (exe, w->policy_explicit ? w->policy_path : NULL, "poststop",
                             &poststop_entry, err)
             < 0)
    return -1;
  patches[n++] = wrapper_hook_patch ("createRuntime", create_entry);
  patches[n++] = wrapper_hook_patch ("poststop", poststop_entry);

  const json_value *root = json_doc_root (doc);
  size_t added = json_patches_count_absent (root, patches, n);
  if (added == 0)
    {
      log_info (&w->log, "%s: %s: config.json has everything already", w->args.command, reason);
      return 0;
    }
  if (bundle_config_rewrite (bundle_fd, root, patches, n, err) < 0)
    return -1;
  log_info (&w->log,
            "%s: %s: %zu addition(s) to config.json (spec edits only where absent, the "
            "hook's createRuntime and poststop entries)",
            w->args.command, reason, added);
  return 0;
}

int
runtime_main (int argc, char **argv)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_free char *runtime = NULL;
  wrapper w = { .policy_path = OCI_SANDBOX_HOOK_POLICY_FILE };

  hook_log_init (&w.log);
  w.log.errors_not_to_stderr = true;
#ifdef ENABLE_FAULT_INJECTION
  if (getenv (POLICY_ENV) && getenv (POLICY_ENV)[0])
    {
      w.policy_path = getenv (POLICY_ENV);
      w.policy_explicit = true;
    }
#endif
  if (argc < 1 || runtime_args_parse (argc, argv, &w.args, &err) < 0)
    return refuse (&w, err);
  if (w.args.kind == RUNTIME_PASS)
    {
      if (load_runtime_only (&w, &runtime, &err) < 0 || check_runtime (runtime, &err) < 0)
        return refuse (&w, err);
    }
  else if (prepare_bundle (&w, &runtime, &err) < 0)
    return refuse (&w, err);
  hook_log_close (&w.log);
  exec_runtime (runtime, argc, argv, &err);
  return refuse (&w, err);
}

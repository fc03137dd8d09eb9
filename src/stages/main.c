/* oci-sandbox-hook: wires the stages together.  Parsing, deciding and
   acting live in their own modules; this file reads the command line and
   the input, runs one stage, and is the only place that prints errors.  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fault.h"
#include "inputs.h"
#include "log.h"
#include "stage.h"

static void
usage (FILE *out)
{
  fprintf (out,
           "Usage: oci-sandbox-hook [OPTION...] STAGE\n"
           "Give an OCI pod sandbox containerd's sandbox policies, under any runtime.\n"
           "\n"
           "Stages:\n"
           "  createRuntime, prestart  apply the policy to the live container (OCI state on "
           "stdin)\n"
           "  poststop                 undo what createRuntime did (OCI state on stdin)\n"
           "  precreate [--bundle DIR] config.json on stdin, the sandbox's config.json on stdout\n"
           "                           (podman hooks.d); --bundle rewrites DIR/config.json in\n"
           "                           place, atomically (before `runc create`)\n"
           "  plan [--bundle DIR]      print the plan as JSON, change nothing (state on stdin,\n"
           "                           or only a bundle)\n"
           "  (none)                   inferred from the state: \"stopped\" is poststop\n"
           "  install, uninstall       wire the hook into a host's engines, or take it out\n"
           "                           (oci-sandbox-hook install --help)\n"
           "\n"
           "Commands:\n"
           "  pods [--json]            list the pods registered on this node (sandbox id,\n"
           "                           bundle, pid, running or stale, /dev/shm size and use)\n"
           "\n"
           "Options:\n"
           "  --policy FILE      policy file (default " OCI_SANDBOX_HOOK_POLICY_FILE ")\n"
           "  --log-level LEVEL  error, warn, info (default) or debug\n"
           "  --log-stderr       copy every log line to stderr (errors always go there)\n"
           "  --bundle DIR       with plan or precreate: read DIR/config.json (precreate\n"
           "                     rewrites it in place) instead of stdin\n"
           "  --json             with pods: one JSON document instead of a table\n"
           "  --help, --version\n");
}

static int
parse_stage (const char *name, stage *out)
{
  if (strcmp (name, "createRuntime") == 0 || strcmp (name, "prestart") == 0)
    *out = STAGE_CREATE_RUNTIME;
  else if (strcmp (name, "poststop") == 0)
    *out = STAGE_POSTSTOP;
  else if (strcmp (name, "plan") == 0)
    *out = STAGE_PLAN;
  else if (strcmp (name, "precreate") == 0)
    *out = STAGE_PRECREATE;
  else if (strcmp (name, "pods") == 0)
    *out = STAGE_PODS;
  else
    return -1;
  return 0;
}

static int
parse_options (int argc, char **argv, options *o, hook_error **err)
{
  static const struct option long_options[] = {
    { "policy", required_argument, NULL, 'p' }, { "log-level", required_argument, NULL, 'l' },
    { "log-stderr", no_argument, NULL, 'e' },   { "bundle", required_argument, NULL, 'b' },
    { "json", no_argument, NULL, 'j' },         { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },      { NULL, 0, NULL, 0 },
  };
  int c;

  o->policy_path = OCI_SANDBOX_HOOK_POLICY_FILE;
  while ((c = getopt_long (argc, argv, "", long_options, NULL)) != -1)
    switch (c)
      {
      case 'p':
        o->policy_path = optarg;
        o->policy_explicit = true;
        break;
      case 'l':
        if (log_level_parse (optarg, &o->log_level) < 0)
          return hook_fail (err, 0, "--log-level \"%s\": expected error, warn, info or debug",
                            optarg);
        o->log_level_set = true;
        break;
      case 'e':
        o->log_stderr = true;
        break;
      case 'b':
        o->bundle = optarg;
        break;
      case 'j':
        o->json = true;
        break;
      case 'h':
        usage (stdout);
        exit (EXIT_SUCCESS);
      case 'V':
        printf ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
        exit (EXIT_SUCCESS);
      default:
        usage (stderr);
        exit (2);
      }
  if (optind < argc)
    {
      o->stage_name = argv[optind++];
      if (parse_stage (o->stage_name, &o->stage) < 0)
        return hook_fail (err, 0, "unknown stage \"%s\" (try --help)", o->stage_name);
    }
  if (optind < argc)
    return hook_fail (err, 0, "unexpected argument \"%s\"", argv[optind]);
  if (o->bundle && o->stage != STAGE_PLAN && o->stage != STAGE_PRECREATE)
    return hook_fail (err, 0, "--bundle is only for the plan and precreate stages");
  if (o->json && o->stage != STAGE_PODS)
    return hook_fail (err, 0, "--json is only for pods");
  return 0;
}

/* Read what the stage needs and run it.  */
static int
run_stage (options *o, hook_log *log, hook_error **err)
{
  cleanup_state oci_state state = { 0 };

  if (o->stage == STAGE_PLAN)
    return run_plan (o, log, err);
  if (o->stage == STAGE_PRECREATE)
    return run_precreate (o, log, err);
  if (o->stage == STAGE_PODS)
    return run_pods (o, log, err);
  if (state_read (&state, err) < 0)
    return -1;
  alarm (o->deadline);
  hook_log_set_id (log, state.id);
  if (o->stage == STAGE_INFER)
    o->stage = strcmp (state.status, "stopped") == 0 ? STAGE_POSTSTOP : STAGE_CREATE_RUNTIME;
  if (o->stage == STAGE_POSTSTOP)
    return run_poststop (o, &state, log, err);
  return run_create_runtime (o, &state, log, err);
}

int
main (int argc, char **argv)
{
  options o = { 0 };
  hook_log log;
  cleanup_hook_error hook_error *err = NULL;
  int ret;

  /* Called as the runtime wrapper (the oci-sandbox-runtime link): before
     anything below touches the fds, the environment or the umask, which
     the real runtime inherits.  */
  if (argc > 0 && argv[0])
    {
      const char *name = strrchr (argv[0], '/');
      if (strcmp (name ? name + 1 : argv[0], WRAPPER_NAME) == 0)
        return runtime_main (argc, argv);
    }
  /* Inherited fds are the runtime's business, not ours: none may reach a
     child that joins a container namespace (CVE-2024-21626).  */
  close_range (3, ~0U, 0);
  hook_log_init (&log);
  /* The installer is no stage of a container: its own command line, no
     deadline (restarting an engine takes what it takes), errors on
     stderr only.  */
  if (argc > 1 && (strcmp (argv[1], "install") == 0 || strcmp (argv[1], "uninstall") == 0))
    {
      clearenv ();
      ret = run_installer (argc - 1, argv + 1, &err);
      if (ret < 0)
        fprintf (stderr, "oci-sandbox-hook %s: %s\n", argv[1], err ? err->message : "failed");
      return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
    }
  if (parse_options (argc, argv, &o, &err) < 0)
    {
      log_error (&log, "%s", err->message);
      return 2;
    }
  log.mirror_to_stderr = o.log_stderr;
#ifdef ENABLE_FAULT_INJECTION
  if (getenv (FAULT_ENV))
    o.fail_after = strdup (getenv (FAULT_ENV));
#endif
  o.deadline = fault_deadline (getenv (DEADLINE_ENV), HOOK_DEADLINE_SECONDS);
  /* Nothing below reads the environment; an inherited LD_PRELOAD or
     similar must not leak into anything the hook might start.  */
  clearenv ();
  umask (022);

  ret = run_stage (&o, &log, &err);
  if (ret < 0)
    log_error (&log, "%s", err ? err->message : "failed");
  hook_log_close (&log);
  free (o.fail_after);
  return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

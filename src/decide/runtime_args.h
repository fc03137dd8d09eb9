/* runc's command line, read exactly as runc 1.1 and later read it
   (urfave/cli 1.22.2 or later over Go's flag package), for the runtime wrapper: the engine
   calls oci-sandbox-runtime with runc's argv, and the wrapper must find
   the same command, bundle and container id that the real runtime will
   act on.  Where runc would refuse the line, so does the grammar: a
   create the wrapper cannot read must never reach the runtime unedited.

   Global flags come before the command: --root DIR, --log FILE,
   --log-format text|json, --criu PATH, --rootless VALUE (strings: a value
   in the next argument or after "="), --debug, --systemd-cgroup, --help
   (-h), --version (-v) (booleans: "--debug=false" is the only way to give
   a value).  One or two leading dashes are the same; "--" ends the flags;
   the last of a repeated flag wins; an unknown flag is an error.

   The flags of create and run may also follow the container id: urfave/cli
   moves the command's own flags (and the word after one without "=",
   unless that word is one of them: "-", "--" or an unknown "-x" is its
   value) in front of the others, then parses; the first other "--" comes
   right after them, so "create ID --" is ID.  The command then needs
   exactly one argument, the container id.  --bundle and -b are one flag:
   giving both is an error.  runc 1.2's --pidfd-socket PATH is known too
   (runc 1.1 refuses it itself).  --preserve-fds is Go's flag.Int: its value is
   read as strconv.ParseInt (s, 0, 64) reads it ("0x10", "0_7"; "08" and
   2^63 are refused).  */
#ifndef OCI_SANDBOX_HOOK_RUNTIME_ARGS_H
#define OCI_SANDBOX_HOOK_RUNTIME_ARGS_H

#include <stdbool.h>

#include "error.h"

typedef enum runtime_command
{
  RUNTIME_PASS,   /* anything that creates no container: exec the runtime as it is */
  RUNTIME_CREATE, /* create: the bundle is edited first */
  RUNTIME_RUN,    /* run: create and start */
} runtime_command;

typedef struct runtime_args
{
  /* Global flags; NULL or false when not given.  */
  const char *root;
  const char *log;        /* where runc writes its log (and the wrapper its refusals) */
  const char *log_format; /* "text" or "json" for runc; anything else it refuses */
  const char *criu;
  const char *rootless;
  bool debug, systemd_cgroup, help, version;

  int command_index;   /* argv index of the command, or -1 when there is none */
  const char *command; /* argv[command_index], or NULL */
  runtime_command kind;

  /* create and run (kind RUNTIME_CREATE or RUNTIME_RUN) */
  const char *bundle; /* NULL or "": the working directory (runc chdirs into it) */
  const char *id;     /* the one argument */
} runtime_args;

/* Read ARGV (ARGC words, argv[0] included) into ARGS, which points into
   ARGV.  On an error, ARGS holds the global flags read before it (the log
   file a refusal goes to).  */
int runtime_args_parse (int argc, char *const *argv, runtime_args *args, hook_error **err);

/* Does ARGS ask for runc's JSON log format?  */
bool runtime_args_log_json (const runtime_args *args);

#endif

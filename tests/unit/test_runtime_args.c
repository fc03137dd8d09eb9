/* runtime_args: runc 1.1's command line as the wrapper reads it, form by
   form (containerd's shim, podman's conmon, by hand), and every line runc
   refuses.  */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "runtime_args.h"
#include "tap.h"

#define MAX_WORDS 32

/* A command line: LINE split at spaces, after argv[0].  */
typedef struct line
{
  char buf[1024];
  char *argv[MAX_WORDS + 1];
  int argc;
} line;

static void
split (line *l, const char *text)
{
  snprintf (l->buf, sizeof l->buf, "%s", text);
  l->argc = 0;
  l->argv[l->argc++] = (char *)"oci-sandbox-runtime";
  for (char *w = strtok (l->buf, " "); w && l->argc < MAX_WORDS; w = strtok (NULL, " "))
    l->argv[l->argc++] = w;
  l->argv[l->argc] = NULL;
}

/* Parse TEXT; the result in *A, 0 or -1; the error's message (if any) in
   MSG.  */
static int
parse (const char *text, runtime_args *a, char *msg, size_t size)
{
  static line l;
  cleanup_hook_error hook_error *err = NULL;
  split (&l, text);
  int r = runtime_args_parse (l.argc, l.argv, a, &err);
  snprintf (msg, size, "%s", err ? err->message : "");
  return r;
}

#define CHECK_CREATE(text, bundle_, id_)                                                           \
  do                                                                                               \
    {                                                                                              \
      runtime_args ra_;                                                                            \
      char rm_[512];                                                                               \
      CHECK (parse ((text), &ra_, rm_, sizeof rm_) == 0);                                          \
      if (rm_[0])                                                                                  \
        printf ("# %s: %s\n", (text), rm_);                                                        \
      CHECK_INT (ra_.kind, RUNTIME_CREATE);                                                        \
      CHECK_STR (ra_.bundle, (bundle_));                                                           \
      CHECK_STR (ra_.id, (id_));                                                                   \
    }                                                                                              \
  while (0)

#define CHECK_PASS(text, command_)                                                                 \
  do                                                                                               \
    {                                                                                              \
      runtime_args ra_;                                                                            \
      char rm_[512];                                                                               \
      CHECK (parse ((text), &ra_, rm_, sizeof rm_) == 0);                                          \
      CHECK_INT (ra_.kind, RUNTIME_PASS);                                                          \
      CHECK_STR (ra_.command, (command_));                                                         \
    }                                                                                              \
  while (0)

#define CHECK_REFUSED(text, needle)                                                                \
  do                                                                                               \
    {                                                                                              \
      runtime_args ra_;                                                                            \
      char rm_[512];                                                                               \
      CHECK (parse ((text), &ra_, rm_, sizeof rm_) < 0);                                           \
      if (strstr (rm_, (needle)) == NULL)                                                          \
        {                                                                                          \
          printf ("# %s: error \"%s\" does not mention \"%s\"\n", (text), rm_, (needle));          \
          tap_current_failed = true;                                                               \
        }                                                                                          \
    }                                                                                              \
  while (0)

TEST (containerd_shim_create)
{
  runtime_args a;
  char m[512];
  CHECK (parse ("--root /run/containerd/runc/k8s.io --log /b/log.json --log-format json create "
                "--bundle /b --pid-file /b/init.pid abc",
                &a, m, sizeof m)
         == 0);
  CHECK_INT (a.kind, RUNTIME_CREATE);
  CHECK_STR (a.command, "create");
  CHECK_INT (a.command_index, 7);
  CHECK_STR (a.root, "/run/containerd/runc/k8s.io");
  CHECK_STR (a.log, "/b/log.json");
  CHECK_STR (a.log_format, "json");
  CHECK (runtime_args_log_json (&a));
  CHECK_STR (a.bundle, "/b");
  CHECK_STR (a.id, "abc");
}

TEST (conmon_create_with_booleans_before_the_id)
{
  CHECK_CREATE ("--systemd-cgroup --root /r create --bundle /b --pid-file /p --no-new-keyring "
                "--console-socket /s id1",
                "/b", "id1");
  CHECK_CREATE ("create --no-pivot --no-new-keyring id1", NULL, "id1");
  CHECK_CREATE ("create --preserve-fds 2 -b /b id1", "/b", "id1");
}

TEST (every_form_of_the_bundle_flag)
{
  CHECK_CREATE ("create --bundle /b x", "/b", "x");
  CHECK_CREATE ("create -b /b x", "/b", "x");
  CHECK_CREATE ("create --bundle=/b x", "/b", "x");
  CHECK_CREATE ("create -b=/b x", "/b", "x");
  CHECK_CREATE ("create -bundle /b x", "/b", "x");
  CHECK_CREATE ("create --b=/b x", "/b", "x");
  /* A value may start with "-" or hold "=".  */
  CHECK_CREATE ("create --bundle -odd x", "-odd", "x");
  CHECK_CREATE ("create --bundle=/a=b x", "/a=b", "x");
  /* Empty: the working directory, as runc does.  */
  CHECK_CREATE ("create --bundle= x", "", "x");
  CHECK_CREATE ("create x", NULL, "x");
}

TEST (flags_after_the_id_are_moved_in_front)
{
  CHECK_CREATE ("create x --bundle /b", "/b", "x");
  CHECK_CREATE ("create x --pid-file /p -b /b", "/b", "x");
  CHECK_CREATE ("create --pid-file /p x -b=/b", "/b", "x");
}

/* What runc 1.1 as built does (urfave/cli 1.22.2 and later: Debian 12's
   runc 1.1.5 has 1.22.9, runc 1.2 1.22.16), each line checked against
   it: only the command's own flags move, a flag without "=" takes the
   next word unless that is one of them, and "--" goes right after the
   flags that moved.  */
TEST (only_the_commands_own_flags_move)
{
  /* The last --bundle wins with its value "-"; x is the id.  urfave/cli
     1.22.1 read "-" as a word of its own: bundle x, id "-".  */
  CHECK_CREATE ("create x --bundle --bundle=/b3 --bundle -", "-", "x");
  CHECK_CREATE ("create --pid-file - -b /b x", "/b", "x");
  CHECK_CREATE ("create --pid-file -- -b /b x", "/b", "x");
  CHECK_CREATE ("create --console-socket -weird x -b /b", "/b", "x");
  /* "--" after the id: moved in front of it, it ends the flags.  */
  CHECK_CREATE ("create -b /b x --", "/b", "x");
  CHECK_CREATE ("create x --", NULL, "x");
  CHECK_REFUSED ("run -d x --", "got 2");
  CHECK_REFUSED ("create -b /b -- x --no-pivot", "got 2");
  /* An unknown flag stays where it is: after the id, one more argument.  */
  CHECK_REFUSED ("create x -b /b --bogus", "got 2");
  CHECK_REFUSED ("create --bogus x", "flag provided but not defined: -bogus");
  /* Three dashes are stripped as a name, then refused by Go's parser.  */
  CHECK_REFUSED ("create x ---bundle /b", "bad flag syntax: ---bundle");
}

TEST (the_last_of_a_repeated_flag_wins)
{
  CHECK_CREATE ("create --bundle /a --bundle /b x", "/b", "x");
  CHECK_CREATE ("create -b /a -b=/b x", "/b", "x");
  runtime_args a;
  char m[512];
  CHECK (parse ("--log /a --log=/b --log-format text --log-format=json state x", &a, m, sizeof m)
         == 0);
  CHECK_STR (a.log, "/b");
  CHECK (runtime_args_log_json (&a));
}

TEST (double_dash_ends_the_flags)
{
  CHECK_CREATE ("-- create x", NULL, "x");
  CHECK_CREATE ("--root /r -- create -b /b x", "/b", "x");
  CHECK_CREATE ("create -b /b -- x", "/b", "x");
  CHECK_CREATE ("create -b /b -- -x", "/b", "-x");
  /* After "--", "--bundle" is an argument: two of them.  */
  CHECK_REFUSED ("create -- x --bundle", "requires exactly 1 argument");
}

TEST (both_names_of_one_flag_are_refused)
{
  CHECK_REFUSED ("create --bundle /a -b /b x", "two forms of the same flag: -bundle and -b");
  CHECK_REFUSED ("run -d --detach x", "two forms of the same flag: -detach and -d");
  CHECK_REFUSED ("-h --help", "two forms");
}

TEST (the_id_must_be_exactly_one_argument)
{
  CHECK_REFUSED ("create", "\"create\" requires exactly 1 argument (the container id), got 0");
  CHECK_REFUSED ("create a b", "got 2");
  CHECK_REFUSED ("run -b /b", "\"run\" requires exactly 1 argument");
  /* urfave/cli takes the id for a value of --no-pivot: runc stops there
     and is left with three arguments.  */
  CHECK_REFUSED ("create --no-pivot x --bundle /b", "got 3");
  /* "create x --bundle": the id becomes the bundle, no id is left.  */
  CHECK_REFUSED ("create x --bundle", "got 0");
}

/* --preserve-fds is Go's flag.Int: strconv.ParseInt (s, 0, 64), each
   value checked against runc 1.1.5.  */
TEST (preserve_fds_is_a_go_int)
{
  const char *good[] = { "0",
                         "00",
                         "+3",
                         "010",
                         "0_7",
                         "1_0",
                         "0x10",
                         "0xFf",
                         "0x_1",
                         "-0x_1",
                         "0b1",
                         "0B1_1",
                         "0o7",
                         "0O7",
                         "9223372036854775807",
                         "-9223372036854775808" };
  const char *bad[]
      = { "", "x", "-", "0x", "0b", "08", "0b2", "0xg", "_1", "1_", "+_1", "1__0", "0_x1" };
  const char *range[] = { "9223372036854775808", "-9223372036854775809", "18446744073709551616" };
  char text[128];

  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
    {
      snprintf (text, sizeof text, "create --preserve-fds=%s -b /b x", good[i]);
      CHECK_CREATE (text, "/b", "x");
    }
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      snprintf (text, sizeof text, "create --preserve-fds=%s -b /b x", bad[i]);
      CHECK_REFUSED (text, "for flag -preserve-fds: parse error");
    }
  for (size_t i = 0; i < sizeof range / sizeof range[0]; i++)
    {
      snprintf (text, sizeof text, "run --preserve-fds %s x", range[i]);
      CHECK_REFUSED (text, "for flag -preserve-fds: value out of range");
    }
}

/* runc 1.2's --pidfd-socket (create and run), in every place runc 1.2
   takes it: the wrapper finds the same bundle and id.  */
TEST (runc_1_2s_pidfd_socket_is_a_value_flag)
{
  CHECK_CREATE ("create --pidfd-socket /run/p.sock -b /b x", "/b", "x");
  CHECK_CREATE ("create -b /b --pidfd-socket=/run/p.sock x", "/b", "x");
  CHECK_CREATE ("create x --pidfd-socket /run/p.sock --bundle /b", "/b", "x");
  /* Its value is a word like any other: "-b" there is the socket's path.  */
  CHECK_CREATE ("create --bundle /b --pidfd-socket -b x", "/b", "x");
  runtime_args a;
  char m[512];
  CHECK (parse ("run -d --pidfd-socket /run/p.sock --bundle /b x", &a, m, sizeof m) == 0);
  CHECK_INT (a.kind, RUNTIME_RUN);
  CHECK_STR (a.bundle, "/b");
  CHECK_REFUSED ("create --pidfd-socket", "create: flag needs an argument: -pidfd-socket");
}

TEST (missing_values_are_refused)
{
  CHECK_REFUSED ("create --bundle", "create: flag needs an argument: -bundle");
  CHECK_REFUSED ("--root", "flag needs an argument: -root");
  CHECK_REFUSED ("--log-format", "flag needs an argument: -log-format");
}

TEST (unknown_flags_are_refused)
{
  CHECK_REFUSED ("--bogus create x", "runtime global flags: flag provided but not defined: -bogus");
  CHECK_REFUSED ("--cgroup-manager=cgroupfs create x", "-cgroup-manager");
  CHECK_REFUSED ("create --config /c x", "create: flag provided but not defined: -config");
  CHECK_REFUSED ("create -f /c x", "-f");
  /* A global flag after the command belongs to the command: unknown.  */
  CHECK_REFUSED ("create --root /r x", "create: flag provided but not defined: -root");
  /* runc's run flags are not create's.  */
  CHECK_REFUSED ("create -d x", "-d");
}

TEST (bad_flag_syntax_is_refused)
{
  CHECK_REFUSED ("---root /r create x", "bad flag syntax: ---root");
  CHECK_REFUSED ("-=x create x", "bad flag syntax");
  CHECK_REFUSED ("create --=x y", "bad flag syntax");
}

TEST (booleans_take_go_values_only_after_an_equal_sign)
{
  runtime_args a;
  char m[512];
  CHECK (parse ("--debug --systemd-cgroup=false state x", &a, m, sizeof m) == 0);
  CHECK (a.debug && !a.systemd_cgroup);
  CHECK (parse ("--debug=F --systemd-cgroup=1 state x", &a, m, sizeof m) == 0);
  CHECK (!a.debug && a.systemd_cgroup);
  CHECK_REFUSED ("--debug=yes state x", "invalid boolean value \"yes\" for -debug");
  /* "--debug true": true is the command.  */
  CHECK_PASS ("--debug true create x", "true");
  CHECK_CREATE ("create --help=false -b /b x", "/b", "x");
}

TEST (string_globals_in_every_form)
{
  runtime_args a;
  char m[512];
  CHECK (parse ("-root /r --criu=/c -rootless true --rootless=auto -log-format=text create x", &a,
                m, sizeof m)
         == 0);
  CHECK_STR (a.root, "/r");
  CHECK_STR (a.criu, "/c");
  CHECK_STR (a.rootless, "auto");
  CHECK (!runtime_args_log_json (&a));
  CHECK_INT (a.kind, RUNTIME_CREATE);
}

/* runc refuses a --log-format other than "", "text" and "json" before
   any command runs (checked against runc 1.1.5).  */
TEST (an_unknown_log_format_refuses_create_and_run)
{
  CHECK_CREATE ("--log-format= create x", NULL, "x");
  CHECK_CREATE ("--log-format=text create x", NULL, "x");
  CHECK_CREATE ("--log-format json create x", NULL, "x");
  CHECK_REFUSED ("--log-format=JSON create x", "invalid log-format: JSON");
  CHECK_REFUSED ("--log-format xml run -d x", "invalid log-format: xml");
  /* Other commands are the runtime's to refuse.  */
  CHECK_PASS ("--log-format xml state x", "state");
}

TEST (a_refusal_keeps_the_log_read_before_it)
{
  runtime_args a;
  char m[512];
  CHECK (parse ("--log /l --log-format json --bogus create x", &a, m, sizeof m) < 0);
  CHECK_STR (a.log, "/l");
  CHECK (runtime_args_log_json (&a));
}

TEST (other_commands_pass_through_unread)
{
  CHECK_PASS ("--root /r state x", "state");
  CHECK_PASS ("start x", "start");
  CHECK_PASS ("kill --all x 9", "kill");
  CHECK_PASS ("delete --force x", "delete");
  CHECK_PASS ("exec --process /p --detach --pid-file /f x", "exec");
  CHECK_PASS ("ps x", "ps");
  CHECK_PASS ("events --stats x", "events");
  CHECK_PASS ("update --memory 1 x", "update");
  CHECK_PASS ("pause x", "pause");
  CHECK_PASS ("resume x", "resume");
  CHECK_PASS ("list -q", "list");
  CHECK_PASS ("features", "features");
  CHECK_PASS ("checkpoint x", "checkpoint");
  CHECK_PASS ("restore -b /b x", "restore");
  CHECK_PASS ("spec --rootless", "spec");
  CHECK_PASS ("frobnicate --whatever", "frobnicate");
  CHECK_PASS ("- create", "-");
  CHECK_PASS ("help create", "help");
  /* Unknown flags of these commands are the runtime's business.  */
  CHECK_PASS ("delete --bogus x", "delete");
}

TEST (help_and_version_create_nothing)
{
  CHECK_PASS ("--version create x", "create");
  CHECK_PASS ("-v create x", "create");
  CHECK_PASS ("--help create x", "create");
  CHECK_PASS ("create --help x", "create");
  CHECK_PASS ("create -h", "create");
  CHECK_PASS ("run -h=true x", "run");
  runtime_args a;
  char m[512];
  CHECK (parse ("--version", &a, m, sizeof m) == 0);
  CHECK (a.version && a.command == NULL && a.command_index == -1 && a.kind == RUNTIME_PASS);
  CHECK (parse ("", &a, m, sizeof m) == 0);
  CHECK (a.command == NULL && a.kind == RUNTIME_PASS);
}

TEST (run_reads_its_own_flags)
{
  runtime_args a;
  char m[512];
  CHECK (parse ("run -d --keep --no-subreaper -b /b x", &a, m, sizeof m) == 0);
  CHECK_INT (a.kind, RUNTIME_RUN);
  CHECK_STR (a.bundle, "/b");
  CHECK_STR (a.id, "x");
  CHECK_REFUSED ("run --keep=maybe x", "invalid boolean value");
}

int
main (void)
{
  RUN (containerd_shim_create);
  RUN (conmon_create_with_booleans_before_the_id);
  RUN (every_form_of_the_bundle_flag);
  RUN (flags_after_the_id_are_moved_in_front);
  RUN (only_the_commands_own_flags_move);
  RUN (the_last_of_a_repeated_flag_wins);
  RUN (double_dash_ends_the_flags);
  RUN (both_names_of_one_flag_are_refused);
  RUN (the_id_must_be_exactly_one_argument);
  RUN (preserve_fds_is_a_go_int);
  RUN (missing_values_are_refused);
  RUN (runc_1_2s_pidfd_socket_is_a_value_flag);
  RUN (unknown_flags_are_refused);
  RUN (bad_flag_syntax_is_refused);
  RUN (booleans_take_go_values_only_after_an_equal_sign);
  RUN (string_globals_in_every_form);
  RUN (an_unknown_log_format_refuses_create_and_run);
  RUN (a_refusal_keeps_the_log_read_before_it);
  RUN (other_commands_pass_through_unread);
  RUN (help_and_version_create_nothing);
  RUN (run_reads_its_own_flags);
  return tap_done ();
}

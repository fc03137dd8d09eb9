/* src/linux/cgroup.h on a tree the policy's cgroup_root names (as the
   integration tests point it at): the container's cgroup found from its
   /proc/PID/cgroup path, the processes of cgroup.procs counted, and
   cpu.shares or cpu.weight written and read back.  Every value read from
   the tree, and every path the container's cgroup line gives, gets its bad
   cases: an error naming what is wrong.  The "container" is a child of the
   test, so that its /proc entries are readable without root.  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "error.h"
#include "process.h"
#include "tap.h"

static char top[64];
static pid_t child = -1;
static target_process process = TARGET_PROCESS_INIT;

static char *
at (const char *rel)
{
  char *p = NULL;
  if (asprintf (&p, "%s/%s", top, rel) < 0)
    abort ();
  return p;
}

static void run (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

static void
run (const char *fmt, ...)
{
  char *cmd = NULL;
  va_list ap;
  va_start (ap, fmt);
  if (vasprintf (&cmd, fmt, ap) < 0)
    abort ();
  va_end (ap);
  if (system (cmd) != 0)
    abort ();
  free (cmd);
}

static void
write_file (const char *rel, const char *text)
{
  cleanup_free char *p = at (rel);
  int fd = open (p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 || write (fd, text, strlen (text)) != (ssize_t)strlen (text))
    abort ();
  close (fd);
}

/* A fresh tree: cgroup v2 (cgroup.controllers at its root) or v1 (the cpu
   controller at ROOT/cpu), with the cgroup pod/ctr holding PROCS.  */
static void
tree (bool v2, const char *procs)
{
  run ("rm -rf -- '%s/root' && mkdir -p '%s/root/%spod/ctr'", top, top, v2 ? "" : "cpu/");
  if (v2)
    write_file ("root/cgroup.controllers", "cpu memory\n");
  write_file (v2 ? "root/pod/ctr/cgroup.procs" : "root/cpu/pod/ctr/cgroup.procs", procs);
  write_file (v2 ? "root/pod/ctr/cpu.weight" : "root/cpu/pod/ctr/cpu.shares", "");
}

/* cgroup_target_find on the tree, the container's cgroup lines giving
   V1_CPU and V2; the error (or NULL) in *ERR.  */
static int
find (const char *v1_cpu, const char *v2, cgroup_target *t, size_t *others, hook_error **err)
{
  cleanup_free char *root = at ("root");
  return cgroup_target_find (v1_cpu, v2, root, &process, t, others, err);
}

static void
expect_refused (const char *v1_cpu, const char *v2, const char *needle)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_cgroup_target cgroup_target t = CGROUP_TARGET_INIT;
  size_t others = 0;
  CHECK_INT (find (v1_cpu, v2, &t, &others, &err), -1);
  CHECK_ERROR_MENTIONS (err, needle);
}

static char *
procs_of (pid_t a, pid_t b)
{
  char *text = NULL;
  if ((b > 0 ? asprintf (&text, "%d\n%d\n", (int)a, (int)b) : asprintf (&text, "%d\n", (int)a)) < 0)
    abort ();
  return text;
}

TEST (a_v2_cgroup_is_found_its_other_processes_counted_and_its_weight_written)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_cgroup_target cgroup_target t = CGROUP_TARGET_INIT;
  cleanup_free char *procs = procs_of (child, getpid ());
  cleanup_free char *file = at ("root/pod/ctr/cpu.weight");
  cgroup_cpu_result r;
  size_t others = 99;

  tree (true, procs);
  CHECK_INT (find ("/elsewhere", "/pod/ctr", &t, &others, &err), 0);
  CHECK (t.v2);
  CHECK_STR (t.rel, "pod/ctr");
  CHECK_STR (t.file, file);
  /* The test itself, in the container's pid namespace but not its init.  */
  CHECK_INT (others, 1);
  CHECK_INT (cgroup_write_cpu (&t, 2, 1, &r, &err), 0);
  CHECK_STR (r.value, "1");
  CHECK (r.v2);
}

TEST (a_v1_cgroup_is_found_below_cpu_and_its_shares_written)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_cgroup_target cgroup_target t = CGROUP_TARGET_INIT;
  cleanup_free char *procs = procs_of (child, 0);
  cleanup_free char *file = at ("root/cpu/pod/ctr/cpu.shares");
  cgroup_cpu_result r;
  size_t others = 99;

  tree (false, procs);
  CHECK_INT (find ("/pod/ctr", "/", &t, &others, &err), 0);
  CHECK (!t.v2);
  CHECK_STR (t.file, file);
  CHECK_INT (others, 0);
  CHECK_INT (cgroup_write_cpu (&t, 2, 1, &r, &err), 0);
  CHECK_STR (r.value, "2");
}

TEST (a_cgroup_procs_line_that_is_not_a_pid_is_refused_naming_the_file)
{
  static const char *const bad[]
      = { "abc\n", "01\n", "-5\n", "1 2\n", "0\n", "2147483648\n", " 7\n" };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      tree (true, bad[i]);
      expect_refused ("", "/pod/ctr", "cgroup pod/ctr/cgroup.procs: \"");
      expect_refused ("", "/pod/ctr", "is not a pid");
    }
}

TEST (a_cgroup_line_that_names_no_usable_cgroup_is_refused)
{
  cleanup_free char *procs = procs_of (child, 0);
  tree (true, procs);
  expect_refused ("/pod/ctr", "", "/proc/PID/cgroup has no cgroup v2 (0::) entry");
  expect_refused ("/pod/ctr", "/", "the container is in the root cgroup");
  expect_refused ("", "pod/ctr", "cgroup path: not an absolute path");
  expect_refused ("", "/pod/../pod/ctr",
                  "cgroup path: \"/pod/../pod/ctr\" is not a canonical path");
  expect_refused ("", "/pod//ctr", "cgroup path: \"/pod//ctr\" is not a canonical path");
  expect_refused ("", "/pod/missing", "open cgroup pod/missing/cgroup.procs");
  tree (false, procs);
  expect_refused ("", "/pod/ctr", "/proc/PID/cgroup has no cpu controller entry");
}

/* A canonical absolute path of exactly LEN bytes: components of up to 200
   'c's, each after a '/'.  */
static char *
long_path (size_t len)
{
  char *p = malloc (len + 1);
  if (p == NULL)
    abort ();
  for (size_t i = 0; i < len; i++)
    p[i] = i % 201 == 0 && i + 1 < len ? '/' : 'c';
  p[len] = '\0';
  return p;
}

TEST (a_cgroup_path_as_long_as_path_max_is_refused_and_an_absent_line_is_null)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_cgroup_target cgroup_target t = CGROUP_TARGET_INIT;
  cleanup_free char *procs = procs_of (child, 0);
  cleanup_free char *path = long_path (PATH_MAX);
  /* Below PATH_MAX itself, but not with the hierarchy before it and
     "/cpu.weight" after.  */
  cleanup_free char *near = long_path (PATH_MAX - 8);
  size_t others = 0;

  tree (true, procs);
  /* No v1 cpu line (NULL): the v2 one is used.  */
  CHECK_INT (find (NULL, "/pod/ctr", &t, &others, &err), 0);
  CHECK_STR (t.rel, "pod/ctr");
  cgroup_target_close (&t);
  expect_refused ("/pod/ctr", NULL, "/proc/PID/cgroup has no cgroup v2 (0::) entry");
  /* The bounds the buffers once gave, kept: the cgroup below the
     hierarchy, and the file cpu_shares writes, shorter than PATH_MAX.  */
  CHECK_INT (find (NULL, path, &t, &others, &err), -1);
  CHECK_ERROR_MENTIONS (err, "cgroup path");
  CHECK (err != NULL && err->errno_value == ENAMETOOLONG);
  hook_error_free (steal_pointer (&err));
  CHECK_INT (find (NULL, near, &t, &others, &err), -1);
  CHECK_ERROR_MENTIONS (err, "cgroup path cccc");
  CHECK (err != NULL && err->errno_value == ENAMETOOLONG);
}

TEST (a_missing_cgroup_root_is_refused_naming_the_policy_key)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_cgroup_target cgroup_target t = CGROUP_TARGET_INIT;
  cleanup_free char *missing = at ("no-such-root");
  size_t others = 0;
  CHECK_INT (cgroup_target_find ("", "/pod/ctr", missing, &process, &t, &others, &err), -1);
  CHECK_ERROR_MENTIONS (err, "open cgroup_root");
  CHECK (err != NULL && err->errno_value == ENOENT);
}

TEST (symlinks_in_the_tree_are_never_followed)
{
  cleanup_free char *procs = procs_of (child, 0);

  /* The container's cgroup a symlink to another cgroup.  */
  tree (true, procs);
  run ("mv '%s/root/pod/ctr' '%s/root/other' && ln -s ../other '%s/root/pod/ctr'", top, top, top);
  expect_refused ("", "/pod/ctr", "open cgroup pod/ctr/cgroup.procs");

  /* cpu.weight a symlink to a file elsewhere: found, but never written.  */
  cleanup_hook_error hook_error *err = NULL;
  cleanup_cgroup_target cgroup_target t = CGROUP_TARGET_INIT;
  cgroup_cpu_result r;
  size_t others = 0;
  tree (true, procs);
  write_file ("victim", "untouched");
  run ("rm '%s/root/pod/ctr/cpu.weight' && ln -s ../../../victim '%s/root/pod/ctr/cpu.weight'", top,
       top);
  CHECK_INT (find ("", "/pod/ctr", &t, &others, &err), 0);
  CHECK_INT (cgroup_write_cpu (&t, 2, 1, &r, &err), -1);
  CHECK_ERROR_MENTIONS (err, "open cgroup pod/ctr/cpu.weight");
  CHECK (err != NULL && err->errno_value == ELOOP);
  cleanup_free char *victim = at ("victim");
  char buf[16] = "";
  FILE *f = fopen (victim, "r");
  CHECK (f != NULL && fgets (buf, sizeof buf, f) != NULL);
  if (f)
    fclose (f);
  CHECK_STR (buf, "untouched");
}

TEST (a_value_that_does_not_read_back_is_an_error)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_cgroup_target cgroup_target t = CGROUP_TARGET_INIT;
  cleanup_free char *procs = procs_of (child, 0);
  cgroup_cpu_result r;
  size_t others = 0;

  /* Written at offset 0 over "100": it reads back "100", not "1".  */
  tree (true, procs);
  write_file ("root/pod/ctr/cpu.weight", "100\n");
  CHECK_INT (find ("", "/pod/ctr", &t, &others, &err), 0);
  CHECK_INT (cgroup_write_cpu (&t, 2, 1, &r, &err), -1);
  CHECK_ERROR_MENTIONS (err, "pod/ctr/cpu.weight: wrote 1 but the kernel reports \"100\"");
}

int
main (void)
{
  cleanup_hook_error hook_error *err = NULL;

  snprintf (top, sizeof top, "/tmp/test_cgroup.XXXXXX");
  if (mkdtemp (top) == NULL)
    abort ();
  child = fork ();
  if (child < 0)
    abort ();
  if (child == 0)
    {
      pause ();
      _exit (0);
    }
  if (target_process_open (child, NULL, &process, &err) < 0)
    {
      printf ("# %s\n", err->message);
      abort ();
    }
  RUN (a_v2_cgroup_is_found_its_other_processes_counted_and_its_weight_written);
  RUN (a_v1_cgroup_is_found_below_cpu_and_its_shares_written);
  RUN (a_cgroup_procs_line_that_is_not_a_pid_is_refused_naming_the_file);
  RUN (a_cgroup_line_that_names_no_usable_cgroup_is_refused);
  RUN (a_cgroup_path_as_long_as_path_max_is_refused_and_an_absent_line_is_null);
  RUN (a_missing_cgroup_root_is_refused_naming_the_policy_key);
  RUN (symlinks_in_the_tree_are_never_followed);
  RUN (a_value_that_does_not_read_back_is_an_error);
  target_process_close (&process);
  kill (child, SIGKILL);
  waitpid (child, NULL, 0);
  run ("rm -rf -- '%s'", top);
  return tap_done ();
}

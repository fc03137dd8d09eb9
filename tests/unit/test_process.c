/* src/linux/process.h: namespace_inode_at, which reads a namespace's
   identity from the text of its /proc link ("net:[4026531840]").  The
   kernel writes that text; these cases pin the grammar the hook accepts
   and what anything else gets, with symlinks of any text standing in for
   /proc, and check one real link against a stat of it.  Then
   process_start_time, whose /proc/PID/stat carries the process's own
   name (a container picks it: prctl PR_SET_NAME), with files of any text
   standing in, and target_process_open's refusal of the state's pid.  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "process.h"
#include "tap.h"

static char top[64];
static int top_fd = -1;

/* A link named NAME below the private directory whose text is TEXT.  */
static const char *
link_with_text (const char *name, const char *text)
{
  unlinkat (top_fd, name, 0);
  if (symlinkat (text, top_fd, name) < 0)
    abort ();
  return name;
}

static void
expect_refused (const char *type, const char *text, const char *needle)
{
  cleanup_hook_error hook_error *err = NULL;
  uint64_t ino = 7;
  CHECK_INT (namespace_inode_at (top_fd, link_with_text ("l", text), type, &ino, &err), -1);
  CHECK_ERROR_MENTIONS (err, needle);
  CHECK (ino == 7);
}

TEST (the_kernels_text_gives_the_inode)
{
  cleanup_hook_error hook_error *err = NULL;
  uint64_t ino = 0;
  CHECK_INT (
      namespace_inode_at (top_fd, link_with_text ("l", "net:[4026531840]"), "net", &ino, &err), 0);
  CHECK (ino == UINT64_C (4026531840));
  CHECK_INT (namespace_inode_at (top_fd, link_with_text ("l", "user:[1]"), "user", &ino, &err), 0);
  CHECK (ino == 1);
  CHECK_INT (
      namespace_inode_at (top_fd, link_with_text ("l", "pid:[4294967295]"), "pid", &ino, &err), 0);
  CHECK (ino == UINT64_C (4294967295));
}

TEST (another_namespace_type_is_refused)
{
  expect_refused ("net", "ipc:[4026531839]", "the net namespace link reads \"ipc:[4026531839]\"");
  expect_refused ("mnt", "mntx:[1]", "not mnt:[INODE]");
  expect_refused ("net", "ne:[1]", "not net:[INODE]");
}

TEST (anything_but_the_grammar_is_refused)
{
  expect_refused ("net", "net:[]", "not net:[INODE]");
  expect_refused ("net", "net:[0]", "not net:[INODE]");
  expect_refused ("net", "net:[01]", "not net:[INODE]");
  expect_refused ("net", "net:[-1]", "not net:[INODE]");
  expect_refused ("net", "net:[4294967296]", "not net:[INODE]");
  expect_refused ("net", "net:[12", "not net:[INODE]");
  expect_refused ("net", "net:12]", "not net:[INODE]");
  expect_refused ("net", "net[12]", "not net:[INODE]");
  expect_refused ("net", "net:[12] ", "not net:[INODE]");
  expect_refused ("net", "net:[1 2]", "not net:[INODE]");
  expect_refused ("net", "/proc/1/ns/net", "not net:[INODE]");
  /* Longer than any the kernel writes: the text is cut, never read past.  */
  char longer[200];
  memset (longer, '9', sizeof longer - 1);
  memcpy (longer, "net:[", 5);
  longer[sizeof longer - 2] = ']';
  longer[sizeof longer - 1] = '\0';
  expect_refused ("net", longer, "not net:[INODE]");
}

TEST (not_a_link_carries_errno)
{
  cleanup_hook_error hook_error *err = NULL;
  uint64_t ino;
  CHECK_INT (namespace_inode_at (top_fd, "missing", "net", &ino, &err), -1);
  CHECK (err != NULL && err->errno_value == ENOENT);
  CHECK_ERROR_MENTIONS (err, "read the net namespace link");
}

TEST (a_real_link_matches_its_stat)
{
  cleanup_hook_error hook_error *err = NULL;
  struct stat st;
  uint64_t ino = 0;
  if (stat ("/proc/self/ns/net", &st) < 0)
    abort ();
  CHECK_INT (namespace_inode_at (AT_FDCWD, "/proc/self/ns/net", "net", &ino, &err), 0);
  CHECK (ino == (uint64_t)st.st_ino);
}

/* A file named "stat" below the private directory whose text is TEXT.  */
static void
stat_with_text (const char *text)
{
  unlinkat (top_fd, "stat", 0);
  int fd = openat (top_fd, "stat", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 || write (fd, text, strlen (text)) != (ssize_t)strlen (text))
    abort ();
  close (fd);
}

/* "PID (COMM) " and fields 3 to 21, then START as field 22, then TAIL.  */
static void
stat_with_start (const char *comm, const char *start, const char *tail)
{
  char text[512];
  snprintf (text, sizeof text, "42 (%s) S 1 42 42 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 %s%s",
            comm, start, tail);
  stat_with_text (text);
}

TEST (the_start_time_is_field_22_counted_from_the_last_parenthesis)
{
  cleanup_hook_error hook_error *err = NULL;
  uint64_t start = 0;

  stat_with_start ("sh", "4242", " 1 2 3\n");
  CHECK_INT (process_start_time (top_fd, &start, &err), 0);
  CHECK (start == 4242);
  /* A name with spaces and parentheses that mimic fields: the last ')' is
     the kernel's.  */
  stat_with_start (") S 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 7777 (", "4243", "\n");
  CHECK_INT (process_start_time (top_fd, &start, &err), 0);
  CHECK (start == 4243);
  stat_with_start ("a b", "18446744073709551615", "\n");
  CHECK_INT (process_start_time (top_fd, &start, &err), 0);
  CHECK (start == UINT64_MAX);
}

TEST (a_stat_without_a_decimal_start_time_is_refused)
{
  static const char *const starts[] = { "", "12x", "0x10", "-1", "012", "18446744073709551616" };
  for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      uint64_t start = 7;
      stat_with_start ("sh", starts[i], " 1\n");
      CHECK_INT (process_start_time (top_fd, &start, &err), -1);
      CHECK_ERROR_MENTIONS (err, "/proc/PID/stat: start time");
      CHECK (start == 7);
    }
  static const char *const short_ones[] = { "42 (sh) S 1 42\n", "42 (sh\n", "", "42 sh S 1\n" };
  for (size_t i = 0; i < sizeof short_ones / sizeof short_ones[0]; i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      uint64_t start = 7;
      stat_with_text (short_ones[i]);
      CHECK_INT (process_start_time (top_fd, &start, &err), -1);
      CHECK_ERROR_MENTIONS (err, "/proc/PID/stat: no start time");
      CHECK (start == 7);
    }
}

TEST (the_real_start_time_is_read)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_close int self = open ("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);
  uint64_t start = 0;
  CHECK_INT (process_start_time (self, &start, &err), 0);
  CHECK (start > 0);
}

TEST (a_state_pid_that_is_not_a_process_is_refused_naming_it)
{
  static const pid_t pids[] = { 0, -1, INT32_MIN };
  for (size_t i = 0; i < sizeof pids / sizeof pids[0]; i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      cleanup_target_process target_process p = TARGET_PROCESS_INIT;
      CHECK_INT (target_process_open (pids[i], NULL, &p, &err), -1);
      CHECK_ERROR_MENTIONS (err, "state pid");
      CHECK (p.pidfd == -1 && p.proc_fd == -1 && p.procfs_fd == -1 && p.own_ns_fd == -1);
    }
}

int
main (void)
{
  snprintf (top, sizeof top, "/tmp/test_process.XXXXXX");
  if (mkdtemp (top) == NULL || (top_fd = open (top, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
    abort ();
  RUN (the_kernels_text_gives_the_inode);
  RUN (another_namespace_type_is_refused);
  RUN (anything_but_the_grammar_is_refused);
  RUN (not_a_link_carries_errno);
  RUN (a_real_link_matches_its_stat);
  RUN (the_start_time_is_field_22_counted_from_the_last_parenthesis);
  RUN (a_stat_without_a_decimal_start_time_is_refused);
  RUN (the_real_start_time_is_read);
  RUN (a_state_pid_that_is_not_a_process_is_refused_naming_it);
  unlinkat (top_fd, "l", 0);
  unlinkat (top_fd, "stat", 0);
  close (top_fd);
  rmdir (top);
  return tap_done ();
}

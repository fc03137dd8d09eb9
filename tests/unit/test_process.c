/* src/linux/process.h: namespace_inode_at, which reads a namespace's
   identity from the text of its /proc link ("net:[4026531840]").  The
   kernel writes that text; these cases pin the grammar the hook accepts
   and what anything else gets, with symlinks of any text standing in for
   /proc, and check one real link against a stat of it.  */
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
  unlinkat (top_fd, "l", 0);
  close (top_fd);
  rmdir (top);
  return tap_done ();
}

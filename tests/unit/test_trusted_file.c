/* src/safepath.h: open_trusted_file, the StrictModes check on the policy
   and the files it names (docs/security.md, threat 19).  Needs root: the
   cases are about who owns what.  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "safepath.h"
#include "tap.h"

#define NOBODY 65534

/* A private tree below /tmp (root's, sticky): /tmp/test_trusted.XXXXXX.  */
static char top[64];

static char *
at (const char *rel)
{
  char *p = NULL;
  if (asprintf (&p, "%s/%s", top, rel) < 0)
    abort ();
  return p;
}

static void
make_file (const char *rel, mode_t mode, uid_t uid)
{
  cleanup_free char *p = at (rel);
  int fd = open (p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || write (fd, "{}\n", 3) != 3 || fchown (fd, uid, 0) < 0 || fchmod (fd, mode) < 0)
    abort ();
  close (fd);
}

static void
make_dir (const char *rel, mode_t mode, uid_t uid)
{
  cleanup_free char *p = at (rel);
  if (mkdir (p, 0700) < 0 || chown (p, uid, 0) < 0 || chmod (p, mode) < 0)
    abort ();
}

static void
make_link (const char *rel, const char *target, uid_t uid)
{
  cleanup_free char *p = at (rel);
  if (symlink (target, p) < 0 || lchown (p, uid, 0) < 0)
    abort ();
}

/* Open REL (below the tree) and expect success, or an error that
   mentions MENTION.  */
static void
expect (const char *rel, const char *mention, int line)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_free char *p = at (rel);
  cleanup_close int fd = -1;
  int rc = open_trusted_file (p, &fd, &err);

  if (mention == NULL && rc != 0)
    {
      printf ("# line %d: %s refused: %s\n", line, rel, err ? err->message : "?");
      tap_current_failed = true;
    }
  else if (mention && (rc == 0 || err == NULL || strstr (err->message, mention) == NULL))
    {
      printf ("# line %d: %s: expected an error mentioning \"%s\", got %s\n", line, rel, mention,
              rc == 0 ? "success" : err->message);
      tap_current_failed = true;
    }
  if (rc == 0)
    {
      char buf[8];
      CHECK (read (fd, buf, sizeof buf) == 3);
    }
}
#define EXPECT_OK(rel)               expect (rel, NULL, __LINE__)
#define EXPECT_REFUSED(rel, mention) expect (rel, mention, __LINE__)

TEST (root_owned_file_in_root_owned_directories_is_trusted)
{
  make_file ("plain.json", 0644, 0);
  EXPECT_OK ("plain.json");
  /* Owner-writable is fine: root's own file.  */
  make_file ("private.json", 0600, 0);
  EXPECT_OK ("private.json");
}

TEST (file_writable_by_group_or_others_is_refused)
{
  make_file ("group.json", 0664, 0);
  EXPECT_REFUSED ("group.json", "not trusted: writable by group or others (mode 0664)");
  make_file ("world.json", 0666, 0);
  EXPECT_REFUSED ("world.json", "not trusted: writable by group or others (mode 0666)");
}

TEST (file_owned_by_another_user_is_refused)
{
  make_file ("nobody.json", 0644, NOBODY);
  EXPECT_REFUSED ("nobody.json", "not trusted: owned by uid 65534, not root");
}

TEST (directory_writable_by_others_is_refused_unless_sticky)
{
  make_dir ("open", 0777, 0);
  make_file ("open/policy.json", 0644, 0);
  EXPECT_REFUSED ("open/policy.json", "directory");
  EXPECT_REFUSED ("open/policy.json", "is writable by group or others (mode 0777)");
  make_dir ("sticky", 01777, 0);
  make_file ("sticky/policy.json", 0644, 0);
  EXPECT_OK ("sticky/policy.json");
  make_dir ("theirs", 0755, NOBODY);
  make_file ("theirs/policy.json", 0644, 0);
  EXPECT_REFUSED ("theirs/policy.json", "is owned by uid 65534, not root");
}

TEST (symlink_owned_by_another_user_is_refused)
{
  make_file ("target.json", 0644, 0);
  make_link ("their-link.json", "target.json", NOBODY);
  EXPECT_REFUSED ("their-link.json", "not trusted: symlink");
  EXPECT_REFUSED ("their-link.json", "is owned by uid 65534, not root");
}

TEST (configmap_symlink_chain_owned_by_root_is_trusted)
{
  /* A Kubernetes ConfigMap volume: policy.json -> ..data/policy.json,
     ..data -> ..2026_12_01_00_00_00.1/ (relative links).  */
  make_dir ("cm", 0755, 0);
  make_dir ("cm/..2026_12_01_00_00_00.1", 0755, 0);
  make_file ("cm/..2026_12_01_00_00_00.1/policy.json", 0644, 0);
  make_link ("cm/..data", "..2026_12_01_00_00_00.1", 0);
  make_link ("cm/policy.json", "..data/policy.json", 0);
  EXPECT_OK ("cm/policy.json");
  /* An absolute link and one that climbs with "..".  */
  cleanup_free char *abs = at ("cm/..2026_12_01_00_00_00.1/policy.json");
  make_link ("absolute.json", abs, 0);
  EXPECT_OK ("absolute.json");
  make_link ("cm/climb.json", "../cm/./..data/../plain-too.json", 0);
  make_file ("cm/plain-too.json", 0644, 0);
  EXPECT_OK ("cm/climb.json");
}

TEST (symlink_into_an_untrusted_directory_is_refused)
{
  make_dir ("drop", 0777, 0);
  make_file ("drop/policy.json", 0644, 0);
  make_link ("via-drop.json", "drop/policy.json", 0);
  EXPECT_REFUSED ("via-drop.json", "is writable by group or others (mode 0777)");
}

TEST (symlink_loop_and_non_files_are_refused)
{
  make_link ("loop-a", "loop-b", 0);
  make_link ("loop-b", "loop-a", 0);
  EXPECT_REFUSED ("loop-a", "Too many levels of symbolic links");
  make_dir ("a-directory", 0755, 0);
  EXPECT_REFUSED ("a-directory", "not a regular file");
  cleanup_free char *fifo = at ("fifo");
  if (mkfifo (fifo, 0644) < 0)
    abort ();
  EXPECT_REFUSED ("fifo", "not a regular file");
}

TEST (missing_file_is_enoent)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_free char *p = at ("nowhere/policy.json");
  int fd = -1;
  CHECK_INT (open_trusted_file (p, &fd, &err), -1);
  CHECK (err != NULL && err->errno_value == ENOENT);
  CHECK_ERROR_MENTIONS (err, "nowhere: No such file or directory");
}

TEST (world_readable_requirement_refuses_a_private_source)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_free char *p = at ("private.json");
  cleanup_free char *buf = NULL;
  size_t len;
  CHECK_INT (read_trusted_file (p, "hosts", 1024, true, &buf, &len, &err), -1);
  CHECK_ERROR_MENTIONS (err, "hosts: not world-readable (mode 0600)");
  hook_error_free (err);
  err = NULL;
  cleanup_free char *q = at ("plain.json");
  CHECK_INT (read_trusted_file (q, "hosts", 1024, true, &buf, &len, &err), 0);
  CHECK (len == 3 && buf && strcmp (buf, "{}\n") == 0);
}

int
main (void)
{
  if (geteuid () != 0)
    {
      printf ("1..0 # SKIP ownership cases need root\n");
      return 0;
    }
  snprintf (top, sizeof top, "/tmp/test_trusted.XXXXXX");
  if (mkdtemp (top) == NULL)
    abort ();
  RUN (root_owned_file_in_root_owned_directories_is_trusted);
  RUN (file_writable_by_group_or_others_is_refused);
  RUN (file_owned_by_another_user_is_refused);
  RUN (directory_writable_by_others_is_refused_unless_sticky);
  RUN (symlink_owned_by_another_user_is_refused);
  RUN (configmap_symlink_chain_owned_by_root_is_trusted);
  RUN (symlink_into_an_untrusted_directory_is_refused);
  RUN (symlink_loop_and_non_files_are_refused);
  RUN (missing_file_is_enoent);
  RUN (world_readable_requirement_refuses_a_private_source);
  char *cmd = NULL;
  if (asprintf (&cmd, "rm -rf -- '%s'", top) < 0 || system (cmd) != 0)
    abort ();
  free (cmd);
  return tap_done ();
}

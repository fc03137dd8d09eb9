/* src/linux/safepath.h: read_fd_bounded, the reader of stdin;
   read_regular_fd, the reader of every file; and open_trusted_file, the
   StrictModes check on the policy and the files it names
   (docs/security.md, threat 19; its cases are about who owns what, so
   they need root).  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "safepath.h"
#include "tap.h"

#define NOBODY        65534
#define N_ELEMENTS(a) (sizeof (a) / sizeof ((a)[0]))

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

TEST (symlink_expansion_beyond_two_paths_is_refused)
{
  /* Each link's text fits (under PATH_MAX), what the second expands to
     with the rest of the path does not: the walk stops, it does not
     truncate.  Both resolve to "long" itself.  */
  char one[4000], two[4090], path[300];
  make_dir ("long", 0755, 0);
  make_file ("long/f", 0644, 0);
  memcpy (one, "L2", 2);
  for (size_t i = 2; i + 2 < sizeof one; i += 2)
    memcpy (one + i, "/.", 2);
  one[sizeof one - 2] = '\0';
  for (size_t i = 0; i + 2 < sizeof two; i += 2)
    memcpy (two + i, "./", 2);
  two[sizeof two - 2] = '\0';
  make_link ("long/L1", one, 0);
  make_link ("long/L2", two, 0);
  memcpy (path, "long/L1", 7);
  for (size_t i = 7; i + 2 < sizeof path; i += 2)
    memcpy (path + i, "/.", 2);
  memcpy (path + sizeof path - 4, "/f", 3);
  EXPECT_REFUSED (path, "resolve: File name too long");
  /* Either link alone resolves.  */
  EXPECT_OK ("long/L2/f");
  EXPECT_OK ("long/L1/f");
}

#if defined(__x86_64__)
#define TEST_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define TEST_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

#ifdef TEST_AUDIT_ARCH
/* openat2 answering ENOSYS, as under valgrind or a seccomp profile.  */
static int
deny_openat2 (void)
{
  struct sock_filter code[] = {
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, TEST_AUDIT_ARCH, 1, 0),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, SYS_openat2, 0, 1),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = { .len = sizeof code / sizeof code[0], .filter = code };
  return prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0
                 || prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0
             ? -1
             : 0;
}

/* One case of the emulation, in the filtered child: EXPECT_ERRNO 0 wants
   an fd.  */
static int
emulated (int dir, const char *path, uint64_t resolve, int expect_errno)
{
  errno = 0;
  int fd = openat2_fd (dir, path, O_RDONLY, 0, resolve);
  int got = fd < 0 ? errno : 0;
  if (fd >= 0)
    close (fd);
  if (got == expect_errno)
    return 0;
  printf ("# emulated openat2 of %s (resolve 0x%llx): errno %d, expected %d\n", path,
          (unsigned long long)resolve, got, expect_errno);
  fflush (stdout); /* the child ends with _exit */
  return 1;
}

TEST (openat2_emulation_keeps_every_resolve_mode_or_refuses)
{
  make_dir ("emu", 0755, 0);
  make_dir ("emu/d", 0755, 0);
  make_file ("emu/d/f", 0644, 0);
  make_link ("emu/rel", "d", 0);
  make_link ("emu/abs", "/etc", 0);
  cleanup_free char *emu = at ("emu");
  pid_t pid = fork ();
  if (pid < 0)
    abort ();
  if (pid == 0)
    {
      int dir = open (emu, O_PATH | O_DIRECTORY | O_CLOEXEC);
      struct open_how how = { .flags = O_RDONLY };
      int bad = 0;
      if (dir < 0 || deny_openat2 () < 0)
        _exit (2);
      /* The filter holds: the kernel's openat2 is gone.  */
      if (syscall (SYS_openat2, dir, "d/f", &how, sizeof how) >= 0 || errno != ENOSYS)
        _exit (3);
      bad += emulated (dir, "d/f", RESOLVE_STRICT_BENEATH, 0);
      bad += emulated (dir, "d/f", RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS, 0);
      bad += emulated (dir, "rel/f", RESOLVE_STRICT_BENEATH, ELOOP);
      bad += emulated (dir, "d/../d/f", RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS, EXDEV);
      bad += emulated (dir, "/etc/hostname", RESOLVE_BENEATH, EXDEV);
      /* An absolute link inside a root cannot be followed without the
         kernel: refused, never resolved against the process's own /.  */
      bad += emulated (dir, "abs/hostname", RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS, ENOSYS);
      bad += emulated (dir, "d/f", RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS, ENOSYS);
      _exit (bad ? 1 : 0);
    }
  int status;
  CHECK (waitpid (pid, &status, 0) == pid);
  CHECK (WIFEXITED (status) && WEXITSTATUS (status) == 0);
}
#endif

TEST (missing_file_is_enoent)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_free char *p = at ("nowhere/policy.json");
  int fd = -1;
  CHECK_INT (open_trusted_file (p, &fd, &err), -1);
  CHECK (err != NULL && err->errno_value == ENOENT);
  CHECK_ERROR_MENTIONS (err, "nowhere: No such file or directory");
}

/* The caller's prefix names the path asked for: a missing last component
   is said once, an intermediate one by the path reached.  */
TEST (missing_file_message_names_the_path_once)
{
  cleanup_hook_error hook_error *err = NULL, *err2 = NULL;
  cleanup_free char *p = at ("gone.json");
  cleanup_free char *q = at ("gone/policy.json");
  cleanup_free char *q_reached = at ("gone");
  int fd = -1;
  CHECK_INT (read_trusted_file (p, p, 1024, false, NULL, NULL, &err), -1);
  CHECK (err != NULL && err->errno_value == ENOENT);
  cleanup_free char *want = NULL;
  CHECK (asprintf (&want, "%s: No such file or directory", p) > 0);
  if (err)
    CHECK_STR (err->message, want);
  CHECK_INT (open_trusted_file (q, &fd, &err2), -1);
  cleanup_free char *want2 = NULL;
  CHECK (asprintf (&want2, "%s: No such file or directory", q_reached) > 0);
  if (err2)
    CHECK_STR (err2->message, want2);
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

/* read_fd_bounded */

/* A pipe whose write end a child fills with N bytes of '[' ... then closes.  */
static pid_t
pipe_writer (size_t n, int *read_fd)
{
  int fds[2];
  pid_t pid;

  if (pipe (fds) < 0)
    abort ();
  pid = fork ();
  if (pid < 0)
    abort ();
  if (pid == 0)
    {
      char block[4096];
      close (fds[0]);
      memset (block, ' ', sizeof block);
      while (n > 0)
        {
          size_t chunk = n < sizeof block ? n : sizeof block;
          ssize_t w = write (fds[1], block, chunk);
          if (w <= 0)
            _exit (1); /* the reader stopped early: EPIPE */
          n -= (size_t)w;
        }
      _exit (0);
    }
  close (fds[1]);
  *read_fd = fds[0];
  return pid;
}

static void
reap (pid_t pid)
{
  int status;

  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
}

TEST (read_fd_reads_a_pipe_up_to_the_limit)
{
  static const size_t sizes[] = { 0, 1, 16383, 16384, 16385, 100000 };

  for (size_t i = 0; i < N_ELEMENTS (sizes); i++)
    {
      cleanup_close int fd = -1;
      pid_t pid = pipe_writer (sizes[i], &fd);
      cleanup_hook_error hook_error *err = NULL;
      cleanup_free char *buf = NULL;
      size_t len = 99;

      CHECK_INT (read_fd_bounded (fd, 100000, &buf, &len, &err), 0);
      CHECK_INT (len, sizes[i]);
      CHECK (buf != NULL && buf[sizes[i]] == '\0' && strspn (buf, " ") == sizes[i]);
      reap (pid);
    }
}

TEST (read_fd_refuses_a_pipe_of_more_than_max_bytes)
{
  static const struct
  {
    size_t limit, written;
  } cases[] = {
    { 100, 101 },
    { 16384, 16385 },
    { 16383, 16384 },
    { 100000, 100001 },
    /* A writer that would go on for 64 MiB: the reader stops at the limit. */
    { 1u << 20, 64u << 20 },
  };

  for (size_t i = 0; i < N_ELEMENTS (cases); i++)
    {
      cleanup_close int fd = -1;
      pid_t pid = pipe_writer (cases[i].written, &fd);
      cleanup_hook_error hook_error *err = NULL;
      char *buf = NULL;
      size_t len = 99;
      char mention[64];

      CHECK_INT (read_fd_bounded (fd, cases[i].limit, &buf, &len, &err), -1);
      snprintf (mention, sizeof mention, "input exceeds the limit of %zu bytes", cases[i].limit);
      CHECK_ERROR_MENTIONS (err, mention);
      CHECK (buf == NULL);
      close (fd);
      fd = -1;
      reap (pid);
    }
}

TEST (read_fd_error_carries_errno)
{
  cleanup_hook_error hook_error *err = NULL;
  char *buf = NULL;
  size_t len = 0;

  CHECK_INT (read_fd_bounded (-1, 100, &buf, &len, &err), -1);
  CHECK (err != NULL && err->errno_value == EBADF);
  CHECK_ERROR_MENTIONS (err, "read");
  CHECK (buf == NULL);
}

/* read_regular_fd */

TEST (read_regular_fd_reads_a_file_by_its_size)
{
  static const size_t sizes[] = { 1, 4031, 4032, 4033, 70000 };
  char path[] = "/tmp/test_read_regular.XXXXXX";
  cleanup_close int fd = mkostemp (path, O_CLOEXEC);
  cleanup_free char *data = malloc (70000);

  if (fd < 0 || data == NULL)
    abort ();
  unlink (path);
  for (size_t i = 0; i < 70000; i++)
    data[i] = (char)('a' + i % 26);
  for (size_t i = 0; i < N_ELEMENTS (sizes); i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      cleanup_free char *buf = NULL;
      size_t len = 99;

      if (ftruncate (fd, 0) < 0 || pwrite (fd, data, sizes[i], 0) != (ssize_t)sizes[i]
          || lseek (fd, 0, SEEK_SET) != 0)
        abort ();
      CHECK_INT (read_regular_fd (fd, "the file", 70000, &buf, &len, &err), 0);
      CHECK_INT (len, sizes[i]);
      CHECK (buf != NULL && buf[len] == '\0' && memcmp (buf, data, len) == 0);
    }
  /* One byte over the limit: refused by its size, before it is read.  */
  cleanup_hook_error hook_error *err = NULL;
  char *buf = NULL;
  size_t len = 0;
  if (lseek (fd, 0, SEEK_SET) != 0)
    abort ();
  CHECK_INT (read_regular_fd (fd, "the file", 69999, &buf, &len, &err), -1);
  CHECK_ERROR_MENTIONS (err, "the file: input of 70000 bytes exceeds the limit of 69999 bytes");
  CHECK (buf == NULL);
}

TEST (read_regular_fd_reads_a_kernel_file_of_size_zero_to_its_end)
{
  /* procfs and cgroupfs files report size 0 and still have content.  */
  cleanup_close int fd = open ("/proc/self/status", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  cleanup_hook_error hook_error *err = NULL;
  cleanup_free char *buf = NULL;
  size_t len = 0;

  if (fd < 0)
    abort ();
  CHECK_INT (read_regular_fd (fd, "/proc/self/status", 1 << 20, &buf, &len, &err), 0);
  CHECK (len > 100 && strncmp (buf, "Name:", 5) == 0 && strstr (buf, "\nPid:") != NULL);
  CHECK (buf != NULL && buf[len] == '\0' && strlen (buf) == len);
}

TEST (read_regular_fd_refuses_what_is_not_a_regular_file)
{
  char dir[] = "/tmp/test_read_regular.XXXXXX";
  cleanup_free char *fifo = NULL;

  if (mkdtemp (dir) == NULL || asprintf (&fifo, "%s/fifo", dir) < 0 || mkfifo (fifo, 0600) < 0)
    abort ();
  cleanup_close int fd = open (fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  cleanup_close int dir_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || dir_fd < 0 || unlink (fifo) < 0 || rmdir (dir) < 0)
    abort ();
  for (int i = 0; i < 2; i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      char *buf = NULL;
      size_t len = 0;

      CHECK_INT (read_regular_fd (i == 0 ? fd : dir_fd, "the input", 100, &buf, &len, &err), -1);
      CHECK_ERROR_MENTIONS (err, "the input: not a regular file");
      CHECK (buf == NULL);
    }
}

/* What a sweep of cut-short writes may remove: create_temporary's own
   names for the file, nothing that merely looks like one.  */
TEST (temporary_names_are_create_temporarys_only)
{
  char dir[] = "/tmp/test_temporary.XXXXXX", tmp[NAME_MAX + 1];
  cleanup_hook_error hook_error *err = NULL;

  if (mkdtemp (dir) == NULL)
    abort ();
  cleanup_close int dir_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  cleanup_close int fd = create_temporary (dir_fd, "config.toml", 0600, tmp, sizeof tmp, &err);
  CHECK (fd >= 0);
  if (fd < 0 || unlinkat (dir_fd, tmp, 0) < 0 || rmdir (dir) < 0)
    abort ();
  CHECK (is_temporary_name (tmp, "config.toml"));
  CHECK (is_temporary_name (tmp, NULL));
  CHECK (!is_temporary_name (tmp, "config.tom"));
  CHECK (!is_temporary_name (tmp, "onfig.toml"));
  static const char *const not_ours[] = {
    "config.toml",
    ".config.toml.tmp",
    ".config.toml.0123abc.tmp",
    ".config.toml.0123abcde.tmp",
    ".config.toml.0123ABCD.tmp",
    ".config.toml.0123abcd.tmp~",
    ".config.toml-0123abcd.tmp",
    "..0123abcd.tmp",
    ".0123abcd.tmp",
  };
  for (size_t i = 0; i < sizeof not_ours / sizeof not_ours[0]; i++)
    if (is_temporary_name (not_ours[i], NULL) || is_temporary_name (not_ours[i], "config.toml"))
      {
        printf ("# taken for a temporary: %s\n", not_ours[i]);
        tap_current_failed = true;
      }
  CHECK (is_temporary_name (".config.toml.0123abcd.tmp", "config.toml"));
}

int
main (void)
{
  /* A writer that outlives its reader gets EPIPE, not a fatal signal.  */
  signal (SIGPIPE, SIG_IGN);
  RUN (read_fd_reads_a_pipe_up_to_the_limit);
  RUN (read_fd_refuses_a_pipe_of_more_than_max_bytes);
  RUN (read_fd_error_carries_errno);
  RUN (read_regular_fd_reads_a_file_by_its_size);
  RUN (read_regular_fd_reads_a_kernel_file_of_size_zero_to_its_end);
  RUN (read_regular_fd_refuses_what_is_not_a_regular_file);
  RUN (temporary_names_are_create_temporarys_only);
  if (geteuid () != 0)
    {
      printf ("# the ownership cases of open_trusted_file need root: not run\n");
      return tap_done ();
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
  RUN (symlink_expansion_beyond_two_paths_is_refused);
#ifdef TEST_AUDIT_ARCH
  RUN (openat2_emulation_keeps_every_resolve_mode_or_refuses);
#endif
  RUN (missing_file_is_enoent);
  RUN (missing_file_message_names_the_path_once);
  RUN (world_readable_requirement_refuses_a_private_source);
  char *cmd = NULL;
  if (asprintf (&cmd, "rm -rf -- '%s'", top) < 0 || system (cmd) != 0)
    abort ();
  free (cmd);
  return tap_done ();
}

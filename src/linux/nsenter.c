#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "nsenter.h"
#include "process.h"

#define CHILD_MESSAGE_MAX 2048

static int
compare_int (const void *a, const void *b)
{
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

/* Close every fd >= 3 that is not in KEEP (sorted), with close_range over
   the gaps: fds inherited by or leaked into the child must not be usable
   once it stands in a container's namespace (CVE-2024-21626).  */
static void
close_all_but (int *keep, size_t n)
{
  unsigned int from = 3;
  qsort (keep, n, sizeof *keep, compare_int);
  for (size_t i = 0; i < n; i++)
    {
      if (keep[i] < (int)from)
        continue;
      if ((unsigned int)keep[i] > from)
        close_range (from, (unsigned int)keep[i] - 1, 0);
      from = (unsigned int)keep[i] + 1;
    }
  close_range (from, ~0U, 0);
}

/* The hook's way back: its own mount and network namespaces, root and
   working directory, held while it stands in a container's.  */
typedef struct way_back
{
  int mnt, net, root, cwd;
  struct stat mnt_id;
} way_back;

static void
way_back_release (way_back *w)
{
  int *fds[] = { &w->mnt, &w->net, &w->root, &w->cwd };
  for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
    if (*fds[i] >= 0)
      {
        close (*fds[i]);
        *fds[i] = -1;
      }
}

static int
way_back_save (int own_ns_fd, way_back *w, hook_error **err)
{
  w->mnt = openat (own_ns_fd, "mnt", O_RDONLY | O_CLOEXEC);
  w->net = openat (own_ns_fd, "net", O_RDONLY | O_CLOEXEC);
  w->root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  w->cwd = open (".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (w->mnt < 0 || w->net < 0 || w->root < 0 || w->cwd < 0 || fstat (w->mnt, &w->mnt_id) < 0)
    return hook_fail (err, errno, "save the hook's own namespaces");
  return 0;
}

/* Back in the hook's own namespaces, or not at all: a hook that stayed in
   a container's mount namespace would resolve every later path (its
   rollback, its log socket) in the container.  Setting back namespaces
   the hook holds handles on, with the capabilities that let it leave,
   does not fail short of a kernel fault; then the process ends here, and
   poststop sweeps what it made.  */
static void
way_back_take (int own_ns_fd, const way_back *w)
{
  const char *what = "setns back";
  uint64_t now;

  if (setns (w->net, CLONE_NEWNET) < 0 || setns (w->mnt, CLONE_NEWNS) < 0)
    goto fatal;
  what = "restore the root";
  if (fchdir (w->root) < 0 || chroot (".") < 0 || fchdir (w->cwd) < 0)
    goto fatal;
  what = "check the mount namespace";
  if (namespace_inode_at (own_ns_fd, "mnt", "mnt", &now, NULL) < 0
      || now != (uint64_t)w->mnt_id.st_ino)
    goto fatal;
  return;
fatal:
  dprintf (STDERR_FILENO,
           "oci-sandbox-hook: fatal: cannot return from the container's namespaces: %s: %s\n", what,
           strerror (errno));
  _exit (EXIT_FAILURE);
}

/* The steps in the hook itself: no user namespace to join, so it can come
   back.  A fork and wait would cost more than the steps (about 0.1 ms).
   Nothing runs meanwhile but the steps: the container's process has not
   started its program (createRuntime), and the steps take only the fds
   they are given.  */
static int
run_in_process (int pidfd, int own_ns_fd, const ns_step *steps, size_t n_steps, hook_error **err)
{
  __attribute__ ((cleanup (way_back_release))) way_back w
      = { .mnt = -1, .net = -1, .root = -1, .cwd = -1 };
  int ret = 0;

  if (way_back_save (own_ns_fd, &w, err) < 0)
    return -1;
  for (size_t i = 0; i < n_steps && ret == 0; i++)
    {
      if (setns (pidfd, steps[i].nstypes) < 0)
        {
          ret = hook_fail (err, errno, "join the container's namespaces");
          break;
        }
      ret = steps[i].fn (steps[i].arg, err);
    }
  way_back_take (own_ns_fd, &w);
  return ret;
}

int
run_ns_steps (int pidfd, int own_ns_fd, const ns_step *steps, size_t n_steps, const int *keep_fds,
              size_t n_keep_fds, hook_error **err)
{
  bool user_namespace = false;
  for (size_t i = 0; i < n_steps; i++)
    user_namespace |= (steps[i].nstypes & CLONE_NEWUSER) != 0;
  if (!user_namespace)
    return run_in_process (pidfd, own_ns_fd, steps, n_steps, err);

  int pipefd[2];
  int keep[NS_MAX_KEEP_FDS + 2];
  char msg[CHILD_MESSAGE_MAX];
  size_t used = 0;
  int status;

  if (n_keep_fds > NS_MAX_KEEP_FDS)
    return hook_fail (err, E2BIG, "too many fds for a namespace child");
  if (pipe2 (pipefd, O_CLOEXEC) < 0)
    return hook_fail (err, errno, "pipe");
  /* The child inherits neither the hook's alarm nor its fate: it gets
     what is left of the deadline, and dies with the hook.  */
  pid_t parent = getpid ();
  unsigned int deadline_left = alarm (0);
  if (deadline_left)
    alarm (deadline_left);
  pid_t pid = fork ();
  if (pid < 0)
    {
      int saved = errno;
      close (pipefd[0]);
      close (pipefd[1]);
      return hook_fail (err, saved, "fork");
    }
  if (pid == 0)
    {
      hook_error *child_err = NULL;
      int ret;

      if (n_keep_fds > 0)
        memcpy (keep, keep_fds, n_keep_fds * sizeof *keep);
      keep[n_keep_fds] = pipefd[1];
      keep[n_keep_fds + 1] = pidfd;
      close_all_but (keep, n_keep_fds + 2);
      /* Die with the hook: a child must never outlive it holding a
         container namespace (a runtime's hook timeout kills the hook, not
         its child; poststop may already have run).  The parent may have
         died before prctl: then getppid is no longer it.  */
      signal (SIGALRM, SIG_DFL);
      if (prctl (PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid () != parent)
        _exit (1);
      if (deadline_left)
        alarm (deadline_left);
      ret = 0;
      for (size_t i = 0; i < n_steps && ret == 0; i++)
        {
          if (setns (pidfd, steps[i].nstypes) < 0)
            {
              ret = hook_fail (&child_err, errno, "join the container's namespaces");
              break;
            }
          /* The last join done, nothing of the host is left in reach.  */
          if (i + 1 == n_steps)
            close (pidfd);
          ret = steps[i].fn (steps[i].arg, &child_err);
        }
      if (ret < 0 && child_err)
        (void)!write (pipefd[1], child_err->message,
                      strnlen (child_err->message, CHILD_MESSAGE_MAX - 1));
      _exit (ret < 0 ? 1 : 0);
    }

  close (pipefd[1]);
  for (;;)
    {
      ssize_t n = read (pipefd[0], msg + used, sizeof msg - 1 - used);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      used += (size_t)n;
      if (used == sizeof msg - 1)
        break;
    }
  msg[used] = '\0';
  close (pipefd[0]);
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return hook_fail (err, errno, "wait for the namespace child");
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return 0;
  if (used > 0)
    return hook_fail (err, 0, "%s", msg);
  if (WIFSIGNALED (status))
    return hook_fail (err, 0, "namespace child killed by signal %d", WTERMSIG (status));
  return hook_fail (err, 0, "namespace child failed with status %d", WEXITSTATUS (status));
}

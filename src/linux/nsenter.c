#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "nsenter.h"

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

int
run_ns_steps (int pidfd, const ns_step *steps, size_t n_steps, const int *keep_fds,
              size_t n_keep_fds, hook_error **err)
{
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

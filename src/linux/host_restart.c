#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "host_restart.h"
#include "safepath.h"

#define MAX_UNITS 8

static const struct
{
  const char *name;
  int type;
  bool optional; /* a kernel without it (cgroup namespaces) */
} NAMESPACES[] = {
  /* The mount namespace last: after it, paths are the host's.  */
  { "net", CLONE_NEWNET, false }, { "uts", CLONE_NEWUTS, false },
  { "ipc", CLONE_NEWIPC, false }, { "cgroup", CLONE_NEWCGROUP, true },
  { "mnt", CLONE_NEWNS, false },
};

static int
open_proc (int root_fd, const char *root, int *out, hook_error **err)
{
  struct statfs sfs;
  cleanup_close int fd = openat2_fd (root_fd, "proc", O_PATH | O_DIRECTORY, 0,
                                     RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS);

  if (fd < 0)
    return hook_fail (err, errno,
                      "--restart: open %s/proc (the host's /proc must be visible under --root)",
                      root);
  if (fstatfs (fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
    return hook_fail (err, 0,
                      "--restart: %s/proc is not a procfs: the host's /proc must be visible "
                      "under --root (mount the host's / recursively)",
                      root);
  *out = steal_fd (&fd);
  return 0;
}

int
host_init_check (int root_fd, const char *root, hook_error **err)
{
  cleanup_close int proc = -1;
  struct stat init_root, ours;

  if (open_proc (root_fd, root, &proc, err) < 0)
    return -1;
  /* Following /proc/1/root (a magic link) is the kernel's business here:
     it needs the access a root process has to pid 1.  */
  if (fstatat (proc, "1/root", &init_root, 0) < 0)
    return hook_fail (err, errno,
                      "--restart: %s/proc/1/root: pid 1's root out of reach (the installer must "
                      "run as root of the host's user namespace, a privileged container)",
                      root);
  if (fstat (root_fd, &ours) < 0)
    return hook_fail (err, errno, "--restart: stat %s", root);
  if (init_root.st_dev != ours.st_dev || init_root.st_ino != ours.st_ino)
    return hook_fail (err, 0,
                      "--restart: pid 1 of %s/proc does not have %s as its root: it is not the "
                      "host's init, whose systemd would restart the engines",
                      root, root);
  return 0;
}

int
host_restart_units (int root_fd, const char *root, const char *const *units, size_t n,
                    hook_error **err)
{
  cleanup_close int proc = -1;
  int ns[sizeof NAMESPACES / sizeof NAMESPACES[0]];
  const char *argv[MAX_UNITS + 3];
  int status;
  pid_t pid;

  if (n == 0)
    return 0;
  if (n > MAX_UNITS)
    return hook_fail (err, E2BIG, "--restart: %zu units", n);
  if (host_init_check (root_fd, root, err) < 0 || open_proc (root_fd, root, &proc, err) < 0)
    return -1;
  for (size_t i = 0; i < sizeof NAMESPACES / sizeof NAMESPACES[0]; i++)
    {
      char path[32];
      snprintf (path, sizeof path, "1/ns/%s", NAMESPACES[i].name);
      ns[i] = openat (proc, path, O_RDONLY | O_CLOEXEC);
      if (ns[i] < 0 && !(NAMESPACES[i].optional && errno == ENOENT))
        {
          int saved = errno;
          for (size_t j = 0; j < i; j++)
            if (ns[j] >= 0)
              close (ns[j]);
          return hook_fail (err, saved, "--restart: open %s/proc/1/ns/%s", root,
                            NAMESPACES[i].name);
        }
    }
  argv[0] = "systemctl";
  argv[1] = "restart";
  for (size_t i = 0; i < n; i++)
    argv[2 + i] = units[i];
  argv[2 + n] = NULL;

  fflush (stdout);
  fflush (stderr);
  pid = fork ();
  if (pid == 0)
    {
      static char *const envp[]
          = { (char *)"PATH=/usr/sbin:/usr/bin:/sbin:/bin", (char *)"LANG=C", NULL };
      for (size_t i = 0; i < sizeof NAMESPACES / sizeof NAMESPACES[0]; i++)
        if (ns[i] >= 0 && setns (ns[i], NAMESPACES[i].type) < 0)
          {
            dprintf (STDERR_FILENO, "oci-sandbox-hook: --restart: join pid 1's %s namespace: %s\n",
                     NAMESPACES[i].name, strerror (errno));
            _exit (126);
          }
      if (chdir ("/") < 0)
        _exit (126);
      /* execve keeps the signal mask and ignored signals: the host's
         systemctl gets neither the installer's (--wait blocks SIGTERM and
         SIGINT to wait for them) nor what its own parent ignored.  */
      sigset_t none;
      sigemptyset (&none);
      for (int sig = 1; sig < NSIG; sig++)
        signal (sig, SIG_DFL);
      if (sigprocmask (SIG_SETMASK, &none, NULL) < 0)
        _exit (126);
      execve ("/usr/bin/systemctl", (char *const *)argv, envp);
      execve ("/bin/systemctl", (char *const *)argv, envp);
      dprintf (STDERR_FILENO, "oci-sandbox-hook: --restart: no systemctl on the host: %s\n",
               strerror (errno));
      _exit (127);
    }
  for (size_t i = 0; i < sizeof NAMESPACES / sizeof NAMESPACES[0]; i++)
    if (ns[i] >= 0)
      close (ns[i]);
  if (pid < 0)
    return hook_fail (err, errno, "--restart: fork");
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return hook_fail (err, errno, "--restart: wait for systemctl");
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return 0;
  if (WIFEXITED (status))
    return hook_fail (err, 0, "--restart: systemctl restart exited with status %d",
                      WEXITSTATUS (status));
  return hook_fail (err, 0, "--restart: systemctl restart killed by signal %d", WTERMSIG (status));
}

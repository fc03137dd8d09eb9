/* bench/floor.c: the physical floor of one oci-sandbox-hook round.

   One createRuntime plus one poststop of a pod sandbox, reduced to the
   kernel work that makes their effect and nothing else: libc only, values
   hard-coded (or handed over on the command line by bench/bench.py, which
   reads them from a debug run of the hook on the same sandbox), no parsing
   beyond finding "pid" and "bundle" in the state, no checks, no logging.
   bench/bench.py builds it as the hook is built for measurement
   (`cc -O2 -static-pie`), runs it in the same harness, on the same live
   `runc create`d sandbox, rounds alternated with the hook's; the ratio
   hook / floor is what the hook's checks, parsing, policy and logging cost.

     floor createRuntime OOM_SCORE CGROUP_FILE CGROUP_VALUE < state
     floor createRuntime-nofork OOM_SCORE CGROUP_FILE CGROUP_VALUE < state
     floor poststop < state

   createRuntime makes BUNDLE/oci-sandbox-hook/ with a journal, hostname,
   hosts and resolv.conf and a 64 MiB tmpfs at shm, clones them as bind
   mounts (the files read-only), and in ONE forked child joins the
   container's mount namespace to move the four mounts onto /etc/hostname,
   /etc/hosts, /etc/resolv.conf and /dev/shm below /proc/PID/root, then its
   network namespace to write ip_unprivileged_port_start=0 and
   ping_group_range="0 2147483647" through the host's /proc (a
   /proc/sys/net lookup follows the netns of the task that makes it).  The
   parent then writes OOM_SCORE to /proc/PID/oom_score_adj and CGROUP_VALUE
   to CGROUP_FILE.  createRuntime-nofork does the same with setns in the
   process itself (the files it needs after the joins opened before them):
   what the fork costs.  poststop detaches the tmpfs and removes the
   directory.  Any failing call ends it with status 1: the bench also
   checks, outside the timing, that the container sees the effects.

   Kept in step with the hook: every kernel operation of one round of the
   hook (src/main.c, src/act.c and the modules it calls, as `strace -f`
   shows them on a runc-created sandbox; redo it when they change), and
   whether the floor does it:

   both stages
     execve, static-pie start-up, exit_group                  yes (same linking)
     libselinux constructor: statfs x2, read /proc/filesystems,
       access /etc/selinux/config                             no
     libcap-ng constructor: read cap_last_cap, prctl x4       no
     close_range (3, ~0), umask, alarm                        no
     read the state from stdin                                yes
     open and read the policy file                            no
     open the bundle directory (openat2)                      yes (open)
     syslog: socket, connect, send of the stage's info line   no
   createRuntime
     open and read config.json                                no
     host facts: read /proc/self/oom_score_adj and uid_map,
       uname, read /etc/resolv.conf (resolved stub check)     no
     capabilities: capget and /proc/self/status x2, twice
       (host facts, privilege drop), capset                   no
     pidfd_open                                               yes
     open /proc + fstatfs, open /proc/PID, pidfd_send_signal  open /proc/PID only
     stat ns/{net,ipc,uts} of the container and its own      no
     look for an earlier run: open the hook directory x2      no
     mkdirat the hook directory, open it                      yes
     fstat the directory, chmod it through /proc/self/fd      no
     create the journal; write its 10 lines                   yes
     hostname, hosts, resolv.conf, each:
       read the source (/etc/hosts, /etc/resolv.conf)         no (contents hard-coded)
       unlink a stale temp, create the temp, fchmod, write,
         renameat into place                                  create the final name, write
       open_tree (OPEN_TREE_CLONE), mount_setattr read-only   yes
     shm: mkdirat, open, fsopen, fsconfig x4, fsmount,
       move_mount onto shm, open_tree (OPEN_TREE_CLONE)       yes
     shm: fstatfs + fstat of the clone (size, mode)           no
     open the rootfs + fstat, open /proc/PID/root + fstat
       (has the container pivoted?)                           /proc/PID/root only
     open /proc + fstatfs, twice (mounts, sysctls);
       stat its own ns/net                                    one open of /proc
     pipe2, fork, read the child's pipe, wait4                fork, waitpid
     child: close_range x4, sigaction (SIGALRM)               no
     child: setns (CLONE_NEWNS)                               yes
     child: open the container's root (".")                   no
     child, per mount (4): fstat the clone, openat2 the
       target + statx (an earlier run's mount to detach?),
       open the parent, open the leaf + fstat (type, links)   one openat2 of the target
                                                              (RESOLVE_IN_ROOT)
       move_mount onto the target                             yes
     child: setns (CLONE_NEWNET)                              yes
     child: stat thread-self/ns/net (not the host's)          no
     child, per sysctl (2): open, write                       yes
       open, pread (read-back)                                no
     oom_score_adj: open, write                               yes
       open, pread (read-back), pidfd_send_signal             no
     cgroup: read /proc/PID/cgroup and /proc/self/mountinfo,
       open the hierarchy + fstatfs, open the cgroup dir      no (the file is given)
       open cpu.shares (cpu.weight on v2), write              yes
       open, pread (read-back), pidfd_send_signal x2          no
   poststop
     open the hook directory                                  yes
     fstat (owner), statx mount ids of the directory and shm,
       reopen shm after the detach                            no
     umount2 (MNT_DETACH) of the shm tmpfs                    yes (by path; the hook
                                                              through /proc/self/fd)
     unlink hostname, hosts, resolv.conf                      yes
     unlink their temps (ENOENT)                              no
     rmdir shm, unlink the journal, rmdir the hook directory  yes  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define DIR_NAME "oci-sandbox-hook"
#define N_FILES  3

static const char *const file_names[N_FILES] = { "hostname", "hosts", "resolv.conf" };
static const char *const file_contents[N_FILES] = {
  "runc\n",
  "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n",
  "nameserver 10.0.2.3\n",
};
/* The container-side targets, the three files then shm.  */
static const char *const targets[N_FILES + 1]
    = { "etc/hostname", "etc/hosts", "etc/resolv.conf", "dev/shm" };

static void
fail (const char *what)
{
  perror (what);
  _exit (1);
}

static int
must (int ret, const char *what)
{
  if (ret < 0)
    fail (what);
  return ret;
}

static int
open_beneath (int dir, const char *path, int flags, unsigned long long resolve)
{
  struct open_how how = { .flags = (unsigned long long)(flags | O_CLOEXEC), .resolve = resolve };
  return (int)syscall (SYS_openat2, dir, path, &how, sizeof how);
}

static void
write_text (int fd, const char *text, const char *what)
{
  if (write (fd, text, strlen (text)) < 0)
    fail (what);
}

static void
write_file (int dir, const char *path, const char *text, int flags)
{
  int fd = must (openat (dir, path, O_WRONLY | O_CLOEXEC | flags, 0644), path);
  write_text (fd, text, path);
  close (fd);
}

/* The value of KEY in the state (a runtime's JSON, no escapes expected):
   what follows `"KEY"`, the colon and blanks.  */
static const char *
state_value (const char *state, const char *key)
{
  char quoted[16];
  snprintf (quoted, sizeof quoted, "\"%s\"", key);
  const char *p = strstr (state, quoted);
  if (p == NULL)
    fail (key);
  p += strlen (quoted);
  return p + strspn (p, ": \t\r\n");
}

/* The work in the container's namespaces: four mounts, two sysctls.  */
static void
in_container (int pidfd, int root, int host_proc, const int *trees)
{
  must (setns (pidfd, CLONE_NEWNS), "setns mnt");
  for (int i = 0; i < N_FILES + 1; i++)
    {
      int target
          = must (open_beneath (root, targets[i], O_PATH | O_NOFOLLOW,
                                RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS),
                  targets[i]);
      must (
          move_mount (trees[i], "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH),
          targets[i]);
      close (target);
    }
  must (setns (pidfd, CLONE_NEWNET), "setns net");
  write_file (host_proc, "sys/net/ipv4/ip_unprivileged_port_start", "0", 0);
  write_file (host_proc, "sys/net/ipv4/ping_group_range", "0 2147483647", 0);
}

static int
create_runtime (int bundle, long pid, int nofork, char **argv)
{
  const char *oom_score = argv[2], *cgroup_file = argv[3], *cgroup_value = argv[4];
  char path[64], entry[64];
  int trees[N_FILES + 1];

  int pidfd = must (pidfd_open ((pid_t)pid, 0), "pidfd_open");
  snprintf (path, sizeof path, "/proc/%ld", pid);
  int proc_pid = must (open (path, O_PATH | O_DIRECTORY | O_CLOEXEC), path);

  must (mkdirat (bundle, DIR_NAME, 0711), "mkdir " DIR_NAME);
  int dir = must (openat (bundle, DIR_NAME, O_PATH | O_DIRECTORY | O_CLOEXEC), DIR_NAME);
  int journal = must (
      openat (dir, "journal", O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600), "journal");
  write_text (journal, "dir\n", "journal");

  struct mount_attr read_only = {
    .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
  };
  for (int i = 0; i < N_FILES; i++)
    {
      snprintf (entry, sizeof entry, "file %s\n", file_names[i]);
      write_text (journal, entry, "journal");
      write_file (dir, file_names[i], file_contents[i], O_CREAT | O_EXCL | O_NOFOLLOW);
      trees[i] = must (
          open_tree (dir, file_names[i], OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW),
          "open_tree");
      must (mount_setattr (trees[i], "", AT_EMPTY_PATH, &read_only, sizeof read_only),
            "mount_setattr");
    }

  write_text (journal, "mount shm\n", "journal");
  must (mkdirat (dir, "shm", 0700), "mkdir shm");
  int shm = must (openat (dir, "shm", O_PATH | O_DIRECTORY | O_CLOEXEC), "shm");
  int fs = must (fsopen ("tmpfs", FSOPEN_CLOEXEC), "fsopen");
  must (fsconfig (fs, FSCONFIG_SET_STRING, "source", "shm", 0), "fsconfig");
  must (fsconfig (fs, FSCONFIG_SET_STRING, "mode", "1777", 0), "fsconfig");
  must (fsconfig (fs, FSCONFIG_SET_STRING, "size", "67108864", 0), "fsconfig");
  must (fsconfig (fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0), "fsconfig create");
  int tmpfs = must (
      fsmount (fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC),
      "fsmount");
  close (fs);
  must (move_mount (tmpfs, "", shm, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH),
        "move_mount shm");
  close (tmpfs);
  close (shm);
  trees[N_FILES]
      = must (open_tree (dir, "shm", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW),
              "shm clone");

  write_text (journal, "container mounts\n", "journal");
  int root = must (openat (proc_pid, "root", O_PATH | O_DIRECTORY | O_CLOEXEC), "root");
  int host_proc = must (open ("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC), "/proc");
  write_text (journal, "sysctl net.ipv4.ip_unprivileged_port_start=0\n", "journal");
  write_text (journal, "sysctl net.ipv4.ping_group_range=0 2147483647\n", "journal");
  if (nofork)
    {
      /* Host paths are out of reach once the mount namespace is joined.  */
      int oom = must (openat (proc_pid, "oom_score_adj", O_WRONLY | O_CLOEXEC), "oom_score_adj");
      int cgroup = must (open (cgroup_file, O_WRONLY | O_CLOEXEC), cgroup_file);
      in_container (pidfd, root, host_proc, trees);
      snprintf (entry, sizeof entry, "oom_score_adj %s\n", oom_score);
      write_text (journal, entry, "journal");
      write_text (oom, oom_score, "oom_score_adj");
      write_text (journal, "cgroup cpu\n", "journal");
      write_text (cgroup, cgroup_value, cgroup_file);
      return 0;
    }
  pid_t child = must (fork (), "fork");
  if (child == 0)
    {
      in_container (pidfd, root, host_proc, trees);
      _exit (0);
    }
  int status;
  if (waitpid (child, &status, 0) < 0 || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    fail ("namespace child");
  snprintf (entry, sizeof entry, "oom_score_adj %s\n", oom_score);
  write_text (journal, entry, "journal");
  write_file (proc_pid, "oom_score_adj", oom_score, 0);
  write_text (journal, "cgroup cpu\n", "journal");
  write_file (AT_FDCWD, cgroup_file, cgroup_value, 0);
  return 0;
}

static int
poststop (int bundle, const char *bundle_path)
{
  char path[4200];

  int dir = must (openat (bundle, DIR_NAME, O_PATH | O_DIRECTORY | O_CLOEXEC), DIR_NAME);
  snprintf (path, sizeof path, "%s/" DIR_NAME "/shm", bundle_path);
  must (umount2 (path, MNT_DETACH), "umount shm");
  for (int i = 0; i < N_FILES; i++)
    must (unlinkat (dir, file_names[i], 0), file_names[i]);
  must (unlinkat (dir, "shm", AT_REMOVEDIR), "rmdir shm");
  must (unlinkat (dir, "journal", 0), "unlink journal");
  must (unlinkat (bundle, DIR_NAME, AT_REMOVEDIR), "rmdir " DIR_NAME);
  return 0;
}

int
main (int argc, char **argv)
{
  static char state[16384];
  char bundle_path[4096];
  size_t used = 0;
  ssize_t n;

  if (argc < 2)
    fail ("usage: floor createRuntime|createRuntime-nofork|poststop [OOM CGROUP_FILE VALUE]");
  while ((n = read (STDIN_FILENO, state + used, sizeof state - 1 - used)) > 0)
    used += (size_t)n;
  state[used] = '\0';

  const char *b = state_value (state, "bundle");
  size_t len = b[0] == '"' ? strcspn (b + 1, "\"") : sizeof bundle_path;
  if (len >= sizeof bundle_path)
    fail ("bundle");
  memcpy (bundle_path, b + 1, len);
  bundle_path[len] = '\0';
  int bundle = must (open (bundle_path, O_PATH | O_DIRECTORY | O_CLOEXEC), bundle_path);

  if (strcmp (argv[1], "poststop") == 0)
    return poststop (bundle, bundle_path);
  if (argc != 5)
    fail ("createRuntime needs OOM_SCORE CGROUP_FILE CGROUP_VALUE");
  return create_runtime (bundle, strtol (state_value (state, "pid"), NULL, 10),
                         strcmp (argv[1], "createRuntime-nofork") == 0, argv);
}

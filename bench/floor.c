/* bench/floor.c: the physical floor of one oci-sandbox-hook round.

   One createRuntime plus one poststop of a pod sandbox, reduced to the
   kernel work that makes their effect and nothing else: libc only, values
   handed over on the command line by bench/bench.py (which reads them from
   a debug run of the hook on the same sandbox), no parsing beyond finding
   "pid", "id" and "bundle" in the state, no checks, no logging.
   bench/bench.py builds it as the hook is built for measurement
   (`cc -O2 -static-pie`), runs it in the same harness, on the same live
   `runc create`d sandbox, rounds alternated with the hook's; the ratio
   hook / floor is what the hook's checks, parsing, policy and logging cost.

     floor createRuntime POLICY STATE_DIR OOM_SCORE CGROUP_FILE CGROUP_VALUE < state
     floor createRuntime-fork POLICY STATE_DIR OOM_SCORE CGROUP_FILE CGROUP_VALUE < state
     floor poststop POLICY STATE_DIR < state
     floor --log SOCKET LINE STAGE ARGS... < state
     floor --load SONAME createRuntime ARGS... < state
     floor exit

   With --log, a stage that has done its work then sends LINE to the
   syslog socket SOCKET as the hook sends its one info line of a stage
   (socket, connect, send, close), with the hook's priority, name, pid and
   container id before it: not part of the floor (which logs nothing), the
   bench's reference for what a listening syslog daemon costs any program
   that sends it one datagram.

   --load SONAME and exit serve part builds, which compares the default
   (dynamic) build of the hook with its static-pie build, and measures
   against it what the dynamic loader costs a program that does the same
   kernel work: the floor built twice, static-pie and linked as the
   default build is (-DFLOOR_DYNAMIC; bench/bench.py gives it the hook's
   DT_NEEDED libraries and binding).  With --load, createRuntime has the
   library SONAME at hand as the hook's build of the same linking does:
   the dynamic floor dlopen()s it (RTLD_NOW | RTLD_LOCAL, as
   src/linux/security_libs.c does); the static-pie floor makes the calls
   of its constructor instead, all that the static hook does when it
   starts a library linked into it (only libcap-ng's is known here).  The
   two floors then differ by the loading alone.  exit returns at once:
   start-up and exit, what the loader costs a process with no work.

   createRuntime reads what the hook must read (the policy file, the
   bundle's config.json under an exclusive flock, the host's /etc/hosts
   and /etc/resolv.conf), makes BUNDLE/oci-sandbox-hook/ with a 4 MiB tmpfs
   of its own holding a record, hostname, hosts and resolv.conf and a 64 MiB
   tmpfs at shm, clones them as bind mounts (the files read-only, from the
   fds that wrote them), joins the container's mount namespace to move the
   four mounts onto /etc/hostname, /etc/hosts, /etc/resolv.conf and /dev/shm
   below /proc/PID/root, then its network namespace to write
   ip_unprivileged_port_start=0 and ping_group_range="0 2147483647" through
   the host's /proc, and comes back to its own namespaces.  It writes
   OOM_SCORE to /proc/PID/oom_score_adj and CGROUP_VALUE to CGROUP_FILE,
   reads /proc/PID/stat (the start time a registry entry records), writes
   the pod note and links the pod's registry entry into STATE_DIR.
   createRuntime-fork joins in a forked child instead, as the hook does
   under a user namespace (which cannot be left).  poststop reads the
   policy and the pod note, reads and removes the registry entry, detaches
   the hook's tmpfs (the shm with it) and removes the directory.  Any
   failing call ends it with status 1: the bench also checks, outside the
   timing, that the container sees the effects.

   Kept in step with the hook: every kernel operation of one round of the
   hook (src/stages/ and the modules it calls, as `strace -f` shows them on
   a runc-created sandbox; redo it when they change), and whether the floor
   does it:

   both stages
     execve, static-pie start-up, exit_group                  yes (same linking)
     libselinux constructor: statfs x2, read /proc/filesystems,
       access /etc/selinux/config: only a createRuntime of a
       sandbox with linux.mountLabel (deferred, lld builds)    no
     libcap-ng constructor: read cap_last_cap, prctl x4: only
       a createRuntime (deferred, lld builds)                 no (--load: yes)
     close_range (3, ~0), getpid, umask, alarm                no
     read the state from stdin                                yes
     the policy: a trusted walk from / (open + fstat of each
       directory, O_PATH open + fstat of the file, reopen +
       fstat), read                                           open + read
     open the bundle directory (openat2), flock                yes (open, flock)
     syslog: socket, connect, send of the stage's info line   no
   createRuntime
     config.json: open, fstat, read                           open + read
     pidfd_open; open /proc + fstatfs, open /proc/PID,
       pidfd_send_signal                                      pidfd_open, open /proc/PID
     host facts: read /proc/self/oom_score_adj and uid_map,
       uname                                                  no
     /etc/hosts, /etc/resolv.conf: trusted walks, read         open + read
     capabilities: capget; at the drop capget, capset          no
     open /proc/thread-self/ns; the hook's own namespaces:
       stat one, readlink four; the container's: readlink
       five; read /proc/PID/cgroup                            no
     cgroup: open /sys/fs/cgroup/cpu + fstatfs, read
       cgroup.procs, readlink two pid namespaces              no (the file is given)
     look for an earlier run: open the hook directory         no
     mkdirat the hook directory, open it + fstat              mkdirat, open
     its tmpfs: fsopen, fsconfig x5, fsmount, move_mount      yes
     create the record; write its lines                       yes
     hostname, hosts, resolv.conf, each: create O_EXCL,
       write, fstat, open_tree (the fd), mount_setattr        yes, but fstat
     shm: mkdirat, open, fsopen, fsconfig x4, fsmount,
       move_mount onto shm, open_tree (OPEN_TREE_CLONE)       yes
     shm: fstatfs + fstat of the clone (size, mode)           no
     open the rootfs + fstat, open /proc/PID/root + fstat
       (has the container pivoted?)                           /proc/PID/root only
     the way back: open own ns/mnt and ns/net, "/" and "."
       + fstat                                                ns/mnt, ns/net, "/"
     setns (CLONE_NEWNS)                                      yes
     open the container's root (".")                          no
     open etc (RESOLVE_IN_ROOT) once, dev once                yes
     per mount (4): openat2 the leaf, statx (an earlier
       run's mount to detach?), move_mount                    open, move_mount
     setns (CLONE_NEWNET)                                     yes
     readlink thread-self/ns/net (not the host's)             no
     per sysctl (2): open O_RDWR, write, pread (read-back)    open, write
     setns back (net, mnt), fchdir + chroot (".") + fchdir,
       readlink ns/mnt                                        no cwd, no check
     oom_score_adj: open O_RDWR, write, pread                 open, write
     cpu.shares: open O_RDWR below the hierarchy, write,
       pread                                                  open, write
     pidfd_send_signal x3                                     no
     read /proc/PID/stat                                      yes
     the pod note: create, write                              yes
     the registry: a trusted walk of the state directory,
       open it + flock (its writers take turns), O_TMPFILE,
       write, linkat                                          open + flock, O_TMPFILE, write,
                                                              linkat
   poststop
     open the hook directory + fstat, geteuid                 open
     the pod note: open, fstat, read                          open + read
     the registry: a trusted walk of the state directory,
       open it + flock, open the entry, fstat, read, unlink;
       unlink the note                                        open + flock, open + read, unlink
     statx mount ids of the bundle and the hook directory,
       open /proc + fstatfs, fchdir, umount2 (MNT_DETACH) by
       /proc/self/fd, reopen + statx (stacked?)               umount2 by /proc/self/fd
     rmdir the hook directory                                 yes  */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef FLOOR_DYNAMIC
#include <dlfcn.h>
#endif

#define DIR_NAME "oci-sandbox-hook"
#define N_FILES  3
#define READ_MAX (1 << 20)

static const char *const file_names[N_FILES] = { "hostname", "hosts", "resolv.conf" };
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

/* The content of DIR/PATH (what the hook must read: its policy, the
   spec, the host's files it copies), into a buffer of its own, of the
   file's size: a larger one would cost the floor page faults (or, past
   malloc's mmap threshold, an mmap and munmap) the hook does not pay.  */
static char *
read_file (int dir, const char *path)
{
  struct stat st;
  size_t used = 0;
  ssize_t n;
  int fd = must (openat (dir, path, O_RDONLY | O_CLOEXEC), path);
  if (fstat (fd, &st) < 0 || st.st_size < 0 || st.st_size >= READ_MAX)
    fail (path);
  size_t size = (size_t)st.st_size + 1;
  char *buf = malloc (size);
  if (buf == NULL)
    fail ("malloc");
  while (used < size - 1 && (n = read (fd, buf + used, size - 1 - used)) != 0)
    {
      if (n < 0)
        fail (path);
      used += (size_t)n;
    }
  buf[used] = '\0';
  close (fd);
  return buf;
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

static void
string_value (const char *state, const char *key, char *out, size_t size)
{
  const char *v = state_value (state, key);
  size_t len = v[0] == '"' ? strcspn (v + 1, "\"") : size;
  if (len >= size)
    fail (key);
  memcpy (out, v + 1, len);
  out[len] = '\0';
}

/* A detached tmpfs, as the hook makes its directory and the pod's shm.  */
static int
tmpfs (const char *source, const char *mode, const char *size, const char *inodes)
{
  int fs = must (fsopen ("tmpfs", FSOPEN_CLOEXEC), "fsopen");
  must (fsconfig (fs, FSCONFIG_SET_STRING, "source", source, 0), "fsconfig");
  must (fsconfig (fs, FSCONFIG_SET_STRING, "mode", mode, 0), "fsconfig");
  must (fsconfig (fs, FSCONFIG_SET_STRING, "size", size, 0), "fsconfig");
  if (inodes)
    must (fsconfig (fs, FSCONFIG_SET_STRING, "nr_inodes", inodes, 0), "fsconfig");
  must (fsconfig (fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0), "fsconfig create");
  int mnt = must (
      fsmount (fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC),
      "fsmount");
  close (fs);
  return mnt;
}

/* The work in the container's namespaces: four mounts, two sysctls.  */
static void
in_container (int pidfd, int root, int host_proc, const int *trees)
{
  must (setns (pidfd, CLONE_NEWNS), "setns mnt");
  int etc = must (open_beneath (root, "etc", O_PATH | O_DIRECTORY,
                                RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS),
                  "etc");
  for (int i = 0; i < N_FILES + 1; i++)
    {
      int target = must (i < N_FILES ? open_beneath (etc, file_names[i], O_PATH | O_NOFOLLOW,
                                                     RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS)
                                     : open_beneath (root, targets[i], O_PATH | O_NOFOLLOW,
                                                     RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS
                                                         | RESOLVE_NO_MAGICLINKS),
                         targets[i]);
      must (
          move_mount (trees[i], "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH),
          targets[i]);
      close (target);
    }
  close (etc);
  must (setns (pidfd, CLONE_NEWNET), "setns net");
  write_file (host_proc, "sys/net/ipv4/ip_unprivileged_port_start", "0", 0);
  write_file (host_proc, "sys/net/ipv4/ping_group_range", "0 2147483647", 0);
}

/* --load SONAME (above): the library at hand, by the linking's own means.  */
static void
load_library (const char *soname)
{
#ifdef FLOOR_DYNAMIC
  if (!dlopen (soname, RTLD_NOW | RTLD_LOCAL))
    {
      fprintf (stderr, "dlopen %s: %s\n", soname, dlerror ());
      _exit (1);
    }
#else
  /* libcap-ng 0.8's constructor, as strace shows it.  */
  char text[8];

  if (strncmp (soname, "libcap-ng.so.", strlen ("libcap-ng.so.")) != 0)
    {
      fprintf (stderr, "--load %s: a static floor starts libcap-ng only\n", soname);
      _exit (1);
    }
  int fd = must (open ("/proc/sys/kernel/cap_last_cap", O_RDONLY), "cap_last_cap");
  must ((int)read (fd, text, sizeof text - 1), "cap_last_cap");
  close (fd);
  prctl (PR_CAPBSET_READ, CAP_CHOWN);
  prctl (PR_GET_SECUREBITS);
  prctl (PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
  prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_CHOWN, 0, 0);
#endif
}

static int
create_runtime (int bundle, const char *policy, const char *state_dir, const char *id, long pid,
                int fork_child, const char *load, char **argv)
{
  const char *oom_score = argv[4], *cgroup_file = argv[5], *cgroup_value = argv[6];
  char path[64], entry[512], stat_line[1024];
  int trees[N_FILES + 1];

  free (read_file (AT_FDCWD, policy));
  must (flock (bundle, LOCK_EX), "flock");
  free (read_file (bundle, "config.json"));
  char *contents[N_FILES] = { strdup ("runc\n"), read_file (AT_FDCWD, "/etc/hosts"),
                              read_file (AT_FDCWD, "/etc/resolv.conf") };

  int pidfd = must (pidfd_open ((pid_t)pid, 0), "pidfd_open");
  snprintf (path, sizeof path, "/proc/%ld", pid);
  int proc_pid = must (open (path, O_PATH | O_DIRECTORY | O_CLOEXEC), path);
  /* Where the hook reads its capabilities, which loads libcap-ng.  */
  if (load)
    load_library (load);

  must (mkdirat (bundle, DIR_NAME, 0700), "mkdir " DIR_NAME);
  int under = must (openat (bundle, DIR_NAME, O_PATH | O_DIRECTORY | O_CLOEXEC), DIR_NAME);
  int dir = tmpfs (DIR_NAME, "0700", "4194304", "16");
  must (move_mount (dir, "", under, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH),
        "move_mount " DIR_NAME);
  close (under);
  int record = must (
      openat (dir, "record", O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600), "record");
  write_text (record, "dir\n", "record");

  struct mount_attr read_only = {
    .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
  };
  for (int i = 0; i < N_FILES; i++)
    {
      snprintf (entry, sizeof entry, "%s /%s\n", file_names[i], targets[i]);
      write_text (record, entry, "record");
      int fd = must (
          openat (dir, file_names[i], O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644),
          file_names[i]);
      write_text (fd, contents[i], file_names[i]);
      trees[i]
          = must (open_tree (fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH), "clone");
      must (mount_setattr (trees[i], "", AT_EMPTY_PATH, &read_only, sizeof read_only),
            "mount_setattr");
      close (fd);
    }

  write_text (record, "shm tmpfs\n", "record");
  must (mkdirat (dir, "shm", 0700), "mkdir shm");
  int shm = must (openat (dir, "shm", O_PATH | O_DIRECTORY | O_CLOEXEC), "shm");
  int shm_tmpfs = tmpfs ("shm", "1777", "67108864", NULL);
  must (move_mount (shm_tmpfs, "", shm, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH),
        "move_mount shm");
  close (shm_tmpfs);
  close (shm);
  trees[N_FILES]
      = must (open_tree (dir, "shm", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW),
              "shm clone");

  write_text (record, "container_mounts\n", "record");
  int root = must (openat (proc_pid, "root", O_PATH | O_DIRECTORY | O_CLOEXEC), "root");
  int host_proc = must (open ("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC), "/proc");
  write_text (record, "sysctls net.ipv4.ip_unprivileged_port_start=0\n", "record");
  write_text (record, "sysctls net.ipv4.ping_group_range=0 2147483647\n", "record");
  if (fork_child)
    {
      pid_t child = must (fork (), "fork");
      if (child == 0)
        {
          in_container (pidfd, root, host_proc, trees);
          _exit (0);
        }
      int status;
      if (waitpid (child, &status, 0) < 0 || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
        fail ("namespace child");
    }
  else
    {
      /* The way back: the hook's own namespaces and root.  */
      int own_mnt = must (openat (host_proc, "thread-self/ns/mnt", O_RDONLY | O_CLOEXEC), "mnt");
      int own_net = must (openat (host_proc, "thread-self/ns/net", O_RDONLY | O_CLOEXEC), "net");
      int own_root = must (open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC), "/");
      in_container (pidfd, root, host_proc, trees);
      must (setns (own_net, CLONE_NEWNET), "setns back net");
      must (setns (own_mnt, CLONE_NEWNS), "setns back mnt");
      must (fchdir (own_root), "fchdir");
      must (chroot ("."), "chroot");
    }
  snprintf (entry, sizeof entry, "oom_score_adj %s\n", oom_score);
  write_text (record, entry, "record");
  write_file (proc_pid, "oom_score_adj", oom_score, 0);
  snprintf (entry, sizeof entry, "cpu_shares %s\n", cgroup_file);
  write_text (record, entry, "record");
  write_file (AT_FDCWD, cgroup_file, cgroup_value, 0);

  /* The pod's registration: the note in the hook's directory, then the
     entry, linked whole into the state directory.  */
  snprintf (entry, sizeof entry, "pod_registry %s\n", id);
  write_text (record, entry, "record");
  int stat_fd = must (openat (proc_pid, "stat", O_RDONLY | O_CLOEXEC), "stat");
  must ((int)read (stat_fd, stat_line, sizeof stat_line - 1), "read stat");
  close (stat_fd);
  snprintf (entry, sizeof entry, "{\"state_dir\":\"%s\",\"names\":[\"%s\"],\"pid\":%ld}", state_dir,
            id, pid);
  write_file (dir, "pod", entry, O_CREAT | O_EXCL | O_NOFOLLOW);
  int state = must (open (state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), state_dir);
  must (flock (state, LOCK_EX), "flock the registry");
  int fd = must (openat (state, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600), "entry");
  snprintf (entry, sizeof entry,
            "{\"version\":1,\"id\":\"%s\",\"pid\":%ld,\"start_time\":0,\"bundle\":\"-\"}", id, pid);
  write_text (fd, entry, "entry");
  must (linkat (fd, "", state, id, AT_EMPTY_PATH), "link the entry");
  return 0;
}

static int
poststop (int bundle, const char *policy, const char *state_dir, const char *id)
{
  char path[64];

  free (read_file (AT_FDCWD, policy));
  must (flock (bundle, LOCK_EX), "flock");
  int dir = must (openat (bundle, DIR_NAME, O_PATH | O_DIRECTORY | O_CLOEXEC), DIR_NAME);
  free (read_file (dir, "pod"));
  int state = must (open (state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), state_dir);
  must (flock (state, LOCK_EX), "flock the registry");
  free (read_file (state, id));
  must (unlinkat (state, id, 0), "unlink the entry");
  snprintf (path, sizeof path, "/proc/self/fd/%d", dir);
  must (umount2 (path, MNT_DETACH), "umount " DIR_NAME);
  close (dir);
  must (unlinkat (bundle, DIR_NAME, AT_REMOVEDIR), "rmdir " DIR_NAME);
  return 0;
}

static void
send_line (const char *socket_path, const char *id, const char *text)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  char line[2048];

  int fd = must (socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), "socket");
  snprintf (addr.sun_path, sizeof addr.sun_path, "%s", socket_path);
  must (connect (fd, (struct sockaddr *)&addr, sizeof addr), socket_path);
  int n
      = snprintf (line, sizeof line, "<30>oci-sandbox-hook[%d]: %s: %s", (int)getpid (), id, text);
  must (send (fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1,
              MSG_DONTWAIT | MSG_NOSIGNAL),
        "send");
  close (fd);
}

int
main (int argc, char **argv)
{
  const char *log_socket = NULL, *log_line = NULL, *load = NULL;
  int ret;

  static char state[16384];
  char bundle_path[4096], id[256];
  size_t used = 0;
  ssize_t n;

  if (argc == 2 && strcmp (argv[1], "exit") == 0)
    return 0;
  if (argc > 3 && strcmp (argv[1], "--log") == 0)
    {
      log_socket = argv[2];
      log_line = argv[3];
      argc -= 3;
      argv += 3;
    }
  if (argc > 2 && strcmp (argv[1], "--load") == 0)
    {
      load = argv[2];
      argc -= 2;
      argv += 2;
    }
  if (argc < 4)
    fail ("usage: floor [--log SOCKET LINE] [--load SONAME] "
          "createRuntime|createRuntime-fork|poststop POLICY STATE_DIR [OOM CGROUP_FILE VALUE]");
  if (load && strcmp (argv[1], "poststop") == 0)
    fail ("--load: createRuntime only");
  while ((n = read (STDIN_FILENO, state + used, sizeof state - 1 - used)) > 0)
    used += (size_t)n;
  state[used] = '\0';
  string_value (state, "bundle", bundle_path, sizeof bundle_path);
  string_value (state, "id", id, sizeof id);
  int bundle = must (open (bundle_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), bundle_path);

  if (strcmp (argv[1], "poststop") == 0)
    ret = poststop (bundle, argv[2], argv[3], id);
  else if (argc != 7)
    fail ("createRuntime needs POLICY STATE_DIR OOM_SCORE CGROUP_FILE CGROUP_VALUE");
  else
    ret = create_runtime (bundle, argv[2], argv[3], id,
                          strtol (state_value (state, "pid"), NULL, 10),
                          strcmp (argv[1], "createRuntime-fork") == 0, load, argv);
  if (ret == 0 && log_socket)
    send_line (log_socket, id, log_line);
  return ret;
}

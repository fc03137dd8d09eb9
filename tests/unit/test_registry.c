/* src/linux/registry.h: the pod registry on a private state directory.
   A sandbox files its entry under the names its annotations give, so a
   pod's annotation can name another pod: a name a live sandbox of another
   bundle holds is never taken over, a stale one is (docs/security.md,
   threat 23).  The state_dir policy key and the names get their bad
   values.  The "sandboxes" are children of the test; the state directory
   must be reached through root's directories, so the cases need root.  */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "process.h"
#include "registry.h"
#include "safepath.h"
#include "tap.h"

static char top[64], state_dir[128];

/* A live child standing in for a sandbox's init, and its entry.  */
typedef struct sandbox
{
  pid_t pid;
  pod_entry entry;
} sandbox;

static void
sandbox_start (sandbox *s, const char *id, const char *bundle)
{
  cleanup_hook_error hook_error *err = NULL;
  char proc[32];

  memset (s, 0, sizeof *s);
  s->pid = fork ();
  if (s->pid < 0)
    abort ();
  if (s->pid == 0)
    {
      pause ();
      _exit (0);
    }
  snprintf (proc, sizeof proc, "/proc/%d", (int)s->pid);
  cleanup_close int fd = open (proc, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || process_start_time (fd, &s->entry.start_time, &err) < 0)
    abort ();
  /* The namespaces it holds, as createRuntime records them.  */
  file_identity *ns[] = { &s->entry.ns_ipc, &s->entry.ns_uts, &s->entry.ns_net };
  static const char *const types[] = { "ipc", "uts", "net" };
  for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
    {
      char path[16];
      struct stat st;
      snprintf (path, sizeof path, "ns/%s", types[i]);
      if (fstatat (fd, path, &st, 0) < 0
          || namespace_inode_at (fd, path, types[i], &ns[i]->ino, &err) < 0)
        abort ();
      ns[i]->dev = (uint64_t)st.st_dev;
    }
  s->entry.id = id; /* literals: they outlive the test */
  s->entry.bundle = bundle;
  s->entry.pid = s->pid;
  s->entry.shm = POD_SHM_NONE;
}

static void
sandbox_stop (sandbox *s)
{
  if (s->pid > 0)
    {
      kill (s->pid, SIGKILL);
      waitpid (s->pid, NULL, 0);
    }
  s->pid = -1;
}

TEST (a_name_a_live_sandbox_of_another_bundle_holds_is_never_taken)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_pod_registry pod_registry reg = POD_REGISTRY_INIT;
  sandbox a, b;
  cleanup_pod_entry pod_entry found = { 0 };
  pod_lookup result;

  sandbox_start (&a, "sandbox-a", "/run/bundles/a");
  sandbox_start (&b, "sandbox-b", "/run/bundles/b");
  CHECK_INT (pod_registry_open (state_dir, true, &reg, &err), 0);
  CHECK_INT (pod_registry_add (&reg, "pod-1", &a.entry, &err), 0);

  /* B's annotations name A's pod.  */
  CHECK_INT (pod_registry_add (&reg, "pod-1", &b.entry, &err), -1);
  CHECK_ERROR_MENTIONS (err, "register pod-1: a running sandbox");
  CHECK_ERROR_MENTIONS (err, "/run/bundles/a) holds that name: refusing");
  hook_error_free (err);
  err = NULL;
  CHECK_INT (pod_registry_lookup (&reg, "pod-1", false, &found, &result, &err), 0);
  CHECK_INT (result, POD_FOUND);
  CHECK_STR (found.bundle, "/run/bundles/a");

  /* A's own rerun replaces its entry.  */
  CHECK_INT (pod_registry_add (&reg, "pod-1", &a.entry, &err), 0);

  /* A gone: the name is stale, and B may take it.  */
  sandbox_stop (&a);
  CHECK_INT (pod_registry_lookup (&reg, "pod-1", false, &found, &result, &err), 0);
  CHECK_INT (result, POD_STALE);
  CHECK_INT (pod_registry_add (&reg, "pod-1", &b.entry, &err), 0);
  CHECK_INT (pod_registry_lookup (&reg, "pod-1", false, &found, &result, &err), 0);
  CHECK_INT (result, POD_FOUND);
  CHECK_STR (found.bundle, "/run/bundles/b");

  /* Only the holder's own removal removes it.  */
  CHECK_INT (pod_registry_remove (&reg, "pod-1", "/run/bundles/a", a.entry.pid, &err), 0);
  CHECK_INT (pod_registry_lookup (&reg, "pod-1", false, &found, &result, &err), 0);
  CHECK_INT (result, POD_FOUND);
  CHECK_INT (pod_registry_remove (&reg, "pod-1", "/run/bundles/b", b.pid, &err), 0);
  CHECK_INT (pod_registry_lookup (&reg, "pod-1", false, &found, &result, &err), 0);
  CHECK_INT (result, POD_NOT_REGISTERED);
  sandbox_stop (&b);
}

/* A sandbox whose init exited but is not reaped yet (a zombie: its parent
   has not waited for it) keeps its pid and its start time and takes
   signal 0, but holds none of its namespaces any more: their inode numbers
   are free for the next namespaces made, another pod's included, which
   would then pass for the sandbox's.  It is not running.  */
TEST (an_exited_sandbox_not_yet_reaped_is_stale)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_pod_registry pod_registry reg = POD_REGISTRY_INIT;
  sandbox z;
  cleanup_pod_entry pod_entry found = { 0 };
  pod_lookup result;
  siginfo_t info;
  bool alive;

  sandbox_start (&z, "sandbox-z", "/run/bundles/z");
  CHECK_INT (pod_registry_open (state_dir, true, &reg, &err), 0);
  CHECK_INT (pod_registry_add (&reg, "pod-z", &z.entry, &err), 0);
  CHECK_INT (pod_registry_lookup (&reg, "pod-z", false, &found, &result, &err), 0);
  CHECK_INT (result, POD_FOUND);

  /* Killed, and left unreaped (WNOWAIT): a zombie.  */
  kill (z.pid, SIGKILL);
  if (waitid (P_PID, (id_t)z.pid, &info, WEXITED | WNOWAIT) < 0)
    abort ();
  CHECK_INT (pod_entry_alive (reg.procfs_fd, &z.entry, &alive, &err), 0);
  CHECK (!alive);
  CHECK_INT (pod_registry_lookup (&reg, "pod-z", false, &found, &result, &err), 0);
  CHECK_INT (result, POD_STALE);

  sandbox_stop (&z);
  CHECK_INT (pod_registry_lookup (&reg, "pod-z", false, &found, &result, &err), 0);
  CHECK_INT (result, POD_STALE);
  CHECK_INT (pod_registry_remove (&reg, "pod-z", "/run/bundles/z", z.entry.pid, &err), 0);
}

/* The hidden files of the state directory, joined by spaces ("" for none).  */
static void
hidden_files (char *out, size_t size)
{
  out[0] = '\0';
  DIR *d = opendir (state_dir);
  if (d == NULL)
    abort ();
  struct dirent *de;
  while ((de = readdir (d)) != NULL)
    if (de->d_name[0] == '.' && strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
      snprintf (out + strlen (out), size - strlen (out), "%s%s", out[0] ? " " : "", de->d_name);
  closedir (d);
}

/* What a writer killed between its link and its rename leaves: the
   replacement's temporary, written whole.  */
static void
plant_temporary (const char *name)
{
  char path[PATH_MAX];
  snprintf (path, sizeof path, "%s/.%s.tmp", state_dir, name);
  cleanup_close int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || write (fd, "{}", 2) != 2)
    abort ();
}

TEST (a_killed_replacement_leaves_nothing_its_name_outlives)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_pod_registry pod_registry reg = POD_REGISTRY_INIT;
  sandbox a, b;
  cleanup_pod_entry pod_entry found = { 0 };
  pod_lookup result;
  char hidden[512];

  sandbox_start (&a, "sandbox-a", "/run/bundles/a");
  sandbox_start (&b, "sandbox-b", "/run/bundles/b");
  CHECK_INT (pod_registry_open (state_dir, true, &reg, &err), 0);
  CHECK_INT (pod_registry_add (&reg, "pod-2", &a.entry, &err), 0);
  sandbox_stop (&a);

  /* A stale name taken over: the replacement goes through the temporary
     a killed writer left, and leaves none.  */
  plant_temporary ("pod-2");
  CHECK_INT (pod_registry_add (&reg, "pod-2", &b.entry, &err), 0);
  CHECK_INT (pod_registry_lookup (&reg, "pod-2", false, &found, &result, &err), 0);
  CHECK_INT (result, POD_FOUND);
  CHECK_STR (found.bundle, "/run/bundles/b");
  hidden_files (hidden, sizeof hidden);
  CHECK_STR (hidden, "");

  /* Its own rerun replaces its entry the same way.  */
  CHECK_INT (pod_registry_add (&reg, "pod-2", &b.entry, &err), 0);
  hidden_files (hidden, sizeof hidden);
  CHECK_STR (hidden, "");

  /* A temporary killed mid-replacement goes with its name: by the
     holder's removal, and by the sweep of a stale entry.  */
  plant_temporary ("pod-2");
  CHECK_INT (pod_registry_remove (&reg, "pod-2", "/run/bundles/b", b.pid, &err), 0);
  hidden_files (hidden, sizeof hidden);
  CHECK_STR (hidden, "");
  CHECK_INT (pod_registry_add (&reg, "pod-2", &b.entry, &err), 0);
  plant_temporary ("pod-2");
  sandbox_stop (&b);
  CHECK_INT (pod_registry_lookup (&reg, "pod-2", true, &found, &result, &err), 0);
  CHECK_INT (result, POD_STALE);
  hidden_files (hidden, sizeof hidden);
  CHECK_STR (hidden, "");
  CHECK_INT (pod_registry_lookup (&reg, "pod-2", false, &found, &result, &err), 0);
  CHECK_INT (result, POD_NOT_REGISTERED);

  /* The longest name a pod may give: its temporary fits a file name, and
     the replacement goes through it whole.  */
  char longest[POD_NAME_MAX + 1];
  memset (longest, 'n', POD_NAME_MAX);
  longest[POD_NAME_MAX] = '\0';
  sandbox_start (&a, "sandbox-a", "/run/bundles/a");
  sandbox_start (&b, "sandbox-b", "/run/bundles/b");
  CHECK_INT (pod_registry_add (&reg, longest, &a.entry, &err), 0);
  sandbox_stop (&a);
  plant_temporary (longest);
  CHECK_INT (pod_registry_add (&reg, longest, &b.entry, &err), 0);
  CHECK_INT (pod_registry_lookup (&reg, longest, false, &found, &result, &err), 0);
  CHECK_INT (result, POD_FOUND);
  CHECK_STR (found.bundle, "/run/bundles/b");
  hidden_files (hidden, sizeof hidden);
  CHECK_STR (hidden, "");
  CHECK_INT (pod_registry_remove (&reg, longest, "/run/bundles/b", b.pid, &err), 0);
  sandbox_stop (&b);
}

/* A racer: a child that waits on GO (a pipe: its writer closing releases
   every racer at once), runs FN and exits 0 on success.  */
typedef int (*racer_fn) (pod_registry *reg, const sandbox *s);

static pid_t
racer_start (const int go[2], racer_fn fn, pod_registry *reg, const sandbox *s)
{
  pid_t pid = fork ();
  char c;
  if (pid < 0)
    abort ();
  if (pid == 0)
    {
      close (go[1]);
      while (read (go[0], &c, 1) < 0 && errno == EINTR)
        ;
      _exit (fn (reg, s) == 0 ? 0 : 1);
    }
  return pid;
}

static bool
racer_succeeded (pid_t pid)
{
  int status;
  return waitpid (pid, &status, 0) == pid && WIFEXITED (status) && WEXITSTATUS (status) == 0;
}

static int
race_add (pod_registry *reg, const sandbox *s)
{
  cleanup_hook_error hook_error *err = NULL;
  return pod_registry_add (reg, "pod-race", &s->entry, &err);
}

static int
race_sweep (pod_registry *reg, const sandbox *s)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_pod_entry pod_entry found = { 0 };
  pod_lookup result;
  (void)s;
  return pod_registry_lookup (reg, "pod-race", true, &found, &result, &err);
}

/* A stale entry for "pod-race" (DEAD's), and two racers released at once.  */
static void
race (pod_registry *reg, const sandbox *dead, racer_fn fa, const sandbox *a, racer_fn fb,
      const sandbox *b, bool *a_ok, bool *b_ok)
{
  cleanup_hook_error hook_error *err = NULL;
  int go[2];

  if (pod_registry_add (reg, "pod-race", &dead->entry, &err) < 0 || pipe (go) < 0)
    abort ();
  pid_t pa = racer_start (go, fa, reg, a);
  pid_t pb = racer_start (go, fb, reg, b);
  close (go[0]);
  close (go[1]);
  *a_ok = racer_succeeded (pa);
  *b_ok = racer_succeeded (pb);
}

/* Two hooks at once on one name: a member sweeping a stale entry while a
   new sandbox takes the name, or two sandboxes taking a stale name.  The
   registry's read-then-write must not lose the live sandbox's entry, nor
   let both sandboxes believe they hold the name.  Races: each round
   releases both at once, and the rounds stop at the first loss.  */
TEST (concurrent_hooks_on_one_name_never_lose_or_share_it)
{
  cleanup_pod_registry pod_registry reg = POD_REGISTRY_INIT;
  cleanup_hook_error hook_error *err = NULL;
  sandbox dead, l1, l2;
  int lost = 0, shared = 0, rounds = 0;

  sandbox_start (&dead, "sandbox-dead", "/run/bundles/dead");
  sandbox_stop (&dead);
  sandbox_start (&l1, "sandbox-l1", "/run/bundles/l1");
  sandbox_start (&l2, "sandbox-l2", "/run/bundles/l2");
  CHECK_INT (pod_registry_open (state_dir, true, &reg, &err), 0);
  for (; rounds < 1000 && lost == 0 && shared == 0; rounds++)
    {
      cleanup_pod_entry pod_entry found = { 0 };
      pod_lookup result;
      bool swept, added, added2;

      /* A member sweeps the stale entry while L1 registers.  */
      race (&reg, &dead, race_sweep, &dead, race_add, &l1, &swept, &added);
      if (pod_registry_lookup (&reg, "pod-race", false, &found, &result, &err) < 0)
        abort ();
      if (added && result != POD_FOUND)
        lost++;
      if (pod_registry_remove (&reg, "pod-race", "/run/bundles/l1", l1.pid, &err) < 0)
        abort ();

      /* L1 and L2 take the stale name at once: one of them only.  */
      race (&reg, &dead, race_add, &l1, race_add, &l2, &added, &added2);
      if (added && added2)
        shared++;
      if (pod_registry_remove (&reg, "pod-race", "/run/bundles/l1", l1.pid, &err) < 0
          || pod_registry_remove (&reg, "pod-race", "/run/bundles/l2", l2.pid, &err) < 0)
        abort ();
    }
  printf ("# %d round(s): %d live entry lost, %d name shared\n", rounds, lost, shared);
  CHECK_INT (lost, 0);
  CHECK_INT (shared, 0);
  sandbox_stop (&l1);
  sandbox_stop (&l2);
}

TEST (a_name_outside_the_grammar_is_refused)
{
  static const char *const names[] = { "../x", ".hidden", "-a", "a/b", "", "a b" };
  cleanup_pod_registry pod_registry reg = POD_REGISTRY_INIT;
  cleanup_hook_error hook_error *open_err = NULL;
  sandbox a;

  sandbox_start (&a, "sandbox-a", "/run/bundles/a");
  CHECK_INT (pod_registry_open (state_dir, true, &reg, &open_err), 0);
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      cleanup_pod_entry pod_entry found = { 0 };
      pod_lookup result;
      CHECK_INT (pod_registry_add (&reg, names[i], &a.entry, &err), -1);
      CHECK_ERROR_MENTIONS (err, "register");
      hook_error_free (err);
      err = NULL;
      CHECK_INT (pod_registry_lookup (&reg, names[i], false, &found, &result, &err), -1);
      CHECK (err != NULL);
    }
  sandbox_stop (&a);
}

TEST (a_bad_state_dir_is_refused_naming_the_policy_key)
{
  static const struct
  {
    const char *dir, *needle;
  } cases[] = {
    { "/", "state_dir /: not a directory of its own" },
    { "relative/dir", "state_dir: not an absolute path" },
    { "/tmp/../run/x", "state_dir: \"/tmp/../run/x\" is not a canonical path" },
    { "/tmp/x/", "is not a canonical path" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      cleanup_pod_registry pod_registry reg = POD_REGISTRY_INIT;
      CHECK_INT (pod_registry_open (cases[i].dir, true, &reg, &err), -1);
      CHECK_ERROR_MENTIONS (err, cases[i].needle);
      CHECK (reg.dir_fd == -1);
    }

  /* Missing, without creating: ENOENT (nothing was ever registered).  */
  cleanup_hook_error hook_error *err = NULL;
  cleanup_pod_registry pod_registry reg = POD_REGISTRY_INIT;
  char missing[160];
  snprintf (missing, sizeof missing, "%s/missing", top);
  CHECK_INT (pod_registry_open (missing, false, &reg, &err), -1);
  CHECK (err != NULL && err->errno_value == ENOENT);
  CHECK_ERROR_MENTIONS (err, "state_dir");

  /* Below a directory others may write: refused, never created.  */
  hook_error_free (err);
  err = NULL;
  char open_parent[160], below[200];
  snprintf (open_parent, sizeof open_parent, "%s/open", top);
  snprintf (below, sizeof below, "%s/state", open_parent);
  if (mkdir (open_parent, 0777) < 0 || chmod (open_parent, 0777) < 0)
    abort ();
  CHECK_INT (pod_registry_open (below, true, &reg, &err), -1);
  CHECK_ERROR_MENTIONS (err, "state_dir");
  CHECK_ERROR_MENTIONS (err, "writable by group or others");
  struct stat st;
  CHECK (stat (below, &st) < 0 && errno == ENOENT);
}

/* A stage that already holds a checked /proc lends it: the liveness
   checks read through it, and closing the registry leaves it open.  Lent
   an empty directory instead, the registry finds no /proc/PID there: a
   live sandbox reads as stale, which shows whose /proc was read.  */
TEST (a_lent_procfs_is_read_through_and_left_open)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_pod_entry pod_entry found = { 0 };
  cleanup_close int procfs_fd = -1;
  cleanup_close int empty_fd = -1;
  char empty[128];
  sandbox a;
  pod_lookup result;

  snprintf (empty, sizeof empty, "%s/not-proc", top);
  if (mkdir (empty, 0700) < 0)
    abort ();
  empty_fd = open (empty, O_PATH | O_DIRECTORY | O_CLOEXEC);
  CHECK (empty_fd >= 0);
  CHECK_INT (open_procfs (&procfs_fd, &err), 0);
  sandbox_start (&a, "sandbox-lent", "/run/bundles/lent");
  {
    cleanup_pod_registry pod_registry reg = POD_REGISTRY_INIT;
    CHECK_INT (pod_registry_open (state_dir, true, &reg, &err), 0);
    pod_registry_lend_procfs (&reg, procfs_fd);
    CHECK_INT (pod_registry_add (&reg, "pod-lent", &a.entry, &err), 0);
    CHECK_INT (pod_registry_lookup (&reg, "pod-lent", false, &found, &result, &err), 0);
    CHECK_INT (result, POD_FOUND);
    CHECK_INT (reg.procfs_fd, procfs_fd);
    /* A second loan does not replace the first.  */
    pod_registry_lend_procfs (&reg, empty_fd);
    CHECK_INT (reg.procfs_fd, procfs_fd);
  }
  CHECK (fcntl (procfs_fd, F_GETFD) >= 0);
  {
    cleanup_pod_registry pod_registry reg = POD_REGISTRY_INIT;
    CHECK_INT (pod_registry_open (state_dir, false, &reg, &err), 0);
    pod_registry_lend_procfs (&reg, empty_fd);
    CHECK_INT (pod_registry_lookup (&reg, "pod-lent", false, &found, &result, &err), 0);
    CHECK_INT (result, POD_STALE);
  }
  CHECK (fcntl (empty_fd, F_GETFD) >= 0);
  {
    cleanup_pod_registry pod_registry reg = POD_REGISTRY_INIT;
    CHECK_INT (pod_registry_open (state_dir, false, &reg, &err), 0);
    /* Lent nothing (-1): it opens its own, and closes it.  */
    pod_registry_lend_procfs (&reg, -1);
    CHECK_INT (pod_registry_lookup (&reg, "pod-lent", false, &found, &result, &err), 0);
    CHECK_INT (result, POD_FOUND);
    CHECK (reg.procfs_fd >= 0 && !reg.procfs_lent);
    CHECK_INT (pod_registry_remove (&reg, "pod-lent", "/run/bundles/lent", a.pid, &err), 0);
  }
  sandbox_stop (&a);
  rmdir (empty);
}

int
main (void)
{
  if (geteuid () != 0)
    {
      printf ("# the registry's directory must be root's: not run\n");
      return tap_done ();
    }
  snprintf (top, sizeof top, "/tmp/test_registry.XXXXXX");
  if (mkdtemp (top) == NULL)
    abort ();
  snprintf (state_dir, sizeof state_dir, "%s/state", top);
  RUN (a_name_a_live_sandbox_of_another_bundle_holds_is_never_taken);
  RUN (an_exited_sandbox_not_yet_reaped_is_stale);
  RUN (a_killed_replacement_leaves_nothing_its_name_outlives);
  RUN (concurrent_hooks_on_one_name_never_lose_or_share_it);
  RUN (a_name_outside_the_grammar_is_refused);
  RUN (a_bad_state_dir_is_refused_naming_the_policy_key);
  RUN (a_lent_procfs_is_read_through_and_left_open);
  char *cmd = NULL;
  if (asprintf (&cmd, "rm -rf -- '%s'", top) < 0 || system (cmd) != 0)
    abort ();
  free (cmd);
  return tap_done ();
}

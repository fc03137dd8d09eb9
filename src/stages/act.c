#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "act.h"
#include "cgroup.h"
#include "cleanup.h"
#include "container_mounts.h"
#include "engine_shm.h"
#include "etcfiles.h"
#include "fault.h"
#include "hook_dir.h"
#include "nsenter.h"
#include "oom.h"
#include "process.h"
#include "registry.h"
#include "safepath.h"
#include "shm.h"
#include "sysctl.h"

/* The sources an earlier run for the same bundle may have mounted into
   the container, by the name they have in the hook's directory.  */
#define N_EARLIER (POD_N_FILES + 1)

static const char *
earlier_name (size_t i)
{
  return i < POD_N_FILES ? pod_file_name ((pod_file)i) : HOOK_SHM_DIR;
}

typedef struct act_state
{
  const act_context *ctx;
  run_record record;
  int hook_dir_fd;
  container_mount mounts[CONTAINER_MOUNTS_MAX];
  size_t n_mounts;
  struct stat earlier[N_EARLIER]; /* st_ino 0: none */
  char summary[1024];
  char skipped[256]; /* names of the skipped actions, for the summary */
  pod_entry entry;   /* what the pod registry will say of this sandbox */
} act_state;

/* Before an earlier run is undone, note what it had mounted (files and
   the shm tmpfs): if it placed them in this container already, the
   placement detaches them instead of stacking ours on top.  False when
   there was no earlier run (under the bundle lock, none can appear).  */
static bool
note_earlier_run (act_state *s)
{
  cleanup_hook_error hook_error *e = NULL;
  cleanup_close int dir = -1;
  if (hook_dir_open (s->ctx->bundle_fd, &dir, &e) < 0)
    return true; /* the sweep reports it */
  if (dir < 0)
    return false;
  for (size_t i = 0; i < N_EARLIER; i++)
    {
      /* No RESOLVE_NO_XDEV: shm is a mount point, its tmpfs is the point.  */
      cleanup_close int fd
          = openat2_fd (dir, earlier_name (i), O_PATH | O_NOFOLLOW, 0,
                        RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
      if (fd < 0 || fstat (fd, &s->earlier[i]) < 0)
        s->earlier[i].st_ino = 0;
    }
  return true;
}

static void
set_earlier (act_state *s, container_mount *m, const char *name)
{
  for (size_t i = 0; i < N_EARLIER; i++)
    if (strcmp (name, earlier_name (i)) == 0 && s->earlier[i].st_ino)
      {
        m->earlier_dev = s->earlier[i].st_dev;
        m->earlier_ino = s->earlier[i].st_ino;
      }
}

static void __attribute__ ((format (printf, 2, 3))) summary_add (act_state *s, const char *fmt, ...)
{
  size_t used = strlen (s->summary);
  va_list ap;
  if (used && used + 1 < sizeof s->summary)
    s->summary[used++] = ' ';
  va_start (ap, fmt);
  vsnprintf (s->summary + used, sizeof s->summary - used, fmt, ap);
  va_end (ap);
}

/* Record, then do: the record's line exists before the side effect.  A
   step has one name, in the record and at its fault point.  */
static int
step_begin (act_state *s, const char *step, const char *detail, hook_error **err)
{
  return run_record_add (&s->record, step, detail, err);
}

static int
step_end (act_state *s, const char *step, hook_error **err)
{
  return fault_point (s->ctx->fail_after, step, err);
}

static void
log_skip (act_state *s, const planned_action *a)
{
  size_t used = strlen (s->skipped);
  log_debug (s->ctx->log, "%s: skip: %s", action_name (a->kind), a->reason);
  /* Checks, and a resize the pod did not ask for, are not things the
     container went without.  */
  if (a->kind != ACTION_SYSCTL_CHECK && a->kind != ACTION_ENGINE_FILES
      && a->kind != ACTION_ENGINE_SHM)
    snprintf (s->skipped + used, sizeof s->skipped - used, "%s%s", used ? " " : "",
              action_name (a->kind));
}

static int
install_file (act_state *s, const planned_action *a, pod_file f, hook_error **err)
{
  const char *name = pod_file_name (f);
  cleanup_close int fd = -1;
  struct stat st;

  if (a->skip)
    {
      log_skip (s, a);
      return 0;
    }
  if (step_begin (s, action_name (a->kind), a->u.file.destination, err) < 0
      || etcfile_install (s->hook_dir_fd, name, a->u.file.content, a->u.file.len,
                          s->ctx->file_label, &fd, err)
             < 0)
    return hook_error_prefix (err, "%s", a->u.file.destination);
  if (fstat (fd, &st) < 0)
    return hook_fail (err, errno, "%s: stat %s", a->u.file.destination, name);
  container_mount *m = &s->mounts[s->n_mounts];
  if (clone_file_bind (fd, true, &m->tree_fd, err) < 0)
    return hook_error_prefix (err, "%s", a->u.file.destination);
  m->target = a->u.file.destination + 1;
  m->directory = false;
  m->tree_dev = st.st_dev;
  m->tree_ino = st.st_ino;
  set_earlier (s, m, name);
  s->n_mounts++;
  /* Members prove they bind this very file.  */
  s->entry.has_file[f] = true;
  s->entry.files[f] = (file_identity){ st.st_dev, st.st_ino };
  log_debug (s->ctx->log, "%s: %s (%s)", action_name (a->kind), a->u.file.destination, a->reason);
  summary_add (s, "%s", a->u.file.destination);
  return step_end (s, action_name (a->kind), err);
}

/* A host IPC pod's /dev/shm, for a sandbox and its members alike: the
   host's, bound as it is (a clone in M); nothing is ever mounted over it
   (docs/security.md, threat 11).  */
static int
clone_host_shm (container_mount *m, hook_error **err)
{
  struct stat host_shm;
  cleanup_close int fd
      = open_tree (AT_FDCWD, "/dev/shm", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW);

  if (fd < 0 || fstat (fd, &host_shm) < 0)
    return hook_fail (err, errno, "shm: clone the host's /dev/shm");
  m->tree_fd = steal_fd (&fd);
  m->tree_dev = host_shm.st_dev;
  m->tree_ino = host_shm.st_ino;
  return 0;
}

static int
prepare_shm (act_state *s, const planned_action *a, hook_error **err)
{
  char size_text[24];

  if (a->skip)
    {
      log_skip (s, a);
      return 0;
    }
  container_mount *m = &s->mounts[s->n_mounts];
  m->target = "dev/shm";
  m->directory = true;
  set_earlier (s, m, HOOK_SHM_DIR);
  if (a->u.shm.host_ipc)
    {
      if (clone_host_shm (m, err) < 0)
        return -1;
      s->n_mounts++;
      s->entry.shm = POD_SHM_HOST;
      log_debug (s->ctx->log, "shm: host /dev/shm (%s)", a->reason);
      summary_add (s, "%s", "shm=host");
      return step_end (s, "shm", err);
    }

  cleanup_close int tmpfs = -1;
  if (step_begin (s, "shm", "tmpfs", err) < 0)
    return -1;
  if (mkdirat (s->hook_dir_fd, HOOK_SHM_DIR, 0700) < 0)
    return hook_fail (err, errno, "shm: create %s/%s", HOOK_DIR_NAME, HOOK_SHM_DIR);
  cleanup_close int dir
      = openat2_fd (s->hook_dir_fd, HOOK_SHM_DIR, O_PATH | O_DIRECTORY, 0, RESOLVE_STRICT_BENEATH);
  if (dir < 0)
    return hook_fail (err, errno, "shm: open %s/%s", HOOK_DIR_NAME, HOOK_SHM_DIR);
  if (shm_tmpfs_create (a->u.shm.size, a->u.shm.label, &tmpfs, err) < 0)
    return hook_error_prefix (err, "shm");
  if (move_mount (tmpfs, "", dir, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return hook_fail (err, errno, "shm: mount on %s/%s", HOOK_DIR_NAME, HOOK_SHM_DIR);
  /* The host-side mount stays for the pod's lifetime; the container gets
     a clone of it, which shares the same tmpfs.  */
  m->tree_fd = open_tree (s->hook_dir_fd, HOOK_SHM_DIR,
                          OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW);
  if (m->tree_fd < 0)
    return hook_fail (err, errno, "shm: clone the tmpfs");
  s->n_mounts++;
  struct stat root;
  if (shm_tmpfs_verify (m->tree_fd, a->u.shm.size, &root, err) < 0)
    return -1;
  m->tree_dev = root.st_dev;
  m->tree_ino = root.st_ino;
  s->entry.shm = POD_SHM_TMPFS;
  s->entry.shm_root = (file_identity){ root.st_dev, root.st_ino };
  s->entry.shm_size = a->u.shm.size;
  snprintf (size_text, sizeof size_text, "%" PRIu64, a->u.shm.size);
  log_debug (s->ctx->log, "shm: tmpfs size=%s mode=1777 nosuid,nodev,noexec%s%s (%s)", size_text,
             a->u.shm.label ? " context=" : "", a->u.shm.label ? a->u.shm.label : "", a->reason);
  summary_add (s, "shm=%s", size_text);
  return step_end (s, "shm", err);
}

/* The engine's own pod tmpfs, resized to what the pod asked for.  Not
   undone by the rollback or at poststop: the engine unmounts its tmpfs
   when the pod stops or fails to start, and a rerun resizes it again.  */
static int
resize_engine_shm (act_state *s, const planned_action *a, hook_error **err)
{
  engine_shm_result r = { 0 };
  char size_text[24];

  if (a->skip)
    {
      log_skip (s, a);
      return 0;
    }
  snprintf (size_text, sizeof size_text, "%" PRIu64, a->u.engine_shm.size);
  if (step_begin (s, "engine_shm", size_text, err) < 0
      || engine_shm_resize (a->u.engine_shm.engine_dir, a->u.engine_shm.source,
                            a->u.engine_shm.size, &r, err)
             < 0)
    return hook_error_prefix (err, "engine_shm: %s (%s %s)", a->u.engine_shm.source,
                              a->u.engine_shm.key, size_text);
  log_debug (s->ctx->log, "engine_shm: %s: %" PRIu64 " -> %" PRIu64 " bytes (%s)",
             a->u.engine_shm.source, r.before, r.after, a->reason);
  summary_add (s, "engine_shm=%s", size_text);
  return step_end (s, "engine_shm", err);
}

/* The container's mount namespace (placing the mounts) and its network
   namespace (the sysctls) are entered in one go: by the hook itself, or
   under a user namespace by ONE forked child (a fork and wait cost more
   than either job: docs/performance.md).  Everything is recorded before
   they run; the fault points keep their order.  */
static int
enter_container (act_state *s, const sandbox_plan *plan, hook_error **err)
{
  sysctl_write writes[2];
  size_t n_writes = 0, n_steps = 0, n_keep = 0;
  cleanup_placement container_placement placement = { .root_fd = -1, .host_proc_fd = -1 };
  sysctl_job job = { .proc_fd = -1 };
  ns_step steps[2];
  int keep[NS_MAX_KEEP_FDS];
  char entry[128];

  for (size_t i = 0; i < N_SYSCTL_ACTIONS; i++)
    {
      const planned_action *a = &plan->actions[sysctl_actions[i]];
      if (a->skip)
        {
          log_skip (s, a);
          continue;
        }
      writes[n_writes++] = (sysctl_write){ a->u.sysctl.key, a->u.sysctl.value };
    }
  if (s->n_mounts)
    {
      if (step_begin (s, "container_mounts", NULL, err) < 0
          || container_placement_prepare (s->ctx->process, s->ctx->rootfs, s->mounts, s->n_mounts,
                                          &placement, err)
                 < 0)
        return -1;
      steps[n_steps++] = (ns_step){ CLONE_NEWNS, container_placement_run, &placement };
      n_keep += container_placement_fds (&placement, keep + n_keep);
    }
  if (n_writes)
    {
      for (size_t i = 0; i < n_writes; i++)
        {
          snprintf (entry, sizeof entry, "%s=%s", writes[i].key, writes[i].value);
          if (step_begin (s, "sysctls", entry, err) < 0)
            return -1;
        }
      if (sysctl_job_prepare (writes, n_writes, s->ctx->user_namespace, s->ctx->process->procfs_fd,
                              &s->ctx->target->own_ns[NAMESPACE_NET], &job, err)
          < 0)
        return -1;
      steps[n_steps++] = (ns_step){ job.nstypes, sysctl_job_run, &job };
      keep[n_keep++] = job.proc_fd;
    }
  if (n_steps
      && run_ns_steps (s->ctx->process->pidfd, s->ctx->process->own_ns_fd, steps, n_steps, keep,
                       n_keep, err)
             < 0)
    return -1;
  if (s->n_mounts && step_end (s, "container_mounts", err) < 0)
    return -1;
  if (n_writes == 0)
    return 0;
  for (size_t i = 0; i < n_writes; i++)
    {
      char item[96];
      log_debug (s->ctx->log, "sysctl: %s=\"%s\" in the container's network namespace",
                 writes[i].key, writes[i].value);
      snprintf (item, sizeof item, "%s=%s", writes[i].key + strlen ("net.ipv4."), writes[i].value);
      summary_add (s, "%s", item);
    }
  return step_end (s, "sysctls", err);
}

static int
apply_oom (act_state *s, const planned_action *a, hook_error **err)
{
  char value[16];

  if (a->skip)
    {
      log_skip (s, a);
      return 0;
    }
  snprintf (value, sizeof value, "%d", a->u.oom.value);
  if (step_begin (s, "oom_score_adj", value, err) < 0
      || oom_score_apply (s->ctx->process, a->u.oom.value, err) < 0)
    return -1;
  log_debug (s->ctx->log, "oom_score_adj: %s (%s)", value, a->reason);
  summary_add (s, "oom_score_adj=%s", value);
  return step_end (s, "oom_score_adj", err);
}

static int
apply_cpu (act_state *s, const planned_action *a, hook_error **err)
{
  cgroup_cpu_result r;

  if (a->skip)
    {
      log_skip (s, a);
      return 0;
    }
  if (s->ctx->cgroup == NULL)
    return hook_fail (err, EINVAL, "cpu_shares: the container's cgroup was not looked up");
  if (step_begin (s, "cpu_shares", s->ctx->cgroup->file, err) < 0
      || cgroup_write_cpu (s->ctx->cgroup, a->u.cpu.shares, a->u.cpu.weight, &r, err) < 0
      || target_process_check_alive (s->ctx->process, err) < 0)
    return hook_error_prefix (err, "cpu_shares");
  log_debug (s->ctx->log, "cpu_shares: %s = %s", s->ctx->cgroup->file, r.value);
  summary_add (s, r.v2 ? "cpu.weight=%s" : "cpu.shares=%s", r.value);
  return step_end (s, "cpu_shares", err);
}

/* Last: the pod is registered once everything members bind exists.  The
   note goes first, so that a run killed in between is swept of its
   entries too.  */
static int
register_pod (act_state *s, const sandbox_plan *plan, hook_error **err)
{
  const planned_action *a = &plan->actions[ACTION_POD_REGISTRY];
  const target_process *p = s->ctx->process;
  pod_entry *e = &s->entry;
  pod_registration r = {
    .state_dir = a->u.registry.state_dir,
    .bundle = s->ctx->bundle_path,
    .pid = p->pid,
    .n_names = plan->n_pod_names,
  };
  cleanup_pod_registry pod_registry reg = POD_REGISTRY_INIT;

  if (a->skip)
    {
      log_skip (s, a);
      return 0;
    }
  e->id = s->ctx->container_id;
  e->bundle = s->ctx->bundle_path;
  e->pid = p->pid;
  for (size_t i = 0; i < r.n_names; i++)
    r.names[i] = plan->pod_names[i];
  e->ns_ipc = s->ctx->target->ns[NAMESPACE_IPC];
  e->ns_uts = s->ctx->target->ns[NAMESPACE_UTS];
  e->ns_net = s->ctx->target->ns[NAMESPACE_NET];
  if (process_start_time (p->proc_fd, &e->start_time, err) < 0
      || step_begin (s, "pod_registry", plan->pod_names[0], err) < 0
      || hook_dir_note_registration (s->hook_dir_fd, &r, err) < 0
      || pod_registry_open (r.state_dir, true, &reg, err) < 0)
    return hook_error_prefix (err, "pod_registry");
  pod_registry_lend_procfs (&reg, p->procfs_fd);
  for (size_t i = 0; i < r.n_names; i++)
    if (pod_registry_add (&reg, r.names[i], e, err) < 0)
      return hook_error_prefix (err, "pod_registry");
  log_debug (s->ctx->log, "pod_registry: %zu name(s) in %s (%s)", r.n_names, r.state_dir,
             a->reason);
  summary_add (s, "pod=%s", r.state_dir);
  return step_end (s, "pod_registry", err);
}

static int
act_steps (act_state *s, const sandbox_plan *plan, hook_error **err)
{
  const planned_action *check = &plan->actions[ACTION_SYSCTL_CHECK];
  const planned_action *engine_files = &plan->actions[ACTION_ENGINE_FILES];

  if (check->skip)
    log_skip (s, check);
  else
    for (size_t i = 0; i < check->u.check.n_findings; i++)
      log_warn (s->ctx->log, "sysctl_check: config linux.sysctl: %s", check->u.check.findings[i]);
  if (engine_files->skip)
    log_skip (s, engine_files);
  else if (engine_files->u.check.n_findings == 0)
    log_debug (s->ctx->log, "engine_files: %s", engine_files->reason);
  else
    for (size_t i = 0; i < engine_files->u.check.n_findings; i++)
      log_warn (s->ctx->log, "engine_files: %s (engine_files: warn, the pod starts)",
                engine_files->u.check.findings[i]);

  if (hook_dir_create (s->ctx->bundle_fd, &s->record, &s->hook_dir_fd, err) < 0
      || step_begin (s, "dir", HOOK_DIR_NAME, err) < 0 || step_end (s, "dir", err) < 0)
    return -1;
  if (install_file (s, &plan->actions[ACTION_HOSTNAME_FILE], POD_FILE_HOSTNAME, err) < 0
      || install_file (s, &plan->actions[ACTION_HOSTS_FILE], POD_FILE_HOSTS, err) < 0
      || install_file (s, &plan->actions[ACTION_RESOLV_CONF_FILE], POD_FILE_RESOLV_CONF, err) < 0
      || prepare_shm (s, &plan->actions[ACTION_SHM], err) < 0
      || resize_engine_shm (s, &plan->actions[ACTION_ENGINE_SHM], err) < 0)
    return -1;
  if (enter_container (s, plan, err) < 0
      || apply_oom (s, &plan->actions[ACTION_OOM_SCORE_ADJ], err) < 0
      || apply_cpu (s, &plan->actions[ACTION_CPU_SHARES], err) < 0
      || register_pod (s, plan, err) < 0)
    return -1;
  return target_process_check_alive (s->ctx->process, err);
}

int
act_create_runtime (const act_context *ctx, const sandbox_plan *plan, hook_error **err)
{
  act_state s = { .ctx = ctx, .record = { -1 }, .hook_dir_fd = -1 };
  char undone[256];
  int ret;

  /* A second createRuntime for the same bundle (a retried hook, or one
     killed half-way) starts from a clean slate instead of stacking.  */
  if (note_earlier_run (&s))
    {
      if (hook_dir_sweep (ctx->bundle_fd, undone, sizeof undone, err) < 0)
        return hook_error_prefix (err, "clean up an earlier run");
      if (undone[0])
        log_info (ctx->log, "earlier run cleaned up: %s", undone);
    }

  ret = act_steps (&s, plan, err);
  for (size_t i = 0; i < s.n_mounts; i++)
    close (s.mounts[i].tree_fd);
  run_record_close (&s.record);
  if (s.hook_dir_fd >= 0)
    close (s.hook_dir_fd);
  if (ret < 0)
    {
      cleanup_hook_error hook_error *undo_err = NULL;
      if (hook_dir_sweep (ctx->bundle_fd, undone, sizeof undone, &undo_err) < 0)
        log_error (ctx->log, "rollback incomplete: %s", undo_err->message);
      else
        log_info (ctx->log, "rolled back: %s", undone);
      return -1;
    }
  /* The one info line per container (docs/architecture.md, "Logging"): what was applied, and
     the names of what was skipped; every reason is at debug level and in
     `oci-sandbox-hook plan`.  */
  log_info (ctx->log, "sandbox ready: %s%s%s", s.summary[0] ? s.summary : "nothing to apply",
            s.skipped[0] ? "; skipped: " : "", s.skipped);
  return 0;
}

int
act_poststop (int bundle_fd, hook_log *log, hook_error **err)
{
  char undone[256];

  if (hook_dir_sweep (bundle_fd, undone, sizeof undone, err) < 0)
    return -1;
  if (undone[0])
    log_info (log, "poststop: %s", undone);
  else
    log_debug (log, "poststop: nothing to clean up");
  return 0;
}

/* ------------------------------------------------------------ members */

/* The member's view of its sandbox's hook directory: opened below the
   sandbox's bundle (held shared, so its poststop waits), root's and
   0700, as the sandbox made it.  */
static int
open_sandbox_hook_dir (int bundle_fd, const pod_entry *sandbox, int *out, hook_error **err)
{
  if (hook_dir_open (bundle_fd, out, err) < 0)
    return hook_error_prefix (err, "sandbox %s: %s", sandbox->id, sandbox->bundle);
  if (*out < 0)
    return hook_fail (err, ENOENT, "sandbox %s: its bundle has no %s directory (stopping?)",
                      sandbox->id, HOOK_DIR_NAME);
  return 0;
}

/* The sandbox the plan found still runs, now that its bundle is held: one
   stopped and made again in the same bundle path since the lookup would
   have objects with the old identities (a tmpfs's device number is reused
   once it is unmounted, and its inode numbers are fixed), which
   open_registered cannot tell apart.  */
static int
sandbox_still_runs (const act_context *ctx, const pod_entry *sandbox, hook_error **err)
{
  bool alive;

  if (pod_entry_alive (ctx->process->procfs_fd, sandbox, &alive, err) < 0)
    return hook_error_prefix (err, "sandbox %s", sandbox->id);
  if (!alive)
    return hook_fail (err, 0,
                      "sandbox %s: stopped since it was looked up (its process %d is gone): "
                      "refusing",
                      sandbox->id, sandbox->pid);
  return 0;
}

/* The sandbox's NAME below HOOK_DIR, opened and proven to be the object
   the registry recorded (a bundle swapped or swept since gives another).  */
static int
open_registered (int hook_dir, const char *name, const file_identity *id, bool mount_point,
                 const pod_entry *sandbox, int *out, hook_error **err)
{
  struct stat st;
  /* shm is a mount point: crossing into it is the point.  */
  cleanup_close int fd
      = openat2_fd (hook_dir, name, O_PATH | O_NOFOLLOW, 0,
                    mount_point ? RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS
                                : RESOLVE_STRICT_BENEATH);
  if (fd < 0)
    return hook_fail (err, errno, "sandbox %s: open %s/%s", sandbox->id, HOOK_DIR_NAME, name);
  if (fstat (fd, &st) < 0)
    return hook_fail (err, errno, "sandbox %s: stat %s/%s", sandbox->id, HOOK_DIR_NAME, name);
  if ((uint64_t)st.st_dev != id->dev || (uint64_t)st.st_ino != id->ino)
    return hook_fail (err, 0,
                      "sandbox %s: %s/%s is not what its registry entry names (the sandbox is "
                      "stopping, or its bundle changed): refusing",
                      sandbox->id, HOOK_DIR_NAME, name);
  *out = steal_fd (&fd);
  return 0;
}

static bool
is_shm (const planned_action *a)
{
  return a->kind == ACTION_SHM;
}

/* The detached mount a member gets for A (its /dev/shm or one of the /etc
   files): the host's /dev/shm, or the sandbox's tmpfs or file, proven to
   be the registered one.  */
static int
member_mount (int hook_dir, const pod_entry *sandbox, const planned_action *a, container_mount *m,
              hook_error **err)
{
  cleanup_close int fd = -1;
  pod_file f = POD_FILE_HOSTNAME;

  *m = (container_mount){ .tree_fd = -1, .directory = is_shm (a) };
  m->target = is_shm (a) ? "dev/shm" : a->u.file.destination + 1;
  if (is_shm (a) && a->u.shm.host_ipc)
    return clone_host_shm (m, err);
  (void)plan_file_action (a->kind, &f);
  /* open_registered proves the object is the one the registry names.  */
  const file_identity *id = is_shm (a) ? &sandbox->shm_root : &sandbox->files[f];
  m->tree_dev = (dev_t)id->dev;
  m->tree_ino = (ino_t)id->ino;
  if (is_shm (a))
    {
      if (open_registered (hook_dir, HOOK_SHM_DIR, &sandbox->shm_root, true, sandbox, &fd, err) < 0)
        return -1;
      /* The clone keeps the tmpfs's nosuid,nodev,noexec and is rw.  */
      m->tree_fd = open_tree (fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
      return m->tree_fd < 0 ? hook_fail (err, errno, "shm: clone sandbox %s's tmpfs", sandbox->id)
                            : 0;
    }
  if (open_registered (hook_dir, pod_file_name (f), &sandbox->files[f], false, sandbox, &fd, err)
          < 0
      || clone_file_bind (fd, a->u.file.read_only, &m->tree_fd, err) < 0)
    return hook_error_prefix (err, "%s", a->u.file.destination);
  return 0;
}

int
act_member (const act_context *ctx, const pod_entry *sandbox, const sandbox_plan *plan,
            hook_error **err)
{
  cleanup_mount_set mount_set mounts = { .n = 0 };
  cleanup_close int bundle = -1, hook_dir = -1;
  cleanup_placement container_placement placement = { .root_fd = -1, .host_proc_fd = -1 };
  int keep[NS_MAX_KEEP_FDS];
  char summary[512] = "", skipped[128] = "";
  bool from_sandbox = false;

  for (int k = 0; k < ACTION_COUNT; k++)
    {
      const planned_action *a = &plan->actions[k];
      if (!a->skip
          && ((is_shm (a) && a->u.shm.from_sandbox)
              || (plan_file_action (a->kind, NULL) && a->u.file.from_sandbox)))
        from_sandbox = true;
    }
  if (from_sandbox
      && (open_directory_locked (sandbox->bundle, false, &bundle, err) < 0
          || open_sandbox_hook_dir (bundle, sandbox, &hook_dir, err) < 0
          || sandbox_still_runs (ctx, sandbox, err) < 0))
    return -1;

  for (int k = 0; k < ACTION_COUNT; k++)
    {
      const planned_action *a = &plan->actions[k];
      if (!is_shm (a) && !plan_file_action (a->kind, NULL))
        continue;
      if (a->skip)
        {
          size_t used = strlen (skipped);
          log_debug (ctx->log, "%s: skip: %s", action_name (a->kind), a->reason);
          snprintf (skipped + used, sizeof skipped - used, "%s%s", used ? " " : "",
                    action_name (a->kind));
          continue;
        }
      if (member_mount (hook_dir, sandbox, a, &mounts.m[mounts.n], err) < 0)
        return -1;
      mounts.n++;
      size_t used = strlen (summary);
      log_debug (ctx->log, "%s: %s", action_name (a->kind), a->reason);
      snprintf (summary + used, sizeof summary - used, "%s%s", used ? " " : "",
                is_shm (a) ? "/dev/shm" : a->u.file.destination);
    }

  if (mounts.n > 0)
    {
      if (container_placement_prepare (ctx->process, ctx->rootfs, mounts.m, mounts.n, &placement,
                                       err)
          < 0)
        return -1;
      ns_step step = { CLONE_NEWNS, container_placement_run, &placement };
      size_t n_keep = container_placement_fds (&placement, keep);
      if (run_ns_steps (ctx->process->pidfd, ctx->process->own_ns_fd, &step, 1, keep, n_keep, err)
              < 0
          || fault_point (ctx->fail_after, "member_mounts", err) < 0)
        return -1;
    }
  if (target_process_check_alive (ctx->process, err) < 0)
    return -1;
  /* With nothing bound, the membership says why (the engine binds it all,
     or nothing proves the container is in the pod): at info, for an
     operator.  */
  if (summary[0])
    log_info (ctx->log, "pod member of %s ready: %s%s%s", plan->sandbox_name, summary,
              skipped[0] ? "; skipped: " : "", skipped);
  else
    log_info (ctx->log, "pod member of %s ready: nothing to bind (%s)%s%s", plan->sandbox_name,
              plan->membership, skipped[0] ? "; skipped: " : "", skipped);
  return 0;
}

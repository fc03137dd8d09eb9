#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "hook_dir.h"
#include "registry.h"
#include "safepath.h"
#include "tmpfs.h"

const char *const hook_files[HOOK_N_FILES]
    = { HOOK_FILE_HOSTNAME, HOOK_FILE_HOSTS, HOOK_FILE_RESOLV_CONF };

/* The hook's directory as the hook makes it: a directory of its own
   user, mode 0700.  */
static bool
is_private_directory (int fd)
{
  struct stat st;
  return fstat (fd, &st) == 0 && S_ISDIR (st.st_mode) && st.st_uid == geteuid ()
         && (st.st_mode & 07777) == 0700;
}

int
hook_dir_create (int bundle_fd, run_record *record, int *hook_dir_fd, hook_error **err)
{
  tmpfs_options o = {
    .source = HOOK_DIR_NAME,
    .mode = "0700",
    .size = HOOK_DIR_TMPFS_SIZE,
    .nr_inodes = HOOK_DIR_TMPFS_INODES,
  };

  /* 0700 and root's: the pod's shm and files are reached through the
     bundle path by nobody but root (the binds into the container need no
     traversal of it).  main's umask (022) leaves the mode exact.  */
  if (mkdirat (bundle_fd, HOOK_DIR_NAME, 0700) < 0)
    return hook_fail (err, errno, "create the bundle's %s directory", HOOK_DIR_NAME);
  cleanup_close int dir
      = openat2_fd (bundle_fd, HOOK_DIR_NAME, O_PATH | O_DIRECTORY, 0, RESOLVE_STRICT_BENEATH);
  if (dir < 0)
    return hook_fail (err, errno, "open %s", HOOK_DIR_NAME);
  if (!is_private_directory (dir))
    return hook_fail (err, 0, "%s: not the private directory the hook just created", HOOK_DIR_NAME);
  /* The tmpfs root is the hook directory from here on: its fd is the
     detached mount's, now attached.  */
  cleanup_close int tmpfs = -1;
  if (tmpfs_create (&o, &tmpfs, err) < 0)
    return hook_error_prefix (err, "%s", HOOK_DIR_NAME);
  if (move_mount (tmpfs, "", dir, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return hook_fail (err, errno, "mount the %s tmpfs", HOOK_DIR_NAME);
  record->fd = openat2_fd (tmpfs, RECORD_NAME, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_NOFOLLOW,
                           0600, RESOLVE_STRICT_BENEATH);
  if (record->fd < 0)
    return hook_fail (err, errno, "create the record of the run");
  *hook_dir_fd = steal_fd (&tmpfs);
  return 0;
}

int
hook_dir_open (int bundle_fd, int *hook_dir_fd, hook_error **err)
{
  /* The hook's tmpfs is mounted there: crossing into it is the point.  */
  cleanup_close int dir
      = openat2_fd (bundle_fd, HOOK_DIR_NAME, O_PATH | O_DIRECTORY, 0,
                    RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
  *hook_dir_fd = -1;
  if (dir < 0 && errno == ENOENT)
    return 0;
  if (dir < 0)
    return hook_fail (err, errno, "open the bundle's %s directory", HOOK_DIR_NAME);
  if (!is_private_directory (dir))
    return hook_fail (err, 0,
                      "%s: not the private directory the hook makes: refusing to clean or use it",
                      HOOK_DIR_NAME);
  *hook_dir_fd = steal_fd (&dir);
  return 0;
}

int
run_record_add (run_record *record, const char *step, const char *detail, hook_error **err)
{
  char line[512];
  int n = snprintf (line, sizeof line, "%s%s%s\n", step, detail ? " " : "", detail ? detail : "");
  if (n < 0 || (size_t)n >= sizeof line)
    return hook_fail (err, E2BIG, "record entry %s", step);
  if (write_all (record->fd, line, (size_t)n) < 0)
    return hook_fail (err, errno, "write the record of the run");
  return 0;
}

void
run_record_close (run_record *record)
{
  if (record->fd >= 0)
    close (record->fd);
  record->fd = -1;
}

int
hook_dir_note_registration (int hook_dir_fd, const pod_registration *registration, hook_error **err)
{
  cleanup_free char *text = NULL;
  size_t len;

  if (pod_registration_encode (registration, &text, &len, err) < 0)
    return -1;
  cleanup_close int fd
      = openat2_fd (hook_dir_fd, POD_NOTE_NAME, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600,
                    RESOLVE_STRICT_BENEATH);
  if (fd < 0)
    return hook_fail (err, errno, "create %s/%s", HOOK_DIR_NAME, POD_NOTE_NAME);
  if (write_all (fd, text, len) < 0)
    return hook_fail (err, errno, "write %s/%s", HOOK_DIR_NAME, POD_NOTE_NAME);
  return 0;
}

/* Remove the registry entries the pod note names, then the note.  */
static int
unregister (int hook_dir_fd, int *unregistered, hook_error **err)
{
  cleanup_pod_registry pod_registry reg = POD_REGISTRY_INIT;
  cleanup_free char *text = NULL;
  cleanup_pod_registration pod_registration r = { 0 };
  size_t len;

  cleanup_close int fd = openat2_fd (hook_dir_fd, POD_NOTE_NAME, O_RDONLY | O_NONBLOCK | O_NOFOLLOW,
                                     0, RESOLVE_STRICT_BENEATH);
  if (fd < 0 && errno == ENOENT)
    return 0;
  if (fd < 0)
    return hook_fail (err, errno, "open %s/%s", HOOK_DIR_NAME, POD_NOTE_NAME);
  if (read_regular_fd (fd, POD_NOTE_NAME, POD_ENTRY_MAX_BYTES, &text, &len, err) < 0
      || pod_registration_decode (text, len, &r, err) < 0)
    return hook_error_prefix (err, "%s/%s", HOOK_DIR_NAME, POD_NOTE_NAME);
  if (pod_registry_open (r.state_dir, false, &reg, err) < 0)
    {
      /* No registry: nothing was registered.  */
      if (!hook_error_absorb (err, ENOENT))
        return -1;
    }
  else
    for (size_t i = 0; i < r.n_names; i++)
      {
        if (pod_registry_remove (&reg, r.names[i], r.bundle, r.pid, err) < 0)
          return -1;
        (*unregistered)++;
      }
  if (unlinkat (hook_dir_fd, POD_NOTE_NAME, 0) < 0 && errno != ENOENT)
    return hook_fail (err, errno, "remove %s/%s", HOOK_DIR_NAME, POD_NOTE_NAME);
  return 0;
}

/* The layout of hook versions that wrote their files straight into the
   bundle's directory, with only the shm tmpfs mounted: a pod started
   before an upgrade is cleaned up by the new binary.  */
static int
sweep_directory (int dir, int *unmounted, int *removed, hook_error **err)
{
  if (unmount_all_at (dir, HOOK_SHM_DIR, HOOK_DIR_NAME "/" HOOK_SHM_DIR, unmounted, err) < 0)
    return -1;
  for (size_t i = 0; i < HOOK_N_FILES; i++)
    {
      if (unlinkat (dir, hook_files[i], 0) == 0)
        (*removed)++;
      else if (errno != ENOENT)
        return hook_fail (err, errno, "remove %s/%s", HOOK_DIR_NAME, hook_files[i]);
    }
  if (unlinkat (dir, HOOK_SHM_DIR, AT_REMOVEDIR) < 0 && errno != ENOENT)
    return hook_fail (err, errno, "remove %s/%s", HOOK_DIR_NAME, HOOK_SHM_DIR);
  if (unlinkat (dir, POD_NOTE_NAME, 0) < 0 && errno != ENOENT)
    return hook_fail (err, errno, "remove %s/%s", HOOK_DIR_NAME, POD_NOTE_NAME);
  /* The record goes last: until here a rerun still knows there was a run.  */
  if (unlinkat (dir, RECORD_NAME, 0) < 0 && errno != ENOENT)
    return hook_fail (err, errno, "remove %s/%s", HOOK_DIR_NAME, RECORD_NAME);
  return 0;
}

int
hook_dir_sweep (int bundle_fd, char *done, size_t done_size, hook_error **err)
{
  int unmounted = 0, shm_unmounted = 0, removed = 0, unregistered = 0;
  cleanup_hook_error hook_error *unregister_err = NULL;
  cleanup_close int dir = -1;

  if (done && done_size)
    done[0] = '\0';
  if (hook_dir_open (bundle_fd, &dir, err) < 0)
    return -1;
  if (dir < 0)
    return 0;
  /* Members stop finding the pod first, then its tmpfs goes: with the
     hook's directory, the files and the pod's shm below it.  A registry
     that cannot be reached (its state_dir refused, since or from the
     start) does not keep the pod's mounts on the host: they go all the
     same, and the error is returned after.  An entry it leaves names
     objects that are gone with the tmpfs: never trusted by a member
     (open_registered proves every object an entry names), and stale once
     the sandbox's process is gone (at poststop; on a rerun's rollback
     the process still lives until the runtime fails the container).  */
  unregister (dir, &unregistered, &unregister_err);
  if (unmount_all_at (bundle_fd, HOOK_DIR_NAME, HOOK_DIR_NAME, &unmounted, err) < 0)
    return -1;
  close (dir);
  dir = -1;
  if (unlinkat (bundle_fd, HOOK_DIR_NAME, AT_REMOVEDIR) < 0 && errno != ENOENT)
    {
      if (errno != ENOTEMPTY || hook_dir_open (bundle_fd, &dir, err) < 0
          || (dir >= 0 && sweep_directory (dir, &shm_unmounted, &removed, err) < 0))
        return hook_error_prefix (err, "remove %s", HOOK_DIR_NAME);
      if (unlinkat (bundle_fd, HOOK_DIR_NAME, AT_REMOVEDIR) < 0 && errno != ENOENT)
        return hook_fail (err, errno, "remove %s%s", HOOK_DIR_NAME,
                          errno == ENOTEMPTY ? " (it holds files the hook did not create)" : "");
    }
  if (done && done_size)
    snprintf (done, done_size, "%s%s%s%s directory%s",
              unmounted ? "detached the " HOOK_DIR_NAME " tmpfs, " : "",
              shm_unmounted ? "unmounted the shm tmpfs, " : "",
              removed ? "removed the pod's files and " : "removed ",
              unmounted ? "its" : "the " HOOK_DIR_NAME,
              unregistered ? ", unregistered the pod" : "");
  if (unregister_err)
    {
      *err = steal_pointer (&unregister_err);
      return hook_error_prefix (err, "the pod's mounts and directory are removed, its registry "
                                     "entries not");
    }
  return 0;
}

/* What the installer's decisions read of the host: files and directories
   by their absolute path on the host (under --root), as they were before
   the installer changed anything (the stage answers from its record for
   the files it wrote itself).  Pure code asks through these callbacks;
   the unit tests answer from memory.  */
#ifndef OCI_SANDBOX_HOOK_HOST_VIEW_H
#define OCI_SANDBOX_HOOK_HOST_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

typedef enum host_entry_type
{
  HOST_ABSENT,
  HOST_FILE,
  HOST_DIRECTORY,
  HOST_OTHER, /* a device, a FIFO, a socket: never read */
} host_entry_type;

typedef struct host_dirent
{
  char *name;
  host_entry_type type;
} host_dirent;

typedef struct host_view
{
  void *ctx;
  /* What PATH is (symlinks followed inside the root) and, for a regular
     file, its bytes (*DATA malloc'ed and NUL-terminated, NULL
     otherwise).  */
  int (*read) (void *ctx, const char *path, host_entry_type *type, char **data, size_t *len,
               hook_error **err);
  /* The entries of the directory PATH, sorted by name in byte order, as
     Go's os.ReadDir returns them; none when PATH does not exist.  */
  int (*list) (void *ctx, const char *path, host_dirent **entries, size_t *n, hook_error **err);
  /* Whether PATH is a regular file with an execute bit.  */
  int (*executable) (void *ctx, const char *path, bool *yes, hook_error **err);
} host_view;

void host_dirents_free (host_dirent *entries, size_t n);

/* Go's filepath.Clean of an absolute PATH: repeated '/', "." and ".."
   resolved lexically ("/.." is "/").  malloc'ed; NULL on ENOMEM.  */
char *path_clean (const char *path);
/* DIR/NAME cleaned (NAME relative), or NAME cleaned when it is
   absolute.  */
char *path_join (const char *dir, const char *name);
/* The directory part of an absolute clean PATH ("/" for "/x").  */
char *path_dir (const char *path);

/* The directories systemd gives a service in PATH: where containerd's
   shim and CRI-O look up a runtime named without a '/'.  */
#define HOST_SERVICE_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* NAME as the host would run it: itself when absolute, else the first
   executable of that name in HOST_SERVICE_PATH.  A relative path with a
   '/' is refused (it would depend on the caller's working directory).
   FIELD names NAME in errors.  */
int host_resolve_executable (const host_view *view, const char *name, const char *field, char **out,
                             hook_error **err);

#endif

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "inputs.h"
#include "safepath.h"

int
state_read (oci_state *state, hook_error **err)
{
  cleanup_free char *buf = NULL;
  size_t len = 0;

  if (read_fd_bounded (STDIN_FILENO, STATE_MAX_BYTES, &buf, &len, err) < 0)
    return hook_error_prefix (err, "state on stdin");
  return oci_state_parse (buf, len, state, err);
}

int
policy_file_read (const char *path, bool explicit_path, char **name, char **buf, size_t *len,
                  hook_error **err)
{
  *buf = NULL;
  if (asprintf (name, "policy %s", path) < 0)
    {
      *name = NULL;
      return hook_fail (err, ENOMEM, "policy %s", path);
    }
  /* Root's own configuration decides what every pod gets: a file that
     anyone but root could have written is refused, not obeyed (symlinks
     are followed, as a ConfigMap mount needs, when root owns them).  */
  if (read_trusted_file (path, *name, POLICY_MAX_BYTES, false, buf, len, err) < 0)
    return !explicit_path && hook_error_absorb (err, ENOENT) ? 0 : -1;
  return 0;
}

int
sandbox_policy_load (const char *path, bool explicit_path, sandbox_policy *policy, hook_error **err)
{
  cleanup_free char *buf = NULL;
  cleanup_free char *name = NULL;
  size_t len = 0;

  if (policy_file_read (path, explicit_path, &name, &buf, &len, err) < 0)
    return -1;
  if (buf && sandbox_policy_parse (buf, len, policy, err) < 0)
    return hook_error_prefix (err, "%s", name);
  return 0;
}

int
spec_read (int bundle_fd, char **buf, size_t *len, hook_error **err)
{
  struct stat st;

  /* O_NONBLOCK: a FIFO planted as config.json must not hang the hook.  */
  cleanup_close int fd
      = openat (bundle_fd, "config.json", O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0)
    return hook_fail (err, errno, "open config.json in the bundle");
  /* The largest input the hook takes: refused by its size before a byte
     is read (the bounded read catches one that grows meanwhile).  */
  if (fstat (fd, &st) < 0)
    return hook_fail (err, errno, "stat config.json");
  if (!S_ISREG (st.st_mode))
    return hook_fail (err, 0, "config.json: not a regular file");
  if ((uint64_t)st.st_size > SPEC_MAX_BYTES)
    return hook_fail (err, 0, "config.json: %lld bytes exceed the limit of %u",
                      (long long)st.st_size, SPEC_MAX_BYTES);
  if (read_regular_sized (fd, &st, SPEC_MAX_BYTES, buf, len, err) < 0)
    return hook_error_prefix (err, "config.json");
  return 0;
}

int
spec_load (int bundle_fd, container_spec *config, hook_error **err)
{
  cleanup_free char *buf = NULL;
  size_t len = 0;

  memset (config, 0, sizeof *config);
  if (spec_read (bundle_fd, &buf, &len, err) < 0)
    return -1;
  return spec_parse (buf, len, config, err);
}

/* The inputs of a stage, read from the system and parsed: the OCI state
   on stdin, the node policy file (which must be root's), and a bundle's
   config.json.  The parsing is decide/'s; the reading is here.  */
#ifndef OCI_SANDBOX_HOOK_INPUTS_H
#define OCI_SANDBOX_HOOK_INPUTS_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "policy.h"
#include "spec.h"
#include "state.h"

/* The OCI state on stdin, bounded and parsed.  */
int state_read (oci_state *state, hook_error **err);

/* The bytes of the policy file PATH (read_trusted_file: root's, or
   refused; at most POLICY_MAX_BYTES) in *BUF, and the name its errors
   give it in *NAME (both malloc'ed).  A missing file at the default path
   is no error: *BUF is NULL then.  A missing file named explicitly is.  */
int policy_file_read (const char *path, bool explicit_path, char **name, char **buf, size_t *len,
                      hook_error **err);

/* Load the policy file PATH (open_trusted_file: root's, or refused) over
   the defaults in POLICY.  A missing file at the default path means "all defaults"; a
   missing file named explicitly is an error.  */
int sandbox_policy_load (const char *path, bool explicit_path, sandbox_policy *policy,
                         hook_error **err);
/* The bytes of BUNDLE_FD/config.json: a regular file, not a symlink,
   never a FIFO (opened non-blocking and checked by fstat), at most
   SPEC_MAX_BYTES.  */
int spec_read (int bundle_fd, char **buf, size_t *len, hook_error **err);
/* spec_read, then spec_parse.  */
int spec_load (int bundle_fd, container_spec *config, hook_error **err);

#endif

/* The grammars of the names the hook is handed: container ids (which name
   log lines and must never be paths) and the absolute paths of bundles,
   sources and namespaces.  */
#ifndef OCI_SANDBOX_HOOK_NAMES_H
#define OCI_SANDBOX_HOOK_NAMES_H

#include <stdbool.h>

#include "error.h"

#define CONTAINER_ID_MAX 1024

/* runc's container id grammar: [A-Za-z0-9_+.-]+, at most CONTAINER_ID_MAX
   bytes, not "." or "..".  The id names log lines and must never be a path.
   FIELD names what holds it in the error ("state id", "entry id").  */
int container_id_validate (const char *id, const char *field, hook_error **err);

/* An absolute path without ".", ".." or empty components, shorter than
   PATH_MAX: what an engine hands us for the bundle.  */
int canonical_absolute_path_validate (const char *path, const char *name, hook_error **err);

/* A Kubernetes annotation name: an optional DNS-subdomain prefix and "/",
   then at most 63 of [A-Za-z0-9._-].  */
int annotation_key_validate (const char *key, hook_error **err);

#endif

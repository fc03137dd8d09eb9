/* render: write a parsed config.json back out with additions, for the
   precreate stage and the runtime wrapper.  Everything the hook does not
   own is preserved exactly: key order, numbers as written (64-bit values,
   exponents), unknown fields; strings are re-escaped by yajl (semantically
   identical).  Additions only ever fill in what is absent (or null, which
   runtimes read as unset: it is replaced in place): a key already present
   is never changed, and an array only ever gains an element that
   no element already equals.  */
#ifndef OCI_SANDBOX_HOOK_RENDER_H
#define OCI_SANDBOX_HOOK_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "json.h"

#define JSON_PATCH_MAX_PATH 4

typedef enum json_patch_kind
{
  PATCH_STRING,
  PATCH_NUMBER, /* VALUE is the canonical number text the hook formatted */
  /* KEY holds an array (made when absent or null): OBJECT is appended to
     it unless an element already matches it (see MATCH).  */
  PATCH_APPEND,
} json_patch_kind;

typedef struct json_patch
{
  /* Object keys from the root to the object that receives KEY, at most
     JSON_PATCH_MAX_PATH, NULL-terminated ({ "linux", "sysctl", NULL }).
     Missing objects on the way are created; a null one is replaced, and so
     is a null KEY.  */
  const char *path[JSON_PATCH_MAX_PATH + 1];
  const char *key;
  json_patch_kind kind;
  const char *value;        /* PATCH_STRING, PATCH_NUMBER */
  const json_value *object; /* PATCH_APPEND: an object, copied as it is */
  /* PATCH_APPEND: the members that make two elements the same entry
     (NULL-terminated; NULL: every member).  An element matches when, for
     each name, both lack the member or both hold equal values (objects
     compare without regard to key order, numbers by their text).  */
  const char *const *match;
} json_patch;

/* Check, without writing anything, that every patch's path goes through
   objects or null or absent keys only, and that an append's KEY is an
   array, null or absent: the one way rendering can fail.  */
int json_patches_check (const json_value *root, const json_patch *patches, size_t n_patches,
                        hook_error **err);

/* Render ROOT with PATCHES applied (each only when KEY is absent) straight
   to FD through a 64 KiB buffer: the output is never held whole (a large spec would otherwise live
   three times: input, tree, output).  Patches are checked first, so an error can only be a failing
   write, after which the output is incomplete.  A path through a value that is neither an object
   nor null is an error naming it.  */
int json_render_fd (const json_value *root, const json_patch *patches, size_t n_patches, int fd,
                    hook_error **err);

/* How many of PATCHES add something to ROOT: a key that is absent, an
   element that no element matches (for the log, and to skip a rewrite
   that would add nothing).  */
size_t json_patches_count_absent (const json_value *root, const json_patch *patches,
                                  size_t n_patches);

#endif

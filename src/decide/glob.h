/* File name patterns as Go's path/filepath.Match reads them: containerd
   expands an `imports` entry holding a '*' with filepath.Glob, and the
   installer must find exactly the files containerd will load.  */
#ifndef OCI_SANDBOX_HOOK_GLOB_H
#define OCI_SANDBOX_HOOK_GLOB_H

#include <stdbool.h>

#include "error.h"

/* Whether PATTERN matches NAME (one path component): '*' any run of
   characters but '/', '?' one character, '[...]' a class ('^' negates,
   'a-z' ranges), '\\' escapes the next character.  Characters are UTF-8
   code points, as in Go.  A malformed pattern (an unterminated class, an
   empty one, a lone '\\' at the end, an unescaped '-' or ']' where a
   character belongs) is an error, whatever NAME is, as Go reports it.  */
int glob_match (const char *pattern, const char *name, bool *match, hook_error **err);

#endif

/* The OOM score of the container's init (docs/engines.md §1, docs/security.md, threat 6).  */
#ifndef OCI_SANDBOX_HOOK_OOM_H
#define OCI_SANDBOX_HOOK_OOM_H

#include "error.h"
#include "process.h"

/* Parse the content of an oom_score_adj file: a decimal in [-1000,
   1000] and one trailing newline, nothing else.  */
int oom_score_parse (const char *text, int *out, hook_error **err);

/* Write VALUE (in [-1000, 1000]) to /proc/PID/oom_score_adj through the
   pid-bound /proc directory fd and read it back.  */
int oom_score_apply (const target_process *p, int value, hook_error **err);

#endif

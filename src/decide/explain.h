/* explain: the plan as JSON (the `plan` stage), for operators and tests.  */
#ifndef OCI_SANDBOX_HOOK_EXPLAIN_H
#define OCI_SANDBOX_HOOK_EXPLAIN_H

#include <stdio.h>

#include "error.h"
#include "plan.h"

/* Write PLAN for container ID as one JSON document (pretty when PRETTY).  */
int explain_plan (const sandbox_plan *plan, const char *id, const char *stage, bool pretty,
                  FILE *out, hook_error **err);

#endif

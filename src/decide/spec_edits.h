/* The spec-level half of the hook (precreate, and soon the runtime
   wrapper): the same plan as createRuntime, rendered into config.json
   instead of acted on: the sysctls, the OOM score, the CPU shares and the
   sizing annotations that VM runtimes read, each only where the spec does
   not set it already.  */
#ifndef OCI_SANDBOX_HOOK_SPEC_EDITS_H
#define OCI_SANDBOX_HOOK_SPEC_EDITS_H

#include <stddef.h>

#include "error.h"
#include "json.h"
#include "plan.h"
#include "render.h"

#define SPEC_EDITS_MAX_PATCHES 8

typedef struct spec_edits
{
  json_patch patches[SPEC_EDITS_MAX_PATCHES];
  size_t n;
  char numbers[SPEC_EDITS_MAX_PATCHES][24];
} spec_edits;

/* The spec edits of PLAN's applied actions (nothing for a non-sandbox).  */
void spec_edits_from_plan (const sandbox_plan *plan, spec_edits *edits);

/* ROOT (the parsed config.json) with PLAN's edits, written straight to FD
   (see json_render_fd).  */
int spec_edits_render_fd (const json_value *root, const sandbox_plan *plan, int fd,
                          hook_error **err);

#endif

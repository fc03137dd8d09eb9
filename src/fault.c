#include <config.h>

#include <string.h>

#include "fault.h"

int
fault_point (const char *configured, const char *step, hook_error **err)
{
#ifdef ENABLE_FAULT_INJECTION
  if (configured && strcmp (configured, step) == 0)
    return hook_fail (err, 0, "fault injected after step %s", step);
#else
  (void)configured;
  (void)step;
  (void)err;
#endif
  return 0;
}

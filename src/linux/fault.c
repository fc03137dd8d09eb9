#include <config.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decimal.h"
#include "fault.h"

int
fault_point (const char *configured, const char *step, hook_error **err)
{
#ifdef ENABLE_FAULT_INJECTION
  if (configured && strcmp (configured, step) == 0)
    return hook_fail (err, 0, "fault injected after step %s", step);
  /* "kill:STEP": die by SIGKILL right after STEP, as an OOM kill or a
     runtime's timeout would: no rollback runs, poststop must clean up.  */
  if (configured && strncmp (configured, "kill:", 5) == 0 && strcmp (configured + 5, step) == 0)
    kill (getpid (), SIGKILL);
#else
  (void)configured;
  (void)step;
  (void)err;
#endif
  return 0;
}

unsigned int
fault_deadline (const char *configured, unsigned int fallback)
{
#ifdef ENABLE_FAULT_INJECTION
  int64_t v;
  if (configured
      && decimal_parse (configured, strlen (configured), DECIMAL_CANONICAL, 1, 3600, &v) == 0)
    return (unsigned int)v;
#else
  (void)configured;
#endif
  return fallback;
}

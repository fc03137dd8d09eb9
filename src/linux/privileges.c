#include <config.h>

#include <cap-ng.h>
#include <errno.h>
#include <linux/capability.h>
#include <stdbool.h>

#include "privileges.h"

static const unsigned int needed[] = {
  CAP_SYS_ADMIN,    CAP_SYS_CHROOT,      CAP_SYS_PTRACE, CAP_KILL,         CAP_NET_ADMIN,
  CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER,     CAP_SYS_RESOURCE,
};

int
drop_capabilities (hook_error **err)
{
  bool have[sizeof needed / sizeof needed[0]];

  capng_clear (CAPNG_SELECT_BOTH);
  if (capng_get_caps_process () < 0)
    return hook_fail (err, errno, "read the hook's capabilities");
  for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++)
    have[i] = capng_have_capability (CAPNG_PERMITTED, needed[i]) != 0;
  capng_clear (CAPNG_SELECT_CAPS);
  for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++)
    if (have[i] && capng_update (CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, needed[i]) < 0)
      return hook_fail (err, 0, "capability set");
  if (capng_apply (CAPNG_SELECT_CAPS) < 0)
    return hook_fail (err, errno, "drop capabilities");
  return 0;
}

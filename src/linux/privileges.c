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
capabilities_read (capng_lib *capng, hook_capabilities *caps, hook_error **err)
{
  if (capng_lib_load (capng, err) < 0)
    return -1;
  capng->capng_clear (CAPNG_SELECT_BOTH);
  if (capng->capng_get_caps_process () < 0)
    return hook_fail (err, errno, "read the hook's capabilities");
  caps->sys_resource_effective
      = capng->capng_have_capability (CAPNG_EFFECTIVE, CAP_SYS_RESOURCE) != 0;
  caps->needed_permitted = 0;
  for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++)
    if (capng->capng_have_capability (CAPNG_PERMITTED, needed[i]) != 0)
      caps->needed_permitted |= UINT64_C (1) << needed[i];
  return 0;
}

int
drop_capabilities (const capng_lib *capng, const hook_capabilities *caps, hook_error **err)
{
  /* From what capabilities_read saw, without reading /proc again: the
     cleared sets replace the process's whole on capng_apply.  */
  capng->capng_clear (CAPNG_SELECT_CAPS);
  for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++)
    if ((caps->needed_permitted & (UINT64_C (1) << needed[i]))
        && capng->capng_update (CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, needed[i]) < 0)
      return hook_fail (err, 0, "capability set");
  if (capng->capng_apply (CAPNG_SELECT_CAPS) < 0)
    return hook_fail (err, errno, "drop capabilities");
  return 0;
}

#include <config.h>

#include <cap-ng.h>
#include <errno.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "privileges.h"

static const unsigned int needed[] = {
  CAP_SYS_ADMIN,    CAP_SYS_CHROOT,      CAP_SYS_PTRACE, CAP_KILL,         CAP_NET_ADMIN,
  CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER,     CAP_SYS_RESOURCE,
};

int
capabilities_read (capng_lib *capng, hook_capabilities *caps, hook_error **err)
{
  struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
  struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

  /* libcap-ng changes them (drop_capabilities).  Reading is one capget:
     capng_get_caps_process also reads /proc/PID/status twice, for the
     bounding and ambient sets, which the hook never uses.  */
  if (capng_lib_load (capng, err) < 0)
    return -1;
  if (syscall (SYS_capget, &header, data) < 0)
    return hook_fail (err, errno, "read the hook's capabilities");
  caps->sys_resource_effective
      = (data[CAP_TO_INDEX (CAP_SYS_RESOURCE)].effective & CAP_TO_MASK (CAP_SYS_RESOURCE)) != 0;
  caps->needed_permitted = 0;
  for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++)
    if (data[CAP_TO_INDEX (needed[i])].permitted & CAP_TO_MASK (needed[i]))
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

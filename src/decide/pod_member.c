#include <config.h>

#include <stdio.h>
#include <string.h>

#include "pod_member.h"
#include "state.h"

static const struct
{
  const char *engine, *type_key, *sandbox_key;
} member_keys[] = {
  { "containerd", "io.kubernetes.cri.container-type", "io.kubernetes.cri.sandbox-id" },
  { "CRI-O", "io.kubernetes.cri-o.ContainerType", "io.kubernetes.cri-o.SandboxID" },
};

bool
pod_member_match (const json_value *annotations, char *reason, size_t reason_size)
{
  for (size_t i = 0; i < sizeof member_keys / sizeof member_keys[0]; i++)
    {
      const char *type = annotation_get (annotations, member_keys[i].type_key);
      const char *sandbox = annotation_get (annotations, member_keys[i].sandbox_key);
      if (type && strcmp (type, "container") == 0 && sandbox && sandbox[0] != '\0')
        {
          snprintf (reason, reason_size, "a %s pod member (%s=container, %s)",
                    member_keys[i].engine, member_keys[i].type_key, member_keys[i].sandbox_key);
          return true;
        }
    }
  snprintf (reason, reason_size, "no pod member annotations");
  return false;
}

/* libFuzzer harness: the OCI state a runtime writes on stdin.  */
#include <config.h>

#include <stdint.h>

#include "state.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  oci_state state;
  hook_error *err = NULL;

  if (oci_state_parse ((const char *)data, size, &state, &err) == 0)
    (void)annotation_get (state.annotations, "io.kubernetes.cri.container-type");
  oci_state_clear (&state);
  hook_error_free (err);
  return 0;
}

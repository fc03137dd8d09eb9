/* libFuzzer harness: the node policy file.  */
#include <config.h>

#include <stdint.h>

#include "policy.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  sandbox_policy policy;
  hook_error *err = NULL;

  sandbox_policy_init_defaults (&policy);
  (void)sandbox_policy_parse ((const char *)data, size, &policy, &err);
  sandbox_policy_clear (&policy);
  hook_error_free (err);
  return 0;
}

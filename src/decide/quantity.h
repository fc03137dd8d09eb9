/* Kubernetes resource quantities ("64Mi", "128M", "1Gi", "67108864") as used
   by io.kubernetes.cri-o.ShmSize and io.oci-sandbox-hook.shm-size.  */
#ifndef OCI_SANDBOX_HOOK_QUANTITY_H
#define OCI_SANDBOX_HOOK_QUANTITY_H

#include <stdint.h>

#include "error.h"

/* Parse TEXT into a byte count.  Grammar (a strict subset of Kubernetes'
   resource.Quantity): DIGITS [ "." DIGITS ] [ SUFFIX ], SUFFIX one of
   Ki Mi Gi Ti Pi Ei (powers of 1024) or k M G T P E (powers of 1000); no
   sign, no spaces, no exponent, at most 64 characters.  A fraction is
   accepted only when the result is a whole number of bytes.  Overflow of
   uint64 is an error.  0 is returned as 0: callers decide whether it is
   allowed.  The error message quotes TEXT and says why; callers prefix the
   field name.  */
int quantity_parse_bytes (const char *text, uint64_t *bytes, hook_error **err);

#endif

/* SHA-256 (FIPS 180-4): the installer's record names every file it wrote
   by the digest of its bytes, so that uninstall can tell its own file from
   one changed since (and an operator can check with sha256sum).  */
#ifndef OCI_SANDBOX_HOOK_SHA256_H
#define OCI_SANDBOX_HOOK_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_BYTES 32
/* 64 lowercase hex digits and a NUL.  */
#define SHA256_HEX_SIZE 65

void sha256 (const void *data, size_t len, uint8_t out[SHA256_DIGEST_BYTES]);
/* The digest of DATA as lowercase hex, as sha256sum prints it.  */
void sha256_hex (const void *data, size_t len, char out[SHA256_HEX_SIZE]);

#endif

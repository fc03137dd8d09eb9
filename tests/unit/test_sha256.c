/* SHA-256 against FIPS 180-4's examples and the lengths around the
   padding's edges (checked with Python's hashlib).  */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "sha256.h"
#include "tap.h"

static void
check_digest (const char *data, size_t len, const char *expected)
{
  char hex[SHA256_HEX_SIZE];
  sha256_hex (data, len, hex);
  CHECK_STR (hex, expected);
}

static void
check_repeated_a (size_t len, const char *expected)
{
  char *data = malloc (len ? len : 1);
  if (data == NULL)
    {
      CHECK (data != NULL);
      return;
    }
  memset (data, 'a', len);
  check_digest (data, len, expected);
  free (data);
}

TEST (fips_180_examples)
{
  check_digest ("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  check_digest ("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  check_digest ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  check_repeated_a (1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST (lengths_around_the_padding_block)
{
  /* 55 bytes: the length fits in the same block; 56: it takes another.  */
  check_repeated_a (55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  check_repeated_a (56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  check_repeated_a (63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34");
  check_repeated_a (64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
  check_repeated_a (65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0");
}

int
main (void)
{
  RUN (fips_180_examples);
  RUN (lengths_around_the_padding_block);
  return tap_done ();
}

/* libFuzzer harness: the runtime wrapper's command line.  The input is
   argv after argv[0], words separated by NUL bytes.  Whatever the words,
   the grammar ends in a decision or an error, and a create or run it
   accepts names exactly one id among the words.  */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime_args.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define MAX_WORDS 64

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *argv[MAX_WORDS + 2];
  int argc = 0;
  hook_error *err = NULL;
  runtime_args args;

  char *buf = malloc (size + 1);
  if (buf == NULL)
    return 0;
  memcpy (buf, data, size);
  buf[size] = '\0';
  argv[argc++] = (char *)"oci-sandbox-runtime";
  for (size_t i = 0; i <= size && argc <= MAX_WORDS; i += strlen (buf + i) + 1)
    argv[argc++] = buf + i;
  argv[argc] = NULL;
  if (runtime_args_parse (argc, argv, &args, &err) == 0 && args.kind != RUNTIME_PASS)
    {
      bool found = false;
      for (int i = args.command_index + 1; i < argc; i++)
        found |= argv[i] == args.id;
      if (!found || args.command_index < 1)
        abort ();
    }
  hook_error_free (err);
  free (buf);
  return 0;
}

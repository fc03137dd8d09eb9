/* Writing JSON with yajl's generator, keeping its first failure: yajl
   refuses a value (a string that is not UTF-8, a value where a key belongs)
   by returning a status and writing nothing, so the rest of the document
   would shift and still parse.  The plan's explanation, the registry's
   entries and the pods listing are generated through it.  */
#ifndef OCI_SANDBOX_HOOK_JSON_GEN_H
#define OCI_SANDBOX_HOOK_JSON_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>

#include "error.h"

typedef struct generator
{
  yajl_gen g;
  yajl_gen_status status;
} generator;

/* A generator (strings checked as UTF-8; indented when PRETTY).  */
int generator_open (generator *gen, bool pretty, hook_error **err);
void generator_close (generator *gen);
#define cleanup_generator __attribute__ ((cleanup (generator_close)))

/* The document so far, or an error when a value was refused.  */
int generator_result (generator *gen, const char **buf, size_t *len, hook_error **err);

void gen_track (generator *gen, yajl_gen_status status);
void gen_string (generator *gen, const char *s);
void gen_uint64 (generator *gen, uint64_t value);
void gen_key_string (generator *gen, const char *key, const char *value);
void gen_key_integer (generator *gen, const char *key, long long value);
void gen_key_uint64 (generator *gen, const char *key, uint64_t value);
void gen_key_bool (generator *gen, const char *key, bool value);
void gen_map_open (generator *gen);
void gen_map_close (generator *gen);
void gen_array_open (generator *gen);
void gen_array_close (generator *gen);

#endif

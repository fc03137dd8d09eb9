#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "json_gen.h"

int
generator_open (generator *gen, bool pretty, hook_error **err)
{
  gen->status = yajl_gen_status_ok;
  gen->g = yajl_gen_alloc (NULL);
  if (gen->g == NULL)
    return hook_fail (err, ENOMEM, "JSON generator");
  yajl_gen_config (gen->g, yajl_gen_beautify, pretty ? 1 : 0);
  yajl_gen_config (gen->g, yajl_gen_validate_utf8, 1);
  return 0;
}

void
generator_close (generator *gen)
{
  if (gen->g)
    yajl_gen_free (gen->g);
  gen->g = NULL;
}

int
generator_result (generator *gen, const char **buf, size_t *len, hook_error **err)
{
  const unsigned char *b;

  if (gen->status != yajl_gen_status_ok || yajl_gen_get_buf (gen->g, &b, len) != yajl_gen_status_ok)
    return hook_fail (err, 0, "could not generate JSON (yajl status %d)", (int)gen->status);
  *buf = (const char *)b;
  return 0;
}

void
gen_track (generator *gen, yajl_gen_status status)
{
  if (gen->status == yajl_gen_status_ok)
    gen->status = status;
}

void
gen_string (generator *gen, const char *s)
{
  gen_track (gen, yajl_gen_string (gen->g, (const unsigned char *)s, strlen (s)));
}

void
gen_key_string (generator *gen, const char *key, const char *value)
{
  gen_string (gen, key);
  gen_string (gen, value);
}

void
gen_key_integer (generator *gen, const char *key, long long value)
{
  gen_string (gen, key);
  gen_track (gen, yajl_gen_integer (gen->g, value));
}

/* yajl_gen_integer takes a long long: the full unsigned range goes
   through its digits.  */
void
gen_uint64 (generator *gen, uint64_t value)
{
  char buf[24];
  int n = snprintf (buf, sizeof buf, "%" PRIu64, value);
  gen_track (gen, yajl_gen_number (gen->g, buf, (size_t)n));
}

void
gen_key_uint64 (generator *gen, const char *key, uint64_t value)
{
  gen_string (gen, key);
  gen_uint64 (gen, value);
}

void
gen_key_bool (generator *gen, const char *key, bool value)
{
  gen_string (gen, key);
  gen_track (gen, yajl_gen_bool (gen->g, value));
}

void
gen_map_open (generator *gen)
{
  gen_track (gen, yajl_gen_map_open (gen->g));
}

void
gen_map_close (generator *gen)
{
  gen_track (gen, yajl_gen_map_close (gen->g));
}

void
gen_array_open (generator *gen)
{
  gen_track (gen, yajl_gen_array_open (gen->g));
}

void
gen_array_close (generator *gen)
{
  gen_track (gen, yajl_gen_array_close (gen->g));
}

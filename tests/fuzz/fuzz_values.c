/* libFuzzer harness: every grammar for a single pod-controlled value.  The
   first byte picks the parser, the rest is the value (NUL-terminated), or
   from 0xf0 an engine's resolv.conf or hostname file (engine_files).  */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decimal.h"
#include "dnsfiles.h"
#include "quantity.h"
#include "sysctl_rules.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
forget (hook_error **err)
{
  hook_error_free (*err);
  *err = NULL;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  hook_error *err = NULL;
  char *out = NULL;
  size_t len = 0;

  if (size < 1)
    return 0;
  /* A first byte from 0xf0: an engine's whole file, bytes as they are
     (NULs included): 0xf0-0xf7 resolv.conf, 0xf8-0xff hostname.  */
  if (data[0] >= 0xf0)
    {
      if (data[0] < 0xf8)
        (void)dns_engine_resolv_conf_check ((const char *)data + 1, size - 1, &err);
      else
        (void)dns_engine_hostname_check ((const char *)data + 1, size - 1, &err);
      forget (&err);
      return 0;
    }
  char *value = strndup ((const char *)data + 1, size - 1);
  if (value == NULL)
    return 0;
  switch (data[0] % 6)
    {
    case 0:
      {
        uint64_t bytes;
        int64_t number;
        (void)quantity_parse_bytes (value, &bytes, &err);
        /* The integer grammar under each rule.  */
        for (unsigned rules = 0; rules < 8; rules++)
          (void)decimal_parse (value, strlen (value), rules, INT64_MIN, INT64_MAX, &number);
        break;
      }
    case 1:
    case 2:
    case 3:
      {
        dns_config dns = { 0 };
        char ***items = data[0] % 6 == 1   ? &dns.servers
                        : data[0] % 6 == 2 ? &dns.searches
                                           : &dns.options;
        size_t *n = data[0] % 6 == 1   ? &dns.n_servers
                    : data[0] % 6 == 2 ? &dns.n_searches
                                       : &dns.n_options;
        if (dns_split_list (value, 64, items, n, &err) == 0 && dns_config_validate (&dns, &err) == 0
            && dns_render_resolv_conf (&dns, &out, &len, &err) == 0)
          free (out);
        dns_config_clear (&dns);
        break;
      }
    case 4:
      if (hostname_validate (value, &err) == 0 && hostname_render (value, &out, &len, &err) == 0)
        free (out);
      break;
    case 5:
      {
        char *eq = strchr (value, '=');
        if (eq)
          {
            *eq = '\0';
            (void)sysctl_entry_check (value, eq + 1, size & 1, size & 2, size & 4, &err);
          }
        break;
      }
    }
  forget (&err);
  free (quote_for_message (value));
  free (value);
  return 0;
}

#include <config.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "dnsfiles.h"
#include "error.h"
#include "tap.h"
#include "validator_cases.h"

static char **
copy_list (const char *const *values, size_t n)
{
  char **list = calloc (n + 1, sizeof (*list));
  size_t i;

  if (list == NULL)
    abort ();
  for (i = 0; i < n; i++)
    if ((list[i] = strdup (values[i])) == NULL)
      abort ();
  return list;
}

/* A 253-character subdomain: three 63-character labels and one of 61.  */
static char *
longest_subdomain (char first)
{
  char *s = repeat (first, 253);

  s[63] = s[127] = s[191] = '.';
  return s;
}

/* quote_for_message */

TEST (quote_escapes_newline_and_control_characters)
{
  cleanup_free char *q = quote_for_message ("1\nnameserver 6.6.6.6\r\t\x1b\x7f");

  CHECK_STR (q, "\"1\\nnameserver 6.6.6.6\\r\\t\\x1b\\x7f\"");
}

TEST (quote_escapes_non_ascii_bytes)
{
  cleanup_free char *q = quote_for_message ("caf\xc3\xa9");

  CHECK_STR (q, "\"caf\\xc3\\xa9\"");
}

TEST (quote_escapes_quotes_and_backslashes)
{
  cleanup_free char *q = quote_for_message ("a\"b\\c");

  CHECK_STR (q, "\"a\\\"b\\\\c\"");
}

TEST (quote_of_empty_string_is_two_quotes)
{
  cleanup_free char *q = quote_for_message ("");

  CHECK_STR (q, "\"\"");
}

TEST (quote_of_null_says_null)
{
  cleanup_free char *q = quote_for_message (NULL);

  CHECK_STR (q, "(null)");
}

TEST (quote_truncates_long_input_to_64_characters)
{
  cleanup_free char *long_value = repeat ('a', 100);
  cleanup_free char *expected_body = repeat ('a', 64);
  cleanup_free char *q = quote_for_message (long_value);
  char expected[80];

  snprintf (expected, sizeof expected, "\"%s\"...", expected_body);
  CHECK_STR (q, expected);
}

TEST (quote_keeps_exactly_64_characters_whole)
{
  cleanup_free char *value = repeat ('b', 64);
  cleanup_free char *q = quote_for_message (value);
  char expected[80];

  snprintf (expected, sizeof expected, "\"%s\"", value);
  CHECK_STR (q, expected);
}

TEST (quote_truncates_escaped_input_by_input_bytes)
{
  cleanup_free char *value = repeat ('\n', 200);
  cleanup_free char *q = quote_for_message (value);

  /* 64 escapes of two characters, two quotes, "...".  */
  CHECK_INT (q ? strlen (q) : 0, 64 * 2 + 2 + 3);
  CHECK (q != NULL && strncmp (q, "\"\\n\\n", 5) == 0);
  CHECK (q != NULL && strcmp (q + strlen (q) - 4, "\"...") == 0);
}

/* DNS servers */

TEST (dns_server_ipv4_is_accepted_in_canonical_form)
{
  cleanup_hook_error hook_error *err = NULL;
  char canon[INET6_ADDRSTRLEN] = "";

  CHECK_INT (dns_server_validate ("1.1.1.1", canon, sizeof canon, &err), 0);
  CHECK_STR (canon, "1.1.1.1");
  CHECK_INT (dns_server_validate ("10.96.0.10", canon, sizeof canon, &err), 0);
  CHECK_STR (canon, "10.96.0.10");
  CHECK (err == NULL);
}

TEST (dns_server_ipv6_is_rewritten_to_canonical_form)
{
  static const struct
  {
    const char *in, *out;
  } cases[] = {
    { "2001:DB8:0:0:0:0:0:1", "2001:db8::1" },
    { "::1", "::1" },
    { "fd00::a", "fd00::a" },
    { "0:0:0:0:0:ffff:1.2.3.4", "::ffff:1.2.3.4" },
    { "1::2:3:4:5:6:7", "1:0:2:3:4:5:6:7" },
  };
  size_t i;

  for (i = 0; i < N_ELEMENTS (cases); i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      char canon[INET6_ADDRSTRLEN] = "";

      if (dns_server_validate (cases[i].in, canon, sizeof canon, &err) != 0
          || strcmp (canon, cases[i].out) != 0)
        {
          printf ("# %s: got \"%s\", expected \"%s\" (%s)\n", cases[i].in, canon, cases[i].out,
                  err ? err->message : "no error");
          tap_current_failed = true;
        }
    }
}

static int
server_validator (const char *value, hook_error **err)
{
  char canon[INET6_ADDRSTRLEN];

  return dns_server_validate (value, canon, sizeof canon, err);
}

TEST (dns_server_that_is_not_an_ip_address_is_refused)
{
  static const reject_case cases[] = {
    { "1.1.1.1 #", "\"1.1.1.1 #\": not an IP address" },
    { "1.1.1.1\nnameserver 6.6.6.6", "\"1.1.1.1\\nnameserver 6.6.6.6\": not an IP address" },
    { "", "\"\": not an IP address" },
    { " 1.1.1.1", "not an IP address" },
    { "1.1.1.1 ", "not an IP address" },
    { "1.1.1", "not an IP address" },
    { "256.1.1.1", "not an IP address" },
    { "1.1.1.1/32", "not an IP address" },
    { "0x01.1.1.1", "not an IP address" },
    { "dns.google", "not an IP address" },
    { "[::1]", "not an IP address" },
    { "1.1.1.1:53", "not an IP address" },
  };

  check_all_refused (server_validator, cases, N_ELEMENTS (cases));
}

TEST (dns_server_with_zone_id_is_refused)
{
  static const reject_case cases[] = {
    { "fe80::1%eth0", "\"fe80::1%eth0\": not an IP address" },
    { "fe80::1%1", "not an IP address" },
  };

  check_all_refused (server_validator, cases, N_ELEMENTS (cases));
}

TEST (dns_server_with_leading_zeros_follows_inet_pton)
{
  cleanup_hook_error hook_error *err = NULL;
  char canon[INET6_ADDRSTRLEN] = "";
  struct in_addr a;
  int expected = inet_pton (AF_INET, "01.1.1.1", &a) == 1 ? 0 : -1;

  CHECK_INT (dns_server_validate ("01.1.1.1", canon, sizeof canon, &err), expected);
  if (expected == 0)
    CHECK_STR (canon, "1.1.1.1");
  else
    CHECK_ERROR_MENTIONS (err, "\"01.1.1.1\": not an IP address");
}

/* DNS search domains */

TEST (dns_search_subdomain_is_accepted)
{
  cleanup_free char *label63 = repeat ('a', 63);
  cleanup_free char *longest = longest_subdomain ('x');
  const char *values[] = {
    "svc.cluster.local",
    "ns.svc.cluster.local",
    "a",
    "0",
    "a-b.c-d",
    "1.2.3",
    label63,
    longest,
    /* Fully qualified, as Kubernetes takes dnsConfig.searches.  */
    "example.com.",
    "a.",
  };

  CHECK_INT (strlen (longest), 253);
  check_all_accepted (dns_search_validate, values, N_ELEMENTS (values));
}

TEST (dns_search_that_is_not_a_dns_1123_subdomain_is_refused)
{
  static const reject_case cases[] = {
    { "a\rb", "\"a\\rb\": not a DNS-1123 subdomain" },
    { "a\nsearch evil", "\"a\\nsearch evil\": not a DNS-1123 subdomain" },
    { "A.com", "\"A.com\": not a DNS-1123 subdomain" },
    { "-a.com", "\"-a.com\": not a DNS-1123 subdomain" },
    { "a-.com", "not a DNS-1123 subdomain" },
    { "a..b", "\"a..b\": not a DNS-1123 subdomain (empty label)" },
    { "", "\"\": not a DNS-1123 subdomain" },
    { "a b", "\"a b\": not a DNS-1123 subdomain" },
    { ".a", "not a DNS-1123 subdomain" },
    { "a..", "not a DNS-1123 subdomain (empty label)" },
    { ".", "not a DNS-1123 subdomain" },
    { "a_b", "not a DNS-1123 subdomain" },
    { "caf\xc3\xa9.com", "\"caf\\xc3\\xa9.com\": not a DNS-1123 subdomain" },
    { "a\tb", "not a DNS-1123 subdomain" },
  };

  check_all_refused (dns_search_validate, cases, N_ELEMENTS (cases));
}

TEST (dns_search_label_longer_than_63_is_refused)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_free char *label64 = repeat ('a', 64);

  CHECK_INT (dns_search_validate (label64, &err), -1);
  CHECK_ERROR_MENTIONS (err, "label longer than 63 characters");
}

TEST (dns_search_longer_than_253_is_refused)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_free char *longest = longest_subdomain ('x');
  char longer[300];

  snprintf (longer, sizeof longer, "a%s", longest);
  CHECK_INT (strlen (longer), 254);
  CHECK_INT (dns_search_validate (longer, &err), -1);
  CHECK_ERROR_MENTIONS (err, "longer than 253 characters");
}

/* Resolver options */

TEST (dns_option_name_or_name_value_is_accepted)
{
  cleanup_free char *longest = repeat ('n', 64);
  const char *values[] = {
    "ndots:5", "rotate",  "edns0",      "timeout:2", "single-request-reopen",
    "use-vc",  "Ndots:5", "attempts:3", "trust-ad",  "a.b_c:V.a_l-ue",
    "0",       longest,
  };

  check_all_accepted (dns_option_validate, values, N_ELEMENTS (values));
}

TEST (dns_option_with_newline_is_refused)
{
  static const reject_case cases[] = {
    { "1\nnameserver 6.6.6.6", "\"1\\nnameserver 6.6.6.6\": not a resolver option" },
    { "ndots:5\n", "\"ndots:5\\n\": not a resolver option" },
    { "ndots:5\r", "not a resolver option" },
  };

  check_all_refused (dns_option_validate, cases, N_ELEMENTS (cases));
}

TEST (dns_option_with_blank_is_refused)
{
  static const reject_case cases[] = {
    { "ndots: 5", "\"ndots: 5\": not a resolver option" },
    { "ndots:5 rotate", "\"ndots:5 rotate\": not a resolver option" },
    { " ndots:5", "not a resolver option" },
    { "ndots:5\t", "not a resolver option" },
  };

  check_all_refused (dns_option_validate, cases, N_ELEMENTS (cases));
}

TEST (dns_option_with_missing_name_or_value_is_refused)
{
  static const reject_case cases[] = {
    { "", "\"\": not a resolver option" },
    { ":5", "\":5\": not a resolver option" },
    { "ndots:", "\"ndots:\": not a resolver option (empty value)" },
    { "ndots:5:6", "not a resolver option" },
    { "-ndots", "not a resolver option" },
    { ".ndots", "not a resolver option" },
    { "ndots=5", "not a resolver option" },
    { "nd\xc3\xb6ts", "not a resolver option" },
  };

  check_all_refused (dns_option_validate, cases, N_ELEMENTS (cases));
}

TEST (dns_option_longer_than_64_is_refused)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_free char *value = repeat ('n', 65);

  CHECK_INT (dns_option_validate (value, &err), -1);
  CHECK_ERROR_MENTIONS (err, "longer than 64 characters");
}

/* Whole config and Kubernetes limits */

TEST (dns_config_validation_rewrites_servers_in_place)
{
  static const char *const servers[] = { "1.1.1.1", "2001:DB8::0:1", "1::2:3:4:5:6:7" };
  static const char *const searches[] = { "svc.cluster.local" };
  static const char *const options[] = { "ndots:5" };
  cleanup_hook_error hook_error *err = NULL;
  dns_config config = {
    copy_list (servers, 3), 3, copy_list (searches, 1), 1, copy_list (options, 1), 1,
  };

  CHECK_INT (dns_config_validate (&config, &err), 0);
  CHECK_STR (config.servers[0], "1.1.1.1");
  CHECK_STR (config.servers[1], "2001:db8::1");
  CHECK_STR (config.servers[2], "1:0:2:3:4:5:6:7");
  CHECK_STR (config.searches[0], "svc.cluster.local");
  CHECK_STR (config.options[0], "ndots:5");
  dns_config_clear (&config);
  CHECK (config.servers == NULL && config.n_servers == 0);
}

TEST (dns_config_error_names_the_offending_value)
{
  static const struct
  {
    const char *server, *search, *option, *mention;
  } cases[] = {
    { "1.1.1.1 #", "a", "rotate", "DNS server 1: \"1.1.1.1 #\": not an IP address" },
    { "1.1.1.1", "a\rb", "rotate", "DNS search domain 1: \"a\\rb\": not a DNS-1123 subdomain" },
    { "1.1.1.1", "a", "1\nnameserver 6.6.6.6",
      "DNS option 1: \"1\\nnameserver 6.6.6.6\": not a resolver option" },
  };
  size_t i;

  for (i = 0; i < N_ELEMENTS (cases); i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      dns_config config = {
        copy_list (&cases[i].server, 1), 1, copy_list (&cases[i].search, 1), 1,
        copy_list (&cases[i].option, 1), 1,
      };

      if (dns_config_validate (&config, &err) != -1 || err == NULL
          || strstr (err->message, cases[i].mention) == NULL)
        {
          printf ("# case %zu: error \"%s\", expected one mentioning \"%s\"\n", i,
                  err ? err->message : "(none)", cases[i].mention);
          tap_current_failed = true;
        }
      dns_config_clear (&config);
    }
}

TEST (dns_config_with_three_servers_is_accepted)
{
  static const char *const servers[] = { "1.1.1.1", "8.8.8.8", "9.9.9.9" };
  cleanup_hook_error hook_error *err = NULL;
  dns_config config = { copy_list (servers, 3), 3, NULL, 0, NULL, 0 };

  CHECK_INT (dns_config_validate (&config, &err), 0);
  dns_config_clear (&config);
}

TEST (dns_config_with_more_than_3_servers_is_refused)
{
  static const char *const servers[] = { "1.1.1.1", "8.8.8.8", "9.9.9.9", "1.0.0.1" };
  cleanup_hook_error hook_error *err = NULL;
  dns_config config = { copy_list (servers, 4), 4, NULL, 0, NULL, 0 };

  CHECK_INT (dns_config_validate (&config, &err), -1);
  CHECK_ERROR_MENTIONS (err, "too many DNS servers: 4 (at most 3)");
  dns_config_clear (&config);
}

static dns_config
config_with_searches (size_t n, const char *search)
{
  dns_config config = { NULL, 0, calloc (n + 1, sizeof (char *)), n, NULL, 0 };
  size_t i;

  if (config.searches == NULL)
    abort ();
  for (i = 0; i < n; i++)
    if ((config.searches[i] = strdup (search)) == NULL)
      abort ();
  return config;
}

TEST (dns_config_with_32_searches_is_accepted)
{
  cleanup_hook_error hook_error *err = NULL;
  dns_config config = config_with_searches (32, "svc.cluster.local");

  CHECK_INT (dns_config_validate (&config, &err), 0);
  dns_config_clear (&config);
}

TEST (dns_config_with_more_than_32_searches_is_refused)
{
  cleanup_hook_error hook_error *err = NULL;
  dns_config config = config_with_searches (33, "a");

  CHECK_INT (dns_config_validate (&config, &err), -1);
  CHECK_ERROR_MENTIONS (err, "too many DNS search domains: 33 (at most 32)");
  dns_config_clear (&config);
}

/* Eight 253-character searches and spaces make 2031 characters; a ninth
   search of TAIL characters brings the total to 2032 + TAIL.  */
static dns_config
config_with_search_chars (size_t tail)
{
  cleanup_free char *longest = longest_subdomain ('s');
  dns_config config = config_with_searches (9, longest);

  free (config.searches[8]);
  config.searches[8] = repeat ('t', tail);
  return config;
}

TEST (dns_config_with_2048_search_characters_is_accepted)
{
  cleanup_hook_error hook_error *err = NULL;
  dns_config config = config_with_search_chars (16);

  CHECK_INT (dns_config_validate (&config, &err), 0);
  dns_config_clear (&config);
}

TEST (dns_config_with_more_than_2048_search_characters_is_refused)
{
  cleanup_hook_error hook_error *err = NULL;
  dns_config config = config_with_search_chars (17);

  CHECK_INT (dns_config_validate (&config, &err), -1);
  CHECK_ERROR_MENTIONS (err, "2049 characters joined by spaces (at most 2048)");
  dns_config_clear (&config);
}

static dns_config
config_with_options (size_t n)
{
  dns_config config = { NULL, 0, NULL, 0, calloc (n + 1, sizeof (char *)), n };
  size_t i;

  if (config.options == NULL)
    abort ();
  for (i = 0; i < n; i++)
    if ((config.options[i] = strdup ("rotate")) == NULL)
      abort ();
  return config;
}

TEST (dns_config_with_32_options_is_accepted)
{
  cleanup_hook_error hook_error *err = NULL;
  dns_config config = config_with_options (32);

  CHECK_INT (dns_config_validate (&config, &err), 0);
  dns_config_clear (&config);
}

TEST (dns_config_with_more_than_32_options_is_refused)
{
  cleanup_hook_error hook_error *err = NULL;
  dns_config config = config_with_options (33);

  CHECK_INT (dns_config_validate (&config, &err), -1);
  CHECK_ERROR_MENTIONS (err, "too many DNS options: 33 (at most 32)");
  dns_config_clear (&config);
}

TEST (empty_dns_config_is_valid)
{
  cleanup_hook_error hook_error *err = NULL;
  dns_config config = { NULL, 0, NULL, 0, NULL, 0 };

  CHECK_INT (dns_config_validate (&config, &err), 0);
}

/* Comma-separated annotation lists */

TEST (dns_list_is_split_on_commas_and_trimmed)
{
  cleanup_hook_error hook_error *err = NULL;
  char **items = NULL;
  size_t n = 99;

  CHECK_INT (dns_split_list ("1.1.1.1, 8.8.8.8", 3, &items, &n, &err), 0);
  CHECK_INT (n, 2);
  if (n == 2 && items != NULL)
    {
      CHECK_STR (items[0], "1.1.1.1");
      CHECK_STR (items[1], "8.8.8.8");
    }
  free_strings (items, n);

  CHECK_INT (dns_split_list ("\t a \t,b\t", 3, &items, &n, &err), 0);
  CHECK_INT (n, 2);
  if (n == 2 && items != NULL)
    {
      CHECK_STR (items[0], "a");
      CHECK_STR (items[1], "b");
    }
  free_strings (items, n);
}

TEST (dns_list_with_one_item_has_one_item)
{
  cleanup_hook_error hook_error *err = NULL;
  char **items = NULL;
  size_t n = 99;

  CHECK_INT (dns_split_list ("ndots:5", 32, &items, &n, &err), 0);
  CHECK_INT (n, 1);
  if (n == 1 && items != NULL)
    CHECK_STR (items[0], "ndots:5");
  free_strings (items, n);
}

TEST (dns_list_keeps_inner_blanks_and_other_whitespace_for_the_validators)
{
  cleanup_hook_error hook_error *err = NULL;
  char **items = NULL;
  size_t n = 0;

  CHECK_INT (dns_split_list ("ndots: 5 ,1.1.1.1\n", 3, &items, &n, &err), 0);
  CHECK_INT (n, 2);
  if (n == 2 && items != NULL)
    {
      CHECK_STR (items[0], "ndots: 5");
      CHECK_STR (items[1], "1.1.1.1\n");
    }
  free_strings (items, n);
}

TEST (dns_list_with_empty_item_is_refused)
{
  static const reject_case cases[] = {
    { "a,,b", "\"a,,b\": item 2 is empty" }, { ",a", "\",a\": item 1 is empty" },
    { "a,", "\"a,\": item 2 is empty" },     { "", "\"\": item 1 is empty" },
    { " \t ", "item 1 is empty" },           { "a, ,b", "item 2 is empty" },
  };
  size_t i;

  for (i = 0; i < N_ELEMENTS (cases); i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      char *sentinel[1] = { NULL };
      char **items = sentinel; /* must be reset to NULL on failure */
      size_t n = 99;

      if (dns_split_list (cases[i].value, 32, &items, &n, &err) != -1 || items != NULL || n != 0
          || err == NULL || strstr (err->message, cases[i].mention) == NULL)
        {
          report ("split", cases[i].value, err ? err->message : "(no error)");
          if (items != sentinel)
            free_strings (items, n);
        }
    }
}

TEST (dns_list_with_more_than_max_items_is_refused)
{
  cleanup_hook_error hook_error *err = NULL;
  char **items = NULL;
  size_t n = 0;

  CHECK_INT (dns_split_list ("1.1.1.1,8.8.8.8,9.9.9.9,1.0.0.1", 3, &items, &n, &err), -1);
  CHECK_ERROR_MENTIONS (err, "more than 3 items");
  CHECK (items == NULL);
  CHECK_INT (n, 0);
}

TEST (dns_list_with_exactly_max_items_is_accepted)
{
  cleanup_hook_error hook_error *err = NULL;
  char **items = NULL;
  size_t n = 0;

  CHECK_INT (dns_split_list ("1.1.1.1,8.8.8.8,9.9.9.9", 3, &items, &n, &err), 0);
  CHECK_INT (n, 3);
  if (n == 3 && items != NULL)
    CHECK_STR (items[2], "9.9.9.9");
  free_strings (items, n);
}

/* resolv.conf rendering */

static void
check_render (dns_config *config, const char *expected)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_free char *out = NULL;
  size_t len = 99;

  CHECK_INT (dns_render_resolv_conf (config, &out, &len, &err), 0);
  CHECK_STR (out, expected);
  CHECK_INT (len, strlen (expected));
  if (err)
    printf ("# %s\n", err->message);
}

TEST (resolv_conf_renders_containerd_format)
{
  static const char *const servers[] = { "1.1.1.1", "8.8.8.8" };
  static const char *const searches[] = { "ns.svc.cluster.local", "svc.cluster.local" };
  static const char *const options[] = { "ndots:5" };
  dns_config config = {
    copy_list (servers, 2), 2, copy_list (searches, 2), 2, copy_list (options, 1), 1,
  };

  check_render (&config, "search ns.svc.cluster.local svc.cluster.local\n"
                         "nameserver 1.1.1.1\n"
                         "nameserver 8.8.8.8\n"
                         "options ndots:5\n");
  dns_config_clear (&config);
}

TEST (resolv_conf_joins_several_options_with_spaces)
{
  static const char *const options[] = { "ndots:2", "rotate", "timeout:1" };
  dns_config config = { NULL, 0, NULL, 0, copy_list (options, 3), 3 };

  check_render (&config, "options ndots:2 rotate timeout:1\n");
  dns_config_clear (&config);
}

TEST (resolv_conf_with_only_servers_has_only_nameserver_lines)
{
  static const char *const servers[] = { "10.96.0.10", "fd00::a" };
  dns_config config = { copy_list (servers, 2), 2, NULL, 0, NULL, 0 };

  check_render (&config, "nameserver 10.96.0.10\nnameserver fd00::a\n");
  dns_config_clear (&config);
}

TEST (resolv_conf_with_only_searches_has_only_a_search_line)
{
  static const char *const searches[] = { "example.com" };
  dns_config config = { NULL, 0, copy_list (searches, 1), 1, NULL, 0 };

  check_render (&config, "search example.com\n");
  dns_config_clear (&config);
}

TEST (resolv_conf_of_empty_config_is_empty)
{
  dns_config config = { NULL, 0, NULL, 0, NULL, 0 };

  check_render (&config, "");
}

TEST (resolv_conf_rendering_refuses_an_unvalidated_injection)
{
  static const char *const options[] = { "1\nnameserver 6.6.6.6" };
  cleanup_hook_error hook_error *err = NULL;
  cleanup_free char *out = NULL;
  size_t len = 99;
  dns_config config = { NULL, 0, NULL, 0, copy_list (options, 1), 1 };

  CHECK_INT (dns_render_resolv_conf (&config, &out, &len, &err), -1);
  CHECK (out == NULL);
  CHECK_INT (len, 0);
  CHECK_ERROR_MENTIONS (err, "\"1\\nnameserver 6.6.6.6\": not a resolver option");
  dns_config_clear (&config);
}

/* hostname */

TEST (hostname_rfc_1123_is_accepted)
{
  cleanup_free char *label63 = repeat ('h', 63);
  cleanup_free char *longest = longest_subdomain ('h');
  const char *values[] = {
    "pod-1", "my.host.example", "My-Host", "a", "0", "1.2.3.4", label63, longest,
  };

  check_all_accepted (hostname_validate, values, N_ELEMENTS (values));
}

TEST (hostname_that_is_not_rfc_1123_is_refused)
{
  static const reject_case cases[] = {
    { "", "\"\": not an RFC 1123 host name" },
    { "a/b", "\"a/b\": not an RFC 1123 host name" },
    { "a\nb", "\"a\\nb\": not an RFC 1123 host name" },
    { "-a", "\"-a\": not an RFC 1123 host name" },
    { "a-", "not an RFC 1123 host name" },
    { "a_b", "not an RFC 1123 host name" },
    { "a..b", "not an RFC 1123 host name" },
    { "host.", "\"host.\": not an RFC 1123 host name" },
    { ".host", "not an RFC 1123 host name" },
    { "a b", "not an RFC 1123 host name" },
    { "../etc", "not an RFC 1123 host name" },
    { "h\xc3\xb6st", "\"h\\xc3\\xb6st\": not an RFC 1123 host name" },
  };

  check_all_refused (hostname_validate, cases, N_ELEMENTS (cases));
}

TEST (hostname_label_longer_than_63_is_refused)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_free char *label64 = repeat ('h', 64);

  CHECK_INT (hostname_validate (label64, &err), -1);
  CHECK_ERROR_MENTIONS (err, "label longer than 63 characters");
}

TEST (hostname_longer_than_253_is_refused)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_free char *longest = longest_subdomain ('h');
  char longer[300];

  snprintf (longer, sizeof longer, "%sh", longest);
  CHECK_INT (strlen (longer), 254);
  CHECK_INT (hostname_validate (longer, &err), -1);
  CHECK_ERROR_MENTIONS (err, "longer than 253 characters");
}

TEST (hostname_renders_with_a_trailing_newline)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_free char *out = NULL;
  size_t len = 0;

  CHECK_INT (hostname_render ("pod-1", &out, &len, &err), 0);
  CHECK_STR (out, "pod-1\n");
  CHECK_INT (len, 6);
}

TEST (hostname_rendering_refuses_an_unvalidated_name)
{
  cleanup_hook_error hook_error *err = NULL;
  cleanup_free char *out = NULL;
  size_t len = 99;

  CHECK_INT (hostname_render ("a\nb", &out, &len, &err), -1);
  CHECK (out == NULL);
  CHECK_INT (len, 0);
  CHECK_ERROR_MENTIONS (err, "\"a\\nb\": not an RFC 1123 host name");
}

/* The engine's files (engine_files): what containerd and CRI-O write, and
   every kind of line a value with a newline can add.  */

typedef struct engine_case
{
  const char *what;
  const char *content; /* NUL-terminated unless LEN is given */
  size_t len;
  const char *mention; /* refused: the error mentions it */
} engine_case;

static void
check_engine_cases (int (*check) (const char *, size_t, hook_error **), const engine_case *cases,
                    size_t n, bool accepted)
{
  for (size_t i = 0; i < n; i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      size_t len = cases[i].len ? cases[i].len : strlen (cases[i].content);
      int rc = check (cases[i].content, len, &err);
      if (accepted && rc != 0)
        {
          printf ("# %s: refused: %s\n", cases[i].what, err ? err->message : "?");
          tap_current_failed = true;
        }
      else if (!accepted
               && (rc != -1 || err == NULL || strstr (err->message, cases[i].mention) == NULL))
        {
          printf ("# %s: rc %d, error \"%s\", expected one mentioning \"%s\"\n", cases[i].what, rc,
                  err ? err->message : "(none)", cases[i].mention);
          tap_current_failed = true;
        }
    }
}

TEST (engine_resolv_conf_as_engines_and_nodes_write_it_is_accepted)
{
  static const engine_case cases[] = {
    { "containerd, kubelet ClusterFirst",
      "search default.svc.cluster.local svc.cluster.local cluster.local\n"
      "nameserver 10.96.0.10\noptions ndots:5\n",
      0, NULL },
    { "three servers, IPv6", "nameserver 10.0.0.1\nnameserver fd00::a\nnameserver 10.0.0.3\n", 0,
      NULL },
    { "options only", "options ndots:2 timeout:1 attempts:3 rotate edns0 trust-ad\n", 0, NULL },
    { "search only", "search example.com\n", 0, NULL },
    { "kubelet without a resolv.conf: the root", "search .\nnameserver 127.0.0.1\n", 0, NULL },
    { "a node's search list: trailing dot, capitals",
      "search Corp.Example.COM. svc.cluster.local\nnameserver 10.0.0.1\n", 0, NULL },
    { "Debian's dhclient", "domain example.net\nsearch example.net\nnameserver 192.168.1.1\n", 0,
      NULL },
    { "comments and blank lines anywhere",
      "# generated\n\n; also a comment \xc3\xa9\nsearch a.b\n   \n\tnameserver 10.0.0.1\n"
      "# between\noptions ndots:5\n",
      0, NULL },
    { "blanks around and between values", "  search   a.b\tc.d  \nnameserver\t10.0.0.1 \n", 0,
      NULL },
    { "no newline at the end", "nameserver 10.0.0.1", 0, NULL },
    { "empty", "", 0, NULL },
    { "32 options",
      "options a b c d e f g h i j k l m n o p q r s t u v w x y z o1 o2 o3 o4 o5 o6\n", 0, NULL },
  };
  check_engine_cases (dns_engine_resolv_conf_check, cases, N_ELEMENTS (cases), true);
}

TEST (engine_resolv_conf_refuses_every_injected_or_foreign_line)
{
  static const engine_case cases[] = {
    { "containerd.bats: an option with a newline",
      "search a.b\nnameserver 10.96.0.10\noptions ndots:5\nnameserver 6.6.6.6\n", 0,
      "line 4 \"nameserver 6.6.6.6\": a nameserver line after the options line" },
    { "the same without servers", "options ndots:5\nnameserver 6.6.6.6\n", 0,
      "line 2 \"nameserver 6.6.6.6\": a nameserver line after the options line" },
    { "a search after a nameserver", "nameserver 10.0.0.1\nsearch evil.example\n", 0,
      "line 2 \"search evil.example\": a search line after the nameserver line" },
    { "a search after the options", "options ndots:5\nsearch evil.example\n", 0,
      "a search line after the options line" },
    { "a domain after the search", "search a.b\ndomain evil.example\n", 0,
      "a domain line after the search line" },
    { "a second search", "search a.b\nsearch evil.example\n", 0,
      "line 2 \"search evil.example\": a second search line" },
    { "a second options", "options ndots:5\noptions ndots:1\n", 0, "a second options line" },
    { "a second domain", "domain a.b\ndomain c.d\n", 0, "a second domain line" },
    { "a fourth nameserver",
      "nameserver 10.0.0.1\nnameserver 10.0.0.2\nnameserver 10.0.0.3\nnameserver 6.6.6.6\n", 0,
      "line 4 \"nameserver 6.6.6.6\": a nameserver line beyond the 3 allowed" },
    { "two addresses on one line", "nameserver 10.0.0.1 6.6.6.6\n", 0,
      "a nameserver line holds one address, this one 2 values" },
    { "not an address", "nameserver 10.0.0.1#53\n", 0, "not an IP address" },
    { "an IPv6 zone", "nameserver fe80::1%eth0\n", 0, "not an IP address" },
    { "a nameserver without an address", "nameserver\n", 0, "a nameserver line without a value" },
    { "an unknown keyword", "search a.b\nsortlist 10.0.0.0/8\n", 0,
      "line 2 \"sortlist 10.0.0.0/8\": unknown keyword \"sortlist\"" },
    { "a keyword in capitals", "NAMESERVER 6.6.6.6\n", 0, "unknown keyword \"NAMESERVER\"" },
    { "a bad search domain", "search a..b\n", 0, "search domain 1 \"a..b\": not an RFC 1123 name" },
    { "a search domain with an underscore", "search _x.example\n", 0, "not an RFC 1123 name" },
    { "a domain of two names", "domain a.b c.d\n", 0, "a domain line holds one name" },
    { "33 search domains",
      "search a b c d e f g h i j k l m n o p q r s t u v w x y z s1 s2 s3 s4 s5 s6 s7\n", 0,
      "more than 32 search domains" },
    { "33 options",
      "options a b c d e f g h i j k l m n o p q r s t u v w x y z o1 o2 o3 o4 o5 o6 o7\n", 0,
      "more than 32 options" },
    { "a bad option", "options ndots:5 \"x\"\n", 0,
      "option 2 \"\\\"x\\\"\": not a resolver option" },
    { "an option with an empty value", "options ndots:\n", 0, "empty value" },
    { "a carriage return", "nameserver 10.0.0.1\r\nnameserver 6.6.6.6\n", 0,
      "line 1 \"nameserver 10.0.0.1\\r\": a carriage return" },
    { "a form feed", "search a.b\f\n", 0, "control character \\x0c" },
    { "DEL", "options x\x7f\n", 0, "control character \\x7f" },
    { "a NUL", "nameserver 10.0.0.1\0nameserver 6.6.6.6\n", 39,
      "line 1 \"nameserver 10.0.0.1\": a NUL byte" },
    { "UTF-8 outside a comment", "search \xc3\xa9.example\n", 0,
      "a byte above 0x7e outside a comment" },
    { "too large", "", ENGINE_FILE_MAX + 1, "more than 65536" },
  };
  check_engine_cases (dns_engine_resolv_conf_check, cases, N_ELEMENTS (cases), false);
}

TEST (engine_resolv_conf_search_limits_are_kubernetes_limits)
{
  cleanup_hook_error hook_error *err = NULL;
  /* 8 names of 253 characters and one of 23: 8 * 254 + 23 = 2055 > 2048;
     one of 16 gives 2048 exactly.  */
  char buf[4096] = "search";
  for (int i = 0; i < 8; i++)
    {
      cleanup_free char *name = longest_subdomain ((char)('a' + i));
      strcat (buf, " ");
      strcat (buf, name);
    }
  size_t base = strlen (buf);
  strcat (buf, " abcdefghijklmno\n"); /* 15: 2047 characters */
  CHECK_INT (dns_engine_resolv_conf_check (buf, strlen (buf), &err), 0);
  buf[base] = '\0';
  strcat (buf, " abcdefghijklmnop\n"); /* 16: 2048 */
  CHECK_INT (dns_engine_resolv_conf_check (buf, strlen (buf), &err), 0);
  buf[base] = '\0';
  strcat (buf, " abcdefghijklmnopq\n"); /* 17: 2049 */
  CHECK_INT (dns_engine_resolv_conf_check (buf, strlen (buf), &err), -1);
  CHECK_ERROR_MENTIONS (err, "search domains of 2049 characters joined by spaces (at most 2048)");
}

TEST (engine_hostname_is_one_name_and_a_newline)
{
  static const engine_case good[] = {
    { "a pod's name", "web-0\n", 0, NULL },
    { "a node's FQDN", "Node-1.Example.com\n", 0, NULL },
  };
  static const engine_case bad[] = {
    { "no newline", "web-0", 0, "line 1 \"web-0\": no newline at the end" },
    { "a second line", "web-0\nnameserver 6.6.6.6\n", 0,
      "line 2 \"nameserver 6.6.6.6\": a second line" },
    { "an empty second line", "web-0\n\n", 0, "line 2 \"\": a second line" },
    { "empty", "", 0, "empty" },
    { "a newline alone", "\n", 0, "not an RFC 1123 host name (empty)" },
    { "an underscore", "web_0\n", 0, "not an RFC 1123 host name" },
    { "a blank", "web 0\n", 0, "not an RFC 1123 host name" },
    { "a carriage return", "web-0\r\n", 0, "not an RFC 1123 host name" },
    { "a NUL", "web\0-0\n", 7, "a NUL byte" },
    { "a label of 64", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", 0,
      "label longer than 63 characters" },
    { "too large", "", ENGINE_FILE_MAX + 1, "more than 65536" },
  };
  check_engine_cases (dns_engine_hostname_check, good, N_ELEMENTS (good), true);
  check_engine_cases (dns_engine_hostname_check, bad, N_ELEMENTS (bad), false);
}

int
main (void)
{
  RUN (quote_escapes_newline_and_control_characters);
  RUN (quote_escapes_non_ascii_bytes);
  RUN (quote_escapes_quotes_and_backslashes);
  RUN (quote_of_empty_string_is_two_quotes);
  RUN (quote_of_null_says_null);
  RUN (quote_truncates_long_input_to_64_characters);
  RUN (quote_keeps_exactly_64_characters_whole);
  RUN (quote_truncates_escaped_input_by_input_bytes);
  RUN (dns_server_ipv4_is_accepted_in_canonical_form);
  RUN (dns_server_ipv6_is_rewritten_to_canonical_form);
  RUN (dns_server_that_is_not_an_ip_address_is_refused);
  RUN (dns_server_with_zone_id_is_refused);
  RUN (dns_server_with_leading_zeros_follows_inet_pton);
  RUN (dns_search_subdomain_is_accepted);
  RUN (dns_search_that_is_not_a_dns_1123_subdomain_is_refused);
  RUN (dns_search_label_longer_than_63_is_refused);
  RUN (dns_search_longer_than_253_is_refused);
  RUN (dns_option_name_or_name_value_is_accepted);
  RUN (dns_option_with_newline_is_refused);
  RUN (dns_option_with_blank_is_refused);
  RUN (dns_option_with_missing_name_or_value_is_refused);
  RUN (dns_option_longer_than_64_is_refused);
  RUN (dns_config_validation_rewrites_servers_in_place);
  RUN (dns_config_error_names_the_offending_value);
  RUN (dns_config_with_three_servers_is_accepted);
  RUN (dns_config_with_more_than_3_servers_is_refused);
  RUN (dns_config_with_32_searches_is_accepted);
  RUN (dns_config_with_more_than_32_searches_is_refused);
  RUN (dns_config_with_2048_search_characters_is_accepted);
  RUN (dns_config_with_more_than_2048_search_characters_is_refused);
  RUN (dns_config_with_32_options_is_accepted);
  RUN (dns_config_with_more_than_32_options_is_refused);
  RUN (empty_dns_config_is_valid);
  RUN (dns_list_is_split_on_commas_and_trimmed);
  RUN (dns_list_with_one_item_has_one_item);
  RUN (dns_list_keeps_inner_blanks_and_other_whitespace_for_the_validators);
  RUN (dns_list_with_empty_item_is_refused);
  RUN (dns_list_with_more_than_max_items_is_refused);
  RUN (dns_list_with_exactly_max_items_is_accepted);
  RUN (resolv_conf_renders_containerd_format);
  RUN (resolv_conf_joins_several_options_with_spaces);
  RUN (resolv_conf_with_only_servers_has_only_nameserver_lines);
  RUN (resolv_conf_with_only_searches_has_only_a_search_line);
  RUN (resolv_conf_of_empty_config_is_empty);
  RUN (resolv_conf_rendering_refuses_an_unvalidated_injection);
  RUN (hostname_rfc_1123_is_accepted);
  RUN (hostname_that_is_not_rfc_1123_is_refused);
  RUN (hostname_label_longer_than_63_is_refused);
  RUN (hostname_longer_than_253_is_refused);
  RUN (hostname_renders_with_a_trailing_newline);
  RUN (hostname_rendering_refuses_an_unvalidated_name);
  RUN (engine_resolv_conf_as_engines_and_nodes_write_it_is_accepted);
  RUN (engine_resolv_conf_refuses_every_injected_or_foreign_line);
  RUN (engine_resolv_conf_search_limits_are_kubernetes_limits);
  RUN (engine_hostname_is_one_name_and_a_newline);
  return tap_done ();
}

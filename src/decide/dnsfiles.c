#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "dnsfiles.h"

#define LABEL_MAX_CHARS  63
#define DOMAIN_MAX_CHARS 253
#define OPTION_MAX_CHARS 64

static bool
is_lower_alnum (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool
is_alnum (char c)
{
  return is_lower_alnum (c) || (c >= 'A' && c <= 'Z');
}

/* Labels IS_ALNUM ([-IS_ALNUM]* IS_ALNUM)? of 1..63 characters joined by
   single dots, 1..253 characters in all.  On failure *REASON says why.  */
static bool
domain_is_valid (const char *name, bool (*is_alnum_fn) (char), const char **reason)
{
  size_t total = strnlen (name, DOMAIN_MAX_CHARS + 1);
  const char *label = name;

  if (total == 0)
    {
      *reason = "empty";
      return false;
    }
  if (total > DOMAIN_MAX_CHARS)
    {
      *reason = "longer than 253 characters";
      return false;
    }
  for (;;)
    {
      const char *p = label;
      size_t len;

      while (is_alnum_fn (*p) || *p == '-')
        p++;
      len = (size_t)(p - label);
      if (*p != '.' && *p != '\0')
        {
          *reason = "invalid character";
          return false;
        }
      if (len == 0)
        {
          *reason = "empty label";
          return false;
        }
      if (len > LABEL_MAX_CHARS)
        {
          *reason = "label longer than 63 characters";
          return false;
        }
      if (!is_alnum_fn (label[0]) || !is_alnum_fn (p[-1]))
        {
          *reason = "label starts or ends with '-'";
          return false;
        }
      if (*p == '\0')
        return true;
      label = p + 1;
    }
}

int
dns_server_validate (const char *server, char *canon, size_t canon_size, hook_error **err)
{
  struct in_addr a4;
  struct in6_addr a6;
  const char *written;

  if (server == NULL)
    return hook_fail (err, 0, "missing DNS server");
  /* inet_pton takes neither blanks, zone ids ("%eth0") nor trailing junk,
     and the canonical inet_ntop form is what reaches the file.  */
  if (inet_pton (AF_INET, server, &a4) == 1)
    written = canon ? inet_ntop (AF_INET, &a4, canon, (socklen_t)canon_size) : server;
  else if (inet_pton (AF_INET6, server, &a6) == 1)
    written = canon ? inet_ntop (AF_INET6, &a6, canon, (socklen_t)canon_size) : server;
  else
    return hook_fail_quoted (err, server, "not an IP address");
  if (written == NULL)
    return hook_fail (err, errno, "format DNS server address");
  return 0;
}

int
dns_search_validate (const char *search, hook_error **err)
{
  const char *reason = NULL;
  char buf[128];

  if (search == NULL)
    return hook_fail (err, 0, "missing DNS search domain");
  if (domain_is_valid (search, is_lower_alnum, &reason))
    return 0;
  snprintf (buf, sizeof buf, "not a DNS-1123 subdomain (%s)", reason);
  return hook_fail_quoted (err, search, buf);
}

static bool
is_option_char (char c)
{
  return is_alnum (c) || c == '.' || c == '_' || c == '-';
}

int
dns_option_validate (const char *option, hook_error **err)
{
  const char *p;

  if (option == NULL)
    return hook_fail (err, 0, "missing DNS option");
  if (strnlen (option, OPTION_MAX_CHARS + 1) > OPTION_MAX_CHARS)
    return hook_fail_quoted (err, option, "not a resolver option (longer than 64 characters)");

  p = option;
  if (!is_alnum (*p))
    return hook_fail_quoted (err, option, "not a resolver option (expected NAME or NAME:VALUE)");
  while (is_option_char (*p))
    p++;
  if (*p == ':')
    {
      const char *value = ++p;

      while (is_option_char (*p))
        p++;
      if (p == value)
        return hook_fail_quoted (err, option, "not a resolver option (empty value)");
    }
  if (*p != '\0')
    return hook_fail_quoted (err, option, "not a resolver option (expected NAME or NAME:VALUE)");
  return 0;
}

int
dns_config_validate (dns_config *config, hook_error **err)
{
  size_t i, search_chars = 0;

  if (config->n_servers > DNS_MAX_SERVERS)
    return hook_fail (err, 0, "too many DNS servers: %zu (at most %d)", config->n_servers,
                      DNS_MAX_SERVERS);
  if (config->n_searches > DNS_MAX_SEARCHES)
    return hook_fail (err, 0, "too many DNS search domains: %zu (at most %d)", config->n_searches,
                      DNS_MAX_SEARCHES);
  if (config->n_options > DNS_MAX_OPTIONS)
    return hook_fail (err, 0, "too many DNS options: %zu (at most %d)", config->n_options,
                      DNS_MAX_OPTIONS);

  for (i = 0; i < config->n_searches; i++)
    {
      if (dns_search_validate (config->searches[i], err) < 0)
        return hook_error_prefix (err, "DNS search domain %zu", i + 1);
      /* Each is at most 253 characters and there are at most 32.  */
      search_chars += strlen (config->searches[i]) + (i > 0 ? 1 : 0);
    }
  if (search_chars > DNS_MAX_SEARCHES_CHARS)
    return hook_fail (err, 0,
                      "DNS search domains too long: %zu characters joined by spaces (at most %d)",
                      search_chars, DNS_MAX_SEARCHES_CHARS);

  for (i = 0; i < config->n_options; i++)
    if (dns_option_validate (config->options[i], err) < 0)
      return hook_error_prefix (err, "DNS option %zu", i + 1);

  /* Servers last: they are the only values rewritten, and only once every
     other value is known to be good.  */
  for (i = 0; i < config->n_servers; i++)
    {
      char canon[INET6_ADDRSTRLEN];
      char *copy;

      if (dns_server_validate (config->servers[i], canon, sizeof canon, err) < 0)
        return hook_error_prefix (err, "DNS server %zu", i + 1);
      if (strcmp (canon, config->servers[i]) == 0)
        continue;
      /* The canonical form can be longer than the input ("1::2:3:4:5:6:7"
         becomes "1:0:2:3:4:5:6:7"), so it gets its own allocation.  */
      copy = strdup (canon);
      if (copy == NULL)
        return hook_fail (err, ENOMEM, "copy DNS server address");
      free (config->servers[i]);
      config->servers[i] = copy;
    }
  return 0;
}

void
dns_free_list (char **items, size_t n_items)
{
  size_t i;

  if (items == NULL)
    return;
  for (i = 0; i < n_items; i++)
    free (items[i]);
  free (items);
}

static bool
is_blank (char c)
{
  return c == ' ' || c == '\t';
}

int
dns_split_list (const char *value, size_t max_items, char ***items, size_t *n_items,
                hook_error **err)
{
  char **list = NULL;
  size_t n = 1, count = 0;
  const char *p, *start;

  *items = NULL;
  *n_items = 0;
  if (value == NULL)
    return hook_fail (err, 0, "missing list");
  /* Count first, so that a huge value is refused before any allocation.  */
  for (p = value; *p; p++)
    if (*p == ',')
      n++;
  if (n > max_items)
    {
      cleanup_free char *quoted = quote_for_message (value);

      return hook_fail (err, 0, "%s: more than %zu items", quoted ? quoted : "(value)", max_items);
    }
  list = calloc (n, sizeof (*list));
  if (list == NULL)
    return hook_fail (err, ENOMEM, "allocate a list of %zu items", n);

  start = value;
  for (;;)
    {
      const char *end = strchrnul (start, ',');
      const char *b = start, *e = end;

      while (b < e && is_blank (*b))
        b++;
      while (e > b && is_blank (e[-1]))
        e--;
      if (b == e)
        {
          cleanup_free char *quoted = quote_for_message (value);

          dns_free_list (list, count);
          return hook_fail (err, 0, "%s: item %zu is empty", quoted ? quoted : "(value)",
                            count + 1);
        }
      list[count] = strndup (b, (size_t)(e - b));
      if (list[count] == NULL)
        {
          dns_free_list (list, count);
          return hook_fail (err, ENOMEM, "copy a list item");
        }
      count++;
      if (*end == '\0')
        break;
      start = end + 1;
    }
  *items = list;
  *n_items = count;
  return 0;
}

void
dns_config_clear (dns_config *config)
{
  if (config == NULL)
    return;
  dns_free_list (config->servers, config->n_servers);
  dns_free_list (config->searches, config->n_searches);
  dns_free_list (config->options, config->n_options);
  memset (config, 0, sizeof (*config));
}

/* Append "PREFIX v1 SEP v2 ... \n" to the buffer at *POS (size known to
   be large enough).  */
static void
append_line (char *buf, size_t *pos, const char *prefix, char *const *values, size_t n,
             const char *sep)
{
  size_t i, len;

  len = strlen (prefix);
  memcpy (buf + *pos, prefix, len);
  *pos += len;
  for (i = 0; i < n; i++)
    {
      if (i > 0)
        {
          len = strlen (sep);
          memcpy (buf + *pos, sep, len);
          *pos += len;
        }
      len = strlen (values[i]);
      memcpy (buf + *pos, values[i], len);
      *pos += len;
    }
  buf[(*pos)++] = '\n';
}

static size_t
line_size (const char *prefix, char *const *values, size_t n, const char *sep)
{
  size_t i, size = strlen (prefix) + 1 + (n - 1) * strlen (sep);

  for (i = 0; i < n; i++)
    size += strlen (values[i]);
  return size;
}

int
dns_render_resolv_conf (const dns_config *config, char **out, size_t *len, hook_error **err)
{
  size_t i, size = 0, pos = 0;
  char *buf;

  *out = NULL;
  *len = 0;
  /* The contract says CONFIG was validated; check again anyway, since
     this is the last point before the text reaches a file (docs/security.md, threat 12)
     and the limits keep every size computation below small.  */
  if (config->n_servers > DNS_MAX_SERVERS || config->n_searches > DNS_MAX_SEARCHES
      || config->n_options > DNS_MAX_OPTIONS)
    return hook_fail (err, 0, "DNS config exceeds the Kubernetes limits");
  for (i = 0; i < config->n_servers; i++)
    if (dns_server_validate (config->servers[i], NULL, 0, err) < 0)
      return hook_error_prefix (err, "DNS server %zu", i + 1);
  for (i = 0; i < config->n_searches; i++)
    if (dns_search_validate (config->searches[i], err) < 0)
      return hook_error_prefix (err, "DNS search domain %zu", i + 1);
  for (i = 0; i < config->n_options; i++)
    if (dns_option_validate (config->options[i], err) < 0)
      return hook_error_prefix (err, "DNS option %zu", i + 1);

  /* containerd: "search a b\n", "nameserver x\nnameserver y\n",
     "options o1 o2\n", each only when non-empty, in that order.  */
  if (config->n_searches > 0)
    size += line_size ("search ", config->searches, config->n_searches, " ");
  if (config->n_servers > 0)
    size += line_size ("nameserver ", config->servers, config->n_servers, "\nnameserver ");
  if (config->n_options > 0)
    size += line_size ("options ", config->options, config->n_options, " ");

  buf = malloc (size + 1);
  if (buf == NULL)
    return hook_fail (err, ENOMEM, "allocate resolv.conf");
  if (config->n_searches > 0)
    append_line (buf, &pos, "search ", config->searches, config->n_searches, " ");
  if (config->n_servers > 0)
    append_line (buf, &pos, "nameserver ", config->servers, config->n_servers, "\nnameserver ");
  if (config->n_options > 0)
    append_line (buf, &pos, "options ", config->options, config->n_options, " ");
  buf[pos] = '\0';
  *out = buf;
  *len = pos;
  return 0;
}

int
hostname_validate (const char *hostname, hook_error **err)
{
  const char *reason = NULL;
  char buf[128];

  if (hostname == NULL)
    return hook_fail (err, 0, "missing host name");
  if (domain_is_valid (hostname, is_alnum, &reason))
    return 0;
  snprintf (buf, sizeof buf, "not an RFC 1123 host name (%s)", reason);
  return hook_fail_quoted (err, hostname, buf);
}

int
hostname_render (const char *hostname, char **out, size_t *len, hook_error **err)
{
  size_t n;
  char *buf;

  *out = NULL;
  *len = 0;
  /* Checked again: a '/' or '\n' here would end up in a file.  */
  if (hostname_validate (hostname, err) < 0)
    return -1;
  n = strlen (hostname);
  buf = malloc (n + 2);
  if (buf == NULL)
    return hook_fail (err, ENOMEM, "allocate hostname");
  memcpy (buf, hostname, n);
  buf[n] = '\n';
  buf[n + 1] = '\0';
  *out = buf;
  *len = n + 1;
  return 0;
}

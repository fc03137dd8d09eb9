#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
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

/* NAME as domain_is_valid takes it, or that followed by one dot (a fully
   qualified name, as resolv.conf takes it).  */
static bool
domain_is_valid_qualified (const char *name, bool (*is_alnum_fn) (char), const char **reason)
{
  size_t len = strlen (name);

  if (len > 1 && name[len - 1] == '.')
    {
      char copy[DOMAIN_MAX_CHARS + 2];
      if (len - 1 > DOMAIN_MAX_CHARS)
        {
          *reason = "longer than 253 characters";
          return false;
        }
      memcpy (copy, name, len - 1);
      copy[len - 1] = '\0';
      return domain_is_valid (copy, is_alnum_fn, reason);
    }
  return domain_is_valid (name, is_alnum_fn, reason);
}

int
dns_search_validate (const char *search, hook_error **err)
{
  const char *reason = NULL;
  char buf[128];

  if (search == NULL)
    return hook_fail (err, 0, "missing DNS search domain");
  /* As Kubernetes takes dnsConfig.searches: a trailing dot is fine.  */
  if (domain_is_valid_qualified (search, is_lower_alnum, &reason))
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

          free_strings (list, count);
          return hook_fail (err, 0, "%s: item %zu is empty", quoted ? quoted : "(value)",
                            count + 1);
        }
      list[count] = strndup (b, (size_t)(e - b));
      if (list[count] == NULL)
        {
          free_strings (list, count);
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
  free_strings (config->servers, config->n_servers);
  free_strings (config->searches, config->n_searches);
  free_strings (config->options, config->n_options);
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

/* ------------------------------------------------------ engine files */

#define ENGINE_LINE_QUOTE_MAX 256

/* "line N "TEXT": REASON", TEXT being LINE (LEN bytes; a line holding a
   NUL shows what comes before it, and the reason says the rest).  */
static int __attribute__ ((format (printf, 5, 6)))
line_fail (hook_error **err, size_t line_no, const char *line, size_t len, const char *fmt, ...)
{
  char text[ENGINE_LINE_QUOTE_MAX + 1], reason[512];
  size_t n = len < ENGINE_LINE_QUOTE_MAX ? len : ENGINE_LINE_QUOTE_MAX;
  va_list ap;

  memcpy (text, line, n);
  text[n] = '\0';
  va_start (ap, fmt);
  vsnprintf (reason, sizeof reason, fmt, ap);
  va_end (ap);
  cleanup_free char *quoted = quote_for_message (text);
  return hook_fail (err, 0, "line %zu %s: %s", line_no, quoted ? quoted : "(line)", reason);
}

/* A search or domain name of an engine's file: "." or an RFC 1123 name
   (either case) with an optional trailing dot.  */
static bool
engine_domain_is_valid (const char *name, const char **reason)
{
  return strcmp (name, ".") == 0 || domain_is_valid_qualified (name, is_alnum, reason);
}

/* The keyword lines of a resolv.conf, in the order engines write them.  */
typedef enum resolv_keyword
{
  KW_NONE,
  KW_DOMAIN,
  KW_SEARCH,
  KW_NAMESERVER,
  KW_OPTIONS,
} resolv_keyword;

static const char *const keyword_names[] = {
  [KW_NONE] = "",           [KW_DOMAIN] = "domain",
  [KW_SEARCH] = "search",   [KW_NAMESERVER] = "nameserver",
  [KW_OPTIONS] = "options",
};

#define ENGINE_MAX_TOKENS (DNS_MAX_SEARCHES + 2)

typedef struct resolv_walk
{
  resolv_keyword last;
  size_t seen[KW_OPTIONS + 1];
} resolv_walk;

/* The values of one keyword line (TOKENS[0] is the keyword).  */
static int
check_keyword_line (resolv_walk *w, resolv_keyword kw, char **tokens, size_t n, size_t line_no,
                    const char *line, size_t len, hook_error **err)
{
  cleanup_hook_error hook_error *value_err = NULL;
  const char *reason = NULL;

  if (kw < w->last)
    return line_fail (err, line_no, line, len,
                      "a %s line after the %s line: engines write the search, nameserver and "
                      "options lines in that order, so this line was inside a DNS value (an "
                      "injected line)",
                      keyword_names[kw], keyword_names[w->last]);
  if (kw != KW_NAMESERVER && w->seen[kw] > 0)
    return line_fail (err, line_no, line, len,
                      "a second %s line: engines write one, and resolvers take the last (an "
                      "injected line)",
                      keyword_names[kw]);
  if (n < 2)
    return line_fail (err, line_no, line, len, "a %s line without a value", keyword_names[kw]);
  switch (kw)
    {
    case KW_NAMESERVER:
      if (w->seen[KW_NAMESERVER] == DNS_MAX_SERVERS)
        return line_fail (err, line_no, line, len, "a nameserver line beyond the %d allowed",
                          DNS_MAX_SERVERS);
      if (n > 2)
        return line_fail (err, line_no, line, len,
                          "a nameserver line holds one address, this one %zu values", n - 1);
      if (dns_server_validate (tokens[1], NULL, 0, &value_err) < 0)
        return line_fail (err, line_no, line, len, "%s", value_err->message);
      break;
    case KW_DOMAIN:
      if (n > 2)
        return line_fail (err, line_no, line, len,
                          "a domain line holds one name, this one %zu values", n - 1);
      if (!engine_domain_is_valid (tokens[1], &reason))
        return line_fail (err, line_no, line, len, "domain %s: not an RFC 1123 name (%s)",
                          tokens[1], reason);
      break;
    case KW_SEARCH:
      {
        size_t chars = 0;
        if (n - 1 > DNS_MAX_SEARCHES)
          return line_fail (err, line_no, line, len, "more than %d search domains",
                            DNS_MAX_SEARCHES);
        for (size_t i = 1; i < n; i++)
          {
            if (!engine_domain_is_valid (tokens[i], &reason))
              {
                cleanup_free char *q = quote_for_message (tokens[i]);
                return line_fail (err, line_no, line, len,
                                  "search domain %zu %s: not an RFC 1123 name (%s)", i, q ? q : "?",
                                  reason);
              }
            chars += strlen (tokens[i]) + (i > 1 ? 1 : 0);
          }
        if (chars > DNS_MAX_SEARCHES_CHARS)
          return line_fail (err, line_no, line, len,
                            "search domains of %zu characters joined by spaces (at most %d)", chars,
                            DNS_MAX_SEARCHES_CHARS);
        break;
      }
    case KW_OPTIONS:
      if (n - 1 > DNS_MAX_OPTIONS)
        return line_fail (err, line_no, line, len, "more than %d options", DNS_MAX_OPTIONS);
      for (size_t i = 1; i < n; i++)
        if (dns_option_validate (tokens[i], &value_err) < 0)
          return line_fail (err, line_no, line, len, "option %zu %s", i, value_err->message);
      break;
    case KW_NONE:
      break;
    }
  w->seen[kw]++;
  w->last = kw;
  return 0;
}

/* One line (LEN bytes, without its "\n").  */
static int
check_resolv_line (resolv_walk *w, const char *line, size_t len, size_t line_no, hook_error **err)
{
  char *tokens[ENGINE_MAX_TOKENS];
  size_t n = 0, start = 0;

  for (size_t i = 0; i < len; i++)
    {
      unsigned char c = (unsigned char)line[i];
      if (c == '\0')
        return line_fail (err, line_no, line, len, "a NUL byte");
      if (c == '\r')
        return line_fail (err, line_no, line, len,
                          "a carriage return (engines end lines with \"\\n\" alone)");
      if ((c < 0x20 && c != '\t') || c == 0x7f)
        return line_fail (err, line_no, line, len, "control character \\x%02x", c);
    }
  while (start < len && is_blank (line[start]))
    start++;
  if (start == len || line[start] == '#' || line[start] == ';')
    return 0;
  for (size_t i = start; i < len; i++)
    if ((unsigned char)line[i] > 0x7e)
      return line_fail (err, line_no, line, len,
                        "a byte above 0x7e outside a comment (\\x%02x): every value is ASCII",
                        (unsigned char)line[i]);

  cleanup_free char *copy = strndup (line + start, len - start);
  if (copy == NULL)
    return hook_fail (err, ENOMEM, "resolv.conf line %zu", line_no);
  for (char *p = copy; *p;)
    {
      while (is_blank (*p))
        *p++ = '\0';
      if (*p == '\0')
        break;
      if (n == ENGINE_MAX_TOKENS)
        return line_fail (err, line_no, line, len, "more than %d values", ENGINE_MAX_TOKENS - 1);
      tokens[n++] = p;
      while (*p && !is_blank (*p))
        p++;
    }
  for (int kw = KW_DOMAIN; kw <= KW_OPTIONS; kw++)
    if (strcmp (tokens[0], keyword_names[kw]) == 0)
      return check_keyword_line (w, (resolv_keyword)kw, tokens, n, line_no, line, len, err);
  {
    cleanup_free char *q = quote_for_message (tokens[0]);
    return line_fail (err, line_no, line, len,
                      "unknown keyword %s (accepted: domain, search, nameserver, options, "
                      "comments and blank lines)",
                      q ? q : "?");
  }
}

int
dns_engine_resolv_conf_check (const char *content, size_t len, hook_error **err)
{
  resolv_walk w = { .last = KW_NONE };
  size_t pos = 0, line_no = 0;

  if (len > ENGINE_FILE_MAX)
    return hook_fail (err, 0, "%zu bytes, more than %u", len, ENGINE_FILE_MAX);
  while (pos < len)
    {
      const char *line = content + pos;
      const char *eol = memchr (line, '\n', len - pos);
      size_t line_len = eol ? (size_t)(eol - line) : len - pos;

      if (check_resolv_line (&w, line, line_len, ++line_no, err) < 0)
        return -1;
      pos += line_len + (eol ? 1 : 0);
    }
  return 0;
}

int
dns_engine_hostname_check (const char *content, size_t len, hook_error **err)
{
  cleanup_hook_error hook_error *name_err = NULL;

  if (len > ENGINE_FILE_MAX)
    return hook_fail (err, 0, "%zu bytes, more than %u", len, ENGINE_FILE_MAX);
  const char *eol = memchr (content, '\n', len);
  size_t line_len = eol ? (size_t)(eol - content) : len;
  if (len == 0)
    return hook_fail (err, 0, "empty (expected a host name and a newline)");
  if (memchr (content, '\0', line_len) != NULL)
    return line_fail (err, 1, content, line_len, "a NUL byte");
  if (eol == NULL)
    return line_fail (err, 1, content, line_len,
                      "no newline at the end (engines write the name and \"\\n\")");
  if ((size_t)(eol - content) + 1 < len)
    {
      const char *second = eol + 1;
      const char *end = memchr (second, '\n', len - line_len - 1);
      return line_fail (err, 2, second, end ? (size_t)(end - second) : len - line_len - 1,
                        "a second line: the file holds one host name (an injected line)");
    }
  cleanup_free char *name = strndup (content, line_len);
  if (name == NULL)
    return hook_fail (err, ENOMEM, "hostname");
  if (hostname_validate (name, &name_err) < 0)
    return line_fail (err, 1, content, line_len, "%s", name_err->message);
  return 0;
}

/* Validation and rendering of the generated /etc files: resolv.conf and
   hostname (containerd's formats, docs/engines.md §1).  Every value is checked
   against a strict grammar before it can reach a file (docs/security.md, threat 12):
   containerd and CRI-O write DNS values verbatim, so a newline in an option
   becomes a new nameserver line there.  Pure functions, no I/O.  */
#ifndef OCI_SANDBOX_HOOK_DNSFILES_H
#define OCI_SANDBOX_HOOK_DNSFILES_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* Kubernetes' API limits for pod DNS config.  */
#define DNS_MAX_SERVERS        3
#define DNS_MAX_SEARCHES       32
#define DNS_MAX_SEARCHES_CHARS 2048
#define DNS_MAX_OPTIONS        32

typedef struct dns_config
{
  char **servers;
  size_t n_servers;
  char **searches;
  size_t n_searches;
  char **options;
  size_t n_options;
} dns_config;

/* An IPv4 or IPv6 address accepted by inet_pton, written back in the
   canonical inet_ntop form into CANON (INET6_ADDRSTRLEN bytes).  */
int dns_server_validate (const char *server, char *canon, size_t canon_size, hook_error **err);
/* A DNS-1123 subdomain: lower-case labels [a-z0-9]([-a-z0-9]*[a-z0-9])?
   of at most 63 characters joined by '.', at most 253 in all.  */
int dns_search_validate (const char *search, hook_error **err);
/* A resolver option NAME or NAME:VALUE; NAME is [a-z0-9][a-z0-9._-]*
   (case-insensitive letters allowed), VALUE is [A-Za-z0-9._-]+; at most 64
   characters in all; nothing else (no spaces, no control characters).  */
int dns_option_validate (const char *option, hook_error **err);

/* Validate every value of CONFIG and the Kubernetes limits (at most 3
   servers, 32 searches, 2048 characters of searches joined by spaces).
   Servers are rewritten in place to their canonical form.  Errors name the
   offending value, quoted with control characters escaped.  */
int dns_config_validate (dns_config *config, hook_error **err);

/* Split a comma-separated annotation value into a newly allocated list;
   blanks around items are dropped, an empty item is an error.  At most
   MAX_ITEMS items (free them with cleanup.h's free_strings).  */
int dns_split_list (const char *value, size_t max_items, char ***items, size_t *n_items,
                    hook_error **err);
void dns_config_clear (dns_config *config);

/* containerd's resolv.conf: "search a b\n" (if any searches), one
   "nameserver X\n" per server, "options o1 o2\n" (if any).  CONFIG must have
   been validated.  *OUT is malloc'ed and NUL-terminated.  */
int dns_render_resolv_conf (const dns_config *config, char **out, size_t *len, hook_error **err);

/* The engine's own files (policy key engine_files, docs/engines.md §1):
   containerd and CRI-O write a pod's DNS values into resolv.conf
   verbatim, so a value with a newline becomes a line of its own.  These
   check such a file, as read (at most ENGINE_FILE_MAX bytes, which may
   hold anything).  On a refusal the message says where: "line N "TEXT":
   REASON".

   resolv.conf: lines end in "\n" (a last line without one counts).  A
   line is blank (spaces and tabs), a comment (its first other character
   "#" or ";"), or a keyword and its values, separated by spaces or tabs:
     domain NAME          at most once, before every other keyword line
     search NAME...       at most once, after domain; 1 to 32 names of at
                          most 2048 characters joined by spaces
     nameserver ADDRESS   at most 3 lines, each one IPv4 or IPv6 address
                          (inet_pton), after domain and search
     options OPTION...    at most once, last; 1 to 32 NAME or NAME:VALUE
   NAME is "." (the root: kubelet's search list without a resolv.conf) or
   an RFC 1123 name of either case with an optional trailing dot (the
   node's own search list reaches the file through kubelet unchecked); an
   OPTION as dns_option_validate says.  No control character but the tab
   anywhere, no NUL, no byte above 0x7e outside comments.  The order is
   the one containerd and CRI-O write ("search", one "nameserver" line per
   server, "options"): a keyword line out of it was inside a value.  */
#define ENGINE_FILE_MAX (64u << 10)
int dns_engine_resolv_conf_check (const char *content, size_t len, hook_error **err);

/* hostname: one RFC 1123 host name (hostname_validate) and one "\n",
   nothing else.  */
int dns_engine_hostname_check (const char *content, size_t len, hook_error **err);

/* RFC 1123 host name: labels [A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])? of at
   most 63 characters joined by '.', at most 253 in all.  */
int hostname_validate (const char *hostname, hook_error **err);
/* "HOSTNAME\n"; HOSTNAME must have been validated.  */
int hostname_render (const char *hostname, char **out, size_t *len, hook_error **err);

#endif

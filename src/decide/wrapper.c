#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json_gen.h"
#include "names.h"
#include "plan.h"
#include "wrapper.h"

const char *const wrapper_hook_identity[] = { "path", "args", NULL };

int
wrapper_classify (const sandbox_policy *policy, const json_value *root, wrapped_kind *kind,
                  char *reason, size_t reason_size, hook_error **err)
{
  const json_value *annotations, *args;
  const char *arg0 = NULL;

  if (json_expect (root, JSON_OBJECT, "config", err) < 0)
    return -1;
  annotations = json_get (root, "annotations");
  if (annotations && annotations->kind == JSON_NULL)
    annotations = NULL;
  if (annotations && json_string_map_validate (annotations, "config annotations", err) < 0)
    return -1;
  args = json_get (json_get (root, "process"), "args");
  if (args && args->kind == JSON_ARRAY && args->u.array.count > 0
      && args->u.array.items[0]->kind == JSON_STRING)
    arg0 = args->u.array.items[0]->u.scalar.text;
  const char *sandbox_name;
  if (plan_classify (policy, annotations, NULL, arg0, reason, reason_size))
    *kind = WRAPPED_SANDBOX;
  else if (plan_classify_member (policy, annotations, NULL, &sandbox_name, reason, reason_size))
    *kind = WRAPPED_MEMBER;
  else
    {
      *kind = WRAPPED_PLAIN;
      snprintf (reason, reason_size, "neither a sandbox nor a pod member");
    }
  return 0;
}

int
wrapper_hook_entry (const char *hook_path, const char *policy_path, const char *stage,
                    json_doc **out, hook_error **err)
{
  const json_limits limits = { .max_bytes = 1 << 16, .max_depth = 4 };
  cleanup_generator generator gen = { 0 };
  const char *buf;
  size_t len;

  if (canonical_absolute_path_validate (hook_path, "the hook's path", err) < 0
      || (policy_path
          && canonical_absolute_path_validate (policy_path, "the policy's path", err) < 0))
    return -1;
  /* The generator keeps yajl's first refusal: a path that is no UTF-8
     cannot be written into config.json, and must not be left out of it
     either.  */
  if (generator_open (&gen, false, err) < 0)
    return hook_error_prefix (err, "hook entry");
  gen_map_open (&gen);
  gen_key_string (&gen, "path", hook_path);
  gen_string (&gen, "args");
  gen_array_open (&gen);
  gen_string (&gen, "oci-sandbox-hook");
  if (policy_path)
    {
      gen_string (&gen, "--policy");
      gen_string (&gen, policy_path);
    }
  gen_string (&gen, stage);
  gen_array_close (&gen);
  gen_string (&gen, "env");
  gen_array_open (&gen);
  gen_string (&gen, "PATH=/usr/sbin:/usr/bin:/sbin:/bin");
  gen_array_close (&gen);
  gen_key_integer (&gen, "timeout", WRAPPER_HOOK_TIMEOUT);
  gen_map_close (&gen);
  if (generator_result (&gen, &buf, &len, NULL) < 0)
    return hook_fail (err, 0, "hook entry: the hook's or the policy's path is not UTF-8");
  return json_parse (buf, len, &limits, out, err);
}

json_patch
wrapper_hook_patch (const char *stage, const json_doc *entry)
{
  json_patch p = { { "hooks", NULL },    stage, PATCH_APPEND, NULL, json_doc_root (entry),
                   wrapper_hook_identity };
  return p;
}

/* MSG quoted for a log line into BUF (room for 6 bytes per input byte and
   the quotes): JSON escapes, or Go's strconv.Quote for the text form.  */
static void
quote_log_message (bool json, const char *msg, char *buf)
{
  char *o = buf;

  *o++ = '"';
  for (const unsigned char *p = (const unsigned char *)msg; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        {
          *o++ = '\\';
          *o++ = (char)*p;
        }
      else if (*p == '\n')
        o += sprintf (o, "\\n");
      else if (*p == '\t')
        o += sprintf (o, "\\t");
      else if (*p == '\r')
        o += sprintf (o, "\\r");
      else if (*p < 0x20 || *p >= 0x7f)
        /* Both readers take these: JSON's \u00XX, Go's \xXX.  */
        o += json ? sprintf (o, "\\u%04x", *p) : sprintf (o, "\\x%02x", *p);
      else
        *o++ = (char)*p;
    }
  *o++ = '"';
  *o = '\0';
}

int
wrapper_log_line (bool json, const char *msg, time_t now, char **out, size_t *len, hook_error **err)
{
  char stamp[64];
  struct tm tm;
  int n;

  if (gmtime_r (&now, &tm) == NULL
      || strftime (stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
    return hook_fail (err, EOVERFLOW, "log line: time");
  cleanup_free char *quoted = malloc (strlen (msg) * 6 + 3);
  if (quoted == NULL)
    return hook_fail (err, ENOMEM, "log line");
  quote_log_message (json, msg, quoted);
  if (json)
    n = asprintf (out, "{\"level\":\"error\",\"msg\":%s,\"time\":\"%s\"}\n", quoted, stamp);
  else
    n = asprintf (out, "time=\"%s\" level=error msg=%s\n", stamp, quoted);
  if (n < 0)
    return hook_fail (err, ENOMEM, "log line");
  *len = (size_t)n;
  return 0;
}

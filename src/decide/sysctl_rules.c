#include <config.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "sysctl_rules.h"

#define SYSCTL_NAME_MAX_CHARS  253
#define SYSCTL_VALUE_MAX_CHARS 4096

/* runc's validator (libcontainer/configs/validate) and Kubernetes agree on
   this set; kernel.hostname is left out on purpose: it is set through the
   pod's hostname, and allowing it would let a pod rename a host whose UTS
   namespace it shares.  */
static const char *const ipc_names[] = {
  "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
  "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

static bool
is_segment_edge (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool
is_segment_char (char c)
{
  return is_segment_edge (c) || c == '-' || c == '_';
}

static bool
is_separator (char c)
{
  return c == '.' || c == '/';
}

/* On failure *REASON says why.  */
static bool
name_is_valid (const char *name, const char **reason)
{
  size_t total = strnlen (name, SYSCTL_NAME_MAX_CHARS + 1);
  const char *segment = name;

  if (total == 0)
    {
      *reason = "empty";
      return false;
    }
  if (total > SYSCTL_NAME_MAX_CHARS)
    {
      *reason = "longer than 253 characters";
      return false;
    }
  for (;;)
    {
      const char *p = segment;

      while (is_segment_char (*p))
        p++;
      if (*p != '\0' && !is_separator (*p))
        {
          *reason = "invalid character";
          return false;
        }
      if (p == segment)
        {
          *reason = "empty segment";
          return false;
        }
      /* Also what refuses "..": a segment never contains a dot.  */
      if (!is_segment_edge (segment[0]) || !is_segment_edge (p[-1]))
        {
          *reason = "segment starts or ends with '-' or '_'";
          return false;
        }
      if (*p == '\0')
        return true;
      segment = p + 1;
    }
}

int
sysctl_name_validate (const char *name, hook_error **err)
{
  const char *reason = NULL;
  char buf[128];

  if (name == NULL)
    return hook_fail (err, 0, "missing sysctl name");
  if (name_is_valid (name, &reason))
    return 0;
  snprintf (buf, sizeof buf, "not a sysctl name (%s)", reason);
  return hook_fail_quoted (err, name, buf);
}

/* Does NAME start with PREFIX, '/' and '.' being the same separator?  */
static bool
name_has_prefix (const char *name, const char *prefix)
{
  for (; *prefix; name++, prefix++)
    if (*name != *prefix && !(is_separator (*name) && is_separator (*prefix)))
      return false;
  return true;
}

bool
sysctl_name_equals (const char *name, const char *other)
{
  return strlen (name) == strlen (other) && name_has_prefix (name, other);
}

sysctl_namespace
sysctl_namespace_of (const char *name)
{
  const char *reason;
  size_t i;

  /* A name outside the grammar is owned by no namespace we would allow.  */
  if (name == NULL || !name_is_valid (name, &reason))
    return SYSCTL_NS_NONE;
  for (i = 0; i < sizeof (ipc_names) / sizeof (ipc_names[0]); i++)
    if (sysctl_name_equals (name, ipc_names[i]))
      return SYSCTL_NS_IPC;
  /* The grammar guarantees a segment after a matched separator.  */
  if (name_has_prefix (name, "fs.mqueue."))
    return SYSCTL_NS_IPC;
  if (name_has_prefix (name, "net."))
    return SYSCTL_NS_NET;
  if (sysctl_name_equals (name, "kernel.domainname"))
    return SYSCTL_NS_UTS;
  return SYSCTL_NS_NONE;
}

int
sysctl_value_validate (const char *value, hook_error **err)
{
  size_t i, len;

  if (value == NULL)
    return hook_fail (err, 0, "missing sysctl value");
  len = strnlen (value, SYSCTL_VALUE_MAX_CHARS + 1);
  if (len == 0)
    return hook_fail (err, 0, "\"\": not a sysctl value (empty)");
  if (len > SYSCTL_VALUE_MAX_CHARS)
    return hook_fail_quoted (err, value, "not a sysctl value (longer than 4096 characters)");
  for (i = 0; i < len; i++)
    {
      unsigned char c = (unsigned char)value[i];

      /* '+' and '=' let CRI-O's delimited form carry a second assignment
         (CVE-2022-0811); a newline is a second write to the kernel.  */
      if (c == '+' || c == '=')
        return hook_fail_quoted (err, value, "not a sysctl value ('+' and '=' are not allowed)");
      if ((c < 0x20 && c != '\t') || c >= 0x7f)
        return hook_fail_quoted (err, value, "not a sysctl value (control or non-ASCII character)");
    }
  /* The kernel skips leading blanks and stops at trailing ones: what it
     would read differs from what was written (docs/security.md, threat 4).  */
  if (value[0] == ' ' || value[0] == '\t' || value[len - 1] == ' ' || value[len - 1] == '\t')
    return hook_fail_quoted (err, value, "not a sysctl value (leading or trailing blank)");
  return 0;
}

int
sysctl_entry_check (const char *name, const char *value, bool own_ipc, bool own_net, bool own_uts,
                    hook_error **err)
{
  if (sysctl_name_validate (name, err) < 0)
    return -1;
  /* From here NAME is known to be plain [-_./a-z0-9]: safe to print.  */
  if (sysctl_value_validate (value, err) < 0)
    return hook_error_prefix (err, "%s", name);
  switch (sysctl_namespace_of (name))
    {
    case SYSCTL_NS_IPC:
      if (!own_ipc)
        return hook_fail (err, 0, "%s: the container shares the host's IPC namespace", name);
      return 0;
    case SYSCTL_NS_NET:
      if (!own_net)
        return hook_fail (err, 0, "%s: the container shares the host's network namespace", name);
      return 0;
    case SYSCTL_NS_UTS:
      if (!own_uts)
        return hook_fail (err, 0, "%s: the container shares the host's UTS namespace", name);
      return 0;
    case SYSCTL_NS_NONE:
    default:
      return hook_fail (err, 0, "%s: not a namespaced sysctl", name);
    }
}

#include <config.h>

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "names.h"

int
container_id_validate (const char *id, const char *field, hook_error **err)
{
  size_t len = strlen (id);

  if (len == 0 || len > CONTAINER_ID_MAX)
    return hook_fail (err, 0, "%s: length %zu is not within [1, %d]", field, len, CONTAINER_ID_MAX);
  if (strcmp (id, ".") == 0 || strcmp (id, "..") == 0)
    return hook_fail (err, 0, "%s: \"%s\" is not a container id", field, id);
  for (const char *p = id; *p; p++)
    {
      unsigned char c = (unsigned char)*p;
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
            || c == '+' || c == '.' || c == '-'))
        return hook_fail (err, 0, "%s: character 0x%02x at offset %zu is not allowed", field, c,
                          (size_t)(p - id));
    }
  return 0;
}

int
canonical_absolute_path_validate (const char *path, const char *name, hook_error **err)
{
  size_t len = strlen (path);

  if (path[0] != '/')
    return hook_fail (err, 0, "%s: not an absolute path", name);
  if (len >= PATH_MAX)
    return hook_fail (err, ENAMETOOLONG, "%s: path of %zu bytes is too long", name, len);
  /* Walk the components: no "", ".", ".." (a trailing '/' is refused as
     an empty component, "/" alone is allowed).  */
  for (const char *p = path + 1; *p;)
    {
      const char *slash = strchr (p, '/');
      size_t n = slash ? (size_t)(slash - p) : strlen (p);
      if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
        return hook_fail (err, 0, "%s: \"%s\" is not a canonical path", name, path);
      for (size_t i = 0; i < n; i++)
        if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
          return hook_fail (err, 0, "%s: path contains a control character", name);
      p += n;
      /* The empty component after a trailing '/' ends the loop before it
         is looked at: refuse it here.  */
      if (*p == '/' && *++p == '\0')
        return hook_fail (err, 0, "%s: \"%s\" is not a canonical path", name, path);
    }
  return 0;
}

int
annotation_key_validate (const char *key, hook_error **err)
{
  size_t len = strlen (key);
  const char *slash = strchr (key, '/');

  /* Kubernetes: [prefix/]name, the prefix a DNS subdomain of at most 253
     characters, the name at most 63 of [A-Za-z0-9._-].  */
  bool ok = len > 0 && (slash == NULL || (slash != key && slash[1] != '\0'))
            && (slash == NULL || strchr (slash + 1, '/') == NULL)
            && (size_t)(slash ? slash - key : 0) <= 253 && strlen (slash ? slash + 1 : key) <= 63;
  for (const char *p = key; ok && *p; p++)
    ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
         || *p == '.' || *p == '_' || *p == '-' || *p == '/';
  if (!ok)
    return hook_fail_quoted (err, key, "not an annotation name ([prefix/]name)");
  return 0;
}

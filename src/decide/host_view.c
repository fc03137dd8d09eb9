#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "host_view.h"

void
host_dirents_free (host_dirent *entries, size_t n)
{
  for (size_t i = 0; entries && i < n; i++)
    free (entries[i].name);
  free (entries);
}

char *
path_clean (const char *path)
{
  size_t len = strlen (path);
  char *out = malloc (len + 2);
  size_t o = 0;

  if (out == NULL)
    return NULL;
  out[o++] = '/';
  for (const char *p = path; *p;)
    {
      const char *end;
      size_t n;

      while (*p == '/')
        p++;
      if (*p == '\0')
        break;
      end = strchr (p, '/');
      n = end ? (size_t)(end - p) : strlen (p);
      if (n == 1 && p[0] == '.')
        ;
      else if (n == 2 && p[0] == '.' && p[1] == '.')
        {
          /* Back to the previous '/', never above the root.  */
          while (o > 1 && out[o - 1] != '/')
            o--;
          if (o > 1)
            o--;
        }
      else
        {
          if (o > 1)
            out[o++] = '/';
          memcpy (out + o, p, n);
          o += n;
        }
      p += n;
    }
  out[o] = '\0';
  return out;
}

char *
path_join (const char *dir, const char *name)
{
  cleanup_free char *joined = NULL;

  if (name[0] == '/')
    return path_clean (name);
  if (asprintf (&joined, "%s/%s", dir, name) < 0)
    return NULL;
  return path_clean (joined);
}

char *
path_dir (const char *path)
{
  const char *slash = strrchr (path, '/');
  if (slash == NULL || slash == path)
    return strdup ("/");
  return strndup (path, (size_t)(slash - path));
}

int
host_resolve_executable (const host_view *view, const char *name, const char *field, char **out,
                         hook_error **err)
{
  const char *dirs = HOST_SERVICE_PATH;

  if (name[0] == '/')
    {
      *out = path_clean (name);
      return *out ? 0 : hook_fail (err, ENOMEM, "%s", field);
    }
  if (strchr (name, '/') != NULL || name[0] == '\0')
    return hook_fail (err, 0, "%s \"%s\": neither an absolute path nor a name to look up in PATH",
                      field, name);
  while (*dirs)
    {
      const char *colon = strchr (dirs, ':');
      size_t n = colon ? (size_t)(colon - dirs) : strlen (dirs);
      cleanup_free char *candidate = NULL;
      bool yes = false;

      if (asprintf (&candidate, "%.*s/%s", (int)n, dirs, name) < 0)
        return hook_fail (err, ENOMEM, "%s", field);
      if (view->executable (view->ctx, candidate, &yes, err) < 0)
        return -1;
      if (yes)
        {
          *out = steal_pointer (&candidate);
          return 0;
        }
      dirs += n + (colon ? 1 : 0);
    }
  return hook_fail (err, 0, "%s \"%s\": no executable of that name in %s on the host", field, name,
                    HOST_SERVICE_PATH);
}

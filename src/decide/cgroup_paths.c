#include <config.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup_paths.h"
#include "decimal.h"
#include "cleanup.h"
#include "names.h"

static int
append (char *out, size_t size, size_t *used, const char *s, size_t n)
{
  if (*used + n + 1 > size)
    return -1;
  memcpy (out + *used, s, n);
  *used += n;
  out[*used] = '\0';
  return 0;
}

/* systemd expands "a-b-c.slice" into a/a-b/a-b-c nesting.  */
static int
expand_slice (const char *slice, size_t len, char *out, size_t size)
{
  const char *suffix = ".slice";
  size_t used = 0, sl = strlen (suffix);

  out[0] = '\0';
  if (len <= sl || memcmp (slice + len - sl, suffix, sl) != 0 || memchr (slice, '/', len))
    return -1;
  if (len == strlen ("-.slice") && memcmp (slice, "-.slice", len) == 0)
    return -1; /* the root slice: no parent below the root */
  size_t stem = len - sl;
  for (size_t i = 0; i <= stem; i++)
    if (i == stem || slice[i] == '-')
      {
        if (i == 0 || slice[i - 1] == '-')
          return -1;
        if ((used && append (out, size, &used, "/", 1) < 0)
            || append (out, size, &used, slice, i) < 0 || append (out, size, &used, suffix, sl) < 0)
          return -1;
      }
  return 0;
}

int
pod_cgroup_parent (const char *cgroups_path, char *out, size_t size)
{
  if (cgroups_path == NULL || size == 0)
    return -1;
  const char *colon = strchr (cgroups_path, ':');
  if (colon)
    return expand_slice (cgroups_path, (size_t)(colon - cgroups_path), out, size);
  if (canonical_absolute_path_validate (cgroups_path, "cgroupsPath", NULL) < 0)
    return -1;
  const char *slash = strrchr (cgroups_path, '/');
  size_t n = (size_t)(slash - cgroups_path);
  if (n <= 1 || n >= size)
    return -1;
  memcpy (out, cgroups_path + 1, n - 1);
  out[n - 1] = '\0';
  return 0;
}

bool
cgroups_path_names (const char *cgroups_path, const char *seen)
{
  const char *colon = strchr (cgroups_path, ':');
  char expected[4096];

  if (seen == NULL || seen[0] != '/')
    return false;
  if (colon)
    {
      const char *second = strchr (colon + 1, ':');
      const char *name = second ? second + 1 : NULL;
      char slice[2048];
      size_t used = 0;
      if (name == NULL || *name == '\0' || strchr (name, ':') || strchr (name, '/'))
        return false;
      /* runc and crun put a container without a slice under system.slice.  */
      size_t slice_len = (size_t)(colon - cgroups_path);
      if (slice_len == 0)
        strcpy (slice, "system.slice");
      else if (slice_len == 7 && memcmp (cgroups_path, "-.slice", 7) == 0)
        slice[0] = '\0'; /* the root slice */
      else if (expand_slice (cgroups_path, slice_len, slice, sizeof slice) < 0)
        return false;
      size_t prefix_len = (size_t)(second - colon - 1), name_len = strlen (name);
      bool name_is_slice = name_len > 6 && strcmp (name + name_len - 6, ".slice") == 0;
      expected[0] = '\0';
      if (append (expected, sizeof expected, &used, "/", 1) < 0
          || (slice[0]
              && (append (expected, sizeof expected, &used, slice, strlen (slice)) < 0
                  || append (expected, sizeof expected, &used, "/", 1) < 0)))
        return false;
      if (!name_is_slice
          && (append (expected, sizeof expected, &used, colon + 1, prefix_len) < 0
              || append (expected, sizeof expected, &used, "-", 1) < 0))
        return false;
      if (append (expected, sizeof expected, &used, name, name_len) < 0
          || (!name_is_slice && append (expected, sizeof expected, &used, ".scope", 6) < 0))
        return false;
      return strcmp (seen, expected) == 0;
    }
  size_t len = strlen (cgroups_path);
  while (len > 1 && cgroups_path[len - 1] == '/')
    len--;
  if (cgroups_path[0] == '/')
    return strlen (seen) == len && memcmp (seen, cgroups_path, len) == 0;
  size_t seen_len = strlen (seen);
  return len > 0 && seen_len > len && seen[seen_len - len - 1] == '/'
         && memcmp (seen + seen_len - len, cgroups_path, len) == 0;
}

static bool
list_has (const char *list, size_t len, const char *item)
{
  size_t n = strlen (item);
  const char *p = list, *end = list + len;
  while (p < end)
    {
      const char *comma = memchr (p, ',', (size_t)(end - p));
      size_t l = comma ? (size_t)(comma - p) : (size_t)(end - p);
      if (l == n && memcmp (p, item, n) == 0)
        return true;
      p += l + 1;
    }
  return false;
}

int
cgroup_path_for (const char *proc_cgroup, const char *controller, char *out, size_t size)
{
  for (const char *line = proc_cgroup; *line;)
    {
      const char *eol = strchrnul (line, '\n');
      const char *c1 = memchr (line, ':', (size_t)(eol - line));
      const char *c2 = c1 ? memchr (c1 + 1, ':', (size_t)(eol - c1 - 1)) : NULL;
      if (c2)
        {
          bool match = controller ? list_has (c1 + 1, (size_t)(c2 - c1 - 1), controller)
                                  : (c1 - line == 1 && line[0] == '0' && c2 == c1 + 1);
          if (match)
            {
              size_t n = (size_t)(eol - c2 - 1);
              if (n + 1 > size)
                return -1;
              memcpy (out, c2 + 1, n);
              out[n] = '\0';
              return 0;
            }
        }
      line = *eol ? eol + 1 : eol;
    }
  return -1;
}

/* Mount points in mountinfo escape space, tab, newline and backslash as
   \ooo octal.  */
static void
unescape_octal (char *s)
{
  char *w = s;
  for (char *r = s; *r;)
    {
      if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' && r[3] >= '0'
          && r[3] <= '7')
        {
          *w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
          r += 4;
        }
      else
        *w++ = *r++;
    }
  *w = '\0';
}

int
cgroup_mount_next (const char **cursor, const char *controller, uint64_t *id, char *mount_point,
                   size_t mp_size, char *mount_root, size_t root_size)
{
  for (const char *line = *cursor; *line;)
    {
      const char *eol = strchrnul (line, '\n');
      size_t len = (size_t)(eol - line);
      cleanup_free char *copy = strndup (line, len);
      line = *eol ? eol + 1 : eol;
      *cursor = line;
      if (copy == NULL)
        return -1;
      /* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPER */
      char *fields[6], *save = NULL, *tok = strtok_r (copy, " ", &save);
      int n = 0;
      while (tok && n < 6)
        {
          fields[n++] = tok;
          tok = strtok_r (NULL, " ", &save);
        }
      while (tok && strcmp (tok, "-") != 0)
        tok = strtok_r (NULL, " ", &save);
      if (n < 6 || tok == NULL)
        continue;
      char *fstype = strtok_r (NULL, " ", &save);
      char *source = strtok_r (NULL, " ", &save);
      char *super = strtok_r (NULL, " ", &save);
      if (fstype == NULL || source == NULL || super == NULL)
        continue;
      bool match = controller ? strcmp (fstype, "cgroup") == 0
                                    && list_has (super, strlen (super), controller)
                              : strcmp (fstype, "cgroup2") == 0;
      if (!match)
        continue;
      unescape_octal (fields[3]);
      unescape_octal (fields[4]);
      /* A mount point no buffer holds cannot be opened either.  */
      if (strlen (fields[4]) + 1 > mp_size || strlen (fields[3]) + 1 > root_size)
        continue;
      uint64_t mount_id;
      if (decimal_parse_unsigned (fields[0], strlen (fields[0]), DECIMAL_CANONICAL, UINT64_MAX,
                                  &mount_id)
          < 0)
        continue;
      *id = mount_id;
      strcpy (mount_point, fields[4]);
      strcpy (mount_root, fields[3]);
      return 0;
    }
  return -1;
}

int
mountinfo_root_for_id (const char *mountinfo, uint64_t mount_id, char *root, size_t root_size,
                       char *fstype, size_t fstype_size)
{
  for (const char *line = mountinfo; *line;)
    {
      const char *eol = strchrnul (line, '\n');
      cleanup_free char *copy = strndup (line, (size_t)(eol - line));
      line = *eol ? eol + 1 : eol;
      if (copy == NULL)
        return -1;
      /* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPER */
      char *save = NULL, *id = strtok_r (copy, " ", &save);
      char *parent = strtok_r (NULL, " ", &save), *dev = strtok_r (NULL, " ", &save);
      char *mroot = strtok_r (NULL, " ", &save), *tok;
      int64_t n;
      if (id == NULL || parent == NULL || dev == NULL || mroot == NULL
          || decimal_parse (id, strlen (id), DECIMAL_CANONICAL, 0, INT64_MAX, &n) < 0
          || (uint64_t)n != mount_id)
        continue;
      while ((tok = strtok_r (NULL, " ", &save)) && strcmp (tok, "-") != 0)
        ;
      char *type = tok ? strtok_r (NULL, " ", &save) : NULL;
      if (type == NULL)
        return -1;
      unescape_octal (mroot);
      if (strlen (mroot) + 1 > root_size || strlen (type) + 1 > fstype_size)
        return -1;
      strcpy (root, mroot);
      strcpy (fstype, type);
      return 0;
    }
  return -1;
}

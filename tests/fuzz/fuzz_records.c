/* libFuzzer harness: the text the hook reads back that no JSON schema
   guards: its own records (a registry entry, the pod note in a hook
   directory), damaged or planted (threat 23), and the kernel's text about
   a container (/proc/PID/cgroup, mountinfo) with the names a spec or a
   container chose in it.  The first byte picks the reader, the rest is the
   text.  A record that decodes must encode to a record that decodes and
   encodes to the same bytes; a path the kernel's text gives must fit its
   buffer and come from the text; anything else aborts.  */
#include <config.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup_paths.h"
#include "pod_entry.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
forget (hook_error **err)
{
  hook_error_free (*err);
  *err = NULL;
}

/* RECORD, an entry (ENTRY true) or a pod note, encoded, decoded and
   encoded again: the two encodings are one.  */
static void
round_trip (bool entry, const void *record)
{
  union
  {
    pod_entry entry;
    pod_registration reg;
  } again;
  hook_error *err = NULL;
  char *first = NULL, *second = NULL;
  size_t first_len = 0, second_len = 0;
  bool same;

  if (entry)
    {
      again.entry = (pod_entry){ 0 };
      same = pod_entry_encode (record, &first, &first_len, &err) == 0
             && pod_entry_decode (first, first_len, &again.entry, &err) == 0
             && pod_entry_encode (&again.entry, &second, &second_len, &err) == 0;
      pod_entry_clear (&again.entry);
    }
  else
    {
      again.reg = (pod_registration){ 0 };
      same = pod_registration_encode (record, &first, &first_len, &err) == 0
             && pod_registration_decode (first, first_len, &again.reg, &err) == 0
             && pod_registration_encode (&again.reg, &second, &second_len, &err) == 0;
      pod_registration_clear (&again.reg);
    }
  if (!same || first_len != second_len || memcmp (first, second, first_len) != 0)
    abort ();
  free (first);
  free (second);
}

/* OUT, of SIZE bytes, holds a string that ends inside it.  */
static void
check_fits (const char *out, size_t size)
{
  if (memchr (out, '\0', size) == NULL)
    abort ();
}

static void
read_proc_cgroup (const char *text)
{
  static const char *const controllers[] = { NULL, "cpu", "memory", "cpu,cpuacct" };
  for (size_t i = 0; i < sizeof controllers / sizeof controllers[0]; i++)
    {
      char path[128];
      if (cgroup_path_for (text, controllers[i], path, sizeof path) == 0)
        {
          check_fits (path, sizeof path);
          /* The path is the rest of one line, copied as it is.  */
          if (strstr (text, path) == NULL || strchr (path, '\n') != NULL)
            abort ();
        }
    }
}

static void
read_mountinfo (const char *text, uint64_t mount_id)
{
  static const char *const controllers[] = { NULL, "cpu" };
  for (size_t i = 0; i < sizeof controllers / sizeof controllers[0]; i++)
    {
      const char *cursor = text;
      const char *end = text + strlen (text);
      char mount_point[48], mount_root[48];
      uint64_t id;
      /* Each match moves the cursor past its line, never beyond the text.  */
      for (;;)
        {
          const char *before = cursor;
          if (cgroup_mount_next (&cursor, controllers[i], &id, mount_point, sizeof mount_point,
                                 mount_root, sizeof mount_root)
              < 0)
            break;
          if (cursor <= before || cursor > end)
            abort ();
          check_fits (mount_point, sizeof mount_point);
          check_fits (mount_root, sizeof mount_root);
        }
      if (cursor > end)
        abort ();
    }
  char root[32], fstype[16];
  if (mountinfo_root_for_id (text, mount_id, root, sizeof root, fstype, sizeof fstype) == 0)
    {
      check_fits (root, sizeof root);
      check_fits (fstype, sizeof fstype);
    }
}

/* TEXT is "CGROUPS_PATH\nSEEN": a spec's cgroupsPath and a path the kernel
   showed.  */
static void
read_cgroups_path (char *text)
{
  char *seen = strchr (text, '\n');
  char parent[256];

  if (seen)
    *seen++ = '\0';
  if (pod_cgroup_parent (text, parent, sizeof parent) == 0)
    {
      check_fits (parent, sizeof parent);
      /* A path below the hierarchy's root, never the root or above it:
         relative, and every component a name.  */
      if (parent[0] == '/')
        abort ();
      for (const char *c = parent;;)
        {
          size_t n = strcspn (c, "/");
          if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
            abort ();
          if (c[n] == '\0')
            break;
          c += n + 1;
        }
    }
  (void)cgroups_path_names (text, seen ? seen : "/");
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  hook_error *err = NULL;

  if (size < 1)
    return 0;
  char *text = strndup ((const char *)data + 1, size - 1);
  if (text == NULL)
    return 0;
  switch (data[0] % 5)
    {
    case 0:
      {
        pod_entry entry;
        if (pod_entry_decode ((const char *)data + 1, size - 1, &entry, &err) == 0)
          round_trip (true, &entry);
        pod_entry_clear (&entry);
        break;
      }
    case 1:
      {
        pod_registration reg;
        if (pod_registration_decode ((const char *)data + 1, size - 1, &reg, &err) == 0)
          round_trip (false, &reg);
        pod_registration_clear (&reg);
        break;
      }
    case 2:
      read_proc_cgroup (text);
      break;
    case 3:
      read_mountinfo (text, data[0] / 5);
      break;
    case 4:
      read_cgroups_path (text);
      break;
    }
  forget (&err);
  free (text);
  return 0;
}

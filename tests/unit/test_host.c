/* src/linux/host.c: what the host's own /proc text says, read by the
   hook's one integer grammar.  */
#include <config.h>

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "host.h"
#include "tap.h"

#define N_ELEMENTS(a) (sizeof (a) / sizeof ((a)[0]))

typedef struct uid_map_case
{
  const char *text;
  bool initial;
} uid_map_case;

TEST (only_the_identity_map_is_the_initial_user_namespace)
{
  static const uid_map_case cases[] = {
    /* As the kernel prints it, and as a person would write it.  */
    { "         0          0 4294967295\n", true },
    { "0 0 4294967295\n", true },
    { "0 0 4294967295", true },
    /* A user namespace: a partial map, a shifted one, several lines.  */
    { "         0       1000          1\n", false },
    { "         0     100000      65536\n", false },
    { "         0          0 4294967294\n", false },
    { "         1          1 4294967295\n", false },
    { "0 0 4294967295\n1 1 1\n", false },
    /* Not the grammar: signs, padding zeros, tabs, junk, out of range,
       missing fields, nothing at all.  */
    { "-0 0 4294967295\n", false },
    { "+0 0 4294967295\n", false },
    { "00 0 4294967295\n", false },
    { "0\t0\t4294967295\n", false },
    { "0 0 4294967295x\n", false },
    { "0 0 4294967295 \n", false },
    { "0 0 4294967296\n", false },
    { "0 0 18446744073709551615\n", false },
    { "0 0\n", false },
    { "\n", false },
    { "", false },
  };
  for (size_t i = 0; i < N_ELEMENTS (cases); i++)
    if (uid_map_is_initial (cases[i].text) != cases[i].initial)
      {
        printf ("# \"%s\": expected %s\n", cases[i].text, cases[i].initial ? "initial" : "not");
        tap_current_failed = true;
      }
}

/* A directory standing in for /proc, with self/uid_map holding TEXT (not
   made when NULL; a directory when TEXT is "/").  */
static int
fake_proc (char *dir, size_t size, const char *text)
{
  snprintf (dir, size, "/tmp/test_host.XXXXXX");
  if (mkdtemp (dir) == NULL)
    abort ();
  char path[128];
  snprintf (path, sizeof path, "%s/self", dir);
  if (mkdir (path, 0755) < 0)
    abort ();
  snprintf (path, sizeof path, "%s/self/uid_map", dir);
  if (text && strcmp (text, "/") == 0 && mkdir (path, 0755) < 0)
    abort ();
  if (text && strcmp (text, "/") != 0)
    {
      FILE *f = fopen (path, "w");
      if (f == NULL || fputs (text, f) < 0 || fclose (f) != 0)
        abort ();
    }
  return open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

static void
fake_proc_remove (const char *dir)
{
  char *cmd = NULL;
  if (asprintf (&cmd, "rm -rf -- '%s'", dir) < 0 || system (cmd) != 0)
    abort ();
  free (cmd);
}

/* The uid_map is read through the /proc the stage lends; one that cannot
   be read (missing, or not a file) is an error naming what was asked.  */
TEST (the_user_namespace_is_read_through_the_lent_procfs)
{
  static const struct
  {
    const char *text; /* NULL: no uid_map; "/": a directory */
    int ret;
    bool initial;
    const char *read; /* what was read, or what the error says */
  } cases[] = {
    { "         0          0 4294967295\n", 0, true, "         0          0 4294967295\n" },
    { "         0      54321          1\n", 0, false, "         0      54321          1\n" },
    { NULL, -1, false, "open self/uid_map" },
    { "/", -1, false, "read self/uid_map" },
  };
  for (size_t i = 0; i < N_ELEMENTS (cases); i++)
    {
      cleanup_hook_error hook_error *err = NULL;
      char dir[64], uid_map[128] = "unread";
      bool initial = !cases[i].initial;
      cleanup_close int fd = fake_proc (dir, sizeof dir, cases[i].text);
      CHECK (fd >= 0);
      CHECK_INT (hook_user_namespace_read (fd, uid_map, sizeof uid_map, &initial, &err),
                 cases[i].ret);
      if (cases[i].ret == 0)
        {
          CHECK_INT (initial, cases[i].initial);
          CHECK_STR (uid_map, cases[i].read);
        }
      else
        {
          CHECK_ERROR_MENTIONS (err, "the hook's user namespace: ");
          CHECK_ERROR_MENTIONS (err, cases[i].read);
        }
      fake_proc_remove (dir);
    }
  /* Without a loan it opens the host's own /proc.  */
  cleanup_hook_error hook_error *err = NULL;
  char uid_map[128];
  bool initial;
  CHECK_INT (hook_user_namespace_read (-1, uid_map, sizeof uid_map, &initial, &err), 0);
  CHECK_INT (initial, uid_map_is_initial (uid_map));
}

int
main (void)
{
  RUN (only_the_identity_map_is_the_initial_user_namespace);
  RUN (the_user_namespace_is_read_through_the_lent_procfs);
  return tap_done ();
}

#include <config.h>

#include <string.h>
#include <yajl/yajl_parse.h>

#include "spec_command.h"

/* Where the scan stands: the nesting depth, and whether the current
   member of the top-level object is "process", of "process" is "args".  */
typedef struct command_scan
{
  int depth;
  bool in_process, in_args, next_is_process, next_is_args;
  bool done, conclusive;
  char *arg0;
  size_t arg0_size;
} command_scan;

static int
found (command_scan *s, const unsigned char *text, size_t len)
{
  s->done = true;
  if (text == NULL || len + 1 > s->arg0_size || memchr (text, '\0', len))
    return 0;
  memcpy (s->arg0, text, len);
  s->arg0[len] = '\0';
  s->conclusive = true;
  return 0; /* stop the parse: the rest is the full parse's business */
}

/* A scalar where the command may be: in process.args, the first element
   is it (a non-string is inconclusive).  */
static int
on_scalar (command_scan *s, const unsigned char *text, size_t len)
{
  if (s->in_args && s->depth == 3)
    return found (s, text, len);
  s->next_is_process = s->next_is_args = false;
  return 1;
}

static int
on_null (void *ctx)
{
  return on_scalar (ctx, NULL, 0);
}

static int
on_bool (void *ctx, int b)
{
  (void)b;
  return on_scalar (ctx, NULL, 0);
}

static int
on_number (void *ctx, const char *text, size_t len)
{
  (void)text;
  (void)len;
  return on_scalar (ctx, NULL, 0);
}

static int
on_string (void *ctx, const unsigned char *text, size_t len)
{
  return on_scalar (ctx, text, len);
}

static int
on_start_map (void *ctx)
{
  command_scan *s = ctx;
  if (s->in_args && s->depth == 3)
    return found (s, NULL, 0);
  s->depth++;
  if (s->depth == 2 && s->next_is_process)
    s->in_process = true;
  s->next_is_process = s->next_is_args = false;
  return 1;
}

static int
on_map_key (void *ctx, const unsigned char *key, size_t len)
{
  command_scan *s = ctx;
  s->next_is_process = s->depth == 1 && len == 7 && memcmp (key, "process", 7) == 0;
  s->next_is_args = s->depth == 2 && s->in_process && len == 4 && memcmp (key, "args", 4) == 0;
  return 1;
}

static int
on_end_map (void *ctx)
{
  command_scan *s = ctx;
  if (s->depth == 2 && s->in_process)
    {
      /* process without args: no command.  */
      s->done = s->conclusive = true;
      s->arg0[0] = '\0';
      return 0;
    }
  s->depth--;
  return 1;
}

static int
on_start_array (void *ctx)
{
  command_scan *s = ctx;
  if (s->in_args && s->depth == 3)
    return found (s, NULL, 0);
  s->depth++;
  if (s->depth == 3 && s->next_is_args)
    s->in_args = true;
  s->next_is_process = s->next_is_args = false;
  return 1;
}

static int
on_end_array (void *ctx)
{
  command_scan *s = ctx;
  if (s->in_args && s->depth == 3)
    {
      /* An empty args list: no command.  */
      s->done = s->conclusive = true;
      s->arg0[0] = '\0';
      return 0;
    }
  s->depth--;
  return 1;
}

static const yajl_callbacks scan_callbacks = {
  .yajl_null = on_null,
  .yajl_boolean = on_bool,
  .yajl_number = on_number,
  .yajl_string = on_string,
  .yajl_start_map = on_start_map,
  .yajl_map_key = on_map_key,
  .yajl_end_map = on_end_map,
  .yajl_start_array = on_start_array,
  .yajl_end_array = on_end_array,
};

bool
spec_scan_command (const char *buf, size_t len, char *arg0, size_t arg0_size)
{
  command_scan s = { .arg0 = arg0, .arg0_size = arg0_size };

  if (arg0_size == 0)
    return false;
  arg0[0] = '\0';
  yajl_handle h = yajl_alloc (&scan_callbacks, NULL, &s);
  if (h == NULL)
    return false;
  yajl_status st = yajl_parse (h, (const unsigned char *)buf, len);
  if (st == yajl_status_ok)
    st = yajl_complete_parse (h);
  yajl_free (h);
  if (s.done)
    return s.conclusive;
  /* The whole document read without a process: no command.  */
  return st == yajl_status_ok && s.depth == 0;
}

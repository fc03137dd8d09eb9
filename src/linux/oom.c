#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "decimal.h"
#include "oom.h"
#include "safepath.h"

int
oom_score_parse (const char *text, int *out, hook_error **err)
{
  int64_t v;
  /* What the kernel prints: the decimal and a newline.  */
  if (decimal_parse (text, strlen (text), DECIMAL_TRAILING_NEWLINE, -1000, 1000, &v) < 0)
    return hook_fail (err, 0, "oom_score_adj \"%.16s\": not an integer in [-1000, 1000]", text);
  *out = (int)v;
  return 0;
}

int
oom_score_apply (const target_process *p, int value, hook_error **err)
{
  char buf[16], back[32];
  int current;

  if (value < -1000 || value > 1000)
    return hook_fail (err, 0, "oom_score_adj %d: out of range [-1000, 1000]", value);
  cleanup_close int fd
      = openat2_fd (p->proc_fd, "oom_score_adj", O_RDWR, 0, RESOLVE_STRICT_BENEATH);
  if (fd < 0)
    return hook_fail (err, errno, "open /proc/%d/oom_score_adj", (int)p->pid);
  int len = snprintf (buf, sizeof buf, "%d", value);
  if (write_all (fd, buf, (size_t)len) < 0)
    {
      if (errno == EACCES)
        return hook_fail (err, EACCES,
                          "write oom_score_adj %d: lowering the score needs CAP_SYS_RESOURCE "
                          "(set restrict_oom_score_adj to true or auto)",
                          value);
      return hook_fail (err, errno, "write /proc/%d/oom_score_adj", (int)p->pid);
    }
  if (pread_small (fd, "oom_score_adj", back, sizeof back, err) < 0)
    return hook_error_prefix (err, "read back /proc/%d", (int)p->pid);
  if (oom_score_parse (back, &current, err) < 0)
    return -1;
  if (current != value)
    return hook_fail (err, 0, "oom_score_adj: wrote %d but the kernel reports %d", value, current);
  return target_process_check_alive (p, err);
}

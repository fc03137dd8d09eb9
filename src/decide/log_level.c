#include <config.h>

#include <string.h>

#include "log_level.h"

static const char *const level_names[] = {
  [LOG_LEVEL_ERROR] = "error",
  [LOG_LEVEL_WARN] = "warn",
  [LOG_LEVEL_INFO] = "info",
  [LOG_LEVEL_DEBUG] = "debug",
};

int
log_level_parse (const char *text, log_level *out)
{
  for (size_t i = 0; i < sizeof level_names / sizeof level_names[0]; i++)
    if (strcmp (text, level_names[i]) == 0)
      {
        *out = (log_level)i;
        return 0;
      }
  return -1;
}

/* The levels of the hook's log, as the policy and --log-level name them.  */
#ifndef OCI_SANDBOX_HOOK_LOG_LEVEL_H
#define OCI_SANDBOX_HOOK_LOG_LEVEL_H

typedef enum log_level
{
  LOG_LEVEL_ERROR,
  LOG_LEVEL_WARN,
  LOG_LEVEL_INFO,
  LOG_LEVEL_DEBUG,
} log_level;

/* "error", "warn", "info" or "debug" into *OUT; -1 for anything else.  */
int log_level_parse (const char *text, log_level *out);

#endif

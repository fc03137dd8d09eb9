/* Logging: syslog (LOG_DAEMON, ident oci-sandbox-hook) with the short
   container id on every line; errors also on stderr, where runc shows them
   when a hook fails.  The syslog client is our own few lines rather than
   syslog(3): it connects lazily (the not-a-sandbox fast path never opens a
   socket), takes its socket path from the policy (tests point it at a
   private socket), and never blocks when nobody listens.  */
#ifndef OCI_SANDBOX_HOOK_LOG_H
#define OCI_SANDBOX_HOOK_LOG_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "log_level.h"

typedef struct hook_log
{
  int fd; /* connected datagram socket, -1 before the first line */
  bool connect_failed;
  char socket_path[108];
  char id[13]; /* first 12 characters of the container id */
  log_level level;
  bool mirror_to_stderr;     /* --log-stderr: every line, not only errors */
  bool errors_not_to_stderr; /* the runtime wrapper writes its refusals itself */
  pid_t pid;
  int wait_left_ms; /* what is left of the time the hook waits on a full socket */
} hook_log;

void hook_log_init (hook_log *log);
int hook_log_set_socket (hook_log *log, const char *path, hook_error **err);
void hook_log_set_id (hook_log *log, const char *container_id);
void hook_log_close (hook_log *log);

void hook_log_write (hook_log *log, log_level level, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

#define log_error(log, ...) hook_log_write ((log), LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(log, ...)  hook_log_write ((log), LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(log, ...)  hook_log_write ((log), LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(log, ...) hook_log_write ((log), LOG_LEVEL_DEBUG, __VA_ARGS__)

#endif

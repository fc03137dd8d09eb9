#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define LOG_IDENT "oci-sandbox-hook"
/* A syslog socket holds few datagrams (net.unix.max_dgram_qlen, 10 unless
   the host raised it): a debug run sends more lines than that before a
   slow reader drains them.  The hook waits for room, but never more than
   this in all, so that a stuck logger cannot stall a pod start.  */
#define LOG_WAIT_MAX_MS 250

void
hook_log_init (hook_log *log)
{
  memset (log, 0, sizeof *log);
  log->fd = -1;
  strcpy (log->socket_path, "/dev/log");
  strcpy (log->id, "-");
  log->level = LOG_LEVEL_INFO;
  log->pid = getpid ();
  log->wait_left_ms = LOG_WAIT_MAX_MS;
}

int
hook_log_set_socket (hook_log *log, const char *path, hook_error **err)
{
  if (path[0] != '/' || strlen (path) >= sizeof log->socket_path)
    return hook_fail (err, EINVAL, "log socket \"%s\": not an absolute path of at most %zu bytes",
                      path, sizeof log->socket_path - 1);
  hook_log_close (log);
  log->connect_failed = false;
  strcpy (log->socket_path, path);
  return 0;
}

void
hook_log_set_id (hook_log *log, const char *container_id)
{
  snprintf (log->id, sizeof log->id, "%.12s", container_id);
}

void
hook_log_close (hook_log *log)
{
  if (log->fd >= 0)
    close (log->fd);
  log->fd = -1;
}

static void
log_connect (hook_log *log)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };

  if (log->fd >= 0 || log->connect_failed)
    return;
  log->connect_failed = true;
  int fd = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0)
    return;
  memcpy (addr.sun_path, log->socket_path, strlen (log->socket_path) + 1);
  if (connect (fd, (struct sockaddr *)&addr, sizeof addr) < 0)
    {
      close (fd);
      return;
    }
  log->fd = fd;
  log->connect_failed = false;
}

/* The last guard on a line, whatever its producers quoted: a line break
   would forge a second log record (a space here), and any other control
   character (C0, DEL, or C1 as UTF-8 writes it) would reach a terminal
   that shows the log, where an escape sequence can rewrite what an
   operator reads (as \xHH here, as values are quoted; cut at a whole
   escape when OUT is full).  */
static void
make_printable (char *out, size_t size, const char *in)
{
  static const char hex[] = "0123456789abcdef";
  size_t o = 0;

  for (const unsigned char *p = (const unsigned char *)in; *p && o + 1 < size; p++)
    {
      size_t n = (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) ? 2
                 : (*p < 0x20 && *p != '\t') || *p == 0x7f      ? 1
                                                                : 0;
      if (*p == '\n' || *p == '\r')
        out[o++] = ' ';
      else if (n == 0)
        out[o++] = (char)*p;
      else if (o + 4 * n >= size)
        break;
      else
        for (size_t i = 0; i < n; i++)
          {
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[p[i] >> 4];
            out[o++] = hex[p[i] & 0xf];
          }
      p += n > 1 ? n - 1 : 0;
    }
  out[o] = '\0';
}

static const int syslog_priority[] = {
  [LOG_LEVEL_ERROR] = LOG_ERR,
  [LOG_LEVEL_WARN] = LOG_WARNING,
  [LOG_LEVEL_INFO] = LOG_INFO,
  [LOG_LEVEL_DEBUG] = LOG_DEBUG,
};

void
hook_log_write (hook_log *log, log_level level, const char *fmt, ...)
{
  char raw[2048], msg[2048], line[2200];
  va_list ap;
  int n;

  if (level > log->level && level != LOG_LEVEL_ERROR)
    return;
  va_start (ap, fmt);
  vsnprintf (raw, sizeof raw, fmt, ap);
  va_end (ap);
  make_printable (msg, sizeof msg, raw);

  if ((level == LOG_LEVEL_ERROR && !log->errors_not_to_stderr) || log->mirror_to_stderr)
    fprintf (stderr, LOG_IDENT ": %s: %s%s\n", log->id, level == LOG_LEVEL_ERROR ? "error: " : "",
             msg);

  log_connect (log);
  if (log->fd < 0)
    return;
  /* No timestamp: syslog daemons (journald, rsyslog) stamp a record that
     has none on arrival, and formatting local time would read the time
     zone file on every pod start.  */
  n = snprintf (line, sizeof line, "<%d>" LOG_IDENT "[%d]: %s: %s",
                LOG_DAEMON | syslog_priority[level], (int)log->pid, log->id, msg);
  if (n <= 0)
    return;
  size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
  while (send (log->fd, line, len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 && errno == EAGAIN
         && log->wait_left_ms > 0)
    {
      struct pollfd p = { .fd = log->fd, .events = POLLOUT };
      struct timespec t0, t1;
      clock_gettime (CLOCK_MONOTONIC, &t0);
      int ready = poll (&p, 1, log->wait_left_ms);
      clock_gettime (CLOCK_MONOTONIC, &t1);
      long spent = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
      log->wait_left_ms = spent >= log->wait_left_ms ? 0 : log->wait_left_ms - (int)spent;
      if (ready <= 0)
        log->wait_left_ms = 0;
    }
}

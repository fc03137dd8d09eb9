#!/usr/bin/python3
"""Run a command under a child subreaper:  reaper.py PIDFILE -- CMD...

The containerd harness starts containerd through this.  containerd's runc
shims daemonise (their starter exits), so they are orphans; the kernel
re-parents an orphan to its nearest ancestor that is a child subreaper
(prctl PR_SET_CHILD_SUBREAPER), else to pid 1, which on these machines
never reaps.  Being that subreaper means (1) every process of the run,
shims and the containers they leave behind included, stays a descendant of
this one, so "nothing is left" is a walk of one process tree, and (2) each
of them is reaped when it exits, so no zombie is left either.

PIDFILE receives CMD's pid (written atomically once CMD is forked).  The
reaper exits when it has no child left; SIGTERM and SIGINT are forwarded to
CMD.  Each reaped process is logged to stderr.
"""

import ctypes
import os
import signal
import sys

PR_SET_CHILD_SUBREAPER = 36


def main():
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        sys.stderr.write("usage: reaper.py PIDFILE -- CMD...\n")
        return 2
    pidfile, cmd = sys.argv[1], sys.argv[3:]
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        sys.stderr.write("reaper: prctl: %s\n" % os.strerror(ctypes.get_errno()))
        return 1
    child = os.fork()
    if child == 0:
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)

    def forward(signum, _frame):
        try:
            os.kill(child, signum)
        except ProcessLookupError:
            pass

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    with open(pidfile + ".new", "w") as f:
        f.write("%d\n" % child)
    os.rename(pidfile + ".new", pidfile)
    while True:
        try:
            pid, status = os.waitpid(-1, 0)
        except ChildProcessError:
            return 0
        except InterruptedError:
            continue
        what = "main" if pid == child else "orphan"
        sys.stderr.write("reaper: reaped %s %d, status %d\n" % (what, pid, status))
        sys.stderr.flush()


if __name__ == "__main__":
    sys.exit(main())

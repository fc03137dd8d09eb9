#!/usr/bin/env python3
"""A private syslog sink for demos and tests: binds a unix datagram socket
at argv[1] and appends every record, one per line, to argv[2].  Point the
hook's policy `log_socket` at it; the host's /dev/log is never touched."""
import os
import socket
import sys

path, out = sys.argv[1], sys.argv[2]
try:
    os.unlink(path)
except FileNotFoundError:
    pass
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
with open(out, "ab", buffering=0) as f:
    while True:
        data = sock.recv(65536)
        f.write(data.rstrip(b"\n") + b"\n")

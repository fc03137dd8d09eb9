# gdb script for bench/hot-functions.sh: run the inferior to its end (or
# to its execve: the runtime wrapper's hand-over to the real runtime) with a
# one-shot breakpoint on every function of the binary, and append the name
# of each function it entered, in the order it first entered them, to the
# file named by $HOT_FUNCTIONS_OUT.
#
#   HOT_FUNCTIONS_OUT=FILE gdb -q -batch -x bench/hot_functions.py --args BINARY ARGS...
#
# A breakpoint by name sits after the function's prologue, which every call
# runs: a function entered is a function recorded.  The program's own
# start (_start, before gdb can set anything) is not among them.
import os
import re
import subprocess

import gdb

out_path = os.environ["HOT_FUNCTIONS_OUT"]
binary = gdb.current_progspace().filename
# A static binary's .iplt holds a stub per IFUNC it calls through a PLT
# slot, some named like the function (strcmp): not a function lld can
# place, so not one to list.
m = re.search(r"\] \.iplt\s+PROGBITS\s+([0-9a-f]+) [0-9a-f]+ ([0-9a-f]+)",
              subprocess.check_output(["readelf", "-SW", binary], text=True))
iplt = range(int(m.group(1), 16), int(m.group(1), 16) + int(m.group(2), 16)) if m else range(0)
functions = set()
for line in subprocess.check_output(["nm", "--defined-only", binary], text=True).splitlines():
    fields = line.split()
    if len(fields) == 3 and fields[1] in "tTwW" and int(fields[0], 16) not in iplt:
        functions.add(fields[2])

entered = []


class FirstEntry(gdb.Breakpoint):
    def stop(self):
        entered.append(self.location)
        self.enabled = False
        return False


gdb.execute("set pagination off")
gdb.execute("set confirm off")
gdb.execute("starti")
for name in sorted(functions):
    try:
        FirstEntry(name, internal=True)
    except gdb.error:
        pass  # a label nm lists as text (data_start): not a function
gdb.execute("catch exec")
gdb.execute("continue")
if gdb.selected_inferior().pid:
    gdb.execute("kill")
with open(out_path, "a") as f:
    for name in entered:
        f.write(name + "\n")

#!/usr/bin/env bats
# The static binary's code layout: with lld (configure, --enable-static-binary)
# the functions of a pod's hot paths, listed in src/hot-functions.txt by
# bench/hot-functions.sh, sit together at the start of .text, so that a
# hook process faults in a few 64 KiB windows of code instead of most of
# them (docs/performance.md).  GNU ld spreads the same functions over the
# whole section.  The same link moves libselinux's and libcap-ng's
# constructors out of .init_array (src/deferred-constructors.ld), to run
# where a stage loads the library: the binary's sections say where each
# constructor went, and strace of a real runc's hooks which processes run
# them.

OSH_SUITE=static_layout
load helpers

TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
LIST=$TOP/src/hot-functions.txt

# Only the tests that run containers make a directory ($T) to clean.
teardown () {
  osh_teardown
}

# layout: "PRESENT LISTED SPAN TEXT_SIZE OUTSIDE" for $HOOK and the list:
# how many listed functions the binary has, how far past the start of
# .text the last of them begins, and those outside .text (_init and _fini
# live in sections of their own).
layout () {
  "$PYTHON" - "$HOOK" "$LIST" <<'PY'
import re, subprocess, sys
binary, listing = sys.argv[1], sys.argv[2]
listed = [l.strip() for l in open(listing) if l.strip() and not l.startswith("#")]
addr = {}
for line in subprocess.check_output(["nm", "--defined-only", binary], text=True).splitlines():
    f = line.split()
    if len(f) == 3 and f[1] in "tTwW":
        addr.setdefault(f[2], int(f[0], 16))
m = re.search(r"\] \.text\s+PROGBITS\s+([0-9a-f]+) [0-9a-f]+ ([0-9a-f]+)",
              subprocess.check_output(["readelf", "-SW", binary], text=True))
start, size = int(m.group(1), 16), int(m.group(2), 16)
present = [n for n in listed if n in addr]
inside = [n for n in present if start <= addr[n] < start + size]
outside = sorted(set(present) - set(inside))
print(len(present), len(listed), max(addr[n] for n in inside) - start, size, ",".join(outside))
PY
}

# Was this build linked with the order (configure found lld)?
ordered_build () {
  grep -q '^FUNCTION_ORDER_LDFLAGS = .*symbol-ordering-file' "$TOP/Makefile"
}

@test "static_layout: the list names functions the binary has" {
  readelf -d "$HOOK" | grep -q NEEDED && skip "not the static binary"
  read -r present listed _ <<<"$(layout)"
  # A list made for other code (another compiler, renamed functions) is
  # only slower; most of it missing means bench/hot-functions.sh is due.
  [ "$listed" -gt 100 ] || fail "src/hot-functions.txt lists $listed functions"
  [ $((present * 10)) -ge $((listed * 9)) ] ||
    fail "the binary has $present of the $listed functions of src/hot-functions.txt: rerun bench/hot-functions.sh"
}

@test "static_layout: linked by lld, the listed functions come first in .text" {
  readelf -d "$HOOK" | grep -q NEEDED && skip "not the static binary"
  ordered_build || skip "configured without the function order (no lld, or --disable-function-order)"
  readelf -p .comment "$HOOK" | grep -q 'Linker: .*LLD' || fail "the binary was not linked by lld"
  read -r present listed span size outside <<<"$(layout)"
  assert_eq "$outside" "_fini,_init" "listed functions outside .text"
  # The hot paths' code, in a third of .text here (a GNU ld link of the
  # same code spreads it over all of it).
  [ $((span * 2)) -lt "$size" ] ||
    fail "the last listed function starts $span bytes into a .text of $size: not packed first"
}

# The dynamically linked twin (make check builds it), linked as the default
# build is.
twin () {
  local dynamic=${DYNAMIC_HOOK:-$(dirname "$HOOK")/oci-sandbox-hook-dynamic}
  [ -x "$dynamic" ] || fail "dynamically linked twin $dynamic not built"
  echo "$dynamic"
}

# functions BINARY: the names of its functions, sorted, each once.
functions () {
  nm --defined-only "$1" | awk 'NF == 3 && $2 ~ /^[tTwW]$/ { print $3 }' | sort -u
}

# code_sections BINARY: "BEFORE|AFTER", the executable sections of BINARY
# before .text and after it, each list in address order.
code_sections () {
  "$PYTHON" - "$1" <<'PY'
import re, subprocess, sys
out = subprocess.check_output(["readelf", "-SW", sys.argv[1]], text=True)
code = sorted((int(m.group(2), 16), m.group(1)) for m in
              re.finditer(r"\]\s+(\S+)\s+\S+\s+([0-9a-f]+) [0-9a-f]+ [0-9a-f]+ [0-9a-f]+\s+(\S*X\S*)\s", out))
names = [n for _, n in code]
i = names.index(".text")
print(" ".join(names[:i]) + "|" + " ".join(names[i + 1:]))
PY
}

@test "static_layout: linked by lld, the code every process runs comes before .text, in both builds" {
  readelf -d "$HOOK" | grep -q NEEDED && skip "not the static binary"
  ordered_build || skip "configured without the function order (no lld, or --disable-function-order)"
  local dynamic
  dynamic=$(twin)
  # _init and _fini, which start-up and exit() run, and the stubs of the
  # calls of glibc's CPU-picked string functions (static) or of every call
  # into a shared library (dynamic): before .text, next to the hot code
  # (src/stubs-before-text.ld).  glibc's __libc_freeres_fn, run only under
  # valgrind or mtrace, stays after it.
  assert_eq "$(code_sections "$HOOK")" ".init .fini .iplt|__libc_freeres_fn" "the static binary's code sections"
  assert_eq "$(code_sections "$dynamic")" ".init .fini .plt|" "the dynamic build's code sections"
  readelf -p .comment "$dynamic" | grep -q 'Linker: .*LLD' || fail "the dynamic build was not linked by lld"
}

@test "static_layout: the list follows a node's hot paths: the syslog send, the pod cgroup's check, the default build's own" {
  readelf -d "$HOOK" | grep -q NEEDED && skip "not the static binary"
  local dynamic only
  dynamic=$(twin)
  # bench/hot-functions.sh runs the hooks with a syslog daemon listening
  # and each container in a pod cgroup, as on a node: the send of the log
  # line and the check of linux.cgroupsPath are in the list.
  grep -qx send "$LIST" || fail "src/hot-functions.txt has no send: made with nobody listening?"
  grep -qx cgroups_path_names "$LIST" || fail "src/hot-functions.txt has no cgroups_path_names: made without a cgroupsPath?"
  # And the functions only the default build runs (its dlopen() of
  # libcap-ng), which the static binary does not have.
  only=$(comm -12 <(grep -v '^#' "$LIST" | sort -u) <(comm -13 <(functions "$HOOK") <(functions "$dynamic")))
  [ -n "$only" ] || fail "src/hot-functions.txt lists none of the functions only the dynamic build has"
}

# init_entries SECTION: the symbol each function pointer of SECTION names.
# In a static-pie binary the pointers are relocations (R_X86_64_RELATIVE,
# the address in the addend) applied at start; a plain static binary
# holds them in the section's bytes.
init_entries () {
  "$PYTHON" - "$HOOK" "$1" <<'PY'
import re, struct, subprocess, sys
binary, name = sys.argv[1], sys.argv[2]
sections = subprocess.check_output(["readelf", "-SW", binary], text=True)
m = re.search(r"\] %s\s+\S+\s+([0-9a-f]+) ([0-9a-f]+) ([0-9a-f]+)" % re.escape(name), sections)
if not m:
    sys.exit("no section " + name)
addr, offset, size = (int(x, 16) for x in m.groups())
relocs = {}
for line in subprocess.check_output(["readelf", "-rW", binary], text=True).splitlines():
    f = line.split()
    if len(f) >= 4 and f[2] == "R_X86_64_RELATIVE":
        relocs[int(f[0], 16)] = int(f[3], 16)
data = open(binary, "rb").read()[offset:offset + size]
names = {}
for line in subprocess.check_output(["nm", "--defined-only", binary], text=True).splitlines():
    f = line.split()
    if len(f) == 3 and f[1] in "tT":
        names.setdefault(int(f[0], 16), []).append(f[2])
for i in range(0, size, 8):
    target = relocs.get(addr + i, struct.unpack("<Q", data[i:i + 8])[0])
    print("/".join(sorted(names.get(target, ["0x%x" % target]))))
PY
}

# static_ordered: the static binary, linked by lld with the script.
static_ordered () {
  readelf -d "$HOOK" | grep -q NEEDED && skip "not the static binary"
  ordered_build || skip "configured without lld (no lld, or --disable-function-order)"
}

@test "static_layout: libselinux's and libcap-ng's constructors are out of .init_array, one section each" {
  static_ordered
  local entries
  # Both libraries name their constructor init_lib (a local symbol).
  entries=$(init_entries .init_array) || fail "$entries"
  assert_not_contains "$entries" init_lib
  assert_eq "$(init_entries deferred_init_libselinux)" init_lib "libselinux's deferred constructors"
  assert_eq "$(init_entries deferred_init_libcapng)" init_lib "libcap-ng's deferred constructors"
  # Read-only after relocation, as .init_array is.
  "$PYTHON" - "$HOOK" <<'PY' || fail "a deferred section outside GNU_RELRO"
import re, subprocess, sys
out = subprocess.check_output(["readelf", "-lSW", sys.argv[1]], text=True)
lo, size = (int(x, 16) for x in re.search(r"GNU_RELRO\s+\S+\s+(\S+)\s+\S+\s+\S+\s+(\S+)", out).groups())
for name in ("deferred_init_libselinux", "deferred_init_libcapng"):
    addr, length = (int(x, 16) for x in re.search(r"\] %s\s+\S+\s+([0-9a-f]+) [0-9a-f]+ ([0-9a-f]+)" % name, out).groups())
    assert lo <= addr and addr + length <= lo + size, name
PY
}

# traced_hooks: both hooks run under strace, each stage's trace in
# $T/trace-STAGE (every system call, the paths in full).
traced_hooks () {
  local stage
  for stage in createRuntime poststop; do
    cfg --arg s /usr/bin/strace --arg o "$T/trace-$stage" --arg h "$HOOK" --arg p "$POLICY" --arg st "$stage" \
      '.hooks[$st][0].path = $s
       | .hooks[$st][0].args = ["strace", "-f", "-s", "256", "-o", $o, "-E", "ASAN_OPTIONS=detect_leaks=0",
           $h, "--policy", $p, $st]'
  done
}

# The constructors' own system calls: libselinux's look for selinuxfs,
# libcap-ng's read the last capability.
SELINUX_START='statfs("/sys/fs/selinux"'
CAPNG_START='/proc/sys/kernel/cap_last_cap'

@test "static_layout: the fast path and poststop run neither constructor; a sandbox runs libcap-ng's before its first call" {
  static_ordered
  command -v strace >/dev/null || skip "strace is not installed (contrib/setup.sh installs it)"
  osh_setup
  traced_hooks
  set_cmd 'cat /proc/sys/net/ipv4/ip_unprivileged_port_start'
  run --separate-stderr timeout 30 runc run -b "$BUNDLE" "$CID" </dev/null
  assert_status 0
  assert_eq "$output" 0 "the sandbox's ip_unprivileged_port_start"
  assert_contains "$(cat "$T/trace-createRuntime")" "$CAPNG_START"
  # libcap-ng's start-up before the capability drop it serves.
  local first_capng first_capset
  first_capng=$(grep -n -m1 -F "$CAPNG_START" "$T/trace-createRuntime" | cut -d: -f1)
  first_capset=$(grep -n -m1 'capset(' "$T/trace-createRuntime" | cut -d: -f1)
  [ -n "$first_capset" ] && [ "$first_capng" -lt "$first_capset" ] \
    || fail "libcap-ng's start-up (line $first_capng) is not before its capset (line ${first_capset:-none})"
  assert_not_contains "$(cat "$T/trace-createRuntime")" "$SELINUX_START"
  assert_not_contains "$(cat "$T/trace-poststop")" "$SELINUX_START"
  assert_not_contains "$(cat "$T/trace-poststop")" "$CAPNG_START"

  CID=$(new_id)-plain
  not_a_sandbox
  run --separate-stderr timeout 30 runc run -b "$BUNDLE" "$CID" </dev/null
  assert_status 0
  assert_eq "$output" 1024 "a plain container's ports (nothing applied)"
  assert_not_contains "$(cat "$T/trace-createRuntime")" "$SELINUX_START"
  assert_not_contains "$(cat "$T/trace-createRuntime")" "$CAPNG_START"
}

@test "static_layout: a sandbox with a mountLabel runs libselinux's constructor before asking it" {
  static_ordered
  command -v strace >/dev/null || skip "strace is not installed (contrib/setup.sh installs it)"
  osh_setup
  traced_hooks
  # runc 1.1.5 adds context= to its own tmpfs, devpts and cgroup mounts,
  # which the kernel refuses without SELinux: the label reaches the hook
  # without them.
  cfg '.mounts |= map(select(.type != "tmpfs" and .type != "devpts" and .type != "cgroup"))
       | .linux.maskedPaths = [] | .linux.mountLabel = "system_u:object_r:container_file_t:s0:c1,c2"'
  set_cmd 'cat /proc/sys/net/ipv4/ip_unprivileged_port_start'
  run --separate-stderr timeout 30 runc run -b "$BUNDLE" "$CID" </dev/null
  assert_status 0
  assert_eq "$output" 0 "the sandbox's ip_unprivileged_port_start"
  # Without selinuxfs libselinux's constructor finds no mount and reads
  # /proc/filesystems: once, in the createRuntime that asked it.
  [ "$(grep -c -F "$SELINUX_START" "$T/trace-createRuntime")" = 1 ] \
    || fail "libselinux's start-up in createRuntime:" "$(grep -F selinux "$T/trace-createRuntime")"
  assert_contains "$(cat "$T/trace-createRuntime")" '"/proc/filesystems"'
  assert_not_contains "$(cat "$T/trace-poststop")" "$SELINUX_START"
}

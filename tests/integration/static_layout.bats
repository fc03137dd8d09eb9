#!/usr/bin/env bats
# The static binary's code layout: with lld (configure, --enable-static-binary)
# the functions of a pod's hot paths, listed in src/hot-functions.txt by
# bench/hot-functions.sh, sit together at the start of .text, so that a
# hook process faults in a few 64 KiB windows of code instead of most of
# them (docs/performance.md).  GNU ld spreads the same functions over the
# whole section.  No containers: the binary and the list are read.

OSH_SUITE=static_layout
load helpers

TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
LIST=$TOP/src/hot-functions.txt

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

#!/bin/bash
# Run every libFuzzer harness for SECONDS each (default 30) on a copy of its
# seed corpus; new inputs land in a temp dir, never in the tree.  For a long
# campaign: tests/fuzz/run.sh 14400 (4 hours each), or run one binary by hand:
#   tests/fuzz/fuzz_state -max_total_time=36000 -jobs=2 CORPUSDIR tests/fuzz/corpus/fuzz_state
# A crash leaves crash-* files in the working directory and fails the run.
set -euo pipefail
seconds="${1:-30}"
here="$(cd "$(dirname "$0")" && pwd)"
bindir="${FUZZ_BINDIR:-$here}"
# The harnesses are Makefile.am's FUZZ_HARNESSES, asked of the build tree
# that holds the binaries (the last line: a regenerated Makefile says so
# first).
harnesses="$(make -s --no-print-directory -C "$bindir/../.." print-fuzz-harnesses | tail -n 1)"
[ -n "$harnesses" ] || { echo "tests/fuzz/run.sh: no harnesses listed by make print-fuzz-harnesses" >&2; exit 1; }
work="$(mktemp -d /tmp/oci-sandbox-hook-fuzz.XXXXXX)"
trap 'rm -rf "$work"' EXIT
status=0
for harness in $harnesses; do
  mkdir -p "$work/$harness"
  cp "$here/corpus/$harness/"* "$work/$harness/"
  echo "== $harness: ${seconds}s"
  if ! (cd "$work" && "$bindir/$harness" -max_total_time="$seconds" -max_len=65536 \
          -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$work/$harness" 2> "$work/$harness.log"); then
    tail -n 40 "$work/$harness.log"
    cp "$work"/crash-* "$work"/leak-* "$work"/timeout-* . 2>/dev/null || true
    status=1
  else
    grep -E '^stat::number_of_executed_units|^#.*DONE' "$work/$harness.log" | tail -n 2 || true
  fi
done
exit "$status"

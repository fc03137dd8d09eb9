#!/bin/bash
# Every test suite of oci-sandbox-hook, on a fresh Debian 12 machine, as
# root: installs what is needed, builds a test build (fault injection on,
# warnings as errors), runs the C unit tests (make check) and the bats
# integration suites against real runc, crun, podman and containerd (through
# the CRI API, tests/cri/), and ends with one line
# "N passed, N failed" summing all of them.  Exit status 0 only when
# nothing failed.
set -uo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
cd "$top"

"$top/contrib/setup.sh" --test-build || { echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
skipped=0
logdir="$(mktemp -d /tmp/oci-sandbox-hook-tests.XXXXXX)"

# Unit tests: automake's TAP driver prints a summary with PASS/FAIL counts.
echo "== unit tests (make check)"
make -j"$(nproc)" check > "$logdir/unit.log" 2>&1
unit_status=$?
grep -E '^(PASS|FAIL|ERROR|XPASS|SKIP):' "$logdir/unit.log" | grep -v '^PASS' || true
unit_pass=$(sed -n 's/^# PASS: *//p' "$logdir/unit.log" | tail -n 1)
unit_fail=$(sed -n 's/^# FAIL: *//p' "$logdir/unit.log" | tail -n 1)
unit_error=$(sed -n 's/^# ERROR: *//p' "$logdir/unit.log" | tail -n 1)
unit_skip=$(sed -n 's/^# SKIP: *//p' "$logdir/unit.log" | tail -n 1)
if [ -z "$unit_pass" ]; then
  # The build of the tests itself failed: show why and count it.
  tail -n 40 "$logdir/unit.log"
  unit_pass=0 unit_fail=1 unit_error=0 unit_skip=0
elif [ "$unit_status" -ne 0 ] && [ "$unit_fail" = 0 ] && [ "$unit_error" = 0 ]; then
  unit_error=1
fi
echo "unit: $unit_pass passed, $((unit_fail + unit_error)) failed"
passed=$((passed + unit_pass))
failed=$((failed + unit_fail + unit_error))
skipped=$((skipped + unit_skip))

# Static checks, one count each: every C file follows .clang-format; the
# layers of src/ include only earlier layers (tests/check-layers.sh); every
# document the tree names exists (tests/check-docs.sh); the release tarball
# builds, passes make check and installs/uninstalls cleanly (make distcheck).
static_check () {
  local name=$1
  shift
  echo "== static: $name"
  if "$@" > "$logdir/$name.log" 2>&1; then
    echo "$name: ok"
    passed=$((passed + 1))
  else
    echo "$name: FAILED"; tail -n 20 "$logdir/$name.log"
    failed=$((failed + 1))
  fi
}
static_check clang-format clang-format --dry-run --Werror src/*/*.c src/*/*.h tests/unit/*.c \
  tests/unit/*.h tests/fuzz/*.c bench/floor.c
static_check layers tests/check-layers.sh
static_check docs tests/check-docs.sh
static_check distcheck make -j"$(nproc)" distcheck

# Integration suites: bats in TAP mode, one file per runtime or concern.
# The node's own paths: no suite may create them (they use private ones).
node_paths=(/run/oci-sandbox-hook /etc/oci-sandbox-hook)
absent_node_paths () {
  local p
  for p in "${node_paths[@]}"; do [ -e "$p" ] || echo "$p"; done
}
# failures TAP: each failed test with the first 25 lines bats printed
# for it, so that a CI log alone says why (the full TAP stays in logdir).
failures () {
  awk '/^not ok /{ n = 25; print; next } /^(ok |1\.\.)/{ n = 0 } n > 0 { n--; print }' "$1"
}
for suite in tests/integration/*.bats; do
  name="$(basename "$suite" .bats)"
  echo "== integration: $name"
  absent_before=$(absent_node_paths)
  HOOK="$top/oci-sandbox-hook" bats --tap "$suite" > "$logdir/$name.tap" 2>&1
  failures "$logdir/$name.tap"
  s_ok=$(grep -cE '^ok ' "$logdir/$name.tap")
  s_skip=$(grep -cE '^ok .*# [sS][kK][iI][pP]' "$logdir/$name.tap")
  s_fail=$(grep -cE '^not ok ' "$logdir/$name.tap")
  for p in $absent_before; do
    if [ -e "$p" ]; then
      echo "$name: created the node's $p (tests must use private paths)"
      ls -la "$p"
      s_fail=$((s_fail + 1))
    fi
  done
  plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$logdir/$name.tap" | head -n 1)
  if [ -z "$plan" ] || [ $((s_ok + s_fail)) -ne "$plan" ]; then
    # bats died before finishing its plan: what did not run failed.
    echo "$name: bats did not finish (plan ${plan:-missing}, ran $((s_ok + s_fail)))"
    tail -n 20 "$logdir/$name.tap"
    s_fail=$((s_fail + ${plan:-1} - s_ok - s_fail))
    [ "$s_fail" -le 0 ] && s_fail=1
  fi
  echo "$name: $((s_ok - s_skip)) passed, $s_fail failed, $s_skip skipped"
  passed=$((passed + s_ok - s_skip))
  failed=$((failed + s_fail))
  skipped=$((skipped + s_skip))
done

# Sanitizers: the same unit tests and the runtime integration suites again
# with an AddressSanitizer + UndefinedBehaviorSanitizer (+ LeakSanitizer)
# build of the hook, made from a copy of this tree (the tree itself holds
# the normal in-tree build).  Any sanitizer report makes the hook or the
# test binary exit non-zero, which fails the test.
echo "== sanitizers: ASan+UBSan build"
asan_src="$logdir/asan-src"
mkdir -p "$asan_src"
git ls-files -co --exclude-standard -z | tar --null -T - -cf - | tar -xf - -C "$asan_src"
san_flags="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
if (cd "$asan_src" && ./autogen.sh && ./configure --enable-fault-injection --enable-werror \
      CFLAGS="$san_flags" LDFLAGS="-fsanitize=address,undefined" && make -j"$(nproc)") \
     > "$logdir/asan-build.log" 2>&1; then
  (cd "$asan_src" && ASAN_OPTIONS=detect_leaks=1 make -j"$(nproc)" check) > "$logdir/asan-unit.log" 2>&1
  a_pass=$(sed -n 's/^# PASS: *//p' "$logdir/asan-unit.log" | tail -n 1)
  a_f=$(sed -n 's/^# FAIL: *//p' "$logdir/asan-unit.log" | tail -n 1)
  a_e=$(sed -n 's/^# ERROR: *//p' "$logdir/asan-unit.log" | tail -n 1)
  a_fail=$(( ${a_f:-1} + ${a_e:-0} ))
  echo "unit (asan): ${a_pass:-0} passed, $a_fail failed"
  grep -E '^(FAIL|ERROR):' "$logdir/asan-unit.log" || true
  passed=$((passed + ${a_pass:-0}))
  failed=$((failed + a_fail))
  for suite in runc bad_input precreate crun threats installer engine_files; do
    [ -f "tests/integration/$suite.bats" ] || continue
    HOOK="$asan_src/oci-sandbox-hook" bats --tap "tests/integration/$suite.bats" > "$logdir/asan-$suite.tap" 2>&1
    failures "$logdir/asan-$suite.tap"
    s_ok=$(grep -cE '^ok ' "$logdir/asan-$suite.tap")
    s_fail=$(grep -cE '^not ok ' "$logdir/asan-$suite.tap")
    [ "$s_ok" -gt 0 ] || s_fail=$((s_fail + 1))
    echo "$suite (asan): $s_ok passed, $s_fail failed"
    passed=$((passed + s_ok))
    failed=$((failed + s_fail))
  done
else
  echo "sanitizer build failed"; tail -n 30 "$logdir/asan-build.log"
  failed=$((failed + 1))
fi

# Fuzzing: every libFuzzer harness for a short, bounded time; a crash or
# leak fails that harness.
fuzz_seconds="${FUZZ_SECONDS:-20}"
echo "== fuzz: ${fuzz_seconds}s per harness"
# Makefile.am's FUZZ_HARNESSES (the last line: a regenerated Makefile
# says so first).
harnesses="$(make -s --no-print-directory print-fuzz-harnesses | tail -n 1)"
if [ -z "$harnesses" ]; then
  echo "fuzz: make print-fuzz-harnesses listed none"
  failed=$((failed + 1))
elif make fuzz > "$logdir/fuzz-build.log" 2>&1; then
  for harness in $harnesses; do
    mkdir -p "$logdir/corpus-$harness"
    cp tests/fuzz/corpus/"$harness"/* "$logdir/corpus-$harness/"
    if (cd "$logdir" && "$top/tests/fuzz/$harness" -max_total_time="$fuzz_seconds" -max_len=65536 \
          -timeout=10 -rss_limit_mb=2048 "corpus-$harness" > "$harness.log" 2>&1); then
      echo "$harness: ok ($(sed -n 's/^#\([0-9]*\).*DONE.*/\1/p' "$logdir/$harness.log") runs)"
      passed=$((passed + 1))
    else
      echo "$harness: FAILED"; tail -n 30 "$logdir/$harness.log"
      failed=$((failed + 1))
    fi
  done
else
  echo "fuzz: build failed"; tail -n 20 "$logdir/fuzz-build.log"
  failed=$((failed + 1))
fi

echo "logs: $logdir"
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]

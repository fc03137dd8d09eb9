#!/usr/bin/env bats
# bench/run.sh, the measurement tool of docs/performance.md, run as anyone
# would run it (--quick, parts start and hook, real runc containers): it
# prints its tables, puts every container in a cgroup of its own inside a
# pod cgroup below the run's own, and leaves nothing behind, on a normal
# end and when stopped mid-run.  Times are printed, never asserted.

OSH_SUITE=bench
load helpers

TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)

setup () {
  [ "$(id -u)" = 0 ] || skip "the bench runs containers: root only"
  [ -x "$HOOK" ] || fail "hook binary $HOOK not built"
  T=$(mktemp -d /tmp/osh-it.XXXXXX)
}

teardown () {
  [ -n "${BENCH_PID:-}" ] && kill "$BENCH_PID" 2>/dev/null && wait "$BENCH_PID" 2>/dev/null
  [ -n "${T:-}" ] && rm -rf "$T"
  return 0
}

# start_bench ARGS...: bench/run.sh in the background, its tables in
# $T/out.md, its progress in $T/err.
start_bench () {
  "$TOP/bench/run.sh" "$@" >"$T/out.md" 2>"$T/err" &
  BENCH_PID=$!
}

# run_name: the run's name (oshb-<suffix>: its cgroup below every
# hierarchy's root, its containers' prefix), as run.sh says it at its start
# (another bench may be running on the machine).
run_name () {
  local _ name
  for _ in $(seq 100); do
    name=$(sed -n 's|.*its cgroups below /\(oshb-[A-Za-z0-9]*\)$|\1|p' "$T/err")
    [ -n "$name" ] && { echo "$name"; return 0; }
    sleep 0.1
  done
  return 1
}

# wait_for_live_sandbox RUN: print the cgroup directory of part hook's live
# sandbox (RUN/live-N/live-N, in any hierarchy) once it exists.
wait_for_live_sandbox () {
  local _ d
  for _ in $(seq 600); do
    for d in /sys/fs/cgroup/"$1"/live-*/live-* /sys/fs/cgroup/*/"$1"/live-*/live-*; do
      [ -d "$d" ] && { echo "$d"; return 0; }
    done
    kill -0 "$BENCH_PID" 2>/dev/null || break
    sleep 0.1
  done
  return 1
}

# left_behind RUN: what the run named RUN (oshb-<suffix>) left: its
# containers, cgroups, mounts and work directory.
left_behind () {
  local run=$1 d
  runc list -q 2>/dev/null | grep -F -- "$run-" | sed 's/^/container /'
  for d in /sys/fs/cgroup/"$run" /sys/fs/cgroup/*/"$run"; do
    [ ! -e "$d" ] || echo "cgroup $d"
  done
  grep -F " /tmp/oshb.${run#oshb-}" /proc/self/mountinfo | sed 's/^/mount /'
  [ ! -e "/tmp/oshb.${run#oshb-}" ] || echo "directory /tmp/oshb.${run#oshb-}"
}

@test "bench: --quick parts start and hook print their tables, every container in a pod cgroup, nothing left behind" {
  start_bench --quick --parts start,hook --hook "$HOOK"
  run_cgroup=$(run_name) || fail "run.sh did not name its run" "$(cat "$T/err")"
  # Part hook's live sandbox, in a pod cgroup named after its bundle:
  # /<run>/live-N/live-N.
  live=$(wait_for_live_sandbox "$run_cgroup") \
    || fail "no live sandbox in a pod cgroup below /$run_cgroup appeared" "$(tail -n 20 "$T/err")"
  wait "$BENCH_PID" || fail "bench/run.sh failed" "$(tail -n 20 "$T/err")"
  BENCH_PID=''
  grep -qF "each container in a pod cgroup below /$run_cgroup |" "$T/out.md" \
    || fail "the machine table does not name /$run_cgroup" "$(head -n 15 "$T/out.md")"

  for heading in '### Machine' '### Targets' '### Container start' '### Hook process cost'; do
    grep -qF "$heading" "$T/out.md" || fail "no $heading table" "$(cat "$T/out.md")"
  done
  # Each target row reports a measurement and a verdict, whatever it is.
  for target in 'sandbox round ≤ 1.3× the floor, nobody listening' \
                '`runc run` with the hook ≤ 1.10× `runc run` with `/bin/true` hooks'; do
    grep -F "| $target |" "$T/out.md" | grep -qE '\| [0-9.]+× .*\| (met|missed) \|$' \
      || fail "no measured row for: $target" "$(cat "$T/out.md")"
  done
  grep -qE '^\| oci-sandbox-hook \(syslog listener\) \| [0-9.]+ \|' "$T/out.md" \
    || fail "no timed row for the hook in part start" "$(cat "$T/out.md")"
  # What the listener costs: every record of the alternated rounds reached
  # it (the hook's two and the floor's two a round, and a warm-up round),
  # and its CPU time for them.
  rounds=$(sed -n 's/^### Hook process cost, isolated: .*, \([0-9]*\) rounds$/\1/p' "$T/out.md")
  [ -n "$rounds" ] || fail "no round count in part hook's title" "$(cat "$T/out.md")"
  grep -qE "^\| \(reference\) the listener: .* \| [0-9]+ µs a record \($((4 * (rounds + 1))) records, 2 a round\); [-+][0-9.]+ ms a round \| reported \|\$" \
    "$T/out.md" || fail "no listener row with $((4 * (rounds + 1))) records" "$(grep -F '(reference)' "$T/out.md")"
  if [ "$(nproc)" -gt 1 ]; then
    grep -qE '^\| \(reference\) this machine.s CPUs: .* \| [0-9.]+× \([0-9.]+×\) \| reported \|$' "$T/out.md" \
      || fail "no row on the CPUs' independence" "$(grep -F '(reference)' "$T/out.md")"
    grep -qE '^\| round: floor, on one CPU, while a process spins on another \| [0-9.]+ \|' "$T/out.md" \
      || fail "no timed row for the floor beside a spinning CPU" "$(cat "$T/out.md")"
  fi

  left=$(left_behind "$run_cgroup")
  [ -z "$left" ] || fail "the bench left behind:" "$left"
}

@test "bench: stopped by SIGTERM in the middle of part hook, it leaves nothing behind" {
  start_bench --quick --parts hook --hook "$HOOK"
  run_cgroup=$(run_name) || fail "run.sh did not name its run" "$(cat "$T/err")"
  wait_for_live_sandbox "$run_cgroup" >/dev/null \
    || fail "no live sandbox in a pod cgroup below /$run_cgroup appeared" "$(tail -n 20 "$T/err")"
  kill -TERM "$BENCH_PID"
  status=0
  wait "$BENCH_PID" || status=$?
  BENCH_PID=''
  [ "$status" -ne 0 ] || fail "a stopped bench exited 0"

  left=$(left_behind "$run_cgroup")
  [ -z "$left" ] || fail "the stopped bench left behind:" "$left"
}

@test "bench: --quick part builds sets the given builds beside the floor linked each way, nothing left behind" {
  dynamic=${DYNAMIC_HOOK:-$(dirname "$HOOK")/oci-sandbox-hook-dynamic}
  [ -x "$dynamic" ] || fail "dynamically linked twin $dynamic not built"
  start_bench --quick --parts builds --hook-static "$HOOK" --hook-dynamic "$dynamic"
  run_cgroup=$(run_name) || fail "run.sh did not name its run" "$(cat "$T/err")"
  wait "$BENCH_PID" || fail "bench/run.sh failed" "$(tail -n 20 "$T/err")"
  BENCH_PID=''

  grep -F '| dynamic build ≤ 1.25× the static build (round) |' "$T/out.md" \
    | grep -qE '\| [0-9.]+× .*\| (met|missed) \|$' || fail "no measured dynamic target" "$(cat "$T/out.md")"
  # The floor built as the twin is linked: the bench refuses to run
  # otherwise, and says so in the ld.so table.
  readelf -dW "$dynamic" | grep -q 'Shared library: \[libyajl' || fail "the twin does not link yajl"
  grep -qE '^\| floor, linked as the dynamic build \| libyajl\.so\.[0-9]+ libc\.so\.6 \| \(`--load` libcap-ng\.so\.[0-9]+\) \| BIND_NOW \| [0-9]+ \| 2 \|$' \
    "$T/out.md" || fail "no ld.so row for the dynamic floor" "$(cat "$T/out.md")"
  for variant in 'round: floor, static-pie; its createRuntime starts libcap-ng' 'round: floor, linked as the dynamic build: libyajl' \
                 'createRuntime alone: floor, linked as the dynamic build' \
                 'a `main` that returns at once, linked as the dynamic build'; do
    grep -F "| $variant" "$T/out.md" | grep -qE '^[^|]*\|[^|]+\| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \|' \
      || fail "no timed row: $variant" "$(cat "$T/out.md")"
  done
  grep -qE '^\| \(reference\) the lowest the target can read here: .* \| [0-9.]+×: 1\.25× is (out of|within) reach \| reported \|$' \
    "$T/out.md" || fail "no bound on the target" "$(cat "$T/out.md")"
  grep -qE '^\| \(reference\) dynamic − static build ÷ the same for the floor \(round\).* \| -?[0-9.]+ ms vs -?[0-9.]+ ms, -?[0-9.]+× \(-?[0-9.]+×\) \| reported \|$' \
    "$T/out.md" || fail "no loader share" "$(cat "$T/out.md")"

  left=$(left_behind "$run_cgroup")
  [ -z "$left" ] || fail "the bench left behind:" "$left"
}

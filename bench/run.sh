#!/bin/bash
# What oci-sandbox-hook costs a pod start (docs/performance.md has the
# method and a run's results): markdown tables on stdout, progress on
# stderr.  As root:
#
#   bench/run.sh [--quick] [--parts start,hook,scaling,parallel,pods,builds] [--hook PATH]
#                [--hook-static PATH] [--hook-dynamic PATH] [--compare LABEL=PATH]...
#
#   --quick   fewer rounds: well under a minute on an idle 2-core VM
#   --parts   the parts to run (default all; see bench/bench.py)
#   --hook    the binary to measure (default ./oci-sandbox-hook, made when
#             missing; measure a release build: contrib/setup.sh)
#   --hook-static, --hook-dynamic
#             part builds: the static-pie and the default (dynamic) build
#             (default: both built from this tree in the work directory)
#   --compare LABEL=PATH
#             part builds: one more build alternated with those (repeatable)
#
# Everything happens in a private directory under /tmp, the bundles on a
# tmpfs mounted there, the containers in cgroups below a private one.  On
# any exit, Ctrl-C included, this run's containers are deleted, its cgroups
# removed, its mounts detached and the directory removed.  Host sysctls,
# the host's /dev/shm and the engines' configuration are never touched: the
# hook runs with --policy naming a private file whose log_socket is a
# private listener (contrib/syslog-receiver.py).
set -euo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
. "$top/bench/private.sh"

if [ "$(id -u)" -ne 0 ]; then
  echo "bench/run.sh: run as root (it runs containers)" >&2
  exit 1
fi
for tool in runc nsenter findmnt python3 busybox cc readelf; do
  command -v "$tool" >/dev/null || { echo "bench/run.sh: $tool is missing (contrib/setup.sh installs it)" >&2; exit 1; }
done

hook="$top/oci-sandbox-hook"
parts=''
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --hook) hook="$2"; shift 2 ;;
    --hook=*) hook="${1#--hook=}"; shift ;;
    --parts) parts="$2"; args+=("$1" "$2"); shift 2 ;;
    --parts=*) parts="${1#--parts=}"; args+=("$1"); shift ;;
    -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) args+=("$1"); shift ;;
  esac
done
if [ ! -x "$hook" ] && [ "$hook" = "$top/oci-sandbox-hook" ]; then
  if [ "$parts" = builds ] && [ ! -f "$top/Makefile" ]; then
    hook=''  # a tree never built: part builds builds its own
  else
    make -C "$top" -j"$(nproc)" oci-sandbox-hook >/dev/null
  fi
fi
[ -z "$hook" ] || [ -x "$hook" ] || { echo "bench/run.sh: no hook binary at $hook" >&2; exit 1; }

work="$(mktemp -d /tmp/oshb.XXXXXX)"
prefix="oshb-${work##*.}-"
# This run's containers go in pod cgroups below this one, in every
# hierarchy (bench/bench.py: as kubelet's pods).
cgroup_parent="oshb-${work##*.}"
bench_pid='' receiver_pid=''
cleanup() {
  local id m
  set +e +o pipefail
  for pid in $bench_pid $receiver_pid; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  # A runc that bench.py started may still be creating one of this run's
  # containers (killing bench.py does not stop it): let it finish, a
  # second at most, or the list below misses its container.
  for _ in $(seq 50); do
    pgrep -f -- "$prefix" >/dev/null || break
    sleep 0.1
  done
  for id in $(runc list -q 2>/dev/null); do
    case "$id" in "$prefix"*) runc delete -f "$id" >/dev/null 2>&1 ;; esac
  done
  remove_cgroups "$cgroup_parent"
  findmnt -rn -o TARGET | grep -F "$work/" | sort -r | while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m"
  done
  if findmnt -rn -o TARGET | grep -qF "$work/"; then
    echo "bench/run.sh: mounts still below $work; not removing it" >&2
  else
    rm -rf --one-file-system "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
echo "bench/run.sh: this run works in $work, its containers are $prefix*, its cgroups below /$cgroup_parent" >&2

start_listener "$work/log.sock" "$work/hook.log" || exit 1

# In the background, so that a signal reaches the trap at once.
python3 "$top/bench/bench.py" --work "$work" --top "$top" --hook "${hook:+$(readlink -f "$hook")}" \
  --log-socket "$work/log.sock" --listener-pid "$receiver_pid" --id-prefix "$prefix" \
  --cgroup-parent "$cgroup_parent" "${args[@]}" &
bench_pid=$!
status=0
wait "$bench_pid" || status=$?
bench_pid=''
exit "$status"

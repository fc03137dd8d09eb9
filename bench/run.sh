#!/bin/bash
# What oci-sandbox-hook costs a pod start: prints markdown tables (machine,
# container start, hook process cost, peak RSS, scaling, parallel starts,
# targets) to paste into docs/performance.md.  Run as root:
#
#   bench/run.sh (as root) [--quick] [--profile] [--parts 1,2,3,4] [--hook PATH]
#                     [--summary FILE] [--json FILE] [--rounds-scale X]
#
#   --quick     fewer rounds (well under a minute on an idle 2-core VM; the
#               budget is 3 minutes on a loaded one; the full run takes one
#               to two minutes, budget 15)
#   --profile   also profile the hook (part 5, about 30 s more: perf
#               sampling, loader, libraries, namespace children, callgrind,
#               massif, the hook relinked from the tree's objects)
#   --parts     which parts: 1 runc run, 2 hook process, 3 scaling,
#               4 parallel starts, 5 profile (default 1,2,3,4)
#   --hook      the binary to measure (default: ./oci-sandbox-hook, built
#               with `make oci-sandbox-hook` when missing); it is copied
#               first, so a rebuild during the run changes nothing
#
# Everything happens in a private directory under /tmp (a private tmpfs for
# the bundles) that is removed on exit, Ctrl-C included, after deleting this
# run's containers and unmounting what is left below it.  Host sysctls,
# /dev/shm, /etc/containers and /etc/oci-sandbox-hook are never touched.
set -euo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"

if [ "$(id -u)" -ne 0 ]; then
  echo "bench/run.sh: run as root (it runs containers)" >&2
  exit 1
fi
for tool in runc jq nsenter findmnt python3 busybox mount; do
  command -v "$tool" >/dev/null || { echo "bench/run.sh: $tool is missing (contrib/setup.sh installs it)" >&2; exit 1; }
done

hook="$top/oci-sandbox-hook"
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --hook) hook="$2"; shift 2 ;;
    --hook=*) hook="${1#--hook=}"; shift ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) args+=("$1"); shift ;;
  esac
done
if [ ! -x "$hook" ] && [ "$hook" = "$top/oci-sandbox-hook" ]; then
  make -C "$top" -j"$(nproc)" oci-sandbox-hook >/dev/null
fi
[ -x "$hook" ] || { echo "bench/run.sh: no hook binary at $hook" >&2; exit 1; }
hook="$(readlink -f "$hook")"

work="$(mktemp -d /tmp/oshb.XXXXXX)"
prefix="oshb-${work##*.}-"
cleanup() {
  local id m
  set +e +o pipefail
  # bench.py cleans up after itself; this catches a crash or a kill.
  for id in $(runc list -q 2>/dev/null); do
    case "$id" in "$prefix"*) runc delete -f "$id" >/dev/null 2>&1 || true ;; esac
  done
  findmnt -rn -o TARGET | grep -F "$work/" | sort -r | while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m" || true
  done
  if findmnt -rn -o TARGET | grep -qF "$work/"; then
    echo "bench/run.sh: mounts still below $work; not removing it" >&2
  else
    rm -rf --one-file-system "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

PYTHONDONTWRITEBYTECODE=1 python3 "$top/bench/bench.py" --work "$work" --top "$top" --hook "$hook" "${args[@]}"

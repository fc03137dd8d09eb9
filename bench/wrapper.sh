#!/bin/bash
# What oci-sandbox-runtime costs an engine, against same-run baselines
# (as root, on a built tree):
#
#   create  wrapper `create` of a plain container  vs  `runc create`   (goal <= 1.05x)
#   state   wrapper `state` (pass-through)         vs  `runc state`    (goal: <= 1 ms more)
#   exec    wrapper `state` with runtime=/bin/true vs  /bin/true       (the wrapper's own cost:
#           one exec of it, the policy's runtime key, one execve)
#   create0 wrapper `create` of the plain bundle with runtime=/bin/true  vs  /bin/true
#           (its own cost at create: the whole policy, the bundle, config.json parsed
#           and classified; runc's 30 ms of create hide it in the noise of "create")
#
# Each pair runs interleaved (A B A B ...) so that drift hits both; each
# number is the median of N runs (default 200; create: N/2) of one command
# from bash, fork and wait included on both sides.  The policy is a private
# file given through OCI_SANDBOX_HOOK_POLICY when the build honours it
# (test builds), else the default path, which must then be absent.
#
# --pods: pod start through a real containerd 1.6 (tests/cri/), the wrapper
# as the runc runtime's BinaryName against a "plain" handler that is runc
# itself, in the same containerd: RunPodSandbox with runc, with the wrapper
# (engine_files enforce, and off), and with the wrapper resizing the
# engine's tmpfs to 256Mi; interleaved, medians of N pods each (default 20;
# bench/pod_start.py).  Needs a test build (the policy reaches the wrapper
# through containerd's environment).
#
#   bench/wrapper.sh [N]
#   bench/wrapper.sh --pods [N]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
hook=${HOOK:-$top/oci-sandbox-hook}
wrapper=$(dirname "$hook")/oci-sandbox-runtime
[ "$(id -u)" = 0 ] || { echo "bench/wrapper.sh: run as root" >&2; exit 1; }
[ -L "$wrapper" ] || { echo "bench/wrapper.sh: $wrapper not built (make)" >&2; exit 1; }

if [ "${1:-}" = --pods ]; then
  pods=${2:-20}
  # shellcheck source=tests/cri/containerd.sh
  source "$top/tests/cri/containerd.sh"
  bt=$(mktemp -d /tmp/osh-bench-pods.XXXXXX)
  echo '{"log_socket": "/nonexistent/sock"}' >"$bt/policy.json"
  trap 'cri_stop >&2 || true; rm -rf --one-file-system "$bt"' EXIT
  CRI_IMAGES_DIR=$bt/images CRI_BINARY_NAME=$wrapper CRI_HOOK_POLICY=$bt/policy.json \
    CRI_RUNTIMES="plain=/usr/sbin/runc" cri_start
  "$CRI_PYTHON" "$top/bench/pod_start.py" "$CRI_SOCK" "$bt/policy.json" \
    "$CRI_STATE/io.containerd.grpc.v1.cri/sandboxes" "$CRI_ROOT/io.containerd.grpc.v1.cri/sandboxes" \
    "$(cri_cgroup_parent)" "$pods"
  exit 0
fi
n=${1:-200}

t=$(mktemp -d /tmp/osh-bench-wrapper.XXXXXX)
root=$t/root
trap 'for id in $(runc --root "$root" list -q 2>/dev/null); do runc --root "$root" delete -f "$id"; done; rm -rf --one-file-system "$t"' EXIT

mkdir -p "$t/b/rootfs/bin"
cp /bin/busybox "$t/b/rootfs/bin/"
ln -s busybox "$t/b/rootfs/bin/sleep"
(cd "$t/b" && runc spec)
jq '.process.terminal = false | .process.args = ["sleep", "600"]' "$t/b/config.json" >"$t/c.json"
mv "$t/c.json" "$t/b/config.json"
echo '{"log_socket": "/nonexistent/sock"}' >"$t/policy.json"
echo '{"log_socket": "/nonexistent/sock", "runtime": "/bin/true"}' >"$t/policy-true.json"
export OCI_SANDBOX_HOOK_POLICY=$t/policy.json

# now_us: the time in microseconds.
now_us () {
  local t=${EPOCHREALTIME/./}
  echo "${t#0}"
}

# median FILE: the median of the numbers in FILE, one a line.
median () {
  sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# time_one OUT CMD...: append CMD's wall time (us) to OUT.
time_one () {
  local out=$1 s e
  shift
  s=$(now_us)
  "$@" </dev/null >/dev/null 2>&1
  e=$(now_us)
  echo $((e - s)) >>"$out"
}

report () {
  local what=$1 a b
  a=$(median "$t/$2")
  b=$(median "$t/$3")
  awk -v w="$what" -v a="$a" -v b="$b" -v na="$2" -v nb="$3" \
    'BEGIN { printf "%-8s %-14s %8.0f us   %-14s %8.0f us   ratio %.3f   difference %+.0f us\n", w, na, a, nb, b, a / b, a - b }'
}

# create: one container id per run, deleted after (not timed).
for i in $(seq $((n / 2))); do
  time_one "$t/wrapper-create" "$wrapper" --root "$root" create --bundle "$t/b" "w$i"
  runc --root "$root" delete -f "w$i"
  time_one "$t/runc-create" runc --root "$root" create --bundle "$t/b" "r$i"
  runc --root "$root" delete -f "r$i"
done
runc --root "$root" create --bundle "$t/b" probe </dev/null >/dev/null 2>&1
for _ in $(seq "$n"); do
  time_one "$t/wrapper-state" "$wrapper" --root "$root" state probe
  time_one "$t/runc-state" runc --root "$root" state probe
done
for _ in $(seq "$n"); do
  OCI_SANDBOX_HOOK_POLICY=$t/policy-true.json time_one "$t/wrapper-true" "$wrapper" --root "$root" state probe
  time_one "$t/true" /bin/true --root "$root" state probe
  OCI_SANDBOX_HOOK_POLICY=$t/policy-true.json time_one "$t/wrapper-create-true" "$wrapper" \
    --root "$root" create --bundle "$t/b" x
  time_one "$t/true-create" /bin/true --root "$root" create --bundle "$t/b" x
done

echo "oci-sandbox-runtime, same-run medians ($n runs; create $((n / 2)))"
report create wrapper-create runc-create
report state wrapper-state runc-state
report exec wrapper-true true
report create0 wrapper-create-true true-create

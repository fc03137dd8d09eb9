#!/bin/bash
# Regenerate src/hot-functions.txt: the functions the static binary runs on
# a pod's hot paths, in the order it first enters them, which configure
# hands lld (--symbol-ordering-file) so that they sit together at the start
# of .text (the default build's own functions too).  A process that lives a millisecond pays a page fault for
# every 64 KiB window of code it touches; scattered over 1.4 MiB of text
# (glibc's IFUNC resolvers alone sit next to every string function family)
# the hook took 33 such faults a sandbox round, packed 14
# (docs/performance.md).  As root, on a static release build:
#
#   contrib/setup.sh && make oci-sandbox-hook-dynamic && bench/hot-functions.sh [BINARY [DYNAMIC]]
#
# BINARY (default ./oci-sandbox-hook) runs under gdb with a one-shot
# breakpoint on each of its functions (bench/hot_functions.py) through:
# a pod sandbox's createRuntime, a pod member's createRuntime and poststop,
# the sandbox's poststop, a plain container's createRuntime (the fast path),
# and the runtime wrapper's `state` and a sandbox's `create` up to its exec
# of runc.  Then DYNAMIC (default ./oci-sandbox-hook-dynamic, the
# dynamically linked twin) through a sandbox's createRuntime and poststop:
# the functions only the default build runs (those that dlopen() libcap-ng
# and look up its functions) follow the static binary's.  As on a node,
# each container has a pod cgroup (linux.cgroupsPath, as kubelet gives
# it) and a syslog daemon listens (contrib/syslog-receiver.py): the
# checks of the cgroup path and the sending of the log lines are on the
# hot paths.  The containers are busybox ones `runc create`d under a
# private --root in cgroups below a private one, the policy, the listener's
# socket and the pod registry are private files; everything is deleted on
# exit.  The list depends on the compiler and the libraries:
# rerun it when either changes, or when the hot paths do.  A stale list is
# only slower: lld places the names it does not find nowhere.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
binary=$(readlink -f "${1:-$top/oci-sandbox-hook}")
dynamic=$(readlink -f "${2:-$top/oci-sandbox-hook-dynamic}")
out=$top/src/hot-functions.txt
. "$top/bench/private.sh"

[ "$(id -u)" = 0 ] || { echo "hot-functions.sh: run as root (it runs containers)" >&2; exit 1; }
for tool in gdb runc jq nm busybox python3; do
  command -v "$tool" >/dev/null || { echo "hot-functions.sh: $tool is missing" >&2; exit 1; }
done
readelf -d "$binary" 2>/dev/null | grep -q NEEDED \
  && { echo "hot-functions.sh: $binary is not the static binary (contrib/setup.sh builds it)" >&2; exit 1; }
readelf -d "$dynamic" 2>/dev/null | grep -q NEEDED \
  || { echo "hot-functions.sh: $dynamic is not a dynamically linked build (make oci-sandbox-hook-dynamic)" >&2; exit 1; }

t=$(mktemp -d /tmp/osh-hot.XXXXXX)
root=$t/runc
pods=osh-hot-${t##*.}
receiver_pid=''
cleanup () {
  local id
  set +e
  for id in $(runc --root "$root" list -q 2>/dev/null); do runc --root "$root" delete -f "$id" >/dev/null 2>&1 || true; done
  [ -z "$receiver_pid" ] || { kill "$receiver_pid"; wait "$receiver_pid"; } 2>/dev/null
  remove_cgroups "$pods"
  rm -rf --one-file-system "$t"
}
trap cleanup EXIT

mkdir -p "$t/rootfs/bin" "$t/rootfs/etc" "$t/rootfs/dev" "$t/rootfs/proc" "$t/rootfs/sys"
cp "$(command -v busybox)" "$t/rootfs/bin/"
ln -s busybox "$t/rootfs/bin/sleep"
touch "$t/rootfs/etc/hostname" "$t/rootfs/etc/hosts" "$t/rootfs/etc/resolv.conf"
start_listener "$t/log.sock" "$t/log" || exit 1
printf '{"state_dir": "%s/state", "log_socket": "%s/log.sock"}\n' "$t" "$t" >"$t/policy.json"
(cd "$t" && runc spec)

# bundle NAME ANNOTATIONS [NAMESPACES [POD]]: $t/NAME with the rootfs,
# sleeping, its annotations, NAMESPACES ({type: path}) joined by path, and
# a cgroup in the cgroup of POD (default: a pod of its own).
bundle () {
  mkdir "$t/$1"
  jq --arg r "$t/rootfs" --argjson a "$2" --argjson ns "${3:-{\}}" --arg cg "/$pods/pod-${4:-$1}/$1" '
    .process.terminal = false | .process.args = ["sleep", "600"] | .root.path = $r
    | .annotations = $a | .linux.cgroupsPath = $cg
    | .linux.namespaces = ([.linux.namespaces[] | select(.type as $x | $ns | has($x) | not)]
                           + ($ns | to_entries | map({type: .key, path: .value})))' \
    "$t/config.json" >"$t/$1/config.json"
}
# cri TYPE [SANDBOX]: CRI annotations of a container of TYPE in the pod
# of SANDBOX (default: sandbox).
cri () {
  printf '{"io.kubernetes.cri.container-type": "%s", "io.kubernetes.cri.sandbox-id": "hot-%s"}' "$1" "${2:-sandbox}"
}
create () {
  runc --root "$root" create --bundle "$t/$1" "hot-$1" </dev/null >/dev/null
}
# state ID STATUS: the OCI state the runtime gives a hook.
state () {
  runc --root "$root" state "hot-$1" \
    | jq -c --arg s "$2" '{ociVersion, id, status: $s, pid, bundle, annotations}'
}
# run EXPECT CMD...: CMD under gdb; gdb's log must show EXPECT (how the
# run ended: a hook's exit 0, or the wrapper's exec of the runtime).
run () {
  local expect=$1
  shift
  HOT_FUNCTIONS_OUT=$entered gdb -q -batch -x "$top/bench/hot_functions.py" --args "$@" \
    >"$t/gdb.log" 2>&1 || true
  grep -q "$expect" "$t/gdb.log" || {
    echo "hot-functions.sh: $* did not end as expected ($expect):" >&2
    cat "$t/gdb.log" >&2
    exit 1
  }
}
# hook STAGE ID STATUS [BINARY]: BINARY (default the static one) as the
# hook of STAGE of container hot-ID.
hook () {
  local stage=$1 id=$2 status=$3 bin=${4:-$binary}
  state "$id" "$status" >"$t/state.json"
  run 'exited normally' "$bin" --policy "$t/policy.json" "$stage" <"$t/state.json"
}

bundle sandbox "$(cri sandbox)"
create sandbox
pid=$(runc --root "$root" state hot-sandbox | jq .pid)
bundle member "$(cri container)" \
  "{\"network\": \"/proc/$pid/ns/net\", \"ipc\": \"/proc/$pid/ns/ipc\", \"uts\": \"/proc/$pid/ns/uts\"}" sandbox
create member
bundle plain '{}'
create plain
bundle wrapped "$(cri sandbox wrapped)"
bundle sandbox2 "$(cri sandbox sandbox2)"
create sandbox2

entered=$t/entered
: >"$entered"
hook createRuntime sandbox creating
hook createRuntime member creating
hook poststop member stopped
hook poststop sandbox stopped
hook createRuntime plain creating
ln -s "$binary" "$t/oci-sandbox-runtime"
run 'executing new program' "$t/oci-sandbox-runtime" --root "$root" state hot-sandbox </dev/null
run 'executing new program' "$t/oci-sandbox-runtime" --root "$root" create --bundle "$t/wrapped" \
  hot-wrapped </dev/null
entered=$t/entered-dynamic
: >"$entered"
hook createRuntime sandbox2 creating "$dynamic"
hook poststop sandbox2 stopped "$dynamic"

{
  echo "# The static binary's hot functions, in the order a pod's hot paths first"
  echo "# enter them, then those only the default build's sandbox runs: lld's"
  echo "# --symbol-ordering-file (configure, whenever lld is installed)."
  echo "# Made by bench/hot-functions.sh; $(gcc --version | head -n 1), glibc $(ldd --version | head -n 1 | awk '{ print $NF }')."
  { echo "_start"; cat "$t/entered" "$t/entered-dynamic"; } | awk '!seen[$0]++'
} >"$out.new"
mv "$out.new" "$out"
echo "hot-functions.sh: $(grep -vc '^#' "$out") functions in $out"

# Shared helpers of the integration suites (bats 1.8.2, run as root).
#
# Every test gets a private directory T (mktemp under /tmp) holding its
# bundle (busybox-static rootfs + config.json from `runc spec`), a private
# policy file whose log_socket is T/log.sock, a syslog receiver bound to
# that socket writing T/log.txt, and unique container ids.  teardown
# force-deletes the containers, stops the receiver, and FAILS the test when
# a mount under T, a container cgroup that does not empty (settle_cgroup),
# or a changed host sysctl / host /dev/shm mount is left behind.  Nothing
# outside T is ever written, but for removing what runc's delete gave up on.

bats_require_minimum_version 1.5.0

HOOK=$(readlink -f "${HOOK:-$BATS_TEST_DIRNAME/../../oci-sandbox-hook}")
HOOK_PATH_ENV="PATH=/usr/sbin:/usr/bin:/sbin:/bin"
SANDBOX_KEY="io.kubernetes.cri.container-type"
CRI_SANDBOX_ID="io.kubernetes.cri.sandbox-id"
BUSYBOX=/bin/busybox
APPLETS="sh cat echo sleep df grep ls mount touch stat head tail tr wc printf hostname true
false test awk sed od"
PORTS_SYSCTL=/proc/sys/net/ipv4/ip_unprivileged_port_start
PING_SYSCTL=/proc/sys/net/ipv4/ping_group_range
if [ -x /usr/bin/python3 ]; then PYTHON=/usr/bin/python3; else PYTHON=$(command -v python3); fi

# A unix datagram syslog receiver: one datagram per line.
RECEIVER_PY='
import os, socket, sys
path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
with open(out, "ab", buffering=0) as f:
    while True:
        d = s.recv(65536)
        f.write(d.replace(b"\n", b"\\n") + b"\n")
'

# ---------------------------------------------------------------- assertions

fail () {
  printf '%s\n' "$@" >&2
  return 1
}

# assert_eq ACTUAL EXPECTED [WHAT]
assert_eq () {
  [ "$1" = "$2" ] && return 0
  fail "${3:-value} differs" "expected: $(printf '%q' "$2")" "actual:   $(printf '%q' "$1")"
}

# assert_contains HAYSTACK NEEDLE [WHAT]
assert_contains () {
  case "$1" in *"$2"*) return 0 ;; esac
  fail "${3:-output} lacks $(printf '%q' "$2")" "it is: $(printf '%q' "$1")"
}

assert_not_contains () {
  case "$1" in *"$2"*) fail "${3:-output} unexpectedly contains $(printf '%q' "$2")" \
    "it is: $(printf '%q' "$1")" ;; esac
  return 0
}

# assert_status EXPECTED (after `run`)
assert_status () {
  [ "$status" -eq "$1" ] && return 0
  fail "exit status $status, expected $1" "stdout: $output" "stderr: ${stderr-}"
}

# assert_failed (after `run`): any non-zero status
assert_failed () {
  [ "$status" -ne 0 ] && return 0
  fail "succeeded, expected a failure" "stdout: $output" "stderr: ${stderr-}"
}

# No directory of the hook in the bundle, no mount below T.
assert_nothing_left () {
  [ ! -e "$BUNDLE/oci-sandbox-hook" ] \
    || fail "$BUNDLE/oci-sandbox-hook is left: $(ls -la "$BUNDLE/oci-sandbox-hook" 2>&1)"
  local left
  left=$(mounts_below "$T")
  [ -z "$left" ] || fail "mounts left below $T:" "$left"
}

mounts_below () {
  findmnt -rn -o TARGET | grep -F "$1/" || true
}

# Count the mounts stacked exactly on PATH (host mount namespace).
mount_count () {
  findmnt -rn -o TARGET | grep -cxF "$1" || true
}

# snapshot DIR: every path under DIR: type, mode, owner, and a file's
# sha256 or a link's target (a directory's size depends on the
# filesystem's history), for byte-for-byte comparisons.
snapshot () {
  (
    cd "$1" || exit 1
    find . -printf '%p %y %m %U:%G %l\n' | LC_ALL=C sort
    find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
  )
}

# bytes_of PATH: the size of the filesystem at PATH, in bytes.
bytes_of () {
  stat -f -c '%b %S' "$1" | awk '{ print $1 * $2 }'
}

# remove_cgroup_parent: remove the private cgroup parent CGP (deepest
# first) in every hierarchy; print a problem if some of it cannot be removed.
remove_cgroup_parent () {
  local d
  for d in /sys/fs/cgroup/*/"$CGP"; do
    [ -d "$d" ] || continue
    find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
    [ ! -d "$d" ] || printf '%s' "cgroup $d left; "
  done
}

# cgroup_dirs REL: REL's directory in every cgroup hierarchy of this
# process, as runc's cgroupfs driver places it: an absolute REL
# (linux.cgroupsPath) below each hierarchy's root, a relative one (runc's
# default, the container id) below this process's own cgroup there.
cgroup_dirs () {
  local rel=$1 ctrls own mnt
  while IFS=: read -r _ ctrls own; do
    case "$ctrls" in
      "") mnt=/sys/fs/cgroup/unified; [ -d "$mnt" ] || mnt=/sys/fs/cgroup ;;
      name=*) mnt=/sys/fs/cgroup/${ctrls#name=} ;;
      *) mnt=/sys/fs/cgroup/${ctrls%%,*} ;;
    esac
    case "$rel" in
      /*) echo "$mnt$rel" ;;
      *) echo "${mnt}${own%/}/$rel" ;;
    esac
  done </proc/self/cgroup
}

# settle_cgroup REL: after the runtime's delete, REL's cgroup directories
# must be gone, or be left only because their last threads were still
# exiting.  runc 1.1 gives up removing a cgroup after five tries over
# about 150 ms, and a sandbox's threads, at the 2 CPU shares its policy
# gives it, can take longer than that to exit on a busy machine: runc's
# leak, not the hook's (the same happens to containerd's sandboxes, whose
# shares are 2 too).  A left directory gets its CPU back (shares 1024),
# up to 10 s to empty, and is then removed without descending: a task
# that stays, or a child cgroup, is reported.
settle_cgroup () {
  local d left=() still problems="" _
  for d in $(cgroup_dirs "$1"); do
    [ -d "$d" ] || continue
    left+=("$d")
    [ ! -w "$d/cpu.shares" ] || echo 1024 >"$d/cpu.shares" 2>/dev/null || true
  done
  for _ in $(seq 100); do
    still=()
    for d in "${left[@]}"; do rmdir "$d" 2>/dev/null || [ ! -d "$d" ] || still+=("$d"); done
    left=("${still[@]}")
    [ ${#left[@]} -gt 0 ] || break
    sleep 0.1
  done
  for d in "${left[@]}"; do
    problems+="cgroup $d left (tasks: $(tr '\n' ' ' <"$d/tasks" 2>/dev/null)children: $(find "$d" -mindepth 1 -maxdepth 1 -type d -printf '%f ' 2>/dev/null)); "
  done
  printf '%s' "$problems"
}

# -------------------------------------------------------------- setup/teardown

osh_setup () {
  [ "$(id -u)" = 0 ] || skip "integration tests need root"
  [ -x "$HOOK" ] || fail "hook binary $HOOK not built"
  T=$(mktemp -d /tmp/osh-it.XXXXXX)
  BUNDLE="$T/bundle"
  POLICY="$T/policy.json"
  SOCK="$T/log.sock"
  LOG="$T/log.txt"
  CID=$(new_id)
  HOST_PORTS=$(cat "$PORTS_SYSCTL")
  HOST_PING=$(cat "$PING_SYSCTL")
  HOST_SHM=$(findmnt -rn -o TARGET,SOURCE,FSTYPE,OPTIONS /dev/shm || true)
  OWN_OOM=$(cat /proc/self/oom_score_adj)
  HOST_REGISTRY=$(ls -la /run/oci-sandbox-hook 2>&1 || true)
  write_policy '{}'
  start_log_receiver
  make_bundle "$BUNDLE"
}

osh_teardown () {
  local problems="" id
  [ -n "${T:-}" ] && [ -d "$T" ] || return 0
  if [ -f "$T/ids" ]; then
    while read -r id; do
      runc delete -f "$id" >/dev/null 2>&1 || true
      if [ "${OSH_RUNTIME:-runc}" = crun ]; then
        crun_sh 'crun delete -f "$1" >/dev/null 2>&1 || true' "$id" || true
      fi
      problems+=$(settle_cgroup "$id")
    done <"$T/ids"
  fi
  stop_log_receiver
  local left
  left=$(mounts_below "$T")
  if [ -n "$left" ]; then
    problems+="mounts left: $left; "
    # Our own mess, below our own directory: deepest first.
    printf '%s\n' "$left" | sort -r | while read -r m; do umount -l "$m" || true; done
  fi
  [ "$(cat "$PORTS_SYSCTL")" = "$HOST_PORTS" ] || problems+="host $PORTS_SYSCTL changed; "
  [ "$(cat "$PING_SYSCTL")" = "$HOST_PING" ] || problems+="host $PING_SYSCTL changed; "
  [ "$(findmnt -rn -o TARGET,SOURCE,FSTYPE,OPTIONS /dev/shm || true)" = "$HOST_SHM" ] \
    || problems+="host /dev/shm mounts changed; "
  [ "$(ls -la /run/oci-sandbox-hook 2>&1 || true)" = "${HOST_REGISTRY-}" ] \
    || problems+="the node's /run/oci-sandbox-hook changed; "
  if [ -d "$T/state" ] && [ -n "$(ls -A "$T/state")" ]; then
    problems+="pod registry entries left: $(ls -A "$T/state" | tr '\n' ' '); "
  fi
  rm -rf --one-file-system "$T"
  [ -z "$problems" ] || fail "teardown: $problems"
}

# A unique container id, remembered for teardown.
new_id () {
  local id="osh-${OSH_SUITE:-x}-${BATS_TEST_NUMBER}-$$"
  echo "$id" >>"$T/ids"
  echo "$id"
}

# start_log_receiver [DIR]: the receiver on SOCK writing LOG, its pid and
# stderr kept in DIR (default T; a suite's setup_file passes its own).
start_log_receiver () {
  local dir=${1:-$T} _
  "$PYTHON" -c "$RECEIVER_PY" "$SOCK" "$LOG" </dev/null >/dev/null 2>"$dir/receiver.err" 3>&- &
  echo $! >"$dir/receiver.pid"
  for _ in $(seq 50); do
    [ -S "$SOCK" ] && return 0
    sleep 0.1
  done
  fail "log receiver did not start: $(cat "$dir/receiver.err")"
}

# stop_log_receiver [DIR]
stop_log_receiver () {
  local dir=${1:-$T}
  [ -f "$dir/receiver.pid" ] || return 0
  kill "$(cat "$dir/receiver.pid")" 2>/dev/null || true
  wait "$(cat "$dir/receiver.pid")" 2>/dev/null || true
  rm -f "$dir/receiver.pid"
}

# log_wait TEXT: wait (2 s at most) until a received log line contains TEXT.
log_wait () {
  local _
  for _ in $(seq 20); do
    grep -qF -- "$1" "$LOG" 2>/dev/null && return 0
    sleep 0.1
  done
  fail "no log line contains $(printf '%q' "$1")" "log: $(cat "$LOG" 2>/dev/null)"
}

# ------------------------------------------------------------ rootfs, bundle

build_rootfs () {
  local root=$1 a
  mkdir -p "$root"/{bin,proc,dev,sys,etc,tmp}
  cp "$BUSYBOX" "$root/bin/busybox"
  for a in $APPLETS; do ln -s busybox "$root/bin/$a"; done
}

# make_bundle DIR: rootfs, `runc spec`, a sandbox annotation, our hooks.
make_bundle () {
  local dir=$1
  mkdir -p "$dir"
  build_rootfs "$dir/rootfs"
  (cd "$dir" && runc spec)
  BUNDLE=$dir
  cfg --arg hook "$HOOK" --arg policy "$POLICY" --arg path "$HOOK_PATH_ENV" --arg key "$SANDBOX_KEY" '
    .process.terminal = false
    | .process.args = ["sh", "-c", "true"]
    | .annotations = {($key): "sandbox"}
    | .hooks = {
        createRuntime: [{path: $hook, args: ["oci-sandbox-hook", "--policy", $policy, "createRuntime"],
                         env: [$path]}],
        poststop: [{path: $hook, args: ["oci-sandbox-hook", "--policy", $policy, "poststop"],
                    env: [$path]}]
      }'
}

# cfg [JQ-OPTIONS...] FILTER: edit the bundle's config.json in place.
cfg () {
  jq "$@" "$BUNDLE/config.json" >"$BUNDLE/config.json.new"
  mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
}

# set_cmd SCRIPT: the container runs `sh -c SCRIPT`.
set_cmd () {
  cfg --arg s "$1" '.process.args = ["sh", "-c", $s]'
}

annotate () {
  cfg --arg k "$1" --arg v "$2" '.annotations[$k] = $v'
}

not_a_sandbox () {
  cfg --arg k "$SANDBOX_KEY" 'del(.annotations[$k])'
}

drop_namespace () {
  cfg --arg t "$1" '.linux.namespaces |= map(select(.type != $t))'
}

# member_config SANDBOX_ID PID: BUNDLE's config.json becomes that of a pod
# member joining PID's ipc, uts and network namespaces, as containerd
# makes them.
member_config () {
  local sid=$1 pid=$2
  cfg --arg t "$SANDBOX_KEY" --arg k "$CRI_SANDBOX_ID" --arg sid "$sid" --arg pid "$pid" '
    .annotations = {($t): "container", ($k): $sid}
    | .linux.namespaces |= map(if .type == "ipc" or .type == "uts" or .type == "network"
                               then . + {path: "/proc/\($pid)/ns/\(if .type == "network"
                                                                 then "net" else .type end)"}
                               else . end)
    | del(.hostname)'
}

# with_userns: the container gets a user namespace, root mapped to host
# uid/gid 100000 (65536 ids), and a read-only bind of the host's /sys for
# the sysfs, cgroup and mqueue mounts it may not make; the bundle becomes
# readable by the mapped root.
with_userns () {
  cfg '.linux.namespaces += [{"type": "user"}]
       | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
       | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
       | .mounts |= map(select(.destination != "/sys" and .destination != "/sys/fs/cgroup"
                            and .destination != "/dev/mqueue"))
       | .mounts += [{"destination": "/sys", "type": "none", "source": "/sys",
                      "options": ["rbind", "nosuid", "noexec", "nodev", "ro"]}]'
  chmod 755 "$T" "$BUNDLE" "$BUNDLE/rootfs"
}

# hook_env VAR=VALUE: add to the createRuntime hook's environment.
hook_env () {
  cfg --arg e "$1" '.hooks.createRuntime[0].env += [$e]'
}

# write_policy JSON: the policy file, always with our private log socket and
# a private pod registry (the node's /run/oci-sandbox-hook is never used).
# The suites assert on per-action log lines, which are at debug level
# (one summary line per container at info): log everything.
write_policy () {
  jq -n --argjson p "$1" --arg s "$SOCK" --arg d "$T/state" \
    '{log_socket: $s, log_level: "debug", state_dir: $d} + $p' >"$POLICY"
}

# The OCI state a runtime would send, for feeding the binary by hand.
# state_json STATUS PID [BUNDLE] [ID]
state_json () {
  jq -cn --arg status "$1" --argjson pid "$2" --arg bundle "${3:-$BUNDLE}" --arg id "${4:-$CID}" \
    --arg key "$SANDBOX_KEY" \
    '{ociVersion: "1.0.2", id: $id, status: $status, pid: $pid, bundle: $bundle,
      annotations: {($key): "sandbox"}}'
}

# A pid that is certainly not running (a reaped child).
dead_pid () {
  true &
  local p=$!
  wait "$p"
  echo "$p"
}

# runc_refuses TEXT...: `runc run` fails before the container process
# starts, its stderr (the hook's, quoted by runc) contains every TEXT,
# nothing is left.
runc_refuses () {
  local text
  run --separate-stderr timeout 30 runc run -b "$BUNDLE" "$CID" </dev/null
  assert_failed
  [ "$status" -ne 124 ] || fail "runc run hung"
  assert_not_contains "$output" container-ran "container output"
  # runc quotes the hook's stderr Go-style: \" for ".
  for text; do
    assert_contains "${stderr//\\\"/\"}" "$text" "runc's stderr"
  done
  assert_nothing_left
  run runc list -q
  assert_not_contains "$output" "$CID" "runc list"
}

# The hook entries oci-sandbox-runtime adds to a spec (HOOK, POLICY), as
# `jq -c .hooks` prints them.
expected_hooks () {
  jq -cn --arg h "$(readlink -f "$HOOK")" --arg p "$POLICY" '
    def entry(s): {path: $h, args: ["oci-sandbox-hook", "--policy", $p, s],
                   env: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], timeout: 40};
    {createRuntime: [entry("createRuntime")], poststop: [entry("poststop")]}'
}

# ------------------------------------------------------------------- runtimes

# runc_create [ID]: `runc create` with stdio on files (a created container
# must not hold bats' pipes), then PID is the container's init.
runc_create () {
  local id=${1:-$CID}
  runc create -b "$BUNDLE" "$id" </dev/null >"$T/$id.out" 2>"$T/$id.err" \
    || fail "runc create $id failed: $(cat "$T/$id.err")"
  PID=$(runc state "$id" | jq -r .pid)
}

# A hook that saves the state it is given: runtime facts the hook relies on.
add_state_dump () {
  cat >"$T/dump-state.sh" <<'EOF'
#!/bin/sh
state=$(cat)
pid=$(printf '%s' "$state" | jq -r .pid)
printf '%s\n' "$state" >"$1"
if [ "$pid" -gt 0 ] 2>/dev/null; then
  readlink "/proc/$pid/root" >"$1.root"
  awk '{ print $5, $9 }' "/proc/$pid/mountinfo" >"$1.mounts"
fi
EOF
  chmod 755 "$T/dump-state.sh"
  cfg --arg d "$T/dump-state.sh" --arg t "$T" --arg path "$HOOK_PATH_ENV" '
    .hooks.createRuntime = [{path: $d, args: ["dump", "\($t)/createRuntime.json"], env: [$path]}]
                           + .hooks.createRuntime
    | .hooks.poststop += [{path: $d, args: ["dump", "\($t)/poststop.json"], env: [$path]}]'
}

# The state runc itself reports, reduced to what hooks receive.
runc_hook_state () {
  runc state "${1:-$CID}" | jq -c '{ociVersion, id, status, pid, bundle, annotations}'
}

# crun_sh SCRIPT [ARGS...]: run a bash script in a private mount namespace
# without the cgroup2 mount (crun refuses hybrid cgroups).  Everything that
# must see the hook's host-side tmpfs has to happen in one such script.
crun_sh () {
  local script=$1
  shift
  BUNDLE=$BUNDLE CID=$CID T=$T HOOK=$HOOK POLICY=$POLICY \
    unshare -m --propagation private bash -c \
    'set -eu; umount /sys/fs/cgroup/unified; '"$script" crun_sh "$@" </dev/null
}

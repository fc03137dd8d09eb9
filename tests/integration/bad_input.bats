#!/usr/bin/env bats
# Hostile and broken input (docs/security.md): the hook binary fed directly, and
# through a real runc where the kernel is involved.  Every case must give a
# clear error naming the field, a non-zero exit (runc run failing), and
# leave nothing behind: no hook directory, no mount, host sysctls unchanged
# (teardown checks the last two for every test).

OSH_SUITE=bad
load helpers

setup () {
  osh_setup
  set_cmd 'echo container-ran'
}

teardown () {
  osh_teardown
}

# feed_state FILE: the binary's createRuntime with FILE on stdin, bounded.
feed_state () {
  run --separate-stderr timeout 10 "$HOOK" --policy "$POLICY" createRuntime <"$1"
}

# A valid state naming our bundle and a pid that is not running: should the
# hook ever get past the input it checks, it can touch nothing.
good_state () {
  state_json created "$(dead_pid)"
}

# ------------------------------------------------------- malformed state

@test "bad input: a state that is not JSON is refused" {
  printf 'hello' >"$T/state"
  feed_state "$T/state"
  assert_status 1
  assert_eq "$stderr" "oci-sandbox-hook: -: error: state: invalid JSON: lexical error: invalid char in json text." "stderr"
}

@test "bad input: a truncated state is refused" {
  good_state | head -c 40 >"$T/state"
  feed_state "$T/state"
  assert_status 1
  assert_contains "$stderr" "error: state: invalid JSON: parse error: premature EOF"
  assert_nothing_left
}

@test "bad input: a state with trailing garbage is refused" {
  { good_state; echo ' {"id": "second"}'; } >"$T/state"
  feed_state "$T/state"
  assert_status 1
  assert_contains "$stderr" "error: state: invalid JSON: parse error: trailing garbage"
  assert_nothing_left
}

@test "bad input: a state with duplicate id keys is refused" {
  good_state | jq -c . | sed 's/^{/{"id":"decoy",/' >"$T/state"
  feed_state "$T/state"
  assert_status 1
  assert_contains "$stderr" 'duplicate key "id"'
  assert_nothing_left
}

@test "bad input: a NUL escape in the state's id is refused" {
  good_state | jq -c --arg id "$CID" '.id = $id + "@NUL@x"' | sed 's/@NUL@/\\u0000/' >"$T/state"
  grep -qF '\u0000' "$T/state"
  feed_state "$T/state"
  assert_status 1
  assert_contains "$stderr" "string contains a NUL character"
  assert_nothing_left
}

@test "bad input: 20 MB of state is refused without hanging" {
  { printf '{"ociVersion":"1.0.2","id":"'; head -c 20000000 /dev/zero | tr '\0' a; printf '"}'; } \
    >"$T/state"
  feed_state "$T/state"
  assert_status 1
  assert_contains "$stderr" "error: state on stdin: input exceeds the limit of 16777216 bytes"
}

# ------------------------------------------------------- broken bundle

@test "bad input: a bundle without config.json is refused" {
  rm "$BUNDLE/config.json"
  good_state >"$T/state"
  feed_state "$T/state"
  assert_status 1
  assert_contains "$stderr" "error: open config.json in the bundle: No such file or directory"
  assert_nothing_left
}

@test "bad input: config.json that is a FIFO is refused without hanging" {
  rm "$BUNDLE/config.json"
  mkfifo "$BUNDLE/config.json"
  good_state >"$T/state"
  feed_state "$T/state"
  assert_status 1
  assert_contains "$stderr" "error: config.json: not a regular file"
  assert_nothing_left
}

@test "bad input: a config.json root.path climbing out of the bundle is refused" {
  jq '.root.path = "rootfs/../../etc"' "$BUNDLE/config.json" >"$T/config.json"
  mv "$T/config.json" "$BUNDLE/config.json"
  good_state >"$T/state"
  feed_state "$T/state"
  assert_status 1
  assert_contains "$stderr" "error: config root.path: \"$BUNDLE/rootfs/../../etc\" is not a canonical path"
  assert_nothing_left
}

@test "bad input: a config.json root.path longer than PATH_MAX is refused" {
  local long
  long=$(head -c 5000 /dev/zero | tr '\0' a)
  jq --arg r "$long" '.root.path = $r' "$BUNDLE/config.json" >"$T/config.json"
  mv "$T/config.json" "$BUNDLE/config.json"
  good_state >"$T/state"
  feed_state "$T/state"
  assert_status 1
  assert_contains "$stderr" "error: config root.path: File name too long"
  assert_nothing_left
}

# ------------------------------------------------------- bad command line

# run_cli ARGS...: the binary with ARGS and an empty stdin, bounded.
run_cli () {
  run --separate-stderr timeout 10 "$HOOK" "$@" </dev/null
}

@test "bad input: an unknown --log-level is refused, naming the option" {
  run_cli --policy "$POLICY" --log-level loud createRuntime
  assert_status 2
  assert_contains "$stderr" 'error: --log-level "loud": expected error, warn, info or debug'
  assert_nothing_left
}

@test "bad input: an unknown stage is refused, naming it" {
  run_cli --policy "$POLICY" createruntime
  assert_status 2
  assert_contains "$stderr" 'error: unknown stage "createruntime" (try --help)'
  assert_nothing_left
}

@test "bad input: an argument after the stage is refused, naming it" {
  run_cli --policy "$POLICY" createRuntime "$BUNDLE"
  assert_status 2
  assert_contains "$stderr" "error: unexpected argument \"$BUNDLE\""
  assert_nothing_left
}

@test "bad input: --bundle with a stage that reads the state is refused" {
  run_cli --policy "$POLICY" --bundle "$BUNDLE" createRuntime
  assert_status 2
  assert_contains "$stderr" "error: --bundle is only for the plan and precreate stages"
  assert_nothing_left
}

@test "bad input: --json with another stage than pods is refused" {
  run_cli --policy "$POLICY" --json plan
  assert_status 2
  assert_contains "$stderr" "error: --json is only for pods"
  assert_nothing_left
}

# ------------------------------------------------------- bad policy

@test "bad input: an unknown policy key is refused" {
  write_policy '{"shm_szie": "64Mi"}'
  good_state >"$T/state"
  feed_state "$T/state"
  assert_status 1
  assert_contains "$stderr" "error: policy $POLICY: policy key \"shm_szie\": unknown key"
  assert_nothing_left
}

@test "bad input: a policy log_socket longer than a unix socket path is refused" {
  local long
  long=/tmp/$(head -c 200 /dev/zero | tr '\0' a).sock
  write_policy "{\"log_socket\": \"$long\"}"
  good_state >"$T/state"
  feed_state "$T/state"
  assert_status 1
  assert_contains "$stderr" "error: log socket \"$long\": not an absolute path of at most 107 bytes"
  assert_nothing_left
}

@test "bad input: a policy hosts source that is a FIFO fails runc run without hanging" {
  mkfifo "$T/hosts-fifo"
  write_policy "{\"hosts\": \"$T/hosts-fifo\"}"
  runc_refuses "policy key \"hosts\": $T/hosts-fifo: not a regular file"
}

@test "bad input: policy shm_size \"200%\" fails runc run" {
  write_policy '{"shm_size": "200%"}'
  runc_refuses "policy $POLICY: policy key \"shm_size\": \"200%\": not a quantity"
}

# ------------------------------------------- hostile annotations, config

@test "bad input: a newline in dns-options fails runc run" {
  annotate io.oci-sandbox-hook.dns-options $'1\nnameserver 6.6.6.6'
  runc_refuses 'annotation io.oci-sandbox-hook.dns-options: DNS option 1: "1\\nnameserver 6.6.6.6": not a resolver option'
  # (runc doubles the backslash of the hook's \n escape)
}

@test "bad input: dns-options without dns-servers fails runc run (no nameserver in the pod)" {
  annotate io.oci-sandbox-hook.dns-options "ndots:2"
  runc_refuses 'annotation io.oci-sandbox-hook.dns-options without io.oci-sandbox-hook.dns-servers: the pod'"'"'s resolv.conf would have no nameserver'
}

@test "bad input: shm-size \"0\" fails runc run" {
  annotate io.oci-sandbox-hook.shm-size 0
  runc_refuses 'annotation io.oci-sandbox-hook.shm-size: "0": must be greater than 0'
}

@test "bad input: shm-size \"1m,size=0\" fails runc run" {
  annotate io.oci-sandbox-hook.shm-size "1m,size=0"
  runc_refuses 'annotation io.oci-sandbox-hook.shm-size: "1m,size=0": not a quantity'
}

@test "bad input: an unknown key under our annotation prefix fails runc run" {
  annotate io.oci-sandbox-hook.shm-szie 64Mi
  runc_refuses 'annotation "io.oci-sandbox-hook.shm-szie": unknown key'
}

@test "bad input: hostname \"a/b\" in config.json fails runc run" {
  cfg '.hostname = "a/b"'
  runc_refuses 'config hostname: "a/b": not an RFC 1123 host name'
}

# ------------------------------------------------ traps in the rootfs

@test "bad input: rootfs /etc/resolv.conf symlinked to a host file is refused" {
  echo 'victim content' >"$T/victim"
  local before
  before=$(stat -c '%s %Y %Z %i %h' "$T/victim")
  ln -s "$T/victim" "$BUNDLE/rootfs/etc/resolv.conf"
  runc_refuses "rootfs /etc/resolv.conf: a symlink (refused)"
  assert_eq "$(cat "$T/victim")" "victim content" "victim content"
  assert_eq "$(stat -c '%s %Y %Z %i %h' "$T/victim")" "$before" "victim metadata"
}

@test "bad input: rootfs /etc symlinked to a host directory is refused" {
  mkdir "$T/outside-etc"
  rmdir "$BUNDLE/rootfs/etc"
  ln -s "$T/outside-etc" "$BUNDLE/rootfs/etc"
  runc_refuses "rootfs /etc (symlinks are refused)"
  assert_eq "$(ls -A "$T/outside-etc")" "" "files created outside the rootfs"
}

@test "bad input: rootfs /etc/hosts that is a FIFO is refused without hanging" {
  mkfifo "$BUNDLE/rootfs/etc/hosts"
  runc_refuses "rootfs /etc/hosts: not a regular file"
  [ -p "$BUNDLE/rootfs/etc/hosts" ] || fail "the FIFO was replaced"
}

@test "bad input: rootfs /etc/hosts hard-linked to a file outside the rootfs is refused" {
  printf '10.0.0.1 outside\n' >"$T/outside-hosts"
  ln "$T/outside-hosts" "$BUNDLE/rootfs/etc/hosts"
  local before
  before=$(stat -c '%s %Y %Z %i' "$T/outside-hosts")
  runc_refuses "rootfs /etc/hosts: a file with several hard links (refused)"
  assert_eq "$(cat "$T/outside-hosts")" "10.0.0.1 outside" "outside file content"
  assert_eq "$(stat -c '%s %Y %Z %i' "$T/outside-hosts")" "$before" "outside file metadata"
}

# ------------------------------------------------------ fault injection

# fault_case STEP: createRuntime fails right after STEP; runc fails, the
# rollback leaves nothing.
fault_case () {
  grep -qa "fault injected after step" "$HOOK" \
    || skip "$HOOK was built without --enable-fault-injection"
  hook_env "OCI_SANDBOX_HOOK_FAIL_AFTER=$1"
  runc_refuses "error: fault injected after step $1"
  log_wait "rolled back: "
}

@test "fault injection: failure after step dir leaves nothing" {
  fault_case dir
}

@test "fault injection: failure after step hostname leaves nothing" {
  fault_case hostname
}

@test "fault injection: failure after step hosts leaves nothing" {
  fault_case hosts
}

@test "fault injection: failure after step resolv_conf leaves nothing" {
  fault_case resolv_conf
}

@test "fault injection: failure after step shm leaves nothing" {
  fault_case shm
  log_wait "rolled back: detached the oci-sandbox-hook tmpfs"
}

@test "fault injection: failure after step container_mounts leaves nothing" {
  fault_case container_mounts
  log_wait "rolled back: detached the oci-sandbox-hook tmpfs, removed its directory"
}

@test "fault injection: failure after step sysctls leaves nothing" {
  fault_case sysctls
}

@test "fault injection: failure after step oom_score_adj leaves nothing" {
  fault_case oom_score_adj
}

@test "fault injection: failure after step cpu_shares leaves nothing" {
  fault_case cpu_shares
}

@test "fault injection: failure after step pod_registry leaves nothing, no registry entry" {
  fault_case pod_registry
  log_wait "rolled back: detached the oci-sandbox-hook tmpfs, removed its directory, unregistered the pod"
  assert_eq "$(ls -A "$T/state")" "" "registry entries"
}

# ------------------------------------------------------------ real errors

@test "real error: a read-only /proc/sys of its own fails runc run naming it, and leaves nothing" {
  # As systemd's ProtectKernelTunables= leaves it for a service: bound
  # read-only over itself, in a private mount namespace here.
  run --separate-stderr timeout 30 unshare -m --propagation private bash -c '
    mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys &&
    runc run -b "$1" "$2"' sh "$BUNDLE" "$CID" </dev/null
  assert_failed
  [ "$status" -ne 124 ] || fail "runc run hung"
  assert_not_contains "$output" container-ran "container output"
  assert_contains "$stderr" "open /proc/sys/net/ipv4/ip_unprivileged_port_start: the hook's /proc/sys is a mount of its own (systemd's ProtectKernelTunables=" "runc's stderr"
  assert_contains "$stderr" "set unprivileged_ports and unprivileged_icmp to false" "runc's stderr"
  log_wait "rolled back: detached the oci-sandbox-hook tmpfs, removed its directory"
  assert_nothing_left
  # The advice holds: with both off, the pod starts there.
  write_policy '{"unprivileged_ports": false, "unprivileged_icmp": false}'
  run --separate-stderr timeout 30 unshare -m --propagation private bash -c '
    mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys &&
    runc run -b "$1" "$2"' sh "$BUNDLE" "$CID" </dev/null
  assert_status 0
  assert_contains "$output" container-ran "container output"
  assert_nothing_left
}

@test "real error: a /proc that is not procfs refuses a sandbox naming it, and never a plain container" {
  # The hook fed by hand in a private mount namespace whose /proc is a
  # tmpfs: it cannot tell its user namespace, nor reach the process.  An
  # AddressSanitizer build's runtime cannot start without the real /proc
  # (its stack and leak checks read it): the plain build runs this case.
  if grep -q __asan_init "$HOOK"; then
    skip "a sanitizer build needs /proc itself"
  fi
  sleep 100 &
  local pid=$!
  state_json created "$pid" >"$T/sandbox-state"
  # A container without annotations takes the full path (config.json
  # decides): proven not ours, it is never refused for what /proc lacks.
  jq -c 'del(.annotations)' "$T/sandbox-state" >"$T/plain-state"
  not_a_sandbox
  run --separate-stderr timeout 30 unshare -m --propagation private sh -c \
    'mount -t tmpfs none /proc && exec "$1" --policy "$2" createRuntime <"$3"' \
    sh "$HOOK" "$POLICY" "$T/plain-state"
  assert_status 0
  assert_not_contains "$stderr" "oci-sandbox-hook" "stderr"
  annotate "$SANDBOX_KEY" sandbox
  run --separate-stderr timeout 30 unshare -m --propagation private sh -c \
    'mount -t tmpfs none /proc && exec "$1" --policy "$2" createRuntime <"$3"' \
    sh "$HOOK" "$POLICY" "$T/sandbox-state"
  kill "$pid"
  wait "$pid" || true
  assert_status 1
  assert_contains "$stderr" "error: /proc is not procfs"
  assert_nothing_left
}

# ---------------------------------------------------------- the build script

@test "bad input: contrib/setup.sh refuses an argument it does not know, before doing anything" {
  local setup=$BATS_TEST_DIRNAME/../../contrib/setup.sh
  # A mistyped --test-build would otherwise give a release build silently.
  run --separate-stderr "$setup" --test-bulid
  assert_status 2
  assert_eq "$stderr" "setup.sh: unknown argument(s): --test-bulid (usage: contrib/setup.sh [--test-build])"
  assert_eq "$output" "" "setup.sh's stdout"
  run --separate-stderr "$setup" --test-build --again
  assert_status 2
  assert_contains "$stderr" "unknown argument(s): --test-build --again"
}

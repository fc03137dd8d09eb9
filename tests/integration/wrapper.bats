#!/usr/bin/env bats
# oci-sandbox-runtime, the runtime wrapper, as an engine calls it: in place
# of runc, with runc's command line (--root PRIVATE --log FILE --log-format
# json create --bundle B ID, start, state, exec, kill, delete), in front of
# the real runc and crun.  A sandbox's config.json gets the spec edits and
# the hook's entries (and so the hook runs), a pod member the entries, a
# plain container nothing; every other command is the runtime itself; every
# hostile input is refused in the --log file and on stderr with config.json
# untouched and nothing created.
#
# The policy reaches the wrapper through OCI_SANDBOX_HOOK_POLICY (test
# builds only): an engine passes the wrapper no option.  runc's state lives
# in a private --root below T; teardown deletes every container there and
# then runs the shared checks (mounts, cgroups, host sysctls).

OSH_SUITE=wrapper
load helpers

WRAPPER=$(dirname "$HOOK")/oci-sandbox-runtime

setup () {
  osh_setup
  [ -L "$WRAPPER" ] || fail "$WRAPPER: not built (make makes the link next to the hook)"
  ROOT="$T/runc-root"
  RLOG="$T/runtime-log.json"
  # An engine's bundle: no hooks of ours.
  cfg 'del(.hooks)'
  set_cmd 'exec sleep 600'
}

teardown () {
  local id
  if [ -f "${T:-/nonexistent}/ids" ]; then
    while read -r id; do
      runc --root "$ROOT" delete -f "$id" >/dev/null 2>&1 || true
    done <"$T/ids"
  fi
  if [ -d "${T:-/nonexistent}/crun-root" ]; then
    crun_sh 'for id in $(crun --root "$T/crun-root" list -q); do crun --root "$T/crun-root" delete -f "$id"; done' \
      >/dev/null 2>&1 || true
  fi
  osh_teardown
}

# wrap ARGS...: the wrapper as containerd's shim calls runc, with the
# test's policy; stdio on files, as a created container must not hold
# bats' pipes.
wrap () {
  OCI_SANDBOX_HOOK_POLICY=$POLICY "$WRAPPER" --root "$ROOT" --log "$RLOG" --log-format json "$@" \
    </dev/null
}

# create_ok [ID]: wrap create of BUNDLE, which must succeed; PID is the
# container's init.
create_ok () {
  local id=${1:-$CID}
  wrap create --bundle "$BUNDLE" --pid-file "$T/$id.pid" "$id" >"$T/$id.out" 2>"$T/$id.err" \
    || fail "wrapper create $id failed: $(cat "$T/$id.err")" "log: $(cat "$RLOG" 2>/dev/null)"
  PID=$(cat "$T/$id.pid")
}

# The hook entries the wrapper writes, as jq sees them.
hooks_json () {
  jq -c '.hooks' "$BUNDLE/config.json"
}

# refused TEXT...: after `run`, a refusal: non-zero, the message on stderr
# and as the last JSON line of the --log file (level error, RFC 3339 UTC
# time), config.json as SAVED, no container in the private root, nothing
# new in the bundle.
refused () {
  local text last
  assert_failed
  [ -s "$RLOG" ] || fail "nothing in the --log file" "stderr: $stderr"
  last=$(tail -n 1 "$RLOG")
  jq -e . <<<"$last" >/dev/null || fail "last log line is not JSON: $last"
  assert_eq "$(jq -r 'keys | join(",")' <<<"$last")" "level,msg,time" "log line keys"
  assert_eq "$(jq -r .level <<<"$last")" error "log level"
  [[ $(jq -r .time <<<"$last") =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$ ]] \
    || fail "log time is not RFC 3339: $last"
  for text; do
    assert_contains "$(jq -r .msg <<<"$last")" "oci-sandbox-runtime: " "log msg"
    assert_contains "$(jq -r .msg <<<"$last")" "$text" "log msg"
    assert_contains "$stderr" "$text" "stderr"
  done
  [ ! -f "$T/saved.json" ] || cmp -s "$T/saved.json" "$BUNDLE/config.json" \
    || fail "config.json changed"
  run runc --root "$ROOT" list -q
  assert_eq "$output" "" "containers in the private root"
  assert_eq "$(ls -A "$BUNDLE" | tr '\n' ' ')" "config.json rootfs " "bundle entries"
  assert_nothing_left
}

# engine_member_mounts: binds of /dev/shm and the /etc files, as
# containerd gives its app containers: a member that takes nothing from
# its sandbox, so that the hook's entries run without one.
engine_member_mounts () {
  mkdir -p "$T/pod-shm"
  local f
  for f in hostname hosts resolv.conf; do echo "# $f" >"$T/pod-$f"; done
  cfg --arg t "$T" '.mounts += [
    {destination: "/dev/shm", type: "bind", source: "\($t)/pod-shm", options: ["rbind", "rprivate", "rw"]},
    {destination: "/etc/hostname", type: "bind", source: "\($t)/pod-hostname", options: ["rbind", "rprivate", "rw"]},
    {destination: "/etc/hosts", type: "bind", source: "\($t)/pod-hosts", options: ["rbind", "rprivate", "rw"]},
    {destination: "/etc/resolv.conf", type: "bind", source: "\($t)/pod-resolv.conf", options: ["rbind", "rprivate", "rw"]}]'
}

save_config () {
  cp -p "$BUNDLE/config.json" "$T/saved.json"
}

# A fake real runtime (policy key "runtime") that records its argv, one
# word a line, its environment and whether fd 3 is open.
use_recording_runtime () {
  cat >"$T/fake-runtime" <<EOF
#!/bin/sh
printf '%s\n' "\$0" "\$@" >"$T/argv"
tr '\0' '\n' </proc/\$\$/environ >"$T/environ"
if [ -e /proc/\$\$/fd/3 ]; then readlink /proc/\$\$/fd/3 >"$T/fd3"; else echo none >"$T/fd3"; fi
EOF
  chmod 755 "$T/fake-runtime"
  write_policy "{\"runtime\": \"$T/fake-runtime\"}"
}

# passes ARGS...: the wrapper with exactly ARGS (no globals of our own)
# runs the fake runtime with the same words and environment.
passes () {
  rm -f "$T/argv" "$T/environ"
  env -i OCI_SANDBOX_HOOK_POLICY="$POLICY" PATH=/usr/bin:/bin ODD="a b
c" "$WRAPPER" "$@" </dev/null >/dev/null 2>"$T/pass.err" \
    || fail "wrapper $* failed: $(cat "$T/pass.err")"
  assert_eq "$(cat "$T/argv")" "$(printf '%s\n' "$T/fake-runtime" "$@")" "argv of $*"
  assert_eq "$(sort "$T/environ")" "$(printf '%s\n' "OCI_SANDBOX_HOOK_POLICY=$POLICY" ODD="a b" c \
    PATH=/usr/bin:/bin | sort)" "environment of $*"
}

# ------------------------------------------------------------- a sandbox

@test "wrapper: a sandbox gets the spec edits and the hook entries, and the hook runs" {
  create_ok
  # The spec-level half (precreate's): sysctls, shares, OOM score.
  assert_eq "$(jq -c .linux.sysctl "$BUNDLE/config.json")" \
    '{"net.ipv4.ip_unprivileged_port_start":"0","net.ipv4.ping_group_range":"0 2147483647"}'
  assert_eq "$(jq -c .linux.resources.cpu.shares "$BUNDLE/config.json")" 2
  assert_eq "$(jq -c .process.oomScoreAdj "$BUNDLE/config.json")" "$OWN_OOM"
  # No sizing annotations: runc is no VM runtime.
  assert_eq "$(jq -c '[.annotations | keys[] | select(startswith("io.kubernetes.cri.sandbox-"))]' \
    "$BUNDLE/config.json")" '[]' "sizing annotations"
  assert_eq "$(hooks_json)" "$(expected_hooks)" "hooks"
  # The hook's createRuntime ran: its line, its files, the container's
  # view (inside through exec, itself passed through) and the host's.
  log_wait "${CID:0:12}: sandbox ready:"
  [ -d "$BUNDLE/oci-sandbox-hook" ] || fail "no hook directory"
  wrap start "$CID"
  assert_eq "$(wrap state "$CID" | jq -r .status)" running
  run -0 wrap exec "$CID" cat /proc/sys/net/ipv4/ip_unprivileged_port_start /etc/hostname
  assert_eq "$output" "0
$(jq -r .hostname "$BUNDLE/config.json")" "inside"
  assert_eq "$(nsenter -t "$PID" -n cat "$PORTS_SYSCTL")" 0 "outside, in its netns"
  run -0 wrap exec "$CID" sh -c 'grep " /dev/shm " /proc/mounts | tail -n 1'
  assert_contains "$output" "size=65536k" "/dev/shm"
  wrap kill "$CID" KILL
  wrap delete -f "$CID"
  # poststop (an entry of the wrapper's) swept the hook's directory.
  log_wait "${CID:0:12}: poststop:"
  assert_nothing_left
  run runc --root "$ROOT" list -q
  assert_eq "$output" "" "containers left"
}

@test "wrapper: a second create of a rewritten bundle adds nothing and writes nothing" {
  create_ok
  wrap delete -f "$CID"
  cp -p "$BUNDLE/config.json" "$T/first.json"
  local inode
  inode=$(stat -c %i "$BUNDLE/config.json")
  create_ok
  cmp "$T/first.json" "$BUNDLE/config.json" || fail "the second create changed config.json"
  assert_eq "$(stat -c %i "$BUNDLE/config.json")" "$inode" "config.json was not replaced"
  assert_eq "$(hooks_json)" "$(expected_hooks)" "hooks after two creates"
  log_wait "config.json has everything already"
}

@test "wrapper: the rewrite keeps every other byte's meaning, the mode and the key order" {
  cfg '.annotations["x-vendor/big"] = "18446744073709551615" | .x_unknown = "NUMBERS"
       | .hooks = {prestart: [{path: "/bin/true"}], createRuntime: []}'
  # Numbers as an engine may write them (jq would rewrite them).
  sed -i 's/"NUMBERS"/{"z":1e400,"a":[1,2.50]}/' "$BUNDLE/config.json"
  chmod 0640 "$BUNDLE/config.json"
  local before
  before=$(jq -c 'del(.hooks, .linux.sysctl, .linux.resources.cpu, .process.oomScoreAdj)' \
    "$BUNDLE/config.json")
  create_ok
  assert_eq "$(jq -c 'del(.hooks, .linux.sysctl, .linux.resources.cpu, .process.oomScoreAdj)' \
    "$BUNDLE/config.json")" "$before" "everything the wrapper does not own"
  grep -q '"z":1e400,"a":\[1,2.50\]' "$BUNDLE/config.json" || fail "numbers rewritten"
  assert_eq "$(stat -c %a "$BUNDLE/config.json")" 640 "mode"
  assert_eq "$(jq -c '.hooks.prestart' "$BUNDLE/config.json")" '[{"path":"/bin/true"}]' "prestart kept"
  assert_eq "$(jq -r '.hooks | keys_unsorted | join(" ")' "$BUNDLE/config.json")" \
    "prestart createRuntime poststop" "hook kinds in order"
}

@test "wrapper: with the default policy the entries carry no --policy" {
  # The test build reads OCI_SANDBOX_HOOK_POLICY; without it, the default
  # path, which must not exist here for the test to mean anything.  A pod
  # member that takes nothing from a sandbox: the hook it adds runs and
  # reads nothing of the host's.
  [ ! -e /etc/oci-sandbox-hook/policy.json ] || skip "the host has a policy file"
  not_a_sandbox
  engine_member_mounts
  cfg '.annotations += {"io.kubernetes.cri.container-type": "container", "io.kubernetes.cri.sandbox-id": "pod1"}'
  "$WRAPPER" --root "$ROOT" create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>"$T/err" \
    || fail "create: $(cat "$T/err")"
  assert_eq "$(jq -c '[.hooks[][] | .args]' "$BUNDLE/config.json")" \
    '[["oci-sandbox-hook","createRuntime"],["oci-sandbox-hook","poststop"]]'
  "$WRAPPER" --root "$ROOT" delete -f "$CID"
}

# --------------------------------------------- members and plain containers

@test "wrapper: a plain container's config.json stays byte for byte the same" {
  not_a_sandbox
  cfg '.annotations["io.kubernetes.cri.container-type"] = "container"'
  save_config
  local inode
  inode=$(stat -c %i "$BUNDLE/config.json")
  create_ok
  cmp "$T/saved.json" "$BUNDLE/config.json" || fail "config.json changed"
  assert_eq "$(stat -c %i "$BUNDLE/config.json")" "$inode" "config.json was not replaced"
  wrap start "$CID"
  wrap delete -f "$CID"
  [ ! -e "$BUNDLE/oci-sandbox-hook" ] || fail "the hook ran"
  [ ! -s "$LOG" ] || [ -z "$(grep -v 'unchanged' "$LOG")" ] || fail "log: $(cat "$LOG")"
}

@test "wrapper: containerd and CRI-O pod members get the hook entries only" {
  local key id
  engine_member_mounts
  for key in containerd cri-o; do
    not_a_sandbox
    cfg 'del(.hooks)'
    if [ "$key" = containerd ]; then
      cfg '.annotations += {"io.kubernetes.cri.container-type": "container", "io.kubernetes.cri.sandbox-id": "pod1"}'
    else
      cfg '.annotations += {"io.kubernetes.cri-o.ContainerType": "container", "io.kubernetes.cri-o.SandboxID": "pod1"}'
    fi
    local before
    before=$(jq -c 'del(.hooks)' "$BUNDLE/config.json")
    id=$(new_id)-$key
    echo "$id" >>"$T/ids"
    create_ok "$id"
    assert_eq "$(jq -c 'del(.hooks)' "$BUNDLE/config.json")" "$before" "$key member: no spec edit"
    assert_eq "$(hooks_json)" "$(expected_hooks)" "$key member: hooks"
    wrap delete -f "$id"
  done
}

@test "wrapper: a CRI-O-shaped infra spec is a sandbox, and its ShmSize reaches the hook" {
  not_a_sandbox
  cfg '.annotations += {"io.kubernetes.cri-o.ContainerType": "sandbox", "io.kubernetes.cri-o.SandboxID": "crio-pod",
        "io.kubernetes.cri-o.ContainerName": "k8s_POD_x", "io.kubernetes.cri-o.ShmSize": "32Mi",
        "io.kubernetes.cri-o.Namespace": "default"}'
  create_ok
  assert_eq "$(jq -c .linux.sysctl "$BUNDLE/config.json")" \
    '{"net.ipv4.ip_unprivileged_port_start":"0","net.ipv4.ping_group_range":"0 2147483647"}'
  assert_eq "$(hooks_json)" "$(expected_hooks)" "hooks"
  wrap start "$CID"
  run -0 wrap exec "$CID" sh -c 'grep " /dev/shm " /proc/mounts | tail -n 1'
  assert_contains "$output" "size=32768k" "/dev/shm of the CRI-O pod"
  wrap delete -f "$CID"
  assert_nothing_left
}

# --------------------------------------------------------- pass-through

@test "wrapper: every other command execs the runtime with the very same argv and environment" {
  use_recording_runtime
  local g=(--root /run/x --log /l.json --log-format json)
  passes "${g[@]}" state "$CID"
  passes "${g[@]}" start "$CID"
  passes "${g[@]}" kill "$CID" 9
  passes "${g[@]}" kill --all "$CID" 9
  passes "${g[@]}" delete "$CID"
  passes "${g[@]}" delete --force "$CID"
  passes "${g[@]}" exec --process /p --detach --pid-file /x.pid "$CID"
  passes ps "$CID"
  passes events --stats "$CID"
  passes update --memory 1 "$CID"
  passes pause "$CID"
  passes resume "$CID"
  passes list -q
  passes features
  passes checkpoint --image-path /i "$CID"
  passes restore --bundle "$BUNDLE" "$CID"
  passes spec --rootless
  passes --version
  passes -v
  passes --help
  passes
  passes frobnicate --any "thing with spaces"
  passes --systemd-cgroup --debug --rootless=auto --criu /c state "$CID"
  passes create --help
  # Nothing of the bundle was read or written by any of them.
  [ ! -e "$BUNDLE/oci-sandbox-hook" ] || fail "hook directory"
  assert_eq "$(jq -c .hooks "$BUNDLE/config.json")" null "hooks"
}

@test "wrapper: create execs the runtime with the same argv and the engine's fds" {
  use_recording_runtime
  not_a_sandbox
  save_config
  OCI_SANDBOX_HOOK_POLICY=$POLICY "$WRAPPER" --root "$ROOT" --log "$RLOG" --log-format json \
    create --bundle "$BUNDLE" --pid-file "$T/p" --preserve-fds 1 "$CID" 3<"$T/saved.json" \
    </dev/null 2>"$T/err" || fail "create: $(cat "$T/err")"
  assert_eq "$(cat "$T/argv")" "$(printf '%s\n' "$T/fake-runtime" --root "$ROOT" --log "$RLOG" \
    --log-format json create --bundle "$BUNDLE" --pid-file "$T/p" --preserve-fds 1 "$CID")" "argv"
  # An inherited fd is the runtime's (--preserve-fds): never closed.
  assert_eq "$(cat "$T/fd3")" "$T/saved.json" "fd 3 reaches the runtime"
  # The sandbox case: edited first, then the same argv.
  cfg --arg k "$SANDBOX_KEY" '.annotations[$k] = "sandbox"'
  OCI_SANDBOX_HOOK_POLICY=$POLICY "$WRAPPER" create -b "$BUNDLE" "$CID" </dev/null 2>"$T/err" \
    || fail "create: $(cat "$T/err")"
  assert_eq "$(cat "$T/argv")" "$(printf '%s\n' "$T/fake-runtime" create -b "$BUNDLE" "$CID")" "argv"
  [ "$(jq -c .hooks.createRuntime "$BUNDLE/config.json")" != null ] || fail "sandbox not edited"
}

@test "wrapper: runc 1.2's --pidfd-socket: a sandbox's create is read, edited and handed on, argv unchanged" {
  use_recording_runtime
  cfg --arg k "$SANDBOX_KEY" '.annotations[$k] = "sandbox"'
  OCI_SANDBOX_HOOK_POLICY=$POLICY "$WRAPPER" create "$CID" --pidfd-socket "$T/pidfd.sock" \
    --bundle "$BUNDLE" </dev/null 2>"$T/err" || fail "create: $(cat "$T/err")"
  assert_eq "$(cat "$T/argv")" "$(printf '%s\n' "$T/fake-runtime" create "$CID" --pidfd-socket \
    "$T/pidfd.sock" --bundle "$BUNDLE")" "argv"
  [ "$(jq -c .hooks.createRuntime "$BUNDLE/config.json")" != null ] || fail "sandbox not edited"
}

# ----------------------------------------------------------- crun

@test "wrapper: crun as the real runtime (policy key runtime) runs the sandbox with the hook" {
  write_policy '{"runtime": "/usr/bin/crun"}'
  annotate run.oci.hooks.stderr "$T/hooks.err"
  set_cmd 'cat /proc/sys/net/ipv4/ip_unprivileged_port_start; tr "\t" " " </proc/sys/net/ipv4/ping_group_range; grep -c " /dev/shm " /proc/mounts'
  run --separate-stderr crun_sh '
    w=$(dirname "$HOOK")/oci-sandbox-runtime
    OCI_SANDBOX_HOOK_POLICY=$POLICY "$w" --root "$T/crun-root" --log "$T/crun.log" --log-format json \
      run --bundle "$BUNDLE" "$CID"
    rc=$?
    findmnt -rn -o TARGET | grep -F "$T/" >"$T/ns-left" || true
    exit $rc'
  assert_status 0
  assert_eq "$output" "0
0 2147483647
2" "inside the crun sandbox"
  assert_eq "$(jq -c '[.hooks[][] | .args[-1]]' "$BUNDLE/config.json")" '["createRuntime","poststop"]'
  [ ! -s "$T/ns-left" ] || fail "mounts left in crun's namespace: $(cat "$T/ns-left")"
  log_wait "${CID:0:12}: poststop:"
  assert_nothing_left
}

# ------------------------------------------- odd argument forms that work

@test "wrapper: --bundle=DIR, -b DIR, -b=DIR, flags after the id, and the working directory" {
  local form id
  for form in "--bundle=$BUNDLE" "-b $BUNDLE" "-b=$BUNDLE" "-bundle $BUNDLE" "AFTER" "CWD" "EMPTY"; do
    cfg 'del(.hooks, .linux.sysctl)'
    id=$(new_id)-$RANDOM
    echo "$id" >>"$T/ids"
    case "$form" in
      AFTER) (cd / && wrap create "$id" --bundle "$BUNDLE") >/dev/null 2>"$T/err" ;;
      CWD) (cd "$BUNDLE" && wrap create "$id") >/dev/null 2>"$T/err" ;;
      EMPTY) (cd "$BUNDLE" && wrap create --bundle= "$id") >/dev/null 2>"$T/err" ;;
      *) (cd / && wrap create $form "$id") >/dev/null 2>"$T/err" ;;
    esac || fail "create with $form: $(cat "$T/err")"
    assert_eq "$(hooks_json)" "$(expected_hooks)" "hooks with $form"
    assert_eq "$(wrap state "$id" | jq -r .status)" created "$form"
    wrap delete -f "$id"
  done
}

# runc 1.1 as built (urfave/cli 1.22.9 here, 1.22.16 in runc 1.2) moves only
# its command's own flags, each with the next word unless that is one of
# them ("-" included), and keeps "--" right after them: the wrapper edits
# the bundle runc then runs, and takes what runc takes.
@test "wrapper: urfave/cli's reordering as runc runs it: the bundle edited is the one runc runs" {
  local id decoy line
  mkdir "$T/work"
  cfg 'del(.hooks, .linux.sysctl)'
  cp -a "$BUNDLE" "$T/work/-"
  # runc reads "--bundle --bundle=DECOY --bundle -" as bundle "-" (the last
  # wins) and the first word as the id; a directory named like the id is
  # what the wrapper must not take for the bundle.
  id=$(new_id)-$RANDOM
  echo "$id" >>"$T/ids"
  cp -a "$BUNDLE" "$T/work/$id"
  decoy=$(sha256sum <"$T/work/$id/config.json")
  (cd "$T/work" && wrap create "$id" --bundle --bundle="$T/work/$id" --bundle -) \
    >/dev/null 2>"$T/err" || fail "create: $(cat "$T/err")"
  assert_eq "$(wrap state "$id" | jq -r .bundle)" "$T/work/-" "the bundle runc runs"
  assert_eq "$(jq -c .hooks "$T/work/-/config.json")" "$(expected_hooks)" \
    "hooks in the bundle runc runs"
  assert_eq "$(sha256sum <"$T/work/$id/config.json")" "$decoy" "the other directory"
  log_wait "${id:0:12}: sandbox ready:"
  wrap delete -f "$id"
  log_wait "${id:0:12}: poststop:"
  # "-" after a flag is its value; "--" after the id ends the flags.
  for line in "--pid-file - -b $BUNDLE" "-b $BUNDLE ID --"; do
    cfg 'del(.hooks, .linux.sysctl)'
    id=$(new_id)-$RANDOM
    echo "$id" >>"$T/ids"
    line=${line/ID/$id}
    case "$line" in *" --") ;; *) line="$line $id" ;; esac
    (cd "$T" && wrap create $line) >/dev/null 2>"$T/err" \
      || fail "create $line: $(cat "$T/err")"
    assert_eq "$(hooks_json)" "$(expected_hooks)" "hooks with $line"
    assert_eq "$(wrap state "$id" | jq -r .status)" created "$line"
    wrap delete -f "$id"
  done
}

# --------------------------------------------- hostile input: refusals

@test "wrapper: odd global flags are refused before anything is read" {
  save_config
  local line
  for line in "--bogus|flag provided but not defined: -bogus" \
              "--debug=maybe|invalid boolean value \"maybe\" for -debug" \
              "---root=/x|bad flag syntax: ---root=/x" \
              "--cgroup-manager=systemd|flag provided but not defined: -cgroup-manager"; do
    run --separate-stderr env OCI_SANDBOX_HOOK_POLICY="$POLICY" "$WRAPPER" --log "$RLOG" \
      --log-format json "${line%%|*}" create --bundle "$BUNDLE" "$CID"
    refused "${line#*|}"
  done
  # A global flag missing its value: nothing after it is read (the log
  # flag comes first, so the refusal still reaches it).
  run --separate-stderr env OCI_SANDBOX_HOOK_POLICY="$POLICY" "$WRAPPER" --log "$RLOG" \
    --log-format json --root
  refused "flag needs an argument: -root"
}

@test "wrapper: odd create flags are refused: two forms, a missing value, extra or missing ids" {
  save_config
  run --separate-stderr wrap create --bundle "$BUNDLE" -b "$BUNDLE" "$CID"
  refused "cannot use two forms of the same flag: -bundle and -b"
  run --separate-stderr wrap create "$CID" --bundle
  refused "\"create\" requires exactly 1 argument (the container id), got 0"
  run --separate-stderr wrap create --bundle "$BUNDLE" "$CID" other
  refused "got 2"
  run --separate-stderr wrap create --no-pivot "$CID" --bundle "$BUNDLE"
  refused "got 3"
  run --separate-stderr wrap create --config "$BUNDLE/config.json" "$CID"
  refused "create: flag provided but not defined: -config"
  run --separate-stderr wrap run --bundle "$BUNDLE" --keep=perhaps "$CID"
  refused "invalid boolean value \"perhaps\" for -keep"
  # --preserve-fds is Go's flag.Int (strconv.ParseInt, base 0): runc
  # refuses "08" (octal) and 2^63, so the wrapper edits nothing for them.
  run --separate-stderr wrap create --preserve-fds=08 --bundle "$BUNDLE" "$CID"
  refused "create: invalid value \"08\" for flag -preserve-fds: parse error"
  run --separate-stderr wrap run --preserve-fds 9223372036854775808 --bundle "$BUNDLE" "$CID"
  refused "invalid value \"9223372036854775808\" for flag -preserve-fds: value out of range"
}

@test "wrapper: a bundle that is a symlink is refused" {
  save_config
  ln -s "$BUNDLE" "$T/link"
  run --separate-stderr wrap create --bundle "$T/link" "$CID"
  refused "bundle $T/link: a symlink, refused"
  run --separate-stderr wrap create --bundle "$T/missing" "$CID"
  refused "bundle: open directory $T/missing: No such file or directory"
}

@test "wrapper: config.json swapped for a symlink, a FIFO, a directory, or over 16 MiB is refused" {
  mv "$BUNDLE/config.json" "$T/real.json"
  ln -s "$T/real.json" "$BUNDLE/config.json"
  run --separate-stderr wrap create --bundle "$BUNDLE" "$CID"
  refused "open config.json in the bundle"
  [ -L "$BUNDLE/config.json" ] || fail "the symlink was replaced"
  rm "$BUNDLE/config.json"

  mkfifo "$BUNDLE/config.json"
  run --separate-stderr timeout 10 env OCI_SANDBOX_HOOK_POLICY="$POLICY" "$WRAPPER" --root "$ROOT" \
    --log "$RLOG" --log-format json create --bundle "$BUNDLE" "$CID"
  [ "$status" -ne 124 ] || fail "the wrapper blocked on a FIFO"
  refused "config.json: not a regular file"
  [ -p "$BUNDLE/config.json" ] || fail "the FIFO was replaced"
  rm "$BUNDLE/config.json"

  mkdir "$BUNDLE/config.json"
  run --separate-stderr wrap create --bundle "$BUNDLE" "$CID"
  refused "config.json"
  rmdir "$BUNDLE/config.json"

  mv "$T/real.json" "$BUNDLE/config.json"
  head -c 17000000 /dev/zero | tr '\0' x >"$T/pad"
  jq --rawfile pad "$T/pad" '.annotations["x-pad"] = $pad' "$BUNDLE/config.json" >"$T/big.json"
  mv "$T/big.json" "$BUNDLE/config.json"
  save_config
  run --separate-stderr wrap create --bundle "$BUNDLE" "$CID"
  refused "bytes exceed the limit of 16777216"
}

@test "wrapper: hostile spec values get the hook's own sentence, config.json untouched" {
  annotate io.oci-sandbox-hook.shm-sise 64Mi
  save_config
  run --separate-stderr wrap create --bundle "$BUNDLE" "$CID"
  refused 'annotation "io.oci-sandbox-hook.shm-sise": unknown key (known: shm-size, dns-servers, dns-searches, dns-options)'

  cfg 'del(.annotations["io.oci-sandbox-hook.shm-sise"]) | .linux.sysctl = {"kernel.core_pattern": "|/x"}'
  save_config
  run --separate-stderr wrap create --bundle "$BUNDLE" "$CID"
  refused "kernel.core_pattern"

  cfg 'del(.linux.sysctl) | .annotations["io.oci-sandbox-hook.dns-options"] = "ndots:5\nnameserver 6.6.6.6"'
  save_config
  run --separate-stderr wrap create --bundle "$BUNDLE" "$CID"
  refused "dns-options"

  # Duplicate keys (Go keeps the last, the wrapper would see the first).
  printf '{"ociVersion":"1.0.2","annotations":{"a":"1"},"annotations":{"b":"2"}}' >"$BUNDLE/config.json"
  save_config
  run --separate-stderr wrap create --bundle "$BUNDLE" "$CID"
  refused "duplicate key"
  # Annotations that are no map of strings, even for a plain container.
  printf '{"ociVersion":"1.0.2","annotations":{"io.kubernetes.cri.container-type":7}}' >"$BUNDLE/config.json"
  save_config
  run --separate-stderr wrap create --bundle "$BUNDLE" "$CID"
  refused "config annotations"
}

@test "wrapper: an untrusted or broken policy is refused, for create and for pass-through" {
  save_config
  chmod g+w "$POLICY"
  run --separate-stderr wrap create --bundle "$BUNDLE" "$CID"
  refused "policy $POLICY" "writable by group"
  run --separate-stderr wrap state "$CID"
  refused "writable by group"
  chmod g-w "$POLICY"

  write_policy '{"runtime": "runc"}'
  run --separate-stderr wrap state "$CID"
  refused 'policy key "runtime"' "not an absolute path"
  write_policy "{\"runtime\": \"$WRAPPER\"}"
  run --separate-stderr wrap state "$CID"
  refused "is oci-sandbox-runtime itself"
  write_policy "{\"runtime\": \"$(readlink -f "$HOOK")\"}"
  run --separate-stderr wrap create --bundle "$BUNDLE" "$CID"
  refused "is oci-sandbox-runtime itself"
  write_policy '{"runtime": "/nonexistent/runc"}'
  run --separate-stderr wrap state "$CID"
  refused "the runtime /nonexistent/runc: No such file or directory"

  # A mistake in another key refuses creates, never a pass-through.
  write_policy '{"cpu_shares": "lots"}'
  run --separate-stderr wrap create --bundle "$BUNDLE" "$CID"
  refused 'policy key "cpu_shares"'
  run --separate-stderr wrap list -q
  assert_status 0
}

@test "wrapper: refusals in runc's text format, and never through a symlinked log file" {
  save_config
  run --separate-stderr env OCI_SANDBOX_HOOK_POLICY="$POLICY" "$WRAPPER" --log "$T/text.log" \
    create --bundle "$BUNDLE" -b "$BUNDLE" "$CID"
  assert_failed
  [[ $(cat "$T/text.log") =~ ^time=\"[0-9T:-]+Z\"\ level=error\ msg=\"oci-sandbox-runtime:\ create:\ cannot\ use\ two\ forms\ of\ the\ same\ flag:\ -bundle\ and\ -b\"$ ]] \
    || fail "text log line: $(cat "$T/text.log")"
  # A log format runc refuses before any command runs: refused, in text.
  run --separate-stderr env OCI_SANDBOX_HOOK_POLICY="$POLICY" "$WRAPPER" --root "$ROOT" \
    --log "$T/text.log" --log-format=JSON create --bundle "$BUNDLE" "$CID"
  assert_failed
  assert_contains "$stderr" "oci-sandbox-runtime: invalid log-format: JSON"
  assert_contains "$(tail -n 1 "$T/text.log")" 'level=error msg="oci-sandbox-runtime: invalid log-format: JSON"'
  cmp -s "$T/saved.json" "$BUNDLE/config.json" || fail "config.json changed"
  run runc --root "$ROOT" list -q
  assert_eq "$output" "" "containers in the private root"
  echo precious >"$T/target"
  ln -s "$T/target" "$T/link.log"
  run --separate-stderr env OCI_SANDBOX_HOOK_POLICY="$POLICY" "$WRAPPER" --log "$T/link.log" \
    --log-format json --bogus
  assert_failed
  assert_eq "$(cat "$T/target")" precious "the symlink's target"
  assert_contains "$stderr" "cannot open the log file $T/link.log"
  assert_contains "$stderr" "flag provided but not defined: -bogus"
  cmp -s "$T/saved.json" "$BUNDLE/config.json" || fail "config.json changed"
}

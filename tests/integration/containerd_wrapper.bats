#!/usr/bin/env bats
# oci-sandbox-runtime under a real containerd 1.6 driven through the CRI v1
# API (tests/cri/), as a Kubernetes node runs it: the default runtime
# "runc" has BinaryName = the wrapper of the build tree, and a second
# handler "plain" is runc itself, for comparison.  The policy reaches the
# wrapper through containerd's environment (CRI_HOOK_POLICY, read by test
# builds only): the shim gives the wrapper runc's arguments and nothing
# else.  The policy logs to a private syslog socket.
#
# Every test's pods are removed in teardown, which FAILS the test when
# anything is left in containerd's namespace or on the host.

OSH_SUITE=containerd-wrapper
load helpers
load cri_suite

WRAPPER=$(dirname "$HOOK")/oci-sandbox-runtime

setup_file () {
  [ "$(id -u)" = 0 ] || skip "integration tests need root"
  [ -L "$WRAPPER" ] || fail "$WRAPPER: not built"
  cri_suite_dir ctrd-wrapper
  cri_suite_log
  export POLICY=$SUITE_T/policy.json
  jq -n --arg s "$SOCK" '{log_socket: $s, log_level: "debug"}' >"$POLICY"
  # A logging front for the wrapper: the shim's command lines, then the
  # wrapper itself with the same argv.
  cat >"$SUITE_T/logged" <<EOF
#!/bin/bash
{ printf '%q ' "\$@"; echo; } >>"$SUITE_T/argv.log"
exec -a "$WRAPPER" "$WRAPPER" "\$@"
EOF
  chmod 755 "$SUITE_T/logged"
  CRI_BINARY_NAME=$WRAPPER CRI_HOOK_POLICY=$POLICY \
    CRI_RUNTIMES="plain=/usr/sbin/runc logged=$SUITE_T/logged" cri_start
}

teardown_file () {
  cri_suite_end
}

setup () {
  cri_test_dir
}

teardown () {
  cri_test_teardown
}

# normalized FILE ID...: the spec with each ID, the pod's pids and netns
# names replaced by placeholders, for comparing two pods' specs.
normalized () {
  local file=$1 i=0 id
  shift
  local text
  text=$(jq -S . "$file")
  for id in "$@"; do
    text=${text//$id/ID$i}
    i=$((i + 1))
  done
  sed -E -e 's|/proc/[0-9]+/ns/|/proc/PID/ns/|g' -e 's|cni-[0-9a-f-]{36}|cni-NETNS|g' <<<"$text"
}

# capture_pod PREFIX POD CTR: the sandbox's and the app's specs, and what
# the app sees (its /etc files, /dev/shm, ids, mounts), into T/PREFIX-*.
capture_pod () {
  local f
  cp "$(cri_bundle "$2")/config.json" "$T/$1-sandbox.json"
  cp "$(cri_bundle "$3")/config.json" "$T/$1-app.json"
  for f in hostname hosts resolv.conf; do
    cri exec-sync "$3" -- cat "/etc/$f" >"$T/$1-$f"
  done
  cri exec-sync "$3" -- sh -c 'df -k /dev/shm | tail -n 1; id; awk "{ print \$5 }" /proc/self/mountinfo' \
    >"$T/$1-view"
}

# ------------------------------------------------------------------ tests

@test "containerd + wrapper: RunPodSandbox succeeds and the hook ran for the sandbox" {
  run_pod hooked
  local cfg spid
  cfg="$(cri_bundle "$POD")/config.json"
  assert_eq "$(jq -c .hooks "$cfg")" "$(expected_hooks)" "sandbox hooks"
  assert_eq "$(jq -c .linux.sysctl "$cfg")" \
    '{"net.ipv4.ip_unprivileged_port_start":"0","net.ipv4.ping_group_range":"0 2147483647"}'
  # No sizing annotations without pod resources, as containerd itself.
  assert_eq "$(jq -c '[.annotations | keys[] | select(test("sandbox-(cpu|memory)"))]' "$cfg")" '[]'
  # The hook's line through the policy's socket, and its effects in the
  # pod's network namespace.
  log_wait "${POD:0:12}: sandbox ready:"
  spid=$(cri_sandbox_pid "$POD")
  assert_eq "$(nsenter -t "$spid" -n cat "$PORTS_SYSCTL")" 0 "pod ip_unprivileged_port_start"
  assert_eq "$(nsenter -t "$spid" -n cat "$PING_SYSCTL" | tr '\t' ' ')" "0 2147483647" \
    "pod ping_group_range"
  [ "$(readlink "/proc/$spid/ns/net")" != "$(readlink /proc/self/ns/net)" ] \
    || fail "the sandbox is in the host's netns"
  [ -d "$(cri_bundle "$POD")/oci-sandbox-hook" ] || fail "no hook directory in the sandbox bundle"
  grep -qF "${POD:0:12}: create: annotation io.kubernetes.cri.container-type=sandbox" "$LOG" \
    || fail "no wrapper line for the sandbox: $(cat "$LOG")"
}

@test "containerd + wrapper: two app containers start, get the entries, and ExecSync passes through" {
  run_pod apps
  local c1 c2 cfg
  run_app one
  c1=$CTR
  run_app two
  c2=$CTR
  for CTR in "$c1" "$c2"; do
    run -0 cri container-status "$CTR"
    assert_eq "$(jq -r .status.state <<<"$output")" CONTAINER_RUNNING
    cfg="$(cri_bundle "$CTR")/config.json"
    assert_eq "$(jq -c .hooks "$cfg")" "$(expected_hooks)" "app hooks"
    assert_eq "$(jq -c .linux.sysctl "$cfg")" null "no spec edit for an app"
    run -0 cri exec-sync "$CTR" -- cat /proc/sys/net/ipv4/ip_unprivileged_port_start
    assert_eq "$output" 0 "the app shares the sandbox's netns"
    run -3 cri exec-sync "$CTR" -- sh -c 'exit 3'
  done
  cri stop "$c1"
  cri remove "$c1"
  run -0 cri exec-sync "$c2" -- hostname
  assert_eq "$output" apps
}

@test "containerd + wrapper: a hostile pod annotation fails RunPodSandbox with the hook's sentence" {
  cri_pod_config hostile '.annotations["io.oci-sandbox-hook.shm-sise"] = "64Mi"' >"$T/p.json"
  run --separate-stderr cri run-pod "$T/p.json"
  assert_status 125
  assert_contains "$stderr" "RunPodSandbox: UNKNOWN: "
  assert_contains "$stderr" 'OCI runtime create failed: oci-sandbox-runtime: annotation "io.oci-sandbox-hook.shm-sise": unknown key (known: shm-size, dns-servers, dns-searches, dns-options)'
  run -0 cri list-pods
  assert_eq "$(jq -r '.[] | select(.metadata.name == "hostile") | .id' <<<"$output")" "" "pod listed"

  cri_pod_config hostile2 '.annotations["io.oci-sandbox-hook.shm-size"] = "1Ti"' >"$T/p2.json"
  run --separate-stderr cri run-pod "$T/p2.json"
  assert_status 125
  assert_contains "$stderr" "OCI runtime create failed: oci-sandbox-runtime: "
  assert_contains "$stderr" "shm-size"
}

@test "containerd + wrapper: a plain pod's specs are those without the wrapper, but for the hook entries and sysctls" {
  local name=same filter='.metadata.uid = "uid-fixed"' wpod wctr ppod pctr f
  run_pod "$name" "$filter"
  run_app app
  wpod=$POD wctr=$CTR
  capture_pod w "$wpod" "$wctr"
  cri stop-pod "$wpod"
  cri remove-pod "$wpod"

  run_pod "$name" "$filter" plain
  run_app app
  ppod=$POD pctr=$CTR
  capture_pod p "$ppod" "$pctr"

  # The sandbox: the wrapper's entries and the two sysctls, nothing else.
  jq 'del(.hooks) | del(.linux.sysctl)' "$T/w-sandbox.json" >"$T/w-sandbox.cmp"
  [ "$(jq -c .linux.sysctl "$T/p-sandbox.json")" = null ] || fail "plain runc's sandbox has sysctls"
  diff <(normalized "$T/w-sandbox.cmp" "$wpod") <(normalized "$T/p-sandbox.json" "$ppod") \
    || fail "the sandbox specs differ beyond hooks and sysctls"
  # The app: the entries only.
  jq 'del(.hooks)' "$T/w-app.json" >"$T/w-app.cmp"
  diff <(normalized "$T/w-app.cmp" "$wpod" "$wctr") <(normalized "$T/p-app.json" "$ppod" "$pctr") \
    || fail "the app specs differ beyond hooks"
  [ "$(jq -c .hooks "$T/p-app.json")" = null ] || fail "plain runc's app has hooks"
  # What the app sees is the same.
  for f in hostname hosts resolv.conf view; do
    cmp "$T/w-$f" "$T/p-$f" || fail "the apps see different $f: $(diff "$T/w-$f" "$T/p-$f")"
  done
}

@test "containerd + wrapper: Stop and Remove leave nothing; poststop ran for the sandbox" {
  run_pod stopped
  run_app app
  local bundle=$(cri_bundle "$POD")
  [ -d "$bundle/oci-sandbox-hook" ] || fail "no hook directory"
  cri stop-pod "$POD"
  log_wait "${POD:0:12}: poststop:"
  [ ! -e "$bundle" ] || fail "the sandbox bundle is left"
  cri remove-pod "$POD"
  run cri_private_leftovers
  assert_eq "$output" "" "leftovers in containerd's namespace"
}

@test "containerd + wrapper: the shim's create, start, exec, kill and delete all go through the wrapper" {
  : >"$SUITE_T/argv.log"
  run_pod logged . logged
  run_app app
  run -0 cri exec-sync "$CTR" -- true
  cri stop "$CTR"
  cri remove "$CTR"
  cri stop-pod "$POD"
  cri remove-pod "$POD"
  local log=$SUITE_T/argv.log id
  for id in "$POD" "$CTR"; do
    grep -qE " create --bundle [^ ]+ --pid-file [^ ]+ $id $" "$log" || fail "no create of $id" "$(cat "$log")"
    grep -qE " start $id $" "$log" || fail "no start of $id"
    grep -qE " kill $id 9 $" "$log" || fail "no kill of $id"
    grep -qE " delete $id $" "$log" || fail "no delete of $id"
  done
  grep -qE " exec --process [^ ]+ --detach --pid-file [^ ]+ $CTR $" "$log" || fail "no exec"
  # Each went to runc through the wrapper: the pod ran and is gone, the
  # sandbox got its entries (the hook's lines), and nothing is left.
  log_wait "${POD:0:12}: sandbox ready:"
  log_wait "${POD:0:12}: poststop:"
}

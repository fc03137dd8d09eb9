#!/usr/bin/env bats
# What pods gain under containerd, which makes a pod's /dev/shm tmpfs (64
# MiB, with no way for Kubernetes to size it) and its resolv.conf itself:
# a per-pod /dev/shm size (engine_shm) and the check of the engine's DNS
# files (engine_files), through the runtime wrapper.  A real containerd
# 1.6 driven through the CRI v1 API (tests/cri/), the wrapper of the build
# tree as the runc runtime's BinaryName, the policy passed the way
# containerd_wrapper.bats passes it (containerd's environment,
# OCI_SANDBOX_HOOK_POLICY, read by test builds only) and rewritten by each
# test: its engine_dirs name this containerd's private state and root.
#
# Every test's pods are removed in teardown, which FAILS the test when
# anything is left in containerd's namespace or on the host, or when the
# host's /dev/shm changed size.

OSH_SUITE=containerd-engine
load helpers
load cri_suite

WRAPPER=$(dirname "$HOOK")/oci-sandbox-runtime
MIB=1048576
INJECTED_DNS='{servers: ["10.96.0.10"], searches: ["ns.svc.cluster.local", "svc.cluster.local"],
               options: ["ndots:5\nnameserver 6.6.6.6"]}'
KUBELET_DNS='{servers: ["10.96.0.10"], searches: ["ns.svc.cluster.local", "svc.cluster.local",
              "cluster.local"], options: ["ndots:5"]}'

setup_file () {
  [ "$(id -u)" = 0 ] || skip "integration tests need root"
  [ -L "$WRAPPER" ] || fail "$WRAPPER: not built"
  cri_suite_dir ctrd-engine
  cri_suite_log
  export POLICY=$SUITE_T/policy.json
  echo '{}' >"$POLICY"
  CRI_BINARY_NAME=$WRAPPER CRI_HOOK_POLICY=$POLICY cri_start
  HOST_SHM_BYTES=$(bytes_of /dev/shm)
  export HOST_SHM_BYTES
}

teardown_file () {
  cri_suite_end
}

setup () {
  cri_test_dir
  set_policy '{}'
}

teardown () {
  local problems=""
  # No pod's tmpfs is the host's: removing the pods cannot mend this.
  [ "$(bytes_of /dev/shm)" = "$HOST_SHM_BYTES" ] \
    || problems="the host's /dev/shm changed size: $(bytes_of /dev/shm), was $HOST_SHM_BYTES; "
  cri_test_teardown "$problems"
}

# set_policy JSON: the policy the wrapper and the hook read, debug logging
# to the suite's socket, engine_dirs naming this containerd's directories.
set_policy () {
  jq -n --arg s "$SOCK" --arg st "$CRI_STATE/io.containerd.grpc.v1.cri/sandboxes" \
    --arg r "$CRI_ROOT/io.containerd.grpc.v1.cri/sandboxes" --argjson p "$1" \
    '{log_socket: $s, log_level: "debug", engine_dirs: [$st, $r]} + $p' >"$POLICY"
}

# pod_refused NAME FILTER TEXT...: RunPodSandbox fails with gRPC UNKNOWN
# and every TEXT in its error; no pod of that name is left.
pod_refused () {
  local name=$1 filter=$2 text
  shift 2
  cri_pod_config "$name" "$filter" >"$T/$name.pod.json"
  run --separate-stderr cri run-pod "$T/$name.pod.json"
  assert_status 125
  assert_contains "$stderr" "RunPodSandbox: UNKNOWN: "
  for text; do
    assert_contains "$stderr" "$text" "RunPodSandbox's error"
  done
  run -0 cri list-pods
  assert_eq "$(jq -r --arg n "$name" '.[] | select(.metadata.name == $n) | .id' <<<"$output")" "" \
    "pod $name listed"
}

# The KiB of /dev/shm as an app container's df shows them.
app_shm_kib () {
  cri exec-sync "$1" -- df -k /dev/shm | awk 'NR == 2 { print $2 }'
}

# ------------------------------------------------------------ engine_shm

@test "containerd engine: a pod asking for 256Mi has a 256 MiB /dev/shm in the sandbox and both apps" {
  run_pod big '.annotations["io.oci-sandbox-hook.shm-size"] = "256Mi"'
  local c1 c2 spid engine_shm
  run_app one
  c1=$CTR
  run_app two
  c2=$CTR
  assert_eq "$(app_shm_kib "$c1")" 262144 "app one's /dev/shm in KiB"
  assert_eq "$(app_shm_kib "$c2")" 262144 "app two's /dev/shm in KiB"
  spid=$(cri_sandbox_pid "$POD")
  assert_eq "$(bytes_of "/proc/$spid/root/dev/shm")" $((256 * MIB)) "the sandbox's /dev/shm"
  engine_shm=$(cri_sandbox_shm "$POD")
  assert_eq "$(bytes_of "$(cri_path "$engine_shm")")" $((256 * MIB)) "containerd's tmpfs"
  # One tmpfs for the pod: what one app writes, the other reads.
  cri exec-sync "$c1" -- sh -c 'echo from-one >/dev/shm/shared'
  run -0 cri exec-sync "$c2" -- cat /dev/shm/shared
  assert_eq "$output" from-one "a file written by app one, read by app two"
  log_wait "${POD:0:12}: engine_shm: $engine_shm: $((64 * MIB)) -> $((256 * MIB)) bytes"
  log_wait "${POD:0:12}: sandbox ready: "
  grep -F "${POD:0:12}: sandbox ready: " "$LOG" | grep -qF "engine_shm=$((256 * MIB))" \
    || fail "the summary lacks engine_shm: $(grep -F "${POD:0:12}: sandbox ready" "$LOG")"
}

@test "containerd engine: a pod without the annotation keeps containerd's 64 MiB" {
  run_pod small
  run_app app
  assert_eq "$(app_shm_kib "$CTR")" 65536 "the app's /dev/shm in KiB"
  assert_eq "$(bytes_of "/proc/$(cri_sandbox_pid "$POD")/root/dev/shm")" $((64 * MIB)) \
    "the sandbox's /dev/shm"
  log_wait "${POD:0:12}: engine_shm: skip: the pod asks for no /dev/shm size"
}

@test "containerd engine: a size above the cap, 0 or not a quantity fails RunPodSandbox with the hook's sentence in full" {
  pod_refused capped '.annotations["io.oci-sandbox-hook.shm-size"] = "2Gi"' \
    "OCI runtime create failed: oci-sandbox-runtime: annotation io.oci-sandbox-hook.shm-size: 2147483648 bytes exceed the node maximum of 1073741824: unknown"
  set_policy '{"shm_size_max": "128Mi"}'
  pod_refused capped2 '.annotations["io.oci-sandbox-hook.shm-size"] = "256Mi"' \
    "oci-sandbox-runtime: annotation io.oci-sandbox-hook.shm-size: 268435456 bytes exceed the node maximum of 134217728"
  pod_refused zero '.annotations["io.oci-sandbox-hook.shm-size"] = "0"' \
    'oci-sandbox-runtime: annotation io.oci-sandbox-hook.shm-size: "0": must be greater than 0'
  pod_refused junk '.annotations["io.oci-sandbox-hook.shm-size"] = "64m,size=0"' \
    'oci-sandbox-runtime: annotation io.oci-sandbox-hook.shm-size: "64m,size=0": not a quantity'
}

@test "containerd engine: a host-IPC pod asking for a size is refused, the host's /dev/shm untouched" {
  pod_refused hostipc '.annotations["io.oci-sandbox-hook.shm-size"] = "128Mi"
                       | .linux.security_context.namespace_options.ipc = "NODE"' \
    "oci-sandbox-runtime: annotation io.oci-sandbox-hook.shm-size: the pod shares the host's IPC namespace, whose /dev/shm is never resized: refusing"
  # Without a request the host-IPC pod runs, on the host's /dev/shm.
  run_pod hostipc2 '.linux.security_context.namespace_options.ipc = "NODE"'
  log_wait "${POD:0:12}: engine_shm: skip: the pod asks for no /dev/shm size"
}

@test "containerd engine: a pod asking for a size whose engine directory is not in engine_dirs is refused, naming it" {
  set_policy "$(jq -n --arg r "$CRI_ROOT/io.containerd.grpc.v1.cri/sandboxes" '{engine_dirs: [$r]}')"
  pod_refused outside '.annotations["io.oci-sandbox-hook.shm-size"] = "128Mi"' \
    "oci-sandbox-runtime: annotation io.oci-sandbox-hook.shm-size: config.json binds /dev/shm from $CRI_STATE/io.containerd.grpc.v1.cri/sandboxes/" \
    "/shm, which is not below any of the policy's engine_dirs: refusing to resize it"
}

# ----------------------------------------------------------- engine_files

@test "containerd engine: an injected DNS option line refuses the pod under enforce, naming the line" {
  pod_refused injected ".dns_config = $INJECTED_DNS" \
    "error running hook #0: error running hook: exit status 1" \
    "engine_files: the engine's /etc/resolv.conf ($CRI_ROOT/io.containerd.grpc.v1.cri/sandboxes/" \
    '/resolv.conf): line 4 "nameserver 6.6.6.6": a nameserver line after the options line: engines write the search, nameserver and options lines in that order, so this line was inside a DNS value (an injected line): refusing the pod (engine_files: enforce)'
  log_wait 'line 4 "nameserver 6.6.6.6": a nameserver line after the options line'
}

@test "containerd engine: under warn the injected pod starts, and the log says why" {
  set_policy '{"engine_files": "warn"}'
  run_pod warned ".dns_config = $INJECTED_DNS"
  run_app app
  run -0 cri exec-sync "$CTR" -- cat /etc/resolv.conf
  assert_eq "$output" "$(printf 'search ns.svc.cluster.local svc.cluster.local\nnameserver 10.96.0.10\noptions ndots:5\nnameserver 6.6.6.6')" \
    "the app's resolv.conf, as containerd wrote it"
  log_wait "${POD:0:12}: engine_files: the engine's /etc/resolv.conf ($(cri_sandbox_root "$POD" | sed "s|^/proc/$CRI_PID/root||")/resolv.conf): line 4 \"nameserver 6.6.6.6\""
  log_wait "(engine_files: warn, the pod starts)"
}

@test "containerd engine: under off nothing is read, and the injected pod starts" {
  set_policy '{"engine_files": "off"}'
  run_pod unread ".dns_config = $INJECTED_DNS"
  log_wait "${POD:0:12}: engine_files: skip: disabled by policy (engine_files: off)"
  run grep -F "${POD:0:12}: engine_files: the engine's" "$LOG"
  assert_eq "$output" "" "engine_files findings under off"
}

@test "containerd engine: a plain pod with kubelet's DNS behaves as before; Stop and Remove leave nothing" {
  run_pod plain ".dns_config = $KUBELET_DNS"
  run_app app
  run -0 cri exec-sync "$CTR" -- cat /etc/resolv.conf
  assert_eq "$output" "$(printf 'search ns.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5')" \
    "the app's resolv.conf"
  assert_eq "$(app_shm_kib "$CTR")" 65536 "the app's /dev/shm in KiB"
  log_wait "${POD:0:12}: engine_files: /etc/resolv.conf: valid"
  # A pod without DNS settings gets the node's resolv.conf, copied.
  local pod=$POD bundle
  run_pod nodns
  log_wait "${POD:0:12}: engine_files: /etc/resolv.conf: the node's /etc/resolv.conf"
  cri stop-pod "$POD"
  cri remove-pod "$POD"
  bundle=$(cri_bundle "$pod")
  cri stop "$CTR"
  cri remove "$CTR"
  cri stop-pod "$pod"
  log_wait "${pod:0:12}: poststop:"
  [ ! -e "$bundle" ] || fail "the sandbox bundle is left"
  cri remove-pod "$pod"
  run cri_private_leftovers
  assert_eq "$output" "" "leftovers in containerd's namespace"
}

# ----------------------------------------- the policies containerd leaves off

@test "containerd engine: unprivileged ports and ICMP follow the node policy, as for runc bundles" {
  local spid
  # containerd 1.6 sets neither; the node policy's default does.
  run_pod ports
  spid=$(cri_sandbox_pid "$POD")
  assert_eq "$(nsenter -t "$spid" -n cat "$PORTS_SYSCTL")" 0 "ip_unprivileged_port_start"
  assert_eq "$(nsenter -t "$spid" -n cat "$PING_SYSCTL" | tr '\t' ' ')" "0 2147483647" "ping_group_range"

  # Turned off by the policy: the kernel's defaults, as plain containerd 1.6.
  set_policy '{"unprivileged_ports": false, "unprivileged_icmp": false}'
  run_pod portsoff
  spid=$(cri_sandbox_pid "$POD")
  assert_eq "$(nsenter -t "$spid" -n cat "$PORTS_SYSCTL")" 1024 "ip_unprivileged_port_start"
  assert_eq "$(nsenter -t "$spid" -n cat "$PING_SYSCTL" | tr '\t' ' ')" "1 0" "ping_group_range"
  assert_eq "$(jq -c .linux.sysctl "$(cri_bundle "$POD")/config.json")" null "the sandbox's sysctls"
  log_wait "${POD:0:12}: unprivileged_ports: skip: disabled by policy (unprivileged_ports: false)"

  # The pod's own value wins, the other one is added.
  set_policy '{}'
  run_pod portsown '.linux.sysctls = {"net.ipv4.ip_unprivileged_port_start": "80"}'
  spid=$(cri_sandbox_pid "$POD")
  assert_eq "$(nsenter -t "$spid" -n cat "$PORTS_SYSCTL")" 80 "the pod's own ip_unprivileged_port_start"
  assert_eq "$(nsenter -t "$spid" -n cat "$PING_SYSCTL" | tr '\t' ' ')" "0 2147483647" "ping_group_range"
  log_wait "${POD:0:12}: unprivileged_ports: skip: set in config.json linux.sysctl"
}

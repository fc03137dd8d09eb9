#!/usr/bin/env bats
# A pod run through the configuration `oci-sandbox-hook install` wrote gets
# the hook: a real containerd 1.6.20 driven through the CRI v1 API
# (tests/cri/), whose config.toml goes through the installer before it
# starts.  The harness's configuration has the runc runtime with no
# BinaryName and pod_annotations admitting only io.katacontainers.*; the
# installer, on a fake host root, points BinaryName at the installed
# wrapper and admits io.oci-sandbox-hook.*, and the pod then carries the
# hook's entries, its sysctls in the pod's own network namespace, and the
# pod annotation only the installer's edit lets through.
#
# containerd sees the fake root's prefix at the same absolute path (OPT,
# the prefix's parent, bind-mounted from the fake root in containerd's
# namespace), so that BinaryName and the hook entries the wrapper writes
# name the installed files as on a node.  uninstall reads containerd's
# runtime state as it would through a DaemonSet's /host: in a mount
# namespace of containerd's where the fake root's /run and containerd's
# state directory are containerd's own.  A pod still running at uninstall
# keeps what it calls; once the pods are gone, uninstall restores the fake
# root byte for byte.

OSH_SUITE=installer-containerd
load helpers
load cri_suite

# CRI_CONFIG_EDIT: the harness's config.toml, as the node's
# /etc/containerd/config.toml, through the installer; containerd then reads
# what the installer wrote.
install_into_config () {
  # This containerd keeps its pods' tmpfs and files in its private state
  # and root: the policy's engine_dirs say so (the pod below asks for a
  # /dev/shm size, which resizes containerd's tmpfs there).
  jq --arg st "$CRI_STATE/io.containerd.grpc.v1.cri/sandboxes" \
    --arg r "$CRI_ROOT/io.containerd.grpc.v1.cri/sandboxes" '.engine_dirs = [$st, $r]' \
    "$SUITE_T/policy.json" >"$SUITE_T/policy.json.new"
  mv "$SUITE_T/policy.json.new" "$SUITE_T/policy.json"
  chmod 0644 "$SUITE_T/policy.json"
  cp "$1" "$ROOT/etc/containerd/config.toml"
  cp "$1" "$SUITE_T/config.orig"
  # Where uninstall finds containerd's state (bind mounts, see the top).
  mkdir -p "$ROOT$CRI_STATE"
  snapshot "$ROOT" >"$SUITE_T/before"
  install_node >"$SUITE_T/install.out" 2>&1 || return 1
  cp "$ROOT/etc/containerd/config.toml" "$1"
}

install_node () {
  "$HOOK" install --root "$ROOT" --prefix "$PREFIX" --engines containerd \
    --policy "$SUITE_T/policy.json"
}

setup_file () {
  cri_suite_dir installer-ctrd
  ROOT=$SUITE_T/root OPT=$SUITE_T/opt
  PREFIX=$OPT/oci-sandbox-hook
  export ROOT OPT PREFIX
  cri_suite_log
  mkdir -p "$ROOT/etc/containerd" "$ROOT/usr/sbin" "$ROOT/usr/bin" "$ROOT/run" "$ROOT$OPT" "$OPT"
  # What detection and the PATH lookup of "runc" find on the fake node.
  printf '#!/bin/sh\nexit 0\n' >"$ROOT/usr/sbin/runc"
  cp "$ROOT/usr/sbin/runc" "$ROOT/usr/bin/containerd"
  chmod 755 "$ROOT/usr/sbin/runc" "$ROOT/usr/bin/containerd"
  jq -n --arg s "$SOCK" '{log_socket: $s, log_level: "debug"}' >"$SUITE_T/policy.json"
  chmod 0644 "$SUITE_T/policy.json"
  # The installed policy, where a node's wrapper would read it (a test
  # build reads OCI_SANDBOX_HOOK_POLICY from containerd's environment).
  CRI_POD_ANNOTATIONS='"io.katacontainers.*"' CRI_CONFIG_EDIT=install_into_config \
    CRI_NS_BINDS="$ROOT$OPT:$OPT" CRI_HOOK_POLICY=$ROOT/etc/oci-sandbox-hook/policy.json cri_start
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

# uninstall_node [OPTION...]: uninstall with containerd's runtime state
# under the fake root, as a DaemonSet's pod sees the node's under /host:
# in a mount namespace of its own, copied from containerd's, where the
# fake root's /run is containerd's /run (runc's state, the shim's
# /run/containerd/runc) and containerd's state directory is bound at its
# own path.
uninstall_node () {
  run --separate-stderr nsenter -t "$CRI_PID" -m -- unshare -m --propagation private sh -c \
    'mount --bind /run "$1/run" && mount --bind "$2" "$1$2" && shift 2 && exec "$@"' \
    sh "$ROOT" "$CRI_STATE" "$HOOK" uninstall --root "$ROOT" "$@"
}

@test "containerd runs the configuration the installer wrote" {
  assert_contains "$(cat "$SUITE_T/install.out")" \
    "change /etc/containerd/config.toml: containerd (config version 2): default runtime runc: options.BinaryName = \"$PREFIX/oci-sandbox-runtime\""
  cmp "$ROOT/etc/containerd/config.toml" "$CRI_DIR/config.toml"
  grep -qx "        BinaryName = \"$PREFIX/oci-sandbox-runtime\"" "$CRI_DIR/config.toml"
  grep -qx '      pod_annotations = \["io.katacontainers.\*", "io.oci-sandbox-hook.\*"\]' \
    "$CRI_DIR/config.toml"
}

@test "a pod run through the installed configuration gets the hook" {
  local cfg spid
  run_pod hooked '.annotations["io.oci-sandbox-hook.shm-size"] = "32Mi"'
  cfg="$(cri_bundle "$POD")/config.json"
  # The wrapper the installer put in place added the installed hook.
  assert_eq "$(jq -r '.hooks.createRuntime[0].path' "$cfg")" "$PREFIX/oci-sandbox-hook" \
    "the sandbox's createRuntime hook"
  assert_eq "$(jq -r '.hooks.poststop[0].path' "$cfg")" "$PREFIX/oci-sandbox-hook" \
    "the sandbox's poststop hook"
  # Only the installer's pod_annotations edit lets this one through.
  assert_eq "$(jq -r '.annotations["io.oci-sandbox-hook.shm-size"]' "$cfg")" 32Mi "the pod annotation"
  log_wait "${POD:0:12}: sandbox ready:"
  spid=$(cri_sandbox_pid "$POD")
  assert_eq "$(nsenter -t "$spid" -n cat "$PORTS_SYSCTL")" 0 "pod ip_unprivileged_port_start"
  assert_eq "$(nsenter -t "$spid" -n cat "$PING_SYSCTL" | tr '\t' ' ')" "0 2147483647" \
    "pod ping_group_range"
  # The annotation's effect: containerd's 64 MiB tmpfs resized to 32 MiB.
  assert_eq "$(bytes_of "/proc/$spid/root/dev/shm")" $((32 << 20)) "the pod's /dev/shm"
  cri stop-pod "$POD"
  cri remove-pod "$POD"
}

@test "uninstall while a pod runs keeps what it calls; the pod then stops cleanly; the next uninstall removes the rest" {
  local tasks=$CRI_STATE/io.containerd.runtime.v2.task/k8s.io log_lines b record
  run_pod inuse
  run_app app
  log_wait "${POD:0:12}: sandbox ready:"
  b=$(cri_bundle "$POD")
  [ -n "$(cri_engine_mount "$tasks/$POD/oci-sandbox-hook")" ] || fail "no hook tmpfs in the bundle"
  snapshot "$ROOT" >"$T/installed"

  uninstall_node --dry-run
  assert_status 0
  assert_contains "$output" "would restore /etc/containerd/config.toml"
  assert_contains "$output" "in use: 2 live container(s) still call what the install put in $PREFIX:"
  assert_contains "$output" "would keep what the 2 live container(s) above still call"
  snapshot "$ROOT" >"$T/dry"
  diff "$T/installed" "$T/dry"

  log_lines=$(wc -l <"$CRI_LOG")
  uninstall_node
  assert_status 0
  assert_contains "$output" "restore /etc/containerd/config.toml"
  assert_contains "$output" "in use: 2 live container(s) still call what the install put in $PREFIX:"
  assert_contains "$output" "    containerd k8s.io/$POD: its shim runs $PREFIX/oci-sandbox-runtime for kill, delete, exec ($tasks/$POD/runtime)"
  assert_contains "$output" "    containerd k8s.io/$CTR: its shim runs $PREFIX/oci-sandbox-runtime for kill, delete, exec ($tasks/$CTR/runtime)"
  assert_contains "$output" "  keep $PREFIX/oci-sandbox-hook: live containers still call it"
  assert_contains "$output" "  keep $PREFIX/oci-sandbox-runtime: live containers still call it"
  assert_contains "$output" "  keep /etc/oci-sandbox-hook/policy.json: live containers' calls of the wrapper read it"
  assert_contains "$output" "uninstalled from the engines: none names the hook or the wrapper any more; what the 2 live container(s) above still call stays"
  # Nothing new will run it: containerd's configuration is its own again.
  cmp "$SUITE_T/config.orig" "$ROOT/etc/containerd/config.toml"
  record=$ROOT/var/lib/oci-sandbox-hook/install/record.json
  assert_eq "$(jq -c '[.uninstalled, [.entries[] | select(.type != "directory") | .path]]' "$record")" \
    "[true,[\"$PREFIX/oci-sandbox-hook\",\"$PREFIX/oci-sandbox-runtime\",\"/etc/oci-sandbox-hook/policy.json\"]]" \
    "what the record keeps"

  # The pod stops and goes as it would have with the hook installed: the
  # shim's kill and delete through the wrapper, runc's poststop hook
  # detaching the hook's tmpfs, the bundle removed.
  cri stop-pod "$POD"
  cri remove-pod "$POD"
  log_wait "${POD:0:12}: poststop: detached the oci-sandbox-hook tmpfs"
  [ ! -e "$b" ] || fail "the sandbox's bundle is left: $(ls -la "$b")"
  [ -z "$(cri_engine_mount "$tasks/$POD/oci-sandbox-hook")" ] || fail "the hook's tmpfs is left"
  [ -z "$(cri_mounts "/proc/$CRI_PID/mountinfo" | grep -F "$POD")" ] \
    || fail "mounts of the pod left: $(cri_mounts "/proc/$CRI_PID/mountinfo" | grep -F "$POD")"
  run tail -n +"$((log_lines + 1))" "$CRI_LOG"
  assert_not_contains "$output" "level=error" "containerd's log"
  assert_not_contains "$output" "post stop hook" "containerd's log"

  # Nothing calls them now: the next uninstall removes them, and the node
  # is as before the install.
  uninstall_node
  assert_status 0
  assert_not_contains "$output" "in use"
  assert_contains "$output" "remove $PREFIX/oci-sandbox-hook"
  assert_contains "$output" "remove /etc/oci-sandbox-hook/policy.json"
  assert_contains "$output" "uninstalled: every file is as before the install"
  snapshot "$ROOT" >"$T/after"
  diff "$SUITE_T/before" "$T/after"
}

@test "with no pod left, uninstall removes everything at once and restores the node byte for byte" {
  # Installed again (the test above ended with the node uninstalled):
  # containerd still runs the configuration that names the wrapper.
  run --separate-stderr install_node
  assert_status 0
  cmp "$ROOT/etc/containerd/config.toml" "$CRI_DIR/config.toml"
  cri_remove_all_pods >/dev/null
  uninstall_node
  assert_status 0
  assert_not_contains "$output" "in use"
  assert_contains "$output" "remove $PREFIX/oci-sandbox-runtime"
  assert_contains "$output" "uninstalled: every file is as before the install"
  snapshot "$ROOT" >"$T/after"
  diff "$SUITE_T/before" "$T/after"
}

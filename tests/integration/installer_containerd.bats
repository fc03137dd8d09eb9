#!/usr/bin/env bats
# A pod run through the configuration `oci-sandbox-hook install` wrote gets
# the hook: a real containerd 1.6.20 driven through the CRI v1 API
# (tests/cri/), whose config.toml goes through the installer before it
# starts.  The harness's configuration has the runc runtime with no
# BinaryName and pod_annotations admitting only io.katacontainers.*; the
# installer, on a fake host root, points BinaryName at the installed
# wrapper and admits io.oci-sandbox-hook.*, and the pod then carries the
# hook's entries, its sysctls in the pod's own network namespace, and the
# pod annotation only the installer's edit lets through.  The fake root's
# prefix is reached on this machine through a symlink at the same absolute
# path, so that BinaryName names it as it would on a node.  After the pods
# are gone, uninstall restores the fake root byte for byte.

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
  snapshot "$ROOT" >"$SUITE_T/before"
  "$HOOK" install --root "$ROOT" --prefix "$PREFIX" --engines containerd \
    --policy "$SUITE_T/policy.json" >"$SUITE_T/install.out" 2>&1 || return 1
  ln -s "$ROOT$PREFIX" "$PREFIX"
  cp "$ROOT/etc/containerd/config.toml" "$1"
}

setup_file () {
  cri_suite_dir installer-ctrd
  ROOT=$SUITE_T/root PREFIX=$SUITE_T/prefix
  export ROOT PREFIX
  cri_suite_log
  mkdir -p "$ROOT/etc/containerd" "$ROOT/usr/sbin" "$ROOT/usr/bin"
  # What detection and the PATH lookup of "runc" find on the fake node.
  printf '#!/bin/sh\nexit 0\n' >"$ROOT/usr/sbin/runc"
  cp "$ROOT/usr/sbin/runc" "$ROOT/usr/bin/containerd"
  chmod 755 "$ROOT/usr/sbin/runc" "$ROOT/usr/bin/containerd"
  jq -n --arg s "$SOCK" '{log_socket: $s, log_level: "debug"}' >"$SUITE_T/policy.json"
  chmod 0644 "$SUITE_T/policy.json"
  # The installed policy, where a node's wrapper would read it (a test
  # build reads OCI_SANDBOX_HOOK_POLICY from containerd's environment).
  CRI_POD_ANNOTATIONS='"io.katacontainers.*"' CRI_CONFIG_EDIT=install_into_config \
    CRI_HOOK_POLICY=$ROOT/etc/oci-sandbox-hook/policy.json cri_start
}

teardown_file () {
  [ -z "${PREFIX:-}" ] || rm -f "$PREFIX"
  cri_suite_end
}

setup () {
  cri_test_dir
}

teardown () {
  cri_test_teardown
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
  local cfg spid hook
  run_pod hooked '.annotations["io.oci-sandbox-hook.shm-size"] = "32Mi"'
  cfg="$(cri_bundle "$POD")/config.json"
  # The wrapper the installer put in place added the installed hook.
  hook=$(readlink -f "$ROOT$PREFIX/oci-sandbox-hook")
  assert_eq "$(jq -r '.hooks.createRuntime[0].path' "$cfg")" "$hook" "the sandbox's createRuntime hook"
  assert_eq "$(jq -r '.hooks.poststop[0].path' "$cfg")" "$hook" "the sandbox's poststop hook"
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

@test "after the pods, uninstall restores the node byte for byte" {
  cri_remove_all_pods >/dev/null
  run --separate-stderr "$HOOK" uninstall --root "$ROOT"
  assert_status 0
  assert_contains "$output" "uninstalled: every file is as before the install"
  snapshot "$ROOT" >"$T/after"
  diff "$SUITE_T/before" "$T/after"
}

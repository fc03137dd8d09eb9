#!/usr/bin/env bats
# The TOML editor's containerd edits, read back by the real containerd
# (Debian's 1.6.20): `containerd --config FILE config dump` loads FILE and
# its imports the way the daemon does and prints the merged config, without
# starting a daemon.  Everything lives in a private temp dir; /etc/containerd
# is never read or written.

bats_require_minimum_version 1.5.0

TOP=$(readlink -f "$BATS_TEST_DIRNAME/../..")
TOOL="${TOML_EDIT_TOOL:-$TOP/tests/unit/toml_edit_tool}"
DATA="$TOP/tests/data/install"
RUNC=(plugins io.containerd.grpc.v1.cri containerd runtimes runc)
WRAPPER=/usr/local/libexec/oci-sandbox-hook/oci-sandbox-runtime

setup () {
  [ -x "$TOOL" ] || make -C "$TOP" tests/unit/toml_edit_tool >/dev/null
  command -v containerd >/dev/null || { echo "containerd is not installed (contrib/setup.sh installs it)" >&2; return 1; }
  T=$(mktemp -d /tmp/oci-sandbox-hook-toml.XXXXXX)
}

teardown () {
  rm -rf "$T"
}

# install FILE OUT: the installer's two containerd 1.x edits.
install () {
  "$TOOL" set "$1" "$WRAPPER" "${RUNC[@]}" options BinaryName >"$T/step.toml"
  "$TOOL" append "$T/step.toml" 'io.oci-sandbox-hook.*' "${RUNC[@]}" pod_annotations >"$2"
}

# dump FILE: what containerd makes of FILE (run from T: 1.6 resolves a
# relative glob in imports against the working directory).
dump () {
  (cd "$T" && containerd --config "$1" config dump)
}

# The runc runtime's table of a dump (from its header to the next one of
# another runtime).
runc_table () {
  sed -n '/^ *\[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc\]/,/^ *\[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.[a-qs-z]/p'
}

@test "containerd 1.6.20 reads BinaryName and pod_annotations from its edited default config" {
  install "$DATA/containerd-1.6-default.toml" "$T/config.toml"
  dump "$T/config.toml" >"$T/dump"
  runc_table <"$T/dump" >"$T/runc"
  grep -qx "            BinaryName = \"$WRAPPER\"" "$T/runc"
  grep -qx '          pod_annotations = \["io.oci-sandbox-hook.\*"\]' "$T/runc"
  # The original's own dump and the edited one's differ in those two lines only.
  dump "$DATA/containerd-1.6-default.toml" | grep -v '^imports = ' >"$T/dump.orig"
  grep -v '^imports = ' "$T/dump" >"$T/dump.new"
  run diff "$T/dump.orig" "$T/dump.new"
  [ "$status" -eq 1 ]
  [ "$(grep -c '^[<>]' <<<"$output")" -eq 4 ]
}

@test "containerd 1.6.20 keeps a kubeadm node's settings around the edit" {
  install "$DATA/containerd-k8s-node.toml" "$T/config.toml"
  dump "$T/config.toml" >"$T/dump"
  runc_table <"$T/dump" >"$T/runc"
  grep -qx "            BinaryName = \"$WRAPPER\"" "$T/runc"
  grep -qx '          pod_annotations = \["io.katacontainers.\*", "io.oci-sandbox-hook.\*"\]' "$T/runc"
  grep -qx '            SystemdCgroup = true' "$T/runc"
  grep -qx '    sandbox_image = "registry.k8s.io/pause:3.9"' "$T/dump"
  grep -q 'endpoint = \["https://mirror.gcr.io", "https://registry-1.docker.io"\]' "$T/dump"
}

@test "containerd 1.6.20: an import that names the CRI plugin replaces the edited section whole" {
  # Why 1.x has its main config edited in place, and why the installer must
  # look at the imports first: any imported file that defines
  # plugins."io.containerd.grpc.v1.cri" (here only its registry) discards
  # every CRI setting of the files before it.
  printf 'version = 2\nimports = ["registries.toml"]\n' >"$T/main.toml"
  sed -n '/^\[plugins/,$p' "$DATA/containerd-imports.toml" >>"$T/main.toml"
  install "$T/main.toml" "$T/config.toml"
  : >"$T/registries.toml"
  dump "$T/config.toml" >"$T/dump"
  grep -qx "            BinaryName = \"$WRAPPER\"" "$T/dump"
  grep -qx '            SystemdCgroup = true' "$T/dump"
  printf '[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n' \
    >"$T/registries.toml"
  dump "$T/config.toml" >"$T/dump"
  grep -qx '            BinaryName = ""' "$T/dump"
  grep -qx '            SystemdCgroup = false' "$T/dump"
  grep -qx '    sandbox_image = "registry.k8s.io/pause:3.6"' "$T/dump"
}

@test "a runtime containerd accepts as an inline table is refused, the file untouched" {
  cat >"$T/config.toml" <<'EOF'
version = 2
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes]
  runc = { runtime_type = "io.containerd.runc.v2", options = { SystemdCgroup = true } }
EOF
  cp "$T/config.toml" "$T/before.toml"
  dump "$T/config.toml" | grep -qx '            SystemdCgroup = true'
  run --separate-stderr "$TOOL" set "$T/config.toml" "$WRAPPER" "${RUNC[@]}" options BinaryName
  [ "$status" -eq 1 ]
  [ -z "$output" ]
  [[ "$stderr" == *'plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc is an inline table (line 3)'* ]]
  cmp "$T/config.toml" "$T/before.toml"
}

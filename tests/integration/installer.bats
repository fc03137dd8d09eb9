#!/usr/bin/env bats
# oci-sandbox-hook install / uninstall against fake host roots (mktemp)
# holding real engine configurations: containerd 1.6's own `config default`,
# a kubeadm node's, one split with imports, a 2.x one, CRI-O's drop-in
# directory, podman's hooks directory.  Every test compares the whole fake
# root (paths, types, modes, owners, sha256 of every file, link targets)
# before and after.  Real containerd 1.6.20 reads what the installer wrote
# (`containerd config dump`), inside a private mount namespace where the
# fake root's /etc/containerd is the one containerd sees.  --restart runs
# against a fake init: a process in its own pid and mount namespaces whose
# root is the fake root, with a recording systemctl.  The host's
# /etc/containerd, /etc/crio, /etc/containers, /etc/oci-sandbox-hook and
# /var/lib/oci-sandbox-hook are never written.

load helpers

WRAPPER=/usr/local/libexec/oci-sandbox-hook/oci-sandbox-runtime
INSTALLED_HOOK=/usr/local/libexec/oci-sandbox-hook/oci-sandbox-hook
RECORD=/var/lib/oci-sandbox-hook/install/record.json
DATA="$BATS_TEST_DIRNAME/../data/install"
TOP=$(readlink -f "$BATS_TEST_DIRNAME/../..")

setup () {
  command -v containerd >/dev/null \
    || fail "containerd is not installed (contrib/setup.sh installs it)"
  T=$(mktemp -d /tmp/osh-installer.XXXXXX)
  R="$T/root"
  mkdir -p "$R"
  HOST_BEFORE=$(host_paths)
}

teardown () {
  # The fake init is pid 1 of its namespace (SIGTERM means nothing to it)
  # and unshare ignores SIGTERM while it waits: SIGKILL ends the namespace.
  if [ -n "${CHILD:-}" ]; then
    kill -KILL "$CHILD" 2>/dev/null || true
  fi
  if [ -n "${INIT_PID:-}" ]; then
    kill -KILL "$INIT_PID" 2>/dev/null || true
    wait "$INIT_PID" 2>/dev/null || true
  fi
  if [ -n "${RUNC_ROOT:-}" ]; then
    runc --root "$RUNC_ROOT" delete -f "$CID" >/dev/null 2>&1 || true
    [ -z "${T:-}" ] || stop_log_receiver
  fi
  [ -z "${T:-}" ] || rm -rf "$T"
  [ "$(host_paths)" = "${HOST_BEFORE:-}" ] || fail "the host's engine configuration changed"
}

# The host's own engine and installer paths: never touched by a test.
host_paths () {
  local p
  for p in /etc/containerd /etc/crio /etc/containers /etc/oci-sandbox-hook \
    /var/lib/oci-sandbox-hook /usr/local/libexec/oci-sandbox-hook; do
    if [ -e "$p" ]; then
      find "$p" -printf '%p %y %m %s\n' 2>/dev/null | LC_ALL=C sort
    else
      echo "$p absent"
    fi
  done
}

# exe PATH...: executables the installer's detection and PATH lookups see.
exe () {
  local p
  for p in "$@"; do
    mkdir -p "$R$(dirname "$p")"
    printf '#!/bin/sh\nexit 0\n' >"$R$p"
    chmod 755 "$R$p"
  done
}

install_hook () {
  run --separate-stderr "$HOOK" install --root "$R" "$@"
}

uninstall_hook () {
  run --separate-stderr "$HOOK" uninstall --root "$R" "$@"
}

# containerd's reading of the fake root's configuration: its own
# /etc/containerd is the fake one, in a private mount namespace (imports
# name absolute host paths).
containerd_dump () {
  unshare -m --propagation private sh -c \
    'mount --bind "$1/etc/containerd" /etc/containerd && cd / && containerd --config /etc/containerd/config.toml config dump' \
    sh "$R"
}

# The runc runtime's table of a dump.
runc_table () {
  sed -n '/^ *\[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc\]/,/^ *\[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.[a-qs-z]/p'
}

containerd_1_6_root () {
  mkdir -p "$R/etc/containerd"
  containerd config default >"$R/etc/containerd/config.toml"
  exe /usr/bin/containerd /usr/sbin/runc
}

# ------------------------------------------------------------- containerd 1.6

@test "containerd 1.6's default config: installed, read by containerd, a second run changes nothing, uninstall restores every byte" {
  containerd_1_6_root
  snapshot "$R" >"$T/before"

  install_hook
  assert_status 0
  assert_contains "$output" "engines: containerd"
  assert_contains "$output" "change /etc/containerd/config.toml: containerd (config version 2): default runtime runc"
  assert_contains "$output" "restart to apply: systemctl restart containerd.service"
  [ -x "$R$INSTALLED_HOOK" ]
  cmp "$HOOK" "$R$INSTALLED_HOOK"
  assert_eq "$(readlink "$R$WRAPPER")" oci-sandbox-hook "the wrapper link"
  # Real containerd reads the edit: the runc runtime calls the wrapper and
  # passes the hook's pod annotations.
  containerd_dump >"$T/dump"
  runc_table <"$T/dump" >"$T/runc"
  grep -qx "            BinaryName = \"$WRAPPER\"" "$T/runc"
  grep -qx '          pod_annotations = \["io.oci-sandbox-hook.\*"\]' "$T/runc"
  grep -qx '          runtime_type = "io.containerd.runc.v2"' "$T/runc"
  # Everything else as containerd read it before.
  (cd / && containerd --config "$T/default.toml" config dump 2>/dev/null) >/dev/null || true
  containerd config default >"$T/default.toml"
  unshare -m --propagation private sh -c \
    'mount --bind "$1" /etc/containerd && cd / && containerd --config /etc/containerd/default.toml config dump' \
    sh "$T" | grep -v '^imports = ' >"$T/dump.orig"
  grep -v '^imports = ' "$T/dump" >"$T/dump.new"
  run diff "$T/dump.orig" "$T/dump.new"
  [ "$(grep -c '^[<>]' <<<"$output")" -eq 4 ]

  snapshot "$R" >"$T/installed"
  install_hook
  assert_status 0
  assert_contains "$output" "nothing to do"
  snapshot "$R" >"$T/again"
  diff "$T/installed" "$T/again"

  uninstall_hook
  assert_status 0
  assert_contains "$output" "restore /etc/containerd/config.toml"
  assert_contains "$output" "uninstalled: every file is as before the install"
  snapshot "$R" >"$T/after"
  diff "$T/before" "$T/after"
}

@test "the record lists every file written with its digest, and keeps the original with its mode and owner" {
  containerd_1_6_root
  chmod 0640 "$R/etc/containerd/config.toml"
  chown 0:7 "$R/etc/containerd/config.toml"
  cp "$R/etc/containerd/config.toml" "$T/original"
  install_hook
  assert_status 0
  # The file keeps its mode and owner.
  assert_eq "$(stat -c '%a %u:%g' "$R/etc/containerd/config.toml")" "640 0:7" "mode and owner"
  jq -e . "$R$RECORD" >/dev/null
  assert_eq "$(stat -c '%a' "$R/var/lib/oci-sandbox-hook/install")" 700 "the state directory's mode"
  local entry orig
  entry=$(jq -c '.entries[] | select(.path == "/etc/containerd/config.toml")' "$R$RECORD")
  assert_eq "$(jq -r .action <<<"$entry")" modified
  assert_eq "$(jq -r .sha256 <<<"$entry")" "$(sha256sum <"$R/etc/containerd/config.toml" | cut -d' ' -f1)"
  assert_eq "$(jq -r .original_sha256 <<<"$entry")" "$(sha256sum <"$T/original" | cut -d' ' -f1)"
  assert_eq "$(jq -r '"\(.mode) \(.uid) \(.gid)"' <<<"$entry")" "416 0 7"
  orig="$R/var/lib/oci-sandbox-hook/install/originals/$(jq -r .original <<<"$entry")"
  cmp "$orig" "$T/original"
  assert_eq "$(stat -c '%a' "$orig")" 600 "the kept original's mode"
  assert_eq "$(jq -r '.entries[] | select(.path == "'"$INSTALLED_HOOK"'") | .sha256' "$R$RECORD")" \
    "$(sha256sum <"$HOOK" | cut -d' ' -f1)"
  uninstall_hook
  assert_status 0
  assert_eq "$(stat -c '%a %u:%g' "$R/etc/containerd/config.toml")" "640 0:7" "mode and owner"
  cmp "$R/etc/containerd/config.toml" "$T/original"
}

@test "a kubeadm node with podman: BinaryName chained, its settings and comments kept, hooks.d files from the templates" {
  mkdir -p "$R/etc/containerd"
  cp "$DATA/containerd-k8s-node.toml" "$R/etc/containerd/config.toml"
  exe /usr/bin/containerd /usr/sbin/runc /usr/bin/podman
  snapshot "$R" >"$T/before"

  install_hook
  assert_status 0
  assert_contains "$output" "engines: containerd, podman"
  assert_contains "$output" "(was set)"
  containerd_dump >"$T/dump"
  runc_table <"$T/dump" >"$T/runc"
  grep -qx "            BinaryName = \"$WRAPPER\"" "$T/runc"
  grep -qx '          pod_annotations = \["io.katacontainers.\*", "io.oci-sandbox-hook.\*"\]' "$T/runc"
  grep -qx '            SystemdCgroup = true' "$T/runc"
  grep -qx '    sandbox_image = "registry.k8s.io/pause:3.9"' "$T/dump"
  grep -q 'endpoint = \["https://mirror.gcr.io", "https://registry-1.docker.io"\]' "$T/dump"
  # The old BinaryName was /usr/sbin/runc, the wrapper's default runtime:
  # no policy needed.
  [ ! -e "$R/etc/oci-sandbox-hook/policy.json" ]
  assert_eq "$(jq -r .runtime "$R$RECORD")" /usr/sbin/runc "the recorded runtime"
  # The diff is the two edits: the comment stays with its item.
  run diff "$DATA/containerd-k8s-node.toml" "$R/etc/containerd/config.toml"
  assert_eq "$(grep '^[<>]' <<<"$output")" "$(printf '%s\n' \
    '>         "io.oci-sandbox-hook.*",' \
    '<         BinaryName = "/usr/sbin/runc"' \
    ">         BinaryName = \"$WRAPPER\"")" "the edit"
  # hooks.d: the shipped templates with the installed hook's path, which is
  # what `make install` renders for its own path.
  local f
  for f in "$TOP"/hooks/*.json.in; do
    sed "s|@HOOK_PATH@|$INSTALLED_HOOK|" "$f" \
      | cmp - "$R/etc/containers/oci/hooks.d/$(basename "$f" .in)"
  done
  assert_eq "$(ls "$R/etc/containers/oci/hooks.d" | wc -l)" "$(ls "$TOP"/hooks/*.json.in | wc -l)" \
    "hooks.d files"

  uninstall_hook
  assert_status 0
  snapshot "$R" >"$T/after"
  diff "$T/before" "$T/after"
}

@test "imports: the file that finally defines the CRI plugin is the one edited, and containerd reads it so" {
  mkdir -p "$R/etc/containerd/conf.d"
  cp "$DATA/containerd-imports.toml" "$R/etc/containerd/config.toml"
  printf '[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n' \
    >"$R/etc/containerd/conf.d/10-registry.toml"
  printf 'oom_score = -500\n' >"$R/etc/containerd/conf.d/20-oom.toml"
  printf '# the registries, once\n' >"$R/etc/containerd/registries.toml"
  exe /usr/bin/containerd /usr/sbin/runc
  snapshot "$R" >"$T/before"

  install_hook
  assert_status 0
  assert_contains "$output" "change /etc/containerd/conf.d/10-registry.toml"
  cmp "$DATA/containerd-imports.toml" "$R/etc/containerd/config.toml"
  containerd_dump >"$T/dump"
  grep -qx "            BinaryName = \"$WRAPPER\"" "$T/dump"
  grep -qx '          pod_annotations = \["io.oci-sandbox-hook.\*"\]' "$T/dump"
  grep -qx '          runtime_type = "io.containerd.runc.v2"' "$T/dump"
  grep -qx '      config_path = "/etc/containerd/certs.d"' "$T/dump"
  # No temporary was ever left where the glob would load it.
  [ -z "$(find "$R/etc/containerd/conf.d" -name '.*')" ]

  install_hook
  assert_contains "$output" "nothing to do"
  uninstall_hook
  assert_status 0
  snapshot "$R" >"$T/after"
  diff "$T/before" "$T/after"
}

@test "containerd 2.x (version 3): a drop-in through imports, with the main file's version" {
  mkdir -p "$R/etc/containerd"
  cp "$DATA/containerd-2.x-default.toml" "$R/etc/containerd/config.toml"
  exe /usr/bin/containerd /usr/sbin/runc
  snapshot "$R" >"$T/before"

  install_hook
  assert_status 0
  assert_contains "$output" "create /etc/containerd/conf.d/99-oci-sandbox-hook.toml"
  assert_contains "$output" "change /etc/containerd/config.toml: containerd: imports += \"/etc/containerd/conf.d/99-oci-sandbox-hook.toml\""
  # Python's tomllib: the main file's data plus the import, the drop-in's
  # tables in 2.x's names.
  "$PYTHON" - "$DATA/containerd-2.x-default.toml" "$R/etc/containerd/config.toml" \
    "$R/etc/containerd/conf.d/99-oci-sandbox-hook.toml" "$WRAPPER" <<'EOF'
import sys, tomllib
orig, main, drop_in, wrapper = sys.argv[1:]
a = tomllib.load(open(orig, "rb"))
b = tomllib.load(open(main, "rb"))
assert b.pop("imports") == ["/etc/containerd/conf.d/99-oci-sandbox-hook.toml"], "imports"
assert a.pop("imports") == []
assert a == b, "the main file's other settings"
d = tomllib.load(open(drop_in, "rb"))
assert d["version"] == 3
runc = d["plugins"]["io.containerd.cri.v1.runtime"]["containerd"]["runtimes"]["runc"]
assert runc == {"runtime_type": "io.containerd.runc.v2",
                "pod_annotations": ["io.oci-sandbox-hook.*"],
                "options": {"BinaryName": wrapper}}, runc
EOF
  install_hook
  assert_contains "$output" "nothing to do"
  uninstall_hook
  assert_status 0
  snapshot "$R" >"$T/after"
  diff "$T/before" "$T/after"
}

# ------------------------------------------------------------------- CRI-O

@test "CRI-O: a crio.conf.d drop-in repeating the default runtime's table, and the policy naming the runtime it replaced" {
  mkdir -p "$R/etc/crio/crio.conf.d"
  cp "$DATA/crio.conf" "$R/etc/crio/crio.conf"
  cp "$DATA/crio.conf.d/10-crun.conf" "$R/etc/crio/crio.conf.d/"
  exe /usr/bin/crio /usr/bin/crun /usr/sbin/runc
  snapshot "$R" >"$T/before"

  install_hook
  assert_status 0
  assert_contains "$output" "engines: crio"
  assert_contains "$output" "restart to apply: systemctl restart crio.service"
  cmp "$DATA/crio.conf.d/99-oci-sandbox-hook.conf" "$R/etc/crio/crio.conf.d/99-oci-sandbox-hook.conf"
  # Merged the way CRI-O merges (a runtime table replaced whole): only
  # runtime_path of the default runtime differs.
  "$PYTHON" - "$R/etc/crio" "$WRAPPER" <<'EOF'
import copy, glob, os, sys, tomllib
d, wrapper = sys.argv[1:]
def merge(base, new, path=()):
    for k, v in new.items():
        if path == ("crio", "runtime", "runtimes"):
            base[k] = copy.deepcopy(v)
        elif isinstance(v, dict) and isinstance(base.get(k), dict):
            merge(base[k], v, path + (k,))
        else:
            base[k] = copy.deepcopy(v)
def load(files):
    conf = tomllib.load(open(os.path.join(d, "crio.conf"), "rb"))
    for f in files:
        merge(conf, tomllib.load(open(f, "rb")))
    return conf
files = sorted(glob.glob(os.path.join(d, "crio.conf.d", "*")))
after = load(files)
before = load([f for f in files if not f.endswith("99-oci-sandbox-hook.conf")])
name = before["crio"]["runtime"]["default_runtime"]
before["crio"]["runtime"]["runtimes"][name]["runtime_path"] = wrapper
assert after == before
EOF
  assert_eq "$(jq -c . "$R/etc/oci-sandbox-hook/policy.json")" '{"runtime":"/usr/bin/crun"}' "the policy"
  assert_eq "$(stat -c '%a %u:%g' "$R/etc/oci-sandbox-hook/policy.json")" "644 0:0" "the policy's mode"
  # No hooks.d files for CRI-O: it never adds them to a pod's infra container.
  [ ! -e "$R/etc/containers" ]

  install_hook
  assert_contains "$output" "nothing to do"
  uninstall_hook
  assert_status 0
  snapshot "$R" >"$T/after"
  diff "$T/before" "$T/after"
}

# ----------------------------------------------------- what it changes, when

@test "--dry-run says what would change and changes nothing" {
  containerd_1_6_root
  exe /usr/bin/podman
  snapshot "$R" >"$T/before"
  install_hook --dry-run
  assert_status 0
  assert_contains "$output" "would create /usr/local/libexec/oci-sandbox-hook/oci-sandbox-hook"
  assert_contains "$output" "would change /etc/containerd/config.toml"
  assert_contains "$output" "would restart: containerd.service"
  snapshot "$R" >"$T/after"
  diff "$T/before" "$T/after"
  # And for uninstall.
  install_hook
  assert_status 0
  snapshot "$R" >"$T/installed"
  uninstall_hook --dry-run
  assert_status 0
  assert_contains "$output" "would restore /etc/containerd/config.toml"
  assert_contains "$output" "would remove $WRAPPER"
  snapshot "$R" >"$T/again"
  diff "$T/installed" "$T/again"
}

@test "a config it cannot parse is left untouched, with the file and the reason, and nothing else is written" {
  containerd_1_6_root
  exe /usr/bin/podman
  # A broken CRI-O drop-in next to a fine containerd: nothing is installed
  # for either.
  mkdir -p "$R/etc/crio/crio.conf.d"
  printf '[crio.runtime]\ndefault_runtime = "runc\n' >"$R/etc/crio/crio.conf.d/50-broken.conf"
  snapshot "$R" >"$T/before"
  install_hook
  assert_status 1
  assert_contains "$stderr" "/etc/crio/crio.conf.d/50-broken.conf: line 2"
  assert_contains "$stderr" "unterminated"
  snapshot "$R" >"$T/after"
  diff "$T/before" "$T/after"

  rm -r "$R/etc/crio"
  printf 'version = 2\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes]\n  runc = { runtime_type = "io.containerd.runc.v2" }\n' \
    >"$R/etc/containerd/config.toml"
  snapshot "$R" >"$T/before"
  install_hook
  assert_status 1
  assert_contains "$stderr" "/etc/containerd/config.toml: plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options.BinaryName: plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc is an inline table (line 3); only keys of [table] sections are edited"
  snapshot "$R" >"$T/after"
  diff "$T/before" "$T/after"
}

@test "a file changed after the install is not clobbered by uninstall, and the wrapper it names stays" {
  containerd_1_6_root
  exe /usr/bin/podman
  snapshot "$R" >"$T/before"
  install_hook
  assert_status 0
  echo '# a mirror the operator added' >>"$R/etc/containerd/config.toml"
  cp "$R/etc/containerd/config.toml" "$T/theirs"

  uninstall_hook
  assert_status 1
  assert_contains "$output" "keep /etc/containerd/config.toml: changed since the install (its original: /var/lib/oci-sandbox-hook/install/originals/"
  assert_contains "$stderr" "uninstall kept 1 file(s) changed since the install"
  cmp "$T/theirs" "$R/etc/containerd/config.toml"
  # It still names the wrapper: the binary stays, so containerd keeps
  # working; the hooks.d files went.
  [ -x "$R$INSTALLED_HOOK" ] && [ -L "$R$WRAPPER" ]
  [ ! -e "$R/etc/containers/oci/hooks.d/oci-sandbox-hook-sandbox.json" ]
  assert_eq "$(jq -r '[.entries[] | select(.type != "directory") | .path] | join(" ")' "$R$RECORD")" \
    "$INSTALLED_HOOK $WRAPPER /etc/containerd/config.toml" "what the record still lists"
  # A second install puts back what uninstall removed; the changed file
  # still has the edit and stays as it is.
  install_hook
  assert_status 0
  assert_contains "$output" "create /etc/containers/oci/hooks.d/oci-sandbox-hook-sandbox.json"
  assert_not_contains "$output" "config.toml"
  cmp "$T/theirs" "$R/etc/containerd/config.toml"
  # Someone writes the configuration anew, without the edit: the
  # installer does not redo it over their file.
  { containerd config default; echo '# regenerated'; } >"$R/etc/containerd/config.toml"
  snapshot "$R" >"$T/regenerated"
  install_hook
  assert_status 1
  assert_contains "$stderr" "/etc/containerd/config.toml changed since the last install (by someone else) and needs the installer's edit again"
  snapshot "$R" >"$T/refused"
  diff "$T/regenerated" "$T/refused"
  # The operator puts the original back; uninstall finishes the job.
  cp "$R/var/lib/oci-sandbox-hook/install/originals/"*-config.toml "$R/etc/containerd/config.toml"
  uninstall_hook
  assert_status 0
  assert_contains "$output" "uninstalled: every file is as before the install"
  snapshot "$R" >"$T/after"
  diff "$T/before" "$T/after"
}

@test "a new policy replaces the installed one, and uninstall restores the host's own" {
  containerd_1_6_root
  mkdir -p "$R/etc/oci-sandbox-hook"
  printf '{ "cpu_shares": 4 }\n' >"$R/etc/oci-sandbox-hook/policy.json"
  chmod 0600 "$R/etc/oci-sandbox-hook/policy.json"
  snapshot "$R" >"$T/before"
  cp "$TOP/contrib/policy.json" "$T/policy-a.json"
  sed 's/"cpu_shares": 2/"cpu_shares": 8/' "$TOP/contrib/policy.json" >"$T/policy-b.json"
  grep -q '"cpu_shares": 8' "$T/policy-b.json"

  install_hook --policy "$T/policy-a.json"
  assert_status 0
  assert_contains "$output" "change /etc/oci-sandbox-hook/policy.json: the node policy"
  cmp "$T/policy-a.json" "$R/etc/oci-sandbox-hook/policy.json"
  assert_eq "$(stat -c '%a %u:%g' "$R/etc/oci-sandbox-hook/policy.json")" "644 0:0" "the policy's mode"
  install_hook --policy "$T/policy-a.json"
  assert_contains "$output" "nothing to do"
  # The ConfigMap changed: only the policy is written.
  install_hook --policy "$T/policy-b.json"
  assert_status 0
  assert_eq "$(grep -c '^  change \|^  create ' <<<"$output")" 1 "files written"
  cmp "$T/policy-b.json" "$R/etc/oci-sandbox-hook/policy.json"
  # A policy the hook would refuse is not installed.
  printf '{ "cpu_shares": "two" }\n' >"$T/bad.json"
  install_hook --policy "$T/bad.json"
  assert_status 1
  assert_contains "$stderr" "the policy to install"
  assert_contains "$stderr" "cpu_shares"
  cmp "$T/policy-b.json" "$R/etc/oci-sandbox-hook/policy.json"

  uninstall_hook
  assert_status 0
  snapshot "$R" >"$T/after"
  diff "$T/before" "$T/after"
}

@test "a failure midway puts back every file the run wrote" {
  containerd_1_6_root
  exe /usr/bin/podman
  snapshot "$R" >"$T/before"
  # The last write (config.toml, after the binary, the link and the
  # hooks.d files) fails: its directory is read-only in this namespace.
  run --separate-stderr unshare -m --propagation private sh -c \
    'mount --bind "$1/etc/containerd" "$1/etc/containerd" && mount -o remount,bind,ro "$1/etc/containerd" && exec "$2" install --root "$1"' \
    sh "$R" "$HOOK"
  assert_status 1
  assert_contains "$stderr" "/etc/containerd/config.toml"
  assert_contains "$stderr" "Read-only file system"
  snapshot "$R" >"$T/after"
  diff "$T/before" "$T/after"
}

@test "hostile paths: a symlink where the installer writes is refused, and the root's symlinks stay inside it" {
  containerd_1_6_root
  # An absolute symlink in the host's tree resolves inside the root.
  mkdir -p "$R/opt/etc-containers"
  ln -s /opt/etc-containers "$R/etc/containers"
  exe /usr/bin/podman
  install_hook
  assert_status 0
  [ -f "$R/opt/etc-containers/oci/hooks.d/oci-sandbox-hook-sandbox.json" ]
  uninstall_hook
  assert_status 0
  [ -L "$R/etc/containers" ] && [ -d "$R/opt/etc-containers" ]
  # A symlink as a file to write: left alone, nothing written.
  ln -s /etc/passwd "$R/etc/containerd/config.toml.target"
  mv "$R/etc/containerd/config.toml" "$R/etc/containerd/real.toml"
  ln -s real.toml "$R/etc/containerd/config.toml"
  snapshot "$R" >"$T/before"
  install_hook
  assert_status 1
  assert_contains "$stderr" "/etc/containerd/config.toml: a symlink: the installer writes regular files only"
  snapshot "$R" >"$T/after"
  diff "$T/before" "$T/after"
  # Options: a relative root, an odd prefix, an unknown engine.
  run --separate-stderr "$HOOK" install --root relative
  assert_status 1
  assert_contains "$stderr" "--root \"relative\": not an absolute path"
  install_hook --prefix '/opt/my hook'
  assert_status 1
  assert_contains "$stderr" "only letters, digits"
  install_hook --engines containerd,docker
  assert_status 1
  assert_contains "$stderr" "\"docker\" is not containerd, crio or podman"
  uninstall_hook --policy /x
  assert_status 1
  assert_contains "$stderr" "oci-sandbox-hook uninstall: --policy is an install option"
}

@test "hostile paths: podman's containers.conf drop-in planted as a symlink or a directory is refused, nothing written" {
  exe /usr/bin/podman
  local dropin=/etc/containers/containers.conf.d/99-oci-sandbox-hook.conf
  mkdir -p "$R$(dirname "$dropin")"
  ln -s /etc/passwd "$R$dropin"
  snapshot "$R" >"$T/before"
  install_hook
  assert_status 1
  assert_contains "$stderr" "$dropin: a symlink: the installer writes regular files only"
  snapshot "$R" >"$T/after"
  diff "$T/before" "$T/after"
  rm "$R$dropin"
  mkdir "$R$dropin"
  snapshot "$R" >"$T/before"
  install_hook
  assert_status 1
  assert_contains "$stderr" "$dropin: not a regular file: the installer writes regular files only"
  snapshot "$R" >"$T/after"
  diff "$T/before" "$T/after"
}

@test "hostile command line and record: a missing or odd --binary, a stray argument, --wait with --dry-run, a record that is not a file" {
  containerd_1_6_root
  snapshot "$R" >"$T/before"
  install_hook --binary "$T/no-such-binary"
  assert_status 1
  assert_contains "$stderr" "--binary $T/no-such-binary: No such file or directory"
  install_hook --binary "$T"
  assert_status 1
  assert_contains "$stderr" "--binary: not a regular file"
  install_hook stray
  assert_status 1
  assert_contains "$stderr" "oci-sandbox-hook install: unexpected argument \"stray\""
  install_hook --wait --dry-run
  assert_status 1
  assert_contains "$stderr" "oci-sandbox-hook install: --wait and --dry-run exclude each other"
  snapshot "$R" >"$T/after"
  diff "$T/before" "$T/after"
  # A record planted as a directory is refused, by install and uninstall.
  mkdir -p "$R/var/lib/oci-sandbox-hook/install/record.json"
  snapshot "$R" >"$T/before"
  install_hook
  assert_status 1
  assert_contains "$stderr" "/var/lib/oci-sandbox-hook/install/record.json: not a regular file"
  uninstall_hook
  assert_status 1
  assert_contains "$stderr" "/var/lib/oci-sandbox-hook/install/record.json: not a regular file"
  snapshot "$R" >"$T/after"
  diff "$T/before" "$T/after"
}

# ----------------------------------------------------- live containers

TASKS=/run/containerd/io.containerd.runtime.v2.task

# task NS ID RUNTIME [OPTIONS]: a containerd task bundle of the fake node,
# its runtime file (no newline, as the shim writes it) and options.json.
task () {
  local d="$R$TASKS/$1/$2" options=${4:-}
  mkdir -p "$d"
  printf '%s' "$3" >"$d/runtime"
  printf '%s' "${options:-"{}"}" >"$d/options.json"
}

# runc_state ROOT ID HOOK...: runc 1.1's state.json below ROOT (a host
# path) for container ID whose config's hooks run each HOOK.
runc_state () {
  local root=$1 id=$2
  shift 2
  mkdir -p "$R$root/$id"
  jq -n --args '{id: $ARGS.positional[0], init_process_pid: 1, config: {no_pivot_root: false,
      Hooks: {createRuntime: [$ARGS.positional[1:][] | {path: ., args: ["h"], env: [], dir: "",
      timeout: 40000000000}], poststop: [$ARGS.positional[1:][] | {path: ., args: ["h"]}],
      prestart: null}}}' "$id" "$@" >"$R$root/$id/state.json"
}

# crun_state ROOT ID HOOK: crun's copy of config.json (and its status).
crun_state () {
  mkdir -p "$R$1/$2"
  jq -n --arg h "$3" '{ociVersion: "1.0.2", hooks: {poststop: [{path: $h, args: ["h"]}]}}' \
    >"$R$1/$2/config.json"
  echo '{"pid": 1}' >"$R$1/$2/status"
}

# The fake root, its runtime state left out (the tests plant and remove it).
snapshot_but_run () {
  snapshot "$R" | grep -v -e '^\./run[/ ]' -e '  \./run/'
}

@test "live containers in the node's runtime state keep the binary, the wrapper and the policy; the engines' files go; a later uninstall removes the rest" {
  containerd_1_6_root
  exe /usr/bin/podman
  # containerd's own state and its runc runtime's Root, moved.
  sed -i -e 's|^state = "/run/containerd"|state = "/run/ctrd"|' -e 's|^\( *\)Root = ""|\1Root = "/run/ctrd-runc"|' \
    "$R/etc/containerd/config.toml"
  echo '{"log_level": "debug"}' >"$T/policy.json"
  snapshot_but_run >"$T/before"
  cp "$R/etc/containerd/config.toml" "$T/config.orig"
  install_hook --policy "$T/policy.json"
  assert_status 0
  # A pod (its sandbox and an app container) started by containerd with
  # the wrapper: its task bundles where config.toml's state puts them,
  # runc's state under the runtime's Root (the same containers); a
  # container crun runs with the hook's entries (podman's hooks.d); one
  # that runs the hook through a symlink of the host (/opt/osh ->
  # the prefix); and what is not the install's: a task of plain runc, a
  # runc container with another hook.
  TASKS=/run/ctrd/io.containerd.runtime.v2.task
  task k8s.io pod1 "$WRAPPER" "{\"binary_name\":\"$WRAPPER\"}"
  task k8s.io app1 "" "{\"binary_name\":\"$WRAPPER\"}"
  task k8s.io plain "" '{"root":"/run/ctrd-runc"}'
  runc_state /run/ctrd-runc/k8s.io pod1 "$INSTALLED_HOOK"
  runc_state /run/ctrd-runc/k8s.io app1 "$INSTALLED_HOOK"
  runc_state /run/ctrd-runc/k8s.io plain /usr/libexec/oci/hooks.d/other
  crun_state /run/crun c2 "$INSTALLED_HOOK"
  mkdir -p "$R/opt"
  ln -s /usr/local/libexec/oci-sandbox-hook "$R/opt/osh"
  runc_state /run/runc linked /opt/osh/oci-sandbox-hook
  runc_state /run/runc other /usr/libexec/oci/hooks.d/other

  uninstall_hook --dry-run
  assert_status 0
  assert_contains "$output" "in use: 4 live container(s) still call what the install put in /usr/local/libexec/oci-sandbox-hook:"
  assert_contains "$output" "would keep what the 4 live container(s) above still call"
  assert_contains "$output" "would remove /etc/containers/oci/hooks.d/oci-sandbox-hook-sandbox.json"

  uninstall_hook
  assert_status 0
  assert_contains "$output" "  restore /etc/containerd/config.toml"
  assert_contains "$output" "  remove /etc/containers/oci/hooks.d/oci-sandbox-hook-sandbox.json"
  assert_contains "$output" "in use: 4 live container(s) still call what the install put in /usr/local/libexec/oci-sandbox-hook:"
  assert_contains "$output" "    containerd k8s.io/pod1: its shim runs $WRAPPER for kill, delete, exec ($TASKS/k8s.io/pod1/runtime)"
  assert_contains "$output" "    containerd k8s.io/app1: its shim runs $WRAPPER for kill, delete, exec ($TASKS/k8s.io/app1/options.json)"
  assert_contains "$output" "    runc linked: its hook /opt/osh/oci-sandbox-hook runs at delete (poststop) (/run/runc/linked/state.json)"
  assert_contains "$output" "    crun c2: its hook $INSTALLED_HOOK runs at delete (poststop) (/run/crun/c2/config.json)"
  assert_not_contains "$output" "plain"
  assert_not_contains "$output" "other"
  assert_contains "$output" "  keep $INSTALLED_HOOK: live containers still call it"
  assert_contains "$output" "  keep $WRAPPER: live containers still call it"
  assert_contains "$output" "  keep /etc/oci-sandbox-hook/policy.json: live containers' calls of the wrapper read it"
  assert_contains "$output" "  keep directory /usr/local/libexec/oci-sandbox-hook: it holds what live containers call"
  assert_contains "$output" "uninstalled from the engines: none names the hook or the wrapper any more; what the 4 live container(s) above still call stays, recorded in $RECORD: run uninstall again once they are gone (on the host: $INSTALLED_HOOK uninstall)"
  cmp "$T/config.orig" "$R/etc/containerd/config.toml"
  [ ! -e "$R/etc/containers/oci/hooks.d/oci-sandbox-hook-sandbox.json" ]
  cmp "$HOOK" "$R$INSTALLED_HOOK"
  cmp "$T/policy.json" "$R/etc/oci-sandbox-hook/policy.json"
  assert_eq "$(jq -c '[.uninstalled, [.entries[] | select(.type != "directory") | .path]]' "$R$RECORD")" \
    "[true,[\"$INSTALLED_HOOK\",\"$WRAPPER\",\"/etc/oci-sandbox-hook/policy.json\"]]" "the record"

  # An install meanwhile, to the same prefix, takes them over.
  install_hook --policy "$T/policy.json"
  assert_status 0
  assert_not_contains "$output" "finishing"
  assert_contains "$output" "change /etc/containerd/config.toml"
  assert_eq "$(jq -c .uninstalled "$R$RECORD")" null "the record after an install"
  uninstall_hook
  assert_status 0
  assert_contains "$output" "in use: 4 live container(s)"

  # Some are gone: the others still count.
  rm -r "$R$TASKS/k8s.io/pod1" "$R/run/ctrd-runc/k8s.io/pod1" "$R/run/crun/c2"
  uninstall_hook
  assert_status 0
  assert_contains "$output" "in use: 2 live container(s)"
  [ -x "$R$INSTALLED_HOOK" ]
  # All gone: everything goes, and the node is as before the install.
  rm -r "$R$TASKS/k8s.io/app1" "$R/run/ctrd-runc/k8s.io/app1" "$R/run/runc/linked"
  uninstall_hook
  assert_status 0
  assert_not_contains "$output" "in use"
  assert_contains "$output" "remove $INSTALLED_HOOK"
  assert_contains "$output" "remove /etc/oci-sandbox-hook/policy.json"
  assert_contains "$output" "uninstalled: every file is as before the install"
  rm -r "$R/opt/osh" && rmdir "$R/opt"
  snapshot_but_run >"$T/after"
  diff "$T/before" "$T/after"
}

@test "an install to another prefix finishes an uninstall that kept files, and refuses while they are still called" {
  containerd_1_6_root
  snapshot_but_run >"$T/before"
  install_hook
  assert_status 0
  runc_state /run/runc live "$INSTALLED_HOOK"
  uninstall_hook
  assert_status 0
  assert_contains "$output" "in use: 1 live container(s)"
  snapshot_but_run >"$T/kept"
  install_hook --prefix /opt/osh
  assert_status 1
  assert_contains "$output" "an earlier uninstall kept files of --prefix /usr/local/libexec/oci-sandbox-hook ($RECORD): finishing it first"
  assert_contains "$output" "    runc live: its hook $INSTALLED_HOOK runs at delete (poststop) (/run/runc/live/state.json)"
  assert_contains "$stderr" "$RECORD still records files of --prefix /usr/local/libexec/oci-sandbox-hook (listed above): install to /usr/local/libexec/oci-sandbox-hook, or to /opt/osh once uninstall removed them"
  snapshot_but_run >"$T/refused"
  diff "$T/kept" "$T/refused"
  # The container is gone: the install finishes the uninstall, then installs.
  rm -r "$R/run/runc/live"
  install_hook --prefix /opt/osh --dry-run
  assert_status 0
  assert_contains "$output" "would remove $INSTALLED_HOOK"
  assert_contains "$output" "(--dry-run: the install to /opt/osh comes once that is done)"
  snapshot_but_run >"$T/dry"
  diff "$T/kept" "$T/dry"
  install_hook --prefix /opt/osh
  assert_status 0
  assert_contains "$output" "remove $INSTALLED_HOOK"
  assert_contains "$output" "change /etc/containerd/config.toml: containerd (config version 2): default runtime runc: options.BinaryName = \"/opt/osh/oci-sandbox-runtime\""
  [ ! -e "$R/usr/local/libexec/oci-sandbox-hook" ] && [ -x "$R/opt/osh/oci-sandbox-hook" ]
  uninstall_hook
  assert_status 0
  assert_contains "$output" "uninstalled: every file is as before the install"
  snapshot_but_run >"$T/after"
  diff "$T/before" "$T/after"
}

# keep_check CASE TEXT: uninstall --dry-run with the runtime state CASE
# planted counts something as in use, and says TEXT.
keep_check () {
  uninstall_hook --dry-run
  [ "$status" -eq 0 ] || fail "$1: status $status: $stderr"
  assert_contains "$output" "$2" "$1"
  assert_contains "$output" "in use: 1 live container(s)" "$1"
  assert_contains "$output" "would keep what the 1 live container(s) above still call" "$1"
}

# gone_check CASE: nothing in the runtime state counts.
gone_check () {
  uninstall_hook --dry-run
  [ "$status" -eq 0 ] || fail "$1: status $status: $stderr"
  assert_not_contains "$output" "in use" "$1"
  assert_contains "$output" "would remove $INSTALLED_HOOK" "$1"
}

@test "hostile runtime state: what cannot be read counts as in use, naming the file and why; what vanished does not; never an error" {
  command -v strace >/dev/null || fail "strace is not installed (contrib/setup.sh installs it)"
  containerd_1_6_root
  install_hook
  assert_status 0
  snapshot "$R" >"$T/installed"
  mkdir -p "$R/run/runc" "$R$TASKS/k8s.io"
  echo secret >"$R/secret"

  # A symlinked state.json, to a file naming the hook or to anything else:
  # never followed.
  runc_state /run/runc real "$INSTALLED_HOOK"
  mkdir "$R/run/runc/c"
  ln -s ../real/state.json "$R/run/runc/c/state.json"
  rm -r "$R/run/runc/real"
  keep_check "symlinked state.json" "    /run/runc/c/state.json: a symlink, not followed: counted as in use"
  ln -sf /secret "$R/run/runc/c/state.json"
  keep_check "state.json linked to a host file" "    /run/runc/c/state.json: a symlink, not followed: counted as in use"
  rm -r "$R/run/runc/c"
  # A symlinked container directory.
  mkdir -p "$T/elsewhere"
  ln -s "$T/elsewhere" "$R/run/runc/d"
  keep_check "symlinked container directory" "    /run/runc/d: a symlink, not followed: counted as in use"
  rm "$R/run/runc/d"
  # Oversized: refused by its size, never read.
  mkdir "$R/run/runc/big"
  truncate -s 17M "$R/run/runc/big/state.json"
  keep_check "oversized state.json" "    /run/runc/big/state.json: 17825792 bytes exceed the limit of 16777216: counted as in use"
  rm -r "$R/run/runc/big"
  # Garbage, truncated, the wrong shape.
  mkdir "$R/run/runc/junk"
  printf '{"config": {"Hooks": {"poststop": [{"path": "/usr/lo' >"$R/run/runc/junk/state.json"
  keep_check "truncated state.json" "    /run/runc/junk/state.json: runc's state.json: invalid JSON"
  printf '\x00\xff\xfe garbage' >"$R/run/runc/junk/state.json"
  keep_check "binary garbage" "    /run/runc/junk/state.json: runc's state.json: invalid JSON"
  echo '{"config": {"Hooks": {"poststop": "/x"}}}' >"$R/run/runc/junk/state.json"
  keep_check "hooks of the wrong type" "    /run/runc/junk/state.json: runc's state.json: config.Hooks.poststop is a string, not an array: counted as in use"
  rm -r "$R/run/runc/junk"
  # A FIFO, a directory where state.json belongs: never opened.
  mkdir "$R/run/runc/fifo"
  mkfifo "$R/run/runc/fifo/state.json"
  run timeout 20 "$HOOK" uninstall --root "$R" --dry-run
  [ "$status" -ne 124 ] || fail "uninstall blocked on a FIFO"
  keep_check "FIFO state.json" "    /run/runc/fifo/state.json: not a regular file, not opened: counted as in use"
  rm -r "$R/run/runc/fifo"
  mkdir -p "$R/run/runc/dir/state.json"
  keep_check "a directory as state.json" "    /run/runc/dir/state.json: a directory, not a file: counted as in use"
  rm -r "$R/run/runc/dir"
  # containerd's task: a runtime file that is no path, an options.json
  # that is no JSON.
  task k8s.io t1 "$(printf '%s\nx' "$WRAPPER")"
  keep_check "runtime with a line break" "    $TASKS/k8s.io/t1/runtime: containerd's runtime file: not a runtime's path: counted as in use"
  task k8s.io t1 "" '{"binary_name": '
  keep_check "damaged options.json" "    $TASKS/k8s.io/t1/options.json: containerd's options.json: invalid JSON"
  rm -r "$R$TASKS/k8s.io/t1"

  # Gone: a state directory without its state (deleted meanwhile, or
  # being created), and a state.json that vanishes between the look and
  # the open.
  mkdir "$R/run/runc/gone" "$R$TASKS/k8s.io/gone"
  gone_check "an empty state directory"
  runc_state /run/runc gone "$INSTALLED_HOOK"
  keep_check "the container still there" "    runc gone: its hook $INSTALLED_HOOK"
  # (LeakSanitizer cannot run under ptrace: a sanitizer build's.)
  run --separate-stderr strace -f -qq -o /dev/null -P "$R/run/runc/gone" -e trace=openat \
    -e inject=openat:error=ENOENT -E ASAN_OPTIONS=detect_leaks=0 "$HOOK" uninstall --root "$R" --dry-run
  assert_status 0
  assert_not_contains "$output" "in use"
  assert_contains "$output" "would remove $INSTALLED_HOOK"
  rm -r "$R/run/runc/gone" "$R$TASKS/k8s.io/gone"

  # None of it was ever written to.
  rm "$R/secret"
  rm -r "$R/run"
  snapshot "$R" >"$T/after"
  diff "$T/installed" "$T/after"
  # A real uninstall with a damaged file keeps, says so, and exits 0.
  mkdir -p "$R/run/crun/x"
  echo '[' >"$R/run/crun/x/config.json"
  uninstall_hook
  assert_status 0
  assert_contains "$output" "    /run/crun/x/config.json: crun's config.json: invalid JSON"
  assert_contains "$output" "  keep $INSTALLED_HOOK: live containers still call it"
}

@test "a state directory with thousands of entries is read whole; one with more than 16384 counts as in use" {
  containerd_1_6_root
  install_hook
  assert_status 0
  mkdir -p "$R/run/runc"
  (cd "$R/run/runc" && mkdir c{1..6000} && touch f{1..3000})
  runc_state /run/runc c4321 "$INSTALLED_HOOK"
  uninstall_hook --dry-run
  assert_status 0
  assert_contains "$output" "in use: 1 live container(s)"
  assert_contains "$output" "    runc c4321: its hook $INSTALLED_HOOK runs at delete (poststop) (/run/runc/c4321/state.json)"
  # Past the bound: not all read, counted.
  mkdir -p "$R/run/crun"
  (cd "$R/run/crun" && mkdir x{1..16385})
  uninstall_hook --dry-run
  assert_status 0
  assert_contains "$output" "in use: 2 live container(s)"
  assert_contains "$output" "    /run/crun: more than 16384 entries, not all read: counted as in use"
}

@test "a runc container started with the installed hook: uninstall keeps it, and runc delete then runs its poststop" {
  local opt=$T/opt prefix=$T/opt/osh hook
  exe /usr/bin/podman
  mkdir -p "$R$opt" "$opt" "$R/run/runc"
  snapshot "$R" >"$T/before"
  install_hook --engines podman --prefix "$prefix"
  assert_status 0
  # The sandbox's hooks.d entry the install wrote, as podman puts it in a
  # spec, with the test's policy (a private pod registry and log socket).
  hook=$(jq -r .hook.path "$R/etc/containers/oci/hooks.d/oci-sandbox-hook-sandbox.json")
  assert_eq "$hook" "$prefix/oci-sandbox-hook" "the hooks.d file's hook"
  POLICY=$T/policy.json SOCK=$T/log.sock LOG=$T/log.txt
  write_policy '{}'
  start_log_receiver
  make_bundle "$T/bundle"
  cfg --arg h "$hook" '.hooks.createRuntime[0].path = $h | .hooks.poststop[0].path = $h'
  set_cmd 'sleep 60'
  CID=osh-installer-$BATS_TEST_NUMBER-$$ RUNC_ROOT=$R/run/runc
  # In a mount namespace where the prefix is the fake root's (at the same
  # path, as on a node) and where the hook's mounts live.
  run unshare -m --propagation private bash -c '
    set -u
    mount --bind "$1$2" "$2"
    runc --root "$3" create -b "$4" "$5" </dev/null >"$6/create.out" 2>&1 || exit 10
    findmnt -rn -o TARGET | grep -cF "$4/" >"$6/mounts.created" || true
    "$7" uninstall --root "$1" >"$6/uninstall.out" 2>&1
    echo $? >"$6/uninstall.rc"
    runc --root "$3" kill "$5" KILL
    for _ in $(seq 100); do
      [ "$(runc --root "$3" state "$5" | jq -r .status)" = stopped ] && break
      sleep 0.1
    done
    runc --root "$3" delete "$5" >"$6/delete.out" 2>&1
    echo $? >"$6/delete.rc"
    findmnt -rn -o TARGET | grep -cF "$4/" >"$6/mounts.deleted" || true
    "$7" uninstall --root "$1" >"$6/uninstall2.out" 2>&1
    echo $? >"$6/uninstall2.rc"
  ' sh "$R" "$opt" "$RUNC_ROOT" "$BUNDLE" "$CID" "$T" "$HOOK"
  assert_status 0
  [ "$(cat "$T/mounts.created")" -ge 1 ] || fail "the hook mounted nothing: $(cat "$T/create.out")"
  assert_eq "$(cat "$T/uninstall.rc")" 0 "uninstall"
  assert_contains "$(cat "$T/uninstall.out")" "    runc $CID: its hook $prefix/oci-sandbox-hook runs at delete (poststop) (/run/runc/$CID/state.json)"
  assert_contains "$(cat "$T/uninstall.out")" "  keep $prefix/oci-sandbox-hook: live containers still call it"
  assert_contains "$(cat "$T/uninstall.out")" "  remove /etc/containers/oci/hooks.d/oci-sandbox-hook-sandbox.json"
  # runc ran the poststop hook: no error, the hook's tmpfs detached.
  assert_eq "$(cat "$T/delete.rc")" 0 "runc delete"
  assert_eq "$(cat "$T/delete.out")" "" "runc delete's output"
  assert_eq "$(cat "$T/mounts.deleted")" 0 "mounts left in the bundle"
  log_wait "${CID:0:12}: poststop: detached the oci-sandbox-hook tmpfs"
  [ ! -e "$BUNDLE/oci-sandbox-hook" ]
  assert_eq "$(cat "$T/uninstall2.rc")" 0 "the second uninstall"
  assert_contains "$(cat "$T/uninstall2.out")" "uninstalled: every file is as before the install"
  stop_log_receiver
  rm -f "$T/log.sock"
  snapshot "$R" >"$T/after"
  diff "$T/before" "$T/after"
}

# ------------------------------------------------------------------ --restart

# A fake host init: pid 1 of its own pid namespace, its root the fake root
# (pivot_root in a private mount namespace), and a systemctl there that
# records its arguments.
# start_fake_init [DIR]: DIR (default the fake root) is the init's root.
start_fake_init () {
  local root=${1:-$R}
  cp /bin/busybox "$root/busybox"
  mkdir -p "$root/bin" "$root/proc" "$root/usr/bin"
  ln -s /busybox "$root/bin/sh"
  printf '#!/bin/sh\necho "$*" >>/systemctl.log\n' >"$root/usr/bin/systemctl"
  chmod 755 "$root/usr/bin/systemctl"
  unshare --pid --fork --mount --propagation private sh -c \
    'mount --bind "$1" "$1" && cd "$1" && mkdir .oldroot && pivot_root . .oldroot && exec /busybox sh -c "umount -l /.oldroot && rmdir /.oldroot && exec /busybox sleep 600"' \
    sh "$root" >"$T/init.log" 2>&1 3>&- &
  INIT_PID=$!
  local i
  for i in $(seq 100); do
    CHILD=$(cat /proc/"$INIT_PID"/task/"$INIT_PID"/children 2>/dev/null | tr -d ' ')
    [ -n "$CHILD" ] && [ "$(readlink /proc/"$CHILD"/exe)" = /busybox ] \
      && [ ! -e "$root/.oldroot" ] && return 0
    sleep 0.1
  done
  fail "the fake init did not start"
}

# Run the installer with ROOT/proc a procfs of the fake init's pid
# namespace, mounted by a process in that namespace, in a mount namespace of
# the installer's own; the installer stays in this pid namespace, as a pod
# without hostPID stays in its own.
in_fake_host () {
  run --separate-stderr unshare -m --propagation private sh -c \
    'nsenter -t "$1" -p -- mount -t proc proc "$2/proc" && shift 2 && exec "$@"' \
    sh "$CHILD" "$R" "$@"
}

@test "--restart: systemctl restart runs in the host init's namespaces, after the files are in place" {
  containerd_1_6_root
  start_fake_init
  in_fake_host "$HOOK" install --root "$R" --restart
  assert_status 0
  assert_contains "$output" "restarted: containerd.service"
  assert_eq "$(cat "$R/systemctl.log")" "restart containerd.service" "systemctl's arguments"
  grep -q "BinaryName = \"$WRAPPER\"" "$R/etc/containerd/config.toml"
  # Nothing changed: nothing restarted.
  in_fake_host "$HOOK" install --root "$R" --restart
  assert_status 0
  assert_contains "$output" "nothing to do"
  assert_eq "$(wc -l <"$R/systemctl.log")" 1 "restarts"
  in_fake_host "$HOOK" uninstall --root "$R" --restart
  assert_status 0
  assert_eq "$(tail -n 1 "$R/systemctl.log")" "restart containerd.service" "systemctl's arguments"
  containerd config default | cmp - "$R/etc/containerd/config.toml"
}

# until_waiting OUT ERR: an `install --wait` writing to OUT and ERR has
# installed and waits for its signal (ten seconds at most).
until_waiting () {
  local _
  for _ in $(seq 100); do
    grep -q 'waiting for SIGTERM' "$1" && return 0
    sleep 0.1
  done
  fail "no wait: $(cat "$1" "$2")"
}

# The DaemonSet's `install --restart --wait` blocks SIGTERM and SIGINT to
# wait for them: the host's systemctl, started meanwhile, must not inherit
# that mask (execve keeps it), nor any fd of the installer's.  (The fake
# init's mount namespace has no /proc of its own: systemctl mounts one.)
@test "--restart --wait: the host's systemctl inherits no blocked signal and no fd" {
  containerd_1_6_root
  start_fake_init
  cat >"$R/usr/bin/systemctl" <<'EOF'
#!/bin/sh
echo "$*" >>/systemctl.log
[ -e /proc/self ] || /busybox mount -t proc proc /proc
/busybox grep -E '^Sig(Blk|Ign):' /proc/self/status >>/systemctl.sig
/busybox ls /proc/self/fd | /busybox tr '\n' ' ' >>/systemctl.fds
echo >>/systemctl.fds
EOF
  unshare -m --propagation private sh -c \
    'nsenter -t "$1" -p -- mount -t proc proc "$2/proc" && shift 2 && exec "$@"' \
    sh "$CHILD" "$R" "$HOOK" install --root "$R" --restart --wait >"$T/out" 2>"$T/err" 3>&- &
  local pid=$!
  until_waiting "$T/out" "$T/err"
  kill -TERM "$pid"
  wait "$pid" || fail "uninstall: $(cat "$T/out" "$T/err")"
  assert_eq "$(cat "$R/systemctl.log")" "restart containerd.service
restart containerd.service" "systemctl's runs"
  assert_eq "$(cat "$R/systemctl.sig")" "SigBlk:	0000000000000000
SigIgn:	0000000000000000
SigBlk:	0000000000000000
SigIgn:	0000000000000000" "systemctl's signal mask"
  # stdio, and the fd ls reads /proc/self/fd through.
  assert_eq "$(cat "$R/systemctl.fds")" "0 1 2 3 
0 1 2 3 " "systemctl's fds"
}

@test "--restart without the host's init in sight is refused before anything is written" {
  containerd_1_6_root
  snapshot "$R" >"$T/before"
  # No procfs under the root.
  install_hook --restart
  assert_status 1
  assert_contains "$stderr" "--restart: open $R/proc (the host's /proc must be visible under --root)"
  # Not a procfs.
  mkdir -p "$R/proc"
  install_hook --restart
  assert_status 1
  assert_contains "$stderr" "--restart: $R/proc is not a procfs"
  # A procfs whose pid 1 has another root: a container's own init, say.
  mkdir -p "$T/other"
  start_fake_init "$T/other"
  snapshot "$R" >"$T/before"
  in_fake_host "$HOOK" install --root "$R" --restart
  assert_status 1
  assert_contains "$stderr" "pid 1 of $R/proc does not have $R as its root"
  snapshot "$R" >"$T/after"
  diff "$T/before" "$T/after"
}

# --------------------------------------------------------------------- --wait

@test "--wait installs, waits for SIGTERM, then uninstalls every byte" {
  containerd_1_6_root
  exe /usr/bin/podman
  snapshot "$R" >"$T/before"
  "$HOOK" install --root "$R" --wait >"$T/out" 2>"$T/err" 3>&- &
  local pid=$!
  until_waiting "$T/out" "$T/err"
  [ -L "$R$WRAPPER" ]
  kill -TERM "$pid"
  wait "$pid"
  grep -q 'uninstalled: every file is as before the install' "$T/out"
  snapshot "$R" >"$T/after"
  diff "$T/before" "$T/after"
}

# wait_installer OUT: start `install --wait` on the fake root, its output in
# OUT; its pid in WAITER once it waits.
wait_installer () {
  "$HOOK" install --root "$R" --wait >"$1" 2>"$1.err" 3>&- &
  WAITER=$!
  until_waiting "$1" "$1.err"
}

@test "--wait: a rolling update's surge pod keeps the node installed when the old pod stops; the last one uninstalls" {
  containerd_1_6_root
  exe /usr/bin/podman
  snapshot "$R" >"$T/before"
  wait_installer "$T/old"
  local old=$WAITER
  snapshot "$R" >"$T/installed"
  # The new pod starts before the old one is told to stop (maxSurge 1,
  # maxUnavailable 0): nothing to do, and it holds the installation too.
  wait_installer "$T/new"
  local new=$WAITER
  grep -q 'nothing to do' "$T/new" || fail "the new pod changed something: $(cat "$T/new")"
  kill -TERM "$old"
  wait "$old" || fail "the old pod failed: $(cat "$T/old" "$T/old.err")"
  grep -q 'another installer holds this root' "$T/old" || fail "$(cat "$T/old")"
  snapshot "$R" >"$T/after-old"
  diff "$T/installed" "$T/after-old"
  # The DaemonSet deleted: the last pod uninstalls every byte.
  kill -TERM "$new"
  wait "$new" || fail "the new pod failed: $(cat "$T/new" "$T/new.err")"
  grep -q 'uninstalled: every file is as before the install' "$T/new" || fail "$(cat "$T/new")"
  snapshot "$R" >"$T/after"
  diff "$T/before" "$T/after"
}

@test "--wait: an installer that waits alone, or after the other one stopped, uninstalls" {
  containerd_1_6_root
  exe /usr/bin/podman
  snapshot "$R" >"$T/before"
  wait_installer "$T/first"
  local first=$WAITER
  wait_installer "$T/second"
  local second=$WAITER
  # The newer pod stops first (a rollback of the rollout): the older one
  # still holds the installation.
  kill -TERM "$second"
  wait "$second"
  grep -q 'another installer holds this root' "$T/second" || fail "$(cat "$T/second")"
  kill -TERM "$first"
  wait "$first"
  grep -q 'uninstalled: every file is as before the install' "$T/first" || fail "$(cat "$T/first")"
  snapshot "$R" >"$T/after"
  diff "$T/before" "$T/after"
  # A new installer afterwards holds it alone: nothing of the pods gone
  # still counts.
  wait_installer "$T/third"
  kill -TERM "$WAITER"
  wait "$WAITER"
  grep -q 'uninstalled: every file is as before the install' "$T/third" || fail "$(cat "$T/third")"
}

# kill_at MODE SYSCALL N: run MODE (install, uninstall) with SIGKILL at its
# Nth SYSCALL (strace delivers it once the call is made: the run dies
# right after that write).  LeakSanitizer cannot run under ptrace: the
# sanitizer build reads ASAN_OPTIONS before main, other builds ignore it.
kill_at () {
  strace -qq -o /dev/null -e trace="$2" -e inject="$2":signal=KILL:when="$3" \
    -E ASAN_OPTIONS=detect_leaks=0 "$HOOK" "$1" --root "$R" >/dev/null 2>&1 && return 1
  return 0
}

# The write syscalls MODE makes on a copy of the root FROM, one line each.
writes_of () {
  rm -rf "$R" && cp -a "$1" "$R"
  strace -qq -o "$T/trace" -e trace=mkdirat,renameat,symlinkat,unlinkat,fsync \
    -E ASAN_OPTIONS=detect_leaks=0 "$HOOK" "$2" --root "$R" >/dev/null
  sed -n 's/^\([a-z]*\)(.*/\1/p' "$T/trace"
}

@test "killed at any write, install and uninstall leave every engine file whole, and the next run finishes the job" {
  command -v strace >/dev/null || fail "strace is not installed (contrib/setup.sh installs it)"
  containerd_1_6_root
  exe /usr/bin/podman
  mkdir -p "$R/var/lib" # every host has it; the installer records only what it creates
  local config=/etc/containerd/config.toml mode from sc k n
  cp -a "$R" "$T/pristine"
  snapshot "$R" >"$T/before"
  install_hook
  assert_status 0
  cp "$R$config" "$T/config.installed"
  cp -a "$R" "$T/installed"
  for mode in install uninstall; do
    from="$T/pristine"
    [ "$mode" = install ] || from="$T/installed"
    writes_of "$from" "$mode" >"$T/writes"
    [ "$(wc -l <"$T/writes")" -ge 10 ] || fail "$mode: too few writes traced: $(cat "$T/writes")"
    for sc in $(sort -u "$T/writes"); do
      n=$(grep -cx "$sc" "$T/writes")
      for k in $(seq "$n"); do
        rm -rf "$R" && cp -a "$from" "$R"
        kill_at "$mode" "$sc" "$k" || fail "$mode was not killed at $sc #$k"
        # containerd reads the whole old file or the whole new one.
        cmp -s "$R$config" "$T/pristine$config" || cmp -s "$R$config" "$T/config.installed" \
          || fail "$mode killed at $sc #$k: $config is neither the original nor the installed one"
        cp -a "$R" "$T/cut"
        # The next install finishes the job; uninstall then puts back every byte.
        install_hook
        [ "$status" -eq 0 ] || fail "$mode killed at $sc #$k, install again: $stderr"
        cmp -s "$R$config" "$T/config.installed" || fail "$mode killed at $sc #$k: install again"
        uninstall_hook
        [ "$status" -eq 0 ] || fail "$mode killed at $sc #$k, then install, uninstall: $stderr"
        snapshot "$R" >"$T/after"
        diff "$T/before" "$T/after" || fail "$mode killed at $sc #$k, then install, uninstall"
        # Or uninstall at once.
        rm -rf "$R" && mv "$T/cut" "$R"
        uninstall_hook
        [ "$status" -eq 0 ] || fail "$mode killed at $sc #$k, uninstall: $stderr"
        snapshot "$R" >"$T/after"
        diff "$T/before" "$T/after" || fail "$mode killed at $sc #$k, then uninstall"
      done
    done
  done
}

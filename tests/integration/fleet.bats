#!/usr/bin/env bats
# The fleet deployment (contrib/kubernetes): the manifests parse and say what
# the installer needs (Debian's python3-yaml), the image builds from
# contrib/kubernetes/Containerfile FROM scratch with the static binary alone
# (podman build, offline), and its installer, run by podman as the
# DaemonSet runs it (the policy ConfigMap laid out as kubelet lays out its
# volume, mounted as the DaemonSet's volumeMount says), installs into a
# fake host root mounted at /host, does
# nothing the second time, and uninstalls byte for byte, also when the
# container is stopped with SIGTERM.
#
# podman runs privately, as in podman.bats: its own containers.conf,
# storage.conf, --root/--runroot under a suite directory, a private cgroup
# parent; podman 4.3 still writes containers/image's blob-info cache and
# runc's state under /run/runc, both removed (and checked) at the end.

load helpers

TOP=$(readlink -f "$BATS_TEST_DIRNAME/../..")
K8S="$TOP/contrib/kubernetes"
IMAGE=localhost/oci-sandbox-hook:0.1.0
BLOB_CACHE=/var/lib/containers/cache/blob-info-cache-v1.boltdb

setup_file () {
  command -v podman >/dev/null || fail "podman is not installed (contrib/setup.sh installs it)"
  /usr/bin/python3 -c 'import yaml' || fail "python3-yaml is missing (contrib/setup.sh installs it)"
  S=$(mktemp -d /tmp/osh-fleet.XXXXXX)
  export S
  mkdir -p "$S/tmp" "$S/context"
  cat >"$S/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1000:1000"]
log_driver = "k8s-file"
[network]
network_backend = "cni"
network_config_dir = "$S/net"
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$S/events.log"
tmp_dir = "$S/tmp"
image_copy_tmp_dir = "$S/tmp"
lock_type = "file"
EOF
  cat >"$S/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$S/storage"
runroot = "$S/run"
EOF
  cat >"$S/podman" <<EOF
#!/bin/bash
export CONTAINERS_CONF="$S/containers.conf" CONTAINERS_STORAGE_CONF="$S/storage.conf" TMPDIR="$S/tmp"
exec podman --root "$S/storage" --runroot "$S/run" --storage-driver vfs \\
  --cgroup-manager cgroupfs --events-backend file --log-level error "\$@"
EOF
  chmod 755 "$S/podman"
  [ -e "$BLOB_CACHE" ] && echo present >"$S/blob-cache-was" || echo absent >"$S/blob-cache-was"
  # The Containerfile as shipped; the context holds the binary under test
  # (a static build: the image has no loader and no libraries).
  file -L "$HOOK" | grep -q 'static' || fail "$HOOK is not statically linked"
  cp "$HOOK" "$S/context/oci-sandbox-hook"
  "$S/podman" build -q -f "$K8S/Containerfile" -t "$IMAGE" "$S/context" >"$S/build.log" 2>&1 \
    || fail "podman build: $(cat "$S/build.log")"
}

teardown_file () {
  local problems=""
  if [ -n "${S:-}" ] && [ -x "$S/podman" ]; then
    "$S/podman" rm -af -t 0 >/dev/null 2>&1 || true
    "$S/podman" rmi -af >/dev/null 2>&1 || true
    if [ "$(cat "$S/blob-cache-was" 2>/dev/null)" = absent ]; then
      rm -f "$BLOB_CACHE"
      rmdir /var/lib/containers/cache /var/lib/containers 2>/dev/null || true
    fi
    rm -rf "$S"
  fi
  local d
  for d in /sys/fs/cgroup/*/osh-fleet-test /sys/fs/cgroup/unified/osh-fleet-test; do
    [ -d "$d" ] || continue
    find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
    [ ! -d "$d" ] || problems+="cgroup $d left; "
  done
  [ -z "$problems" ] || fail "teardown: $problems"
}

setup () {
  T=$(mktemp -d /tmp/osh-fleet-test.XXXXXX)
  R="$T/root"
  mkdir -p "$R/etc/containerd"
  containerd config default >"$R/etc/containerd/config.toml"
  local p
  for p in /usr/bin/containerd /usr/sbin/runc /usr/bin/podman; do
    mkdir -p "$R$(dirname "$p")"
    printf '#!/bin/sh\nexit 0\n' >"$R$p"
    chmod 755 "$R$p"
  done
  manifest_facts >"$T/facts.json"
  # The ConfigMap's volume as kubelet makes it (its atomic writer, in an
  # emptyDir): the volume's directory is 0777, the keys are symlinks
  # through ..data to a timestamped directory, the files have defaultMode.
  local ts=..2026_01_02_03_04_05.123456789
  mkdir -p "$T/cm/$ts"
  chmod 0777 "$T/cm"
  chmod 0755 "$T/cm/$ts"
  jq -r .policy "$T/facts.json" >"$T/cm/$ts/$(jq -r .policy_item "$T/facts.json")"
  chmod "$(jq -r .policy_mode "$T/facts.json")" "$T/cm/$ts/$(jq -r .policy_item "$T/facts.json")"
  ln -s "$ts" "$T/cm/..data"
  ln -s "..data/$(jq -r .policy_item "$T/facts.json")" "$T/cm/$(jq -r .policy_item "$T/facts.json")"
  # A copy outside the volume, for the hook run on this host.
  POLICY="$T/policy.json"
  cp "$T/cm/$ts/$(jq -r .policy_item "$T/facts.json")" "$POLICY"
}

# The volume option of podman run that mounts the ConfigMap as kubelet
# would for the DaemonSet's volumeMount: its directory, or with a subPath
# the file that path resolves to inside the volume.
policy_volume () {
  local sub mount
  sub=$(jq -r .policy_sub_path "$T/facts.json")
  mount=$(jq -r .policy_mount "$T/facts.json")
  if [ -n "$sub" ]; then
    printf '%s\n' "-v=$(readlink -f "$T/cm/$sub"):$mount:ro"
  else
    printf '%s\n' "-v=$T/cm:$mount:ro"
  fi
}

teardown () {
  [ -z "${T:-}" ] || rm -rf "$T"
}

# What the manifests say, as JSON, checked on the way.
manifest_facts () {
  /usr/bin/python3 - "$K8S" "$TOP" <<'EOF'
import glob, json, os, re, sys, yaml
k8s, top = sys.argv[1:]

def strip_comments(text):
    """JSON with // and /* */ comments (the policy's format) as JSON."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("//", i):
            i = text.index("\n", i)
        elif text.startswith("/*", i):
            i = text.index("*/", i) + 2
        else:
            out.append(c)
            i += 1
    return "".join(out)

docs = []
for path in sorted(glob.glob(os.path.join(k8s, "*.yaml"))):
    docs += [d for d in yaml.safe_load_all(open(path)) if d]
kinds = {d["kind"]: d for d in docs}
assert sorted(kinds) == ["ConfigMap", "DaemonSet", "Namespace"], sorted(kinds)
ns = kinds["Namespace"]["metadata"]["name"]
for d in docs[1:]:
    assert d["metadata"].get("namespace", ns) == ns, d["metadata"]

ds = kinds["DaemonSet"]
# A rolling update starts a node's new pod before it stops the old one: the
# old one's uninstall then leaves the node to the new one.
strategy = ds["spec"]["updateStrategy"]
assert strategy["type"] == "RollingUpdate", strategy
assert strategy["rollingUpdate"]["maxUnavailable"] == 0, strategy
assert strategy["rollingUpdate"]["maxSurge"] not in (0, "0%"), strategy
# ... and only once the new one has had time to install and hold the node.
assert ds["spec"]["minReadySeconds"] >= 10, ds["spec"]
spec = ds["spec"]["template"]["spec"]
assert not spec.get("hostPID"), "the restart reaches the host's pid 1 through /host/proc"
assert not spec.get("hostNetwork")
(c,) = spec["containers"]
assert c["securityContext"] == {"privileged": True}, c["securityContext"]
args = c["args"]
assert c["command"] == ["/oci-sandbox-hook"], c["command"]
assert args[0] == "install" and "--wait" in args and "--restart" in args, args
opt = {args[i]: args[i + 1] for i in range(1, len(args) - 1) if args[i] in ("--root", "--policy")}
vols = {v["name"]: v for v in spec["volumes"]}
mounts = {m["mountPath"]: m for m in c["volumeMounts"]}
# --root is the host's / mounted whole.
host = mounts[opt["--root"]]
assert vols[host["name"]]["hostPath"]["path"] == "/", vols[host["name"]]
assert not host.get("readOnly")
# --policy is the ConfigMap's key, where its volume is mounted: the
# volume's directory, or the key alone through a subPath.
(cm_mount,) = [m for m in c["volumeMounts"] if "configMap" in vols[m["name"]]]
cm_vol = vols[cm_mount["name"]]["configMap"]
assert cm_mount.get("readOnly") is True
(item,) = cm_vol["items"]
if cm_mount.get("subPath"):
    assert cm_mount["mountPath"] == opt["--policy"], cm_mount
    assert cm_mount["subPath"] == item["path"], cm_mount
else:
    assert os.path.join(cm_mount["mountPath"], item["path"]) == opt["--policy"], cm_mount
cm = kinds["ConfigMap"]
assert cm_vol["name"] == cm["metadata"]["name"]
policy = cm["data"][item["key"]]
# The ConfigMap's policy is contrib/policy.json's, less the runtime key (the
# installer sets that one per node).
ours = json.loads(strip_comments(policy))
theirs = json.loads(strip_comments(open(os.path.join(top, "contrib", "policy.json")).read()))
theirs.pop("runtime", None)
assert "runtime" not in ours and ours == theirs, "the ConfigMap's policy is not contrib/policy.json"
# The image the README builds, at the version of the tree.
version = re.search(r"AC_INIT\(\[oci-sandbox-hook\], \[([^]]+)\]", open(os.path.join(top, "configure.ac")).read()).group(1)
assert c["image"] == "localhost/oci-sandbox-hook:" + version, c["image"]
print(json.dumps({"command": c["command"], "args": args, "root": opt["--root"],
                  "policy_mount": cm_mount["mountPath"],
                  "policy_sub_path": cm_mount.get("subPath", ""), "policy_item": item["path"],
                  "policy_mode": "%o" % item.get("mode", cm_vol.get("defaultMode", 0o644)),
                  "policy": policy, "image": c["image"],
                  "grace": spec["terminationGracePeriodSeconds"]}))
EOF
}

# The DaemonSet's arguments, less those named: the fake host has no systemd
# (--restart is shown refused below, before anything is written).
ds_args () {
  local drop=" $* " a
  jq -r '.args[]' "$T/facts.json" | while read -r a; do
    [[ "$drop" == *" $a "* ]] || printf '%s\n' "$a"
  done
}

podman_run () {
  run --separate-stderr "$S/podman" run --rm --privileged --network none \
    --cgroup-parent /osh-fleet-test -v "$R:$(jq -r .root "$T/facts.json")" \
    "$(policy_volume)" "$IMAGE" "$@"
}

# wait_container NAME ARGS...: the DaemonSet's container, detached, once it
# waits for SIGTERM.
wait_container () {
  local name=$1 i
  shift
  "$S/podman" run -d --name "$name" --privileged --network none --cgroup-parent /osh-fleet-test \
    -v "$R:$(jq -r .root "$T/facts.json")" "$(policy_volume)" \
    "$IMAGE" "$@" >/dev/null
  for i in $(seq 100); do
    "$S/podman" logs "$name" 2>&1 | grep -q 'waiting for SIGTERM' && return 0
    sleep 0.2
  done
  fail "no wait: $("$S/podman" logs "$name" 2>&1)"
}

# stop_container NAME LINE: stop the DaemonSet's container NAME as kubelet
# does (SIGTERM, the grace period); it must exit 0 having said LINE.
stop_container () {
  "$S/podman" stop -t "$(jq -r .grace "$T/facts.json")" "$1" >/dev/null
  assert_eq "$("$S/podman" inspect --format '{{.State.ExitCode}}' "$1")" 0 "$1's exit code"
  "$S/podman" logs "$1" 2>&1 | grep -qF "$2" || fail "$1: $("$S/podman" logs "$1" 2>&1)"
  "$S/podman" rm "$1" >/dev/null
}

@test "the manifests parse and say what the installer needs" {
  # manifest_facts asserted them in setup: the DaemonSet runs the image's
  # binary with install --root (the host's / mounted there) --policy (the
  # ConfigMap's key, where it is mounted) --restart --wait, privileged,
  # without hostPID; the ConfigMap's policy is contrib/policy.json.
  assert_eq "$(jq -c .command "$T/facts.json")" '["/oci-sandbox-hook"]' "command"
  assert_eq "$(jq -r '.args | join(" ")' "$T/facts.json")" \
    "install --root /host --policy /config/policy.json --restart --wait" "args"
  [ "$(jq -r .grace "$T/facts.json")" -ge 60 ]
  # The hook itself accepts the ConfigMap's policy (an install dry run
  # validates it).
  run --separate-stderr "$HOOK" install --root "$R" --policy "$POLICY" --dry-run
  assert_status 0
  assert_contains "$output" "would create /etc/oci-sandbox-hook/policy.json: the node policy"
}

@test "the image is FROM scratch: the static binary alone, its entrypoint the DaemonSet's command" {
  local inspect files
  inspect=$("$S/podman" image inspect "$IMAGE")
  assert_eq "$(jq -r '.[0].RootFS.Layers | length' <<<"$inspect")" 1 "layers"
  assert_eq "$(jq -c '.[0].Config.Entrypoint' <<<"$inspect")" "$(jq -c .command "$T/facts.json")" \
    "entrypoint"
  "$S/podman" create --name osh-fleet-export "$IMAGE" >/dev/null
  files=$("$S/podman" export osh-fleet-export | tar -t | grep -v '/$' | LC_ALL=C sort)
  "$S/podman" rm osh-fleet-export >/dev/null
  assert_eq "$files" "oci-sandbox-hook" "the image's files"
  podman_run --version
  assert_status 0
  assert_contains "$output" "oci-sandbox-hook 0.1.0"
}

@test "the image's installer on a fake host at /host: install, a second run changes nothing, uninstall restores every byte" {
  snapshot "$R" >"$T/before"
  mapfile -t args < <(ds_args --restart --wait)
  podman_run "${args[@]}"
  assert_status 0
  assert_contains "$output" "engines: containerd, podman"
  assert_contains "$output" "create /etc/oci-sandbox-hook/policy.json: the node policy"
  assert_contains "$output" "change /etc/containerd/config.toml"
  cmp "$HOOK" "$R/usr/local/libexec/oci-sandbox-hook/oci-sandbox-hook"
  cmp "$POLICY" "$R/etc/oci-sandbox-hook/policy.json"
  grep -q 'BinaryName = "/usr/local/libexec/oci-sandbox-hook/oci-sandbox-runtime"' \
    "$R/etc/containerd/config.toml"
  snapshot "$R" >"$T/installed"
  podman_run "${args[@]}"
  assert_status 0
  assert_contains "$output" "nothing to do"
  snapshot "$R" >"$T/again"
  diff "$T/installed" "$T/again"
  podman_run uninstall --root "$(jq -r .root "$T/facts.json")"
  assert_status 0
  assert_contains "$output" "uninstalled: every file is as before the install"
  snapshot "$R" >"$T/after"
  diff "$T/before" "$T/after"
}

@test "the DaemonSet's --restart on a host whose init it cannot see is refused before anything is written" {
  snapshot "$R" >"$T/before"
  mapfile -t args < <(ds_args --wait)
  podman_run "${args[@]}"
  assert_status 1
  assert_contains "$stderr" "--restart: open /host/proc (the host's /proc must be visible under --root)"
  snapshot "$R" >"$T/after"
  diff "$T/before" "$T/after"
}

@test "the DaemonSet's container stopped with SIGTERM uninstalls every byte" {
  local name=osh-fleet-wait-$$
  snapshot "$R" >"$T/before"
  mapfile -t args < <(ds_args --restart)
  wait_container "$name" "${args[@]}"
  [ -L "$R/usr/local/libexec/oci-sandbox-hook/oci-sandbox-runtime" ]
  # podman stop sends SIGTERM to the container's pid 1: the binary itself.
  stop_container "$name" 'uninstalled: every file is as before the install'
  snapshot "$R" >"$T/after"
  diff "$T/before" "$T/after"
}

@test "a rolling update with a surge: the old pod stopped leaves the node to the new one, the last one uninstalls" {
  local old=osh-fleet-old-$$ new=osh-fleet-new-$$
  snapshot "$R" >"$T/before"
  mapfile -t args < <(ds_args --restart)
  wait_container "$old" "${args[@]}"
  snapshot "$R" >"$T/installed"
  # maxSurge 1, maxUnavailable 0: the new pod runs before the old one stops.
  wait_container "$new" "${args[@]}"
  "$S/podman" logs "$new" 2>&1 | grep -q 'nothing to do' \
    || fail "the new pod changed something: $("$S/podman" logs "$new" 2>&1)"
  stop_container "$old" 'another installer holds this root'
  snapshot "$R" >"$T/after-old"
  diff "$T/installed" "$T/after-old"
  # The DaemonSet deleted: its last pod uninstalls every byte.
  stop_container "$new" 'uninstalled: every file is as before the install'
  snapshot "$R" >"$T/after"
  diff "$T/before" "$T/after"
}

#!/usr/bin/env bats
# The hook under a real podman 4.3 through the shipped hooks.d files: the
# pod infra container (/catatonit -P, matched by command) and containers
# annotated as sandboxes get the sandbox policies, precreate adds the spec
# edits and Kata's sizing annotations, and nothing is left behind.
#
# podman never sees the host's configuration or storage: every command goes
# through T/podman, a wrapper with a private CONTAINERS_CONF (docs/engines.md
# §3, plus private tmp_dir, file locks, CNI config dir, events file),
# a private storage.conf and --root/--runroot under T, and every container
# or pod gets a private cgroup parent.  podman 4.3 still writes two things
# outside T whatever it is told (see setup): containers/image's blob-info
# cache when it builds the pause image, and runc's state under /run/runc.
# Teardown removes what the test created there and FAILS when podman left
# a container, a pod, a cgroup, a mount or a file outside T behind.

OSH_SUITE=podman
load helpers

# Paths podman writes by default and must not write here: each one absent
# at setup must still be absent at teardown.
HOST_PODMAN_PATHS="/run/libpod /run/containers /var/lib/containers/storage
/etc/containers/networks /etc/cni/net.d/cni.lock /dev/shm/libpod_lock /root/.config/containers
/var/lib/cni /sys/fs/cgroup/cpu/libpod_parent /sys/fs/cgroup/memory/libpod_parent"
# containers/image writes its blob-info cache here on every image commit
# (the pause image build) regardless of --root; not configurable in 4.3.
BLOB_CACHE=/var/lib/containers/cache/blob-info-cache-v1.boltdb

setup_file () {
  command -v podman >/dev/null || skip "podman is not installed"
}

setup () {
  osh_setup
  local infra_match
  infra_match='{"sandbox_match": {"annotations": {
      "io.kubernetes.cri.container-type": "sandbox", "io.kubernetes.cri-o.ContainerType": "sandbox",
      "io.kubernetes.docker.type": "podsandbox"}, "commands": ["/catatonit"]}}'
  write_policy "$infra_match"
  [ -x /usr/libexec/podman/catatonit ] || [ -x /usr/bin/catatonit ] \
    || fail "catatonit is missing: podman cannot build its pause image (contrib/setup.sh installs it)"
  ROOTFS="$BUNDLE/rootfs"
  CGP="osh-it-podman-${BATS_TEST_NUMBER}-$$"
  POD="osh-pod-${BATS_TEST_NUMBER}-$$"
  record_host_paths
  HOOK_MOUNTS_AT_SETUP=$(all_hook_mounts)
  make_hooks_dir "$T/hooks.d"
  make_podman_env
}

teardown () {
  local problems=""
  if [ -n "${T:-}" ] && [ -x "$T/podman" ]; then
    local ids id left
    ids=$("$T/podman" ps -aq --no-trunc 2>/dev/null || true)
    "$T/podman" pod rm -af -t 0 >/dev/null 2>&1 || true
    "$T/podman" rm -af -t 0 >/dev/null 2>&1 || true
    for id in $ids; do
      [ ! -e "/run/runc/$id" ] || problems+="runc state /run/runc/$id left; "
    done
    left=$("$T/podman" ps -aq 2>&1)
    [ -z "$left" ] || problems+="containers left in the private root: $left; "
    left=$("$T/podman" pod ps -q 2>&1)
    [ -z "$left" ] || problems+="pods left in the private root: $left; "
    "$T/podman" rmi -af >/dev/null 2>&1 || true
    left=$(hook_mounts)
    [ -z "$left" ] || problems+="hook mounts left: $left; "
    problems+=$(remove_cgroup_parent)
    problems+=$(check_host_paths)
  fi
  osh_teardown || problems+="(osh_teardown failed, see above) "
  [ -z "$problems" ] || fail "teardown: $problems"
}

# ------------------------------------------------------------ environment

# make_hooks_dir DIR: the shipped hooks.d templates with @HOOK_PATH@ set to
# the built binary, and our private policy after argv[0]; nothing else is
# changed, so podman loads the very files `make install` ships.
make_hooks_dir () {
  local dir=$1 tmpl n=0
  mkdir -p "$dir"
  for tmpl in "$BATS_TEST_DIRNAME"/../../hooks/*.json.in; do
    sed "s|@HOOK_PATH@|$HOOK|g" "$tmpl" \
      | jq --arg p "$POLICY" '.hook.args = [.hook.args[0], "--policy", $p] + .hook.args[1:]' \
        >"$dir/$(basename "$tmpl" .in)"
    n=$((n + 1))
  done
  [ "$n" -eq 5 ] || fail "expected the 5 shipped hooks.d templates, found $n"
}

# T/containers.conf, T/storage.conf and T/podman, the only way the tests
# call podman (a script, so that `bash -c ... exec "$PODMAN"` works too).
make_podman_env () {
  mkdir -p "$T/tmp" "$T/net"
  cat >"$T/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1000:1000"]
log_driver = "k8s-file"

[network]
network_backend = "cni"
network_config_dir = "$T/net"

[engine]
runtime = "runc"
hooks_dir = ["$T/hooks.d"]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$T/events.log"
tmp_dir = "$T/tmp"
image_copy_tmp_dir = "$T/tmp"
lock_type = "file"
EOF
  cat >"$T/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$T/storage"
runroot = "$T/run"
EOF
  PODMAN="$T/podman"
  cat >"$PODMAN" <<EOF
#!/bin/bash
export CONTAINERS_CONF="$T/containers.conf" CONTAINERS_STORAGE_CONF="$T/storage.conf" TMPDIR="$T/tmp"
exec podman --root "$T/storage" --runroot "$T/run" --storage-driver vfs \\
  --cgroup-manager cgroupfs --events-backend file --log-level error "\$@"
EOF
  chmod 755 "$PODMAN"
}

pm () {
  "$PODMAN" "$@"
}

record_host_paths () {
  local p
  ABSENT_AT_SETUP=()
  for p in $HOST_PODMAN_PATHS $BLOB_CACHE /var/lib/containers/cache /var/lib/containers; do
    [ -e "$p" ] || ABSENT_AT_SETUP+=("$p")
  done
}

# Prints the problems; removes what podman unavoidably created (the blob
# cache) when it was absent at setup.
check_host_paths () {
  local p
  for p in "${ABSENT_AT_SETUP[@]}"; do
    case "$p" in
    "$BLOB_CACHE") rm -f "$p" ;;
    /var/lib/containers/cache | /var/lib/containers) rmdir "$p" 2>/dev/null || true ;;
    esac
  done
  for p in "${ABSENT_AT_SETUP[@]}"; do
    [ ! -e "$p" ] || printf '%s' "podman wrote $p outside the private root; "
  done
}

# ------------------------------------------------------------------ tools

# prun ARGS...: `podman run` of a standalone container from the test rootfs
# (no network, private cgroup parent); `run` it or capture its output.
prun () {
  pm run --network none --cgroup-parent "/$CGP" "$@"
}

# start_pod: create and start a pod with its infra container; sets INFRA
# (its id), IPID (its pid, host view), IBUNDLE (its bundle).
start_pod () {
  pm pod create --network none --cgroup-parent "/$CGP" --name "$POD" >/dev/null \
    || fail "podman pod create failed"
  pm pod start "$POD" >/dev/null || fail "podman pod start failed"
  INFRA=$(pm pod inspect --format '{{.InfraContainerID}}' "$POD")
  [ -n "$INFRA" ] || fail "pod $POD has no infra container"
  IPID=$(pm inspect --format '{{.State.Pid}}' "$INFRA")
  [ "$IPID" -gt 0 ] || fail "infra container pid: $IPID"
  IBUNDLE=$(dirname "$(pm inspect --format '{{.OCIConfigPath}}' "$INFRA")")
}

# bundle_of ID: the OCI bundle podman hands to runc (holds config.json).
bundle_of () {
  dirname "$(pm inspect --format '{{.OCIConfigPath}}' "$1")"
}

# annotation ID KEY: from `podman inspect`, "<absent>" when missing.
annotation () {
  pm inspect "$1" | jq -r --arg k "$2" '.[0].Config.Annotations[$k] // "<absent>"'
}

# cgroup_v1 PID CONTROLLER: the path of PID's cgroup in that v1 hierarchy.
cgroup_v1 () {
  local path
  path=$(awk -F: -v c="$2" '$2 == c { print $3 }' "/proc/$1/cgroup")
  [ -n "$path" ] || fail "no $2 line in /proc/$1/cgroup: $(cat "/proc/$1/cgroup")"
  echo "/sys/fs/cgroup/$2$path"
}

# hook_mounts: every mount of the hook on the host, wherever it is, but
# for those present before the test began and those of other suites' live
# tests (each below its own /tmp/osh-it.*): all ours are below T.
hook_mounts () {
  all_hook_mounts | grep -vxF -f <(printf '%s\n' "$HOOK_MOUNTS_AT_SETUP") \
    | grep -v '^/tmp/osh-it\.' || true
  all_hook_mounts | grep -F "$T/" || true
}

all_hook_mounts () {
  findmnt -rn -o TARGET | grep -F oci-sandbox-hook || true
}

# hook_dirs: every directory of the hook in podman's private storage.
hook_dirs () {
  find "$T/storage" "$T/run" -name oci-sandbox-hook 2>/dev/null || true
}

SANDBOX_ANNOTATION="--annotation=io.kubernetes.cri.container-type=sandbox"

# ------------------------------------------------------- hooks.d loading

@test "podman: the shipped hooks.d files load: a plain container runs with them in place" {
  run ls "$T/hooks.d"
  assert_eq "$output" "oci-sandbox-hook-infra.json
oci-sandbox-hook-member.json
oci-sandbox-hook-precreate-infra.json
oci-sandbox-hook-precreate.json
oci-sandbox-hook-sandbox.json" "hooks dir"
  run --separate-stderr prun --rm --rootfs "$ROOTFS" sh -c 'echo container-ran'
  assert_status 0
  assert_eq "$output" container-ran "container output"
  assert_eq "$stderr" "" "podman's stderr"
  [ ! -s "$LOG" ] || fail "the hook ran for a plain container: $(cat "$LOG")"
}

@test "podman: a malformed hooks.d file makes podman refuse the container (the dir is read)" {
  cp -r "$T/hooks.d" "$T/hooks.broken"
  head -c 100 "$T/hooks.d/oci-sandbox-hook-infra.json" >"$T/hooks.broken/oci-sandbox-hook-infra.json"
  run --separate-stderr pm --hooks-dir "$T/hooks.broken" run --rm --network none \
    --cgroup-parent "/$CGP" --rootfs "$ROOTFS" sh -c 'echo container-ran'
  assert_failed
  assert_not_contains "$output" container-ran "container output"
  assert_contains "$stderr" "parsing hook \"$T/hooks.broken/oci-sandbox-hook-infra.json\"" \
    "podman's stderr"
  run pm ps -aq
  assert_eq "$output" "" "containers left"
}

# ------------------------------------------------ the pod infra container

@test "podman: pod infra container gets the sandbox sysctls in its own netns" {
  start_pod
  [ "$(readlink "/proc/$IPID/ns/net")" != "$(readlink /proc/self/ns/net)" ] \
    || fail "the infra container is in the host's network namespace"
  assert_eq "$(nsenter -t "$IPID" -n cat "$PORTS_SYSCTL")" 0 "infra ip_unprivileged_port_start"
  assert_eq "$(nsenter -t "$IPID" -n cat "$PING_SYSCTL" | tr '\t' ' ')" "0 2147483647" \
    "infra ping_group_range"
  # precreate put them in the spec (runc writes them); createRuntime then
  # leaves them to config.json.
  run jq -c '.linux.sysctl' "$IBUNDLE/config.json"
  assert_eq "$output" '{"net.ipv4.ip_unprivileged_port_start":"0","net.ipv4.ping_group_range":"0 2147483647"}' \
    "infra spec linux.sysctl"
  log_wait "${INFRA:0:12}: unprivileged_ports: skip: set in config.json linux.sysctl"
}

@test "podman: pod infra container gets podman's own OOM score without CAP_SYS_RESOURCE" {
  start_pod
  assert_eq "$(cat "/proc/$IPID/oom_score_adj")" "$OWN_OOM" "infra oom_score_adj"
  assert_eq "$(jq -r '.process.oomScoreAdj' "$IBUNDLE/config.json")" "$OWN_OOM" \
    "infra spec process.oomScoreAdj"
}

@test "podman: pod infra container follows podman's raised OOM score of 300" {
  pm pod create --network none --cgroup-parent "/$CGP" --name "$POD" >/dev/null
  # precreate runs when podman builds the spec, at start: in podman itself.
  run --separate-stderr bash -c 'echo 300 >/proc/self/oom_score_adj && exec "$0" pod start "$1"' \
    "$PODMAN" "$POD"
  assert_status 0
  INFRA=$(pm pod inspect --format '{{.InfraContainerID}}' "$POD")
  IPID=$(pm inspect --format '{{.State.Pid}}' "$INFRA")
  assert_eq "$(cat "/proc/$IPID/oom_score_adj")" 300 "infra oom_score_adj"
  assert_eq "$(jq -r '.process.oomScoreAdj' "$(bundle_of "$INFRA")/config.json")" 300 \
    "infra spec process.oomScoreAdj"
  log_wait "${INFRA:0:12}: oom_score_adj: skip: set in config.json process.oomScoreAdj (300)"
}

@test "podman: pod infra container's cgroup gets cpu.shares 2" {
  start_pod
  local cg
  cg=$(cgroup_v1 "$IPID" cpu)
  assert_contains "$cg" "/$CGP/" "infra cpu cgroup"
  assert_eq "$(cat "$cg/cpu.shares")" 2 "infra cpu.shares"
}

@test "podman: pod infra container has a sandbox ready line; hostname, hosts and /dev/shm are podman's" {
  start_pod
  local short=${INFRA:0:12}
  log_wait "]: $short: sandbox ready: /etc/resolv.conf"
  log_wait "]: $short: hostname: skip: config.json mounts /etc/hostname: the engine owns it"
  log_wait "]: $short: hosts: skip: config.json mounts /etc/hosts: the engine owns it"
  log_wait "]: $short: shm: skip: config.json bind-mounts /dev/shm: the engine owns it"
  # podman 4.3 gives a --network none container no /etc/resolv.conf: the
  # hook's copy of the node's is bound there.
  log_wait "]: $short: resolv_conf: /etc/resolv.conf (copy of /etc/resolv.conf)"
  assert_eq "$(cat "/proc/$IPID/root/etc/resolv.conf")" "$(cat /etc/resolv.conf)" \
    "infra /etc/resolv.conf"
  assert_eq "$(cat "$IBUNDLE/oci-sandbox-hook/resolv.conf")" "$(cat /etc/resolv.conf)" \
    "the hook's resolv.conf in the bundle"
  # /dev/shm is podman's own tmpfs (64000k), never a second one of the hook's.
  run awk '$2 == "/dev/shm" { print $1, $3, $4 }' "/proc/$IPID/mounts"
  assert_eq "$output" "shm tmpfs rw,nosuid,nodev,noexec,relatime,size=64000k" "infra /dev/shm mounts"
  run jq -r '[.mounts[] | select(.destination == "/etc/hostname" or .destination == "/etc/hosts"
                                 or .destination == "/dev/shm") | .destination] | sort | join(" ")' \
    "$IBUNDLE/config.json"
  assert_eq "$output" "/dev/shm /etc/hostname /etc/hosts" "podman's own mounts in the infra spec"
}

@test "podman: an app container in the pod shares the infra's sysctls but is not a sandbox" {
  start_pod
  local c
  c=$(pm run -d --pod "$POD" --rootfs "$ROOTFS" sleep 600)
  assert_eq "$(pm exec "$c" cat "$PORTS_SYSCTL")" 0 "app container ip_unprivileged_port_start"
  assert_eq "$(pm exec "$c" cat /proc/self/oom_score_adj)" "$OWN_OOM" "app container oom_score_adj"
  assert_eq "$(annotation "$c" io.kubernetes.cri.sandbox-memory)" "<absent>" "sizing annotation"
  [ ! -e "$(bundle_of "$c")/oci-sandbox-hook" ] || fail "hook directory in the app container's bundle"
  run jq -c '[.linux.sysctl, .process.oomScoreAdj]' "$(bundle_of "$c")/config.json"
  assert_eq "$output" "[null,null]" "app container spec sysctl and oomScoreAdj"
}

@test "podman: a pod member keeps podman's own binds, gets the pod's resolv.conf, nothing doubled" {
  start_pod
  local c
  c=$(pm run -d --pod "$POD" --rootfs "$ROOTFS" sleep 600)
  assert_eq "$(annotation "$c" io.container.manager)" libpod "the member's engine annotation"
  assert_eq "$(annotation "$c" io.kubernetes.cri-o.SandboxID)" "$INFRA" "the member's sandbox"
  log_wait "pod member of $INFRA ready"
  local mounts
  mounts=$(pm exec "$c" cat /proc/self/mountinfo)
  for dest in /dev/shm /etc/hosts /etc/hostname /etc/resolv.conf; do
    assert_eq "$(awk -v d="$dest" '$5 == d' <<<"$mounts" | wc -l)" 1 "mounts at $dest in the member"
  done
  # podman binds its own shm, hosts and hostname into the member: left to
  # it; the hook gives the member the pod's resolv.conf when podman does not.
  run jq -r '[.mounts[] | select(.type == "bind" and (.destination | test("^/(dev/shm|etc/(hosts|hostname|resolv.conf))$")))
             | .destination] | sort | join(" ")' "$(bundle_of "$c")/config.json"
  local engine=$output
  assert_contains "$engine" "/dev/shm" "podman's binds in the member's spec"
  if [[ "$engine" != *resolv.conf* ]]; then
    assert_eq "$(pm exec "$c" cat /etc/resolv.conf)" "$(cat "$IBUNDLE/oci-sandbox-hook/resolv.conf")" \
      "the member's resolv.conf"
  fi
  [ ! -e "$(bundle_of "$c")/oci-sandbox-hook" ] || fail "hook directory in the member's bundle"
}

# ------------------------------------------------ precreate and sizing

@test "podman: precreate gives a 2-CPU 512m sandbox the four sizing annotations Kata reads" {
  local c period quota shares memory vcpus mem_mb
  c=$(prun -d "$SANDBOX_ANNOTATION" --cpus 2 --memory 512m --rootfs "$ROOTFS" sleep 600)
  period=$(annotation "$c" io.kubernetes.cri.sandbox-cpu-period)
  quota=$(annotation "$c" io.kubernetes.cri.sandbox-cpu-quota)
  shares=$(annotation "$c" io.kubernetes.cri.sandbox-cpu-shares)
  memory=$(annotation "$c" io.kubernetes.cri.sandbox-memory)
  assert_eq "$period $quota $shares $memory" "100000 200000 0 536870912" \
    "period quota shares memory in podman inspect"
  # Kata: vcpus = quota / period when quota >= 0 and period != 0.
  vcpus=0
  if [ "$quota" -ge 0 ] && [ "$period" -ne 0 ]; then vcpus=$((quota / period)); fi
  mem_mb=$((memory / 1024 / 1024))
  assert_eq "$vcpus vCPU $mem_mb MiB" "2 vCPU 512 MiB" "Kata's sizing"
  log_wait "]: ${c:0:12}: precreate: 8 addition(s) to the spec (only where absent): from config.json linux.resources: Kata sizes the VM at 2 vCPU(s) and 512 MiB"
}

@test "podman: precreate's sysctls, shares and OOM score are in the spec runc gets; the container sees port start 0" {
  local c spec
  c=$(prun -d "$SANDBOX_ANNOTATION" --rootfs "$ROOTFS" sleep 600)
  spec="$(bundle_of "$c")/config.json"
  run jq -c '[.linux.sysctl, .linux.resources.cpu.shares, .process.oomScoreAdj]' "$spec"
  assert_eq "$output" "[{\"net.ipv4.ip_unprivileged_port_start\":\"0\",\"net.ipv4.ping_group_range\":\"0 2147483647\"},2,$OWN_OOM]" \
    "sysctl, cpu.shares, oomScoreAdj in the spec"
  assert_eq "$(pm exec "$c" cat "$PORTS_SYSCTL")" 0 "ip_unprivileged_port_start inside"
  assert_eq "$(pm exec "$c" cat "$PING_SYSCTL" | tr '\t' ' ')" "0 2147483647" \
    "ping_group_range inside"
  assert_eq "$(cat "$(cgroup_v1 "$(pm inspect --format '{{.State.Pid}}' "$c")" cpu)/cpu.shares")" 2 \
    "cpu.shares"
  # No resources given: precreate adds no sizing annotation.
  assert_eq "$(annotation "$c" io.kubernetes.cri.sandbox-cpu-period)" "<absent>" "sizing annotation"
  log_wait "]: ${c:0:12}: precreate: 4 addition(s) to the spec (only where absent): no pod resources known"
}

@test "podman: a pod limited in memory only gets quota 0, as containerd writes it: Kata adds no vCPU" {
  local period quota shares memory
  # The pod's cgroup parent limits memory and leaves the CPU quota at -1:
  # kubelet hands containerd quota 0 for such a pod (no CPU limit), which
  # Kata sizes at 0 vCPUs; -1 would make Kata count the shares instead.
  pm pod create --network none --cgroup-parent "/$CGP" --memory 512m --name "$POD" >/dev/null \
    || fail "podman pod create failed"
  pm pod start "$POD" >/dev/null || fail "podman pod start failed"
  INFRA=$(pm pod inspect --format '{{.InfraContainerID}}' "$POD")
  period=$(annotation "$INFRA" io.kubernetes.cri.sandbox-cpu-period)
  quota=$(annotation "$INFRA" io.kubernetes.cri.sandbox-cpu-quota)
  shares=$(annotation "$INFRA" io.kubernetes.cri.sandbox-cpu-shares)
  memory=$(annotation "$INFRA" io.kubernetes.cri.sandbox-memory)
  assert_eq "$quota $memory" "0 536870912" "quota and memory in podman inspect"
  [ "$period" -gt 0 ] && [ "$shares" -gt 0 ] || fail "period $period, shares $shares"
  log_wait "]: ${POD:0:12}: precreate: 8 addition(s) to the spec (only where absent): from pod cgroup parent (v1): Kata sizes the VM at 0 vCPU(s) and 512 MiB"
}

@test "podman: an engine's io.kubernetes.cri.sandbox-memory annotation survives unchanged" {
  local c
  c=$(prun -d "$SANDBOX_ANNOTATION" --annotation io.kubernetes.cri.sandbox-memory=1073741824 \
    --cpus 2 --memory 512m --rootfs "$ROOTFS" sleep 600)
  assert_eq "$(annotation "$c" io.kubernetes.cri.sandbox-memory)" 1073741824 "sandbox-memory"
  # The engine's annotations are the source: the missing ones are "0",
  # never mixed with linux.resources.
  assert_eq "$(annotation "$c" io.kubernetes.cri.sandbox-cpu-period) $(annotation "$c" io.kubernetes.cri.sandbox-cpu-quota) $(annotation "$c" io.kubernetes.cri.sandbox-cpu-shares)" \
    "0 0 0" "the other three"
  log_wait "]: ${c:0:12}: precreate: 7 addition(s) to the spec (only where absent): from the engine's sizing annotations, the missing ones as 0: Kata sizes the VM at 0 vCPU(s) and 1024 MiB"
}

@test "podman: a plain container is untouched" {
  local c
  c=$(prun -d --cpus 2 --memory 512m --rootfs "$ROOTFS" sleep 600)
  assert_eq "$(pm inspect "$c" | jq -r '.[0].Config.Annotations | keys[]' | grep -c '^io\.kubernetes\.cri\.sandbox-')" \
    0 "sizing annotations"
  assert_eq "$(pm exec "$c" cat "$PORTS_SYSCTL")" 1024 "ip_unprivileged_port_start inside"
  assert_eq "$(pm exec "$c" cat "$PING_SYSCTL" | tr '\t' ' ')" "1 0" "ping_group_range inside"
  [ ! -e "$(bundle_of "$c")/oci-sandbox-hook" ] || fail "hook directory in a plain container's bundle"
  run jq -c '[.linux.sysctl, .process.oomScoreAdj, .linux.resources.cpu.shares]' \
    "$(bundle_of "$c")/config.json"
  assert_eq "$output" "[null,null,null]" "spec sysctl, oomScoreAdj, cpu.shares"
  [ ! -s "$LOG" ] || fail "log lines for a plain container: $(cat "$LOG")"
}

# ---------------------------------------------------------------- cleanup

@test "podman: podman stop removes the hook's files from the bundle, start brings them back" {
  local c b
  c=$(prun -d "$SANDBOX_ANNOTATION" --rootfs "$ROOTFS" sleep 600)
  b=$(bundle_of "$c")
  [ -f "$b/oci-sandbox-hook/resolv.conf" ] || fail "the hook did not run"
  pm stop -t 0 "$c" >/dev/null
  [ -f "$b/config.json" ] || fail "podman removed the bundle on stop"
  [ ! -e "$b/oci-sandbox-hook" ] || fail "hook directory left after stop: $(ls -la "$b/oci-sandbox-hook")"
  log_wait "]: ${c:0:12}: poststop: detached the oci-sandbox-hook tmpfs, removed its directory"
  pm start "$c" >/dev/null
  [ -f "$b/oci-sandbox-hook/resolv.conf" ] || fail "the hook did not run again at start"
  assert_eq "$(pm exec "$c" cat "$PORTS_SYSCTL")" 0 "ip_unprivileged_port_start after restart"
}

@test "podman: nothing of the hook remains after pod rm -f and rm -f" {
  start_pod
  local c
  c=$(prun -d "$SANDBOX_ANNOTATION" --rootfs "$ROOTFS" sleep 600)
  assert_eq "$(hook_dirs | wc -l)" 2 "hook directories while both run"
  pm pod rm -f -t 0 "$POD" >/dev/null
  pm rm -f -t 0 "$c" >/dev/null
  log_wait "]: ${INFRA:0:12}: poststop: detached the oci-sandbox-hook tmpfs, removed its directory"
  log_wait "]: ${c:0:12}: poststop: detached the oci-sandbox-hook tmpfs, removed its directory"
  assert_eq "$(hook_mounts)" "" "hook mounts"
  assert_eq "$(hook_dirs)" "" "hook directories"
  assert_eq "$(mounts_below "$T")" "" "mounts below the test directory"
  run pm ps -aq
  assert_eq "$output" "" "containers"
}

# ------------------------------------------------------------ hostile input

@test "podman: shm-size \"1m,size=0\" makes podman run fail, named in the log, nothing left" {
  # podman 4.3 splits --annotation values on commas (a CSV string slice):
  # the quotes keep the value whole.
  run --separate-stderr prun --rm "$SANDBOX_ANNOTATION" \
    --annotation '"io.oci-sandbox-hook.shm-size=1m,size=0"' --rootfs "$ROOTFS" sh -c 'echo container-ran'
  assert_failed
  assert_not_contains "$output" container-ran "container output"
  # podman discards a precreate hook's stderr and names only the hook.
  assert_contains "$stderr" "precreate]: exit status 1" "podman's stderr"
  log_wait 'annotation io.oci-sandbox-hook.shm-size: "1m,size=0": not a quantity'
  run pm ps -aq
  assert_eq "$output" "" "containers"
  assert_eq "$(hook_dirs)" "" "hook directories"
  assert_eq "$(hook_mounts)" "" "hook mounts"
}

# ------------------------------------------- the runtime wrapper as podman's runtime

# wpm ARGS...: podman with the runtime wrapper as its OCI runtime and no
# hooks.d directory (the wrapper adds the hook's entries itself).  conmon
# starts the runtime with its own environment, which podman makes from
# containers.conf's conmon_env_vars only: the policy (test builds read
# OCI_SANDBOX_HOOK_POLICY) reaches the wrapper that way.
wpm () {
  if [ ! -x "$T/podman-wrapper" ]; then
    mkdir -p "$T/no-hooks.d"
    { cat "$T/containers.conf"
      echo "conmon_env_vars = [\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\", \"OCI_SANDBOX_HOOK_POLICY=$POLICY\"]"
    } >"$T/containers-wrapper.conf"
    sed "s|$T/containers.conf|$T/containers-wrapper.conf|" "$PODMAN" >"$T/podman-wrapper"
    chmod 755 "$T/podman-wrapper"
  fi
  "$T/podman-wrapper" --runtime "$(dirname "$HOOK")/oci-sandbox-runtime" --hooks-dir "$T/no-hooks.d" "$@"
}

@test "podman --runtime oci-sandbox-runtime: a sandbox container gets the policies, a plain one nothing" {
  run --separate-stderr wpm run --rm --network none --cgroup-parent "/$CGP" "$SANDBOX_ANNOTATION" \
    --rootfs "$ROOTFS" sh -c 'cat /proc/sys/net/ipv4/ip_unprivileged_port_start; tr "\t" " " </proc/sys/net/ipv4/ping_group_range'
  assert_status 0
  assert_eq "$output" "0
0 2147483647" "inside the sandbox"
  log_wait "sandbox ready:"
  log_wait "create: annotation io.kubernetes.cri.container-type=sandbox:"
  : >"$LOG"
  run --separate-stderr wpm run --rm --network none --cgroup-parent "/$CGP" --rootfs "$ROOTFS" \
    cat /proc/sys/net/ipv4/ip_unprivileged_port_start
  assert_status 0
  assert_eq "$output" 1024 "inside a plain container"
  sleep 0.5
  ! grep -q "sandbox ready" "$LOG" || fail "the hook ran for a plain container: $(cat "$LOG")"
  assert_eq "$(hook_dirs)" "" "hook directories"
}

@test "podman --runtime oci-sandbox-runtime: a pod's infra container is a sandbox, its app shares it" {
  wpm pod create --network none --cgroup-parent "/$CGP" --name "$POD" >/dev/null
  wpm pod start "$POD" >/dev/null
  INFRA=$(wpm pod inspect --format '{{.InfraContainerID}}' "$POD")
  IPID=$(wpm inspect --format '{{.State.Pid}}' "$INFRA")
  assert_eq "$(nsenter -t "$IPID" -n cat "$PORTS_SYSCTL")" 0 "infra ip_unprivileged_port_start"
  assert_eq "$(jq -r '.hooks.createRuntime[0].args[-1]' "$(bundle_of "$INFRA")/config.json")" \
    createRuntime "the wrapper's entry in the infra spec"
  log_wait "]: ${INFRA:0:12}: sandbox ready:"
  local c
  c=$(wpm run -d --pod "$POD" --rootfs "$ROOTFS" sleep 600)
  assert_eq "$(wpm exec "$c" cat "$PORTS_SYSCTL")" 0 "the app in the pod"
  wpm pod rm -f -t 0 "$POD" >/dev/null
  log_wait "]: ${INFRA:0:12}: poststop:"
  assert_eq "$(hook_dirs)" "" "hook directories"
  assert_eq "$(hook_mounts)" "" "hook mounts"
}

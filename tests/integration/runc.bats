#!/usr/bin/env bats
# The hook under a real runc: what a sandbox container sees from inside,
# what the host sees, what is left alone, and that nothing is left behind.

OSH_SUITE=runc
load helpers

setup () {
  osh_setup
  MADE_CGROUPS=()
}

teardown () {
  local d
  runc delete -f "$CID" >/dev/null 2>&1 || true
  for d in "${MADE_CGROUPS[@]}"; do
    [ ! -d "$d" ] || rmdir "$d" || true
  done
  osh_teardown
}

# in_cgroup_layout SCRIPT: run SCRIPT (bash) in a private mount namespace,
# where it rearranges /sys/fs/cgroup, then createRuntime and poststop of the
# hook fed by hand with the state of the container `runc create`d without
# hooks (create it with targets_exist first: its rootfs is read-only by
# then).  CPU is the v1 cpu controller's real mount point.
targets_exist () {
  touch "$BUNDLE/rootfs/etc/hostname" "$BUNDLE/rootfs/etc/hosts" "$BUNDLE/rootfs/etc/resolv.conf"
}

in_cgroup_layout () {
  runc_hook_state >"$T/creating.json"
  jq -c '.status = "stopped" | del(.pid)' "$T/creating.json" >"$T/stopped.json"
  CPU=$(readlink -f /sys/fs/cgroup/cpu) CID=$CID T=$T HOOK=$HOOK POLICY=$POLICY \
    unshare -m --propagation private bash -c 'set -eu; '"$1"'
      "$HOOK" --policy "$POLICY" createRuntime <"$T/creating.json"
      "$HOOK" --policy "$POLICY" poststop <"$T/stopped.json"' </dev/null
}

# run_in_container SCRIPT: `runc run` in the foreground; stdout is the
# container's, stderr runc's (and the hook's, when it fails).
run_in_container () {
  set_cmd "$1"
  run --separate-stderr runc run -b "$BUNDLE" "$CID" </dev/null
}

# ------------------------------------------------- what the hook relies on

@test "runc: createRuntime runs before pivot_root, after the config.json mounts" {
  add_state_dump
  run_in_container 'true'
  assert_status 0
  assert_eq "$(cat "$T/createRuntime.json.root")" / "container root at createRuntime"
  run grep -cxF "$BUNDLE/rootfs/dev/shm shm" "$T/createRuntime.json.mounts"
  assert_eq "$output" 1 "runc's /dev/shm already mounted at the rootfs path"
}

@test "runc: state is \"creating\" with a pid at createRuntime and has no pid at poststop" {
  add_state_dump
  run_in_container 'true'
  assert_status 0
  run jq -r '"\(.status) \(.pid > 0) \(.bundle)"' "$T/createRuntime.json"
  assert_eq "$output" "creating true $BUNDLE" "createRuntime state"
  run jq -r '"\(.status) \(has("pid"))"' "$T/poststop.json"
  assert_eq "$output" "stopped false" "poststop state"
}

# ------------------------------------------------------------------ inside

@test "runc: sandbox gets unprivileged ports in its own netns" {
  run_in_container 'cat /proc/sys/net/ipv4/ip_unprivileged_port_start'
  assert_status 0
  assert_eq "$output" "0" "container ip_unprivileged_port_start"
}

@test "runc: sandbox gets unprivileged ICMP for every group in its own netns" {
  run_in_container 'tr "\t" " " </proc/sys/net/ipv4/ping_group_range'
  assert_status 0
  assert_eq "$output" "0 2147483647" "container ping_group_range"
}

@test "runc: /dev/shm is the hook's tmpfs of the annotated size (128Mi)" {
  annotate io.oci-sandbox-hook.shm-size 128Mi
  run_in_container 'grep " /dev/shm " /proc/mounts | tail -n 1; grep -c " /dev/shm " /proc/mounts;
    stat -c %a /dev/shm; df -k /dev/shm | tail -n 1'
  assert_status 0
  assert_eq "$output" "shm /dev/shm tmpfs rw,nosuid,nodev,noexec,relatime,size=131072k 0 0
2
1777
shm                     131072         0    131072   0% /dev/shm" "container /dev/shm"
}

@test "runc: default /dev/shm is a 64 MiB tmpfs shared with the bundle while the container lives" {
  set_cmd 'echo written-in-the-pod >/dev/shm/pod-file; exec sleep 60'
  runc_create
  run findmnt -rn -o FSTYPE,SOURCE,OPTIONS "$BUNDLE/oci-sandbox-hook/shm"
  assert_eq "$output" "tmpfs shm rw,nosuid,nodev,noexec,relatime,size=65536k" "host-side shm mount"
  assert_eq "$(mount_count "$BUNDLE/oci-sandbox-hook/shm")" 1 "tmpfs mounts on the bundle's shm"
  runc start "$CID"
  local i
  for i in $(seq 50); do
    [ -s "$BUNDLE/oci-sandbox-hook/shm/pod-file" ] && break
    sleep 0.1
  done
  assert_eq "$(cat "$BUNDLE/oci-sandbox-hook/shm/pod-file")" "written-in-the-pod" \
    "file written in the container, read on the host"
  echo written-on-the-host >"$BUNDLE/oci-sandbox-hook/shm/host-file"
  assert_eq "$(cat "/proc/$PID/root/dev/shm/host-file")" "written-on-the-host" \
    "file written on the host, read in the container"
  runc delete -f "$CID"
  assert_nothing_left
}

@test "runc: resolv.conf from the pod's DNS annotations" {
  annotate io.oci-sandbox-hook.dns-servers "192.0.2.1, 2001:db8::0:1"
  # A fully qualified search (trailing dot) as Kubernetes takes it.
  annotate io.oci-sandbox-hook.dns-searches "svc.cluster.local,cluster.local,example.com."
  annotate io.oci-sandbox-hook.dns-options "ndots:5,edns0"
  run_in_container 'cat /etc/resolv.conf; echo "<EOF>"'
  assert_status 0
  assert_eq "$output" "search svc.cluster.local cluster.local example.com.
nameserver 192.0.2.1
nameserver 2001:db8::1
options ndots:5 edns0
<EOF>" "container /etc/resolv.conf"
}

@test "runc: resolv.conf from the policy's node DNS" {
  write_policy '{"dns": {"servers": ["192.0.2.53"], "searches": ["example.test"],
                         "options": ["ndots:2"]}}'
  run_in_container 'cat /etc/resolv.conf; echo "<EOF>"'
  assert_status 0
  assert_eq "$output" "search example.test
nameserver 192.0.2.53
options ndots:2
<EOF>" "container /etc/resolv.conf"
}

@test "runc: resolv.conf copied from the policy's resolv_conf file" {
  printf 'nameserver 198.51.100.7\n# node file, kept verbatim\noptions rotate\n' >"$T/resolv.src"
  write_policy "$(jq -n --arg f "$T/resolv.src" '{resolv_conf: $f}')"
  run_in_container 'cat /etc/resolv.conf; echo "<EOF>"'
  assert_status 0
  assert_eq "$output" "nameserver 198.51.100.7
# node file, kept verbatim
options rotate
<EOF>" "container /etc/resolv.conf"
}

@test "runc: hosts copied from the policy's hosts file" {
  printf '127.0.0.1\tlocalhost\n192.0.2.10\tregistry.test\n' >"$T/hosts.src"
  write_policy "$(jq -n --arg f "$T/hosts.src" '{hosts: $f}')"
  run_in_container 'cat /etc/hosts; echo "<EOF>"'
  assert_status 0
  assert_eq "$output" "$(printf '127.0.0.1\tlocalhost\n192.0.2.10\tregistry.test\n<EOF>')" \
    "container /etc/hosts"
}

@test "runc: hostname file from config.json hostname" {
  cfg '.hostname = "pod-a1.example"'
  run_in_container 'cat /etc/hostname; echo "<EOF>"; hostname'
  assert_status 0
  assert_eq "$output" "pod-a1.example
<EOF>
pod-a1.example" "container /etc/hostname and UTS name"
}

@test "runc: generated /etc files are read-only in the container" {
  run_in_container 'for f in /etc/hostname /etc/hosts /etc/resolv.conf; do
      if echo x 2>/dev/null >>"$f"; then echo "$f writable"; else echo "$f read-only"; fi
    done
    awk "\$5 ~ /^\\/etc\\// { print \$5, \$6 }" /proc/self/mountinfo'
  assert_status 0
  assert_eq "$output" "/etc/hostname read-only
/etc/hosts read-only
/etc/resolv.conf read-only
/etc/hostname ro,nosuid,nodev,noexec,relatime
/etc/hosts ro,nosuid,nodev,noexec,relatime
/etc/resolv.conf ro,nosuid,nodev,noexec,relatime" "writes and mount options"
}

# -------------------------------------------------------------- from the host

@test "runc: sandbox cgroup gets cpu.shares 2" {
  set_cmd 'exec sleep 60'
  runc_create
  assert_eq "$(cat "/sys/fs/cgroup/cpu/$CID/cpu.shares")" 2 "cpu.shares"
}

@test "runc: sandbox cgroup under linux.cgroupsPath gets cpu.shares 2" {
  cfg --arg p "/osh-it-$CID" '.linux.cgroupsPath = $p'
  set_cmd 'exec sleep 60'
  runc_create
  assert_eq "$(cat "/sys/fs/cgroup/cpu/osh-it-$CID/cpu.shares")" 2 "cpu.shares"
  runc delete -f "$CID"
  assert_eq "$(settle_cgroup "/osh-it-$CID")" "" "the cgroup after delete"
}

@test "runc: a cpu controller mounted away from /sys/fs/cgroup/cpu is found through the mount table" {
  cfg '.hooks = {}'
  set_cmd 'exec sleep 60'
  targets_exist
  runc_create
  mkdir "$T/cpuctl"
  run in_cgroup_layout 'mount --bind "$CPU" "$T/cpuctl"; mount -t tmpfs osh-hide /sys/fs/cgroup'
  assert_status 0
  assert_eq "$(cat "/sys/fs/cgroup/cpu/$CID/cpu.shares")" 2 "cpu.shares"
  log_wait "cpu_shares: $T/cpuctl/$CID/cpu.shares = 2"
  runc delete -f "$CID"
  assert_nothing_left
}

@test "runc: a cpu hierarchy mounted from a subtree (a nested engine's v1 layout) is found through the mount table" {
  local cpu
  cpu=$(readlink -f /sys/fs/cgroup/cpu)
  # runc makes /osh-it-ID/inner in every hierarchy and removes only inner.
  local h
  for h in /sys/fs/cgroup/*/; do
    MADE_CGROUPS+=("${h}osh-it-$CID")
  done
  cfg --arg p "/osh-it-$CID/inner" '.linux.cgroupsPath = $p | .hooks = {}'
  set_cmd 'exec sleep 60'
  targets_exist
  runc_create
  mkdir "$T/sub"
  # /sys/fs/cgroup/cpu shows only /osh-it-ID: /proc/PID/cgroup's path is not below it as it is.
  run in_cgroup_layout 'mount --bind "$CPU/osh-it-$CID" "$T/sub"; umount -l "$CPU"; mount --move "$T/sub" "$CPU"'
  assert_status 0
  assert_eq "$(cat "$cpu/osh-it-$CID/inner/cpu.shares")" 2 "cpu.shares"
  log_wait "cpu_shares: $cpu/inner/cpu.shares = 2"
  runc delete -f "$CID"
  assert_nothing_left
  local d left=""
  for d in "${MADE_CGROUPS[@]}"; do
    [ ! -d "$d" ] || rmdir "$d" || left+="$d "
  done
  assert_eq "$left" "" "cgroups left"
}

@test "runc: a cgroup that merely has the container's name, where it is not, is never written" {
  local cpu
  cpu=$(readlink -f /sys/fs/cgroup/cpu)
  # A hierarchy mounted from /osh-decoy-ID, holding a cgroup named like the container's.
  MADE_CGROUPS+=("$cpu/osh-decoy-$CID/$CID" "$cpu/osh-decoy-$CID")
  mkdir -p "$cpu/osh-decoy-$CID/$CID"
  cfg '.hooks = {}'
  set_cmd 'exec sleep 60'
  targets_exist
  runc_create
  mkdir "$T/sub"
  run in_cgroup_layout 'mount --bind "$CPU/osh-decoy-$CID" "$T/sub"; umount -l "$CPU"; mount --move "$T/sub" "$CPU"'
  assert_failed
  assert_contains "$output" "cpu_shares: cgroup path /$CID is outside the mounted hierarchy /osh-decoy-$CID" "the refusal"
  assert_eq "$(cat "$cpu/osh-decoy-$CID/$CID/cpu.shares")" 1024 "the decoy's cpu.shares"
  assert_eq "$(cat "$cpu/$CID/cpu.shares")" 1024 "the container's cpu.shares"
  runc delete -f "$CID"
  assert_nothing_left
}

@test "runc: oom_score_adj is restricted to the runtime's own score without CAP_SYS_RESOURCE" {
  set_cmd 'exec sleep 60'
  runc_create
  assert_eq "$(cat "/proc/$PID/oom_score_adj")" "$OWN_OOM" "container oom_score_adj"
  log_wait "oom_score_adj: $OWN_OOM (restricted to the hook's own score $OWN_OOM"
}

@test "runc: oom_score_adj follows a raised runtime score of 300" {
  set_cmd 'cat /proc/self/oom_score_adj'
  run --separate-stderr bash -c 'echo 300 >/proc/self/oom_score_adj && exec runc run -b "$1" "$2"' \
    bash "$BUNDLE" "$CID" </dev/null
  assert_status 0
  assert_eq "$output" 300 "container oom_score_adj"
  log_wait "oom_score_adj: 300 (restricted to the hook's own score 300"
}

@test "runc: policy oom_score_adj 500 above the runtime's 300 is really written" {
  write_policy '{"oom_score_adj": 500}'
  set_cmd 'cat /proc/self/oom_score_adj'
  run --separate-stderr bash -c 'echo 300 >/proc/self/oom_score_adj && exec runc run -b "$1" "$2"' \
    bash "$BUNDLE" "$CID" </dev/null
  assert_status 0
  assert_eq "$output" 500 "container oom_score_adj"
  log_wait "oom_score_adj: 500 (policy value, not below the hook's own score 300"
}

# ------------------------------------------------------ config.json wins

# 1000, not the kernel default 1024, so that the value proves runc applied
# config.json (runc writes linux.sysctl after the hooks).
@test "runc: config linux.sysctl ip_unprivileged_port_start is left alone" {
  cfg '.linux.sysctl = {"net.ipv4.ip_unprivileged_port_start": "1000"}'
  run_in_container 'cat /proc/sys/net/ipv4/ip_unprivileged_port_start'
  assert_status 0
  assert_eq "$output" 1000 "container ip_unprivileged_port_start"
  log_wait "unprivileged_ports: skip: set in config.json linux.sysctl"
}

@test "runc: config process.oomScoreAdj 400 is left alone" {
  cfg '.process.oomScoreAdj = 400'
  run_in_container 'cat /proc/self/oom_score_adj'
  assert_status 0
  assert_eq "$output" 400 "container oom_score_adj"
  log_wait "oom_score_adj: skip: set in config.json process.oomScoreAdj (400)"
}

@test "runc: config linux.resources.cpu.shares 512 is left alone" {
  cfg '.linux.resources.cpu = {"shares": 512}'
  set_cmd 'exec sleep 60'
  runc_create
  assert_eq "$(cat "/sys/fs/cgroup/cpu/$CID/cpu.shares")" 512 "cpu.shares"
  log_wait "cpu_shares: skip: set in config.json linux.resources.cpu.shares (512)"
}

@test "runc: a config.json mount on /etc/resolv.conf is left alone" {
  printf 'nameserver 203.0.113.9\n' >"$T/engine-resolv.conf"
  cfg --arg src "$T/engine-resolv.conf" \
    '.mounts += [{destination: "/etc/resolv.conf", type: "bind", source: $src,
                  options: ["rbind", "ro"]}]'
  run_in_container 'cat /etc/resolv.conf; echo "<EOF>"'
  assert_status 0
  assert_eq "$output" "nameserver 203.0.113.9
<EOF>" "container /etc/resolv.conf"
  log_wait "resolv_conf: skip: config.json mounts /etc/resolv.conf: the engine owns it"
  [ ! -e "$BUNDLE/oci-sandbox-hook" ]
}

# --------------------------------------------------------- not touched

@test "runc: a plain container is untouched" {
  not_a_sandbox
  set_cmd 'exec sleep 60'
  runc_create
  [ ! -e "$BUNDLE/oci-sandbox-hook" ] || fail "hook directory created for a plain container"
  assert_eq "$(nsenter -t "$PID" -n cat "$PORTS_SYSCTL")" 1024 "ip_unprivileged_port_start"
  assert_eq "$(nsenter -t "$PID" -n cat "$PING_SYSCTL" | tr '\t' ' ')" "1 0" "ping_group_range"
  assert_eq "$(cat "/sys/fs/cgroup/cpu/$CID/cpu.shares")" 1024 "cpu.shares"
  assert_eq "$(awk '$5 == "/dev/shm"' "/proc/$PID/mountinfo" | wc -l)" 1 "/dev/shm mounts"
  [ ! -e "$BUNDLE/rootfs/etc/hostname" ] || fail "rootfs /etc/hostname created"
  runc delete -f "$CID"
  assert_nothing_left
  # At debug level the hook says why it did nothing, and nothing else.
  log_wait "not a sandbox or a pod member: no sandbox annotation or command of the policy matches"
  ! grep -v -e "not a sandbox" -e "poststop: nothing to clean up" "$LOG" \
    || fail "other log lines for a plain container"
}

@test "runc: a hostNetwork sandbox gets no sysctls and the host's stay unchanged" {
  drop_namespace network
  run_in_container 'cat /proc/sys/net/ipv4/ip_unprivileged_port_start;
    tr "\t" " " </proc/sys/net/ipv4/ping_group_range'
  assert_status 0
  assert_eq "$output" "$HOST_PORTS
$(tr '\t' ' ' <<<"$HOST_PING")" "sysctls seen in the host netns"
  assert_eq "$(cat "$PORTS_SYSCTL")" "$HOST_PORTS" "host ip_unprivileged_port_start"
  assert_eq "$(cat "$PING_SYSCTL")" "$HOST_PING" "host ping_group_range"
  log_wait "unprivileged_ports: skip: the container has no network namespace of its own"
  log_wait "unprivileged_icmp: skip: the container has no network namespace of its own"
  log_wait "sandbox ready:"
}

@test "runc: a host-IPC sandbox gets no tmpfs and sees the host's /dev/shm" {
  drop_namespace ipc
  set_cmd 'exec sleep 60'
  runc_create
  [ -d "$BUNDLE/oci-sandbox-hook" ] || fail "the hook did not run"
  [ ! -e "$BUNDLE/oci-sandbox-hook/shm" ] || fail "a shm directory in the bundle"
  # The hook's own tmpfs only: no pod shm tmpfs.
  assert_eq "$(mounts_below "$T")" "$BUNDLE/oci-sandbox-hook" "mounts below the test directory"
  assert_eq "$(stat -L -c '%d %i' "/proc/$PID/root/dev/shm")" "$(stat -L -c '%d %i' /dev/shm)" \
    "container /dev/shm identity"
  log_wait "shm: host /dev/shm (host IPC namespace: bind the host's /dev/shm, no tmpfs)"
}

# ---------------------------------------------------------------- cleanup

@test "runc: nothing of the hook remains after runc run exits" {
  run_in_container 'grep -c " /dev/shm " /proc/mounts'
  assert_status 0
  assert_eq "$output" 2 "/dev/shm mounts in the container"
  assert_nothing_left
  log_wait "poststop: detached the oci-sandbox-hook tmpfs, removed its directory"
}

@test "runc: nothing of the hook remains after runc delete" {
  set_cmd 'exec sleep 60'
  runc_create
  [ -f "$BUNDLE/oci-sandbox-hook/resolv.conf" ] || fail "the hook did not run"
  assert_eq "$(mount_count "$BUNDLE/oci-sandbox-hook/shm")" 1 "tmpfs mounts on the bundle's shm"
  runc delete -f "$CID"
  assert_nothing_left
}

@test "runc: poststop on an already-clean bundle succeeds" {
  run_in_container 'true'
  assert_status 0
  assert_nothing_left
  run --separate-stderr "$HOOK" --policy "$POLICY" poststop <<<"$(state_json stopped 0)"
  assert_status 0
  assert_eq "$stderr" "" "stderr"
  run --separate-stderr "$HOOK" --policy "$POLICY" poststop \
    <<<"$(state_json stopped 0 "$T/no-such-bundle")"
  assert_status 0
}

@test "runc: the not-a-sandbox fast path reads config.json's command only; a command the policy names gets the full parse" {
  # A duplicate key the full parse refuses, after the command.
  local cfg_json
  cfg_json=$(jq -c '.process.args = ["/bin/sh"] | del(.annotations)' "$BUNDLE/config.json")
  printf '%s' "${cfg_json%\}}" >"$BUNDLE/config.json"
  printf ',"linux":{}}' >>"$BUNDLE/config.json"
  local state
  state=$(jq -cn --arg b "$BUNDLE" --arg id "$CID" \
    '{ociVersion: "1.0.2", id: $id, status: "creating", pid: 1, bundle: $b, annotations: {}}')
  run --separate-stderr "$HOOK" --policy "$POLICY" createRuntime <<<"$state"
  assert_status 0
  [ ! -e "$BUNDLE/oci-sandbox-hook" ] || fail "the hook acted on a plain container"
  log_wait "not a sandbox or a pod member: no sandbox annotation or command of the policy matches"
  # podman's infra command: now the whole document counts, and is refused.
  sed -i 's|"/bin/sh"|"/catatonit"|' "$BUNDLE/config.json"
  run --separate-stderr "$HOOK" --policy "$POLICY" createRuntime <<<"$state"
  assert_failed
  assert_contains "$stderr" "duplicate" "the full parse's refusal"
  [ ! -e "$BUNDLE/oci-sandbox-hook" ] || fail "the hook acted on a refused config.json"
}

@test "runc: a CRI app container that runs /catatonit is not a sandbox (the engine's annotation decides)" {
  cfg --arg k "$SANDBOX_KEY" '.process.args = ["/catatonit", "-P"] | .annotations = {($k): "container"}'
  local state
  state=$(jq -cn --arg b "$BUNDLE" --arg id "$CID" --arg k "$SANDBOX_KEY" \
    '{ociVersion: "1.0.2", id: $id, status: "creating", pid: 1, bundle: $b, annotations: {($k): "container"}}')
  run --separate-stderr "$HOOK" --policy "$POLICY" createRuntime <<<"$state"
  assert_status 0
  [ ! -e "$BUNDLE/oci-sandbox-hook" ] || fail "an app container got the sandbox's treatment"
  log_wait "not a sandbox or a pod member: annotation $SANDBOX_KEY=container: the engine says it is not a sandbox"
}

@test "runc: the hook's directory is a 4 MiB tmpfs of its own, the pod's shm below it" {
  set_cmd 'exec sleep 60'
  runc_create
  local dir="$BUNDLE/oci-sandbox-hook"
  assert_eq "$(findmnt -n -o FSTYPE,OPTIONS "$dir" | tr -s ' ' | sed 's/,inode64//')" \
    "tmpfs rw,nosuid,nodev,noexec,relatime,size=4096k,nr_inodes=16,mode=700" "the hook's tmpfs"
  assert_eq "$(findmnt -n -o FSTYPE "$dir/shm")" tmpfs "the pod's shm"
  assert_eq "$(stat -c '%U %a' "$dir")" "root 700" "the hook's directory"
  runc delete -f "$CID"
  assert_nothing_left
}

@test "runc: poststop cleans up the directory layout of an older build (files and shm straight in the bundle)" {
  # What builds before the hook's own tmpfs left for a running pod.
  local dir="$BUNDLE/oci-sandbox-hook"
  mkdir -m 0700 "$dir" "$dir/shm"
  printf 'runc\n' >"$dir/hostname"
  printf '127.0.0.1 localhost\n' >"$dir/hosts"
  printf 'nameserver 192.0.2.53\n' >"$dir/resolv.conf"
  printf 'dir oci-sandbox-hook\n' >"$dir/record"
  mount -t tmpfs -o size=1m,mode=1777 shm "$dir/shm"
  run --separate-stderr "$HOOK" --policy "$POLICY" poststop <<<"$(state_json stopped 0)"
  assert_status 0
  assert_nothing_left
  log_wait "poststop: unmounted the shm tmpfs, removed the pod's files and the oci-sandbox-hook directory"
}

@test "runc: createRuntime fed twice by hand after runc create stacks nothing" {
  annotate io.oci-sandbox-hook.shm-size 32Mi
  set_cmd 'exec sleep 60'
  runc_create
  local state
  state=$(runc_hook_state)
  assert_contains "$state" '"status":"created"'
  run --separate-stderr "$HOOK" --policy "$POLICY" createRuntime <<<"$state"
  assert_status 0
  run --separate-stderr "$HOOK" --policy "$POLICY" createRuntime <<<"$state"
  assert_status 0
  assert_eq "$(mount_count "$BUNDLE/oci-sandbox-hook/shm")" 1 "tmpfs mounts on the bundle's shm"
  assert_eq "$(awk '$5 == "/dev/shm"' "/proc/$PID/mountinfo" | wc -l)" 2 \
    "/dev/shm mounts in the container (runc's and the hook's)"
  assert_eq "$(awk '$5 == "/etc/hostname"' "/proc/$PID/mountinfo" | wc -l)" 1 \
    "/etc/hostname mounts in the container"
  # The container's /dev/shm is the tmpfs of the last run.
  echo third-run >"$BUNDLE/oci-sandbox-hook/shm/marker"
  assert_eq "$(cat "/proc/$PID/root/dev/shm/marker")" third-run "container /dev/shm content"
  runc delete -f "$CID"
  assert_nothing_left
}

@test "runc: the hook configured as prestart and createRuntime stacks nothing" {
  cfg '.hooks.prestart = .hooks.createRuntime'
  run_in_container 'grep -c " /dev/shm " /proc/mounts; grep -c " /etc/hostname " /proc/mounts'
  assert_status 0
  assert_eq "$output" "2
1" "/dev/shm and /etc/hostname mounts in the container"
  log_wait "earlier run cleaned up: detached the oci-sandbox-hook tmpfs, removed its directory"
  assert_nothing_left
}

# ------------------------------------------------------------ logs, plan

@test "runc: log lines carry the short container id and a sandbox ready summary" {
  run_in_container 'true'
  assert_status 0
  local short=${CID:0:12}
  [ "$short" != "$CID" ] || fail "test id too short to show truncation"
  log_wait "]: $short: sandbox ready: /etc/hostname /etc/hosts /etc/resolv.conf shm=67108864 ip_unprivileged_port_start=0 ping_group_range=0 2147483647 oom_score_adj=$OWN_OOM cpu.shares=2"
  log_wait "]: $short: poststop: "
  run grep -c "oci-sandbox-hook\[[0-9]*\]: $short: " "$LOG"
  assert_eq "$output" "$(wc -l <"$LOG")" "lines with the short id"
  run grep -c "]: $CID" "$LOG"
  assert_eq "$output" 0 "lines prefixed with the full id"
}

@test "runc: a control character in a pod value reaches no log line or stderr raw" {
  # The engine's container-type annotation with another value is quoted in
  # the debug line that says why the container is not a sandbox: ESC (a
  # terminal escape), BEL, DEL, U+009B (CSI, as UTF-8), CR and LF.
  local value=$'container\e[2K\e[1A\a\x7f\xc2\x9bforged\rx\ny'
  local shown='container\x1b[2K\x1b[1A\x07\x7f\xc2\x9bforged x y: the engine says it is not a sandbox'
  local raw=$'[\x01-\x08\x0b-\x1f\x7f]\|\xc2[\x80-\x9f]'
  annotate "$SANDBOX_KEY" "$value"
  run_in_container 'true'
  assert_status 0
  log_wait "not a sandbox or a pod member: annotation $SANDBOX_KEY=$shown"
  run env LC_ALL=C grep -c "$raw" "$LOG"
  assert_eq "$output" 0 "log lines with a raw control character"
  # The same line mirrored on stderr (--log-stderr), as runc shows a hook's.
  state_json creating "$(dead_pid)" | jq -c --arg k "$SANDBOX_KEY" --arg v "$value" \
    '.annotations[$k] = $v' >"$T/state.json"
  run --separate-stderr "$HOOK" --policy "$POLICY" --log-stderr createRuntime <"$T/state.json"
  assert_status 0
  assert_contains "$stderr" "$shown" "stderr"
  run env LC_ALL=C grep -c "$raw" <<<"$stderr"
  assert_eq "$output" 0 "stderr lines with a raw control character"
}

@test "runc: a slow syslog reader still gets every line of a debug run" {
  # Such a socket holds net.unix.max_dgram_qlen datagrams (10 here), fewer
  # than a debug run sends: the hook waits for room (a bounded time).
  /usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
time.sleep(0.3)
s.settimeout(3)
with open(sys.argv[2], "w") as out:
    while True:
        try:
            out.write(s.recv(4096).decode() + "\n")
            out.flush()
        except socket.timeout:
            break
' "$T/slow.sock" "$T/slow.log" &
  local reader=$!
  for _ in $(seq 50); do [ -S "$T/slow.sock" ] && break; sleep 0.1; done
  write_policy "$(jq -n --arg s "$T/slow.sock" '{log_socket: $s}')"
  run_in_container 'true'
  assert_status 0
  wait "$reader"
  assert_contains "$(cat "$T/slow.log")" "sandbox ready: " "the slow reader's log"
  assert_contains "$(cat "$T/slow.log")" "poststop: detached the oci-sandbox-hook tmpfs" "the slow reader's log"
}

@test "runc: a syslog socket nobody reads does not hold the pod start" {
  /usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
time.sleep(60)
' "$T/stuck.sock" &
  local reader=$!
  for _ in $(seq 50); do [ -S "$T/stuck.sock" ] && break; sleep 0.1; done
  write_policy "$(jq -n --arg s "$T/stuck.sock" '{log_socket: $s}')"
  run_in_container 'echo started'
  kill "$reader"
  wait "$reader" || true
  assert_status 0
  assert_eq "$output" started "the container's output"
  assert_nothing_left
}

@test "runc: plan stage prints the decisions for a sandbox and changes nothing" {
  run --separate-stderr "$HOOK" --policy "$POLICY" plan --bundle "$BUNDLE"
  assert_status 0
  # Decisions by action name: actions added later do not break this test.
  run jq -r '(.actions | map({key: .action, value: .}) | from_entries) as $a
    | [.sandbox, ($a.sysctl_check.decision), ($a.hostname.decision), ($a.hosts.decision),
       ($a.resolv_conf.decision), ($a.shm.decision), ($a.shm.size),
       ($a.unprivileged_ports.decision), ($a.unprivileged_ports.value),
       ($a.unprivileged_icmp.decision), ($a.unprivileged_icmp.value),
       ($a.oom_score_adj.decision), ($a.cpu_shares.decision), ($a.cpu_shares.shares),
       ($a.hostname.content | @json)]
    | map(tostring) | join("|")' <<<"$output"
  assert_eq "$output" "true|skip|apply|apply|apply|apply|67108864|apply|0|apply|0 2147483647|apply|apply|2|\"runc\\n\"" "decisions and parameters"
  [ ! -e "$BUNDLE/oci-sandbox-hook" ] || fail "plan created the hook directory"
  assert_eq "$(mounts_below "$T")" "" "mounts"
}

@test "runc: plan stage says sandbox false for a plain container" {
  not_a_sandbox
  run --separate-stderr "$HOOK" --policy "$POLICY" plan --bundle "$BUNDLE"
  assert_status 0
  run jq -c '[.sandbox, (.actions | length)]' <<<"$output"
  assert_eq "$output" "[false,0]" "sandbox and action count"
  [ ! -e "$BUNDLE/oci-sandbox-hook" ] || fail "plan created the hook directory"
}

# ------------------------------------------------------- user namespaces

@test "runc: under a user namespace ICMP is clamped to the mapped gids, as the container sees them" {
  # The kernel reads ping_group_range gids in the writer's user namespace:
  # the hook writes from inside the container's, so "0 65535" means the
  # container's gids 0-65535 (host 100000-165535).
  with_userns
  run_in_container 'tr "\t" " " </proc/sys/net/ipv4/ping_group_range; cat /proc/sys/net/ipv4/ip_unprivileged_port_start'
  assert_status 0
  assert_eq "${lines[0]}" "0 65535" "container ping_group_range under a user namespace"
  assert_eq "${lines[1]}" "0" "container ip_unprivileged_port_start under a user namespace"
}

# ------------------------------------------------------ cgroup v2 (fake tree)

@test "runc: cgroup v2 cpu.weight is written on the container's own cgroup (faithful fake tree)" {
  # These hosts cannot give cgroup v2 the cpu controller; the policy's
  # cgroup_root points at a tree laid out as cgroup2 is, and the hook finds
  # the container's cgroup from its real "0::" line of /proc/PID/cgroup.
  local fake="$T/cgroup2"
  mkdir -p "$fake/$CID"
  printf 'cpuset cpu io memory pids\n' >"$fake/cgroup.controllers"
  : >"$fake/$CID/cpu.weight"
  # The container's init is the one process a fake cgroup.procs cannot
  # list ahead of time; the hook never counts the init anyway.
  : >"$fake/$CID/cgroup.procs"
  write_policy "{\"cgroup_root\": \"$fake\", \"cpu_shares\": 1024}"
  runc_create
  assert_eq "$(sed -n 's/^0:://p' "/proc/$PID/cgroup")" "/$CID" "the container's cgroup v2 path"
  assert_eq "$(cat "$fake/$CID/cpu.weight")" "100" "cpu.weight for 1024 shares"
  runc delete -f "$CID"
}

@test "runc: cgroup v2 default shares 2 become cpu.weight 1" {
  local fake="$T/cgroup2"
  mkdir -p "$fake/$CID"
  printf 'cpu memory\n' >"$fake/cgroup.controllers"
  : >"$fake/$CID/cpu.weight"
  : >"$fake/$CID/cgroup.procs"
  write_policy "{\"cgroup_root\": \"$fake\"}"
  runc_create
  assert_eq "$(cat "$fake/$CID/cpu.weight")" "1" "cpu.weight for 2 shares"
  runc delete -f "$CID"
}

@test "runc: a cgroup v2 cgroup that holds a host process is never written (faithful fake tree)" {
  local fake="$T/cgroup2"
  mkdir -p "$fake/$CID"
  printf 'cpu memory\n' >"$fake/cgroup.controllers"
  printf '250\n' >"$fake/$CID/cpu.weight"
  # This shell: a process of the host's pid namespace, not the container's.
  printf '%s\n' "$$" >"$fake/$CID/cgroup.procs"
  write_policy "{\"cgroup_root\": \"$fake\"}"
  runc_create
  assert_eq "$(cat "$fake/$CID/cpu.weight")" "250" "cpu.weight of a shared cgroup"
  log_wait "cpu_shares: skip: the container's cgroup holds other processes (1)"
  runc delete -f "$CID"
}

#!/usr/bin/env bats
# The hook under a real crun.  crun refuses hybrid cgroups, so every crun
# command runs in a private mount namespace without /sys/fs/cgroup/unified
# (crun_sh), and each create/inspect/delete sequence runs in ONE such
# namespace: the hook's host-side tmpfs lives there.  crun discards hook
# output; the run.oci.hooks.stderr annotation sends it to a file.

OSH_SUITE=crun
OSH_RUNTIME=crun
load helpers

setup () {
  osh_setup
  annotate run.oci.hooks.stderr "$T/hooks.err"
}

teardown () {
  osh_teardown
}

# Appended to every crun_sh script: what is left mounted below T in that
# namespace, into T/ns-left (checked by assert_ns_clean).
NS_LEFT='findmnt -rn -o TARGET | grep -F "$T/" >"$T/ns-left" || true'

assert_ns_clean () {
  [ -f "$T/ns-left" ] || fail "the namespace check did not run"
  [ ! -s "$T/ns-left" ] || fail "mounts left in crun's namespace: $(cat "$T/ns-left")"
  assert_nothing_left
}

# crun_in_container SCRIPT: `crun run` in the foreground; stdout is the
# container's.
crun_in_container () {
  set_cmd "$1"
  run --separate-stderr crun_sh 'rc=0; crun run -b "$BUNDLE" "$CID" || rc=$?; '"$NS_LEFT"'; exit $rc'
}

@test "crun: createRuntime runs before pivot_root, after the config.json mounts" {
  add_state_dump
  crun_in_container 'true'
  assert_status 0
  assert_eq "$(cat "$T/createRuntime.json.root")" / "container root at createRuntime"
  run grep -cxF "$BUNDLE/rootfs/dev/shm shm" "$T/createRuntime.json.mounts"
  assert_eq "$output" 1 "crun's /dev/shm already mounted at the rootfs path"
  assert_ns_clean
}

@test "crun: state is \"created\" with a pid at createRuntime and pid 0 at poststop" {
  add_state_dump
  crun_in_container 'true'
  assert_status 0
  run jq -r '"\(.status) \(.pid > 0) \(.bundle)"' "$T/createRuntime.json"
  assert_eq "$output" "created true $BUNDLE" "createRuntime state"
  run jq -r '"\(.status) \(.pid)"' "$T/poststop.json"
  assert_eq "$output" "stopped 0" "poststop state"
}

@test "crun: sandbox gets unprivileged ports and ICMP in its own netns" {
  crun_in_container 'cat /proc/sys/net/ipv4/ip_unprivileged_port_start;
    tr "\t" " " </proc/sys/net/ipv4/ping_group_range'
  assert_status 0
  assert_eq "$output" "0
0 2147483647" "container sysctls"
  assert_ns_clean
}

@test "crun: /dev/shm is the hook's tmpfs of the annotated size (128Mi)" {
  annotate io.oci-sandbox-hook.shm-size 128Mi
  crun_in_container 'grep " /dev/shm " /proc/mounts | tail -n 1; grep -c " /dev/shm " /proc/mounts;
    stat -c %a /dev/shm'
  assert_status 0
  assert_eq "$output" "shm /dev/shm tmpfs rw,nosuid,nodev,noexec,relatime,size=131072k 0 0
2
1777" "container /dev/shm"
  assert_ns_clean
}

@test "crun: /dev/shm is shared with the bundle while the container lives" {
  set_cmd 'echo written-in-the-pod >/dev/shm/pod-file; exec sleep 60'
  run --separate-stderr crun_sh '
    crun create -b "$BUNDLE" "$CID" >"$T/create.out" 2>&1
    findmnt -rn -o FSTYPE,SOURCE,OPTIONS "$BUNDLE/oci-sandbox-hook/shm"
    crun start "$CID"
    for i in $(seq 50); do [ -s "$BUNDLE/oci-sandbox-hook/shm/pod-file" ] && break; sleep 0.1; done
    cat "$BUNDLE/oci-sandbox-hook/shm/pod-file"
    crun delete -f "$CID"
    '"$NS_LEFT"
  assert_status 0
  assert_eq "$output" "tmpfs shm rw,nosuid,nodev,noexec,relatime,size=65536k
written-in-the-pod" "host-side shm mount and the file written in the container"
  assert_ns_clean
}

@test "crun: resolv.conf from the pod's DNS annotations, hostname from config.json, read-only" {
  annotate io.oci-sandbox-hook.dns-servers "192.0.2.1"
  annotate io.oci-sandbox-hook.dns-searches "svc.cluster.local"
  cfg '.hostname = "crun-pod"'
  crun_in_container 'cat /etc/resolv.conf /etc/hostname; echo "<EOF>"
    for f in /etc/hostname /etc/hosts /etc/resolv.conf; do
      if echo x 2>/dev/null >>"$f"; then echo "$f writable"; else echo "$f read-only"; fi
    done'
  assert_status 0
  assert_eq "$output" "search svc.cluster.local
nameserver 192.0.2.1
crun-pod
<EOF>
/etc/hostname read-only
/etc/hosts read-only
/etc/resolv.conf read-only" "container /etc files"
  assert_ns_clean
}

@test "crun: sandbox cgroup gets cpu.shares 2 and the restricted oom_score_adj" {
  set_cmd 'exec sleep 60'
  run --separate-stderr crun_sh '
    crun create -b "$BUNDLE" "$CID" >"$T/create.out" 2>&1
    pid=$(crun state "$CID" | jq -r .pid)
    cat "/sys/fs/cgroup/cpu/$CID/cpu.shares" "/proc/$pid/oom_score_adj"
    crun delete -f "$CID"
    '"$NS_LEFT"
  assert_status 0
  assert_eq "$output" "2
$OWN_OOM" "cpu.shares and oom_score_adj"
  assert_ns_clean
}

@test "crun: policy oom_score_adj 500 above the runtime's 300 is really written" {
  write_policy '{"oom_score_adj": 500}'
  set_cmd 'cat /proc/self/oom_score_adj'
  run --separate-stderr crun_sh \
    'echo 300 >/proc/self/oom_score_adj; crun run -b "$BUNDLE" "$CID"; '"$NS_LEFT"
  assert_status 0
  assert_eq "$output" 500 "container oom_score_adj"
  assert_ns_clean
}

# crun writes linux.sysctl before the hooks: only the hook's own skip keeps
# config.json's value.
@test "crun: config linux.sysctl, oomScoreAdj and cpu.shares are left alone" {
  cfg '.linux.sysctl = {"net.ipv4.ip_unprivileged_port_start": "1000"}
       | .process.oomScoreAdj = 400 | .linux.resources.cpu = {"shares": 512}'
  set_cmd 'exec sleep 60'
  run --separate-stderr crun_sh '
    crun create -b "$BUNDLE" "$CID" >"$T/create.out" 2>&1
    pid=$(crun state "$CID" | jq -r .pid)
    nsenter -t "$pid" -n cat /proc/sys/net/ipv4/ip_unprivileged_port_start
    cat "/proc/$pid/oom_score_adj" "/sys/fs/cgroup/cpu/$CID/cpu.shares"
    crun delete -f "$CID"
    '"$NS_LEFT"
  assert_status 0
  assert_eq "$output" "1000
400
512" "sysctl, oom_score_adj and cpu.shares"
  log_wait "unprivileged_ports: skip: set in config.json linux.sysctl"
  assert_ns_clean
}

@test "crun: a plain container is untouched" {
  not_a_sandbox
  set_cmd 'exec sleep 60'
  run --separate-stderr crun_sh '
    crun create -b "$BUNDLE" "$CID" >"$T/create.out" 2>&1
    pid=$(crun state "$CID" | jq -r .pid)
    ls -A "$BUNDLE"
    nsenter -t "$pid" -n cat /proc/sys/net/ipv4/ip_unprivileged_port_start
    cat "/sys/fs/cgroup/cpu/$CID/cpu.shares"
    crun delete -f "$CID"
    ls -A "$BUNDLE"
    '"$NS_LEFT"
  assert_status 0
  assert_eq "$output" "config.json
rootfs
1024
1024
config.json
rootfs" "bundle, sysctl, cpu.shares"
  assert_ns_clean
}

@test "crun: a hostNetwork sandbox gets no sysctls and the host's stay unchanged" {
  drop_namespace network
  crun_in_container 'cat /proc/sys/net/ipv4/ip_unprivileged_port_start'
  assert_status 0
  assert_eq "$output" "$HOST_PORTS" "ip_unprivileged_port_start seen in the host netns"
  assert_eq "$(cat "$PORTS_SYSCTL")" "$HOST_PORTS" "host ip_unprivileged_port_start"
  assert_eq "$(cat "$PING_SYSCTL")" "$HOST_PING" "host ping_group_range"
  log_wait "unprivileged_ports: skip: the container has no network namespace of its own"
  assert_ns_clean
}

@test "crun: createRuntime fed twice by hand after crun create stacks nothing" {
  set_cmd 'exec sleep 60'
  run --separate-stderr crun_sh '
    crun create -b "$BUNDLE" "$CID" >"$T/create.out" 2>&1
    state=$(crun state "$CID" | jq -c "{ociVersion, id, status, pid, bundle, annotations}")
    pid=$(printf "%s" "$state" | jq -r .pid)
    "$HOOK" --policy "$POLICY" createRuntime <<<"$state"
    "$HOOK" --policy "$POLICY" createRuntime <<<"$state"
    findmnt -rn -o TARGET | grep -cxF "$BUNDLE/oci-sandbox-hook/shm"
    awk "\$5 == \"/dev/shm\"" "/proc/$pid/mountinfo" | wc -l
    echo marker >"$BUNDLE/oci-sandbox-hook/shm/m"
    cat "/proc/$pid/root/dev/shm/m"
    crun delete -f "$CID"
    '"$NS_LEFT"
  assert_status 0
  assert_eq "$output" "1
2
marker" "host-side tmpfs count, container /dev/shm count, shared content"
  assert_ns_clean
}

@test "crun: a hostile annotation fails crun run and leaves nothing" {
  annotate io.oci-sandbox-hook.shm-size "1m,size=0"
  crun_in_container 'echo container-ran'
  assert_failed
  assert_not_contains "$output" container-ran
  assert_contains "$(cat "$T/hooks.err")" 'annotation io.oci-sandbox-hook.shm-size'
  assert_ns_clean
}

@test "crun: nothing of the hook remains after crun run exits" {
  crun_in_container 'true'
  assert_status 0
  assert_ns_clean
  log_wait "poststop: detached the oci-sandbox-hook tmpfs, removed its directory"
}

@test "crun: a pod member shares the sandbox's /dev/shm and /etc files; another pod's container is refused" {
  set_cmd 'echo crun-pod >/dev/shm/marker; exec sleep 1000'
  annotate io.kubernetes.cri.sandbox-id "$CID"
  # The members' bundles: the sandbox's, as members (annotations, the
  # sandbox's namespaces by /proc path, filled in once its pid is known).
  local m
  for m in member intruder; do
    mkdir -p "$T/$m"
    jq --arg r "$BUNDLE/rootfs" '.root.path = $r | del(.hostname)
        | .annotations = {"io.kubernetes.cri.container-type": "container",
                          "io.kubernetes.cri.sandbox-id": .annotations["io.kubernetes.cri.sandbox-id"],
                          "run.oci.hooks.stderr": .annotations["run.oci.hooks.stderr"]}
        | .process.args = ["sh", "-c", "cat /dev/shm/marker; cat /etc/hostname"]' \
      "$BUNDLE/config.json" >"$T/$m/config.json"
  done
  cat >"$T/join.jq" <<'JQ'
.linux.namespaces |= map(if .type == "ipc" or .type == "uts" or .type == "network"
  then . + {path: "/proc/\($p)/ns/\(if .type == "network" then "net" else .type end)"}
  else . end)
JQ
  run --separate-stderr crun_sh '
    crun create -b "$BUNDLE" "$CID" </dev/null >/dev/null
    crun start "$CID"
    pid=$(crun state "$CID" | jq -r .pid)
    for _ in $(seq 50); do [ -e "/proc/$pid/root/dev/shm/marker" ] && break; sleep 0.1; done
    jq --arg p "$pid" -f "$T/join.jq" "$T/member/config.json" >"$T/member/c.new"
    mv "$T/member/c.new" "$T/member/config.json"
    crun run -b "$T/member" "$CID-member" </dev/null || echo "member failed: $?"
    crun run -b "$T/intruder" "$CID-intruder" </dev/null || echo "intruder refused"
    crun delete -f "$CID"
    '"$NS_LEFT"
  assert_status 0
  assert_eq "${lines[0]}" crun-pod "the member's /dev/shm (the sandbox's)"
  assert_eq "${lines[1]}" "$(jq -r .hostname "$BUNDLE/config.json")" "the member's /etc/hostname (the sandbox's)"
  assert_eq "${lines[2]}" "intruder refused" "a container of another pod"
  assert_contains "$(cat "$T/hooks.err")" "the container is in none of the sandbox's IPC, UTS and network namespaces"
  assert_ns_clean
  assert_eq "$(ls -A "$T/state")" "" "the registry after the sandbox is deleted"
}

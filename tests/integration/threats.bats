#!/usr/bin/env bats
# The attack classes of docs/security.md, one row at a time, against a real runc
# where the kernel or the runtime is involved (bad_input.bats and runc.bats
# cover the rest).  Every hostile input must give a clear error naming the
# field, a non-zero exit, and leave nothing behind: no hook directory, no
# mount, no host file created or changed, host sysctls unchanged (teardown
# checks mounts, sysctls and the host's /dev/shm for every test).

OSH_SUITE=threat
load helpers

CORE_PATTERN=/proc/sys/kernel/core_pattern
OVERCOMMIT=/proc/sys/vm/overcommit_memory

setup () {
  osh_setup
  set_cmd 'echo container-ran'
  HOST_CORE_PATTERN=$(cat "$CORE_PATTERN")
  HOST_OVERCOMMIT=$(cat "$OVERCOMMIT")
  SLEEPER=
  ESCAPE_CGROUPS=()
  BG_PIDS=()
  FUSE_DIR=
  FUSE_MNT=
}

teardown () {
  local p
  if [ -n "${SLEEPER:-}" ]; then
    kill "$SLEEPER" 2>/dev/null || true
    wait "$SLEEPER" 2>/dev/null || true
  fi
  # Background processes a test started itself (strace, racing hooks).
  for p in "${BG_PIDS[@]}"; do
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  remove_escape_cgroups
  if [ -n "${FUSE_DIR:-}" ]; then
    mounts_below "$FUSE_DIR" | sort -r | while read -r m; do umount -l "$m" || true; done
    rm -rf -- "$FUSE_DIR"
  fi
  local problems=""
  [ "$(cat "$CORE_PATTERN")" = "$HOST_CORE_PATTERN" ] || problems+="host $CORE_PATTERN changed; "
  [ "$(cat "$OVERCOMMIT")" = "$HOST_OVERCOMMIT" ] || problems+="host $OVERCOMMIT changed; "
  osh_teardown
  [ -z "$problems" ] || fail "teardown: $problems"
}

# ------------------------------------------------------------------ helpers

# plan_bundle: the binary's verdict on the bundle, without a runtime.
plan_bundle () {
  run --separate-stderr timeout 20 "$HOOK" --policy "$POLICY" plan --bundle "$BUNDLE"
}

# plan_decision ACTION: "decision|reason" of ACTION in the plan JSON ($output).
plan_decision () {
  jq -r --arg a "$1" '.actions[] | select(.action == $a) | "\(.decision)|\(.reason)"' <<<"$output"
}

# feed_create STATE: the binary's createRuntime fed by hand, bounded.
feed_create () {
  run --separate-stderr timeout 20 "$HOOK" --policy "$POLICY" createRuntime <<<"$1"
}

# policy_refused KEY REASON (after plan_bundle): one error line naming the
# policy file, KEY and REASON.
policy_refused () {
  assert_status 1
  assert_eq "$(wc -l <<<"$stderr")" 1 "stderr lines"
  assert_contains "$stderr" "oci-sandbox-hook: -: error: policy $POLICY: policy key"
  assert_contains "$stderr" "$1" "stderr (the key)"
  assert_contains "$stderr" "$2" "stderr (the reason)"
}

# cfg_raw PATH JSON-TEXT: set PATH in config.json to JSON-TEXT verbatim, for
# numbers jq would rewrite (1e3, 2^64-1) and wrong types.
cfg_raw () {
  cfg "$1 = \"@OSH_RAW@\""
  sed -i "s|\"@OSH_RAW@\"|$2|" "$BUNDLE/config.json"
  grep -qF -- "$2" "$BUNDLE/config.json" || fail "cfg_raw: $2 not in config.json"
}

# run_in_container SCRIPT: `runc run` in the foreground.
run_in_container () {
  set_cmd "$1"
  run --separate-stderr timeout 30 runc run -b "$BUNDLE" "$CID" </dev/null
}

# The cgroups runc creates as parents of a container's cgroup (it removes
# only the leaf): remove the ones this test created, deepest first.
remove_escape_cgroups () {
  local d
  [ "${#ESCAPE_CGROUPS[@]}" -gt 0 ] || return 0
  runc delete -f "$CID" >/dev/null 2>&1 || true
  for d in "${ESCAPE_CGROUPS[@]}"; do
    [ ! -d "$d" ] || rmdir "$d" || true
  done
  ESCAPE_CGROUPS=()
}

# A file's identity and content, to prove it unchanged.
fingerprint () {
  stat -c '%F %s %Y %Z %i %h %a' "$1"
  [ ! -f "$1" ] || md5sum <"$1"
}

# ---------------------------------------------------- 1. sysctl smuggling

@test "threat 1: a sysctl value smuggling a second key with '+' is refused" {
  # A path of this test's own: what a smuggled core_pattern would run.
  local pwned=$T/pwned
  cfg --arg v "1024 65000+kernel.core_pattern=|$pwned" '.linux.sysctl = {"net.ipv4.ip_local_port_range": $v}'
  plan_bundle
  assert_status 1
  assert_eq "$stderr" "oci-sandbox-hook: -: error: config linux.sysctl: net.ipv4.ip_local_port_range: \"1024 65000+kernel.core_pattern=|$pwned\": not a sysctl value ('+' and '=' are not allowed)" "plan's stderr"
  # runc may validate first: whoever refuses, the container never starts.
  run --separate-stderr timeout 30 runc run -b "$BUNDLE" "$CID" </dev/null
  assert_failed
  assert_not_contains "$output" container-ran "container output"
  assert_eq "$(cat "$CORE_PATTERN")" "$HOST_CORE_PATTERN" "host kernel.core_pattern"
  [ ! -e "$pwned" ] || fail "$pwned exists"
  assert_nothing_left
}

@test "threat 1: a sysctl key climbing out of net/ with /../ is refused" {
  cfg '.linux.sysctl = {"net.ipv4/../../kernel/core_pattern": "|/tmp/x"}'
  plan_bundle
  assert_status 1
  assert_eq "$stderr" "oci-sandbox-hook: -: error: config linux.sysctl: \"net.ipv4/../../kernel/core_pattern\": not a sysctl name (empty segment)" "plan's stderr"
  run --separate-stderr timeout 30 runc run -b "$BUNDLE" "$CID" </dev/null
  assert_failed
  assert_not_contains "$output" container-ran "container output"
  assert_eq "$(cat "$CORE_PATTERN")" "$HOST_CORE_PATTERN" "host kernel.core_pattern"
  assert_nothing_left
}

# ------------------------------------- 2. non-namespaced / host sysctls

@test "threat 2: non-namespaced sysctls and net.* without an own netns are refused by default" {
  local key value ns expected
  cp "$BUNDLE/config.json" "$T/config.base"
  while IFS=';' read -r key value ns expected; do
    cp "$T/config.base" "$BUNDLE/config.json"
    cfg --arg k "$key" --arg v "$value" '.linux.sysctl = {($k): $v}'
    [ "$ns" = own ] || drop_namespace network
    plan_bundle
    assert_status 1
    assert_eq "$stderr" "oci-sandbox-hook: -: error: config linux.sysctl: $key: $expected" \
      "plan's stderr for $key"
  done <<'EOF'
kernel.core_pattern;|/tmp/x;own;not a namespaced sysctl
vm.overcommit_memory;1;own;not a namespaced sysctl
net.core.somaxconn;100;host;the container shares the host's network namespace
EOF
  assert_eq "$(cat "$CORE_PATTERN")" "$HOST_CORE_PATTERN" "host kernel.core_pattern"
  assert_eq "$(cat "$OVERCOMMIT")" "$HOST_OVERCOMMIT" "host vm.overcommit_memory"
  assert_nothing_left
}

@test "threat 2: with sysctl_check warn the plan lists every finding and writes nothing" {
  write_policy '{"sysctl_check": "warn"}'
  cfg '.linux.sysctl = {"kernel.core_pattern": "|/tmp/x", "vm.overcommit_memory": "1",
                        "net.core.somaxconn": "100"}'
  drop_namespace network
  plan_bundle
  assert_status 0
  assert_eq "$stderr" "" "plan's stderr"
  run jq -c '.actions[] | select(.action == "sysctl_check") | [.decision, .reason, .findings]' \
    <<<"$output"
  assert_eq "$output" '["apply","3 finding(s), policy says warn",["kernel.core_pattern: not a namespaced sysctl","vm.overcommit_memory: not a namespaced sysctl","net.core.somaxconn: the container shares the host'"'"'s network namespace"]]' "sysctl_check action"
  assert_eq "$(cat "$CORE_PATTERN")" "$HOST_CORE_PATTERN" "host kernel.core_pattern"
  assert_eq "$(cat "$OVERCOMMIT")" "$HOST_OVERCOMMIT" "host vm.overcommit_memory"
  assert_nothing_left
}

# ------------------------------------------- 3. write lands in host netns

# /proc/1/ns/net cannot be opened here (pid 1 is not ptrace-accessible to
# root on this machine): the test shell's own netns is the host's.
@test "threat 3: a sandbox joining the host's netns by path gets no sysctls" {
  cfg --arg p "/proc/$$/ns/net" \
    '.linux.namespaces |= map(if .type == "network" then . + {path: $p} else . end)'
  plan_bundle
  assert_status 0
  assert_eq "$(plan_decision unprivileged_ports)" \
    "skip|the container's network namespace is the host's" "plan unprivileged_ports"
  run_in_container 'cat /proc/sys/net/ipv4/ip_unprivileged_port_start;
    tr "\t" " " </proc/sys/net/ipv4/ping_group_range'
  assert_status 0
  assert_eq "$output" "$HOST_PORTS
$(tr '\t' ' ' <<<"$HOST_PING")" "sysctls seen in the container (the host's netns)"
  log_wait "unprivileged_ports: skip: the container's network namespace is the host's"
  log_wait "unprivileged_icmp: skip: the container's network namespace is the host's"
  log_wait "sandbox ready:"
  assert_eq "$(cat "$PORTS_SYSCTL")" "$HOST_PORTS" "host ip_unprivileged_port_start"
  assert_eq "$(cat "$PING_SYSCTL")" "$HOST_PING" "host ping_group_range"
  assert_nothing_left
}

# ----------------------------------------------------------- 5. pid reuse

@test "threat 5: createRuntime with a dead pid is refused and creates nothing" {
  local pid
  pid=$(dead_pid)
  feed_create "$(state_json creating "$pid")"
  assert_status 1
  assert_contains "$stderr" "error: pidfd_open $pid: No such process"
  assert_nothing_left
}

@test "threat 5: a live host process in the host's netns as the pid is refused as recycled" {
  sleep 60 </dev/null >/dev/null 2>&1 3>&- &
  SLEEPER=$!
  local oom_before
  oom_before=$(cat "/proc/$SLEEPER/oom_score_adj")
  feed_create "$(state_json creating "$SLEEPER")"
  assert_status 1
  assert_contains "$stderr" "error: pid $SLEEPER is in the host's network namespace although config.json gives the container a new one: refusing (recycled pid?)"
  assert_nothing_left
  assert_eq "$(cat "/proc/$SLEEPER/oom_score_adj")" "$oom_before" "the process's oom_score_adj"
  assert_eq "$(cat "$PORTS_SYSCTL")" "$HOST_PORTS" "host ip_unprivileged_port_start"
  assert_eq "$(cat "$PING_SYSCTL")" "$HOST_PING" "host ping_group_range"
  kill "$SLEEPER"
  wait "$SLEEPER" || true
  SLEEPER=
}

# ----------------------------------------------------------- 6. OOM abuse

@test "threat 6: a config process.oomScoreAdj out of range or not an integer is refused" {
  local raw expected
  cp "$BUNDLE/config.json" "$T/config.base"
  while IFS='|' read -r raw expected; do
    cp "$T/config.base" "$BUNDLE/config.json"
    cfg_raw .process.oomScoreAdj "$raw"
    plan_bundle
    assert_status 1
    assert_eq "$stderr" "oci-sandbox-hook: -: error: config process.oomScoreAdj: $expected" \
      "plan's stderr for $raw"
  done <<'EOF'
1001|1001 is out of range [-1000, 1000]
-1001|-1001 is out of range [-1000, 1000]
1e3|1e3 is not an integer
"5"|expected a number, got a string
EOF
}

@test "threat 6: a policy oom_score_adj out of range or not an integer is refused" {
  local raw expected
  while IFS='|' read -r raw expected; do
    write_policy "{\"oom_score_adj\": $raw}"
    plan_bundle
    policy_refused oom_score_adj "$expected"
  done <<'EOF'
1001|1001 is out of range [-1000, 1000]
"0x10"|expected a number, got a string
EOF
}

# ---------------------------------------------------- 7. cpu shares/weight

@test "threat 7: policy cpu_shares outside 2..262144 or not an integer is refused" {
  local raw expected
  while IFS='|' read -r raw expected; do
    write_policy "{\"cpu_shares\": $raw}"
    plan_bundle
    policy_refused cpu_shares "$expected"
  done <<'EOF'
1|1 is below the kernel's minimum of 2 (0 leaves shares alone)
262145|262145 is out of range [0, 262144]
-1|-1 is out of range [0, 262144]
1.5|1.5 is not an integer
EOF
}

@test "threat 7: config cpu.shares 2^64-1 is left alone, without an error" {
  cfg_raw .linux.resources.cpu.shares 18446744073709551615
  plan_bundle
  assert_status 0
  assert_eq "$stderr" "" "plan's stderr"
  assert_eq "$(plan_decision cpu_shares)" \
    "skip|set in config.json linux.resources.cpu.shares (18446744073709551615)" "cpu_shares"
}

# -------------------------------------------------- 8. cgroup path escape

@test "threat 8: cgroupsPath with .. stays below the cgroupfs and nothing is created outside" {
  local h cpu_root_shares
  cpu_root_shares=$(cat /sys/fs/cgroup/cpu/cpu.shares)
  [ ! -e /tmp/osh-escape ] || fail "/tmp/osh-escape exists before the test"
  for h in /sys/fs/cgroup/*/; do
    [ ! -e "${h}tmp" ] || skip "${h}tmp already exists: cannot tell runc's parents apart"
    ESCAPE_CGROUPS+=("${h}tmp/osh-escape" "${h}tmp")
  done
  cfg '.linux.cgroupsPath = "/../../../tmp/osh-escape/ctr"'
  set_cmd 'exec sleep 60'
  # stdio on files: a created container must not hold bats' pipes.
  if runc create -b "$BUNDLE" "$CID" </dev/null >"$T/create.out" 2>"$T/create.err"; then
    # runc normalised the path below each hierarchy: the hook writes there.
    PID=$(runc state "$CID" | jq -r .pid)
    assert_eq "$(sed -n 's/^[0-9]*:cpu://p' "/proc/$PID/cgroup")" /tmp/osh-escape/ctr \
      "the container's cpu cgroup"
    assert_eq "$(cat /sys/fs/cgroup/cpu/tmp/osh-escape/ctr/cpu.shares)" 2 "container cpu.shares"
    log_wait "cpu_shares: /sys/fs/cgroup/cpu/tmp/osh-escape/ctr/cpu.shares = 2"
    runc delete -f "$CID"
  fi
  [ ! -e /tmp/osh-escape ] || fail "/tmp/osh-escape created: $(ls -la /tmp/osh-escape)"
  assert_eq "$(cat /sys/fs/cgroup/cpu/cpu.shares)" "$cpu_root_shares" "root cgroup cpu.shares"
  assert_nothing_left
}

@test "threat 8: precreate with cgroupsPath .. reads no pod cgroup outside the hierarchy" {
  # A v1 layout under T whose escape target holds limits: sizing from them
  # would prove the hook read outside the hierarchy.
  local root="$T/cg/a/b" d
  mkdir -p "$root/cpu/pod1" "$root/memory/pod1" "$T/cg/tmp/osh-escape"
  for d in "$root/cpu/pod1" "$T/cg/tmp/osh-escape"; do
    echo 100000 >"$d/cpu.cfs_period_us"
    echo 200000 >"$d/cpu.cfs_quota_us"
    echo 1024 >"$d/cpu.shares"
  done
  echo 536870912 >"$root/memory/pod1/memory.limit_in_bytes"
  echo 536870912 >"$T/cg/tmp/osh-escape/memory.limit_in_bytes"
  write_policy "$(jq -n --arg r "$root" '{cgroup_root: $r}')"
  # Control: a pod parent inside the hierarchy is a sizing source.
  cfg '.linux.cgroupsPath = "/pod1/ctr"'
  run --separate-stderr "$HOOK" --policy "$POLICY" precreate <"$BUNDLE/config.json"
  assert_status 0
  assert_eq "$(jq -r '.annotations["io.kubernetes.cri.sandbox-memory"]' <<<"$output")" 536870912 \
    "sizing from the pod parent inside the hierarchy"
  cfg '.linux.cgroupsPath = "/../../../tmp/osh-escape/ctr"'
  run --separate-stderr "$HOOK" --policy "$POLICY" precreate <"$BUNDLE/config.json"
  assert_status 0
  assert_eq "$stderr" "" "precreate's stderr"
  assert_eq "$(jq -c '.annotations | keys' <<<"$output")" '["io.kubernetes.cri.container-type"]' \
    "annotations (no sizing)"
  log_wait "no pod resources known"
  # The same with the real cgroupfs: no error, nothing outside created.
  write_policy '{}'
  run --separate-stderr "$HOOK" --policy "$POLICY" precreate <"$BUNDLE/config.json"
  assert_status 0
  assert_eq "$(jq -c '.annotations | keys' <<<"$output")" '["io.kubernetes.cri.container-type"]' \
    "annotations (no sizing)"
  [ ! -e /tmp/osh-escape ] || fail "/tmp/osh-escape created"
}

# ---------------------------------------- 9. symlinks, FIFOs at targets

@test "threat 9: a rootfs /dev/shm symlinked to a host directory is refused" {
  mkdir "$T/victim"
  echo keep >"$T/victim/file"
  local before
  before=$(fingerprint "$T/victim"; fingerprint "$T/victim/file")
  # No /dev tmpfs: runc uses the rootfs's own /dev and binds its devices in.
  cfg '.mounts |= map(select(.destination != "/dev"))'
  ln -s "$T/victim" "$BUNDLE/rootfs/dev/shm"
  runc_refuses "error: rootfs /dev/shm: a symlink (refused)"
  assert_eq "$(mounts_below "$T")" "" "mounts (on $T/victim or anywhere below T)"
  assert_eq "$(ls -A "$T/victim")" file "victim directory listing"
  assert_eq "$(fingerprint "$T/victim"; fingerprint "$T/victim/file")" "$before" "victim"
  [ -L "$BUNDLE/rootfs/dev/shm" ] || fail "the rootfs symlink was replaced"
}

@test "threat 9: a bundle oci-sandbox-hook symlinked to a host directory is refused" {
  mkdir "$T/victim2"
  local before
  before=$(fingerprint "$T/victim2")
  ln -s "$T/victim2" "$BUNDLE/oci-sandbox-hook"
  run --separate-stderr timeout 30 runc run -b "$BUNDLE" "$CID" </dev/null
  assert_failed
  [ "$status" -ne 124 ] || fail "runc run hung"
  assert_not_contains "$output" container-ran "container output"
  assert_contains "$stderr" "error: clean up an earlier run: open the bundle's oci-sandbox-hook directory: Too many levels of symbolic links"
  assert_eq "$(ls -A "$T/victim2")" "" "files written into the symlink's target"
  assert_eq "$(fingerprint "$T/victim2")" "$before" "victim2"
  [ -L "$BUNDLE/oci-sandbox-hook" ] || fail "the symlink was replaced"
  assert_eq "$(mounts_below "$T")" "" "mounts below $T"
}

@test "threat 9: a bundle oci-sandbox-hook that is a FIFO is refused without hanging" {
  mkfifo "$BUNDLE/oci-sandbox-hook"
  run --separate-stderr timeout 20 runc run -b "$BUNDLE" "$CID" </dev/null
  assert_failed
  [ "$status" -ne 124 ] || fail "runc run hung on the FIFO"
  assert_not_contains "$output" container-ran "container output"
  assert_contains "$stderr" "error: clean up an earlier run: open the bundle's oci-sandbox-hook directory: Not a directory"
  [ -p "$BUNDLE/oci-sandbox-hook" ] || fail "the FIFO was replaced"
  assert_eq "$(mounts_below "$T")" "" "mounts below $T"
}

# --------------------------------------------------------- 10. shm abuse

@test "threat 10: shm-size \"-1\" fails runc run" {
  annotate io.oci-sandbox-hook.shm-size -1
  runc_refuses 'error: annotation io.oci-sandbox-hook.shm-size: "-1": not a quantity'
}

@test "threat 10: shm-size \"200%\" fails runc run" {
  annotate io.oci-sandbox-hook.shm-size 200%
  runc_refuses 'error: annotation io.oci-sandbox-hook.shm-size: "200%": not a quantity'
}

@test "threat 10: shm-size 2Gi above the default 1Gi maximum fails runc run" {
  annotate io.oci-sandbox-hook.shm-size 2Gi
  runc_refuses 'error: annotation io.oci-sandbox-hook.shm-size: 2147483648 bytes exceed the node maximum of 1073741824'
}

# ------------------------------------- 12. resolv.conf / hostname injection

@test "threat 12: dns-servers \"1.1.1.1 #\" fails runc run" {
  annotate io.oci-sandbox-hook.dns-servers "1.1.1.1 #"
  runc_refuses 'error: annotation io.oci-sandbox-hook.dns-servers: DNS server 1: "1.1.1.1 #": not an IP address'
}

@test "threat 12: dns-searches with a carriage return fails runc run" {
  annotate io.oci-sandbox-hook.dns-searches $'a\rb'
  # runc doubles the backslash of the hook's \r escape.
  runc_refuses 'error: annotation io.oci-sandbox-hook.dns-searches: DNS search domain 1: "a\\rb": not a DNS-1123 subdomain (invalid character)'
}

@test "threat 12: dns-options \"ndots:5 rotate\" with a space fails runc run" {
  annotate io.oci-sandbox-hook.dns-options "ndots:5 rotate"
  runc_refuses 'error: annotation io.oci-sandbox-hook.dns-options: DNS option 1: "ndots:5 rotate": not a resolver option (expected NAME or NAME:VALUE)'
}

@test "threat 12: a 64-character hostname label fails runc run" {
  local name
  name=$(printf 'a%.0s' $(seq 64))
  cfg --arg h "$name" '.hostname = $h'
  runc_refuses "error: config hostname: \"$name\": not an RFC 1123 host name (label longer than 63 characters)"
}

@test "threat 12: CRI-O ShmSize \"1m,size=0\" fails runc run" {
  annotate io.kubernetes.cri-o.ShmSize "1m,size=0"
  runc_refuses 'error: annotation io.kubernetes.cri-o.ShmSize: "1m,size=0": not a quantity'
}

@test "threat 12: a valid pod's resolv.conf has exactly the expected lines" {
  annotate io.oci-sandbox-hook.dns-servers "1.1.1.1,192.0.2.53"
  annotate io.oci-sandbox-hook.dns-searches "a.example,b.example"
  annotate io.oci-sandbox-hook.dns-options "ndots:5,rotate"
  run_in_container 'cat /etc/resolv.conf; echo "<EOF>"'
  assert_status 0
  assert_eq "$output" "search a.example b.example
nameserver 1.1.1.1
nameserver 192.0.2.53
options ndots:5 rotate
<EOF>" "container /etc/resolv.conf"
  assert_nothing_left
}

# ------------------------------------------------ 13. hostname on host UTS

@test "threat 13: a hostNetwork sandbox in the host's UTS namespace leaves the host name alone" {
  local host_name
  host_name=$(hostname)
  drop_namespace network
  drop_namespace uts
  # runc refuses a hostname without a UTS namespace of its own.
  cfg 'del(.hostname)'
  run_in_container 'hostname; cat /etc/hostname'
  assert_status 0
  assert_eq "$output" "$host_name
$host_name" "the container's UTS name and /etc/hostname"
  assert_eq "$(hostname)" "$host_name" "host name"
  assert_eq "$(cat /proc/sys/kernel/hostname)" "$host_name" "host kernel.hostname"
  log_wait "hostname: /etc/hostname (from the host's name)"
  assert_nothing_left
}

# --------------------------------------------------- 14. environment / fds

@test "threat 14: LD_PRELOAD and inherited fds 3..9 reach no namespace and start nothing" {
  command -v strace >/dev/null || skip "strace is not installed (contrib/setup.sh installs it)"
  cfg 'del(.hooks)'
  # The rootfs is read-only once created: the mount targets an image ships.
  touch "$BUNDLE/rootfs/etc/hostname" "$BUNDLE/rootfs/etc/hosts" "$BUNDLE/rootfs/etc/resolv.conf"
  set_cmd 'exec sleep 60'
  runc_create
  local state
  state=$(state_json creating "$PID")
  # The hook started as a careless runtime would: fds 3..9 open on /.
  run --separate-stderr bash -c '
    exec 3</ 4</ 5</ 6</ 7</ 8</ 9</
    readlink /proc/self/fd/9 >"$4"
    LD_PRELOAD=/nonexistent.so exec "$1" --policy "$2" createRuntime <<<"$3"' \
    bash "$HOOK" "$POLICY" "$state" "$T/fd9"
  assert_status 0
  assert_eq "$(cat "$T/fd9")" / "fd 9 of the hook's parent"
  assert_eq "$(awk '$5 == "/dev/shm"' "/proc/$PID/mountinfo" | wc -l)" 2 \
    "/dev/shm mounts in the container (runc's and the hook's)"
  # Again under strace: the fds are closed before any setns, nothing exec'd.
  # (LeakSanitizer cannot run under ptrace: the ASan build of run-all.sh
  # reads ASAN_OPTIONS before main; other builds ignore it.)
  run --separate-stderr bash -c '
    exec 3</ 4</ 5</ 6</ 7</ 8</ 9</
    exec strace -f -o "$4" -e trace=close_range,setns,execve -E LD_PRELOAD=/nonexistent.so \
      -E ASAN_OPTIONS=detect_leaks=0 \
      "$1" --policy "$2" createRuntime <<<"$3"' \
    bash "$HOOK" "$POLICY" "$state" "$T/strace.log"
  assert_status 0
  local first_close first_setns
  first_close=$(grep -nE 'close_range\(3, 4294967295, 0\) += 0$' "$T/strace.log" | head -n 1 | cut -d: -f1)
  first_setns=$(grep -n 'setns(' "$T/strace.log" | head -n 1 | cut -d: -f1)
  [ -n "$first_close" ] || fail "no close_range(3, ~0U) in the trace:" "$(cat "$T/strace.log")"
  [ -n "$first_setns" ] || fail "no setns in the trace:" "$(cat "$T/strace.log")"
  [ "$first_close" -lt "$first_setns" ] \
    || fail "setns before close_range(3, ...):" "$(cat "$T/strace.log")"
  assert_eq "$(grep -c 'execve(' "$T/strace.log")" 1 "execve calls (the initial one only)"
  assert_contains "$(grep 'execve(' "$T/strace.log")" "execve(\"$HOOK\""
  runc delete -f "$CID"
  # No hooks in config.json: poststop by hand.
  run --separate-stderr "$HOOK" --policy "$POLICY" poststop <<<"$(state_json stopped 0)"
  assert_status 0
  assert_nothing_left
}

# ---------------------------------------------------- 15. annotation abuse

@test "threat 15: a 256 KiB dns-servers annotation is refused" {
  head -c 262144 /dev/zero | tr '\0' 1 >"$T/big"
  cfg --rawfile v "$T/big" '.annotations["io.oci-sandbox-hook.dns-servers"] = $v'
  runc_refuses "error: annotation io.oci-sandbox-hook.dns-servers: value of 262144 bytes exceeds 4096"
}

@test "threat 15: a 20 MiB annotations map in the state is refused as oversized" {
  "$PYTHON" -c '
import json, sys
ann = {sys.argv[3]: "sandbox"}
for i in range(20 * 1024):
    ann["example.com/key-%05d" % i] = "v" * 1024
json.dump({"ociVersion": "1.0.2", "id": sys.argv[1], "status": "creating", "pid": 1,
           "bundle": sys.argv[2], "annotations": ann}, sys.stdout)
' "$CID" "$BUNDLE" "$SANDBOX_KEY" >"$T/state"
  [ "$(stat -c %s "$T/state")" -gt $((20 << 20)) ] || fail "state smaller than 20 MiB"
  run --separate-stderr timeout 20 "$HOOK" --policy "$POLICY" createRuntime <"$T/state"
  assert_status 1
  assert_eq "$stderr" "oci-sandbox-hook: -: error: state on stdin: input exceeds the limit of 16777216 bytes" "stderr"
  assert_nothing_left
}

# -------------------------------------------------------- 17. SELinux label

selinux_disabled () {
  [ ! -e /sys/fs/selinux/enforce ] || skip "SELinux is enabled on this machine"
}

# runc 1.1.5 adds context="LABEL" to the options of its own tmpfs, devpts
# and cgroup v1 (a tmpfs at /sys/fs/cgroup) mounts and of the tmpfs that
# masks directories, even with SELinux disabled, and the kernel refuses
# them (EINVAL): without those mounts the label reaches the hook.
without_runc_labelled_mounts () {
  cfg '.mounts |= map(select(.type != "tmpfs" and .type != "devpts" and .type != "cgroup"))
       | .linux.maskedPaths = []'
}

@test "threat 17: a mountLabel while SELinux is disabled gives a /dev/shm without context=" {
  selinux_disabled
  without_runc_labelled_mounts
  cfg '.linux.mountLabel = "system_u:object_r:container_file_t:s0:c1,c2"'
  run_in_container 'grep " /dev/shm " /proc/mounts'
  assert_status 0
  assert_eq "$output" "shm /dev/shm tmpfs rw,nosuid,nodev,noexec,relatime,size=65536k 0 0" \
    "container /dev/shm (the hook's tmpfs, no context=)"
  log_wait "mountLabel ignored: SELinux is disabled"
  assert_nothing_left
}

@test "threat 17: a mountLabel with a double quote fails runc run" {
  without_runc_labelled_mounts
  cfg '.linux.mountLabel = "system_u:object_r:container_file_t:s0\",size=0"'
  # runc doubles the backslash of the hook's \" escape.
  runc_refuses 'error: config linux.mountLabel "system_u:object_r:container_file_t:s0\\",size=0": not an SELinux context'
}

@test "threat 17: a mountLabel with a space fails runc run" {
  without_runc_labelled_mounts
  cfg '.linux.mountLabel = "system_u:object_r:container_file_t:s0 size=0"'
  runc_refuses 'error: config linux.mountLabel "system_u:object_r:container_file_t:s0 size=0": not an SELinux context'
}

# ------------------------------------------------- 18. SIGKILL mid-run

# kill_case STEP [FILES]: the hook SIGKILLed right after STEP.
# Under `runc run`, runc destroys the failed container and runs poststop
# itself: nothing is left, and poststop (not a rollback) did the cleaning.
# Fed by hand after `runc create` (no createRuntime hook), the kill leaves
# the hook's directory and the pod tmpfs until `runc delete` runs poststop.
kill_case () {
  local step=$1
  grep -qa "fault injected after step" "$HOOK" \
    || skip "$HOOK was built without --enable-fault-injection"
  hook_env "OCI_SANDBOX_HOOK_FAIL_AFTER=kill:$step"
  run --separate-stderr timeout 30 runc run -b "$BUNDLE" "$CID" </dev/null
  assert_failed
  [ "$status" -ne 124 ] || fail "runc run hung"
  assert_not_contains "$output" container-ran "container output"
  assert_contains "$stderr" "error running hook: signal: killed"
  assert_nothing_left
  log_wait "poststop: detached the oci-sandbox-hook tmpfs, removed its directory"
  run grep -c "rolled back" "$LOG"
  assert_eq "$output" 0 "rollback lines (a killed hook rolls nothing back)"

  # By hand: what a kill leaves for poststop.
  : >"$LOG"
  cfg 'del(.hooks.createRuntime)'
  set_cmd 'exec sleep 60'
  runc_create
  run --separate-stderr timeout 20 env "OCI_SANDBOX_HOOK_FAIL_AFTER=kill:$step" \
    "$HOOK" --policy "$POLICY" createRuntime <<<"$(state_json creating "$PID")"
  assert_status 137
  [ -f "$BUNDLE/oci-sandbox-hook/record" ] || fail "no record left by the killed hook"
  assert_eq "$(mount_count "$BUNDLE/oci-sandbox-hook/shm")" 1 "pod tmpfs left by the killed hook"
  if [ "$step" != shm ]; then
    assert_eq "$(awk '$5 == "/dev/shm"' "/proc/$PID/mountinfo" | wc -l)" 2 \
      "/dev/shm mounts in the container"
  fi
  runc delete -f "$CID"
  assert_nothing_left
  log_wait "poststop: detached the oci-sandbox-hook tmpfs, removed its directory"
}

@test "threat 18: SIGKILL after step shm leaves work that poststop cleans" {
  kill_case shm
}

@test "threat 18: SIGKILL after step container_mounts leaves work that poststop cleans" {
  kill_case container_mounts
}

@test "threat 18: SIGKILL after step sysctls leaves work that poststop cleans" {
  kill_case sysctls
}

@test "threat 18: SIGKILL after step pod_registry leaves a registered pod that poststop unregisters" {
  kill_case pod_registry
  log_wait "poststop: detached the oci-sandbox-hook tmpfs, removed its directory, unregistered the pod"
  assert_eq "$(ls -A "$T/state")" "" "registry entries"
}

# ------------------------------------------------- 19. the policy file itself

# use_policy FILE: the bundle's hooks read FILE as their policy.
use_policy () {
  cfg --arg p "$1" '.hooks |= with_entries(.value |= map(.args[2] = $p))'
}

# A running sandbox whose hook did its work: directory, files, pod tmpfs.
sandbox_created () {
  set_cmd 'exec sleep 60'
  runc_create
  [ -f "$BUNDLE/oci-sandbox-hook/record" ] || fail "the hook did not run"
  assert_eq "$(mount_count "$BUNDLE/oci-sandbox-hook/shm")" 1 "pod tmpfs on the bundle's shm"
}

@test "threat 19: runc delete cleans everything after the policy became invalid, and the policy is still reported" {
  sandbox_created
  printf '{"log_socket": "%s", "shm_size": 64Mi garbage' "$SOCK" >"$POLICY"
  run --separate-stderr timeout 30 runc delete -f "$CID"
  [ "$status" -ne 124 ] || fail "runc delete hung"
  assert_nothing_left
  # runc delete still exits 0; it logs the failed poststop hook with the
  # hook's stderr (level=error).
  assert_contains "$stderr" "policy" "runc delete's stderr (the hook's)"
  assert_contains "$stderr" "$POLICY" "runc delete's stderr (the hook's)"
}

@test "threat 19: poststop with an invalid policy cleans the bundle first, then exits 1 naming the policy" {
  cfg 'del(.hooks.poststop)'
  sandbox_created
  runc delete -f "$CID"
  [ -d "$BUNDLE/oci-sandbox-hook" ] || fail "no hook directory left for poststop"
  printf 'not { json' >"$POLICY"
  run --separate-stderr timeout 20 "$HOOK" --policy "$POLICY" poststop <<<"$(state_json stopped 0)"
  assert_status 1
  assert_contains "$stderr" "policy" "poststop's stderr"
  assert_contains "$stderr" "$POLICY" "poststop's stderr"
  assert_nothing_left
}

@test "threat 19: runc delete cleans everything after the policy changed to a different valid one" {
  local p
  while read -r p; do
    write_policy '{}'
    sandbox_created
    write_policy "$p"
    : >"$LOG"
    run --separate-stderr timeout 30 runc delete -f "$CID"
    assert_status 0
    # (runc may warn about a cgroup still busy; a failed hook it reports
    # as "error running hook".)
    assert_not_contains "$stderr" "hook" "runc delete's stderr with policy $p"
    assert_nothing_left
    log_wait "poststop: detached the oci-sandbox-hook tmpfs, removed its directory"
  done <<'EOF2'
{"shm_size": 0, "hostname": false}
{"sandbox_match": {"annotations": {"example.com/never": "x"}}, "hosts": false, "resolv_conf": false}
EOF2
}

# refused_everywhere FILE TEXT...: with FILE as the policy, plan --bundle,
# precreate (--bundle and on stdin) and createRuntime under runc all fail
# with every TEXT on stderr, and config.json is left as it was.
refused_everywhere () {
  local file=$1 text
  shift
  cp "$BUNDLE/config.json" "$T/config.before"
  run --separate-stderr timeout 20 "$HOOK" --policy "$file" plan --bundle "$BUNDLE"
  assert_status 1
  for text; do assert_contains "$stderr" "$text" "plan's stderr"; done
  run --separate-stderr timeout 20 "$HOOK" --policy "$file" precreate --bundle "$BUNDLE"
  assert_status 1
  for text; do assert_contains "$stderr" "$text" "precreate --bundle's stderr"; done
  cmp "$T/config.before" "$BUNDLE/config.json" || fail "precreate --bundle changed config.json"
  run --separate-stderr timeout 20 "$HOOK" --policy "$file" precreate <"$BUNDLE/config.json"
  assert_status 1
  assert_eq "$output" "" "precreate's stdout"
  for text; do assert_contains "$stderr" "$text" "precreate's stderr"; done
  use_policy "$file"
  runc_refuses "$@"
}

@test "threat 19: a group- or world-writable policy is refused as not trusted" {
  local mode
  for mode in 664 666; do
    cp "$POLICY" "$T/policy-$mode.json"
    chmod "$mode" "$T/policy-$mode.json"
    refused_everywhere "$T/policy-$mode.json" "not trusted" "writable by group or others"
  done
}

@test "threat 19: a policy owned by another user is refused as not trusted" {
  cp "$POLICY" "$T/policy-nobody.json"
  chown nobody "$T/policy-nobody.json"
  chmod 644 "$T/policy-nobody.json"
  refused_everywhere "$T/policy-nobody.json" "not trusted" "owned by uid 65534"
}

@test "threat 19: a policy reached through a symlink owned by another user is refused" {
  ln -s "$POLICY" "$T/policy-link.json"
  chown -h nobody "$T/policy-link.json"
  refused_everywhere "$T/policy-link.json" "not trusted" "symlink"
}

@test "threat 19: a policy in a directory other users can write is refused" {
  mkdir "$T/open"
  chmod 0777 "$T/open"
  cp "$POLICY" "$T/open/policy.json"
  refused_everywhere "$T/open/policy.json" "not trusted" "directory"
}

# fuse_dir: FUSE_DIR, a root 0700 directory of its own below /tmp (outside
# $T, whose mounts the suite counts as left behind), with src/ to fill.
fuse_dir () {
  FUSE_DIR=$(mktemp -d /tmp/osh-fuse.XXXXXX)
  mkdir "$FUSE_DIR/src" "$FUSE_DIR/mnt"
}

# fuse_mount_as_root PERMS: FUSE_DIR/src, given to nobody, mounted through
# bindfs (FUSE) on FUSE_MNT showing everything as root's with PERMS
# applied: every owner and mode check would pass.
fuse_mount_as_root () {
  chown -R nobody "$FUSE_DIR/src"
  FUSE_MNT=$FUSE_DIR/mnt
  bindfs -o allow_other --force-user=root --force-group=root --perms="$1" \
    "$FUSE_DIR/src" "$FUSE_MNT"
}

@test "threat 19: a policy or a source on a FUSE file system is refused, whatever owners it reports" {
  fuse_dir
  cp "$POLICY" "$FUSE_DIR/src/policy.json"
  printf '127.0.0.1\tlocalhost\n' >"$FUSE_DIR/src/hosts"
  fuse_mount_as_root og-w
  assert_eq "$(stat -c '%U %a' "$FUSE_MNT" "$FUSE_MNT/policy.json" | tr '\n' ' ')" \
    "root 755 root 644 " "what the FUSE daemon reports"
  refused_everywhere "$FUSE_MNT/policy.json" "not trusted" "$FUSE_MNT is on a FUSE file system"
  # The FUSE file bound onto a name in a directory of root's: the walk
  # meets the mount only at the last component.
  touch "$FUSE_DIR/bound.json"
  mount --bind "$FUSE_MNT/policy.json" "$FUSE_DIR/bound.json"
  refused_everywhere "$FUSE_DIR/bound.json" "not trusted" "$FUSE_DIR/bound.json is on a FUSE file system"
  write_policy "$(jq -n --arg f "$FUSE_MNT/hosts" '{hosts: $f}')"
  use_policy "$POLICY"
  runc_refuses "not trusted" "is on a FUSE file system"
}

@test "threat 23: a state_dir refused at registration rolls the whole sandbox back" {
  # Found only at the last step, after the files, the shm and the mounts
  # into the container: the rollback must not stop at the registry it
  # cannot reach, or the hook's tmpfs stays mounted on the host.
  mkdir -m 0755 "$T/state755"
  write_policy "$(jq -n --arg d "$T/state755" '{state_dir: $d}')"
  runc_refuses "state_dir $T/state755: owned by uid 0 with mode 0755, not root's 0700: refusing"
  assert_eq "$(ls -A "$T/state755")" "" "the refused state_dir"
}

@test "threat 23: poststop with a state_dir refused since createRuntime cleans the bundle, then exits 1 naming it" {
  set_cmd 'exec sleep 60'
  runc_create
  [ -f "$BUNDLE/oci-sandbox-hook/pod" ] || fail "the pod was not registered"
  chmod 0755 "$T/state"
  run --separate-stderr timeout 20 "$HOOK" --policy "$POLICY" poststop <<<"$(state_json stopped 0)"
  assert_status 1
  assert_contains "$stderr" "the pod's mounts and directory are removed, its registry entries not"
  assert_contains "$stderr" "not root's 0700: refusing"
  [ ! -e "$BUNDLE/oci-sandbox-hook" ] || fail "the hook's directory is left"
  chmod 0700 "$T/state"
  runc delete -f "$CID"
}

@test "threat 23: a state_dir on a FUSE file system is refused, whatever owner and mode it reports" {
  fuse_dir
  fuse_mount_as_root og-rwx
  assert_eq "$(stat -c '%U %a' "$FUSE_MNT")" "root 700" "what the FUSE daemon reports"
  write_policy "$(jq -n --arg d "$FUSE_MNT" '{state_dir: $d}')"
  runc_refuses "state_dir $FUSE_MNT: on a FUSE file system"
  assert_eq "$(ls -A "$FUSE_DIR/src")" "" "the registry on the FUSE file system"
}

@test "threat 19: a directory or a FIFO as the policy is refused as not a regular file" {
  mkdir "$T/policy-dir"
  mkfifo "$T/policy-fifo"
  refused_everywhere "$T/policy-dir" "not a regular file"
  refused_everywhere "$T/policy-fifo" "not a regular file"
}

@test "threat 19: a world-writable hosts source named by the policy is refused as not trusted" {
  printf '127.0.0.1\tlocalhost\n' >"$T/hosts-ww"
  chmod 666 "$T/hosts-ww"
  write_policy "$(jq -n --arg f "$T/hosts-ww" '{hosts: $f}')"
  runc_refuses "not trusted"
}

@test "threat 19: a resolv_conf source owned by another user is refused as not trusted" {
  printf 'nameserver 192.0.2.53\n' >"$T/resolv-nobody"
  chown nobody "$T/resolv-nobody"
  chmod 644 "$T/resolv-nobody"
  write_policy "$(jq -n --arg f "$T/resolv-nobody" '{resolv_conf: $f}')"
  runc_refuses "not trusted"
}

@test "threat 19: a world-writable policy naming /etc/shadow as hosts publishes nothing into the pod" {
  grep -q '^root:' /etc/shadow || fail "/etc/shadow has no root line to recognise"
  write_policy '{"hosts": "/etc/shadow"}'
  chmod 666 "$POLICY"
  # Says whether the shadow file arrived, without printing it.
  set_cmd 'echo container-ran; if grep -q "^root:" /etc/hosts; then echo shadow-published; fi'
  runc_refuses "not trusted" "writable by group or others"
  assert_not_contains "$output" shadow-published "container output"
}

@test "threat 19: a policy behind a root-owned ConfigMap-style symlink chain is obeyed" {
  local cm="$T/configmap"
  mkdir -m 0755 "$cm" "$cm/..2026_12_01"
  write_policy '{"shm_size": "32Mi"}'
  mv "$POLICY" "$cm/..2026_12_01/policy.json"
  ln -s ..2026_12_01 "$cm/..data"
  ln -s ..data/policy.json "$cm/policy.json"
  run --separate-stderr timeout 20 "$HOOK" --policy "$cm/policy.json" plan --bundle "$BUNDLE"
  assert_status 0
  assert_eq "$(plan_decision shm)" "apply|pod-wide tmpfs of 33554432 bytes (policy shm_size)" "plan shm"
  run --separate-stderr timeout 20 "$HOOK" --policy "$cm/policy.json" precreate <"$BUNDLE/config.json"
  assert_status 0
  use_policy "$cm/policy.json"
  run_in_container 'grep " /dev/shm " /proc/mounts | tail -n 1'
  assert_status 0
  assert_eq "$output" "shm /dev/shm tmpfs rw,nosuid,nodev,noexec,relatime,size=32768k 0 0" \
    "container /dev/shm (the policy's size)"
  assert_nothing_left
}

@test "threat 19: a root 0644 policy in a root 0700 directory under /tmp is obeyed" {
  write_policy '{"shm_size": "16Mi"}'
  assert_eq "$(stat -c '%U %a' /tmp "$T" "$POLICY")" "root 1777
root 700
root 644" "owners and modes of /tmp, T and the policy"
  plan_bundle
  assert_status 0
  assert_eq "$(plan_decision shm)" "apply|pod-wide tmpfs of 16777216 bytes (policy shm_size)" "plan shm"
  run_in_container 'grep " /dev/shm " /proc/mounts | tail -n 1'
  assert_status 0
  assert_eq "$output" "shm /dev/shm tmpfs rw,nosuid,nodev,noexec,relatime,size=16384k 0 0" \
    "container /dev/shm (the policy's size)"
  assert_nothing_left
}

@test "threat 19: a policy ending in an unterminated /* comment is refused" {
  printf '{"log_socket": "%s"} /* never closed' "$SOCK" >"$POLICY"
  plan_bundle
  assert_status 1
  assert_contains "$stderr" "policy" "plan's stderr"
  assert_contains "$stderr" "$POLICY" "plan's stderr"
  runc_refuses "policy" "$POLICY"
}

# --------------------------------------------- 20. host users reaching a pod

# as_nobody CMD...: CMD as the unprivileged host user nobody, no groups.
as_nobody () {
  setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"
}

@test "threat 20: a host user cannot list, create or read anything of a pod through the bundle" {
  set_cmd 'exec sleep 60'
  runc_create
  runc start "$CID"
  local dir="$BUNDLE/oci-sandbox-hook"
  [ -d "$dir/shm" ] || fail "the hook did not run"
  # Only the hook's directory stands between host users and the pod.
  chmod 755 "$T" "$BUNDLE"
  as_nobody test -x "$BUNDLE" || fail "nobody cannot even traverse the bundle"
  # Every reach is tried (and reported) before the test fails.
  local reached=()
  ! as_nobody ls -A "$dir/shm" >/dev/null 2>&1 || reached+=("nobody listed $dir/shm")
  ! as_nobody touch "$dir/shm/from-the-host" 2>/dev/null \
    || reached+=("nobody created a file in $dir/shm (the pod's /dev/shm)")
  ! as_nobody cat "$dir/hosts" >/dev/null 2>&1 || reached+=("nobody read $dir/hosts")
  [ "$(stat -c '%U %a' "$dir")" = "root 700" ] \
    || reached+=("$dir is $(stat -c '%U %a' "$dir"), not root 700")
  # The pod itself, as root and as a non-root user, still has its files.
  local user
  for user in 0:0 65534:65534; do
    run --separate-stderr runc exec --user "$user" "$CID" sh -c '
      echo "pod $1" >/dev/shm/"f$1" && cat /dev/shm/"f$1"
      cat /etc/hosts /etc/resolv.conf /etc/hostname >/dev/null && echo etc-read' sh "${user%%:*}"
    assert_status 0
    assert_eq "$output" "pod ${user%%:*}
etc-read" "the pod's /dev/shm and /etc files as $user"
  done
  runc delete -f "$CID"
  assert_nothing_left
  [ "${#reached[@]}" -eq 0 ] || fail "${reached[@]}"
}

@test "threat 20: a bundle's oci-sandbox-hook directory that is not root's 0700 is never cleaned, written or bound" {
  # Not the hook's: a host user's directory (with a file in it) where the
  # hook keeps a pod's files.
  mkdir -m 0755 "$BUNDLE/oci-sandbox-hook"
  echo planted >"$BUNDLE/oci-sandbox-hook/hosts"
  chown -R nobody "$BUNDLE/oci-sandbox-hook"
  run --separate-stderr timeout 30 runc run -b "$BUNDLE" "$CID" </dev/null
  assert_failed
  assert_not_contains "$output" container-ran "container output"
  assert_contains "${stderr//\\\"/\"}" "oci-sandbox-hook: not the private directory the hook makes" "runc's stderr"
  assert_eq "$(cat "$BUNDLE/oci-sandbox-hook/hosts")" planted "the planted file"
  assert_eq "$(mount_count "$BUNDLE/oci-sandbox-hook")" 0 "mounts on the directory"
  run --separate-stderr "$HOOK" --policy "$POLICY" poststop <<<"$(state_json stopped 0)"
  assert_failed
  assert_contains "$stderr" "refusing to clean or use it" "poststop's refusal"
  assert_eq "$(cat "$BUNDLE/oci-sandbox-hook/hosts")" planted "the planted file after poststop"
  rm -rf "$BUNDLE/oci-sandbox-hook"
}

@test "threat 20: a hosts source readable only by root is refused as not world-readable" {
  printf '127.0.0.1\tlocalhost\n192.0.2.7\tsecret.internal\n' >"$T/hosts-private"
  chmod 600 "$T/hosts-private"
  write_policy "$(jq -n --arg f "$T/hosts-private" '{hosts: $f}')"
  set_cmd 'echo container-ran; cat /etc/hosts'
  runc_refuses "not world-readable"
}

@test "threat 20: a world-readable hosts source gives a 0644 /etc/hosts in the pod" {
  printf '127.0.0.1\tlocalhost\n192.0.2.7\tpublic.internal\n' >"$T/hosts-public"
  chmod 644 "$T/hosts-public"
  write_policy "$(jq -n --arg f "$T/hosts-public" '{hosts: $f}')"
  run_in_container 'stat -c %a /etc/hosts; cat /etc/hosts'
  assert_status 0
  assert_eq "$output" "$(printf '644\n127.0.0.1\tlocalhost\n192.0.2.7\tpublic.internal')" \
    "mode and content of the pod's /etc/hosts"
  assert_nothing_left
}

@test "threats 19, 20: sources a pod does not get are not read, and still refused for a pod that would" {
  printf 'nameserver 192.0.2.53\n' >"$T/resolv-nobody"
  chown nobody "$T/resolv-nobody"
  chmod 644 "$T/resolv-nobody"
  printf '127.0.0.1\tlocalhost\n192.0.2.7\tsecret.internal\n' >"$T/hosts-private"
  chmod 600 "$T/hosts-private"
  printf '192.0.2.8\tengine-made\n' >"$T/engine-hosts"
  write_policy "$(jq -n --arg r "$T/resolv-nobody" --arg h "$T/hosts-private" \
    '{resolv_conf: $r, hosts: $h}')"
  # DNS from the pod's annotation, /etc/hosts from the engine: neither
  # source is the pod's, so neither can fail it.
  annotate io.oci-sandbox-hook.dns-servers 192.0.2.1
  cfg --arg s "$T/engine-hosts" \
    '.mounts += [{destination: "/etc/hosts", type: "bind", source: $s, options: ["rbind", "ro"]}]'
  run_in_container 'cat /etc/resolv.conf /etc/hosts'
  assert_status 0
  assert_eq "$output" "$(printf 'nameserver 192.0.2.1\n192.0.2.8\tengine-made')" \
    "the pod's resolv.conf and the engine's hosts"
  assert_nothing_left
  # The same policy, a pod that would get the copies: refused by each.
  cfg 'del(.annotations["io.oci-sandbox-hook.dns-servers"])'
  runc_refuses "policy key \"resolv_conf\": $T/resolv-nobody" "not trusted"
  write_policy "$(jq -n --arg h "$T/hosts-private" '{hosts: $h}')"
  cfg '.mounts |= map(select(.destination != "/etc/hosts"))'
  runc_refuses "policy key \"hosts\": $T/hosts-private" "not world-readable"
}

# ------------------------------------------- 21. the wrong process or cgroup

# plain_container ID [CGROUPS_PATH]: a running container without the hook
# (no hooks at all), from its own bundle T/ID; PID is its init.
plain_container () {
  local id=$1 saved=$BUNDLE
  grep -qxF "$id" "$T/ids" || echo "$id" >>"$T/ids"
  make_bundle "$T/$id"
  cfg 'del(.hooks)'
  [ -z "${2:-}" ] || cfg --arg p "$2" '.linux.cgroupsPath = $p'
  set_cmd 'exec sleep 60'
  runc_create "$id"
  BUNDLE=$saved
}

# pod_fingerprint PID: what the hook would change in a container: its
# netns sysctls, its cpu.shares, its OOM score, its mounts.
pod_fingerprint () {
  local cpu
  cpu=$(sed -n 's/^[0-9]*:cpu:\(.*\)$/\1/p' "/proc/$1/cgroup")
  echo "ports $(nsenter -t "$1" -n cat "$PORTS_SYSCTL")"
  echo "ping $(nsenter -t "$1" -n cat "$PING_SYSCTL" | tr '\t' ' ')"
  echo "cpu.shares $(cat "/sys/fs/cgroup/cpu$cpu/cpu.shares")"
  echo "oom_score_adj $(cat "/proc/$1/oom_score_adj")"
  awk '{ print "mount", $4, $5 }' "/proc/$1/mountinfo"
}

# mirror_rootfs ID: BUNDLE's rootfs path, with the mount targets, inside
# container ID's root.  A pid reused by a container that has not pivoted
# yet sees the host's paths; this one has pivoted, and the mirror gives it
# the same view, so nothing but the hook's own checks can stop it.
mirror_rootfs () {
  local m="$T/$1/rootfs$BUNDLE/rootfs"
  mkdir -p "$m/etc" "$m/dev/shm"
  touch "$m/etc/hostname" "$m/etc/hosts" "$m/etc/resolv.conf"
}

@test "threat 21: createRuntime for one bundle with another container's pid is refused by linux.cgroupsPath" {
  plain_container "$CID-a"
  local pid_a=$PID before
  before=$(pod_fingerprint "$pid_a")
  assert_contains "$before" "ports 1024" "container A before"
  # B: a sandbox bundle of its own, in a cgroup of its own.
  cfg --arg p "/osh-$CID-b" '.linux.cgroupsPath = $p'
  mirror_rootfs "$CID-a"
  feed_create "$(state_json creating "$pid_a" "$BUNDLE" "$CID-b")"
  assert_eq "$(pod_fingerprint "$pid_a")" "$before" "container A"
  assert_status 1
  assert_contains "$stderr" "linux.cgroupsPath" "stderr"
  assert_nothing_left
  [ ! -e "/sys/fs/cgroup/cpu/osh-$CID-b" ] || fail "B's cgroup was created"
}

@test "threat 21: a sandbox joining a netns by path, given a pid in another netns, is refused" {
  plain_container "$CID-a"
  local pid_a=$PID
  plain_container "$CID-c" "/$CID-c"
  local pid_c=$PID before_a before_c
  before_a=$(pod_fingerprint "$pid_a")
  before_c=$(pod_fingerprint "$pid_c")
  [ "$(stat -L -c %i "/proc/$pid_a/ns/net")" != "$(stat -L -c %i "/proc/$pid_c/ns/net")" ] \
    || fail "A and C share a netns"
  # B joins A's netns and names C's cgroup; the pid given is C's.
  cfg --arg ns "/proc/$pid_a/ns/net" --arg p "/$CID-c" '
    .linux.cgroupsPath = $p
    | .linux.namespaces |= map(if .type == "network" then . + {path: $ns} else . end)'
  mirror_rootfs "$CID-c"
  feed_create "$(state_json creating "$pid_c" "$BUNDLE" "$CID-b")"
  assert_eq "$(pod_fingerprint "$pid_a")" "$before_a" "container A (the netns owner)"
  assert_eq "$(pod_fingerprint "$pid_c")" "$before_c" "container C (the pid given)"
  assert_status 1
  assert_contains "$stderr" "namespace" "stderr"
  assert_contains "$stderr" "refusing" "stderr"
  assert_nothing_left
}

@test "threat 21: a cgroupsPath naming a cgroup that holds other processes keeps its cpu.shares" {
  local name="osh-shared-$CID" h
  local cg="/sys/fs/cgroup/cpu/$name"
  [ ! -e "$cg" ] || fail "$cg exists before the test"
  # runc creates the path in every hierarchy: remove what the test made.
  for h in /sys/fs/cgroup/*/; do
    [ -e "$h$name" ] || ESCAPE_CGROUPS+=("$h$name")
  done
  mkdir "$cg"
  sleep 600 </dev/null >/dev/null 2>&1 3>&- &
  SLEEPER=$!
  echo "$SLEEPER" >"$cg/cgroup.procs"
  assert_eq "$(cat "$cg/cpu.shares")" 1024 "shared cgroup cpu.shares before"
  cfg --arg p "/$name" '.linux.cgroupsPath = $p'
  set_cmd 'exec sleep 60'
  runc_create
  assert_eq "$(sed -n 's/^[0-9]*:cpu://p' "/proc/$PID/cgroup")" "/$name" "the container's cpu cgroup"
  assert_eq "$(cat "$cg/cpu.shares")" 1024 "shared cgroup cpu.shares while the sandbox runs"
  log_wait "cpu_shares: skip"
  assert_contains "$(grep -F "cpu_shares: skip" "$LOG")" "other processes" "the cpu_shares log line"
  runc delete -f "$CID"
  assert_eq "$(cat "$cg/cpu.shares")" 1024 "shared cgroup cpu.shares after the sandbox"
  grep -qx "$SLEEPER" "$cg/cgroup.procs" || fail "the other process left the shared cgroup"
  assert_nothing_left
}

# ------------------------------------------- 22. outliving the deadline

# A created sandbox whose createRuntime is fed by hand (poststop stays).
sandbox_for_hand_feeding () {
  command -v strace >/dev/null || fail "strace is not installed (contrib/setup.sh installs it)"
  cfg 'del(.hooks.createRuntime)'
  # userns: the container gets a user namespace, which the hook cannot
  # leave once joined: its namespace steps run in a forked child.
  if [ "${1:-}" = userns ]; then
    with_userns
  fi
  # The rootfs is read-only once created: the mount targets an image ships.
  touch "$BUNDLE/rootfs/etc/hostname" "$BUNDLE/rootfs/etc/hosts" "$BUNDLE/rootfs/etc/resolv.conf"
  set_cmd 'exec sleep 60'
  runc_create
  POD_BEFORE=$(pod_fingerprint "$PID")
  assert_contains "$POD_BEFORE" "ports 1024" "the sandbox before the hook"
}

# strace_hook LOG [ENV=VALUE...]: createRuntime for the sandbox in the
# background under strace, its first setns stalled 3 s; STRACE is
# strace's pid.
strace_hook () {
  local log=$1 e envs=()
  shift
  for e; do envs+=(-E "$e"); done
  # (LeakSanitizer cannot run under ptrace; other builds ignore ASAN_OPTIONS.)
  strace -f -o "$log" -e trace=setns -e inject=setns:delay_enter=3000000:when=1 \
    -E ASAN_OPTIONS=detect_leaks=0 "${envs[@]}" \
    "$HOOK" --policy "$POLICY" createRuntime <<<"$(state_json creating "$PID")" \
    >"$T/hook.out" 2>"$T/hook.err" 3>&- &
  STRACE=$!
  BG_PIDS+=("$STRACE")
}

# children_of PID: its child pids, one a line.
children_of () {
  cat /proc/"$1"/task/*/children 2>/dev/null | tr ' ' '\n' | grep . || true
}

# is_hook PID: PID is (still) a process of the hook binary.
is_hook () {
  [ "$(readlink "/proc/$1/exe" 2>/dev/null)" = "$HOOK" ]
}

# hook_child_of PID: print the first child of PID that runs the hook
# binary (strace's once it has exec'd, the hook's namespace child), 10 s
# at most.
hook_child_of () {
  local _ c
  for _ in $(seq 100); do
    for c in $(children_of "$1"); do
      is_hook "$c" && { echo "$c"; return 0; }
    done
    sleep 0.1
  done
  fail "process $1 has no child running $HOOK"
}

# hooks_gone PID...: wait (10 s at most) until none of PID... runs the hook
# binary any more; print those that still do.
hooks_gone () {
  local _ p left
  for _ in $(seq 100); do
    left=""
    for p; do ! is_hook "$p" || left+="$p "; done
    [ -n "$left" ] || return 0
    sleep 0.1
  done
  echo "$left"
}

# The container got nothing: no tmpfs on its /dev/shm, no sysctl, no
# cpu.shares, no OOM score, no mount.
assert_pod_untouched () {
  assert_eq "$(pod_fingerprint "$PID")" "$POD_BEFORE" "the sandbox"
}

@test "threat 22: under a user namespace the namespace child dies with a SIGKILLed hook and the pod gets nothing" {
  sandbox_for_hand_feeding userns
  strace_hook "$T/strace.log"
  local hook child
  hook=$(hook_child_of "$STRACE")
  # The namespace child, stalled in setns.
  child=$(hook_child_of "$hook")
  sleep 0.5
  kill -KILL "$hook"
  # strace ends when its last tracee does: a child that outlived the
  # hook acts once its stall ends, 3 s after it began.
  timeout 20 tail --pid="$STRACE" -f /dev/null || fail "strace did not end"
  assert_eq "$(hooks_gone "$hook" "$child")" "" "hook processes left (the hook $hook, its child $child)"
  assert_pod_untouched
  assert_not_contains "$(grep "^$child " "$T/strace.log")" "+++ exited with 0 +++" \
    "the namespace child's end in the trace"
  runc delete -f "$CID"
  assert_nothing_left
}

@test "threat 22: under a user namespace, at the hook's own deadline the namespace child dies with it and the pod gets nothing" {
  sandbox_for_hand_feeding userns
  strace_hook "$T/strace.log" OCI_SANDBOX_HOOK_DEADLINE=1
  local hook child
  hook=$(hook_child_of "$STRACE")
  child=$(hook_child_of "$hook")
  # strace ends when its last tracee does.
  timeout 20 tail --pid="$STRACE" -f /dev/null || fail "strace did not end"
  assert_contains "$(grep "^$hook " "$T/strace.log")" "+++ killed by SIGALRM +++" \
    "the hook's end in the trace"
  assert_eq "$(hooks_gone "$child")" "" "namespace child left"
  assert_not_contains "$(grep "^$child " "$T/strace.log")" "+++ exited with 0 +++" \
    "the namespace child's end in the trace"
  assert_pod_untouched
  runc delete -f "$CID"
  assert_nothing_left
}

@test "threat 22: without a user namespace the hook joins by itself, forks nothing, and a SIGKILL in the container's namespace leaves the pod nothing" {
  sandbox_for_hand_feeding
  strace_hook "$T/strace.log"
  local hook
  hook=$(hook_child_of "$STRACE")
  sleep 0.5
  assert_eq "$(children_of "$hook")" "" "the hook's children while it stands in setns"
  kill -KILL "$hook"
  timeout 20 tail --pid="$STRACE" -f /dev/null || fail "strace did not end"
  assert_eq "$(hooks_gone "$hook")" "" "the hook left"
  assert_pod_untouched
  # poststop sweeps what the killed run made on the host.
  runc delete -f "$CID"
  assert_nothing_left
}

@test "threat 22: without a user namespace, the hook's own deadline in the container's namespace leaves the pod nothing" {
  sandbox_for_hand_feeding
  strace_hook "$T/strace.log" OCI_SANDBOX_HOOK_DEADLINE=1
  local hook
  hook=$(hook_child_of "$STRACE")
  timeout 20 tail --pid="$STRACE" -f /dev/null || fail "strace did not end"
  assert_contains "$(grep "^$hook " "$T/strace.log")" "+++ killed by SIGALRM +++" \
    "the hook's end in the trace"
  assert_not_contains "$(cat "$T/strace.log")" "clone(" "the trace (a fork)"
  assert_pod_untouched
  runc delete -f "$CID"
  assert_nothing_left
}

@test "threat 22: without a user namespace the hook is back in its own namespaces after the steps (its log socket resolves on the host)" {
  # A socket path that exists only on the host: the hook's one info line
  # reaches it only if it connects after coming back.
  set_cmd 'exec sleep 60'
  runc_create
  log_wait "sandbox ready: "
  runc delete -f "$CID"
  assert_nothing_left
}

# ------------------------------------ extras: reruns and concurrent runs

# spec_bundle DIR SOURCE JQ-FILTER: DIR/config.json from tests/data/SOURCE
# (or a fresh `runc spec` for "runc spec"), edited by JQ-FILTER and marked
# as a sandbox.  precreate --bundle needs no rootfs.
spec_bundle () {
  local dir=$1
  mkdir -p "$dir"
  if [ "$2" = "runc spec" ]; then
    (cd "$dir" && runc spec)
  else
    cp "$BATS_TEST_DIRNAME/../data/$2" "$dir/config.json"
  fi
  jq --arg key "$SANDBOX_KEY" "$3"' | .annotations[$key] = "sandbox"' "$dir/config.json" \
    >"$dir/config.json.new"
  mv "$dir/config.json.new" "$dir/config.json"
}

@test "precreate --bundle run twice changes no byte, whatever the spec" {
  local name source filter failures=() k=0
  while IFS='|' read -r name source filter; do
    k=$((k + 1))
    spec_bundle "$T/spec$k" "$source" "$filter"
    run --separate-stderr timeout 20 "$HOOK" --policy "$POLICY" precreate --bundle "$T/spec$k"
    assert_status 0
    cp "$T/spec$k/config.json" "$T/spec$k.first"
    run --separate-stderr timeout 20 "$HOOK" --policy "$POLICY" precreate --bundle "$T/spec$k"
    assert_status 0
    cmp -s "$T/spec$k.first" "$T/spec$k/config.json" || failures+=("$name:" \
      "$(diff <(jq -S . "$T/spec$k.first") <(jq -S . "$T/spec$k/config.json") || true)")
  done <<'EOF2'
the real runc spec, no linux.resources|runc spec|.
tests/data/runc-spec.json|runc-spec.json|.
tests/data/sandbox-config.json (netns path dropped)|sandbox-config.json|.linux.namespaces |= map(if .type == "network" then del(.path) else . end)
linux.resources cpu quota, period and memory|runc-spec.json|.linux.resources.cpu = {"quota": 200000, "period": 100000} | .linux.resources.memory = {"limit": 536870912}
one of the four sizing annotations|runc-spec.json|.annotations["io.kubernetes.cri.sandbox-cpu-quota"] = "50000"
two of the four sizing annotations|runc-spec.json|.annotations["io.kubernetes.cri.sandbox-cpu-period"] = "100000" | .annotations["io.kubernetes.cri.sandbox-memory"] = "268435456"
three of the four sizing annotations|runc-spec.json|.annotations["io.kubernetes.cri.sandbox-cpu-period"] = "100000" | .annotations["io.kubernetes.cri.sandbox-cpu-quota"] = "50000" | .annotations["io.kubernetes.cri.sandbox-cpu-shares"] = "512"
CRI-O PodLinuxResources|runc-spec.json|.annotations["io.kubernetes.cri-o.PodLinuxResources"] = "{\"cpu_period\":100000,\"cpu_quota\":400000,\"memory_limit_in_bytes\":2147483648}"
EOF2
  [ "${#failures[@]}" -eq 0 ] || fail "the second run changed config.json:" "${failures[@]}"
}

@test "precreate --bundle run 8 times at once on one bundle: every run succeeds, one result, no temporary file" {
  local filter='.linux.resources.cpu = {"quota": 200000, "period": 100000}
                | .linux.resources.memory = {"limit": 536870912}'
  spec_bundle "$T/ref" runc-spec.json "$filter"
  cp "$T/ref/config.json" "$T/original.json"
  run --separate-stderr timeout 20 "$HOOK" --policy "$POLICY" precreate --bundle "$T/ref"
  assert_status 0
  local round j pids problems=()
  mkdir "$T/conc"
  for round in $(seq 10); do
    cp "$T/original.json" "$T/conc/config.json"
    pids=()
    for j in $(seq 8); do
      timeout 20 "$HOOK" --policy "$POLICY" precreate --bundle "$T/conc" \
        </dev/null >/dev/null 2>"$T/conc-$round-$j.err" 3>&- &
      pids+=($!)
    done
    for j in $(seq 8); do
      wait "${pids[$((j - 1))]}" \
        || problems+=("round $round run $j: exit $?: $(cat "$T/conc-$round-$j.err")")
    done
    jq empty "$T/conc/config.json" 2>/dev/null || problems+=("round $round: config.json is not JSON")
    cmp -s "$T/ref/config.json" "$T/conc/config.json" \
      || problems+=("round $round: config.json differs from one run's")
    [ "$(ls -A "$T/conc")" = config.json ] \
      || problems+=("round $round: bundle holds $(ls -A "$T/conc" | tr '\n' ' ')")
  done
  [ "${#problems[@]}" -eq 0 ] || fail "${problems[@]}"
}

@test "threat 18: two createRuntime runs racing on one bundle leave a sandbox a third run sets up cleanly" {
  cfg 'del(.hooks.createRuntime)'
  touch "$BUNDLE/rootfs/etc/hostname" "$BUNDLE/rootfs/etc/hosts" "$BUNDLE/rootfs/etc/resolv.conf"
  set_cmd 'exec sleep 60'
  runc_create
  local state round a b
  state=$(state_json creating "$PID")
  for round in $(seq 5); do
    timeout 20 "$HOOK" --policy "$POLICY" createRuntime <<<"$state" \
      >/dev/null 2>"$T/race-$round-a.err" 3>&- &
    a=$!
    timeout 20 "$HOOK" --policy "$POLICY" createRuntime <<<"$state" \
      >/dev/null 2>"$T/race-$round-b.err" 3>&- &
    b=$!
    BG_PIDS+=("$a" "$b")
    # Either may lose the race; neither may hang.
    wait "$a" || [ $? -ne 124 ] || fail "round $round: a run hung"
    wait "$b" || [ $? -ne 124 ] || fail "round $round: a run hung"
  done
  feed_create "$state"
  assert_status 0
  run grep -F "//deleted" "/proc/$PID/mountinfo"
  assert_eq "$output" "" "container mounts of deleted files"
  assert_eq "$(awk '$5 == "/etc/hosts" || $5 == "/etc/resolv.conf" || $5 == "/etc/hostname"' \
    "/proc/$PID/mountinfo" | wc -l)" 3 "/etc file mounts in the container"
  runc delete -f "$CID"
  assert_nothing_left
}

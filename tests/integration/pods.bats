#!/usr/bin/env bats
# Pods under a real runc: a sandbox and its app containers ("members"),
# each a runc bundle built from busybox as containerd would make them
# (docs/engines.md §6): the member names its sandbox by annotation and joins
# the sandbox's IPC, UTS and network namespaces by /proc/PID/ns path.  The
# member gets the sandbox's /dev/shm tmpfs and /etc files only when the
# registry knows the sandbox, its process lives and the member really is in
# its namespaces (docs/security.md, threat 23).  Teardown (helpers.bash)
# fails a test that leaves a mount, a registry entry or a container.

OSH_SUITE=pods
load helpers


setup () {
  osh_setup
  SBX=$(new_id)-sbx
  echo "$SBX" >>"$T/ids"
  make_bundle "$T/sandbox"
  SANDBOX_BUNDLE=$BUNDLE
  annotate "$CRI_SANDBOX_ID" "$SBX"
  set_cmd 'echo sandbox-side >/dev/shm/from-sandbox; exec sleep 1000'
}

teardown () {
  # The subreaper of the zombie-sandbox test, when it failed before its end.
  if [ -s "${T:-/nonexistent}/holder.pid" ]; then kill "$(cat "$T/holder.pid")" 2>/dev/null || true; fi
  osh_teardown
}

# start_sandbox: `runc create` + `runc start` of the sandbox bundle; SPID.
start_sandbox () {
  BUNDLE=$SANDBOX_BUNDLE runc_create "$SBX"
  SPID=$PID
  runc start "$SBX"
  local _
  for _ in $(seq 50); do
    [ -e "/proc/$SPID/root/dev/shm/from-sandbox" ] && return 0
    sleep 0.1
  done
  fail "the sandbox did not start: $(cat "$T/$SBX.err")"
}

# make_member NAME [SANDBOX_ID] [PID]: a member bundle T/NAME of the
# sandbox (its id and pid by default), as containerd makes them.
make_member () {
  local name=$1 sid=${2:-$SBX} pid=${3:-$SPID}
  make_bundle "$T/$name"
  member_config "$sid" "$pid"
  MEMBER_BUNDLE=$BUNDLE
}

# make_member_config DIR SANDBOX_ID PID: DIR gets a member's config.json
# made from BUNDLE's (its rootfs, its hooks).
make_member_config () {
  local dir=$1
  mkdir -p "$dir"
  cp "$BUNDLE/config.json" "$dir/config.json"
  BUNDLE=$dir member_config "$2" "$3"
}

# run_member NAME SCRIPT: `runc run` of member NAME in the foreground.
run_member () {
  local name=$1 id
  id=$(new_id)-$name
  echo "$id" >>"$T/ids"
  BUNDLE=$T/$name set_cmd "$2"
  run --separate-stderr timeout 30 runc run -b "$T/$name" "$id" </dev/null
}

stop_sandbox () {
  runc delete -f "$SBX" >/dev/null 2>&1 || true
}

# ------------------------------------------------------------------- sharing

@test "pods: two members share the pod's /dev/shm with each other and with the sandbox" {
  BUNDLE=$SANDBOX_BUNDLE annotate io.oci-sandbox-hook.shm-size 32Mi
  start_sandbox
  make_member one
  make_member two
  run_member one 'cat /dev/shm/from-sandbox; echo from-one >/dev/shm/from-one'
  assert_status 0
  assert_eq "$output" sandbox-side "what member one reads in /dev/shm"
  run_member two 'cat /dev/shm/from-one; df -k /dev/shm | tail -n 1 | awk "{print \$2}"'
  assert_status 0
  assert_eq "${lines[0]}" from-one "what member two reads in /dev/shm"
  assert_eq "${lines[1]}" 32768 "member two's /dev/shm size (KiB)"
  run runc exec "$SBX" cat /dev/shm/from-one
  assert_eq "$output" from-one "what the sandbox reads in /dev/shm"
  stop_sandbox
}

@test "pods: members see the sandbox's hostname, hosts and resolv.conf, byte for byte" {
  BUNDLE=$SANDBOX_BUNDLE cfg '.hostname = "pod-one"'
  BUNDLE=$SANDBOX_BUNDLE annotate io.oci-sandbox-hook.dns-servers 192.0.2.10
  start_sandbox
  make_member one
  run_member one 'cat /etc/hostname /etc/hosts /etc/resolv.conf | md5sum; hostname'
  assert_status 0
  local want
  want=$(cat "$SANDBOX_BUNDLE"/oci-sandbox-hook/{hostname,hosts,resolv.conf} | md5sum)
  assert_eq "${lines[0]}" "$want" "the member's /etc files"
  assert_eq "${lines[1]}" pod-one "the member's hostname (the sandbox's UTS namespace)"
  stop_sandbox
}

@test "pods: a read-only rootfs member gets read-only /etc files and a writable /dev/shm" {
  start_sandbox
  make_member ro
  cfg '.root.readonly = true'
  run_member ro 'echo x >/dev/shm/ro-was-here && echo shm-rw; echo x >>/etc/hosts || echo hosts-ro'
  assert_status 0
  assert_contains "$output" shm-rw
  assert_contains "$output" hosts-ro
  stop_sandbox
}

@test "pods: a member's own /etc/hosts mount (kubelet's) is left alone" {
  start_sandbox
  make_member own
  printf '10.0.0.1 kubelet-managed\n' >"$T/kubelet-hosts"
  cfg --arg s "$T/kubelet-hosts" \
    '.mounts += [{destination: "/etc/hosts", type: "bind", source: $s, options: ["rbind", "ro"]}]'
  run_member own 'cat /etc/hosts; grep -c " /etc/hosts " /proc/mounts; cat /dev/shm/from-sandbox'
  assert_status 0
  assert_eq "${lines[0]}" "10.0.0.1 kubelet-managed" "the member's /etc/hosts"
  assert_eq "${lines[1]}" 1 "mounts at /etc/hosts (nothing stacked)"
  assert_eq "${lines[2]}" sandbox-side "the pod's /dev/shm still reaches the member"
  log_wait "hosts: skip: config.json mounts /etc/hosts: the engine owns it"
  stop_sandbox
}

@test "pods: a host-IPC pod's member gets the host's /dev/shm, never a tmpfs over it" {
  BUNDLE=$SANDBOX_BUNDLE drop_namespace ipc
  BUNDLE=$SANDBOX_BUNDLE set_cmd 'exec sleep 1000'
  BUNDLE=$SANDBOX_BUNDLE runc_create "$SBX"
  SPID=$PID
  runc start "$SBX"
  make_member hostipc
  drop_namespace ipc
  run_member hostipc 'stat -c "%d %i" /dev/shm; grep " /dev/shm " /proc/mounts | tail -n 1'
  assert_status 0
  assert_eq "${lines[0]}" "$(stat -c '%d %i' /dev/shm)" "the member's /dev/shm (the host's)"
  assert_not_contains "${lines[1]}" "size=65536k" "a pod tmpfs at the member's /dev/shm"
  stop_sandbox
}

@test "pods: the member's poststop has nothing to undo on the host and says so" {
  start_sandbox
  make_member quick
  run_member quick 'true'
  assert_status 0
  log_wait "poststop: nothing to clean up"
  [ ! -e "$T/quick/oci-sandbox-hook" ] || fail "a member's bundle got a hook directory"
  stop_sandbox
}

@test "pods: at log level info a member's poststop logs nothing" {
  write_policy '{"log_level": "info"}'
  start_sandbox
  make_member quiet
  run_member quiet 'true'
  assert_status 0
  stop_sandbox
  # The sandbox's poststop comes after the member's: once it is logged, the
  # member's would be too.
  log_wait "${SBX:0:12}: poststop: detached the oci-sandbox-hook tmpfs"
  run grep -c "poststop" "$LOG"
  assert_eq "$output" 1 "poststop lines in the log: $(grep poststop "$LOG")"
}

@test "pods: what members write through /etc/hosts is bounded by the hook's 4 MiB tmpfs" {
  start_sandbox
  make_member writer
  cfg '.root.readonly = false'
  run_member writer 'head -c 8388608 /dev/zero >>/etc/hosts; echo "status $?"; wc -c </etc/hosts'
  assert_status 0
  # busybox head reports any failed write as an I/O error.
  assert_contains "$output" "status 1" "head's status (stderr: $stderr)"
  [ "$(tail -n 1 <<<"$output")" -le 4194304 ] || fail "/etc/hosts grew to $(tail -n 1 <<<"$output") bytes"
  stop_sandbox
}

@test "pods: members keep the pod's /dev/shm after the sandbox stops; new members are refused" {
  start_sandbox
  make_member stays
  local id
  id=$(new_id)-stays
  BUNDLE=$T/stays set_cmd 'echo early >/dev/shm/early; sleep 2; cat /dev/shm/from-sandbox /dev/shm/early'
  BUNDLE=$T/stays runc_create "$id"
  runc start "$id"
  sleep 0.5
  runc kill "$SBX" KILL
  stop_sandbox
  # The stopped sandbox's poststop removed its registry entry.
  make_member late "$SBX" "$$"
  drop_namespace ipc
  drop_namespace uts
  drop_namespace network
  cfg '.linux.namespaces += [{type: "ipc"}, {type: "uts"}, {type: "network"}]'
  run_member late 'echo late-ran'
  assert_failed
  assert_not_contains "$output" late-ran
  assert_contains "${stderr//\\\"/\"}" "no such sandbox is registered"
  local _
  for _ in $(seq 50); do
    [ "$(runc state "$id" | jq -r .status)" = stopped ] && break
    sleep 0.1
  done
  run cat "$T/$id.out"
  assert_eq "$output" "$(printf 'sandbox-side\nearly')" "what the member read after its sandbox stopped"
  runc delete -f "$id"
}

# --------------------------------------------------------- forged membership

# own_namespaces: the member bundle gets namespaces of its own (another pod).
own_namespaces () {
  cfg '.linux.namespaces |= map(del(.path))'
}

@test "pods: a container of another pod naming this sandbox is refused, nothing mounted" {
  start_sandbox
  make_member intruder
  own_namespaces
  run_member intruder 'echo intruder-ran'
  assert_failed
  assert_not_contains "$output" intruder-ran
  assert_contains "${stderr//\\\"/\"}" "pod member of sandbox $SBX: the container is in none of the sandbox's IPC, UTS and network namespaces: refusing"
  [ ! -e "$T/intruder/oci-sandbox-hook" ] || fail "the member's bundle got a hook directory"
  assert_eq "$(mounts_below "$T/intruder")" "" "mounts below the member's bundle"
  run runc exec "$SBX" ls /dev/shm
  assert_eq "$output" from-sandbox "the pod's /dev/shm (nothing of the intruder)"
  stop_sandbox
}

@test "pods: a host-network sandbox: a container sharing only the host's namespaces gets nothing of it, a member gets the files" {
  BUNDLE=$SANDBOX_BUNDLE drop_namespace network
  BUNDLE=$SANDBOX_BUNDLE drop_namespace uts
  BUNDLE=$SANDBOX_BUNDLE cfg 'del(.hostname)'
  start_sandbox
  run runc exec "$SBX" cat /etc/hosts /etc/resolv.conf
  local before=$output
  # Another pod with host networking (its own IPC), naming the sandbox, its
  # rootfs read-write: the sandbox's /etc files would be its to write.
  make_member intruder
  own_namespaces
  drop_namespace network
  drop_namespace uts
  cfg '.root.readonly = false'
  # It is not refused (a member of a pod in all three of the host's
  # namespaces looks the same), but nothing of the sandbox's is bound: what
  # it writes goes to its own rootfs.
  run_member intruder 'echo 6.6.6.6 evil >>/etc/hosts; echo nameserver 6.6.6.6 >>/etc/resolv.conf; echo intruder-ran'
  assert_status 0
  assert_contains "$output" intruder-ran
  log_wait "pod member of $SBX ready: nothing to bind (sandbox $SBX (pid $SPID): shares only the host's namespaces with it"
  assert_eq "$(mounts_below "$T/intruder")" "" "mounts below the intruder's bundle"
  grep -q '^nameserver 6.6.6.6$' "$T/intruder/rootfs/etc/resolv.conf" \
    || fail "the intruder's write did not land in its own rootfs"
  run runc exec "$SBX" cat /etc/hosts /etc/resolv.conf
  assert_eq "$output" "$before" "the sandbox's /etc/hosts and /etc/resolv.conf"
  # A member of that pod is in the sandbox's own IPC namespace: proven, and
  # it gets the pod's files (the network is the host's, as the sandbox's).
  make_member hostnet
  drop_namespace network
  drop_namespace uts
  run_member hostnet 'cat /etc/hosts /etc/resolv.conf; cat /dev/shm/from-sandbox'
  assert_status 0
  assert_eq "$output" "$before"$'\n'sandbox-side "what the host-network pod's member reads"
  stop_sandbox
}

# stalled_in_shared_flock PID: wait (10 s at most) until PID sits at the
# entry of flock(FD, LOCK_SH): /proc/PID/syscall shows a task stopped by
# strace there.
stalled_in_shared_flock () {
  local _
  for _ in $(seq 100); do
    case "$(cat "/proc/$1/syscall" 2>/dev/null)" in
      "73 "*" 0x1 "*) return 0 ;;
    esac
    sleep 0.1
  done
  fail "process $1 never reached flock(..., LOCK_SH)" "$(cat "$T/strace.log")"
}

@test "pods: a member whose sandbox is stopped and made again in the same bundle while it waits for it is refused" {
  command -v strace >/dev/null || fail "strace is not installed (contrib/setup.sh installs it)"
  start_sandbox
  # The member, created (never started), its createRuntime fed by hand.
  make_member late
  cfg 'del(.hooks.createRuntime)'
  set_cmd 'exec sleep 60'
  local late
  late=$(new_id)-late
  echo "$late" >>"$T/ids"
  runc_create "$late"
  local state
  state=$(runc state "$late" | jq -c '{ociVersion, id, status: "creating", pid, bundle, annotations}')
  # Its second flock is the shared one on the sandbox's bundle, after the
  # lookup found the sandbox: stalled there 6 s.
  strace -f -o "$T/strace.log" -e trace=flock -e inject=flock:delay_enter=6000000:when=2 \
    -E ASAN_OPTIONS=detect_leaks=0 \
    "$HOOK" --policy "$POLICY" createRuntime <<<"$state" >"$T/late.out" 2>"$T/late.err" 3>&- &
  # The hook: strace's child running the hook binary (strace forks a short
  # test child of its own first).
  local strace_pid=$! hook="" c
  for _ in $(seq 100); do
    for c in $(cat /proc/"$strace_pid"/task/*/children 2>/dev/null); do
      [ "$(readlink "/proc/$c/exe" 2>/dev/null)" = "$HOOK" ] && hook=$c
    done
    [ -n "$hook" ] && break
    sleep 0.1
  done
  [ -n "$hook" ] || fail "strace started no hook"
  stalled_in_shared_flock "$hook"
  # Meanwhile the sandbox stops and another starts in the same bundle: its
  # tmpfs and files may carry the identities the old entry recorded.
  runc delete -f "$SBX"
  local again
  again=$(new_id)-again
  echo "$again" >>"$T/ids"
  BUNDLE=$SANDBOX_BUNDLE runc_create "$again"
  runc start "$again"
  status=0
  timeout 30 tail --pid="$strace_pid" -f /dev/null || fail "the stalled hook did not end"
  wait "$strace_pid" || status=$?
  [ "$status" -ne 0 ] || fail "the member's createRuntime succeeded" "$(cat "$T/late.err")"
  assert_contains "$(cat "$T/late.err")" "sandbox $SBX: stopped since it was looked up (its process $SPID is gone): refusing"
  assert_eq "$(mounts_below "$T/late")" "" "mounts below the member's bundle"
  run runc exec "$again" cat /dev/shm/from-sandbox
  assert_eq "$output" "sandbox-side" "the new sandbox's own /dev/shm"
}

@test "pods: a member naming an unknown sandbox id is refused" {
  make_member lost nosuchsandbox 1
  own_namespaces
  run_member lost 'echo lost-ran'
  assert_failed
  assert_not_contains "$output" lost-ran
  assert_contains "${stderr//\\\"/\"}" "pod member of sandbox nosuchsandbox: no such sandbox is registered"
}

@test "pods: a member naming a sandbox whose process was killed is refused and the stale entry swept" {
  start_sandbox
  [ -f "$T/state/$SBX" ] || fail "the sandbox is not registered"
  kill -9 "$SPID"
  local _
  for _ in $(seq 50); do [ -d "/proc/$SPID" ] || break; sleep 0.1; done
  make_member orphan "$SBX" 1
  own_namespaces
  run_member orphan 'echo orphan-ran'
  assert_failed
  assert_contains "${stderr//\\\"/\"}" "pod member of sandbox $SBX: sandbox $SBX is not running (its process $SPID is gone"
  [ ! -e "$T/state/$SBX" ] || fail "the stale entry is still there"
  stop_sandbox
}

@test "pods: a sandbox whose init exited but is not reaped yet is not running: 'pods' says stale, a member is refused" {
  # Until its engine (containerd's shim, conmon) reaps it, an exited init
  # is a zombie: its pid and start time stay, but none of its namespaces,
  # whose inode numbers the next namespaces made (another pod's) may take.
  # A child subreaper that never waits keeps the sandbox's init so here.
  "$PYTHON" -c '
import ctypes, signal, subprocess, sys
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
with open(sys.argv[3], "w") as log:
    subprocess.run(["runc", "create", "-b", sys.argv[1], sys.argv[2]],
                   stdin=subprocess.DEVNULL, stdout=log, stderr=log, check=True)
open(sys.argv[4], "w").close()
signal.pause()
' "$SANDBOX_BUNDLE" "$SBX" "$T/$SBX.err" "$T/holder.ready" </dev/null >/dev/null 2>&1 3>&- &
  local holder=$! _
  echo "$holder" >"$T/holder.pid"
  for _ in $(seq 100); do [ -e "$T/holder.ready" ] && break; sleep 0.1; done
  [ -e "$T/holder.ready" ] || fail "runc create under the subreaper failed: $(cat "$T/$SBX.err")"
  SPID=$(runc state "$SBX" | jq -r .pid)
  runc start "$SBX"
  for _ in $(seq 50); do [ -e "/proc/$SPID/root/dev/shm/from-sandbox" ] && break; sleep 0.1; done
  assert_eq "$(awk '/^PPid:/ { print $2 }' "/proc/$SPID/status")" "$holder" "the init's parent"
  run --separate-stderr "$HOOK" --policy "$POLICY" pods --json
  assert_eq "$(jq -r --arg id "$SBX" '.pods[] | select(.id == $id) | .state' <<<"$output")" \
    running "the live sandbox in 'pods'"

  kill -9 "$SPID"
  for _ in $(seq 50); do
    [ "$(awk '{ print $3 }' "/proc/$SPID/stat" 2>/dev/null)" = Z ] && break
    sleep 0.1
  done
  assert_eq "$(awk '{ print $3 }' "/proc/$SPID/stat")" Z "the killed init's state (a zombie)"
  run --separate-stderr "$HOOK" --policy "$POLICY" pods --json
  assert_eq "$(jq -r --arg id "$SBX" '.pods[] | select(.id == $id) | .state' <<<"$output")" \
    stale "the zombie sandbox in 'pods'"
  make_member orphan "$SBX" 1
  own_namespaces
  run_member orphan 'echo orphan-ran'
  assert_failed
  assert_not_contains "$output" orphan-ran
  assert_contains "${stderr//\\\"/\"}" "pod member of sandbox $SBX: sandbox $SBX is not running (its process $SPID is gone"
  [ ! -e "$T/orphan/oci-sandbox-hook" ] || fail "the member's bundle got a hook directory"
  kill "$holder"
  wait "$holder" || true
  stop_sandbox
}

@test "pods: a member of a live, registered sandbox whose hook directory is gone is refused, nothing mounted" {
  start_sandbox
  [ -f "$T/state/$SBX" ] || fail "the sandbox is not registered"
  # The directory with the pod's files removed by something else than
  # the hook, under a live sandbox whose entry is still there.
  umount -l "$SANDBOX_BUNDLE/oci-sandbox-hook"
  rmdir "$SANDBOX_BUNDLE/oci-sandbox-hook"
  make_member late
  run_member late 'echo late-ran'
  assert_failed
  assert_not_contains "$output" late-ran
  assert_contains "${stderr//\\\"/\"}" "sandbox $SBX: its bundle has no oci-sandbox-hook directory (stopping?)"
  assert_eq "$(mounts_below "$T/late")" "" "mounts below the member's bundle"
  stop_sandbox
  # Its poststop finds no pod note to unregister by: the entry is left,
  # stale now that the process is gone, as members and `pods` see it.
  rm -f "$T/state/$SBX"
}

@test "pods: a planted, symlinked or widened registry entry is refused" {
  start_sandbox
  make_member victim
  cp -p "$T/state/$SBX" "$T/entry.real"
  chmod 0644 "$T/state/$SBX"
  run_member victim 'echo victim-ran'
  assert_failed
  assert_contains "${stderr//\\\"/\"}" "not a root-owned 0600 file with one link"
  rm "$T/state/$SBX"
  ln -s "$T/entry.real" "$T/state/$SBX"
  run_member victim 'echo victim-ran'
  assert_failed
  assert_contains "${stderr//\\\"/\"}" "(a symlink: refused)"
  rm "$T/state/$SBX"
  printf '{"version":1,"id":"%s","bundle":"/etc","pid":1}' "$SBX" >"$T/state/$SBX"
  chmod 0600 "$T/state/$SBX"
  run_member victim 'echo victim-ran'
  assert_failed
  assert_contains "${stderr//\\\"/\"}" "registry entry"
  rm "$T/state/$SBX"
  chmod 0755 "$T/state"
  run_member victim 'echo victim-ran'
  assert_failed
  assert_contains "${stderr//\\\"/\"}" "not root's 0700: refusing"
  chmod 0700 "$T/state"
  mv "$T/entry.real" "$T/state/$SBX"
  run_member victim 'cat /dev/shm/from-sandbox'
  assert_status 0
  assert_eq "$output" sandbox-side "with the real entry back"
  stop_sandbox
}

@test "pods: plan shows a member's sandbox, the namespaces it shares and each destination" {
  start_sandbox
  make_member planned
  local id
  id=$(new_id)-planned
  BUNDLE=$T/planned set_cmd 'sleep 5'
  BUNDLE=$T/planned runc_create "$id"
  run --separate-stderr bash -c 'runc state "$1" | "$2" --policy "$3" plan' _ "$id" "$HOOK" "$POLICY"
  assert_status 0
  assert_eq "$(jq -r .member.sandbox <<<"$output")" "$SBX" "plan: member.sandbox"
  assert_contains "$(jq -r .member.membership <<<"$output")" "shares its IPC yes, UTS yes, network yes"
  assert_eq "$(jq -r '.actions[] | select(.action == "shm") | .mode' <<<"$output")" sandbox
  assert_eq "$(jq -r '.actions[] | select(.action == "oom_score_adj") | .decision' <<<"$output")" skip
  runc delete -f "$id"
  stop_sandbox
}

# ------------------------------------------------------------ the operator

@test "pods: 'pods' lists running and stale pods with their /dev/shm, as a table and as JSON" {
  run --separate-stderr "$HOOK" --policy "$POLICY" pods --json
  assert_status 0
  assert_eq "$(jq -c .pods <<<"$output")" "[]" "pods of an empty node"
  BUNDLE=$SANDBOX_BUNDLE set_cmd 'head -c 3000000 /dev/zero >/dev/shm/three-mb; exec sleep 1000'
  BUNDLE=$SANDBOX_BUNDLE runc_create "$SBX"
  SPID=$PID
  runc start "$SBX"
  local _
  for _ in $(seq 50); do
    [ "$(stat -c %s "/proc/$SPID/root/dev/shm/three-mb" 2>/dev/null)" = 3000000 ] && break
    sleep 0.1
  done
  # A second sandbox, killed: its entry goes stale.
  local other
  other=$(new_id)-other
  make_bundle "$T/other"
  set_cmd 'exec sleep 1000'
  runc_create "$other"
  local other_pid=$PID
  runc start "$other"
  kill -9 "$other_pid"
  for _ in $(seq 50); do [ -d "/proc/$other_pid" ] || break; sleep 0.1; done

  run --separate-stderr "$HOOK" --policy "$POLICY" pods --json
  assert_status 0
  local pod
  pod=$(jq -c --arg id "$SBX" '.pods[] | select(.id == $id)' <<<"$output")
  assert_eq "$(jq -r '"\(.state) \(.pid) \(.bundle) \(.shm.kind) \(.shm.size)"' <<<"$pod")" \
    "running $SPID $SANDBOX_BUNDLE tmpfs 67108864" "the running pod"
  [ "$(jq -r .shm.used <<<"$pod")" -ge 3000000 ] || fail "shm used: $(jq -r .shm.used <<<"$pod")"
  assert_eq "$(jq -r --arg id "$other" '.pods[] | select(.id == $id) | .state' <<<"$output")" \
    stale "the killed pod"
  run --separate-stderr "$HOOK" --policy "$POLICY" pods
  assert_status 0
  assert_contains "${lines[0]}" "SANDBOX"
  assert_contains "$output" "running"
  assert_contains "$output" "64.0 MiB"
  assert_contains "$output" "stale"
  runc delete -f "$other"
  stop_sandbox
  run --separate-stderr "$HOOK" --policy "$POLICY" pods --json
  assert_eq "$(jq -c .pods <<<"$output")" "[]" "pods after both are deleted"
}

@test "pods: 'pods' lists every name of a sandbox whole, its longest aliases too" {
  local a b c
  a=a$(printf '%0199d' 1) b=b$(printf '%0199d' 2) c=c$(printf '%0199d' 3)
  write_policy "$(jq -cn --arg k "$CRI_SANDBOX_ID" \
    '{member_match: [{sandbox_id: $k}, {sandbox_id: "x.test/a"}, {sandbox_id: "x.test/b"},
                     {sandbox_id: "x.test/c"}]}')"
  BUNDLE=$SANDBOX_BUNDLE annotate x.test/a "$a"
  BUNDLE=$SANDBOX_BUNDLE annotate x.test/b "$b"
  BUNDLE=$SANDBOX_BUNDLE annotate x.test/c "$c"
  start_sandbox
  run --separate-stderr "$HOOK" --policy "$POLICY" pods --json
  assert_status 0
  assert_eq "$(jq '.pods | length' <<<"$output")" 1 "rows of the one sandbox"
  assert_eq "$(jq -r '.pods[0].names | sort | join(" ")' <<<"$output")" \
    "$(printf '%s\n' "$SBX" "$a" "$b" "$c" | LC_ALL=C sort | paste -sd ' ')" "the sandbox's names"
  stop_sandbox
}

# ---------------------------------------------------------------- many pods

@test "pods: 32 pods of one sandbox and 3 members each, started at once: every member sees its own pod only" {
  local n=32 i j
  build_rootfs "$T/shared-rootfs"
  # One bundle per container, all on one rootfs (runc mounts over it in each
  # container's own mount namespace).
  bundle_for () {
    local dir=$1
    mkdir -p "$dir"
    jq --arg r "$T/shared-rootfs" '.root.path = $r' "$SANDBOX_BUNDLE/config.json" >"$dir/config.json"
  }
  for i in $(seq "$n"); do
    bundle_for "$T/p$i"
    BUNDLE=$T/p$i annotate "$CRI_SANDBOX_ID" "pod$i-$$"
    BUNDLE=$T/p$i set_cmd "echo pod$i >/dev/shm/marker-pod$i; exec sleep 1000"
    echo "pod$i-$$" >>"$T/ids"
  done
  # (wait names its jobs: the log receiver runs in the background too.)
  local jobs=()
  for i in $(seq "$n"); do
    ( runc create -b "$T/p$i" "pod$i-$$" </dev/null >"$T/p$i.out" 2>&1 \
        && runc start "pod$i-$$" >>"$T/p$i.out" 2>&1 ) &
    jobs+=($!)
  done
  wait "${jobs[@]}"
  for i in $(seq "$n"); do
    [ "$(runc state "pod$i-$$" | jq -r .status)" = running ] || fail "pod $i: $(cat "$T/p$i.out")"
  done
  local spid
  for i in $(seq "$n"); do
    spid=$(runc state "pod$i-$$" | jq -r .pid)
    for j in 1 2 3; do
      BUNDLE=$T/p$i make_member_config "$T/m$i-$j" "pod$i-$$" "$spid"
      BUNDLE=$T/m$i-$j set_cmd "sleep 0.3; echo m$j >/dev/shm/m$j-pod$i; sleep 0.5; ls /dev/shm | tr '\n' ' '"
      echo "m$i-$j-$$" >>"$T/ids"
    done
  done
  jobs=()
  for i in $(seq "$n"); do
    for j in 1 2 3; do
      runc run -b "$T/m$i-$j" "m$i-$j-$$" </dev/null >"$T/m$i-$j.out" 2>"$T/m$i-$j.err" &
      jobs+=($!)
    done
  done
  wait "${jobs[@]}"
  for i in $(seq "$n"); do
    for j in 1 2 3; do
      local seen
      seen=$(cat "$T/m$i-$j.out")
      assert_contains "$seen" "marker-pod$i " "member $j of pod $i: $(cat "$T/m$i-$j.err")"
      assert_contains "$seen" "m$j-pod$i " "member $j of pod $i"
      for other in $(tr ' ' '\n' <<<"$seen"); do
        case "$other" in
          *-pod"$i") ;;
          *) fail "member $j of pod $i sees $other" ;;
        esac
      done
    done
  done
  [ "$(ls "$T/state" | wc -l)" -eq "$n" ] || fail "registry: $(ls "$T/state")"
  jobs=()
  for i in $(seq "$n"); do
    runc delete -f "pod$i-$$" >/dev/null 2>&1 &
    jobs+=($!)
  done
  wait "${jobs[@]}"
  assert_eq "$(ls -A "$T/state")" "" "the registry after every pod is deleted"
  assert_eq "$(mounts_below "$T")" "" "mounts left"
}

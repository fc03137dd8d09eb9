#!/usr/bin/env bats
# Real containerd 1.6 through the CRI v1 API, with plain runc: the facts the
# project's runtime wrapper relies on, each shown by a test.  No hook and no
# wrapper is involved yet; tests/cri/README.md describes the harness.
#
# One private containerd serves the suite (setup_file): default runtime
# "runc" (plain runc), plus handlers "refuse" and "mute", runc runtimes
# whose BinaryName is a refusing script.  The argv test starts a second
# containerd of its own with BinaryName set on the default runtime, the
# knob the wrapper's suites use.  Every test's pods are stopped and removed
# in teardown, which then FAILS the test when anything is left: in
# containerd's namespace (mounts, runc state, bundles, netns, shims) or on
# the host (mounts, /run/containerd, /var/lib/cni and the other default
# paths, sysctls, processes).  The last test stops containerd and checks
# the host once more.

OSH_SUITE=containerd
load helpers
load cri_suite

setup_file () {
  cri_suite_dir containerd
  write_refusers "$SUITE_T"
  CRI_RUNTIMES="refuse=$SUITE_T/refuse-log mute=$SUITE_T/refuse-mute" cri_start
}

teardown_file () {
  cri_suite_end
}

setup () {
  cri_test_dir
  OWN_CRI=""
}

teardown () {
  local problems="" left
  if [ -n "$OWN_CRI" ]; then
    left=$(cri_stop) || problems+="own containerd: $left; "
    eval "$OWN_CRI"
  fi
  cri_test_teardown "$problems"
}

# ------------------------------------------------------------------ helpers

# write_refusers DIR: two runc-compatible scripts that refuse `create`:
# refuse-log the way runc reports errors (a JSON line in the --log file,
# which the shim reads back), refuse-mute only on stdout and stderr.
# Every other command goes to the real runc.
write_refusers () {
  cat >"$1/refuse-log" <<'EOF'
#!/bin/bash
log="" prev=""
for a in "$@"; do
  [ "$prev" = --log ] && log=$a
  prev=$a
done
for a in "$@"; do
  if [ "$a" = create ]; then
    printf '{"level":"error","msg":"custom refusal","time":"%s"}\n' \
      "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$log"
    exit 1
  fi
done
exec /usr/sbin/runc "$@"
EOF
  cat >"$1/refuse-mute" <<'EOF'
#!/bin/bash
for a in "$@"; do
  if [ "$a" = create ]; then
    echo "mute refusal on stderr" >&2
    echo "mute refusal on stdout"
    exit 1
  fi
done
exec /usr/sbin/runc "$@"
EOF
  chmod 755 "$1/refuse-log" "$1/refuse-mute"
}

# gone PID: true once PID has exited and been reaped (5 s at most).
gone () {
  local _
  for _ in $(seq 50); do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.1
  done
  return 1
}

# ns_of PID NS: the namespace's identity, e.g. ipc:[4026532301]
ns_of () {
  readlink "/proc/$1/ns/$2"
}

# ------------------------------------------------------------------- tests

@test "containerd 1.6.20 answers CRI v1 from its private mount namespace" {
  run -0 cri version
  assert_eq "$(jq -r .runtime_name <<<"$output")" containerd
  assert_eq "$(jq -r .runtime_api_version <<<"$output")" v1
  assert_contains "$(jq -r .runtime_version <<<"$output")" 1.6.20
  # The overlays are in containerd's namespace only.
  [ "$(ns_of "$CRI_PID" mnt)" != "$(ns_of $$ mnt)" ] || fail "containerd shares our mount namespace"
  assert_eq "$(cri_engine_mount /run | awk '{ print $4, $5 }')" "overlay cri-run" "/run of containerd"
  assert_eq "$(cri_engine_mount /var/lib | awk '{ print $4, $5 }')" "overlay cri-varlib" "/var/lib of containerd"
  run -0 cri_mounts /proc/self/mountinfo
  assert_not_contains "$output" cri-run "host mounts"
  assert_not_contains "$output" cri-varlib "host mounts"
}

@test "RunPodSandbox succeeds and the pod is READY, with only lo in its netns" {
  run_pod ready
  run -0 cri pod-status "$POD"
  assert_eq "$(jq -r .status.state <<<"$output")" SANDBOX_READY
  assert_eq "$(jq -r .status.metadata.name <<<"$output")" ready
  # The static CNI plugin's address, on no interface at all.
  assert_eq "$(jq -r .status.network.ip <<<"$output")" 127.0.0.1
  run -0 cri list-pods
  assert_eq "$(jq -r --arg id "$POD" '.[] | select(.id == $id) | .state' <<<"$output")" SANDBOX_READY
  local spid
  spid=$(cri_sandbox_pid "$POD")
  assert_eq "$(tr '\0' ' ' <"/proc/$spid/cmdline")" "/bin/sh /pause " "sandbox process"
  run -0 nsenter -t "$spid" -n cat /proc/net/dev
  assert_eq "$(tail -n +3 <<<"$output" | cut -d: -f1 | tr -d ' ')" lo "interfaces in the pod netns"
}

@test "the sandbox's config.json has no hooks and carries container-type=sandbox" {
  run_pod nohooks
  local cfg
  cfg="$(cri_bundle "$POD")/config.json"
  [ -f "$cfg" ] || fail "no $cfg"
  assert_eq "$(jq -c .hooks "$cfg")" null "hooks"
  assert_eq "$(jq -r '.annotations["io.kubernetes.cri.container-type"]' "$cfg")" sandbox
  assert_eq "$(jq -r '.annotations["io.kubernetes.cri.sandbox-id"]' "$cfg")" "$POD"
  assert_eq "$(jq -r '.annotations["io.kubernetes.cri.sandbox-name"]' "$cfg")" nohooks
  assert_eq "$(jq -r '.annotations["io.kubernetes.cri.sandbox-namespace"]' "$cfg")" oci-sandbox-hook-test
  assert_eq "$(jq -r '.annotations["io.kubernetes.cri.sandbox-log-directory"]' "$cfg")" "$CRI_PODLOGS/nohooks"
  assert_eq "$(jq -c .process.args "$cfg")" '["/pause"]'
  # The sandbox policies containerd itself applies: 2 CPU shares, the OOM
  # score restricted to containerd's own (CAP_SYS_RESOURCE is missing),
  # the pod's cgroup parent, no sysctls (unprivileged ports/ICMP are off
  # by default in 1.6).
  assert_eq "$(jq -r .linux.resources.cpu.shares "$cfg")" 2
  assert_eq "$(jq -r .process.oomScoreAdj "$cfg")" "$(cat "/proc/$CRI_PID/oom_score_adj")"
  assert_eq "$(jq -r .linux.cgroupsPath "$cfg")" "$(cri_cgroup_parent)/$POD"
  assert_eq "$(jq -c .linux.sysctl "$cfg")" null
  # The runc bundle is the shim's state dir; runc's own state is below the
  # fixed root /run/containerd/runc/k8s.io of the private namespace.
  assert_eq "$(jq -r .id "$(cri_runc_state "$POD")")" "$POD"
}

@test "pod_annotations passes io.oci-sandbox-hook.* pod annotations into the sandbox spec (and app specs)" {
  run_pod annotated '.annotations += {"io.oci-sandbox-hook.shm-size": "128Mi",
    "io.oci-sandbox-hook.sub/key": "slash", "other.example/shm-size": "1Gi"}'
  local cfg
  cfg="$(cri_bundle "$POD")/config.json"
  assert_eq "$(jq -r '.annotations["io.oci-sandbox-hook.shm-size"]' "$cfg")" 128Mi
  # Go path.Match: "*" does not cross "/"; other prefixes never pass.
  assert_eq "$(jq -r '.annotations["io.oci-sandbox-hook.sub/key"]' "$cfg")" null
  assert_eq "$(jq -r '.annotations["other.example/shm-size"]' "$cfg")" null
  # containerd copies the same pod annotations into every app container's
  # spec: only container-type tells a sandbox from a member.
  run_app member
  cfg="$(cri_bundle "$CTR")/config.json"
  assert_eq "$(jq -r '.annotations["io.oci-sandbox-hook.shm-size"]' "$cfg")" 128Mi
  assert_eq "$(jq -r '.annotations["io.kubernetes.cri.container-type"]' "$cfg")" container
  assert_eq "$(jq -r '.annotations["io.kubernetes.cri.sandbox-id"]' "$cfg")" "$POD"
}

@test "an app container joins the sandbox: ExecSync, /dev/shm and /etc binds, ipc/uts/net namespaces" {
  run_pod joined
  run_app app
  run -0 cri container-status "$CTR"
  assert_eq "$(jq -r .status.state <<<"$output")" CONTAINER_RUNNING
  run -0 cri exec-sync "$CTR" -- hostname
  assert_eq "$output" joined "hostname inside the app"
  run -3 cri exec-sync "$CTR" -- sh -c 'echo to-stderr >&2; exit 3'
  run -0 cri exec-sync --json "$CTR" -- sh -c 'echo out; echo err >&2'
  assert_eq "$(jq -c . <<<"$output")" '{"exit_code":0,"stderr":"err\n","stdout":"out\n"}'

  local cfg root state dest
  cfg="$(cri_bundle "$CTR")/config.json"
  root="$CRI_ROOT/io.containerd.grpc.v1.cri/sandboxes/$POD"
  state="$CRI_STATE/io.containerd.grpc.v1.cri/sandboxes/$POD"
  for dest in /etc/hosts /etc/resolv.conf /etc/hostname; do
    assert_eq "$(jq -c --arg d "$dest" '[.mounts[] | select(.destination == $d)]' "$cfg")" \
      "$(jq -cn --arg d "$dest" --arg s "$root/${dest#/etc/}" \
         '[{destination: $d, type: "bind", source: $s, options: ["rbind", "rprivate", "rw"]}]')" \
      "mount of $dest"
  done
  assert_eq "$(jq -c '[.mounts[] | select(.destination == "/dev/shm")]' "$cfg")" \
    "$(jq -cn --arg s "$state/shm" \
       '[{destination: "/dev/shm", type: "bind", source: $s, options: ["rbind", "rprivate", "rw"]}]')" \
    "mount of /dev/shm"

  local spid cpid ns
  spid=$(cri_sandbox_pid "$POD")
  cpid=$(cri_container_pid "$CTR")
  for ns in ipc uts net; do
    local type=$ns
    [ "$ns" != net ] || type=network
    assert_eq "$(jq -r --arg t "$type" '.linux.namespaces[] | select(.type == $t) | .path' "$cfg")" \
      "/proc/$spid/ns/$ns" "$type namespace path"
    assert_eq "$(ns_of "$cpid" "$ns")" "$(ns_of "$spid" "$ns")" "$ns namespace of the app"
  done
  # pid (CONTAINER mode) and mount namespaces are the app's own.
  [ "$(ns_of "$cpid" pid)" != "$(ns_of "$spid" pid)" ] || fail "the app shares the sandbox's pid namespace"

  # The same tmpfs: a file written in the app appears in the engine's shm dir.
  run -0 cri exec-sync "$CTR" -- sh -c 'echo shared > /dev/shm/from-app && df -k /dev/shm | tail -n 1'
  assert_eq "$(awk '{ print $1, $2 }' <<<"$output")" "shm 65536" "the app's /dev/shm"
  assert_eq "$(cat "$(cri_path "$state/shm/from-app")")" shared "file in the pod's shm"
  run -0 cri exec-sync "$CTR" -- cat /etc/hostname
  assert_eq "$output" joined
}

@test "the sandbox's /dev/shm is the engine's 64 MiB tmpfs, bound read-only over the spec's own" {
  run_pod shm
  local shm line spid dev cfg
  shm=$(cri_sandbox_shm "$POD")
  # Engine side: tmpfs "shm", nosuid,nodev,noexec, size=65536k, only in
  # containerd's namespace.
  line=$(cri_engine_mount "$shm")
  [ -n "$line" ] || fail "no mount at $shm in containerd's namespace"
  assert_eq "$(awk '{ print $4, $5 }' <<<"$line")" "tmpfs shm"
  assert_contains "$(awk '{ print $3 }' <<<"$line")" nosuid,nodev,noexec
  assert_contains "$(awk '{ print $6 }' <<<"$line")" size=65536k
  [ -z "$(cri_mounts /proc/self/mountinfo | awk -v p="$shm" '$1 == p')" ] \
    || fail "the pod's shm is mounted on the host"
  dev=$(awk '{ print $2 }' <<<"$line")
  # Sandbox side: the spec mounts a tmpfs of its own on /dev/shm, then
  # binds the engine's (rbind,ro) over it; the top one is the engine's.
  cfg="$(cri_bundle "$POD")/config.json"
  assert_eq "$(jq -c '[.mounts[] | select(.destination == "/dev/shm") | [.type, .source, .options]]' "$cfg")" \
    "$(jq -cn --arg s "$shm" '[["tmpfs", "shm", ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]],
                               ["bind", $s, ["rbind", "ro"]]]')"
  spid=$(cri_sandbox_pid "$POD")
  line=$(cri_mounts "/proc/$spid/mountinfo" | awk '$1 == "/dev/shm"' | tail -n 1)
  assert_eq "$(awk '{ print $2, $4 }' <<<"$line")" "$dev tmpfs" "top /dev/shm of the sandbox"
  assert_eq "$(awk '{ split($3, o, ","); print o[1] }' <<<"$line")" ro "its mount flags"
  assert_contains "$(awk '{ print $6 }' <<<"$line")" size=65536k
}

@test "DNS options with a newline are written verbatim into the pod's resolv.conf" {
  run_pod dns '.dns_config = {servers: ["10.0.0.10"], searches: ["example.com"],
                              options: ["ndots:5\nnameserver 6.6.6.6"]}'
  local root expected
  root=$(cri_sandbox_root "$POD")
  expected=$'search example.com\nnameserver 10.0.0.10\noptions ndots:5\nnameserver 6.6.6.6'
  assert_eq "$(cat "$root/resolv.conf")" "$expected" "resolv.conf"
  assert_eq "$(stat -c %a "$root/resolv.conf")" 644
  assert_eq "$(cat "$root/hostname")" dns "hostname file"
  assert_eq "$(cat "$root/hosts")" "$(cat /etc/hosts)" "hosts file (the host's, copied)"
  run_app reader
  run -0 cri exec-sync "$CTR" -- cat /etc/resolv.conf
  assert_eq "$output" "$expected" "resolv.conf inside the app"
}

@test "BinaryName: the shim's runc command lines (own containerd, logging wrapper)" {
  # A wrapper that logs its argv (one %q-quoted line each) and execs runc.
  cat >"$T/logrunc" <<EOF
#!/bin/bash
{ printf '%q ' "\$0" "\$@"; echo; } >>"$T/argv.log"
exec /usr/sbin/runc "\$@"
EOF
  chmod 755 "$T/logrunc"
  # The suite's containerd, restored by teardown after this one is stopped.
  OWN_CRI=$(declare -p CRI_DIR CRI_ROOT CRI_STATE CRI_SOCK CRI_LOG CRI_PODLOGS CRI_PY_DIR \
    CRI_PID CRI_REAPER_PID CRI_MNTNS | sed 's/^declare -x/declare -gx/')
  CRI_BINARY_NAME="$T/logrunc" CRI_RUNTIMES="" cri_start
  run_pod logged
  run_app app
  run -0 cri exec-sync "$CTR" -- true
  cri stop "$CTR"
  cri remove "$CTR"
  cri stop-pod "$POD"
  cri remove-pod "$POD"

  local log=$T/argv.log tasks="$CRI_STATE/io.containerd.runtime.v2.task/k8s.io" id line
  [ -s "$log" ] || fail "the wrapper was never called"
  # argv[0] is BinaryName itself; every call starts with the same globals.
  for id in "$POD" "$CTR"; do
    local b="$tasks/$id" g
    g="$T/logrunc --root /run/containerd/runc/k8s.io --log $b/log.json --log-format json"
    grep -qxF "$g create --bundle $b --pid-file $b/init.pid $id " "$log" \
      || fail "no create of $id in this form" "$(cat "$log")"
    grep -qxF "$g start $id " "$log" || fail "no start of $id" "$(cat "$log")"
    grep -qxF "$g kill $id 9 " "$log" || fail "no kill of $id" "$(cat "$log")"
    grep -qxF "$g kill --all $id 9 " "$log" || fail "no kill --all of $id" "$(cat "$log")"
    grep -qxF "$g delete $id " "$log" || fail "no delete of $id" "$(cat "$log")"
    grep -qxF "$g delete --force $id " "$log" || fail "no delete --force of $id" "$(cat "$log")"
  done
  # ExecSync: a process file in containerd's TMPDIR, detached, a pid file
  # named after the exec id.
  local b="$tasks/$CTR"
  line=$(grep -F " exec " "$log")
  [[ $line =~ ^"$T/logrunc --root /run/containerd/runc/k8s.io --log $b/log.json --log-format json exec --process $CRI_DIR/tmp/runc-process"[0-9]+" --detach --pid-file $b/"[0-9a-f]{64}".pid $CTR "$ ]] \
    || fail "no exec of $CTR in the expected form" "$(cat "$log")"
  # Never --systemd-cgroup (SystemdCgroup = false), never a console socket
  # (no tty), and nothing but these subcommands.
  run grep -cE -- '--systemd-cgroup|--console-socket|--no-pivot|--no-new-keyring' "$log"
  assert_eq "$output" 0 "calls with unexpected flags"
  run -0 awk '{ print $8 }' "$log"
  assert_eq "$(sort -u <<<"$output" | tr '\n' ' ')" "create delete exec kill start " "subcommands used"
  # Order for the sandbox: create, start, then (at StopPodSandbox) kill, kill --all, delete, delete --force.
  assert_eq "$(grep -F " $POD " "$log" | cut -d' ' -f8- \
      | sed -e "s|$tasks/$POD|B|g" -e "s|$POD|ID|g" | tr '\n' ';')" \
    "create --bundle B --pid-file B/init.pid ID ;start ID ;kill ID 9 ;kill --all ID 9 ;delete ID ;delete --force ID ;" \
    "the sandbox's runc calls in order"
}

@test "a runtime refusing create through its --log file: RunPodSandbox fails with its message" {
  cri_pod_config refused >"$T/p.json"
  run --separate-stderr cri run-pod --runtime-handler refuse "$T/p.json"
  assert_status 125
  assert_contains "$stderr" "RunPodSandbox: UNKNOWN: "
  assert_contains "$stderr" "OCI runtime create failed: custom refusal"
  run -0 cri list-pods
  assert_eq "$(jq -r '.[] | select(.metadata.name == "refused") | .id' <<<"$output")" "" "pod left listed"
}

@test "a runtime refusing create on stderr only: the engine reports no message of its own" {
  cri_pod_config mute >"$T/p.json"
  run --separate-stderr cri run-pod --runtime-handler mute "$T/p.json"
  assert_status 125
  assert_contains "$stderr" "OCI runtime create failed: unable to retrieve OCI runtime error"
  assert_contains "$stderr" "$SUITE_T/refuse-mute did not terminate successfully: exit status 1"
  assert_not_contains "$stderr" "mute refusal"
}

@test "CreateContainer in a stopped sandbox fails with NOT_FOUND" {
  run_pod stopped
  cri stop-pod "$POD"
  run -0 cri pod-status "$POD"
  assert_eq "$(jq -r .status.state <<<"$output")" SANDBOX_NOTREADY
  cri_ctr_config late >"$T/late.json"
  run --separate-stderr cri create-container "$POD" "$T/late.json" "$POD_JSON"
  assert_status 125
  assert_contains "$stderr" "CreateContainer: NOT_FOUND: "
}

@test "StopPodSandbox and RemovePodSandbox leave nothing: processes, mounts, netns, state, cgroups" {
  run_pod gone
  run_app app
  local spid cpid shim netns shm parent id
  spid=$(cri_sandbox_pid "$POD")
  cpid=$(cri_container_pid "$CTR")
  shim=$(cri_shim_pid "$POD")
  [ -n "$shim" ] || fail "no shim for $POD below the reaper"
  netns=$(cri pod-status --verbose "$POD" \
    | jq -r '.info.info.runtimeSpec.linux.namespaces[] | select(.type == "network") | .path')
  assert_contains "$netns" /var/run/netns/cni-
  shm=$(cri_sandbox_shm "$POD")
  parent=$(cri_cgroup_parent)
  # Everything exists while the pod runs.
  [ -n "$(cri_engine_mount "$shm")" ] || fail "no shm mount"
  [ -n "$(cri_engine_mount "/run/netns/${netns##*/}")" ] || fail "no netns mount"
  for id in "$POD" "$CTR"; do
    [ -f "$(cri_runc_state "$id")" ] || fail "no runc state of $id"
    [ -d "/sys/fs/cgroup/cpu$parent/$id" ] || fail "no cgroup of $id"
    [ -n "$(cri_engine_mount "$CRI_STATE/io.containerd.runtime.v2.task/k8s.io/$id/rootfs")" ] \
      || fail "no rootfs mount of $id"
  done

  cri stop-pod "$POD"
  # Stopped: processes, shim, mounts, netns, runc state, bundles and
  # cgroups are gone; only the CRI's own records remain until removal.
  run -0 cri pod-status "$POD"
  assert_eq "$(jq -r .status.state <<<"$output")" SANDBOX_NOTREADY
  for id in "$spid" "$cpid" "$shim"; do
    gone "$id" || fail "process $id survived StopPodSandbox"
  done
  [ -z "$(cri_engine_mount "$shm")" ] || fail "shm still mounted after stop"
  [ ! -e "$(cri_path "/run/netns/${netns##*/}")" ] || fail "netns file left after stop"
  for id in "$POD" "$CTR"; do
    [ ! -e "$(cri_path "$CRI_RUNC_ROOT/$id")" ] || fail "runc state of $id left after stop"
    [ ! -e "$CRI_STATE/io.containerd.runtime.v2.task/k8s.io/$id" ] || fail "bundle of $id left after stop"
    [ ! -d "/sys/fs/cgroup/cpu$parent/$id" ] || fail "cgroup of $id left after stop"
  done

  cri remove-pod "$POD"
  run -0 cri list-pods
  assert_eq "$(jq -r '.[].id' <<<"$output")" "" "pods after removal"
  for id in "$CRI_ROOT/io.containerd.grpc.v1.cri/sandboxes/$POD" "$CRI_STATE/io.containerd.grpc.v1.cri/sandboxes/$POD" \
            "$CRI_ROOT/io.containerd.grpc.v1.cri/containers/$CTR" "$CRI_STATE/io.containerd.grpc.v1.cri/containers/$CTR"; do
    [ ! -e "$id" ] || fail "$id left after removal"
  done
  run cri_private_leftovers
  assert_eq "$output" "" "leftovers in containerd's namespace"
}

@test "stopping containerd leaves nothing on the host" {
  run_pod last
  local dir=$CRI_DIR reaper=$CRI_REAPER_PID
  [ -n "$(cri_in_private_ns)" ] || fail "cri_in_private_ns finds nobody while containerd runs"
  # cri_stop removes the pod through CRI, then checks the host.
  run cri_stop
  assert_status 0
  assert_eq "$output" "" "cri_stop's report"
  [ ! -e "$dir" ] || fail "$dir left"
  ! kill -0 "$reaper" 2>/dev/null || fail "the reaper survived"
  run -0 cri_in_private_ns
  assert_eq "$output" "" "processes in containerd's namespace"
}

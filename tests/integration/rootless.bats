#!/usr/bin/env bats
# The hook under rootless podman 4.3: an unprivileged user's pods with the
# shipped hooks.d files (the Debian package puts them where every podman,
# rootless too, reads them).  The hook then runs as uid 0 of the user's
# user namespace, with the user's privileges: it must leave the pod alone
# (the pod starts, the log says why), never fail it, and leave nothing.
#
# Nothing global is changed: a throwaway user (an unused uid, a HOME and an
# XDG_RUNTIME_DIR below T) exists only in a private mount namespace, whose
# /etc/passwd, /etc/group, /etc/subuid and /etc/subgid are bind mounts of
# copies in T (T/as-user runs a command as that user there).  Its
# containers.conf names T/hooks.d alone; its storage is below T/home.
# Teardown removes its pods, kills its pause process and FAILS when a
# process of that uid, a mount of the hook or a registry entry is left.

OSH_SUITE=rootless
load helpers

setup_file () {
  command -v podman >/dev/null || skip "podman is not installed"
  local tool
  for tool in newuidmap newgidmap runc setpriv unshare; do
    command -v "$tool" >/dev/null || skip "$tool is missing: rootless podman cannot run here"
  done
  [ "$(cat /proc/sys/user/max_user_namespaces)" -gt 0 ] \
    || skip "user.max_user_namespaces is 0: no user can make a user namespace"
}

setup () {
  osh_setup
  chmod 755 "$T"
  RUID=$((50000 + $$ % 10000))
  getent passwd "$RUID" >/dev/null && skip "uid $RUID is in use"
  ! pgrep -u "$RUID" >/dev/null || skip "uid $RUID has processes"
  SUB=$((300000000 + ($$ % 10000) * 65536))
  RHOME="$T/home"
  RRUN="$T/xdg-run"
  HOOK_LOG="$T/hook.log"
  make_rootless_user
  # The user namespace this machine lets an unprivileged user make, or why not.
  run "$T/as-user" unshare --user --map-root-user true
  [ "$status" -eq 0 ] || skip "an unprivileged user cannot make a user namespace here: $output"
}

teardown () {
  local problems="" left pause
  if [ -n "${T:-}" ] && [ -x "$T/as-user" ]; then
    rpm pod rm -af -t 0 >/dev/null 2>&1 || true
    rpm rm -af -t 0 >/dev/null 2>&1 || true
    left=$(rpm ps -aq 2>/dev/null)
    [ -z "$left" ] || problems+="containers left: $left; "
    pause=$(cat "$RRUN/libpod/tmp/pause.pid" 2>/dev/null || true)
    if [ -n "$pause" ] && [ "$(stat -c %u "/proc/$pause" 2>/dev/null)" = "$RUID" ]; then
      left=$(grep oci-sandbox-hook "/proc/$pause/mountinfo" || true)
      [ -z "$left" ] || problems+="hook mounts left in the user's mount namespace: $left; "
      kill "$pause" 2>/dev/null || true
    fi
    left=$(user_processes)
    [ -z "$left" ] || problems+="processes of uid $RUID left: $left; "
    left=$(grep oci-sandbox-hook /proc/self/mountinfo | grep -F "$T" || true)
    [ -z "$left" ] || problems+="hook mounts left: $left; "
  fi
  osh_teardown || problems+="(osh_teardown failed, see above) "
  [ -z "$problems" ] || fail "teardown: $problems"
}

# ------------------------------------------------------------ environment

# make_rootless_user: T/etc (passwd, group, subuid, subgid with the user),
# its HOME (containers.conf, storage.conf), its XDG_RUNTIME_DIR, and
# T/as-user.  podman's pause process keeps the mount namespace it was
# started in: the private /etc files hold for every later command.
make_rootless_user () {
  mkdir -p "$T/etc" "$RHOME/.config/containers" "$RRUN" "$T/hooks.d"
  cp /etc/passwd /etc/group "$T/etc/"
  echo "oshrl$$:x:$RUID:$RUID::$RHOME:/bin/sh" >>"$T/etc/passwd"
  echo "oshrl$$:x:$RUID:" >>"$T/etc/group"
  echo "oshrl$$:$SUB:65536" >"$T/etc/subuid"
  cp "$T/etc/subuid" "$T/etc/subgid"
  # crun refuses hybrid cgroups ("cgroups in hybrid mode not supported"):
  # runc, which runs rootless without cgroups there.
  cat >"$RHOME/.config/containers/containers.conf" <<EOF
[containers]
log_driver = "k8s-file"

[engine]
runtime = "runc"
hooks_dir = ["$T/hooks.d"]
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
  printf '[storage]\ndriver = "vfs"\n' >"$RHOME/.config/containers/storage.conf"
  : >"$HOOK_LOG"
  chown -R "$RUID:$RUID" "$RHOME" "$RRUN" "$HOOK_LOG"
  chmod 700 "$RHOME" "$RRUN"
  # slirp4netns opens /dev/net/tun as the user: where the node's is root's
  # alone (0600, as on the development machines), the private mount
  # namespace gets a node of its own, 0666 as distributions ship it.
  local tun=""
  if [ -c /dev/net/tun ] && mknod "$T/tun" c 10 200 2>/dev/null; then
    chmod 666 "$T/tun"
    tun="mount --bind $T/tun /dev/net/tun;"
  fi
  # The user's commands start in its home: the caller's directory (a CI
  # checkout in a private 0700 directory) may be closed to it.
  cat >"$T/as-user" <<EOF
#!/bin/bash
exec unshare -m --propagation private bash -c '
$tun
for f in passwd group subuid subgid; do mount --bind "$T/etc/\$f" "/etc/\$f"; done
cd "$RHOME" || exit 1
exec setpriv --reuid $RUID --regid $RUID --init-groups env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \\
  HOME=$RHOME XDG_RUNTIME_DIR=$RRUN XDG_CONFIG_HOME=$RHOME/.config "\$@"' as-user "\$@"
EOF
  chmod 755 "$T/as-user"
}

# make_rootless_hooks_dir stage|all [ARGS...]: the shipped hooks.d
# templates (stage: the three prestart + poststop files that make install
# and the Debian package put in /usr/share/containers/oci/hooks.d, which
# every podman reads; all: the two precreate files too, as a user whose
# hooks_dir names $(pkgdatadir)/podman-hooks.d gets them), their when and
# stages as shipped, each running T/hook-logged: the hook with ARGS (before
# the stage) and its log lines on stderr, appended to HOOK_LOG (runc shows
# a hook's stderr only when it fails).  Without ARGS the hook reads its
# default policy path, as the Debian package's files do.
make_rootless_hooks_dir () {
  local which=$1 tmpl n=0
  shift
  rm -f "$T/hooks.d"/*
  # A copy the user can execute: HOOK may sit in a checkout closed to it
  # (CI clones into a private 0700 directory).
  install -m 755 "$HOOK" "$T/oci-sandbox-hook"
  cat >"$T/hook-logged" <<EOF
#!/bin/sh
exec "$T/oci-sandbox-hook" --log-stderr --log-level debug $* "\$@" 2>>"$HOOK_LOG"
EOF
  chmod 755 "$T/hook-logged"
  for tmpl in "$BATS_TEST_DIRNAME"/../../hooks/*.json.in; do
    case $which:$tmpl in stage:*precreate*) continue ;; esac
    sed "s|@HOOK_PATH@|$T/hook-logged|g" "$tmpl" >"$T/hooks.d/$(basename "$tmpl" .in)"
    n=$((n + 1))
  done
  [ "$n" -eq "$([ "$which" = stage ] && echo 3 || echo 5)" ] \
    || fail "expected the shipped hooks.d templates, found $n"
}

# rpm ARGS...: podman as the user (its warning that / is not a shared
# mount, which the private mount namespace makes so, filtered out).
rpm () {
  "$T/as-user" podman --log-level error "$@"
}

user_processes () {
  # Zombies hold nothing: the node's pid 1 reaps them when it does.
  ps -o pid=,stat=,args= -u "$RUID" | awk '$2 !~ /^Z/' || true
}

import_busybox () {
  build_rootfs "$T/rootfs"
  tar -C "$T/rootfs" -cf "$T/rootfs.tar" .
  chmod 644 "$T/rootfs.tar"
  rpm import "$T/rootfs.tar" localhost/osh-busybox:rootless >/dev/null \
    || fail "podman import failed"
}

# hook_log_has TEXT: a line of the hook's log contains TEXT.
hook_log_has () {
  grep -qF -- "$1" "$HOOK_LOG" || fail "no hook log line contains $(printf '%q' "$1")" \
    "hook log: $(cat "$HOOK_LOG")"
}

# ------------------------------------------------------------ tests

@test "rootless podman: a pod starts with the shipped hooks.d files; the hook leaves it alone and nothing behind" {
  make_rootless_hooks_dir stage
  import_busybox
  run rpm info --format '{{.Host.Security.Rootless}}'
  assert_eq "$output" true "podman info: rootless"
  run rpm pod create --name "rl$$"
  assert_status 0
  run rpm pod start "rl$$"
  assert_status 0
  local infra ipid ibundle
  infra=$(rpm pod inspect --format '{{.InfraContainerID}}' "rl$$")
  ipid=$(rpm inspect --format '{{.State.Pid}}' "$infra")
  [ "$ipid" -gt 0 ] || fail "infra container not running: pid $ipid"
  # The hook ran for the infra container (matched by /catatonit) and
  # said why it did nothing.
  hook_log_has "${infra:0:12}: left alone: the hook runs in a user namespace (uid_map \"0 $RUID 1\")"
  hook_log_has "not trusted: directory / is owned by uid 65534, not root"
  ibundle=$(dirname "$(rpm inspect --format '{{.OCIConfigPath}}' "$infra")")
  [ ! -e "$ibundle/oci-sandbox-hook" ] || fail "the hook made its directory in the bundle"

  # A member: what it sees is podman's, untouched by the hook.
  run rpm run --name "rlm$$" --pod "rl$$" localhost/osh-busybox:rootless sh -c '
    echo "ports=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)"
    echo "ping=$(cat /proc/sys/net/ipv4/ping_group_range | tr "\t" " ")"
    echo "oom=$(cat /proc/self/oom_score_adj)"
    echo "shm=$(df -k /dev/shm | awk "NR == 2 { print \$2 }")"
    echo "uid=$(id -u)"'
  assert_status 0
  assert_contains "$output" "ports=1024" "the kernel's default: the hook wrote no sysctl"
  assert_contains "$output" "ping=0 0" "podman's default_sysctls"
  assert_contains "$output" "oom=$(cat "/proc/$ipid/oom_score_adj")" "the infra's own score"
  assert_contains "$output" "shm=64000" "podman's own /dev/shm"
  assert_contains "$output" "uid=0"
  local member
  member=$(rpm inspect --format '{{.Id}}' "rlm$$")
  hook_log_has "${member:0:12}: left alone"
  # The infra container's process was not changed either.
  [ "$(cat "/proc/$ipid/oom_score_adj")" != -998 ] || fail "the infra got -998"
  [ -z "$(grep oci-sandbox-hook "/proc/$ipid/mountinfo")" ] || fail "a hook mount in the infra"

  # poststop (podman runs it itself) exits 0 too: no error in podman's
  # cleanup, nothing left.
  run rpm rm -f "rlm$$"
  assert_status 0
  run rpm pod rm -f -t 0 "rl$$"
  assert_status 0
  assert_not_contains "$output" "poststop" "podman pod rm"
  hook_log_has "${infra:0:12}: poststop: the hook runs in a user namespace"
  assert_not_contains "$(cat "$HOOK_LOG")" "error" "hook log"
}

@test "rootless podman: an explicit --policy, root's or the user's own, is not trusted; precreate gives the spec back" {
  # Root's policy file: its owner is the overflow uid in the user's
  # namespace.  The user's own: root's in that namespace, never root's.
  write_policy '{"oom_score_adj": -999}'
  chmod 644 "$POLICY"
  install -o "$RUID" -g "$RUID" -m 644 "$POLICY" "$T/user-policy.json"
  local p
  import_busybox
  for p in "$POLICY" "$T/user-policy.json"; do
    : >"$HOOK_LOG"
    make_rootless_hooks_dir all --policy "$p"
    run rpm pod create --name "rlp$$"
    assert_status 0
    run rpm pod start "rlp$$"
    assert_status 0
    local infra
    infra=$(rpm pod inspect --format '{{.InfraContainerID}}' "rlp$$")
    hook_log_has "${infra:0:12}: left alone"
    hook_log_has "policy $p: not trusted"
    # precreate (the podman-only files, here in the same hooks_dir): the
    # infra's spec as podman made it, no OOM score runc could not set.
    assert_eq "$(rpm inspect --format '{{.Config.Annotations}}' "$infra" | grep -c io.katacontainers || true)" 0 \
      "sizing annotations"
    run jq -c '.process.oomScoreAdj, .linux.resources.cpu.shares' \
      "$(rpm inspect --format '{{.OCIConfigPath}}' "$infra")"
    assert_eq "$output" $'null\nnull' "spec edits"
    hook_log_has "precreate: the spec unchanged: the hook runs in a user namespace"
    # A container annotated as a sandbox: precreate and prestart match.
    run rpm run --rm --annotation io.kubernetes.cri.container-type=sandbox \
      localhost/osh-busybox:rootless cat /proc/self/oom_score_adj
    assert_status 0
    run rpm pod rm -f -t 0 "rlp$$"
    assert_status 0
    assert_not_contains "$(cat "$HOOK_LOG")" "error" "hook log"
  done
}

@test "a user namespace that maps root: the walk trusts root's policy, the hook still leaves a sandbox alone" {
  # unshare -U -r as root: uid_map "0 0 1", / owned by uid 0 there.  A
  # sandbox's createRuntime acts on nothing, precreate prints its input.
  write_policy '{}'
  sleep 60 &
  local pid=$!
  run --separate-stderr unshare --user --map-root-user "$HOOK" --policy "$POLICY" --log-stderr \
    createRuntime <<<"$(state_json creating "$pid")"
  kill "$pid"
  assert_status 0
  assert_contains "$stderr" "left alone: the hook runs in a user namespace (uid_map \"0 0 1\")"
  [ ! -e "$BUNDLE/oci-sandbox-hook" ] || fail "the hook made its directory in the bundle"
  run --separate-stderr unshare --user --map-root-user "$HOOK" --policy "$POLICY" precreate \
    <"$BUNDLE/config.json"
  assert_status 0
  assert_eq "$output" "$(cat "$BUNDLE/config.json")" "precreate's output"
  # In the initial user namespace the same sandbox is applied to.
  run --separate-stderr "$HOOK" --policy "$POLICY" precreate <"$BUNDLE/config.json"
  assert_status 0
  assert_contains "$output" '"oomScoreAdj"' "precreate's output in the initial user namespace"
}

#!/usr/bin/env bats
# What the hook does with a pod's /dev/shm and /etc files when the engine
# makes them (containerd, CRI-O): engine_shm resizes the engine's tmpfs to
# the pod's request, engine_files checks the engine's resolv.conf and
# hostname (docs/security.md, threat 26).  Real runc, on bundles built by
# hand the way containerd builds a sandbox's: the test plays the engine.
# It mounts the pod's tmpfs (mode=1777,size=64m, nosuid,nodev,noexec) in
# an engine directory below T, writes the pod's resolv.conf and hostname
# next to it, and config.json binds all three, as containerd's does.  The
# policy's engine_dirs names that directory.  Each hostile case is refused
# with a message naming what it is, nothing of the hook's is left, the
# engine's files and tmpfs are as the engine left them, and teardown
# checks that the host's /dev/shm kept its size.

OSH_SUITE=engine
load helpers

MIB=1048576

setup () {
  osh_setup
  ENGINE=$T/engine/sandboxes
  POD_DIR=$ENGINE/pod1
  mkdir -p "$POD_DIR/shm"
  mount -t tmpfs -o mode=1777,size=64m,nosuid,nodev,noexec shm "$POD_DIR/shm"
  printf 'search ns.svc.cluster.local svc.cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n' \
    >"$POD_DIR/resolv.conf"
  printf 'pod1\n' >"$POD_DIR/hostname"
  chmod 644 "$POD_DIR/resolv.conf" "$POD_DIR/hostname"
  engine_policy '{}'
  cfg --arg d "$POD_DIR" '.mounts += [
      {destination: "/dev/shm", type: "bind", source: "\($d)/shm", options: ["rbind", "ro"]},
      {destination: "/etc/resolv.conf", type: "bind", source: "\($d)/resolv.conf",
       options: ["rbind", "ro"]},
      {destination: "/etc/hostname", type: "bind", source: "\($d)/hostname", options: ["rbind", "ro"]}]'
  HOST_SHM_BYTES=$(bytes_of /dev/shm)
  ENGINE_SUMS=$(engine_sums)
}

teardown () {
  local problems=""
  if [ -n "${T:-}" ] && [ -d "$T" ]; then
    # The engine unmounts its tmpfs when a pod goes: here the test is the
    # engine (and removes the mounts its hostile cases made).
    findmnt -rn -o TARGET | grep -F "$T/engine/" | sort -r | while read -r m; do
      umount "$m" || umount -l "$m"
    done
    findmnt -rn -o TARGET | grep -F "$T/elsewhere/" | sort -r | while read -r m; do
      umount "$m" || umount -l "$m"
    done
    [ "$(bytes_of /dev/shm)" = "${HOST_SHM_BYTES:-}" ] \
      || problems="the host's /dev/shm changed size: $(bytes_of /dev/shm), was ${HOST_SHM_BYTES:-?}"
  fi
  osh_teardown
  [ -z "$problems" ] || fail "teardown: $problems"
}

# engine_policy JSON: the test policy, with engine_dirs naming the test's
# engine directory (unless JSON gives its own).
engine_policy () {
  write_policy "$(jq -n --arg e "$ENGINE" --argjson p "$1" '{engine_dirs: [$e]} + $p')"
}

# What the engine made: the hook must never change it.  Only regular
# files are read (a hostile case plants a FIFO there).
engine_sums () {
  local f
  for f in "$POD_DIR/resolv.conf" "$POD_DIR/hostname"; do
    if [ -f "$f" ] && [ ! -L "$f" ]; then
      sha256sum <"$f"
    else
      stat -c '%F %i %a' "$f" 2>&1
    fi
  done
  findmnt -rn -o OPTIONS "$POD_DIR/shm" | sed -E 's/size=[0-9]+k//'
}

run_in_container () {
  set_cmd "$1"
  run --separate-stderr timeout 60 runc run -b "$BUNDLE" "$CID" </dev/null
}

# Nothing of the hook's is left, the engine's files are as it wrote them.
assert_hook_left_nothing () {
  [ ! -e "$BUNDLE/oci-sandbox-hook" ] || fail "the hook's directory is left"
  local left
  left=$(mounts_below "$BUNDLE")
  [ -z "$left" ] || fail "mounts left below the bundle: $left"
  run runc list -q
  assert_not_contains "$output" "$CID" "runc list"
  assert_eq "$(engine_sums)" "$ENGINE_SUMS" "the engine's files and tmpfs options"
}

# refused TEXT...: runc run fails with every TEXT in the hook's stderr, the
# container never ran, nothing is left.
refused () {
  local text
  run_in_container 'echo container-ran'
  assert_failed
  [ "$status" -ne 124 ] || fail "runc run hung"
  assert_not_contains "$output" container-ran "container output"
  for text; do
    assert_contains "${stderr//\\\"/\"}" "$text" "runc's stderr"
  done
  assert_hook_left_nothing
}

# ------------------------------------------------------------ engine_shm

@test "engine_shm: a pod asking for 256Mi gets the engine's tmpfs resized, inside and out" {
  annotate io.oci-sandbox-hook.shm-size 256Mi
  run_in_container 'df -k /dev/shm | tail -n 1; grep -c " /dev/shm " /proc/mounts'
  assert_status 0
  assert_eq "$(awk 'NR == 1 { print $1, $2 }' <<<"$output")" "shm 262144" "the container's /dev/shm"
  # One /dev/shm on the default tmpfs: the engine's, bound by runc; the
  # hook placed nothing of its own.
  assert_eq "$(sed -n 2p <<<"$output")" 2 "/dev/shm mounts in the container"
  assert_eq "$(bytes_of "$POD_DIR/shm")" $((256 * MIB)) "the engine's tmpfs, host side"
  log_wait "engine_shm: $POD_DIR/shm: $((64 * MIB)) -> $((256 * MIB)) bytes"
  log_wait "sandbox ready: /etc/hosts engine_shm=$((256 * MIB))"
  # Not undone: the tmpfs is the engine's, which unmounts it with the pod.
  assert_eq "$(findmnt -rn -o FSTYPE "$POD_DIR/shm")" tmpfs "the engine's tmpfs after delete"
  assert_hook_left_nothing
}

@test "engine_shm: a pod that asks nothing keeps the engine's 64 MiB" {
  run_in_container 'df -k /dev/shm | tail -n 1'
  assert_status 0
  assert_eq "$(awk '{ print $2 }' <<<"$output")" 65536 "the container's /dev/shm in KiB"
  assert_eq "$(bytes_of "$POD_DIR/shm")" $((64 * MIB)) "the engine's tmpfs"
  log_wait "engine_shm: skip: the pod asks for no /dev/shm size: the engine's tmpfs keeps its own"
  assert_hook_left_nothing
}

@test "engine_shm: CRI-O's ShmSize annotation works too, and a smaller size" {
  annotate io.kubernetes.cri-o.ShmSize 32Mi
  run_in_container 'df -k /dev/shm | tail -n 1'
  assert_status 0
  assert_eq "$(awk '{ print $2 }' <<<"$output")" 32768 "the container's /dev/shm in KiB"
  log_wait "engine_shm: $POD_DIR/shm: $((64 * MIB)) -> $((32 * MIB)) bytes"
}

@test "engine_shm: a size above shm_size_max, 0 or not a quantity is refused with the hook's sentence" {
  annotate io.oci-sandbox-hook.shm-size 2Gi
  refused 'annotation io.oci-sandbox-hook.shm-size: 2147483648 bytes exceed the node maximum of 1073741824'
  annotate io.oci-sandbox-hook.shm-size 0
  refused 'annotation io.oci-sandbox-hook.shm-size: "0": must be greater than 0'
  annotate io.oci-sandbox-hook.shm-size 64m,size=0
  refused 'annotation io.oci-sandbox-hook.shm-size: "64m,size=0": not a quantity'
  assert_eq "$(bytes_of "$POD_DIR/shm")" $((64 * MIB)) "the engine's tmpfs"
}

@test "engine_shm: a source outside the engine directories is refused, naming it" {
  annotate io.oci-sandbox-hook.shm-size 256Mi
  engine_policy "$(jq -n --arg o "$T/other" '{engine_dirs: [$o, "/run/containerd"]}')"
  refused "annotation io.oci-sandbox-hook.shm-size: config.json binds /dev/shm from $POD_DIR/shm, which is not below any of the policy's engine_dirs: refusing to resize it"
  # A prefix of the path as text is not a directory above it.
  engine_policy "$(jq -n --arg o "$T/engine/sandbox" '{engine_dirs: [$o]}')"
  refused "from $POD_DIR/shm, which is not below any of the policy's engine_dirs"
  assert_eq "$(bytes_of "$POD_DIR/shm")" $((64 * MIB)) "the engine's tmpfs"
}

@test "engine_shm: a symlinked source, or a symlinked directory on the way, is refused" {
  annotate io.oci-sandbox-hook.shm-size 256Mi
  # The tmpfs lives in another pod's directory; pod1's shm is a link to it
  # (runc follows it for the bind; the hook never does).
  mkdir -p "$ENGINE/pod2/shm"
  mount --move "$POD_DIR/shm" "$ENGINE/pod2/shm"
  rmdir "$POD_DIR/shm"
  ln -s ../pod2/shm "$POD_DIR/shm"
  ENGINE_SUMS=$(engine_sums)
  refused "engine_shm: $POD_DIR/shm (io.oci-sandbox-hook.shm-size 268435456): a symlink: refused"
  # A directory on the way that is a link.
  ln -s pod2 "$ENGINE/podlink"
  cfg --arg s "$ENGINE/podlink/shm" '(.mounts[] | select(.destination == "/dev/shm" and .type == "bind")).source = $s'
  refused "engine_shm: $ENGINE/podlink/shm" "podlink below $ENGINE (a symlink: refused)"
  assert_eq "$(bytes_of "$ENGINE/pod2/shm")" $((64 * MIB)) "the engine's tmpfs"
}

@test "engine_shm: a plain directory, a bind of another filesystem, or a directory of a tmpfs is refused" {
  annotate io.oci-sandbox-hook.shm-size 256Mi
  umount "$POD_DIR/shm"
  ENGINE_SUMS=$(engine_sums)
  refused "engine_shm: $POD_DIR/shm" "not a mount point (the engine mounts its tmpfs there): refused"

  # T's own filesystem (not a tmpfs on these machines), bound there.
  mkdir -p "$T/elsewhere/plain"
  if [ "$(stat -f -c %T "$T")" != tmpfs ]; then
    mount --bind "$T/elsewhere/plain" "$POD_DIR/shm"
    ENGINE_SUMS=$(engine_sums)
    refused "engine_shm: $POD_DIR/shm" "a mount of type $(findmnt -rn -o FSTYPE "$POD_DIR/shm"), not a tmpfs: refused"
    umount "$POD_DIR/shm"
  fi

  # A directory of a large tmpfs bound there: resizing it would resize all
  # of that filesystem.
  mkdir -p "$T/elsewhere/big"
  mount -t tmpfs -o size=512m big "$T/elsewhere/big"
  mkdir "$T/elsewhere/big/sub"
  mount --bind "$T/elsewhere/big/sub" "$POD_DIR/shm"
  ENGINE_SUMS=$(engine_sums)
  refused "engine_shm: $POD_DIR/shm" "a directory (/sub) of a tmpfs bound there, not the engine's own tmpfs: refused"
  assert_eq "$(bytes_of "$T/elsewhere/big")" $((512 * MIB)) "the tmpfs the directory belongs to"
}

@test "engine_shm: the host's /dev/shm bound at the engine's path is never resized" {
  annotate io.oci-sandbox-hook.shm-size 256Mi
  umount "$POD_DIR/shm"
  mount --bind /dev/shm "$POD_DIR/shm"
  ENGINE_SUMS=$(engine_sums)
  refused "engine_shm: $POD_DIR/shm" "the tmpfs of the host's /dev/shm: never resized, refused"
  assert_eq "$(bytes_of /dev/shm)" "$HOST_SHM_BYTES" "the host's /dev/shm"
}

@test "engine_shm: a host-IPC pod asking for a size is refused" {
  annotate io.oci-sandbox-hook.shm-size 256Mi
  drop_namespace ipc
  # containerd binds the host's /dev/shm for a host-IPC pod.
  cfg '(.mounts[] | select(.destination == "/dev/shm" and .type == "bind")).source = "/dev/shm"'
  refused "annotation io.oci-sandbox-hook.shm-size: the pod shares the host's IPC namespace, whose /dev/shm is never resized: refusing"
  assert_eq "$(bytes_of /dev/shm)" "$HOST_SHM_BYTES" "the host's /dev/shm"
}

@test "engine_shm and engine_files: an engine directory that is not root's alone is refused" {
  annotate io.oci-sandbox-hook.shm-size 256Mi
  chmod 0777 "$ENGINE"
  refused "engine_files: the engine's /etc/resolv.conf ($POD_DIR/resolv.conf): cannot be read: policy key \"engine_dirs\": $ENGINE: not trusted: directory $ENGINE is writable by group or others (mode 0777)"
  engine_policy '{"engine_files": "off"}'
  refused "engine_shm: $POD_DIR/shm" "policy key \"engine_dirs\": $ENGINE: not trusted: directory $ENGINE is writable by group or others"
  chmod 0755 "$ENGINE"
  chown nobody "$ENGINE"
  refused "not trusted: directory $ENGINE is owned by uid $(id -u nobody), not root"
  chown root "$ENGINE"
  assert_eq "$(bytes_of "$POD_DIR/shm")" $((64 * MIB)) "the engine's tmpfs"
}

# ----------------------------------------------------------- engine_files

@test "engine_files: the files as containerd writes them pass, and the pod starts" {
  run_in_container 'cat /etc/resolv.conf /etc/hostname'
  assert_status 0
  assert_eq "$output" "$(cat "$POD_DIR/resolv.conf" "$POD_DIR/hostname")" "what the container sees"
  log_wait "engine_files: /etc/resolv.conf: valid; /etc/hostname: valid"
  assert_hook_left_nothing
}

@test "engine_files: enforce refuses an injected nameserver line, naming the file and the line" {
  printf 'search ns.svc.cluster.local\nnameserver 10.96.0.10\noptions ndots:5\nnameserver 6.6.6.6\n' \
    >"$POD_DIR/resolv.conf"
  ENGINE_SUMS=$(engine_sums)
  refused "engine_files: the engine's /etc/resolv.conf ($POD_DIR/resolv.conf): line 4 \"nameserver 6.6.6.6\": a nameserver line after the options line" \
    "refusing the pod (engine_files: enforce)"
  log_wait "engine_files: the engine's /etc/resolv.conf ($POD_DIR/resolv.conf): line 4"
}

@test "engine_files: enforce refuses a hostname file with a second line" {
  printf 'pod1\nnameserver 6.6.6.6\n' >"$POD_DIR/hostname"
  ENGINE_SUMS=$(engine_sums)
  refused "engine_files: the engine's /etc/hostname ($POD_DIR/hostname): line 2 \"nameserver 6.6.6.6\": a second line: the file holds one host name"
}

@test "engine_files: warn lets the pod start and logs why" {
  engine_policy '{"engine_files": "warn"}'
  printf 'options ndots:5\nnameserver 6.6.6.6\n' >"$POD_DIR/resolv.conf"
  ENGINE_SUMS=$(engine_sums)
  run_in_container 'cat /etc/resolv.conf'
  assert_status 0
  assert_eq "$output" "$(printf 'options ndots:5\nnameserver 6.6.6.6')" "the container's resolv.conf"
  log_wait "engine_files: the engine's /etc/resolv.conf ($POD_DIR/resolv.conf): line 2 \"nameserver 6.6.6.6\": a nameserver line after the options line"
  log_wait "(engine_files: warn, the pod starts)"
  assert_hook_left_nothing
}

# hook_under_strace TRACE: the createRuntime hook runs under strace, every
# open in TRACE, each fd argument shown as its path (-y).  (LeakSanitizer
# cannot run under ptrace: an ASan build reads ASAN_OPTIONS before main;
# other builds ignore it.)
hook_under_strace () {
  cfg --arg s /usr/bin/strace --arg o "$1" --arg h "$HOOK" --arg p "$POLICY" \
    '.hooks.createRuntime[0].path = $s
     | .hooks.createRuntime[0].args = ["strace", "-f", "-y", "-o", $o,
         "-e", "trace=open,openat,openat2", "-E", "ASAN_OPTIONS=detect_leaks=0",
         $h, "--policy", $p, "createRuntime"]'
}

@test "engine_files: off reads nothing of the engine's (strace of the hook)" {
  command -v strace >/dev/null || skip "strace is not installed (contrib/setup.sh installs it)"
  printf 'options ndots:5\nnameserver 6.6.6.6\n' >"$POD_DIR/resolv.conf"
  ENGINE_SUMS=$(engine_sums)
  local trace
  for mode in off enforce; do
    trace=$T/strace-$mode.log
    engine_policy "{\"engine_files\": \"$mode\"}"
    hook_under_strace "$trace"
    run_in_container 'cat /etc/resolv.conf'
    if [ "$mode" = off ]; then
      assert_status 0
      assert_eq "$output" "$(printf 'options ndots:5\nnameserver 6.6.6.6')" "the container's resolv.conf"
      [ -s "$trace" ] || fail "no trace"
      run grep -F "$POD_DIR" "$trace"
      assert_eq "$output" "" "the hook's opens of the engine's directory under off"
      log_wait "engine_files: skip: disabled by policy (engine_files: off)"
    else
      assert_failed
      grep -qF "$POD_DIR>, \"resolv.conf\"" "$trace" \
        || fail "no open of the engine's resolv.conf under enforce:" "$(grep -F engine "$trace")"
    fi
  done
  assert_hook_left_nothing
}

@test "engine_files: a file bound from outside the engine directories is not the engine's, and not read" {
  mkdir -p "$T/elsewhere"
  printf 'options ndots:5\nnameserver 6.6.6.6\n' >"$T/elsewhere/resolv.conf"
  cfg --arg s "$T/elsewhere/resolv.conf" \
    '(.mounts[] | select(.destination == "/etc/resolv.conf")).source = $s | del(.mounts[] | select(.destination == "/etc/hostname"))'
  run_in_container 'cat /etc/resolv.conf'
  assert_status 0
  log_wait "engine_files: skip: config.json binds /etc/resolv.conf from outside engine_dirs: not the engine's file"
  assert_hook_left_nothing
}

@test "engine_files: a symlink, a FIFO, a hard link, a mount point, a symlinked directory or 64 KiB + 1 is refused" {
  local f=$POD_DIR/resolv.conf
  mkdir -p "$T/elsewhere"
  printf 'nameserver 10.96.0.10\n' >"$T/elsewhere/resolv.conf"

  rm "$f" && ln -s ../../../elsewhere/resolv.conf "$f"
  ENGINE_SUMS=$(engine_sums)
  refused "engine_files: the engine's /etc/resolv.conf ($f): cannot be read: open (a symlink: refused)"

  rm "$f" && mkfifo -m 644 "$f"
  ENGINE_SUMS=$(engine_sums)
  refused "engine_files: the engine's /etc/resolv.conf ($f): cannot be read: not a regular file"

  rm "$f" && ln "$T/elsewhere/resolv.conf" "$f"
  ENGINE_SUMS=$(engine_sums)
  refused "($f): cannot be read: 2 hard links (the engine's file has one)"

  rm "$f" && printf 'nameserver 10.96.0.10\n' >"$f"
  mount --bind "$T/elsewhere/resolv.conf" "$f"
  ENGINE_SUMS=$(engine_sums)
  refused "($f): cannot be read: open (a mount point: refused)"
  umount "$f"

  { echo 'nameserver 10.96.0.10'; head -c 65536 /dev/zero | tr '\0' '#'; echo; } >"$f"
  ENGINE_SUMS=$(engine_sums)
  refused "($f): cannot be read: resolv.conf: input of 65559 bytes exceeds the limit of 65536 bytes"

  printf 'nameserver 10.96.0.10\n' >"$f"
  ln -s pod1 "$ENGINE/podlink"
  cfg --arg s "$ENGINE/podlink/resolv.conf" '(.mounts[] | select(.destination == "/etc/resolv.conf")).source = $s'
  ENGINE_SUMS=$(engine_sums)
  refused "($ENGINE/podlink/resolv.conf): cannot be read: podlink below $ENGINE (a symlink: refused)"
}

# Opening a device node can act on the device (a tape rewinds, a watchdog
# arms), O_NONBLOCK or not: the hook looks before it opens.  A character
# device like /dev/null's stands in for one, and strace shows every open.
@test "engine_files: a device node in place of resolv.conf is refused without being opened" {
  command -v strace >/dev/null || skip "strace is not installed (contrib/setup.sh installs it)"
  local f=$POD_DIR/resolv.conf trace=$T/strace-device.log
  rm "$f" && mknod -m 644 "$f" c 1 3
  ENGINE_SUMS=$(engine_sums)
  hook_under_strace "$trace"
  refused "engine_files: the engine's /etc/resolv.conf ($f): cannot be read: not a regular file"
  [ -s "$trace" ] || fail "no trace"
  run grep -F '"resolv.conf"' "$trace"
  assert_eq "$output" "" "the hook's opens of the device"
}

@test "engine_files: a resolv.conf that is the node's own, copied, passes out of the engines' order" {
  # systemd-resolved's stub file: options before search, and "search .".
  printf 'nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n' >"$T/node-resolv.conf"
  chmod 644 "$T/node-resolv.conf"
  cp "$T/node-resolv.conf" "$POD_DIR/resolv.conf"
  set_cmd 'cat /etc/resolv.conf'
  # The node's /etc/resolv.conf is that file in a private mount namespace
  # (the hook runs in runc's).
  run --separate-stderr unshare -m --propagation private sh -c \
    'mount --bind "$1" /etc/resolv.conf && exec runc run -b "$2" "$3" </dev/null' sh \
    "$T/node-resolv.conf" "$BUNDLE" "$CID"
  assert_status 0
  log_wait "engine_files: /etc/resolv.conf: the node's /etc/resolv.conf; /etc/hostname: valid"
  # One byte more, and it is judged by the engines' format.
  echo '#' >>"$POD_DIR/resolv.conf"
  run --separate-stderr unshare -m --propagation private sh -c \
    'mount --bind "$1" /etc/resolv.conf && exec runc run -b "$2" "$3" </dev/null' sh \
    "$T/node-resolv.conf" "$BUNDLE" "$CID"
  assert_failed
  assert_contains "${stderr//\\\"/\"}" "line 3 \"search .\": a search line after the options line"
}

@test "engine_files and engine_shm: plan shows both decisions from the bundle alone" {
  annotate io.oci-sandbox-hook.shm-size 128Mi
  run --separate-stderr "$HOOK" --policy "$POLICY" plan --bundle "$BUNDLE"
  assert_status 0
  assert_eq "$(jq -c '.actions[] | select(.action == "engine_shm") | [.decision, .size, .source, .engine_dir]' <<<"$output")" \
    "$(jq -cn --arg s "$POD_DIR/shm" --arg e "$ENGINE" '["apply", 134217728, $s, $e]')"
  assert_eq "$(jq -r '.actions[] | select(.action == "engine_files") | .reason' <<<"$output")" \
    "/etc/resolv.conf: valid; /etc/hostname: valid"
  assert_eq "$(bytes_of "$POD_DIR/shm")" $((64 * MIB)) "plan changes nothing"
}

#!/usr/bin/env bats
# The Debian package, end to end, without touching the machine: build it
# (contrib/deb/build.sh), lintian it, then install, use and purge it in a
# private mount namespace whose /usr, /etc, /var and /run are overlays with
# their upper and work directories under T.  Every write of apt, dpkg,
# podman and the hook lands in those upper directories and vanishes with
# the namespace, so the host's /etc/oci-sandbox-hook,
# /usr/share/containers/oci/hooks.d, /etc/containers and podman's storage
# are never written.
#
# One namespace serves the whole file: setup_file starts a holder process
# in it (its pid in T/ns.pid), every test enters it with nsenter, and the
# last test ends it.  The tests run in order and build on each other.
#
# What the comparison after purge ignores, and why: dpkg's database and
# log (/var/lib/dpkg, /var/log/dpkg.log), apt's marks, locks and logs
# (/var/lib/apt, /var/cache/apt, /var/log/apt), debconf's database
# (/var/cache/debconf, rewritten by every apt run), man-db's index
# (/var/cache/man, updated by its trigger for the man pages), podman's
# blob-info cache (/var/lib/containers; podman's storage itself is under T)
# and runc's state directory (/run/runc).

OSH_SUITE=deb
load helpers

TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
PKG=oci-sandbox-hook
PKG_VERSION=$(dpkg-parsechangelog -l "$TOP/contrib/debian/changelog" -S Version)
HOOK_BIN=/usr/libexec/oci/hooks.d/oci-sandbox-hook
HOOKS_D=/usr/share/containers/oci/hooks.d
PODMAN_HOOKS_D=/usr/share/oci-sandbox-hook/podman-hooks.d
POLICY_DIR=/etc/oci-sandbox-hook
# Host paths that must look the same at the end as at the start.
HOST_WATCHED="$HOOKS_D $POLICY_DIR /etc/containers /root/.config/containers /dev/shm/libpod_lock
/var/lib/containers/storage"

# --------------------------------------------------------------- the namespace

setup_file () {
  [ "$(id -u)" = 0 ] || skip "the package test needs root"
  local tool
  for tool in dpkg-buildpackage dh lintian apt-get podman runc unshare nsenter jq; do
    command -v "$tool" >/dev/null || fail "$tool is missing (contrib/setup.sh installs it)"
  done
  [ -x /usr/libexec/podman/catatonit ] || [ -x /usr/bin/catatonit ] \
    || fail "catatonit is missing: podman cannot build its pause image"
  DEB_T=$(mktemp -d /tmp/osh-deb.XXXXXX)
  # apt reads the .deb as its _apt user: T must be searchable.
  chmod 755 "$DEB_T"
  CGP="osh-deb-${DEB_T##*.}"
  export DEB_T CGP
  mkdir -p "$DEB_T/out" "$DEB_T/no-sources.d" "$DEB_T/tmp" "$DEB_T/net"
  host_state >"$DEB_T/host-before"
  write_scripts
  write_podman_env
  unshare -m --propagation private "$DEB_T/ns-init.sh" "$DEB_T" \
    </dev/null >"$DEB_T/ns.log" 2>&1 3>&- &
  echo $! >"$DEB_T/ns.pid"
  local _
  for _ in $(seq 100); do
    [ -e "$DEB_T/ns-ready" ] && break
    kill -0 "$(cat "$DEB_T/ns.pid")" 2>/dev/null || fail "namespace: $(cat "$DEB_T/ns.log")"
    sleep 0.1
  done
  [ -e "$DEB_T/ns-ready" ] || fail "namespace not ready: $(cat "$DEB_T/ns.log")"
  readlink "/proc/$(cat "$DEB_T/ns.pid")/ns/mnt" >"$DEB_T/ns.mnt"
  # The machine as seen from inside (the overlays, nothing written yet) and
  # from outside, at the same moment.
  in_ns "$DEB_T/listing.sh" >"$DEB_T/ns-before"
  "$DEB_T/listing.sh" >"$DEB_T/host-listing-before"
}

# Best effort when a test failed before the last one ended the namespace:
# remove podman's containers, end the processes in the namespace (ours, by
# pid), remove the cgroup parent and T.
teardown_file () {
  [ -n "${DEB_T:-}" ] && [ -d "$DEB_T" ] || return 0
  if ns_alive; then
    "$DEB_T/podman" pod rm -af -t 0 >/dev/null 2>&1 || true
    "$DEB_T/podman" rm -af -t 0 >/dev/null 2>&1 || true
    end_namespace || true
  fi
  remove_cgroup_parent >/dev/null || true
  rm -rf --one-file-system "$DEB_T"
}

# ns-init.sh mounts the overlays (/run first: anything mount(8) might
# record lands in the overlay) and waits; listing.sh prints the tree.
write_scripts () {
  cat >"$DEB_T/ns-init.sh" <<'EOF'
#!/bin/bash
set -eu
T=$1
for d in run usr etc var; do
  mkdir -p "$T/ov/$d/upper" "$T/ov/$d/work"
  mount -n -t overlay "osh-deb-$d" \
    -o "lowerdir=/$d,upperdir=$T/ov/$d/upper,workdir=$T/ov/$d/work" "/$d"
done
touch "$T/ns-ready"
exec sleep infinity
EOF
  # One line per path of /usr, /etc and /var: type, mode, owner, size
  # (files) and link target, without the tools' own state (see the top).
  # Contents: what can differ is what was written, and every write is in
  # an upper directory: upper-check.sh compares those by checksum.
  cat >"$DEB_T/listing.sh" <<'EOF'
#!/bin/bash
find /usr /etc /var -xdev \( -path /var/lib/dpkg -o -path /var/log/dpkg.log -o -path /var/lib/apt \
    -o -path /var/cache/apt -o -path /var/log/apt -o -path /var/cache/debconf -o -path /var/cache/man \
    -o -path /var/lib/containers \) -prune -o -printf '%p\t%y\t%m\t%u:%g\t%s\t%l\n' \
  | awk -F '\t' -v OFS='\t' '$2 == "d" { $5 = "-" } { print }' | LC_ALL=C sort
EOF
  # Every non-directory in an upper directory (or a directory the host does
  # not have), outside the tools' state: the namespace wrote it.  Fine only
  # when the host has the very same thing (type, mode, owner, sha256 or
  # link target); a whiteout means a host file was deleted.
  cat >"$DEB_T/upper-check.sh" <<'EOF'
#!/bin/bash
T=$1
for d in usr etc var run; do
  (cd "$T/ov/$d/upper" && find . -mindepth 1 \( -path ./lib/dpkg -o -path ./log/dpkg.log -o -path ./lib/apt \
      -o -path ./cache/apt -o -path ./log/apt -o -path ./cache/debconf -o -path ./cache/man \
      -o -path ./lib/containers -o -path ./runc \) -prune -o -print) | while IFS= read -r p; do
    up="$T/ov/$d/upper/${p#./}"
    host="/$d/${p#./}"
    if [ -d "$up" ] && [ ! -L "$up" ]; then
      [ -d "$host" ] || echo "created directory $host"
    elif [ -c "$up" ] && [ "$(stat -c %t:%T "$up")" = 0:0 ]; then
      echo "deleted $host"
    elif [ ! -e "$host" ] && [ ! -L "$host" ]; then
      echo "created $host"
    elif [ "$(stat -c %F:%a:%U:%G "$up")" != "$(stat -c %F:%a:%U:%G "$host")" ]; then
      echo "changed type, mode or owner of $host"
    elif [ -L "$up" ]; then
      [ "$(readlink "$up")" = "$(readlink "$host")" ] || echo "changed link $host"
    elif [ -f "$up" ]; then
      [ "$(sha256sum <"$up")" = "$(sha256sum <"$host")" ] || echo "changed content of $host"
    else
      echo "wrote $(stat -c %F "$up") $host"
    fi
  done
done
EOF
  chmod 755 "$DEB_T/ns-init.sh" "$DEB_T/listing.sh" "$DEB_T/upper-check.sh"
}

# podman in the namespace with a private configuration (ulimits within the
# hard limit, runc, cgroupfs, file locks: not /dev/shm) and storage under
# T.  No hooks_dir: podman reads its default, /usr/share/containers/oci/hooks.d,
# where the package puts its files.
write_podman_env () {
  cat >"$DEB_T/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1000:1000"]
log_driver = "k8s-file"

[network]
network_backend = "cni"
network_config_dir = "$DEB_T/net"

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$DEB_T/events.log"
tmp_dir = "$DEB_T/tmp"
image_copy_tmp_dir = "$DEB_T/tmp"
lock_type = "file"
EOF
  cat >"$DEB_T/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$DEB_T/storage"
runroot = "$DEB_T/runroot"
EOF
  cat >"$DEB_T/podman" <<EOF
#!/bin/bash
export CONTAINERS_CONF="$DEB_T/containers.conf" CONTAINERS_STORAGE_CONF="$DEB_T/storage.conf" TMPDIR="$DEB_T/tmp"
exec nsenter -t "\$(cat "$DEB_T/ns.pid")" -m -- podman --root "$DEB_T/storage" --runroot "$DEB_T/runroot" \\
  --storage-driver vfs --cgroup-manager cgroupfs --events-backend file --log-level error "\$@"
EOF
  chmod 755 "$DEB_T/podman"
}

# in_ns CMD...: run CMD in the namespace.
in_ns () {
  nsenter -t "$(cat "$DEB_T/ns.pid")" -m -- "$@"
}

ns_alive () {
  [ -f "$DEB_T/ns.pid" ] \
    && [ "$(readlink "/proc/$(cat "$DEB_T/ns.pid")/ns/mnt" 2>/dev/null)" = "$(cat "$DEB_T/ns.mnt")" ]
}

# Pids of the processes in the namespace.
ns_pids () {
  local p want
  want=$(cat "$DEB_T/ns.mnt")
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/ns/mnt" 2>/dev/null)" = "$want" ] && echo "${p#/proc/}"
  done
  return 0
}

# Ends the holder and whatever podman left running in there (our own
# processes, by pid); waits until no process is in the namespace.
end_namespace () {
  local _ pids
  for _ in $(seq 100); do
    pids=$(ns_pids)
    [ -z "$pids" ] && return 0
    # shellcheck disable=SC2086
    kill $pids 2>/dev/null || true
    sleep 0.1
  done
  fail "processes still in the namespace: $(ns_pids)"
}

apt_in_ns () {
  in_ns env DEBIAN_FRONTEND=noninteractive apt-get -y --no-install-recommends \
    -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$DEB_T/no-sources.d" "$@"
}

pm () {
  "$DEB_T/podman" "$@"
}

# What of the host the test must leave as it found it: the watched paths
# (a listing with checksums, or "absent") and the mounts that name T.
host_state () {
  local p
  for p in $HOST_WATCHED; do
    if [ -e "$p" ]; then
      find "$p" -printf '%p %y %m %u:%g %l\n' | LC_ALL=C sort
      find "$p" -type f -exec sha256sum {} + | LC_ALL=C sort
    else
      echo "$p absent"
    fi
  done
  findmnt -rn -o TARGET,FSTYPE,OPTIONS | grep -F "$DEB_T" || true
}

# A pod with its infra container: INFRA (id), IPID (host pid), IBUNDLE.
start_pod () {
  pm pod create --network none --cgroup-parent "/$CGP" --name "$1" >/dev/null \
    || fail "podman pod create failed"
  pm pod start "$1" >/dev/null || fail "podman pod start failed"
  INFRA=$(pm pod inspect --format '{{.InfraContainerID}}' "$1")
  IPID=$(pm inspect --format '{{.State.Pid}}' "$INFRA")
  [ "$IPID" -gt 0 ] || fail "infra container pid: $IPID"
  IBUNDLE=$(dirname "$(pm inspect --format '{{.OCIConfigPath}}' "$INFRA")")
  [ "$(readlink "/proc/$IPID/ns/net")" != "$(readlink /proc/self/ns/net)" ] \
    || fail "the infra container is in the host's network namespace"
}

cgroup_v1 () {
  local path
  path=$(awk -F: -v c="$2" '$2 == c { print $3 }' "/proc/$1/cgroup")
  [ -n "$path" ] || fail "no $2 line in /proc/$1/cgroup"
  echo "/sys/fs/cgroup/$2$path"
}

# The OOM score the default policy gives: -998, restricted to the
# caller's own score when CAP_SYS_RESOURCE (bit 24) is not in the bounding set.
expected_oom () {
  local bnd
  bnd=$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)
  if (((0x$bnd >> 24) & 1)); then echo -998; else cat /proc/self/oom_score_adj; fi
}

# ---------------------------------------------------------------- the package

@test "deb: contrib/deb/build.sh builds the dynamic package; the unit tests pass in the build" {
  run "$TOP/contrib/deb/build.sh" "$DEB_T/out"
  assert_status 0
  local deb="$DEB_T/out/${PKG}_${PKG_VERSION}_$(dpkg --print-architecture).deb"
  [ -f "$deb" ] || fail "no $deb: $(ls "$DEB_T/out")"
  cp "$deb" "$DEB_T/pkg.deb"
  # Shared yajl, libselinux and libcap-ng: their security updates reach
  # the hook.  yajl is linked; the other two are dlopen()ed where needed,
  # so dpkg-shlibdeps cannot see them and control names them.
  run dpkg-deb -f "$deb" Depends
  assert_contains "$output" "libyajl2" "Depends"
  assert_contains "$output" "libselinux1 (>= 3.1~)" "Depends"
  assert_contains "$output" "libcap-ng0 (>= 0.7.9)" "Depends"
  mkdir "$DEB_T/x"
  dpkg-deb -x "$deb" "$DEB_T/x"
  run readelf -d "$DEB_T/x$HOOK_BIN"
  assert_contains "$output" "Shared library: [libyajl.so.2]" "the hook's dynamic section"
  assert_not_contains "$output" "libselinux" "the hook's dynamic section"
  assert_not_contains "$output" "libcap-ng" "the hook's dynamic section"
  assert_contains "$output" "BIND_NOW" "the hook's dynamic section (full RELRO)"
  # The sonames it dlopen()s, for packaging tools (systemd's ELF dlopen
  # metadata).
  run readelf -W -p .note.dlopen "$DEB_T/x$HOOK_BIN"
  assert_contains "$output" '"soname":["libselinux.so.1"]' "the hook's .note.dlopen"
  assert_contains "$output" '"soname":["libcap-ng.so.0"]' "the hook's .note.dlopen"
  # dh_auto_test ran make check.
  assert_eq "$(sed -n 's/^# FAIL: *//p' "$DEB_T/out/build.log")" 0 "unit test failures in the build"
  [ "$(sed -n 's/^# PASS: *//p' "$DEB_T/out/build.log")" -gt 0 ] || fail "no unit test ran in the build"
}

@test "deb: lintian reports nothing but the documented overrides (errors to pedantic)" {
  [ -f "$DEB_T/pkg.deb" ] || fail "no package built"
  run --separate-stderr lintian --display-info --pedantic --display-experimental \
    --fail-on error,warning,info,pedantic,experimental "$DEB_T"/out/*.changes
  assert_status 0
  assert_eq "$output" "" "lintian's tags"
}

@test "deb: make install in a DESTDIR installs what the package ships; make uninstall removes every file" {
  local src="$DEB_T/src" dest="$DEB_T/destdir"
  # The very tree the package is built from.
  "$TOP/contrib/deb/build.sh" --tree "$src"
  run bash -c 'cd "$1" && ./autogen.sh && ./configure --prefix=/usr --libexecdir=/usr/libexec \
      --sysconfdir=/etc && make -j"$(nproc)" && make install DESTDIR="$2"' sh "$src" "$dest"
  assert_status 0
  (cd "$dest" && find . -not -type d | sed 's|^\.||' | LC_ALL=C sort) >"$DEB_T/make-install.list"
  grep -qx "$HOOK_BIN" "$DEB_T/make-install.list" || fail "make install: no $HOOK_BIN"
  # Every file make install puts, in the package (dh_compress gzips the
  # man pages and the larger docs); the package adds only Debian's files.
  local f missing="" extra=""
  (cd "$DEB_T/x" && find . -not -type d | sed 's|^\.||' | LC_ALL=C sort) >"$DEB_T/deb.list"
  while read -r f; do
    grep -qxF -e "$f" -e "$f.gz" "$DEB_T/deb.list" || missing+="$f "
  done <"$DEB_T/make-install.list"
  while read -r f; do
    grep -qxF -e "$f" -e "${f%.gz}" "$DEB_T/make-install.list" && continue
    case "$f" in
    "/usr/share/doc/$PKG/copyright" | "/usr/share/doc/$PKG/changelog.gz" \
      | "/usr/share/lintian/overrides/$PKG" | "$POLICY_DIR/policy.json") ;;
    *) extra+="$f " ;;
    esac
  done <"$DEB_T/deb.list"
  assert_eq "$missing" "" "make install files missing from the package"
  assert_eq "$extra" "" "package files make install does not install"
  run bash -c 'cd "$1" && make uninstall DESTDIR="$2"' sh "$src" "$dest"
  assert_status 0
  assert_eq "$(find "$dest" -not -type d)" "" "files left by make uninstall"
}

# -------------------------------------------------------------- in the namespace

@test "deb: before the install, podman's pod infra container gets no sandbox policy" {
  start_pod "osh-deb-before"
  assert_eq "$(nsenter -t "$IPID" -n cat "$PORTS_SYSCTL")" 1024 "infra ip_unprivileged_port_start"
  assert_eq "$(cat "$(cgroup_v1 "$IPID" cpu)/cpu.shares")" 1024 "infra cpu.shares"
  pm pod rm -f -t 0 "osh-deb-before" >/dev/null
}

@test "deb: apt-get installs the .deb in the namespace, without network; the host does not see it" {
  [ -f "$DEB_T/pkg.deb" ] || fail "no package built"
  run apt_in_ns install "$DEB_T/pkg.deb"
  assert_status 0
  run in_ns dpkg-query -W -f '${db:Status-Abbrev}${Version}' "$PKG"
  assert_eq "$output" "ii $PKG_VERSION" "dpkg-query in the namespace"
  run --separate-stderr dpkg-query -W -f '${db:Status-Abbrev}' "$PKG"
  assert_not_contains "$output" "ii" "dpkg-query on the host"
  [ ! -e "$HOOK_BIN" ] || fail "the host has $HOOK_BIN"
  in_ns test -x "$HOOK_BIN" || fail "no $HOOK_BIN in the namespace"
}

@test "deb: dpkg -L lists the hook, its hooks.d files, man pages, docs and policy; dpkg --verify is clean" {
  in_ns dpkg -L "$PKG" >"$DEB_T/dpkg-L"
  local f
  for f in "$HOOK_BIN" /usr/share/man/man1/oci-sandbox-hook.1.gz \
    /usr/share/man/man5/oci-sandbox-hook-policy.5.gz /usr/share/doc/$PKG/README.md.gz \
    /usr/share/doc/$PKG/copyright "$POLICY_DIR/policy.json"; do
    grep -qxF "$f" "$DEB_T/dpkg-L" || fail "dpkg -L lacks $f"
  done
  # The installed tree is the package's, file for file.
  assert_eq "$(in_ns bash -c 'while read -r f; do [ -d "$f" ] || echo "$f"; done' <"$DEB_T/dpkg-L" \
    | LC_ALL=C sort)" "$(cat "$DEB_T/deb.list")" "files of dpkg -L"
  run in_ns dpkg --verify "$PKG"
  assert_status 0
  assert_eq "$output" "" "dpkg --verify"
  assert_eq "$(in_ns "$HOOK_BIN" --version)" "oci-sandbox-hook $PKG_VERSION" "the installed hook's --version"
  # One hooks.d file per template, each naming the installed hook: in
  # the directory podman and CRI-O read by default, none with podman's
  # precreate stage (CRI-O would not start); those two in the package's
  # own directory, which nothing reads.
  local n=0 json
  for json in $(in_ns sh -c "ls $HOOKS_D/*.json $PODMAN_HOOKS_D/*.json"); do
    assert_eq "$(in_ns jq -r .hook.path "$json")" "$HOOK_BIN" "hook.path of $json"
    n=$((n + 1))
  done
  assert_eq "$n" "$(ls "$TOP"/hooks/*.json.in | wc -l)" "installed hooks.d files"
  assert_eq "$(in_ns sh -c "jq -c .stages $HOOKS_D/*.json" | sort -u)" '["prestart","poststop"]' \
    "stages in $HOOKS_D"
  assert_eq "$(in_ns sh -c "jq -c .stages $PODMAN_HOOKS_D/*.json" | sort -u)" '["precreate"]' \
    "stages in $PODMAN_HOOKS_D"
}

@test "deb: the policy is a root-owned 0644 conffile, contrib/policy.json, and it is the built-in defaults" {
  run in_ns dpkg-query -W -f '${Conffiles}' "$PKG"
  assert_eq "$(echo "$output" | awk '{ print $1, $2 }')" \
    "$POLICY_DIR/policy.json $(md5sum <"$TOP/contrib/policy.json" | cut -d' ' -f1)" "conffiles"
  assert_eq "$(in_ns stat -c '%U:%G %a' "$POLICY_DIR/policy.json")" "root:root 644" "policy file"
  assert_eq "$(in_ns stat -c '%U:%G %a' "$POLICY_DIR")" "root:root 755" "policy directory"
  # The hook's plan with the installed file (its default path) equals its
  # plan with the built-in defaults, for an annotated sandbox and for
  # podman's infra command.
  mkdir -p "$DEB_T/plan"
  echo '{}' >"$DEB_T/plan/defaults.json"
  local spec
  for spec in '.annotations = {"io.kubernetes.cri.container-type": "sandbox"}' \
    '.process.args = ["/catatonit", "-P"]'; do
    jq "$spec" "$TOP/tests/data/runc-spec.json" >"$DEB_T/plan/config.json"
    run --separate-stderr in_ns "$HOOK_BIN" plan --bundle "$DEB_T/plan"
    assert_status 0
    assert_contains "$output" '"sandbox": true' "plan with the installed policy"
    assert_eq "$output" "$(in_ns "$HOOK_BIN" plan --policy "$DEB_T/plan/defaults.json" --bundle "$DEB_T/plan")" \
      "plan with the installed policy against the built-in defaults"
  done
}

@test "deb: podman's pod infra container gets the sandbox policies from the installed hooks.d files" {
  start_pod "osh-deb-pod"
  assert_eq "$(nsenter -t "$IPID" -n cat "$PORTS_SYSCTL")" 0 "infra ip_unprivileged_port_start"
  assert_eq "$(nsenter -t "$IPID" -n cat "$PING_SYSCTL" | tr '\t' ' ')" "0 2147483647" \
    "infra ping_group_range"
  assert_eq "$(cat "$(cgroup_v1 "$IPID" cpu)/cpu.shares")" 2 "infra cpu.shares"
  assert_eq "$(cat "/proc/$IPID/oom_score_adj")" "$(expected_oom)" "infra oom_score_adj"
  # createRuntime (oci-sandbox-hook-infra.json) wrote them in the
  # container's namespaces, and bound its copy of the node's resolv.conf
  # (podman gives a --network none container none); the spec is podman's
  # (no precreate file where podman reads by default).
  assert_eq "$(jq -c .linux.sysctl "$IBUNDLE/config.json")" null "infra spec linux.sysctl"
  # The hook's directory is a tmpfs mounted in the namespace podman runs in.
  in_ns test -f "$IBUNDLE/oci-sandbox-hook/resolv.conf" || fail "no resolv.conf of the hook in the infra bundle"
  assert_eq "$(cat "/proc/$IPID/root/etc/resolv.conf")" "$(in_ns cat /etc/resolv.conf)" \
    "infra /etc/resolv.conf"
  # podman bind-mounts its own /dev/shm (a 64000k tmpfs): the hook leaves
  # it to the engine and mounts no second one.
  run awk '$2 == "/dev/shm" { print $3, $4 }' "/proc/$IPID/mounts"
  assert_eq "$output" "tmpfs rw,nosuid,nodev,noexec,relatime,size=64000k" "infra /dev/shm"
}

@test "deb: a sandbox-annotated container without podman's /dev/shm gets the hook's 64 MiB tmpfs" {
  build_rootfs "$DEB_T/rootfs"
  local c cpid b
  c=$(pm run -d --network none --ipc none --cgroup-parent "/$CGP" \
    --annotation io.kubernetes.cri.container-type=sandbox --rootfs "$DEB_T/rootfs" sleep 600)
  cpid=$(pm inspect --format '{{.State.Pid}}' "$c")
  [ "$cpid" -gt 0 ] || fail "container pid: $cpid"
  run awk '$2 == "/dev/shm" { print $3, $4 }' "/proc/$cpid/mounts"
  assert_eq "$output" "tmpfs rw,nosuid,nodev,noexec,relatime,size=65536k" "container /dev/shm"
  assert_eq "$(stat -c %a "/proc/$cpid/root/dev/shm")" 1777 "container /dev/shm mode"
  assert_eq "$(nsenter -t "$cpid" -n cat "$PORTS_SYSCTL")" 0 "container ip_unprivileged_port_start"
  b=$(dirname "$(pm inspect --format '{{.OCIConfigPath}}' "$c")")
  # The hook's tmpfs is mounted in the bundle inside the namespace only.
  assert_eq "$(in_ns findmnt -n -o FSTYPE "$b/oci-sandbox-hook/shm")" tmpfs "the hook's tmpfs in the namespace"
  assert_eq "$(findmnt -rn -o TARGET | grep -cF "$DEB_T/" || true)" 0 "mounts below T on the host"
  pm rm -f -t 0 "$c" >/dev/null
}

@test "deb: podman's precreate files, their directory added to podman's hooks_dir, edit the specs of a pod and a sandbox" {
  # What the README tells a podman node to do (containers.conf; CRI-O
  # never reads it): the default directory and the package's own.
  cp "$DEB_T/containers.conf" "$DEB_T/containers.conf.saved"
  printf 'hooks_dir = ["%s", "%s"]\n' "$HOOKS_D" "$PODMAN_HOOKS_D" >>"$DEB_T/containers.conf"
  [ "$(grep '^\[' "$DEB_T/containers.conf" | tail -n 1)" = "[engine]" ] || fail "hooks_dir is not in [engine]"
  start_pod "osh-deb-precreate"
  assert_eq "$(jq -c .linux.sysctl "$IBUNDLE/config.json")" \
    '{"net.ipv4.ip_unprivileged_port_start":"0","net.ipv4.ping_group_range":"0 2147483647"}' \
    "infra spec linux.sysctl"
  local c b
  c=$(pm run -d --network none --ipc none --cgroup-parent "/$CGP" \
    --annotation io.kubernetes.cri.container-type=sandbox --rootfs "$DEB_T/rootfs" sleep 600)
  b=$(dirname "$(pm inspect --format '{{.OCIConfigPath}}' "$c")")
  assert_eq "$(jq -c '[.linux.sysctl, .linux.resources.cpu.shares]' "$b/config.json")" \
    '[{"net.ipv4.ip_unprivileged_port_start":"0","net.ipv4.ping_group_range":"0 2147483647"},2]' \
    "container spec linux.sysctl and cpu.shares"
  pm rm -f -t 0 "$c" >/dev/null
  pm pod rm -f -t 0 "osh-deb-precreate" >/dev/null
  mv "$DEB_T/containers.conf.saved" "$DEB_T/containers.conf"
}

# podman as the node runs it: its system configuration (/etc/containers in
# the namespace's overlay, drop-ins included), no CONTAINERS_CONF.
pm_system () {
  CONTAINERS_STORAGE_CONF="$DEB_T/storage.conf" TMPDIR="$DEB_T/tmp" \
    nsenter -t "$(cat "$DEB_T/ns.pid")" -m -- podman --root "$DEB_T/storage" \
    --runroot "$DEB_T/runroot" --storage-driver vfs --log-level error "$@"
}

@test "deb: the package's installer wires podman as it reads by default (a containers.conf drop-in), a pod gets all five hooks.d files, uninstall restores every byte" {
  # The node's own containers.conf, as an administrator might have it:
  # this test's settings, no hooks_dir.  podman 4 then reads
  # /usr/share/containers/oci/hooks.d alone.
  grep -v '^hooks_dir' "$DEB_T/containers.conf" | in_ns sh -c 'cat >/etc/containers/containers.conf'
  in_ns "$DEB_T/listing.sh" >"$DEB_T/before-install"
  run --separate-stderr in_ns "$HOOK_BIN" install --engines podman
  assert_status 0
  assert_contains "$output" "create /etc/containers/containers.conf.d/99-oci-sandbox-hook.conf: podman: hooks_dir"
  # A pod: createRuntime from the files in /etc/containers/oci/hooks.d (the
  # same names mask the package's), and precreate, which only they have,
  # wrote the port sysctl into the infra container's spec (podman's own
  # default_sysctls, read now, already give ping_group_range "0 0", which
  # the hook keeps: it fills only what is absent).
  pm_system pod create --network none --cgroup-parent "/$CGP" --name osh-deb-installed >/dev/null
  pm_system pod start osh-deb-installed >/dev/null
  local infra ipid ibundle
  infra=$(pm_system pod inspect --format '{{.InfraContainerID}}' osh-deb-installed)
  ipid=$(pm_system inspect --format '{{.State.Pid}}' "$infra")
  ibundle=$(dirname "$(pm_system inspect --format '{{.OCIConfigPath}}' "$infra")")
  assert_eq "$(nsenter -t "$ipid" -n cat "$PORTS_SYSCTL")" 0 "infra ip_unprivileged_port_start"
  assert_eq "$(jq -cS .linux.sysctl "$ibundle/config.json")" \
    '{"net.ipv4.ip_unprivileged_port_start":"0","net.ipv4.ping_group_range":"0 0"}' \
    "infra spec linux.sysctl (precreate from /etc/containers/oci/hooks.d)"
  pm_system pod rm -f -t 0 osh-deb-installed >/dev/null
  run --separate-stderr in_ns "$HOOK_BIN" uninstall
  assert_status 0
  assert_contains "$output" "uninstalled: every file is as before the install"
  in_ns "$DEB_T/listing.sh" >"$DEB_T/after-uninstall"
  diff "$DEB_T/before-install" "$DEB_T/after-uninstall"
  in_ns rm /etc/containers/containers.conf
}

@test "deb: after podman removes the pod, nothing of the hook remains in the bundles or mounts" {
  pm pod rm -f -t 0 "osh-deb-pod" >/dev/null
  pm rm -af -t 0 >/dev/null
  assert_eq "$(pm ps -aq)" "" "containers"
  assert_eq "$(find "$DEB_T/storage" "$DEB_T/runroot" -name oci-sandbox-hook 2>/dev/null)" "" \
    "the hook's directories in podman's storage"
  assert_eq "$(in_ns findmnt -rn -o TARGET | grep -F oci-sandbox-hook || true)" "" \
    "the hook's mounts in the namespace"
}

@test "deb: apt-get purge removes the package, its conffile and directories; podman runs pods without it" {
  run apt_in_ns purge "$PKG"
  assert_status 0
  run --separate-stderr in_ns dpkg-query -W -f '${db:Status-Abbrev}' "$PKG"
  assert_not_contains "$output" "ii" "dpkg-query after purge"
  # Only the directories the host has too (shared with other packages)
  # may remain.
  local f left=""
  while read -r f; do
    if in_ns test -e "$f" || in_ns test -L "$f"; then
      { [ -d "$f" ] && in_ns test -d "$f"; } || left+="$f "
    fi
  done <"$DEB_T/dpkg-L"
  assert_eq "$left" "" "paths left by the purge"
  in_ns test ! -e "$POLICY_DIR" || fail "$POLICY_DIR left by the purge"
  start_pod "osh-deb-after"
  assert_eq "$(nsenter -t "$IPID" -n cat "$PORTS_SYSCTL")" 1024 "infra ip_unprivileged_port_start"
  pm pod rm -f -t 0 "osh-deb-after" >/dev/null
  pm rmi -af >/dev/null
}

@test "deb: after purge, /usr /etc /var are as before the install; every file written matches the host's" {
  in_ns "$DEB_T/listing.sh" >"$DEB_T/ns-after"
  "$DEB_T/listing.sh" >"$DEB_T/host-listing-after"
  # Paths that changed in the namespace and not on the host (other users
  # of this machine may change it meanwhile: those are not ours).
  local changed_ns changed_host ours
  changed_ns=$(diff "$DEB_T/ns-before" "$DEB_T/ns-after" | sed -n 's/^[<>] //p' | cut -f1 | sort -u)
  changed_host=$(diff "$DEB_T/host-listing-before" "$DEB_T/host-listing-after" | sed -n 's/^[<>] //p' \
    | cut -f1 | sort -u)
  ours=$(comm -23 <(printf '%s\n' "$changed_ns") <(printf '%s\n' "$changed_host") | sed '/^$/d')
  assert_eq "$ours" "" "paths whose type, mode, owner, size or link target changed"
  [ "$(wc -l <"$DEB_T/ns-after")" -gt 1000 ] || fail "the listing is too short: $(wc -l <"$DEB_T/ns-after")"
  # On the host side: the upper directories against the real files.
  run "$DEB_T/upper-check.sh" "$DEB_T"
  assert_status 0
  assert_eq "$output" "" "what the namespace wrote"
}

@test "deb: the host was never touched: hooks.d, policy, containers config as before, no mount or process left" {
  # While the namespace lives, the host sees none of its mounts.
  assert_eq "$(findmnt -rn -o TARGET,FSTYPE,OPTIONS | grep -F "$DEB_T" || true)" "" "the overlays on the host"
  pm pod rm -af -t 0 >/dev/null 2>&1 || true
  end_namespace
  ! ns_alive || fail "the namespace is still alive"
  assert_eq "$(ns_pids)" "" "processes in the namespace"
  assert_eq "$(remove_cgroup_parent)" "" "podman's cgroups"
  host_state >"$DEB_T/host-after"
  run diff "$DEB_T/host-before" "$DEB_T/host-after"
  assert_status 0
}

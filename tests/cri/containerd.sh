# A private, real containerd 1.6 for tests, driven through the CRI v1 API.
# Sourced by bats suites (or by hand from bash, see tests/cri/README.md).
#
#   cri_start      start containerd in a private mount namespace, import the
#                  pause and app images; sets the CRI_* variables below
#   cri ARGS...    cri_client.py --socket $CRI_SOCK ARGS...
#   cri_stop       stop and remove every pod through CRI, SIGTERM containerd,
#                  end what is left, remove the private directory; prints the
#                  problems found and returns 1 when something was left
#
# Knobs, read by cri_start:
#   CRI_BINARY_NAME    options.BinaryName of the default runtime "runc" (the
#                      runc-compatible binary the shim calls); empty: runc
#   CRI_RUNTIMES       more runtime handlers, "NAME=BINARY" words, each an
#                      io.containerd.runc.v2 runtime with that BinaryName,
#                      chosen per pod with run-pod --runtime-handler NAME
#   CRI_POD_ANNOTATIONS  pod_annotations globs, TOML array body
#                      (default "io.oci-sandbox-hook.*")
#   CRI_IMAGES_DIR     where images.sh caches its tarballs (default: per run)
#   CRI_LOG_LEVEL      containerd's log level (default info)
#   CRI_CONFIG_EDIT    a command run with the config file's path once it is
#                      written, before containerd starts (the installer's
#                      test puts the file through `oci-sandbox-hook install`)
#   CRI_HOOK_POLICY    a policy file for oci-sandbox-runtime, in containerd's
#                      environment as OCI_SANDBOX_HOOK_POLICY (which a test
#                      build of the wrapper honours; the shim and the runtime
#                      inherit containerd's environment)
#   CRI_NS_BINDS       "SOURCE:TARGET" words: bind mounts made in containerd's
#                      namespace before it starts (TARGET must exist); the
#                      installer's test shows its fake root's prefix at the
#                      same absolute path there, as a node's engines see it
#
# How the host stays untouched: containerd runs inside `unshare --mount
# --propagation private`, with an overlay on /run and one on /var/lib in
# that namespace, their upper layers in the private directory CRI_DIR
# (mktemp under /tmp).  The runc v2 shim hard-codes /run/containerd/s for
# its sockets, runc's state root is /run/containerd/runc/k8s.io, the pod
# network namespaces are bind-mounted under /var/run/netns, libcni caches
# its results in /var/lib/cni: all of it lands in the overlays.  root,
# state, sockets, CNI config, /opt plugin dir, temp dir and pod logs are
# under CRI_DIR.  The pod's shm tmpfs, netns and rootfs mounts exist only in
# the private namespace (read them through /proc/$CRI_PID/root and
# /proc/$CRI_PID/mountinfo).  containerd is the child of reaper.py, a child
# subreaper: every shim and container of the run stays below it and is
# reaped, so cri_stop finds leftovers by walking one process tree.

CRI_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CRI_PYTHON=/usr/bin/python3
CRI_CLIENT="$CRI_HERE/cri_client.py"
CRI_NS=k8s.io
CRI_RUNC_ROOT=/run/containerd/runc/$CRI_NS
CRI_PAUSE_IMAGE=localhost/oci-sandbox-hook/pause:test
CRI_APP_IMAGE=localhost/oci-sandbox-hook/app:test
# Host paths that a containerd writes by default: the run must not create,
# remove or change any of them.
CRI_HOST_PATHS="/run/containerd /run/netns /var/lib/cni /var/lib/containerd
/opt/containerd /etc/containerd /etc/cni/net.d /var/log/pods /var/log/containers"
CRI_HOST_SYSCTLS="net/ipv4/ip_unprivileged_port_start net/ipv4/ping_group_range net/ipv4/ip_forward
kernel/shmmax"

cri () {
  "$CRI_PYTHON" "$CRI_CLIENT" --socket "$CRI_SOCK" "$@"
}

# cri_toml_str S: S as a TOML basic string.
cri_toml_str () {
  local s=${1//\\/\\\\}
  s=${s//\"/\\\"}
  printf '"%s"' "$s"
}

# cri_runtime_toml NAME BINARY: one io.containerd.runc.v2 runtime.
cri_runtime_toml () {
  local t="plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.$1"
  cat <<EOF
    [$t]
      runtime_type = "io.containerd.runc.v2"
      pod_annotations = [${CRI_POD_ANNOTATIONS:-\"io.oci-sandbox-hook.*\"}]
      [$t.options]
        SystemdCgroup = false
        BinaryName = $(cri_toml_str "$2")
EOF
}

cri_write_config () {
  local r name bin
  cat >"$CRI_DIR/config.toml" <<EOF
version = 2
root = "$CRI_ROOT"
state = "$CRI_STATE"
temp = "$CRI_DIR/tmp"
oom_score = 0
# Nothing the harness uses; each would probe the host's kernel at start.
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.overlayfs"]

[grpc]
  address = "$CRI_SOCK"
[ttrpc]
  address = "$CRI_SOCK.ttrpc"
[debug]
  level = "${CRI_LOG_LEVEL:-info}"

[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = "$CRI_DIR/opt"
  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "$CRI_PAUSE_IMAGE"
    # CAP_SYS_RESOURCE is missing here: -998 cannot be written.
    restrict_oom_score_adj = true
    stream_server_address = "127.0.0.1"
    stream_server_port = "0"
    enable_unprivileged_ports = false
    enable_unprivileged_icmp = false
    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "/usr/lib/cni"
      conf_dir = "$CRI_DIR/cni"
    [plugins."io.containerd.grpc.v1.cri".containerd]
      snapshotter = "native"
      default_runtime_name = "runc"
EOF
  cri_runtime_toml runc "${CRI_BINARY_NAME:-}" >>"$CRI_DIR/config.toml"
  for r in ${CRI_RUNTIMES:-}; do
    name=${r%%=*}
    bin=${r#*=}
    cri_runtime_toml "$name" "$bin" >>"$CRI_DIR/config.toml"
  done
}

# containerd 1.6 insists on an IP on eth0: the static plugin reports
# 127.0.0.1/8 without creating any interface (the pod netns has only lo).
cri_write_cni () {
  mkdir -p "$CRI_DIR/cni"
  cat >"$CRI_DIR/cni/10-oci-sandbox-hook.conflist" <<'EOF'
{
  "cniVersion": "1.0.0",
  "name": "oci-sandbox-hook-test",
  "plugins": [
    {"type": "loopback"},
    {"type": "static", "ipam": {"type": "static", "addresses": [{"address": "127.0.0.1/8"}]}}
  ]
}
EOF
}

# ------------------------------------------------------------- host checks

# What the host looks like before the run; cri_host_problems compares.
cri_host_snapshot () {
  local p s
  : >"$CRI_DIR/host.before"
  for p in $CRI_HOST_PATHS; do
    echo "$p $(cri_path_fingerprint "$p")" >>"$CRI_DIR/host.before"
  done
  for s in $CRI_HOST_SYSCTLS; do
    echo "sysctl $s $(tr '\t' ' ' <"/proc/sys/$s" 2>/dev/null)" >>"$CRI_DIR/host.before"
  done
  echo "shm $(cri_host_shm)" >>"$CRI_DIR/host.before"
  cri_host_mounts >"$CRI_DIR/mounts.before"
}

# The mounts stacked on the host's /dev/shm, on one line.
cri_host_shm () {
  findmnt -rn -o TARGET,SOURCE,FSTYPE,OPTIONS /dev/shm | tr '\n' ';'
}

# A path's existence, type and (for a tree) the listing of names and sizes.
cri_path_fingerprint () {
  if [ -L "$1" ]; then
    echo "symlink:$(readlink "$1")"
  elif [ -d "$1" ]; then
    echo "dir:$(find "$1" -xdev -printf '%P:%s ' 2>/dev/null | md5sum | cut -c1-16)"
  elif [ -e "$1" ]; then
    echo "file:$(md5sum <"$1" | cut -c1-16)"
  else
    echo absent
  fi
}

# Mounts of the host's namespace that a containerd could have made: on the
# paths above, below CRI_DIR, or of a source under CRI_DIR.  (Other suites
# run at the same time and mount below their own directories: those are
# not ours to judge.)
cri_host_mounts () {
  awk -v dir="$CRI_DIR" '
    { target = $5; root = $4 }
    target ~ "^(/run/containerd|/run/netns|/var/run|/var/lib/cni|/var/lib/containerd|/opt/containerd)(/|$)" \
      || index(target, dir "/") == 1 || target == dir || index(root, dir) == 1 { print target " " root }
  ' /proc/self/mountinfo | sort
}

# cri_host_problems: print what differs on the host from the snapshot.
cri_host_problems () {
  local p s line now
  while read -r p line; do
    case "$p" in
      sysctl)
        s=${line%% *}
        now="$s $(tr '\t' ' ' <"/proc/sys/$s" 2>/dev/null)"
        [ "$now" = "$line" ] || echo "host sysctl $s changed: was '$line', is '$now'"
        ;;
      shm)
        now=$(cri_host_shm)
        [ "$now" = "$line" ] || echo "host /dev/shm mounts changed: was '$line', is '$now'"
        ;;
      *)
        now=$(cri_path_fingerprint "$p")
        [ "$now" = "$line" ] || echo "host path $p changed: was $line, is $now"
        ;;
    esac
  done <"$CRI_DIR/host.before"
  now=$(cri_host_mounts)
  [ "$now" = "$(cat "$CRI_DIR/mounts.before")" ] \
    || echo "host mounts changed: $(diff "$CRI_DIR/mounts.before" <(printf '%s\n' "$now") | grep '^[<>]' | tr '\n' ';')"
  # Every process of the run is a descendant of the reaper; other than that,
  # nothing may name the private directory (a shim has it in -address).
  local pid
  # shellcheck disable=SC2013
  for pid in $(grep -lsF "$CRI_DIR" /proc/[0-9]*/cmdline | cut -d/ -f3); do
    [ "$pid" != "${CRI_REAPER_PID:-}" ] || continue
    # grep itself, and whatever ended since, is no leftover.
    grep -qsF "$CRI_DIR" "/proc/$pid/cmdline" || continue
    cri_is_descendant "$pid" "${CRI_REAPER_PID:-0}" \
      || echo "process $pid outside the run names $CRI_DIR: $(cri_describe_pids "$pid")"
  done
}

# ---------------------------------------------------------- small tools

# Lines on stdin as one line of words.
cri_words () {
  tr '\n' ' ' | sed 's/ *$//'
}

# cri_entries DIR: the names in DIR on one line (nothing when DIR is absent).
cri_entries () {
  [ -d "$1" ] || return 0
  find "$1" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | cri_words
}

# ---------------------------------------------------------- process tree

# cri_children PID: direct children of PID, every thread's.
cri_children () {
  cat /proc/"$1"/task/*/children 2>/dev/null | tr ' ' '\n' | grep -E '^[0-9]+$' || true
}

# cri_descendants PID: every process below PID (not PID itself).
cri_descendants () {
  local c
  for c in $(cri_children "$1"); do
    echo "$c"
    cri_descendants "$c"
  done
}

# cri_is_descendant PID ANCESTOR
cri_is_descendant () {
  local pid=$1 anc=$2 ppid stat
  while [ "$pid" -gt 1 ] 2>/dev/null; do
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
    # The fields after the command name, which may hold spaces: state ppid ...
    stat=${stat##*) }
    ppid=${stat#* }
    ppid=${ppid%% *}
    [ "$ppid" = "$anc" ] && return 0
    pid=$ppid
  done
  return 1
}

# cri_describe_pids PID...: "PID(command line) " each, for messages.
cri_describe_pids () {
  local p
  for p in "$@"; do
    printf '%s(%s) ' "$p" "$(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline" | cut -c1-160)"
  done
}

# -------------------------------------------------------- start and stop

cri_start () {
  local b
  for b in containerd ctr containerd-shim-runc-v2 runc protoc unshare jq; do
    command -v "$b" >/dev/null || { echo "cri_start: $b is not installed" >&2; return 1; }
  done
  "$CRI_PYTHON" -c 'import grpc, google.protobuf' 2>/dev/null \
    || { echo "cri_start: $CRI_PYTHON lacks grpc/protobuf (python3-grpcio, python3-protobuf)" >&2; return 1; }
  if [ ! -x /usr/lib/cni/static ] || [ ! -x /usr/lib/cni/loopback ]; then
    echo "cri_start: CNI plugins missing (containernetworking-plugins)" >&2
    return 1
  fi

  CRI_DIR=$(mktemp -d /tmp/osh-cri.XXXXXX)
  CRI_ROOT=$CRI_DIR/root
  CRI_STATE=$CRI_DIR/state
  CRI_SOCK=$CRI_DIR/containerd.sock
  CRI_LOG=$CRI_DIR/containerd.log
  CRI_PODLOGS=$CRI_DIR/pods
  CRI_PY_DIR=$CRI_DIR/py
  CRI_IMAGES_DIR=${CRI_IMAGES_DIR:-$CRI_DIR/images}
  export CRI_DIR CRI_ROOT CRI_STATE CRI_SOCK CRI_LOG CRI_PODLOGS CRI_PY_DIR CRI_IMAGES_DIR
  mkdir -p "$CRI_ROOT" "$CRI_STATE" "$CRI_PODLOGS" "$CRI_DIR/tmp" "$CRI_DIR/opt" \
    "$CRI_DIR/ovl/run/upper" "$CRI_DIR/ovl/run/work" \
    "$CRI_DIR/ovl/varlib/upper" "$CRI_DIR/ovl/varlib/work"
  cri_host_snapshot
  cri_write_cni
  cri_write_config
  if [ -n "${CRI_CONFIG_EDIT:-}" ] && ! $CRI_CONFIG_EDIT "$CRI_DIR/config.toml"; then
    echo "cri_start: CRI_CONFIG_EDIT ($CRI_CONFIG_EDIT) failed" >&2
    return 1
  fi
  "$CRI_HERE/images.sh" "$CRI_IMAGES_DIR" >/dev/null || { echo "cri_start: images.sh failed" >&2; return 1; }

  # The private namespace: overlays on /run and /var/lib (their lower layer
  # is the host's directory, every write goes to CRI_DIR), then containerd
  # with the small environment a service manager gives it (the shim and the
  # runtime inherit it, plus TTRPC_ADDRESS, PATH and LD_LIBRARY_PATH from
  # the /opt plugin).  TMPDIR keeps the shim's runc-process files private.
  # shellcheck disable=SC2016
  "$CRI_PYTHON" "$CRI_HERE/reaper.py" "$CRI_DIR/containerd.pid" -- \
    unshare --mount --propagation private /bin/sh -c '
      set -e
      d=$1
      mount -t overlay cri-run -o "lowerdir=/run,upperdir=$d/ovl/run/upper,workdir=$d/ovl/run/work" /run
      mount -t overlay cri-varlib \
        -o "lowerdir=/var/lib,upperdir=$d/ovl/varlib/upper,workdir=$d/ovl/varlib/work" /var/lib
      for b in $3; do mount --bind "${b%%:*}" "${b#*:}"; done
      exec env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LANG=C.UTF-8 TMPDIR="$d/tmp" ${2:+OCI_SANDBOX_HOOK_POLICY="$2"} \
        containerd --config "$d/config.toml"
    ' cri-containerd "$CRI_DIR" "${CRI_HOOK_POLICY:-}" "${CRI_NS_BINDS:-}" \
    </dev/null >"$CRI_LOG" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
  CRI_REAPER_PID=$!
  export CRI_REAPER_PID

  local i
  for i in $(seq 300); do
    if [ -s "$CRI_DIR/containerd.pid" ] && [ -S "$CRI_SOCK" ] && cri version >/dev/null 2>&1; then
      break
    fi
    kill -0 "$CRI_REAPER_PID" 2>/dev/null || break
    sleep 0.1
  done
  CRI_PID=$(cat "$CRI_DIR/containerd.pid" 2>/dev/null || true)
  export CRI_PID
  if ! cri version >/dev/null 2>&1; then
    echo "cri_start: containerd did not come up; its log:" >&2
    tail -n 30 "$CRI_LOG" >&2
    return 1
  fi
  CRI_MNTNS=$(readlink "/proc/$CRI_PID/ns/mnt")
  export CRI_MNTNS
  [ "$CRI_MNTNS" != "$(readlink /proc/self/ns/mnt)" ] \
    || { echo "cri_start: containerd is in the host's mount namespace" >&2; return 1; }

  for i in pause app; do
    ctr -n "$CRI_NS" --address "$CRI_SOCK" images import --snapshotter native \
      "$CRI_IMAGES_DIR/$i.tar" >"$CRI_DIR/import-$i.log" 2>&1 \
      || { echo "cri_start: ctr import $i failed: $(cat "$CRI_DIR/import-$i.log")" >&2; return 1; }
  done
  # The CRI plugin learns of imported images through events: wait for it.
  for b in "$CRI_PAUSE_IMAGE" "$CRI_APP_IMAGE"; do
    for i in $(seq 100); do
      cri image-status "$b" >/dev/null 2>&1 && break
      sleep 0.1
    done
    cri image-status "$b" >/dev/null || { echo "cri_start: CRI does not see $b" >&2; return 1; }
  done
}

# cri_remove_all_pods: stop and remove every pod; print each one's id.
cri_remove_all_pods () {
  local id
  for id in $(cri list-pods 2>/dev/null | jq -r '.[].id'); do
    echo "$id"
    cri stop-pod "$id" >/dev/null 2>&1 || true
    cri remove-pod "$id" >/dev/null 2>&1 || true
  done
}

# cri_private_leftovers: what pods left in containerd's namespace (call
# with no pod left): their mounts, runc state, bundles, netns, shims.
cri_private_leftovers () {
  local m f d k shims
  m=$(cri_mounts "/proc/$CRI_PID/mountinfo" 2>/dev/null \
    | awk -v dir="$CRI_DIR/" 'index($1, dir) == 1 || $1 ~ "^/run/netns/" { print $1 }' | cri_words)
  [ -z "$m" ] || echo "mounts left in containerd's namespace: $m"
  f=$(cri_entries "$(cri_path "$CRI_RUNC_ROOT")")
  [ -z "$f" ] || echo "runc state left: $f"
  f=$(cri_entries "$CRI_STATE/io.containerd.runtime.v2.task/$CRI_NS")
  [ -z "$f" ] || echo "task bundles left: $f"
  f=$(cri_entries "$(cri_path /run/netns)")
  [ -z "$f" ] || echo "network namespaces left: $f"
  for d in "$CRI_ROOT" "$CRI_STATE"; do
    for k in sandboxes containers; do
      f=$(cri_entries "$d/io.containerd.grpc.v1.cri/$k")
      [ -z "$f" ] || echo "CRI $k directories left in $d: $f"
    done
  done
  shims=$(cri_descendants "$CRI_REAPER_PID" | grep -vx "$CRI_PID" || true)
  # A shim exits a moment after its last task is deleted: give it 5 s.
  local i
  for i in $(seq 50); do
    [ -n "$shims" ] || break
    sleep 0.1
    shims=$(cri_descendants "$CRI_REAPER_PID" | grep -vx "$CRI_PID" || true)
  done
  # shellcheck disable=SC2086
  [ -z "$shims" ] || echo "processes left: $(cri_describe_pids $shims)"
}

# cri_in_private_ns: the processes in containerd's mount namespace.  Its
# inode number alone does not do once containerd is gone: a freed
# namespace's number is reused (other runs create namespaces all the time),
# so a match must also show the overlay of this run on /run.
cri_in_private_ns () {
  local p
  [ -n "${CRI_MNTNS:-}" ] || return 0
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/ns/mnt" 2>/dev/null)" = "$CRI_MNTNS" ] || continue
    grep -qsF "upperdir=$CRI_DIR/ovl/run/upper" "$p/mountinfo" && echo "${p#/proc/}"
  done
  return 0
}

# cri_scrub: unmount what cri_private_leftovers and cri_host_problems
# report (mounts below CRI_DIR or on /run/netns in containerd's namespace,
# below CRI_DIR on the host), so that one test's leak does not fail the next.
cri_scrub () {
  local m
  cri_mounts "/proc/$CRI_PID/mountinfo" 2>/dev/null \
    | awk -v dir="$CRI_DIR/" 'index($1, dir) == 1 || $1 ~ "^/run/netns/" { print $1 }' | sort -r \
    | while read -r m; do nsenter -t "$CRI_PID" -m umount -l "$m" || true; done
  findmnt -rn -o TARGET | grep -F "$CRI_DIR/" | sort -r | while read -r m; do umount -l "$m"; done
}

# cri_stop: everything back as it was; prints problems, returns 1 if any.
cri_stop () {
  local problems="" left i
  [ -n "${CRI_DIR:-}" ] && [ -d "$CRI_DIR" ] || return 0
  if [ -n "${CRI_PID:-}" ] && kill -0 "$CRI_PID" 2>/dev/null; then
    # Stopping pods is part of stopping; what they leave behind is not.
    cri_remove_all_pods >/dev/null
    left=$(cri list-pods 2>&1 | jq -r '.[].id' 2>&1) || true
    [ -z "$left" ] || problems+="pods that cannot be removed: $(cri_words <<<"$left"); "
    left=$(cri_private_leftovers)
    [ -z "$left" ] || problems+="$left; "
    kill -TERM "$CRI_PID" 2>/dev/null || true
    for i in $(seq 100); do
      kill -0 "$CRI_PID" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$CRI_PID" 2>/dev/null; then
      problems+="containerd ignored SIGTERM; "
      kill -KILL "$CRI_PID" 2>/dev/null || true
    fi
  fi
  # Whatever is still below the reaper outlived containerd (shims, the
  # containers of a killed shim): end it by pid, until nothing is left.
  # The reaper reaps them all and then exits.
  if [ -n "${CRI_REAPER_PID:-}" ]; then
    left=$(cri_descendants "$CRI_REAPER_PID" | cri_words)
    if [ -n "$left" ]; then
      # shellcheck disable=SC2086
      problems+="processes left after containerd: $(cri_describe_pids $left); "
    fi
    for i in $(seq 100); do
      kill -0 "$CRI_REAPER_PID" 2>/dev/null || break
      left=$(cri_descendants "$CRI_REAPER_PID")
      # shellcheck disable=SC2086
      [ -z "$left" ] || kill -KILL $left 2>/dev/null || true
      sleep 0.1
    done
    if kill -0 "$CRI_REAPER_PID" 2>/dev/null; then
      problems+="the reaper did not end; "
      kill -KILL "$CRI_REAPER_PID" 2>/dev/null || true
    fi
    # Reaped here when this shell started it; else it stays a zombie of
    # pid 1, the one process a run may leave.
    wait "$CRI_REAPER_PID" 2>/dev/null || true
  fi
  # The private mount namespace dies with its last process; nobody may
  # still be in it (its mounts would live on).
  left=$(cri_in_private_ns)
  # shellcheck disable=SC2086
  [ -z "$left" ] || problems+="still in containerd's mount namespace: $(cri_describe_pids $left); "
  # Cgroups runc made under the pods' cgroup parents.
  problems+=$(cri_remove_cgroups)
  left=$(cri_host_problems)
  [ -z "$left" ] || problems+="$(tr '\n' ';' <<<"$left") "
  # Reported above; unmounted so that the directory can go.
  findmnt -rn -o TARGET | grep -F "$CRI_DIR/" | sort -r | while read -r m; do umount -l "$m"; done
  [ -n "${CRI_KEEP:-}" ] || rm -rf --one-file-system "$CRI_DIR"
  CRI_PID="" CRI_REAPER_PID="" CRI_MNTNS=""
  if [ -n "$problems" ]; then
    echo "cri_stop: $problems"
    return 1
  fi
}

# The cgroup parent of every pod the harness builds (cri_pod_config): one
# per run, under each v1 controller (runc's cgroupfs driver).
cri_cgroup_parent () {
  echo "/oci-sandbox-hook-cri-${CRI_DIR##*.}"
}

# cri_remove_cgroups: remove the run's cgroup parent in every hierarchy;
# print a problem when a container's cgroup is still in it.
cri_remove_cgroups () {
  local parent c d left
  parent=$(cri_cgroup_parent)
  for c in /sys/fs/cgroup/*/ /sys/fs/cgroup/unified/; do
    d="$c${parent#/}"
    [ -d "$d" ] || continue
    left=$(find "$d" -mindepth 1 -type d 2>/dev/null)
    [ -z "$left" ] || printf 'cgroups left: %s; ' "$(cri_words <<<"$left")"
    find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
    [ ! -d "$d" ] || printf 'cannot remove cgroup %s; ' "$d"
  done
}

# ------------------------------------------------ reading the engine's state

# cri_path PATH: PATH as containerd's mount namespace sees it.
cri_path () {
  echo "/proc/$CRI_PID/root$1"
}

# cri_bundle ID: the runc bundle of a sandbox or container.
cri_bundle () {
  cri_path "$CRI_STATE/io.containerd.runtime.v2.task/$CRI_NS/$1"
}

# cri_sandbox_root ID: hostname, hosts, resolv.conf of a pod.
cri_sandbox_root () {
  cri_path "$CRI_ROOT/io.containerd.grpc.v1.cri/sandboxes/$1"
}

# cri_sandbox_shm ID: the pod's shm tmpfs mount point (engine side).
cri_sandbox_shm () {
  echo "$CRI_STATE/io.containerd.grpc.v1.cri/sandboxes/$1/shm"
}

# cri_runc_state ID: runc's state.json of a sandbox or container.
cri_runc_state () {
  cri_path "$CRI_RUNC_ROOT/$1/state.json"
}

# cri_shim_pid ID: the shim serving a pod (its -id is the sandbox id).
cri_shim_pid () {
  local p
  for p in $(cri_descendants "$CRI_REAPER_PID"); do
    case " $(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline") " in
      *" -id $1 "*) echo "$p" ;;
    esac
  done
}

cri_sandbox_pid () {
  cri pod-status --verbose "$1" | jq -r '.info.info.pid'
}

cri_container_pid () {
  cri container-status --verbose "$1" | jq -r '.info.info.pid'
}

# cri_mounts MOUNTINFO: one line per mount, "TARGET DEV OPTIONS FSTYPE
# SOURCE SUPER-OPTIONS" (mountinfo without ids, root and optional fields).
cri_mounts () {
  awk '{ for (i = 7; $i != "-"; i++) ; print $5, $3, $6, $(i + 1), $(i + 2), $(i + 3) }' "$1"
}

# cri_engine_mount PATH: the mounts on PATH in containerd's namespace, as
# cri_mounts prints them (the last one is on top).
cri_engine_mount () {
  cri_mounts "/proc/$CRI_PID/mountinfo" | awk -v p="$1" '$1 == p'
}

# ------------------------------------------------------ request documents

# cri_pod_config NAME [JQ-FILTER]: a PodSandboxConfig as JSON: own network,
# IPC and UTS namespaces (POD), own pid namespace (CONTAINER, as kubelet
# asks), the run's cgroup parent, a log directory under CRI_DIR.
cri_pod_config () {
  local name=$1 filter=${2:-.}
  jq -n --arg name "$name" --arg uid "uid-$name-$RANDOM$RANDOM" --arg logs "$CRI_PODLOGS/$name" \
    --arg cg "$(cri_cgroup_parent)" '{
      metadata: {name: $name, uid: $uid, namespace: "oci-sandbox-hook-test", attempt: 0},
      hostname: $name,
      log_directory: $logs,
      labels: {"oci-sandbox-hook/test": "cri"},
      annotations: {},
      linux: {
        cgroup_parent: $cg,
        security_context: {namespace_options: {network: "POD", pid: "CONTAINER", ipc: "POD"}}
      }
    }' | jq "$filter"
}

# cri_ctr_config NAME [JQ-FILTER]: a ContainerConfig of the app image.
cri_ctr_config () {
  local name=$1 filter=${2:-.}
  jq -n --arg name "$name" --arg image "$CRI_APP_IMAGE" '{
      metadata: {name: $name, attempt: 0},
      image: {image: $image},
      log_path: "\($name).log",
      linux: {security_context: {namespace_options: {network: "POD", pid: "CONTAINER", ipc: "POD"}}}
    }' | jq "$filter"
}

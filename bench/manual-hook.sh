#!/bin/sh
# What an operator would write by hand instead of oci-sandbox-hook: the same
# sandbox work with jq, nsenter, sysctl and mount(8).  A benchmark baseline
# (bench/run.sh), not a hook to deploy: no validation of the pod's input, no
# journal, no rollback of a half-done createRuntime, no user namespaces, no
# cgroup v2, no SELinux, no DNS annotations, fixed sizes.
#
#   config.json hooks: createRuntime: manual-hook.sh createRuntime
#                      poststop:      manual-hook.sh poststop
#
# createRuntime (OCI state on stdin, runc has not pivoted yet):
#   - net.ipv4.ip_unprivileged_port_start=0 and ping_group_range in the
#     container's netns (nsenter -n sysctl -w)
#   - oom_score_adj -998, or the hook's own score when it may not lower it
#     (no CAP_SYS_RESOURCE on these machines; the real hook's restrict rule)
#   - cpu.shares=2 in the container's cgroup v1 cpu controller
#   - a 64 MiB tmpfs at BUNDLE/manual-hook/shm and generated hostname, hosts
#     and resolv.conf next to it, bound into the container (one
#     `nsenter -t PID -m mount --bind` per mount, files read-only) onto the
#     rootfs paths, which still exist in the container's mount namespace.
#     The host-side tmpfs reaches that namespace only through mount
#     propagation: the bundle must sit below a shared mount (systemd hosts,
#     and bench/run.sh's private tmpfs); the real hook needs none
#     (open_tree + move_mount).
# poststop: unmount the tmpfs and remove BUNDLE/manual-hook.
set -eu
PATH=/usr/sbin:/usr/bin:/sbin:/bin

stage=${1:?usage: manual-hook.sh createRuntime|poststop}
state=$(cat)
bundle='' pid='' root='' name=''
eval "$(printf '%s' "$state" | jq -r '@sh "bundle=\(.bundle) pid=\(.pid // 0)"')"
dir=$bundle/manual-hook

case $stage in
createRuntime)
  eval "$(jq -r '@sh "root=\(.root.path) name=\(.hostname // "")"' "$bundle/config.json")"
  case $root in /*) ;; *) root=$bundle/$root ;; esac
  [ -n "$name" ] || name=$(hostname)

  nsenter -t "$pid" -n sysctl -q -w net.ipv4.ip_unprivileged_port_start=0 \
    "net.ipv4.ping_group_range=0 2147483647"

  echo -998 2>/dev/null >"/proc/$pid/oom_score_adj" \
    || cat /proc/self/oom_score_adj >"/proc/$pid/oom_score_adj"

  cgroup=$(awk -F: '$2 ~ /(^|,)cpu(,|$)/ { print $3 }' "/proc/$pid/cgroup")
  echo 2 >"/sys/fs/cgroup/cpu$cgroup/cpu.shares"

  mkdir -p "$dir/shm"
  printf '%s\n' "$name" >"$dir/hostname"
  cp /etc/hosts "$dir/hosts"
  cp /etc/resolv.conf "$dir/resolv.conf"
  mount -t tmpfs -o mode=1777,size=64m,nosuid,nodev,noexec shm "$dir/shm"
  for f in hostname hosts resolv.conf; do
    [ -e "$root/etc/$f" ] || : >"$root/etc/$f"
  done
  nsenter -t "$pid" -m mount --bind "$dir/shm" "$root/dev/shm"
  for f in hostname hosts resolv.conf; do
    nsenter -t "$pid" -m mount --bind -o ro "$dir/$f" "$root/etc/$f"
  done
  ;;
poststop)
  if [ -d "$dir" ]; then
    umount "$dir/shm" 2>/dev/null || true
    rm -rf "$dir"
  fi
  ;;
*)
  echo "manual-hook.sh: unknown stage $stage" >&2
  exit 2
  ;;
esac

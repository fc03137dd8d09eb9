#!/bin/bash
# Build oci-sandbox-hook and run one real busybox pod sandbox under runc
# with the hook as its createRuntime and poststop hook, then show what the
# hook planned, what the container sees, what the host sees, the hook's log
# and that poststop left nothing behind.  Run as root on Debian 12.
set -euo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
"$top/contrib/setup.sh"
hook="$top/oci-sandbox-hook"

work="$(mktemp -d /tmp/oci-sandbox-hook-demo.XXXXXX)"
id="demo-sandbox-$$"
receiver=""
cleanup() {
  runc delete -f "$id" >/dev/null 2>&1 || true
  [ -n "$receiver" ] && kill "$receiver" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

section() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# A busybox rootfs and runc's default spec, made into a pod sandbox.
bundle="$work/bundle"
mkdir -p "$bundle"/rootfs/{bin,proc,dev,sys,etc,tmp}
cp /bin/busybox "$bundle/rootfs/bin/"
for applet in sh cat df grep sleep touch ls echo; do ln -s busybox "$bundle/rootfs/bin/$applet"; done
(cd "$bundle" && runc spec)

cat > "$work/policy.json" <<JSON
{
  // A private log socket: the demo reads what the hook logs; debug shows
  // every action with its reason (info: one summary line per container).
  "log_socket": "$work/log.sock",
  "log_level": "debug"
}
JSON
python3 "$top/contrib/syslog-receiver.py" "$work/log.sock" "$work/hook.log" &
receiver=$!
for _ in $(seq 50); do [ -S "$work/log.sock" ] && break; sleep 0.1; done

inside='echo "ip_unprivileged_port_start: $(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)"
echo "ping_group_range:           $(cat /proc/sys/net/ipv4/ping_group_range)"
echo "oom_score_adj:              $(cat /proc/self/oom_score_adj)"
echo "/dev/shm:                   $(grep " /dev/shm " /proc/mounts | tail -n 1)"
echo "/etc/hostname:              $(cat /etc/hostname)"
echo "/etc/resolv.conf:"; sed "s/^/    /" /etc/resolv.conf
echo "/etc/hosts:"; sed "s/^/    /" /etc/hosts
touch /dev/shm/written-by-the-pod
touch /etc/resolv.conf 2>/dev/null || echo "/etc/resolv.conf is read-only"'

jq --arg hook "$hook" --arg policy "$work/policy.json" --arg inside "$inside" '
  .process.terminal = false
  | .process.args = ["sh", "-c", $inside]
  | .hostname = "demo-pod"
  | .annotations = {
      "io.kubernetes.cri.container-type": "sandbox",
      "io.kubernetes.cri.sandbox-id": "demo",
      "io.oci-sandbox-hook.shm-size": "128Mi",
      "io.oci-sandbox-hook.dns-servers": "10.96.0.10",
      "io.oci-sandbox-hook.dns-searches": "default.svc.cluster.local,svc.cluster.local",
      "io.oci-sandbox-hook.dns-options": "ndots:5"
    }
  | .hooks = {
      "createRuntime": [{ "path": $hook, "args": ["oci-sandbox-hook", "--policy", $policy, "createRuntime"],
                          "env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], "timeout": 10 }],
      "poststop": [{ "path": $hook, "args": ["oci-sandbox-hook", "--policy", $policy, "poststop"],
                     "env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], "timeout": 10 }]
    }' "$bundle/config.json" > "$work/config.json"
mv "$work/config.json" "$bundle/config.json"

section "The plan (oci-sandbox-hook plan --bundle): what createRuntime will do and why"
"$hook" --policy "$work/policy.json" plan --bundle "$bundle" \
  | jq -r '.actions[] | "  \(if .decision == "skip" then "skip " else "APPLY" end)  \(.action): \(.reason)"'

section "runc create $id (the hook runs as createRuntime)"
runc create -b "$bundle" "$id" > "$work/container.out" 2>&1
pid="$(runc state "$id" | jq -r .pid)"
echo "container init pid $pid"

section "Seen from the host while the sandbox exists"
echo "cpu.shares (cgroup v1):     $(cat "/sys/fs/cgroup/cpu/$id/cpu.shares" 2>/dev/null || echo n/a)"
echo "oom_score_adj:              $(cat "/proc/$pid/oom_score_adj")  (hook's restrict rule: this host lacks CAP_SYS_RESOURCE)"
echo "container netns port start: $(nsenter -t "$pid" -n cat /proc/sys/net/ipv4/ip_unprivileged_port_start)"
echo "host netns port start:      $(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)  (untouched)"
echo "pod shm tmpfs on the host:  $(findmnt -n -o TARGET,FSTYPE,SIZE,OPTIONS "$bundle/oci-sandbox-hook/shm")"
echo "hook files in the bundle:   $(ls "$bundle/oci-sandbox-hook" | tr '\n' ' ')"

section "Seen from inside the container (runc start)"
runc start "$id"
for _ in $(seq 100); do [ "$(runc state "$id" | jq -r .status)" = stopped ] && break; sleep 0.1; done
cat "$work/container.out"
echo "file the pod wrote in /dev/shm, seen on the host: $(ls "$bundle/oci-sandbox-hook/shm")"

section "runc delete (the hook runs as poststop)"
runc delete "$id"
if [ -e "$bundle/oci-sandbox-hook" ] || findmnt -rn -o TARGET | grep -q "^$bundle"; then
  echo "LEFT BEHIND: $(ls -a "$bundle/oci-sandbox-hook" 2>/dev/null)"; exit 1
fi
echo "nothing of the hook remains in $bundle (no files, no mounts)"

section "The hook's syslog lines"
sleep 0.2
sed 's/^<[0-9]*>//' "$work/hook.log"

#!/bin/bash
# Build oci-sandbox-hook and run one real busybox pod under runc with the
# hook as its createRuntime and poststop hook: a sandbox (the "pause"
# container) and an app container of the pod, as containerd lays them out.
# Show what the hook planned, what the host and the containers see (the
# sandbox policies; the app reading the pod's resolv.conf and a file the
# sandbox wrote into the pod's /dev/shm), a container of another pod that
# names this sandbox refused, the registered pods, the hook's log, and that
# deleting the pod left nothing behind.  Run as root on Debian 12.
set -euo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
"$top/contrib/setup.sh"
hook="$top/oci-sandbox-hook"

work="$(mktemp -d /tmp/oci-sandbox-hook-demo.XXXXXX)"
sandbox="demo-pod-$$"
app="$sandbox-app"
intruder="demo-other-pod-$$"
receiver=""
cleanup() {
  local id
  for id in "$app" "$intruder" "$sandbox"; do runc delete -f "$id" >/dev/null 2>&1 || true; done
  [ -n "$receiver" ] && kill "$receiver" 2>/dev/null || true
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

section() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

cat > "$work/policy.json" <<JSON
{
  // A private log socket: the demo reads what the hook logs; debug shows
  // every action with its reason (info: one summary line per container).
  "log_socket": "$work/log.sock",
  "log_level": "debug",
  // A private pod registry (a node uses /run/oci-sandbox-hook).
  "state_dir": "$work/state"
}
JSON
python3 "$top/contrib/syslog-receiver.py" "$work/log.sock" "$work/hook.log" &
receiver=$!
for _ in $(seq 50); do [ -S "$work/log.sock" ] && break; sleep 0.1; done

# One busybox rootfs for the pod's containers, and runc's default spec.
mkdir -p "$work/rootfs"/{bin,proc,dev,sys,etc,tmp}
cp /bin/busybox "$work/rootfs/bin/"
for applet in sh cat df grep sleep touch ls echo sed head; do ln -s busybox "$work/rootfs/bin/$applet"; done
(cd "$work" && runc spec && mv config.json runc-spec.json)

# bundle DIR JQ-FILTER [ARGS...]: a bundle on the shared rootfs with the hook.
bundle() {
  local dir=$1 filter=$2
  shift 2
  mkdir -p "$dir"
  jq --arg hook "$hook" --arg policy "$work/policy.json" --arg rootfs "$work/rootfs" "$@" '
    .process.terminal = false
    | .root = {path: $rootfs}
    | .hooks = {
        "createRuntime": [{ "path": $hook, "args": ["oci-sandbox-hook", "--policy", $policy, "createRuntime"],
                            "env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], "timeout": 10 }],
        "poststop": [{ "path": $hook, "args": ["oci-sandbox-hook", "--policy", $policy, "poststop"],
                       "env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], "timeout": 10 }]
      }
    | '"$filter" "$work/runc-spec.json" > "$dir/config.json"
}

# The sandbox: containerd's annotations, the pod's DNS and /dev/shm size.
bundle "$work/sandbox" '
  .process.args = ["sh", "-c", "echo hello from the sandbox > /dev/shm/greeting; exec sleep 1000"]
  | .hostname = "demo-pod"
  | .annotations = {
      "io.kubernetes.cri.container-type": "sandbox",
      "io.kubernetes.cri.sandbox-id": $id,
      "io.oci-sandbox-hook.shm-size": "128Mi",
      "io.oci-sandbox-hook.dns-servers": "10.96.0.10",
      "io.oci-sandbox-hook.dns-searches": "default.svc.cluster.local,svc.cluster.local",
      "io.oci-sandbox-hook.dns-options": "ndots:5"
    }' --arg id "$sandbox"

section "The plan (oci-sandbox-hook plan --bundle): what createRuntime will do for the sandbox, and why"
"$hook" --policy "$work/policy.json" plan --bundle "$work/sandbox" \
  | jq -r '.actions[] | "  \(if .decision == "skip" then "skip " else "APPLY" end)  \(.action): \(.reason)"'

section "runc create + start $sandbox (the hook runs as createRuntime)"
runc create -b "$work/sandbox" "$sandbox" </dev/null > "$work/sandbox.out" 2>&1
runc start "$sandbox"
spid="$(runc state "$sandbox" | jq -r .pid)"
for _ in $(seq 50); do [ -e "/proc/$spid/root/dev/shm/greeting" ] && break; sleep 0.1; done
echo "sandbox init pid $spid"

section "Seen from the host while the pod runs"
echo "cpu.shares (cgroup v1):     $(cat "/sys/fs/cgroup/cpu/$sandbox/cpu.shares" 2>/dev/null || echo n/a)"
echo "oom_score_adj:              $(cat "/proc/$spid/oom_score_adj")  (restrict rule: this host lacks CAP_SYS_RESOURCE)"
echo "pod netns port start:       $(nsenter -t "$spid" -n cat /proc/sys/net/ipv4/ip_unprivileged_port_start)"
echo "host netns port start:      $(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)  (untouched)"
echo "pod shm tmpfs on the host:  $(findmnt -n -o TARGET,FSTYPE,SIZE,OPTIONS "$work/sandbox/oci-sandbox-hook/shm")"
echo "hook files in the bundle:   $(ls "$work/sandbox/oci-sandbox-hook" | tr '\n' ' ')"
echo "registered pods (oci-sandbox-hook pods):"
"$hook" --policy "$work/policy.json" pods | sed 's/^/    /'

# An app container of the pod: containerd's member annotations, and the
# sandbox's IPC, UTS and network namespaces joined by /proc path.
bundle "$work/app" '
  .process.args = ["sh", "-c", $inside]
  | del(.hostname)
  | .annotations = {"io.kubernetes.cri.container-type": "container", "io.kubernetes.cri.sandbox-id": $id}
  | .linux.namespaces |= map(if .type == "ipc" or .type == "uts" or .type == "network"
      then . + {path: "/proc/\($pid)/ns/\(if .type == "network" then "net" else .type end)"}
      else . end)' --arg id "$sandbox" --arg pid "$spid" --arg inside '
echo "/dev/shm/greeting:          $(cat /dev/shm/greeting)"
echo "/dev/shm:                   $(df -h /dev/shm | tail -n 1)"
echo "hostname:                   $(hostname) ($(cat /etc/hostname))"
echo "ip_unprivileged_port_start: $(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)"
echo "/etc/resolv.conf:"; sed "s/^/    /" /etc/resolv.conf
echo "hello from the app" > /dev/shm/reply'

section "runc run $app: an app container of the pod (the hook binds the pod's files)"
runc run -b "$work/app" "$app" </dev/null
echo "the sandbox reads what the app wrote: $(runc exec "$sandbox" cat /dev/shm/reply)"

# A container of another pod (namespaces of its own) naming this sandbox.
bundle "$work/intruder" '
  .process.args = ["sh", "-c", "cat /dev/shm/greeting"]
  | .annotations = {"io.kubernetes.cri.container-type": "container", "io.kubernetes.cri.sandbox-id": $id}
  ' --arg id "$sandbox"

section "runc run $intruder: another pod's container that names this sandbox is refused"
if runc run -b "$work/intruder" "$intruder" </dev/null > "$work/intruder.out" 2> "$work/intruder.err"; then
  echo "NOT REFUSED: $(cat "$work/intruder.out")"; exit 1
fi
sed -n 's/.*stderr: \(oci-sandbox-hook: .*\)\\n.*/\1/p' "$work/intruder.err" | sed 's/\\"/"/g'

section "runc delete (the hooks run as poststop)"
runc delete -f "$sandbox"
runc delete -f "$app" >/dev/null 2>&1 || true
if [ -e "$work/sandbox/oci-sandbox-hook" ] || findmnt -rn -o TARGET | grep -qF "$work/"; then
  echo "LEFT BEHIND: $(ls -a "$work/sandbox/oci-sandbox-hook" 2>/dev/null)"; exit 1
fi
if [ -n "$(ls -A "$work/state")" ]; then
  echo "LEFT IN THE REGISTRY: $(ls -A "$work/state")"; exit 1
fi
echo "nothing of the hook remains (no files, no mounts, no registry entry)"

section "The hook's syslog lines"
sleep 0.2
sed 's/^<[0-9]*>//' "$work/hook.log"

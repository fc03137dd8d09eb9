# Sourced by bench/run.sh and bench/hot-functions.sh, which set $top: what
# a bench script keeps private from the node, started and removed alike.

# start_listener SOCK LOG: contrib/syslog-receiver.py bound to SOCK,
# appending every record it receives to LOG, as a syslog daemon listens on
# a node; its pid in $receiver_pid (the caller's to stop) as soon as it
# runs, and a return once SOCK is bound (1, said, after 5 s without).
start_listener () {
  local _
  python3 "$top/contrib/syslog-receiver.py" "$1" "$2" </dev/null &
  receiver_pid=$!
  for _ in $(seq 100); do
    [ -S "$1" ] && return 0
    sleep 0.05
  done
  echo "$(basename "$0"): the syslog listener did not start" >&2
  return 1
}

# remove_cgroups NAME: the cgroup NAME below the root of every hierarchy,
# and every cgroup below it, deepest first (runc delete removed each
# container's own; their pods' are left).  Says which remain (a process
# still in one) and returns 1 then.
remove_cgroups () {
  local d left=0
  for d in /sys/fs/cgroup/"$1" /sys/fs/cgroup/*/"$1"; do
    [ -d "$d" ] || continue
    find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
    [ ! -d "$d" ] || { echo "$(basename "$0"): cgroup $d left (a container still in it?)" >&2; left=1; }
  done
  return "$left"
}

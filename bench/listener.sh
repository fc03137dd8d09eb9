# Sourced by bench/run.sh and bench/hot-functions.sh, which set $top.
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

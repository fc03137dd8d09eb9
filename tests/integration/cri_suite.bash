# The set-up and checks shared by the suites that drive one private
# containerd through the CRI (containerd, containerd_wrapper,
# containerd_engine, installer_containerd): `load helpers` first, then
# `load cri_suite`, which sources the harness tests/cri/containerd.sh.
#
# A suite's setup_file calls cri_suite_dir (and cri_suite_log when its
# policy logs) before cri_start; its teardown_file is cri_suite_end.
# Every test has its own directory T below SUITE_T (cri_test_dir), and its
# teardown (cri_test_teardown) removes every pod, then FAILS the test when
# anything is left in containerd's namespace or on the host.

# shellcheck source=tests/cri/containerd.sh
source "$BATS_TEST_DIRNAME/../cri/containerd.sh"

# cri_suite_dir NAME: SUITE_T, the suite's private directory (exported, as
# every test reads it), which also caches the harness's images.
cri_suite_dir () {
  [ "$(id -u)" = 0 ] || skip "integration tests need root"
  SUITE_T=$(mktemp -d "/tmp/osh-it-$1.XXXXXX")
  export SUITE_T
  export CRI_IMAGES_DIR=$SUITE_T/images
}

# cri_suite_log: SOCK and LOG, the suite's syslog receiver (the policy's
# log_socket), running until cri_suite_end.
cri_suite_log () {
  export SOCK=$SUITE_T/log.sock LOG=$SUITE_T/log.txt
  start_log_receiver "$SUITE_T"
}

# cri_suite_end: the suite's teardown_file: containerd stopped (FAILS when
# it left something), the receiver stopped, SUITE_T removed.
cri_suite_end () {
  local out=""
  [ -z "${CRI_DIR:-}" ] || out=$(cri_stop) || true
  if [ -n "${SUITE_T:-}" ]; then
    stop_log_receiver "$SUITE_T"
    rm -rf --one-file-system "$SUITE_T"
  fi
  [ -z "$out" ] || fail "$out"
}

# cri_test_dir: T, the test's directory.
cri_test_dir () {
  T=$(mktemp -d "$SUITE_T/t.XXXXXX")
}

# cri_test_teardown [PROBLEMS]: every pod stopped and removed; FAILS with
# PROBLEMS (the suite's own findings) and whatever is left in containerd's
# namespace or on the host, which is unmounted so that one test's leak
# does not fail the next.
cri_test_teardown () {
  local problems=${1:-} left
  if [ -d "${CRI_DIR:-/nonexistent}" ] && [ -n "${CRI_PID:-}" ]; then
    cri_remove_all_pods >/dev/null
    left=$(cri list-pods | jq -r '.[].id')
    [ -z "$left" ] || problems+="pods that cannot be removed: $left; "
    left=$(cri_private_leftovers)
    [ -z "$left" ] || problems+="$left; "
    left=$(cri_host_problems)
    [ -z "$left" ] || problems+="$left; "
    [ -z "$problems" ] || cri_scrub
  fi
  rm -rf "$T"
  [ -z "$problems" ] || fail "teardown: $problems"
}

# run_pod NAME [JQ-FILTER] [RUNTIME-HANDLER]: POD (id) and POD_JSON.
run_pod () {
  POD_JSON="$T/$1.pod.json"
  cri_pod_config "$1" "${2:-.}" >"$POD_JSON"
  POD=$(cri run-pod ${3:+--runtime-handler "$3"} "$POD_JSON")
  [ -n "$POD" ] || fail "RunPodSandbox printed no id"
}

# run_app NAME: CTR (id), an app container of POD, started.
run_app () {
  cri_ctr_config "$1" >"$T/$1.ctr.json"
  CTR=$(cri create-container "$POD" "$T/$1.ctr.json" "$POD_JSON")
  cri start "$CTR"
}

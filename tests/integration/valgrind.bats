#!/usr/bin/env bats
# The hook under valgrind (memcheck, full leak check): every stage that
# valgrind can execute.  Debian 12's valgrind 3.19 does not know the
# pidfd_open and new mount API syscalls, so the acting half of
# createRuntime cannot run under it (it answers ENOSYS); that half runs
# under AddressSanitizer and LeakSanitizer instead (tests/run-all.sh builds
# and runs the integration suites with an ASan+UBSan binary).  What runs
# here: plan, precreate, poststop of a real sandbox (unmounting the pod
# tmpfs a real createRuntime made), and createRuntime's fast path.  The
# twin is linked as the default build is: plan and precreate dlopen()
# libcap-ng, and libselinux for a pod with a mountLabel, and unload them.

OSH_SUITE=valgrind
load helpers

setup () {
  osh_setup
  command -v valgrind >/dev/null || skip "valgrind is not installed"
  # The static-pie hook cannot be followed by valgrind: use the
  # dynamically linked twin that `make check` builds from the same code.
  VG_HOOK=${VALGRIND_HOOK:-$(dirname "$HOOK")/oci-sandbox-hook-dynamic}
  [ -x "$VG_HOOK" ] || fail "$VG_HOOK not built (run make check first)"
  VG_LOG="$T/valgrind"
}

teardown () {
  osh_teardown
}

# vg ARGS...: the hook under memcheck; fails the test on any error or leak.
vg () {
  run valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=all \
    --errors-for-leak-kinds=all --track-fds=no --suppressions="$BATS_TEST_DIRNAME/valgrind.supp" \
    --log-file="$VG_LOG.%p" "$VG_HOOK" "$@"
}

assert_valgrind_clean () {
  local f
  for f in "$VG_LOG".*; do
    [ -e "$f" ] || continue
    if grep -qE "ERROR SUMMARY: [1-9]|definitely lost|indirectly lost|still reachable|Invalid|uninitialised" "$f"; then
      fail "valgrind: $(cat "$f")"
    fi
  done
}

@test "valgrind: plan of a sandbox bundle is clean" {
  annotate io.oci-sandbox-hook.dns-servers "1.1.1.1,2001:db8::1"
  annotate io.oci-sandbox-hook.shm-size 128Mi
  vg --policy "$POLICY" plan --bundle "$BUNDLE"
  assert_status 0
  assert_valgrind_clean
  assert_contains "$output" '"sandbox": true'
}

@test "valgrind: plan of a pod with a mountLabel loads and unloads libselinux cleanly" {
  cfg '.linux.mountLabel = "system_u:object_r:container_file_t:s0:c1,c2"'
  vg --policy "$POLICY" plan --bundle "$BUNDLE"
  assert_status 0
  assert_valgrind_clean
  # The answer of the dlopen()ed libselinux.
  run jq -r '.actions[] | select(.action == "shm") | .reason' <<<"$output"
  if [ -e /sys/fs/selinux/enforce ]; then
    assert_not_contains "$output" "mountLabel ignored" "the shm reason"
  else
    assert_contains "$output" "mountLabel ignored: SELinux is disabled" "the shm reason"
  fi
}

@test "valgrind: precreate of a sandbox spec is clean" {
  cfg '.linux.resources = {"cpu": {"quota": 200000, "period": 100000}, "memory": {"limit": 536870912}}'
  vg --policy "$POLICY" precreate <"$BUNDLE/config.json"
  assert_status 0
  assert_valgrind_clean
  run jq -r '.annotations["io.kubernetes.cri.sandbox-cpu-quota"]' <<<"$output"
  assert_eq "$output" 200000 "sizing annotation"
}

@test "valgrind: precreate refusing hostile input frees everything" {
  annotate io.oci-sandbox-hook.shm-size "1m,size=0"
  vg --policy "$POLICY" precreate <"$BUNDLE/config.json"
  assert_status 1
  assert_valgrind_clean
}

@test "valgrind: invalid state and policy errors free everything" {
  vg --policy "$POLICY" createRuntime <<<'{"ociVersion":"1.0.2","id":"a","id":"b"}'
  assert_status 1
  assert_valgrind_clean
  write_policy '{"shm_size": "200%"}'
  vg --policy "$POLICY" poststop <<<"$(state_json stopped 0)"
  assert_status 1
  assert_valgrind_clean
}

@test "valgrind: createRuntime for a container that is not a sandbox is clean" {
  not_a_sandbox
  vg --policy "$POLICY" createRuntime <<<"$(state_json creating 1 | jq -c '.annotations = {}')"
  assert_status 0
  assert_valgrind_clean
  [ ! -e "$BUNDLE/oci-sandbox-hook" ] || fail "hook directory created for a plain container"
}

@test "valgrind: createRuntime's state-only fast path is clean" {
  # Without command rules the state's annotations decide: no config.json read.
  write_policy '{"sandbox_match": {"annotations": {"io.kubernetes.cri.container-type": "sandbox"}}}'
  vg --policy "$POLICY" createRuntime \
    <<<'{"ociVersion":"1.0.2","id":"plain","status":"creating","pid":1,"bundle":"/nonexistent","annotations":{"a":"b"}}'
  assert_status 0
  assert_valgrind_clean
}

@test "valgrind: poststop of a real sandbox unmounts the pod tmpfs cleanly" {
  cfg '.hooks.poststop = []'
  runc_create
  [ "$(mount_count "$BUNDLE/oci-sandbox-hook/shm")" = 1 ] || fail "no pod tmpfs after create"
  runc delete -f "$CID"
  vg --policy "$POLICY" poststop <<<"$(state_json stopped 0)"
  assert_status 0
  assert_valgrind_clean
  assert_eq "$(mount_count "$BUNDLE/oci-sandbox-hook/shm")" 0 "pod tmpfs mounts"
  [ ! -e "$BUNDLE/oci-sandbox-hook" ] || fail "hook directory left"
}

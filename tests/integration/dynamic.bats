#!/usr/bin/env bats
# The default (dynamically linked) build under a real runc: yajl is linked,
# libselinux and libcap-ng are dlopen()ed only where a stage needs them
# (src/linux/security_libs.c): libcap-ng when createRuntime of a sandbox or
# a pod member, precreate or plan reads the hook's capabilities, libselinux
# only for a pod with linux.mountLabel.  Runs the dynamically linked twin
# that `make check` builds, linked as the default build is whatever this
# build's configure options.  A library made unloadable under its soname
# (LD_LIBRARY_PATH: an empty file, or a real ELF without its functions)
# proves which paths load it: where it is needed the hook refuses with an
# error naming it, elsewhere nothing notices.

OSH_SUITE=dynamic
load helpers

LABEL="system_u:object_r:container_file_t:s0:c1,c2"

setup () {
  HOOK=${DYNAMIC_HOOK:-$(dirname "$HOOK")/oci-sandbox-hook-dynamic}
  osh_setup
  # libs/SONAME-empty/SONAME: an empty file; libs/SONAME-nosyms/SONAME: a
  # real library (yajl) lacking every function the hook asks for.
  local yajl soname
  yajl=$(ldd "$HOOK" | awk '$1 == "libyajl.so.2" { print $3 }')
  [ -f "$yajl" ] || fail "the twin does not load libyajl.so.2: $(ldd "$HOOK")"
  for soname in libselinux.so.1 libcap-ng.so.0; do
    mkdir -p "$T/libs/$soname-empty" "$T/libs/$soname-nosyms"
    : >"$T/libs/$soname-empty/$soname"
    cp "$yajl" "$T/libs/$soname-nosyms/$soname"
  done
}

teardown () {
  osh_teardown
}

# both_hooks_env VAR=VALUE: add to the environment of both hooks.
both_hooks_env () {
  cfg --arg e "$1" '.hooks.createRuntime[0].env += [$e] | .hooks.poststop[0].env += [$e]'
}

# runc 1.1.5 adds context= to its own tmpfs, devpts and cgroup mounts even
# with SELinux disabled, which the kernel refuses: without those mounts a
# mountLabel reaches the hook.
without_runc_labelled_mounts () {
  cfg '.mounts |= map(select(.type != "tmpfs" and .type != "devpts" and .type != "cgroup"))
       | .linux.maskedPaths = []'
}

# run_sandbox SCRIPT: `runc run` in the foreground.
run_sandbox () {
  set_cmd "$1"
  run --separate-stderr timeout 30 runc run -b "$BUNDLE" "$CID" </dev/null
}

# ----------------------------------------------------------- what it links

@test "dynamic: the twin links yajl and libc; .note.dlopen names libselinux and libcap-ng" {
  run readelf -dW "$HOOK"
  assert_contains "$output" "Shared library: [libyajl.so.2]" "DT_NEEDED"
  assert_not_contains "$output" "libselinux" "DT_NEEDED"
  assert_not_contains "$output" "libcap-ng" "DT_NEEDED"
  assert_not_contains "$output" "libpcre2" "DT_NEEDED"
  # systemd's ELF dlopen metadata: owner FDO, type 0x407c0c0a, a JSON array.
  run readelf -nW "$HOOK"
  assert_eq "$(grep -oE 'FDO +0x[0-9a-f]+[[:space:]]+Unknown note type: \(0x407c0c0a\)' <<<"$output" \
    | wc -l)" 2 "FDO dlopen notes"
  run bash -c "readelf -W -p .note.dlopen '$HOOK' | sed -n 's/^ *\[ *[0-9a-f]*\]  \(\[{.*\)$/\1/p' \
    | jq -r '.[] | \"\(.soname | join(\",\")) \(.priority)\"' | sort"
  assert_status 0
  assert_eq "$output" "libcap-ng.so.0 required
libselinux.so.1 recommended" "the notes' sonames and priorities"
}

# ------------------------------------------------- what loads them, and when

@test "dynamic: the not-a-sandbox fast path and poststop load neither library" {
  not_a_sandbox
  both_hooks_env "LD_LIBRARY_PATH=$T/libs/libcap-ng.so.0-empty:$T/libs/libselinux.so.1-empty"
  run_sandbox 'cat /proc/sys/net/ipv4/ip_unprivileged_port_start'
  assert_status 0
  assert_eq "$output" 1024 "a plain container's ports (a new netns's default: nothing applied)"
  # The state alone decides, and poststop of a bundle with nothing to undo.
  LD_LIBRARY_PATH="$T/libs/libcap-ng.so.0-empty:$T/libs/libselinux.so.1-empty" \
    run --separate-stderr "$HOOK" --policy "$POLICY" createRuntime \
    <<<"$(state_json creating 1 | jq -c '.annotations = {"a": "b"}')"
  assert_status 0
  LD_LIBRARY_PATH="$T/libs/libcap-ng.so.0-empty:$T/libs/libselinux.so.1-empty" \
    run --separate-stderr "$HOOK" --policy "$POLICY" poststop <<<"$(state_json stopped 0)"
  assert_status 0
  assert_eq "$stderr" "" "poststop's stderr"
}

@test "dynamic: a sandbox without a mountLabel loads libcap-ng, never libselinux" {
  both_hooks_env "LD_LIBRARY_PATH=$T/libs/libselinux.so.1-empty"
  run_sandbox 'cat /proc/sys/net/ipv4/ip_unprivileged_port_start; grep -c " /dev/shm " /proc/mounts'
  assert_status 0
  assert_eq "${lines[0]}" 0 "the sandbox's ip_unprivileged_port_start"
  assert_nothing_left
}

@test "dynamic: a sandbox's createRuntime refuses when libcap-ng cannot be loaded, naming it" {
  both_hooks_env "LD_LIBRARY_PATH=$T/libs/libcap-ng.so.0-empty"
  runc_refuses "cannot load libcap-ng.so.0 (the hook's capabilities)" \
    "$T/libs/libcap-ng.so.0-empty/libcap-ng.so.0: file too short"
  CID=$(new_id)-nosyms
  echo "$CID" >>"$T/ids"
  cfg --arg d "$T/libs/libcap-ng.so.0-nosyms" \
    '.hooks[][0].env |= map(if startswith("LD_LIBRARY_PATH=") then "LD_LIBRARY_PATH=\($d)" else . end)'
  runc_refuses "cannot load libcap-ng.so.0" "undefined symbol: capng_clear"
}

@test "dynamic: a sandbox with a mountLabel loads libselinux, and refuses when it cannot" {
  without_runc_labelled_mounts
  cfg --arg l "$LABEL" '.linux.mountLabel = $l'
  run_sandbox 'cat /proc/sys/net/ipv4/ip_unprivileged_port_start'
  assert_status 0
  assert_eq "$output" 0 "the sandbox's ip_unprivileged_port_start"
  assert_nothing_left
  CID=$(new_id)-empty
  echo "$CID" >>"$T/ids"
  both_hooks_env "LD_LIBRARY_PATH=$T/libs/libselinux.so.1-empty"
  runc_refuses "config linux.mountLabel: cannot load libselinux.so.1 (SELinux labels)" \
    "libselinux.so.1: file too short"
  CID=$(new_id)-nosyms
  echo "$CID" >>"$T/ids"
  cfg --arg d "$T/libs/libselinux.so.1-nosyms" \
    '.hooks[][0].env |= map(if startswith("LD_LIBRARY_PATH=") then "LD_LIBRARY_PATH=\($d)" else . end)'
  runc_refuses "cannot load libselinux.so.1" "undefined symbol: is_selinux_enabled"
}

@test "dynamic: plan and precreate load libcap-ng, and libselinux only for a mountLabel" {
  # libselinux unloadable: no mountLabel, no need of it.
  LD_LIBRARY_PATH="$T/libs/libselinux.so.1-empty" \
    run --separate-stderr "$HOOK" --policy "$POLICY" plan --bundle "$BUNDLE"
  assert_status 0
  assert_contains "$output" '"sandbox": true'
  LD_LIBRARY_PATH="$T/libs/libselinux.so.1-empty" \
    run --separate-stderr "$HOOK" --policy "$POLICY" precreate <"$BUNDLE/config.json"
  assert_status 0
  # libcap-ng unloadable: both read the hook's capabilities.
  LD_LIBRARY_PATH="$T/libs/libcap-ng.so.0-empty" \
    run --separate-stderr "$HOOK" --policy "$POLICY" plan --bundle "$BUNDLE"
  assert_status 1
  assert_contains "$stderr" "cannot load libcap-ng.so.0"
  LD_LIBRARY_PATH="$T/libs/libcap-ng.so.0-nosyms" \
    run --separate-stderr "$HOOK" --policy "$POLICY" precreate <"$BUNDLE/config.json"
  assert_status 1
  assert_contains "$stderr" "undefined symbol: capng_clear"
  assert_eq "$output" "" "precreate's output after the refusal"
  # A mountLabel needs libselinux.
  cfg --arg l "$LABEL" '.linux.mountLabel = $l'
  LD_LIBRARY_PATH="$T/libs/libselinux.so.1-empty" \
    run --separate-stderr "$HOOK" --policy "$POLICY" plan --bundle "$BUNDLE"
  assert_status 1
  assert_contains "$stderr" "config linux.mountLabel: cannot load libselinux.so.1"
}

@test "dynamic: a pod member's createRuntime loads libcap-ng, and refuses when it cannot" {
  # The sandbox, with every library.
  local sbx=$CID spid member _
  annotate "$CRI_SANDBOX_ID" "$sbx"
  set_cmd 'echo sandbox-side >/dev/shm/from-sandbox; exec sleep 1000'
  runc_create "$sbx"
  spid=$PID
  runc start "$sbx"
  for _ in $(seq 50); do
    [ -e "/proc/$spid/root/dev/shm/from-sandbox" ] && break
    sleep 0.1
  done
  # A member joining its namespaces, as containerd makes them.
  make_bundle "$T/member"
  member_config "$sbx" "$spid"
  set_cmd 'cat /dev/shm/from-sandbox'
  member=$(new_id)-member
  echo "$member" >>"$T/ids"
  run --separate-stderr timeout 30 runc run -b "$BUNDLE" "$member" </dev/null
  assert_status 0
  assert_eq "$output" sandbox-side "what the member reads in the pod's /dev/shm"
  # libcap-ng unloadable: the member's createRuntime refuses.
  both_hooks_env "LD_LIBRARY_PATH=$T/libs/libcap-ng.so.0-empty"
  member=$(new_id)-member2
  echo "$member" >>"$T/ids"
  run --separate-stderr timeout 30 runc run -b "$BUNDLE" "$member" </dev/null
  assert_failed
  assert_contains "${stderr//\\\"/\"}" "cannot load libcap-ng.so.0 (the hook's capabilities)" \
    "runc's stderr"
  runc delete -f "$sbx" >/dev/null
}

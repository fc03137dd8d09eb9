#!/usr/bin/env bats
# The precreate stage as an operator or an engine without hooks.d uses it:
# `precreate --bundle DIR` rewrites DIR/config.json in place before
# `runc create`, `precreate` alone is a filter (config.json on stdin, the
# sandbox's config.json on stdout).  Only absent keys are added; everything
# else comes back semantically identical; a container that is not a sandbox
# comes back byte for byte; bad input gives a non-zero exit and no output.

OSH_SUITE=pre
load helpers

ADDED_KEYS='del(.linux.sysctl, .process.oomScoreAdj, .linux.resources.cpu.shares,
  .annotations["io.kubernetes.cri.sandbox-cpu-period", "io.kubernetes.cri.sandbox-cpu-quota",
               "io.kubernetes.cri.sandbox-cpu-shares", "io.kubernetes.cri.sandbox-memory"])'

setup () {
  osh_setup
  # precreate alone: no createRuntime hook may apply anything at run time.
  cfg 'del(.hooks)
       | .linux.resources.cpu = {"quota": 200000, "period": 100000}
       | .linux.resources.memory = {"limit": 536870912}'
}

teardown () {
  osh_teardown
}

# precreate_filter IN OUT: the filter with IN on stdin, stdout to OUT.
precreate_filter () {
  run --separate-stderr bash -c 'timeout 20 "$0" --policy "$1" precreate <"$2" >"$3"' \
    "$HOOK" "$POLICY" "$1" "$2"
}

# ------------------------------------------------------- --bundle in place

@test "precreate --bundle: config.json gains the sizing annotations, sysctls, shares and OOM score" {
  chmod 640 "$BUNDLE/config.json"
  run --separate-stderr "$HOOK" --policy "$POLICY" precreate --bundle "$BUNDLE"
  assert_status 0
  assert_eq "$output" "" "stdout"
  run jq -c '[.annotations["io.kubernetes.cri.sandbox-cpu-period",
                           "io.kubernetes.cri.sandbox-cpu-quota",
                           "io.kubernetes.cri.sandbox-cpu-shares",
                           "io.kubernetes.cri.sandbox-memory"],
              .linux.sysctl, .linux.resources.cpu, .process.oomScoreAdj]' "$BUNDLE/config.json"
  assert_eq "$output" "[\"100000\",\"200000\",\"0\",\"536870912\",{\"net.ipv4.ip_unprivileged_port_start\":\"0\",\"net.ipv4.ping_group_range\":\"0 2147483647\"},{\"quota\":200000,\"period\":100000,\"shares\":2},$OWN_OOM]" \
    "annotations, sysctl, cpu, oomScoreAdj"
  assert_eq "$(stat -c %a "$BUNDLE/config.json")" 640 "config.json mode"
  run ls -A "$BUNDLE"
  assert_eq "$output" "config.json
rootfs" "bundle contents (no temporary file)"
  log_wait "precreate: 8 addition(s) to the spec (only where absent): from config.json linux.resources: Kata sizes the VM at 2 vCPU(s) and 512 MiB"
}

@test "precreate --bundle: runc runs the rewritten bundle and the container sees the sandbox settings" {
  run --separate-stderr "$HOOK" --policy "$POLICY" precreate --bundle "$BUNDLE"
  assert_status 0
  set_cmd 'cat /proc/sys/net/ipv4/ip_unprivileged_port_start;
    tr "\t" " " </proc/sys/net/ipv4/ping_group_range; cat /proc/self/oom_score_adj'
  run --separate-stderr runc run -b "$BUNDLE" "$CID" </dev/null
  assert_status 0
  assert_eq "$output" "0
0 2147483647
$OWN_OOM" "port start, ping range and OOM score inside"
  assert_nothing_left
}

@test "precreate --bundle: a null cpu.shares or oomScoreAdj is unset: runc's cgroup gets shares 2" {
  # Go's runtime-spec decodes null as a nil pointer: runc sets nothing, so
  # precreate fills the value in place, as it would add an absent key.
  cfg '.linux.resources.cpu.shares = null | .process.oomScoreAdj = null'
  run --separate-stderr "$HOOK" --policy "$POLICY" precreate --bundle "$BUNDLE"
  assert_status 0
  run jq -c '[.linux.resources.cpu, .process.oomScoreAdj]' "$BUNDLE/config.json"
  assert_eq "$output" "[{\"quota\":200000,\"period\":100000,\"shares\":2},$OWN_OOM]" \
    "cpu and oomScoreAdj"
  log_wait "precreate: 8 addition(s) to the spec (only where absent)"
  set_cmd 'sleep 30'
  runc run -d -b "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1 || fail "runc run failed"
  assert_eq "$(cat "/sys/fs/cgroup/cpu/$CID/cpu.shares")" 2 "cpu.shares of the container's cgroup"
  runc delete -f "$CID"
  assert_nothing_left
}

@test "precreate --bundle: a second run adds nothing and changes no byte" {
  run --separate-stderr "$HOOK" --policy "$POLICY" precreate --bundle "$BUNDLE"
  assert_status 0
  cp "$BUNDLE/config.json" "$T/first.json"
  : >"$LOG"
  run --separate-stderr "$HOOK" --policy "$POLICY" precreate --bundle "$BUNDLE"
  assert_status 0
  cmp "$T/first.json" "$BUNDLE/config.json" || fail "the second run changed config.json"
  log_wait "precreate: 0 addition(s) to the spec (only where absent): set by the engine"
}

@test "precreate --bundle: a sandbox spec that has everything already is left as it is, byte for byte" {
  # As the engine would write it: pretty-printed, every addition present.
  cfg '.linux.sysctl = {"net.ipv4.ip_unprivileged_port_start": "0",
                        "net.ipv4.ping_group_range": "0 2147483647"}
       | .process.oomScoreAdj = 0 | .linux.resources.cpu.shares = 2
       | .annotations += {"io.kubernetes.cri.sandbox-cpu-period": "100000",
                          "io.kubernetes.cri.sandbox-cpu-quota": "200000",
                          "io.kubernetes.cri.sandbox-cpu-shares": "2",
                          "io.kubernetes.cri.sandbox-memory": "536870912"}'
  cp "$BUNDLE/config.json" "$T/before.json"
  local inode
  inode=$(stat -c %i "$BUNDLE/config.json")
  run --separate-stderr "$HOOK" --policy "$POLICY" precreate --bundle "$BUNDLE"
  assert_status 0
  cmp "$T/before.json" "$BUNDLE/config.json" || fail "config.json was rewritten"
  assert_eq "$(stat -c %i "$BUNDLE/config.json")" "$inode" "config.json's inode"
  log_wait "precreate: 0 addition(s) to the spec (only where absent): set by the engine"
  # The filter gives the same spec back byte for byte.
  precreate_filter "$T/before.json" "$T/out.json"
  assert_status 0
  cmp "$T/before.json" "$T/out.json" || fail "the filter's output differs from its input"
}

@test "precreate --bundle: an invalid config.json is refused and left unchanged" {
  printf '{"ociVersion": "1.0.2", "ociVersion": "1.0.2"}' >"$BUNDLE/config.json"
  cp "$BUNDLE/config.json" "$T/before.json"
  run --separate-stderr "$HOOK" --policy "$POLICY" precreate --bundle "$BUNDLE"
  assert_failed
  assert_eq "$output" "" "stdout"
  cmp "$T/before.json" "$BUNDLE/config.json" || fail "config.json changed"
  run ls -A "$BUNDLE"
  assert_eq "$output" "config.json
rootfs" "bundle contents (no temporary file)"
}

@test "precreate and plan --bundle: a missing directory or a symlink is refused, naming --bundle" {
  mkdir "$T/real"
  ln -s real "$T/link"
  for stage in precreate plan; do
    run --separate-stderr "$HOOK" --policy "$POLICY" "$stage" --bundle "$T/missing" </dev/null
    assert_status 1
    assert_eq "$output" "" "stdout"
    assert_contains "$stderr" "error: --bundle: open directory $T/missing: No such file or directory"
    run --separate-stderr "$HOOK" --policy "$POLICY" "$stage" --bundle "$T/link" </dev/null
    assert_status 1
    assert_eq "$output" "" "stdout"
    assert_contains "$stderr" "error: --bundle: open directory $T/link: Not a directory"
  done
  run ls -A "$T/real"
  assert_eq "$output" "" "the symlink's target (nothing written through it)"
}

# --------------------------------------------------------- stdin, stdout

@test "precreate: a 1 MiB config comes back semantically identical but for the additions" {
  # 2000 annotations and 2000 env entries of ~256 bytes each, a number
  # jq cannot hold exactly, and unicode escapes.
  jq --arg pad "$(head -c 240 /dev/zero | tr '\0' x)" '
      .annotations += ([range(2000) | {key: "example.test/key-\(.)", value: "\(.)-\($pad)"}]
                       | from_entries)
      | .process.env += [range(2000) | "VAR_\(.)=\($pad)"]
      | .annotations["example.test/text"] = "caf\u00e9 \u2603 \"q\" \\ \t end"' \
    "$BUNDLE/config.json" >"$T/big.json"
  sed -i 's/"ociVersion"/"x-big-number": 123456789012345678901234567890,\n  "ociVersion"/' "$T/big.json"
  [ "$(stat -c %s "$T/big.json")" -gt 1048576 ] || fail "generated config below 1 MiB"
  precreate_filter "$T/big.json" "$T/out.json"
  assert_status 0
  assert_eq "$stderr" "" "stderr"
  diff <(jq -S "$ADDED_KEYS" "$T/big.json") <(jq -S "$ADDED_KEYS" "$T/out.json") \
    || fail "the filtered config differs beyond the additions"
  # Key order is kept too, and numbers as written.
  diff <(jq -c "$ADDED_KEYS" "$T/big.json") <(jq -c "$ADDED_KEYS" "$T/out.json") \
    || fail "key order changed"
  grep -qF '"x-big-number":123456789012345678901234567890' "$T/out.json" \
    || fail "the big number was not kept as written"
  run jq -c '[.annotations["io.kubernetes.cri.sandbox-cpu-quota"], .linux.resources.cpu.shares,
              .linux.sysctl["net.ipv4.ip_unprivileged_port_start"], (.annotations | length),
              (.process.env | length)]' "$T/out.json"
  assert_eq "$output" "[\"200000\",2,\"0\",2006,$(jq '.process.env | length' "$T/big.json")]" \
    "additions and counts"
}

@test "precreate: a plain container's config.json comes back byte for byte" {
  not_a_sandbox
  printf '  \n' >>"$BUNDLE/config.json"
  precreate_filter "$BUNDLE/config.json" "$T/out.json"
  assert_status 0
  cmp "$BUNDLE/config.json" "$T/out.json" || fail "the output differs from the input"
}

@test "precreate: invalid input gives a non-zero exit, empty stdout and an error naming it" {
  local name expected
  printf 'this is not JSON' >"$T/not-json"
  sed 's/"ociVersion": "\([^"]*\)"/"ociVersion": "\1", "ociVersion": "\1"/' "$BUNDLE/config.json" \
    >"$T/duplicate-keys"
  assert_eq "$(grep -o '"ociVersion"' "$T/duplicate-keys" | wc -l)" 2 "ociVersion keys in the input"
  { cat "$BUNDLE/config.json"; printf '{"trailing": true}'; } >"$T/trailing-garbage"
  {
    printf '{"ociVersion": "1.0.2", "pad": "'
    head -c $((16 * 1024 * 1024)) /dev/zero | tr '\0' a
    printf '"}'
  } >"$T/over-16-MiB"
  : >"$T/empty"
  while IFS='|' read -r name expected; do
    precreate_filter "$T/$name" "$T/$name.out"
    [ "$status" -ne 0 ] || fail "$name: exit status 0"
    [ "$status" -ne 124 ] || fail "$name: the hook hung"
    [ ! -s "$T/$name.out" ] || fail "$name: stdout is not empty: $(head -c 200 "$T/$name.out")"
    assert_contains "$stderr" "$expected" "$name: stderr"
  done <<'EOF'
not-json|config.json: invalid JSON: lexical error
duplicate-keys|duplicate key "ociVersion"
trailing-garbage|config.json: invalid JSON: parse error: trailing garbage
over-16-MiB|config.json on stdin: input exceeds the limit of 16777216 bytes
empty|config.json: invalid JSON: parse error: premature EOF
EOF
}

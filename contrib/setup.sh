#!/bin/bash
# Install what oci-sandbox-hook needs on a fresh Debian 12 machine and build
# it in the source tree.  Idempotent: packages already present are kept,
# the build is redone only when sources changed.
#
#   contrib/setup.sh [--test-build]
#
# --test-build configures with --enable-fault-injection (the switch the
# rollback tests use; never in a release build) and --enable-werror.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential autoconf automake libtool pkg-config
  libyajl-dev libselinux1-dev libcap-ng-dev
  runc crun podman busybox-static bats jq python3 util-linux iproute2 valgrind
  clang libclang-rt-14-dev clang-format lld catatonit
  time linux-perf strace bindfs
  containerd containernetworking-plugins python3-grpcio python3-protobuf protobuf-compiler
  python3-yaml uidmap slirp4netns fuse-overlayfs
  dpkg-dev debhelper lintian
)

# A mistyped flag must not silently give a release build.
if [ "$#" -gt 1 ] || { [ "$#" -eq 1 ] && [ "$1" != --test-build ]; }; then
  echo "setup.sh: unknown argument(s): $* (usage: contrib/setup.sh [--test-build])" >&2
  exit 2
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup.sh: run as root (it installs packages and the hook runs containers)" >&2
  exit 1
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The hook is exec'd for every pod start: build it as one static-pie
# executable, no dynamic loading (docs/performance.md has the numbers).
configure_flags=(--enable-static-binary)
if [ "${1:-}" = "--test-build" ]; then
  configure_flags+=(--enable-fault-injection --enable-werror)
fi

wanted="${configure_flags[*]:-}"
if [ ! -f Makefile ] || [ "$(cat .configure-flags 2>/dev/null)" != "$wanted" ]; then
  ./autogen.sh >/dev/null 2>&1
  ./configure "${configure_flags[@]}" >/dev/null
  echo "$wanted" > .configure-flags
fi
make -j"$(nproc)" >/dev/null
echo "setup.sh: built $(pwd)/oci-sandbox-hook (${wanted:-release build})"

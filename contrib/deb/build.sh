#!/bin/bash
# Build the Debian package of oci-sandbox-hook from this source tree.
#
#   contrib/deb/build.sh OUTDIR      build; OUTDIR gets the .deb files, the
#                                    .changes, the .buildinfo and build.log
#   contrib/deb/build.sh --tree DIR  only lay out the package's source tree
#                                    in DIR (the tree, contrib/debian at debian/)
#
# The build copies the tree to a private temporary directory (the source
# tree is never written), puts contrib/debian at debian/, and runs
# `dpkg-buildpackage -us -uc -b` there.  Then: `lintian OUTDIR/*.changes`.
# Needs dpkg-dev, debhelper and the Build-Depends of contrib/debian/control
# (contrib/setup.sh installs them).  contrib/deb/README.md has the rest.
set -euo pipefail

usage () {
  echo "usage: $0 OUTDIR | $0 --tree DIR" >&2
  exit 2
}

top="$(cd "$(dirname "$0")/../.." && pwd)"

# lay_out DIR: the source tree as the package build sees it.  A git
# checkout gives its files (tracked, and new ones not ignored), never its
# build outputs; an unpacked release tarball is copied whole (the package
# build starts with `make distclean` when it was configured).
lay_out () {
  local src=$1
  mkdir -p "$src"
  if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    (cd "$top" && git ls-files -z -co --exclude-standard \
      | while IFS= read -r -d '' f; do
          if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
        done \
      | tar --null -T - -cf -) | tar -xf - -C "$src"
  else
    tar -C "$top" --exclude=./debian -cf - . | tar -xf - -C "$src"
  fi
  rm -rf "$src/debian"
  cp -a "$src/contrib/debian" "$src/debian"

  # The package's version is the release's: a changelog that names another
  # version than configure.ac is a packaging mistake.
  local pkg_version ac_version
  pkg_version="$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)"
  ac_version="$(sed -n 's/^AC_INIT(\[[^]]*\], *\[\([^]]*\)\].*/\1/p' "$src/configure.ac")"
  if [ "$pkg_version" != "$ac_version" ]; then
    echo "$0: contrib/debian/changelog is at $pkg_version, configure.ac at $ac_version" >&2
    exit 1
  fi
}

case "${1:-}" in
--tree)
  [ $# -eq 2 ] || usage
  lay_out "$2"
  exit 0
  ;;
"" | -*) usage ;;
esac
[ $# -eq 1 ] || usage
mkdir -p "$1"
out="$(cd "$1" && pwd)"

work="$(mktemp -d /tmp/oci-sandbox-hook-deb.XXXXXX)"
trap 'rm -rf --one-file-system "$work"' EXIT
src="$work/oci-sandbox-hook"
lay_out "$src"

echo "building oci-sandbox-hook $(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)" \
  "(log: $out/build.log)"
if ! (cd "$src" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1; then
  tail -n 40 "$out/build.log" >&2
  echo "$0: dpkg-buildpackage failed (log: $out/build.log)" >&2
  exit 1
fi
shopt -s nullglob
artifacts=("$work"/*.deb "$work"/*.ddeb "$work"/*.changes "$work"/*.buildinfo)
cp "${artifacts[@]}" "$out/"
for f in "${artifacts[@]}"; do echo "$out/$(basename "$f")"; done

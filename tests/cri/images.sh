#!/bin/bash
# Build the two images of the containerd test harness as OCI image-layout
# tarballs, without any registry, from busybox-static:
#
#   images.sh OUTDIR
#
# writes OUTDIR/pause.tar (reference localhost/oci-sandbox-hook/pause:test,
# entrypoint /pause: a shell loop that sleeps until SIGTERM/SIGINT, like
# the real pause) and OUTDIR/app.tar (localhost/oci-sandbox-hook/app:test,
# entrypoint `sleep 3600`).  Both rootfs hold /bin/busybox with every applet
# linked in /bin, /bin/sh among them.  The tarballs are deterministic (fixed
# mtimes, owners and order, no compression): the same busybox gives the
# same digests.  An existing tarball is kept, so a test run builds each once.
# Import with
#   ctr -n k8s.io --address SOCK images import --snapshotter native OUTDIR/pause.tar
set -euo pipefail

PAUSE_IMAGE=localhost/oci-sandbox-hook/pause:test
APP_IMAGE=localhost/oci-sandbox-hook/app:test
BUSYBOX=${BUSYBOX:-/bin/busybox}
EPOCH=@0

out=${1:?usage: images.sh OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# sha256 of a file, bare hex
digest () { sha256sum "$1" | cut -d' ' -f1; }

# put_blob LAYOUT FILE: move FILE into LAYOUT/blobs/sha256/, print its digest
put_blob () {
  local d
  d=$(digest "$2")
  mv "$2" "$1/blobs/sha256/$d"
  echo "$d"
}

# make_rootfs DIR: busybox, every applet, the directories a container needs.
make_rootfs () {
  local root=$1 a
  mkdir -p "$root"/{bin,dev,etc,proc,sys,tmp,var,run,root}
  chmod 1777 "$root/tmp"
  cp "$BUSYBOX" "$root/bin/busybox"
  for a in $("$BUSYBOX" --list); do
    [ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
  printf 'root:x:0:\n' >"$root/etc/group"
}

# build NAME REF ENTRYPOINT-JSON [extra setup function]
build () {
  local name=$1 ref=$2 entrypoint=$3 setup=${4:-}
  local tarball="$out/$name.tar"
  [ -s "$tarball" ] && return 0
  local work
  work=$(mktemp -d "$out/.build-$name.XXXXXX")
  local root="$work/rootfs" layout="$work/layout"
  make_rootfs "$root"
  [ -z "$setup" ] || "$setup" "$root"
  mkdir -p "$layout/blobs/sha256"

  # The layer: an uncompressed tar of the rootfs, byte-for-byte repeatable.
  tar --sort=name --mtime="$EPOCH" --owner=0 --group=0 --numeric-owner \
      --format=posix --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
      -C "$root" -cf "$work/layer.tar" .
  local layer_size layer_digest
  layer_size=$(stat -c %s "$work/layer.tar")
  layer_digest=$(put_blob "$layout" "$work/layer.tar")

  jq -cnS --argjson ep "$entrypoint" --arg diff "sha256:$layer_digest" '{
      architecture: "amd64", os: "linux", created: "1970-01-01T00:00:00Z",
      config: {Entrypoint: $ep, WorkingDir: "/",
               Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]},
      rootfs: {type: "layers", diff_ids: [$diff]},
      history: [{created: "1970-01-01T00:00:00Z", created_by: "tests/cri/images.sh"}]
    }' >"$work/config.json"
  local config_size config_digest
  config_size=$(stat -c %s "$work/config.json")
  config_digest=$(put_blob "$layout" "$work/config.json")

  jq -cnS --arg c "sha256:$config_digest" --argjson cs "$config_size" \
    --arg l "sha256:$layer_digest" --argjson ls "$layer_size" '{
      schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs},
      layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $l, size: $ls}]
    }' >"$work/manifest.json"
  local manifest_size manifest_digest
  manifest_size=$(stat -c %s "$work/manifest.json")
  manifest_digest=$(put_blob "$layout" "$work/manifest.json")

  # ctr names the image after io.containerd.image.name.
  jq -cnS --arg m "sha256:$manifest_digest" --argjson ms "$manifest_size" --arg ref "$ref" '{
      schemaVersion: 2,
      manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $m, size: $ms,
                   annotations: {"io.containerd.image.name": $ref,
                                 "org.opencontainers.image.ref.name": ($ref | sub(".*:"; ""))}}]
    }' >"$layout/index.json"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$layout/oci-layout"

  tar --sort=name --mtime="$EPOCH" --owner=0 --group=0 --numeric-owner --format=posix \
      --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
      -C "$layout" -cf "$work/image.tar" .
  mv "$work/image.tar" "$tarball"
  rm -rf "$work"
}

# The sandbox's process: sleeps until told to stop, exits 0 on SIGTERM or
# SIGINT (the real pause does the same).
pause_setup () {
  cat >"$1/pause" <<'EOF'
#!/bin/sh
trap 'exit 0' TERM INT
while :; do
  sleep 3600 &
  wait $!
done
EOF
  chmod 755 "$1/pause"
}

build pause "$PAUSE_IMAGE" '["/pause"]' pause_setup
build app "$APP_IMAGE" '["sleep", "3600"]'
echo "pause $PAUSE_IMAGE $out/pause.tar"
echo "app $APP_IMAGE $out/app.tar"

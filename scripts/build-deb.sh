#!/usr/bin/env bash
# `npm run deb`: build/deb/hostprobe_<version>_<arch>.deb from the single-file binary
# (build/sea/hostprobe, `npm run build:sea`), with dpkg-deb. It installs
#   /usr/bin/hostprobe                      the binary (no Node needed on the host)
#   /lib/systemd/system/hostprobe.service   deploy/systemd/hostprobe.service
#   /etc/hostprobe/hostprobe.yaml           config/hostprobe.yaml (conffile)
#   /etc/default/hostprobe                  deploy/deb/default (conffile: HOSTPROBE_OPTS)
# and the maintainer scripts in deploy/deb/ (those dh_installsystemd writes: enable and
# start under systemd, stop on remove, purge the enablement state and the config on purge).
# gzip rather than xz: a third larger, several times faster to build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
die() { echo "build-deb: $*" >&2; exit 1; }

command -v dpkg-deb >/dev/null || die "dpkg-deb not found (apt-get install dpkg)"
bin=build/sea/hostprobe
[ -x "$bin" ] || die "$bin is missing (run \"npm run build:sea\" first)"
version=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' package.json)
[ -n "$version" ] || die "no version in package.json"
arch=$(dpkg --print-architecture)
# The newest glibc symbol version the binary and the addon inside it (an asset, invisible
# to objdump in the binary) use: the libc6 they need.
addon=build/Release/hostprobe.node
[ -f "$addon" ] || die "$addon is missing (run \"npm run build\")"
glibc=$(objdump -T "$bin" "$addon" 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)
[ -n "$glibc" ] || die "cannot read the glibc symbol versions of $bin (objdump, from binutils)"

out=build/deb
stage=$out/stage.$$
deb=$out/hostprobe_${version}_${arch}.deb
# Kept when built from the same inputs (the binary's own input hash stands for the binary).
[ -f build/sea/inputs.sha256 ] || die "build/sea/inputs.sha256 is missing (run \"npm run build:sea\")"
inputs=$(cat build/sea/inputs.sha256 "$addon" "$0" package.json deploy/systemd/hostprobe.service config/hostprobe.yaml deploy/deb/* |
  sha256sum | cut -d' ' -f1)
if [ -f "$deb" ] && [ "$(cat "$deb.inputs" 2>/dev/null)" = "$inputs" ]; then
  echo "build-deb: $deb is up to date"
  exit 0
fi
rm -rf "$stage"
trap 'rm -rf "$stage" "$deb.$$"' EXIT
install -D -m 0755 "$bin" "$stage/usr/bin/hostprobe"
install -D -m 0644 deploy/systemd/hostprobe.service "$stage/lib/systemd/system/hostprobe.service"
install -D -m 0644 config/hostprobe.yaml "$stage/etc/hostprobe/hostprobe.yaml"
install -D -m 0644 deploy/deb/default "$stage/etc/default/hostprobe"
mkdir -p "$stage/usr/share/doc/hostprobe"
printf 'hostprobe\nLicense: Apache-2.0 (see /usr/share/common-licenses/Apache-2.0)\n' >"$stage/usr/share/doc/hostprobe/copyright"
chmod 0644 "$stage/usr/share/doc/hostprobe/copyright"
mkdir -p "$stage/DEBIAN"
for s in postinst prerm postrm; do install -m 0755 "deploy/deb/$s" "$stage/DEBIAN/$s"; done
printf '/etc/hostprobe/hostprobe.yaml\n/etc/default/hostprobe\n' >"$stage/DEBIAN/conffiles"
size_kb=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
cat >"$stage/DEBIAN/control" <<CONTROL
Package: hostprobe
Version: $version
Architecture: $arch
Maintainer: hostprobe maintainers <hostprobe@users.noreply.github.com>
Installed-Size: $size_kb
Depends: libc6 (>= $glibc), libstdc++6, libgcc-s1
Section: admin
Priority: optional
Homepage: https://github.com/hostprobe/hostprobe
Description: Linux host-metrics agent (Prometheus /metrics, OTLP push)
 hostprobe reads /proc and /sys the way psutil does and serves node_exporter's
 metric names on a Prometheus /metrics endpoint (port 9110), process-exporter
 compatible process groups, and pushes OTLP. One executable with Node.js and the
 native core inside; runs as the hardened systemd unit hostprobe.service.
CONTROL
dpkg-deb --root-owner-group -Zgzip --build "$stage" "$deb.$$" >/dev/null
mv -f "$deb.$$" "$deb"
echo "$inputs" >"$deb.inputs"
echo "build-deb: $deb ($(du -h "$deb" | cut -f1), libc6 >= $glibc)"

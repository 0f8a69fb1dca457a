#!/usr/bin/env bash
# Debian packages the build and the tests use.
set -euo pipefail
pkgs=(
  cmake ninja-build g++ libgtest-dev pkg-config  # the native build and its GoogleTest suite
  python3 python3-psutil                         # live cross-checks against psutil
  iproute2 procps coreutils util-linux           # ip -j, ss, ps, vmstat, sysctl, df, nproc, unshare, utmpdump
  mount bsdutils binutils systemd                # nsenter/mount, script (pty tests), readelf (image ABI check), systemd-analyze
)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "apt packages present"
fi

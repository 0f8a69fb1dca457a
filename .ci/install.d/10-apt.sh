#!/usr/bin/env bash
# Debian packages the build and the tests use.
set -euo pipefail
pkgs=(
  cmake ninja-build g++ libgtest-dev pkg-config  # the native build and its GoogleTest suite
  python3 python3-psutil                         # live cross-checks against psutil
  iproute2 procps coreutils util-linux           # ip -j, ss, ps, vmstat, sysctl, df, nproc, unshare, utmpdump
  mount bsdutils binutils systemd                # nsenter/mount, script (pty tests), readelf (image ABI check), systemd-analyze
  stress-ng                                      # CPU hogs for scripts/test-under-load.sh (tests must pass under load)
  buildah podman runc mmdebstrap                 # npm run image (scripts/image/) and test/deploy/image.test.ts
  clang-format                                   # npm run lint checks native/ formatting (.clang-format)
  clang libfuzzer-14-dev                         # npm run fuzz: libFuzzer targets for the C++ parsers
)
source "$(dirname "$0")/../apt-ensure.sh"
apt_ensure "${pkgs[@]}"

#!/usr/bin/env bash
# Builds and runs the C++ core's GoogleTest suite through ctest (plain CMake, no Node).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${HOSTPROBE_NATIVE_TEST_DIR:-build-tests}
extra=()
if [ "${HOSTPROBE_SANITIZE:-0}" = 1 ]; then dir=${dir}-asan; extra=(-DHOSTPROBE_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug); fi
cmake -S . -B "$dir" -G Ninja "${extra[@]}" >/dev/null
cmake --build "$dir" -j "${CMAKE_BUILD_PARALLEL_LEVEL:-2}"
ctest --test-dir "$dir" --output-on-failure -j 2

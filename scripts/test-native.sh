#!/usr/bin/env bash
# Builds and runs the C++ core's GoogleTest suite through ctest (plain CMake, no Node).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${HOSTPROBE_NATIVE_TEST_DIR:-build-tests}
extra=()
if [ "${HOSTPROBE_SANITIZE:-0}" = 1 ]; then
  # ASan + UBSan (+ LeakSanitizer): the first finding aborts the test binary, so ctest fails.
  dir=${dir}-asan
  extra=(-DHOSTPROBE_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug)
  export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1:print_stacktrace=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}
fi
cmake -S . -B "$dir" -G Ninja "${extra[@]}" >/dev/null
cmake --build "$dir" -j "${CMAKE_BUILD_PARALLEL_LEVEL:-2}"
ctest --test-dir "$dir" --output-on-failure -j 2

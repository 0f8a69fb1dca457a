#!/usr/bin/env bash
# The C++ core under AddressSanitizer + UndefinedBehaviorSanitizer, twice:
#
#  1. the GoogleTest suite (test/native/) built with HOSTPROBE_SANITIZE=ON, LeakSanitizer on;
#  2. the addon built with HOSTPROBE_SANITIZE=ON into build-asan/, loaded by Node through
#     HOSTPROBE_ADDON with the ASan runtime preloaded, running the library's fixture suite
#     (test/unit) and live suite (test/live) under vitest.
#
# Every sanitizer report is written to a file under build-asan/reports/ (log_path) as well
# as aborting the process that hit it; the run fails if a suite fails or if any report file
# exists (a finding in a child process whose exit a test tolerated still counts). The last
# line says what ran and how many findings there were.
#
# Node runs with detect_leaks=0: Node does not free its heap, V8 isolates or static
# allocations at exit (by design, exit is faster that way), so LeakSanitizer would report
# thousands of Node's own allocations. Leaks in the core are covered by step 1, where
# LeakSanitizer is on.
#
# Build dirs (build-tests-asan/, build-asan/) are Ninja dirs reused between runs; a fresh
# clone builds both from scratch.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

step() { printf '\n=== sanitize: %s ===\n' "$*"; }

asan_rt=$(g++ -print-file-name=libasan.so)
if [ ! -e "$asan_rt" ] || [ "$asan_rt" = libasan.so ]; then
  echo "test-sanitize: the ASan runtime of g++ was not found (g++ -print-file-name=libasan.so gave '$asan_rt'; apt-get install g++)" >&2
  exit 1
fi

reports=$root/build-asan/reports
rm -rf "$reports"
mkdir -p "$reports"
common=halt_on_error=1:abort_on_error=1:print_stacktrace=1
export UBSAN_OPTIONS=$common
# libubsan ignores log_path next to libasan; native/sanitize/ubsan_report_path.cc applies this.
export HOSTPROBE_UBSAN_LOG_PATH=$reports/ubsan

count_findings() { find "$reports" -type f | wc -l; }
show_findings() {
  local f
  for f in $(find "$reports" -type f | sort); do
    printf '\n--- %s ---\n' "$f" >&2
    cat "$f" >&2
  done
}

ran=()
status=0

step "GoogleTest suite (ASan, UBSan, LeakSanitizer)"
if ASAN_OPTIONS="$common:detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1:log_path=$reports/asan" \
  HOSTPROBE_SANITIZE=1 bash scripts/test-native.sh; then
  ran+=("GoogleTest: passed")
else
  ran+=("GoogleTest: FAILED")
  status=1
fi

step "addon with ASan and UBSan (build-asan/)"
CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-2} \
  node node_modules/cmake-js/bin/cmake-js compile --out build-asan --config Debug --CDHOSTPROBE_SANITIZE=ON
addon=$root/build-asan/Debug/hostprobe.node
if ! ldd "$addon" | grep libasan >/dev/null; then
  echo "test-sanitize: $addon is not linked against libasan; the sanitizer build did not take effect" >&2
  exit 1
fi

# The preload reaches every process the tests spawn. A child node then loads the sanitized
# addon too (what the tests of a process exiting mid-call want), but procps' tools (ps, free,
# vmstat, pgrep, ...) deadlock in textdomain() with libasan preloaded: they run through
# wrappers, first on PATH, that drop LD_PRELOAD and exec the real tool (same pid).
nopreload=$root/build-asan/no-preload-bin
rm -rf "$nopreload"
mkdir -p "$nopreload"
for t in ps free vmstat pgrep pkill pidwait pmap pwdx top uptime w watch tload slabtop skill snice; do
  real=$(command -v "$t" || true)
  [ -n "$real" ] || continue
  printf '#!/bin/sh\nunset LD_PRELOAD\nexec %s "$@"\n' "$real" >"$nopreload/$t"
  chmod +x "$nopreload/$t"
done

step "vitest test/unit test/live on node $(node --version), addon $addon, LD_PRELOAD=$asan_rt"
# src/native/addon.ts takes HOSTPROBE_ADDON first; test/helpers/sanitize-setup.ts checks that
# this addon and libasan are mapped into every worker, and that no other addon was loaded.
if PATH=$nopreload:$PATH HOSTPROBE_ADDON=$addon LD_PRELOAD=$asan_rt \
  ASAN_OPTIONS="$common:detect_leaks=0:log_path=$reports/asan" \
  npx vitest run --config vitest.sanitize.config.ts test/unit test/live; then
  ran+=("addon under Node (test/unit, test/live): passed")
else
  ran+=("addon under Node (test/unit, test/live): FAILED")
  status=1
fi

findings=$(count_findings)
if [ "$findings" -ne 0 ]; then
  show_findings
  status=1
fi
step "summary"
printf '  %s\n' "${ran[@]}"
echo "  sanitizer findings: $findings (reports in $reports)"
exit "$status"

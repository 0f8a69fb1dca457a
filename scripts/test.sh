#!/usr/bin/env bash
# The whole test suite: the C++ core (GoogleTest via ctest), the type check, the generated
# files (docs/agent.md and docs/otlp.md metric tables, config/schema/*.json) current, the
# import rule (dependency-cruiser, docs/architecture.md), lint and format (scripts/lint.sh),
# the vitest suites (unit tests on fixture trees, live cross-checks against psutil and the
# kernel's own tools, end-to-end tests) on Node 24, a 2-minute soak of the agent
# (bench/soak/run.mjs, README "Soak"), the sanitizer runs (scripts/test-sanitize.sh),
# a short fuzz run of every target (scripts/fuzz.mjs), then the unit suites again on Node 22.
#
# Tools the tests need (installed by .ci/run): cmake, ninja, g++, GoogleTest,
# python3-psutil, iproute2, procps, coreutils, clang-format, clang and libfuzzer-14-dev.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s ===\n' "$*"; }

step "native core: GoogleTest"
bash scripts/test-native.sh

step "typecheck"
npx tsc -p tsconfig.json --noEmit
npx tsc -p tsconfig.test.json --noEmit

step "generated docs and schemas are current (npm run gen -- --check)"
npm run gen -- --check

step "import rule: dependency-cruiser (docs/architecture.md)"
npm run --silent lint:deps

step "lint: eslint, prettier --check, clang-format --dry-run"
bash scripts/lint.sh

step "vitest on node $(node --version)"
npx vitest run

step "soak: the agent for 2 minutes under scrapes, process churn, OTLP faults and reloads"
node bench/soak/run.mjs --minutes 2

step "sanitizers: GoogleTest, and the addon under test/unit and test/live (ASan + UBSan)"
bash scripts/test-sanitize.sh

step "fuzz: every C++ and TypeScript target for 5 s (npm run fuzz)"
# clang, libFuzzer, ASan and UBSan (build-fuzz/); a failing input is kept under
# test/fixtures/fuzz-regressions/ and fails this step.
# Then the linear-time check of the TS parsers (scripts/fuzz-scaling.mjs, about 15 s).
node scripts/fuzz.mjs --seconds "${HOSTPROBE_FUZZ_SECONDS:-5}" --jobs 2

node22=${HOSTPROBE_NODE22:-$HOME/.node22/node_modules/.bin/node}
if [ -x "$node22" ]; then
  step "unit suites on node $("$node22" --version)"
  "$node22" node_modules/vitest/vitest.mjs run test/unit
elif [ "${CI:-}" = true ]; then
  echo "Node 22 not found at $node22 (npm install --prefix \$HOME/.node22 node@22)" >&2
  exit 1
else
  echo "[skip] Node 22 not found at $node22; unit suites ran on $(node --version) only"
fi

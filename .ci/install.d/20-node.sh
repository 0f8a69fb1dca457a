#!/usr/bin/env bash
# Node 24 (what the tests run on), Node 22 (the unit suites run again on it) and Node 20
# (test/cli/user.test.ts checks that it is refused with one line), from
# the npm registry's `node` package, when the machine's Node is not already that version.
set -euo pipefail
for major in 24 22 20; do
  prefix="$HOME/.node$major"
  bin="$prefix/node_modules/.bin/node"
  if [ -x "$bin" ] && "$bin" --version | grep -q "^v$major\."; then
    echo "node $major present: $("$bin" --version)"
    continue
  fi
  npm install --prefix "$prefix" --no-audit --no-fund "node@$major"
  "$bin" --version
done

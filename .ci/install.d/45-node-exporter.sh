#!/usr/bin/env bash
# node_exporter v1.12.1, the reference every comparison with node_exporter uses
# (test/e2e/node-exporter.test.ts, test/e2e/node-exporter-fixtures.test.ts,
# test/e2e/scrape-freshness.test.ts, test/e2e/auth-flood.test.ts, bench/agent, bench/auth),
# built from the Go module proxy with `go install`, and its module source, which holds
# node_exporter's own end-to-end test: collector/fixtures (proc/, sys.ttar, udev.ttar,
# textfile/, e2e-output.txt), end-to-end-test.sh and the ttar script.
#
# Output:
#   $HOME/go/bin/node_exporter   --version says 1.12.1 (the version is set with -ldflags as
#                                node_exporter's .promu.yml does; `go install` alone leaves it
#                                empty)
#   $(go env GOMODCACHE)/github.com/prometheus/node_exporter@v1.12.1   (read-only module source)
#
# Idempotent: the build is skipped when the binary already says 1.12.1.
set -euo pipefail

NODE_EXPORTER_VERSION=1.12.1
pkg=github.com/prometheus/node_exporter

export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"
gobin="$HOME/go/bin"
bin="$gobin/node_exporter"
mkdir -p "$gobin"

if ! command -v go >/dev/null 2>&1; then
  echo "go not found: install Go >= 1.26 (https://go.dev/dl or the golang Debian package)" >&2
  exit 1
fi

have_version() {
  [ -x "$bin" ] || return 1
  "$bin" --version 2>&1 | head -n1 | grep -q "^node_exporter, version $NODE_EXPORTER_VERSION "
}

if have_version; then
  echo "node_exporter present: $bin ($NODE_EXPORTER_VERSION)"
else
  echo "building node_exporter v$NODE_EXPORTER_VERSION from the Go module proxy"
  t0=$SECONDS
  v=github.com/prometheus/common/version
  GOBIN="$gobin" CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -p=2" go install -trimpath \
    -ldflags="-s -w -X $v.Version=$NODE_EXPORTER_VERSION -X $v.Revision=v$NODE_EXPORTER_VERSION -X $v.Branch=HEAD -X $v.BuildUser=hostprobe-ci" \
    "$pkg@v$NODE_EXPORTER_VERSION"
  echo "node_exporter $NODE_EXPORTER_VERSION built in $((SECONDS - t0)) s"
  have_version || { echo "$bin --version does not say $NODE_EXPORTER_VERSION:" >&2; "$bin" --version >&2; exit 1; }
fi
"$bin" --version 2>&1 | head -n1

# The module source (the fixture e2e test reads collector/fixtures and end-to-end-test.sh
# from it, locating it with the same command).
dir=$(go mod download -json "$pkg@v$NODE_EXPORTER_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
for f in end-to-end-test.sh ttar collector/fixtures/e2e-output.txt collector/fixtures/sys.ttar collector/fixtures/udev.ttar collector/fixtures/proc; do
  [ -e "$dir/$f" ] || { echo "node_exporter module source incomplete: $dir/$f missing" >&2; exit 1; }
done
echo "node_exporter module source: $dir"

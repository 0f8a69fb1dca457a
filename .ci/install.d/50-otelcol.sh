#!/usr/bin/env bash
# An OpenTelemetry Collector for the OTLP tests (test/unit/sinks/otlp/), built from the Go module
# proxy with the collector's own builder (ocb): the OTLP receiver plus the file and
# debug exporters. Output: $HOSTPROBE_OTELCOL (default
# $HOME/.cache/hostprobe/otelcol/otelcol-hostprobe). Idempotent: skipped when the binary
# exists and was built from this exact manifest (its sha256 is stored next to it).
#
# Versions: collector core modules v0.N go with the stable confmap modules v1.(N-94);
# everything is on one release line. v0.161.0 is the newest line whose fileexporter
# resolves through the proxy: from v0.162.0 on, its test dependency
# extension/encoding/otlpencodingextension is not served ("403 This module version is
# not available"), and `go mod tidy` needs it.
set -euo pipefail

OCB_VERSION=v0.161.0
CORE_VERSION=v0.161.0
CONFMAP_VERSION=v1.67.0
CONTRIB_VERSION=v0.161.0

out_dir="${HOSTPROBE_OTELCOL_DIR:-$HOME/.cache/hostprobe/otelcol}"
bin="$out_dir/otelcol-hostprobe"
export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"

if ! command -v go >/dev/null 2>&1; then
  echo "go not found: install Go >= 1.26 (https://go.dev/dl or the golang Debian package)" >&2
  exit 1
fi

manifest=$(cat <<YAML
dist:
  name: otelcol-hostprobe
  description: OpenTelemetry Collector for hostprobe's OTLP tests
  version: ${CORE_VERSION#v}-hostprobe
  output_path: $out_dir/src
receivers:
  - gomod: go.opentelemetry.io/collector/receiver/otlpreceiver $CORE_VERSION
exporters:
  - gomod: go.opentelemetry.io/collector/exporter/debugexporter $CORE_VERSION
  - gomod: github.com/open-telemetry/opentelemetry-collector-contrib/exporter/fileexporter $CONTRIB_VERSION
providers:
  - gomod: go.opentelemetry.io/collector/confmap/provider/envprovider $CONFMAP_VERSION
  - gomod: go.opentelemetry.io/collector/confmap/provider/fileprovider $CONFMAP_VERSION
  - gomod: go.opentelemetry.io/collector/confmap/provider/yamlprovider $CONFMAP_VERSION
YAML
)
want=$(printf '%s\nocb %s\n%s\n' "$manifest" "$OCB_VERSION" "$(go env GOVERSION)" | sha256sum | cut -d' ' -f1)

if [ -x "$bin" ] && [ "$(cat "$bin.sha256" 2>/dev/null)" = "$want" ] && "$bin" components >/dev/null 2>&1; then
  echo "otelcol present: $bin ($("$bin" --version))"
  exit 0
fi

mkdir -p "$out_dir"
printf '%s\n' "$manifest" >"$out_dir/builder-config.yaml"

ocb="$out_dir/ocb-$OCB_VERSION"
if [ ! -x "$ocb" ]; then
  echo "installing the collector builder $OCB_VERSION from the Go module proxy"
  tmp_gobin=$(mktemp -d)
  GOBIN="$tmp_gobin" go install "go.opentelemetry.io/collector/cmd/builder@$OCB_VERSION"
  mv "$tmp_gobin/builder" "$ocb"
  rmdir "$tmp_gobin"
fi

echo "building otelcol-hostprobe (OTLP receiver; file and debug exporters); this takes a few minutes"
rm -rf "$out_dir/src"
# -j2: the CI machine has two cores; -trimpath/-s -w keep the binary small.
GOFLAGS="${GOFLAGS:-} -p=2" "$ocb" --config "$out_dir/builder-config.yaml" --ldflags='-s -w'
mv "$out_dir/src/otelcol-hostprobe" "$bin.tmp"
mv "$bin.tmp" "$bin"
echo "$want" >"$bin.sha256"
rm -rf "$out_dir/src"
"$bin" --version
"$bin" components | grep -E -- '- name: (otlp|file|debug)$'

#!/usr/bin/env bash
# Debian packages the agent's tests (test/unit, test/e2e) and benchmarks (bench/agent) use:
#   prometheus               promtool check metrics on the exposition, and a real Prometheus
#                            that scrapes the agent (test/e2e/prometheus.test.ts)
#   prometheus-process-exporter process-exporter, compared with the process groups over the
#                            same processes (test/e2e/process-exporter.test.ts)
#   openssl                  a self-signed certificate for the TLS test (test/unit/http/server.test.ts)
#   wrk                      scrape throughput and latency (bench/agent)
# node_exporter itself is not Debian's (1.5, three years behind): 45-node-exporter.sh builds
# v1.12.1, the reference every comparison uses.
# The stuck-mount test also needs /dev/fuse, root, python3 and util-linux's unshare/nsenter
# (10-apt.sh installs python3 and util-linux).
set -euo pipefail
pkgs=(prometheus prometheus-process-exporter openssl wrk)
source "$(dirname "$0")/../apt-ensure.sh"
apt_ensure "${pkgs[@]}"
# The Debian packages start their daemons (on :9090, :9256); the tests start their own
# on free loopback ports, so the system services are not needed.
for svc in prometheus prometheus-process-exporter; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then
    systemctl stop "$svc" || true
  fi
done
for b in promtool prometheus prometheus-process-exporter wrk openssl; do command -v "$b" >/dev/null || { echo "$b missing after install" >&2; exit 1; }; done

#!/usr/bin/env bash
# rx_nohandler at 1,000 interfaces: netRxNohandler's RTM_GETLINK dump against its sysfs path
# (one statistics/rx_nohandler read per interface). Needs root; runs itself in a private
# network and mount namespace (unshare -n -m) with 1,000 bridges and a sysfs of that
# namespace, so the host's interfaces are never touched. Build first (npm run build).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${1:-}" != inside ]; then exec unshare -n -m "$0" inside; fi
mount -t sysfs sysfs /sys
fake=$(mktemp -d)
trap 'rm -rf "$fake"' EXIT
mkdir -p "$fake/1" && touch "$fake/stat"  # a procfs that is not this namespace: the sysfs path
for i in $(seq 1 1000); do echo "link add d$i type bridge"; done | ip -batch -
node --input-type=module -e "
import { netRxNohandler } from '$repo/dist/net.js';
const paths = [['RTM_GETLINK dump', { procfs: '/proc', sysfs: '/sys', rootfs: '/' }], ['sysfs reads', { procfs: '$fake', sysfs: '/sys', rootfs: '/' }]];
for (const [name, roots] of paths) {
  const n = Object.keys(netRxNohandler({ roots })).length;
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  for (let i = 0; i < 50; i++) netRxNohandler({ roots });
  const wall = (performance.now() - w0) / 50;
  const c = process.cpuUsage(c0);
  console.log(name.padEnd(18), n, 'interfaces:', wall.toFixed(2), 'ms wall,', ((c.user + c.system) / 1000 / 50).toFixed(2), 'ms CPU per call');
}
"

/**
 * nic collector (sysfs /sys/class/net) → the hardware conventions' hw.network.up and
 * hw.network.bandwidth.limit. Those conventions cover physical adapters, so only
 * interfaces that report a link speed (loopback, bridges and tunnels report none or −1)
 * are sent. The hostmetrics receiver has no such metrics.
 */
import type { NicEntry } from '../../../contract/snapshot.js';
import { defineMapping, type PointAttributes } from './types.js';

function hasLink(n: NicEntry): n is NicEntry & { speedBytes: number } {
  return n.speedBytes !== undefined && n.speedBytes > 0;
}

function hwAttrs(n: NicEntry): PointAttributes {
  const a: PointAttributes = { 'hw.id': n.device, 'hw.name': n.device, 'hw.type': 'network' };
  if (n.address) a['hw.network.physical_address'] = n.address;
  return a;
}

export const nicMapping = defineMapping('nic', [
  {
    name: 'hw.network.up',
    instrument: 'updowncounter',
    unit: '1',
    valueType: 'int',
    description: 'Link status: 1 (up) or 0 (down), from operstate.',
    hostmetrics: null,
    attributes: {
      'hw.id': 'the interface',
      'hw.name': 'the interface',
      'hw.type': 'network',
      'hw.network.physical_address': 'its MAC address, when known',
    },
    points: (r, emit) => {
      for (const n of r.interfaces) {
        if (hasLink(n) && n.operstate !== undefined) emit(n.operstate === 'up' ? 1 : 0, hwAttrs(n));
      }
    },
  },
  {
    name: 'hw.network.bandwidth.limit',
    instrument: 'updowncounter',
    unit: 'By/s',
    valueType: 'int',
    description: 'Link speed.',
    hostmetrics: null,
    attributes: {
      'hw.id': 'the interface',
      'hw.name': 'the interface',
      'hw.type': 'network',
      'hw.network.physical_address': 'its MAC address, when known',
    },
    points: (r, emit) => {
      for (const n of r.interfaces) if (hasLink(n)) emit(n.speedBytes, hwAttrs(n));
    },
  },
]);

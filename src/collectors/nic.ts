/** The nic collector: /sys/class/net/<if>/* attributes (node_exporter netclass), read on the libuv pool (speed/duplex take rtnl_lock). */
import type { Collector, OptionalInput } from '../contract/collector.js';
import type { NicEntry } from '../contract/snapshot.js';
import type { NicCollectorConfig } from '../config/types.js';
import type { Logger } from '../logger.js';
import { netClassAsync } from '../net.js';
import { DeviceFilter } from './filters.js';

/** Every file this collector reads is required: missing, unreadable or malformed fails it (docs/agent.md "Failure semantics"). */
export const OPTIONAL_INPUTS: readonly OptionalInput[] = [];

export function create(config: NicCollectorConfig, _logger: Logger): Collector<'nic'> {
  const filter = new DeviceFilter(config.ignored_devices, '');
  return {
    name: 'nic',
    async collect(ctx) {
      const interfaces: NicEntry[] = [];
      for (const [device, n] of Object.entries(await netClassAsync({ roots: ctx.roots }))) {
        if (filter.ignored(device)) continue;
        const e: { -readonly [K in keyof NicEntry]: NicEntry[K] } = { device };
        const set = <K extends keyof NicEntry>(k: K, v: NicEntry[K] | null): void => {
          if (v !== null && v !== undefined) e[k] = v;
        };
        set('address', n.address);
        set('broadcast', n.broadcast);
        set('duplex', n.duplex);
        set('operstate', n.operstate);
        set('adminstate', n.adminState);
        set('ifalias', n.ifalias);
        // node_exporter: Mb/s × 125000 (bytes/s); the kernel's unknown (-1) becomes -125000.
        set('speedBytes', n.speed === null ? null : n.speed * 125000);
        set('mtu', n.mtu);
        set('txQueueLength', n.txQueueLen);
        set('carrier', n.carrier);
        set('carrierChanges', n.carrierChanges);
        set('carrierUpChanges', n.carrierUpCount);
        set('carrierDownChanges', n.carrierDownCount);
        set('dormant', n.dormant);
        set('flags', n.flags);
        set('ifindex', n.ifindex);
        set('iflink', n.iflink);
        set('linkMode', n.linkMode);
        set('protocolType', n.type);
        set('addrAssignType', n.addrAssignType);
        set('nameAssignType', n.nameAssignType);
        set('netDevGroup', n.netdevGroup);
        set('devId', n.devId);
        interfaces.push(e);
      }
      return { interfaces };
    },
  };
}

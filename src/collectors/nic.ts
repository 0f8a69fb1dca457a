/**
 * The nic collector: /sys/class/net/<if>/* attributes (node_exporter netclass), read on the
 * libuv pool (speed/duplex take rtnl_lock), and the bonding part (node_exporter bonding:
 * bonding_masters, each master's slaves and their MII status).
 */
import type { Collector, OptionalInput } from '../contract/collector.js';
import { runParts } from '../contract/collector.js';
import type { NicEntry } from '../contract/snapshot.js';
import type { NicCollectorConfig } from '../config/types.js';
import type { Logger } from '../logger.js';
import { bondingAsync, netClassAsync } from '../net.js';
import { DeviceFilter } from './filters.js';

/**
 * Inputs this collector may lack (docs/agent.md "Failure semantics"); every other file is
 * required: missing, unreadable or malformed fails the collector (netclass) or its part.
 * node_exporter's bonding returns "no data" when bonding_masters does not exist.
 */
export const OPTIONAL_INPUTS: readonly OptionalInput[] = [
  {
    part: 'bonding',
    paths: ['<sysfs>/class/net/bonding_masters'],
    why: 'the bonding driver is not loaded (no bonded interfaces): no node_bonding_* series',
  },
];

export function create(config: NicCollectorConfig, _logger: Logger): Collector<'nic'> {
  const filter = new DeviceFilter(config.ignored_devices, '');
  return {
    name: 'nic',
    async collect(ctx) {
      const parts = runParts(
        ctx,
        { bonding: config.bonding.enabled ? async () => bondingAsync({ roots: ctx.roots }) : undefined },
        OPTIONAL_INPUTS,
      );
      const interfaces: NicEntry[] = [];
      const classes = config.netclass.enabled ? await netClassAsync({ roots: ctx.roots }) : {};
      for (const [device, n] of Object.entries(classes)) {
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
      const { bonding } = await parts;
      return bonding === undefined ? { interfaces } : { interfaces, bonding };
    },
  };
}

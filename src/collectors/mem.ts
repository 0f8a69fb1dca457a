/**
 * The mem collector: every /proc/meminfo field (node_exporter meminfo), the psutil summaries,
 * and /proc/vmstat, from one read of each file.
 */
import type { Collector, OptionalInput } from '../contract/collector.js';
import { runParts } from '../contract/collector.js';
import type { MeminfoField, MemReading } from '../contract/snapshot.js';
import type { MemCollectorConfig } from '../config/types.js';
import type { Logger } from '../logger.js';
import { meminfo, memoryReadings, swapMemory, virtualMemory, vmstat, type MemoryReadings } from '../memory.js';

/** Fields the kernel prints without a unit: page counts, not kB. */
const COUNT_FIELD = /^HugePages_/;

/** Every file this collector reads is required: missing, unreadable or malformed fails it (docs/agent.md "Failure semantics"). */
export const OPTIONAL_INPUTS: readonly OptionalInput[] = [];

export function create(config: MemCollectorConfig, _logger: Logger): Collector<'mem'> {
  return {
    name: 'mem',
    async collect(ctx) {
      const o = { roots: ctx.roots };
      // One read of meminfo and vmstat for all four parts; when that fails (a malformed
      // file), the parts are read apart so that one broken file does not hide the other.
      let all: MemoryReadings | undefined;
      try {
        all = memoryReadings(o);
      } catch {
        all = undefined;
      }
      const parts = await runParts(ctx, {
        meminfo: config.meminfo.enabled ? async () => all?.meminfo ?? meminfo(o) : undefined,
        virtual: async () => all?.virtual ?? virtualMemory(o),
        swap: async () => all?.swap ?? swapMemory(o),
        // vmstat is required: when the combined read found none, the direct read says why.
        vmstat: config.vmstat.enabled ? async () => all?.vmstat ?? vmstat(o) : undefined,
      });
      const reading: { -readonly [K in keyof MemReading]: MemReading[K] } = {};
      const raw = parts.meminfo;
      if (raw) {
        reading.meminfo = Object.entries(raw).map(([name, value]): MeminfoField => ({
          name,
          value,
          unit: COUNT_FIELD.test(name) ? 'count' : 'bytes',
        }));
      }
      if (parts.virtual) {
        const v = parts.virtual;
        reading.virtual = {
          total: v.total,
          available: v.available,
          used: v.used,
          free: v.free,
          active: v.active,
          inactive: v.inactive,
          buffers: v.buffers,
          cached: v.cached,
          shared: v.shared,
          slab: v.slab,
          ...(raw?.SReclaimable !== undefined ? { slabReclaimable: raw.SReclaimable } : {}),
          ...(raw?.SUnreclaim !== undefined ? { slabUnreclaimable: raw.SUnreclaim } : {}),
        };
      }
      if (parts.swap) {
        const s = parts.swap;
        reading.swap = { total: s.total, used: s.used, free: s.free, sin: s.sin, sout: s.sout };
      }
      if (parts.vmstat) reading.vmstat = parts.vmstat;
      return reading;
    },
  };
}

/** The mem collector: every /proc/meminfo field (node_exporter meminfo), the psutil summaries, and /proc/vmstat. */
import type { Collector } from '../agent/collector.js';
import { runParts } from '../agent/collector.js';
import type { MeminfoField, MemReading } from '../agent/snapshot.js';
import type { MemCollectorConfig } from '../config/types.js';
import type { Logger } from '../logger.js';
import { meminfo, swapMemory, virtualMemory, vmstat } from '../memory.js';

/** Fields the kernel prints without a unit: page counts, not kB. */
const COUNT_FIELD = /^HugePages_/;

export function create(config: MemCollectorConfig, _logger: Logger): Collector<'mem'> {
  return {
    name: 'mem',
    async collect(ctx) {
      const o = { roots: ctx.roots };
      const parts = await runParts(ctx, {
        meminfo: config.meminfo.enabled
          ? async (): Promise<{ fields: MeminfoField[]; raw: Record<string, number> }> => {
              const raw = meminfo(o);
              const fields = Object.entries(raw).map(([name, value]) => ({
                name,
                value,
                unit: COUNT_FIELD.test(name) ? ('count' as const) : ('bytes' as const),
              }));
              return { fields, raw };
            }
          : undefined,
        virtual: async () => virtualMemory(o),
        swap: async () => swapMemory(o),
        vmstat: config.vmstat.enabled ? async () => vmstat(o) : undefined,
      });
      const reading: { -readonly [K in keyof MemReading]: MemReading[K] } = {};
      if (parts.meminfo) reading.meminfo = parts.meminfo.fields;
      if (parts.virtual) {
        const v = parts.virtual;
        const raw = parts.meminfo?.raw;
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

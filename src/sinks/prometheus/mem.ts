/** mem → node_memory_* (every /proc/meminfo field) and node_vmstat_*. */
import type { MemReading } from '../../agent/snapshot.js';
import { meminfoDef, vmstatDef } from './catalog.js';
import type { Exposition } from './exposition.js';
import type { PromRenderOptions } from './options.js';

export function renderMem(r: MemReading, x: Exposition, o: PromRenderOptions): void {
  for (const f of r.meminfo ?? []) x.add(meminfoDef(f.name, f.unit === 'bytes'), f.value);
  if (r.vmstat) {
    for (const [k, v] of Object.entries(r.vmstat)) if (o.vmstatFields.test(k)) x.add(vmstatDef(k), v);
  }
}

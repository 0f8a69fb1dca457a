/** mem → node_memory_* (every /proc/meminfo field) and node_vmstat_*. */
import type { MemReading } from '../../contract/snapshot.js';
import { meminfoDef, vmstatDef } from './catalog.js';
import type { Exposition } from './exposition.js';
import { fieldKept, type PromRenderOptions } from './options.js';

export function renderMem(r: MemReading, x: Exposition, o: PromRenderOptions): void {
  for (const f of r.meminfo ?? []) x.add(meminfoDef(f.name, f.unit === 'bytes'), f.value);
  if (r.vmstat) {
    for (const k in r.vmstat) if (fieldKept(o.vmstatFields, k)) x.add(vmstatDef(k), r.vmstat[k] as number);
  }
}

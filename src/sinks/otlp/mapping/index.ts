/** Every collector's OTLP mapping, in the order metrics are sent. */
import { cpuMapping } from './cpu.js';
import { diskMapping } from './disk.js';
import { hardwareMapping } from './hardware.js';
import { hostMapping } from './host.js';
import { memMapping } from './mem.js';
import { netMapping } from './net.js';
import { nicMapping } from './nic.js';
import { processMapping } from './process.js';
import type { CollectorMapping } from './types.js';

export { HOSTMETRICS_ATTRIBUTE_KEYS } from './types.js';
export type { CollectorMapping, OtlpMetricDef, Naming, Instrument, PointAttributes, StartPolicy } from './types.js';

export const MAPPINGS: readonly CollectorMapping[] = [
  cpuMapping,
  memMapping,
  diskMapping,
  netMapping,
  nicMapping,
  hostMapping,
  hardwareMapping,
  processMapping,
] as readonly CollectorMapping[];

/**
 * host collector → system.uptime. (uname, os-release and machine-id feed the Resource,
 * see ../resource.ts, not metrics.)
 */
import { defineMapping } from './types.js';

export const hostMapping = defineMapping('host', [
  {
    name: 'system.uptime',
    instrument: 'gauge',
    unit: 's',
    valueType: 'double',
    description: 'The time the system has been running.',
    attributes: {},
    points: (r, emit) => {
      if (r.uptimeSeconds !== undefined) emit(r.uptimeSeconds);
    },
  },
]);

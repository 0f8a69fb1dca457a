/**
 * disk collector → system.disk.* (diskstats) and system.filesystem.* (statfs of each mount).
 *
 * Filesystem states follow statfs the way df and the hostmetrics receiver split it:
 * used = size − free (bfree), free = available to unprivileged users (bavail),
 * reserved = bfree − bavail (root's reserve); the three sum to system.filesystem.limit
 * (= size), as the conventions require. utilization = used / limit. Mounts whose statfs
 * failed or is stuck carry no sizes and produce no points.
 */
import type { FilesystemEntry } from '../../../contract/snapshot.js';
import { defineMapping, type PointAttributes } from './types.js';

function fsAttrs(f: FilesystemEntry): PointAttributes {
  return {
    'system.device': f.device,
    'system.filesystem.mountpoint': f.mountpoint,
    'system.filesystem.type': f.fstype,
    'system.filesystem.mode': f.readonly ? 'ro' : 'rw',
  };
}

interface FsSizes {
  size: number;
  used: number;
  free: number;
  reserved: number;
}

function sizes(f: FilesystemEntry): FsSizes | undefined {
  if (f.deviceError || f.sizeBytes === undefined || f.freeBytes === undefined || f.availBytes === undefined) return undefined;
  return {
    size: f.sizeBytes,
    used: Math.max(0, f.sizeBytes - f.freeBytes),
    free: f.availBytes,
    reserved: Math.max(0, f.freeBytes - f.availBytes),
  };
}

export const diskMapping = defineMapping('disk', [
  {
    name: 'system.disk.io',
    instrument: 'counter',
    unit: 'By',
    valueType: 'int',
    description: 'Disk bytes transferred.',
    start: 'boot',
    attributes: { 'system.device': '', 'disk.io.direction': 'read, write' },
    points: (r, emit) => {
      for (const d of r.io ?? []) {
        emit(d.readBytes, { 'system.device': d.device, 'disk.io.direction': 'read' });
        emit(d.writtenBytes, { 'system.device': d.device, 'disk.io.direction': 'write' });
      }
    },
  },
  {
    name: 'system.disk.operations',
    instrument: 'counter',
    unit: '{operation}',
    valueType: 'int',
    description: 'Disk operations completed.',
    start: 'boot',
    hostmetrics: { unit: '{operations}' },
    attributes: { 'system.device': '', 'disk.io.direction': 'read, write' },
    points: (r, emit) => {
      for (const d of r.io ?? []) {
        emit(d.readsCompleted, { 'system.device': d.device, 'disk.io.direction': 'read' });
        emit(d.writesCompleted, { 'system.device': d.device, 'disk.io.direction': 'write' });
      }
    },
  },
  {
    name: 'system.disk.io_time',
    instrument: 'counter',
    unit: 's',
    valueType: 'double',
    description: 'Time disk spent activated (diskstats field 13).',
    start: 'boot',
    attributes: { 'system.device': '' },
    points: (r, emit) => {
      for (const d of r.io ?? []) emit(d.ioTimeSeconds, { 'system.device': d.device });
    },
  },
  {
    name: 'system.disk.operation_time',
    instrument: 'counter',
    unit: 's',
    valueType: 'double',
    description: 'Sum of the time each operation took to complete (diskstats fields 7 and 11).',
    start: 'boot',
    attributes: { 'system.device': '', 'disk.io.direction': 'read, write' },
    points: (r, emit) => {
      for (const d of r.io ?? []) {
        emit(d.readTimeSeconds, { 'system.device': d.device, 'disk.io.direction': 'read' });
        emit(d.writeTimeSeconds, { 'system.device': d.device, 'disk.io.direction': 'write' });
      }
    },
  },
  {
    name: 'system.disk.merged',
    instrument: 'counter',
    unit: '{operation}',
    valueType: 'int',
    description: 'Adjacent disk operations merged by the kernel.',
    start: 'boot',
    hostmetrics: { unit: '{operations}' },
    attributes: { 'system.device': '', 'disk.io.direction': 'read, write' },
    points: (r, emit) => {
      for (const d of r.io ?? []) {
        emit(d.readsMerged, { 'system.device': d.device, 'disk.io.direction': 'read' });
        emit(d.writesMerged, { 'system.device': d.device, 'disk.io.direction': 'write' });
      }
    },
  },
  {
    name: 'system.disk.weighted_io_time',
    instrument: 'counter',
    unit: 's',
    valueType: 'double',
    description: 'Time disk spent activated multiplied by the queue length (diskstats field 14).',
    start: 'boot',
    hostmetricsOnly: true,
    attributes: { 'system.device': '' },
    points: (r, emit) => {
      for (const d of r.io ?? []) emit(d.ioTimeWeightedSeconds, { 'system.device': d.device });
    },
  },
  {
    name: 'system.disk.pending_operations',
    instrument: 'updowncounter',
    unit: '{operations}',
    valueType: 'int',
    description: 'The queue size of pending I/O operations.',
    hostmetricsOnly: true,
    attributes: { 'system.device': '' },
    points: (r, emit) => {
      for (const d of r.io ?? []) emit(d.ioInProgress, { 'system.device': d.device });
    },
  },
  {
    name: 'system.filesystem.usage',
    instrument: 'updowncounter',
    unit: 'By',
    valueType: 'int',
    description: 'Filesystem bytes used, free (for unprivileged users) and reserved (for root).',
    attributes: {
      'system.device': '',
      'system.filesystem.mountpoint': '',
      'system.filesystem.type': '',
      'system.filesystem.mode': 'rw, ro',
      'system.filesystem.state': 'used, free = available to users, reserved',
    },
    points: (r, emit) => {
      for (const f of r.filesystems ?? []) {
        const s = sizes(f);
        if (!s) continue;
        const a = fsAttrs(f);
        emit(s.used, { ...a, 'system.filesystem.state': 'used' });
        emit(s.free, { ...a, 'system.filesystem.state': 'free' });
        emit(s.reserved, { ...a, 'system.filesystem.state': 'reserved' });
      }
    },
  },
  {
    name: 'system.filesystem.utilization',
    instrument: 'gauge',
    unit: '1',
    valueType: 'double',
    description: 'Fraction of the filesystem used (used / limit).',
    attributes: {
      'system.device': '',
      'system.filesystem.mountpoint': '',
      'system.filesystem.type': '',
      'system.filesystem.mode': 'rw, ro',
    },
    points: (r, emit) => {
      for (const f of r.filesystems ?? []) {
        const s = sizes(f);
        if (!s || s.size === 0) continue;
        emit(s.used / s.size, fsAttrs(f));
      }
    },
  },
  {
    name: 'system.filesystem.limit',
    instrument: 'updowncounter',
    unit: 'By',
    valueType: 'int',
    description: 'The total storage capacity of the filesystem.',
    hostmetrics: null,
    attributes: {
      'system.device': '',
      'system.filesystem.mountpoint': '',
      'system.filesystem.type': '',
      'system.filesystem.mode': 'rw, ro',
    },
    points: (r, emit) => {
      for (const f of r.filesystems ?? []) {
        const s = sizes(f);
        if (s) emit(s.size, fsAttrs(f));
      }
    },
  },
  {
    name: 'system.filesystem.inodes.usage',
    instrument: 'updowncounter',
    unit: '{inode}',
    valueType: 'int',
    description: 'Filesystem inodes used and free (not in the conventions; the hostmetrics receiver name).',
    hostmetrics: { unit: '{inodes}' },
    attributes: {
      'system.device': '',
      'system.filesystem.mountpoint': '',
      'system.filesystem.type': '',
      'system.filesystem.mode': 'rw, ro',
      'system.filesystem.state': 'used, free',
    },
    points: (r, emit) => {
      for (const f of r.filesystems ?? []) {
        if (f.deviceError || f.files === undefined || f.filesFree === undefined) continue;
        const a = fsAttrs(f);
        emit(Math.max(0, f.files - f.filesFree), { ...a, 'system.filesystem.state': 'used' });
        emit(f.filesFree, { ...a, 'system.filesystem.state': 'free' });
      }
    },
  },
]);

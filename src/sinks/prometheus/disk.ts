/** disk → node_filesystem_* and node_disk_*. */
import type { DiskReading } from '../../contract/snapshot.js';
import { CATALOG as C } from './catalog.js';
import type { Exposition } from './exposition.js';

export function renderDisk(r: DiskReading, x: Exposition): void {
  for (const f of r.filesystems ?? []) {
    const deviceError = f.deviceError ? (f.stuck ? 'mountpoint timeout' : (f.error ?? 'error')) : '';
    const labels = { device: f.device, device_error: deviceError, fstype: f.fstype, mountpoint: f.mountpoint };
    x.add(C.fsDeviceError, f.deviceError ? 1 : 0, labels);
    x.add(C.fsReadonly, f.readonly ? 1 : 0, labels);
    x.add(C.fsMountInfo, 1, { device: f.device, major: f.major, minor: f.minor, mountpoint: f.mountpoint });
    if (f.deviceError) continue;
    if (f.sizeBytes !== undefined) x.add(C.fsSize, f.sizeBytes, labels);
    if (f.freeBytes !== undefined) x.add(C.fsFree, f.freeBytes, labels);
    if (f.availBytes !== undefined) x.add(C.fsAvail, f.availBytes, labels);
    if (f.files !== undefined) x.add(C.fsFiles, f.files, labels);
    if (f.filesFree !== undefined) x.add(C.fsFilesFree, f.filesFree, labels);
    // node_exporter 1.12 serves this macOS value on Linux too, always 0, for each statfs'd filesystem.
    if (f.sizeBytes !== undefined) x.add(C.fsPurgeable, 0, labels);
  }
  renderMd(r, x);
  for (const d of r.io ?? []) {
    const l = { device: d.device };
    x.add(C.diskReads, d.readsCompleted, l);
    x.add(C.diskReadsMerged, d.readsMerged, l);
    x.add(C.diskReadBytes, d.readBytes, l);
    x.add(C.diskReadTime, d.readTimeSeconds, l);
    x.add(C.diskWrites, d.writesCompleted, l);
    x.add(C.diskWritesMerged, d.writesMerged, l);
    x.add(C.diskWrittenBytes, d.writtenBytes, l);
    x.add(C.diskWriteTime, d.writeTimeSeconds, l);
    x.add(C.diskIoNow, d.ioInProgress, l);
    x.add(C.diskIoTime, d.ioTimeSeconds, l);
    x.add(C.diskIoTimeWeighted, d.ioTimeWeightedSeconds, l);
    if (d.discardsCompleted !== undefined) x.add(C.diskDiscards, d.discardsCompleted, l);
    if (d.discardsMerged !== undefined) x.add(C.diskDiscardsMerged, d.discardsMerged, l);
    if (d.discardedSectors !== undefined) x.add(C.diskDiscardedSectors, d.discardedSectors, l);
    if (d.discardTimeSeconds !== undefined) x.add(C.diskDiscardTime, d.discardTimeSeconds, l);
    if (d.flushRequests !== undefined) x.add(C.diskFlushes, d.flushRequests, l);
    if (d.flushTimeSeconds !== undefined) x.add(C.diskFlushTime, d.flushTimeSeconds, l);
  }
  for (const i of r.info ?? []) {
    x.add(C.diskInfo, 1, {
      device: i.device,
      major: i.major,
      minor: i.minor,
      path: i.path ?? '',
      wwn: i.wwn ?? '',
      model: i.model ?? '',
      serial: i.serial ?? '',
      revision: i.revision ?? '',
      rotational: i.rotational ?? '',
    });
    const l = { device: i.device };
    const f = i.filesystem;
    if (f) x.add(C.diskFilesystemInfo, 1, { device: i.device, type: f.type, usage: f.usage, uuid: f.uuid, version: f.version });
    const dm = i.deviceMapper;
    if (dm) {
      x.add(C.diskDeviceMapperInfo, 1, {
        device: i.device,
        name: dm.name,
        uuid: dm.uuid,
        vg_name: dm.vgName,
        lv_name: dm.lvName,
        lv_layer: dm.lvLayer,
      });
      for (const b of dm.backingDevices) x.add(C.diskDeviceMapperBacking, 1, { device: i.device, backing_device: b });
    }
    if (i.ata?.writeCache !== undefined) x.add(C.diskAtaWriteCache, i.ata.writeCache, l);
    if (i.ata?.writeCacheEnabled !== undefined) x.add(C.diskAtaWriteCacheEnabled, i.ata.writeCacheEnabled, l);
    if (i.ata?.rotationRateRpm !== undefined) x.add(C.diskAtaRotationRate, i.ata.rotationRateRpm, l);
  }
}

/** node_exporter's md states: each device has all five, 1 for its own (resyncing is "resync", checking "check"). */
const MD_STATES: readonly (readonly [label: string, state: string])[] = [
  ['active', 'active'],
  ['inactive', 'inactive'],
  ['recovering', 'recovering'],
  ['resync', 'resyncing'],
  ['check', 'checking'],
];

function renderMd(r: DiskReading, x: Exposition): void {
  if (!r.md) return;
  for (const s of r.md.stats) {
    const l = { device: s.device };
    x.add(C.mdDisksRequired, s.disksRequired, l);
    x.add(C.mdDisks, s.disksActive, { device: s.device, state: 'active' });
    x.add(C.mdDisks, s.disksFailed, { device: s.device, state: 'failed' });
    x.add(C.mdDisks, s.disksSpare, { device: s.device, state: 'spare' });
    for (const [label, state] of MD_STATES) x.add(C.mdState, s.activityState === state ? 1 : 0, { device: s.device, state: label });
    x.add(C.mdBlocks, s.blocks, l);
    x.add(C.mdBlocksSynced, s.blocksSynced, l);
  }
  for (const a of r.md.raids) {
    if (a.raidDisks !== undefined) x.add(C.mdRaidDisks, a.raidDisks, { device: a.device });
    x.add(C.mdDegraded, a.degraded, { device: a.device });
  }
}

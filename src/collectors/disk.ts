/**
 * The disk collector: mounted filesystems with statfs (node_exporter filesystem) and block
 * device counters (diskstats) with each device's static facts (sysfs rotational and slaves,
 * udev's model, serial, wwn, file system, device-mapper and ATA properties).
 *
 * statfs runs through the library's async diskUsage, on its own native thread with the
 * mount timeout: a mount whose statfs does not return in time is marked stuck and, until
 * that call returns, reported with device_error 1 and skipped without a new statfs, so a
 * dead NFS server or a hung FUSE daemon never stalls a poll (node_exporter's stuck-mount set).
 */
import type { Collector, OptionalInput } from '../contract/collector.js';
import { errorLine, runParts } from '../contract/collector.js';
import type { DiskInfoEntry, DiskIoEntry, DiskReading, FilesystemEntry, MdReading } from '../contract/snapshot.js';
import type { DiskCollectorConfig } from '../config/types.js';
import {
  DiskUsageTimeout,
  blockDeviceInfo,
  defaultUdevDataPath,
  diskIoCounters,
  diskPartitions,
  diskUsage,
  type BlockDeviceInfo,
} from '../disk.js';
import type { Logger } from '../logger.js';
import { mdRaids, mdStat } from '../mdstat.js';
import { DeviceFilter, mapLimit } from './filters.js';

/**
 * The device_error label for a failed statfs: the OS's reason without the path, lower-case
 * as Go prints errno strings ("no such file or directory"), like node_exporter's label.
 */
export function statfsError(e: unknown): string {
  const line = errorLine(e).replace(/^cannot statvfs .*?: (?=[^:]+$)/, '');
  return line.charAt(0).toLowerCase() + line.slice(1);
}

/** A udev numeric property as node_exporter parses it (strconv.ParseFloat), else undefined. */
function udevNumber(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** node_disk_info and the udev families of one device, as node_exporter's diskstats builds them. */
function diskInfoEntry(device: string, major: number, minor: number, b: BlockDeviceInfo): DiskInfoEntry {
  const u = b.udev ?? {};
  const e: { -readonly [K in keyof DiskInfoEntry]: DiskInfoEntry[K] } = {
    device,
    major: String(major),
    minor: String(minor),
    // node_exporter prints the queue's flag, 0 when the device has no queue.
    rotational: b.rotational ?? '0',
  };
  const set = (k: 'model' | 'wwn' | 'revision' | 'path', v: string | undefined): void => {
    if (v) e[k] = v;
  };
  set('model', u['ID_MODEL']);
  set('wwn', u['ID_WWN']);
  set('revision', u['ID_REVISION']);
  set('path', u['ID_PATH']);
  // The serial printed on the label first, then the short form, then virtio's ID_SERIAL.
  const serial = u['SCSI_IDENT_SERIAL'] || u['ID_SERIAL_SHORT'] || u['ID_SERIAL'];
  if (serial) e.serial = serial;
  if (u['ID_FS_TYPE']) {
    e.filesystem = { type: u['ID_FS_TYPE'], usage: u['ID_FS_USAGE'] ?? '', uuid: u['ID_FS_UUID'] ?? '', version: u['ID_FS_VERSION'] ?? '' };
  }
  if (u['DM_NAME']) {
    e.deviceMapper = {
      name: u['DM_NAME'],
      uuid: u['DM_UUID'] ?? '',
      vgName: u['DM_VG_NAME'] ?? '',
      lvName: u['DM_LV_NAME'] ?? '',
      lvLayer: u['DM_LV_LAYER'] ?? '',
      backingDevices: b.slaves,
    };
  }
  if (u['ID_ATA']) {
    const ata: { writeCache?: number; writeCacheEnabled?: number; rotationRateRpm?: number } = {};
    const wc = udevNumber(u['ID_ATA_WRITE_CACHE']);
    const wce = udevNumber(u['ID_ATA_WRITE_CACHE_ENABLED']);
    const rpm = udevNumber(u['ID_ATA_ROTATION_RATE_RPM']);
    if (wc !== undefined) ata.writeCache = wc;
    if (wce !== undefined) ata.writeCacheEnabled = wce;
    if (rpm !== undefined) ata.rotationRateRpm = rpm;
    e.ata = ata;
  }
  return e;
}

/** Concurrent statfs calls (node_exporter's --collector.filesystem.stat-workers is 4). */
const STAT_WORKERS = 8;

/** Inputs this collector may lack (the native reads skip them); mountinfo, diskstats and
 * statfs results are required (docs/agent.md "Failure semantics"). */
export const OPTIONAL_INPUTS: readonly OptionalInput[] = [
  {
    part: 'io',
    paths: ['<rootfs>/run/udev/data/b*:*', '<sysfs>/block/*/queue/rotational', '<sysfs>/block/*/slaves'],
    why: 'udev data (no udev in the image, or --collector.diskstats.udev-data-path unset), the queue flags and slaves of devices without them: fewer labels on node_disk_info, no udev families',
  },
  {
    part: 'mdadm',
    paths: ['<procfs>/mdstat'],
    why: 'no md driver loaded: no node_md_* families (node_exporter returns no data too)',
  },
];

/** node_exporter's mdadm: /proc/mdstat, then the arrays of sysfs (required once mdstat exists). */
export function readMd(roots: Parameters<typeof mdStat>[0]): MdReading {
  const stats = mdStat(roots).map((m) => ({
    device: m.name,
    activityState: m.activityState,
    disksActive: m.disksActive,
    disksFailed: m.disksFailed,
    disksSpare: m.disksSpare,
    disksRequired: m.disksTotal,
    blocks: m.blocksTotal,
    blocksSynced: m.blocksSynced,
  }));
  const raids = mdRaids(roots).map((r) => ({
    device: r.device,
    degraded: r.degradedDisks,
    ...(r.disks === null ? {} : { raidDisks: r.disks }),
  }));
  return { stats, raids };
}

export function create(config: DiskCollectorConfig, logger: Logger): Collector<'disk'> {
  const fs = config.filesystem;
  const mountFilter = new DeviceFilter(fs.mount_points_exclude, fs.mount_points_include);
  const typeFilter = new DeviceFilter(fs.fs_types_exclude, fs.fs_types_include);
  const devFilter = new DeviceFilter(config.diskstats.device_exclude, config.diskstats.device_include);
  const timeoutMs = Math.max(1, Math.round(fs.mount_timeout * 1000));
  const udevDir = config.diskstats.udev_data_path === '' ? undefined : config.diskstats.udev_data_path;
  return {
    name: 'disk',
    async collect(ctx) {
      const o = { roots: ctx.roots };
      const parts = await runParts(
        ctx,
        {
          filesystems: fs.enabled
            ? async (): Promise<FilesystemEntry[]> => {
                // One series per (device, mountpoint, fstype): the last mount on a path is the visible one.
                const byKey = new Map<string, ReturnType<typeof diskPartitions>[number]>();
                for (const p of diskPartitions({ ...o, all: true })) {
                  if (mountFilter.ignored(p.mountpoint) || typeFilter.ignored(p.fstype)) continue;
                  byKey.set(`${p.device}\0${p.mountpoint}\0${p.fstype}`, p);
                }
                const unique = [...byKey.values()];
                return mapLimit(unique, STAT_WORKERS, async (p): Promise<FilesystemEntry> => {
                  const base = {
                    device: p.device === '' ? 'none' : p.device,
                    mountpoint: p.mountpoint,
                    fstype: p.fstype,
                    major: String(p.major),
                    minor: String(p.minor),
                    readonly: p.readonly,
                    options: p.opts,
                  };
                  if (ctx.signal.aborted) return { ...base, deviceError: true, error: 'collector deadline passed' };
                  try {
                    const u = await diskUsage(p.mountpoint, { ...o, timeoutMs });
                    return {
                      ...base,
                      deviceError: false,
                      sizeBytes: u.total,
                      freeBytes: u.freeBytes,
                      availBytes: u.availBytes,
                      files: u.files,
                      filesFree: u.filesFree,
                    };
                  } catch (e) {
                    if (e instanceof DiskUsageTimeout) {
                      if (!e.alreadyStuck)
                        logger.warn('mount point timed out, it is being labeled as stuck and will not be monitored', {
                          mountpoint: p.mountpoint,
                        });
                      return { ...base, deviceError: true, stuck: true, error: 'mountpoint timeout' };
                    }
                    logger.debug('error on statfs() system call', { mountpoint: p.mountpoint, err: errorLine(e) });
                    return { ...base, deviceError: true, error: statfsError(e) };
                  }
                });
              }
            : undefined,
          io: config.diskstats.enabled
            ? async (): Promise<{ io: DiskIoEntry[]; info: DiskInfoEntry[] }> => {
                const io: DiskIoEntry[] = [];
                const info: DiskInfoEntry[] = [];
                for (const [device, d] of Object.entries(diskIoCounters({ ...o, perDisk: true }))) {
                  if (devFilter.ignored(device)) continue;
                  const e: { -readonly [K in keyof DiskIoEntry]: DiskIoEntry[K] } = {
                    device,
                    major: d.major,
                    minor: d.minor,
                    readsCompleted: d.readCount,
                    readsMerged: d.readMergedCount,
                    readBytes: d.readBytes,
                    readTimeSeconds: d.readTime / 1000,
                    writesCompleted: d.writeCount,
                    writesMerged: d.writeMergedCount,
                    writtenBytes: d.writeBytes,
                    writeTimeSeconds: d.writeTime / 1000,
                    ioInProgress: d.inProgress ?? 0,
                    ioTimeSeconds: d.busyTime / 1000,
                    ioTimeWeightedSeconds: (d.weightedTime ?? 0) / 1000,
                  };
                  if (d.discardCount !== null) e.discardsCompleted = d.discardCount;
                  if (d.discardMergedCount !== null) e.discardsMerged = d.discardMergedCount;
                  if (d.discardSectors !== null) e.discardedSectors = d.discardSectors;
                  if (d.discardTime !== null) e.discardTimeSeconds = d.discardTime / 1000;
                  if (d.flushCount !== null) e.flushRequests = d.flushCount;
                  if (d.flushTime !== null) e.flushTimeSeconds = d.flushTime / 1000;
                  io.push(e);
                  const facts = blockDeviceInfo(
                    { name: device, major: d.major, minor: d.minor },
                    { ...o, udevDataPath: udevDir ?? defaultUdevDataPath(ctx.roots.rootfs) },
                  );
                  info.push(diskInfoEntry(device, d.major, d.minor, facts));
                }
                return { io, info };
              }
            : undefined,
          mdadm: config.mdadm.enabled ? async (): Promise<MdReading> => readMd(o) : undefined,
        },
        OPTIONAL_INPUTS,
      );
      const reading: { -readonly [K in keyof DiskReading]: DiskReading[K] } = {};
      if (parts.filesystems) reading.filesystems = parts.filesystems;
      if (parts.io) {
        reading.io = parts.io.io;
        reading.info = parts.io.info;
      }
      if (parts.mdadm) reading.md = parts.mdadm;
      return reading;
    },
  };
}

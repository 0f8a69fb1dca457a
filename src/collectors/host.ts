/**
 * The host collector: uname (node_uname_info), time, os-release, file-nr (filefd), entropy,
 * and the kernel's timex (adjtimex(2)), kernel_hung and selinux.
 */
import type { Collector, OptionalInput } from '../contract/collector.js';
import { runParts } from '../contract/collector.js';
import type { HostReading, OsReleaseReading, TimeReading } from '../contract/snapshot.js';
import type { HostCollectorConfig } from '../config/types.js';
import { clockSource, entropyAvail, entropyPoolSize, fileNr, hostInfo, osRelease } from '../host.js';
import { kernelHungTasks, selinux, timex } from '../kernel.js';
import type { Logger } from '../logger.js';
import { KERNEL_OPTIONAL_INPUTS, timexReading } from './kernel-parts.js';

let zoneFormat: Intl.DateTimeFormat | undefined;
const zoneNames = new Map<number, string>();

/**
 * The local time zone's abbreviation and offset at `ms` (node_exporter's time.Now().Zone()).
 * The abbreviation is looked up once per offset (a DST change gives a new one).
 */
function timeZoneAt(ms: number): { name: string; offsetSeconds: number } {
  const d = new Date(ms);
  const offset = d.getTimezoneOffset();
  const offsetSeconds = offset === 0 ? 0 : -offset * 60;
  let name = zoneNames.get(offsetSeconds);
  if (name === undefined) {
    name = 'UTC';
    try {
      zoneFormat ??= new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' });
      const part = zoneFormat.formatToParts(d).find((p) => p.type === 'timeZoneName');
      if (part) name = part.value;
    } catch {
      // keep UTC
    }
    zoneNames.set(offsetSeconds, name);
  }
  return { name, offsetSeconds };
}

/**
 * Inputs this collector may lack (docs/agent.md "Failure semantics"); every other file it
 * reads (<procfs>/uptime, <procfs>/sys/fs/file-nr, entropy_avail) is required.
 */
export const OPTIONAL_INPUTS: readonly OptionalInput[] = [
  {
    part: 'os',
    paths: ['<rootfs>/etc/os-release', '<rootfs>/usr/lib/os-release'],
    why: 'minimal images and some appliances have neither file: no node_os_info',
  },
  {
    part: 'time',
    paths: ['<sysfs>/devices/system/clocksource/clocksource0/current_clocksource'],
    why: 'no clocksource in sysfs (some containers): no node_time_clocksource_* series',
  },
  {
    part: 'entropy',
    paths: ['<procfs>/sys/kernel/random/poolsize'],
    why: 'kernels 5.18+ removed it from some configurations: no node_entropy_pool_size_bits',
  },
  KERNEL_OPTIONAL_INPUTS.kernelHung,
  KERNEL_OPTIONAL_INPUTS.selinux,
];

export function create(config: HostCollectorConfig, _logger: Logger): Collector<'host'> {
  return {
    name: 'host',
    async collect(ctx) {
      const o = { roots: ctx.roots };
      const parts = await runParts(
        ctx,
        {
          info: config.uname.enabled ? async () => hostInfo(o) : undefined,
          time: config.time.enabled
            ? async (): Promise<TimeReading> => {
                const now = ctx.now();
                const tz = timeZoneAt(now);
                const cs = clockSource(o);
                return {
                  nowSeconds: now / 1000,
                  timeZone: tz.name,
                  timeZoneOffsetSeconds: tz.offsetSeconds,
                  ...(cs ? { clocksources: [{ device: '0', available: [...cs.available], current: cs.current }] } : {}),
                };
              }
            : undefined,
          os: config.os.enabled
            ? async (): Promise<OsReleaseReading> => {
                const r = osRelease(o);
                const out: { -readonly [K in keyof OsReleaseReading]: OsReleaseReading[K] } = {};
                for (const k of [
                  'name',
                  'id',
                  'idLike',
                  'prettyName',
                  'version',
                  'versionId',
                  'versionCodename',
                  'buildId',
                  'variant',
                  'variantId',
                  'imageId',
                  'imageVersion',
                ] as const) {
                  const v = r[k];
                  if (v !== null) out[k] = v;
                }
                return out;
              }
            : undefined,
          filefd: config.filefd.enabled
            ? async () => {
                const f = fileNr(o);
                return { allocated: f.allocated, maximum: f.maximum };
              }
            : undefined,
          entropy: config.entropy.enabled
            ? async () => {
                const pool = entropyPoolSize(o);
                return { availableBits: entropyAvail(o), ...(pool !== null ? { poolSizeBits: pool } : {}) };
              }
            : undefined,
          timex: config.timex.enabled ? async () => timexReading(timex()) : undefined,
          kernelHung: config.kernel_hung.enabled ? async () => kernelHungTasks(o) ?? undefined : undefined,
          selinux: config.selinux.enabled ? async () => selinux(o) : undefined,
        },
        OPTIONAL_INPUTS,
      );
      const reading: { -readonly [K in keyof HostReading]: HostReading[K] } = {};
      if (parts.info) {
        const h = parts.info;
        reading.uname = {
          sysname: h.sysname,
          nodename: h.nodename,
          release: h.release,
          version: h.version,
          machine: h.machine,
          domainname: h.domainname,
        };
        reading.uptimeSeconds = h.uptime;
      }
      if (parts.time) reading.time = parts.time;
      if (parts.os) reading.os = parts.os;
      if (parts.filefd) reading.filefd = parts.filefd;
      if (parts.entropy) reading.entropy = parts.entropy;
      if (parts.timex) reading.timex = parts.timex;
      if (parts.kernelHung !== undefined) reading.kernelHungTasks = parts.kernelHung;
      if (parts.selinux) reading.selinux = parts.selinux;
      return reading;
    },
  };
}

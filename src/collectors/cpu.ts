/**
 * The cpu collector: per-CPU times (node_exporter cpu), cpufreq, /proc/stat counters (stat),
 * load average (loadavg), pressure stall information (pressure), /proc/schedstat (schedstat),
 * and node_exporter's cpu extras: isolated CPUs and thermal throttle counts.
 *
 * Like node_exporter, CPU counters only move forward: /proc/stat's iowait (and, on some
 * kernels, other modes) can step back a little, which Prometheus would read as a counter
 * reset; a mode that went down keeps its previous value, unless idle jumped back by 3 s or
 * more, which means the CPU was hot-plugged and the counters really restarted.
 */
import type { Collector, OptionalInput } from '../contract/collector.js';
import { runParts } from '../contract/collector.js';
import type { CpuFreqEntry, CpuModeTimes, CpuReading, CpuTimesEntry, PressureEntry } from '../contract/snapshot.js';
import type { CpuCollectorConfig } from '../config/types.js';
import { bootTime, cpuFreqInfo, cpuStats, cpuTimes, loadAvg } from '../cpu.js';
import { pressure } from '../host.js';
import type { Logger } from '../logger.js';
import {
  cpuInfoEnabled,
  KERNEL_OPTIONAL_INPUTS,
  readCpuInfo,
  readIsolated,
  readSoftirqVectors,
  readSchedstat,
  readThrottles,
} from './kernel-parts.js';

const JUMP_BACK_SECONDS = 3;
const MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal', 'guest', 'guestNice'] as const;

/** node_exporter's per-CPU clamp (cpu_linux.go updateCPUStats). */
export class CpuClamp {
  private readonly last = new Map<number, CpuModeTimes>();

  constructor(private readonly logger: Logger) {}

  apply(cpu: number, now: CpuModeTimes): CpuModeTimes {
    const prev = this.last.get(cpu);
    if (!prev || prev.idle - now.idle >= JUMP_BACK_SECONDS) {
      if (prev) this.logger.debug('CPU idle jumped backwards, possible hotplug event, resetting CPU stats', { cpu });
      this.last.set(cpu, now);
      return now;
    }
    const out: Record<(typeof MODES)[number], number> = { ...prev };
    for (const m of MODES) {
      if (now[m] >= prev[m]) out[m] = now[m];
      else this.logger.debug('CPU counter jumped backwards', { cpu, mode: m, old: prev[m], new: now[m] });
    }
    this.last.set(cpu, out);
    return out;
  }
}

const hz = (khz: number | null): number | undefined => (khz === null ? undefined : khz * 1000);

/**
 * Inputs this collector may lack (docs/agent.md "Failure semantics"); every other file it
 * reads (<procfs>/stat, <procfs>/loadavg, ...) is required: missing means failed.
 */
export const OPTIONAL_INPUTS: readonly OptionalInput[] = [
  {
    part: 'freq',
    paths: ['<sysfs>/devices/system/cpu/cpufreq/policy*/*', '<sysfs>/devices/system/cpu/cpu*/cpufreq/*'],
    why: 'no cpufreq driver (VMs, containers): the cpuinfo MHz values are used; a policy without a current-frequency file gives no series',
  },
  {
    part: 'pressure',
    paths: ['<procfs>/pressure', '<procfs>/pressure/*'],
    why: 'kernels before 4.20, CONFIG_PSI off or psi=0 (EOPNOTSUPP); irq before 6.1',
  },
  KERNEL_OPTIONAL_INPUTS.schedstat,
  KERNEL_OPTIONAL_INPUTS.isolated,
  KERNEL_OPTIONAL_INPUTS.throttles,
];

export function create(config: CpuCollectorConfig, logger: Logger): Collector<'cpu'> {
  const clamp = new CpuClamp(logger);
  return {
    name: 'cpu',
    async collect(ctx) {
      const o = { roots: ctx.roots };
      const parts = await runParts(
        ctx,
        {
          perCpu: config.cpu.enabled
            ? async (): Promise<CpuTimesEntry[]> =>
                cpuTimes({ ...o, perCpu: true }).map((t) => ({
                  cpu: t.cpu,
                  times: clamp.apply(t.cpu, {
                    user: t.user,
                    nice: t.nice,
                    system: t.system,
                    idle: t.idle,
                    iowait: t.iowait,
                    irq: t.irq,
                    softirq: t.softirq,
                    steal: t.steal,
                    guest: t.guest,
                    guestNice: t.guestNice,
                  }),
                }))
            : undefined,
          freq: config.cpufreq.enabled
            ? async (): Promise<CpuFreqEntry[]> =>
                cpuFreqInfo(o).map((f) => {
                  const e: { -readonly [K in keyof CpuFreqEntry]: CpuFreqEntry[K] } = { cpu: f.cpu };
                  const set = <K extends keyof CpuFreqEntry>(k: K, v: CpuFreqEntry[K] | undefined): void => {
                    if (v !== undefined) e[k] = v;
                  };
                  set('currentHz', hz(f.cpuinfoCurKHz));
                  set('minHz', hz(f.cpuinfoMinKHz));
                  set('maxHz', hz(f.cpuinfoMaxKHz));
                  set('averageHz', hz(f.cpuinfoAvgKHz));
                  set('scalingCurrentHz', hz(f.scalingCurKHz));
                  set('scalingMinHz', hz(f.scalingMinKHz));
                  set('scalingMaxHz', hz(f.scalingMaxKHz));
                  set('governor', f.governor ?? undefined);
                  if (f.availableGovernors.length) e.availableGovernors = [...f.availableGovernors];
                  return e;
                })
            : undefined,
          stat: config.stat.enabled
            ? async () => {
                const s = cpuStats(o);
                return {
                  contextSwitches: s.ctxSwitches,
                  interrupts: s.interrupts,
                  forks: s.forks,
                  procsRunning: s.procsRunning,
                  procsBlocked: s.procsBlocked,
                  bootTimeSeconds: bootTime(o),
                  softirqs: s.softInterrupts,
                };
              }
            : undefined,
          load: config.loadavg.enabled
            ? async () => {
                const [load1, load5, load15] = loadAvg(o);
                return { load1, load5, load15 };
              }
            : undefined,
          pressure: config.pressure.enabled
            ? async (): Promise<PressureEntry[] | undefined> => {
                const p = pressure(o);
                if (!p) return undefined;
                const out: PressureEntry[] = [];
                for (const resource of ['cpu', 'io', 'memory', 'irq'] as const) {
                  const r = p[resource];
                  if (!r) continue;
                  const some = r.some?.total;
                  const full = r.full?.total;
                  if (some === undefined && full === undefined) continue;
                  out.push({ resource, someTotalSeconds: some ?? 0, ...(full !== undefined ? { fullTotalSeconds: full } : {}) });
                }
                return out;
              }
            : undefined,
          softirqVectors: config.stat.enabled && config.stat.softirq ? async () => readSoftirqVectors(o) : undefined,
          info: config.cpu.enabled && cpuInfoEnabled(config.cpu) ? async () => readCpuInfo(o, config.cpu) : undefined,
          isolated: config.cpu.enabled ? async () => readIsolated(o) : undefined,
          throttles: config.cpu.enabled ? async () => readThrottles(o) : undefined,
          schedstat: config.schedstat.enabled ? async () => readSchedstat(o) : undefined,
        },
        OPTIONAL_INPUTS,
      );
      const reading: { -readonly [K in keyof CpuReading]: CpuReading[K] } = {};
      if (parts.perCpu) {
        reading.perCpu = parts.perCpu;
        reading.logicalCount = parts.perCpu.length;
      }
      if (parts.freq) reading.freq = parts.freq;
      if (parts.stat) reading.stat = parts.stat;
      if (parts.load) reading.load = parts.load;
      if (parts.pressure) reading.pressure = parts.pressure;
      if (parts.softirqVectors) reading.softirqVectors = parts.softirqVectors;
      if (parts.info) reading.info = parts.info;
      if (parts.isolated) reading.isolated = parts.isolated;
      if (parts.throttles) reading.throttles = parts.throttles;
      if (parts.schedstat) reading.schedstat = parts.schedstat;
      return reading;
    },
  };
}

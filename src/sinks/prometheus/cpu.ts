/** cpu → node_exporter's cpu, cpufreq, stat, loadavg and pressure metrics. */
import type { CpuReading } from '../../contract/snapshot.js';
import { CATALOG as C } from './catalog.js';
import type { Exposition } from './exposition.js';
import type { PromRenderOptions } from './options.js';

const MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;

export function renderCpu(r: CpuReading, x: Exposition, o: PromRenderOptions): void {
  for (const e of r.perCpu ?? []) {
    const cpu = String(e.cpu);
    for (const mode of MODES) x.add(C.cpuSeconds, e.times[mode], { cpu, mode });
    if (o.cpuGuest) {
      x.add(C.cpuGuestSeconds, e.times.guest, { cpu, mode: 'user' });
      x.add(C.cpuGuestSeconds, e.times.guestNice, { cpu, mode: 'nice' });
    }
  }
  for (const f of r.freq ?? []) {
    const cpu = String(f.cpu);
    if (f.currentHz !== undefined) x.add(C.cpuFrequency, f.currentHz, { cpu });
    if (f.minHz !== undefined) x.add(C.cpuFrequencyMin, f.minHz, { cpu });
    if (f.maxHz !== undefined) x.add(C.cpuFrequencyMax, f.maxHz, { cpu });
    if (f.averageHz !== undefined) x.add(C.cpuFrequencyAvg, f.averageHz, { cpu });
    if (f.scalingCurrentHz !== undefined) x.add(C.cpuScalingFrequency, f.scalingCurrentHz, { cpu });
    if (f.scalingMinHz !== undefined) x.add(C.cpuScalingFrequencyMin, f.scalingMinHz, { cpu });
    if (f.scalingMaxHz !== undefined) x.add(C.cpuScalingFrequencyMax, f.scalingMaxHz, { cpu });
    if (f.governor !== undefined) {
      const govs = f.availableGovernors?.length ? f.availableGovernors : [f.governor];
      for (const g of govs) x.add(C.cpuScalingGovernor, g === f.governor ? 1 : 0, { cpu, governor: g });
    }
  }
  const s = r.stat;
  if (s) {
    x.add(C.contextSwitches, s.contextSwitches);
    x.add(C.interrupts, s.interrupts);
    x.add(C.forks, s.forks);
    x.add(C.bootTime, s.bootTimeSeconds);
    x.add(C.procsRunning, s.procsRunning);
    x.add(C.procsBlocked, s.procsBlocked);
  }
  if (r.load) {
    x.add(C.load1, r.load.load1);
    x.add(C.load5, r.load.load5);
    x.add(C.load15, r.load.load15);
  }
  for (const p of r.pressure ?? []) {
    switch (p.resource) {
      case 'cpu':
        x.add(C.pressureCpuWaiting, p.someTotalSeconds);
        if (p.fullTotalSeconds !== undefined) x.add(C.pressureCpuStalled, p.fullTotalSeconds);
        break;
      case 'io':
        x.add(C.pressureIoWaiting, p.someTotalSeconds);
        if (p.fullTotalSeconds !== undefined) x.add(C.pressureIoStalled, p.fullTotalSeconds);
        break;
      case 'memory':
        x.add(C.pressureMemoryWaiting, p.someTotalSeconds);
        if (p.fullTotalSeconds !== undefined) x.add(C.pressureMemoryStalled, p.fullTotalSeconds);
        break;
      case 'irq':
        if (p.fullTotalSeconds !== undefined) x.add(C.pressureIrqStalled, p.fullTotalSeconds);
        break;
    }
  }
}

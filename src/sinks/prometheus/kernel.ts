/**
 * The kernel parts → node_exporter's timex, kernel_hung and selinux metrics (host
 * collector), and schedstat, node_softirqs_total, node_cpu_info/flag/bug, node_cpu_isolated and
 * the throttle counters (cpu collector).
 */
import type { CpuReading, HostReading } from '../../contract/snapshot.js';
import { CATALOG as C } from './catalog.js';
import type { Exposition } from './exposition.js';

export function renderHostKernel(r: HostReading, x: Exposition): void {
  const t = r.timex;
  if (t) {
    x.add(C.timexSyncStatus, t.syncStatus);
    x.add(C.timexOffset, t.offsetSeconds);
    x.add(C.timexFrequency, t.frequencyAdjustmentRatio);
    x.add(C.timexMaxerror, t.maxerrorSeconds);
    x.add(C.timexEstimatedError, t.estimatedErrorSeconds);
    x.add(C.timexStatus, t.status);
    x.add(C.timexLoopTimeConstant, t.loopTimeConstant);
    x.add(C.timexTick, t.tickSeconds);
    x.add(C.timexPpsFrequency, t.ppsFrequencyHertz);
    x.add(C.timexPpsJitter, t.ppsJitterSeconds);
    x.add(C.timexPpsShift, t.ppsShiftSeconds);
    x.add(C.timexPpsStability, t.ppsStabilityHertz);
    x.add(C.timexPpsJitterTotal, t.ppsJitterTotal);
    x.add(C.timexPpsCalibrationTotal, t.ppsCalibrationTotal);
    x.add(C.timexPpsErrorTotal, t.ppsErrorTotal);
    x.add(C.timexPpsStabilityExceededTotal, t.ppsStabilityExceededTotal);
    x.add(C.timexTaiOffset, t.taiOffsetSeconds);
  }
  if (r.kernelHungTasks !== undefined) x.add(C.kernelHungTasks, r.kernelHungTasks);
  const s = r.selinux;
  if (s) {
    // node_exporter: only node_selinux_enabled 0 when SELinux is not in use.
    x.add(C.selinuxEnabled, s.enabled ? 1 : 0);
    if (s.enabled) {
      x.add(C.selinuxConfigMode, s.configMode);
      x.add(C.selinuxCurrentMode, s.currentMode);
    }
  }
}

export function renderCpuKernel(r: CpuReading, x: Exposition): void {
  for (const s of r.softirqVectors ?? []) x.add(C.softirqs, s.count, { vector: s.vector });
  if (r.info) {
    for (const c of r.info.cpus) {
      x.add(C.cpuInfo, 1, {
        package: c.package,
        core: c.core,
        cpu: c.cpu,
        vendor: c.vendor,
        family: c.family,
        model: c.model,
        model_name: c.modelName,
        microcode: c.microcode,
        stepping: c.stepping,
        cachesize: c.cachesize,
      });
    }
    for (const flag of r.info.flags ?? []) x.add(C.cpuFlagInfo, 1, { flag });
    for (const bug of r.info.bugs ?? []) x.add(C.cpuBugInfo, 1, { bug });
  }
  for (const cpu of r.isolated ?? []) x.add(C.cpuIsolated, 1, { cpu: String(cpu) });
  if (r.throttles) {
    for (const p of r.throttles.packages) x.add(C.cpuPackageThrottles, p.count, { package: String(p.package) });
    for (const c of r.throttles.cores) x.add(C.cpuCoreThrottles, c.count, { package: String(c.package), core: String(c.core) });
  }
  for (const s of r.schedstat ?? []) {
    x.add(C.schedstatRunning, s.runningSeconds, { cpu: s.cpu });
    x.add(C.schedstatWaiting, s.waitingSeconds, { cpu: s.cpu });
    x.add(C.schedstatTimeslices, s.timeslices, { cpu: s.cpu });
  }
}

/**
 * process → node_exporter's processes collector (node_processes_*), process-exporter's
 * group metrics (namedprocess_namegroup_* with its label names: groupname, mode, memtype,
 * ctxswitchtype, state), the optional top-N (hostprobe_process_top_*, with a pid label) and
 * the skipped-process self-metric. The families are in catalog.ts (collector `process`);
 * what they mean: docs/process-groups.md.
 */
import type { ProcessReading } from '../../contract/snapshot.js';
import { CATALOG as C } from './catalog.js';
import type { Exposition } from './exposition.js';
import type { PromRenderOptions } from './options.js';

const GROUP_STATES = ['Running', 'Sleeping', 'Waiting', 'Zombie', 'Other'] as const;

export function renderProcess(r: ProcessReading, x: Exposition, _o: PromRenderOptions): void {
  const s = r.summary;
  if (s) {
    x.add(C.processesThreads, s.threads);
    if (s.maxThreads !== undefined) x.add(C.processesMaxThreads, s.maxThreads);
    x.add(C.processesPids, s.pids);
    if (s.maxProcesses !== undefined) x.add(C.processesMaxProcesses, s.maxProcesses);
    for (const state of Object.keys(s.states).sort()) x.add(C.processesState, s.states[state] as number, { state });
    if (s.threadStates) {
      for (const ts of Object.keys(s.threadStates).sort())
        x.add(C.processesThreadsState, s.threadStates[ts] as number, { thread_state: ts });
    }
  }
  for (const g of r.groups ?? []) {
    const groupname = g.name;
    const l = { groupname };
    x.add(C.groupNumProcs, g.numProcs, l);
    x.add(C.groupCpuSeconds, g.cpuUserSeconds, { groupname, mode: 'user' });
    x.add(C.groupCpuSeconds, g.cpuSystemSeconds, { groupname, mode: 'system' });
    x.add(C.groupReadBytes, g.readBytes, l);
    x.add(C.groupWriteBytes, g.writeBytes, l);
    x.add(C.groupMajorPageFaults, g.majorPageFaults, l);
    x.add(C.groupMinorPageFaults, g.minorPageFaults, l);
    x.add(C.groupContextSwitches, g.voluntaryContextSwitches, { groupname, ctxswitchtype: 'voluntary' });
    x.add(C.groupContextSwitches, g.nonvoluntaryContextSwitches, { groupname, ctxswitchtype: 'nonvoluntary' });
    x.add(C.groupMemoryBytes, g.residentBytes, { groupname, memtype: 'resident' });
    x.add(C.groupMemoryBytes, g.virtualBytes, { groupname, memtype: 'virtual' });
    x.add(C.groupMemoryBytes, g.swappedBytes, { groupname, memtype: 'swapped' });
    if (g.proportionalResidentBytes !== undefined)
      x.add(C.groupMemoryBytes, g.proportionalResidentBytes, { groupname, memtype: 'proportionalResident' });
    if (g.proportionalSwappedBytes !== undefined)
      x.add(C.groupMemoryBytes, g.proportionalSwappedBytes, { groupname, memtype: 'proportionalSwapped' });
    x.add(C.groupOpenFiledesc, g.openFds, l);
    x.add(C.groupWorstFdRatio, g.worstFdRatio, l);
    if (g.oldestStartTimeSeconds > 0) x.add(C.groupOldestStartTime, g.oldestStartTimeSeconds, l);
    x.add(C.groupNumThreads, g.numThreads, l);
    for (const state of GROUP_STATES) x.add(C.groupStates, g.states[state] ?? 0, { groupname, state });
    if (g.wchans)
      for (const wchan of Object.keys(g.wchans).sort()) x.add(C.groupThreadsWchan, g.wchans[wchan] as number, { groupname, wchan });
    for (const t of g.threads ?? []) {
      const tl = { groupname, threadname: t.name };
      x.add(C.groupThreadCount, t.count, tl);
      x.add(C.groupThreadCpu, t.cpuUserSeconds, { ...tl, mode: 'user' });
      x.add(C.groupThreadCpu, t.cpuSystemSeconds, { ...tl, mode: 'system' });
      x.add(C.groupThreadIo, t.readBytes, { ...tl, iomode: 'read' });
      x.add(C.groupThreadIo, t.writeBytes, { ...tl, iomode: 'write' });
      x.add(C.groupThreadMajor, t.majorPageFaults, tl);
      x.add(C.groupThreadMinor, t.minorPageFaults, tl);
      x.add(C.groupThreadCtx, t.voluntaryContextSwitches, { ...tl, ctxswitchtype: 'voluntary' });
      x.add(C.groupThreadCtx, t.nonvoluntaryContextSwitches, { ...tl, ctxswitchtype: 'nonvoluntary' });
    }
  }
  for (const t of r.top ?? []) {
    const pid = String(t.pid);
    x.add(C.processTopCpuSeconds, t.cpuUserSeconds, { pid, name: t.name, mode: 'user' });
    x.add(C.processTopCpuSeconds, t.cpuSystemSeconds, { pid, name: t.name, mode: 'system' });
    x.add(C.processTopMemoryBytes, t.residentBytes, { pid, name: t.name, memtype: 'resident' });
    x.add(C.processTopMemoryBytes, t.virtualBytes, { pid, name: t.name, memtype: 'virtual' });
  }
  if (r.skipped) {
    x.add(C.processSkipped, r.skipped.vanished, { reason: 'vanished' });
    x.add(C.processSkipped, r.skipped.denied, { reason: 'denied' });
  }
}

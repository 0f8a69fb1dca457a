/**
 * process → node_exporter's processes collector (node_processes_*), process-exporter's
 * group metrics (namedprocess_namegroup_* with its label names: groupname, mode, memtype,
 * ctxswitchtype, state), the optional top-N (hostprobe_process_top_*, with a pid label) and
 * the skipped-process self-metric. Names, types and labels: docs/process-groups.md.
 */
import type { ProcessReading } from '../../contract/snapshot.js';
import type { Exposition, MetricDef, MetricType } from './exposition.js';
import type { PromRenderOptions } from './options.js';

function m(name: string, type: MetricType, help: string, labels: readonly string[] = []): MetricDef {
  return Object.freeze({ name, type, help, labels });
}

/** The process collector's metric definitions (the catalog of this mapping). */
export const PROCESS_METRICS = {
  // node_exporter processes
  threads: m('node_processes_threads', 'gauge', 'Allocated threads in system'),
  maxThreads: m('node_processes_max_threads', 'gauge', 'Limit of threads in the system'),
  pids: m('node_processes_pids', 'gauge', 'Number of PIDs'),
  maxProcesses: m('node_processes_max_processes', 'gauge', 'Number of max PIDs limit'),
  state: m('node_processes_state', 'gauge', 'Number of processes in each state.', ['state']),
  threadsState: m('node_processes_threads_state', 'gauge', 'Number of threads in each state.', ['thread_state']),
  // process-exporter groups
  numProcs: m('namedprocess_namegroup_num_procs', 'gauge', 'number of processes in this group', ['groupname']),
  cpuSeconds: m('namedprocess_namegroup_cpu_seconds_total', 'counter', 'Cpu user usage in seconds', ['groupname', 'mode']),
  readBytes: m('namedprocess_namegroup_read_bytes_total', 'counter', 'number of bytes read by this group', ['groupname']),
  writeBytes: m('namedprocess_namegroup_write_bytes_total', 'counter', 'number of bytes written by this group', ['groupname']),
  majorPageFaults: m('namedprocess_namegroup_major_page_faults_total', 'counter', 'Major page faults', ['groupname']),
  minorPageFaults: m('namedprocess_namegroup_minor_page_faults_total', 'counter', 'Minor page faults', ['groupname']),
  contextSwitches: m('namedprocess_namegroup_context_switches_total', 'counter', 'Context switches', ['groupname', 'ctxswitchtype']),
  memoryBytes: m('namedprocess_namegroup_memory_bytes', 'gauge', 'number of bytes of memory in use', ['groupname', 'memtype']),
  openFiledesc: m('namedprocess_namegroup_open_filedesc', 'gauge', 'number of open file descriptors for this group', ['groupname']),
  worstFdRatio: m('namedprocess_namegroup_worst_fd_ratio', 'gauge', 'the worst (closest to 1) ratio between open fds and max fds among all procs in this group', ['groupname']),
  oldestStartTime: m('namedprocess_namegroup_oldest_start_time_seconds', 'gauge', 'start time in seconds since 1970/01/01 of oldest process in group', ['groupname']),
  numThreads: m('namedprocess_namegroup_num_threads', 'gauge', 'Number of threads', ['groupname']),
  states: m('namedprocess_namegroup_states', 'gauge', 'Number of processes in states Running, Sleeping, Waiting, Zombie, or Other', ['groupname', 'state']),
  threadsWchan: m('namedprocess_namegroup_threads_wchan', 'gauge', 'Number of threads in this group waiting on each wchan', ['groupname', 'wchan']),
  threadCount: m('namedprocess_namegroup_thread_count', 'gauge', 'Number of threads in this group with same threadname', ['groupname', 'threadname']),
  threadCpu: m('namedprocess_namegroup_thread_cpu_seconds_total', 'counter', 'Cpu user/system usage in seconds', ['groupname', 'threadname', 'mode']),
  threadIo: m('namedprocess_namegroup_thread_io_bytes_total', 'counter', 'number of bytes read/written by these threads', ['groupname', 'threadname', 'iomode']),
  threadMajor: m('namedprocess_namegroup_thread_major_page_faults_total', 'counter', 'Major page faults for these threads', ['groupname', 'threadname']),
  threadMinor: m('namedprocess_namegroup_thread_minor_page_faults_total', 'counter', 'Minor page faults for these threads', ['groupname', 'threadname']),
  threadCtx: m('namedprocess_namegroup_thread_context_switches_total', 'counter', 'Context switches for these threads', ['groupname', 'threadname', 'ctxswitchtype']),
  // hostprobe
  topCpuSeconds: m('hostprobe_process_top_cpu_seconds_total', 'counter', 'CPU seconds of one of the top processes (collectors.process.top), by mode.', ['pid', 'name', 'mode']),
  topMemoryBytes: m('hostprobe_process_top_memory_bytes', 'gauge', 'Memory of one of the top processes (collectors.process.top), by type.', ['pid', 'name', 'memtype']),
  skipped: m('hostprobe_process_skipped_total', 'counter', 'Processes skipped by the process collector because they vanished mid-read or access was denied.', ['reason']),
} as const;

const P = PROCESS_METRICS;
const GROUP_STATES = ['Running', 'Sleeping', 'Waiting', 'Zombie', 'Other'] as const;

export function renderProcess(r: ProcessReading, x: Exposition, _o: PromRenderOptions): void {
  const s = r.summary;
  if (s) {
    x.add(P.threads, s.threads);
    if (s.maxThreads !== undefined) x.add(P.maxThreads, s.maxThreads);
    x.add(P.pids, s.pids);
    if (s.maxProcesses !== undefined) x.add(P.maxProcesses, s.maxProcesses);
    for (const state of Object.keys(s.states).sort()) x.add(P.state, s.states[state] as number, { state });
    if (s.threadStates) {
      for (const ts of Object.keys(s.threadStates).sort()) x.add(P.threadsState, s.threadStates[ts] as number, { thread_state: ts });
    }
  }
  for (const g of r.groups ?? []) {
    const groupname = g.name;
    const l = { groupname };
    x.add(P.numProcs, g.numProcs, l);
    x.add(P.cpuSeconds, g.cpuUserSeconds, { groupname, mode: 'user' });
    x.add(P.cpuSeconds, g.cpuSystemSeconds, { groupname, mode: 'system' });
    x.add(P.readBytes, g.readBytes, l);
    x.add(P.writeBytes, g.writeBytes, l);
    x.add(P.majorPageFaults, g.majorPageFaults, l);
    x.add(P.minorPageFaults, g.minorPageFaults, l);
    x.add(P.contextSwitches, g.voluntaryContextSwitches, { groupname, ctxswitchtype: 'voluntary' });
    x.add(P.contextSwitches, g.nonvoluntaryContextSwitches, { groupname, ctxswitchtype: 'nonvoluntary' });
    x.add(P.memoryBytes, g.residentBytes, { groupname, memtype: 'resident' });
    x.add(P.memoryBytes, g.virtualBytes, { groupname, memtype: 'virtual' });
    x.add(P.memoryBytes, g.swappedBytes, { groupname, memtype: 'swapped' });
    if (g.proportionalResidentBytes !== undefined) x.add(P.memoryBytes, g.proportionalResidentBytes, { groupname, memtype: 'proportionalResident' });
    if (g.proportionalSwappedBytes !== undefined) x.add(P.memoryBytes, g.proportionalSwappedBytes, { groupname, memtype: 'proportionalSwapped' });
    x.add(P.openFiledesc, g.openFds, l);
    x.add(P.worstFdRatio, g.worstFdRatio, l);
    if (g.oldestStartTimeSeconds > 0) x.add(P.oldestStartTime, g.oldestStartTimeSeconds, l);
    x.add(P.numThreads, g.numThreads, l);
    for (const state of GROUP_STATES) x.add(P.states, g.states[state] ?? 0, { groupname, state });
    if (g.wchans) for (const wchan of Object.keys(g.wchans).sort()) x.add(P.threadsWchan, g.wchans[wchan] as number, { groupname, wchan });
    for (const t of g.threads ?? []) {
      const tl = { groupname, threadname: t.name };
      x.add(P.threadCount, t.count, tl);
      x.add(P.threadCpu, t.cpuUserSeconds, { ...tl, mode: 'user' });
      x.add(P.threadCpu, t.cpuSystemSeconds, { ...tl, mode: 'system' });
      x.add(P.threadIo, t.readBytes, { ...tl, iomode: 'read' });
      x.add(P.threadIo, t.writeBytes, { ...tl, iomode: 'write' });
      x.add(P.threadMajor, t.majorPageFaults, tl);
      x.add(P.threadMinor, t.minorPageFaults, tl);
      x.add(P.threadCtx, t.voluntaryContextSwitches, { ...tl, ctxswitchtype: 'voluntary' });
      x.add(P.threadCtx, t.nonvoluntaryContextSwitches, { ...tl, ctxswitchtype: 'nonvoluntary' });
    }
  }
  for (const t of r.top ?? []) {
    const pid = String(t.pid);
    x.add(P.topCpuSeconds, t.cpuUserSeconds, { pid, name: t.name, mode: 'user' });
    x.add(P.topCpuSeconds, t.cpuSystemSeconds, { pid, name: t.name, mode: 'system' });
    x.add(P.topMemoryBytes, t.residentBytes, { pid, name: t.name, memtype: 'resident' });
    x.add(P.topMemoryBytes, t.virtualBytes, { pid, name: t.name, memtype: 'virtual' });
  }
  if (r.skipped) {
    x.add(P.skipped, r.skipped.vanished, { reason: 'vanished' });
    x.add(P.skipped, r.skipped.denied, { reason: 'denied' });
  }
}

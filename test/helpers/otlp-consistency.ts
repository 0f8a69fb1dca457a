// Consistency checks shared by the OTLP tests: an OTLP request (as OTLP/JSON, what a
// Collector writes) against the /metrics exposition rendered from the SAME snapshot —
// families, instruments, units, start times and values. Used on this host through a real
// Collector (collector.test.ts) and on the agent's fixture trees (fixture.test.ts).
import { beforeAll, expect, it } from 'vitest';
import type { Snapshot } from '../../src/contract/snapshot.js';
import type { Samples } from './exposition.js';
import { attrsOf, pointValue, type OtlpJsonMetric, type OtlpJsonPoint, type OtlpJsonRequest } from './otelcol.js';

export interface Poll {
  /** What the receiver got. */
  req: OtlpJsonRequest;
  /** /metrics of the same snapshot. */
  prom: Samples;
  snap: Snapshot;
}

/** The OTLP metric of that name in a request. */
export function metricOf(r: OtlpJsonRequest, name: string): OtlpJsonMetric | undefined {
  return r.resourceMetrics[0]!.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.name === name);
}
export function pointsOf(r: OtlpJsonRequest, name: string): OtlpJsonPoint[] {
  const m = metricOf(r, name);
  return m?.sum?.dataPoints ?? m?.gauge?.dataPoints ?? [];
}
/** The value of the one point whose attributes include `attrs`. */
export function valueOf(r: OtlpJsonRequest, name: string, attrs: Record<string, string | number> = {}): number {
  const hits = pointsOf(r, name).filter((p) => {
    const a = attrsOf(p.attributes);
    return Object.entries(attrs).every(([k, v]) => a[k] === v);
  });
  if (hits.length !== 1) throw new Error(`${name}${JSON.stringify(attrs)}: ${hits.length} OTLP points`);
  return pointValue(hits[0]!);
}
export function attrSetOf(r: OtlpJsonRequest, name: string, key: string): Set<unknown> {
  return new Set(pointsOf(r, name).map((p) => attrsOf(p.attributes)[key]));
}

/** Registers the consistency tests; `load` gives the poll once the suite's setup ran. */
/** What the poll under test is expected to hold beyond the host collectors. */
export interface ConsistencyOptions {
  /** The poll ran the process collector with at least one non-empty group. */
  readonly processes?: boolean;
}

export function consistencyTests(load: () => Poll, options: ConsistencyOptions = {}): void {
  let req: OtlpJsonRequest;
  let prom: Samples;
  let snap: Snapshot;
  beforeAll(() => {
    ({ req, prom, snap } = load());
  });
  const metric = (name: string, r: OtlpJsonRequest = req) => metricOf(r, name);
  const points = (name: string, r: OtlpJsonRequest = req) => pointsOf(r, name);
  const value = (name: string, attrs: Record<string, string | number> = {}, r: OtlpJsonRequest = req) => valueOf(r, name, attrs);
  const attrSet = (name: string, key: string, r: OtlpJsonRequest = req) => attrSetOf(r, name, key);

  // The semantic conventions' instruments and units (not read from our mapping code).
  const SPEC: [collector: keyof Snapshot['readings'], name: string, kind: 'counter' | 'updowncounter' | 'gauge', unit: string][] = [
    ['cpu', 'system.cpu.time', 'counter', 's'],
    ['cpu', 'system.cpu.load_average.1m', 'gauge', '{thread}'],
    ['cpu', 'system.cpu.load_average.5m', 'gauge', '{thread}'],
    ['cpu', 'system.cpu.load_average.15m', 'gauge', '{thread}'],
    ['cpu', 'system.cpu.logical.count', 'updowncounter', '{cpu}'],
    ['cpu', 'system.process.created', 'counter', '{process}'],
    ['mem', 'system.memory.usage', 'updowncounter', 'By'],
    ['mem', 'system.memory.limit', 'updowncounter', 'By'],
    ['mem', 'system.memory.linux.available', 'updowncounter', 'By'],
    ['mem', 'system.paging.usage', 'updowncounter', 'By'],
    ['mem', 'system.paging.faults', 'counter', '{fault}'],
    ['mem', 'system.paging.operations', 'counter', '{operation}'],
    ['disk', 'system.disk.io', 'counter', 'By'],
    ['disk', 'system.disk.operations', 'counter', '{operation}'],
    ['disk', 'system.disk.io_time', 'counter', 's'],
    ['disk', 'system.disk.operation_time', 'counter', 's'],
    ['disk', 'system.disk.merged', 'counter', '{operation}'],
    ['disk', 'system.filesystem.usage', 'updowncounter', 'By'],
    ['disk', 'system.filesystem.utilization', 'gauge', '1'],
    ['disk', 'system.filesystem.limit', 'updowncounter', 'By'],
    ['net', 'system.network.io', 'counter', 'By'],
    ['net', 'system.network.packet.count', 'counter', '{packet}'],
    ['net', 'system.network.packet.dropped', 'counter', '{packet}'],
    ['net', 'system.network.errors', 'counter', '{error}'],
    ['net', 'system.network.connection.count', 'updowncounter', '{connection}'],
    ['net', 'system.network.conntrack.count', 'updowncounter', '{entry}'],
    ['net', 'system.network.conntrack.max', 'updowncounter', '{entry}'],
    ['host', 'system.uptime', 'gauge', 's'],
    ['process', 'system.process.count', 'updowncounter', '{process}'],
    ['process', 'process.cpu.time', 'counter', 's'],
    ['process', 'process.memory.usage', 'updowncounter', 'By'],
    ['process', 'process.memory.virtual', 'updowncounter', 'By'],
    ['process', 'process.disk.io', 'counter', 'By'],
    ['process', 'process.thread.count', 'updowncounter', '{thread}'],
    ['process', 'process.unix.file_descriptor.count', 'updowncounter', '{file_descriptor}'],
    ['process', 'process.context_switches', 'counter', '{context_switch}'],
    ['process', 'process.paging.faults', 'counter', '{fault}'],
  ];

  it('sends every family of the table with its instrument and unit, cumulative', () => {
    const missing: string[] = [];
    let checked = 0;
    for (const [coll, name, kind, unit] of SPEC) {
      const reading = snap.readings[coll];
      if (!reading) continue; // collector absent in this build / failed: nothing to send
      if (coll === 'process' && name.startsWith('process.') && !(snap.readings.process?.groups?.length ?? 0)) continue;
      if (coll === 'process' && name === 'system.process.count' && !snap.readings.process?.summary) continue;
      if (name === 'system.paging.usage' && !snap.readings.mem?.swap) continue;
      if (name.startsWith('system.network.conntrack.') && snap.readings.net?.conntrack?.entries === undefined) continue;
      const m = metric(name);
      if (!m) {
        missing.push(name);
        continue;
      }
      checked++;
      expect(m.unit, name).toBe(unit);
      if (kind === 'gauge') expect(m.gauge, name).toBeDefined();
      else {
        expect(m.sum, name).toBeDefined();
        expect(m.sum!.aggregationTemporality, name).toBe(2); // CUMULATIVE
        expect(m.sum!.isMonotonic ?? false, name).toBe(kind === 'counter');
      }
    }
    expect(missing).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(20);
  });

  it('stamps every point with the poll time; kernel counters start at boot', () => {
    const t = String(BigInt(snap.timestamp) * 1_000_000n);
    // Boot time, or the poll time when a fixture's btime lies after it (a start never follows the point).
    const bootNs = BigInt(prom.get('node_boot_time_seconds')) * 1_000_000_000n;
    const boot = String(bootNs <= BigInt(t) ? bootNs : BigInt(t));
    for (const rm of req.resourceMetrics)
      for (const sm of rm.scopeMetrics)
        for (const m of sm.metrics) for (const p of m.sum?.dataPoints ?? m.gauge?.dataPoints ?? []) expect(p.timeUnixNano, m.name).toBe(t);
    for (const name of ['system.cpu.time', 'system.network.io', 'system.disk.io', 'system.paging.faults', 'system.process.created']) {
      for (const p of points(name)) expect(p.startTimeUnixNano, name).toBe(boot);
    }
  });

  it('cpu values match /metrics', () => {
    const cpus = new Set(prom.all('node_cpu_seconds_total').map((s) => s.labels.cpu));
    expect(attrSet('system.cpu.time', 'cpu.logical_number')).toEqual(new Set([...cpus].map(Number)));
    expect(attrSet('system.cpu.time', 'cpu.mode')).toEqual(new Set(['user', 'system', 'nice', 'idle', 'iowait', 'interrupt', 'steal']));
    for (const cpu of cpus) {
      const n = Number(cpu);
      const node = (mode: string) => prom.get('node_cpu_seconds_total', { cpu: cpu!, mode });
      for (const mode of ['user', 'system', 'nice', 'idle', 'iowait', 'steal']) {
        expect(value('system.cpu.time', { 'cpu.mode': mode, 'cpu.logical_number': n })).toBeCloseTo(node(mode), 6);
      }
      expect(value('system.cpu.time', { 'cpu.mode': 'interrupt', 'cpu.logical_number': n })).toBeCloseTo(node('irq') + node('softirq'), 6);
    }
    expect(value('system.cpu.logical.count')).toBe(cpus.size);
    expect(value('system.cpu.load_average.1m')).toBe(prom.get('node_load1'));
    expect(value('system.cpu.load_average.5m')).toBe(prom.get('node_load5'));
    expect(value('system.cpu.load_average.15m')).toBe(prom.get('node_load15'));
    expect(value('system.process.created')).toBe(prom.get('node_forks_total'));
  });

  it('memory and paging values match /metrics', () => {
    const mi = (f: string) => prom.get(`node_memory_${f}_bytes`);
    const usage = (state: string) => value('system.memory.usage', { 'system.memory.state': state });
    expect(value('system.memory.limit')).toBe(mi('MemTotal'));
    expect(usage('used')).toBe(mi('MemTotal') - mi('MemAvailable'));
    expect(usage('free')).toBe(mi('MemFree'));
    expect(usage('buffers')).toBe(mi('Buffers'));
    expect(usage('cached')).toBe(mi('Cached') + mi('SReclaimable'));
    expect(value('system.memory.linux.available')).toBe(mi('MemAvailable'));
    if (metric('system.paging.usage')) {
      expect(value('system.paging.usage', { 'system.paging.state': 'free' })).toBe(mi('SwapFree'));
      expect(value('system.paging.usage', { 'system.paging.state': 'used' })).toBe(mi('SwapTotal') - mi('SwapFree'));
    }
    const vm = (f: string) => prom.get(`node_vmstat_${f}`);
    expect(value('system.paging.faults', { 'system.paging.fault.type': 'major' })).toBe(vm('pgmajfault'));
    expect(value('system.paging.faults', { 'system.paging.fault.type': 'minor' })).toBe(vm('pgfault') - vm('pgmajfault'));
    const ops = (dir: string, type: string) =>
      value('system.paging.operations', { 'system.paging.direction': dir, 'system.paging.fault.type': type });
    expect(ops('in', 'major')).toBe(vm('pswpin'));
    expect(ops('out', 'major')).toBe(vm('pswpout'));
    expect(ops('in', 'minor')).toBe(vm('pgpgin'));
    expect(ops('out', 'minor')).toBe(vm('pgpgout'));
  });

  it('disk and filesystem values match /metrics', () => {
    const devices = new Set(prom.all('node_disk_read_bytes_total').map((s) => s.labels.device));
    expect(attrSet('system.disk.io', 'system.device')).toEqual(devices);
    for (const device of devices) {
      const d = { device: device! };
      const a = (dir: string) => ({ 'system.device': device!, 'disk.io.direction': dir });
      expect(value('system.disk.io', a('read'))).toBe(prom.get('node_disk_read_bytes_total', d));
      expect(value('system.disk.io', a('write'))).toBe(prom.get('node_disk_written_bytes_total', d));
      expect(value('system.disk.operations', a('read'))).toBe(prom.get('node_disk_reads_completed_total', d));
      expect(value('system.disk.operations', a('write'))).toBe(prom.get('node_disk_writes_completed_total', d));
      expect(value('system.disk.merged', a('read'))).toBe(prom.get('node_disk_reads_merged_total', d));
      expect(value('system.disk.merged', a('write'))).toBe(prom.get('node_disk_writes_merged_total', d));
      expect(value('system.disk.operation_time', a('read'))).toBeCloseTo(prom.get('node_disk_read_time_seconds_total', d), 6);
      expect(value('system.disk.operation_time', a('write'))).toBeCloseTo(prom.get('node_disk_write_time_seconds_total', d), 6);
      expect(value('system.disk.io_time', { 'system.device': device! })).toBeCloseTo(prom.get('node_disk_io_time_seconds_total', d), 6);
    }
    const mounts = prom.all('node_filesystem_size_bytes').filter((s) => s.labels.device_error !== '1');
    expect(mounts.length).toBeGreaterThan(0);
    expect(attrSet('system.filesystem.limit', 'system.filesystem.mountpoint')).toEqual(new Set(mounts.map((s) => s.labels.mountpoint)));
    for (const m of mounts) {
      const l = { device: m.labels.device!, mountpoint: m.labels.mountpoint! };
      const size = m.value;
      const free = prom.get('node_filesystem_free_bytes', l);
      const avail = prom.get('node_filesystem_avail_bytes', l);
      const a = { 'system.device': l.device, 'system.filesystem.mountpoint': l.mountpoint, 'system.filesystem.type': m.labels.fstype! };
      expect(value('system.filesystem.limit', a)).toBe(size);
      expect(value('system.filesystem.usage', { ...a, 'system.filesystem.state': 'used' })).toBe(size - free);
      expect(value('system.filesystem.usage', { ...a, 'system.filesystem.state': 'free' })).toBe(avail);
      expect(value('system.filesystem.usage', { ...a, 'system.filesystem.state': 'reserved' })).toBe(free - avail);
      if (size > 0) expect(value('system.filesystem.utilization', a)).toBeCloseTo((size - free) / size, 12);
      const ro = prom.get('node_filesystem_readonly', l);
      expect(
        attrsOf(
          points('system.filesystem.limit').find((p) => attrsOf(p.attributes)['system.filesystem.mountpoint'] === l.mountpoint)!.attributes,
        )['system.filesystem.mode'],
      ).toBe(ro === 1 ? 'ro' : 'rw');
    }
  });

  it('network values match /metrics', () => {
    const ifaces = new Set(prom.all('node_network_receive_bytes_total').map((s) => s.labels.device));
    expect(attrSet('system.network.io', 'network.interface.name')).toEqual(ifaces);
    const pairs: [string, string][] = [
      ['system.network.io', 'bytes'],
      ['system.network.packet.count', 'packets'],
      ['system.network.packet.dropped', 'drop'],
      ['system.network.errors', 'errs'],
    ];
    for (const device of ifaces) {
      for (const [name, stem] of pairs) {
        for (const [dir, pdir] of [
          ['receive', 'receive'],
          ['transmit', 'transmit'],
        ] as const) {
          expect(value(name, { 'network.interface.name': device!, 'network.io.direction': dir }), `${name} ${device} ${dir}`).toBe(
            prom.get(`node_network_${pdir}_${stem}_total`, { device: device! }),
          );
        }
      }
    }
    const STATES: Record<string, string> = {
      established: 'established',
      syn_sent: 'syn_sent',
      syn_recv: 'syn_received',
      fin_wait1: 'fin_wait_1',
      fin_wait2: 'fin_wait_2',
      time_wait: 'time_wait',
      close: 'closed',
      close_wait: 'close_wait',
      last_ack: 'last_ack',
      listen: 'listen',
      closing: 'closing',
    };
    for (const s of prom.all('node_tcp_connection_states')) {
      expect(
        value('system.network.connection.count', { 'network.connection.state': STATES[s.labels.state!]!, 'network.transport': 'tcp' }),
      ).toBe(s.value);
    }
    // The conntrack table's size and limit (no attributes), where nf_conntrack is loaded.
    for (const [otel, family] of [
      ['system.network.conntrack.count', 'node_nf_conntrack_entries'],
      ['system.network.conntrack.max', 'node_nf_conntrack_entries_limit'],
    ] as const) {
      const s = prom.all(family)[0];
      if (s) expect(value(otel, {}), otel).toBe(s.value);
      else expect(metric(otel), otel).toBeUndefined();
    }
  });

  it('link state and speed match /metrics', () => {
    // Sent exactly for the interfaces that report a link speed (none, on many VMs).
    const withSpeed = prom.all('node_network_speed_bytes').filter((s) => s.value > 0);
    expect(attrSet('hw.network.up', 'hw.id')).toEqual(new Set(withSpeed.map((s) => s.labels.device)));
    for (const p of points('hw.network.up')) {
      const device = String(attrsOf(p.attributes)['hw.id']);
      expect(pointValue(p)).toBe(prom.get('node_network_up', { device }));
      expect(value('hw.network.bandwidth.limit', { 'hw.id': device })).toBe(prom.get('node_network_speed_bytes', { device }));
    }
  });

  if (!options.processes) return;

  it('process counts by state match node_processes_state on /metrics', () => {
    expect(prom.has('node_processes_state')).toBe(true);
    const SEMCONV: Record<string, string> = {
      R: 'running',
      S: 'sleeping',
      D: 'sleeping',
      I: 'sleeping',
      P: 'sleeping',
      W: 'sleeping',
      K: 'sleeping',
      T: 'stopped',
      t: 'stopped',
      Z: 'defunct',
    };
    const want = new Map<string, number>();
    for (const s of prom.all('node_processes_state')) {
      const st = SEMCONV[s.labels.state!];
      if (st) want.set(st, (want.get(st) ?? 0) + s.value);
    }
    expect(attrSet('system.process.count', 'process.state')).toEqual(new Set(want.keys()));
    for (const [st, n] of want) expect(value('system.process.count', { 'process.state': st })).toBe(n);
  });

  it('process groups match namedprocess_namegroup_* on /metrics', () => {
    const groups = snap.readings.process?.groups ?? [];
    expect(groups.length).toBeGreaterThan(0);
    expect(prom.has('namedprocess_namegroup_num_procs')).toBe(true);
    for (const g of groups) {
      const l = { groupname: g.name };
      const a = { 'process.group.name': g.name };
      expect(value('process.count', a)).toBe(prom.get('namedprocess_namegroup_num_procs', l));
      expect(value('process.thread.count', a)).toBe(prom.get('namedprocess_namegroup_num_threads', l));
      expect(value('process.cpu.time', { ...a, 'cpu.mode': 'user' })).toBeCloseTo(
        prom.get('namedprocess_namegroup_cpu_seconds_total', { ...l, mode: 'user' }),
        6,
      );
      expect(value('process.cpu.time', { ...a, 'cpu.mode': 'system' })).toBeCloseTo(
        prom.get('namedprocess_namegroup_cpu_seconds_total', { ...l, mode: 'system' }),
        6,
      );
      expect(value('process.memory.usage', a)).toBe(prom.get('namedprocess_namegroup_memory_bytes', { ...l, memtype: 'resident' }));
      expect(value('process.memory.virtual', a)).toBe(prom.get('namedprocess_namegroup_memory_bytes', { ...l, memtype: 'virtual' }));
      expect(value('process.disk.io', { ...a, 'disk.io.direction': 'read' })).toBe(prom.get('namedprocess_namegroup_read_bytes_total', l));
      expect(value('process.disk.io', { ...a, 'disk.io.direction': 'write' })).toBe(
        prom.get('namedprocess_namegroup_write_bytes_total', l),
      );
      expect(value('process.unix.file_descriptor.count', a)).toBe(prom.get('namedprocess_namegroup_open_filedesc', l));
      expect(value('process.paging.faults', { ...a, 'system.paging.fault.type': 'major' })).toBe(
        prom.get('namedprocess_namegroup_major_page_faults_total', l),
      );
      expect(value('process.paging.faults', { ...a, 'system.paging.fault.type': 'minor' })).toBe(
        prom.get('namedprocess_namegroup_minor_page_faults_total', l),
      );
      expect(value('process.context_switches', { ...a, 'process.context_switch.type': 'voluntary' })).toBe(
        prom.get('namedprocess_namegroup_context_switches_total', { ...l, ctxswitchtype: 'voluntary' }),
      );
      expect(value('process.context_switches', { ...a, 'process.context_switch.type': 'involuntary' })).toBe(
        prom.get('namedprocess_namegroup_context_switches_total', { ...l, ctxswitchtype: 'nonvoluntary' }),
      );
    }
  });
}

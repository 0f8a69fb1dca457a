// hostprobe against node_exporter 1.12.1 on this machine (built by
// .ci/install.d/45-node-exporter.sh; test/helpers/node-exporter.ts), started by the test on
// loopback with its defaults:
// - every node_* family node_exporter serves is served by hostprobe, or listed in
//   EXPECTED_MISSING under the collector that serves it (checked with collect[]); the list is
//   exact in both directions, so a new family fails the test and so does one that lands;
//   the families only hostprobe serves are listed too (HOSTPROBE_ONLY), with their reasons;
// - series by series, hostprobe's value agrees with node_exporter's read at the same moment.
//
// "The same moment": node_exporter is scraped (A), then hostprobe completes a poll, then
// node_exporter is scraped again (B). A counter must then lie in [A, B] exactly; a value
// that can move both ways must lie in [min(A,B), max(A,B)] widened by a per-family
// tolerance; a value that does not move (sizes, MTUs, labels) must be equal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_EXPORTER_DISKSTATS_DEVICE_EXCLUDE } from '../../src/config/schema.js';
import { haveTool } from '../helpers/tools.js';
import { nodeExporter } from '../helpers/node-exporter.js';
import {
  freePort,
  haveCli,
  httpGet,
  parseFamilies,
  runCli,
  sampleKey,
  startAgent,
  startDaemon,
  startNodeExporter,
  waitFor,
  type Daemon,
  type Family,
  type Sample,
} from '../helpers/agent.js';

/** node_* families node_exporter serves that hostprobe never will, and why. */
const NOT_SERVED: Record<string, string> = {
  node_exporter_build_info: "node_exporter's own build info (hostprobe_build_info instead)",
};

/**
 * node_* families node_exporter 1.12.1 serves with its defaults on this machine that
 * hostprobe does not serve yet, by the node_exporter collector that serves them (issue 13;
 * docs/agent.md "node_exporter 1.12 collectors"). Remove a family when it lands.
 */
const EXPECTED_MISSING: Record<string, readonly string[]> = {};

const MEMINFO_ALL =
  "hostprobe serves every /proc/meminfo field, as node_exporter did up to 1.5; 1.12 serves only the fields of procfs' Meminfo struct";

/**
 * node_* families hostprobe serves with its defaults on this machine that node_exporter
 * 1.12.1 does not, and why (docs/agent.md "Differences from node_exporter 1.12"). Exact in
 * both directions, like EXPECTED_MISSING.
 */
const HOSTPROBE_ONLY: Record<string, string> = {
  node_tcp_connection_states: 'tcpstat is on by default in hostprobe, off in node_exporter',
  node_pressure_cpu_stalled_seconds_total: "the cpu 'full' line of /proc/pressure/cpu; node_exporter serves only 'some' for cpu",
  node_memory_Balloon_bytes: MEMINFO_ALL,
  node_memory_FileHugePages_bytes: MEMINFO_ALL,
  node_memory_FilePmdMapped_bytes: MEMINFO_ALL,
  node_memory_Hugetlb_bytes: MEMINFO_ALL,
  node_memory_KReclaimable_bytes: MEMINFO_ALL,
  node_memory_SecPageTables_bytes: MEMINFO_ALL,
};

/** Labels to leave out when matching series (none: hostprobe follows 1.12's label sets). */
const DROP_LABELS: string[] = [];

/** Tolerance for values that move both ways: [absolute, relative]. */
function tolerance(name: string): [number, number] {
  if (name.startsWith('node_memory_')) return [64 * 1024 * 1024, 0.05];
  if (name.startsWith('node_filesystem_avail_bytes') || name.startsWith('node_filesystem_free_bytes')) return [256 * 1024 * 1024, 0.01];
  if (name.startsWith('node_filesystem_files_free')) return [20_000, 0.01];
  if (name.startsWith('node_load')) return [1, 0.5];
  if (name.startsWith('node_procs_')) return [8, 0];
  if (name.startsWith('node_sockstat_')) return [64, 0.25];
  if (name.startsWith('node_tcp_connection_states')) return [16, 0.25];
  if (name.startsWith('node_netstat_')) return [16, 0.01];
  if (name === 'node_filefd_allocated') return [256, 0.1];
  if (name.startsWith('node_entropy_available_bits')) return [256, 0];
  if (name === 'node_time_seconds') return [5, 0];
  if (name.startsWith('node_disk_io_now')) return [16, 0];
  if (name.startsWith('node_vmstat_')) return [0, 0];
  if (name.startsWith('node_cpu_scaling_frequency_hertz') || name.startsWith('node_cpu_frequency_hertz')) return [0, 0.5];
  return [0, 0];
}

/** Families whose series are counters (monotonic) even when untyped. */
function isCounter(f: Family | undefined, name: string): boolean {
  if (f?.type === 'counter') return true;
  return /^node_vmstat_(pg|pswp|oom_kill)/.test(name);
}

const IN_SCOPE = /^node_/;

describe('values agree with node_exporter', () => {
  let ne: Daemon | undefined;
  let hp: Daemon | undefined;
  let nePort = 0;
  let hpPort = 0;
  let A = new Map<string, Family>();
  let B = new Map<string, Family>();
  let H = new Map<string, Family>();

  beforeAll(async () => {
    const bin = nodeExporter();
    if (!haveCli() || !haveTool(bin)) return;
    nePort = await freePort();
    hpPort = await freePort();
    // Both with their defaults: 1.12's device and mount exclusions are hostprobe's.
    ne = startDaemon(bin.path, [`--web.listen-address=127.0.0.1:${nePort}`]);
    hp = startAgent([`--web.listen-address=127.0.0.1:${hpPort}`, '--poll.interval=200ms']);
    await waitFor(
      async () => ((await httpGet(`http://127.0.0.1:${nePort}/metrics`)).status === 200 ? true : undefined),
      30_000,
      'node_exporter',
    );
    await waitFor(
      async () => ((await httpGet(`http://127.0.0.1:${hpPort}/readyz`)).status === 200 ? true : undefined),
      30_000,
      'hostprobe',
    );
    const pollTs = (text: string): number => Number(/^hostprobe_poll_timestamp_seconds (\S+)$/m.exec(text)?.[1] ?? NaN);
    // A, then a hostprobe poll that started after A, then B.
    const a = (await httpGet(`http://127.0.0.1:${nePort}/metrics`)).body;
    const afterA = Date.now() / 1000;
    const h = await waitFor(
      async () => {
        const t = (await httpGet(`http://127.0.0.1:${hpPort}/metrics`)).body;
        return pollTs(t) > afterA ? t : undefined;
      },
      30_000,
      'a hostprobe poll after the first node_exporter scrape',
    );
    const b = (await httpGet(`http://127.0.0.1:${nePort}/metrics`)).body;
    A = parseFamilies(a);
    B = parseFamilies(b);
    H = parseFamilies(h);
  });

  afterAll(async () => {
    await Promise.all([ne?.stop(), hp?.stop()]);
  });

  it('serves every node_* family node_exporter serves by default, but the listed missing ones, and only the listed extra ones', async () => {
    if (!ne) return;
    const listed = new Map(Object.entries(EXPECTED_MISSING).flatMap(([c, names]) => names.map((n) => [n, c] as const)));
    const problems: string[] = [];
    for (const n of A.keys()) {
      if (!IN_SCOPE.test(n) || H.has(n) || NOT_SERVED[n] || listed.has(n)) continue;
      problems.push(`${n}: served by node_exporter, not by hostprobe, and not in EXPECTED_MISSING`);
    }
    for (const [n, c] of listed) {
      if (H.has(n)) problems.push(`${n} (${c}): hostprobe serves it now; remove it from EXPECTED_MISSING`);
      else if (!A.has(n)) problems.push(`${n} (${c}): node_exporter does not serve it here; remove it from EXPECTED_MISSING`);
    }
    for (const n of H.keys()) {
      if (!IN_SCOPE.test(n) || A.has(n) || n.startsWith('node_scrape_collector_') || HOSTPROBE_ONLY[n]) continue;
      problems.push(`${n}: served by hostprobe, not by node_exporter 1.12.1, and not in HOSTPROBE_ONLY`);
    }
    for (const n of Object.keys(HOSTPROBE_ONLY)) {
      if (!H.has(n)) problems.push(`${n}: in HOSTPROBE_ONLY but hostprobe does not serve it here`);
      else if (A.has(n)) problems.push(`${n}: in HOSTPROBE_ONLY but node_exporter serves it too`);
    }
    expect(problems).toEqual([]);
    // Each listed family is tagged with the collector that serves it.
    for (const [c, names] of Object.entries(EXPECTED_MISSING)) {
      const r = await httpGet(`http://127.0.0.1:${nePort}/metrics?collect[]=${c}`);
      expect(r.status, `collect[]=${c}`).toBe(200);
      const fams = parseFamilies(r.body);
      for (const n of names) expect(fams.has(n), `${n} comes from node_exporter's ${c} collector`).toBe(true);
    }
    // Same type for every shared family (node_exporter's untyped vmstat/netstat included).
    const typeDiff = [...A.values()]
      .filter((f) => IN_SCOPE.test(f.name) && H.has(f.name) && H.get(f.name)?.type !== f.type)
      .map((f) => `${f.name}: node_exporter ${f.type}, hostprobe ${H.get(f.name)?.type}`);
    expect(typeDiff).toEqual([]);
    // And the same HELP text.
    const helpDiff = [...A.values()]
      .filter((f) => IN_SCOPE.test(f.name) && H.has(f.name) && H.get(f.name)?.help !== f.help)
      .map((f) => `${f.name}: node_exporter ${JSON.stringify(f.help)}, hostprobe ${JSON.stringify(H.get(f.name)?.help)}`);
    expect(helpDiff).toEqual([]);
  });

  it('agrees series by series, within tolerances for values that move', () => {
    if (!ne) return;
    const index = (fams: Map<string, Family>): Map<string, Sample> => {
      const m = new Map<string, Sample>();
      for (const f of fams.values()) for (const s of f.samples) m.set(sampleKey(s, DROP_LABELS), s);
      return m;
    };
    const a = index(A);
    const b = index(B);
    const h = index(H);
    const problems: string[] = [];
    const compared = new Set<string>();
    let n = 0;
    for (const [key, sa] of a) {
      if (!IN_SCOPE.test(sa.name) || sa.name === 'node_scrape_collector_duration_seconds' || sa.name === 'node_scrape_collector_success')
        continue;
      const sh = h.get(key);
      const sb = b.get(key);
      if (!sh || !sb) continue;
      n++;
      compared.add(sa.name);
      const fam = A.get(sa.name) ?? [...A.values()].find((f) => sa.name.startsWith(f.name));
      const lo = Math.min(sa.value, sb.value);
      const hi = Math.max(sa.value, sb.value);
      let ok: boolean;
      if (isCounter(fam, sa.name)) {
        ok = sh.value >= lo - 1e-9 && sh.value <= hi + 1e-9;
      } else {
        const [abs, rel] = tolerance(sa.name);
        const tol = Math.max(abs, rel * Math.abs(hi));
        ok = sh.value >= lo - tol && sh.value <= hi + tol;
      }
      if (!ok) problems.push(`${key}: node_exporter ${sa.value} .. ${sb.value}, hostprobe ${sh.value}`);
    }
    expect(problems).toEqual([]);
    expect(n).toBeGreaterThan(200);
    for (const must of [
      'node_cpu_seconds_total',
      'node_context_switches_total',
      'node_intr_total',
      'node_forks_total',
      'node_boot_time_seconds',
      'node_load1',
      'node_memory_MemTotal_bytes',
      'node_memory_MemAvailable_bytes',
      'node_memory_HugePages_Total',
      'node_vmstat_pgfault',
      'node_filesystem_size_bytes',
      'node_filesystem_avail_bytes',
      'node_filesystem_readonly',
      'node_disk_read_bytes_total',
      'node_disk_io_time_seconds_total',
      'node_network_receive_bytes_total',
      'node_network_transmit_packets_total',
      'node_network_up',
      'node_network_mtu_bytes',
      'node_network_info',
      'node_sockstat_sockets_used',
      'node_netstat_Tcp_InSegs',
      'node_uname_info',
      'node_time_seconds',
      'node_os_info',
      'node_filefd_maximum',
    ]) {
      expect(compared, `${must} compared`).toContain(must);
    }
  });

  it('uses the same label values for the info metrics the dashboards select on', () => {
    if (!ne) return;
    const labelsOf = (fams: Map<string, Family>, name: string): string[] =>
      (fams.get(name)?.samples ?? []).map((s) => sampleKey(s, DROP_LABELS)).sort();
    for (const name of ['node_uname_info', 'node_os_info', 'node_network_info', 'node_time_zone_offset_seconds']) {
      expect(labelsOf(H, name), name).toEqual(labelsOf(A, name));
    }
    const devs = (fams: Map<string, Family>, name: string): string[] =>
      [
        ...new Set((fams.get(name)?.samples ?? []).map((s) => `${s.labels.device}|${s.labels.mountpoint ?? ''}|${s.labels.fstype ?? ''}`)),
      ].sort();
    for (const name of [
      'node_filesystem_size_bytes',
      'node_disk_reads_completed_total',
      'node_network_receive_bytes_total',
      'node_cpu_seconds_total',
    ]) {
      expect(devs(H, name), name).toEqual(devs(A, name));
    }
  });
});

// The block device facts (sysfs rotational/slaves, udev's database) on the golden fixture
// tree, where both read the same crafted files: node_disk_info's udev labels and the
// node_disk_{filesystem,device_mapper,ata}_* families must be node_exporter's.
describe('udev-derived disk families agree with node_exporter on the fixture tree', () => {
  const FIX = 'test/fixtures/agent-e2e';
  const paths = [
    `--path.procfs=${FIX}/proc`,
    `--path.sysfs=${FIX}/sys`,
    `--path.rootfs=${FIX}/root`,
    `--path.udev.data=${FIX}/root/run/udev/data`,
  ];
  let ne: Daemon | undefined;
  let N = new Map<string, Family>();
  let H = new Map<string, Family>();

  beforeAll(async () => {
    const bin = nodeExporter();
    if (!haveCli() || !haveTool(bin)) return;
    const port = await freePort();
    ne = startNodeExporter(bin.path, port, [...paths, `--collector.diskstats.device-exclude=${NODE_EXPORTER_DISKSTATS_DEVICE_EXCLUDE}`]);
    const text = await waitFor(
      async () => {
        const r = await httpGet(`http://127.0.0.1:${port}/metrics`);
        return r.status === 200 ? r.body : undefined;
      },
      30_000,
      'node_exporter',
    );
    N = parseFamilies(text);
    const ours = runCli(['metrics', ...paths]);
    expect(ours.status, ours.stderr).toBe(0);
    H = parseFamilies(ours.stdout);
  });

  afterAll(async () => {
    await ne?.stop();
  });

  it('serves the same series with the same labels and values', () => {
    if (!ne) return;
    for (const name of [
      'node_disk_info',
      'node_disk_filesystem_info',
      'node_disk_device_mapper_info',
      'node_disk_ata_write_cache',
      'node_disk_ata_write_cache_enabled',
      'node_disk_ata_rotation_rate_rpm',
    ]) {
      const theirs = N.get(name)?.samples ?? [];
      const ours = new Map((H.get(name)?.samples ?? []).map((s) => [sampleKey(s), s]));
      expect(theirs.length, name).toBeGreaterThan(0);
      expect([...ours.keys()].sort(), name).toEqual(theirs.map((s) => sampleKey(s)).sort());
      for (const t of theirs) expect(ours.get(sampleKey(t))?.value, sampleKey(t)).toBe(t.value);
    }
  });
});

// The textfile collector over the same directory (test/fixtures/textfile/a: a good file, a
// broken one, one with timestamps, a non-.prom file): the same families, HELP, TYPE, series
// order and values, node_textfile_mtime_seconds and node_textfile_scrape_error.
describe('textfile metrics agree with node_exporter', () => {
  const dir = 'test/fixtures/textfile/a';
  const flags = ['--collector.disable-defaults', '--collector.textfile', `--collector.textfile.directory=${dir}`];
  let ne: Daemon | undefined;
  let theirs = '';
  let ours = '';

  beforeAll(async () => {
    const bin = nodeExporter();
    if (!haveCli() || !haveTool(bin)) return;
    const port = await freePort();
    ne = startDaemon(bin.path, [`--web.listen-address=127.0.0.1:${port}`, ...flags]);
    theirs = await waitFor(
      async () => {
        const r = await httpGet(`http://127.0.0.1:${port}/metrics`);
        return r.status === 200 ? r.body : undefined;
      },
      30_000,
      'node_exporter',
    );
    const r = runCli(['metrics', ...flags]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('broken.prom');
    ours = r.stdout;
  });

  afterAll(async () => {
    await ne?.stop();
  });

  it('renders the files exactly as node_exporter does', () => {
    if (!ne) return;
    // Everything but each exporter's own metrics.
    const OWN = /^(?:# (?:HELP|TYPE) )?(?:go_|process_|promhttp_|node_exporter_|node_scrape_|hostprobe_|nodejs_)/;
    const lines = (text: string): string[] => text.split('\n').filter((l) => l && !OWN.test(l));
    const want = lines(theirs);
    expect(want.some((l) => l.startsWith('job_duration_seconds_bucket'))).toBe(true);
    expect(want).toContain('node_textfile_scrape_error 1');
    expect(lines(ours)).toEqual(want);
  });
});

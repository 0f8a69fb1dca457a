// node_exporter's own end-to-end test, run against hostprobe. node_exporter 1.12.1's module
// source (collector/fixtures: proc/, sys.ttar, udev.ttar, textfile/, ...; end-to-end-test.sh;
// the expected output collector/fixtures/e2e-output.txt) comes from the Go module cache
// (`go mod download`, .ci/install.d/45-node-exporter.sh). The fixture tree is unpacked into a
// temporary directory laid out as in the module, and:
// - node_exporter 1.12.1 runs over it with the flags of end-to-end-test.sh (read from the
//   script) and must reproduce e2e-output.txt exactly, as the script checks: the tree and the
//   flags are its own, so the comparison below does not rest on a stored file alone;
// - hostprobe runs over the same tree with the same flags (it takes node_exporter's flags;
//   those of collectors it lacks are accepted with a warning), plus HOSTPROBE_EQUIVALENTS;
// - family by family, every node_* family hostprobe serves must equal node_exporter's live
//   output and e2e-output.txt: HELP, TYPE, the same label sets and the same values (sample
//   order aside, see docs/agent.md "Differences from node_exporter 1.12"), unless listed in
//   KEPT_DIFFERENCES with its reason;
// - every family of a collector node_exporter enables by default that hostprobe does not
//   serve is listed in EXPECTED_MISSING (by collector); the list must be exact in both
//   directions, so it shrinks as collectors land.
// Which collector a family belongs to is asked of node_exporter itself (collect[]=<name>).
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOREIGN_COLLECTORS, NODE_EXPORTER_COLLECTORS, parseAgentFlags } from '../../src/config/flags.js';
import {
  CLI,
  freePort,
  haveCli,
  httpGet,
  parseFamilies,
  sampleKey,
  startDaemon,
  waitFor,
  type Daemon,
  type Family,
} from '../helpers/agent.js';
import {
  endToEndFlags,
  nodeExporter,
  nodeExporterCollectors,
  nodeExporterModule,
  prepareFixtureTree,
  unpackTtar,
  type EndToEndFlags,
} from '../helpers/node-exporter.js';
import { haveTool } from '../helpers/tools.js';

/**
 * Flags hostprobe gets on top of end-to-end-test.sh's, where its defaults or sources differ
 * from node_exporter's, so that both collect the same thing.
 */
const HOSTPROBE_EQUIVALENTS: Record<string, string> = {
  '--no-collector.tcpstat': 'tcpstat is on by default in hostprobe, off in node_exporter (the script does not enable it)',
  '--no-collector.netdev':
    "node_exporter's netdev reads the running kernel over netlink (--collector.netdev.netlink, default on), not the tree: " +
    'the fixtures have no proc/net/dev, and its node_network_*_total series in e2e-output.txt are the lo of the machine ' +
    'that generated it. hostprobe reads <procfs>/net/dev; netdev is compared live in test/e2e/node-exporter.test.ts',
};

/** Collectors whose families cannot be compared on the fixture tree (see HOSTPROBE_EQUIVALENTS). */
const NOT_ON_FIXTURES: Record<string, string> = {
  netdev: 'reads the live kernel over netlink, not the fixture tree',
};

/** Families hostprobe serves differently on purpose, and why (docs/agent.md mirrors this). */
const KEPT_DIFFERENCES: Record<string, string> = {
  node_scrape_collector_success:
    "label collector: hostprobe's collectors (cpu, mem, disk, net, nic, host, process, textfile), each covering several of node_exporter's",
  node_processes_threads_state:
    'a single-threaded process is counted from its own stat without listing <pid>/task (one directory read less per process); ' +
    "node_exporter counts only what task/ lists, and the fixture's processes have no task/ directory, so it serves no sample. " +
    'On a live system both are the same',
};

/** node_* families hostprobe serves that node_exporter 1.12.1 does not have, and why. */
const HOSTPROBE_ONLY: Record<string, string> = {
  node_pressure_cpu_stalled_seconds_total:
    "the cpu 'full' line of /proc/pressure/cpu (Linux 5.13+); node_exporter serves only 'some' for cpu",
  node_disk_device_mapper_backing_device_info: "a device mapper device's slaves (<sysfs>/block/dm-N/slaves), one series each",
};

/**
 * Families of node_exporter's default collectors in e2e-output.txt that hostprobe does not
 * serve yet, by collector: 'all' for a collector hostprobe does not have at all, or the
 * families still missing from one it has in part.
 */
const EXPECTED_MISSING: Record<string, 'all' | readonly string[]> = {
  bcache: 'all',
  bcachefs: 'all',
  btrfs: 'all',
  cpu: [
    // With --collector.cpu.info, node_exporter also serves the cpuinfo "cpu MHz" as
    // node_cpu_frequency_hertz{package,core,cpu}, the name cpufreq uses with {cpu} only: one
    // family with two label sets. hostprobe keeps cpufreq's (docs/agent.md, differences).
    'node_cpu_frequency_hertz',
  ],
  dmmultipath: 'all',
  infiniband: 'all',
  ipvs: 'all',
  nfs: 'all',
  nfsd: 'all',
  nvme: 'all',
  tapestats: 'all',
  xfs: 'all',
  zfs: 'all',
};

/** Collectors node_exporter has off by default that the script enables and hostprobe does not have. */
const OPTIONAL_NOT_IMPLEMENTED: readonly string[] = [
  'buddyinfo',
  'cgroups',
  'cpu_vulnerabilities',
  'drbd',
  'interrupts',
  'ksmd',
  'lnstat',
  'meminfo_numa',
  'mountstats',
  'pcidevice',
  'qdisc',
  'slabinfo',
  'softirqs',
  'sysctl',
  'wifi',
  'xfrm',
  'zoneinfo',
];

/** Values equal as numbers; rounding of the last bit aside (node_exporter scales with * 0.001 where hostprobe divides). */
function sameValue(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  return Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
}

/** Tolerances for values that depend on the moment, not the tree: [absolute]. */
const MOMENT: Record<string, number> = { node_time_seconds: 600 };

/** What differs between two families, or [] when they are the same. */
function familyDiff(theirs: Family, ours: Family): string[] {
  const out: string[] = [];
  if (theirs.help !== ours.help) out.push(`HELP ${JSON.stringify(ours.help)}, want ${JSON.stringify(theirs.help)}`);
  if (theirs.type !== ours.type) out.push(`TYPE ${ours.type}, want ${theirs.type}`);
  const index = (f: Family): Map<string, number> => new Map(f.samples.map((s) => [sampleKey(s), s.value]));
  const t = index(theirs);
  const o = index(ours);
  for (const [k, v] of t) {
    const w = o.get(k);
    if (w === undefined) out.push(`missing ${k}`);
    else if (!sameValue(v, w) && !(MOMENT[theirs.name] !== undefined && Math.abs(v - w) <= (MOMENT[theirs.name] as number)))
      out.push(`${k} = ${w}, want ${v}`);
  }
  for (const k of o.keys()) if (!t.has(k)) out.push(`extra ${k}`);
  return out;
}

/** node_* families with samples; the scrape durations and node_exporter's build info are no collector's. */
const served = (fams: Map<string, Family>): Map<string, Family> =>
  new Map(
    [...fams].filter(
      ([n, f]) =>
        n.startsWith('node_') && f.samples.length > 0 && n !== 'node_scrape_collector_duration_seconds' && n !== 'node_exporter_build_info',
    ),
  );

describe('node_exporter 1.12.1 end-to-end fixtures: hostprobe against node_exporter', () => {
  let root = '';
  let ne: Daemon | undefined;
  let flags: EndToEndFlags;
  let liveText = '';
  let defaults = new Map<string, boolean>();
  /** node_exporter's families: live over the tree, and e2e-output.txt. */
  let N = new Map<string, Family>();
  let E = new Map<string, Family>();
  let H = new Map<string, Family>();
  /** family -> node_exporter collector. */
  const owner = new Map<string, string>();
  let hpStderr = '';
  /** The collectors node_exporter runs with the script's flags. */
  let ran: string[] = [];

  beforeAll(async () => {
    const bin = nodeExporter();
    const mod = nodeExporterModule();
    if (!haveCli() || !haveTool(bin) || !haveTool(mod)) return;
    defaults = nodeExporterCollectors(bin.path);
    flags = endToEndFlags(mod.path);
    root = mkdtempSync(join(tmpdir(), 'hostprobe-ne-e2e-'));
    prepareFixtureTree(mod.path, root);
    const port = await freePort();
    ne = startDaemon(bin.path, [...flags.args, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], {}, root);
    const url = `http://127.0.0.1:${port}/metrics`;
    liveText = await waitFor(
      async () => {
        const r = await httpGet(url);
        return r.status === 200 ? r.body : undefined;
      },
      60_000,
      `node_exporter over ${root}`,
    );
    N = parseFamilies(liveText);
    E = parseFamilies(readFileSync(flags.expectedFile, 'utf8'));
    // The script adds its collectors to node_exporter's defaults (it does not disable them).
    ran = [...new Set([...flags.enabled, ...[...defaults].filter(([c, on]) => on && !flags.disabled.includes(c)).map(([c]) => c)])].sort();
    for (const c of ran) {
      const r = await httpGet(`${url}?collect[]=${c}`);
      expect(r.status, `collect[]=${c}: ${r.body}`).toBe(200);
      for (const n of served(parseFamilies(r.body)).keys()) if (!n.startsWith('node_scrape_collector_')) owner.set(n, c);
    }
    const r = spawnSync(process.execPath, [CLI, 'metrics', ...flags.args, ...Object.keys(HOSTPROBE_EQUIVALENTS)], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 120_000,
    });
    hpStderr = r.stderr;
    expect(r.status, r.stderr).toBe(0);
    H = parseFamilies(r.stdout);
  }, 300_000);

  afterAll(async () => {
    await ne?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('node_exporter 1.12.1 over the unpacked tree reproduces e2e-output.txt, as end-to-end-test.sh checks', () => {
    if (!ne) return;
    const got = liveText
      .split('\n')
      .filter((l) => !flags.skip.test(l))
      .join('\n');
    expect(got).toBe(readFileSync(flags.expectedFile, 'utf8'));
  });

  it("the script's collectors are the ones in the expected output, and every collector there is node_exporter's", () => {
    if (!ne) return;
    const inOutput = (E.get('node_scrape_collector_success')?.samples ?? []).map((s) => s.labels.collector as string).sort();
    expect(inOutput).toEqual(ran);
    for (const c of [...flags.enabled, ...flags.disabled]) expect(defaults.has(c), c).toBe(true);
  });

  it('hostprobe runs with the same flags: collectors it lacks are named in one warning each, and nothing fails', () => {
    if (!ne) return;
    for (const c of flags.enabled.filter((x) => FOREIGN_COLLECTORS.includes(x))) {
      // Warned once each, by node_exporter's name.
      expect(hpStderr).toContain(`--collector.${c}: node_exporter's ${c} collector is not provided by hostprobe; ignored`);
    }
    const failed = (H.get('node_scrape_collector_success')?.samples ?? []).filter((s) => s.value !== 1).map((s) => s.labels.collector);
    expect(failed, hpStderr).toEqual([]);
  });

  it("every node_* family hostprobe serves is node_exporter's, sample for sample (HELP, TYPE, labels, values)", () => {
    if (!ne) return;
    const NS = served(N);
    const problems: string[] = [];
    for (const [name, ours] of served(H)) {
      if (HOSTPROBE_ONLY[name]) {
        if (NS.has(name)) problems.push(`${name}: listed in HOSTPROBE_ONLY but node_exporter serves it`);
        continue;
      }
      const live = NS.get(name);
      const stored = E.get(name);
      const d = live ? familyDiff(live, ours) : ['not served by node_exporter'];
      const ds = stored && stored.samples.length > 0 ? familyDiff(stored, ours) : [];
      if (KEPT_DIFFERENCES[name]) {
        if (d.length === 0 && ds.length === 0) problems.push(`${name}: listed in KEPT_DIFFERENCES but now the same (remove it)`);
        continue;
      }
      if (!live) {
        problems.push(`${name}: hostprobe serves it, node_exporter 1.12.1 does not (list it in HOSTPROBE_ONLY with a reason)`);
        continue;
      }
      for (const x of d) problems.push(`${name} (live): ${x}`);
      for (const x of ds) problems.push(`${name} (e2e-output.txt): ${x}`);
    }
    for (const name of Object.keys(KEPT_DIFFERENCES)) if (!H.has(name)) problems.push(`${name}: in KEPT_DIFFERENCES but not served`);
    expect(problems).toEqual([]);
  });

  it('families of default collectors hostprobe does not serve are exactly EXPECTED_MISSING', () => {
    if (!ne) return;
    const HS = served(H);
    const missing = new Map<string, string[]>();
    for (const name of served(E).keys()) {
      if (name.startsWith('node_scrape_collector_') || HS.has(name)) continue;
      const c = owner.get(name);
      if (!c) throw new Error(`${name}: no collector of node_exporter serves it with collect[]`);
      if (NOT_ON_FIXTURES[c]) continue;
      if (!missing.has(c)) missing.set(c, []);
      missing.get(c)?.push(name);
    }
    const problems: string[] = [];
    const byCollector = new Map<string, string[]>();
    for (const [n, c] of owner) if (served(E).has(n)) byCollector.set(c, [...(byCollector.get(c) ?? []), n]);
    for (const [c, names] of missing) {
      const implemented = NODE_EXPORTER_COLLECTORS[c] !== undefined;
      if (!defaults.get(c)) {
        if (implemented) problems.push(`${c} (off by default, implemented): missing ${names.join(', ')}`);
        else if (!OPTIONAL_NOT_IMPLEMENTED.includes(c)) problems.push(`${c} (off by default): add to OPTIONAL_NOT_IMPLEMENTED`);
        continue;
      }
      const listed = EXPECTED_MISSING[c];
      if (listed === 'all') {
        if (names.length !== (byCollector.get(c) ?? []).length)
          problems.push(`${c}: listed as 'all' missing, but hostprobe serves some of its families now (list the rest)`);
        continue;
      }
      const want = new Set(listed ?? []);
      for (const n of names) if (!want.has(n)) problems.push(`${c}: ${n} is not served by hostprobe and not in EXPECTED_MISSING`);
    }
    for (const [c, listed] of Object.entries(EXPECTED_MISSING)) {
      const have = missing.get(c) ?? [];
      if (listed === 'all') {
        if (have.length === 0) problems.push(`${c}: listed as 'all' missing, but nothing of it is missing (remove it)`);
        continue;
      }
      for (const n of listed)
        if (!have.includes(n))
          problems.push(`${c}: ${n} is in EXPECTED_MISSING but hostprobe serves it now, or it is not in e2e-output.txt (remove it)`);
    }
    for (const c of OPTIONAL_NOT_IMPLEMENTED)
      if (!missing.has(c)) problems.push(`${c}: in OPTIONAL_NOT_IMPLEMENTED but nothing of it is missing`);
    expect(problems).toEqual([]);

    // The counts (docs/agent.md and the report quote them).
    const E_default = [...served(E).keys()].filter(
      (n) => !n.startsWith('node_scrape_collector_') && defaults.get(owner.get(n) ?? '') === true,
    );
    const matched = E_default.filter(
      (n) => HS.has(n) && !KEPT_DIFFERENCES[n] && familyDiff(E.get(n) as Family, HS.get(n) as Family).length === 0,
    );
    const differing = E_default.filter(
      (n) => HS.has(n) && (KEPT_DIFFERENCES[n] || familyDiff(E.get(n) as Family, HS.get(n) as Family).length > 0),
    );
    const notComparable = E_default.filter((n) => NOT_ON_FIXTURES[owner.get(n) ?? '']);
    const miss = E_default.filter((n) => !HS.has(n) && !NOT_ON_FIXTURES[owner.get(n) ?? '']);
    const summary = {
      e2eFamiliesOfDefaultCollectors: E_default.length,
      matchedExactly: matched.length,
      servedDiffering: differing.length,
      notComparableOnFixtures: notComparable.length,
      missing: miss.length,
    };
    console.log(`node_exporter 1.12.1 e2e fixtures: ${JSON.stringify(summary)}`);
    expect(matched.length + differing.length + notComparable.length + miss.length).toBe(E_default.length);
    expect(matched.length).toBeGreaterThan(100);
  });
});

describe('hostprobe accepts node_exporter 1.12.1 flags', () => {
  it("every flag of node_exporter 1.12.1's --help parses (implemented, or accepted with a warning)", () => {
    const bin = nodeExporter();
    if (!haveTool(bin)) return;
    const r = spawnSync(bin.path, ['--help'], { encoding: 'utf8' });
    const help = `${r.stdout}${r.stderr}`;
    const names = [...help.matchAll(/^\s+(?:-[a-z], )?--(\[no-\])?([a-zA-Z0-9._-]+)/gm)].map((m) => ({
      bool: !!m[1],
      name: m[2] as string,
    }));
    expect(names.length).toBeGreaterThan(150);
    const problems: string[] = [];
    const sample: Record<string, string> = {
      'web.listen-address': ':9100',
      'web.telemetry-path': '/metrics',
      'log.level': 'info',
      'log.format': 'logfmt',
    };
    for (const { bool, name } of names) {
      if (['help', 'help-long', 'version'].includes(name)) continue;
      const arg = bool
        ? `--${name}`
        : `--${name}=${sample[name] ?? (/(clude|ignored|fields|exclude)/.test(name) ? '^x$' : /timeout|interval/.test(name) ? '5s' : '1')}`;
      try {
        parseAgentFlags([arg]);
      } catch (e) {
        problems.push(`${arg}: ${(e as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe("the ttar unpacker (test/helpers/node-exporter.ts) is node_exporter's ttar script", () => {
  it('unpacks udev.ttar to the same tree: paths, kinds, modes, contents, symlink targets', () => {
    const mod = nodeExporterModule();
    if (!haveTool(mod)) return;
    const archive = join(mod.path, 'collector', 'fixtures', 'udev.ttar');
    const dir = mkdtempSync(join(tmpdir(), 'hostprobe-ttar-'));
    try {
      const viaScript = join(dir, 'script');
      const viaTs = join(dir, 'ts');
      const r = spawnSync(
        'bash',
        ['-c', `mkdir -p "$1" && bash "$2" -C "$1" -x -f "$3"`, 'ttar', viaScript, join(mod.path, 'ttar'), archive],
        {
          encoding: 'utf8',
          timeout: 120_000,
        },
      );
      expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
      expect(unpackTtar(archive, viaTs)).toBeGreaterThan(5);
      const tree = (root: string): string[] => {
        const out: string[] = [];
        const walk = (rel: string): void => {
          for (const e of readdirSync(join(root, rel)).sort()) {
            const p = rel ? `${rel}/${e}` : e;
            const st = lstatSync(join(root, p));
            const mode = (st.mode & 0o7777).toString(8);
            if (st.isSymbolicLink()) out.push(`${p} -> ${readlinkSync(join(root, p))}`);
            else if (st.isDirectory()) {
              out.push(`${p}/ ${mode}`);
              walk(p);
            } else out.push(`${p} ${mode} ${JSON.stringify(readFileSync(join(root, p), 'latin1'))}`);
          }
        };
        walk('');
        return out;
      };
      expect(tree(viaTs)).toEqual(tree(viaScript));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

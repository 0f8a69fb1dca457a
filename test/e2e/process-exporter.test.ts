// hostprobe's process groups against process-exporter itself (Debian's
// prometheus-process-exporter), with the same process_names config, over the same known
// processes (copies of sleep under a per-run name, node children with a tagged argv):
// - every namedprocess_namegroup_* family process-exporter serves for these groups is served;
// - value by value, hostprobe agrees with process-exporter read around it: counts, states,
//   threads, file descriptors, wait channels and start times equal, memory within a
//   tolerance, counters (context switches summed over threads, as process-exporter does)
//   between the scrape before and the scrape after.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveTool, tool } from '../helpers/tools.js';
import { freePort, haveCli, httpGet, parseFamilies, runCli, sampleKey, startDaemon, waitFor, type Daemon, type Family } from '../agent/helpers.js';

const TAG = `pe${process.pid.toString(36).slice(-3)}${Math.floor(Math.random() * 1296).toString(36)}`;
let dir = '';
const children: ChildProcess[] = [];
let pe: Daemon | undefined;
let A = new Map<string, Family>();
let B = new Map<string, Family>();
let H = new Map<string, Family>();

function start(cmd: string, args: string[]): ChildProcess {
  const c = spawn(cmd, args, { stdio: 'ignore' });
  children.push(c);
  return c;
}

async function execd(c: ChildProcess, argv0: string): Promise<void> {
  await waitFor(() => {
    try {
      return readFileSync(`/proc/${c.pid}/cmdline`, 'utf8').split('\0')[0] === argv0 ? true : undefined;
    } catch {
      return undefined;
    }
  }, 10_000, `pid ${c.pid} to exec ${argv0}`);
}

/** The same process_names for both: process-exporter's file, and our collectors.process.groups. */
const GROUPS = [
  `  - comm: [${TAG}s]`,
  `  - name: "{{.ExeBase}}-{{.Matches.role}}"`,
  `    cmdline: ['--hp-tag=${TAG} --hp-role=(?P<role>\\w+)']`,
];

beforeAll(async () => {
  const bin = tool('prometheus-process-exporter', 'apt-get install prometheus-process-exporter', ['/usr/bin/prometheus-process-exporter']);
  if (!haveCli() || !haveTool(bin)) return;
  dir = mkdtempSync(join(tmpdir(), 'hp-pe-'));
  const sleep = join(dir, `${TAG}s`);
  copyFileSync('/bin/sleep', sleep);
  chmodSync(sleep, 0o755);
  writeFileSync(join(dir, 'pe.yaml'), ['process_names:', ...GROUPS, ''].join('\n'));
  writeFileSync(
    join(dir, 'hp.yaml'),
    [
      'collectors:',
      ...['cpu', 'mem', 'disk', 'net', 'nic', 'host', 'textfile'].map((c) => `  ${c}: {enabled: false}`),
      '  process:',
      '    enabled: true',
      '    processes: {enabled: false}',
      '    groups:',
      ...GROUPS.map((l) => `    ${l}`),
      '',
    ].join('\n'),
  );
  const port = await freePort();
  // No smaps (hostprobe does not serve the proportional memtypes); per-thread metrics on (its default).
  pe = startDaemon(bin.path, [`-web.listen-address=127.0.0.1:${port}`, `-config.path=${join(dir, 'pe.yaml')}`, '-threads=true', '-gather-smaps=false']);
  const get = async (): Promise<string | undefined> => {
    const r = await httpGet(`http://127.0.0.1:${port}/metrics`);
    return r.status === 200 ? r.body : undefined;
  };
  // process-exporter counts a process's whole lifetime only when it starts after its first
  // cycle (one already running when it starts contributes from then on: a documented
  // difference, see docs/process-groups.md). So: its first cycle, then the processes.
  await waitFor(get, 30_000, 'process-exporter');
  const sleepers = [start(sleep, ['1000']), start(sleep, ['1001']), start(sleep, ['1002'])];
  const workers = ['alpha', 'beta'].map((role) =>
    start(process.execPath, ['-e', 'const k = []; setInterval(() => { k.push(Buffer.alloc(1024)); if (k.length > 64) k.length = 0; }, 50)', '--', `--hp-tag=${TAG}`, `--hp-role=${role}`]),
  );
  await Promise.all([...sleepers.map((c) => execd(c, sleep)), ...workers.map((c) => execd(c, process.execPath))]);
  const scrape = (): Promise<string> =>
    waitFor(async () => {
      const body = await get();
      return body?.includes(`groupname="${TAG}s"`) ? body : undefined;
    }, 30_000, 'process-exporter to see the groups');
  A = parseFamilies(await scrape());
  const r = runCli(['metrics', '--config.file', join(dir, 'hp.yaml')]);
  expect(r.status, r.stderr).toBe(0);
  H = parseFamilies(r.stdout);
  B = parseFamilies(await scrape());
}, 60_000);

afterAll(async () => {
  await pe?.stop();
  for (const c of children) c.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const ours = (name: string): boolean => name.startsWith('namedprocess_namegroup_');
const mine = (labels: Record<string, string>): boolean => labels.groupname === `${TAG}s` || labels.groupname?.startsWith('node-') === true;

describe('process groups agree with process-exporter', () => {
  it('serves every namedprocess_namegroup_* family process-exporter serves', () => {
    if (!pe) return;
    const theirs = [...A.keys()].filter(ours).sort();
    expect(theirs.length).toBeGreaterThan(10);
    expect(theirs.filter((n) => !H.has(n))).toEqual([]);
    const typeDiff = theirs.filter((n) => H.get(n)?.type !== A.get(n)?.type).map((n) => `${n}: ${A.get(n)?.type} vs ${H.get(n)?.type}`);
    expect(typeDiff).toEqual([]);
  });

  it('agrees value by value for the same groups', () => {
    if (!pe) return;
    const index = (fams: Map<string, Family>): Map<string, number> => {
      const m = new Map<string, number>();
      for (const f of fams.values()) {
        if (!ours(f.name)) continue;
        for (const s of f.samples) if (mine(s.labels)) m.set(sampleKey(s), s.value);
      }
      return m;
    };
    const a = index(A);
    const b = index(B);
    const h = index(H);
    expect([...a.keys()].filter((k) => k.includes(`groupname="${TAG}s"`)).length).toBeGreaterThan(10);
    const problems: string[] = [];
    let compared = 0;
    for (const [key, va] of a) {
      const vb = b.get(key);
      const vh = h.get(key);
      if (vb === undefined) continue; // a series that appeared or went between the scrapes
      if (vh === undefined) {
        problems.push(`${key}: not served by hostprobe`);
        continue;
      }
      compared++;
      const lo = Math.min(va, vb);
      const hi = Math.max(va, vb);
      const name = key.slice(0, key.indexOf('{') < 0 ? undefined : key.indexOf('{'));
      let tol = 0;
      if (name.endsWith('_total')) tol = name.includes('cpu_seconds') ? 0.011 : 0; // counters: between A and B (cpu in 10 ms ticks)
      // process-exporter sums /proc/<pid>/stat's rss, the kernel's per-CPU approximation of
      // the counters that statm (hostprobe, psutil) sums exactly: tens of pages apart.
      else if (name === 'namedprocess_namegroup_memory_bytes' && key.includes('memtype="resident"')) tol = Math.max(1 << 20, hi * 0.05);
      else if (name === 'namedprocess_namegroup_memory_bytes' && key.includes('node-')) tol = Math.max(4 << 20, hi * 0.05);
      else if (name === 'namedprocess_namegroup_oldest_start_time_seconds') tol = 1; // both from ticks; rounding
      else if (name === 'namedprocess_namegroup_states' && key.includes('node-')) tol = 2; // a worker may be running
      if (name.startsWith('namedprocess_namegroup_thread_') && name.endsWith('_total')) {
        // process-exporter counts a thread from its first sighting on (its first reading is
        // 0); hostprobe counts the thread's whole life (docs/process-groups.md): at least.
        if (!(vh >= lo - tol)) problems.push(`${key}: process-exporter ${va} .. ${vb}, hostprobe ${vh} (below)`);
        continue;
      }
      if (!(vh >= lo - tol && vh <= hi + tol)) problems.push(`${key}: process-exporter ${va} .. ${vb}, hostprobe ${vh}`);
    }
    expect(problems).toEqual([]);
    expect(compared).toBeGreaterThan(30);
    // The per-thread-name families were compared too (the node workers are multi-threaded).
    expect([...a.keys()].filter((k) => k.startsWith('namedprocess_namegroup_thread_count') && h.has(k)).length).toBeGreaterThan(0);
    // The fixed facts of the sleepers.
    expect(h.get(`namedprocess_namegroup_num_procs{groupname="${TAG}s"}`)).toBe(3);
    expect(h.get(`namedprocess_namegroup_num_procs{groupname="node-alpha"}`)).toBe(1);
  });
});

// hostprobe's process groups against process-exporter itself (Debian's
// prometheus-process-exporter), with the same process_names config, over the same known
// processes (copies of sleep under a per-run name, node children with a tagged argv):
// - every namedprocess_namegroup_* family process-exporter serves for these groups is served;
// - value by value, hostprobe agrees with process-exporter read around it: counts, states,
//   threads, file descriptors, wait channels and start times equal, memory within a
//   tolerance, counters (context switches summed over threads, as process-exporter does)
//   between the scrape before and the scrape after.
// The node workers are stopped (SIGSTOP, every thread seen stopped) while the three readings
// are taken, so their states and wait channels are the same in all three: a live worker's
// thread that is running (or waiting for a CPU, on a loaded machine) at one reading has no
// wait channel and another state there.
// The ordering is explicit: process-exporter counts a process's whole life only when the
// start time it computes for it is after its first cycle; the processes are started once
// its clock has passed that cycle, and the test checks they were (see peStartCs).
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveTool, tool } from '../helpers/tools.js';
import {
  freePort,
  haveCli,
  httpGet,
  parseFamilies,
  runCli,
  sampleKey,
  startDaemon,
  waitFor,
  type Daemon,
  type Family,
} from '../helpers/agent.js';

const TAG = `pe${process.pid.toString(36).slice(-3)}${Math.floor(Math.random() * 1296).toString(36)}`;
let dir = '';
const children: ChildProcess[] = [];
let pe: Daemon | undefined;
let A = new Map<string, Family>();
let B = new Map<string, Family>();
let H = new Map<string, Family>();
/** Per group: the earliest start time of its members by process-exporter's clock (centiseconds). */
const started = new Map<string, number>();

function start(cmd: string, args: string[]): ChildProcess {
  const c = spawn(cmd, args, { stdio: 'ignore' });
  children.push(c);
  return c;
}

/**
 * A node worker with a tagged argv, once it runs its script: by then node has started its
 * threads (process-exporter serves the per-thread-name families only for multi-threaded
 * processes; right after exec the worker has one thread).
 */
async function worker(role: string): Promise<ChildProcess> {
  const script =
    "const k = []; setInterval(() => { k.push(Buffer.alloc(1024)); if (k.length > 64) k.length = 0; }, 50); process.stdout.write('ready\\n');";
  const c = spawn(process.execPath, ['-e', script, '--', `--hp-tag=${TAG}`, `--hp-role=${role}`], { stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(c);
  let out = '';
  c.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  await waitFor(
    () => {
      if (out.includes('ready\n')) return true;
      if (c.exitCode !== null || c.signalCode !== null) throw new Error(`it exited (${c.exitCode ?? c.signalCode})`);
      return undefined;
    },
    30_000,
    `node worker ${role} to run its script`,
  );
  return c;
}

/** Stops a process with SIGSTOP and waits until the kernel shows every one of its threads stopped. */
async function freeze(c: ChildProcess): Promise<void> {
  c.kill('SIGSTOP');
  await waitFor(
    () => {
      const states = readdirSync(`/proc/${c.pid}/task`).map((tid) => {
        const stat = readFileSync(`/proc/${c.pid}/task/${tid}/stat`, 'utf8');
        return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      });
      return states.every((st) => st === 'T') ? true : undefined;
    },
    10_000,
    `every thread of pid ${c.pid} to stop`,
  );
}

async function execd(c: ChildProcess, argv0: string): Promise<void> {
  await waitFor(
    () => {
      try {
        return readFileSync(`/proc/${c.pid}/cmdline`, 'utf8').split('\0')[0] === argv0 ? true : undefined;
      } catch {
        return undefined;
      }
    },
    10_000,
    `pid ${c.pid} to exec ${argv0}`,
  );
}

// process-exporter's clock (proc/read.go): a process's start time is /proc/stat's btime
// (whole seconds) plus its stat starttime in 1/100 s (userHZ = 100), so it can lag the wall
// clock by up to a second. In centiseconds since the epoch, integers, no rounding.
function btime(): number {
  const m = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
  if (!m) throw new Error('/proc/stat: no btime line');
  return Number(m[1]);
}
/** process-exporter's start time of a pid, in centiseconds since the epoch. */
function peStartCs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(f[19]); // field 22, starttime
  if (!Number.isInteger(ticks)) throw new Error(`/proc/${pid}/stat: bad starttime in ${JSON.stringify(stat)}`);
  return btime() * 100 + ticks;
}
/** process-exporter's clock now, in centiseconds: a process started later has a start time at least this. */
function peNowCs(): number {
  const up = /^(\d+)\.(\d\d) /.exec(readFileSync('/proc/uptime', 'utf8'));
  if (!up) throw new Error('/proc/uptime: unexpected format');
  return btime() * 100 + Number(up[1]) * 100 + Number(up[2]);
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
  pe = startDaemon(bin.path, [
    `-web.listen-address=127.0.0.1:${port}`,
    `-config.path=${join(dir, 'pe.yaml')}`,
    '-threads=true',
    '-gather-smaps=false',
  ]);
  const get = async (): Promise<string | undefined> => {
    const r = await httpGet(`http://127.0.0.1:${port}/metrics`);
    return r.status === 200 ? r.body : undefined;
  };
  // process-exporter counts a process's whole lifetime only when the start time it computes
  // for it is after its first cycle (proc/tracker.go: StartTime.After(firstUpdateAt)); one
  // that started before contributes only what it does from its first sighting on (a
  // documented difference, see docs/process-groups.md). Its first cycle runs before it
  // listens, so it is over once /metrics answers (t0). Its start times lag the wall clock by
  // up to a second (btime is whole seconds): wait until its clock has passed t0, so the
  // processes started next are, to it, started after its first cycle, whatever the scheduling.
  await waitFor(get, 30_000, 'process-exporter');
  const t0 = Date.now();
  await waitFor(
    () => (peNowCs() * 10 > t0 ? true : undefined),
    10_000,
    "process-exporter's clock (btime + uptime) to pass its first cycle",
  );
  const sleepers = [start(sleep, ['1000']), start(sleep, ['1001']), start(sleep, ['1002'])];
  const workers = await Promise.all(['alpha', 'beta'].map((role) => worker(role)));
  await Promise.all(sleepers.map((c) => execd(c, sleep)));
  // Checked, not assumed: every process started after process-exporter's first cycle, by its clock.
  const groupOf: [ChildProcess, string][] = [
    ...sleepers.map((c): [ChildProcess, string] => [c, `${TAG}s`]),
    ...workers.map((c, i): [ChildProcess, string] => [c, `node-${i ? 'beta' : 'alpha'}`]),
  ];
  for (const [c, group] of groupOf) {
    const st = peStartCs(c.pid as number);
    if (!(st * 10 > t0))
      throw new Error(`pid ${c.pid} starts at ${st * 10} ms by process-exporter's clock, not after its first cycle (before ${t0})`);
    started.set(group, Math.min(st, started.get(group) ?? Infinity));
  }
  await Promise.all(workers.map((c) => freeze(c)));
  const scrape = (): Promise<string> =>
    waitFor(
      async () => {
        const body = await get();
        return body?.includes(`groupname="${TAG}s"`) ? body : undefined;
      },
      30_000,
      'process-exporter to see the groups',
    );
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
  it('computes start times as process-exporter does, so the processes started after its first cycle', () => {
    if (!pe) return;
    // process-exporter's oldest start time is its own clock's, in whole seconds: equal to ours,
    // so the ordering checked in beforeAll holds for it too.
    expect([...started.keys()].sort()).toEqual([`${TAG}s`, 'node-alpha', 'node-beta'].sort());
    for (const [group, cs] of started) {
      expect(
        A.get('namedprocess_namegroup_oldest_start_time_seconds')?.samples.find((s) => s.labels.groupname === group)?.value,
        group,
      ).toBe(Math.floor(cs / 100));
    }
  });

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
      if (name.endsWith('_total'))
        tol = name.includes('cpu_seconds') ? 0.011 : 0; // counters: between A and B (cpu in 10 ms ticks)
      // process-exporter sums /proc/<pid>/stat's rss, the kernel's per-CPU approximation of
      // the counters that statm (hostprobe, psutil) sums exactly: tens of pages apart.
      else if (name === 'namedprocess_namegroup_memory_bytes' && key.includes('memtype="resident"')) tol = Math.max(1 << 20, hi * 0.05);
      else if (name === 'namedprocess_namegroup_memory_bytes' && key.includes('node-')) tol = Math.max(4 << 20, hi * 0.05);
      else if (name === 'namedprocess_namegroup_oldest_start_time_seconds') tol = 1; // both from ticks; rounding
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

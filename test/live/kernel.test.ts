// Live cross-checks of the kernel facts on this machine: adjtimex(2) against Python's ctypes
// call of glibc's adjtimex at the same moment, the small /proc and /sys files against the
// test's own reads, and every family against node_exporter 1.12.1 run with the same
// collectors at the same moment (scrape A, hostprobe poll, scrape B), cpu.info included.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuThrottles, isolatedCpus, kernelHungTasks, schedstat, selinux, timex, type Timex } from '../../src/kernel.js';
import { freePort, haveCli, httpGet, parseFamilies, runCli, startDaemon, waitFor, type Daemon, type Family } from '../helpers/agent.js';
import { haveTool, tool } from '../helpers/tools.js';

/** glibc's struct timex through ctypes (x86_64/aarch64 LP64 layout), as JSON. */
const PY_ADJTIMEX = `
import ctypes, json
L, I = ctypes.c_long, ctypes.c_int
class Timeval(ctypes.Structure):
    _fields_ = [("sec", L), ("usec", L)]
class Timex(ctypes.Structure):
    _fields_ = [("modes", ctypes.c_uint), ("offset", L), ("freq", L), ("maxerror", L), ("esterror", L),
                ("status", I), ("constant", L), ("precision", L), ("tolerance", L), ("time", Timeval),
                ("tick", L), ("ppsfreq", L), ("jitter", L), ("shift", I), ("stabil", L), ("jitcnt", L),
                ("calcnt", L), ("errcnt", L), ("stbcnt", L), ("tai", I), ("pad", I * 11)]
libc = ctypes.CDLL(None, use_errno=True)
t = Timex()
state = libc.adjtimex(ctypes.byref(t))
if state < 0:
    raise OSError(ctypes.get_errno(), "adjtimex")
out = {"state": state}
for f, _ in Timex._fields_:
    if f not in ("modes", "time", "pad"):
        out[f] = getattr(t, f)
print(json.dumps(out))
`;

function pythonTimex(py: string): Timex {
  return JSON.parse(execFileSync(py, ['-c', PY_ADJTIMEX], { encoding: 'utf8' })) as Timex;
}

/** Fields that move while the clock is disciplined (and maxerror, which grows unsynchronised). */
const MOVING = new Set<keyof Timex>([
  'offset',
  'freq',
  'maxerror',
  'esterror',
  'jitter',
  'ppsfreq',
  'stabil',
  'jitcnt',
  'calcnt',
  'errcnt',
  'stbcnt',
]);

describe('timex', () => {
  const python = tool('python3', 'apt-get install python3');

  it("agrees with glibc's adjtimex called from Python just before and after", () => {
    if (!haveTool(python)) return;
    const before = pythonTimex(python.path);
    const ours = timex();
    const after = pythonTimex(python.path);
    expect(Object.keys(ours).sort()).toEqual(Object.keys(before).sort());
    for (const k of Object.keys(ours) as (keyof Timex)[]) {
      if (!MOVING.has(k)) {
        // state, status, constant, precision, tolerance, tick, shift, tai: the same unless the
        // NTP daemon changed them in between, in which case the two Python reads differ too.
        if (before[k] === after[k]) expect(ours[k], k).toBe(before[k]);
        continue;
      }
      const lo = Math.min(before[k], after[k]);
      const hi = Math.max(before[k], after[k]);
      // A disciplined offset/freq may move back and forth between the reads: allow the span.
      const slack = hi - lo;
      expect(ours[k], k).toBeGreaterThanOrEqual(lo - slack);
      expect(ours[k], k).toBeLessThanOrEqual(hi + slack);
    }
  });
});

describe('the small kernel files', () => {
  it('kernelHungTasks is hung_task_detect_count (null without it)', () => {
    const path = '/proc/sys/kernel/hung_task_detect_count';
    if (!existsSync(path)) {
      expect(kernelHungTasks()).toBeNull();
      return;
    }
    const a = Number(readFileSync(path, 'utf8').trim());
    const ours = kernelHungTasks();
    const b = Number(readFileSync(path, 'utf8').trim());
    expect(ours).not.toBeNull();
    expect(ours as number).toBeGreaterThanOrEqual(a);
    expect(ours as number).toBeLessThanOrEqual(b);
  });

  it('schedstat brackets /proc/schedstat read just before and after (null without it)', () => {
    const path = '/proc/schedstat';
    if (!existsSync(path)) {
      expect(schedstat()).toBeNull();
      return;
    }
    const parse = (): Map<string, number[]> => {
      const m = new Map<string, number[]>();
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        const f = line.trim().split(/\s+/);
        const id = /^cpu(\d+)$/.exec(f[0] ?? '')?.[1];
        if (id !== undefined) m.set(id, [Number(f[7]), Number(f[8]), Number(f[9])]);
      }
      return m;
    };
    const a = parse();
    const ours = schedstat() ?? [];
    const b = parse();
    expect(ours.map((c) => c.cpu)).toEqual([...a.keys()]);
    for (const c of ours) {
      const [ra, wa, ta] = a.get(c.cpu) ?? [];
      const [rb, wb, tb] = b.get(c.cpu) ?? [];
      expect(c.runningNs).toBeGreaterThanOrEqual(ra as number);
      expect(c.runningNs).toBeLessThanOrEqual(rb as number);
      expect(c.waitingNs).toBeGreaterThanOrEqual(wa as number);
      expect(c.waitingNs).toBeLessThanOrEqual(wb as number);
      expect(c.timeslices).toBeGreaterThanOrEqual(ta as number);
      expect(c.timeslices).toBeLessThanOrEqual(tb as number);
    }
  });

  it('isolatedCpus is the isolated file expanded; selinux is off without selinuxfs', () => {
    const iso = '/sys/devices/system/cpu/isolated';
    if (existsSync(iso)) {
      const want: number[] = [];
      for (const chunk of readFileSync(iso, 'utf8').trim().split(',').filter(Boolean)) {
        const [a = NaN, b = a] = chunk.split('-').map(Number);
        for (let c = a; c <= b; c++) want.push(c);
      }
      expect(isolatedCpus()).toEqual(want);
    } else {
      expect(isolatedCpus()).toBeNull();
    }
    if (!existsSync('/sys/fs/selinux/enforce')) expect(selinux()).toEqual({ enabled: false, currentMode: -1, configMode: -1 });
    // Throttle counters exist only with thermal_throttle (Intel, bare metal).
    const t = cpuThrottles();
    for (const p of t.packages) expect(Number.isInteger(p.count)).toBe(true);
  });
});

// ---- node_exporter 1.12.1 at the same moment --------------------------------------------

const MINE =
  /^node_(timex_|selinux_|kernel_hung_|schedstat_|cpu_isolated|cpu_core_throttles|cpu_package_throttles|cpu_info|cpu_flag_info|cpu_bug_info|softirqs_total)/;
// cpu.info with every flag and bug of the first CPU, stat with softirq.
const FLAGS = [
  '--collector.disable-defaults',
  ...['timex', 'selinux', 'kernel_hung', 'schedstat', 'cpu', 'stat'].map((c) => `--collector.${c}`),
  '--collector.stat.softirq',
  '--collector.cpu.info',
  '--collector.cpu.info.flags-include=.*',
  '--collector.cpu.info.bugs-include=.*',
];

/** timex values that move between the scrapes (|A-B| is the slack). */
const TIMEX_MOVING = /^node_timex_(offset_seconds|frequency_adjustment_ratio|maxerror_seconds|estimated_error_seconds|pps_)/;

describe('the same families and values as node_exporter 1.12.1', () => {
  const ne = tool('node_exporter', 'go install github.com/prometheus/node_exporter@v1.12.1', [
    join(homedir(), 'go', 'bin', 'node_exporter'),
  ]);
  let daemon: Daemon | undefined;
  let A = new Map<string, Family>();
  let B = new Map<string, Family>();
  let H = new Map<string, Family>();

  beforeAll(async () => {
    if (!haveCli() || !haveTool(ne)) return;
    const port = await freePort();
    daemon = startDaemon(ne.path, [`--web.listen-address=127.0.0.1:${port}`, ...FLAGS]);
    const url = `http://127.0.0.1:${port}/metrics`;
    await waitFor(async () => ((await httpGet(url)).status === 200 ? true : undefined), 30_000, 'node_exporter');
    const a = (await httpGet(url)).body;
    const h = runCli(['metrics', ...FLAGS]);
    expect(h.status, h.stderr).toBe(0);
    const b = (await httpGet(url)).body;
    const mine = (text: string): Map<string, Family> => new Map([...parseFamilies(text)].filter(([n]) => MINE.test(n)));
    A = mine(a);
    B = mine(b);
    H = mine(h.stdout);
  }, 60_000);

  afterAll(async () => {
    await daemon?.stop();
  });

  it('serves the same families with the same HELP, TYPE and label sets', () => {
    if (!daemon) return;
    expect(A.size).toBeGreaterThan(0);
    expect([...H.keys()].sort()).toEqual([...A.keys()].sort());
    for (const [name, f] of A) {
      const h = H.get(name);
      expect(h?.help, name).toBe(f.help);
      expect(h?.type, name).toBe(f.type);
      const keys = (fam: Family | undefined): string[] =>
        (fam?.samples ?? []).map((s) => JSON.stringify(Object.entries(s.labels).sort())).sort();
      expect(keys(h), name).toEqual(keys(f));
    }
  });

  it('values lie between the two node_exporter scrapes', () => {
    if (!daemon) return;
    for (const [name, f] of A) {
      for (const s of f.samples) {
        const key = JSON.stringify(Object.entries(s.labels).sort());
        const find = (fam: Family | undefined): number | undefined =>
          fam?.samples.find((x) => JSON.stringify(Object.entries(x.labels).sort()) === key)?.value;
        const a = s.value;
        const b = find(B.get(name)) ?? a;
        const h = find(H.get(name));
        expect(h, `${name} ${key}`).toBeDefined();
        const lo = Math.min(a, b);
        const hi = Math.max(a, b);
        const slack = TIMEX_MOVING.test(name) ? hi - lo : 0;
        expect(h as number, `${name} ${key}`).toBeGreaterThanOrEqual(lo - slack);
        expect(h as number, `${name} ${key}`).toBeLessThanOrEqual(hi + slack);
      }
    }
  });
});

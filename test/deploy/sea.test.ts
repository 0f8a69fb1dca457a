// The single-file binary (npm run build:sea → build/sea/hostprobe) run the way a host with
// no Node runs it: an empty environment (env -i: no PATH, no HOME), nothing of the checkout
// on any path it looks at. One poll checked against /proc and against the checkout's own
// `metrics`, the agent serving /metrics under its own process name, basic auth (bcrypt on
// worker threads inside the binary), df's statvfs worker process, and the embedded addon's
// temporary file.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, httpGet, parseFamilies, runCli, waitFor } from '../helpers/agent.js';
import { REPO_ROOT } from '../helpers/tools.js';
import { buildSea, SEA_BINARY, SEA_BUILD_TIMEOUT_MS } from '../helpers/sea-build.js';

let built = false;
const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'hostprobe-sea-test-'));
  dirs.push(d);
  return d;
}

beforeAll(() => {
  built = buildSea();
}, SEA_BUILD_TIMEOUT_MS);
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The binary run to completion with exactly `env` (none by default: env -i). */
function sea(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(SEA_BINARY, args, { cwd: '/', env, encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** MemTotal of /proc/meminfo, in bytes. */
function memTotal(): number {
  const m = /^MemTotal:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'));
  if (!m) throw new Error('no MemTotal in /proc/meminfo');
  return Number(m[1]) * 1024;
}

/** collector → value of node_scrape_collector_success. */
function collectorSuccess(text: string): Map<string, number> {
  const fam = parseFamilies(text).get('node_scrape_collector_success');
  return new Map((fam?.samples ?? []).map((s) => [s.labels.collector ?? '', s.value]));
}

describe('the single-file binary (build/sea/hostprobe) with an empty environment', () => {
  it('--version names the package version and the Node inside', () => {
    if (!built) return;
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = sea(['--version']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(`^hostprobe ${pkg.version.replace(/\./g, '\\.')} \\(revision \\w+, node v\\d+\\.\\d+\\.\\d+, linux/\\w+\\)\\n$`),
    );
  });

  it('metrics: one poll of this host, every collector of the checkout succeeding', () => {
    if (!built) return;
    const r = sea(['metrics']);
    expect(r.status, r.stderr).toBe(0);
    const fams = parseFamilies(r.stdout);
    expect(fams.get('node_memory_MemTotal_bytes')?.samples[0]?.value).toBe(memTotal());
    // The bundle holds every module the checkout loads (collectors, renderers, OTLP).
    const fromCheckout = runCli(['metrics']);
    expect(fromCheckout.status, fromCheckout.stderr).toBe(0);
    const want = collectorSuccess(fromCheckout.stdout);
    const got = collectorSuccess(r.stdout);
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [c, v] of got) expect(v, c).toBe(1);
    expect([...fams.keys()].filter((f) => f.startsWith('node_processes_') || f.startsWith('node_cpu_')).length).toBeGreaterThan(0);
  });

  it('reads NODE_OPTIONS, where the systemd unit puts the heap limit', () => {
    if (!built) return;
    expect(sea(['--version'], { NODE_OPTIONS: '--max-old-space-size=96' }).status).toBe(0);
    // An option Node refuses there proves the binary parses the variable at all.
    const bad = sea(['--version'], { NODE_OPTIONS: '--no-such-node-option' });
    expect(bad.status).toBe(9);
    expect(bad.stderr).toContain('--no-such-node-option is not allowed in NODE_OPTIONS');
  });

  it('check-config validates the shipped default config', () => {
    if (!built) return;
    const r = sea(['check-config', join(REPO_ROOT, 'config', 'hostprobe.yaml')]);
    expect(r.status, r.stderr).toBe(0);
  });

  it('df runs its statvfs worker as the binary itself', () => {
    if (!built) return;
    const r = sea(['df']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Device +Total +Used +Free +Use% +Type Mount$/m);
    expect(r.stdout).toMatch(/ \/$/m);
  });

  it('writes the embedded addon to a private file under TMPDIR and removes it at once', () => {
    if (!built) return;
    const dir = tmp();
    const r = sea(['metrics'], { TMPDIR: dir });
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('an unusable TMPDIR stops it at start with one line naming the directory', () => {
    if (!built) return;
    const missing = join(tmp(), 'no-such-dir');
    for (const args of [['metrics'], ['--web.listen-address=127.0.0.1:0']]) {
      const r = sea(args, { TMPDIR: missing });
      expect(r.stdout, args.join(' ')).toBe('');
      expect(r.stderr, args.join(' ')).toMatch(
        new RegExp(`^hostprobe: cannot load the embedded native addon through ${missing}: .*TMPDIR.*\\n$`),
      );
      expect(r.status, args.join(' ')).toBe(1);
    }
  });
});

describe('the single-file binary as the agent', () => {
  let child: ChildProcess | undefined;
  let logs = '';
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  async function start(args: string[]): Promise<ChildProcess> {
    logs = '';
    const c = spawn(SEA_BINARY, args, { cwd: '/', env: {}, stdio: ['ignore', 'pipe', 'pipe'] });
    c.stdout?.on('data', (d: Buffer) => (logs += d.toString()));
    c.stderr?.on('data', (d: Buffer) => (logs += d.toString()));
    child = c;
    return c;
  }

  async function stop(c: ChildProcess): Promise<number | null> {
    if (c.exitCode !== null) return c.exitCode;
    const exited = new Promise<number | null>((resolve) => c.once('exit', (code) => resolve(code)));
    c.kill('SIGTERM');
    return exited;
  }

  it('serves /metrics on loopback, as "hostprobe" in /proc/<pid>/comm with its flags in cmdline; SIGTERM exits 0', async () => {
    if (!built) return;
    const port = await freePort();
    const listen = `--web.listen-address=127.0.0.1:${port}`;
    const c = await start([listen]);
    const r = await waitFor(
      async () => {
        if (c.exitCode !== null) throw new Error(`agent exited ${c.exitCode}: ${logs}`);
        const res = await httpGet(`http://127.0.0.1:${port}/metrics`);
        return res.status === 200 ? res : undefined;
      },
      60_000,
      `/metrics of the binary on :${port}`,
    );
    expect(parseFamilies(r.body).get('node_memory_MemTotal_bytes')?.samples[0]?.value).toBe(memTotal());
    // ps, top and process-exporter read comm; the command line keeps its flags.
    expect(readFileSync(`/proc/${c.pid}/comm`, 'utf8')).toBe('hostprobe\n');
    expect(readFileSync(`/proc/${c.pid}/cmdline`, 'utf8').split('\0')).toContain(listen);
    const ps = spawnSync('ps', ['-o', 'comm=', '-p', String(c.pid)], { encoding: 'utf8' });
    if (!ps.error) expect(ps.stdout.trim()).toBe('hostprobe');
    expect(await stop(c), logs).toBe(0);
  }, 120_000);

  it('basic auth: the bcrypt worker threads run inside the binary', async () => {
    if (!built) return;
    const dir = tmp();
    writeFileSync(join(dir, 'web.yml'), `basic_auth_users:\n  alice: ${bcrypt.hashSync('s3cret', 4)}\n`);
    const port = await freePort();
    const c = await start([`--web.listen-address=127.0.0.1:${port}`, `--web.config.file=${join(dir, 'web.yml')}`]);
    const url = `http://127.0.0.1:${port}/metrics`;
    const basic = (u: string, p: string): Record<string, string> => ({
      Authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`,
    });
    const none = await waitFor(
      async () => {
        if (c.exitCode !== null) throw new Error(`agent exited ${c.exitCode}: ${logs}`);
        return await httpGet(url);
      },
      60_000,
      `the binary on :${port}`,
    );
    expect(none.status).toBe(401);
    expect((await httpGet(url, basic('alice', 'wrong'))).status).toBe(401);
    const ok = await httpGet(url, basic('alice', 's3cret'));
    expect(ok.status, logs).toBe(200);
    expect(ok.body).toMatch(/^node_memory_MemTotal_bytes /m);
    expect(await stop(c), logs).toBe(0);
    expect(logs).not.toMatch(/bcrypt.*(error|fail)/i);
  }, 120_000);
});

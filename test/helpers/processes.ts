// Real processes for the process tests: a sleeper, a zombie (a child whose parent never
// reaps it), a process with a hostile or long name, short-lived process storms, and
// node scripts run as the unprivileged test user or inside a fresh PID namespace.
// Every spawned process is tracked and killed by `cleanupProcesses()`.
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { IN_CI, REPO_ROOT } from './tools.js';

/** The unprivileged user created by .ci/install.d/30-process-tests.sh. */
export const TEST_USER = 'hostprobe-test';

const children = new Set<ChildProcess>();
const tmpDirs: string[] = [];

export interface Spawned {
  pid: number;
  child: ChildProcess;
}

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** The state letter of /proc/<pid>/stat, or null when the process is gone. */
export function stateOf(pid: number): string | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return text[text.lastIndexOf(')') + 2] ?? null;
  } catch {
    return null;
  }
}

/** Polls `cond` every 5 ms until true, or throws after `ms`. */
export async function until(cond: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Waits until the process has exec'd (its comm is no longer node's) and is sleeping. */
async function settled(pid: number, comm?: string): Promise<void> {
  await until(
    () => {
      try {
        const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
        const name = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
        const state = text[text.lastIndexOf(')') + 2];
        return (comm === undefined || name === comm) && (state === 'S' || state === 'Z');
      } catch {
        return false;
      }
    },
    10_000,
    `pid ${pid} to start`,
  );
}

/** A `sleep <seconds>` child (optionally through a different executable path or options). */
export async function spawnSleeper(
  options: { path?: string; seconds?: number; comm?: string; spawn?: SpawnOptions } = {},
): Promise<Spawned> {
  const path = options.path ?? 'sleep';
  const child = track(spawn(path, [String(options.seconds ?? 300)], { stdio: 'ignore', ...options.spawn }));
  if (child.pid === undefined) throw new Error(`could not spawn ${path}`);
  await settled(child.pid, options.comm ?? (options.path ? undefined : 'sleep'));
  return { pid: child.pid, child };
}

/** A fresh temporary directory, removed by cleanupProcesses(). */
export function tempDir(prefix = 'hostprobe-proc-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tmpDirs.push(dir);
  return dir;
}

/**
 * A sleeper whose executable is a symlink named `name` to sleep(1), so that the kernel's
 * comm is `name` cut to 15 characters and cmdline[0] is the symlink's full path.
 */
export async function spawnNamed(name: string, seconds = 300): Promise<Spawned & { path: string }> {
  const dir = tempDir();
  const path = join(dir, name);
  const sleepPath = spawnSync('sh', ['-c', 'command -v sleep'], { encoding: 'utf8' }).stdout.trim();
  symlinkSync(sleepPath, path);
  const s = await spawnSleeper({ path, seconds, comm: name.slice(0, 15) });
  return { ...s, path };
}

/**
 * A zombie: `sh` starts a short `sleep 0.2` in the background and execs `sleep 300`, which
 * never reaps it (the background child exits after the exec, so the shell cannot reap it
 * first). Returns the zombie's pid and its (sleeping) parent.
 */
export async function spawnZombie(): Promise<{ zombie: number; parent: Spawned }> {
  const child = track(spawn('sh', ['-c', 'sleep 0.2 & echo $!; exec sleep 300'], { stdio: ['ignore', 'pipe', 'ignore'] }));
  if (child.pid === undefined) throw new Error('could not spawn sh');
  const line = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('\n')) resolve(buf.trim());
    });
    child.once('exit', () => reject(new Error('zombie parent exited early')));
  });
  const zombie = Number(line);
  await until(() => stateOf(zombie) === 'Z', 10_000, `pid ${zombie} to become a zombie`);
  await settled(child.pid, 'sleep');
  return { zombie, parent: { pid: child.pid, child } };
}

/**
 * `count` shells each running short-lived processes in a loop (fork, exec /bin/true, exit)
 * until stopped: a table full of pids that vanish between listing and reading.
 */
export function startProcessStorm(count = 2): { stop: () => void } {
  const storms: ChildProcess[] = [];
  for (let i = 0; i < count; i++) {
    storms.push(track(spawn('sh', ['-c', 'while :; do /bin/true; /bin/true & done'], { stdio: 'ignore', detached: true })));
  }
  return {
    stop: () => {
      for (const s of storms) {
        try {
          if (s.pid !== undefined) process.kill(-s.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    },
  };
}

/** Kills and reaps every process these helpers started, and removes their temp dirs. */
export async function cleanupProcesses(): Promise<void> {
  const waits: Promise<unknown>[] = [];
  for (const c of children) {
    if (c.exitCode !== null || c.signalCode !== null) continue;
    waits.push(new Promise((r) => c.once('exit', r)));
    try {
      c.kill('SIGKILL');
    } catch {
      // gone
    }
  }
  await Promise.race([Promise.all(waits), new Promise((r) => setTimeout(r, 5000))]);
  children.clear();
  for (const d of tmpDirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

// ------------------------------------------------------------------ child node scripts

/** dist/index.js as an import URL: child scripts use the built library. */
export const DIST_INDEX = pathToFileURL(join(REPO_ROOT, 'dist', 'index.js')).href;

export interface ScriptResult<T> {
  status: number | null;
  stderr: string;
  result: T | undefined;
}

/**
 * Runs an ES module snippet in a child node that imports the built library as `hp`; the
 * snippet's last expression must be awaited into `result`, which is printed as JSON.
 * `prefix` is a command to run node under (unshare, ...); `asUser` drops to that user
 * (setgroups/setgid/setuid) before importing anything.
 */
export function runNodeScript<T>(
  body: string,
  options: { prefix?: string[]; asUser?: { uid: number; gid: number }; timeoutMs?: number } = {},
): ScriptResult<T> {
  const drop = options.asUser
    ? `process.setgroups([]); process.setgid(${options.asUser.gid}); process.setuid(${options.asUser.uid});\n`
    : '';
  const script = `${drop}const hp = await import(${JSON.stringify(DIST_INDEX)});
const result = await (async () => { ${body} })();
process.stdout.write('\\n@@RESULT@@' + JSON.stringify(result));
process.exit(0);
`;
  const argv = [...(options.prefix ?? []), process.execPath, '--input-type=module', '-e', script];
  const r = spawnSync(argv[0] as string, argv.slice(1), {
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const marker = r.stdout?.lastIndexOf('@@RESULT@@') ?? -1;
  const result = marker >= 0 ? (JSON.parse(r.stdout.slice(marker + 10)) as T) : undefined;
  return { status: r.status, stderr: `${r.stderr ?? ''}${r.error ? String(r.error) : ''}`, result };
}

/** uid/gid of the test user, or null (with the reason) when it does not exist. */
export function testUser(): { uid: number; gid: number } | { missing: string } {
  const uid = spawnSync('id', ['-u', TEST_USER], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', TEST_USER], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) {
    return { missing: `user ${TEST_USER} does not exist (run .ci/install.d/30-process-tests.sh as root)` };
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** True when this process can create PID namespaces and write ns_last_pid (root). */
export function canUnsharePid(): { ok: true } | { ok: false; reason: string } {
  if (process.getuid?.() !== 0) return { ok: false, reason: 'not root: cannot create a PID namespace' };
  const r = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true'], { encoding: 'utf8' });
  if (r.status !== 0) return { ok: false, reason: `unshare --pid failed: ${r.stderr || r.error}` };
  return { ok: true };
}

/** Skips (logging why) unless in CI, where a missing capability is a failure. */
export function requireOrSkip(ok: boolean, reason: string): boolean {
  if (ok) return true;
  if (IN_CI) throw new Error(`required for this test in CI: ${reason}`);
  console.warn(`[skip] ${reason}`);
  return false;
}

// Finds the real tools the tests compare against. In CI (CI=true) a missing tool is a
// failure; elsewhere the test is skipped with a message naming the tool and how to get it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES = join(REPO_ROOT, 'test', 'fixtures');
export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

export interface ToolStatus {
  path: string | null;
  /** Why the tool is missing and how to install it. */
  reason: string;
}

function which(name: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const p = r.stdout.trim();
  return r.status === 0 && p ? p : null;
}

const cache = new Map<string, ToolStatus>();

/** A python3 that can `import psutil` (Debian's python3-psutil lives under /usr/bin/python3). */
export function psutilPython(): ToolStatus {
  const hit = cache.get('psutil');
  if (hit) return hit;
  const candidates = [process.env.HOSTPROBE_PYTHON, '/usr/bin/python3', which('python3')].filter((p): p is string => !!p && existsSync(p));
  let status: ToolStatus = { path: null, reason: 'no python3 with psutil (apt-get install python3-psutil)' };
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', 'import psutil'], { encoding: 'utf8' });
    if (r.status === 0) {
      status = { path: py, reason: '' };
      break;
    }
  }
  cache.set('psutil', status);
  return status;
}

/** A command on PATH (or at one of `extra` paths). */
export function tool(name: string, install: string, extra: string[] = []): ToolStatus {
  const hit = cache.get(name);
  if (hit) return hit;
  const found = [...extra.filter((p) => existsSync(p)), which(name)].find((p): p is string => !!p) ?? null;
  const status = { path: found, reason: found ? '' : `${name} not found (${install})` };
  cache.set(name, status);
  return status;
}

/**
 * Returns true when the tool is there. When it is not: throws in CI (so the test fails),
 * and otherwise logs why and returns false so the caller can skip.
 */
export function haveTool(status: ToolStatus): status is ToolStatus & { path: string } {
  if (status.path) return true;
  if (IN_CI) throw new Error(`required test tool missing in CI: ${status.reason}`);
  console.warn(`[skip] ${status.reason}`);
  return false;
}

/** Runs a python snippet with psutil and parses its JSON output. */
export function psutilJson<T>(script: string, env: NodeJS.ProcessEnv = {}): T {
  const py = psutilPython();
  if (!py.path) throw new Error(py.reason);
  const out = execFileSync(py.path, ['-c', `import json, psutil\n${script}`], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out) as T;
}

/** Runs a command and returns its stdout. */
export function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

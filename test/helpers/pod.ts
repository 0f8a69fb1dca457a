// A DaemonSet pod, emulated with Linux namespaces: an outer mount namespace bind-mounts the
// host's /proc, /sys and / read-only under <dir>/host/{proc,sys,root} (so the host never sees
// the binds), then `unshare --mount --pid --fork --mount-proc --net` gives the command its
// own /proc, PID namespace and network namespace (only lo), as a container has.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, tool, type ToolStatus } from './tools.js';

export const unshareTool = (): ToolStatus => tool('unshare', 'apt-get install util-linux');
export const mountTool = (): ToolStatus => tool('mount', 'apt-get install mount');
export const CLI = join(REPO_ROOT, 'dist', 'cli', 'main.js');
export const LIB = join(REPO_ROOT, 'dist', 'index.js');
export const fileStatus = (p: string, how: string): ToolStatus =>
  existsSync(p) ? { path: p, reason: '' } : { path: null, reason: `${p} not found (${how})` };

const isRoot = process.getuid?.() === 0;
/** Bind mounts need CAP_SYS_ADMIN: root, or an unprivileged user namespace. */
export function namespacesStatus(): ToolStatus {
  if (isRoot) return { path: 'root', reason: '' };
  const r = spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'true']);
  return r.status === 0
    ? { path: 'userns', reason: '' }
    : { path: null, reason: 'needs root or unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1)' };
}

const OUTER = `set -euo pipefail
H=$1; shift
mkdir -p "$H/host/proc" "$H/host/sys" "$H/host/root"
mount --rbind /proc "$H/host/proc" && mount -o remount,bind,ro "$H/host/proc"
mount --rbind /sys "$H/host/sys" && mount -o remount,bind,ro "$H/host/sys"
mount --rbind / "$H/host/root" && mount -o remount,bind,ro "$H/host/root"
exec unshare --mount --pid --fork --mount-proc --net "$@"
`;

export class Pod {
  readonly dir = mkdtempSync(join(tmpdir(), 'hostprobe-hostroot-'));
  private readonly files = new Set<string>(['outer.sh']);
  private readonly dirs = new Set<string>(['host/proc', 'host/sys', 'host/root', 'host']);

  /** A file in the pod's directory (removed by cleanup()). */
  file(name: string, content?: string): string {
    this.files.add(name);
    const p = join(this.dir, name);
    if (content !== undefined) writeFileSync(p, content);
    return p;
  }

  /** Runs `argv` inside the pod's namespaces; the host is at <dir>/host/{proc,sys,root}. */
  run(argv: string[], timeoutMs = 180_000): { status: number | null; stdout: string; stderr: string } {
    const outer = this.file('outer.sh', OUTER);
    const ns = isRoot ? ['--mount', '--propagation', 'private'] : ['--user', '--map-root-user', '--mount', '--propagation', 'private'];
    const r = spawnSync(unshareTool().path as string, [...ns, 'bash', outer, this.dir, ...argv], {
      encoding: 'utf8',
      timeout: timeoutMs,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /** Removes what the pod left: files and empty directories (the binds only ever existed in its namespaces). */
  cleanup(extraDirs: string[] = []): void {
    for (const f of this.files) if (existsSync(join(this.dir, f))) unlinkSync(join(this.dir, f));
    for (const d of [...extraDirs, ...this.dirs]) if (existsSync(join(this.dir, d))) rmdirSync(join(this.dir, d));
    if (existsSync(this.dir) && readdirSync(this.dir).length === 0) rmdirSync(this.dir);
  }
}

export interface NetDev {
  rx: number;
  tx: number;
}
export function parseNetDev(text: string): Map<string, NetDev> {
  const out = new Map<string, NetDev>();
  for (const line of text.split('\n').slice(2)) {
    const m = /^\s*([^:\s]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    const f = (m[2] as string).trim().split(/\s+/).map(Number);
    out.set(m[1] as string, { rx: f[0] as number, tx: f[8] as number });
  }
  return out;
}

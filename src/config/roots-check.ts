/**
 * Validation of the three roots (paths.procfs, paths.sysfs, paths.rootfs) before the agent
 * starts or a reload is applied: a root that does not exist or is not what it claims (a
 * DaemonSet hostPath typo, a procfs flag pointing at /host) would otherwise give a /metrics
 * with most families missing and every collector reporting success. One line names the flag
 * (or the config key) and the path; the CLI exits with status 2.
 *
 * The rules (docs/agent.md "Failure semantics"):
 * - procfs: a directory with a regular file `stat` (the kernel's /proc/stat);
 * - sysfs: a directory that is a sysfs mount (statfs magic SYSFS_MAGIC), or that has a
 *   `devices` or `class` directory (fixture trees are plain directories);
 * - rootfs: a directory.
 */
import { statSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import type { Override } from './flags.js';
import type { AgentConfig } from './types.js';
import { ConfigError } from './validate.js';

/** statfs(2) f_type of sysfs (linux/magic.h). */
const SYSFS_MAGIC = 0x62656572;

type RootKey = 'procfs' | 'sysfs' | 'rootfs';

/** A root that failed validation. The message is one line: flag or key, path, reason. */
export class RootError extends ConfigError {
  constructor(
    readonly key: RootKey,
    readonly source: string,
    readonly rootPath: string,
    reason: string,
  ) {
    super([{ file: source, line: 0, col: 0, path: `paths.${key}`, message: reason }]);
    this.name = 'RootError';
    this.message = `${source}=${rootPath}: ${reason}`;
  }
}

function kind(path: string): 'dir' | 'file' | 'other' | 'missing' {
  try {
    const st = statSync(path);
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
  } catch {
    return 'missing';
  }
}

function isSysfsMount(path: string): boolean {
  try {
    return statfsSync(path).type === SYSFS_MAGIC;
  } catch {
    return false;
  }
}

/** Why `path` is not a valid `key` root, or undefined when it is. */
function rootProblem(key: RootKey, path: string): string | undefined {
  const k = kind(path);
  if (k === 'missing') return 'does not exist';
  if (k !== 'dir') return 'is not a directory';
  switch (key) {
    case 'procfs': {
      const stat = kind(join(path, 'stat'));
      if (stat === 'file') return undefined;
      return stat === 'missing' ? 'not a procfs: it has no stat file' : 'not a procfs: its stat is not a regular file';
    }
    case 'sysfs':
      if (isSysfsMount(path) || kind(join(path, 'devices')) === 'dir' || kind(join(path, 'class')) === 'dir') return undefined;
      return 'not a sysfs: not a sysfs mount and it has neither devices/ nor class/';
    case 'rootfs':
      return undefined;
  }
}

/**
 * Checks the config's roots; throws RootError for the first bad one. `overrides` (the
 * command-line flags) name the flag in the message, else the config key `paths.<key>` in
 * `file` (or the built-in default).
 */
export function validateRoots(config: Pick<AgentConfig, 'paths'>, overrides: readonly Override[] = [], file?: string): void {
  for (const key of ['procfs', 'sysfs', 'rootfs'] as const) {
    const path = config.paths[key];
    const problem = rootProblem(key, path);
    if (problem === undefined) continue;
    const flag = [...overrides].reverse().find((o) => o.path.length === 2 && o.path[0] === 'paths' && o.path[1] === key);
    const source = flag ? (flag.flag.split('=')[0] as string) : `${file !== undefined ? `${file}: ` : ''}paths.${key}`;
    throw new RootError(key, source, path, problem);
  }
}

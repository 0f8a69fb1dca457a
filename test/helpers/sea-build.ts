// The single-file binary for the tests: scripts/build-sea.mjs run with this Node (24 in
// CI), which keeps build/sea/hostprobe when its inputs (dist/, the addon, package.json,
// the Node binary) have not changed, so the deploy tests share one build.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { haveCli } from './agent.js';
import { REPO_ROOT } from './tools.js';

export const SEA_BINARY = join(REPO_ROOT, 'build', 'sea', 'hostprobe');
/** Building it: bundling, the blob, copying and injecting ~120 MB (about 10 s here). */
export const SEA_BUILD_TIMEOUT_MS = 240_000;

/** Builds (or reuses) build/sea/hostprobe; false (a skip) only outside CI without a build. */
export function buildSea(): boolean {
  if (!haveCli()) return false;
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build-sea.mjs')], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: SEA_BUILD_TIMEOUT_MS,
  });
  if (r.status !== 0 || !existsSync(SEA_BINARY)) {
    throw new Error(`scripts/build-sea.mjs failed (status ${r.status}, ${r.error?.message ?? 'no spawn error'}):\n${r.stdout}${r.stderr}`);
  }
  return true;
}

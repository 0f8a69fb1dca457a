/**
 * The single-file binary (Node's single executable application, built by
 * scripts/build-sea.mjs): whether this process is one, and the files embedded in it.
 * node:sea is looked up at call time, so this module loads on any Node.
 */
import type * as Sea from 'node:sea';

/** The assets scripts/build-sea.mjs embeds, by key. */
export const SEA_ASSETS = {
  /** build/Release/hostprobe.node */
  addon: 'hostprobe.node',
  /** package.json (the version) */
  packageJson: 'package.json',
  /** bcryptjs as one CommonJS file, for the bcrypt worker threads */
  bcryptjs: 'bcryptjs.cjs',
} as const;

/** True when running as the single-file binary. */
export function isSea(): boolean {
  return process.getBuiltinModule('node:sea')?.isSea() ?? false;
}

function sea(): typeof Sea {
  const m = process.getBuiltinModule('node:sea');
  if (!m?.isSea()) throw new Error('not running as the hostprobe single-file binary');
  return m;
}

/** An embedded text asset (throws naming the key when the binary has none). */
export function seaTextAsset(key: string): string {
  return sea().getAsset(key, 'utf8');
}

/** An embedded binary asset (throws naming the key when the binary has none). */
export function seaRawAsset(key: string): ArrayBuffer {
  return sea().getRawAsset(key);
}

/** Version and build facts for `hostprobe --version`, the landing page and `hostprobe_build_info`. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isSea, SEA_ASSETS, seaTextAsset } from '../sea.js';

export interface BuildInfo {
  readonly version: string;
  /** Git revision when known (HOSTPROBE_REVISION at build or run time), else "unknown". */
  readonly revision: string;
  readonly nodeVersion: string;
  readonly goos: string;
  readonly goarch: string;
}

let cached: BuildInfo | undefined;

/** Reads package.json once (dist/contract and src/contract both sit two levels below the package root). */
export function buildInfo(): BuildInfo {
  if (cached) return cached;
  let version = '0.0.0';
  try {
    // The single-file binary carries package.json as an asset.
    const text = isSea()
      ? seaTextAsset(SEA_ASSETS.packageJson)
      : readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'package.json'), 'utf8');
    const pkg = JSON.parse(text) as {
      version?: string;
    };
    version = pkg.version ?? version;
  } catch {
    // keep the placeholder
  }
  cached = {
    version,
    revision: process.env.HOSTPROBE_REVISION ?? 'unknown',
    nodeVersion: process.version,
    goos: process.platform,
    goarch: process.arch === 'x64' ? 'amd64' : process.arch,
  };
  return cached;
}

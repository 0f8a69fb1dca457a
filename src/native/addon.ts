// Loads the compiled addon once. Each area declares the typed slice of the native
// surface it uses in src/native/<area>.ts; nothing else touches the raw addon.
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isSea, SEA_ASSETS, seaRawAsset } from '../sea.js';

const require = createRequire(import.meta.url);

/** The roots every read takes (the library's Roots has this shape). */
export interface NativeRoots {
  readonly procfs: string;
  readonly sysfs: string;
  readonly rootfs: string;
}

function findAddon(): string {
  // dist/native/addon.js and src/native/addon.ts both sit two levels below the package root.
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const candidates = [
    process.env.HOSTPROBE_ADDON,
    join(root, 'build', 'Release', 'hostprobe.node'),
    join(root, 'build', 'Debug', 'hostprobe.node'),
    // The prebuilt addon the npm package ships (scripts/prebuild.mjs; used without a compiler).
    join(root, 'prebuilds', `${process.platform}-${process.arch}`, 'hostprobe.node'),
  ];
  for (const c of candidates) if (c && existsSync(c)) return c;
  throw new Error(
    `hostprobe: native addon not found (looked in ${candidates.filter(Boolean).join(', ')}); in a checkout run "npm run build", in an installed package "npm rebuild hostprobe"`,
  );
}

/**
 * The single-file binary carries the addon as an asset: it is written to a private
 * directory under TMPDIR (/tmp by default), loaded, and removed at once (the loaded
 * mapping stays valid). The directory's file system must allow executable mappings.
 */
function loadSeaAddon(): Record<string, unknown> {
  let dir: string | undefined;
  try {
    dir = mkdtempSync(join(tmpdir(), 'hostprobe-addon-'));
    const file = join(dir, SEA_ASSETS.addon);
    writeFileSync(file, new Uint8Array(seaRawAsset(SEA_ASSETS.addon)), { mode: 0o500 });
    const m = { exports: {} as Record<string, unknown> };
    process.dlopen(m, file);
    return m.exports;
  } catch (e) {
    throw new Error(
      `hostprobe: cannot load the embedded native addon through ${dir ?? tmpdir()}: ${(e as Error).message} ` +
        '(TMPDIR must name a writable directory on a file system that allows executable mappings)',
      { cause: e },
    );
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/** The raw addon; typed per area by the declarations in src/native/*.ts. */
export const addon: Record<string, unknown> =
  isSea() && !process.env.HOSTPROBE_ADDON ? loadSeaAddon() : (require(findAddon()) as Record<string, unknown>);

/** The typed view of the addon for one area. */
export function nativeSlice<T>(): T {
  return addon as unknown as T;
}

// Loads the compiled addon once. Each area declares the typed slice of the native
// surface it uses in src/native/<area>.ts; nothing else touches the raw addon.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

function findAddon(): string {
  // dist/native/addon.js and src/native/addon.ts both sit two levels below the package root.
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const candidates = [
    process.env.HOSTPROBE_ADDON,
    join(root, 'build', 'Release', 'hostprobe.node'),
    join(root, 'build', 'Debug', 'hostprobe.node'),
  ];
  for (const c of candidates) if (c && existsSync(c)) return c;
  throw new Error(
    `hostprobe: native addon not found (looked in ${candidates.filter(Boolean).join(', ')}); run "npm run build"`,
  );
}

/** The raw addon; typed per area by the declarations in src/native/*.ts. */
export const addon: Record<string, unknown> = require(findAddon()) as Record<string, unknown>;

/** The typed view of the addon for one area. */
export function nativeSlice<T>(): T {
  return addon as unknown as T;
}

// Setup for the sanitizer run (scripts/test-sanitize.sh, vitest.sanitize.config.ts): each
// vitest worker runs with the ASan runtime preloaded (LD_PRELOAD) and HOSTPROBE_ADDON naming
// the ASan+UBSan addon. This checks, per test file, that the sanitized addon and libasan are
// really mapped into the worker and that no second (unsanitized) addon got loaded, so the
// run cannot pass while testing the regular build.
import { readFileSync } from 'node:fs';
import { afterAll } from 'vitest';
import { addon } from '../../src/native/addon.js';

const wanted = process.env.HOSTPROBE_ADDON;
const preload = process.env.LD_PRELOAD;
if (!wanted || !preload || !/libasan/.test(preload)) {
  throw new Error(
    `sanitize-setup: HOSTPROBE_ADDON (${wanted ?? 'unset'}) and LD_PRELOAD with libasan (${preload ?? 'unset'}) ` +
      'must both be set; run scripts/test-sanitize.sh',
  );
}
const addonPath: string = wanted;

function checkLoaded(when: string): void {
  const maps = readFileSync('/proc/self/maps', 'utf8').split('\n');
  const addons = [...new Set(maps.filter((l) => l.endsWith('.node')).map((l) => l.slice(l.indexOf('/'))))];
  if (Object.keys(addon).length === 0 || addons.length !== 1 || addons[0] !== addonPath) {
    throw new Error(`sanitize-setup (${when}): expected only ${addonPath} mapped, found: ${addons.join(', ') || 'none'}`);
  }
  if (!maps.some((l) => /\/libasan\.so/.test(l))) throw new Error(`sanitize-setup (${when}): libasan is not mapped`);
}

checkLoaded('before the tests');
afterAll(() => checkLoaded('after the tests'));

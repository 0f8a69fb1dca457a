#!/usr/bin/env node
// Config validation time against file size (`node bench/config/scaling.mjs`, after
// `npm run build`): the same shapes at 1x, 4x and 16x, each validated a few times; the
// time per kilobyte should stay flat (linear). Shapes: a flat mapping of many labels (the
// YAML parser's own duplicate-key check made this quadratic), many textfile directories
// (a long list), many env references that are unset (one located issue each), and a file
// of many syntax errors.
import { performance } from 'node:perf_hooks';
import { checkConfigText } from '../../dist/config/load.js';

const SHAPES = {
  labels: (n) => 'labels:\n' + Array.from({ length: n }, (_, i) => `  l${i}: v${i}\n`).join(''),
  directories: (n) =>
    'collectors:\n  textfile:\n    directories:\n' + Array.from({ length: n }, (_, i) => `      - /var/lib/d${i}\n`).join(''),
  'unset env': (n) => 'labels:\n' + Array.from({ length: n }, (_, i) => `  l${i}: \${UNSET_${i}}\n`).join(''),
  'syntax errors': (n) => Array.from({ length: n }, (_, i) => `k${i}: [\n`).join(''),
};

const BASE = Number(process.argv[2] ?? 2000);
for (const [name, make] of Object.entries(SHAPES)) {
  const row = [];
  for (const mult of [1, 4, 16]) {
    const text = make(BASE * mult);
    await checkConfigText(text, 'bench.yaml', { env: {} }); // warm-up
    const runs = 3;
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) await checkConfigText(text, 'bench.yaml', { env: {} });
    const ms = (performance.now() - t0) / runs;
    row.push(
      `${mult}x ${(text.length / 1024).toFixed(0)} KiB ${ms.toFixed(1)} ms (${((ms / text.length) * 1024 * 1000).toFixed(0)} us/KiB)`,
    );
  }
  console.log(`${name.padEnd(14)} ${row.join(' | ')}`);
}

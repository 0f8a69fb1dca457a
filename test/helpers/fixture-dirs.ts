// vitest globalSetup: makes the empty directories of the fixture trees (test/fixtures/EMPTY_DIRS),
// which a git checkout does not have, so a fresh clone reads the same trees as the machine the
// fixtures were made on.
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
  for (const line of readFileSync(join(fixtures, 'EMPTY_DIRS'), 'utf8').split('\n')) {
    const rel = line.trim();
    if (rel === '' || rel.startsWith('#')) continue;
    mkdirSync(join(fixtures, rel), { recursive: true });
  }
}

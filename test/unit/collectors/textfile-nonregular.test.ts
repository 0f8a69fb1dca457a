// The textfile collector never blocks and never reads unbounded: a *.prom path that is a
// FIFO (no writer: a plain readFile would wait forever on a libuv thread), a socket, a
// directory named *.prom's sibling, a file over the read limit, or invalid UTF-8 is skipped
// with a logged error naming it and node_textfile_scrape_error 1; the good file is served.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CollectContext } from '../../../src/contract/collector.js';
import { create, TEXTFILE_READ_LIMIT } from '../../../src/collectors/textfile.js';
import { readRegularFileSync, UnreadableFileError } from '../../../src/internal/bounded-read.js';
import type { Logger } from '../../../src/logger.js';

const dir = mkdtempSync(join(tmpdir(), 'hp-textfile-nonreg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function logger(errors: string[]): Logger {
  const l: Logger = {
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: (msg, fields) => errors.push(`${msg} ${JSON.stringify(fields)}`),
    with: () => l,
    setLevel: () => {},
    isEnabled: () => true,
  };
  return l;
}

describe('textfile reads of non-regular, oversized and non-UTF-8 files', () => {
  it('skips each with its reason and serves the good file', async () => {
    writeFileSync(join(dir, 'good.prom'), 'good_metric 1\n');
    expect(spawnSync('mkfifo', [join(dir, 'fifo.prom')]).status).toBe(0);
    const srv = createServer();
    await new Promise<void>((resolve) => srv.listen(join(dir, 'sock.prom'), resolve));
    writeFileSync(join(dir, 'big.prom'), '');
    truncateSync(join(dir, 'big.prom'), TEXTFILE_READ_LIMIT + 1);
    writeFileSync(join(dir, 'latin1.prom'), Buffer.from('bad_metric{city="M\xfcnchen"} 1\n', 'latin1'));
    try {
      const errors: string[] = [];
      const c = create({ enabled: true, directories: [dir] }, logger(errors));
      const r = await c.collect({} as CollectContext<'textfile'>);
      expect(r.error).toBe(true);
      expect(r.families.map((f) => f.name)).toEqual(['good_metric']);
      expect(r.files.map((f) => f.file)).toEqual([join(dir, 'good.prom')]);
      const log = errors.join('\n');
      expect(log).toContain(`${join(dir, 'fifo.prom')}: not a regular file (a FIFO)`);
      expect(log).toContain(`${join(dir, 'sock.prom')}`);
      expect(log).toContain(`${join(dir, 'big.prom')}: larger than the read limit of 64 MiB`);
      expect(log).toContain(`textfile \\"${join(dir, 'latin1.prom')}\\" is not valid UTF-8`);
      expect(errors).toHaveLength(4);
    } finally {
      srv.close();
    }
  });

  it('the synchronous form refuses a FIFO and a directory without blocking, and bounds the size', () => {
    const fifo = join(dir, 'machine-id');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    expect(() => readRegularFileSync(fifo, 4096)).toThrow(UnreadableFileError);
    expect(() => readRegularFileSync(fifo, 4096)).toThrow(`${fifo}: not a regular file (a FIFO)`);
    mkdirSync(join(dir, 'd'));
    expect(() => readRegularFileSync(join(dir, 'd'), 4096)).toThrow('not a regular file (a directory)');
    writeFileSync(join(dir, 'small'), 'x'.repeat(5000));
    expect(() => readRegularFileSync(join(dir, 'small'), 4096)).toThrow('larger than the read limit of 4096 bytes');
    expect(readRegularFileSync(join(dir, 'small'), 5000).length).toBe(5000);
  });
});

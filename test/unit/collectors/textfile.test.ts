// The textfile collector: the text-format parser on crafted input (what expfmt accepts and
// rejects), and the collector over test/fixtures/textfile (a good file, a broken one, one
// with timestamps, a non-.prom file, a glob, conflicts between files, a missing directory).
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CollectContext } from '../../../src/contract/collector.js';
import type { TextfileReading } from '../../../src/contract/snapshot.js';
import { create, expandGlob } from '../../../src/collectors/textfile.js';
import { parseGoFloat, parseTextFormat, TextFormatError } from '../../../src/collectors/textfile/parse.js';
import type { Logger } from '../../../src/logger.js';
import { Exposition } from '../../../src/sinks/prometheus/exposition.js';
import { renderTextfile } from '../../../src/sinks/prometheus/textfile.js';
import { FIXTURES } from '../../helpers/tools.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function errorAt(text: string): TextFormatError {
  try {
    parseTextFormat(text);
  } catch (e) {
    if (e instanceof TextFormatError) return e;
    throw e;
  }
  throw new Error(`no error for ${JSON.stringify(text)}`);
}

describe('parseTextFormat', () => {
  it('reads HELP, TYPE, labels with escapes, Go floats and histogram/summary parts', () => {
    const p = parseTextFormat(
      [
        '# HELP a_total Things.\\nMore \\\\ things.',
        '# TYPE a_total counter',
        'a_total{x="1",y="q\\"uote\\\\ and\\nline"} 3',
        'a_total{ x = "2" , } 4.5e3',
        '# not a HELP line',
        'b NaN',
        'c{l="v"} -Inf',
        'd +inf',
        '# TYPE h histogram',
        'h_bucket{le="0.5"} 1',
        'h_bucket{le="+Inf"} 2',
        'h_sum 0.7',
        'h_count 2',
        '# TYPE s summary',
        's{quantile="0.9"} 0.1',
        's_sum 1',
        's_count 10',
        'h_sum_other 1',
        '',
      ].join('\n'),
    );
    expect(p.hasTimestamps).toBe(false);
    const by = new Map(p.families.map((f) => [f.name, f]));
    expect(by.get('a_total')).toMatchObject({ type: 'counter', help: 'Things.\nMore \\ things.' });
    expect(by.get('a_total')?.samples).toEqual([
      { name: 'a_total', labels: { x: '1', y: 'q"uote\\ and\nline' }, value: 3 },
      { name: 'a_total', labels: { x: '2' }, value: 4500 },
    ]);
    expect(by.get('b')?.samples[0]?.value).toBeNaN();
    expect(by.get('b')).toMatchObject({ type: 'untyped', help: null });
    expect(by.get('c')?.samples[0]?.value).toBe(-Infinity);
    expect(by.get('d')?.samples[0]?.value).toBe(Infinity);
    expect(by.get('h')?.samples.map((s) => s.name)).toEqual(['h_bucket', 'h_bucket', 'h_sum', 'h_count']);
    expect(by.get('s')?.samples.map((s) => s.name)).toEqual(['s', 's_sum', 's_count']);
    expect(by.get('h_sum_other')?.type).toBe('untyped'); // not a histogram part
  });

  it('reports a timestamp, and rejects what expfmt rejects, with the line', () => {
    expect(parseTextFormat('m 1 1700000000000\n').hasTimestamps).toBe(true);
    expect(errorAt('ok 1\nbad metric line {\n').message).toBe('text format parsing error in line 2: expected float as value, got "metric"');
    expect(errorAt('m{a="1",a="2"} 1').message).toContain('duplicate label name "a"');
    expect(errorAt('m{a="\\t"} 1').message).toContain('invalid escape sequence');
    expect(errorAt('m{a="x} 1').message).toContain('unterminated value of label "a"');
    expect(errorAt('# TYPE m gauge\n# TYPE m gauge\nm 1').line).toBe(2);
    expect(errorAt('m 1\n# TYPE m gauge').message).toContain('TYPE reported after samples');
    expect(errorAt('# HELP m a\n# HELP m b').message).toContain('second HELP line');
    expect(errorAt('# TYPE m gaugey\nm 1').message).toContain('unknown metric type "gaugey"');
    expect(errorAt('# TYPE h histogram\nh_bucket 1').message).toContain('without an "le" label');
    expect(errorAt('# TYPE s summary\ns 1').message).toContain('without a "quantile" label');
    expect(errorAt('m 1 2.5').message).toContain('expected an integer timestamp');
    expect(errorAt('m').message).toContain('expected a value');
    expect(errorAt('1m 2').message).toContain('invalid metric name');
  });

  it('parses Go float syntax', () => {
    expect(parseGoFloat('1e3')).toBe(1000);
    expect(parseGoFloat('.5')).toBe(0.5);
    expect(parseGoFloat('-0')).toBe(-0);
    expect(parseGoFloat('Inf')).toBe(Infinity);
    expect(parseGoFloat('nan')).toBeNaN();
    expect(parseGoFloat('0x10')).toBeUndefined();
    expect(parseGoFloat('1,5')).toBeUndefined();
  });
});

function textfileCollector(directories: string[]): { collect: () => Promise<TextfileReading>; errors: string[] } {
  const errors: string[] = [];
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: (msg, fields) => errors.push(`${msg} ${JSON.stringify(fields)}`),
    with: () => logger,
    setLevel: () => {},
    isEnabled: () => true,
  };
  const c = create({ enabled: true, directories }, logger);
  return { collect: () => c.collect({} as CollectContext<'textfile'>), errors };
}

async function collectWith(directories: string[]): Promise<{ reading: TextfileReading; errors: string[] }> {
  const t = textfileCollector(directories);
  return { reading: await t.collect(), errors: t.errors };
}

describe('the textfile collector', () => {
  const base = join(FIXTURES, 'textfile');

  it('serves the good files, skips a broken one and one with timestamps, and flags the error', async () => {
    const { reading, errors } = await collectWith([join(base, 'a')]);
    expect(reading.error).toBe(true);
    expect(reading.files.map((f) => f.file)).toEqual([join(base, 'a', 'jobs.prom')]);
    expect(reading.families.map((f) => f.name).sort()).toEqual([
      'apt_reboot_required',
      'apt_upgrades_pending',
      'backup_last_success_timestamp_seconds',
      'backup_runs_total',
      'job_duration_seconds',
      'rpc_latency_seconds',
    ]);
    expect(reading.families.some((f) => f.name === 'good_metric' || f.name === 'stamped_metric')).toBe(false);
    expect(errors.join('\n')).toContain('broken.prom');
    expect(errors.join('\n')).toContain('unsupported client-side timestamps');
    // Missing label names are filled with "" and series sorted, as node_exporter serves them.
    const runs = reading.families.find((f) => f.name === 'backup_runs_total');
    expect(runs?.samples.map((s) => s.labels)).toEqual([
      { job: 'db', result: '' },
      { job: 'db', result: 'ok' },
    ]);
    expect(reading.families.find((f) => f.name === 'apt_upgrades_pending')?.help).toBe(`Metric read from ${join(base, 'a', 'jobs.prom')}`);
    // A file that stays broken is logged once, not on every poll.
    const t = textfileCollector([join(base, 'a')]);
    await t.collect();
    await t.collect();
    expect(t.errors.filter((e) => e.includes('broken.prom'))).toHaveLength(1);
  });

  it('orders histogram buckets by bound (+Inf last) and series by label values, whatever the file order', async () => {
    const d = mkdtempSync(join(tmpdir(), 'hostprobe-textfile-'));
    dirs.push(d);
    writeFileSync(
      join(d, 'h.prom'),
      [
        '# TYPE h histogram',
        'h_count{x="b"} 2',
        'h_bucket{x="b",le="+Inf"} 2',
        'h_sum{x="b"} 3',
        'h_bucket{x="b",le="10"} 1',
        'h_bucket{x="a",le="+Inf"} 0',
        'h_bucket{x="b",le="2.5"} 1',
        '',
      ].join('\n'),
    );
    const { reading } = await collectWith([d]);
    const h = reading.families.find((f) => f.name === 'h');
    expect(h?.samples.map((s) => `${s.name}${s.labels.x}${s.labels.le ?? ''}`)).toEqual([
      'h_bucketa+Inf',
      'h_bucketb2.5',
      'h_bucketb10',
      'h_bucketb+Inf',
      'h_sumb',
      'h_countb',
    ]);
  });

  it('expands glob patterns of directories, and a missing directory is an error', async () => {
    expect(await expandGlob(join(base, '[ab]'))).toEqual([join(base, 'a'), join(base, 'b')]);
    expect(await expandGlob(join(base, 'no-*'))).toEqual([]);
    const ok = await collectWith([join(base, '[b]')]);
    expect(ok.reading.error).toBe(false);
    expect(ok.reading.families.map((f) => f.name)).toEqual(['smartmon_temperature_celsius']);
    const missing = await collectWith([join(base, 'missing')]);
    expect(missing.reading.error).toBe(true);
    expect(missing.errors[0]).toContain('failed to read textfile collector directory');
    const none = await collectWith([]);
    expect(none.reading).toEqual({ families: [], files: [], error: false });
  });

  it('drops a family whose type differs between files, a series given twice, and a name the agent serves', async () => {
    const d = mkdtempSync(join(tmpdir(), 'hostprobe-textfile-'));
    dirs.push(d);
    mkdirSync(join(d, 'x.prom')); // a directory named like a file is not read
    writeFileSync(join(d, '1.prom'), '# TYPE shared gauge\nshared{a="1"} 1\nnode_load1 99\n');
    writeFileSync(join(d, '2.prom'), '# TYPE shared counter\nshared{a="2"} 2\n');
    writeFileSync(join(d, '3.prom'), 'other{a="1"} 1\n');
    writeFileSync(join(d, '4.prom'), 'other{a="1"} 5\n');
    const { reading } = await collectWith([d]);
    expect(reading.error).toBe(true);
    expect(reading.files).toHaveLength(4);
    expect(reading.families.find((f) => f.name === 'shared')?.samples).toEqual([{ name: 'shared', labels: { a: '1' }, value: 1 }]);
    expect(reading.families.find((f) => f.name === 'other')?.samples.map((s) => s.value)).toEqual([1]);
    // Rendered after the agent's own families: node_load1 is the agent's.
    const x = new Exposition();
    x.add({ name: 'node_load1', type: 'gauge', help: 'load' }, 0.5);
    renderTextfile({ ...reading, error: false }, x);
    const text = x.renderText();
    expect(text).toContain('node_load1 0.5\n');
    expect(text).not.toContain('node_load1 99');
    expect(text).toContain('node_textfile_scrape_error 1\n');
  });
});

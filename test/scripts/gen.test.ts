// `npm run gen` (scripts/gen.mjs over ./dist) on a copy of the generated files in a temp
// tree: --check passes on what gen wrote, names each file a hand edit made stale and
// changes nothing, gen restores the generated part and keeps the prose around it, and a
// missing marker is an error naming the file. Needs ./dist (`npm run build:ts`).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/tools.js';

const FILES = ['docs/agent.md', 'docs/otlp.md', 'config/schema/hostprobe.schema.json', 'config/schema/otlp.schema.json'];

let root: string;
const truth = new Map<string, string>();

function gen(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'gen.mjs'), '--root', root, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const read = (f: string): string => readFileSync(join(root, f), 'utf8');
const edit = (f: string, fn: (s: string) => string): void => writeFileSync(join(root, f), fn(read(f)));

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'hostprobe-gen-'));
  for (const f of FILES) cpSync(join(REPO_ROOT, f), join(root, f), { recursive: true });
  const w = gen();
  expect(w.stderr).toBe('');
  expect(w.status).toBe(0);
  for (const f of FILES) truth.set(f, read(f));
});

// Each test starts from what gen wrote.
beforeEach(() => {
  for (const [f, s] of truth) writeFileSync(join(root, f), s);
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('npm run gen', () => {
  it('--check passes on what gen wrote', () => {
    const r = gen('--check');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`gen: ${FILES.length} files up to date\n`);
    expect(r.status).toBe(0);
    expect(truth.get('docs/agent.md')).toContain('| cpu | loadavg | `node_load1` | gauge | – | 1m load average. |');
    expect(truth.get('docs/agent.md')).toContain('`namedprocess_namegroup_cpu_seconds_total`');
    expect(truth.get('docs/otlp.md')).toContain(
      '| process | `process.cpu.time` | counter | `s` | `process.group.name`, `cpu.mode` (user, system) | same; `state` |',
    );
  });

  it('--check names the doc whose table was edited by hand, and changes nothing', () => {
    edit('docs/agent.md', (s) => s.replace('| 1m load average. |', '| One-minute load average. |'));
    const edited = read('docs/agent.md');
    const r = gen('--check');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('gen: docs/agent.md is stale: regenerating would change it (run `npm run gen` and commit the result)\n');
    expect(read('docs/agent.md')).toBe(edited);
  });

  it('--check names a stale schema and a stale OTLP table together', () => {
    edit('config/schema/otlp.schema.json', (s) => s.replace('"http/json"', '"http/xml"'));
    edit('docs/otlp.md', (s) => s.replace(/^\| host \| `system.uptime` .*\n/m, ''));
    const r = gen('--check');
    expect(r.status).toBe(1);
    const named = r.stderr
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' ')[1]);
    expect(named).toEqual(['docs/otlp.md', 'config/schema/otlp.schema.json']);
  });

  it('gen rewrites only the generated part: the prose around it stays', () => {
    edit('docs/agent.md', (s) => s.replace('## Metrics\n', '## Metrics\n\nA hand-written line.\n'));
    edit('docs/agent.md', (s) => s.replace('| 1m load average. |', '| One-minute load average. |'));
    edit('config/schema/hostprobe.schema.json', (s) => s.replace(/\n$/, ''));
    const r = gen();
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('gen: wrote docs/agent.md\ngen: wrote config/schema/hostprobe.schema.json\n');
    expect(read('docs/agent.md')).toBe(truth.get('docs/agent.md')!.replace('## Metrics\n', '## Metrics\n\nA hand-written line.\n'));
    for (const f of FILES.slice(1)) expect(read(f)).toBe(truth.get(f));
    expect(gen('--check').status).toBe(0);
  });

  it('a missing end marker is an error naming the file', () => {
    edit('docs/otlp.md', (s) => s.replace('<!-- end generated: otlp-metrics -->', ''));
    const r = gen('--check');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('gen: docs/otlp.md: no "<!-- end generated: otlp-metrics -->" after the otlp-metrics block\'s start\n');
  });
});

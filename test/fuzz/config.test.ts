// The config loader and validator (src/config/*) and the web config (src/config/webconfig.ts)
// on mutated and arbitrary YAML: every rejected input gets issues that name the file, a line
// of it and a column, and nothing but a ConfigError is ever thrown.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkConfigText, ConfigError, loadConfig } from '../../src/config/load.js';
import { loadWebConfig } from '../../src/config/webconfig.js';
import { checkProperty } from './property.js';

const defaults = readFileSync(new URL('../../config/hostprobe.yaml', import.meta.url), 'utf8').split('\n');
const dir = mkdtempSync(join(tmpdir(), 'hostprobe-fuzz-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// YAML-shaped noise: keys of the real config, indentation, scalars of every kind, flow
// collections, anchors, aliases, tags and plain garbage.
const scalar = fc.oneof(
  fc.constantFrom(
    '15s',
    '0',
    '-1',
    '1e400',
    'true',
    'yes',
    'null',
    '~',
    '""',
    "''",
    '[]',
    '{}',
    '[a, b]',
    '{a: 1}',
    '&x 1',
    '*x',
    '!!str 1',
    '${HOME}',
    '${NOPE:-d}',
    '$$',
    '|',
    '>',
    '0x10',
    '596h31m23s648ms',
    ':',
    '- ',
    '#',
  ),
  fc.string({ maxLength: 10 }),
);
const mutation = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('replace-value', 'insert', 'delete', 'indent', 'dedent'),
  text: scalar,
});
const mutatedDefaults = fc.array(mutation, { minLength: 1, maxLength: 4 }).map((ms) => {
  const lines = [...defaults];
  for (const m of ms) {
    const i = m.at % lines.length;
    const l = lines[i] as string;
    if (m.kind === 'replace-value') lines[i] = l.includes(':') ? `${l.slice(0, l.indexOf(':') + 1)} ${m.text}` : m.text;
    else if (m.kind === 'insert') lines.splice(i, 0, `${' '.repeat((m.at % 4) * 2)}${m.text}`);
    else if (m.kind === 'delete') lines.splice(i, 1);
    else if (m.kind === 'indent') lines[i] = `  ${l}`;
    else lines[i] = l.replace(/^ {1,2}/, '');
  }
  return lines.join('\n');
});
const anyYaml = fc.oneof(
  mutatedDefaults,
  fc.array(scalar, { maxLength: 10 }).map((a) => a.join('\n')),
  fc.string(),
);

function expectLocated(e: unknown, file: string, text: string): void {
  expect(e).toBeInstanceOf(ConfigError);
  const issues = (e as ConfigError).issues;
  expect(issues.length).toBeGreaterThan(0);
  const lines = text.split('\n').length;
  for (const i of issues) {
    expect(i.file).toBe(file);
    expect(Number.isInteger(i.line) && i.line >= 1 && i.line <= lines + 1, `line ${i.line} of ${lines}`).toBe(true);
    expect(Number.isInteger(i.col) && i.col >= 1, `col ${i.col}`).toBe(true);
    expect(i.message).not.toBe('');
    expect((e as Error).message).toContain(`${file}:${i.line}:${i.col}:`);
  }
}

describe('fuzz: config loader and validator', () => {
  it('checkConfigText: issues with file, line and column for every rejected text; never a throw', async () => {
    await checkProperty(
      'config-check',
      anyYaml,
      async (text) => {
        const r = await checkConfigText(text, 'fuzz.yaml', { env: {} });
        if (r.issues.length > 0) expectLocated(new ConfigError(r.issues), 'fuzz.yaml', text);
        else expect(r.config).toBeDefined();
      },
      60,
    );
  });

  it('loadConfig: a ConfigError naming the file, line and column, or a config', async () => {
    const file = join(dir, 'hostprobe.yaml');
    await checkProperty(
      'config-load',
      mutatedDefaults,
      async (text) => {
        writeFileSync(file, text);
        try {
          await loadConfig(file, { env: {} });
        } catch (e) {
          expectLocated(e, file, text);
        }
      },
      40,
    );
  });

  it('loadWebConfig: a ConfigError naming the file, line and column, or a web config', async () => {
    const keys = fc.constantFrom(
      'tls_server_config:',
      '  cert_file: c.pem',
      '  key_file: k.pem',
      '  client_auth_type: RequireAndVerifyClientCert',
      '  min_version: TLS13',
      '  max_version: TLS10',
      'http_server_config:',
      '  headers:',
      '    X-A: b',
      'basic_auth_users:',
      '  alice: $2y$10$abcdefghijklmnopqrstuv',
      'rate_limit:',
      '  interval: 1s',
      '  burst: 0',
      'bogus: 1',
    );
    const web = fc.array(fc.oneof(keys, scalar), { maxLength: 10 }).map((a) => a.join('\n'));
    const file = join(dir, 'web.yaml');
    await checkProperty(
      'webconfig-load',
      web,
      async (text) => {
        writeFileSync(file, text);
        try {
          await loadWebConfig(file);
        } catch (e) {
          expectLocated(e, file, text);
        }
      },
      60,
    );
  });
});

// `hostprobe check-config` catches what would fail at start: TLS material that does not
// parse or match (src/config/tls-material.ts), durations beyond what a timer holds (flags
// too), YAML alias bombs and undefined aliases (src/config/yaml-guard.ts); always a located
// message and exit 2, never a stack trace. Duplicate keys are found in one pass (the YAML
// parser's own check is quadratic): a file with 20 000 labels and one duplicate names it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkConfigText, formatIssue } from '../../../src/config/load.js';
import { loadWebConfig } from '../../../src/config/webconfig.js';
import { haveTool, tool } from '../../helpers/tools.js';
import { haveCli, runCli } from '../../helpers/agent.js';

const openssl = tool('openssl', 'apt-get install openssl', ['/usr/bin/openssl']);
let dir = '';
const f = (name: string): string => join(dir, name);

function makeCert(name: string): void {
  execFileSync(
    openssl.path as string,
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      f(`${name}.key`),
      '-out',
      f(`${name}.pem`),
    ],
    { stdio: 'ignore' },
  );
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hostprobe-check-config-'));
  if (openssl.path) {
    makeCert('one');
    makeCert('two');
  }
  writeFileSync(f('garbage.pem'), '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n');
  writeFileSync(f('text.txt'), 'hello\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs check-config on a config naming `web` as its web config. */
function check(web: string): { status: number | null; stdout: string; stderr: string } {
  writeFileSync(f('web.yml'), web);
  writeFileSync(f('hostprobe.yaml'), `http:\n  web_config_file: ${f('web.yml')}\n`);
  return runCli(['check-config', f('hostprobe.yaml')]);
}

describe('check-config: TLS material', () => {
  const cases: { name: string; web: string; line: RegExp }[] = [
    {
      name: 'a key that does not belong to the certificate',
      web: 'tls_server_config:\n  cert_file: one.pem\n  key_file: two.key\n',
      line: /web\.yml:3:13: tls_server_config\.key_file: the key \S+two\.key does not belong to the certificate \S+one\.pem \(subject CN=one\)/,
    },
    {
      name: 'a certificate file that is not PEM',
      web: 'tls_server_config:\n  cert_file: text.txt\n  key_file: one.key\n',
      line: /web\.yml:2:14: tls_server_config\.cert_file: \S+text\.txt is not a PEM certificate/,
    },
    {
      name: 'a PEM block that is not a certificate',
      web: 'tls_server_config:\n  cert_file: garbage.pem\n  key_file: one.key\n',
      line: /web\.yml:2:14: tls_server_config\.cert_file: \S+garbage\.pem is not a PEM certificate: /,
    },
    {
      name: 'a key file that is a certificate',
      web: 'tls_server_config:\n  cert_file: one.pem\n  key_file: one.pem\n',
      line: /web\.yml:3:13: tls_server_config\.key_file: \S+one\.pem is not a PEM private key/,
    },
    {
      name: 'a client CA file without a certificate',
      web: 'tls_server_config:\n  cert_file: one.pem\n  key_file: one.key\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: text.txt\n',
      line: /web\.yml:5:19: tls_server_config\.client_ca_file: \S+text\.txt holds no PEM certificate/,
    },
    {
      name: 'a client CA bundle with a broken certificate',
      web: 'tls_server_config:\n  cert_file: one.pem\n  key_file: one.key\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: garbage.pem\n',
      line: /web\.yml:5:19: tls_server_config\.client_ca_file: certificate 1 of \S+garbage\.pem does not parse/,
    },
  ];
  for (const c of cases) {
    it(`${c.name}: exit 2, located, no stack trace`, () => {
      if (!haveTool(openssl) || !haveCli()) return;
      const r = check(c.web);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(c.line);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(r.stdout).toBe('');
    });
  }

  it('matching material passes, and loadWebConfig returns it', async () => {
    if (!haveTool(openssl) || !haveCli()) return;
    const r = check(
      'tls_server_config:\n  cert_file: one.pem\n  key_file: one.key\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: two.pem\n',
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const web = await loadWebConfig(f('web.yml'));
    expect(web.tls?.clientAuth).toBe('RequireAndVerifyClientCert');
  });
});

describe('check-config: durations, aliases, size', () => {
  it('a duration flag beyond what a timer can hold is refused (exit 2)', () => {
    if (!haveCli()) return;
    writeFileSync(f('ok.yaml'), 'poll_interval: 15s\n');
    const r = runCli(['check-config', f('ok.yaml'), '--poll.interval=30d']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--poll.interval: "30d" is longer than a timer can hold; expected at most 596h31m23s647ms');
    expect(runCli(['check-config', f('ok.yaml'), '--poll.interval=24d']).status).toBe(0);
  });

  it('a web config duration beyond a timer (rate_limit.interval) is located', async () => {
    writeFileSync(f('rl.yml'), 'rate_limit:\n  interval: 4w\n  burst: 1\n');
    await expect(loadWebConfig(f('rl.yml'))).rejects.toThrow(/rl\.yml:2:13: rate_limit\.interval: "4w" is longer than a timer can hold/);
  });

  it('an alias bomb in the otlp section (parsed by the YAML library, not the walker) is located, not thrown', async () => {
    const lines = ['a: &a [x,x,x,x,x,x,x,x,x,x]'];
    let prev = 'a';
    for (const n of 'bcdefgh') {
      lines.push(`${n}: &${n} [${Array(10).fill(`*${prev}`).join(',')}]`);
      prev = n;
    }
    const text = `x-anchors:\n${lines.map((l) => `  ${l}`).join('\n')}\notlp:\n  resource_attributes: {bomb: *h}\n`;
    const r = await checkConfigText(text, 'bomb.yaml');
    expect(r.config).toBeUndefined();
    expect(r.issues.map(formatIssue)).toEqual([
      expect.stringMatching(/^bomb\.yaml:\d+:\d+: \S+: YAML aliases expand the document to more than 100000 nodes here/),
    ]);
  });

  it('aliases within bounds still work', async () => {
    const r = await checkConfigText('labels: &l {a: b}\ncollectors:\n  textfile:\n    directories: [&d /x, *d]\n', 'ok.yaml');
    expect(r.issues).toEqual([]);
    expect(r.config?.collectors.textfile.directories).toEqual(['/x', '/x']);
  });

  it('20 000 labels with one duplicate: the duplicate is named (one pass, not the parser`s quadratic check)', async () => {
    let text = 'labels:\n';
    for (let i = 0; i < 20_000; i++) text += `  l${i}: v\n`;
    text += '  l777: again\n';
    const r = await checkConfigText(text, 'many.yaml');
    expect(r.issues.map(formatIssue)).toEqual(['many.yaml:20002:3: labels.l777: YAML syntax error: Map keys must be unique']);
  });

  it('a file of many syntax errors reports the first 50 and how many more', async () => {
    const text = Array.from({ length: 500 }, (_, i) => `k${i}: [\n`).join('');
    const r = await checkConfigText(text, 'broken.yaml');
    expect(r.issues.length).toBeLessThanOrEqual(51);
    expect(r.issues[r.issues.length - 1]?.message).toMatch(/^YAML syntax error: \d+ more not shown$/);
  });
});

describe('check-config: roots', () => {
  it('a procfs without stat is refused as at start (exit 2, one line naming the flag and path)', () => {
    if (!haveCli()) return;
    writeFileSync(f('plain.yaml'), 'poll_interval: 15s\n');
    const bad = runCli(['check-config', f('plain.yaml'), `--path.procfs=${dir}`]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(`--path.procfs=${dir}: not a procfs`);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    writeFileSync(f('roots.yaml'), `paths:\n  sysfs: ${f('nowhere')}\n`);
    const fromFile = runCli(['check-config', f('roots.yaml')]);
    expect(fromFile.status).toBe(2);
    expect(fromFile.stderr).toContain(f('nowhere'));
    expect(runCli(['check-config', f('plain.yaml')]).status).toBe(0);
  });
});

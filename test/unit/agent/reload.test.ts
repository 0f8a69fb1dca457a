// A reload is a transaction (src/agent/agent.ts): every way a reload can fail — the new
// port taken, TLS material that does not parse or match, a missing CA, a config that does
// not parse or validate, a config or web config file deleted — leaves the running listener
// serving with the running config, and hostprobe_config_last_reload_successful says 0; a
// later good reload says 1 with a new timestamp. Changes of address, certificate, and
// plain <-> TLS on the same port are applied and served. Real agent, real sockets, real
// certificates made with openssl.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../../src/agent/agent.js';
import { createLogger } from '../../../src/logger.js';
import { haveTool, tool } from '../../helpers/tools.js';
import { freePort, parseFamilies, waitFor } from '../../helpers/agent.js';

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
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      f(`${name}.key`),
      '-out',
      f(`${name}.pem`),
    ],
    { stdio: 'ignore' },
  );
}

/** GET over http or https (trusting `ca`); resolves with status, body and the server certificate's CN. */
function get(url: string, ca?: Buffer): Promise<{ status: number; body: string; cn?: string }> {
  if (!url.startsWith('https:')) {
    return fetch(url).then(async (r) => ({ status: r.status, body: await r.text() }));
  }
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ...(ca ? { ca } : {}), agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        const cn = (res.socket as import('node:tls').TLSSocket).getPeerCertificate?.()?.subject?.CN;
        resolve({ status: res.statusCode ?? 0, body, ...(typeof cn === 'string' ? { cn } : {}) });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

function metric(body: string, name: string): number | undefined {
  return parseFamilies(body).get(name)?.samples[0]?.value;
}

const lines: string[] = [];
const logger = createLogger({ level: 'info', write: (l) => lines.push(l) });

/** A config with only the cheap collectors, a long interval, and `extra` lines. */
function writeConfig(port: number, extra = ''): void {
  writeFileSync(
    f('hostprobe.yaml'),
    [
      'poll_interval: 1h',
      'http:',
      '  address: 127.0.0.1',
      `  port: ${port}`,
      extra,
      'collectors:',
      '  disk: {enabled: false}',
      '  net: {enabled: false}',
      '  nic: {enabled: false}',
      '  textfile: {enabled: false}',
      '',
    ].join('\n'),
  );
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hostprobe-reload-'));
  if (openssl.path) {
    makeCert('one');
    makeCert('two');
  }
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('a failed reload keeps the running listener, config and sinks', () => {
  let agent: Agent | undefined;
  let port = 0;
  let blocker: Server | undefined;

  afterEach(async () => {
    await agent?.stop();
    agent = undefined;
    await new Promise<void>((r) => (blocker ? blocker.close(() => r()) : r()));
    blocker = undefined;
  });

  async function startAgent(extra = ''): Promise<string> {
    port = await freePort();
    writeConfig(port, extra);
    agent = new Agent({ configFile: f('hostprobe.yaml'), logger });
    await agent.start();
    await agent.firstPoll();
    return `http://127.0.0.1:${port}/metrics`;
  }

  /** The latest render once it reflects the last reload (each reload starts a poll). */
  async function scrapeAfterReload(url: string, successful: 0 | 1, ca?: Buffer): Promise<string> {
    return waitFor(
      async () => {
        const r = await get(url, ca);
        return r.status === 200 && metric(r.body, 'hostprobe_config_last_reload_successful') === successful ? r.body : undefined;
      },
      30_000,
      `hostprobe_config_last_reload_successful ${successful} on ${url}`,
    );
  }

  it('starts with hostprobe_config_last_reload_successful 1 and the start time', async () => {
    const before = Date.now() / 1000;
    const url = await startAgent();
    const body = (await get(url)).body;
    expect(metric(body, 'hostprobe_config_last_reload_successful')).toBe(1);
    const ts = metric(body, 'hostprobe_config_last_reload_success_timestamp_seconds') as number;
    expect(ts).toBeGreaterThanOrEqual(Math.floor(before));
    expect(ts).toBeLessThanOrEqual(Date.now() / 1000);
  });

  const cases: { name: string; break: () => Promise<void> | void; message: RegExp }[] = [
    {
      name: 'the new port is taken',
      break: async () => {
        const taken = await freePort();
        blocker = createServer();
        await new Promise<void>((r) => blocker?.listen(taken, '127.0.0.1', () => r()));
        writeConfig(taken, 'labels: {env: new}');
      },
      message: /stage=listen.*EADDRINUSE/,
    },
    {
      name: 'the key does not belong to the certificate',
      break: () => {
        writeFileSync(f('web.yml'), 'tls_server_config:\n  cert_file: one.pem\n  key_file: two.key\n');
        writeConfig(port, '  web_config_file: ' + f('web.yml'));
      },
      message: /web\.yml:3:\d+: tls_server_config\.key_file: the key .*two\.key does not belong to the certificate .*one\.pem/,
    },
    {
      name: 'the certificate is not PEM',
      break: () => {
        writeFileSync(f('garbage.pem'), 'this is not a certificate\n');
        writeFileSync(f('web.yml'), 'tls_server_config:\n  cert_file: garbage.pem\n  key_file: one.key\n');
        writeConfig(port, '  web_config_file: ' + f('web.yml'));
      },
      message: /web\.yml:2:\d+: tls_server_config\.cert_file: .*garbage\.pem is not a PEM certificate/,
    },
    {
      name: 'the client CA file is missing',
      break: () => {
        writeFileSync(
          f('web.yml'),
          'tls_server_config:\n  cert_file: one.pem\n  key_file: one.key\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: nowhere.pem\n',
        );
        writeConfig(port, '  web_config_file: ' + f('web.yml'));
      },
      message: /tls_server_config\.client_ca_file: cannot read .*nowhere\.pem/,
    },
    {
      name: 'the config is not YAML',
      break: () => writeFileSync(f('hostprobe.yaml'), 'poll_interval: 1h\nhttp: [unclosed\n'),
      message: /hostprobe\.yaml:\d+:\d+: .*YAML syntax error/,
    },
    {
      name: 'the config has an unknown key',
      break: () => writeConfig(port, 'pol_interval: 5s'),
      message: /hostprobe\.yaml:5:1: pol_interval: unknown key \\"pol_interval\\"/,
    },
    {
      name: 'the config file was deleted',
      break: () => unlinkSync(f('hostprobe.yaml')),
      message: /cannot read the config file: ENOENT/,
    },
    {
      name: 'the web config file was deleted',
      break: () => {
        writeConfig(port, '  web_config_file: ' + f('deleted-web.yml'));
      },
      message: /deleted-web\.yml:1:1: \(top level\): cannot read the web config file: ENOENT/,
    },
  ];

  for (const c of cases) {
    it(`${c.name}: the old listener still serves, reload_successful 0, then a good reload 1 with a new timestamp`, async () => {
      if (!haveTool(openssl)) return;
      const url = await startAgent('labels: {env: old}');
      const first = (await get(url)).body;
      const startTs = metric(first, 'hostprobe_config_last_reload_success_timestamp_seconds') as number;
      const pollsBefore = agent?.poller.enabledCollectors().join(',');
      await c.break();
      const n = lines.length;
      expect(await agent?.reload()).toBe(false);
      const log = lines.slice(n).join('\n');
      expect(log).toContain('config reload failed, keeping the running config');
      expect(log).toMatch(c.message);
      // Same listener, same config, same labels.
      const body = await scrapeAfterReload(url, 0);
      expect(body).toContain('env="old"');
      expect(body).not.toContain('env="new"');
      expect(metric(body, 'hostprobe_config_last_reload_success_timestamp_seconds')).toBe(startTs);
      expect(agent?.poller.enabledCollectors().join(',')).toBe(pollsBefore);
      expect(agent?.server?.address()?.port).toBe(port);
      // Fixed: the next reload applies.
      writeConfig(port, 'labels: {env: fixed}');
      expect(await agent?.reload()).toBe(true);
      const after = await scrapeAfterReload(url, 1);
      expect(after).toContain('env="fixed"');
      expect(metric(after, 'hostprobe_config_last_reload_success_timestamp_seconds')).toBeGreaterThan(startTs);
    });
  }

  it('a new port: bound before the old one closes, which then stops serving', async () => {
    const url = await startAgent();
    const next = await freePort();
    writeConfig(next);
    expect(await agent?.reload()).toBe(true);
    await scrapeAfterReload(`http://127.0.0.1:${next}/metrics`, 1);
    await expect(fetch(url)).rejects.toThrow();
  });

  it('a new certificate on the same port is served in place; plain <-> TLS on the same port rebinds', async () => {
    if (!haveTool(openssl)) return;
    const url = await startAgent();
    const https = url.replace('http:', 'https:');
    writeFileSync(f('web.yml'), 'tls_server_config:\n  cert_file: one.pem\n  key_file: one.key\n');
    writeConfig(port, '  web_config_file: ' + f('web.yml'));
    expect(await agent?.reload()).toBe(true);
    const one = readFileSync(f('one.pem'));
    const two = readFileSync(f('two.pem'));
    expect((await get(https, one)).cn).toBe('one');
    writeFileSync(f('web.yml'), 'tls_server_config:\n  cert_file: two.pem\n  key_file: two.key\n');
    const server = agent?.server;
    expect(await agent?.reload()).toBe(true);
    expect(agent?.server).toBe(server); // the same listening socket
    const r = await get(https, two);
    expect(r.status).toBe(200);
    expect(r.cn).toBe('two');
    // A bad certificate now: the running one (two) stays.
    writeFileSync(f('web.yml'), 'tls_server_config:\n  cert_file: two.pem\n  key_file: one.key\n');
    expect(await agent?.reload()).toBe(false);
    expect((await get(https, two)).cn).toBe('two');
    // Back to plain HTTP on the same port.
    writeConfig(port);
    expect(await agent?.reload()).toBe(true);
    expect((await get(url)).status).toBe(200);
  });

  it('SIGHUPs during a reload run one more reload after it, which reads the latest file', async () => {
    const url = await startAgent('labels: {env: a}');
    writeConfig(port, 'labels: {env: b}');
    const r1 = agent?.reload();
    writeConfig(port, 'labels: {env: c}');
    const r2 = agent?.reload();
    const r3 = agent?.reload();
    expect(r2).toBe(r3); // coalesced
    expect(await r1).toBe(true);
    expect(await r2).toBe(true);
    const body = await waitFor(
      async () => {
        const b = (await get(url)).body;
        return b.includes('env="c"') ? b : undefined;
      },
      30_000,
      'env="c"',
    );
    expect(body).not.toContain('env="b"');
  });

  it('OTLP: reloads keep one push sink, which continues the counters of the one it replaced', async () => {
    let hits = 0;
    const receiver = createHttpServer((req, res) => {
      req.resume();
      req.on('end', () => {
        hits++;
        res.writeHead(200, { 'Content-Type': 'application/x-protobuf' }).end();
      });
    });
    const rport = await new Promise<number>((resolve) =>
      receiver.listen(0, '127.0.0.1', () => resolve((receiver.address() as { port: number }).port)),
    );
    try {
      const otlp = `otlp: {enabled: true, endpoint: "http://127.0.0.1:${rport}", interval: 100ms}`;
      const url = await startAgent(otlp);
      const successes = async (): Promise<number> =>
        parseFamilies((await get(url)).body)
          .get('hostprobe_otlp_exports_total')
          ?.samples.find((x) => x.labels.result === 'success')?.value ?? 0;
      let before = await waitFor(async () => ((await successes()) >= 1 ? successes() : undefined), 30_000, 'a successful push counted');
      for (let i = 0; i < 3; i++) {
        expect(await agent?.reload()).toBe(true);
        // One Prometheus sink and one push sink, however many reloads replaced the push.
        expect(agent?.sinks.map((k) => k.name)).toEqual(['prometheus', 'otlp']);
        const after = await successes();
        expect(after).toBeGreaterThanOrEqual(before);
        before = after;
      }
      expect(hits).toBeGreaterThan(0);
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  it('OTLP: a reload moves the push to the new receiver; a failed reload keeps it pushing; off stops it', async () => {
    // Two real OTLP/HTTP receivers (they accept anything and count the POSTs).
    const hits = [0, 0];
    const receivers = hits.map((_, i) =>
      createHttpServer((req, res) => {
        req.resume();
        req.on('end', () => {
          hits[i] = (hits[i] as number) + 1;
          res.writeHead(200, { 'Content-Type': 'application/x-protobuf' }).end();
        });
      }),
    );
    const ports = await Promise.all(
      receivers.map(
        (r) => new Promise<number>((resolve) => r.listen(0, '127.0.0.1', () => resolve((r.address() as { port: number }).port))),
      ),
    );
    try {
      const otlp = (i: number): string => `otlp: {enabled: true, endpoint: "http://127.0.0.1:${ports[i]}", interval: 100ms}`;
      const url = await startAgent(otlp(0));
      await waitFor(() => (hits[0] > 0 ? true : undefined), 30_000, 'a push to the first receiver');
      writeConfig(port, otlp(1));
      expect(await agent?.reload()).toBe(true);
      await waitFor(() => (hits[1] > 0 ? true : undefined), 30_000, 'a push to the second receiver');
      const afterSwitch = hits[0];
      // A failed reload: the second receiver keeps getting pushes, the first none.
      writeFileSync(f('hostprobe.yaml'), 'otlp: {enabled: true, endpoint: "not a url"}\n');
      expect(await agent?.reload()).toBe(false);
      const before = hits[1] as number;
      await agent?.poller.pollOnce(); // the push follows polls (poll_interval is 1h here)
      await waitFor(() => ((hits[1] as number) > before ? true : undefined), 30_000, 'another push to the second receiver');
      expect(hits[0]).toBeLessThanOrEqual(afterSwitch + 1); // at most the export in flight at the switch
      const body = (await get(url)).body;
      expect(body).toContain('hostprobe_otlp_exports_total');
      // Off: the push and its self-metrics are gone.
      writeConfig(port);
      expect(await agent?.reload()).toBe(true);
      const off = await scrapeAfterReload(url, 1);
      expect(off).not.toContain('hostprobe_otlp_exports_total');
    } finally {
      await Promise.all(receivers.map((r) => new Promise((resolve) => r.close(resolve))));
    }
  });
});

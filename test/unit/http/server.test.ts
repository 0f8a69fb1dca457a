// The HTTP endpoint in-process: routes, methods, readiness, content negotiation and gzip,
// the concurrency limit, slow-header clients, and the exporter-toolkit web config (basic
// auth with bcrypt hashes, TLS, client_allowed_sans, rate_limit, unsupported keys rejected).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import bcrypt from 'bcryptjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import type { HttpConfig } from '../../../src/config/types.js';
import { ConfigError } from '../../../src/config/validate.js';
import { loadWebConfig, type WebConfig } from '../../../src/config/webconfig.js';
import { TokenBucket } from '../../../src/http/rate-limit.js';
import { canonicalIp, parseSubjectAltName, sanAllowed } from '../../../src/http/sans.js';
import { acceptsGzip, wantsOpenMetrics } from '../../../src/http/negotiate.js';
import { MetricsServer } from '../../../src/http/server.js';
import { nullLogger } from '../../../src/logger.js';
import { buildInfo } from '../../../src/contract/build-info.js';
import { PrometheusSink, type RenderedSnapshot } from '../../../src/sinks/prometheus/index.js';
import { fakeSnapshot, waitFor } from '../../helpers/agent.js';

let baseHttp: HttpConfig;
const dirs: string[] = [];

beforeAll(async () => {
  baseHttp = (await loadConfig(undefined)).config.http;
});

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'hostprobe-http-'));
  dirs.push(d);
  return d;
}

interface Harness {
  server: MetricsServer;
  url: string;
  port: number;
  publish(): RenderedSnapshot;
  ready(): void;
  /** How many requests have started waiting for the first poll (the server asked for it). */
  waiting(): number;
}

const servers: MetricsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function harness(http: Partial<HttpConfig> = {}, web?: WebConfig): Promise<Harness> {
  const sink = new PrometheusSink({ cpuGuest: true, vmstatFields: /.*/, netstatFields: /.*/, ignoreInvalidSpeed: false }, nullLogger);
  let markReady!: () => void;
  const first = new Promise<void>((r) => (markReady = r));
  let waiters = 0;
  const cfg: HttpConfig = { ...baseHttp, address: '127.0.0.1', port: 0, ...http, limits: { ...baseHttp.limits, ...http.limits } };
  const server = new MetricsServer(cfg, web, {
    rendered: () => sink.latest,
    firstPoll: () => {
      waiters++;
      return first;
    },
    landing: () => ({ build: buildInfo(), pollIntervalSeconds: 15 }),
    logger: nullLogger,
  });
  servers.push(server);
  const addr = await server.start();
  const scheme = web?.tls ? 'https' : 'http';
  return {
    server,
    port: addr.port,
    url: `${scheme}://127.0.0.1:${addr.port}`,
    publish: () => sink.update(fakeSnapshot()),
    ready: () => markReady(),
    waiting: () => waiters,
  };
}

describe('routes and methods', () => {
  it('serves /, /healthz, /readyz and the metrics path; 404 elsewhere; GET and HEAD only', async () => {
    const h = await harness();
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${h.url}/readyz`)).status).toBe(503);
    h.publish();
    h.ready();
    expect((await fetch(`${h.url}/readyz`)).status).toBe(200);
    const landing = await fetch(`${h.url}/`);
    expect(landing.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await landing.text();
    expect(html).toContain('href="/metrics"');
    expect(html).toContain(buildInfo().version);
    expect((await fetch(`${h.url}/nope`)).status).toBe(404);
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const r = await fetch(`${h.url}/metrics`, { method });
      expect(r.status, method).toBe(405);
      expect(r.headers.get('allow')).toBe('GET, HEAD');
    }
    const head = await fetch(`${h.url}/metrics`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(0);
    expect(await head.text()).toBe('');
  });

  it('serves the configured telemetry path only', async () => {
    const h = await harness({ path: '/custom' });
    h.publish();
    expect((await fetch(`${h.url}/custom`)).status).toBe(200);
    expect((await fetch(`${h.url}/metrics`)).status).toBe(404);
  });
});

describe('the metrics response', () => {
  it('is the cached render: text format, gzip when accepted, OpenMetrics when preferred', async () => {
    const h = await harness();
    const r = h.publish();
    const plain = await fetch(`${h.url}/metrics`, { headers: { 'Accept-Encoding': 'identity' } });
    expect(plain.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await plain.text();
    expect(text).toBe(r.text.toString('utf8'));
    expect(text).toContain('node_cpu_seconds_total{cpu="0",mode="idle"} 100\n');
    expect(text).toContain('node_scrape_collector_success{collector="mem"} 0\n');

    // fetch() would transparently decompress; read the raw bytes with a plain socket request.
    const raw = await rawGet(h.port, '/metrics', { 'Accept-Encoding': 'gzip' });
    expect(raw.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(raw.body).toString('utf8')).toBe(text);

    const om = await fetch(`${h.url}/metrics`, { headers: { Accept: 'application/openmetrics-text;version=1.0.0,text/plain;q=0.5' } });
    expect(om.headers.get('content-type')).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    const omText = await om.text();
    expect(omText).toContain('# TYPE node_cpu_seconds counter\n');
    expect(omText.endsWith('# EOF\n')).toBe(true);
  });

  it('negotiates by q-values', () => {
    expect(wantsOpenMetrics(undefined)).toBe(false);
    expect(wantsOpenMetrics('text/plain')).toBe(false);
    expect(wantsOpenMetrics('application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.9')).toBe(false);
    // Prometheus 2.x's default Accept header.
    expect(
      wantsOpenMetrics(
        'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
      ),
    ).toBe(true);
    expect(acceptsGzip('gzip, deflate')).toBe(true);
    expect(acceptsGzip('gzip;q=0')).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
  });

  it('before the first poll, waits within the scrape timeout, then answers 503', async () => {
    const h = await harness();
    const r = await fetch(`${h.url}/metrics`, { headers: { 'X-Prometheus-Scrape-Timeout-Seconds': '0.6' } });
    expect(r.status).toBe(503);
    expect(r.headers.get('retry-after')).toBe('1');
  });

  it('a scrape waiting for the first poll is answered when the poll completes', async () => {
    const h = await harness();
    const pending = fetch(`${h.url}/metrics`);
    await waitFor(() => (h.waiting() === 1 ? true : undefined), 10_000, 'the scrape to wait for the first poll');
    h.publish();
    h.ready();
    expect((await pending).status).toBe(200);
  });
});

describe('limits', () => {
  it('answers 503 beyond max_concurrent_requests', async () => {
    const h = await harness({ limits: { ...baseHttp.limits, max_concurrent_requests: 2 } });
    // Two scrapes held waiting for the first poll fill the limit.
    const held = [fetch(`${h.url}/metrics`), fetch(`${h.url}/metrics`)];
    // Both must be in the server (not merely sent) before the third one comes.
    await waitFor(() => (h.waiting() === 2 ? true : undefined), 10_000, 'two scrapes waiting for the first poll');
    const third = await fetch(`${h.url}/metrics`);
    expect(third.status).toBe(503);
    expect(await third.text()).toContain('too many concurrent requests');
    h.publish();
    h.ready();
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
    // Capacity is back once they finished.
    expect((await fetch(`${h.url}/metrics`)).status).toBe(200);
  });

  it('closes a connection that trickles its headers past header_timeout, and keeps serving others', async () => {
    const h = await harness({ limits: { ...baseHttp.limits, header_timeout: 0.3, request_timeout: 0.3 } });
    h.publish();
    const closed = await new Promise<string>((resolve) => {
      const sock = connect(h.port, '127.0.0.1', () => {
        sock.write('GET /metrics HTTP/1.1\r\nHost: x\r\n');
        const t = setInterval(() => {
          if (!sock.destroyed) sock.write('X-Slow: 1\r\n');
        }, 100);
        let got = '';
        sock.on('data', (d) => (got += d.toString()));
        sock.on('close', () => {
          clearInterval(t);
          resolve(got);
        });
      });
      sock.on('error', () => undefined);
    });
    expect(closed).toMatch(/^HTTP\/1\.1 408|^$/);
    expect((await fetch(`${h.url}/metrics`)).status).toBe(200);
  });

  it('answers 431 to oversized headers', async () => {
    const h = await harness();
    h.publish();
    const r = await rawGet(h.port, '/metrics', { 'X-Big': 'x'.repeat(20_000) });
    expect(r.status).toBe(431);
  });
});

describe('web config (exporter-toolkit format)', () => {
  it('basic auth: 401 with WWW-Authenticate without or with wrong credentials, 200 with them; probes stay open', async () => {
    const dir = tmp();
    const hash = bcrypt.hashSync('s3cret', 4);
    writeFileSync(join(dir, 'web.yml'), `basic_auth_users:\n  alice: ${hash}\n`);
    const web = await loadWebConfig(join(dir, 'web.yml'));
    const h = await harness({}, web);
    h.publish();
    const auth = (u: string, p: string): Record<string, string> => ({
      Authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`,
    });
    const none = await fetch(`${h.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Basic');
    expect((await fetch(`${h.url}/metrics`, { headers: auth('alice', 'wrong') })).status).toBe(401);
    expect((await fetch(`${h.url}/metrics`, { headers: auth('mallory', 's3cret') })).status).toBe(401);
    // A user name with ':' cannot smuggle a match (CVE-2022-46146's ambiguous cache key).
    expect((await fetch(`${h.url}/metrics`, { headers: auth('alice:s3cret', '') })).status).toBe(401);
    expect((await fetch(`${h.url}/metrics`, { headers: auth('alice', 's3cret') })).status).toBe(200);
    expect((await fetch(`${h.url}/metrics`, { headers: auth('alice', 's3cret') })).status).toBe(200);
    expect((await fetch(`${h.url}/`)).status).toBe(401);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
  });

  it('TLS from cert_file/key_file, TLS 1.2 minimum', async () => {
    const dir = tmp();
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    writeFileSync(join(dir, 'web.yml'), 'tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n');
    const web = await loadWebConfig(join(dir, 'web.yml'));
    expect(web.tls?.minVersion).toBe('TLSv1.2');
    const h = await harness({}, web);
    h.publish();
    const ca = web.tls?.cert as Buffer;
    const get = (opts: { maxVersion?: 'TLSv1.1' | 'TLSv1.2' }): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = httpsRequest({ host: '127.0.0.1', port: h.port, path: '/metrics', ca, minVersion: 'TLSv1', ...opts }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await get({})).toBe(200);
    await expect(get({ maxVersion: 'TLSv1.1' })).rejects.toThrow();
  });

  it('rate_limit: a token bucket over every route but the probes; 429 with Retry-After beyond it; a reload keeps or resets it', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'web.yml'), 'rate_limit:\n  interval: 1h\n  burst: 2\n');
    const web = await loadWebConfig(join(dir, 'web.yml'));
    expect(web.rateLimit).toEqual({ intervalSeconds: 3600, burst: 2 });
    const h = await harness({}, web);
    h.publish();
    expect((await fetch(`${h.url}/metrics`)).status).toBe(200);
    expect((await fetch(`${h.url}/`)).status).toBe(200);
    const refused = await fetch(`${h.url}/metrics`);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3000);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${h.url}/readyz`)).status).toBe(200);
    // The same limit after a reload keeps its bucket (no fresh burst per reload).
    h.server.reconfigure({ ...baseHttp, address: '127.0.0.1', port: h.port }, await loadWebConfig(join(dir, 'web.yml')));
    expect((await fetch(`${h.url}/metrics`)).status).toBe(429);
    // Without rate_limit, no limit; put back, a fresh burst.
    writeFileSync(join(dir, 'none.yml'), 'http_server_config:\n  headers: {}\n');
    h.server.reconfigure({ ...baseHttp, address: '127.0.0.1', port: h.port }, await loadWebConfig(join(dir, 'none.yml')));
    for (let i = 0; i < 4; i++) expect((await fetch(`${h.url}/metrics`)).status).toBe(200);
    h.server.reconfigure({ ...baseHttp, address: '127.0.0.1', port: h.port }, await loadWebConfig(join(dir, 'web.yml')));
    expect((await fetch(`${h.url}/metrics`)).status).toBe(200);
    expect((await fetch(`${h.url}/metrics`)).status).toBe(200);
    expect((await fetch(`${h.url}/metrics`)).status).toBe(429);
  });

  it('client_allowed_sans: a verified client certificate without an allowed SAN is refused at the handshake', async () => {
    const dir = tmp();
    const ssl = (...args: string[]): void => {
      execFileSync('openssl', args, { stdio: 'ignore' });
    };
    const f = (n: string): string => join(dir, n);
    ssl(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=test-ca',
      '-keyout',
      f('ca.key'),
      '-out',
      f('ca.pem'),
    );
    ssl(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      f('server.key'),
      '-out',
      f('server.pem'),
    );
    const client = (name: string, san: string): void => {
      ssl(
        'req',
        '-new',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-subj',
        `/CN=${name}`,
        '-keyout',
        f(`${name}.key`),
        '-out',
        f(`${name}.csr`),
      );
      writeFileSync(f(`${name}.ext`), `subjectAltName=${san}\nextendedKeyUsage=clientAuth\n`);
      ssl(
        'x509',
        '-req',
        '-in',
        f(`${name}.csr`),
        '-CA',
        f('ca.pem'),
        '-CAkey',
        f('ca.key'),
        '-CAcreateserial',
        '-days',
        '1',
        '-extfile',
        f(`${name}.ext`),
        '-out',
        f(`${name}.pem`),
      );
    };
    client('prometheus', 'DNS:prometheus.monitoring.svc,URI:spiffe://cluster.local/ns/monitoring/sa/prometheus');
    client('intruder', 'DNS:intruder.example');
    client('byip', 'IP:0:0:0:0:0:ffff:7f00:1');
    writeFileSync(
      f('web.yml'),
      [
        'tls_server_config:',
        '  cert_file: server.pem',
        '  key_file: server.key',
        '  client_auth_type: RequireAndVerifyClientCert',
        '  client_ca_file: ca.pem',
        '  client_allowed_sans:',
        '    - spiffe://cluster.local/ns/monitoring/sa/prometheus',
        '    - 127.0.0.1',
        '',
      ].join('\n'),
    );
    const web = await loadWebConfig(f('web.yml'));
    expect(web.tls?.allowedSans).toHaveLength(2);
    const h = await harness({}, web);
    h.publish();
    const { readFileSync } = await import('node:fs');
    const get = (name?: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = httpsRequest(
          {
            host: '127.0.0.1',
            port: h.port,
            path: '/metrics',
            ca: readFileSync(f('server.pem')),
            ...(name ? { cert: readFileSync(f(`${name}.pem`)), key: readFileSync(f(`${name}.key`)) } : {}),
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
    expect(await get('prometheus')).toBe(200);
    expect(await get('byip')).toBe(200); // an IPv4-mapped IPv6 SAN is 127.0.0.1, as Go prints it
    await expect(get('intruder')).rejects.toThrow();
    await expect(get()).rejects.toThrow();
  });

  it('parses the SANs of a certificate and compares IPs in canonical form', () => {
    expect(
      parseSubjectAltName(
        'DNS:a.example, DNS:b:c, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, IP Address:0:0:0:0:0:FFFF:102:304, email:me@x.org, URI:spiffe://c/ns/m/sa/p',
      ),
    ).toEqual(['a.example', 'b:c', '127.0.0.1', '::1', '1.2.3.4', 'me@x.org', 'spiffe://c/ns/m/sa/p']);
    expect(parseSubjectAltName('DNS:"a, b", DNS:"q\\"uote", DNS:z')).toEqual(['a, b', 'q"uote', 'z']);
    expect(parseSubjectAltName(undefined)).toEqual([]);
    expect(canonicalIp('2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(canonicalIp('not-an-ip')).toBe('not-an-ip');
    expect(sanAllowed('DNS:a, IP Address:0:0:0:0:0:0:0:1', ['0::1'])).toBe(true);
    expect(sanAllowed('DNS:a', ['A'])).toBe(false); // exact match, like exporter-toolkit
  });

  it('the token bucket earns one request per interval up to the burst', () => {
    let t = 0;
    const b = new TokenBucket(10, 3, () => t);
    expect([b.allow(), b.allow(), b.allow(), b.allow()]).toEqual([true, true, true, false]);
    expect(b.retryAfterSeconds()).toBe(10);
    t = 9.5;
    expect(b.allow()).toBe(false);
    expect(b.retryAfterSeconds()).toBe(1);
    t = 10;
    expect(b.allow()).toBe(true);
    t = 1000; // never more than the burst
    expect([b.allow(), b.allow(), b.allow(), b.allow()]).toEqual([true, true, true, false]);
  });

  it('client_allowed_sans without a required client certificate, and rate_limit with burst 0, are errors that name the line', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'sans.yml'), 'tls_server_config:\n  cert_file: c\n  key_file: k\n  client_allowed_sans: [a.example]\n');
    const e1 = await loadWebConfig(join(dir, 'sans.yml')).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(ConfigError);
    expect((e1 as Error).message).toContain(
      `${join(dir, 'sans.yml')}:4:3: tls_server_config.client_allowed_sans: client_allowed_sans needs client_auth_type RequireAndVerifyClientCert`,
    );
    writeFileSync(join(dir, 'rl.yml'), 'rate_limit:\n  interval: 1s\n  burst: 0\n');
    const e2 = await loadWebConfig(join(dir, 'rl.yml')).catch((e: unknown) => e);
    expect((e2 as Error).message).toContain(`${join(dir, 'rl.yml')}:3:10: rate_limit.burst: burst must be at least 1`);
    writeFileSync(join(dir, 'off.yml'), 'rate_limit:\n  interval: 0s\n  burst: 0\n');
    expect((await loadWebConfig(join(dir, 'off.yml'))).rateLimit).toBeUndefined();
  });

  it('rejects keys it does not implement, by name, and unknown keys with a suggestion', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.yml'), 'tls_server_config:\n  cert_file: c\n  key_file: k\n  cipher_suites: [TLS_AES_128_GCM_SHA256]\n');
    const e1 = await loadWebConfig(join(dir, 'a.yml')).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(ConfigError);
    expect((e1 as Error).message).toContain(
      `${join(dir, 'a.yml')}:4:3: tls_server_config.cipher_suites: "cipher_suites" is not supported by hostprobe`,
    );
    writeFileSync(join(dir, 'b.yml'), 'basic_auth_user:\n  alice: x\n');
    const e2 = await loadWebConfig(join(dir, 'b.yml')).catch((e: unknown) => e);
    expect((e2 as Error).message).toContain('did you mean "basic_auth_users"?');
    writeFileSync(join(dir, 'c.yml'), 'basic_auth_users:\n  alice: plaintext\n');
    const e3 = await loadWebConfig(join(dir, 'c.yml')).catch((e: unknown) => e);
    expect((e3 as Error).message).toContain('basic_auth_users.alice: invalid value "plaintext"; expected a bcrypt hash');
    writeFileSync(join(dir, 'd.yml'), 'tls_server_config:\n  cert_file: missing.pem\n  key_file: k.pem\n');
    const e4 = await loadWebConfig(join(dir, 'd.yml')).catch((e: unknown) => e);
    expect((e4 as Error).message).toContain('tls_server_config.cert_file: cannot read');
  });
});

/** A GET over a raw socket (no transparent decompression, no header limits of fetch). */
function rawGet(
  port: number,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1', () => {
      const h = Object.entries({ Host: '127.0.0.1', Connection: 'close', ...headers })
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('');
      sock.write(`GET ${path} HTTP/1.1\r\n${h}\r\n`);
    });
    const chunks: Buffer[] = [];
    sock.on('data', (d: Buffer) => chunks.push(d));
    sock.on('error', reject);
    sock.on('close', () => {
      const all = Buffer.concat(chunks);
      const sep = all.indexOf('\r\n\r\n');
      const head = all.subarray(0, sep).toString('latin1').split('\r\n');
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(head[0] ?? '')?.[1] ?? 0);
      const hs: Record<string, string> = {};
      for (const l of head.slice(1)) {
        const i = l.indexOf(':');
        if (i > 0) hs[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
      }
      let body = all.subarray(sep + 4);
      if (hs['transfer-encoding'] === 'chunked') {
        const parts: Buffer[] = [];
        let off = 0;
        for (;;) {
          const nl = body.indexOf('\r\n', off);
          const len = parseInt(body.subarray(off, nl).toString(), 16);
          if (!len) break;
          parts.push(body.subarray(nl + 2, nl + 2 + len));
          off = nl + 2 + len + 2;
        }
        body = Buffer.concat(parts);
      }
      resolve({ status, headers: hs, body });
    });
  });
}

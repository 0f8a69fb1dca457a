// The HTTP endpoint seen from raw sockets: plain HTTP sent to the TLS port gets Go's 400,
// TLS on the same port still works; requests pipelined on one connection are answered in
// order and hold one slot of max_concurrent_requests, not one each.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildInfo } from '../../../src/contract/build-info.js';
import { loadConfig } from '../../../src/config/load.js';
import type { HttpConfig } from '../../../src/config/types.js';
import { loadWebConfig, type WebConfig } from '../../../src/config/webconfig.js';
import { looksLikeHttp, PLAIN_HTTP_RESPONSE } from '../../../src/http/plain-on-tls.js';
import { MetricsServer } from '../../../src/http/server.js';
import { nullLogger } from '../../../src/logger.js';
import { PrometheusSink } from '../../../src/sinks/prometheus/index.js';
import { fakeSnapshot } from '../../helpers/agent.js';

let baseHttp: HttpConfig;
let dir: string;
beforeAll(async () => {
  baseHttp = (await loadConfig(undefined)).config.http;
  dir = mkdtempSync(join(tmpdir(), 'hostprobe-wire-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const servers: MetricsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function harness(
  limits: Partial<HttpConfig['limits']>,
  web?: WebConfig,
): Promise<{ server: MetricsServer; port: number; ready(): void }> {
  const sink = new PrometheusSink({ cpuGuest: true, vmstatFields: /.*/, netstatFields: /.*/, ignoreInvalidSpeed: false }, nullLogger);
  let markReady!: () => void;
  const first = new Promise<void>((r) => (markReady = r));
  const server = new MetricsServer({ ...baseHttp, address: '127.0.0.1', port: 0, limits: { ...baseHttp.limits, ...limits } }, web, {
    rendered: () => sink.latest,
    firstPoll: () => first,
    landing: () => ({ build: buildInfo(), pollIntervalSeconds: 15 }),
    logger: nullLogger,
  });
  servers.push(server);
  const port = (await server.start()).port;
  return {
    server,
    port,
    ready: () => {
      sink.update(fakeSnapshot());
      markReady();
    },
  };
}

/** Opens a raw connection, writes `chunks` in order, and collects everything until the server closes it. */
function raw(port: number, chunks: (string | Buffer)[]): { sock: Socket; all: Promise<Buffer> } {
  const sock = connect(port, '127.0.0.1');
  const all = new Promise<Buffer>((resolve, reject) => {
    const got: Buffer[] = [];
    sock.on('data', (d: Buffer) => got.push(d));
    sock.on('error', reject);
    sock.on('close', () => resolve(Buffer.concat(got)));
  });
  sock.on('connect', () => {
    for (const c of chunks) sock.write(c);
  });
  return { sock, all };
}

describe('plain HTTP on the TLS port', () => {
  let web: WebConfig;
  beforeAll(async () => {
    execFileSync(
      'openssl',
      [
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
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    writeFileSync(join(dir, 'web.yml'), 'tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n');
    web = await loadWebConfig(join(dir, 'web.yml'));
  });

  const httpsGet = (port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port, path: '/metrics', ca: web.tls?.cert, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });

  it("answers Go's 400 and closes, also when the request comes a byte at a time; TLS on the same port still works", async () => {
    const h = await harness({}, web);
    h.ready();
    const whole = await raw(h.port, ['GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n']).all;
    expect(whole.toString('latin1')).toBe('HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n');
    expect(whole.toString('latin1')).toBe(PLAIN_HTTP_RESPONSE);
    const trickled = await raw(h.port, ['H', 'E', 'A', 'D ', '/ HTTP/1.0\r\n\r\n']).all;
    expect(trickled.toString('latin1')).toBe(PLAIN_HTTP_RESPONSE);
    expect(await httpsGet(h.port)).toBe(200);
    // Bytes that are neither TLS nor HTTP: the handshake fails, no HTTP answer.
    const junk = await raw(h.port, [Buffer.from('\x00\x01\x02\x03\x04\x05\x06\x07', 'latin1')]).all;
    expect(junk.toString('latin1')).not.toContain('HTTP/');
    expect(await httpsGet(h.port)).toBe(200);
  });

  it('closes a connection that says nothing within the header timeout', async () => {
    const h = await harness({ header_timeout: 0.3, request_timeout: 0.3 }, web);
    const silent = await raw(h.port, []).all;
    expect(silent.length).toBe(0);
  });

  it("recognizes Go's five-byte HTTP starts", () => {
    for (const s of ['GET /x', 'HEAD / HTTP/1.0', 'POST /', 'PUT /a', 'OPTIONS * HTTP/1.1'])
      expect(looksLikeHttp(Buffer.from(s)), s).toBe(true);
    for (const s of ['GET', 'DELETE /', 'get /', '\x16\x03\x01\x02\x00']) expect(looksLikeHttp(Buffer.from(s, 'latin1')), s).toBe(false);
  });
});

describe('pipelining', () => {
  it('answers pipelined requests in order, holding one slot of max_concurrent_requests per connection', async () => {
    const h = await harness({ max_concurrent_requests: 2 });
    // Count the requests the server has parsed, to know when all five pipelined ones are in.
    const listener = Reflect.get(h.server, 'server') as Server;
    let parsed = 0;
    listener.on('request', () => parsed++);
    // Five scrapes on one connection, all waiting for the first poll, then the landing page.
    const req = (path: string, close = false): string =>
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Prometheus-Scrape-Timeout-Seconds: 60\r\n${close ? 'Connection: close\r\n' : ''}\r\n`;
    const pipe = raw(h.port, [[1, 2, 3, 4].map(() => req('/metrics')).join('') + req('/metrics') + req('/', true)]);
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (parsed >= 6) {
          clearInterval(t);
          resolve();
        }
      }, 5);
    });
    // Another client is served: the pipelined connection holds one slot, not six.
    const other = await fetch(`http://127.0.0.1:${h.port}/`);
    expect(other.status).toBe(200);
    // With that slot and this one taken, a third scrape waiting for the poll fills the limit.
    const waiting = fetch(`http://127.0.0.1:${h.port}/metrics`, { headers: { 'X-Prometheus-Scrape-Timeout-Seconds': '60' } });
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (parsed >= 8) {
          clearInterval(t);
          resolve();
        }
      }, 5);
    });
    expect((await fetch(`http://127.0.0.1:${h.port}/`)).status).toBe(503);
    expect((await fetch(`http://127.0.0.1:${h.port}/healthz`)).status).toBe(200); // probes hold no slot
    h.ready();
    expect((await waiting).status).toBe(200);
    const out = (await pipe.all).toString('latin1');
    const statuses = [...out.matchAll(/^HTTP\/1\.1 (\d+)/gm)].map((m) => m[1]);
    expect(statuses).toEqual(['200', '200', '200', '200', '200', '200']);
    // In order: five expositions, then the landing page.
    const bodies = out.split(/^HTTP\/1\.1 /m).slice(1);
    for (const b of bodies.slice(0, 5)) expect(b).toContain('text/plain; version=0.0.4');
    expect(bodies[5]).toContain('text/html');
  }, 30_000);
});

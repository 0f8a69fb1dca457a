// Content negotiation of /metrics, table-driven: Accept (text or OpenMetrics 1.0.0, only
// versions hostprobe renders) and Accept-Encoding (RFC 9110 q-values), then the same
// headers against a real server to see the response's Content-Type and Content-Encoding.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { buildInfo } from '../../../src/contract/build-info.js';
import { acceptsGzip, parseQList, wantsOpenMetrics } from '../../../src/http/negotiate.js';
import { MetricsServer } from '../../../src/http/server.js';
import { nullLogger } from '../../../src/logger.js';
import { PrometheusSink } from '../../../src/sinks/prometheus/index.js';
import { fakeSnapshot } from '../../helpers/agent.js';

const PROMETHEUS_2_42 =
  'application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2';

const acceptCases: [string | undefined, boolean][] = [
  [undefined, false],
  ['', false],
  ['text/plain', false],
  ['*/*', false],
  ['application/openmetrics-text', true],
  ['application/openmetrics-text; version=1.0.0', true],
  ['Application/OpenMetrics-Text; Version="1.0.0"', true],
  [PROMETHEUS_2_42, true],
  // Prometheus 3.x (escaping parameters; text/plain 1.0.0 is not rendered here).
  [
    'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2',
    true,
  ],
  ['text/plain;version=1.0.0;escaping=allow-utf-8;q=0.9,text/plain;version=0.0.4;q=0.3', false],
  // Prometheus 2.x before 2.42.
  [
    'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
    true,
  ],
  ['application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.9', false],
  // Versions hostprobe does not render are not candidates: the text format instead.
  ['application/openmetrics-text;version=2.0.0', false],
  ['application/openmetrics-text;version=0.0.1', false],
  ['application/openmetrics-text;version=2.0.0,text/plain;q=0.1', false],
  ['application/openmetrics-text;version=2.0.0,application/openmetrics-text;version=1.0.0;q=0.2', true],
  // A text/plain version other than 0.0.4 is not the text format; OpenMetrics below it wins.
  ['text/plain;version=1.0.0,application/openmetrics-text;q=0.5', true],
  // q=0 means "not acceptable".
  ['application/openmetrics-text;q=0', false],
  ['application/openmetrics-text;q=0.000,text/plain;q=0.1', false],
  ['text/plain;q=0,application/openmetrics-text;q=0.1', true],
  // Ties: the earlier element; a concrete type before a wildcard.
  ['text/plain,application/openmetrics-text', false],
  ['application/openmetrics-text,text/plain', true],
  ['*/*,application/openmetrics-text', true],
  // A malformed q counts as 0.
  ['application/openmetrics-text;q=abc,text/plain;q=0.1', false],
  ['application/openmetrics-text;q=1.5,text/plain;q=0.1', false],
];

const encodingCases: [string | undefined, boolean][] = [
  [undefined, false],
  ['', false],
  ['gzip', true],
  ['GZIP', true],
  ['x-gzip', true],
  ['gzip, deflate, br', true],
  ['deflate, gzip;q=1.0, *;q=0.5', true],
  ['gzip;q=0', false],
  ['gzip; q=0.0', false],
  // An explicit gzip;q=0 beats the wildcard.
  ['gzip;q=0, *', false],
  ['*, gzip;q=0', false],
  ['*', true],
  ['*;q=0', false],
  ['*;q=0.5, identity', false],
  ['identity', false],
  ['identity;q=0.5, gzip', true],
  ['identity, gzip;q=0.5', false],
  ['gzip;q=0.5, identity;q=0.5', true],
  // identity not mentioned is the fallback below what the client listed.
  ['gzip;q=0.5', true],
  ['br, deflate', false],
  ['gzip;q=bogus', false],
  ['gzip;q=0.0001', false],
];

describe('Accept', () => {
  it.each(acceptCases)('%j -> OpenMetrics %s', (header, om) => {
    expect(wantsOpenMetrics(header)).toBe(om);
  });
});

describe('Accept-Encoding', () => {
  it.each(encodingCases)('%j -> gzip %s', (header, gz) => {
    expect(acceptsGzip(header)).toBe(gz);
  });
});

describe('parseQList', () => {
  it('keeps parameters (quoted values unquoted, commas inside quotes kept) and drops empty elements', () => {
    const l = parseQList(' a/b ;x="1,2"; Q=0.5 ,, c ; y=z');
    expect(l.map((e) => [e.value, [...e.params], e.q])).toEqual([
      ['a/b', [['x', '1,2']], 0.5],
      ['c', [['y', 'z']], 1],
    ]);
  });
});

describe('negotiation on the wire', () => {
  let server: MetricsServer;
  let port: number;
  beforeAll(async () => {
    const http = (await loadConfig(undefined)).config.http;
    const sink = new PrometheusSink({ cpuGuest: true, vmstatFields: /.*/, netstatFields: /.*/, ignoreInvalidSpeed: false }, nullLogger);
    sink.update(fakeSnapshot());
    server = new MetricsServer({ ...http, address: '127.0.0.1', port: 0 }, undefined, {
      rendered: () => sink.latest,
      firstPoll: () => Promise.resolve(),
      landing: () => ({ build: buildInfo(), pollIntervalSeconds: 15 }),
      logger: nullLogger,
    });
    port = (await server.start()).port;
  });
  afterAll(() => server.close());

  const get = (headers: Record<string, string>): Promise<{ type: string; encoding: string; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/metrics', headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () =>
          resolve({
            type: res.headers['content-type'] ?? '',
            encoding: res.headers['content-encoding'] ?? '',
            body: Buffer.concat(chunks),
          }),
        );
      });
      req.on('error', reject);
      req.end();
    });

  it('answers each Accept with the negotiated format and each Accept-Encoding with the negotiated coding', async () => {
    for (const [accept, om] of acceptCases) {
      const r = await get(accept === undefined ? {} : { Accept: accept });
      expect(r.type, String(accept)).toBe(
        om ? 'application/openmetrics-text; version=1.0.0; charset=utf-8' : 'text/plain; version=0.0.4; charset=utf-8',
      );
      expect(r.body.toString('utf8').endsWith('# EOF\n'), String(accept)).toBe(om);
    }
    for (const [enc, gz] of encodingCases) {
      const r = await get(enc === undefined ? {} : { 'Accept-Encoding': enc });
      expect(r.encoding, String(enc)).toBe(gz ? 'gzip' : '');
      // gzip's magic bytes, or the text format's first comment.
      expect(r.body.subarray(0, 2).equals(Buffer.from([0x1f, 0x8b])), String(enc)).toBe(gz);
    }
  });
});

// Fault tests of the OTLP/HTTP transport against a local server that answers 503, 429
// with Retry-After, 400, hangs, resets or refuses connections. Attempt counts are read
// from the server; the chosen waits are read from the transport's own record (no timing
// assertions, except that a Retry-After wait was not cut short).
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { OtlpHttpTransport, parseRetryAfter, type TransportOptions } from '../../../../src/sinks/otlp/transport.js';
import { closedPort, partialSuccess, rpcStatus, startFaultServer, type FaultServer } from '../../../helpers/otlp-fault-server.js';
import { waitFor } from '../../../helpers/agent.js';

const payload = randomBytes(4096);
let server: FaultServer | undefined;
let transport: OtlpHttpTransport | undefined;

afterEach(async () => {
  transport?.close();
  transport = undefined;
  await server?.close();
  server = undefined;
});

function make(url: string, extra: Partial<TransportOptions> = {}): OtlpHttpTransport {
  transport = new OtlpHttpTransport({
    url,
    protocol: 'http/protobuf',
    compression: 'none',
    headers: {},
    timeoutMs: 5000,
    retry: { initialBackoffMs: 50, maxBackoffMs: 200 },
    ...extra,
  });
  return transport;
}

describe('retryable statuses', () => {
  it('retries 503 with exponential backoff and jitter, then succeeds', async () => {
    server = await startFaultServer((n) => (n < 3 ? { status: 503 } : { status: 200 }));
    const t = make(server.url);
    const r = await t.send(payload);
    expect(r.outcome).toBe('success');
    expect(r.attempts).toBe(4);
    expect(server.received).toHaveLength(4);
    expect(r.log.map((a) => a.status)).toEqual([503, 503, 503, 200]);
    // backoff 50, 100, 200 ms, each ±20 %
    const waits = r.log.slice(0, 3).map((a) => a.waitMs ?? -1);
    [50, 100, 200].forEach((base, i) => {
      expect(waits[i]).toBeGreaterThanOrEqual(Math.floor(base * 0.8));
      expect(waits[i]).toBeLessThanOrEqual(Math.ceil(base * 1.2));
    });
    for (const rec of server.received) expect(rec.body.equals(payload)).toBe(true);
  });

  it.each([429, 502, 504])('retries %i', async (status) => {
    server = await startFaultServer((n) => (n === 0 ? { status } : { status: 200 }));
    const r = await make(server.url).send(payload);
    expect(r.outcome).toBe('success');
    expect(server.received).toHaveLength(2);
  });

  it('caps each backoff at max_backoff and stops at the deadline', async () => {
    server = await startFaultServer(() => ({ status: 503, body: 'overloaded' }));
    const r = await make(server.url, { timeoutMs: 1500, retry: { initialBackoffMs: 50, maxBackoffMs: 100 } }).send(payload);
    expect(r.outcome).toBe('retries_exhausted');
    expect(r.status).toBe(503);
    expect(r.message).toBe('overloaded');
    expect(r.attempts).toBe(server.received.length);
    expect(r.attempts).toBeGreaterThan(3);
    for (const a of r.log) if (a.waitMs !== undefined) expect(a.waitMs).toBeLessThanOrEqual(120);
  });

  it('does not retry when retries are disabled', async () => {
    server = await startFaultServer(() => ({ status: 503 }));
    const r = await make(server.url, { retry: { enabled: false } }).send(payload);
    expect(r.outcome).toBe('retries_exhausted');
    expect(server.received).toHaveLength(1);
  });
});

describe('Retry-After', () => {
  it('waits the seconds a 429 asks for instead of the backoff', async () => {
    server = await startFaultServer((n) => (n === 0 ? { status: 429, headers: { 'Retry-After': '1' } } : { status: 200 }));
    const r = await make(server.url).send(payload);
    expect(r.outcome).toBe('success');
    expect(r.log[0]).toMatchObject({ status: 429, waitMs: 1000, retryAfter: true });
    const [a, b] = server.received;
    // A timer never fires early: the second attempt came at least the asked second later.
    expect(b!.at - a!.at).toBeGreaterThanOrEqual(990);
  });

  it('honours an HTTP-date on 503', async () => {
    server = await startFaultServer((n) =>
      n === 0 ? { status: 503, headers: { 'Retry-After': new Date(Date.now() + 2000).toUTCString() } } : { status: 200 },
    );
    const r = await make(server.url).send(payload);
    expect(r.outcome).toBe('success');
    expect(r.log[0]!.retryAfter).toBe(true);
    // HTTP-dates have whole-second resolution.
    expect(r.log[0]!.waitMs).toBeGreaterThan(0);
    expect(r.log[0]!.waitMs).toBeLessThanOrEqual(2000);
  });

  it('gives up at once when Retry-After is beyond the deadline, and reports it', async () => {
    server = await startFaultServer(() => ({ status: 429, headers: { 'Retry-After': '30' } }));
    const r = await make(server.url, { timeoutMs: 2000 }).send(payload);
    expect(r.outcome).toBe('retries_exhausted');
    expect(server.received).toHaveLength(1);
    expect(r.retryAfterMs).toBe(30_000);
  });

  it('treats Retry-After: 0 as no particular delay (normal backoff, no spinning)', async () => {
    server = await startFaultServer((n) => (n < 2 ? { status: 503, headers: { 'Retry-After': '0' } } : { status: 200 }));
    const r = await make(server.url).send(payload);
    expect(r.outcome).toBe('success');
    expect(r.log[0]!.retryAfter).toBeUndefined();
    expect(r.log[0]!.waitMs).toBeGreaterThanOrEqual(40);
  });

  it('parses delta-seconds and HTTP-dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:05 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('non-retryable answers', () => {
  it('does not retry 400 and reports the google.rpc.Status message', async () => {
    server = await startFaultServer(() => ({
      status: 400,
      headers: { 'Content-Type': 'application/x-protobuf' },
      body: rpcStatus(3, 'invalid metric name "x y"'),
    }));
    const r = await make(server.url).send(payload);
    expect(r).toMatchObject({ outcome: 'rejected', status: 400, attempts: 1, message: 'invalid metric name "x y"' });
    expect(server.received).toHaveLength(1);
  });

  it('reads a JSON Status message', async () => {
    server = await startFaultServer(() => ({
      status: 400,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code: 3, message: 'bad json' }),
    }));
    const r = await make(server.url, { protocol: 'http/json' }).send(payload);
    expect(r).toMatchObject({ outcome: 'rejected', status: 400, message: 'bad json' });
  });

  it.each([401, 403, 404, 413, 500, 501])('does not retry %i', async (status) => {
    server = await startFaultServer(() => ({ status, body: `status ${status}` }));
    const r = await make(server.url).send(payload);
    expect(r).toMatchObject({ outcome: 'rejected', status, attempts: 1, message: `status ${status}` });
    expect(server.received).toHaveLength(1);
  });

  it('does not retry a partial success, and returns it', async () => {
    server = await startFaultServer(() => ({
      status: 200,
      headers: { 'Content-Type': 'application/x-protobuf' },
      body: partialSuccess(7, 'dropped 7 points'),
    }));
    const r = await make(server.url).send(payload);
    expect(r.outcome).toBe('success');
    expect(r.partialSuccess).toEqual({ rejectedDataPoints: 7, errorMessage: 'dropped 7 points' });
    expect(server.received).toHaveLength(1);
  });

  it('fails on a response body over 4 MiB without retrying', async () => {
    server = await startFaultServer(() => ({ status: 200, body: Buffer.alloc(5 * 1024 * 1024, 0x41) }));
    const r = await make(server.url).send(payload);
    expect(r.outcome).toBe('error');
    expect(r.message).toMatch(/exceeds/);
    expect(server.received).toHaveLength(1);
  });
});

describe('network failures', () => {
  it('retries a refused connection until the deadline', async () => {
    const port = await closedPort();
    const r = await make(`http://127.0.0.1:${port}/v1/metrics`, { timeoutMs: 800 }).send(payload);
    expect(r.outcome).toBe('retries_exhausted');
    expect(r.attempts).toBeGreaterThan(1);
    expect(r.log.every((a) => a.error === 'ECONNREFUSED')).toBe(true);
  });

  it('retries a connection reset, then succeeds', async () => {
    server = await startFaultServer((n) => (n === 0 ? { destroy: true } : { status: 200 }));
    const r = await make(server.url).send(payload);
    expect(r.outcome).toBe('success');
    expect(r.attempts).toBe(2);
    expect(r.log[0]!.error).toMatch(/ECONNRESET|socket hang up/);
  });

  it('ends a hanging request at the export timeout', async () => {
    server = await startFaultServer(() => ({ hang: true }));
    const r = await make(server.url, { timeoutMs: 500 }).send(payload);
    expect(r.outcome).toBe('timeout');
    expect(r.attempts).toBe(1);
    expect(server.received).toHaveLength(1);
  });
});

describe('request', () => {
  it('sends gzip, the content type, the headers and the user agent', async () => {
    server = await startFaultServer(() => ({ status: 200 }));
    const r = await make(server.url, {
      compression: 'gzip',
      headers: { authorization: 'Bearer s3cret', 'x-scope': 'tenant-1' },
      userAgent: 'hostprobe/test',
    }).send(payload);
    expect(r.outcome).toBe('success');
    const got = server.received[0]!;
    expect(got.headers['content-encoding']).toBe('gzip');
    expect(got.headers['content-type']).toBe('application/x-protobuf');
    expect(got.headers.authorization).toBe('Bearer s3cret');
    expect(got.headers['x-scope']).toBe('tenant-1');
    expect(got.headers['user-agent']).toBe('hostprobe/test');
    expect(got.body.equals(payload)).toBe(true);
    expect(got.raw.length).toBe(r.bodyBytes);
  });

  it('uses application/json for http/json', async () => {
    server = await startFaultServer(() => ({ status: 200 }));
    await make(server.url, { protocol: 'http/json' }).send(Buffer.from('{}'));
    expect(server.received[0]!.headers['content-type']).toBe('application/json');
  });

  it('stops waiting when closed', async () => {
    server = await startFaultServer(() => ({ status: 503, headers: { 'Retry-After': '3' } }));
    const t = make(server.url, { timeoutMs: 10_000 });
    const p = t.send(payload);
    // Closed once the first attempt has reached the server (its answer asks for a 3 s wait).
    await waitFor(() => (server!.received.length === 1 ? true : undefined), 10_000, 'the first attempt');
    t.close();
    const r = await p;
    expect(r.outcome).toBe('error');
    expect(server.received).toHaveLength(1);
  });
});

describe('logs', () => {
  it('never show the user-info of an endpoint', async () => {
    const { redactUrl } = await import('../../../../src/sinks/otlp/sink.js');
    const { describeOtlpConfig, validateOtlpConfig } = await import('../../../../src/config/otlp.js');
    expect(redactUrl('https://user:s3cret@collector:4318/v1/metrics')).toBe('https://collector:4318/v1/metrics');
    expect(redactUrl('http://collector:4318/v1/metrics')).toBe('http://collector:4318/v1/metrics');
    const c = validateOtlpConfig({ endpoint: 'https://user:s3cret@collector:4318', headers: { authorization: 'Bearer tok' } }, {}).value;
    const line = describeOtlpConfig(c);
    expect(line).not.toContain('s3cret');
    expect(line).not.toContain('tok');
    expect(line).toContain('headers: authorization');
  });
});

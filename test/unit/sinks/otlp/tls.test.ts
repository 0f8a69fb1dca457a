// TLS settings of the OTLP transport against a local HTTPS receiver with certificates made
// by openssl for this test: a private CA, verification failures (not retried), the CA
// file, insecure_skip_verify, and client certificates (mTLS).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OtlpHttpTransport } from '../../../../src/sinks/otlp/transport.js';
import { validateOtlpConfig } from '../../../../src/config/otlp.js';
import { haveTool, tool } from '../../../helpers/tools.js';

const openssl = tool('openssl', 'apt-get install openssl');
const enabled = haveTool(openssl);
const dir = mkdtempSync(join(tmpdir(), 'hostprobe-otlp-tls-'));
const f = (n: string) => join(dir, n);
let server: https.Server;
let url = '';
let requests = 0;

function ssl(...args: string[]): void {
  execFileSync(openssl.path!, args, { stdio: 'pipe' });
}

beforeAll(async () => {
  if (!enabled) return;
  ssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=hostprobe test CA',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
  );
  writeFileSync(f('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', f('server.key'), '-out', f('server.csr'));
  ssl(
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    f('server.ext'),
    '-out',
    f('server.pem'),
  );
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=hostprobe agent', '-keyout', f('client.key'), '-out', f('client.csr'));
  ssl(
    'x509',
    '-req',
    '-in',
    f('client.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-out',
    f('client.pem'),
  );
  server = https.createServer(
    {
      key: readFileSync(f('server.key')),
      cert: readFileSync(f('server.pem')),
      ca: readFileSync(f('ca.pem')),
      requestCert: true,
      rejectUnauthorized: false,
    },
    (req, res) => {
      requests++;
      req.resume();
      const authorized = (req.socket as import('node:tls').TLSSocket).authorized;
      req.on('end', () => res.writeHead(authorized ? 200 : 401).end(authorized ? '' : 'client certificate required'));
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/v1/metrics`;
});

afterAll(async () => {
  if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
});

function send(tls: ConstructorParameters<typeof OtlpHttpTransport>[0]['tls']) {
  const t = new OtlpHttpTransport({
    url,
    protocol: 'http/protobuf',
    compression: 'gzip',
    headers: {},
    timeoutMs: 3000,
    retry: { initialBackoffMs: 20, maxBackoffMs: 40 },
    ...(tls ? { tls } : {}),
  });
  return t.send(Buffer.from('payload')).finally(() => t.close());
}

describe.skipIf(!enabled)('TLS', () => {
  it('fails without retrying when the server certificate does not verify', async () => {
    const before = requests;
    const r = await send(undefined);
    expect(r.outcome).toBe('error');
    expect(r.attempts).toBe(1);
    expect(r.message).toMatch(/SELF_SIGNED|UNABLE_TO_(VERIFY|GET_ISSUER)|CERT/);
    expect(requests).toBe(before);
  });

  it('verifies with the CA file and sends the client certificate', async () => {
    const c = validateOtlpConfig(
      { metrics_endpoint: url, tls: { ca_file: f('ca.pem'), cert_file: f('client.pem'), key_file: f('client.key') } },
      {},
    );
    expect(c.issues).toEqual([]);
    const r = await send({
      ca: readFileSync(c.value.tls.ca_file),
      cert: readFileSync(c.value.tls.cert_file),
      key: readFileSync(c.value.tls.key_file),
    });
    expect(r.outcome).toBe('success');
  });

  it('is refused by a receiver that wants a client certificate when none is sent', async () => {
    const r = await send({ ca: readFileSync(f('ca.pem')) });
    expect(r).toMatchObject({ outcome: 'rejected', status: 401, message: 'client certificate required', attempts: 1 });
  });

  it('skips verification with insecure_skip_verify', async () => {
    const r = await send({ insecureSkipVerify: true, cert: readFileSync(f('client.pem')), key: readFileSync(f('client.key')) });
    expect(r.outcome).toBe('success');
  });

  it('reads the certificates from the OTEL_EXPORTER_OTLP_* variables', () => {
    const c = validateOtlpConfig(undefined, {
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: url,
      OTEL_EXPORTER_OTLP_CERTIFICATE: f('ca.pem'),
      OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: f('client.pem'),
      OTEL_EXPORTER_OTLP_CLIENT_KEY: f('client.key'),
    });
    expect(c.issues).toEqual([]);
    expect(c.value.tls).toEqual({
      ca_file: f('ca.pem'),
      cert_file: f('client.pem'),
      key_file: f('client.key'),
      insecure_skip_verify: false,
    });
  });
});

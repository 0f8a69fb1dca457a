// A local OTLP/HTTP endpoint that misbehaves on request: each request gets the next
// scripted answer (a status with headers and body, a hang, or a dropped connection).
// It records what it received so tests can count attempts and look at the bodies.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export type Answer = { status: number; headers?: Record<string, string>; body?: Buffer | string } | { hang: true } | { destroy: true };

export interface Received {
  at: number;
  headers: http.IncomingHttpHeaders;
  /** The body as received (compressed when Content-Encoding is gzip). */
  raw: Buffer;
  /** The body after gunzip when it was compressed. */
  body: Buffer;
}

export interface FaultServer {
  url: string;
  port: number;
  received: Received[];
  /** Replaces the script: answer for the n-th request (0-based, counted from now). */
  script(fn: (n: number) => Answer): void;
  close(): Promise<void>;
}

export async function startFaultServer(fn: (n: number) => Answer): Promise<FaultServer> {
  let script = fn;
  let n = 0;
  const received: Received[] = [];
  const hung = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      received.push({ at: Date.now(), headers: req.headers, raw, body });
      const a = script(n++);
      if ('hang' in a) {
        hung.add(res);
        return;
      }
      if ('destroy' in a) {
        req.socket.destroy();
        return;
      }
      res.writeHead(a.status, a.headers ?? {});
      res.end(a.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1/metrics`,
    port,
    received,
    script(f) {
      script = f;
      n = 0;
    },
    async close() {
      for (const r of hung) r.socket?.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** Protobuf google.rpc.Status { code = 1; message = 2 }. */
export function rpcStatus(code: number, message: string): Buffer {
  const msg = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from([0x08, code, 0x12]), varint(msg.length), msg]);
}

/** Protobuf ExportMetricsServiceResponse { partial_success = 1 { rejected_data_points = 1; error_message = 2 } }. */
export function partialSuccess(rejected: number, message: string): Buffer {
  const msg = Buffer.from(message, 'utf8');
  const inner = Buffer.concat([Buffer.from([0x08]), varint(rejected), Buffer.from([0x12]), varint(msg.length), msg]);
  return Buffer.concat([Buffer.from([0x0a]), varint(inner.length), inner]);
}

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

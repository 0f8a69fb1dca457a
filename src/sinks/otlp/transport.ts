/**
 * The OTLP/HTTP transport under the official exporter (src/sinks/otlp/exporter.ts plugs it
 * into @opentelemetry/exporter-metrics-otlp-http's exporter at its IExporterTransport seam):
 * one POST of an already serialized ExportMetricsServiceRequest, with the retry rules of the
 * OTLP specification and nothing more:
 *
 * - retried: HTTP 429, 502, 503, 504, and network failures without a response
 *   (connection refused or reset, DNS failure, socket hang-up), with exponential backoff
 *   and jitter; a `Retry-After` header (delta-seconds or HTTP-date) on any retryable
 *   response replaces the computed backoff;
 * - never retried: every other status (400, 401, 403, 404, 413, 500, ...), TLS
 *   verification failures, a response body larger than 4 MiB, a partial success;
 * - everything (attempts and waits) happens within one deadline, the export timeout: a
 *   wait that would end after the deadline is not started and the export fails at once.
 *
 * Why this piece is ours and not the exporter's own HTTP transport (docs/otlp.md "Sending"):
 * the exporter's retrying transport has fixed retries (five, 1 s x 1.5, no switch) and
 * reports neither attempts nor waits, turns `Retry-After: 0` into an immediate retry, drops
 * a Retry-After that outlives the export budget instead of telling the caller, and cannot be
 * stopped at shutdown; its HTTP attempt times out on socket inactivity rather than at a
 * deadline, keeps neither the status nor the body of a retryable answer, does not retry
 * every network failure, and appends its own User-Agent. Neither is exported for reuse.
 * The request and response bodies are the SDK's serializers' (@opentelemetry/otlp-transformer).
 */
import http from 'node:http';
import https from 'node:https';
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';

const gzip = promisify(gzipCb);

/** Upper bound on a response body we read (OTLP spec: 4 MiB, larger is a non-retryable error). */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

export type OtlpProtocol = 'http/protobuf' | 'http/json';
export type OtlpCompression = 'gzip' | 'none';

export interface RetryPolicy {
  /** Retries on at all (429/502/503/504/network). Default true. */
  enabled: boolean;
  /** First backoff, ms (default 1000). Each later one is multiplied by `multiplier`. */
  initialBackoffMs: number;
  /** Cap on one backoff, ms (default 5000). Retry-After is not capped by this, only by the deadline. */
  maxBackoffMs: number;
  /** Backoff growth factor (default 2). */
  multiplier: number;
  /** Relative jitter: each backoff is drawn uniformly from [b·(1−j), b·(1+j)] (default 0.2). */
  jitter: number;
}

export const DEFAULT_RETRY: RetryPolicy = Object.freeze({
  enabled: true,
  initialBackoffMs: 1000,
  maxBackoffMs: 5000,
  multiplier: 2,
  jitter: 0.2,
});

export interface TlsSettings {
  /** PEM bundle of CAs to trust instead of the system's. */
  ca?: Buffer;
  /** PEM client certificate for mTLS. */
  cert?: Buffer;
  /** PEM client key for mTLS. */
  key?: Buffer;
  /** Skip server certificate verification (testing only). */
  insecureSkipVerify?: boolean;
}

export interface TransportOptions {
  /** Full metrics URL, e.g. http://collector:4318/v1/metrics. */
  url: string;
  protocol: OtlpProtocol;
  compression: OtlpCompression;
  /** Extra request headers (already resolved; secrets included). */
  headers: Readonly<Record<string, string>>;
  /** Deadline for the whole export, retries and waits included, ms. */
  timeoutMs: number;
  retry?: Partial<RetryPolicy>;
  tls?: TlsSettings;
  userAgent?: string;
  /** Random source in [0,1), for the jitter; injectable so tests can pin it. */
  random?: () => number;
}

/** How one export ended. */
export type ExportOutcome =
  | 'success'
  /** The receiver answered a non-retryable status (400, 401, 413, 500, ...). */
  | 'rejected'
  /** Retryable failures until the deadline (or a Retry-After beyond it). */
  | 'retries_exhausted'
  /** The deadline passed while an attempt was in flight (receiver hangs). */
  | 'timeout'
  /** A failure that retrying cannot fix (TLS verification, oversized response, bad URL). */
  | 'error';

export interface AttemptRecord {
  /** HTTP status, or undefined when no response arrived. */
  status?: number;
  /** Network error code (ECONNREFUSED, ...) or "timeout". */
  error?: string;
  /** The wait chosen before the NEXT attempt, ms, and whether it came from Retry-After. */
  waitMs?: number;
  retryAfter?: boolean;
}

export interface ExportResult {
  outcome: ExportOutcome;
  /** Attempts made (1 + retries). */
  attempts: number;
  /** Per attempt: status or error, and the wait that followed. */
  log: AttemptRecord[];
  /** Last HTTP status seen, if any. */
  status?: number;
  /** The receiver's message (google.rpc.Status.message, JSON message, or body text), or the error. */
  message?: string;
  /**
   * A Retry-After the receiver asked for that did not fit in the deadline, ms from now;
   * the caller should not export again before then.
   */
  retryAfterMs?: number;
  /** Partial success reported in a 2xx response (not retried, per spec). */
  partialSuccess?: { rejectedDataPoints: number; errorMessage: string };
  /** Request body size on the wire (after compression). */
  bodyBytes: number;
  /** Body bytes written to sockets over all attempts. */
  bytesWritten: number;
}

interface AttemptOutcome {
  kind: 'success' | 'retryable' | 'fatal' | 'timeout';
  status?: number;
  error?: string;
  body?: Buffer;
  contentType?: string;
  retryAfterMs?: number;
}

/** Network errors after which the request never reached a server that answered: retryable. */
const RETRYABLE_NET_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'UND_ERR_SOCKET',
]);

/** True for the HTTP statuses the OTLP specification says to retry. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

/**
 * Parses a Retry-After header: delta-seconds or an HTTP-date. Returns ms from `now`
 * (0 for a date in the past), or undefined when absent or unparseable.
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, t - now);
}

/**
 * Extracts a human-readable message from an error response body: a google.rpc.Status
 * (protobuf field 2, or JSON `message`), else the body as text, cut to 512 characters.
 */
export function errorMessageFromBody(body: Buffer | undefined, contentType: string | undefined): string {
  if (!body || body.length === 0) return '';
  const ct = (contentType ?? '').toLowerCase();
  let msg: string | undefined;
  if (ct.includes('protobuf')) msg = decodeStatusMessage(body);
  else if (ct.includes('json')) {
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      if (parsed && typeof parsed === 'object' && typeof (parsed as { message?: unknown }).message === 'string') {
        msg = (parsed as { message: string }).message;
      }
    } catch {
      /* fall through to text */
    }
  }
  if (msg === undefined) msg = body.toString('utf8');
  msg = msg.replace(/\s+/g, ' ').trim();
  return msg.length > 512 ? `${msg.slice(0, 509)}...` : msg;
}

/** Reads field 2 (message, string) of a protobuf google.rpc.Status. */
function decodeStatusMessage(buf: Buffer): string | undefined {
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (pos >= buf.length) throw new Error('truncated');
      const b = buf[pos++]!;
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift > 63) throw new Error('varint too long');
    }
  };
  try {
    while (pos < buf.length) {
      const tag = varint();
      const field = Math.floor(tag / 8);
      const wire = tag & 7;
      if (wire === 0) varint();
      else if (wire === 1) pos += 8;
      else if (wire === 5) pos += 4;
      else if (wire === 2) {
        const len = varint();
        if (field === 2) return buf.subarray(pos, pos + len).toString('utf8');
        pos += len;
      } else return undefined;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * The partial success of a 2xx response, decoded by the SDK's own serializer for the
 * protocol (ExportMetricsServiceResponse), or undefined when there is none.
 */
function decodePartialSuccess(body: Buffer | undefined, contentType: string | undefined) {
  if (!body || body.length === 0) return undefined;
  const json = (contentType ?? '').toLowerCase().includes('json');
  let ps: { rejectedDataPoints?: unknown; errorMessage?: unknown } | undefined;
  try {
    ps = (json ? JsonMetricsSerializer : ProtobufMetricsSerializer).deserializeResponse(body).partialSuccess as typeof ps;
  } catch {
    return undefined;
  }
  if (!ps) return undefined;
  const out = { rejectedDataPoints: Number(ps.rejectedDataPoints ?? 0), errorMessage: String(ps.errorMessage ?? '') };
  if (out.rejectedDataPoints === 0 && out.errorMessage === '') return undefined;
  return out;
}

function isTlsError(code: string | undefined): boolean {
  if (!code) return false;
  return (
    code.startsWith('ERR_TLS') ||
    code.startsWith('ERR_SSL') ||
    code.includes('CERT') ||
    code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' ||
    code === 'SELF_SIGNED_CERT_IN_CHAIN' ||
    code === 'DEPTH_ZERO_SELF_SIGNED_CERT'
  );
}

/**
 * Sends serialized OTLP metrics requests to one endpoint. Keeps one keep-alive
 * connection; the caller guarantees at most one export in flight.
 */
export class OtlpHttpTransport {
  readonly url: URL;
  private readonly opts: TransportOptions;
  private readonly retry: RetryPolicy;
  private readonly agent: http.Agent;
  private readonly random: () => number;
  private readonly abort = new AbortController();

  constructor(opts: TransportOptions) {
    this.opts = opts;
    this.url = new URL(opts.url);
    if (this.url.protocol !== 'http:' && this.url.protocol !== 'https:') {
      throw new Error(`OTLP endpoint must be http:// or https://, got ${opts.url}`);
    }
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.random = opts.random ?? Math.random;
    const common = { keepAlive: true, maxSockets: 1, maxFreeSockets: 1, keepAliveMsecs: 15_000 };
    if (this.url.protocol === 'https:') {
      const tls = opts.tls ?? {};
      this.agent = new https.Agent({
        ...common,
        ...(tls.ca ? { ca: tls.ca } : {}),
        ...(tls.cert ? { cert: tls.cert } : {}),
        ...(tls.key ? { key: tls.key } : {}),
        rejectUnauthorized: !tls.insecureSkipVerify,
      });
    } else {
      this.agent = new http.Agent(common);
    }
  }

  get contentType(): string {
    return this.opts.protocol === 'http/json' ? 'application/json' : 'application/x-protobuf';
  }

  /** Compresses (when configured) and sends one request body, retrying per the OTLP spec. */
  async send(payload: Uint8Array): Promise<ExportResult> {
    const start = Date.now();
    const deadline = start + this.opts.timeoutMs;
    const body =
      this.opts.compression === 'gzip' ? await gzip(payload) : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    const log: AttemptRecord[] = [];
    this.written = 0;
    let backoff = this.retry.initialBackoffMs;
    let lastMessage: string | undefined;
    for (;;) {
      if (this.abort.signal.aborted) return this.finish('error', log, body.length, undefined, 'transport closed');
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        // A wait that ended late (a busy event loop) left no time for the next attempt.
        const last = log.at(-1);
        if (last) return this.finish('retries_exhausted', log, body.length, last.status, lastMessage);
        return this.finish('timeout', log, body.length, undefined, 'export deadline passed before the attempt');
      }
      const a = await this.attempt(body, remaining);
      const rec: AttemptRecord = {};
      if (a.status !== undefined) rec.status = a.status;
      if (a.error !== undefined) rec.error = a.error;
      log.push(rec);
      if (a.kind === 'success') {
        const result = this.finish('success', log, body.length, a.status, undefined);
        const ps = decodePartialSuccess(a.body, a.contentType);
        if (ps) result.partialSuccess = ps;
        return result;
      }
      if (a.kind === 'fatal') {
        const msg = a.error ?? errorMessageFromBody(a.body, a.contentType);
        const rejected = a.error === undefined && a.status !== undefined;
        return this.finish(rejected ? 'rejected' : 'error', log, body.length, a.status, msg);
      }
      if (a.kind === 'timeout') {
        return this.finish('timeout', log, body.length, undefined, 'no response before the export timeout');
      }
      // retryable
      const lastMsg = a.status !== undefined ? errorMessageFromBody(a.body, a.contentType) : a.error;
      lastMessage = lastMsg;
      if (!this.retry.enabled) return this.finish('retries_exhausted', log, body.length, a.status, lastMsg);
      let wait: number;
      // Retry-After replaces the backoff; `0` (or a date already past) means "no particular
      // delay", which gets the normal backoff so a receiver cannot make us spin.
      if (a.retryAfterMs !== undefined && a.retryAfterMs > 0) {
        wait = a.retryAfterMs;
        rec.retryAfter = true;
      } else {
        const j = this.retry.jitter;
        wait = Math.min(backoff, this.retry.maxBackoffMs) * (1 - j + 2 * j * this.random());
        backoff *= this.retry.multiplier;
      }
      wait = Math.round(wait);
      rec.waitMs = wait;
      if (Date.now() + wait >= deadline) {
        const r = this.finish('retries_exhausted', log, body.length, a.status, lastMsg);
        if (rec.retryAfter) r.retryAfterMs = wait;
        delete rec.waitMs;
        return r;
      }
      await this.sleep(wait);
    }
  }

  private finish(
    outcome: ExportOutcome,
    log: AttemptRecord[],
    bytes: number,
    status: number | undefined,
    message: string | undefined,
  ): ExportResult {
    const r: ExportResult = { outcome, attempts: log.length, log, bodyBytes: bytes, bytesWritten: this.written };
    if (status !== undefined) r.status = status;
    if (message) r.message = message;
    return r;
  }

  private written = 0;

  /** Waits `ms`, or less when the transport is closed. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const signal = this.abort.signal;
      if (signal.aborted) return resolve();
      const onAbort = (): void => {
        clearTimeout(t);
        resolve();
      };
      const t = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private attempt(body: Buffer, timeoutMs: number): Promise<AttemptOutcome> {
    return new Promise<AttemptOutcome>((resolve) => {
      let settled = false;
      const done = (o: AttemptOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(o);
      };
      const headers: Record<string, string> = {
        ...this.opts.headers,
        'Content-Type': this.contentType,
        'Content-Length': String(body.length),
        'User-Agent': this.opts.userAgent ?? 'hostprobe',
      };
      if (this.opts.compression === 'gzip') headers['Content-Encoding'] = 'gzip';
      const mod = this.url.protocol === 'https:' ? https : http;
      let req: http.ClientRequest;
      try {
        req = mod.request(this.url, { method: 'POST', headers, agent: this.agent });
      } catch (e) {
        resolve({ kind: 'fatal', error: (e as Error).message });
        return;
      }
      const timer = setTimeout(() => {
        req.destroy(new Error('export timeout'));
        done({ kind: 'timeout', error: 'timeout' });
      }, timeoutMs);
      req.on('error', (err: NodeJS.ErrnoException) => {
        const code = err.code ?? err.message;
        if (isTlsError(err.code)) done({ kind: 'fatal', error: `${code}: ${err.message}` });
        else if (RETRYABLE_NET_ERRORS.has(code) || err.message === 'socket hang up') {
          done({ kind: 'retryable', error: code });
        } else done({ kind: 'retryable', error: code });
      });
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        const contentType = res.headers['content-type'];
        const chunks: Buffer[] = [];
        let size = 0;
        let tooBig = false;
        res.on('data', (c: Buffer) => {
          if (tooBig) return;
          size += c.length;
          if (size > MAX_RESPONSE_BYTES) {
            tooBig = true;
            res.destroy();
            done({ kind: 'fatal', status, error: `response body exceeds ${MAX_RESPONSE_BYTES} bytes` });
            return;
          }
          chunks.push(c);
        });
        res.on('error', (err: NodeJS.ErrnoException) => done({ kind: 'retryable', status, error: err.code ?? err.message }));
        res.on('end', () => {
          if (tooBig) return;
          const bodyOut = Buffer.concat(chunks);
          const base = { status, body: bodyOut, ...(contentType ? { contentType } : {}) };
          if (status >= 200 && status < 300) done({ kind: 'success', ...base });
          else if (isRetryableStatus(status)) {
            const ra = parseRetryAfter(res.headers['retry-after']);
            done({ kind: 'retryable', ...base, ...(ra !== undefined ? { retryAfterMs: ra } : {}) });
          } else done({ kind: 'fatal', ...base });
        });
      });
      req.on('finish', () => {
        this.written += body.length;
      });
      req.end(body);
    });
  }

  /** Closes the connection; an export in flight stops (its waits end, no new attempt starts). */
  close(): void {
    this.abort.abort();
    this.agent.destroy();
  }
}

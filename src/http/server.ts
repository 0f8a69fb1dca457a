/**
 * The HTTP endpoint: `/metrics` (the telemetry path) serves the latest snapshot's cached
 * render, `/` a landing page, `/healthz` and `/readyz` for probes. Limits: concurrent
 * requests (503 beyond), header and request timeouts, GET and HEAD only (405 otherwise).
 * TLS (with client_allowed_sans), basic auth and the rate limit come from an
 * exporter-toolkit web config.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { HttpConfig } from '../config/types.js';
import type { WebConfig } from '../config/webconfig.js';
import type { Logger } from '../logger.js';
import { OPENMETRICS_CONTENT_TYPE, TEXT_CONTENT_TYPE, type RenderedSnapshot } from '../sinks/prometheus/index.js';
import { BasicAuth } from './auth.js';
import { landingPage, type LandingInfo } from './landing.js';
import { TokenBucket } from './rate-limit.js';
import { sanAllowed } from './sans.js';

export interface ServerDeps {
  /** The latest render, undefined before the first poll completes. */
  rendered(): RenderedSnapshot | undefined;
  /** Resolves when the first poll has completed. */
  firstPoll(): Promise<void>;
  landing(): LandingInfo;
  logger: Logger;
}

/** Parses an Accept-like header into (value, q) pairs. */
function parseQ(header: string): { value: string; q: number }[] {
  return header.split(',').map((part) => {
    const [value = '', ...params] = part.split(';').map((s) => s.trim());
    let q = 1;
    for (const p of params) {
      const m = /^q=([0-9.]+)$/i.exec(p);
      if (m) q = Number(m[1]);
    }
    return { value: value.toLowerCase(), q };
  });
}

/** True when the client prefers OpenMetrics over the text format (content negotiation). */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  if (!accept) return false;
  let om = -1;
  let text = -1;
  for (const { value, q } of parseQ(accept)) {
    if (value === 'application/openmetrics-text') om = Math.max(om, q);
    else if (value === 'text/plain' || value === '*/*' || value === 'text/*') text = Math.max(text, q);
  }
  return om > 0 && om >= text;
}

/** True when gzip is acceptable. */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return parseQ(header).some(({ value, q }) => (value === 'gzip' || value === '*') && q > 0);
}

type TlsSettings = NonNullable<WebConfig['tls']>;

/** Settings baked into a TLS listener (allowedSans is read per connection instead). */
function tlsListenerChanged(a: TlsSettings, b: TlsSettings): boolean {
  const sameBuf = (x: Buffer | undefined, y: Buffer | undefined): boolean => (x === undefined ? y === undefined : y !== undefined && x.equals(y));
  return (
    !a.cert.equals(b.cert) ||
    !a.key.equals(b.key) ||
    !sameBuf(a.ca, b.ca) ||
    a.clientAuth !== b.clientAuth ||
    a.minVersion !== b.minVersion ||
    a.maxVersion !== b.maxVersion
  );
}

export class MetricsServer {
  private server: Server | undefined;
  private inFlight = 0;
  private auth: BasicAuth;
  private limiter: TokenBucket | undefined;

  constructor(
    private http: HttpConfig,
    private web: WebConfig | undefined,
    private readonly deps: ServerDeps,
  ) {
    this.auth = new BasicAuth(web?.users ?? new Map());
    this.setLimiter(web);
  }

  /** A changed rate_limit gets a fresh bucket; an unchanged one keeps its state. */
  private setLimiter(web: WebConfig | undefined): void {
    const rl = web?.rateLimit;
    if (!rl) this.limiter = undefined;
    else if (!this.limiter?.same(rl)) this.limiter = new TokenBucket(rl.intervalSeconds, rl.burst);
  }

  /** Starts listening; resolves with the bound address. */
  async start(): Promise<AddressInfo> {
    const h = this.http;
    const requestTimeout = Math.round(h.limits.request_timeout * 1000);
    const headersTimeout = Math.min(Math.round(h.limits.header_timeout * 1000), requestTimeout);
    const common = {
      headersTimeout,
      requestTimeout,
      // Timeouts are only enforced when connections are checked; the default (30 s) lets
      // slow-header clients linger far past headersTimeout.
      connectionsCheckingInterval: Math.min(1000, headersTimeout),
      keepAliveTimeout: 5000,
    };
    const handler = (req: IncomingMessage, res: ServerResponse): void => this.handle(req, res);
    const tls = this.web?.tls;
    let server: Server;
    if (tls) {
      server = createHttpsServer(
        {
          ...common,
          cert: tls.cert,
          key: tls.key,
          ...(tls.ca ? { ca: tls.ca } : {}),
          minVersion: tls.minVersion,
          maxVersion: tls.maxVersion,
          requestCert: tls.clientAuth !== 'NoClientCert',
          rejectUnauthorized: tls.clientAuth === 'RequireAndVerifyClientCert',
        },
        handler,
      );
    } else {
      server = createHttpServer(common, handler);
    }
    if (tls) {
      // client_allowed_sans: checked once the handshake is done, and read from the current
      // web config, so a reload applies to new connections.
      server.on('secureConnection', (sock: TLSSocket) => {
        const allowed = this.web?.tls?.allowedSans;
        if (!allowed?.length) return;
        const cert = sock.getPeerCertificate();
        if (cert && Object.keys(cert).length > 0 && sanAllowed(cert.subjectaltname, allowed)) return;
        this.deps.logger.warn('closing a TLS connection: no allowed SAN in the client certificate', {
          remote: sock.remoteAddress ?? '',
          sans: cert?.subjectaltname ?? '',
        });
        sock.destroy();
      });
    }
    server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      if (socket.writable && err.code !== 'ECONNRESET') {
        const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
        socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      } else socket.destroy();
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      const onError = (e: Error): void => reject(e);
      server.once('error', onError);
      const host = h.address === '' ? undefined : h.address;
      server.listen({ port: h.port, ...(host !== undefined ? { host } : {}) }, () => {
        server.off('error', onError);
        resolve();
      });
    });
    server.on('error', (e) => this.deps.logger.error('http server error', { err: e.message }));
    return server.address() as AddressInfo;
  }

  address(): AddressInfo | undefined {
    return (this.server?.address() as AddressInfo | null) ?? undefined;
  }

  /** Stops listening and closes idle connections. */
  async close(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeIdleConnections();
      setTimeout(() => s.closeAllConnections(), 2000).unref();
    });
  }

  /** Whether a new config needs a new listener (address, port, TLS). */
  needsRestart(http: HttpConfig, web: WebConfig | undefined): boolean {
    return (
      http.address !== this.http.address ||
      http.port !== this.http.port ||
      http.limits.header_timeout !== this.http.limits.header_timeout ||
      http.limits.request_timeout !== this.http.limits.request_timeout ||
      !!web?.tls !== !!this.web?.tls ||
      (web?.tls !== undefined && (!this.web?.tls || tlsListenerChanged(web.tls, this.web.tls)))
    );
  }

  /** Applies settings that do not need a new listener (path, limits, auth, headers). */
  reconfigure(http: HttpConfig, web: WebConfig | undefined): void {
    this.http = http;
    this.web = web;
    this.auth = new BasicAuth(web?.users ?? new Map());
    this.setLimiter(web);
  }

  /**
   * How a reload's config reaches this listener (the agent's reload transaction,
   * src/agent/agent.ts): `same` (nothing the listening socket holds changes), `in-place`
   * (a new certificate, key, CA or TLS versions, or new header/request timeouts: applied
   * to the listening socket by applyInPlace), `rebind` (same address and port, but plain
   * HTTP <-> TLS or another client certificate policy: the socket must be closed and bound
   * again) or `new-address` (a new socket can be bound before this one closes).
   */
  listenerChange(http: HttpConfig, web: WebConfig | undefined): 'same' | 'in-place' | 'rebind' | 'new-address' {
    if (http.address !== this.http.address || http.port !== this.http.port) return 'new-address';
    const a = this.web?.tls;
    const b = web?.tls;
    if (!!a !== !!b || (a && b && a.clientAuth !== b.clientAuth)) return 'rebind';
    return this.needsRestart(http, web) ? 'in-place' : 'same';
  }

  /**
   * Applies a `listenerChange` of `in-place`: the new secure context (https) and timeouts
   * on the listening socket, then the settings reconfigure() applies. Throws, with nothing
   * changed, when Node refuses the TLS material.
   */
  applyInPlace(http: HttpConfig, web: WebConfig | undefined): void {
    const s = this.server;
    const tls = web?.tls;
    if (s && tls && this.web?.tls) {
      (s as unknown as HttpsServer).setSecureContext({
        cert: tls.cert,
        key: tls.key,
        ...(tls.ca ? { ca: tls.ca } : {}),
        minVersion: tls.minVersion,
        maxVersion: tls.maxVersion,
      });
    }
    if (s) {
      const requestTimeout = Math.round(http.limits.request_timeout * 1000);
      s.requestTimeout = requestTimeout;
      s.headersTimeout = Math.min(Math.round(http.limits.header_timeout * 1000), requestTimeout);
    }
    this.reconfigure(http, web);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const max = this.http.limits.max_concurrent_requests;
    if (max > 0 && this.inFlight >= max) {
      this.send(res, 503, 'text/plain; charset=utf-8', 'too many concurrent requests\n', { 'Retry-After': '1' });
      return;
    }
    this.inFlight++;
    let done = false;
    const finish = (): void => {
      if (!done) {
        done = true;
        this.inFlight--;
      }
    };
    res.once('finish', finish);
    res.once('close', finish);
    this.route(req, res).catch((e: unknown) => {
      this.deps.logger.error('request failed', { err: (e as Error).message, path: req.url });
      if (!res.headersSent) this.send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else res.destroy();
    });
  }

  private send(res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
    const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    res.writeHead(status, { ...this.web?.headers, 'Content-Type': type, 'Content-Length': String(buf.length), ...headers });
    res.end(res.req.method === 'HEAD' ? undefined : buf);
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      this.send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', { Allow: 'GET, HEAD' });
      return;
    }
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q >= 0 ? url.slice(0, q) : url;

    if (path === '/healthz') {
      this.send(res, 200, 'text/plain; charset=utf-8', 'ok\n');
      return;
    }
    if (path === '/readyz') {
      if (this.deps.rendered()) this.send(res, 200, 'text/plain; charset=utf-8', 'ready\n');
      else this.send(res, 503, 'text/plain; charset=utf-8', 'waiting for the first poll\n');
      return;
    }
    // The probes above are not limited: a kubelet must not restart a busy agent.
    const limiter = this.limiter;
    if (limiter && !limiter.allow()) {
      this.send(res, 429, 'text/plain; charset=utf-8', 'Too Many Requests\n', { 'Retry-After': String(limiter.retryAfterSeconds()) });
      return;
    }

    const tls = this.web?.tls;
    if (tls && (tls.clientAuth === 'RequireAnyClientCert' || tls.clientAuth === 'VerifyClientCertIfGiven')) {
      const sock = req.socket as TLSSocket;
      const cert = sock.getPeerCertificate?.();
      const has = !!cert && Object.keys(cert).length > 0;
      if ((tls.clientAuth === 'RequireAnyClientCert' && !has) || (tls.clientAuth === 'VerifyClientCertIfGiven' && has && !sock.authorized)) {
        this.send(res, 403, 'text/plain; charset=utf-8', 'client certificate required\n');
        return;
      }
    }
    if (this.auth.enabled && !(await this.auth.check(req.headers.authorization))) {
      this.send(res, 401, 'text/plain; charset=utf-8', 'Unauthorized\n', { 'WWW-Authenticate': 'Basic' });
      return;
    }

    if (path === this.http.path) {
      await this.metrics(req, res);
      return;
    }
    if (path === '/' || path === '') {
      this.send(res, 200, 'text/html; charset=utf-8', landingPage(this.deps.landing(), this.http.path));
      return;
    }
    this.send(res, 404, 'text/plain; charset=utf-8', '404 page not found\n');
  }

  private async metrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let r = this.deps.rendered();
    if (!r) {
      // Before the first poll: wait for it, within the scraper's timeout.
      const hdr = Number(req.headers['x-prometheus-scrape-timeout-seconds']);
      const waitMs = Math.max(100, Math.min(Number.isFinite(hdr) && hdr > 0 ? hdr * 1000 - 500 : 10_000, 10_000));
      let t: NodeJS.Timeout | undefined;
      await Promise.race([this.deps.firstPoll(), new Promise((resolve) => (t = setTimeout(resolve, waitMs)))]);
      clearTimeout(t);
      r = this.deps.rendered();
      if (!r) {
        this.send(res, 503, 'text/plain; charset=utf-8', 'no poll has completed yet\n', { 'Retry-After': '1' });
        return;
      }
    }
    const om = wantsOpenMetrics(req.headers.accept);
    const gz = acceptsGzip(req.headers['accept-encoding']);
    const body = om ? (gz ? r.gzipOpenMetrics() : r.openMetrics()) : gz ? r.gzipText() : r.text;
    const headers: Record<string, string> = { Vary: 'Accept, Accept-Encoding' };
    if (gz) headers['Content-Encoding'] = 'gzip';
    this.send(res, 200, om ? OPENMETRICS_CONTENT_TYPE : TEXT_CONTENT_TYPE, body, headers);
  }
}

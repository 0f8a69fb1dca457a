/**
 * The HTTP endpoint: `/metrics` (the telemetry path) serves the cached render of a fresh
 * snapshot (collected for the scrape when the latest is older than http.max_snapshot_age,
 * see src/agent/scrape.ts; collect[]/exclude[] filter it), `/` a landing page, `/healthz`
 * and `/readyz` for probes. Limits: concurrent
 * requests (503 beyond), header and request timeouts, GET and HEAD only (405 otherwise).
 * TLS (with client_allowed_sans), basic auth and the rate limit come from an
 * exporter-toolkit web config.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { HttpConfig } from '../config/types.js';
import type { WebConfig } from '../config/webconfig.js';
import type { Logger } from '../logger.js';
import { CollectFilterError, OPENMETRICS_CONTENT_TYPE, TEXT_CONTENT_TYPE, type Rendered, type ScrapeSource } from '../contract/scrape.js';
import { BasicAuth } from './auth.js';
import { BcryptPool, DEFAULT_MAX_QUEUE, DEFAULT_WORKERS } from './bcrypt-pool.js';
import { landingPage, type LandingInfo } from './landing.js';
import { acceptsGzip, wantsOpenMetrics } from './negotiate.js';
import { answerPlainHttp } from './plain-on-tls.js';
import { TokenBucket } from './rate-limit.js';
import { sanAllowed } from './sans.js';

export interface ServerDeps {
  /** The latest render, undefined before the first poll completes. */
  rendered(): Rendered | undefined;
  /** Resolves when the first poll has completed. */
  firstPoll(): Promise<void>;
  landing(): LandingInfo;
  logger: Logger;
  /**
   * Collection on scrape and collect[]/exclude[] (the agent's). Without it (tests of the
   * HTTP layer alone) the latest render is served as it is and a filter is refused.
   */
  scrape?: ScrapeSource;
}

/**
 * How long a scrape may wait for a poll: its scrape timeout (X-Prometheus-Scrape-Timeout-Seconds)
 * less a margin to write the answer before the scraper gives up, 0.5 s or a quarter of a short
 * timeout (a 1 s timeout waits 0.75 s, not 0.5 s); at most 10 s, 10 s without the header.
 */
export function scrapeWaitMs(header: string | string[] | undefined): number {
  const hdr = Number(header);
  if (!(Number.isFinite(hdr) && hdr > 0)) return 10_000;
  const timeoutMs = hdr * 1000;
  return Math.max(100, Math.min(timeoutMs - Math.min(500, timeoutMs / 4), 10_000));
}

/** How long a "password checks full" 503 is held: its Retry-After. */
const REFUSAL_HOLD_MS = 1000;
/** Refusals held at once; more are sent at once. */
const MAX_HELD_REFUSALS = 1024;

type TlsSettings = NonNullable<WebConfig['tls']>;

/** Settings baked into a TLS listener (allowedSans is read per connection instead). */
function tlsListenerChanged(a: TlsSettings, b: TlsSettings): boolean {
  const sameBuf = (x: Buffer | undefined, y: Buffer | undefined): boolean =>
    x === undefined ? y === undefined : y !== undefined && x.equals(y);
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
  /** Held refusals (holdRefusal), each ended early by close(). */
  private readonly held = new Set<() => void>();
  /** Per connection: pipelined requests waiting for the one being served. */
  private readonly pipelined = new WeakMap<Socket, (() => void)[]>();
  private auth: BasicAuth;
  private limiter: TokenBucket | undefined;

  constructor(
    private http: HttpConfig,
    private web: WebConfig | undefined,
    private readonly deps: ServerDeps,
  ) {
    this.auth = new BasicAuth(web?.users ?? new Map(), new BcryptPool(DEFAULT_WORKERS, DEFAULT_MAX_QUEUE, (m) => deps.logger.warn(m)));
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
      const https = createHttpsServer(
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
      // Plain HTTP to this port gets Go's 400 instead of a failed handshake.
      answerPlainHttp(https, headersTimeout);
      server = https;
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
        const status =
          err.code === 'HPE_HEADER_OVERFLOW'
            ? '431 Request Header Fields Too Large'
            : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
              ? '408 Request Timeout'
              : '400 Bad Request';
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
    // The bcrypt workers (started when users are configured, even if never listening).
    await this.auth.close();
    const s = this.server;
    if (!s) return;
    this.server = undefined;
    // Held refusals are sent now rather than delaying the shutdown.
    for (const release of [...this.held]) release();
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
    // The same auth (its worker threads and cache) with the new users.
    this.auth.setUsers(web?.users ?? new Map());
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

  /**
   * Requests pipelined on one connection are served one after the other (as Go does): the
   * next starts when the previous response is done, so a connection holds at most one
   * slot of max_concurrent_requests however many requests it sends ahead.
   */
  private handle(req: IncomingMessage, res: ServerResponse): void {
    const sock = req.socket;
    const waiting = this.pipelined.get(sock);
    if (waiting) {
      waiting.push(() => this.serve(req, res));
      return;
    }
    this.pipelined.set(sock, []);
    this.serve(req, res);
  }

  private serve(req: IncomingMessage, res: ServerResponse): void {
    const sock = req.socket;
    let done = false;
    const next = (): void => {
      if (done) return;
      done = true;
      const waiting = this.pipelined.get(sock);
      const following = waiting?.shift();
      // After the other 'finish' listeners, so this response's slot is released first.
      if (following) queueMicrotask(following);
      else this.pipelined.delete(sock);
    };
    if (sock.destroyed) {
      next();
      return;
    }
    res.once('finish', next);
    res.once('close', next);
    this.route(req, res).catch((e: unknown) => {
      this.deps.logger.error('request failed', { err: (e as Error).message, path: req.url });
      if (!res.headersSent) this.send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else res.destroy();
    });
  }

  /**
   * Waits out the Retry-After second before a "password checks full" 503 (at most
   * MAX_HELD_REFUSALS at once, beyond them it is sent at once): a flood that ignores
   * Retry-After cannot turn refusals into a busy loop that takes the main thread from
   * scrapes. Each connection holds at most one (pipelined requests wait their turn).
   */
  private async holdRefusal(gone: AbortSignal): Promise<void> {
    if (this.held.size >= MAX_HELD_REFUSALS || gone.aborted || !this.server) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(t);
        gone.removeEventListener('abort', done);
        this.held.delete(done);
        resolve();
      };
      const t = setTimeout(done, REFUSAL_HOLD_MS);
      gone.addEventListener('abort', done, { once: true });
      this.held.add(done);
    });
  }

  /** Takes a slot of max_concurrent_requests until the response is done; false (503 sent) when none is free. */
  private acquire(res: ServerResponse): boolean {
    const max = this.http.limits.max_concurrent_requests;
    if (max > 0 && this.inFlight >= max) {
      this.send(res, 503, 'text/plain; charset=utf-8', 'too many concurrent requests\n', { 'Retry-After': '1' });
      return false;
    }
    this.inFlight++;
    let released = false;
    const release = (): void => {
      if (!released) {
        released = true;
        this.inFlight--;
      }
    };
    res.once('finish', release);
    res.once('close', release);
    return true;
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
      if (
        (tls.clientAuth === 'RequireAnyClientCert' && !has) ||
        (tls.clientAuth === 'VerifyClientCertIfGiven' && has && !sock.authorized)
      ) {
        this.send(res, 403, 'text/plain; charset=utf-8', 'client certificate required\n');
        return;
      }
    }
    if (this.auth.enabled) {
      // A client that goes away while its check is queued drops the check.
      const gone = new AbortController();
      res.once('close', () => gone.abort());
      const verdict = await this.auth.check(req.headers.authorization, gone.signal);
      if (verdict === 'busy') {
        await this.holdRefusal(gone.signal);
        if (res.destroyed) return;
        this.send(res, 503, 'text/plain; charset=utf-8', 'too many password checks waiting; retry\n', { 'Retry-After': '1' });
        return;
      }
      if (verdict === 'denied') {
        this.send(res, 401, 'text/plain; charset=utf-8', 'Unauthorized\n', { 'WWW-Authenticate': 'Basic' });
        return;
      }
    }
    // Only authenticated requests count against max_concurrent_requests: waiting password
    // checks are bounded by the bcrypt queue instead, and cannot crowd out a scrape.
    if (!this.acquire(res)) return;

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
    const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
    const collect = query.getAll('collect[]');
    const exclude = query.getAll('exclude[]');
    const scrape = this.deps.scrape;
    let r: Rendered | undefined;
    if (scrape) {
      let selection;
      try {
        selection = scrape.selection(collect, exclude);
      } catch (e) {
        if (!(e instanceof CollectFilterError)) throw e;
        this.deps.logger.debug('refused a filtered scrape', { err: e.message });
        this.send(res, 400, 'text/plain; charset=utf-8', `${e.message}\n`);
        return;
      }
      const out = await scrape.serve(scrapeWaitMs(req.headers['x-prometheus-scrape-timeout-seconds']), selection);
      if (out.rendered === undefined) {
        this.send(res, 503, 'text/plain; charset=utf-8', `${out.unavailable}\n`, { 'Retry-After': '1' });
        return;
      }
      r = out.rendered;
    } else if (collect.length > 0 || exclude.length > 0) {
      this.send(res, 400, 'text/plain; charset=utf-8', 'collect[] and exclude[] are not available on this endpoint\n');
      return;
    } else r = this.deps.rendered();
    if (!r) {
      // Before the first poll: wait for it, within the scraper's timeout.
      const waitMs = scrapeWaitMs(req.headers['x-prometheus-scrape-timeout-seconds']);
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

/**
 * Basic auth against bcrypt hashes, as exporter-toolkit does it, made flood-proof:
 *
 * - Verified credentials are cached in a 100-entry map with random eviction, keyed by the
 *   hex-encoded user, hash and password (the CVE-2022-46146 fix: no ambiguous keys). The
 *   cache is read before anything is queued, so a scrape with cached credentials never
 *   waits behind bcrypt work. Unlike exporter-toolkit, failures are not cached: a flood of
 *   distinct wrong passwords cannot evict a good entry.
 * - bcrypt runs on worker threads (BcryptPool) behind a bounded queue; when it is full the
 *   request is refused at once ('busy', answered 503), its password unchecked.
 * - An unknown user is compared against a dummy hash made with the highest cost among the
 *   configured users, so it costs what a known user costs, whatever the hashes' cost.
 */
import { randomBytes } from 'node:crypto';
import { AuthCancelledError, AuthQueueFullError, BcryptPool } from './bcrypt-pool.js';

const CACHE_SIZE = 100;

export type AuthResult = 'ok' | 'denied' | 'busy';

/** The cost of a bcrypt hash (`$2b$10$...` -> 10); config validation guarantees the form. */
export function bcryptCost(hash: string): number {
  const m = /^\$2[abxy]?\$(\d{2})\$/.exec(hash);
  if (!m) throw new Error(`not a bcrypt hash: ${JSON.stringify(hash.slice(0, 7))}...`);
  return Number(m[1]);
}

/** Splits a Basic Authorization header value into user and password. */
export function parseBasic(header: string | undefined): { user: string; pass: string } | undefined {
  if (!header) return undefined;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), pass: decoded.slice(colon + 1) };
}

export class BasicAuth {
  private readonly cache = new Set<string>();
  private users: ReadonlyMap<string, string> = new Map();
  /** Dummy hashes by cost, each made once (on a worker) from a random password. */
  private readonly dummies = new Map<number, Promise<string>>();
  private dummyCost = 10;

  constructor(
    users: ReadonlyMap<string, string>,
    readonly pool: BcryptPool = new BcryptPool(),
  ) {
    this.setUsers(users);
  }

  get enabled(): boolean {
    return this.users.size > 0;
  }

  /**
   * Takes a reloaded user list. The cache is kept: its keys hold the hash, so a changed
   * password or a removed user no longer matches. The dummy hash for the highest cost is
   * made now, so the first unknown user does not pay for it.
   */
  setUsers(users: ReadonlyMap<string, string>): void {
    this.users = users;
    let cost = 0;
    for (const h of users.values()) cost = Math.max(cost, bcryptCost(h));
    if (cost > 0) {
      this.dummyCost = cost;
      this.dummy(cost).catch(() => undefined);
    }
  }

  /** The dummy hash compared for unknown users (made with the highest configured cost). */
  dummyHash(): Promise<string> {
    return this.dummy(this.dummyCost);
  }

  private dummy(cost: number): Promise<string> {
    let d = this.dummies.get(cost);
    if (!d) {
      d = this.pool.hash(randomBytes(16).toString('hex'), cost);
      this.dummies.set(cost, d);
      // A failed attempt (pool closed) is retried next time.
      d.catch(() => this.dummies.delete(cost));
    }
    return d;
  }

  /**
   * Checks an Authorization header value. `signal` drops the queued check when the client
   * goes away. 'busy': the bcrypt queue is full (or closing), the password was not checked.
   */
  async check(header: string | undefined, signal?: AbortSignal): Promise<AuthResult> {
    const cred = parseBasic(header);
    if (!cred) return 'denied';
    const hash = this.users.get(cred.user);
    if (hash !== undefined) {
      const key = `${Buffer.from(cred.user).toString('hex')}:${Buffer.from(hash).toString('hex')}:${Buffer.from(cred.pass).toString('hex')}`;
      if (this.cache.has(key)) return 'ok';
      const ok = await this.verify(cred.pass, hash, signal);
      if (ok === true) this.remember(key);
      return ok === 'busy' ? 'busy' : ok ? 'ok' : 'denied';
    }
    // Unknown user: the same work as a known one, the answer always no.
    let dummy: string;
    try {
      dummy = await this.dummyHash();
    } catch (e) {
      if (e instanceof AuthQueueFullError || e instanceof AuthCancelledError) return 'busy';
      throw e;
    }
    const r = await this.verify(cred.pass, dummy, signal);
    return r === 'busy' ? 'busy' : 'denied';
  }

  /** Stops the worker threads. */
  close(): Promise<void> {
    return this.pool.close();
  }

  private async verify(pass: string, hash: string, signal: AbortSignal | undefined): Promise<boolean | 'busy'> {
    try {
      return await this.pool.compare(pass, hash, signal);
    } catch (e) {
      if (e instanceof AuthQueueFullError || e instanceof AuthCancelledError) return 'busy';
      throw e;
    }
  }

  private remember(key: string): void {
    if (this.cache.size >= CACHE_SIZE) {
      const keys = [...this.cache];
      this.cache.delete(keys[Math.floor(Math.random() * keys.length)] as string);
    }
    this.cache.add(key);
  }
}

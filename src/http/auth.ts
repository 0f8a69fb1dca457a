/**
 * Basic auth against bcrypt hashes, the way exporter-toolkit does it: unknown users are
 * checked against a fixed hash (no user enumeration by timing), one bcrypt at a time (a
 * flood of bad passwords cannot take every core), and results cached in a 100-entry map
 * with random eviction whose key hex-encodes user, hash and password (the CVE-2022-46146
 * fix: no ambiguous keys).
 */
import bcrypt from 'bcryptjs';

// bcrypt("fakepassword", cost 10), compared when the user does not exist; made once.
let fakeHash: Promise<string> | undefined;
const CACHE_SIZE = 100;

export class BasicAuth {
  private readonly cache = new Map<string, boolean>();
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly users: ReadonlyMap<string, string>) {}

  get enabled(): boolean {
    return this.users.size > 0;
  }

  /** Checks an Authorization header value. */
  async check(header: string | undefined): Promise<boolean> {
    if (!header) return false;
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (!m) return false;
    const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    const user = decoded.slice(0, colon);
    const pass = decoded.slice(colon + 1);
    const hash = this.users.get(user);
    const known = hash !== undefined;
    const h = hash ?? (await (fakeHash ??= bcrypt.hash('fakepassword', 10)));
    const key = `${Buffer.from(user).toString('hex')}:${Buffer.from(h).toString('hex')}:${Buffer.from(pass).toString('hex')}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit && known;
    // One bcrypt at a time.
    const run = this.chain.then(() => bcrypt.compare(pass, h));
    this.chain = run.catch(() => undefined);
    let ok: boolean;
    try {
      ok = await run;
    } catch {
      ok = false;
    }
    if (this.cache.size >= CACHE_SIZE) {
      const keys = [...this.cache.keys()];
      this.cache.delete(keys[Math.floor(Math.random() * keys.length)] as string);
    }
    this.cache.set(key, ok);
    return ok && known;
  }
}

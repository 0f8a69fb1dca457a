// Basic auth off the JavaScript thread, with real bcrypt on real worker threads: the bounded
// queue (full -> refused at once, a gone client's job dropped), the success cache read
// before anything is queued (a cached scrape is answered while the queue is full), unknown
// users compared against a dummy hash of the highest configured cost, and the HTTP answers
// (503 when the queue is full, probes and cached scrapes served while it is).
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import bcrypt from 'bcryptjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildInfo } from '../../../src/contract/build-info.js';
import { loadConfig } from '../../../src/config/load.js';
import type { HttpConfig } from '../../../src/config/types.js';
import type { WebConfig } from '../../../src/config/webconfig.js';
import { BasicAuth, bcryptCost, parseBasic } from '../../../src/http/auth.js';
import { AuthCancelledError, AuthQueueFullError, BcryptPool } from '../../../src/http/bcrypt-pool.js';
import { MetricsServer } from '../../../src/http/server.js';
import { nullLogger } from '../../../src/logger.js';
import { PrometheusSink } from '../../../src/sinks/prometheus/index.js';
import { fakeSnapshot } from '../../helpers/agent.js';

const basic = (user: string, pass: string): string => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

function pool(workers: number, maxQueue: number): BcryptPool {
  const p = new BcryptPool(workers, maxQueue);
  closers.push(() => p.close());
  return p;
}

// Cost 4 is cheap (a few ms). The queue tests fill the pool synchronously (a job is running
// or queued as soon as it is submitted), so their checks need not be slow: cost 6. The
// flood against the server needs a margin in real time: cost 10 (0.1-0.3 s each).
const HASH4 = bcrypt.hashSync('right', 4);
const HASH6 = bcrypt.hashSync('slow', 6);
const HASH10 = bcrypt.hashSync('slow', 10);

describe('BcryptPool', () => {
  it('compares and hashes on a worker thread', async () => {
    const p = pool(1, 4);
    expect(await p.compare('right', HASH4)).toBe(true);
    expect(await p.compare('wrong', HASH4)).toBe(false);
    const h = await p.hash('pw', 5);
    expect(bcryptCost(h)).toBe(5);
    expect(bcrypt.compareSync('pw', h)).toBe(true);
    expect(p.completed).toBe(3);
  });

  it('refuses at once when every worker is busy and the queue is full', async () => {
    const p = pool(1, 2);
    const running = p.compare('x', HASH6);
    const queued = [p.compare('x', HASH6), p.compare('x', HASH6)];
    expect(p.running).toBe(1);
    expect(p.queued).toBe(2);
    await expect(p.compare('x', HASH4)).rejects.toBeInstanceOf(AuthQueueFullError);
    expect(await Promise.all([running, ...queued])).toEqual([false, false, false]);
    // Room again.
    expect(await p.compare('right', HASH4)).toBe(true);
  });

  it('drops a queued job whose client went away before it runs', async () => {
    const p = pool(1, 4);
    const running = p.compare('x', HASH6);
    const gone = new AbortController();
    const dropped = p.compare('x', HASH6, gone.signal);
    expect(p.queued).toBe(1);
    gone.abort();
    await expect(dropped).rejects.toBeInstanceOf(AuthCancelledError);
    expect(p.queued).toBe(0);
    expect(await running).toBe(false);
    expect(p.completed).toBe(1);
  });

  it('rejects queued jobs on close, and starts again on the next job', async () => {
    const p = pool(1, 4);
    const running = expect(p.compare('x', HASH6)).rejects.toBeInstanceOf(AuthCancelledError);
    const queued = expect(p.compare('x', HASH6)).rejects.toBeInstanceOf(AuthCancelledError);
    await p.close();
    await running;
    await queued;
    expect(await p.compare('right', HASH4)).toBe(true);
  });

  it('runs its workers at nice 10, below the main thread (read from /proc/self/task)', async () => {
    const niced = (): number =>
      readdirSync('/proc/self/task').filter((tid) => {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        // Field 19 (nice), counted after the parenthesized comm.
        return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16] === '10';
      }).length;
    const before = niced();
    const warnings: string[] = [];
    const p = new BcryptPool(1, 1, (m) => warnings.push(m));
    closers.push(() => p.close());
    expect(await p.compare('right', HASH4)).toBe(true);
    expect(warnings).toEqual([]);
    expect(niced()).toBe(before + 1);
    await p.close();
    expect(niced()).toBe(before);
  });

  it('refuses a nonsensical size', () => {
    expect(() => new BcryptPool(0, 1)).toThrow('workers must be an integer >= 1, got 0');
    expect(() => new BcryptPool(1, -1)).toThrow('maxQueue must be an integer >= 0, got -1');
  });
});

describe('BasicAuth', () => {
  function auth(users: Record<string, string>, p: BcryptPool): BasicAuth {
    const a = new BasicAuth(new Map(Object.entries(users)), p);
    closers.push(() => a.close());
    return a;
  }

  it('parses Basic credentials and bcrypt costs', () => {
    expect(parseBasic(basic('a', 'b:c'))).toEqual({ user: 'a', pass: 'b:c' });
    expect(parseBasic('Bearer x')).toBeUndefined();
    expect(parseBasic(`Basic ${Buffer.from('nocolon').toString('base64')}`)).toBeUndefined();
    expect(parseBasic(undefined)).toBeUndefined();
    expect(bcryptCost('$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi')).toBe(10);
    expect(() => bcryptCost('plain')).toThrow('not a bcrypt hash');
  });

  it('compares unknown users against a dummy hash with the highest configured cost', async () => {
    const p = pool(1, 8);
    const a = auth({ low: bcrypt.hashSync('x', 4), high: bcrypt.hashSync('y', 6) }, p);
    const dummy = await a.dummyHash();
    expect(bcryptCost(dummy)).toBe(6);
    const before = p.completed;
    expect(await a.check(basic('mallory', 'y'))).toBe('denied');
    // Exactly one bcrypt, at cost 6: the work a check of "high" costs.
    expect(p.completed - before).toBe(1);
    expect(await a.check(basic('mallory', 'y'))).toBe('denied');
    expect(p.completed - before).toBe(2);
    // A reload with a costlier user makes a new dummy.
    a.setUsers(new Map([['slow', bcrypt.hashSync('z', 7)]]));
    expect(bcryptCost(await a.dummyHash())).toBe(7);
  });

  it('answers cached credentials without queueing, even while the queue is full; failures are not cached', async () => {
    const p = pool(1, 3);
    const a = auth({ alice: HASH4, bob: HASH6 }, p);
    await a.dummyHash();
    expect(await a.check(basic('alice', 'right'))).toBe('ok');
    const ran = p.completed;
    expect(await a.check(basic('alice', 'right'))).toBe('ok');
    expect(p.completed).toBe(ran);
    // 105 distinct wrong passwords: more than the cache holds; none evicts alice.
    for (let i = 0; i < 105; i++) expect(await a.check(basic('alice', `wrong${i}`))).toBe('denied');
    expect(p.completed).toBe(ran + 105);
    // Fill the worker and the queue with slow wrong-password checks.
    const flood = [0, 1, 2, 3].map((i) => a.check(basic('bob', `guess${i}`)));
    expect(p.running + p.queued).toBe(4);
    expect(await a.check(basic('bob', 'guess4'))).toBe('busy');
    // The cached credential is answered while all four are still waiting or running.
    expect(await a.check(basic('alice', 'right'))).toBe('ok');
    expect(p.running + p.queued).toBe(4);
    expect(await Promise.all(flood)).toEqual(['denied', 'denied', 'denied', 'denied']);
  });

  it('a reload keeps the cache, but a changed hash or a removed user no longer matches', async () => {
    const p = pool(1, 4);
    const a = auth({ alice: HASH4, carol: HASH4 }, p);
    expect(await a.check(basic('alice', 'right'))).toBe('ok');
    expect(await a.check(basic('carol', 'right'))).toBe('ok');
    const ran = p.completed;
    a.setUsers(new Map([['alice', HASH4]]));
    expect(await a.check(basic('alice', 'right'))).toBe('ok');
    expect(p.completed).toBe(ran);
    expect(await a.check(basic('carol', 'right'))).toBe('denied');
    a.setUsers(new Map([['alice', bcrypt.hashSync('new', 4)]]));
    expect(await a.check(basic('alice', 'right'))).toBe('denied');
    expect(await a.check(basic('alice', 'new'))).toBe('ok');
  });
});

describe('the server under a password flood', () => {
  let baseHttp: HttpConfig;
  beforeAll(async () => {
    baseHttp = (await loadConfig(undefined)).config.http;
  });

  async function serve(users: Record<string, string>, limits: Partial<HttpConfig['limits']> = {}): Promise<number> {
    const sink = new PrometheusSink({ cpuGuest: true, vmstatFields: /.*/, netstatFields: /.*/, ignoreInvalidSpeed: false }, nullLogger);
    sink.update(fakeSnapshot());
    const web: WebConfig = { users: new Map(Object.entries(users)), headers: {} };
    const s = new MetricsServer({ ...baseHttp, address: '127.0.0.1', port: 0, limits: { ...baseHttp.limits, ...limits } }, web, {
      rendered: () => sink.latest,
      firstPoll: () => Promise.resolve(),
      landing: () => ({ build: buildInfo(), pollIntervalSeconds: 15 }),
      logger: nullLogger,
    });
    closers.push(() => s.close());
    return (await s.start()).port;
  }

  interface Answer {
    status: number;
    retryAfter: string | undefined;
    body: string;
  }
  function get(port: number, path: string, auth?: string): { done: Promise<Answer>; abandon(): void } {
    let abandon = (): void => undefined;
    const done = new Promise<Answer>((resolve, reject) => {
      // A connection of its own for each request (agent: false), as many clients would.
      const req = request({ host: '127.0.0.1', port, path, agent: false, headers: auth ? { Authorization: auth } : {} }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], body }));
      });
      abandon = (): void => {
        req.destroy();
        resolve({ status: 0, retryAfter: undefined, body: 'abandoned' });
      };
      req.on('error', reject);
      req.end();
    });
    return { done, abandon };
  }

  it('serves a cached scrape and the probes before the flood drains; the overflow gets 503 (held for its Retry-After second); waiting checks hold no concurrency slot', async () => {
    // Two slots only: the flood would take them both if waiting checks counted.
    const port = await serve({ prometheus: HASH10 }, { max_concurrent_requests: 2 });
    const right = basic('prometheus', 'slow');
    expect((await get(port, '/metrics', right).done).status).toBe(200); // now cached
    const answered: Answer[] = [];
    // Wrong passwords for the user, and unknown users (the same cost each).
    const flood = Array.from({ length: 100 }, (_, i) => get(port, '/metrics', basic(i % 2 ? 'prometheus' : `nobody${i}`, `wrong${i}`)));
    for (const f of flood)
      f.done.then(
        (a) => answered.push(a),
        () => undefined,
      );
    // The first refusal means the queue is full: 1 + 32 checks of 0.1-0.3 s each are waiting.
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (answered.some((a) => a.status === 503)) {
          clearInterval(t);
          resolve();
        }
      }, 5);
    });
    const [scrape, health, ready] = await Promise.all([
      get(port, '/metrics', right).done,
      get(port, '/healthz').done,
      get(port, '/readyz').done,
    ]);
    const stillWaiting = 100 - answered.length;
    expect(scrape.status).toBe(200);
    expect(scrape.body).toContain('node_cpu_seconds_total{cpu="0",mode="idle"} 100\n');
    expect([health.status, ready.status]).toEqual([200, 200]);
    // Ordering, not timing: the flood's accepted checks were still waiting when these were answered.
    expect(stillWaiting).toBeGreaterThan(0);
    const refused = answered.filter((a) => a.status === 503);
    for (const r of refused) {
      expect(r.retryAfter).toBe('1');
      expect(r.body).toBe('too many password checks waiting; retry\n');
    }
    expect(answered.every((a) => a.status === 401 || a.status === 503)).toBe(true);
    // The rest of the flood gives up; the server drops their queued checks.
    for (const f of flood) f.abandon();
    await Promise.all(flood.map((f) => f.done));
  }, 120_000);
});

/**
 * bcrypt off the JavaScript thread: a small pool of worker threads running bcryptjs, fed
 * from a bounded FIFO queue. A job whose client went away (its AbortSignal fired) is
 * dropped before it costs a bcrypt; a full queue refuses at once (AuthQueueFullError), so
 * a flood of wrong passwords costs at most `workers` cores and `maxQueue` waiting requests.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { isSea, SEA_ASSETS, seaTextAsset } from '../sea.js';

/** The queue is full: the caller answers 503 without checking the password. */
export class AuthQueueFullError extends Error {
  constructor(maxQueue: number) {
    super(`authentication queue full (${maxQueue} requests waiting for a bcrypt check)`);
    this.name = 'AuthQueueFullError';
  }
}

/** The pool was closed, or its job was aborted, before the job ran. */
export class AuthCancelledError extends Error {
  constructor(why: string) {
    super(`bcrypt check not run: ${why}`);
    this.name = 'AuthCancelledError';
  }
}

/** Worker threads: one on a 2-core machine (the other core serves scrapes), at most two. */
export const DEFAULT_WORKERS = Math.max(1, Math.min(2, availableParallelism() - 1));
/** Requests that may wait for a worker; more get 503 at once. */
export const DEFAULT_MAX_QUEUE = 32;
/** The workers' nice value: below the main thread, which serves scrapes and probes. */
const WORKER_NICE = 10;

// The worker: CommonJS (eval), bcryptjs required by the path the main thread resolved, so
// it works the same from dist/ and from the TypeScript sources under test.
// It lowers its own thread's CPU priority (nice 10; Linux applies setpriority to the thread
// id from /proc/thread-self): under a flood, serving scrapes on the main thread comes first.
// Where that is refused it keeps the process's priority and says so (onWarning).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
// bcryptjs: a path to require, or (in the single-file binary, which has no node_modules)
// its CommonJS source, run as a module here.
const bcrypt = typeof workerData.bcryptjs === 'string' ? require(workerData.bcryptjs) : (() => {
  const module = { exports: {} };
  require('node:vm').runInThisContext('(function (exports, require, module) {' + workerData.bcryptjs.source + '\\n})', { filename: 'bcryptjs.cjs' })(module.exports, require, module);
  return module.exports;
})();
try {
  const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
  require('node:os').setPriority(tid, workerData.nice);
} catch (e) {
  parentPort.postMessage({ id: 0, warning: 'cannot lower the bcrypt worker thread priority: ' + String((e && e.message) || e) });
}
parentPort.on('message', (m) => {
  try {
    if (m.op === 'hash') parentPort.postMessage({ id: m.id, hash: bcrypt.hashSync(m.password, m.cost) });
    else parentPort.postMessage({ id: m.id, ok: bcrypt.compareSync(m.password, m.hash) });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String((e && e.message) || e) });
  }
});
`;

type Request = { op: 'compare'; password: string; hash: string } | { op: 'hash'; password: string; cost: number };
interface Reply {
  id: number;
  warning?: string;
  ok?: boolean;
  hash?: string;
  error?: string;
}

interface Job {
  id: number;
  req: Request;
  resolve(r: Reply): void;
  reject(e: Error): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

interface Slot {
  worker: Worker;
  job: Job | undefined;
}

export class BcryptPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  /** bcryptjs for the workers: its path, or its source in the single-file binary. */
  private bcryptjs: string | { source: string } | undefined;
  /** bcrypt operations run to completion (for tests and the docs' accounting). */
  completed = 0;

  constructor(
    readonly workers: number = DEFAULT_WORKERS,
    readonly maxQueue: number = DEFAULT_MAX_QUEUE,
    private readonly onWarning: (message: string) => void = () => undefined,
  ) {
    if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`bcrypt pool: workers must be an integer >= 1, got ${workers}`);
    if (!Number.isInteger(maxQueue) || maxQueue < 0) throw new RangeError(`bcrypt pool: maxQueue must be an integer >= 0, got ${maxQueue}`);
  }

  /** Jobs waiting for a worker (not counting those running). */
  get queued(): number {
    return this.queue.length;
  }

  /** Jobs running on a worker now. */
  get running(): number {
    return this.slots.filter((s) => s.job).length;
  }

  /** Compares a password with a bcrypt hash on a worker thread. */
  async compare(password: string, hash: string, signal?: AbortSignal): Promise<boolean> {
    const r = await this.submit({ op: 'compare', password, hash }, signal);
    return r.ok === true;
  }

  /** Hashes a password at a cost on a worker thread. */
  async hash(password: string, cost: number, signal?: AbortSignal): Promise<string> {
    const r = await this.submit({ op: 'hash', password, cost }, signal);
    if (typeof r.hash !== 'string') throw new Error('bcrypt worker returned no hash');
    return r.hash;
  }

  /** Terminates the workers; queued jobs reject with AuthCancelledError. The pool restarts on its next job. */
  async close(): Promise<void> {
    for (const job of this.queue.splice(0)) this.settle(job, undefined, new AuthCancelledError('the server is closing'));
    const slots = this.slots.splice(0);
    for (const s of slots) if (s.job) this.settle(s.job, undefined, new AuthCancelledError('the server is closing'));
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private submit(req: Request, signal: AbortSignal | undefined): Promise<Reply> {
    if (signal?.aborted) return Promise.reject(new AuthCancelledError('the client went away'));
    const idle = this.idleSlot();
    if (!idle && this.queue.length >= this.maxQueue) return Promise.reject(new AuthQueueFullError(this.maxQueue));
    return new Promise<Reply>((resolve, reject) => {
      const job: Job = { id: this.nextId++, req, resolve, reject, signal, onAbort: undefined };
      if (idle) {
        this.run(idle, job);
        return;
      }
      if (signal) {
        job.onAbort = (): void => {
          const i = this.queue.indexOf(job);
          if (i >= 0) {
            this.queue.splice(i, 1);
            this.settle(job, undefined, new AuthCancelledError('the client went away'));
          }
        };
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.queue.push(job);
    });
  }

  /** A worker without a job, starting one if the pool is not at its size. */
  private idleSlot(): Slot | undefined {
    const free = this.slots.find((s) => !s.job);
    if (free) return free;
    if (this.slots.length >= this.workers) return undefined;
    const slot = this.spawn();
    return slot;
  }

  private spawn(): Slot {
    this.bcryptjs ??= isSea() ? { source: seaTextAsset(SEA_ASSETS.bcryptjs) } : createRequire(import.meta.url).resolve('bcryptjs');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { bcryptjs: this.bcryptjs, nice: WORKER_NICE } });
    // An idle pool must not keep the process alive; pending requests keep their sockets.
    worker.unref();
    const slot: Slot = { worker, job: undefined };
    worker.on('message', (r: Reply) => {
      if (r.warning !== undefined) {
        this.onWarning(r.warning);
        return;
      }
      const job = slot.job;
      if (!job || job.id !== r.id) return;
      slot.job = undefined;
      this.completed++;
      if (r.error !== undefined) this.settle(job, undefined, new Error(`bcrypt: ${r.error}`));
      else this.settle(job, r);
      this.next(slot);
    });
    const lost = (why: string): void => {
      const i = this.slots.indexOf(slot);
      if (i < 0) return;
      this.slots.splice(i, 1);
      if (slot.job) this.settle(slot.job, undefined, new Error(`bcrypt worker ${why}`));
      slot.job = undefined;
      // Its queued work goes to a replacement.
      const head = this.queue.shift();
      if (head) this.run(this.spawn(), head);
    };
    worker.on('error', (e) => lost(`failed: ${e.message}`));
    worker.on('exit', (code) => lost(`exited with code ${code}`));
    this.slots.push(slot);
    return slot;
  }

  private run(slot: Slot, job: Job): void {
    if (job.signal && job.onAbort) job.signal.removeEventListener('abort', job.onAbort);
    slot.job = job;
    slot.worker.postMessage({ id: job.id, ...job.req });
  }

  private next(slot: Slot): void {
    const job = this.queue.shift();
    if (job) this.run(slot, job);
  }

  private settle(job: Job, r: Reply | undefined, e?: Error): void {
    if (job.signal && job.onAbort) job.signal.removeEventListener('abort', job.onAbort);
    if (e) job.reject(e);
    else job.resolve(r as Reply);
  }
}

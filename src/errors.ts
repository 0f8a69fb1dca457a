/**
 * Typed errors, decided the way psutil decides them. Every error the native layer raises
 * arrives here as one of these, naming what failed and where.
 */
export class HostProbeError extends Error {
  /** errno name when an OS call failed ("ENOENT", "EACCES", ...). */
  readonly code?: string;
  /** The file that failed, when there is one. */
  readonly path?: string;
  constructor(message: string, opts: { code?: string; path?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    if (opts.code !== undefined) this.code = opts.code;
    if (opts.path !== undefined) this.path = opts.path;
  }
}

/** The process does not exist (any more). */
export class NoSuchProcess extends HostProbeError {
  readonly pid: number;
  readonly processName?: string;
  constructor(pid: number, message?: string, opts: { code?: string; path?: string; name?: string; cause?: unknown } = {}) {
    super(message ?? `process no longer exists (pid=${pid})`, opts);
    this.pid = pid;
    if (opts.name !== undefined) this.processName = opts.name;
  }
}

/** The process is a zombie: it exists, but the data asked for is gone. A NoSuchProcess, as in psutil. */
export class ZombieProcess extends NoSuchProcess {
  readonly ppid?: number;
  constructor(pid: number, message?: string, opts: { code?: string; path?: string; name?: string; ppid?: number; cause?: unknown } = {}) {
    super(pid, message ?? `process still exists but it's a zombie (pid=${pid})`, opts);
    if (opts.ppid !== undefined) this.ppid = opts.ppid;
  }
}

/** Permission to read or change something was denied (EACCES / EPERM). */
export class AccessDenied extends HostProbeError {
  readonly pid?: number;
  constructor(message: string, opts: { pid?: number; code?: string; path?: string; cause?: unknown } = {}) {
    super(message, opts);
    if (opts.pid !== undefined) this.pid = opts.pid;
  }
}

/** A wait ran out of time. */
export class TimeoutExpired extends HostProbeError {
  readonly seconds: number;
  readonly pid?: number;
  constructor(seconds: number, pid?: number) {
    super(`timeout after ${seconds} seconds${pid === undefined ? '' : ` (pid=${pid})`}`);
    this.seconds = seconds;
    if (pid !== undefined) this.pid = pid;
  }
}

/** A kernel file had a format we could not parse. */
export class ParseError extends HostProbeError {}
/** A file or device that should exist does not. */
export class NotFoundError extends HostProbeError {}
/** This kernel or host does not provide the value. */
export class UnsupportedError extends HostProbeError {}
/** A caller passed a bad argument. */
export class InvalidArgumentError extends HostProbeError {}
/** Any other OS error. */
export class IoError extends HostProbeError {}

interface NativeErrorShape {
  message: string;
  kind?: string;
  code?: string;
  path?: string;
  pid?: number;
}

function isNativeError(e: unknown): e is NativeErrorShape {
  return e instanceof Error && typeof (e as { kind?: unknown }).kind === 'string';
}

/** Maps an error thrown by the addon onto the typed hierarchy; other errors pass through. */
export function fromNative(e: unknown): unknown {
  if (!isNativeError(e)) return e;
  const opts: { code?: string; path?: string; cause: unknown } = { cause: e };
  if (e.code !== undefined) opts.code = e.code;
  if (e.path !== undefined) opts.path = e.path;
  switch (e.kind) {
    case 'NoSuchProcess':
      return new NoSuchProcess(e.pid ?? -1, e.message, opts);
    case 'ZombieProcess':
      return new ZombieProcess(e.pid ?? -1, e.message, opts);
    case 'AccessDenied':
      return new AccessDenied(e.message, e.pid === undefined ? opts : { ...opts, pid: e.pid });
    case 'TimeoutExpired':
      return new TimeoutExpired(0, e.pid);
    case 'ParseError':
      return new ParseError(e.message, opts);
    case 'NotFound':
      return new NotFoundError(e.message, opts);
    case 'Unsupported':
      return new UnsupportedError(e.message, opts);
    case 'InvalidArgument':
      return new InvalidArgumentError(e.message, opts);
    default:
      return new IoError(e.message, opts);
  }
}

/** Calls into the addon, translating its errors. */
export function callNative<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw fromNative(e);
  }
}

/** Awaits an addon Promise, translating its rejection (and a synchronous throw). */
export async function callNativeAsync<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw fromNative(e);
  }
}

import { describe, expect, it } from 'vitest';
import { AccessDenied, IoError, NoSuchProcess, NotFoundError, ParseError, ZombieProcess, fromNative } from '../../src/errors.js';

function nativeError(kind: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`native ${kind}`), { kind, ...extra });
}

describe('fromNative', () => {
  it('maps each native kind onto its typed error, keeping code, path and pid', () => {
    const nsp = fromNative(nativeError('NoSuchProcess', { pid: 42, code: 'ESRCH' }));
    expect(nsp).toBeInstanceOf(NoSuchProcess);
    expect((nsp as NoSuchProcess).pid).toBe(42);
    expect((nsp as NoSuchProcess).code).toBe('ESRCH');

    const zombie = fromNative(nativeError('ZombieProcess', { pid: 7 }));
    expect(zombie).toBeInstanceOf(ZombieProcess);
    // psutil: ZombieProcess is a NoSuchProcess, so old handlers keep working.
    expect(zombie).toBeInstanceOf(NoSuchProcess);

    const ad = fromNative(nativeError('AccessDenied', { pid: 1, path: '/proc/1/io', code: 'EACCES' }));
    expect(ad).toBeInstanceOf(AccessDenied);
    expect((ad as AccessDenied).path).toBe('/proc/1/io');

    expect(fromNative(nativeError('ParseError'))).toBeInstanceOf(ParseError);
    expect(fromNative(nativeError('NotFound'))).toBeInstanceOf(NotFoundError);
    expect(fromNative(nativeError('IoError'))).toBeInstanceOf(IoError);
  });

  it('passes non-native errors through untouched', () => {
    const plain = new TypeError('x');
    expect(fromNative(plain)).toBe(plain);
  });
});

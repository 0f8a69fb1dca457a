// The host API over crafted fixture trees (test/fixtures/host-*), through the real addon.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NotFoundError, ParseError } from '../../src/errors.js';
import {
  clockSource,
  entropyAvail,
  entropyPoolSize,
  fileNr,
  hostInfo,
  osRelease,
  pressure,
  uname,
  users,
  usersAsync,
} from '../../src/host.js';
import type { Roots } from '../../src/roots.js';
import { FIXTURES } from '../helpers/tools.js';

function fixture(name: string): Partial<Roots> {
  return { procfs: join(FIXTURES, name, 'proc'), sysfs: join(FIXTURES, name, 'sys'), rootfs: join(FIXTURES, name, 'rootfs') };
}

// Written by test/fixtures/host-utmp/make_utmp.py
const UTMP_USERS = [
  { name: 'alice', terminal: 'pts/0', host: '203.0.113.5', started: 1700000100, pid: 4242 },
  { name: 'bob', terminal: 'tty1', host: 'localhost', started: 1700000200, pid: 777 },
  { name: 'carol', terminal: ':0', host: 'localhost', started: 1700000250, pid: 888 },
  { name: 'u'.repeat(32), terminal: null, host: `${'h'.repeat(250)}.local`, started: 1700000300, pid: 999 },
];

describe('users', () => {
  it('decodes the USER_PROCESS records of <rootfs>/run/utmp', async () => {
    expect(users({ roots: fixture('host-utmp') })).toEqual(UTMP_USERS);
    expect(await usersAsync({ roots: fixture('host-utmp') })).toEqual(UTMP_USERS);
  });

  it('falls back to <rootfs>/var/run/utmp, and is [] without utmp', async () => {
    expect(users({ roots: fixture('host-varrun') })).toEqual([
      { name: 'root', terminal: 'pts/7', host: '10.0.0.1', started: 1600000000, pid: 31337 },
    ]);
    expect(users({ roots: fixture('host-empty') })).toEqual([]);
    expect(await usersAsync({ roots: fixture('host-empty') })).toEqual([]);
  });
});

describe('osRelease', () => {
  it('undoes shell quoting', () => {
    expect(osRelease({ roots: fixture('host-osrel') })).toEqual({
      id: 'fedora',
      idLike: 'rhel centos',
      name: 'Fedora Linux',
      prettyName: 'Fedora Linux 39 (Container "Image") $5 \\ \\x',
      version: '39 (Container Image)',
      versionId: '39',
      versionCodename: '',
      buildId: 'abc def',
      variant: 'Container Image',
      variantId: 'container',
      imageId: 'img',
      imageVersion: '1.2.3',
      path: join(FIXTURES, 'host-osrel', 'rootfs', 'etc', 'os-release'),
    });
  });

  it('falls back to usr/lib/os-release and resolves absolute symlinks inside the root', () => {
    expect(osRelease({ roots: fixture('host-osrel-usrlib') })).toMatchObject({
      id: 'debian',
      versionId: '12',
      versionCodename: 'bookworm',
      buildId: null,
      path: join(FIXTURES, 'host-osrel-usrlib', 'rootfs', 'usr', 'lib', 'os-release'),
    });
    // etc/os-release -> /usr/lib/os-release: the fixture's Alpine, not this machine's file
    expect(osRelease({ roots: fixture('host-osrel-abslink') })).toMatchObject({
      id: 'alpine',
      versionId: '3.19.1',
      prettyName: 'Alpine Linux v3.19',
      path: join(FIXTURES, 'host-osrel-abslink', 'rootfs', 'usr', 'lib', 'os-release'),
    });
    expect(() => osRelease({ roots: fixture('host-empty') })).toThrow(NotFoundError);
  });
});

describe('small kernel files', () => {
  it('reads file-nr, entropy and clocksource', () => {
    // The file's maximum is LONG_MAX, 9223372036854775807, which a double holds as 2^63.
    expect(fileNr({ roots: fixture('host-proc') })).toEqual({ allocated: 4128, unused: 0, maximum: 2 ** 63 });
    expect(entropyAvail({ roots: fixture('host-proc') })).toBe(256);
    expect(entropyPoolSize({ roots: fixture('host-proc') })).toBe(256);
    expect(clockSource({ roots: fixture('host-proc') })).toEqual({ available: ['tsc', 'hpet', 'acpi_pm'], current: 'tsc' });
    expect(clockSource({ roots: fixture('host-empty') })).toBeNull();
    expect(entropyPoolSize({ roots: fixture('host-empty') })).toBeNull();
    expect(() => entropyAvail({ roots: fixture('host-empty') })).toThrow(NotFoundError);
    expect(() => fileNr({ roots: fixture('host-badpsi') })).toThrow(ParseError);
  });

  it('hostInfo combines uname with btime and uptime under the roots', () => {
    const h = hostInfo({ roots: fixture('host-proc') });
    const u = uname();
    expect(h).toEqual({ hostname: u.nodename, ...u, bootTime: 1712345678, uptime: 12345.67 });
  });
});

describe('pressure', () => {
  it('reads some/full lines with totals in seconds', () => {
    expect(pressure({ roots: fixture('host-proc') })).toEqual({
      cpu: {
        some: { avg10: 1.23, avg60: 0.45, avg300: 0.06, total: 14.356112 },
        full: { avg10: 0, avg60: 0, avg300: 0, total: 0 },
      },
      io: {
        some: { avg10: 5, avg60: 2.5, avg300: 1.25, total: 987.654321 },
        full: { avg10: 4, avg60: 2, avg300: 1, total: 123.456789 },
      },
      memory: {
        some: { avg10: 0.1, avg60: 0.2, avg300: 0.3, total: 1 },
        full: { avg10: 0.01, avg60: 0.02, avg300: 0.03, total: 0.5 },
      },
      irq: null,
    });
  });

  it('handles old kernels (no cpu full line), irq (full only), no PSI at all, and bad lines', () => {
    expect(pressure({ roots: fixture('host-oldpsi') })).toEqual({
      // total=42 us, divided by 1000 twice as node_exporter does: 0.000042000000000000004.
      cpu: { some: { avg10: 0, avg60: 0, avg300: 0, total: 42 / 1000 / 1000 }, full: null },
      io: { some: { avg10: 0, avg60: 0, avg300: 0, total: 0.000001 }, full: { avg10: 0, avg60: 0, avg300: 0, total: 0.000002 } },
      memory: null,
      irq: { some: null, full: { avg10: 0.5, avg60: 0.25, avg300: 0.12, total: 0.000777 } },
    });
    expect(pressure({ roots: fixture('host-empty') })).toBeNull();
    expect(() => pressure({ roots: fixture('host-badpsi') })).toThrow(/host-badpsi\/proc\/pressure\/cpu/);
  });
});

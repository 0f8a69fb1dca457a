// Live cross-checks of the host API: utmp decoding against util-linux's utmpdump (glibc's
// own struct utmp), users against psutil and who, uname against uname(1), os-release
// against Python's parser, and the small kernel files against sysctl(8).
import { existsSync, readFileSync } from 'node:fs';
import { hostname, uptime } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
  type User,
} from '../../src/host.js';
import { FIXTURES, haveTool, psutilJson, psutilPython, run, tool } from '../helpers/tools.js';

/** USER_PROCESS records as util-linux's utmpdump prints them (decoded by glibc). */
function utmpdumpUsers(path: string, file: string): User[] {
  const out: User[] = [];
  for (const line of run(path, [file]).split('\n')) {
    const f = [...line.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1] ?? '');
    if (f.length < 8 || f[0] !== '7') continue;
    const host = (f[5] ?? '').trim();
    out.push({
      name: (f[3] ?? '').trim(),
      terminal: (f[4] ?? '').trim() || null,
      host: host === '' || host === ':0' || host === ':0.0' ? 'localhost' : host,
      started: Math.floor(Date.parse((f[7] ?? '').replace(',', '.')) / 1000),
      pid: Number(f[1]),
    });
  }
  return out;
}

describe('users', () => {
  const utmpdump = tool('utmpdump', 'apt-get install util-linux');

  it('decodes the fixture utmp exactly as glibc does (utmpdump)', async () => {
    if (!haveTool(utmpdump)) return;
    const rootfs = join(FIXTURES, 'host-utmp', 'rootfs');
    const theirs = utmpdumpUsers(utmpdump.path, join(rootfs, 'run', 'utmp'));
    expect(theirs.length).toBeGreaterThan(0);
    expect(users({ roots: { rootfs } })).toEqual(theirs);
    expect(await usersAsync({ roots: { rootfs } })).toEqual(theirs);
  });

  it('matches psutil users() and who on this machine', async () => {
    if (!haveTool(psutilPython())) return;
    const py = psutilJson<{ name: string; terminal: string | null; host: string; started: number; pid: number }[]>(
      'print(json.dumps([u._asdict() for u in psutil.users()]))',
    );
    const ours = users();
    // psutil 5.9.4 leaves an empty host empty; HEAD (and we) say "localhost"
    expect(ours).toEqual(py.map((u) => ({ ...u, host: u.host === '' ? 'localhost' : u.host })));
    expect(await usersAsync()).toEqual(ours);
    const who = tool('who', 'apt-get install coreutils');
    if (!haveTool(who)) return;
    const names = run(who.path, [])
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => l.split(/\s+/)[0]);
    expect(ours.map((u) => u.name)).toEqual(names);
    const utmp = ['/run/utmp', '/var/run/utmp'].find((p) => existsSync(p));
    if (utmp && haveTool(utmpdump)) expect(ours).toEqual(utmpdumpUsers(utmpdump.path, utmp));
  });
});

describe('uname, hostInfo, osRelease', () => {
  it('uname matches uname(1) piece by piece', () => {
    const un = tool('uname', 'apt-get install coreutils');
    if (!haveTool(un)) return;
    const u = uname();
    const piece = (flag: string): string => run(un.path, [flag]).replace(/\n$/, '');
    expect(u.sysname).toBe(piece('-s'));
    expect(u.nodename).toBe(piece('-n'));
    expect(u.release).toBe(piece('-r'));
    expect(u.version).toBe(piece('-v'));
    expect(u.machine).toBe(piece('-m'));
    expect(u.domainname).toBe(readFileSync('/proc/sys/kernel/domainname', 'utf8').trim());
    expect(u.nodename).toBe(hostname());
  });

  it('hostInfo: boot time from psutil, uptime from os.uptime()', () => {
    const before = uptime();
    const h = hostInfo();
    const after = uptime();
    expect(h.hostname).toBe(hostname());
    expect(h.uptime).toBeGreaterThanOrEqual(before - 1);
    expect(h.uptime).toBeLessThanOrEqual(after + 1);
    if (!haveTool(psutilPython())) return;
    expect(Math.abs(h.bootTime - psutilJson<number>('print(json.dumps(psutil.boot_time()))'))).toBeLessThanOrEqual(1);
  });

  it('osRelease matches Python platform.freedesktop_os_release()', () => {
    if (!haveTool(psutilPython())) return;
    const py = psutilJson<Record<string, string>>('import platform\nprint(json.dumps(platform.freedesktop_os_release()))');
    const o = osRelease();
    const keys: [keyof typeof o, string][] = [
      ['id', 'ID'],
      ['idLike', 'ID_LIKE'],
      ['name', 'NAME'],
      ['prettyName', 'PRETTY_NAME'],
      ['version', 'VERSION'],
      ['versionId', 'VERSION_ID'],
      ['versionCodename', 'VERSION_CODENAME'],
      ['buildId', 'BUILD_ID'],
      ['variant', 'VARIANT'],
      ['variantId', 'VARIANT_ID'],
      ['imageId', 'IMAGE_ID'],
      ['imageVersion', 'IMAGE_VERSION'],
    ];
    for (const [ours, theirs] of keys) {
      // Python fills in os-release(5)'s defaults for ID, NAME and PRETTY_NAME
      if (py[theirs] === undefined) expect(o[ours], theirs).toBeNull();
      else expect(o[ours], theirs).toBe(py[theirs]);
    }
  });
});

describe('kernel files vs sysctl', () => {
  const sysctl = tool('sysctl', 'apt-get install procps', ['/usr/sbin/sysctl', '/sbin/sysctl']);
  const get = (path: string, key: string): string => run(path, ['-n', key]).trim();

  it('fileNr', () => {
    if (!haveTool(sysctl)) return;
    const f = fileNr();
    const [allocated, , maximum] = get(sysctl.path, 'fs.file-nr').split(/\s+/).map(Number);
    expect(f.maximum).toBe(maximum);
    expect(f.maximum).toBe(Number(get(sysctl.path, 'fs.file-max')));
    // handles come and go (this test runs among others): a loose tolerance
    expect(Math.abs(f.allocated - (allocated ?? NaN))).toBeLessThanOrEqual(Math.max(500, f.allocated * 0.5));
  });

  it('entropy', () => {
    if (!haveTool(sysctl)) return;
    expect(entropyPoolSize()).toBe(Number(get(sysctl.path, 'kernel.random.poolsize')));
    // 256 on Linux >= 5.18; older kernels move it up and down
    expect(Math.abs(entropyAvail() - Number(get(sysctl.path, 'kernel.random.entropy_avail')))).toBeLessThanOrEqual(64);
  });

  it('clockSource matches sysfs', () => {
    const dir = '/sys/devices/system/clocksource/clocksource0';
    const c = clockSource();
    if (!existsSync(dir)) {
      expect(c).toBeNull();
      return;
    }
    expect(c?.current).toBe(readFileSync(join(dir, 'current_clocksource'), 'utf8').trim());
    expect(c?.available).toEqual(readFileSync(join(dir, 'available_clocksource'), 'utf8').trim().split(/\s+/));
    expect(c?.available).toContain(c?.current);
  });

  it('pressure totals are the kernel microseconds in seconds', () => {
    const file = '/proc/pressure/cpu';
    const total = (): number => Number(/^some .*total=(\d+)/m.exec(readFileSync(file, 'utf8'))?.[1]);
    if (!existsSync(file)) {
      expect(pressure()).toBeNull();
      return;
    }
    const before = total();
    const p = pressure();
    const after = total();
    const some = p?.cpu?.some;
    expect(some).toBeTruthy();
    expect(some?.total).toBeGreaterThanOrEqual(before / 1000 / 1000);
    expect(some?.total).toBeLessThanOrEqual(after / 1000 / 1000);
    for (const r of [p?.cpu, p?.io, p?.memory]) {
      for (const l of [r?.some, r?.full]) {
        if (!l) continue;
        for (const v of [l.avg10, l.avg60, l.avg300]) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(100);
        }
      }
    }
  });
});

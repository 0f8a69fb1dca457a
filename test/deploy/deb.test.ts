// The .deb (npm run deb → build/deb/hostprobe_<version>_<arch>.deb) installed on this
// machine with dpkg -i: the installed binary runs with an empty environment and reads the
// installed config, systemd-analyze verifies the installed unit as it is, dpkg -r removes
// the program and keeps the conffiles, dpkg -P leaves nothing. Needs root; the package is
// purged after the test whatever happens.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFamilies } from '../helpers/agent.js';
import { IN_CI, REPO_ROOT, haveTool, tool } from '../helpers/tools.js';
import { buildSea, SEA_BUILD_TIMEOUT_MS } from '../helpers/sea-build.js';

const dpkg = tool('dpkg', 'a Debian system');
const dpkgDeb = tool('dpkg-deb', 'apt-get install dpkg');
const objdump = tool('objdump', 'apt-get install binutils');
const analyze = tool('systemd-analyze', 'apt-get install systemd');

const PKG = 'hostprobe';
const UNIT_PATH = '/lib/systemd/system/hostprobe.service';
const WANTS = '/etc/systemd/system/multi-user.target.wants/hostprobe.service';
const MASK = '/etc/systemd/system/hostprobe.service';
const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
let deb: string | undefined;

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): { status: number | null; out: string; stdout: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, out: `${r.stdout}${r.stderr}${r.error ? String(r.error) : ''}`, stdout: r.stdout };
}

/** The package's dpkg status ("" when it is not on the machine in any state). */
function pkgStatus(): string {
  const r = run('dpkg-query', ['-W', '-f=${Status}', PKG]);
  return r.status === 0 && !r.stdout.endsWith(' not-installed') ? r.stdout : '';
}

/** dpkg with its lock: another dpkg or apt (a CI install step) may hold it for a while. */
async function dpkgRun(args: string[]): Promise<{ status: number | null; out: string }> {
  const end = Date.now() + 300_000;
  for (;;) {
    const r = run('dpkg', args);
    if (r.status === 0 || !/lock/i.test(r.out) || Date.now() > end) return r;
    await new Promise((res) => setTimeout(res, 1000));
  }
}

function canRun(): boolean {
  if (![dpkg, dpkgDeb, objdump, analyze].every((t) => haveTool(t))) return false;
  if (process.getuid?.() !== 0) {
    if (IN_CI) throw new Error('test/deploy/deb.test.ts installs a package: run the suite as root in CI');
    console.warn('[skip] installing the .deb needs root');
    return false;
  }
  return true;
}

beforeAll(() => {
  if (!canRun() || !buildSea()) return;
  const status = pkgStatus();
  if (status !== '') {
    throw new Error(`a ${PKG} package is already on this machine (${status}); remove it first: dpkg -P ${PKG}`);
  }
  const r = run('bash', [join(REPO_ROOT, 'scripts', 'build-deb.sh')]);
  if (r.status !== 0) throw new Error(`scripts/build-deb.sh failed (${r.status}):\n${r.out}`);
  const arch = run('dpkg', ['--print-architecture']).stdout.trim();
  deb = join(REPO_ROOT, 'build', 'deb', `${PKG}_${version}_${arch}.deb`);
  if (!existsSync(deb)) throw new Error(`${deb} is missing after scripts/build-deb.sh:\n${r.out}`);
}, SEA_BUILD_TIMEOUT_MS + 120_000);

afterAll(async () => {
  if (deb && pkgStatus() !== '') await dpkgRun(['-P', PKG]);
}, 300_000);

describe('the .deb', () => {
  it('declares its package, version, architecture, conffiles and libc', () => {
    if (!deb) return;
    const info = run('dpkg-deb', ['-f', deb, 'Package', 'Version', 'Architecture', 'Depends']);
    expect(info.status, info.out).toBe(0);
    expect(info.stdout).toMatch(
      new RegExp(`^Package: ${PKG}\\nVersion: ${version.replace(/\./g, '\\.')}\\nArchitecture: \\w+\\nDepends: libc6 \\(>= 2\\.\\d+\\)`),
    );
    const conffiles = run('dpkg-deb', ['--info', deb, 'conffiles']);
    expect(conffiles.stdout.split('\n').filter(Boolean).sort()).toEqual(['/etc/default/hostprobe', '/etc/hostprobe/hostprobe.yaml']);
    const listing = run('dpkg-deb', ['-c', deb]).stdout;
    for (const f of ['./usr/bin/hostprobe', `.${UNIT_PATH}`, './etc/hostprobe/hostprobe.yaml', './etc/default/hostprobe']) {
      expect(listing, f).toContain(f);
    }
    // Nothing of a Node installation or the checkout.
    expect(listing).not.toMatch(/node_modules|\/dist\//);
  });

  it('dpkg -i installs a binary that runs without Node; the unit verifies; dpkg -r keeps the conffiles; dpkg -P leaves nothing', async () => {
    if (!deb) return;
    const install = await dpkgRun(['-i', deb]);
    expect(install.status, install.out).toBe(0);
    expect(pkgStatus()).toBe('install ok installed');

    // The installed files are the repository's.
    expect(statSync('/usr/bin/hostprobe').mode & 0o777).toBe(0o755);
    expect(readFileSync(UNIT_PATH, 'utf8')).toBe(readFileSync(join(REPO_ROOT, 'deploy', 'systemd', 'hostprobe.service'), 'utf8'));
    expect(readFileSync('/etc/hostprobe/hostprobe.yaml', 'utf8')).toBe(readFileSync(join(REPO_ROOT, 'config', 'hostprobe.yaml'), 'utf8'));
    expect(readFileSync('/etc/default/hostprobe', 'utf8')).toBe(readFileSync(join(REPO_ROOT, 'deploy', 'deb', 'default'), 'utf8'));

    // Runs with an empty environment (no Node on PATH, no HOME).
    const v = run('/usr/bin/hostprobe', ['--version'], {});
    expect(v.status, v.out).toBe(0);
    expect(v.stdout).toMatch(new RegExp(`^hostprobe ${version.replace(/\./g, '\\.')} `));
    const cc = run('/usr/bin/hostprobe', ['check-config', '/etc/hostprobe/hostprobe.yaml'], {});
    expect(cc.status, cc.out).toBe(0);
    // One poll with the installed config and the unit's NODE_OPTIONS.
    const m = run('/usr/bin/hostprobe', ['metrics', '--config.file=/etc/hostprobe/hostprobe.yaml'], {
      NODE_OPTIONS: '--max-old-space-size=96',
    });
    expect(m.status, m.out).toBe(0);
    const memTotal = Number(/^MemTotal:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]) * 1024;
    expect(parseFamilies(m.stdout).get('node_memory_MemTotal_bytes')?.samples[0]?.value).toBe(memTotal);

    // The installed unit as it is: its ExecStart binary now exists.
    const verify = run(analyze.path as string, ['verify', UNIT_PATH]);
    expect(verify.out).toBe('');
    expect(verify.status).toBe(0);
    // postinst enabled it (deb-systemd-helper, as dh_installsystemd does).
    if (existsSync('/usr/bin/deb-systemd-helper')) expect(readlinkSync(WANTS)).toBe(UNIT_PATH);

    const remove = await dpkgRun(['-r', PKG]);
    expect(remove.status, remove.out).toBe(0);
    expect(pkgStatus()).toBe('deinstall ok config-files');
    expect(existsSync('/usr/bin/hostprobe')).toBe(false);
    expect(existsSync(UNIT_PATH)).toBe(false);
    expect(existsSync('/usr/share/doc/hostprobe')).toBe(false);
    expect(existsSync('/etc/hostprobe/hostprobe.yaml')).toBe(true);
    expect(existsSync('/etc/default/hostprobe')).toBe(true);

    const purge = await dpkgRun(['-P', PKG]);
    expect(purge.status, purge.out).toBe(0);
    expect(pkgStatus()).toBe('');
    for (const p of ['/etc/hostprobe', '/etc/default/hostprobe', WANTS, MASK]) {
      expect(existsSync(p) || isLink(p), p).toBe(false);
    }
    const state = run('find', ['/var/lib/systemd', '-name', '*hostprobe*']);
    expect(state.stdout).toBe('');
  }, 300_000);
});

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

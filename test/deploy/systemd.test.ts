// deploy/systemd/hostprobe.service: systemd-analyze verify, the offline security review
// (exposure score and the settings that matter for this agent), and the flags in ExecStart.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAgentFlags } from '../../src/config/flags.js';
import { REPO_ROOT, haveTool, tool } from '../helpers/tools.js';
import { UNIT, runTool } from '../helpers/deploy-tools.js';

const analyze = tool('systemd-analyze', 'apt-get install systemd');
const HAVE = haveTool(analyze);
const unitText = readFileSync(UNIT, 'utf8');

/** The unit's [Service] settings (a key may repeat). */
function settings(text: string, section: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let cur = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = /^\[(.+)\]$/.exec(line);
    if (sec) {
      cur = sec[1] as string;
      continue;
    }
    if (cur !== section) continue;
    const eq = line.indexOf('=');
    const k = line.slice(0, eq);
    out.set(k, [...(out.get(k) ?? []), line.slice(eq + 1)]);
  }
  return out;
}
const service = settings(unitText, 'Service');
const one = (k: string): string | undefined => service.get(k)?.at(-1);

describe.skipIf(!HAVE)('systemd unit: systemd-analyze', () => {
  it('verify accepts it without a warning', () => {
    // verify also checks that ExecStart's binary exists: /usr/bin/hostprobe is there once
    // the .deb is installed (test/deploy/deb.test.ts verifies the installed unit as is);
    // here a copy runs this Node binary in its place.
    expect(unitText).toContain('ExecStart=/usr/bin/hostprobe ');
    const dir = mkdtempSync(join(tmpdir(), 'hostprobe-unit-'));
    try {
      const copy = join(dir, 'hostprobe.service');
      writeFileSync(copy, unitText.replace('ExecStart=/usr/bin/hostprobe ', `ExecStart=${process.execPath} `));
      const r = runTool(analyze.path as string, ['verify', copy]);
      expect(r.stderr + r.stdout).toBe('');
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('security --offline: exposure "OK" (at most 2.5 of 10), and --threshold=30 passes', () => {
    const r = runTool(analyze.path as string, ['security', '--offline=yes', '--threshold=30', UNIT]);
    expect(r.status, r.stderr).toBe(0);
    const m = /Overall exposure level for hostprobe\.service: ([\d.]+) (\w+)/.exec(r.stdout);
    expect(m, r.stdout.slice(-500)).not.toBeNull();
    expect(Number(m?.[1])).toBeLessThanOrEqual(2.5);
    expect(m?.[2]).toBe('OK');
  });

  it('security --offline: the review sees the sandboxing this agent relies on', () => {
    const r = runTool(analyze.path as string, ['security', '--offline=yes', '--json=short', UNIT]);
    expect(r.status, r.stderr).toBe(0);
    const items = JSON.parse(r.stdout) as { name: string; set: boolean; exposure: number | null }[];
    const byName = new Map(items.map((i) => [i.name, i]));
    for (const name of [
      'NoNewPrivileges=',
      'ProtectSystem=',
      'ProtectKernelTunables=',
      'ProtectKernelModules=',
      'ProtectControlGroups=',
      'PrivateDevices=',
      'PrivateTmp=',
      'RestrictSUIDSGID=',
      'LockPersonality=',
      'SystemCallArchitectures=',
      'CapabilityBoundingSet=~CAP_SYS_ADMIN',
      'CapabilityBoundingSet=~CAP_SYS_PTRACE',
      'RestrictAddressFamilies=~AF_PACKET',
    ]) {
      const item = byName.get(name);
      expect(item, name).toBeDefined();
      expect(item?.set, name).toBe(true);
    }
  });
});

describe('systemd unit: settings', () => {
  it('keeps what the agent needs readable and working', () => {
    // V8's JIT needs writable+executable memory.
    expect(one('MemoryDenyWriteExecute') ?? 'no').toBe('no');
    // statfs of mounts under /home must work; /proc must list every process and /proc/stat etc.
    expect(one('ProtectHome')).toBe('read-only');
    expect(one('ProtectProc') ?? 'default').toBe('default');
    expect(one('ProcSubset') ?? 'all').toBe('all');
    expect(one('PrivateUsers') ?? 'no').toBe('no'); // would hide other users' process owners
    // getifaddrs(3) uses netlink; the listener needs INET/INET6.
    const families = (one('RestrictAddressFamilies') ?? '').split(/\s+/);
    expect(families).toEqual(expect.arrayContaining(['AF_INET', 'AF_INET6', 'AF_UNIX', 'AF_NETLINK']));
    expect(one('NoNewPrivileges')).toBe('yes');
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('DynamicUser')).toBe('yes');
    expect(one('CapabilityBoundingSet')).toBe('');
    expect(one('Restart')).toBe('on-failure');
    expect(one('MemoryMax')).toMatch(/^\d+[MG]$/);
  });

  it('ExecStart runs the installed binary, with a heap limit below MemoryMax in NODE_OPTIONS', () => {
    const argv = (one('ExecStart') ?? '').split(/\s+/);
    // The .deb's single-file binary, not a path inside some Node installation.
    expect(argv).toEqual(['/usr/bin/hostprobe', '$HOSTPROBE_OPTS']);
    const env = service.get('Environment') ?? [];
    const heap = env.map((e) => /^NODE_OPTIONS=--max-old-space-size=(\d+)$/.exec(e)).find((m) => m !== null);
    expect(heap, env.join('; ')).toBeDefined();
    const memMax = /^(\d+)([MG])$/.exec(one('MemoryMax') ?? '') as RegExpExecArray;
    const memMaxMiB = Number(memMax[1]) * (memMax[2] === 'G' ? 1024 : 1);
    expect(Number(heap?.[1])).toBeLessThan(memMaxMiB);
    expect(service.get('EnvironmentFile')).toEqual(['-/etc/default/hostprobe']);
  });

  it("the .deb's /etc/default/hostprobe sets HOSTPROBE_OPTS to flags the agent accepts", () => {
    const text = readFileSync(join(REPO_ROOT, 'deploy', 'deb', 'default'), 'utf8');
    const m = /^HOSTPROBE_OPTS="([^"]*)"$/m.exec(text);
    expect(m).not.toBeNull();
    const parsed = parseAgentFlags((m?.[1] ?? '').split(/\s+/));
    expect(parsed.warnings).toEqual([]);
    expect(parsed.positional).toEqual([]);
    expect(parsed.configFile).toBe('/etc/hostprobe/hostprobe.yaml');
  });
});

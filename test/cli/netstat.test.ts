// `hostprobe netstat` on this machine: a TCP listener this test opens on loopback shows up
// with its port, state, pid and program name; the listeners `ss` sees before and after are
// all listed; the JSON is netConnections() plus names.
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as netstat from '../../src/cli/commands/netstat.js';
import { netConnections } from '../../src/index.js';
import { haveTool, tool } from '../helpers/tools.js';
import { cells, runCli } from '../helpers/cli.js';

const ss = tool('ss', 'apt-get install iproute2');

let server: Server;
let port = 0;
beforeAll(async () => {
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

/** Listening TCP sockets as "ip:port" (IPv6 as "[ip]:port"), from `ss -Hltn`. */
function ssListeners(): Set<string> {
  const out = execFileSync(ss.path!, ['-Hltn'], { encoding: 'utf8' });
  const set = new Set<string>();
  for (const line of out.split('\n')) {
    const f = line.trim().split(/\s+/);
    const local = f[3];
    if (!local) continue;
    const i = local.lastIndexOf(':');
    let ip = local
      .slice(0, i)
      .replace(/^\[|\]$/g, '')
      .replace(/%.*$/, '');
    if (ip === '*') ip = '::';
    set.add(ip.includes(':') ? `[${ip}]:${local.slice(i + 1)}` : `${ip}:${local.slice(i + 1)}`);
  }
  return set;
}

describe('hostprobe netstat', () => {
  it('lists the loopback listener this test opened with its pid and program name', async () => {
    const res = await runCli(netstat, ['--kind', 'tcp']);
    expect(res.code).toBe(0);
    const lines = res.out.split('\n');
    expect(lines[0]).toMatch(/^Proto\s+Local address\s+Remote address\s+Status\s+PID\s+Program name$/);
    const row = cells(res.out).find((c) => c[1] === `127.0.0.1:${port}`);
    expect(row, `a row for 127.0.0.1:${port}`).toBeDefined();
    const comm = readFileSync(`/proc/${process.pid}/comm`, 'utf8').trim();
    expect(row).toEqual(['tcp', `127.0.0.1:${port}`, '-', 'LISTEN', String(process.pid), comm.slice(0, 15)]);
  });

  it('lists every TCP listener ss sees before and after it', async () => {
    if (!haveTool(ss)) return;
    const before = ssListeners();
    const res = await runCli(netstat, ['--kind', 'tcp', '--listening']);
    const after = ssListeners();
    expect(res.code).toBe(0);
    const rows = cells(res.out).slice(1);
    expect(rows.every((r) => r[3] === 'LISTEN')).toBe(true);
    const ours = new Set(rows.map((r) => r[1]));
    const stable = [...before].filter((l) => after.has(l));
    expect(stable).toContain(`127.0.0.1:${port}`);
    for (const l of stable) expect(ours, l).toContain(l);
  });

  it('filters by --pid and prints JSON rows of netConnections() with names', async () => {
    const res = await runCli(netstat, ['--kind', 'inet', '--pid', String(process.pid), '--json']);
    expect(res.code).toBe(0);
    const rows = JSON.parse(res.out) as (Record<string, unknown> & { pid: number; name: string; laddr: { ip: string; port: number } })[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.pid === process.pid)).toBe(true);
    const mine = rows.find((r) => r.laddr?.port === port);
    expect(mine).toMatchObject({ family: 2, type: 1, laddr: { ip: '127.0.0.1', port }, raddr: null, status: 'LISTEN' });
    // psutil's name(): comm, or the longer basename of argv[0] when comm was cut at 15.
    expect(mine!.name.startsWith(readFileSync(`/proc/${process.pid}/comm`, 'utf8').trim())).toBe(true);
    // The same row as the library's, plus the name.
    const lib = (await netConnections({ kind: 'inet' })).find(
      (c) => c.pid === process.pid && typeof c.laddr === 'object' && c.laddr !== null && c.laddr.port === port,
    );
    const { name: _name, ...withoutName } = mine!;
    expect(withoutName).toEqual(lib);
  });

  it('lists unix sockets with --kind unix', async () => {
    const res = await runCli(netstat, ['--kind', 'unix']);
    expect(res.code).toBe(0);
    const rows = cells(res.out).slice(1);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r[0]!.startsWith('unix/'))).toBe(true);
  });

  it('--help exits 0; bad flags and kinds exit 2 with a message', async () => {
    const help = await runCli(netstat, ['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: hostprobe netstat');
    const badKind = await runCli(netstat, ['--kind', 'sctp']);
    expect(badKind.code).toBe(2);
    expect(badKind.err).toContain("invalid --kind 'sctp'");
    const bad = await runCli(netstat, ['--all-the-things']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("Unknown option '--all-the-things'");
    const badPid = await runCli(netstat, ['--pid', 'x']);
    expect(badPid.code).toBe(2);
  });
});

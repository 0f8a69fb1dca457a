/**
 * `hostprobe netstat`: the system's sockets and the processes that own them, like
 * `netstat -antp` and psutil's scripts/netstat.py, built on the asynchronous
 * netConnections() and the process names from the Process API.
 */
import {
  AF_INET6,
  AF_UNIX,
  CONNECTION_KINDS,
  SOCK_DGRAM,
  SOCK_SEQPACKET,
  SOCK_STREAM,
  netConnections,
  scanProcesses,
  type Connection,
  type ConnectionKind,
  type InetAddress,
} from '../../index.js';
import { isFailure, numberOption, parseCommandArgs, usageError } from '../args.js';
import { fitWidth, processIo, table, writeJson, writeLines, type CliIo } from '../format.js';

export const summary = 'network connections and the processes that own them, like netstat -antp';

const USAGE = `Usage: hostprobe netstat [options]

Lists sockets with their local and remote addresses, TCP state, and owning process
(pid and name), like netstat -antp (psutil's netstat.py).

Options:
  -k, --kind KIND   which sockets: ${CONNECTION_KINDS.join(', ')} (default inet)
  -l, --listening   only listening TCP sockets and unconnected UDP sockets
  -p, --pid PID     only the sockets of this process
      --json        print the netConnections() rows as JSON, each with the owner's
                    "name" (null when unknown)
  -h, --help        show this help

The owning process is found through /proc/<pid>/fd: without root, sockets of other
users' processes show "-" as PID.
`;

/** A row of the --json output: a netConnections() row plus its owner's name. */
export type NetstatEntry = Connection & { name: string | null };

function proto(c: Connection): string {
  if (c.family === AF_UNIX) {
    const t =
      c.type === SOCK_STREAM ? 'stream' : c.type === SOCK_DGRAM ? 'dgram' : c.type === SOCK_SEQPACKET ? 'seqpacket' : String(c.type);
    return `unix/${t}`;
  }
  const base = c.type === SOCK_STREAM ? 'tcp' : 'udp';
  return c.family === AF_INET6 ? `${base}6` : base;
}

function addr(a: InetAddress | null, family: number): string {
  if (!a) return '-';
  return family === AF_INET6 ? `[${a.ip}]:${a.port}` : `${a.ip}:${a.port}`;
}

/** Runs `hostprobe netstat`; returns the exit status. */
export async function run(argv: string[], io: CliIo = processIo()): Promise<number> {
  const parsed = parseCommandArgs(
    'netstat',
    argv,
    {
      kind: { type: 'string', short: 'k' },
      listening: { type: 'boolean', short: 'l' },
      pid: { type: 'string', short: 'p' },
      json: { type: 'boolean' },
    },
    USAGE,
    io,
  );
  if (!parsed.ok) return parsed.code;
  const v = parsed.args.values;
  const kind = (v.kind ?? 'inet') as string;
  if (!(CONNECTION_KINDS as readonly string[]).includes(kind)) {
    return usageError('netstat', `invalid --kind '${kind}'; choose from ${CONNECTION_KINDS.join(', ')}`, io).code;
  }
  const pid = numberOption('netstat', 'pid', v.pid, io, { integer: true, min: 1 });
  if (isFailure(pid)) return pid.code;

  let conns = await netConnections({ kind: kind as ConnectionKind });
  if (pid !== undefined) conns = conns.filter((c) => c.pid === pid);
  if (v.listening) {
    conns = conns.filter((c) =>
      c.family === AF_UNIX ? c.status === 'NONE' && c.laddr !== '' : c.type === SOCK_STREAM ? c.status === 'LISTEN' : c.raddr === null,
    );
  }
  const owners = [...new Set(conns.map((c) => c.pid).filter((p): p is number => p !== null))].sort((a, b) => a - b);
  const names = new Map<number, string>();
  if (owners.length) {
    const table = await scanProcesses({ attrs: ['name'], pids: owners });
    for (const p of table) if (!p.vanished && p.name !== null) names.set(p.pid, p.name);
  }
  const entries: NetstatEntry[] = conns.map((c) => ({ ...c, name: c.pid === null ? null : (names.get(c.pid) ?? null) }));
  if (v.json) {
    writeJson(io.stdout, entries);
    return 0;
  }
  const rows = entries.map((e) => [
    proto(e),
    e.family === AF_UNIX ? e.laddr || '-' : addr(e.laddr, e.family),
    e.family === AF_UNIX ? '-' : addr(e.raddr, e.family),
    e.status,
    e.pid === null ? '-' : String(e.pid),
    e.pid === null ? '' : (e.name ?? '?').slice(0, 15),
  ]);
  const lines = table(
    [
      { header: 'Proto' },
      { header: 'Local address', min: 22 },
      { header: 'Remote address', min: 22 },
      { header: 'Status', min: 11 },
      { header: 'PID', min: 6 },
      { header: 'Program name' },
    ],
    rows,
  );
  writeLines(
    io.stdout,
    lines.map((l) => fitWidth(l, io.stdout)),
  );
  return 0;
}

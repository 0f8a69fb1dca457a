/**
 * `hostprobe ifconfig`: each network interface's link state, traffic counters and
 * addresses, in the layout of psutil's scripts/ifconfig.py, built on netIfAddrs(),
 * netIfStatsAsync() and netIoCounters({ perNic: true }).
 */
import {
  AF_INET,
  AF_INET6,
  AF_LINK,
  NIC_DUPLEX_FULL,
  NIC_DUPLEX_HALF,
  netIfAddrs,
  netIfStatsAsync,
  netIoCounters,
  type NetIoCounters,
  type NicAddress,
  type NicStats,
} from '../../index.js';
import { parseCommandArgs } from '../args.js';
import { bytes2human, processIo, writeJson, writeLines, type CliIo } from '../format.js';

export const summary = 'network interfaces: link state, traffic counters and addresses, like ifconfig';

const USAGE = `Usage: hostprobe ifconfig [options] [INTERFACE...]

Shows each network interface (or only the ones named): link state, incoming and
outgoing traffic, and its IPv4, IPv6 and MAC addresses, like psutil's ifconfig.py.

Options:
  -b, --bytes   show traffic in bytes instead of human-readable units
      --json    print { <nic>: { addrs, stats, io } } from netIfAddrs(), netIfStats()
                and netIoCounters({ perNic: true }) as JSON
  -h, --help    show this help

Lines per interface:
  stats      speed (Mb/s, 0 when unknown), duplex (full/half/?), MTU, up (IFF_RUNNING)
  flags      the IFF_* flags
  incoming   bytes, packets, errors and drops received (/proc/net/dev)
  outgoing   the same, sent
  IPv4/IPv6/MAC address, with broadcast, netmask and p2p when the interface has them
`;

/** One interface in the --json output. */
export interface IfconfigEntry {
  addrs: NicAddress[];
  stats: NicStats | null;
  io: NetIoCounters | null;
}

function familyLabel(family: number): string | null {
  switch (family) {
    case AF_INET:
      return 'IPv4';
    case AF_INET6:
      return 'IPv6';
    case AF_LINK:
      return 'MAC';
    default:
      return null;
  }
}

function duplexLabel(d: number): string {
  return d === NIC_DUPLEX_FULL ? 'full' : d === NIC_DUPLEX_HALF ? 'half' : '?';
}

/** Runs `hostprobe ifconfig`; returns the exit status (1 when a named interface does not exist). */
export async function run(argv: string[], io: CliIo = processIo()): Promise<number> {
  const parsed = parseCommandArgs('ifconfig', argv, { bytes: { type: 'boolean', short: 'b' }, json: { type: 'boolean' } }, USAGE, io, {
    allowPositionals: true,
  });
  if (!parsed.ok) return parsed.code;
  const v = parsed.args.values;
  const wanted = parsed.args.positionals;

  const addrs = netIfAddrs();
  const stats = await netIfStatsAsync();
  const counters = netIoCounters({ perNic: true });
  // psutil's script walks net_if_addrs(); NICs only known to net/dev come after.
  const names = [...new Set([...Object.keys(addrs), ...Object.keys(stats), ...Object.keys(counters)])];
  let status = 0;
  for (const w of wanted) {
    if (!names.includes(w)) {
      io.stderr.write(`hostprobe ifconfig: ${w}: no such interface\n`);
      status = 1;
    }
  }
  const shown = wanted.length ? names.filter((n) => wanted.includes(n)) : names;

  const entries: Record<string, IfconfigEntry> = {};
  for (const nic of shown) {
    entries[nic] = { addrs: addrs[nic] ?? [], stats: stats[nic] ?? null, io: counters[nic] ?? null };
  }
  if (v.json) {
    writeJson(io.stdout, entries);
    return status;
  }
  const size = v.bytes ? (n: number) => String(n) : bytes2human;
  const lines: string[] = [];
  for (const [nic, e] of Object.entries(entries)) {
    lines.push(`${nic}:`);
    if (e.stats) {
      const st = e.stats;
      lines.push(`    stats          : speed=${st.speed}MB, duplex=${duplexLabel(st.duplex)}, mtu=${st.mtu}, up=${st.isUp ? 'yes' : 'no'}`);
      lines.push(`    flags          : ${st.flags}`);
    }
    if (e.io) {
      const c = e.io;
      lines.push(`    incoming       : bytes=${size(c.bytesRecv)}, pkts=${c.packetsRecv}, errs=${c.errin}, drops=${c.dropin}`);
      lines.push(`    outgoing       : bytes=${size(c.bytesSent)}, pkts=${c.packetsSent}, errs=${c.errout}, drops=${c.dropout}`);
    }
    for (const a of e.addrs) {
      const label = familyLabel(a.family);
      if (!label || a.address === null) continue;
      lines.push(`    ${label.padEnd(4)} address   : ${a.address}`);
      if (a.broadcast) lines.push(`         broadcast : ${a.broadcast}`);
      if (a.netmask) lines.push(`         netmask   : ${a.netmask}`);
      if (a.ptp) lines.push(`         p2p       : ${a.ptp}`);
    }
    lines.push('');
  }
  writeLines(io.stdout, lines);
  return status;
}

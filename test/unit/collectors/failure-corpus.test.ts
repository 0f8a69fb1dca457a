// The failure corpus: for every file each collector reads from the agent-e2e
// fixture tree, a generated set of bad inputs -- missing, empty, oversized (above the 16 MiB
// read limit), a FIFO in its place, malformed text, out-of-domain values (a duplicated key
// or line, NaN, beyond 2^64, invalid UTF-8) -- each run through the in-process Poller with
// its exact outcome asserted: the collector reports success 0 with the file's path and the
// reason in its error and in the one "collector failed" log line, or, for the inputs a
// collector declares optional (OPTIONAL_INPUTS, docs/agent.md), success 1 with the family
// absent. The tree is copied once into a temp dir; each case changes one file, polls, and
// puts it back.
import { cpSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Poller } from '../../../src/agent/poller.js';
import type { CollectorName, Snapshot } from '../../../src/contract/snapshot.js';
import { COLLECTORS } from '../../../src/collectors/index.js';
import { checkConfigText } from '../../../src/config/load.js';
import type { AgentConfig } from '../../../src/config/types.js';
import { createLogger } from '../../../src/logger.js';
import { buildExposition, renderOptions } from '../../../src/sinks/prometheus/index.js';
import { FIXTURES } from '../../helpers/tools.js';

type Variant = 'missing' | 'empty' | 'oversized' | 'fifo' | 'malformed' | 'domain';

interface Case {
  /** Path in the tree (proc/..., sys/..., root/...). */
  readonly file: string;
  readonly collector: CollectorName;
  readonly variant: Variant;
  /** Replacement content for empty / malformed / domain. */
  readonly content?: string | Buffer;
  /**
   * The outcome: a failure whose error holds `<path>: <reason>`; or, for an optional input,
   * success with `family` absent; or success with `family` still there (`ok`: a documented
   * fallback or a legitimately empty file).
   */
  readonly expect: { reason: string; path?: string; anyDevice?: boolean } | { optional: string } | { ok: string; why: string };
  /** Other collectors that read the same file and fail with it. */
  readonly alsoFails?: readonly CollectorName[];
}

const tree = mkdtempSync(join(tmpdir(), 'hp-corpus-'));
afterAll(() => rmSync(tree, { recursive: true, force: true }));

const NOT_FOUND = 'No such file or directory';
const FIFO = 'not a regular file (a FIFO)';
const BIG = 'larger than the read limit of 16 MiB';

type Bad = Partial<Record<'empty' | 'malformed' | 'domain', [string | Buffer, string]>>;

/** A required file: missing, oversized and FIFO, plus its own empty/malformed/domain cases. */
function required(file: string, collector: CollectorName, bad: Bad): Case[] {
  const out: Case[] = [
    { file, collector, variant: 'missing', expect: { reason: NOT_FOUND } },
    { file, collector, variant: 'oversized', expect: { reason: BIG } },
    { file, collector, variant: 'fifo', expect: { reason: FIFO } },
  ];
  for (const [variant, [content, reason]] of Object.entries(bad) as ['empty' | 'malformed' | 'domain', [string | Buffer, string]][]) {
    out.push({ file, collector, variant, content, expect: { reason } });
  }
  return out;
}

const CPU_LINE = ' 1 2 3 4 5 6 7 8 0 0\n';
const DEV_HEAD =
  'Inter-|   Receive                                                |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n';
const DEV_ROW = ': 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n';
const EMPTY = 'empty file';
const ARP_HEAD = 'IP address       HW type     Flags       HW address            Mask     Device\n';

export const CORPUS: readonly Case[] = [
  // ---- cpu
  // proc/stat is read by host too (btime): it fails with it, except the domain case, which has a btime line.
  ...required('proc/stat', 'cpu', {
    empty: ['', "no per-CPU 'cpuN' lines"],
    malformed: ['cpu  1 2 x\ncpu0 1 2 x\n', "malformed value in 'cpu0' line"],
    domain: [
      `cpu${CPU_LINE}cpu0${CPU_LINE}cpu0${CPU_LINE}intr 1\nctxt 1\nbtime 1\nprocesses 1\nprocs_running 1\nprocs_blocked 0\n`,
      "line 3: duplicate 'cpu0' line",
    ],
  }).map((c): Case => (c.variant === 'domain' ? c : { ...c, alsoFails: ['host'] })),
  ...required('proc/loadavg', 'cpu', {
    empty: ['', 'fewer than 3 load averages'],
    malformed: ['zero one two 1/1 1\n', "malformed load average 'zero'"],
    domain: ['nan 0.10 0.10 1/100 7\n', "load average 'nan' is out of range (finite, >= 0)"],
  }),
  { file: 'proc/pressure/cpu', collector: 'cpu', variant: 'missing', expect: { optional: 'node_pressure_cpu_waiting_seconds_total' } },
  { file: 'proc/pressure/cpu', collector: 'cpu', variant: 'fifo', expect: { reason: FIFO } },
  {
    file: 'proc/pressure/cpu',
    collector: 'cpu',
    variant: 'malformed',
    content: 'some avg10=x\n',
    expect: { reason: "malformed average 'avg10=x'" },
  },
  { file: 'sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq', collector: 'cpu', variant: 'fifo', expect: { reason: FIFO } },
  // ---- mem
  ...required('proc/meminfo', 'mem', {
    empty: ['', "no 'MemTotal' line"],
    malformed: ['MemTotal 1 kB\n', "line without ':' 'MemTotal 1 kB'"],
    domain: ['MemTotal: 100 kB\nMemFree: 10 kB\nMemTotal: 100 kB\n', "line 3: duplicate key 'MemTotal'"],
  }),
  ...required('proc/vmstat', 'mem', {
    empty: ['', EMPTY],
    malformed: ['pgfault x\n', "malformed line 'pgfault x'"],
    domain: ['pgfault 18446744073709551616\n', "malformed line 'pgfault 18446744073709551616'"],
  }),
  // ---- disk
  // Without /proc/diskstats the library reads <sysfs>/block/*/stat (psutil's fallback),
  // which the tree does not have either: the first device listed (readdir order) is named.
  {
    file: 'proc/diskstats',
    collector: 'disk',
    variant: 'missing',
    expect: { reason: `${NOT_FOUND} (and no ${tree}/proc/diskstats)`, path: 'sys/block/*/stat', anyDevice: true },
  },
  // Empty is a machine without block devices: no disk families, not an error.
  {
    file: 'proc/diskstats',
    collector: 'disk',
    variant: 'empty',
    content: '',
    expect: { ok: 'node_filesystem_size_bytes', why: 'no block devices' },
  },
  { file: 'proc/diskstats', collector: 'disk', variant: 'oversized', expect: { reason: BIG } },
  { file: 'proc/diskstats', collector: 'disk', variant: 'fifo', expect: { reason: FIFO } },
  {
    file: 'proc/diskstats',
    collector: 'disk',
    variant: 'malformed',
    content: '   8 0 sda 1 2\n',
    expect: { reason: 'line 1: unexpected number of fields (5); expected 7, 14, 15, 18 or 20' },
  },
  {
    file: 'proc/diskstats',
    collector: 'disk',
    variant: 'domain',
    content: '   8       0 sda 1 2 3 4 5 6 7 8 9 10 11\n   8       0 sda 1 2 3 4 5 6 7 8 9 10 11\n',
    expect: { reason: "line 2: duplicate device 'sda'" },
  },
  // Without <procfs>/1/mountinfo (hidepid) the library falls back to self/mountinfo, which the tree lacks.
  // No /proc/mdstat is a host without the md driver (node_exporter: no data); a bad one fails.
  { file: 'proc/mdstat', collector: 'disk', variant: 'missing', expect: { optional: 'node_md_disks' } },
  { file: 'proc/mdstat', collector: 'disk', variant: 'oversized', expect: { reason: BIG } },
  { file: 'proc/mdstat', collector: 'disk', variant: 'fifo', expect: { reason: FIFO } },
  {
    file: 'proc/mdstat',
    collector: 'disk',
    variant: 'malformed',
    content: 'Personalities : [raid1]\nmd1 : active raid1 vdb1[1] vda3[0]\n      lots blocks [2/2] [UU]\n\nunused devices: <none>\n',
    expect: { reason: 'line 3: size of md1 is not a number' },
  },
  {
    file: 'proc/mdstat',
    collector: 'disk',
    variant: 'domain',
    content:
      'Personalities : [raid1]\nmd1 : active raid1 vdb1[1] vda3[0]\n      10476544 blocks super 1.2 [2/1] [U_]\n      [=>...]  recovery = 5.0% (x/10476544) finish=1.0min speed=1K/sec\n\nunused devices: <none>\n',
    expect: { reason: 'line 4: no (synced/total) blocks in the sync line of md1' },
  },
  { file: 'proc/1/mountinfo', collector: 'disk', variant: 'missing', expect: { reason: NOT_FOUND, path: 'proc/self/mountinfo' } },
  { file: 'proc/1/mountinfo', collector: 'disk', variant: 'empty', content: '', expect: { reason: EMPTY } },
  { file: 'proc/1/mountinfo', collector: 'disk', variant: 'oversized', expect: { reason: BIG } },
  { file: 'proc/1/mountinfo', collector: 'disk', variant: 'fifo', expect: { reason: FIFO } },
  {
    file: 'proc/1/mountinfo',
    collector: 'disk',
    variant: 'malformed',
    content: '22 27 0:21 / /proc rw,relatime proc proc rw\n',
    expect: { reason: "line 1: expected 'id parent major:minor" },
  },
  {
    file: 'proc/1/mountinfo',
    collector: 'disk',
    variant: 'domain',
    content: Buffer.from('27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n28 27 8:1 / /mnt/\xff rw - ext4 /dev/sda1 rw\n', 'latin1'),
    expect: { reason: 'line 2: mount point is not valid UTF-8' },
  },
  // ---- net
  ...required('proc/1/net/dev', 'net', {
    empty: ['', "no 'Inter-|' header: not a /proc/net/dev"],
    malformed: [`${DEV_HEAD}  eth0 1 2 3\n`, "line 3: no ':' after the interface name"],
    domain: [`${DEV_HEAD}  eth0${DEV_ROW}    lo${DEV_ROW}  eth0${DEV_ROW}`, "line 5: duplicate interface 'eth0'"],
  }),
  ...required('proc/1/net/sockstat', 'net', {
    empty: ['', EMPTY],
    malformed: ['TCP: inuse\n', 'line 1 (TCP): fields do not come in name/value pairs'],
    domain: ['sockets: used 3\nTCP: inuse 1 inuse 2\n', "line 2: duplicate key 'TCP inuse'"],
  }),
  { file: 'proc/1/net/sockstat6', collector: 'net', variant: 'missing', expect: { optional: 'node_sockstat_TCP6_inuse' } },
  { file: 'proc/1/net/sockstat6', collector: 'net', variant: 'fifo', expect: { reason: FIFO } },
  ...required('proc/1/net/snmp', 'net', {
    empty: ['', EMPTY],
    malformed: ['Tcp: A B\n', 'line 1: header line without a value line'],
    domain: ['Tcp: A B\nTcp: 1 2\nTcp: A\nTcp: 3\n', "line 4: duplicate key 'Tcp A'"],
  }),
  { file: 'proc/1/net/netstat', collector: 'net', variant: 'missing', expect: { optional: 'node_netstat_TcpExt_SyncookiesSent' } },
  { file: 'proc/1/net/netstat', collector: 'net', variant: 'fifo', expect: { reason: FIFO } },
  { file: 'proc/1/net/netstat', collector: 'net', variant: 'empty', content: '', expect: { reason: EMPTY } },
  { file: 'proc/1/net/snmp6', collector: 'net', variant: 'missing', expect: { optional: 'node_netstat_Icmp6_InErrors' } },
  { file: 'proc/1/net/snmp6', collector: 'net', variant: 'oversized', expect: { reason: BIG } },
  {
    file: 'proc/1/net/snmp6',
    collector: 'net',
    variant: 'domain',
    content: 'Ip6InReceives 1\nIp6InReceives 2\n',
    expect: { reason: "line 2: duplicate key 'Ip6 InReceives'" },
  },
  // The socket tables' limit is 512 MiB (busy hosts): no oversized case here.
  { file: 'proc/1/net/tcp', collector: 'net', variant: 'missing', expect: { reason: NOT_FOUND } },
  { file: 'proc/1/net/tcp', collector: 'net', variant: 'fifo', expect: { reason: FIFO } },
  { file: 'proc/1/net/tcp', collector: 'net', variant: 'empty', content: '', expect: { reason: EMPTY } },
  {
    file: 'proc/1/net/tcp',
    collector: 'net',
    variant: 'malformed',
    content: '  sl  local_address rem_address   st\n   0: 0100007F:0035 garbage\n',
    expect: { reason: 'line 2: expected at least 10 fields, got 3' },
  },
  {
    file: 'proc/1/net/tcp6',
    collector: 'net',
    variant: 'missing',
    expect: { ok: 'node_tcp_connection_states', why: 'no IPv6: the IPv4 table alone' },
  },
  { file: 'proc/1/net/tcp6', collector: 'net', variant: 'fifo', expect: { reason: FIFO } },
  ...required('proc/1/net/softnet_stat', 'net', {
    empty: ['', EMPTY],
    malformed: ['00000001 00000002\n', 'line 1: expected at least 9 columns, got 2'],
    domain: ['100000000 0 0 0 0 0 0 0 0\n', "line 1: processed '100000000' is above 32 bits"],
  }),
  // A fixture procfs is not this namespace: arp reads the file even with netlink on.
  ...required('proc/1/net/arp', 'net', {
    empty: ['', EMPTY],
    malformed: [`${ARP_HEAD}10.0.0.1 0x1 0x2 aa:bb:cc:dd:ee:ff *\n`, 'line 2: expected 6 columns, got 5'],
    domain: [`${ARP_HEAD}10.0.0.1 0x1 0x2 aa:bb:cc:dd:ee * eth0\n`, "line 2: bad HW address 'aa:bb:cc:dd:ee'"],
  }),
  { file: 'proc/1/net/stat/nf_conntrack', collector: 'net', variant: 'missing', expect: { optional: 'node_nf_conntrack_stat_found' } },
  { file: 'proc/1/net/stat/nf_conntrack', collector: 'net', variant: 'fifo', expect: { reason: FIFO } },
  { file: 'proc/1/net/stat/nf_conntrack', collector: 'net', variant: 'empty', content: '', expect: { reason: EMPTY } },
  {
    file: 'proc/1/net/stat/nf_conntrack',
    collector: 'net',
    variant: 'malformed',
    content: 'entries searched\n00000001 00000002\n',
    expect: { reason: 'line 2: expected 16 or 17 columns, got 2' },
  },
  {
    file: 'proc/sys/net/netfilter/nf_conntrack_count',
    collector: 'net',
    variant: 'missing',
    expect: { optional: 'node_nf_conntrack_entries ' },
  },
  {
    file: 'proc/sys/net/netfilter/nf_conntrack_count',
    collector: 'net',
    variant: 'malformed',
    content: 'many\n',
    expect: { reason: "expected an unsigned integer, got 'many'" },
  },
  { file: 'proc/1/net/udp', collector: 'net', variant: 'missing', expect: { optional: 'node_udp_queues' } },
  { file: 'proc/1/net/udp', collector: 'net', variant: 'fifo', expect: { reason: FIFO } },
  {
    file: 'proc/1/net/udp',
    collector: 'net',
    variant: 'malformed',
    content: '  sl  local_address\n   0: 00000000:0016 00000000:0000 07 0000001500000000 00:00000000 00000000 0 0 1 2 0 0\n',
    expect: { reason: "line 2: bad tx_queue:rx_queue '0000001500000000'" },
  },
  {
    file: 'sys/class/net/eth0/statistics/rx_nohandler',
    collector: 'net',
    variant: 'missing',
    expect: { ok: 'node_network_receive_bytes_total', why: 'a kernel before 4.6: no node_network_receive_nohandler_total for eth0' },
  },
  {
    file: 'sys/class/net/eth0/statistics/rx_nohandler',
    collector: 'net',
    variant: 'malformed',
    content: 'lots\n',
    expect: { reason: "expected an unsigned integer, got 'lots'" },
  },
  // ---- nic: a missing or refused attribute is no series (node_exporter), a wrong file is an error
  {
    file: 'sys/class/net/eth0/mtu',
    collector: 'nic',
    variant: 'missing',
    expect: { ok: 'node_network_up', why: 'an attribute the driver does not give' },
  },
  { file: 'sys/class/net/eth0/mtu', collector: 'nic', variant: 'fifo', expect: { reason: FIFO } },
  {
    file: 'sys/class/net/eth0/mtu',
    collector: 'nic',
    variant: 'oversized',
    expect: { reason: 'larger than the read limit of 4096 bytes' },
  },
  // ---- cpu: schedstat, isolated CPUs, thermal throttles (optional inputs, loud when malformed)
  { file: 'proc/schedstat', collector: 'cpu', variant: 'missing', expect: { optional: 'node_schedstat_running_seconds_total' } },
  { file: 'proc/schedstat', collector: 'cpu', variant: 'fifo', expect: { reason: FIFO } },
  { file: 'proc/schedstat', collector: 'cpu', variant: 'oversized', expect: { reason: BIG } },
  {
    file: 'proc/schedstat',
    collector: 'cpu',
    variant: 'malformed',
    content: 'version 15\ncpu0 1 2 3\n',
    expect: { reason: "short line 'cpu0 1 2 3' (want cpuN and 9 numbers)" },
  },
  {
    file: 'proc/schedstat',
    collector: 'cpu',
    variant: 'domain',
    content: 'cpu0 1 2 3 4 5 6 18446744073709551616 8 9\n',
    expect: { reason: "malformed numbers in 'cpu0 1 2 3 4 5 6 18446744073709551616 8 9'" },
  },
  { file: 'sys/devices/system/cpu/isolated', collector: 'cpu', variant: 'missing', expect: { optional: 'node_cpu_isolated' } },
  { file: 'sys/devices/system/cpu/isolated', collector: 'cpu', variant: 'fifo', expect: { reason: FIFO } },
  {
    file: 'sys/devices/system/cpu/isolated',
    collector: 'cpu',
    variant: 'malformed',
    content: '1-x\n',
    expect: { reason: "malformed CPU range '1-x'" },
  },
  {
    file: 'sys/devices/system/cpu/cpu0/thermal_throttle/core_throttle_count',
    collector: 'cpu',
    variant: 'missing',
    expect: {
      ok: 'node_cpu_core_throttles_total',
      why: "a CPU without the counter is skipped (node_exporter); cpu1's core is still there",
    },
  },
  { file: 'sys/devices/system/cpu/cpu0/thermal_throttle/core_throttle_count', collector: 'cpu', variant: 'fifo', expect: { reason: FIFO } },
  {
    file: 'sys/devices/system/cpu/cpu0/thermal_throttle/core_throttle_count',
    collector: 'cpu',
    variant: 'malformed',
    content: 'many\n',
    expect: { reason: "not a number: 'many'" },
  },
  // ---- host
  {
    file: 'proc/sys/kernel/hung_task_detect_count',
    collector: 'host',
    variant: 'missing',
    expect: { optional: 'node_kernel_hung_tasks_total' },
  },
  { file: 'proc/sys/kernel/hung_task_detect_count', collector: 'host', variant: 'fifo', expect: { reason: FIFO } },
  {
    file: 'proc/sys/kernel/hung_task_detect_count',
    collector: 'host',
    variant: 'malformed',
    content: 'x\n',
    expect: { reason: "not a number: 'x'" },
  },
  {
    file: 'proc/sys/kernel/hung_task_detect_count',
    collector: 'host',
    variant: 'domain',
    content: '-1\n',
    expect: { reason: "not a number: '-1'" },
  },
  ...required('proc/uptime', 'host', {
    empty: ['', 'malformed uptime'],
    malformed: ['up\n', 'malformed uptime'],
    domain: ['-5.0 1.0\n', "uptime '-5.0' is out of range (finite, >= 0)"],
  }),
  ...required('proc/sys/fs/file-nr', 'host', {
    empty: ['', 'expected 3 numbers'],
    malformed: ['a b c\n', 'malformed numbers'],
    domain: ['18446744073709551616 0 100\n', 'malformed numbers'],
  }),
  ...required('proc/sys/kernel/random/entropy_avail', 'host', {
    empty: ['', 'not a number'],
    malformed: ['many\n', 'not a number'],
    domain: ['-1\n', 'not a number'],
  }),
  { file: 'proc/sys/kernel/random/poolsize', collector: 'host', variant: 'missing', expect: { optional: 'node_entropy_pool_size_bits' } },
  { file: 'proc/sys/kernel/random/poolsize', collector: 'host', variant: 'fifo', expect: { reason: FIFO } },
  { file: 'root/etc/os-release', collector: 'host', variant: 'missing', expect: { optional: 'node_os_info' } },
  { file: 'root/etc/os-release', collector: 'host', variant: 'fifo', expect: { reason: FIFO } },
  { file: 'root/etc/os-release', collector: 'host', variant: 'oversized', expect: { reason: BIG } },
  {
    file: 'sys/devices/system/clocksource/clocksource0/current_clocksource',
    collector: 'host',
    variant: 'missing',
    expect: { optional: 'node_time_clocksource_current_info' },
  },
  { file: 'sys/devices/system/clocksource/clocksource0/current_clocksource', collector: 'host', variant: 'fifo', expect: { reason: FIFO } },
];

let config: AgentConfig;
const logLines: string[] = [];

beforeAll(async () => {
  cpSync(join(FIXTURES, 'agent-e2e'), tree, { recursive: true, verbatimSymlinks: true });
  const yaml = `paths:\n  procfs: ${tree}/proc\n  sysfs: ${tree}/sys\n  rootfs: ${tree}/root\n`;
  const r = await checkConfigText(yaml, 'corpus.yaml');
  if (!r.config) throw new Error(JSON.stringify(r.issues));
  config = r.config;
});

/** Applies a case to the tree; returns the undo. */
function apply(c: Case): () => void {
  const p = join(tree, c.file);
  const saved = `${p}.corpus-saved`;
  renameSync(p, saved);
  switch (c.variant) {
    case 'missing':
      break;
    case 'empty':
      writeFileSync(p, '');
      break;
    case 'oversized':
      writeFileSync(p, '');
      truncateSync(p, 16 * 1024 * 1024 + 4096);
      break;
    case 'fifo':
      if (spawnSync('mkfifo', [p]).status !== 0) throw new Error(`mkfifo ${p}`);
      break;
    default:
      writeFileSync(p, c.content ?? '');
  }
  return () => {
    rmSync(p, { force: true });
    renameSync(saved, p);
  };
}

/** The value of `family{collector="name"}` in an exposition. */
function value(text: string, family: string, collector: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${family}{collector="${collector}"} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function poll(): Promise<{ snap: Snapshot; text: string; logs: string[] }> {
  const logs: string[] = [];
  const logger = createLogger({ level: 'warn', write: (l: string) => logs.push(l) });
  const poller = new Poller({ config, logger, table: COLLECTORS, skipRuntime: true, faults: {} });
  await poller.init();
  const snap = await poller.pollOnce();
  await poller.stop();
  const text = buildExposition(snap, renderOptions(config)).renderText();
  return { snap, text, logs };
}

describe('the failure corpus over the agent-e2e tree', () => {
  it('the untouched tree polls clean (the baseline every case differs from)', async () => {
    const { snap, text } = await poll();
    for (const [name, st] of Object.entries(snap.collectors)) expect(st?.error, name).toBeUndefined();
    for (const c of CORPUS) {
      const family = 'optional' in c.expect ? c.expect.optional : 'ok' in c.expect ? c.expect.ok : undefined;
      if (family) expect(text, family).toContain(`\n${family}`);
    }
  });

  it.each(CORPUS.map((c) => [`${c.file} ${c.variant}`, c] as const))('%s', async (_title, c) => {
    const undo = apply(c);
    try {
      const { snap, text, logs } = await poll();
      const st = snap.collectors[c.collector];
      if (process.env.CORPUS_EXPLORE) {
        logLines.push(`${c.file} ${c.variant}: success=${st?.success} err=${st?.error}`);
        return;
      }
      if ('optional' in c.expect || 'ok' in c.expect) {
        expect(st?.success, st?.error).toBe(true);
        if ('optional' in c.expect) expect(text).not.toContain(`\n${c.expect.optional}`);
        else expect(text).toContain(`\n${c.expect.ok}`);
        return;
      }
      const path = join(tree, c.expect.path ?? c.file);
      const want = `${path}: ${c.expect.reason}`;
      expect(st?.success).toBe(false);
      if (c.expect.anyDevice) expect(st?.error).toMatch(new RegExp(`${tree}/sys/block/[^/]+/stat: `));
      else expect(st?.error).toContain(want);
      expect(value(text, 'hostprobe_collector_errors_total', c.collector)).toBe(1);
      expect(value(text, 'node_scrape_collector_success', c.collector)).toBe(0);
      // Logged once, with the path and the reason.
      const failed = logs.filter((l) => l.includes('collector failed') && l.includes(`collector=${c.collector}`));
      expect(failed).toHaveLength(1);
      if (!c.expect.anyDevice) expect(failed[0]).toContain(want);
      else expect(failed[0]).toContain(c.expect.reason);
      // The other collectors are untouched.
      for (const [name, other] of Object.entries(snap.collectors)) {
        if (name === c.collector) continue;
        if (c.alsoFails?.includes(name as CollectorName)) expect(other?.error).toContain(path);
        else expect(other?.success, `${name}: ${other?.error}`).toBe(true);
      }
    } finally {
      undo();
    }
  });

  afterAll(() => {
    if (process.env.CORPUS_EXPLORE) console.log(logLines.join('\n'));
  });
});

// Benchmark cases of the net area for bench/library.mjs: each `js` runs against
// dist/index.js (`h`), each `py` is the psutil call it stands for (or a node_exporter-style
// equivalent written with psutil's own building blocks when psutil has no such function).
// Async `js` functions return a Promise; the runner awaits it.
export const cases = [
  { name: 'net_io_counters', js: (h) => h.netIoCounters(), py: 'psutil.net_io_counters()' },
  { name: 'net_io_counters(pernic)', js: (h) => h.netIoCounters({ perNic: true }), py: 'psutil.net_io_counters(pernic=True)' },
  { name: 'net_if_addrs', js: (h) => h.netIfAddrs(), py: 'psutil.net_if_addrs()' },
  { name: 'net_if_stats', js: (h) => h.netIfStats(), py: 'psutil.net_if_stats()' },
  { name: 'net_if_stats (async)', js: (h) => h.netIfStatsAsync(), py: 'psutil.net_if_stats()' },
  { name: "net_connections('inet')", js: (h) => h.netConnections({ kind: 'inet' }), py: "psutil.net_connections('inet')" },
  { name: "net_connections('all')", js: (h) => h.netConnections({ kind: 'all' }), py: "psutil.net_connections('all')" },
  {
    name: "net_connections('tcp', pid) (Process.connections)",
    js: (h) => h.netConnections({ kind: 'tcp', pid: process.pid }),
    py: "psutil.Process().connections('tcp')",
  },
  // node_exporter-style readers: psutil has no equivalent, so the Python side reads the same
  // files and builds the same dicts in plain Python (netClass: 7 attributes that never fail,
  // where hostprobe reads 22 and tolerates EINVAL).
  {
    name: 'netClass (sysfs)',
    js: (h) => h.netClass(),
    py: "{n: {a: (lambda p: (open(p).read().strip() if __import__('os').path.exists(p) else None))(f'/sys/class/net/{n}/{a}') for a in ('address','operstate','mtu','flags','ifindex','type','tx_queue_len')} for n in __import__('os').listdir('/sys/class/net') if __import__('os').path.isdir(f'/sys/class/net/{n}')}",
  },
  {
    name: 'sockStat',
    js: (h) => h.sockStat(),
    py: "{p: dict(zip(t[::2], map(int, t[1::2]))) for f in ('/proc/net/sockstat','/proc/net/sockstat6') for l in open(f).read().splitlines() for p, r in [l.split(':', 1)] for t in [r.split()]}",
  },
  {
    name: 'netStat',
    js: (h) => h.netStat(),
    py: "{p: g for fn in ('/proc/net/netstat','/proc/net/snmp') for L in [open(fn).read().splitlines()] for a, b in zip(L[::2], L[1::2]) for p, g in [(a.split(':')[0], dict(zip(a.split()[1:], map(int, b.split()[1:]))))]} | {p: dict(kv) for p, kv in __import__('itertools').groupby(((k[:k.index('6')+1], (k[k.index('6')+1:], int(v))) for k, v in (l.split() for l in open('/proc/net/snmp6'))), key=lambda t: t[0]) for kv in [[x[1] for x in kv]]}",
  },
  {
    name: 'tcpConnectionStates',
    js: (h) => h.tcpConnectionStates(),
    py: "__import__('collections').Counter(c.status for c in psutil.net_connections('tcp'))",
  },
];

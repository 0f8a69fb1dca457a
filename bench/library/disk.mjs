// Benchmark cases of the disk area for bench/library.mjs: each `js` runs against
// dist/index.js (`h`), each `py` is the psutil call it stands for. Async `js` functions
// return a Promise; the runner awaits it.
//
// Note on psutil 5.9.4's disk_partitions: it also calls os.pathconf() twice per mount
// (maxfile, maxpath), i.e. a statfs of every mount point; hostprobe does not (psutil HEAD
// dropped those fields too, gh#2109).
export const cases = [
  { name: 'disk_partitions', js: (h) => h.diskPartitions(), py: 'psutil.disk_partitions()' },
  { name: 'disk_partitions(all)', js: (h) => h.diskPartitions({ all: true }), py: 'psutil.disk_partitions(all=True)' },
  // Like for like with psutil: statvfs on the calling thread.
  { name: "disk_usage('/') (sync)", js: (h) => h.diskUsageSync('/'), py: "psutil.disk_usage('/')" },
  // diskUsage() pays a thread hop and a timeout timer so that a dead mount never blocks the
  // event loop; psutil has no such guard.
  {
    name: "disk_usage('/') off-thread with timeout",
    js: (h) => h.diskUsage('/'),
    py: "psutil.disk_usage('/')",
  },
  {
    name: 'disk_usage of every physical mount, off-thread with timeout',
    js: (h) => Promise.all(h.diskPartitions().map((p) => h.diskUsage(p.mountpoint))),
    py: '[psutil.disk_usage(p.mountpoint) for p in psutil.disk_partitions()]',
  },
  { name: 'disk_io_counters', js: (h) => h.diskIoCounters(), py: 'psutil.disk_io_counters()' },
  {
    name: 'disk_io_counters(perdisk)',
    js: (h) => h.diskIoCounters({ perDisk: true }),
    py: 'psutil.disk_io_counters(perdisk=True)',
  },
];

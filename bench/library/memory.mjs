// Benchmark cases of the memory area for bench/library.mjs (see bench/library/cpu.mjs).
export const cases = [
  { name: 'virtual_memory', js: (h) => h.virtualMemory(), py: 'psutil.virtual_memory()' },
  { name: 'swap_memory', js: (h) => h.swapMemory(), py: 'psutil.swap_memory()' },
  // node_exporter-style readers: psutil parses these files without exposing them, so the
  // Python side reads and converts them the plain way.
  {
    name: 'meminfo (all fields)',
    js: (h) => h.meminfo(),
    py: "{k: int(v.split()[0]) * (1024 if v.rstrip().endswith('kB') else 1) for k, v in (l.split(':', 1) for l in open('/proc/meminfo'))}",
  },
  {
    name: 'vmstat (all fields)',
    js: (h) => h.vmstat(),
    py: "{k: int(v) for k, v in (l.split() for l in open('/proc/vmstat'))}",
  },
];

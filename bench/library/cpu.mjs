// Benchmark cases of the cpu area for bench/library.mjs: each `js` runs against
// dist/index.js (`h`), each `py` is the psutil call it stands for (or, when psutil has no
// such call, the same files read the plain Python way).
export const cases = [
  { name: 'cpu_times', js: (h) => h.cpuTimes(), py: 'psutil.cpu_times()' },
  { name: 'cpu_times(percpu)', js: (h) => h.cpuTimes({ perCpu: true }), py: 'psutil.cpu_times(percpu=True)' },
  { name: 'cpu_percent', js: (h) => h.cpuPercent(), py: 'psutil.cpu_percent()' },
  { name: 'cpu_percent(percpu)', js: (h) => h.cpuPercent({ perCpu: true }), py: 'psutil.cpu_percent(percpu=True)' },
  { name: 'cpu_times_percent', js: (h) => h.cpuTimesPercent(), py: 'psutil.cpu_times_percent()' },
  {
    name: 'cpu_times_percent(percpu)',
    js: (h) => h.cpuTimesPercent({ perCpu: true }),
    py: 'psutil.cpu_times_percent(percpu=True)',
  },
  { name: 'cpu_count', js: (h) => h.cpuCount(), py: 'psutil.cpu_count()' },
  { name: 'cpu_count(logical=False)', js: (h) => h.cpuCount({ logical: false }), py: 'psutil.cpu_count(logical=False)' },
  { name: 'cpu_stats', js: (h) => h.cpuStats(), py: 'psutil.cpu_stats()' },
  { name: 'cpu_freq', js: (h) => h.cpuFreq(), py: 'psutil.cpu_freq()' },
  { name: 'cpu_freq(percpu)', js: (h) => h.cpuFreq({ perCpu: true }), py: 'psutil.cpu_freq(percpu=True)' },
  {
    name: 'cpuFreqInfo (sysfs)',
    js: (h) => h.cpuFreqInfo(),
    py: "[{a: (open(f'{d}/{a}').read().strip() if os.path.exists(f'{d}/{a}') else None) for a in ('cpuinfo_cur_freq','cpuinfo_min_freq','cpuinfo_max_freq','scaling_cur_freq','scaling_min_freq','scaling_max_freq','scaling_governor','scaling_available_governors')} for d in sorted(glob.glob('/sys/devices/system/cpu/cpu[0-9]*/cpufreq'))]",
  },
  { name: 'getloadavg', js: (h) => h.loadAvg(), py: 'psutil.getloadavg()' },
  { name: 'boot_time', js: (h) => h.bootTime(), py: 'psutil.boot_time()' },
];

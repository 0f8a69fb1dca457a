// Benchmark cases of the host area for bench/library.mjs (see bench/library/cpu.mjs).
export const cases = [
  { name: 'users', js: (h) => h.users(), py: 'psutil.users()' },
  { name: 'users', js: (h) => h.usersAsync(), py: 'psutil.users()' },
  { name: 'uname', js: (h) => h.uname(), py: 'os.uname()' },
  // platform.freedesktop_os_release() caches its result; time the parse it caches.
  {
    name: 'osRelease',
    js: (h) => h.osRelease(),
    py: "platform._parse_os_release(open('/etc/os-release'))",
  },
  {
    name: 'hostInfo',
    js: (h) => h.hostInfo(),
    py: "(os.uname(), psutil.boot_time(), float(open('/proc/uptime').read().split()[0]))",
  },
  {
    name: 'fileNr',
    js: (h) => h.fileNr(),
    py: "[int(x) for x in open('/proc/sys/fs/file-nr').read().split()]",
  },
  {
    name: 'entropyAvail',
    js: (h) => h.entropyAvail(),
    py: "int(open('/proc/sys/kernel/random/entropy_avail').read())",
  },
  {
    name: 'clockSource',
    js: (h) => h.clockSource(),
    py: "(open('/sys/devices/system/clocksource/clocksource0/available_clocksource').read().split(), open('/sys/devices/system/clocksource/clocksource0/current_clocksource').read().strip())",
  },
  {
    name: 'pressure',
    js: (h) => h.pressure(),
    py: "{r: {f[0]: {k: float(v) for k, v in (kv.split('=') for kv in f[1:])} for f in (l.split() for l in open(f'/proc/pressure/{r}'))} for r in ('cpu', 'io', 'memory') if os.path.exists(f'/proc/pressure/{r}')}",
  },
];

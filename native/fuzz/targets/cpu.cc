// /proc/stat (system-wide), cpu lists (/sys/devices/system/cpu/{online,present},
// Cpus_allowed_list), /proc/cpuinfo and /proc/loadavg.
#include "cpu.h"
#include "../fuzz.h"
#include "process_parse.h"

using namespace hp;
using hp::fuzz::finite_nonneg;

static void check_times(const CpuTimes& t) {
  for (double v : {t.user, t.nice, t.system, t.idle, t.iowait, t.irq, t.softirq, t.steal, t.guest, t.guest_nice})
    HP_FUZZ_CHECK(finite_nonneg(v));
}

HP_FUZZ_TARGET(proc_stat) {
  const std::string path = "/proc/stat";
  CpuTimes t;
  if (fuzz::returns([&] { t = parse_cpu_times(input, 100, path); }, ErrorKind::Parse, &path)) check_times(t);
  std::vector<CpuTimesEntry> per;
  if (fuzz::returns([&] { per = parse_per_cpu_times(input, 100, path); }, ErrorKind::Parse, &path))
    for (const auto& e : per) {
      HP_FUZZ_CHECK(e.cpu >= 0);
      check_times(e.times);
    }
  fuzz::returns([&] { parse_cpu_stats(input, path); }, ErrorKind::Parse, &path);
  double boot = 0;
  if (fuzz::returns([&] { boot = parse_boot_time(input, path); }, ErrorKind::Parse, &path))
    HP_FUZZ_CHECK(finite_nonneg(boot));
  HP_FUZZ_CHECK(count_stat_cpus(input) >= 0);
}

HP_FUZZ_TARGET(cpu_list) {
  const std::string path = "online";
  std::vector<int> cpus;
  if (fuzz::returns([&] { cpus = parse_cpu_list(input, path); }, ErrorKind::Parse, &path)) {
    for (int c : cpus) HP_FUZZ_CHECK(c >= 0);
    int n = -1;
    HP_FUZZ_CHECK(fuzz::returns([&] { n = count_cpu_list(input, path); }, ErrorKind::Parse, &path));
    HP_FUZZ_CHECK(n >= 0);
  }
  std::vector<int> allowed;
  if (fuzz::returns([&] { allowed = proc::parse_cpu_list(input); }))
    for (int c : allowed) HP_FUZZ_CHECK(c >= 0);
}

HP_FUZZ_TARGET(cpuinfo) {
  HP_FUZZ_CHECK(count_cpuinfo_processors(input) >= 0);
  HP_FUZZ_CHECK(cpuinfo_cores(input) >= 0);
  const std::string path = "/proc/cpuinfo";
  std::vector<CpuinfoMhz> mhz;
  if (fuzz::returns([&] { mhz = parse_cpuinfo_mhz(input, path); }, ErrorKind::Parse, &path))
    for (const auto& m : mhz) {
      HP_FUZZ_CHECK(finite_nonneg(m.mhz));
      HP_FUZZ_CHECK(!m.processor || *m.processor >= 0);
    }
}

HP_FUZZ_TARGET(loadavg) {
  const std::string path = "/proc/loadavg";
  std::array<double, 3> l{};
  if (fuzz::returns([&] { l = parse_loadavg(input, path); }, ErrorKind::Parse, &path))
    for (double v : l) HP_FUZZ_CHECK(finite_nonneg(v));
}

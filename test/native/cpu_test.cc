#include "cpu.h"

#include <gtest/gtest.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "error.h"
#include "roots.h"

#include "support.h"

namespace hp {
namespace {

using test_support::expect_error;
using test_support::fixture;
using test_support::kFixtures;

TEST(CpuParse, CurrentKernelLineHasTenFieldsInKernelOrder) {
  CpuTimes t = parse_cpu_times("cpu  10 20 30 40 50 60 70 80 90 100\ncpu0 1 1 1 1\n", 100, "stat");
  EXPECT_DOUBLE_EQ(t.user, 0.1);
  EXPECT_DOUBLE_EQ(t.nice, 0.2);
  EXPECT_DOUBLE_EQ(t.system, 0.3);
  EXPECT_DOUBLE_EQ(t.idle, 0.4);
  EXPECT_DOUBLE_EQ(t.iowait, 0.5);
  EXPECT_DOUBLE_EQ(t.irq, 0.6);
  EXPECT_DOUBLE_EQ(t.softirq, 0.7);
  EXPECT_DOUBLE_EQ(t.steal, 0.8);
  EXPECT_DOUBLE_EQ(t.guest, 0.9);
  EXPECT_DOUBLE_EQ(t.guest_nice, 1.0);
}

TEST(CpuParse, OldKernelsLeaveMissingFieldsZero) {
  // Linux 2.4: four fields only.
  CpuTimes t = parse_cpu_times("cpu  100 200 300 400\n", 100, "stat");
  EXPECT_DOUBLE_EQ(t.user, 1);
  EXPECT_DOUBLE_EQ(t.idle, 4);
  EXPECT_EQ(t.iowait, 0);
  EXPECT_EQ(t.steal, 0);
  EXPECT_EQ(t.guest_nice, 0);
  // Extra future columns are ignored; USER_HZ other than 100 is honoured.
  CpuTimes u = parse_cpu_times("cpu 250 0 0 0 0 0 0 0 0 0 999 999\n", 250, "stat");
  EXPECT_DOUBLE_EQ(u.user, 1);
}

TEST(CpuParse, MalformedLinesAreParseErrorsNamingTheFile) {
  expect_error([] { parse_cpu_times("cpu  1 2 x 4\n", 100, "/p/stat"); }, ErrorKind::Parse, "/p/stat");
  expect_error([] { parse_cpu_times("cpu  1 2 3\n", 100, "/p/stat"); }, ErrorKind::Parse, "fewer than 4");
  expect_error([] { parse_cpu_times("intr 1\n", 100, "/p/stat"); }, ErrorKind::Parse, "/p/stat");
  expect_error([] { parse_cpu_times("", 100, "/p/stat"); }, ErrorKind::Parse, "/p/stat");
  expect_error([] { parse_per_cpu_times("cpu 1 2 3 4\ncpu0 1 -2 3 4\n", 100, "/p/stat"); }, ErrorKind::Parse, "'cpu0'");
}

TEST(CpuParse, PerCpuKeepsCpuNumbersAcrossOfflineGaps) {
  auto v = parse_per_cpu_times("cpu 3 0 0 0\ncpu0 1 0 0 0\ncpu2 2 0 0 0\nintr 5\n", 100, "stat");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].cpu, 0);
  EXPECT_EQ(v[1].cpu, 2);
  EXPECT_DOUBLE_EQ(v[1].times.user, 0.02);
}

TEST(CpuParse, StatsTakeTheFirstNumberOfIntrAndSoftirq) {
  CpuStats s = parse_cpu_stats(
      "cpu 1 2 3 4\nintr 500 1 2 3\nctxt 42\nbtime 9\nprocesses 77\nprocs_running 3\nprocs_blocked 1\n"
      "softirq 600 5 5\n",
      "stat");
  EXPECT_EQ(s.ctx_switches, 42u);
  EXPECT_EQ(s.interrupts, 500u);
  EXPECT_EQ(s.soft_interrupts, 600u);
  EXPECT_EQ(s.forks, 77u);
  EXPECT_EQ(s.procs_running, 3u);
  EXPECT_EQ(s.procs_blocked, 1u);
  expect_error([] { parse_cpu_stats("cpu 1 2 3 4\nintr 5\n", "/x/stat"); }, ErrorKind::Parse, "ctxt");
  expect_error([] { parse_cpu_stats("ctxt abc\n", "/x/stat"); }, ErrorKind::Parse, "'ctxt'");
}

TEST(CpuParse, BootTime) {
  EXPECT_DOUBLE_EQ(parse_boot_time("cpu 1 2 3 4\nbtime 1700000000\n"), 1700000000);
  expect_error([] { parse_boot_time("cpu 1 2 3 4\n", "/s"); }, ErrorKind::Parse, "btime");
  expect_error([] { parse_boot_time("btime soon\n", "/s"); }, ErrorKind::Parse, "btime");
}

TEST(CpuParse, CpuLists) {
  EXPECT_EQ(parse_cpu_list("0-3,8,10-11\n"), (std::vector<int>{0, 1, 2, 3, 8, 10, 11}));
  EXPECT_EQ(parse_cpu_list("0"), (std::vector<int>{0}));
  EXPECT_TRUE(parse_cpu_list("\n").empty());
  EXPECT_EQ(count_cpu_list("0-3,8,10-11\n"), 7);
  EXPECT_EQ(count_cpu_list(""), 0);
  expect_error([] { count_cpu_list("3-1", "online"); }, ErrorKind::Parse, "online");
  expect_error([] { parse_cpu_list("3-1", "online"); }, ErrorKind::Parse, "online");
  expect_error([] { parse_cpu_list("a", "online"); }, ErrorKind::Parse, "online");
}

TEST(CpuParse, CpuinfoCountsAndCores) {
  const char* cpuinfo =
      "processor\t: 0\nphysical id\t: 0\ncpu cores\t: 4\n\n"
      "processor\t: 1\nphysical id\t: 0\ncpu cores\t: 4\n\n"
      "processor\t: 2\nphysical id\t: 1\ncpu cores\t: 6\n";  // no trailing blank line
  EXPECT_EQ(count_cpuinfo_processors(cpuinfo), 3);
  EXPECT_EQ(cpuinfo_cores(cpuinfo), 10);
  EXPECT_EQ(cpuinfo_cores("processor : 0\nBogoMIPS : 1\n\n"), 0);
  EXPECT_EQ(count_stat_cpus("cpu 1 2 3 4\ncpu0 1 2 3 4\ncpu1 1 2 3 4\nintr 1\n"), 2);
}

TEST(CpuParse, CpuinfoMhzForX86PpcAndS390) {
  auto x86 = parse_cpuinfo_mhz("processor\t: 0\ncpu MHz\t\t: 2445.406\n\nprocessor\t: 1\ncpu MHz\t\t: 1200\n");
  ASSERT_EQ(x86.size(), 2u);
  EXPECT_EQ(x86[1].processor, 1);
  EXPECT_DOUBLE_EQ(x86[0].mhz, 2445.406);
  auto ppc = parse_cpuinfo_mhz("processor\t: 0\nclock\t\t: 3425.000000MHz\n");
  ASSERT_EQ(ppc.size(), 1u);
  EXPECT_DOUBLE_EQ(ppc[0].mhz, 3425);
  auto s390 = parse_cpuinfo_mhz("cpu number      : 0\ncpu MHz dynamic : 5200\ncpu MHz static  : 5200\n");
  ASSERT_EQ(s390.size(), 1u);
  EXPECT_FALSE(s390[0].processor.has_value());
  expect_error([] { parse_cpuinfo_mhz("cpu MHz : fast\n", "/c"); }, ErrorKind::Parse, "/c");
}

TEST(CpuParse, LoadAvg) {
  auto l = parse_loadavg("0.01 0.14 0.11 2/91 7875\n");
  EXPECT_DOUBLE_EQ(l[0], 0.01);
  EXPECT_DOUBLE_EQ(l[1], 0.14);
  EXPECT_DOUBLE_EQ(l[2], 0.11);
  expect_error([] { parse_loadavg("0.01 0.14\n", "/l"); }, ErrorKind::Parse, "/l");
  expect_error([] { parse_loadavg("0.01 x 1\n", "/l"); }, ErrorKind::Parse, "'x'");
}

TEST(CpuFixture, SixtyFourCpus) {
  Roots r = fixture("cpu-64");
  auto per = read_per_cpu_times(r);
  ASSERT_EQ(per.size(), 64u);
  // cpu i: user = 1000 + 7i ticks, guest_nice = i % 2 (see the fixture's generator values)
  EXPECT_EQ(per[63].cpu, 63);
  EXPECT_DOUBLE_EQ(per[63].times.user, (1000 + 7 * 63) / static_cast<double>(clock_ticks()));
  EXPECT_DOUBLE_EQ(per[63].times.guest_nice, 1 / static_cast<double>(clock_ticks()));
  CpuTimes total = read_cpu_times(r);
  double sum_user = 0;
  for (auto& e : per) sum_user += e.times.user;
  EXPECT_NEAR(total.user, sum_user, 1e-9);
  EXPECT_EQ(read_cpu_count_logical(r), 64);
  EXPECT_EQ(read_cpu_count_cores(r), 32);
  CpuStats s = read_cpu_stats(r);
  EXPECT_EQ(s.interrupts, 123456789u);
  EXPECT_EQ(s.ctx_switches, 987654321u);
  EXPECT_EQ(s.soft_interrupts, 55555u);
  EXPECT_EQ(s.forks, 424242u);
  EXPECT_EQ(s.procs_running, 5u);
  EXPECT_EQ(s.procs_blocked, 2u);
  EXPECT_DOUBLE_EQ(read_boot_time(r), 1700000000);
  auto l = read_loadavg(r);
  EXPECT_DOUBLE_EQ(l[0], 1.25);
  EXPECT_DOUBLE_EQ(l[2], 0.05);
  EXPECT_TRUE(read_cpu_freq(r).empty());  // no cpufreq, no cpuinfo
  EXPECT_TRUE(read_cpu_freq_info(r).empty());
}

TEST(CpuFixture, Kernel2624WithoutSysfs) {
  Roots r = fixture("cpu-2624");
  CpuTimes t = read_cpu_times(r);
  EXPECT_DOUBLE_EQ(t.user, 2255 / static_cast<double>(clock_ticks()));
  EXPECT_DOUBLE_EQ(t.guest, 0);
  EXPECT_EQ(t.guest_nice, 0);  // not reported before 2.6.33
  auto s = read_cpu_stats(r);
  EXPECT_EQ(s.soft_interrupts, 0u);  // no softirq line before 2.6.31
  EXPECT_EQ(s.interrupts, 114930548u);
  EXPECT_EQ(s.forks, 2915u);
  // no sysfs: logical from cpuinfo "processor" lines, cores from physical id / cpu cores
  EXPECT_EQ(read_cpu_count_logical(r), 2);
  EXPECT_EQ(read_cpu_count_cores(r), 2);
  // no cpufreq: cpuinfo's values, min = max = 0
  auto f = read_cpu_freq(r);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[1].cpu, 1);
  EXPECT_DOUBLE_EQ(f[1].current, 1600);
  EXPECT_EQ(f[1].min, 0);
  EXPECT_EQ(f[1].max, 0);
}

TEST(CpuLive, LogicalCountKeepsItsSysfsFdPerRoot) {
  // The real sysfs is read through a kept fd (pread at 0); switching to a fixture root and
  // back must read each root's own file every time.
  const long online = ::sysconf(_SC_NPROCESSORS_ONLN);
  Roots live;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(read_cpu_count_logical(live), online);
  EXPECT_EQ(read_cpu_count_logical(fixture("cpu-offline")), 3);
  EXPECT_EQ(read_cpu_count_logical(fixture("cpu-64")), 64);
  EXPECT_EQ(read_cpu_count_logical(live), online);
  EXPECT_EQ(read_cpu_count_logical(live), online);
}

TEST(CpuFixture, OfflineCpuAndPerCpuPolicies) {
  Roots r = fixture("cpu-offline");
  auto per = read_per_cpu_times(r);
  ASSERT_EQ(per.size(), 3u);
  EXPECT_EQ(per[2].cpu, 3);
  EXPECT_EQ(read_cpu_count_logical(r), 3);  // online "0-1,3"
  EXPECT_EQ(read_cpu_count_cores(r), 2);    // thread_siblings_list "0-1" and "3"
  auto f = read_cpu_freq(r);
  ASSERT_EQ(f.size(), 3u);  // cpu2 is offline: skipped
  EXPECT_EQ(f[0].cpu, 0);
  EXPECT_DOUBLE_EQ(f[0].current, 1800);
  EXPECT_DOUBLE_EQ(f[0].min, 800);
  EXPECT_DOUBLE_EQ(f[0].max, 3000);
  EXPECT_EQ(f[1].cpu, 1);
  EXPECT_DOUBLE_EQ(f[1].current, 2200);  // cpuinfo_cur_freq when scaling_cur_freq is missing
  EXPECT_EQ(f[2].cpu, 3);
  EXPECT_DOUBLE_EQ(f[2].current, 3000);
  EXPECT_DOUBLE_EQ(f[2].min, 1000);
  EXPECT_DOUBLE_EQ(f[2].max, 3200);

  auto info = read_cpu_freq_info(r);
  ASSERT_EQ(info.size(), 3u);  // cpu2 has no cpufreq link
  EXPECT_EQ(info[0].cpu, 0);
  EXPECT_EQ(info[0].cpuinfo_cur_khz, 1799999u);
  EXPECT_EQ(info[0].cpuinfo_min_khz, 400000u);
  EXPECT_EQ(info[0].cpuinfo_max_khz, 3500000u);
  EXPECT_EQ(info[0].scaling_cur_khz, 1800000u);
  EXPECT_EQ(info[0].governor, "schedutil");
  EXPECT_EQ(info[0].driver, "acpi-cpufreq");
  EXPECT_EQ(info[0].available_governors.size(), 6u);
  EXPECT_EQ(info[0].available_governors.back(), "schedutil");
  EXPECT_FALSE(info[1].scaling_cur_khz.has_value());
  EXPECT_TRUE(info[1].available_governors.empty());
  EXPECT_EQ(info[2].cpu, 3);
  EXPECT_FALSE(info[2].cpuinfo_cur_khz.has_value());  // "<unknown>"
  EXPECT_FALSE(info[2].cpuinfo_avg_khz.has_value());
}

TEST(CpuFixture, SharedPoliciesUseAffectedCpusAndTheCpuinfoShortcut) {
  Roots r = fixture("cpu-freq-policy");
  auto f = read_cpu_freq(r);
  ASSERT_EQ(f.size(), 4u);
  // 4 CPUs in policies and 4 "cpu MHz" lines: current comes from cpuinfo, not from
  // scaling_cur_freq (which the fixture sets to an impossible 9999999).
  EXPECT_DOUBLE_EQ(f[0].current, 1500.5);
  EXPECT_DOUBLE_EQ(f[1].current, 2000);
  EXPECT_DOUBLE_EQ(f[2].current, 1100.25);
  EXPECT_DOUBLE_EQ(f[3].current, 1900);
  EXPECT_DOUBLE_EQ(f[1].min, 1200);
  EXPECT_DOUBLE_EQ(f[1].max, 2400);
  EXPECT_DOUBLE_EQ(f[3].min, 1000);
  EXPECT_DOUBLE_EQ(f[3].max, 2000);
  EXPECT_EQ(read_cpu_count_cores(r), 2);
  auto info = read_cpu_freq_info(r);
  ASSERT_EQ(info.size(), 4u);
  EXPECT_EQ(info[3].scaling_cur_khz, 9999999u);
  EXPECT_EQ(info[3].governor, "powersave");
}

TEST(CpuRead, OneShotReadsGrowPastTheFirstBuffer) {
  // 64-CPU stat is larger than the initial 4 KiB buffer: the read loop must go on.
  std::string path = kFixtures + "/cpu-64/proc/stat";
  std::string buf;
  auto v = read_one_shot(path, buf);
  ASSERT_TRUE(v);
  FILE* f = std::fopen(path.c_str(), "rb");
  ASSERT_NE(f, nullptr);
  std::string expected;
  char chunk[4096];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) expected.append(chunk, n);
  std::fclose(f);
  ASSERT_GT(expected.size(), 4096u);
  EXPECT_EQ(*v, expected);
  EXPECT_FALSE(read_one_shot(kFixtures + "/nope/stat", buf));
  EXPECT_FALSE(read_attr_one_shot(kFixtures + "/nope/online", buf));
  EXPECT_EQ(read_attr_one_shot(kFixtures + "/cpu-64/sys/devices/system/cpu/online", buf), "0-63");
}

TEST(CpuRead, OwnLoadAverageComesFromSysinfo) {
  struct sysinfo a {
  }, b{};
  ASSERT_EQ(::sysinfo(&a), 0);
  auto l = read_loadavg(Roots{});
  ASSERT_EQ(::sysinfo(&b), 0);
  for (int i = 0; i < 3; ++i) {
    double lo = std::min(a.loads[i], b.loads[i]) / 65536.0, hi = std::max(a.loads[i], b.loads[i]) / 65536.0;
    EXPECT_GE(l[i], lo);
    EXPECT_LE(l[i], hi);
  }
}

TEST(CpuFixture, MissingFilesAreNotFoundNamingThePath) {
  Roots r = fixture("does-not-exist");
  expect_error([&] { read_cpu_times(r); }, ErrorKind::NotFound, "does-not-exist/proc/stat");
  EXPECT_FALSE(read_cpu_count_logical(r).has_value());
  EXPECT_FALSE(read_cpu_count_cores(r).has_value());
}

}  // namespace
}  // namespace hp

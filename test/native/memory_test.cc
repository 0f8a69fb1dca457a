#include "memory.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "error.h"
#include "roots.h"

#include "support.h"

namespace hp {
namespace {

using test_support::expect_error;
using test_support::fixture;
using test_support::kFixtures;

constexpr uint64_t KiB = 1024;

TEST(MemParse, RoundPercentIsPythonsRound) {
  EXPECT_EQ(round_percent(56.2512), 56.3);
  EXPECT_EQ(round_percent(0.25), 0.2);  // ties to even, like Python's round(0.25, 1)
  EXPECT_EQ(round_percent(0.75), 0.8);
  EXPECT_EQ(round_percent(2.675), 2.7);
  EXPECT_EQ(round_percent(0.05), 0.1);  // 0.05 is slightly above 0.05 in binary
  EXPECT_EQ(round_percent(0.15), 0.1);  // and 0.15 slightly below
  EXPECT_EQ(round_percent(100), 100);
}

TEST(MemParse, MeminfoUnitsAndNames) {
  auto m = parse_meminfo(
      "MemTotal:       100 kB\nActive(anon):    2 kB\nHugePages_Total:      16\n\n"
      "ShadowCallStack:10373888 kB\n");
  ASSERT_EQ(m.size(), 4u);
  EXPECT_EQ(m[0].name, "MemTotal");
  EXPECT_EQ(m[0].value, 100 * KiB);
  EXPECT_TRUE(m[0].bytes);
  EXPECT_EQ(m[1].name, "Active(anon)");
  EXPECT_EQ(m[2].name, "HugePages_Total");
  EXPECT_EQ(m[2].value, 16u);  // a count, not kB
  EXPECT_FALSE(m[2].bytes);
  EXPECT_EQ(m[3].name, "ShadowCallStack");  // no space after the colon (psutil gh#2809)
  EXPECT_EQ(m[3].value, 10373888 * KiB);
}

TEST(MemParse, MalformedMeminfoIsAParseErrorNamingTheFile) {
  expect_error([] { parse_meminfo("MemTotal: 1 kB\nMemFree 2 kB\n", "/f/meminfo"); }, ErrorKind::Parse, "/f/meminfo");
  expect_error([] { parse_meminfo("MemTotal: x kB\n", "/f/meminfo"); }, ErrorKind::Parse, "MemTotal");
  expect_error([] { parse_meminfo("MemTotal: 1 MB\n", "/f/meminfo"); }, ErrorKind::Parse, "unit");
  expect_error([] { parse_meminfo(":1 kB\n", "/f/meminfo"); }, ErrorKind::Parse, "/f/meminfo");
}

TEST(MemParse, Vmstat) {
  auto v = parse_vmstat("nr_free_pages 300864\npswpin 7\n\n");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[1].name, "pswpin");
  EXPECT_EQ(v[1].value, 7u);
  expect_error([] { parse_vmstat("pgfault\n", "/v"); }, ErrorKind::Parse, "/v");
  expect_error([] { parse_vmstat("pgfault 1 2\n", "/v"); }, ErrorKind::Parse, "pgfault");
}

TEST(MemParse, ZoneinfoSumsOnlyLowWatermarks) {
  EXPECT_EQ(parse_zoneinfo_low_watermarks("Node 0, zone DMA\n  pages free 1\n        min 5\n        low 8\n"
                                          "        high 11\n        lowmem_reserve 99\nNode 0, zone Normal\n"
                                          "        low 100\n"),
            108u);
  expect_error([] { parse_zoneinfo_low_watermarks("        low\n", "/z"); }, ErrorKind::Parse, "/z");
}

// The kernel's algorithm, written out for the fixture's numbers.
int64_t expected_estimate(double free, double active_file, double inactive_file, double sreclaimable, double low) {
  double avail = free - low;
  double pagecache = active_file + inactive_file;
  pagecache -= std::min(pagecache / 2, low);
  avail += pagecache;
  avail += sreclaimable - std::min(sreclaimable / 2, low);
  return static_cast<int64_t>(avail);
}

TEST(MemFixture, ModernKernelUsesMemAvailable) {
  Roots r = fixture("mem-modern");
  VirtualMemory v = read_virtual_memory(r);
  EXPECT_EQ(v.total, 16318576 * KiB);
  EXPECT_EQ(v.available, 9876543 * KiB);
  EXPECT_EQ(v.used, (16318576 - 9876543) * KiB);
  EXPECT_EQ(v.free, 1203456 * KiB);
  EXPECT_EQ(v.buffers, 345678 * KiB);
  EXPECT_EQ(v.cached, (7654321 + 543210) * KiB);  // Cached + SReclaimable
  EXPECT_EQ(v.shared, 456789 * KiB);
  EXPECT_EQ(v.active, 6543210 * KiB);
  EXPECT_EQ(v.inactive, 5432109 * KiB);
  EXPECT_EQ(v.slab, 765432 * KiB);
  EXPECT_DOUBLE_EQ(v.percent, 39.5);  // 6441033 / 16318576 = 39.47 %

  SwapMemory s = read_swap_memory(r);
  EXPECT_EQ(s.total, 8388604 * KiB);
  EXPECT_EQ(s.free, 6291452 * KiB);
  EXPECT_EQ(s.used, (8388604 - 6291452) * KiB);
  EXPECT_DOUBLE_EQ(s.percent, 25.0);
  EXPECT_EQ(s.sin, 1000 * page_size());
  EXPECT_EQ(s.sout, 2500 * page_size());

  auto all = read_meminfo(r);
  ASSERT_EQ(all.size(), 54u);
  EXPECT_EQ(all.back().name, "DirectMap1G");
  auto vm = read_vmstat(r);
  ASSERT_EQ(vm.size(), 11u);
  EXPECT_EQ(vm[8].name, "pgfault");
  EXPECT_EQ(vm[8].value, 4444444444u);
}

TEST(MemFixture, WithoutMemAvailableTheKernelAlgorithmRuns) {
  const double low = (8 + 1000 + 24000 + 0) * static_cast<double>(page_size());
  const int64_t expected = expected_estimate(1000000.0 * KiB, 1500000.0 * KiB, 1000000.0 * KiB, 300000.0 * KiB, low);
  for (const char* name : {"mem-noavail", "mem-avail0"}) {
    SCOPED_TRACE(name);
    VirtualMemory v = read_virtual_memory(fixture(name));
    EXPECT_EQ(static_cast<int64_t>(v.available), expected);
    EXPECT_EQ(v.used, v.total - v.available);
    EXPECT_DOUBLE_EQ(v.percent, round_percent(static_cast<double>(v.used) / static_cast<double>(v.total) * 100));
  }
  if (page_size() == 4096) {
    VirtualMemory v = read_virtual_memory(fixture("mem-noavail"));
    EXPECT_EQ(v.available, 3583901696u);
    EXPECT_DOUBLE_EQ(v.percent, 56.3);
  }
  // pswpin/pswpout lines missing from vmstat (psutil gh#313): 0.
  SwapMemory s = read_swap_memory(fixture("mem-avail0"));
  EXPECT_EQ(s.sin, 0u);
  EXPECT_EQ(s.sout, 0u);
  EXPECT_EQ(read_swap_memory(fixture("mem-noavail")).sin, 7 * page_size());
}

TEST(MemFixture, Rhel24FallsBackToFreePlusCached) {
  Roots r = fixture("mem-24");
  VirtualMemory v = read_virtual_memory(r);
  EXPECT_EQ(v.available, (5988 + 95332) * KiB);  // no Active(file)/SReclaimable/zoneinfo
  EXPECT_EQ(v.cached, 95332 * KiB);              // no SReclaimable to add
  EXPECT_EQ(v.shared, 120 * KiB);                // MemShared
  EXPECT_EQ(v.inactive, (11344 + 3256 + 10408) * KiB);
  EXPECT_EQ(v.slab, 0u);
  SwapMemory s = read_swap_memory(r);  // no vmstat: sin = sout = 0
  EXPECT_EQ(s.total, 522072 * KiB);
  EXPECT_EQ(s.sin, 0u);
  EXPECT_EQ(s.sout, 0u);
}

TEST(MemFixture, LxcAvailableAboveTotalBecomesFree) {
  VirtualMemory v = read_virtual_memory(fixture("mem-lxc"));
  EXPECT_EQ(v.available, 1048576 * KiB);
  EXPECT_EQ(v.used, (2097152 - 1048576) * KiB);
  EXPECT_DOUBLE_EQ(v.percent, 50.0);
  SwapMemory s = read_swap_memory(fixture("mem-lxc"));
  EXPECT_EQ(s.total, 0u);
  EXPECT_DOUBLE_EQ(s.percent, 0.0);
}

TEST(MemFixture, NoSpaceAfterColon) {
  Roots r = fixture("mem-nospace");
  VirtualMemory v = read_virtual_memory(r);
  EXPECT_EQ(v.total, 16000000 * KiB);
  EXPECT_EQ(v.available, 12000000 * KiB);
  EXPECT_EQ(v.cached, 2001000 * KiB);
  EXPECT_DOUBLE_EQ(v.percent, 25.0);
  SwapMemory s = read_swap_memory(r);
  EXPECT_EQ(s.used, 3000000 * KiB);
  EXPECT_DOUBLE_EQ(s.percent, 75.0);
}

TEST(MemFixture, MalformedFilesAreParseErrors) {
  Roots r = fixture("mem-malformed");
  expect_error([&] { read_virtual_memory(r); }, ErrorKind::Parse, "mem-malformed/proc/meminfo");
  expect_error([&] { read_meminfo(r); }, ErrorKind::Parse, "MemFree");
  expect_error([&] { read_vmstat(r); }, ErrorKind::Parse, "mem-malformed/proc/vmstat");
  expect_error([&] { read_swap_memory(fixture("mem-nocolon")); }, ErrorKind::Parse, "without ':'");
  expect_error([&] { read_virtual_memory(fixture("nope")); }, ErrorKind::NotFound, "nope/proc/meminfo");
}

TEST(MemFixture, ReadMemoryIsTheSeparateReadersInOneRead) {
  for (const char* name : {"mem-modern", "mem-noavail", "mem-avail0", "mem-24", "mem-lxc", "mem-nospace"}) {
    SCOPED_TRACE(name);
    Roots r = fixture(name);
    MemoryReadings m = read_memory(r);
    VirtualMemory v = read_virtual_memory(r);
    SwapMemory s = read_swap_memory(r);
    EXPECT_EQ(m.virt.total, v.total);
    EXPECT_EQ(m.virt.available, v.available);
    EXPECT_EQ(m.virt.used, v.used);
    EXPECT_EQ(m.virt.cached, v.cached);
    EXPECT_DOUBLE_EQ(m.virt.percent, v.percent);
    EXPECT_EQ(m.swap.total, s.total);
    EXPECT_EQ(m.swap.used, s.used);
    EXPECT_EQ(m.swap.sin, s.sin);
    EXPECT_EQ(m.swap.sout, s.sout);
    auto mi = read_meminfo(r);
    ASSERT_EQ(m.meminfo.size(), mi.size());
    for (size_t i = 0; i < mi.size(); ++i) {
      EXPECT_EQ(m.meminfo[i].name, mi[i].name);
      EXPECT_EQ(m.meminfo[i].value, mi[i].value);
    }
  }
  // vmstat present: every counter; absent (2.4 fixture): has_vmstat false, sin/sout 0.
  MemoryReadings modern = read_memory(fixture("mem-modern"));
  EXPECT_TRUE(modern.has_vmstat);
  EXPECT_EQ(modern.vmstat.size(), read_vmstat(fixture("mem-modern")).size());
  MemoryReadings old = read_memory(fixture("mem-24"));
  EXPECT_FALSE(old.has_vmstat);
  EXPECT_EQ(old.swap.sin, 0u);
}

TEST(MemFixture, ReadMemoryErrorsNameTheFile) {
  expect_error([&] { read_memory(fixture("mem-malformed")); }, ErrorKind::Parse, "mem-malformed/proc/meminfo");
  expect_error([&] { read_memory(fixture("nope")); }, ErrorKind::NotFound, "nope/proc/meminfo");
}

TEST(MemCompute, MissingTotalIsAParseError) {
  auto m = parse_meminfo("MemFree: 1 kB\n");
  expect_error([&] { compute_virtual_memory(m, std::nullopt, "/m"); }, ErrorKind::Parse, "MemTotal");
}

TEST(MemCompute, NegativeEstimateClampsToZero) {
  // A huge low watermark drives the estimate below zero.
  auto m = parse_meminfo(
      "MemTotal: 1000 kB\nMemFree: 10 kB\nCached: 5 kB\nActive(file): 1 kB\n"
      "Inactive(file): 1 kB\nSReclaimable: 1 kB\n");
  VirtualMemory v = compute_virtual_memory(m, uint64_t{1} << 30);
  EXPECT_EQ(v.available, 0u);
  EXPECT_EQ(v.used, v.total);
  EXPECT_DOUBLE_EQ(v.percent, 100.0);
  // And without zoneinfo: MemFree + Cached.
  EXPECT_EQ(compute_virtual_memory(m, std::nullopt).available, 15 * KiB);
}

}  // namespace
}  // namespace hp

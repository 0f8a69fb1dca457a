#include "kernel.h"

#include <gtest/gtest.h>

#include <string>

#include "error.h"
#include "roots.h"

#include "support.h"

namespace hp {
namespace {

using test_support::expect_error;
using test_support::fixture;

TEST(KernelSchedstat, ParsesCpuLinesAndSkipsDomains) {
  auto rows = parse_schedstat(
      "version 15\ntimestamp 42\ncpu0 1 2 3 4 5 6 700 800 900\ndomain0 3 1 2 3\ncpu12 0 0 0 0 0 0 1 2 3\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].cpu, "0");
  EXPECT_EQ(rows[0].running_ns, 700u);
  EXPECT_EQ(rows[0].waiting_ns, 800u);
  EXPECT_EQ(rows[0].timeslices, 900u);
  EXPECT_EQ(rows[1].cpu, "12");
  EXPECT_TRUE(parse_schedstat("").empty());
}

TEST(KernelSchedstat, ShortOrMalformedLinesNameTheFile) {
  expect_error([] { parse_schedstat("cpu0 1 2 3\n", "/x/schedstat"); }, ErrorKind::Parse, "/x/schedstat");
  expect_error([] { parse_schedstat("cpu0 1 2 3 4 5 6 7 x 9\n", "/x/schedstat"); }, ErrorKind::Parse, "malformed");
}

TEST(KernelSelinux, ConfigModeAndEnforce) {
  EXPECT_EQ(parse_selinux_config_mode("# c\nSELINUX=enforcing\nSELINUXTYPE=targeted\n"), 1);
  EXPECT_EQ(parse_selinux_config_mode("SELINUX = permissive\n"), 0);
  EXPECT_EQ(parse_selinux_config_mode("SELINUX=\"disabled\"\n"), -1);
  EXPECT_EQ(parse_selinux_config_mode("SELINUXTYPE=mls\n"), -1);
  EXPECT_EQ(parse_selinux_enforce("1\n", "/e"), 1);
  EXPECT_EQ(parse_selinux_enforce("0", "/e"), 0);
  expect_error([] { parse_selinux_enforce("2", "/sys/fs/selinux/enforce"); }, ErrorKind::Parse,
               "/sys/fs/selinux/enforce");
}

TEST(KernelStat, SoftirqVectors) {
  auto v = parse_stat_softirq_vectors("cpu  1 2 3\nsoftirq 55 1 2 3 4 5 6 7 8 9 10\n");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(*v, (std::vector<uint64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  EXPECT_FALSE(parse_stat_softirq_vectors("cpu  1 2 3\nctxt 5\n").has_value());
  expect_error([] { parse_stat_softirq_vectors("softirq 10 1 2 3\n", "/p/stat"); }, ErrorKind::Parse, "/p/stat");
  expect_error([] { parse_stat_softirq_vectors("softirq 10 1 2 3 4 5 6 7 8 9 x\n", "/p/stat"); }, ErrorKind::Parse,
               "malformed");
}

TEST(KernelCpuinfo, ProcessorBlocks) {
  auto rows = parse_cpuinfo_entries(
      "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon  \nflags\t\t: fpu vme\nbugs\t\t:\n\n"
      "processor\t: 1\nvendor\t: AuthenticAMD\ncore id\t\t: 3\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].vendor_id, "GenuineIntel");
  EXPECT_EQ(rows[0].model_name, "Xeon  ");  // kept as printed, as procfs does
  EXPECT_EQ(rows[0].flags, (std::vector<std::string>{"fpu", "vme"}));
  EXPECT_TRUE(rows[0].bugs.empty());
  EXPECT_EQ(rows[1].processor, 1u);
  EXPECT_EQ(rows[1].vendor_id, "AuthenticAMD");
  EXPECT_EQ(rows[1].core_id, "3");
  expect_error([] { parse_cpuinfo_entries("vendor_id : x\n", "/p/cpuinfo"); }, ErrorKind::Parse, "/p/cpuinfo");
  expect_error([] { parse_cpuinfo_entries("processor : x\n", "/p/cpuinfo"); }, ErrorKind::Parse, "malformed processor");
}

TEST(KernelReaders, NodeExporterFixture) {
  Roots r = fixture("kernel-ne");
  EXPECT_EQ(read_kernel_hung(r), std::optional<uint64_t>(42));
  auto iso = read_isolated_cpus(r);
  ASSERT_TRUE(iso.has_value());
  EXPECT_EQ(*iso, (std::vector<int>{1, 3, 4, 5, 9}));
  Throttles t = read_throttles(r);
  ASSERT_EQ(t.packages.size(), 2u);
  EXPECT_EQ(t.packages[0].count, 30u);
  EXPECT_EQ(t.packages[1].count, 6u);
  ASSERT_EQ(t.cores.size(), 4u);
  EXPECT_EQ(t.cores[3].count, 9u);
}

TEST(KernelReaders, AbsentInputs) {
  Roots r = fixture("kernel-absent");
  EXPECT_FALSE(read_kernel_hung(r).has_value());
  EXPECT_FALSE(read_schedstat(r).has_value());
  EXPECT_FALSE(read_isolated_cpus(r).has_value());
  EXPECT_FALSE(read_selinux(r).enabled);
  EXPECT_TRUE(read_throttles(r).packages.empty());
}

TEST(KernelTimex, ReadsTheClock) {
  Timex t = read_timex();
  EXPECT_GE(t.state, 0);
  EXPECT_LE(t.state, 5);
  EXPECT_GT(t.tick, 0);
}

}  // namespace
}  // namespace hp

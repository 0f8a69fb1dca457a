// Values outside their domain are parse errors naming the file (and line), never samples:
// duplicated keys and lines (duplicate series), numbers beyond 2^64, negative or NaN load
// averages, names that are not valid UTF-8 (label values must be), files with nothing in them.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "cpu.h"
#include "disk.h"
#include "memory.h"
#include "net.h"
#include "parse.h"
#include "support.h"

namespace hp {
namespace {

using test_support::expect_error;

TEST(Domain, DuplicateMeminfoAndVmstatKeys) {
  expect_error([] { parse_meminfo("MemTotal: 1 kB\nMemFree: 2 kB\nMemTotal: 3 kB\n", "/p/meminfo"); }, ErrorKind::Parse,
               "/p/meminfo: line 3: duplicate key 'MemTotal'");
  expect_error([] { parse_vmstat("pgfault 1\npgmajfault 2\npgfault 3\n", "/p/vmstat"); }, ErrorKind::Parse,
               "/p/vmstat: line 3: duplicate key 'pgfault'");
  EXPECT_EQ(parse_meminfo("MemTotal: 1 kB\nMemFree: 2 kB\n").size(), 2u);
}

TEST(Domain, MeminfoBeyond2To64) {
  // 2^64 itself does not parse; a kB value whose bytes overflow 2^64 is refused too.
  expect_error([] { parse_meminfo("MemTotal: 18446744073709551616 kB\n", "/p/meminfo"); }, ErrorKind::Parse,
               "/p/meminfo");
  expect_error([] { parse_meminfo("MemTotal: 18014398509481984 kB\n", "/p/meminfo"); }, ErrorKind::Parse,
               "line 1: MemTotal 18014398509481984 kB is beyond 2^64 bytes");
  expect_error([] { parse_vmstat("pgfault 18446744073709551616\n", "/p/vmstat"); }, ErrorKind::Parse,
               "/p/vmstat: malformed line");
}

TEST(Domain, DuplicateOrMissingCpuLines) {
  const std::string line = " 1 2 3 4 5 6 7 8 0 0\n";
  expect_error(
      [&] { parse_per_cpu_times("cpu" + line + "cpu0" + line + "cpu1" + line + "cpu0" + line, 100, "/p/stat"); },
      ErrorKind::Parse, "/p/stat: line 4: duplicate 'cpu0' line");
  expect_error([&] { parse_per_cpu_times("cpu" + line + "intr 1\n", 100, "/p/stat"); }, ErrorKind::Parse,
               "/p/stat: no per-CPU 'cpuN' lines");
  expect_error([&] { parse_per_cpu_times("", 100, "/p/stat"); }, ErrorKind::Parse, "no per-CPU");
  EXPECT_EQ(parse_per_cpu_times("cpu" + line + "cpu0" + line + "cpu1" + line, 100, "/p/stat").size(), 2u);
}

TEST(Domain, LoadAverageMustBeFiniteAndNonNegative) {
  for (const char* bad : {"nan 0.1 0.1 1/1 1\n", "0.1 -0.5 0.1 1/1 1\n", "0.1 0.1 inf 1/1 1\n"})
    expect_error([&] { parse_loadavg(bad, "/p/loadavg"); }, ErrorKind::Parse, "/p/loadavg: load average");
  auto ok = parse_loadavg("0.00 1.50 2.25 1/100 7\n");
  EXPECT_DOUBLE_EQ(ok[1], 1.5);
}

const char* kNetDevHead =
    "Inter-|   Receive                                                |  Transmit\n"
    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier "
    "compressed\n";

TEST(Domain, NetDevDuplicateInterfaceAndBadNames) {
  std::string row = ": 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n";
  expect_error(
      [&] { parse_net_dev(std::string(kNetDevHead) + "  eth0" + row + "    lo" + row + "  eth0" + row, "/p/net/dev"); },
      ErrorKind::Parse, "/p/net/dev: line 5: duplicate interface 'eth0'");
  expect_error(
      [&] {
        parse_net_dev(std::string(kNetDevHead) +
                          "  et\xff"
                          "0" +
                          row,
                      "/p/net/dev");
      },
      ErrorKind::Parse, "line 3: interface name is not valid UTF-8");
  expect_error(
      [&] {
        parse_net_dev(std::string(kNetDevHead) + "  eth0: 18446744073709551616 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n",
                      "/p/net/dev");
      },
      ErrorKind::Parse, "bad counter '18446744073709551616'");
  expect_error([&] { parse_net_dev("", "/p/net/dev"); }, ErrorKind::Parse, "/p/net/dev: no 'Inter-|' header");
  EXPECT_EQ(parse_net_dev(std::string(kNetDevHead) + "  eth0" + row + "    lo" + row).size(), 2u);
}

TEST(Domain, DuplicateProtocolCounters) {
  StatGroups g;
  expect_error([&] { parse_sockstat("TCP: inuse 1 orphan 0 inuse 2\n", "/p/sockstat", g); }, ErrorKind::Parse,
               "/p/sockstat: line 1: duplicate key 'TCP inuse'");
  StatGroups h;
  expect_error([&] { parse_netstat_pairs("Tcp: A B\nTcp: 1 2\nTcp: A\nTcp: 3\n", "/p/snmp", h); }, ErrorKind::Parse,
               "/p/snmp: line 4: duplicate key 'Tcp A'");
}

TEST(Domain, DiskstatsDuplicateDeviceAndMountinfoUtf8) {
  std::string sda = "   8       0 sda 1 2 3 4 5 6 7 8 9 10 11\n";
  expect_error([&] { parse_diskstats(sda + "   8      16 sdb 1 2 3 4 5 6 7 8 9 10 11\n" + sda, "/p/diskstats"); },
               ErrorKind::Parse, "/p/diskstats: line 3: duplicate device 'sda'");
  expect_error([&] { parse_diskstats("   8       0 sd\xc0\xaf 1 2 3 4 5 6 7 8 9 10 11\n", "/p/diskstats"); },
               ErrorKind::Parse, "device name is not valid UTF-8");
  expect_error([] { parse_mountinfo("22 1 8:1 / /mnt/\\377x rw - ext4 /dev/sda1 rw\n", "/p/mountinfo"); },
               ErrorKind::Parse, "mount point is not valid UTF-8");
  EXPECT_EQ(parse_mountinfo("22 1 8:1 / /mnt/caf\xc3\xa9 rw - ext4 /dev/sda1 rw\n").at(0).mountpoint,
            "/mnt/caf\xc3\xa9");
}

TEST(Domain, Utf8Validator) {
  EXPECT_TRUE(valid_utf8("eth0"));
  EXPECT_TRUE(valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_FALSE(valid_utf8("\xff"));
  EXPECT_FALSE(valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(valid_utf8("\xed\xa0\x80"));      // a surrogate
  EXPECT_FALSE(valid_utf8("\xf4\x90\x80\x80"));  // beyond U+10FFFF
  EXPECT_FALSE(valid_utf8("\xe2\x82"));          // truncated
}

}  // namespace
}  // namespace hp

namespace hp {
namespace {

// netclass attributes: absent stays absent (node_exporter), but a FIFO or an attribute
// above a page fails with the path.
class NetClassAttrs : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hp-netclass-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    std::filesystem::create_directories(dir_ + "/sys/class/net/eth0");
    roots_.procfs = dir_ + "/proc";
    roots_.sysfs = dir_ + "/sys";
    roots_.rootfs = dir_;
    write("mtu", "1500\n");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) { std::ofstream(attr(name)) << text; }
  std::string attr(const std::string& name) const { return dir_ + "/sys/class/net/eth0/" + name; }
  std::string dir_;
  Roots roots_;
};

TEST_F(NetClassAttrs, AbsentIsAbsentNonRegularOrOversizedIsAnError) {
  auto ok = read_net_class(roots_);
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_EQ(ok[0].mtu, 1500);
  EXPECT_FALSE(ok[0].speed.has_value());
  ASSERT_EQ(::mkfifo(attr("carrier").c_str(), 0600), 0);
  test_support::expect_error([&] { read_net_class(roots_); }, ErrorKind::Io,
                             attr("carrier") + ": not a regular file (a FIFO)");
  std::filesystem::remove(attr("carrier"));
  write("ifalias", std::string(5000, 'a'));
  test_support::expect_error([&] { read_net_class(roots_); }, ErrorKind::Io,
                             attr("ifalias") + ": larger than the read limit of 4096 bytes");
}

}  // namespace
}  // namespace hp

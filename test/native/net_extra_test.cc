// The parsers of native/core/net_extra.h (conntrack, softnet, arp, udp_queues) over literal
// inputs of each kernel layout, and their readers over test/fixtures/net-stack{,-6x}.
#include <gtest/gtest.h>

#include <string>

#include "net_extra.h"
#include "support.h"

namespace hp {
namespace {

using test_support::expect_error;
using test_support::fixture;

TEST(Conntrack, SumsPerCpuLinesOf17And16Columns) {
  const std::string hdr =
      "entries searched found new invalid ignore delete delete_list insert insert_failed drop early_drop icmp_error "
      "expect_new expect_create expect_delete search_restart\n";
  auto s = parse_conntrack_stat(
      hdr +
          "00000001 0 00000003 0 00000005 00000006 0 0 00000009 0000000a 0000000b 0000000c 0 0 0 0 00000011\n"
          "00000001 0 00000001 0 00000001 00000001 0 0 00000001 00000001 00000001 00000001 0 0 0 0 00000001\n",
      "t");
  EXPECT_EQ(s.found, 4u);
  EXPECT_EQ(s.invalid, 6u);
  EXPECT_EQ(s.ignore, 7u);
  EXPECT_EQ(s.insert, 10u);
  EXPECT_EQ(s.insert_failed, 11u);
  EXPECT_EQ(s.drop, 12u);
  EXPECT_EQ(s.early_drop, 13u);
  EXPECT_EQ(s.search_restart, 18u);
  auto old = parse_conntrack_stat(hdr + "1 2 3 4 5 6 7 8 9 a b c d e f 10\n", "t");
  EXPECT_EQ(old.search_restart, 0u);
  EXPECT_EQ(old.early_drop, 12u);
  expect_error([&] { parse_conntrack_stat(hdr + "1 2 3\n", "t"); }, ErrorKind::Parse,
               "t: line 2: expected 16 or 17 columns, got 3");
  expect_error([&] { parse_conntrack_stat("", "t"); }, ErrorKind::Parse, "empty file");
}

TEST(Conntrack, ReadsTheFixtureAndLeavesOutWhatIsMissing) {
  auto r = read_conntrack(fixture("net-stack"));
  ASSERT_TRUE(r.entries && r.limit && r.stat);
  EXPECT_EQ(*r.entries, 123u);
  EXPECT_EQ(*r.limit, 65536u);
  EXPECT_EQ(r.stat->ignore, 89738u);
  auto none = read_conntrack(fixture("net-stack-6x"));
  EXPECT_FALSE(none.entries || none.limit || none.stat);
}

TEST(Softnet, ColumnsByKernelVersion) {
  // 2.6.23: 9 columns; 2.6.39: + received_rps; 4.18: + flow_limit_count; 5.14: + backlog, index.
  auto rows = parse_softnet_stat(
      "00000001 00000002 00000003 0 0 0 0 0 00000004\n"
      "00000001 00000002 00000003 0 0 0 0 0 00000004 00000005\n"
      "00000001 00000002 00000003 0 0 0 0 0 00000004 00000005 00000006\n"
      "00000001 00000002 00000003 0 0 0 0 0 00000004 00000005 00000006 00000007 00000009 0 0\n",
      "t");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].cpu, 0u);
  EXPECT_EQ(rows[0].cpu_collision, 4u);
  EXPECT_EQ(rows[0].received_rps, 0u);
  EXPECT_EQ(rows[1].received_rps, 5u);
  EXPECT_EQ(rows[1].flow_limit_count, 0u);
  EXPECT_EQ(rows[2].flow_limit_count, 6u);
  EXPECT_EQ(rows[2].cpu, 2u);
  EXPECT_EQ(rows[3].backlog_len, 7u);
  EXPECT_EQ(rows[3].cpu, 9u);
  expect_error([] { parse_softnet_stat("1 2 3 4 5 6 7 8\n", "t"); }, ErrorKind::Parse,
               "line 1: expected at least 9 columns, got 8");
  expect_error([] { parse_softnet_stat("1 2 3 4 5 6 7 8 -1\n", "t"); }, ErrorKind::Parse, "bad cpu_collision '-1'");
  expect_error([] { read_softnet_stat(fixture("net-stack-missing")); }, ErrorKind::NotFound, "softnet_stat");
}

TEST(Arp, CountsPerDeviceInFileOrder) {
  const std::string hdr = "IP address       HW type     Flags       HW address            Mask     Device\n";
  auto rows = parse_arp(hdr +
                            "10.0.0.2 0x1 0x2 aa:bb:cc:dd:ee:01 * eth1\n"
                            "10.0.0.3 0x1 0x0 00:00:00:00:00:00 * eth0\n"
                            "10.0.0.4 0x20 0x2 80:00:00:48:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0a:0b:0c * ib0\n"
                            "10.0.0.5 0x1 0x2 aa:bb:cc:dd:ee:02 * eth1\n",
                        "t");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (std::pair<std::string, uint64_t>{"eth1", 2}));
  EXPECT_EQ(rows[1], (std::pair<std::string, uint64_t>{"eth0", 1}));
  EXPECT_EQ(rows[2], (std::pair<std::string, uint64_t>{"ib0", 1}));
  EXPECT_TRUE(parse_arp(hdr, "t").empty());
  expect_error([&] { parse_arp(hdr + "10.0.0.1 0x1 0x2 aa:bb:cc:dd:ee:ff * eth0 x\n", "t"); }, ErrorKind::Parse,
               "line 2: expected 6 columns, got 7");
  expect_error([&] { parse_arp(hdr + "10.0.0.1 0x1 0x2 aa:bb:cc:dd:ee:f * eth0\n", "t"); }, ErrorKind::Parse,
               "bad HW address");
  expect_error([&] { parse_arp(hdr + "10.0.0.1 0x1 0x200 aa:bb:cc:dd:ee:ff * eth0\n", "t"); }, ErrorKind::Parse,
               "bad flags '0x200'");
}

TEST(Arp, AFixtureTreeIsReadFromItsFileEvenWithNetlink) {
  auto rows = read_arp_entries(fixture("net-stack"), true);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (std::pair<std::string, uint64_t>{"eth0", 3}));
  EXPECT_EQ(rows[2], (std::pair<std::string, uint64_t>{"nope", 1}));
}

TEST(UdpQueues, SumsHexQueues) {
  const std::string hdr =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer "
      "drops\n";
  auto q = parse_udp_queues(
      hdr +
          "   0: 00000000:0016 00000000:0000 07 00000015:00000100 00:00000000 00000000 0 0 1 2 0000000000000000 0\n"
          "   1: 00000000:0017 00000000:0000 07 00000001:00000001 00:00000000 00000000 0 0 2 2 0000000000000000 0\n",
      "t");
  EXPECT_EQ(q.tx, 0x16u);
  EXPECT_EQ(q.rx, 0x101u);
  EXPECT_EQ(parse_udp_queues(hdr, "t").tx, 0u);
  expect_error([&] { parse_udp_queues(hdr + "   0: 00000000:0016 00000000:0000 07 0000001z:0 00:0 0 0 0 1 2\n", "t"); },
               ErrorKind::Parse, "bad tx_queue '0000001z'");
  auto r = read_udp_queues(fixture("net-stack"));
  ASSERT_TRUE(r.v4);
  EXPECT_FALSE(r.v6);
  EXPECT_EQ(r.v4->tx, 21u);
}

}  // namespace
}  // namespace hp

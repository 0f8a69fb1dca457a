// Parsers and readers of the net area: /proc/net/dev, sockstat, netstat/snmp/snmp6,
// /sys/class/net, the socket tables and the connection readers, over literal inputs and the
// fixture trees under test/fixtures/net-*.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <random>

#include "error.h"
#include "fs.h"
#include "net.h"
#include "net_connections.h"
#include "net_diag.h"
#include "net_if.h"
#include "roots.h"

namespace hp {
namespace {

const std::string kFix = HOSTPROBE_FIXTURES;

Roots fixture_roots(const std::string& name) {
  Roots r;
  r.procfs = kFix + "/" + name + "/proc";
  r.sysfs = kFix + "/" + name + "/sys";
  r.rootfs = kFix + "/" + name;
  return r;
}

// Runs `f`, expecting an hp::Error of `kind` whose message contains `needle`.
template <typename F>
void expect_error(F&& f, ErrorKind kind, const std::string& needle) {
  try {
    f();
    ADD_FAILURE() << "expected an error containing '" << needle << "'";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

double field(const StatGroups& g, const std::string& proto, const std::string& name) {
  for (const auto& grp : g)
    if (grp.name == proto)
      for (const auto& [k, v] : grp.fields)
        if (k == name) return v;
  ADD_FAILURE() << "no " << proto << "." << name;
  return -12345;
}

const StatGroup* group(const StatGroups& g, const std::string& proto) {
  for (const auto& grp : g)
    if (grp.name == proto) return &grp;
  return nullptr;
}

// ---------------------------------------------------------------- net/dev

constexpr const char* kDevHeader =
    "Inter-|   Receive                                                |  Transmit\n"
    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier "
    "compressed\n";

TEST(NetDev, ParsesAllSixteenColumnsAndSplitsAtLastColon) {
  std::string text =
      std::string(kDevHeader) +
      "  eth0: 315070614    8962    1    2    3     4          5         6   566797    5296    7    8    9    10      "
      "11         12\n"
      "weird:name:     1     2     3     4     5     6     7     8     9    10    11    12    13    14    15    16\n"
      "eth1:4294967290 100 0 0 0 0 0 0 2000 20 0 0 0 0 0 0\n";
  auto rows = parse_net_dev(text, "/x/net/dev");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].name, "eth0");
  EXPECT_EQ(rows[0].v[kRxBytes], 315070614u);
  EXPECT_EQ(rows[0].v[kRxPackets], 8962u);
  EXPECT_EQ(rows[0].v[kRxErrs], 1u);
  EXPECT_EQ(rows[0].v[kRxDrop], 2u);
  EXPECT_EQ(rows[0].v[kRxFifo], 3u);
  EXPECT_EQ(rows[0].v[kRxFrame], 4u);
  EXPECT_EQ(rows[0].v[kRxCompressed], 5u);
  EXPECT_EQ(rows[0].v[kRxMulticast], 6u);
  EXPECT_EQ(rows[0].v[kTxBytes], 566797u);
  EXPECT_EQ(rows[0].v[kTxPackets], 5296u);
  EXPECT_EQ(rows[0].v[kTxErrs], 7u);
  EXPECT_EQ(rows[0].v[kTxDrop], 8u);
  EXPECT_EQ(rows[0].v[kTxFifo], 9u);
  EXPECT_EQ(rows[0].v[kTxColls], 10u);
  EXPECT_EQ(rows[0].v[kTxCarrier], 11u);
  EXPECT_EQ(rows[0].v[kTxCompressed], 12u);
  EXPECT_EQ(rows[1].name, "weird:name");
  for (size_t i = 0; i < kNetDevFieldCount; ++i) EXPECT_EQ(rows[1].v[i], i + 1);
  // Old kernels print no space after the colon.
  EXPECT_EQ(rows[2].name, "eth1");
  EXPECT_EQ(rows[2].v[kRxBytes], 4294967290u);
  EXPECT_EQ(rows[2].v[kTxPackets], 20u);
}

TEST(NetDev, EmptyTableAndBlankLines) {
  EXPECT_TRUE(parse_net_dev(kDevHeader).empty());
  EXPECT_EQ(parse_net_dev(std::string(kDevHeader) + "\n  lo: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n\n").size(), 1u);
}

TEST(NetDev, MalformedLinesThrowParseErrorsNamingTheFile) {
  expect_error([] { parse_net_dev(std::string(kDevHeader) + "  eth0 1 2 3\n", "/p/net/dev"); }, ErrorKind::Parse,
               "/p/net/dev: line 3");
  expect_error([] { parse_net_dev(std::string(kDevHeader) + "  eth0: 1 2 3 4\n", "/p/net/dev"); }, ErrorKind::Parse,
               "expected 16 counters, got 4");
  expect_error(
      [] {
        parse_net_dev(std::string(kDevHeader) + "  eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 x16\n", "/p/net/dev");
      },
      ErrorKind::Parse, "bad counter 'x16'");
  expect_error([] { parse_net_dev(std::string(kDevHeader) + "   : 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n"); },
               ErrorKind::Parse, "empty interface name");
}

TEST(NetDev, HostModeReadsPid1NotSelf) {
  Roots r = fixture_roots("net-basic");
  ASSERT_TRUE(r.host_mode());
  auto rows = read_net_dev(r);
  std::vector<std::string> names;
  for (auto& row : rows) names.push_back(row.name);
  EXPECT_EQ(names, (std::vector<std::string>{"lo", "eth0", "br-1.lan", "weird:name", "eth1", "we@ird", "wlän0"}));
  EXPECT_EQ(rows[0].v[kRxBytes], 3245u);  // proc/self/net/dev says 7
  EXPECT_EQ(rows[4].v[kRxBytes], 9007199254740991u);
}

TEST(NetDev, MalformedFixtureNamesThePath) {
  expect_error([] { read_net_dev(fixture_roots("net-malformed")); }, ErrorKind::Parse,
               "net-malformed/proc/1/net/dev: line 4 (eth0): expected 16 counters");
}

TEST(NetDev, LiveSelfHasLoopback) {
  auto rows = read_net_dev(Roots{});
  EXPECT_TRUE(std::any_of(rows.begin(), rows.end(), [](const NetDevCounters& r) { return r.name == "lo"; }));
}

// ---------------------------------------------------------------- sockstat

TEST(SockStat, NewKernelWithSockstat6) {
  auto g = read_sockstat(fixture_roots("net-basic"));
  EXPECT_EQ(field(g, "sockets", "used"), 16);
  EXPECT_EQ(field(g, "TCP", "inuse"), 2);
  EXPECT_EQ(field(g, "TCP", "orphan"), 0);
  EXPECT_EQ(field(g, "TCP", "tw"), 6);
  EXPECT_EQ(field(g, "TCP", "alloc"), 2);
  EXPECT_EQ(field(g, "TCP", "mem"), 38);
  EXPECT_EQ(field(g, "UDP", "mem"), 0);
  EXPECT_EQ(field(g, "FRAG", "memory"), 0);
  EXPECT_EQ(field(g, "TCP6", "inuse"), 1);
  EXPECT_EQ(field(g, "UDP6", "inuse"), 3);
  EXPECT_EQ(field(g, "FRAG6", "memory"), 0);
  ASSERT_NE(group(g, "UDPLITE6"), nullptr);
  EXPECT_EQ(g.size(), 11u);
}

TEST(SockStat, OldKernelWithoutUdpliteOrSockstat6) {
  auto g = read_sockstat(fixture_roots("net-oldkernel"));
  EXPECT_EQ(field(g, "sockets", "used"), 127);
  EXPECT_EQ(field(g, "TCP", "alloc"), 11);
  EXPECT_EQ(group(g, "UDP")->fields.size(), 1u);  // no mem field
  EXPECT_EQ(group(g, "UDPLITE"), nullptr);
  EXPECT_EQ(group(g, "TCP6"), nullptr);
}

TEST(SockStat, MalformedLines) {
  StatGroups g;
  expect_error([&] { parse_sockstat("TCP: inuse 2 orphan\n", "/p/sockstat", g); }, ErrorKind::Parse,
               "/p/sockstat: line 1 (TCP): fields do not come in name/value pairs");
  expect_error([&] { parse_sockstat("TCP: inuse two\n", "/p/sockstat", g); }, ErrorKind::Parse,
               "bad value 'two' for inuse");
  expect_error([&] { parse_sockstat("no colon here\n", "/p/sockstat", g); }, ErrorKind::Parse, "line 1");
  expect_error([] { read_sockstat(fixture_roots("net-malformed")); }, ErrorKind::Parse,
               "net-malformed/proc/1/net/sockstat: line 2");
}

// ---------------------------------------------------------------- netstat

TEST(NetStat, HeaderValuePairs) {
  StatGroups g;
  parse_netstat_pairs(
      "Tcp: RtoAlgorithm RtoMin RtoMax MaxConn CurrEstab\n"
      "Tcp: 1 200 120000 -1 4\n"
      "IcmpMsg: InType3 OutType3\n"
      "IcmpMsg: 45 46\n",
      "/p/snmp", g);
  EXPECT_EQ(field(g, "Tcp", "MaxConn"), -1);
  EXPECT_EQ(field(g, "Tcp", "RtoMax"), 120000);
  EXPECT_EQ(field(g, "IcmpMsg", "OutType3"), 46);
  StatGroups big;
  parse_netstat_pairs("TcpExt: Huge\nTcpExt: 18446744073709551615\n", "/p/netstat", big);
  EXPECT_EQ(field(big, "TcpExt", "Huge"), 18446744073709551615.0);
}

TEST(NetStat, MalformedPairs) {
  StatGroups g;
  expect_error([&] { parse_netstat_pairs("Ip: A B C\nIp: 1 2\n", "/p/snmp", g); }, ErrorKind::Parse,
               "/p/snmp: line 2 (Ip): 3 names but 2 values");
  expect_error([&] { parse_netstat_pairs("Ip: A B\nTcp: 1 2\n", "/p/snmp", g); }, ErrorKind::Parse,
               "value line 'Tcp' does not match header 'Ip'");
  expect_error([&] { parse_netstat_pairs("Ip: A B\n", "/p/snmp", g); }, ErrorKind::Parse,
               "header line without a value line");
  expect_error([&] { parse_netstat_pairs("Ip: A B\nIp: 1 x\n", "/p/snmp", g); }, ErrorKind::Parse,
               "bad value 'x' for B");
  expect_error([] { read_netstat(fixture_roots("net-malformed")); }, ErrorKind::Parse,
               "net-malformed/proc/1/net/snmp: line 2 (Ip): 3 names but 2 values");
}

TEST(NetStat, Snmp6KeyValueLines) {
  StatGroups g;
  parse_snmp6(
      "Ip6InReceives                   \t1\n"
      "Icmp6InType133                  \t2\n"
      "UdpLite6InDatagrams 3\n"
      "NoSixHere 4\n"
      "\n",
      "/p/snmp6", g);
  EXPECT_EQ(field(g, "Ip6", "InReceives"), 1);
  EXPECT_EQ(field(g, "Icmp6", "InType133"), 2);
  EXPECT_EQ(field(g, "UdpLite6", "InDatagrams"), 3);
  EXPECT_EQ(g.size(), 3u);
  expect_error([&] { parse_snmp6("Ip6InReceives x\n", "/p/snmp6", g); }, ErrorKind::Parse, "/p/snmp6: line 1");
  expect_error([&] { parse_snmp6("Ip6InReceives 1 2\n", "/p/snmp6", g); }, ErrorKind::Parse, "expected 'Name value'");
}

TEST(NetStat, NewKernelFixture) {
  auto g = read_netstat(fixture_roots("net-basic"));
  // netstat first, then snmp, then snmp6
  ASSERT_GE(g.size(), 8u);
  EXPECT_EQ(g[0].name, "TcpExt");
  EXPECT_EQ(field(g, "Tcp", "MaxConn"), -1);
  EXPECT_EQ(field(g, "Ip", "Forwarding"), 2);
  EXPECT_EQ(field(g, "Ip", "DefaultTTL"), 64);
  EXPECT_NE(group(g, "IpExt"), nullptr);
  EXPECT_NE(group(g, "MPTcpExt"), nullptr);
  EXPECT_NE(group(g, "Udp"), nullptr);
  EXPECT_EQ(field(g, "Ip6", "InOctets"), 1234567);
  EXPECT_EQ(field(g, "Icmp6", "OutMsgs"), 6);
  EXPECT_EQ(field(g, "Udp6", "NoPorts"), 1);
  EXPECT_GT(group(g, "TcpExt")->fields.size(), 100u);
}

TEST(NetStat, OldKernelFixtureWithoutSnmp6) {
  auto g = read_netstat(fixture_roots("net-oldkernel"));
  EXPECT_EQ(field(g, "TcpExt", "TW"), 17);
  EXPECT_EQ(field(g, "TcpExt", "ListenOverflows"), 3);
  EXPECT_EQ(field(g, "TcpExt", "TCPTimeouts"), 42);
  EXPECT_EQ(field(g, "IpExt", "InOctets"), 987654321);
  EXPECT_EQ(field(g, "Tcp", "CurrEstab"), 4);
  EXPECT_EQ(field(g, "Udp", "NoPorts"), 45);
  EXPECT_EQ(group(g, "Udp")->fields.size(), 6u);
  EXPECT_EQ(group(g, "Ip6"), nullptr);
}

TEST(NetStat, LiveHasTcpAndIp) {
  auto g = read_netstat(Roots{});
  EXPECT_NE(group(g, "Tcp"), nullptr);
  EXPECT_NE(group(g, "Ip"), nullptr);
}

// ---------------------------------------------------------------- sysfs

TEST(NetClass, SysfsIntegers) {
  EXPECT_EQ(parse_sysfs_int("0x1003\n"), 0x1003);
  EXPECT_EQ(parse_sysfs_int("-1"), -1);
  EXPECT_EQ(parse_sysfs_int(" 1500 "), 1500);
  EXPECT_EQ(parse_sysfs_int("0x0"), 0);
  EXPECT_FALSE(parse_sysfs_int(""));
  EXPECT_FALSE(parse_sysfs_int("--1"));
  EXPECT_FALSE(parse_sysfs_int("0x"));
  EXPECT_FALSE(parse_sysfs_int("12abc"));
}

TEST(NetClass, FixtureWithOddNames) {
  auto all = read_net_class(fixture_roots("net-basic"));
  std::vector<std::string> names;
  for (auto& c : all) names.push_back(c.name);
  // sorted; the regular file bonding_masters is not an interface
  EXPECT_EQ(names, (std::vector<std::string>{"br-1.lan", "eth0", "lo", "we@ird", "wlän0"}));
  const NetClassInfo& eth0 = all[1];
  EXPECT_EQ(eth0.address, "02:fc:00:00:00:01");
  EXPECT_EQ(eth0.broadcast, "ff:ff:ff:ff:ff:ff");
  EXPECT_EQ(eth0.duplex, "full");
  EXPECT_EQ(eth0.operstate, "up");
  EXPECT_EQ(eth0.ifalias, "uplink to core");
  EXPECT_EQ(eth0.mtu, 1400);
  EXPECT_EQ(eth0.speed, 10000);
  EXPECT_EQ(eth0.carrier, 1);
  EXPECT_EQ(eth0.carrier_changes, 2);
  EXPECT_EQ(eth0.carrier_up_count, 1);
  EXPECT_EQ(eth0.carrier_down_count, 1);
  EXPECT_EQ(eth0.dormant, 0);
  EXPECT_EQ(eth0.flags, 0x1003);
  EXPECT_EQ(eth0.iflink, 4);
  EXPECT_EQ(eth0.ifindex, 4);
  EXPECT_EQ(eth0.link_mode, 0);
  EXPECT_EQ(eth0.type, 1);
  EXPECT_EQ(eth0.addr_assign_type, 0);
  EXPECT_EQ(eth0.name_assign_type, 4);
  EXPECT_EQ(eth0.netdev_group, 0);
  EXPECT_EQ(eth0.dev_id, 0);
  EXPECT_EQ(eth0.tx_queue_len, 1000);
  const NetClassInfo& br = all[0];
  EXPECT_EQ(br.speed, -1);   // kept raw
  EXPECT_FALSE(br.carrier);  // missing file (EINVAL while down on a real host)
  EXPECT_EQ(br.ifalias, "");
  const NetClassInfo& lo = all[2];
  EXPECT_FALSE(lo.speed);
  EXPECT_FALSE(lo.duplex);
  EXPECT_FALSE(lo.name_assign_type);
  EXPECT_EQ(lo.type, 772);
  EXPECT_EQ(all[3].dev_id, 2);
  EXPECT_EQ(all[3].flags, 0x1103);
  EXPECT_EQ(all[4].operstate, "dormant");
  EXPECT_FALSE(all[4].carrier_changes);  // unparsable -> null
  EXPECT_FALSE(all[4].link_mode);
}

TEST(NetClass, MissingClassNetIsNotFound) {
  expect_error([] { read_net_class(fixture_roots("net-oldkernel")); }, ErrorKind::NotFound, "class/net");
}

TEST(NetClass, LiveLoopback) {
  auto all = read_net_class(Roots{});
  auto it = std::find_if(all.begin(), all.end(), [](const NetClassInfo& c) { return c.name == "lo"; });
  ASSERT_NE(it, all.end());
  EXPECT_EQ(it->type, 772);
  EXPECT_EQ(it->ifindex, static_cast<int64_t>(if_nametoindex("lo")));
}

// ---------------------------------------------------------------- if stats / addrs

TEST(NetIf, FlagNamesInPsutilOrder) {
  EXPECT_EQ(iff_flags_string(IFF_UP | IFF_BROADCAST | IFF_RUNNING | IFF_MULTICAST), "up,broadcast,running,multicast");
  EXPECT_EQ(iff_flags_string(IFF_UP | IFF_LOOPBACK | IFF_RUNNING), "up,loopback,running");
  EXPECT_EQ(iff_flags_string(IFF_POINTOPOINT | IFF_NOARP | IFF_PROMISC | IFF_ALLMULTI | IFF_DYNAMIC),
            "pointopoint,noarp,promisc,allmulti,dynamic");
  EXPECT_EQ(iff_flags_string(0), "");
}

TEST(NetIf, EthtoolMappings) {
  EXPECT_EQ(map_ethtool_duplex(1), kDuplexFull);  // DUPLEX_FULL
  EXPECT_EQ(map_ethtool_duplex(0), kDuplexHalf);  // DUPLEX_HALF
  EXPECT_EQ(map_ethtool_duplex(0xff), kDuplexUnknown);
  EXPECT_EQ(map_ethtool_speed(10000), 10000u);
  EXPECT_EQ(map_ethtool_speed(0xffffffffu), 0u);  // SPEED_UNKNOWN
  EXPECT_EQ(map_ethtool_speed(0x80000000u), 0u);  // > INT_MAX
}

TEST(NetIf, MacFormatting) {
  const unsigned char mac[6] = {0x02, 0xfc, 0, 0, 0, 0x01};
  EXPECT_EQ(format_mac(mac, 6), "02:fc:00:00:00:01");
  const unsigned char shortmac[2] = {0xab, 0xcd};
  EXPECT_EQ(format_mac(shortmac, 2), "ab:cd:00:00:00:00");
  unsigned char ib[20];
  for (int i = 0; i < 20; ++i) ib[i] = static_cast<unsigned char>(i);
  EXPECT_EQ(format_mac(ib, 20).size(), 20u * 3 - 1);
  EXPECT_EQ(format_mac(mac, 0), "");
  EXPECT_TRUE(is_host_netmask_v4("255.255.255.255"));
  EXPECT_FALSE(is_host_netmask_v4("255.255.255.0"));
}

TEST(NetIf, HostModeStatsComeFromSysfs) {
  Roots r = fixture_roots("net-basic");
  EXPECT_FALSE(same_netns_as_host(r));  // no proc/1/ns/net in the fixture
  auto stats = read_nic_stats(r);
  std::map<std::string, NicStats> by;
  for (auto& s : stats) by[s.name] = s;
  // weird:name and eth1 have no sysfs directory: skipped like ENODEV.
  ASSERT_EQ(stats.size(), 5u);
  EXPECT_EQ(stats[0].name, "lo");  // net/dev order
  EXPECT_TRUE(by["lo"].is_up);     // operstate unknown counts as running
  EXPECT_EQ(by["lo"].flags_str, "up,loopback,running");
  EXPECT_EQ(by["lo"].mtu, 65536);
  EXPECT_EQ(by["lo"].speed, 0u);
  EXPECT_EQ(by["lo"].duplex, kDuplexUnknown);
  EXPECT_TRUE(by["eth0"].is_up);
  EXPECT_EQ(by["eth0"].flags_str, "up,broadcast,running,multicast");
  EXPECT_EQ(by["eth0"].speed, 10000u);
  EXPECT_EQ(by["eth0"].duplex, kDuplexFull);
  EXPECT_EQ(by["eth0"].mtu, 1400);
  EXPECT_FALSE(by["br-1.lan"].is_up);
  EXPECT_EQ(by["br-1.lan"].flags_str, "broadcast,multicast");
  EXPECT_EQ(by["br-1.lan"].speed, 0u);  // -1
  EXPECT_EQ(by["br-1.lan"].duplex, kDuplexUnknown);
  EXPECT_EQ(by["we@ird"].duplex, kDuplexHalf);
  EXPECT_EQ(by["we@ird"].speed, 100u);
  EXPECT_EQ(by["we@ird"].flags_str, "up,broadcast,running,promisc,multicast");
  EXPECT_FALSE(by["wlän0"].is_up);  // dormant: not running
  EXPECT_EQ(by["wlän0"].flags_str, "up,broadcast,multicast");
}

TEST(NetIf, LiveStatsOfLoopback) {
  auto stats = read_nic_stats(Roots{});
  auto it = std::find_if(stats.begin(), stats.end(), [](const NicStats& s) { return s.name == "lo"; });
  ASSERT_NE(it, stats.end());
  EXPECT_TRUE(it->flags & IFF_LOOPBACK);
  EXPECT_EQ(it->mtu, std::stoi(*read_attr("/sys/class/net/lo/mtu")));
  EXPECT_EQ(it->speed, 0u);
  EXPECT_EQ(it->duplex, kDuplexUnknown);
}

TEST(NetIf, LiveAddrsHaveLoopback) {
  auto addrs = read_nic_addrs();
  bool v4 = false, link = false;
  int last_family = -1;
  for (auto& a : addrs) {
    EXPECT_GE(a.family, last_family);  // sorted by family
    last_family = a.family;
    if (a.name == "lo" && a.family == AF_INET && a.address == "127.0.0.1") {
      v4 = true;
      EXPECT_EQ(a.netmask, "255.0.0.0");
      EXPECT_FALSE(a.broadcast);
    }
    if (a.name == "lo" && a.family == AF_PACKET) {
      link = true;
      EXPECT_EQ(a.address, "00:00:00:00:00:00");
    }
  }
  EXPECT_TRUE(v4);
  EXPECT_TRUE(link);
}

// ---------------------------------------------------------------- socket tables

TEST(SocketTables, AddressDecoding) {
  EXPECT_EQ(decode_ipv4_hex("0100007F"), "127.0.0.1");
  EXPECT_EQ(decode_ipv4_hex("020200C0"), "192.0.2.2");
  EXPECT_EQ(decode_ipv4_hex("00000000"), "0.0.0.0");
  EXPECT_EQ(decode_ipv4_hex("0100007"), "");
  EXPECT_EQ(decode_ipv4_hex("0100007G"), "");
  EXPECT_EQ(decode_ipv6_hex("00000000000000000000000000000000"), "::");
  EXPECT_EQ(decode_ipv6_hex("00000000000000000000000001000000"), "::1");
  EXPECT_EQ(decode_ipv6_hex("0000000000000000FFFF00000100007F"), "::ffff:127.0.0.1");
  EXPECT_EQ(decode_ipv6_hex("000080FE000000000000000001000000"), "fe80::1");
  EXPECT_EQ(decode_ipv6_hex("B80D0120000000000000000001000000"), "2001:db8::1");
  EXPECT_EQ(decode_ipv6_hex("B80D01200000000000000000010000"), "");
  auto a = decode_inet_address("0100007F:1F90", AF_INET, "/p/tcp", 2);
  EXPECT_EQ(a.ip, "127.0.0.1");
  EXPECT_EQ(a.port, 8080);
  expect_error([] { decode_inet_address("0100007F", AF_INET, "/p/tcp", 2); }, ErrorKind::Parse, "/p/tcp: line 2");
  expect_error([] { decode_inet_address("0100007F:", AF_INET, "/p/tcp", 2); }, ErrorKind::Parse, "bad port");
  expect_error([] { decode_inet_address("0100007F:1FFFF", AF_INET, "/p/tcp", 2); }, ErrorKind::Parse, "bad port");
  expect_error([] { decode_inet_address("01007F:0016", AF_INET, "/p/tcp", 2); }, ErrorKind::Parse,
               "bad IPv4 address '01007F'");
  expect_error([] { decode_inet_address("0100007F:0016", AF_INET6, "/p/tcp6", 3); }, ErrorKind::Parse,
               "bad IPv6 address");
}

TEST(SocketTables, InetTables) {
  auto tcp = parse_inet_table(*read_file_if_exists(kFix + "/net-basic/proc/1/net/tcp"), AF_INET, "tcp");
  ASSERT_EQ(tcp.size(), 4u);
  EXPECT_EQ(tcp[0].local.ip, "0.0.0.0");
  EXPECT_EQ(tcp[0].local.port, 8080);
  EXPECT_EQ(tcp[0].remote.port, 0);
  EXPECT_EQ(tcp[0].state, 0x0A);
  EXPECT_EQ(tcp[0].rx_queue, 5u);
  EXPECT_EQ(tcp[0].inode, 11111u);
  EXPECT_EQ(tcp[1].remote.ip, "127.0.0.1");
  EXPECT_EQ(tcp[1].remote.port, 50000);
  EXPECT_EQ(tcp[1].tx_queue, 16u);
  EXPECT_EQ(tcp[1].rx_queue, 32u);
  EXPECT_EQ(tcp[2].local.ip, "192.0.2.2");
  EXPECT_EQ(tcp[2].remote.ip, "203.0.113.80");
  EXPECT_EQ(tcp[2].remote.port, 443);
  EXPECT_EQ(tcp[2].state, 6);
  EXPECT_EQ(tcp[2].inode, 0u);
  auto tcp6 = parse_inet_table(*read_file_if_exists(kFix + "/net-basic/proc/1/net/tcp6"), AF_INET6, "tcp6");
  ASSERT_EQ(tcp6.size(), 4u);
  EXPECT_EQ(tcp6[0].local.ip, "::");
  EXPECT_EQ(tcp6[0].local.port, 22);
  EXPECT_EQ(tcp6[1].local.ip, "::ffff:127.0.0.1");
  EXPECT_EQ(tcp6[2].local.ip, "fe80::1");
  EXPECT_EQ(tcp6[2].remote.ip, "fe80::2");
  EXPECT_EQ(tcp6[2].remote.port, 0xE000);
  EXPECT_EQ(tcp6[3].local.ip, "2001:db8::1");
  auto udp = parse_inet_table(*read_file_if_exists(kFix + "/net-basic/proc/1/net/udp"), AF_INET, "udp");
  ASSERT_EQ(udp.size(), 2u);
  EXPECT_EQ(udp[0].local.port, 68);
  EXPECT_EQ(udp[0].state, 7);
  EXPECT_EQ(udp[1].remote.port, 53);
  EXPECT_TRUE(parse_inet_table("  sl  local_address rem_address   st\n", AF_INET, "t").empty());
}

TEST(SocketTables, MalformedInetLines) {
  const std::string hdr =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
  expect_error(
      [&] { parse_inet_table(hdr + "   0: 00000000:0016 00000000:0000 0A 00000000:00000000\n", AF_INET, "/p/tcp"); },
      ErrorKind::Parse, "/p/tcp: line 2: expected at least 10 fields, got 5");
  expect_error(
      [&] {
        parse_inet_table(hdr + "   0: 00000000:0016 00000000:0000 ZZ 00000000:00000000 00:00000000 00000000 0 0 1\n",
                         AF_INET, "/p/tcp");
      },
      ErrorKind::Parse, "bad state 'ZZ'");
  expect_error(
      [&] {
        parse_inet_table(hdr + "   0: 00000000:0016 00000000:0000 0A 0000000000000000 00:00000000 00000000 0 0 1\n",
                         AF_INET, "/p/tcp");
      },
      ErrorKind::Parse, "bad tx_queue:rx_queue");
  expect_error(
      [&] {
        parse_inet_table(hdr + "   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 x1\n",
                         AF_INET, "/p/tcp");
      },
      ErrorKind::Parse, "bad inode 'x1'");
  expect_error([] { read_tcp_states(fixture_roots("net-malformed")); }, ErrorKind::Parse,
               "net-malformed/proc/1/net/tcp: line 2: expected at least 10 fields, got 5");
}

TEST(SocketTables, UnixTableWithSpacesAbstractAndNewlines) {
  auto rows = parse_unix_table(*read_file_if_exists(kFix + "/net-basic/proc/1/net/unix"), "unix");
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].path, "/run/my app/sock et");
  EXPECT_EQ(rows[0].type, SOCK_STREAM);
  EXPECT_EQ(rows[0].inode, 77777u);
  EXPECT_EQ(rows[1].path, "@abstract@name");
  EXPECT_EQ(rows[1].type, SOCK_DGRAM);
  EXPECT_EQ(rows[2].path, "");
  EXPECT_EQ(rows[2].state, 3);
  EXPECT_EQ(rows[2].inode, 99999u);
  EXPECT_EQ(rows[3].path, "/tmp/with\nnewline");
  EXPECT_EQ(rows[3].type, SOCK_SEQPACKET);
  EXPECT_EQ(rows[4].inode, 20202u);
  expect_error([] { parse_unix_table("Num RefCount\ngarbage here\n", "/p/unix"); }, ErrorKind::Parse,
               "/p/unix: line 2: not a socket line");
  expect_error([] { parse_unix_table("Num RefCount\n0000: 00000002 00000000\n", "/p/unix"); }, ErrorKind::Parse,
               "expected at least 7 fields, got 3");
  expect_error([] { parse_unix_table("Num RefCount\n0000: 00000002 00000000 00000000 0001 01 x\n", "/p/unix"); },
               ErrorKind::Parse, "bad type, state or inode");
}

TEST(SocketTables, StatusNames) {
  EXPECT_STREQ(tcp_status_name(1), "ESTABLISHED");
  EXPECT_STREQ(tcp_status_name(0x0A), "LISTEN");
  EXPECT_STREQ(tcp_status_name(0x0B), "CLOSING");
  EXPECT_STREQ(tcp_status_name(0x0C), "NONE");
  EXPECT_STREQ(tcp_state_label(6), "time_wait");
  EXPECT_STREQ(tcp_state_label(4), "fin_wait1");
  EXPECT_EQ(tcp_state_label(12), nullptr);
}

TEST(TcpStates, CountsOverTcpAndTcp6) {
  auto c = read_tcp_states(fixture_roots("net-basic"));
  EXPECT_EQ(c.counts[10], 3u);  // listen: 0.0.0.0:8080, [::]:22, [2001:db8::1]:443
  EXPECT_EQ(c.counts[1], 3u);   // established
  EXPECT_EQ(c.counts[6], 1u);   // time_wait
  EXPECT_EQ(c.counts[8], 1u);   // close_wait
  EXPECT_EQ(c.counts[0], 0u);
  EXPECT_EQ(c.tx_queued_bytes, 16u + 1u);
  EXPECT_EQ(c.rx_queued_bytes, 5u + 32u + 2u);
  auto old = read_tcp_states(fixture_roots("net-oldkernel"));  // no tcp6
  EXPECT_EQ(old.counts[10], 1u);
  TcpStateCounts u;
  count_tcp_states("hdr\n 0: 0:0 0:0 0C 0:0 00:0 0 0 0 77\n", "t", u);
  expect_error([&] { count_tcp_states("hdr\n 0: 0:0 0:0 0C 0:0 00:0 0 0 0\n", "/p/tcp", u); }, ErrorKind::Parse,
               "/p/tcp: line 2: expected at least 10 fields, got 9");
  expect_error([&] { count_tcp_states("hdr\n 0: 0:0 0:0 0A 00 00:0 0 0 0 1\n", "/p/tcp", u); }, ErrorKind::Parse,
               "bad tx_queue:rx_queue");
  EXPECT_EQ(u.counts[0], 1u);
}

// ---------------------------------------------------------------- sock_diag

// The rows /proc/self/net/tcp{,6} give, in the sock_diag row's terms, sorted.
std::vector<std::string> file_tcp_rows() {
  std::vector<std::string> out;
  for (auto [file, fam] : {std::pair{"/proc/self/net/tcp", AF_INET}, std::pair{"/proc/self/net/tcp6", AF_INET6}}) {
    auto text = read_file_if_exists(file);
    if (!text) continue;
    for (const auto& r : parse_inet_table(*text, fam, file))
      out.push_back(std::to_string(fam) + " " + r.local.ip + ":" + std::to_string(r.local.port) + " " + r.remote.ip +
                    ":" + std::to_string(r.remote.port) + " st" + std::to_string(r.state) + " q" +
                    std::to_string(r.tx_queue) + "/" + std::to_string(r.rx_queue) + " i" + std::to_string(r.inode));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> diag_tcp_rows(const std::vector<TcpDiagRow>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows)
    out.push_back(std::to_string(r.family) + " " + diag_ip(r, true) + ":" + std::to_string(r.sport) + " " +
                  diag_ip(r, false) + ":" + std::to_string(r.dport) + " st" + std::to_string(r.state) + " q" +
                  std::to_string(r.tx_queue) + "/" + std::to_string(r.rx_queue) + " i" + std::to_string(r.inode));
  std::sort(out.begin(), out.end());
  return out;
}

TEST(SockDiag, SameRowsAsProcNetTcpAtAStableMoment) {
  // A listener, a connected pair and an IPv6 listener, so there is something to compare.
  int l = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in sa {};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(l, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)), 0);
  ASSERT_EQ(::listen(l, 4), 0);
  socklen_t len = sizeof(sa);
  ::getsockname(l, reinterpret_cast<sockaddr*>(&sa), &len);
  int c = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_EQ(::connect(c, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)), 0);
  int l6 = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in6 sa6 {};
  sa6.sin6_family = AF_INET6;
  sa6.sin6_addr = in6addr_loopback;
  bool v6 = l6 >= 0 && ::bind(l6, reinterpret_cast<sockaddr*>(&sa6), sizeof(sa6)) == 0 && ::listen(l6, 1) == 0;

  auto first = tcp_sock_diag_dump();
  ASSERT_TRUE(first.has_value()) << "sock_diag refused on this host";
  bool compared = false;
  for (int attempt = 0; attempt < 50 && !compared; ++attempt) {
    auto before = file_tcp_rows();
    auto diag = tcp_sock_diag_dump();
    ASSERT_TRUE(diag.has_value());
    auto after = file_tcp_rows();
    if (before != after) continue;
    EXPECT_EQ(diag_tcp_rows(*diag), before);
    compared = true;
    // Listeners come first, as in the file.
    bool seen_other = false;
    for (const auto& r : *diag) {
      if (r.state != 10)
        seen_other = true;
      else
        EXPECT_FALSE(seen_other);
    }
  }
  EXPECT_TRUE(compared) << "the tcp tables never held still";
  auto diag = *tcp_sock_diag_dump();
  EXPECT_TRUE(std::any_of(diag.begin(), diag.end(), [&](const TcpDiagRow& r) {
    return r.family == AF_INET && r.state == 10 && r.sport == ntohs(sa.sin_port) && diag_ip(r, true) == "127.0.0.1";
  }));
  if (v6) {
    socklen_t len6 = sizeof(sa6);
    ::getsockname(l6, reinterpret_cast<sockaddr*>(&sa6), &len6);
    EXPECT_TRUE(std::any_of(diag.begin(), diag.end(), [&](const TcpDiagRow& r) {
      return r.family == AF_INET6 && r.sport == ntohs(sa6.sin6_port) && diag_ip(r, true) == "::1";
    }));
  }
  ::close(c);
  ::close(l);
  if (l6 >= 0) ::close(l6);
}

TEST(SockDiag, PerFamilyDumpsGiveTheSameRows) {
  bool compared = false;
  for (int attempt = 0; attempt < 50 && !compared; ++attempt) {
    auto a = tcp_sock_diag_dump(true);
    auto b = tcp_sock_diag_dump(false);
    auto c = tcp_sock_diag_dump(true);
    ASSERT_TRUE(a && b && c);
    if (diag_tcp_rows(*a) != diag_tcp_rows(*c)) continue;
    EXPECT_EQ(diag_tcp_rows(*b), diag_tcp_rows(*a));
    compared = true;
  }
  EXPECT_TRUE(compared);
}

TEST(SockDiag, TcpStatesEqualTheFileCountsAtAStableMoment) {
  Roots live;
  bool compared = false;
  for (int attempt = 0; attempt < 50 && !compared; ++attempt) {
    auto count_files = [] {
      TcpStateCounts c;
      count_tcp_states(read_file("/proc/self/net/tcp"), "tcp", c);
      if (auto t = read_file_if_exists("/proc/self/net/tcp6")) count_tcp_states(*t, "tcp6", c);
      return c;
    };
    auto before = count_files();
    auto ours = read_tcp_states(live);  // the sock_diag path
    auto after = count_files();
    if (before.counts != after.counts || before.rx_queued_bytes != after.rx_queued_bytes ||
        before.tx_queued_bytes != after.tx_queued_bytes)
      continue;
    EXPECT_EQ(ours.counts, before.counts);
    EXPECT_EQ(ours.rx_queued_bytes, before.rx_queued_bytes);
    EXPECT_EQ(ours.tx_queued_bytes, before.tx_queued_bytes);
    compared = true;
  }
  EXPECT_TRUE(compared);
}

TEST(SockDiag, NetnsComparison) {
  EXPECT_TRUE(same_netns("/proc/self/ns/net"));
  EXPECT_TRUE(same_netns("/proc/" + std::to_string(::getpid()) + "/ns/net"));
  EXPECT_FALSE(same_netns(kFix + "/net-basic/proc/1/ns/net"));
}

// ---------------------------------------------------------------- robustness

// Mutated kernel files (bytes replaced, deleted, inserted, cut) must parse or throw a Parse
// error: no crash, no other exception (run under ASan/UBSan with HOSTPROBE_SANITIZE=1).
TEST(Robustness, MutatedInputsParseOrThrowParseErrors) {
  const std::string dir = kFix + "/net-basic/proc/1/net/";
  struct Case {
    const char* file;
    std::function<void(const std::string&)> parse;
  };
  std::vector<Case> cases = {
      {"dev", [](const std::string& t) { parse_net_dev(t, "dev"); }},
      {"sockstat",
       [](const std::string& t) {
         StatGroups g;
         parse_sockstat(t, "sockstat", g);
       }},
      {"netstat",
       [](const std::string& t) {
         StatGroups g;
         parse_netstat_pairs(t, "netstat", g);
       }},
      {"snmp",
       [](const std::string& t) {
         StatGroups g;
         parse_netstat_pairs(t, "snmp", g);
       }},
      {"snmp6",
       [](const std::string& t) {
         StatGroups g;
         parse_snmp6(t, "snmp6", g);
       }},
      {"tcp",
       [](const std::string& t) {
         parse_inet_table(t, AF_INET, "tcp");
         TcpStateCounts c;
         count_tcp_states(t, "tcp", c);
       }},
      {"tcp6", [](const std::string& t) { parse_inet_table(t, AF_INET6, "tcp6"); }},
      {"udp", [](const std::string& t) { parse_inet_table(t, AF_INET, "udp"); }},
      {"unix", [](const std::string& t) { parse_unix_table(t, "unix"); }},
  };
  std::mt19937 rng(12345);
  const char alphabet[] = "0123456789abcdefABCDEF: \n\t-+x@/";
  for (const auto& c : cases) {
    const std::string original = read_file(dir + c.file);
    int parsed = 0, rejected = 0;
    for (int i = 0; i < 3000; ++i) {
      std::string t = original;
      int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits && !t.empty(); ++e) {
        size_t pos = rng() % t.size();
        switch (rng() % 4) {
          case 0: t[pos] = alphabet[rng() % (sizeof(alphabet) - 1)]; break;
          case 1: t.erase(pos, 1 + rng() % 8); break;
          case 2: t.insert(pos, 1, alphabet[rng() % (sizeof(alphabet) - 1)]); break;
          case 3: t.resize(pos); break;
        }
      }
      try {
        c.parse(t);
        ++parsed;
      } catch (const Error& e) {
        ASSERT_EQ(e.kind(), ErrorKind::Parse) << c.file << ": " << e.what();
        ASSERT_NE(std::string(e.what()).find(c.file), std::string::npos) << e.what();
        ++rejected;
      }
    }
    EXPECT_GT(rejected, 0) << c.file;
    EXPECT_GT(parsed + rejected, 0) << c.file;
  }
}

// ---------------------------------------------------------------- connections

std::vector<Connection> conns(const std::string& kind, std::optional<int> pid = std::nullopt) {
  return read_connections(fixture_roots("net-basic"), kind, pid);
}

const Connection* by_inode(const std::vector<Connection>& v, uint64_t inode) {
  for (const auto& c : v)
    if (c.inode == inode) return &c;
  return nullptr;
}

TEST(Connections, Tcp4WithOwners) {
  auto v = conns("tcp4");
  ASSERT_EQ(v.size(), 4u);
  const Connection* listen = by_inode(v, 11111);
  ASSERT_NE(listen, nullptr);
  // Shared by pid 1 (fd 3) and pid 5000 (fd 3): the last pid scanned wins, as psutil.
  EXPECT_EQ(listen->pid, 5000);
  EXPECT_EQ(listen->fd, 3);
  EXPECT_EQ(listen->status, "LISTEN");
  EXPECT_EQ(listen->family, AF_INET);
  EXPECT_EQ(listen->type, SOCK_STREAM);
  ASSERT_TRUE(listen->laddr);
  EXPECT_EQ(listen->laddr->ip, "0.0.0.0");
  EXPECT_EQ(listen->laddr->port, 8080);
  EXPECT_FALSE(listen->raddr);
  const Connection* est = by_inode(v, 22222);
  ASSERT_NE(est, nullptr);
  EXPECT_EQ(est->pid, 4242);
  EXPECT_EQ(est->fd, 5);
  EXPECT_EQ(est->status, "ESTABLISHED");
  EXPECT_EQ(est->raddr->port, 50000);
  const Connection* tw = by_inode(v, 0);
  ASSERT_NE(tw, nullptr);
  EXPECT_FALSE(tw->pid);
  EXPECT_EQ(tw->fd, -1);
  EXPECT_EQ(tw->status, "TIME_WAIT");
}

TEST(Connections, KindsSelectTables) {
  auto count_family = [](const std::vector<Connection>& v, int fam) {
    return std::count_if(v.begin(), v.end(), [fam](const Connection& c) { return c.family == fam; });
  };
  EXPECT_EQ(conns("tcp6").size(), 4u);
  EXPECT_EQ(conns("tcp").size(), 8u);
  EXPECT_EQ(conns("udp4").size(), 2u);
  EXPECT_EQ(conns("udp6").size(), 1u);
  EXPECT_EQ(conns("udp").size(), 3u);
  EXPECT_EQ(conns("inet4").size(), 6u);
  EXPECT_EQ(conns("inet6").size(), 5u);
  auto inet = conns("inet");
  EXPECT_EQ(inet.size(), 11u);
  EXPECT_EQ(count_family(inet, AF_UNIX), 0);
  auto all = conns("all");
  // unix: 77777 is held twice by pid 4242 (fds 6 and 7): one row per fd.
  EXPECT_EQ(count_family(all, AF_UNIX), 6);
  EXPECT_EQ(all.size(), 17u);
  for (const auto& c : conns("udp")) EXPECT_EQ(c.status, "NONE");
  auto udp4 = conns("udp4");
  const Connection* udp = by_inode(udp4, 44444);
  ASSERT_NE(udp, nullptr);
  EXPECT_EQ(udp->pid, 4242);
  EXPECT_EQ(udp->fd, 8);
  EXPECT_EQ(udp->type, SOCK_DGRAM);
  EXPECT_FALSE(udp->raddr);
}

TEST(Connections, UnixRows) {
  auto v = conns("unix");
  ASSERT_EQ(v.size(), 6u);
  std::vector<int> fds;
  for (const auto& c : v) {
    EXPECT_EQ(c.family, AF_UNIX);
    EXPECT_EQ(c.status, "NONE");
    EXPECT_FALSE(c.laddr);
    EXPECT_FALSE(c.raddr);
    if (c.inode == 77777) {
      EXPECT_EQ(c.path, "/run/my app/sock et");
      EXPECT_EQ(c.pid, 4242);
      fds.push_back(c.fd);
    }
  }
  EXPECT_EQ(fds, (std::vector<int>{6, 7}));
  EXPECT_EQ(by_inode(v, 88888)->fd, -1);
  EXPECT_FALSE(by_inode(v, 88888)->pid);
  EXPECT_EQ(by_inode(v, 99999)->pid, 5000);
  EXPECT_EQ(by_inode(v, 10101)->type, SOCK_SEQPACKET);
}

TEST(Connections, IdenticalRowsAreReportedOnce) {
  // Two unowned, unnamed stream sockets in the same state collapse into one row, as
  // psutil's set() does.
  std::string dir = ::testing::TempDir() + "hp-net-dedupe";
  std::string net = dir + "/proc/1/net";
  ASSERT_EQ(std::system(("mkdir -p '" + net + "'").c_str()), 0);
  FILE* f = std::fopen((net + "/unix").c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs(
      "Num       RefCount Protocol Flags    Type St Inode Path\n"
      "0000000000000000: 00000003 00000000 00000000 0001 03  1001\n"
      "0000000000000000: 00000003 00000000 00000000 0001 03  1002\n"
      "0000000000000000: 00000003 00000000 00000000 0002 03  1003\n",
      f);
  std::fclose(f);
  Roots r;
  r.procfs = dir + "/proc";
  EXPECT_EQ(read_connections(r, "unix").size(), 2u);
  std::filesystem::remove_all(dir);
}

TEST(Connections, OnlyPidScansOneProcess) {
  auto v = conns("all", 4242);
  std::vector<uint64_t> inodes;
  for (const auto& c : v) {
    EXPECT_EQ(c.pid, 4242);
    inodes.push_back(c.inode);
  }
  std::sort(inodes.begin(), inodes.end());
  // 22222 (tcp), 34343 (tcp6), 44444 (udp), 77777 twice (unix fds 6 and 7)
  EXPECT_EQ(inodes, (std::vector<uint64_t>{22222, 34343, 44444, 77777, 77777}));
  // Alone, pid 1 owns 11111 (the system-wide scan gives it to pid 5000).
  auto p1 = conns("tcp", 1);
  ASSERT_EQ(p1.size(), 1u);
  EXPECT_EQ(p1[0].inode, 11111u);
  EXPECT_EQ(p1[0].pid, 1);
  EXPECT_TRUE(conns("udp", 5000).empty());
}

TEST(Connections, Errors) {
  expect_error([] { conns("bogus"); }, ErrorKind::InvalidArgument, "invalid kind 'bogus'");
  try {
    conns("all", 31337);
    ADD_FAILURE() << "expected NoSuchProcess";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::NoSuchProcess);
    EXPECT_EQ(e.pid(), 31337);
  }
  expect_error([] { conns("tcp", 0); }, ErrorKind::InvalidArgument, "pid must be a positive number");
  expect_error([] { read_connections(fixture_roots("net-malformed"), "unix"); }, ErrorKind::Parse,
               "net-malformed/proc/1/net/unix: line 2");
  // net-oldkernel has tcp but no tcp6 (no IPv6: skipped) and no udp (required).
  EXPECT_EQ(read_connections(fixture_roots("net-oldkernel"), "tcp").size(), 1u);
  expect_error([] { read_connections(fixture_roots("net-oldkernel"), "udp"); }, ErrorKind::NotFound, "net/udp");
}

TEST(Connections, LiveFindsOwnListenerAndUnixSocket) {
  int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(s, 0);
  struct sockaddr_in sa {};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(s, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)), 0);
  ASSERT_EQ(::listen(s, 1), 0);
  socklen_t len = sizeof(sa);
  ::getsockname(s, reinterpret_cast<sockaddr*>(&sa), &len);
  int port = ntohs(sa.sin_port);

  int u = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(u, 0);
  struct sockaddr_un un {};
  un.sun_family = AF_UNIX;
  std::string name = "hp-net-test " + std::to_string(::getpid());
  std::memcpy(un.sun_path + 1, name.data(), name.size());  // abstract
  ASSERT_EQ(::bind(u, reinterpret_cast<sockaddr*>(&un), offsetof(sockaddr_un, sun_path) + 1 + name.size()), 0);

  for (std::optional<int> only : {std::optional<int>{}, std::optional<int>{::getpid()}}) {
    auto v = read_connections(Roots{}, "all", only);
    bool tcp = false, unix = false;
    for (const auto& c : v) {
      if (c.family == AF_INET && c.laddr && c.laddr->port == port) {
        tcp = true;
        EXPECT_EQ(c.status, "LISTEN");
        EXPECT_EQ(c.pid, ::getpid());
        EXPECT_EQ(c.fd, s);
      }
      if (c.family == AF_UNIX && c.path == "@" + name) {
        unix = true;
        EXPECT_EQ(c.pid, ::getpid());
        EXPECT_EQ(c.fd, u);
        EXPECT_EQ(c.type, SOCK_DGRAM);
      }
    }
    EXPECT_TRUE(tcp);
    EXPECT_TRUE(unix);
  }
  ::close(s);
  ::close(u);
}

}  // namespace
}  // namespace hp

// /proc/net/dev, sockstat / netstat / snmp / snmp6, sysfs integers, /proc/net/{tcp,udp}[6]
// and /proc/net/unix, the sock_diag netlink reply, and the net_if helpers over ioctl and
// getifaddrs data (the MAC bytes, netmasks, IFF_* flags, ethtool numbers).
#include <arpa/inet.h>
#include <sys/socket.h>

#include "../fuzz.h"
#include "net.h"
#include "net_connections.h"
#include "net_diag.h"
#include "net_if.h"

using namespace hp;
using hp::fuzz::name_ok;

HP_FUZZ_TARGET(net_dev) {
  const std::string path = "/proc/net/dev";
  std::vector<NetDevCounters> devs;
  if (fuzz::returns([&] { devs = parse_net_dev(input, path); }, ErrorKind::Parse, &path))
    for (const auto& d : devs) HP_FUZZ_CHECK(name_ok(d.name) && fuzz::no_space(d.name));
}

static void check_groups(const StatGroups& g) {
  for (const auto& group : g) {
    // A group is published through its counters: one with counters has a good name.
    if (!group.fields.empty()) HP_FUZZ_CHECK(name_ok(group.name) && fuzz::no_space(group.name));
    for (const auto& [k, v] : group.fields) {
      HP_FUZZ_CHECK(name_ok(k) && fuzz::no_space(k));
      HP_FUZZ_CHECK(std::isfinite(v));
    }
  }
}

HP_FUZZ_TARGET(net_stat_groups) {
  const std::string path = "/proc/net/netstat";
  StatGroups a, b, c;
  if (fuzz::returns([&] { parse_sockstat(input, path, a); }, ErrorKind::Parse, &path)) check_groups(a);
  if (fuzz::returns([&] { parse_netstat_pairs(input, path, b); }, ErrorKind::Parse, &path)) check_groups(b);
  if (fuzz::returns([&] { parse_snmp6(input, path, c); }, ErrorKind::Parse, &path)) check_groups(c);
  auto v = parse_sysfs_int(input);
  (void)v;
}

static void check_inet(const InetAddr& a, int family) {
  HP_FUZZ_CHECK(!a.ip.empty());
  unsigned char buf[16];
  HP_FUZZ_CHECK(::inet_pton(family, a.ip.c_str(), buf) == 1);
}

HP_FUZZ_TARGET(net_inet) {
  for (int family : {AF_INET, AF_INET6}) {
    const std::string path = family == AF_INET ? "/proc/net/tcp" : "/proc/net/tcp6";
    std::vector<InetSocketRow> rows;
    if (fuzz::returns([&] { rows = parse_inet_table(input, family, path); }, ErrorKind::Parse, &path))
      for (const auto& r : rows) {
        check_inet(r.local, family);
        check_inet(r.remote, family);
        HP_FUZZ_CHECK(r.state >= 0 && r.state <= 0xff);
      }
    TcpStateCounts counts;
    fuzz::returns([&] { count_tcp_states(input, path, counts); }, ErrorKind::Parse, &path);
  }
}

HP_FUZZ_TARGET(net_unix) {
  const std::string path = "/proc/net/unix";
  std::vector<UnixSocketRow> rows;
  if (fuzz::returns([&] { rows = parse_unix_table(input, path); }, ErrorKind::Parse, &path))
    for (const auto& r : rows) {
      HP_FUZZ_CHECK(fuzz::no_nul(r.path));
      HP_FUZZ_CHECK(r.type >= 0 && r.state >= 0);
    }
}

HP_FUZZ_TARGET(net_diag) {
  std::vector<TcpDiagRow> listeners, rows;
  DiagParse p = parse_diag_messages(input, listeners, rows);
  HP_FUZZ_CHECK(p == DiagParse::More || p == DiagParse::Done || p == DiagParse::Refused);
  for (const auto& r : listeners) {
    HP_FUZZ_CHECK(r.state == 10 && r.tx_queue == 0);
  }
  for (const auto& r : rows) HP_FUZZ_CHECK(r.state != 10);
  listeners.insert(listeners.end(), rows.begin(), rows.end());
  for (const auto& r : listeners) {
    HP_FUZZ_CHECK(r.family == AF_INET || r.family == AF_INET6);
    HP_FUZZ_CHECK(!diag_ip(r, true).empty() && !diag_ip(r, false).empty());
  }
  // Every row is a whole message: never more rows than messages fit in the buffer.
  HP_FUZZ_CHECK(listeners.size() <= input.size() / 16);
}

HP_FUZZ_TARGET(net_if) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(input.data());
  std::string mac = format_mac(bytes, input.size());
  // Shorter addresses are padded to six bytes, as psutil does.
  if (!input.empty()) HP_FUZZ_CHECK(mac.size() == std::max<size_t>(input.size(), 6) * 3 - 1);
  (void)is_host_netmask_v4(input);
  uint32_t word = 0;
  std::memcpy(&word, input.data(), std::min<size_t>(input.size(), sizeof(word)));
  std::string flags = iff_flags_string(word);
  HP_FUZZ_CHECK(fuzz::no_space(flags));
  int duplex = map_ethtool_duplex(word);
  HP_FUZZ_CHECK(duplex == kDuplexUnknown || duplex == kDuplexHalf || duplex == kDuplexFull);
  (void)map_ethtool_speed(word);
}

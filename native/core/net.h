// The network area of the core, file-based part: per-NIC counters (/proc/net/dev),
// socket and protocol statistics (/proc/net/sockstat{,6}, netstat, snmp, snmp6) and the
// sysfs view of each interface (/sys/class/net/<if>/...).
//
// Every procfs file here is per network namespace, and /proc/net is a symlink to
// /proc/self/net. So the readers go through Roots::proc_net(): <procfs>/self/net/... for the
// reader's own namespace, <procfs>/1/net/... (the host's PID 1) in host mode, or
// <procfs>/net/... (node_exporter's path) there when <procfs>/1/net does not exist.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "roots.h"

namespace hp {

// ---------------------------------------------------------------- /proc/net/dev

// The 16 columns of /proc/net/dev, in file order.
enum NetDevField : size_t {
  kRxBytes,
  kRxPackets,
  kRxErrs,
  kRxDrop,
  kRxFifo,
  kRxFrame,
  kRxCompressed,
  kRxMulticast,
  kTxBytes,
  kTxPackets,
  kTxErrs,
  kTxDrop,
  kTxFifo,
  kTxColls,
  kTxCarrier,
  kTxCompressed,
  kNetDevFieldCount
};

struct NetDevCounters {
  std::string name;
  std::array<uint64_t, kNetDevFieldCount> v{};
};

// Parses /proc/net/dev: skips the two header lines, splits each line at its LAST ':'
// (interface names can contain ':'), and reads the 16 counters. Blank lines are skipped;
// anything else malformed throws a Parse error naming `path`.
std::vector<NetDevCounters> parse_net_dev(std::string_view text, const std::string& path = "net/dev");
// <procfs>/self/net/dev, or <procfs>/1/net/dev in host mode.
std::vector<NetDevCounters> read_net_dev(const Roots& roots);

// ------------------------------------------- protocol -> field -> number tables

struct StatGroup {
  std::string name;                                    // "TCP", "TcpExt", "Ip6", ...
  std::vector<std::pair<std::string, double>> fields;  // in file order
};
using StatGroups = std::vector<StatGroup>;

// "sockets: used 16" / "TCP: inuse 2 orphan 0 tw 6 alloc 2 mem 38" (sockstat and sockstat6).
// Appends to `out`. Throws a Parse error naming `path` on a malformed line.
void parse_sockstat(std::string_view text, const std::string& path, StatGroups& out);
// Header/value line pairs: "TcpExt: A B C" then "TcpExt: 1 2 3" (netstat and snmp).
void parse_netstat_pairs(std::string_view text, const std::string& path, StatGroups& out);
// "Ip6InReceives  123" lines (snmp6): the protocol is the name up to and including its
// first '6' ("Icmp6InMsgs" -> Icmp6 / InMsgs), as node_exporter does; lines without a '6'
// are skipped.
void parse_snmp6(std::string_view text, const std::string& path, StatGroups& out);

// sockstat (required) + sockstat6 (skipped when missing: no IPv6).
StatGroups read_sockstat(const Roots& roots);
// snmp (required) + netstat + snmp6 (each skipped when missing).
StatGroups read_netstat(const Roots& roots);

// ------------------------------------------------------------- /sys/class/net

struct NetClassInfo {
  std::string name;
  std::optional<std::string> address, broadcast, duplex, operstate, ifalias;
  std::optional<int64_t> mtu, speed, carrier, carrier_changes, carrier_up_count, carrier_down_count, dormant, flags,
      iflink, ifindex, link_mode, type, addr_assign_type, name_assign_type, netdev_group, dev_id, tx_queue_len;
};

// Parses a sysfs integer attribute: decimal, or hex with a 0x prefix ("0x1003"), with an
// optional sign. nullopt when it is not a number.
std::optional<int64_t> parse_sysfs_int(std::string_view s);
// The attributes of <sysfs>/class/net/<name>/; each is nullopt when its file is missing or
// unreadable (speed and duplex give EINVAL while the link is down).
NetClassInfo read_net_class_iface(const Roots& roots, const std::string& name);
// Every interface directory under <sysfs>/class/net (regular files such as
// bonding_masters are skipped), sorted by name. NotFound when class/net is missing.
std::vector<NetClassInfo> read_net_class(const Roots& roots);

}  // namespace hp

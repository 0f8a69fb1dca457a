// The network area's smaller /proc/net tables, one node_exporter collector each:
// conntrack (/proc/sys/net/netfilter/nf_conntrack_{count,max}, /proc/net/stat/nf_conntrack),
// softnet (/proc/net/softnet_stat), arp (/proc/net/arp, or an RTM_GETNEIGH netlink dump) and
// udp_queues (/proc/net/udp{,6}).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "roots.h"

namespace hp {

// ------------------------------------------------------------------- conntrack

// The counters of /proc/net/stat/nf_conntrack summed over its per-CPU lines (node_exporter's
// node_nf_conntrack_stat_*). search_restart is 0 on kernels before 2.6.35 (16 columns).
struct ConntrackStat {
  uint64_t found = 0, invalid = 0, ignore = 0, insert = 0, insert_failed = 0, drop = 0, early_drop = 0,
           search_restart = 0;
};

struct ConntrackReading {
  std::optional<uint64_t> entries, limit;  // nf_conntrack_count / nf_conntrack_max
  std::optional<ConntrackStat> stat;       // net/stat/nf_conntrack
};

// Parses net/stat/nf_conntrack: a header line, then one line of 16 or 17 hex counters per CPU
// (columns by position, as the kernel prints them). Throws a Parse error naming `path`.
ConntrackStat parse_conntrack_stat(std::string_view text, const std::string& path);
// Each part is nullopt when its file is missing (nf_conntrack not loaded).
ConntrackReading read_conntrack(const Roots& roots);

// --------------------------------------------------------------------- softnet

struct SoftnetRow {
  uint32_t cpu = 0;  // the 13th column (5.14+), else the line index
  uint32_t processed = 0, dropped = 0, time_squeezed = 0, cpu_collision = 0, received_rps = 0, flow_limit_count = 0,
           backlog_len = 0;
};

// Parses net/softnet_stat: one line per CPU of at least 9 hex columns; older kernels have
// fewer columns and their absent counters are 0. Throws a Parse error naming `path`.
std::vector<SoftnetRow> parse_softnet_stat(std::string_view text, const std::string& path);
std::vector<SoftnetRow> read_softnet_stat(const Roots& roots);

// ------------------------------------------------------------------------- arp

// IPv4 neighbour entries by device, in order of first appearance.
using ArpCounts = std::vector<std::pair<std::string, uint64_t>>;

// Parses net/arp: the 9-word header, then 6 columns per entry (IP, HW type, flags, HW
// address, mask, device). Throws a Parse error naming `path`.
ArpCounts parse_arp(std::string_view text, const std::string& path);
ArpCounts read_arp(const Roots& roots);
// One RTM_GETNEIGH dump (AF_INET) of the CALLER's network namespace, entries in state
// NUD_NOARP left out as /proc/net/arp leaves them out, devices named by if_indextoname.
// nullopt when the kernel refuses the dump or the socket fails.
std::optional<ArpCounts> read_arp_netlink();
// node_exporter's arp collector: the netlink dump when `netlink` is set and the namespace
// the files would describe is the caller's (as net_diag.h's TCP path; a fixture tree or
// another namespace's procfs reads the file), and the file when netlink refuses.
ArpCounts read_arp_entries(const Roots& roots, bool netlink);

// ------------------------------------------------------------ netdev rx_nohandler

// Packets each interface dropped because no protocol handler took them (rx_nohandler, Linux
// 4.6+), which /proc/net/dev does not show: node_exporter 1.12's netdev reads it from its
// RTM_GETLINK dump. By device, in dump (or directory) order.
using NohandlerCounts = std::vector<std::pair<std::string, uint64_t>>;
// One RTM_GETLINK dump of the CALLER's network namespace (IFLA_STATS64, or IFLA_STATS);
// interfaces whose stats lack the field (kernels before 4.6) are left out. nullopt when the
// kernel refuses the dump or the socket fails.
std::optional<NohandlerCounts> read_rx_nohandler_netlink();
// The netlink dump when the namespace the files describe is the caller's (as arp), else (and
// when netlink refuses) <sysfs>/class/net/<if>/statistics/rx_nohandler of every interface
// that has it. NotFound when <sysfs>/class/net is missing.
NohandlerCounts read_rx_nohandler(const Roots& roots);

// ------------------------------------------------------------------ udp_queues

struct UdpQueues {
  uint64_t tx = 0, rx = 0;  // bytes, summed over every socket of the table
};

// Parses net/udp or net/udp6: a header line, then one socket per line with its
// "tx_queue:rx_queue" hex pair in the 5th column. Throws a Parse error naming `path`.
UdpQueues parse_udp_queues(std::string_view text, const std::string& path);
struct UdpQueuesReading {
  std::optional<UdpQueues> v4, v6;  // nullopt when the table is missing (no IPv4 / IPv6)
};
UdpQueuesReading read_udp_queues(const Roots& roots);

}  // namespace hp

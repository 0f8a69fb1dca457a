// Interface addresses (getifaddrs) and link state (SIOCGIF* / SIOCETHTOOL ioctls), the
// psutil net_if_addrs() / net_if_stats() pair.
//
// Namespaces: getifaddrs() and the ioctls run in the CALLER's network namespace, whatever
// the roots say (psutil has the same limit). read_nic_stats() takes the NIC names from
// <procfs>/.../net/dev; in host mode, when the caller is not in PID 1's network namespace
// (or that cannot be checked), it answers from <sysfs>/class/net instead of ioctls, so the
// values describe the host's interfaces rather than same-named ones of the caller.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "roots.h"

namespace hp {

// ---------------------------------------------------------------- addresses

struct NicAddr {
  std::string name;
  int family = 0;  // AF_INET, AF_INET6, AF_PACKET, or AF_UNSPEC (no usable address)
  std::optional<std::string> address, netmask, broadcast, ptp;
};

// "aa:bb:cc:dd:ee:ff"; a shorter hardware address is padded with ":00" up to 6 bytes
// (psutil gh#786); a longer one (InfiniBand) is kept whole. Empty input gives "".
std::string format_mac(const unsigned char* data, size_t len);
// True for an IPv4 netmask of 255.255.255.255 (a /32 has no broadcast address).
bool is_host_netmask_v4(std::string_view netmask);

// One row per getifaddrs() entry, sorted by family (stable, as psutil). Link-local IPv6
// addresses carry "%<ifname>". IPv4 /32 rows get broadcast null (psutil HEAD). Entries
// with no address (tunnels, tun devices) become AF_UNSPEC rows of nulls.
std::vector<NicAddr> read_nic_addrs();

// ---------------------------------------------------------------- link state

// NicDuplex values, as psutil.
enum NicDuplex : int { kDuplexUnknown = 0, kDuplexHalf = 1, kDuplexFull = 2 };

struct NicStats {
  std::string name;
  bool is_up = false;  // IFF_RUNNING, as psutil
  int duplex = kDuplexUnknown;
  uint32_t speed = 0;  // Mb/s, 0 when unknown
  int mtu = 0;
  unsigned flags = 0;     // IFF_* bits
  std::string flags_str;  // "up,broadcast,running,multicast"
};

// Comma-joined IFF_* names in psutil's order.
std::string iff_flags_string(unsigned flags);
// ethtool DUPLEX_HALF/FULL/UNKNOWN -> NicDuplex.
int map_ethtool_duplex(unsigned ethtool_duplex);
// ethtool speed (u32, SPEED_UNKNOWN = 0xffffffff) -> Mb/s, 0 when unknown or > INT_MAX.
uint32_t map_ethtool_speed(uint32_t speed);

// The stats of every NIC named in net/dev. NICs that vanish (ENODEV) are skipped; ethtool
// errors EOPNOTSUPP/EINVAL/EBUSY give duplex unknown and speed 0; other errors throw.
// The ethtool ioctl can take rtnl_lock and talk to the PHY: call it off the main thread.
std::vector<NicStats> read_nic_stats(const Roots& roots);

// The sysfs form used in host mode: one NIC from <sysfs>/class/net/<name>. nullopt when the
// interface directory does not exist.
std::optional<NicStats> nic_stats_from_sysfs(const Roots& roots, const std::string& name);
// True when the caller shares PID 1's network namespace under <procfs> (or when not in host
// mode). False when it differs or cannot be checked (EACCES on <procfs>/1/ns/net).
bool same_netns_as_host(const Roots& roots);

}  // namespace hp

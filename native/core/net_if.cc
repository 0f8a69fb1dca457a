#include "net_if.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <memory>

#include "error.h"
#include "fs.h"
#include "net.h"
#include "net_diag.h"
#include "parse.h"

namespace hp {

// ---------------------------------------------------------------- addresses

std::string format_mac(const unsigned char* data, size_t len) {
  static const char* hex = "0123456789abcdef";
  if (len == 0) return {};
  std::string out;
  size_t n = std::max<size_t>(len, 6);
  out.reserve(n * 3);
  for (size_t i = 0; i < n; ++i) {
    unsigned char b = i < len ? data[i] : 0;
    if (i) out.push_back(':');
    out.push_back(hex[b >> 4]);
    out.push_back(hex[b & 0xf]);
  }
  return out;
}

bool is_host_netmask_v4(std::string_view netmask) { return netmask == "255.255.255.255"; }

namespace {

// The text form of one sockaddr, or nullopt (null, unknown family, empty hardware address).
// IPv6 scoped addresses get "%<scope>" the way getnameinfo(NI_NUMERICHOST) writes it: the
// interface name for link-local ones (getifaddrs sets the scope to the address's own
// interface, whose name is `ifname`, so no if_indextoname() round trip is needed), the
// number otherwise.
// `ifindex` is the index of `ifname` when known (0 otherwise).
std::optional<std::string> sockaddr_text(const struct sockaddr* sa, int family, const char* ifname, unsigned ifindex) {
  if (!sa) return std::nullopt;
  char buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
  if (family == AF_INET) {
    auto* in = reinterpret_cast<const struct sockaddr_in*>(sa);
    if (!::inet_ntop(AF_INET, &in->sin_addr, buf, sizeof(buf))) return std::nullopt;
    return std::string(buf);
  }
  if (family == AF_INET6) {
    auto* in6 = reinterpret_cast<const struct sockaddr_in6*>(sa);
    if (!::inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof(buf))) return std::nullopt;
    std::string out(buf);
    if (in6->sin6_scope_id != 0) {
      out.push_back('%');
      bool link_local = IN6_IS_ADDR_LINKLOCAL(&in6->sin6_addr) || IN6_IS_ADDR_MC_LINKLOCAL(&in6->sin6_addr);
      char name[IF_NAMESIZE];
      if (link_local && ifname && ifindex == in6->sin6_scope_id)
        out += ifname;
      else if (link_local && ::if_indextoname(in6->sin6_scope_id, name))
        out += name;
      else
        out += std::to_string(in6->sin6_scope_id);
    }
    return out;
  }
  if (family == AF_PACKET) {
    auto* ll = reinterpret_cast<const struct sockaddr_ll*>(sa);
    size_t len = std::min<size_t>(ll->sll_halen, sizeof(ll->sll_addr));
    if (len == 0) return std::nullopt;
    // Unpadded here; the caller pads the primary address only, as psutil.
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (size_t i = 0; i < len; ++i) {
      if (i) out.push_back(':');
      out.push_back(hex[ll->sll_addr[i] >> 4]);
      out.push_back(hex[ll->sll_addr[i] & 0xf]);
    }
    return out;
  }
  return std::nullopt;
}

}  // namespace

std::vector<NicAddr> read_nic_addrs() {
  struct ifaddrs* head = nullptr;
  if (::getifaddrs(&head) != 0) throw_os_error(errno, "getifaddrs");
  std::unique_ptr<struct ifaddrs, void (*)(struct ifaddrs*)> guard(head, ::freeifaddrs);
  // Interface indexes from the link rows, for the scope of link-local addresses.
  std::vector<std::pair<std::string_view, unsigned>> indexes;
  for (struct ifaddrs* ifa = head; ifa; ifa = ifa->ifa_next)
    if (ifa->ifa_addr && ifa->ifa_addr->sa_family == AF_PACKET && ifa->ifa_name)
      indexes.emplace_back(ifa->ifa_name, static_cast<unsigned>(
                                              reinterpret_cast<const struct sockaddr_ll*>(ifa->ifa_addr)->sll_ifindex));
  auto index_of = [&indexes](const char* name) -> unsigned {
    if (!name) return 0;
    for (const auto& [n, i] : indexes)
      if (n == name) return i;
    return 0;
  };
  std::vector<NicAddr> out;
  for (struct ifaddrs* ifa = head; ifa; ifa = ifa->ifa_next) {
    NicAddr row;
    row.name = ifa->ifa_name ? ifa->ifa_name : "";
    row.family = AF_UNSPEC;
    if (ifa->ifa_addr) {
      int family = ifa->ifa_addr->sa_family;
      std::optional<std::string> address;
      unsigned ifindex = 0;
      if (family == AF_PACKET) {
        auto* ll = reinterpret_cast<const struct sockaddr_ll*>(ifa->ifa_addr);
        size_t len = std::min<size_t>(ll->sll_halen, sizeof(ll->sll_addr));
        if (len > 0) address = format_mac(ll->sll_addr, len);
      } else {
        ifindex = family == AF_INET6 ? index_of(ifa->ifa_name) : 0;
        address = sockaddr_text(ifa->ifa_addr, family, ifa->ifa_name, ifindex);
      }
      if (address) {
        row.family = family;
        row.address = std::move(address);
        row.netmask = sockaddr_text(ifa->ifa_netmask, family, ifa->ifa_name, ifindex);
        if (ifa->ifa_flags & IFF_BROADCAST)
          row.broadcast = sockaddr_text(ifa->ifa_broadaddr, family, ifa->ifa_name, ifindex);
        else if (ifa->ifa_flags & IFF_POINTOPOINT)
          row.ptp = sockaddr_text(ifa->ifa_dstaddr, family, ifa->ifa_name, ifindex);
        // getifaddrs() hands back the local address as the "broadcast" of a /32.
        if (family == AF_INET && row.netmask && is_host_netmask_v4(*row.netmask)) row.broadcast.reset();
      }
    }
    out.push_back(std::move(row));
  }
  std::stable_sort(out.begin(), out.end(), [](const NicAddr& a, const NicAddr& b) { return a.family < b.family; });
  return out;
}

// ---------------------------------------------------------------- link state

std::string iff_flags_string(unsigned flags) {
  static const std::pair<unsigned, const char*> names[] = {
      {IFF_UP, "up"},
      {IFF_BROADCAST, "broadcast"},
      {IFF_DEBUG, "debug"},
      {IFF_LOOPBACK, "loopback"},
      {IFF_POINTOPOINT, "pointopoint"},
      {IFF_NOTRAILERS, "notrailers"},
      {IFF_RUNNING, "running"},
      {IFF_NOARP, "noarp"},
      {IFF_PROMISC, "promisc"},
      {IFF_ALLMULTI, "allmulti"},
      {IFF_MASTER, "master"},
      {IFF_SLAVE, "slave"},
      {IFF_MULTICAST, "multicast"},
      {IFF_PORTSEL, "portsel"},
      {IFF_AUTOMEDIA, "automedia"},
      {IFF_DYNAMIC, "dynamic"},
  };
  std::string out;
  for (const auto& [bit, name] : names) {
    if (!(flags & bit)) continue;
    if (!out.empty()) out.push_back(',');
    out += name;
  }
  return out;
}

int map_ethtool_duplex(unsigned d) {
  switch (d) {
    case DUPLEX_FULL: return kDuplexFull;
    case DUPLEX_HALF: return kDuplexHalf;
    default: return kDuplexUnknown;
  }
}

uint32_t map_ethtool_speed(uint32_t speed) {
  if (speed == static_cast<uint32_t>(SPEED_UNKNOWN) || speed > static_cast<uint32_t>(INT_MAX)) return 0;
  return speed;
}

namespace {

// Errors that mean "this NIC has no ethtool link settings": duplex unknown, speed 0.
bool ethtool_unknown_errno(int e) {
  return e == EOPNOTSUPP || e == ENOTSUP || e == EINVAL || e == EBUSY || e == ENETDOWN || e == EAGAIN;
}

struct LinkSettings {
  uint8_t duplex = DUPLEX_UNKNOWN;
  uint32_t speed = static_cast<uint32_t>(SPEED_UNKNOWN);
};

// Returns 0 or the errno of the failing ioctl.
int ethtool_glinksettings(int sock, struct ifreq& ifr, LinkSettings& out) {
  // ethtool_link_settings ends in a flexible array of 3 * nwords u32 masks (nwords <= 127).
  alignas(struct ethtool_link_settings) unsigned char buf[sizeof(struct ethtool_link_settings) + 3 * 127 * 4];
  auto* req = reinterpret_cast<struct ethtool_link_settings*>(buf);
  std::memset(buf, 0, sizeof(buf));
  req->cmd = ETHTOOL_GLINKSETTINGS;
  ifr.ifr_data = reinterpret_cast<char*>(buf);
  // Handshake: with nwords 0 the kernel answers the number of mask words it wants, negated.
  if (::ioctl(sock, SIOCETHTOOL, &ifr) != 0) return errno;
  if (req->link_mode_masks_nwords >= 0 || req->cmd != ETHTOOL_GLINKSETTINGS) return EOPNOTSUPP;
  int8_t nwords = static_cast<int8_t>(-req->link_mode_masks_nwords);
  std::memset(buf, 0, sizeof(buf));
  req->cmd = ETHTOOL_GLINKSETTINGS;
  req->link_mode_masks_nwords = nwords;
  ifr.ifr_data = reinterpret_cast<char*>(buf);
  if (::ioctl(sock, SIOCETHTOOL, &ifr) != 0) return errno;
  if (req->link_mode_masks_nwords <= 0) return EOPNOTSUPP;
  out.duplex = req->duplex;
  out.speed = req->speed;
  return 0;
}

int ethtool_gset(int sock, struct ifreq& ifr, LinkSettings& out) {
  struct ethtool_cmd ecmd;
  std::memset(&ecmd, 0, sizeof(ecmd));
  ecmd.cmd = ETHTOOL_GSET;
  ifr.ifr_data = reinterpret_cast<char*>(&ecmd);
  if (::ioctl(sock, SIOCETHTOOL, &ifr) != 0) return errno;
  out.duplex = ecmd.duplex;
  out.speed = (static_cast<uint32_t>(ecmd.speed_hi) << 16) | ecmd.speed;
  return 0;
}

void set_ifr_name(struct ifreq& ifr, const std::string& name) {
  std::memset(&ifr, 0, sizeof(ifr));
  std::memcpy(ifr.ifr_name, name.data(), name.size());  // caller checked size < IFNAMSIZ
}

}  // namespace

bool same_netns_as_host(const Roots& roots) { return !roots.host_mode() || same_netns(roots.proc("1/ns/net")); }

std::optional<NicStats> nic_stats_from_sysfs(const Roots& roots, const std::string& name) {
  NetClassInfo c;
  try {
    c = read_net_class_iface(roots, name);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::NotFound) return std::nullopt;
    throw;
  }
  NicStats s;
  s.name = name;
  // sysfs 'flags' is dev->flags; SIOCGIFFLAGS adds IFF_RUNNING when the device is up and
  // its operstate is up or unknown (dev_get_flags), and keeps the low 16 bits.
  unsigned flags = static_cast<unsigned>(c.flags.value_or(0)) & 0xffffu & ~static_cast<unsigned>(IFF_RUNNING);
  if ((flags & IFF_UP) && c.operstate && (*c.operstate == "up" || *c.operstate == "unknown")) flags |= IFF_RUNNING;
  s.flags = flags;
  s.flags_str = iff_flags_string(flags);
  s.is_up = (flags & IFF_RUNNING) != 0;
  s.mtu = static_cast<int>(c.mtu.value_or(0));
  s.speed = c.speed && *c.speed > 0 && *c.speed <= INT_MAX ? static_cast<uint32_t>(*c.speed) : 0;
  s.duplex = !c.duplex             ? kDuplexUnknown
             : *c.duplex == "full" ? kDuplexFull
             : *c.duplex == "half" ? kDuplexHalf
                                   : kDuplexUnknown;
  return s;
}

std::vector<NicStats> read_nic_stats(const Roots& roots) {
  auto dev = read_net_dev(roots);
  std::vector<NicStats> out;
  out.reserve(dev.size());
  if (!same_netns_as_host(roots)) {
    for (const auto& d : dev)
      if (auto s = nic_stats_from_sysfs(roots, d.name)) out.push_back(std::move(*s));
    return out;
  }
  // One socket for every NIC (psutil opens three per NIC).
  Fd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!sock.valid()) throw_os_error(errno, "socket(AF_INET, SOCK_DGRAM)");
  for (const auto& d : dev) {
    if (d.name.size() >= IFNAMSIZ) continue;  // no such device can exist
    NicStats s;
    s.name = d.name;
    struct ifreq ifr;
    set_ifr_name(ifr, d.name);
    if (::ioctl(sock.get(), SIOCGIFMTU, &ifr) != 0) {
      if (errno == ENODEV) continue;  // vanished, or a name from another netns (psutil gh#1279)
      throw_os_error(errno, "ioctl(SIOCGIFMTU) " + d.name);
    }
    s.mtu = ifr.ifr_mtu;
    set_ifr_name(ifr, d.name);
    if (::ioctl(sock.get(), SIOCGIFFLAGS, &ifr) != 0) {
      if (errno == ENODEV) continue;
      throw_os_error(errno, "ioctl(SIOCGIFFLAGS) " + d.name);
    }
    s.flags = static_cast<unsigned short>(ifr.ifr_flags);
    s.flags_str = iff_flags_string(s.flags);
    s.is_up = (s.flags & IFF_RUNNING) != 0;
    LinkSettings ls;
    set_ifr_name(ifr, d.name);
    int err = ethtool_glinksettings(sock.get(), ifr, ls);
    if (err == EOPNOTSUPP || err == ENOTSUP) {
      set_ifr_name(ifr, d.name);
      err = ethtool_gset(sock.get(), ifr, ls);
    }
    if (err == ENODEV) continue;
    if (err == 0) {
      s.duplex = map_ethtool_duplex(ls.duplex);
      s.speed = map_ethtool_speed(ls.speed);
    } else if (ethtool_unknown_errno(err)) {
      s.duplex = kDuplexUnknown;
      s.speed = 0;
    } else {
      throw_os_error(err, "ioctl(SIOCETHTOOL) " + d.name);
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace hp

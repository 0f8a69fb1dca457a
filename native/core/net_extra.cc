#include "net_extra.h"

#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <map>

#include "error.h"
#include "fs.h"
#include "net_diag.h"
#include "parse.h"

namespace hp {

namespace {

std::string at_line(size_t lineno) { return "line " + std::to_string(lineno); }

uint64_t hex_u64(std::string_view s, const std::string& path, size_t lineno, const char* what) {
  auto v = to_u64(s, 16);
  if (!v) throw_parse_error(path, at_line(lineno) + ": bad " + what + " '" + std::string(s) + "'");
  return *v;
}

uint32_t hex_u32(std::string_view s, const std::string& path, size_t lineno, const char* what) {
  uint64_t v = hex_u64(s, path, lineno, what);
  if (v > UINT32_MAX)
    throw_parse_error(path, at_line(lineno) + ": " + what + " '" + std::string(s) + "' is above 32 bits");
  return static_cast<uint32_t>(v);
}

// A one-number sysctl file; nullopt when it does not exist.
std::optional<uint64_t> read_uint_file(const std::string& path) {
  auto text = read_file_if_exists(path);
  if (!text) return std::nullopt;
  auto v = to_u64(trim(*text));
  if (!v) throw_parse_error(path, "expected an unsigned integer, got '" + std::string(trim(*text)) + "'");
  return v;
}

}  // namespace

// ------------------------------------------------------------------- conntrack

ConntrackStat parse_conntrack_stat(std::string_view text, const std::string& path) {
  if (is_blank(text)) throw_parse_error(path, "empty file");
  ConntrackStat s;
  Lines lines(text);
  std::string_view line;
  size_t lineno = 0;
  while (lines.next(line)) {
    ++lineno;
    if (lineno == 1) continue;  // "entries searched found new invalid ..."
    auto f = fields(line);
    if (f.empty()) continue;
    if (f.size() != 16 && f.size() != 17)
      throw_parse_error(path, at_line(lineno) + ": expected 16 or 17 columns, got " + std::to_string(f.size()));
    uint64_t v[17] = {};
    for (size_t i = 0; i < f.size(); ++i) v[i] = hex_u64(f[i], path, lineno, "counter");
    s.found += v[2];
    s.invalid += v[4];
    s.ignore += v[5];
    s.insert += v[8];
    s.insert_failed += v[9];
    s.drop += v[10];
    s.early_drop += v[11];
    if (f.size() == 17) s.search_restart += v[16];
  }
  return s;
}

ConntrackReading read_conntrack(const Roots& roots) {
  ConntrackReading r;
  r.entries = read_uint_file(roots.proc("sys/net/netfilter/nf_conntrack_count"));
  r.limit = read_uint_file(roots.proc("sys/net/netfilter/nf_conntrack_max"));
  std::string stat = roots.proc_net("stat/nf_conntrack");
  if (auto t = read_file_if_exists(stat)) r.stat = parse_conntrack_stat(*t, stat);
  return r;
}

// --------------------------------------------------------------------- softnet

std::vector<SoftnetRow> parse_softnet_stat(std::string_view text, const std::string& path) {
  if (is_blank(text)) throw_parse_error(path, "empty file");
  std::vector<SoftnetRow> out;
  Lines lines(text);
  std::string_view line;
  size_t lineno = 0;
  while (lines.next(line)) {
    ++lineno;
    auto f = fields(line);
    if (f.empty()) continue;
    if (f.size() < 9)
      throw_parse_error(path, at_line(lineno) + ": expected at least 9 columns, got " + std::to_string(f.size()));
    SoftnetRow r;
    r.processed = hex_u32(f[0], path, lineno, "processed");
    r.dropped = hex_u32(f[1], path, lineno, "dropped");
    r.time_squeezed = hex_u32(f[2], path, lineno, "time_squeeze");
    for (size_t i = 3; i < 8; ++i) hex_u32(f[i], path, lineno, "column");
    r.cpu_collision = hex_u32(f[8], path, lineno, "cpu_collision");
    if (f.size() >= 10) r.received_rps = hex_u32(f[9], path, lineno, "received_rps");
    if (f.size() >= 11) r.flow_limit_count = hex_u32(f[10], path, lineno, "flow_limit_count");
    if (f.size() >= 13) {
      r.backlog_len = hex_u32(f[11], path, lineno, "backlog_len");
      r.cpu = hex_u32(f[12], path, lineno, "cpu index");
    } else {
      r.cpu = static_cast<uint32_t>(out.size());  // before 5.14: the line order
    }
    for (const auto& o : out)
      if (o.cpu == r.cpu) throw_parse_error(path, at_line(lineno) + ": duplicate cpu " + std::to_string(r.cpu));
    out.push_back(r);
  }
  return out;
}

std::vector<SoftnetRow> read_softnet_stat(const Roots& roots) {
  std::string path = roots.proc_net("softnet_stat");
  return parse_softnet_stat(read_file(path), path);
}

// ------------------------------------------------------------------------- arp

namespace {

void count_device(ArpCounts& out, std::string_view device) {
  for (auto& [name, n] : out)
    if (name == device) {
      ++n;
      return;
    }
  out.emplace_back(std::string(device), 1);
}

bool is_mac(std::string_view s) {
  // Colon-separated hex octets ("aa:bb:cc:dd:ee:ff"; InfiniBand's are 20 octets).
  if (s.empty()) return false;
  size_t octets = 0;
  for (size_t i = 0; i < s.size();) {
    if (i + 2 > s.size() || !std::isxdigit(static_cast<unsigned char>(s[i])) ||
        !std::isxdigit(static_cast<unsigned char>(s[i + 1])))
      return false;
    ++octets;
    i += 2;
    if (i == s.size()) break;
    if (s[i] != ':') return false;
    ++i;
    if (i == s.size()) return false;
  }
  return octets == 6 || octets == 8 || octets == 20;
}

}  // namespace

ArpCounts parse_arp(std::string_view text, const std::string& path) {
  if (is_blank(text)) throw_parse_error(path, "empty file");
  ArpCounts out;
  Lines lines(text);
  std::string_view line;
  size_t lineno = 0;
  while (lines.next(line)) {
    ++lineno;
    auto f = fields(line);
    if (f.empty()) continue;
    if (lineno == 1 && f.size() == 9 && f[0] == "IP") continue;  // "IP address HW type Flags HW address Mask Device"
    if (f.size() != 6)
      throw_parse_error(path, at_line(lineno) + ": expected 6 columns, got " + std::to_string(f.size()));
    std::string_view flags = f[2];
    if (flags.size() > 2 && flags[0] == '0' && (flags[1] == 'x' || flags[1] == 'X')) flags.remove_prefix(2);
    auto fl = to_u64(flags, 16);
    if (!fl || *fl > 0xff) throw_parse_error(path, at_line(lineno) + ": bad flags '" + std::string(f[2]) + "'");
    if (!is_mac(f[3])) throw_parse_error(path, at_line(lineno) + ": bad HW address '" + std::string(f[3]) + "'");
    if (!valid_utf8(f[5])) throw_parse_error(path, at_line(lineno) + ": device name is not valid UTF-8");
    count_device(out, f[5]);
  }
  return out;
}

ArpCounts read_arp(const Roots& roots) {
  std::string path = roots.proc_net("arp");
  return parse_arp(read_file(path), path);
}

std::optional<ArpCounts> read_arp_netlink() {
  Fd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
  if (!fd.valid()) return std::nullopt;
  struct {
    struct nlmsghdr nlh;
    struct ndmsg ndm;
  } req;
  std::memset(&req, 0, sizeof(req));
  req.nlh.nlmsg_len = sizeof(req);
  req.nlh.nlmsg_type = RTM_GETNEIGH;
  req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.nlh.nlmsg_seq = 1;
  req.ndm.ndm_family = AF_INET;
  struct sockaddr_nl kernel {};
  kernel.nl_family = AF_NETLINK;
  for (;;) {
    ssize_t n = ::sendto(fd.get(), &req, sizeof(req), 0, reinterpret_cast<struct sockaddr*>(&kernel), sizeof(kernel));
    if (n == static_cast<ssize_t>(sizeof(req))) break;
    if (n < 0 && errno == EINTR) continue;
    return std::nullopt;
  }
  std::map<int, uint64_t> by_index;
  std::vector<int> order;
  alignas(struct nlmsghdr) char buf[32 * 1024];
  for (bool done = false; !done;) {
    ssize_t got = ::recv(fd.get(), buf, sizeof(buf), 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      return std::nullopt;
    }
    if (got == 0) return std::nullopt;
    int remaining = static_cast<int>(got);
    for (auto* h = reinterpret_cast<struct nlmsghdr*>(buf); NLMSG_OK(h, remaining); h = NLMSG_NEXT(h, remaining)) {
      if (h->nlmsg_type == NLMSG_DONE) {
        done = true;
        break;
      }
      if (h->nlmsg_type == NLMSG_ERROR) return std::nullopt;
      if (h->nlmsg_type != RTM_NEWNEIGH || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ndmsg))) continue;
      const auto* m = reinterpret_cast<const struct ndmsg*>(NLMSG_DATA(h));
      if (m->ndm_family != AF_INET || (m->ndm_state & NUD_NOARP) != 0) continue;
      if (by_index[m->ndm_ifindex]++ == 0) order.push_back(m->ndm_ifindex);
    }
  }
  ArpCounts out;
  for (int index : order) {
    char name[IF_NAMESIZE] = {};
    // An interface removed since the dump has no name any more: its entries went with it.
    if (::if_indextoname(static_cast<unsigned>(index), name) == nullptr) continue;
    out.emplace_back(name, by_index[index]);
  }
  return out;
}

ArpCounts read_arp_entries(const Roots& roots, bool netlink) {
  if (netlink && (!roots.host_mode() || same_netns(roots.proc("1/ns/net"))))
    if (auto rows = read_arp_netlink()) return std::move(*rows);
  return read_arp(roots);
}

// ------------------------------------------------------------ netdev rx_nohandler

std::optional<NohandlerCounts> read_rx_nohandler_netlink() {
  Fd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
  if (!fd.valid()) return std::nullopt;
  struct {
    struct nlmsghdr nlh;
    struct ifinfomsg ifm;
  } req;
  std::memset(&req, 0, sizeof(req));
  req.nlh.nlmsg_len = sizeof(req);
  req.nlh.nlmsg_type = RTM_GETLINK;
  req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.nlh.nlmsg_seq = 1;
  req.ifm.ifi_family = AF_UNSPEC;
  struct sockaddr_nl kernel {};
  kernel.nl_family = AF_NETLINK;
  for (;;) {
    ssize_t n = ::sendto(fd.get(), &req, sizeof(req), 0, reinterpret_cast<struct sockaddr*>(&kernel), sizeof(kernel));
    if (n == static_cast<ssize_t>(sizeof(req))) break;
    if (n < 0 && errno == EINTR) continue;
    return std::nullopt;
  }
  NohandlerCounts out;
  // A link message carries every attribute of the interface (a few KiB with VF info): the
  // buffer takes many at once, and the kernel never splits one across reads.
  alignas(struct nlmsghdr) static thread_local char buf[64 * 1024];
  for (bool done = false; !done;) {
    ssize_t got = ::recv(fd.get(), buf, sizeof(buf), 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      return std::nullopt;
    }
    if (got == 0) return std::nullopt;
    int remaining = static_cast<int>(got);
    for (auto* h = reinterpret_cast<struct nlmsghdr*>(buf); NLMSG_OK(h, remaining); h = NLMSG_NEXT(h, remaining)) {
      if (h->nlmsg_type == NLMSG_DONE) {
        done = true;
        break;
      }
      if (h->nlmsg_type == NLMSG_ERROR) return std::nullopt;
      if (h->nlmsg_type != RTM_NEWLINK || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg))) continue;
      const auto* ifm = reinterpret_cast<const struct ifinfomsg*>(NLMSG_DATA(h));
      int alen = static_cast<int>(h->nlmsg_len - NLMSG_LENGTH(sizeof(*ifm)));
      std::string name;
      std::optional<uint64_t> nohandler64, nohandler32;
      for (auto* a = IFLA_RTA(ifm); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
        const char* data = static_cast<const char*>(RTA_DATA(a));
        size_t len = RTA_PAYLOAD(a);
        switch (a->rta_type) {
          case IFLA_IFNAME: name.assign(data, strnlen(data, len)); break;
          case IFLA_STATS64:
            if (len >= offsetof(struct rtnl_link_stats64, rx_nohandler) + sizeof(uint64_t)) {
              uint64_t v;
              std::memcpy(&v, data + offsetof(struct rtnl_link_stats64, rx_nohandler), sizeof(v));
              nohandler64 = v;
            }
            break;
          case IFLA_STATS:
            if (len >= offsetof(struct rtnl_link_stats, rx_nohandler) + sizeof(uint32_t)) {
              uint32_t v;
              std::memcpy(&v, data + offsetof(struct rtnl_link_stats, rx_nohandler), sizeof(v));
              nohandler32 = v;
            }
            break;
          default: break;
        }
      }
      auto v = nohandler64 ? nohandler64 : nohandler32;
      if (!name.empty() && v) out.emplace_back(std::move(name), *v);
    }
  }
  return out;
}

NohandlerCounts read_rx_nohandler(const Roots& roots) {
  if (!roots.host_mode() || same_netns(roots.proc("1/ns/net")))
    if (auto rows = read_rx_nohandler_netlink()) return std::move(*rows);
  NohandlerCounts out;
  std::string base = roots.sys("class/net");
  for (auto& n : list_dir(base)) {
    if (!is_directory(base + "/" + n)) continue;  // bonding_masters
    std::string path = base + "/" + n + "/statistics/rx_nohandler";
    auto text = read_file_if_exists(path);
    if (!text) continue;  // before 4.6, or a fixture without it
    auto v = to_u64(trim(*text));
    if (!v) throw_parse_error(path, "expected an unsigned integer, got '" + std::string(trim(*text)) + "'");
    out.emplace_back(std::move(n), *v);
  }
  return out;
}

// ------------------------------------------------------------------ udp_queues

UdpQueues parse_udp_queues(std::string_view text, const std::string& path) {
  if (is_blank(text)) throw_parse_error(path, "empty file");
  UdpQueues q;
  Lines lines(text);
  std::string_view line;
  size_t lineno = 0;
  while (lines.next(line)) {
    ++lineno;
    if (lineno == 1) continue;  // "sl local_address rem_address st tx_queue rx_queue ..."
    auto f = fields(line);
    if (f.empty()) continue;
    if (f.size() < 10)
      throw_parse_error(path, at_line(lineno) + ": expected at least 10 columns, got " + std::to_string(f.size()));
    size_t colon = f[4].find(':');
    if (colon == std::string_view::npos)
      throw_parse_error(path, at_line(lineno) + ": bad tx_queue:rx_queue '" + std::string(f[4]) + "'");
    q.tx += hex_u64(f[4].substr(0, colon), path, lineno, "tx_queue");
    q.rx += hex_u64(f[4].substr(colon + 1), path, lineno, "rx_queue");
  }
  return q;
}

UdpQueuesReading read_udp_queues(const Roots& roots) {
  UdpQueuesReading r;
  std::string p4 = roots.proc_net("udp");
  if (auto t = read_file_if_exists(p4, kLargeReadLimit)) r.v4 = parse_udp_queues(*t, p4);
  std::string p6 = roots.proc_net("udp6");
  if (auto t = read_file_if_exists(p6, kLargeReadLimit)) r.v6 = parse_udp_queues(*t, p6);
  return r;
}

}  // namespace hp

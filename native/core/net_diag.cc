#include "net_diag.h"

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <initializer_list>

#include "fs.h"

namespace hp {

namespace {

constexpr int kTcpListen = 10;  // TCP_LISTEN

bool send_all(int fd, const void* buf, size_t len) {
  struct sockaddr_nl kernel {};
  kernel.nl_family = AF_NETLINK;
  for (;;) {
    ssize_t n = ::sendto(fd, buf, len, 0, reinterpret_cast<struct sockaddr*>(&kernel), sizeof(kernel));
    if (n == static_cast<ssize_t>(len)) return true;
    if (n < 0 && errno == EINTR) continue;
    return false;
  }
}

}  // namespace

DiagParse parse_diag_messages(std::string_view buf, std::vector<TcpDiagRow>& listeners, std::vector<TcpDiagRow>& rows) {
  // NLMSG_OK / NLMSG_NEXT over a buffer that need not be aligned: the header and the message
  // are copied out, never dereferenced in place.
  size_t off = 0;
  while (off <= buf.size() && buf.size() - off >= sizeof(struct nlmsghdr)) {
    struct nlmsghdr h;
    std::memcpy(&h, buf.data() + off, sizeof(h));
    if (h.nlmsg_len < sizeof(struct nlmsghdr) || h.nlmsg_len > buf.size() - off) break;
    if (h.nlmsg_type == NLMSG_DONE) return DiagParse::Done;
    if (h.nlmsg_type == NLMSG_ERROR) return DiagParse::Refused;
    if (h.nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg))) return DiagParse::Refused;
    struct inet_diag_msg m;
    std::memcpy(&m, buf.data() + off + NLMSG_HDRLEN, sizeof(m));
    off += NLMSG_ALIGN(h.nlmsg_len);
    if (m.idiag_family != AF_INET && m.idiag_family != AF_INET6) continue;
    TcpDiagRow r;
    r.family = m.idiag_family;
    r.state = m.idiag_state;
    std::memcpy(r.src.data(), m.id.idiag_src, 16);
    std::memcpy(r.dst.data(), m.id.idiag_dst, 16);
    r.sport = ntohs(m.id.idiag_sport);
    r.dport = ntohs(m.id.idiag_dport);
    r.rx_queue = m.idiag_rqueue;
    // inet_diag reports a listener's max backlog as its write queue; /proc/net/tcp (and
    // so psutil and this library) says 0.
    r.tx_queue = r.state == kTcpListen ? 0 : m.idiag_wqueue;
    r.inode = m.idiag_inode;
    (r.state == kTcpListen ? listeners : rows).push_back(r);
  }
  return DiagParse::More;
}

namespace {

// Sends one dump request and appends the TCP sockets it returns. False when the kernel
// refuses (an NLMSG_ERROR), or on any socket error.
bool run_dump(const void* request, size_t len, std::vector<TcpDiagRow>& listeners, std::vector<TcpDiagRow>& rows) {
  Fd fd(::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG));
  if (!fd.valid()) return false;
  if (!send_all(fd.get(), request, len)) return false;
  alignas(struct nlmsghdr) char buf[64 * 1024];
  for (;;) {
    ssize_t got = ::recv(fd.get(), buf, sizeof(buf), 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (got == 0) return false;
    switch (parse_diag_messages(std::string_view(buf, static_cast<size_t>(got)), listeners, rows)) {
      case DiagParse::Done: return true;
      case DiagParse::Refused: return false;
      case DiagParse::More: break;
    }
  }
}

}  // namespace

std::optional<std::vector<TcpDiagRow>> tcp_sock_diag_dump(bool compat) {
  std::vector<TcpDiagRow> listeners, rows;
  // The v1 request: the kernel dumps it with family AF_UNSPEC, both families in one walk of
  // the hash tables.
  struct {
    struct nlmsghdr nlh;
    struct inet_diag_req req;
  } v1;
  std::memset(&v1, 0, sizeof(v1));
  v1.nlh.nlmsg_len = sizeof(v1);
  v1.nlh.nlmsg_type = TCPDIAG_GETSOCK;
  v1.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  v1.nlh.nlmsg_seq = 1;
  v1.req.idiag_family = AF_INET;
  v1.req.idiag_states = 0xfff;  // every state, time-wait and request sockets included
  if (!compat || !run_dump(&v1, sizeof(v1), listeners, rows)) {
    // A kernel without the compat request: one v2 dump per family.
    listeners.clear();
    rows.clear();
    for (int family : {AF_INET, AF_INET6}) {
      struct {
        struct nlmsghdr nlh;
        struct inet_diag_req_v2 req;
      } v2;
      std::memset(&v2, 0, sizeof(v2));
      v2.nlh.nlmsg_len = sizeof(v2);
      v2.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
      v2.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
      v2.nlh.nlmsg_seq = 2;
      v2.req.sdiag_family = static_cast<uint8_t>(family);
      v2.req.sdiag_protocol = IPPROTO_TCP;
      v2.req.idiag_states = 0xfff;
      // No IPv6 in this kernel: the AF_INET6 dump is refused, IPv4 alone is the answer.
      if (!run_dump(&v2, sizeof(v2), listeners, rows) && family == AF_INET) return std::nullopt;
    }
  }
  // Listeners first, as /proc/net/tcp prints them.
  listeners.insert(listeners.end(), rows.begin(), rows.end());
  return listeners;
}

std::string diag_ip(const TcpDiagRow& r, bool source) {
  const unsigned char* a = source ? r.src.data() : r.dst.data();
  char buf[INET6_ADDRSTRLEN];
  if (!::inet_ntop(r.family, a, buf, sizeof(buf))) return {};
  return buf;
}

bool same_netns(const std::string& ns_link) {
  struct stat other, self;
  if (::stat(ns_link.c_str(), &other) != 0) return false;
  if (::stat("/proc/self/ns/net", &self) != 0) return false;
  return other.st_dev == self.st_dev && other.st_ino == self.st_ino;
}

}  // namespace hp

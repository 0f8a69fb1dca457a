// The fast path for the TCP socket tables: one NETLINK_SOCK_DIAG dump instead of reading
// /proc/net/tcp and tcp6.
//
// Why: each read of /proc/net/tcp{,6} walks every bucket of the established hash
// (262144 on a small VM) under the seq_file machinery, once per file: ~8 ms of CPU each here.
// One inet_diag dump walks it once for both families (the compat TCPDIAG_GETSOCK request
// dumps AF_UNSPEC, i.e. IPv4 and IPv6 together), about 8x cheaper.
//
// Netlink answers for the CALLER's network namespace only, so this path is taken only when
// the namespace the files would describe is the caller's (same_netns()); otherwise, or when
// the dump is refused (no inet_diag, a seccomp filter...), the callers read the files.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hp {

// One TCP socket as inet_diag reports it, with the /proc/net/tcp meaning of each field.
struct TcpDiagRow {
  int family = 0;                              // AF_INET or AF_INET6
  int state = 0;                               // kernel TCP state number, as the st column
  std::array<unsigned char, 16> src{}, dst{};  // network byte order; IPv4 uses the first 4
  uint16_t sport = 0, dport = 0;               // host order
  uint64_t rx_queue = 0, tx_queue = 0;         // as /proc/net/tcp (0 tx for listeners)
  uint64_t inode = 0;
};

// Dumps every TCP socket of the caller's network namespace, both families, listeners
// first then the established hash (time-wait and request sockets included, inode 0).
// nullopt when the kernel refuses or does not support the request. Kernels without the
// compat request get one SOCK_DIAG_BY_FAMILY dump per family (`compat` false forces that).
// One recv()'d buffer of a sock_diag dump reply: appends its TCP sockets (listeners apart,
// so they can be listed first). Done at NLMSG_DONE, Refused at an NLMSG_ERROR or a message
// too short for an inet_diag_msg, More when the buffer ended without either. Pure (no
// socket), and safe on any bytes: the netlink parser the fuzz target net_diag exercises.
enum class DiagParse { More, Done, Refused };
DiagParse parse_diag_messages(std::string_view buf, std::vector<TcpDiagRow>& listeners, std::vector<TcpDiagRow>& rows);

std::optional<std::vector<TcpDiagRow>> tcp_sock_diag_dump(bool compat = true);

// The text forms of a row's addresses, as the /proc/net/tcp decoding gives them.
std::string diag_ip(const TcpDiagRow& r, bool source);

// True when the network-namespace link `ns_link` (e.g. "/host/proc/1/ns/net") names the
// caller's own namespace (same st_dev and st_ino as /proc/self/ns/net). False when it
// differs or cannot be checked (EACCES without ptrace rights, missing in a fixture tree).
bool same_netns(const std::string& ns_link);

}  // namespace hp

// Socket tables (/proc/net/{tcp,tcp6,udp,udp6,unix}) and the socket-inode -> (pid, fd) map
// built from /proc/<pid>/fd, the psutil net_connections() / Process.connections() pair, plus
// the per-state TCP socket count of node_exporter's tcpstat collector.
//
// Cost: the fd walk readlinks every fd of every process, and every read of /proc/net/tcp*
// walks the whole established hash, so read_connections() takes milliseconds to tens of
// milliseconds: call it off the main thread. When the tables would describe the caller's own
// network namespace, the TCP rows come from one NETLINK_SOCK_DIAG dump instead of the two
// files (same content, several times cheaper; see net_diag.h).
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "roots.h"

namespace hp {

struct InetAddr {
  std::string ip;
  uint16_t port = 0;
};

// One row of /proc/net/tcp* or udp*.
struct InetSocketRow {
  InetAddr local, remote;
  int state = 0;  // the kernel's TCP state number (1 = ESTABLISHED ... 11 = CLOSING)
  uint64_t tx_queue = 0, rx_queue = 0;
  uint64_t inode = 0;
};

// One row of /proc/net/unix.
struct UnixSocketRow {
  int type = 0;   // SOCK_STREAM 1, SOCK_DGRAM 2, SOCK_SEQPACKET 5
  int state = 0;  // SS_* (1 unconnected ... 4 disconnecting)
  uint64_t inode = 0;
  std::string path;  // "" when unnamed; abstract names start with '@'
};

// "0100007F" -> "127.0.0.1" (the kernel prints the address as a host-order u32).
std::string decode_ipv4_hex(std::string_view hex);
// 32 hex digits, four host-order u32 words -> "::ffff:127.0.0.1", "fe80::1", ...
std::string decode_ipv6_hex(std::string_view hex);
// "0100007F:0CEA" -> {127.0.0.1, 3306}. `family` is AF_INET or AF_INET6.
InetAddr decode_inet_address(std::string_view text, int family, const std::string& path, size_t lineno);

// Parses a tcp/tcp6/udp/udp6 table (header line first). Throws a Parse error naming `path`
// and the line on a malformed line.
std::vector<InetSocketRow> parse_inet_table(std::string_view text, int family, const std::string& path);
// Parses /proc/net/unix. The path is everything after the inode and one space, so names
// with spaces survive; a line that is the continuation of a path holding '\n' is re-joined.
std::vector<UnixSocketRow> parse_unix_table(std::string_view text, const std::string& path);

// psutil's status names by kernel TCP state number; "NONE" for 0 and unknown numbers.
const char* tcp_status_name(int state);
// node_exporter's label values ("established", "time_wait", ...); nullptr when unknown.
const char* tcp_state_label(int state);

struct Connection {
  int fd = -1;                    // -1 when the owner is unknown
  int family = 0;                 // AF_INET, AF_INET6, AF_UNIX
  int type = 0;                   // SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET
  std::optional<InetAddr> laddr;  // inet; nullopt when the port is 0 (psutil: ())
  std::optional<InetAddr> raddr;  // inet; nullopt when the port is 0
  std::string path;               // unix: the bound path ("" when unnamed)
  std::string status;             // "ESTABLISHED", "LISTEN", ... ; "NONE" for udp and unix
  int state = 0;                  // the TCP state number behind status; 0 for NONE
  std::optional<long> pid;        // nullopt when no readable /proc/<pid>/fd holds the inode
  uint64_t inode = 0;
};

// True for inet, inet4, inet6, tcp, tcp4, tcp6, udp, udp4, udp6, unix, all.
bool valid_connection_kind(std::string_view kind);

// The sockets of `kind`, like psutil.net_connections(kind):
//  - tables from <procfs>/self/net/... (host mode: <procfs>/1/net/...); a missing tcp6/udp6
//    means no IPv6 and is skipped; TCP from sock_diag when that namespace is the caller's;
//  - owners from every <procfs>/<pid>/fd/* "socket:[inode]" link, pids in ascending order;
//    processes that vanish or deny access are skipped (their sockets get pid null, fd -1).
//    As psutil, an inet socket shared by several processes is reported once, for the last
//    pid scanned and that pid's first fd; a unix socket once per fd of that pid.
//  - identical rows are reported once (psutil returns a set).
// With `only_pid` (Process.connections): only that process's fds are scanned, only its
// sockets are returned, and the tables are read from <procfs>/<pid>/net/..., i.e. the
// process's own network namespace. Throws NoSuchProcess (pid set) when <procfs>/<pid>/fd is
// gone, AccessDenied when it cannot be listed.
// Throws InvalidArgument for an unknown kind.
std::vector<Connection> read_connections(const Roots& roots, std::string_view kind,
                                         std::optional<int> only_pid = std::nullopt);

// node_tcp_connection_states: sockets per TCP state over tcp + tcp6, plus the summed
// queues. counts[state] for state 1..11; counts[0] collects unknown state numbers.
struct TcpStateCounts {
  std::array<uint64_t, 12> counts{};
  uint64_t rx_queued_bytes = 0, tx_queued_bytes = 0;
};
// Adds one tcp/tcp6 table to `out` (state and queues only; no address decoding).
void count_tcp_states(std::string_view text, const std::string& path, TcpStateCounts& out);
// <procfs>/self/net/tcp (required) and tcp6 (skipped when missing); host mode via PID 1.
// From one sock_diag dump instead when that namespace is the caller's.
TcpStateCounts read_tcp_states(const Roots& roots);

}  // namespace hp

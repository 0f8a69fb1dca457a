#include "net_connections.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "error.h"
#include "fs.h"
#include "net_diag.h"
#include "parse.h"

namespace hp {

namespace {

std::string line_ref(size_t lineno) { return "line " + std::to_string(lineno); }

// Whitespace tokenizer over one line, without allocating.
class Tokens {
 public:
  explicit Tokens(std::string_view s) : s_(s) {}
  bool next(std::string_view& tok) {
    while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
    if (pos_ >= s_.size()) return false;
    size_t start = pos_;
    while (pos_ < s_.size() && !is_space(s_[pos_])) ++pos_;
    tok = s_.substr(start, pos_ - start);
    return true;
  }
  size_t pos() const { return pos_; }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

bool is_hex_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  return true;
}

// The fields of an inet table line that the readers use, undecoded.
struct RawInetRow {
  std::string_view local, remote;
  int state = 0;
  uint64_t tx_queue = 0, rx_queue = 0;
  uint64_t inode = 0;
};

// Parses one non-blank table line ("sl local remote st tx:rx tr:when retr uid timeout inode
// ..."). Throws a Parse error naming the file and line.
RawInetRow parse_inet_line(std::string_view line, const std::string& path, size_t lineno) {
  Tokens t(line);
  std::string_view tok[10];
  for (size_t i = 0; i < 10; ++i)
    if (!t.next(tok[i]))
      throw_parse_error(path, line_ref(lineno) + ": expected at least 10 fields, got " + std::to_string(i));
  RawInetRow r;
  r.local = tok[1];
  r.remote = tok[2];
  auto st = to_u64(tok[3], 16);
  if (!st || tok[3].size() > 2) throw_parse_error(path, line_ref(lineno) + ": bad state '" + std::string(tok[3]) + "'");
  r.state = static_cast<int>(*st);
  size_t colon = tok[4].find(':');
  std::optional<uint64_t> tx, rx;
  if (colon != std::string_view::npos) {
    tx = to_u64(tok[4].substr(0, colon), 16);
    rx = to_u64(tok[4].substr(colon + 1), 16);
  }
  if (!tx || !rx) throw_parse_error(path, line_ref(lineno) + ": bad tx_queue:rx_queue '" + std::string(tok[4]) + "'");
  r.tx_queue = *tx;
  r.rx_queue = *rx;
  auto ino = to_u64(tok[9]);
  if (!ino) throw_parse_error(path, line_ref(lineno) + ": bad inode '" + std::string(tok[9]) + "'");
  r.inode = *ino;
  return r;
}

template <typename F>
void for_each_inet_line(std::string_view text, const std::string& path, F&& f) {
  Lines lines(text);
  std::string_view line;
  size_t lineno = 0;
  while (lines.next(line)) {
    ++lineno;
    if (lineno == 1) continue;  // header
    if (trim(line).empty()) continue;
    f(parse_inet_line(line, path, lineno));
  }
}

}  // namespace

std::string decode_ipv4_hex(std::string_view hex) {
  if (hex.size() != 8 || !is_hex_digits(hex)) return {};
  auto v = to_u64(hex, 16);
  if (!v) return {};
  struct in_addr a;
  a.s_addr = static_cast<uint32_t>(*v);  // printed from the raw __be32 as a host-order u32
  char buf[INET_ADDRSTRLEN];
  if (!::inet_ntop(AF_INET, &a, buf, sizeof(buf))) return {};
  return buf;
}

std::string decode_ipv6_hex(std::string_view hex) {
  if (hex.size() != 32 || !is_hex_digits(hex)) return {};
  struct in6_addr a;
  for (size_t i = 0; i < 4; ++i) {
    auto w = to_u64(hex.substr(i * 8, 8), 16);
    if (!w) return {};
    uint32_t word = static_cast<uint32_t>(*w);
    std::memcpy(reinterpret_cast<unsigned char*>(&a) + i * 4, &word, 4);
  }
  char buf[INET6_ADDRSTRLEN];
  if (!::inet_ntop(AF_INET6, &a, buf, sizeof(buf))) return {};
  return buf;
}

InetAddr decode_inet_address(std::string_view text, int family, const std::string& path, size_t lineno) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos)
    throw_parse_error(path, line_ref(lineno) + ": bad address '" + std::string(text) + "'");
  std::string_view hex = text.substr(0, colon);
  std::string_view port_hex = text.substr(colon + 1);
  auto port = to_u64(port_hex, 16);
  if (!port || *port > 0xffff || port_hex.empty())
    throw_parse_error(path, line_ref(lineno) + ": bad port in '" + std::string(text) + "'");
  InetAddr a;
  a.ip = family == AF_INET6 ? decode_ipv6_hex(hex) : decode_ipv4_hex(hex);
  if (a.ip.empty())
    throw_parse_error(path, line_ref(lineno) + ": bad " + (family == AF_INET6 ? "IPv6" : "IPv4") + " address '" +
                                std::string(hex) + "'");
  a.port = static_cast<uint16_t>(*port);
  return a;
}

std::vector<InetSocketRow> parse_inet_table(std::string_view text, int family, const std::string& path) {
  reject_nul(text, path);
  std::vector<InetSocketRow> out;
  Lines lines(text);
  std::string_view line;
  size_t lineno = 0;
  while (lines.next(line)) {
    ++lineno;
    if (lineno == 1 || trim(line).empty()) continue;
    RawInetRow raw = parse_inet_line(line, path, lineno);
    InetSocketRow r;
    r.local = decode_inet_address(raw.local, family, path, lineno);
    r.remote = decode_inet_address(raw.remote, family, path, lineno);
    r.state = raw.state;
    r.tx_queue = raw.tx_queue;
    r.rx_queue = raw.rx_queue;
    r.inode = raw.inode;
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<UnixSocketRow> parse_unix_table(std::string_view text, const std::string& path) {
  reject_nul(text, path);
  std::vector<UnixSocketRow> out;
  Lines lines(text);
  std::string_view line;
  size_t lineno = 0;
  bool last_had_path = false;
  while (lines.next(line)) {
    ++lineno;
    if (lineno == 1) continue;  // "Num RefCount Protocol Flags Type St Inode Path"
    Tokens t(line);
    std::string_view tok[7];
    size_t n = 0;
    while (n < 7 && t.next(tok[n])) ++n;
    bool row_start =
        n >= 1 && tok[0].size() > 1 && tok[0].back() == ':' && is_hex_digits(tok[0].substr(0, tok[0].size() - 1));
    if (!row_start) {
      // A bound path may hold '\n': the kernel prints it raw, so the rest of the name
      // arrives as its own line.
      if (last_had_path) {
        out.back().path.push_back('\n');
        out.back().path.append(line);
        continue;
      }
      if (trim(line).empty()) continue;
      throw_parse_error(path, line_ref(lineno) + ": not a socket line");
    }
    if (n < 7) throw_parse_error(path, line_ref(lineno) + ": expected at least 7 fields, got " + std::to_string(n));
    UnixSocketRow r;
    auto type = to_u64(tok[4], 16);
    auto st = to_u64(tok[5], 16);
    auto ino = to_u64(tok[6]);
    // Type and state are small kernel enums: past 0xffff they are garbage, not an int to wrap
    // negative (fuzzing).
    if (!type || !st || !ino || *type > 0xffff || *st > 0xffff)
      throw_parse_error(path, line_ref(lineno) + ": bad type, state or inode");
    r.type = static_cast<int>(*type);
    r.state = static_cast<int>(*st);
    r.inode = *ino;
    size_t after = t.pos();
    if (after < line.size() && line[after] == ' ') r.path = std::string(line.substr(after + 1));
    last_had_path = !r.path.empty();
    out.push_back(std::move(r));
  }
  return out;
}

const char* tcp_status_name(int state) {
  static const char* names[] = {"NONE",      "ESTABLISHED", "SYN_SENT",   "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
                                "TIME_WAIT", "CLOSE",       "CLOSE_WAIT", "LAST_ACK", "LISTEN",    "CLOSING"};
  return state >= 1 && state <= 11 ? names[state] : "NONE";
}

const char* tcp_state_label(int state) {
  static const char* names[] = {nullptr,     "established", "syn_sent",   "syn_recv", "fin_wait1", "fin_wait2",
                                "time_wait", "close",       "close_wait", "last_ack", "listen",    "closing"};
  return state >= 1 && state <= 11 ? names[state] : nullptr;
}

// ---------------------------------------------------------------- connections

namespace {

struct TableSpec {
  const char* file;
  int family;
  int type;  // 0 for unix: per row
};

constexpr TableSpec kTcp4{"tcp", AF_INET, SOCK_STREAM};
constexpr TableSpec kTcp6{"tcp6", AF_INET6, SOCK_STREAM};
constexpr TableSpec kUdp4{"udp", AF_INET, SOCK_DGRAM};
constexpr TableSpec kUdp6{"udp6", AF_INET6, SOCK_DGRAM};
constexpr TableSpec kUnix{"unix", AF_UNIX, 0};

std::optional<std::vector<TableSpec>> specs_for(std::string_view kind) {
  if (kind == "all") return std::vector<TableSpec>{kTcp4, kTcp6, kUdp4, kUdp6, kUnix};
  if (kind == "tcp") return std::vector<TableSpec>{kTcp4, kTcp6};
  if (kind == "tcp4") return std::vector<TableSpec>{kTcp4};
  if (kind == "tcp6") return std::vector<TableSpec>{kTcp6};
  if (kind == "udp") return std::vector<TableSpec>{kUdp4, kUdp6};
  if (kind == "udp4") return std::vector<TableSpec>{kUdp4};
  if (kind == "udp6") return std::vector<TableSpec>{kUdp6};
  if (kind == "unix") return std::vector<TableSpec>{kUnix};
  if (kind == "inet") return std::vector<TableSpec>{kTcp4, kTcp6, kUdp4, kUdp6};
  if (kind == "inet4") return std::vector<TableSpec>{kTcp4, kUdp4};
  if (kind == "inet6") return std::vector<TableSpec>{kTcp6, kUdp6};
  return std::nullopt;
}

struct Owner {
  long pid;
  int fd;
};
using OwnerMap = std::unordered_map<uint64_t, std::vector<Owner>>;

// Adds the socket fds of one process. Returns 0, or the errno of opening its fd directory.
int scan_pid_fds(int procfd, long pid, const std::unordered_set<uint64_t>* wanted, OwnerMap& owners) {
  char rel[48];
  std::snprintf(rel, sizeof(rel), "%ld/fd", pid);
  int dfd = ::openat(procfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return errno;
  DIR* d = ::fdopendir(dfd);
  if (!d) {
    int e = errno;
    ::close(dfd);
    return e;
  }
  char buf[64];
  while (struct dirent* e = ::readdir(d)) {
    const char* name = e->d_name;
    if (name[0] < '0' || name[0] > '9') continue;
    ssize_t n = ::readlinkat(dfd, name, buf, sizeof(buf));
    // ENOENT (closed meanwhile), EINVAL (not a link), EACCES: skipped, as psutil.
    if (n < 10 || std::memcmp(buf, "socket:[", 8) != 0 || buf[n - 1] != ']') continue;
    auto inode = to_u64(std::string_view(buf + 8, static_cast<size_t>(n - 9)));
    if (!inode) continue;
    if (wanted && !wanted->count(*inode)) continue;
    auto fd = to_int<int>(name);
    if (!fd) continue;
    auto& v = owners[*inode];
    // psutil builds the map with dict.update() per pid: a later pid replaces the owners
    // an earlier pid registered for the same inode.
    if (!v.empty() && v.front().pid != pid) v.clear();
    v.push_back(Owner{pid, *fd});
  }
  ::closedir(d);
  return 0;
}

std::vector<long> list_pids(int procfd, const std::string& procfs) {
  int dup = ::fcntl(procfd, F_DUPFD_CLOEXEC, 0);
  if (dup < 0) throw_os_error(errno, "cannot list", procfs);
  DIR* d = ::fdopendir(dup);
  if (!d) {
    int e = errno;
    ::close(dup);
    throw_os_error(e, "cannot list", procfs);
  }
  std::vector<long> pids;
  while (struct dirent* e = ::readdir(d)) {
    if (auto p = to_int<long>(e->d_name); p && *p > 0) pids.push_back(*p);
  }
  ::closedir(d);
  std::sort(pids.begin(), pids.end());
  return pids;
}

[[noreturn]] void throw_pid_error(int err, long pid, const std::string& path) {
  if (err == ENOENT || err == ESRCH)
    throw Error(ErrorKind::NoSuchProcess, "process no longer exists (pid=" + std::to_string(pid) + ")", path, err, pid);
  if (err == EACCES || err == EPERM)
    throw Error(ErrorKind::AccessDenied, "cannot list " + path + ": " + std::strerror(err), path, err, pid);
  throw Error(kind_for_errno(err), "cannot list " + path + ": " + std::strerror(err), path, err, pid);
}

std::string conn_key(const Connection& c) {
  std::string k;
  k.reserve(96);
  k += std::to_string(c.fd) + '|' + std::to_string(c.family) + '|' + std::to_string(c.type) + '|';
  auto addr = [&k](const std::optional<InetAddr>& a) {
    if (a) k += a->ip + ' ' + std::to_string(a->port);
    k += '|';
  };
  addr(c.laddr);
  addr(c.raddr);
  k += c.path + '|' + c.status + '|' + (c.pid ? std::to_string(*c.pid) : "-");
  return k;
}

}  // namespace

bool valid_connection_kind(std::string_view kind) { return specs_for(kind).has_value(); }

std::vector<Connection> read_connections(const Roots& roots, std::string_view kind, std::optional<int> only_pid) {
  auto specs = specs_for(kind);
  if (!specs)
    throw Error(ErrorKind::InvalidArgument,
                "invalid kind '" + std::string(kind) +
                    "'; choose between inet, inet4, inet6, tcp, tcp4, tcp6, udp, udp4, udp6, unix, all");
  if (only_pid && *only_pid <= 0)
    throw Error(ErrorKind::InvalidArgument, "pid must be a positive number, got " + std::to_string(*only_pid));

  Fd procfd(::open(roots.procfs.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!procfd.valid()) throw_os_error(errno, "cannot open", roots.procfs);

  OwnerMap owners;
  if (only_pid) {
    int err = scan_pid_fds(procfd.get(), *only_pid, nullptr, owners);
    if (err) throw_pid_error(err, *only_pid, roots.proc(std::to_string(*only_pid) + "/fd"));
    if (owners.empty()) return {};  // no sockets: no need to read the tables
  }

  auto table_path = [&](const char* file) {
    return only_pid ? roots.proc(std::to_string(*only_pid) + "/net/" + file) : roots.proc_net(file);
  };

  // TCP through one sock_diag dump when the tables would describe the caller's own network
  // namespace (see net_diag.h); the files otherwise, or when netlink refuses.
  std::optional<std::vector<TcpDiagRow>> diag;
  bool wants_tcp = std::any_of(specs->begin(), specs->end(), [](const TableSpec& s) { return s.type == SOCK_STREAM; });
  if (wants_tcp) {
    bool own_netns = only_pid ? same_netns(roots.proc(std::to_string(*only_pid) + "/ns/net"))
                              : !roots.host_mode() || same_netns(roots.proc("1/ns/net"));
    if (own_netns) diag = tcp_sock_diag_dump();
  }

  // Read every table first, so the fd walk can keep only the inodes that matter.
  struct Table {
    TableSpec spec;
    std::string path;
    std::string text;
    std::vector<UnixSocketRow> unix_rows;  // parsed once
    bool from_diag = false;
  };
  std::vector<Table> tables;
  for (const auto& spec : *specs) {
    std::string path = table_path(spec.file);
    if (diag && spec.type == SOCK_STREAM) {
      tables.push_back(Table{spec, std::move(path), {}, {}, true});
      continue;
    }
    std::optional<std::string> text = read_file_if_exists(path, kLargeReadLimit);
    if (!text) {
      bool optional_v6 = spec.family == AF_INET6;  // no IPv6 in this kernel/netns
      if (optional_v6) continue;
      if (only_pid && !path_exists(roots.proc(std::to_string(*only_pid)))) throw_pid_error(ENOENT, *only_pid, path);
      throw Error(ErrorKind::NotFound, "cannot read " + path + ": no such file", path, ENOENT);
    }
    Table t{spec, std::move(path), std::move(*text), {}, false};
    if (spec.family == AF_UNIX) t.unix_rows = parse_unix_table(t.text, t.path);
    tables.push_back(std::move(t));
  }

  if (!only_pid) {
    std::unordered_set<uint64_t> wanted;
    for (const auto& t : tables) {
      if (t.from_diag) {
        for (const auto& d : *diag)
          if (d.inode && d.family == t.spec.family) wanted.insert(d.inode);
      } else if (t.spec.family == AF_UNIX) {
        for (const auto& r : t.unix_rows)
          if (r.inode) wanted.insert(r.inode);
      } else {
        for_each_inet_line(t.text, t.path, [&](const RawInetRow& r) {
          if (r.inode) wanted.insert(r.inode);
        });
      }
    }
    if (!wanted.empty()) {
      for (long pid : list_pids(procfd.get(), roots.procfs)) scan_pid_fds(procfd.get(), pid, &wanted, owners);
    }
  }

  std::vector<Connection> out;
  std::unordered_set<std::string> seen;
  auto emit = [&](Connection&& c) {
    if (seen.insert(conn_key(c)).second) out.push_back(std::move(c));
  };
  // One inet socket: owner lookup, then the addresses (decoded only when the row is kept).
  auto emit_inet = [&](const TableSpec& spec, int state, uint64_t inode, auto&& decode) {
    auto it = inode ? owners.find(inode) : owners.end();
    if (only_pid && it == owners.end()) return;
    Connection c;
    if (it != owners.end()) {
      c.pid = it->second.front().pid;
      c.fd = it->second.front().fd;
    }
    if (only_pid && c.pid != *only_pid) return;
    c.family = spec.family;
    c.type = spec.type;
    auto [l, r] = decode();
    if (l.port) c.laddr = std::move(l);
    if (r.port) c.raddr = std::move(r);
    c.status = spec.type == SOCK_STREAM ? tcp_status_name(state) : "NONE";
    c.state = spec.type == SOCK_STREAM && state >= 1 && state <= 11 ? state : 0;
    c.inode = inode;
    emit(std::move(c));
  };

  const std::vector<Owner> none{Owner{-1, -1}};
  for (const auto& t : tables) {
    if (t.spec.family == AF_UNIX) {
      for (const auto& r : t.unix_rows) {
        auto it = r.inode ? owners.find(r.inode) : owners.end();
        const std::vector<Owner>& pairs = it != owners.end() ? it->second : none;
        for (const auto& o : pairs) {
          if (only_pid && o.pid != *only_pid) continue;
          Connection c;
          c.fd = o.fd;
          c.family = AF_UNIX;
          c.type = r.type;
          c.path = r.path;
          c.status = "NONE";
          if (o.pid > 0) c.pid = o.pid;
          c.inode = r.inode;
          emit(std::move(c));
        }
      }
      continue;
    }
    if (t.from_diag) {
      for (const auto& d : *diag) {
        if (d.family != t.spec.family) continue;
        emit_inet(t.spec, d.state, d.inode, [&d] {
          return std::pair<InetAddr, InetAddr>{InetAddr{diag_ip(d, true), d.sport},
                                               InetAddr{diag_ip(d, false), d.dport}};
        });
      }
      continue;
    }
    Lines lines(t.text);
    std::string_view line;
    size_t lineno = 0;
    while (lines.next(line)) {
      ++lineno;
      if (lineno == 1 || trim(line).empty()) continue;
      RawInetRow raw = parse_inet_line(line, t.path, lineno);
      emit_inet(t.spec, raw.state, raw.inode, [&] {
        return std::pair<InetAddr, InetAddr>{decode_inet_address(raw.local, t.spec.family, t.path, lineno),
                                             decode_inet_address(raw.remote, t.spec.family, t.path, lineno)};
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------- tcpstat

void count_tcp_states(std::string_view text, const std::string& path, TcpStateCounts& out) {
  if (is_blank(text)) throw_parse_error(path, "empty file");
  Lines lines(text);
  std::string_view line;
  size_t lineno = 0;
  while (lines.next(line)) {
    ++lineno;
    if (lineno == 1) continue;  // the header
    Tokens t(line);
    std::string_view tok[10];
    size_t n = 0;
    while (n < 10 && t.next(tok[n])) ++n;
    if (n == 0) continue;
    // Every table line has at least 10 fields (up to the inode); fewer means a cut line.
    if (n < 10) throw_parse_error(path, line_ref(lineno) + ": expected at least 10 fields, got " + std::to_string(n));
    auto st = to_u64(tok[3], 16);
    if (!st || tok[3].size() > 2)
      throw_parse_error(path, line_ref(lineno) + ": bad state '" + std::string(tok[3]) + "'");
    size_t colon = tok[4].find(':');
    std::optional<uint64_t> tx, rx;
    if (colon != std::string_view::npos) {
      tx = to_u64(tok[4].substr(0, colon), 16);
      rx = to_u64(tok[4].substr(colon + 1), 16);
    }
    if (!tx || !rx) throw_parse_error(path, line_ref(lineno) + ": bad tx_queue:rx_queue '" + std::string(tok[4]) + "'");
    out.counts[*st >= 1 && *st <= 11 ? *st : 0]++;
    out.tx_queued_bytes += *tx;
    out.rx_queued_bytes += *rx;
  }
}

TcpStateCounts read_tcp_states(const Roots& roots) {
  TcpStateCounts out;
  if (!roots.host_mode() || same_netns(roots.proc("1/ns/net"))) {
    if (auto rows = tcp_sock_diag_dump()) {
      for (const auto& r : *rows) {
        out.counts[r.state >= 1 && r.state <= 11 ? static_cast<size_t>(r.state) : 0]++;
        out.rx_queued_bytes += r.rx_queue;
        out.tx_queued_bytes += r.tx_queue;
      }
      return out;
    }
  }
  std::string p4 = roots.proc_net("tcp");
  count_tcp_states(read_file(p4, kLargeReadLimit), p4, out);
  std::string p6 = roots.proc_net("tcp6");
  if (auto t = read_file_if_exists(p6, kLargeReadLimit)) count_tcp_states(*t, p6, out);
  return out;
}

}  // namespace hp

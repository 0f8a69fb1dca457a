#include "net.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "error.h"
#include "fs.h"
#include "parse.h"

namespace hp {

namespace {

std::string line_ref(size_t lineno) { return "line " + std::to_string(lineno); }

// A counter or statistic: int64 (netstat has negative values, e.g. Tcp MaxConn -1), or
// uint64 beyond INT64_MAX.
std::optional<double> stat_number(std::string_view s) {
  if (auto v = to_i64(s)) return static_cast<double>(*v);
  if (auto v = to_u64(s)) return static_cast<double>(*v);
  return std::nullopt;
}

StatGroup& group_for(StatGroups& out, std::string_view name) {
  for (auto& g : out)
    if (g.name == name) return g;
  out.push_back(StatGroup{std::string(name), {}});
  return out.back();
}

}  // namespace

// ---------------------------------------------------------------- /proc/net/dev

std::vector<NetDevCounters> parse_net_dev(std::string_view text, const std::string& path) {
  reject_nul(text, path);
  std::vector<NetDevCounters> out;
  Lines lines(text);
  std::string_view line;
  size_t lineno = 0;
  SeenNames seen;
  if (text.find('|') == std::string_view::npos) throw_parse_error(path, "no 'Inter-|' header: not a /proc/net/dev");
  while (lines.next(line)) {
    ++lineno;
    if (lineno <= 2) continue;  // "Inter-| Receive ... | Transmit" and " face |bytes ..."
    if (trim(line).empty()) continue;
    size_t colon = line.rfind(':');
    if (colon == std::string_view::npos)
      throw_parse_error(path, line_ref(lineno) + ": no ':' after the interface name");
    NetDevCounters row;
    row.name = std::string(trim(line.substr(0, colon)));
    if (row.name.empty()) throw_parse_error(path, line_ref(lineno) + ": empty interface name");
    // The kernel refuses blanks in an interface name (dev_valid_name); "a b" is corrupt (fuzzing).
    if (std::any_of(row.name.begin(), row.name.end(), is_space))
      throw_parse_error(path, line_ref(lineno) + ": blank in interface name '" + row.name + "'");
    if (!valid_utf8(row.name)) throw_parse_error(path, line_ref(lineno) + ": interface name is not valid UTF-8");
    if (!seen.add(trim(line.substr(0, colon))))
      throw_parse_error(path, line_ref(lineno) + ": duplicate interface '" + row.name + "'");
    auto f = fields(line.substr(colon + 1));
    if (f.size() < kNetDevFieldCount)
      throw_parse_error(
          path, line_ref(lineno) + " (" + row.name + "): expected 16 counters, got " + std::to_string(f.size()));
    for (size_t i = 0; i < kNetDevFieldCount; ++i) {
      auto v = to_u64(f[i]);
      if (!v)
        throw_parse_error(path, line_ref(lineno) + " (" + row.name + "): bad counter '" + std::string(f[i]) + "'");
      row.v[i] = *v;
    }
    out.push_back(std::move(row));
  }
  return out;
}

std::vector<NetDevCounters> read_net_dev(const Roots& roots) {
  std::string path = roots.proc_net("dev");
  return parse_net_dev(read_file(path), path);
}

// ------------------------------------------------------------ sockstat / snmp

namespace {

// Appends one counter to a protocol group; a name the group already has is a parse error
// (a duplicated line or key would give duplicate series).
template <typename V>
void add_field(StatGroup& g, std::string_view name, V value, const std::string& path, size_t lineno) {
  // Both names end up in a metric name: empty or blank ones are no kernel's (fuzzing).
  auto bad_name = [](std::string_view s) { return s.empty() || std::any_of(s.begin(), s.end(), is_space); };
  if (bad_name(g.name) || bad_name(name))
    throw_parse_error(path,
                      line_ref(lineno) + ": bad protocol or counter name '" + g.name + " " + std::string(name) + "'");
  for (const auto& f : g.fields)
    if (f.first == name)
      throw_parse_error(path, line_ref(lineno) + ": duplicate key '" + g.name + " " + std::string(name) + "'");
  g.fields.emplace_back(std::string(name), value);
}

}  // namespace

void parse_sockstat(std::string_view text, const std::string& path, StatGroups& out) {
  reject_nul(text, path);
  if (is_blank(text)) throw_parse_error(path, "empty file");
  Lines lines(text);
  std::string_view line;
  size_t lineno = 0;
  while (lines.next(line)) {
    ++lineno;
    if (trim(line).empty()) continue;
    auto kv = split_key_value(line);
    if (!kv || kv->key.empty()) throw_parse_error(path, line_ref(lineno) + ": no 'PROTO:' prefix");
    auto f = fields(kv->value);
    if (f.size() % 2 != 0)
      throw_parse_error(path,
                        line_ref(lineno) + " (" + std::string(kv->key) + "): fields do not come in name/value pairs");
    StatGroup& g = group_for(out, kv->key);
    for (size_t i = 0; i < f.size(); i += 2) {
      auto v = stat_number(f[i + 1]);
      if (!v)
        throw_parse_error(path, line_ref(lineno) + " (" + std::string(kv->key) + "): bad value '" +
                                    std::string(f[i + 1]) + "' for " + std::string(f[i]));
      add_field(g, f[i], *v, path, lineno);
    }
  }
}

void parse_netstat_pairs(std::string_view text, const std::string& path, StatGroups& out) {
  reject_nul(text, path);
  if (is_blank(text)) throw_parse_error(path, "empty file");
  Lines lines(text);
  std::string_view header;
  size_t lineno = 0;
  while (lines.next(header)) {
    ++lineno;
    if (trim(header).empty()) continue;
    std::string_view values;
    if (!lines.next(values)) throw_parse_error(path, line_ref(lineno) + ": header line without a value line");
    ++lineno;
    auto hk = split_key_value(header);
    auto vk = split_key_value(values);
    if (!hk || !vk || hk->key.empty()) throw_parse_error(path, line_ref(lineno) + ": no 'Proto:' prefix");
    if (hk->key != vk->key)
      throw_parse_error(path, line_ref(lineno) + ": value line '" + std::string(vk->key) + "' does not match header '" +
                                  std::string(hk->key) + "'");
    auto names = fields(hk->value);
    auto nums = fields(vk->value);
    if (names.size() != nums.size())
      throw_parse_error(path, line_ref(lineno) + " (" + std::string(hk->key) + "): " + std::to_string(names.size()) +
                                  " names but " + std::to_string(nums.size()) + " values");
    StatGroup& g = group_for(out, hk->key);
    for (size_t i = 0; i < names.size(); ++i) {
      auto v = stat_number(nums[i]);
      if (!v)
        throw_parse_error(path, line_ref(lineno) + " (" + std::string(hk->key) + "): bad value '" +
                                    std::string(nums[i]) + "' for " + std::string(names[i]));
      add_field(g, names[i], *v, path, lineno);
    }
  }
}

void parse_snmp6(std::string_view text, const std::string& path, StatGroups& out) {
  reject_nul(text, path);
  if (is_blank(text)) throw_parse_error(path, "empty file");
  Lines lines(text);
  std::string_view line;
  size_t lineno = 0;
  while (lines.next(line)) {
    ++lineno;
    auto f = fields(line);
    if (f.empty()) continue;
    if (f.size() != 2) throw_parse_error(path, line_ref(lineno) + ": expected 'Name value'");
    size_t six = f[0].find('6');
    if (six == std::string_view::npos) continue;
    // "UdpLite6 1" names no counter: it would become a metric without a name (fuzzing).
    if (six + 1 == f[0].size())
      throw_parse_error(path, line_ref(lineno) + ": no counter name after '" + std::string(f[0]) + "'");
    auto v = stat_number(f[1]);
    if (!v)
      throw_parse_error(path, line_ref(lineno) + ": bad value '" + std::string(f[1]) + "' for " + std::string(f[0]));
    add_field(group_for(out, f[0].substr(0, six + 1)), f[0].substr(six + 1), *v, path, lineno);
  }
}

StatGroups read_sockstat(const Roots& roots) {
  StatGroups out;
  std::string p4 = roots.proc_net("sockstat");
  parse_sockstat(read_file(p4), p4, out);
  std::string p6 = roots.proc_net("sockstat6");
  if (auto t = read_file_if_exists(p6)) parse_sockstat(*t, p6, out);
  return out;
}

StatGroups read_netstat(const Roots& roots) {
  StatGroups out;
  std::string netstat = roots.proc_net("netstat");
  if (auto t = read_file_if_exists(netstat)) parse_netstat_pairs(*t, netstat, out);
  std::string snmp = roots.proc_net("snmp");
  parse_netstat_pairs(read_file(snmp), snmp, out);
  std::string snmp6 = roots.proc_net("snmp6");
  if (auto t = read_file_if_exists(snmp6)) parse_snmp6(*t, snmp6, out);
  return out;
}

// ------------------------------------------------------------- /sys/class/net

std::optional<int64_t> parse_sysfs_int(std::string_view s) {
  s = trim(s);
  bool neg = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    neg = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.empty() || s.front() == '-' || s.front() == '+') return std::nullopt;
  std::optional<uint64_t> v;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
    v = to_u64(s.substr(2), 16);
  else
    v = to_u64(s);
  if (!v || *v > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  int64_t r = static_cast<int64_t>(*v);
  return neg ? -r : r;
}

namespace {

// Reads one attribute relative to the interface directory `dir` (for messages); nullopt
// when the kernel gives none (missing file, EINVAL while the link is down, EACCES,
// EOPNOTSUPP...), as node_exporter does. A path that is not a regular file (a FIFO would
// hang the read) or an attribute above a page is an IoError naming the path: a wrong tree.
std::optional<std::string> read_attr_at(int dirfd, const std::string& dir, const char* name) {
  constexpr size_t kPage = 4096;
  Fd fd;
  if (int err = open_for_read(dirfd, name, fd)) {
    if (err < 0) throw_read_error(err, "cannot read", dir + "/" + name, kPage);
    return std::nullopt;
  }
  char buf[kPage];
  size_t len = 0;
  for (;;) {
    ssize_t n = ::read(fd.get(), buf + len, sizeof(buf) - len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::nullopt;
    }
    if (n == 0) break;
    size_t asked = sizeof(buf) - len;
    len += static_cast<size_t>(n);
    // A short read is the end: a sysfs attribute comes whole from one read (it is at most a
    // page), and so does a fixture's regular file. Saves the read that would return 0, ~90
    // syscalls a poll for netclass.
    if (static_cast<size_t>(n) < asked) break;
    if (len == sizeof(buf)) {
      char extra;
      ssize_t m;
      do m = ::read(fd.get(), &extra, 1);
      while (m < 0 && errno == EINTR);
      if (m > 0) throw_read_error(kErrTooLarge, "cannot read", dir + "/" + name, kPage);
      break;
    }
  }
  std::string_view v(buf, len);
  // One line; strip the trailing newline only (an ifalias may keep inner spaces).
  size_t nl = v.find('\n');
  if (nl != std::string_view::npos) v = v.substr(0, nl);
  return std::string(v);
}

// An integer attribute; nullopt when absent or not an integer (the library's netClass
// contract: test/native/net_test.cc NetClass.FixtureWithOddNames).
std::optional<int64_t> int_attr_at(int dirfd, const std::string& dir, const char* name) {
  auto s = read_attr_at(dirfd, dir, name);
  if (!s) return std::nullopt;
  return parse_sysfs_int(*s);
}

}  // namespace

NetClassInfo read_net_class_iface(const Roots& roots, const std::string& name) {
  NetClassInfo info;
  info.name = name;
  std::string dir = roots.sys("class/net/" + name);
  Fd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!d.valid()) throw_os_error(errno, "cannot open", dir);
  int fd = d.get();
  info.address = read_attr_at(fd, dir, "address");
  info.broadcast = read_attr_at(fd, dir, "broadcast");
  info.duplex = read_attr_at(fd, dir, "duplex");
  info.operstate = read_attr_at(fd, dir, "operstate");
  info.ifalias = read_attr_at(fd, dir, "ifalias");
  info.mtu = int_attr_at(fd, dir, "mtu");
  info.speed = int_attr_at(fd, dir, "speed");
  info.carrier = int_attr_at(fd, dir, "carrier");
  info.carrier_changes = int_attr_at(fd, dir, "carrier_changes");
  info.carrier_up_count = int_attr_at(fd, dir, "carrier_up_count");
  info.carrier_down_count = int_attr_at(fd, dir, "carrier_down_count");
  info.dormant = int_attr_at(fd, dir, "dormant");
  info.flags = int_attr_at(fd, dir, "flags");
  info.iflink = int_attr_at(fd, dir, "iflink");
  info.ifindex = int_attr_at(fd, dir, "ifindex");
  info.link_mode = int_attr_at(fd, dir, "link_mode");
  info.type = int_attr_at(fd, dir, "type");
  info.addr_assign_type = int_attr_at(fd, dir, "addr_assign_type");
  info.name_assign_type = int_attr_at(fd, dir, "name_assign_type");
  info.netdev_group = int_attr_at(fd, dir, "netdev_group");
  info.dev_id = int_attr_at(fd, dir, "dev_id");
  info.tx_queue_len = int_attr_at(fd, dir, "tx_queue_len");
  return info;
}

std::vector<NetClassInfo> read_net_class(const Roots& roots) {
  std::string base = roots.sys("class/net");
  std::vector<NetClassInfo> out;
  std::vector<std::string> names;
  for (auto& n : list_dir(base)) {
    // Interfaces are symlinks to directories (or directories in fixture trees); skip
    // regular files such as bonding_masters.
    if (!is_directory(base + "/" + n)) continue;
    // The name becomes a label value: it must be valid UTF-8.
    if (!valid_utf8(n)) throw_parse_error(base, "interface name is not valid UTF-8");
    names.push_back(std::move(n));
  }
  std::sort(names.begin(), names.end());
  for (const auto& n : names) {
    try {
      out.push_back(read_net_class_iface(roots, n));
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::NotFound) continue;  // vanished meanwhile
      throw;
    }
  }
  return out;
}

}  // namespace hp

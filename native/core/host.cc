#include "host.h"

#include <sys/stat.h>
#include <sys/utsname.h>

#include <cerrno>
#include <cmath>
#include <cstring>

#include "cpu.h"
#include "error.h"
#include "fs.h"
#include "parse.h"

namespace hp {

namespace {

// Byte offsets of glibc's struct utmp (see <bits/utmp.h>).
constexpr size_t kOffType = 0;  // short ut_type (+2 bytes padding)
constexpr size_t kOffPid = 4;   // pid_t ut_pid
constexpr size_t kOffLine = 8;  // char ut_line[32]
constexpr size_t kLineLen = 32;
constexpr size_t kOffUser = 44;  // char ut_user[32] (after ut_id[4])
constexpr size_t kUserLen = 32;
constexpr size_t kOffHost = 76;  // char ut_host[256]
constexpr size_t kHostLen = 256;
constexpr size_t kOffTvSec = 340;  // int32 ut_tv.tv_sec (after ut_exit and ut_session)

template <typename T>
T load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// A fixed-size char field: up to its first NUL, never past its size.
std::string bounded(const char* p, size_t n) { return std::string(p, strnlen(p, n)); }

// Follows symlinks inside `root` (absolute targets are re-rooted), so that a host's
// /etc/os-release -> /usr/lib/os-release resolves under /host and not in the container.
std::string resolve_in_root(const Roots& r, std::string path) {
  if (r.rootfs == "/" || r.rootfs.empty()) return path;
  for (int hops = 0; hops < 16; ++hops) {
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return path;
    std::string target = read_link(path);
    if (!target.empty() && target.front() == '/') {
      path = r.root(target);
    } else {
      path = path.substr(0, path.rfind('/') + 1) + target;
    }
  }
  return path;
}

std::optional<PsiLine> parse_psi_fields(std::string_view line, const std::string& path) {
  PsiLine p;
  bool a10 = false, a60 = false, a300 = false, tot = false;
  auto f = fields(line);
  for (size_t i = 1; i < f.size(); ++i) {
    auto kv = split_key_value(f[i], '=');
    if (!kv) throw_parse_error(path, "malformed field '" + std::string(f[i]) + "'");
    if (kv->key == "total") {
      auto v = to_u64(kv->value);
      if (!v) throw_parse_error(path, "malformed total '" + std::string(kv->value) + "'");
      p.total_us = *v;
      tot = true;
      continue;
    }
    auto v = to_double(kv->value);
    if (!v) throw_parse_error(path, "malformed average '" + std::string(f[i]) + "'");
    // A share of the window, in percent (fuzzing found 5e19 and "nan" published as is).
    if (!std::isfinite(*v) || *v < 0 || *v > 100)
      throw_parse_error(path, "average '" + std::string(f[i]) + "' is out of range (0..100)");
    if (kv->key == "avg10")
      p.avg10 = *v, a10 = true;
    else if (kv->key == "avg60")
      p.avg60 = *v, a60 = true;
    else if (kv->key == "avg300")
      p.avg300 = *v, a300 = true;
  }
  if (!(a10 && a60 && a300 && tot)) throw_parse_error(path, "incomplete line '" + std::string(line) + "'");
  return p;
}

}  // namespace

std::vector<UserEntry> parse_utmp(std::string_view bytes) {
  std::vector<UserEntry> out;
  for (size_t off = 0; off + kUtmpRecordSize <= bytes.size(); off += kUtmpRecordSize) {
    const char* rec = bytes.data() + off;
    if (load<int16_t>(rec + kOffType) != kUtmpUserProcess) continue;
    UserEntry u;
    u.name = bounded(rec + kOffUser, kUserLen);
    std::string line = bounded(rec + kOffLine, kLineLen);
    if (!line.empty()) u.terminal = std::move(line);
    u.host = bounded(rec + kOffHost, kHostLen);
    if (u.host.empty() || u.host == ":0" || u.host == ":0.0") u.host = "localhost";
    // tv_sec is stored as 32 bits; read it unsigned so that it lasts until 2106.
    u.started = static_cast<double>(load<uint32_t>(rec + kOffTvSec));
    u.pid = load<int32_t>(rec + kOffPid);
    out.push_back(std::move(u));
  }
  return out;
}

std::string unquote_shell_value(std::string_view raw) {
  std::string out;
  raw = trim(raw);
  char quote = 0;
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (quote == '\'') {
      if (c == '\'')
        quote = 0;
      else
        out.push_back(c);
    } else if (c == '\\' && i + 1 < raw.size()) {
      // Inside "..." a backslash escapes only $ ` " \ and newline; outside, anything.
      char n = raw[i + 1];
      if (quote == '"' && n != '$' && n != '`' && n != '"' && n != '\\' && n != '\n') {
        out.push_back(c);
      } else {
        out.push_back(n);
        ++i;
      }
    } else if (quote == '"') {
      if (c == '"')
        quote = 0;
      else
        out.push_back(c);
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

OsRelease parse_os_release(std::string_view text) {
  OsRelease o;
  Lines lines(text);
  std::string_view line;
  while (lines.next(line)) {
    std::string_view t = trim(line);
    if (t.empty() || t.front() == '#') continue;
    size_t eq = t.find('=');
    if (eq == std::string_view::npos) continue;  // os-release(5): ignore what is not an assignment
    std::string_view key = trim(t.substr(0, eq));
    std::optional<std::string>* slot = nullptr;
    if (key == "ID")
      slot = &o.id;
    else if (key == "ID_LIKE")
      slot = &o.id_like;
    else if (key == "NAME")
      slot = &o.name;
    else if (key == "PRETTY_NAME")
      slot = &o.pretty_name;
    else if (key == "VERSION")
      slot = &o.version;
    else if (key == "VERSION_ID")
      slot = &o.version_id;
    else if (key == "VERSION_CODENAME")
      slot = &o.version_codename;
    else if (key == "BUILD_ID")
      slot = &o.build_id;
    else if (key == "VARIANT")
      slot = &o.variant;
    else if (key == "VARIANT_ID")
      slot = &o.variant_id;
    else if (key == "IMAGE_ID")
      slot = &o.image_id;
    else if (key == "IMAGE_VERSION")
      slot = &o.image_version;
    if (slot) *slot = unquote_shell_value(t.substr(eq + 1));
  }
  return o;
}

FileNr parse_file_nr(std::string_view text, const std::string& path) {
  auto f = fields(text);
  if (f.size() < 3) throw_parse_error(path, "expected 3 numbers");
  auto a = to_u64(f[0]), u = to_u64(f[1]), m = to_u64(f[2]);
  if (!a || !u || !m) throw_parse_error(path, "malformed numbers");
  return FileNr{*a, *u, *m};
}

PsiResource parse_psi(std::string_view text, const std::string& path) {
  reject_nul(text, path);
  PsiResource r;
  Lines lines(text);
  std::string_view line;
  while (lines.next(line)) {
    if (trim(line).empty()) continue;
    if (starts_with(line, "some "))
      r.some = parse_psi_fields(line, path);
    else if (starts_with(line, "full "))
      r.full = parse_psi_fields(line, path);
    else
      throw_parse_error(path, "unexpected line '" + std::string(trim(line)) + "'");
  }
  return r;
}

double parse_uptime(std::string_view text, const std::string& path) {
  auto f = fields(text);
  std::optional<double> v;
  if (!f.empty()) v = to_double(f[0]);
  if (!v) throw_parse_error(path, "malformed uptime");
  if (!std::isfinite(*v) || *v < 0)
    throw_parse_error(path, "uptime '" + std::string(f[0]) + "' is out of range (finite, >= 0)");
  return *v;
}

std::vector<UserEntry> read_users(const Roots& r) {
  for (const char* rel : {"run/utmp", "var/run/utmp"}) {
    std::string path = resolve_in_root(r, r.root(rel));
    if (auto bytes = read_file_if_exists(path)) return parse_utmp(*bytes);
  }
  return {};
}

Uname read_uname() {
  struct utsname u;
  if (::uname(&u) != 0) throw_os_error(errno, "uname");
  return Uname{u.sysname, u.nodename, u.release, u.version, u.machine, u.domainname};
}

std::string_view read_uname_joined() {
  struct utsname u;
  if (::uname(&u) != 0) throw_os_error(errno, "uname");
  thread_local std::string buf;
  buf.clear();
  for (const char* f : {u.sysname, u.nodename, u.release, u.version, u.machine, u.domainname}) {
    if (f != u.sysname) buf.push_back('\0');
    buf.append(f, strnlen(f, sizeof u.sysname));
  }
  return buf;
}

OsRelease read_os_release(const Roots& r) {
  std::string first;
  for (const char* rel : {"etc/os-release", "usr/lib/os-release"}) {
    std::string path = resolve_in_root(r, r.root(rel));
    if (first.empty()) first = r.root(rel);
    if (auto text = read_file_if_exists(path)) {
      OsRelease o = parse_os_release(*text);
      o.path = path;
      return o;
    }
  }
  throw Error(ErrorKind::NotFound, "no os-release: neither " + first + " nor " + r.root("usr/lib/os-release"), first,
              ENOENT);
}

HostInfo read_host_info(const Roots& r) {
  HostInfo h;
  h.uname = read_uname();
  h.boot_time = read_boot_time(r);
  std::string up = r.proc("uptime");
  h.uptime = parse_uptime(read_one_shot(up), up);
  return h;
}

FileNr read_file_nr(const Roots& r) {
  std::string path = r.proc("sys/fs/file-nr");
  return parse_file_nr(read_one_shot(path), path);
}

uint64_t read_entropy_avail(const Roots& r) {
  std::string path = r.proc("sys/kernel/random/entropy_avail");
  auto v = to_u64(trim(read_one_shot(path)));
  if (!v) throw_parse_error(path, "not a number");
  return *v;
}

std::optional<uint64_t> read_entropy_pool_size(const Roots& r) {
  thread_local std::string buf;
  std::string path = r.proc("sys/kernel/random/poolsize");
  auto text = read_one_shot(path, buf);
  if (!text) return std::nullopt;
  auto v = to_u64(trim(*text));
  if (!v) throw_parse_error(path, "not a number");
  return *v;
}

std::optional<ClockSource> read_clock_source(const Roots& r) {
  thread_local std::string buf;
  std::string dir = r.sys("devices/system/clocksource/clocksource0");
  auto current = read_attr_one_shot(dir + "/current_clocksource", buf);
  if (!current) return std::nullopt;
  ClockSource c;
  c.current = std::string(*current);
  if (auto avail = read_attr_one_shot(dir + "/available_clocksource", buf))
    for (auto tok : fields(*avail)) c.available.emplace_back(tok);
  return c;
}

std::optional<Pressure> read_pressure(const Roots& r) {
  std::string dir = r.proc("pressure");
  if (!is_directory(dir)) return std::nullopt;
  Pressure p;
  bool any = false;
  thread_local std::string buf;
  auto one = [&](const char* name, std::optional<PsiResource>& slot) {
    std::string path = dir + "/" + name;
    try {
      if (auto text = read_one_shot(path, buf)) {
        slot = parse_psi(*text, path);
        any = true;
      }
    } catch (const Error& e) {
      // psi=0 on the kernel command line: the files exist but reads give EOPNOTSUPP.
      if (e.kind() != ErrorKind::Unsupported) throw;
    }
  };
  one("cpu", p.cpu);
  one("io", p.io);
  one("memory", p.memory);
  one("irq", p.irq);
  if (!any) return std::nullopt;
  return p;
}

}  // namespace hp

#include "disk.h"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "error.h"
#include "fs.h"
#include "parse.h"

namespace hp {

namespace {

std::string line_error(size_t lineno, const std::string& what) {
  return "line " + std::to_string(lineno) + ": " + what;
}

bool has_option(std::string_view opts, std::string_view name) {
  for (std::string_view o : split(opts, ','))
    if (o == name) return true;
  return false;
}

bool is_sb_flag(std::string_view o) {
  // show_sb_opts() in fs/proc_namespace.c: the superblock flags printed right after rw/ro.
  return o == "sync" || o == "dirsync" || o == "mand" || o == "lazytime";
}

std::string without_trailing_slashes(std::string_view s) {
  std::string out(s);
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Mounts

std::vector<MountInfo> parse_mountinfo(std::string_view text, const std::string& path) {
  reject_nul(text, path);
  if (is_blank(text)) throw_parse_error(path, "empty file");
  std::vector<MountInfo> out;
  Lines lines(text);
  std::string_view line;
  size_t lineno = 0;
  while (lines.next(line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trim(line).empty()) continue;
    // Single spaces separate the fields; spaces inside a field are escaped as \040.
    std::vector<std::string_view> f = split(line, ' ');
    size_t sep = 0;
    for (size_t i = 6; i < f.size(); ++i) {
      if (f[i] == "-") {
        sep = i;
        break;
      }
    }
    if (sep == 0 || f.size() < sep + 4)
      throw_parse_error(
          path,
          line_error(
              lineno,
              "expected 'id parent major:minor root mountpoint options [optional...] - fstype source superoptions'"));
    MountInfo m;
    auto id = to_u64(f[0]);
    auto parent = to_u64(f[1]);
    size_t colon = f[2].find(':');
    std::optional<uint64_t> major, minor;
    if (colon != std::string_view::npos) {
      major = to_u64(f[2].substr(0, colon));
      minor = to_u64(f[2].substr(colon + 1));
    }
    if (!id || !parent || !major || !minor)
      throw_parse_error(path, line_error(lineno, "bad mount id or major:minor '" + std::string(f[2]) + "'"));
    m.mount_id = *id;
    m.parent_id = *parent;
    m.major = static_cast<unsigned>(*major);
    m.minor = static_cast<unsigned>(*minor);
    m.root = unescape_octal(f[3]);
    m.mountpoint = unescape_octal(f[4]);
    if (!valid_utf8(m.mountpoint)) throw_parse_error(path, line_error(lineno, "mount point is not valid UTF-8"));
    m.mount_opts = std::string(f[5]);
    for (size_t i = 6; i < sep; ++i)
      if (!f[i].empty()) m.optional_fields.emplace_back(f[i]);
    m.fstype = unescape_octal(f[sep + 1]);
    // Two spaces in a row leave an empty field: no mount has an empty mount point or type.
    if (m.mountpoint.empty() || m.fstype.empty())
      throw_parse_error(path, line_error(lineno, "empty mount point or file system type"));
    m.source = unescape_octal(f[sep + 2]);
    m.super_opts = unescape_octal(f[sep + 3]);
    out.push_back(std::move(m));
  }
  return out;
}

std::unordered_set<std::string> parse_physical_fstypes(std::string_view text) {
  std::unordered_set<std::string> out;
  Lines lines(text);
  std::string_view line;
  while (lines.next(line)) {
    line = trim(line);
    if (line.empty()) continue;
    if (starts_with(line, "nodev")) {
      // "nodev\tzfs": psutil keeps zfs although the kernel lists it as nodev.
      auto f = fields(line);
      if (f.size() >= 2 && f[0] == "nodev" && f[1] == "zfs") out.insert("zfs");
      continue;
    }
    // "\text4": one name; a line of several words is not a file system type (fuzzing).
    auto f = fields(line);
    if (f.size() == 1 && f[0].find('\0') == std::string_view::npos) out.insert(std::string(f[0]));
  }
  return out;
}

std::string combine_mount_options(std::string_view mount_opts, std::string_view super_opts) {
  std::vector<std::string_view> m = split(mount_opts, ',');
  std::vector<std::string_view> s = split(super_opts, ',');
  bool ro = (!m.empty() && m[0] == "ro") || (!s.empty() && s[0] == "ro");
  std::string out = ro ? "ro" : "rw";
  auto add = [&out](std::string_view o) {
    if (o.empty()) return;
    out.push_back(',');
    out.append(o);
  };
  // mountinfo: mount = "rw|ro" + per-mount flags; super = "rw|ro" + sb flags + fs options.
  // /proc/mounts: "rw|ro" + sb flags + per-mount flags + fs options.
  size_t i = (!s.empty() && (s[0] == "rw" || s[0] == "ro")) ? 1 : 0;
  for (; i < s.size() && is_sb_flag(s[i]); ++i) add(s[i]);
  size_t j = (!m.empty() && (m[0] == "rw" || m[0] == "ro")) ? 1 : 0;
  for (; j < m.size(); ++j) add(m[j]);
  for (; i < s.size(); ++i) add(s[i]);
  return out;
}

bool mount_is_readonly(std::string_view mount_opts, std::string_view super_opts) {
  return has_option(mount_opts, "ro") || has_option(super_opts, "ro") || has_option(super_opts, "emergency_ro");
}

std::optional<std::string> strip_root_prefix(std::string_view path, std::string_view prefix) {
  std::string p = without_trailing_slashes(prefix);
  if (p.empty() || p == "/") return std::string(path);
  if (path == p) return std::string("/");
  if (path.size() > p.size() && path.substr(0, p.size()) == p && path[p.size()] == '/')
    return std::string(path.substr(p.size()));
  return std::nullopt;
}

std::vector<DiskPartition> build_partitions(const std::vector<MountInfo>& mounts, const PartitionFilter& filter) {
  std::vector<DiskPartition> out;
  out.reserve(mounts.size());
  for (const MountInfo& m : mounts) {
    std::optional<std::string> mp = strip_root_prefix(m.mountpoint, filter.strip_prefix);
    if (!mp) continue;
    DiskPartition p;
    p.device = m.source == "none" ? std::string() : m.source;
    if ((p.device == "/dev/root" || p.device == "rootfs") && filter.resolve_root_device) {
      if (auto real = filter.resolve_root_device(m.major, m.minor)) p.device = *real;
    }
    if (filter.physical && (p.device.empty() || !filter.physical->count(m.fstype))) continue;
    p.mountpoint = std::move(*mp);
    p.fstype = m.fstype;
    p.opts = combine_mount_options(m.mount_opts, m.super_opts);
    p.super_opts = m.super_opts;
    p.major = m.major;
    p.minor = m.minor;
    p.readonly = mount_is_readonly(m.mount_opts, m.super_opts);
    out.push_back(std::move(p));
  }
  return out;
}

std::optional<std::string> find_block_device(const Roots& roots, unsigned major, unsigned minor) {
  auto exists = [&](const std::string& dev) -> std::optional<std::string> {
    if (path_exists(roots.root(dev))) return dev;
    return std::nullopt;
  };
  const std::string mm = std::to_string(major) + ":" + std::to_string(minor);
  // 1. <procfs>/partitions: "major minor #blocks name" after two header lines.
  if (auto text = read_file_if_exists(roots.proc("partitions"))) {
    Lines lines(*text);
    std::string_view line;
    size_t n = 0;
    while (lines.next(line)) {
      if (++n <= 2) continue;
      auto f = fields(line);
      if (f.size() < 4) continue;
      if (to_u64(f[0]) == major && to_u64(f[1]) == minor && !f[3].empty()) return exists("/dev/" + std::string(f[3]));
    }
  }
  // 2. <sysfs>/dev/block/M:m/uevent DEVNAME=.
  if (auto text = read_file_if_exists(roots.sys("dev/block/" + mm + "/uevent"))) {
    Lines lines(*text);
    std::string_view line;
    while (lines.next(line)) {
      line = trim(line);
      if (starts_with(line, "DEVNAME=") && line.size() > 8) return exists("/dev/" + std::string(line.substr(8)));
    }
  }
  // 3. <sysfs>/class/block/*/dev.
  if (is_directory(roots.sys("class/block"))) {
    for (const std::string& name : list_dir(roots.sys("class/block"))) {
      auto dev = read_attr(roots.sys("class/block/" + name + "/dev"));
      if (dev && *dev == mm) return exists("/dev/" + name);
    }
  }
  return std::nullopt;
}

std::vector<DiskPartition> read_partitions(const Roots& roots, bool all) {
  std::string path = roots.proc_ns("mountinfo");
  bool self_view = !roots.host_mode();
  std::string text;
  try {
    text = read_file(path);
  } catch (const Error& e) {
    // hidepid (or a procfs without PID 1) blocks <procfs>/1/mountinfo: node_exporter then
    // reads the reader's own view, whose mount points carry the rootfs prefix.
    if (self_view || (e.kind() != ErrorKind::NotFound && e.kind() != ErrorKind::AccessDenied)) throw;
    path = roots.proc("self/mountinfo");
    self_view = true;
    text = read_file(path);
  }
  std::vector<MountInfo> mounts = parse_mountinfo(text, path);

  PartitionFilter filter;
  std::unordered_set<std::string> physical;
  if (!all) {
    physical = parse_physical_fstypes(read_file(roots.proc("filesystems")));
    filter.physical = &physical;
  }
  if (self_view) filter.strip_prefix = roots.rootfs;
  filter.resolve_root_device = [&roots](unsigned major, unsigned minor) {
    return find_block_device(roots, major, minor);
  };
  return build_partitions(mounts, filter);
}

// ---------------------------------------------------------------------------------------
// Disk usage

double python_round(double x, int ndigits) {
  // glibc's printf is correctly rounded (ties to even on the exact binary value), which is
  // what CPython's float.__round__ computes with its own dtoa.
  char buf[512];
  std::snprintf(buf, sizeof buf, "%.*f", ndigits, x);
  return std::strtod(buf, nullptr);
}

DiskUsage disk_usage_from(const StatvfsNumbers& s) {
  DiskUsage u;
  const uint64_t fr = s.frsize;
  u.total = s.blocks * fr;
  u.used = (s.blocks > s.bfree ? s.blocks - s.bfree : 0) * fr;
  u.free = s.bavail * fr;
  u.avail_bytes = u.free;
  u.free_bytes = s.bfree * fr;
  u.files = s.files;
  u.files_free = s.ffree;
  const uint64_t total_user = u.used + u.free;
  u.percent =
      total_user == 0 ? 0.0 : python_round(static_cast<double>(u.used) / static_cast<double>(total_user) * 100.0, 1);
  return u;
}

std::string usage_path(const Roots& roots, std::string_view path) {
  std::string root = without_trailing_slashes(roots.rootfs);
  std::string joined = (root.empty() || root == "/") ? std::string(path) : Roots::join(root, path);
  std::string out;
  out.reserve(joined.size());
  for (char c : joined) {
    if (c == '/' && !out.empty() && out.back() == '/') continue;
    out.push_back(c);
  }
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

DiskUsage statvfs_usage(const std::string& path) {
  struct statvfs st;
  int rc;
  do {
    rc = ::statvfs(path.c_str(), &st);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) throw_os_error(errno, "cannot statvfs", path);
  StatvfsNumbers n;
  n.blocks = st.f_blocks;
  n.bfree = st.f_bfree;
  n.bavail = st.f_bavail;
  n.files = st.f_files;
  n.ffree = st.f_ffree;
  n.frsize = st.f_frsize ? st.f_frsize : st.f_bsize;
  return disk_usage_from(n);
}

// ---------------------------------------------------------------------------------------
// I/O counters

namespace {

// Fills `d` from the 11 (+4 discard, +2 flush) stats starting at f[first].
template <typename Num>
void fill_stats(DiskIo& d, size_t first, size_t count, const Num& num) {
  d.read_count = num(first + 0);
  d.read_merged_count = num(first + 1);
  d.read_bytes = num(first + 2) * 512;
  d.read_time = num(first + 3);
  d.write_count = num(first + 4);
  d.write_merged_count = num(first + 5);
  d.write_bytes = num(first + 6) * 512;
  d.write_time = num(first + 7);
  d.in_progress = num(first + 8);
  d.busy_time = num(first + 9);
  d.weighted_time = num(first + 10);
  if (count >= 15) {
    d.discard_count = num(first + 11);
    d.discard_merged_count = num(first + 12);
    d.discard_sectors = num(first + 13);
    d.discard_time = num(first + 14);
  }
  if (count >= 17) {
    d.flush_count = num(first + 15);
    d.flush_time = num(first + 16);
  }
}

}  // namespace

std::vector<DiskIo> parse_diskstats(std::string_view text, const std::string& path) {
  reject_nul(text, path);
  // Empty is legitimate here: a machine without block devices (psutil: no disks, {}).
  std::vector<DiskIo> out;
  Lines lines(text);
  std::string_view line;
  size_t lineno = 0;
  std::unordered_set<std::string> seen;
  while (lines.next(line)) {
    ++lineno;
    std::vector<std::string_view> f = fields(line);
    if (f.empty()) continue;
    const size_t n = f.size();
    auto num = [&](size_t i) -> uint64_t {
      auto v = to_u64(f[i]);
      if (!v)
        throw_parse_error(path, line_error(lineno, "field " + std::to_string(i + 1) + " '" + std::string(f[i]) +
                                                       "' is not a number"));
      return *v;
    };
    DiskIo d;
    if (n == 15) {
      // Linux 2.4 (/proc/partitions with the sard patch): major minor #blocks name + 11 stats.
      d.major = static_cast<unsigned>(num(0));
      d.minor = static_cast<unsigned>(num(1));
      d.name = std::string(f[3]);
      fill_stats(d, 4, 11, num);
    } else if (n == 14 || n == 18 || n >= 20) {
      // Linux 2.6+: major minor name + 11 stats (+4 discard in 4.18, +2 flush in 5.5).
      d.major = static_cast<unsigned>(num(0));
      d.minor = static_cast<unsigned>(num(1));
      d.name = std::string(f[2]);
      fill_stats(d, 3, n - 3, num);
    } else if (n == 7) {
      // Linux 2.6 before 2.6.25, partition line: reads, read sectors, writes, write sectors.
      d.major = static_cast<unsigned>(num(0));
      d.minor = static_cast<unsigned>(num(1));
      d.name = std::string(f[2]);
      d.read_count = num(3);
      d.read_bytes = num(4) * 512;
      d.write_count = num(5);
      d.write_bytes = num(6) * 512;
    } else {
      throw_parse_error(path, line_error(lineno, "unexpected number of fields (" + std::to_string(n) +
                                                     "); expected 7, 14, 15, 18 or 20"));
    }
    if (!valid_utf8(d.name)) throw_parse_error(path, line_error(lineno, "device name is not valid UTF-8"));
    if (!seen.insert(d.name).second) throw_parse_error(path, line_error(lineno, "duplicate device '" + d.name + "'"));
    out.push_back(std::move(d));
  }
  return out;
}

DiskIo parse_block_stat(std::string_view text, const std::string& path) {
  reject_nul(text, path);
  std::vector<std::string_view> f = fields(text);
  const size_t n = f.size();
  auto num = [&](size_t i) -> uint64_t {
    auto v = to_u64(f[i]);
    if (!v) throw_parse_error(path, "field " + std::to_string(i + 1) + " '" + std::string(f[i]) + "' is not a number");
    return *v;
  };
  DiskIo d;
  if (n >= 11) {
    fill_stats(d, 0, n, num);
  } else if (n == 4) {
    // Partition stat of 2.6 before 2.6.25.
    d.read_count = num(0);
    d.read_bytes = num(1) * 512;
    d.write_count = num(2);
    d.write_bytes = num(3) * 512;
  } else {
    throw_parse_error(path, "unexpected number of fields (" + std::to_string(n) + "); expected 4, 11, 15 or 17");
  }
  return d;
}

bool is_storage_device(const Roots& roots, std::string_view name) {
  std::string n(name);
  for (char& c : n)
    if (c == '/') c = '!';
  return path_exists(roots.sys("block/" + n));
}

namespace {

void read_sys_stat(const Roots& roots, const std::string& dir, const std::string& name, std::vector<DiskIo>& out) {
  const std::string stat = roots.sys(dir + "/stat");
  auto text = read_file_if_exists(stat);
  if (!text) {
    if (!path_exists(roots.sys(dir))) return;  // the device went away
    // A block device directory always has stat: without it the tree is not a sysfs.
    throw Error(ErrorKind::NotFound,
                "cannot read " + stat + ": No such file or directory (and no " + roots.proc("diskstats") + ")", stat,
                ENOENT);
  }
  DiskIo d = parse_block_stat(*text, stat);
  d.name = name;
  for (char& c : d.name)
    if (c == '!') c = '/';
  if (auto dev = read_attr(roots.sys(dir + "/dev"))) {
    size_t colon = dev->find(':');
    if (colon != std::string::npos) {
      d.major = static_cast<unsigned>(to_u64(std::string_view(*dev).substr(0, colon)).value_or(0));
      d.minor = static_cast<unsigned>(to_u64(std::string_view(*dev).substr(colon + 1)).value_or(0));
    }
  }
  out.push_back(std::move(d));
}

}  // namespace

namespace {

// Reads a small /proc file into a per-thread buffer that is never zero-filled nor
// reallocated (fs.h's readers grow a std::string by 32 KiB per read, which zero-fills and,
// past the first chunk, copies it). false when the file does not exist.
bool read_proc_small(const std::string& path, std::string_view& text) {
  thread_local std::unique_ptr<char[]> buf;
  thread_local size_t cap = 0;
  if (!buf) {
    cap = 64 * 1024;
    buf.reset(new char[cap]);
  }
  Fd fd;
  if (int err = open_for_read(AT_FDCWD, path.c_str(), fd)) {
    if (err == ENOENT || err == ENODEV || err == ENXIO) return false;
    throw_read_error(err, "cannot read", path);
  }
  size_t len = 0;
  for (;;) {
    if (len == cap) {
      std::unique_ptr<char[]> bigger(new char[cap * 2]);
      std::memcpy(bigger.get(), buf.get(), len);
      buf = std::move(bigger);
      cap *= 2;
    }
    ssize_t n = ::read(fd.get(), buf.get() + len, cap - len);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_os_error(errno, "cannot read", path);
    }
    if (n == 0) break;
    len += static_cast<size_t>(n);
    if (len > kReadLimit) throw_read_error(kErrTooLarge, "cannot read", path);
  }
  text = std::string_view(buf.get(), len);
  return true;
}

}  // namespace

std::vector<DiskIo> read_disk_io(const Roots& roots, bool perdisk) {
  std::vector<DiskIo> all;
  const std::string path = roots.proc("diskstats");
  std::string_view text;
  if (read_proc_small(path, text)) {
    all = parse_diskstats(text, path);
  } else if (is_directory(roots.sys("block"))) {
    // psutil's fallback: <sysfs>/block/<disk>/stat and its partitions' stat files.
    for (const std::string& disk : list_dir(roots.sys("block"))) {
      read_sys_stat(roots, "block/" + disk, disk, all);
      if (!perdisk) continue;
      std::vector<std::string> subs;
      try {
        subs = list_dir(roots.sys("block/" + disk));
      } catch (const Error&) {
        continue;
      }
      for (const std::string& sub : subs)
        if (path_exists(roots.sys("block/" + disk + "/" + sub + "/partition")))
          read_sys_stat(roots, "block/" + disk + "/" + sub, sub, all);
    }
  } else {
    throw Error(ErrorKind::Unsupported, path + " and " + roots.sys("block") + " are not available", path);
  }
  if (perdisk) return all;
  return keep_storage_devices(std::move(all), list_storage_devices(roots));
}

std::vector<std::string> list_storage_devices(const Roots& roots) {
  std::vector<std::string> names;
  try {
    names = list_dir(roots.sys("block"));
  } catch (const Error&) {
    return {};  // no <sysfs>/block: psutil's is_storage_device() is false for every name
  }
  for (std::string& n : names)
    for (char& c : n)
      if (c == '!') c = '/';
  return names;
}

std::vector<DiskIo> keep_storage_devices(std::vector<DiskIo> all, const std::vector<std::string>& names) {
  std::vector<DiskIo> disks;
  disks.reserve(all.size());
  for (DiskIo& d : all) {
    // A handful of names: a linear scan beats building a hash set.
    for (const std::string& n : names) {
      if (n == d.name) {
        disks.push_back(std::move(d));
        break;
      }
    }
  }
  return disks;
}

}  // namespace hp

#include "memory.h"

#include <algorithm>

#include <sys/sysinfo.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "cpu.h"
#include "error.h"
#include "fs.h"
#include "parse.h"

namespace hp {

namespace {

const std::string& read_proc_buffered(const std::string& path, std::string& buf) {
  if (!read_file_into(path, buf)) throw_os_error(ENOENT, "cannot read", path);
  return buf;
}

std::optional<uint64_t> find(const std::vector<MeminfoEntry>& m, std::string_view name) {
  for (const auto& e : m)
    if (e.name == name) return e.value;
  return std::nullopt;
}

// Splits "  123 kB" into its number and unit without allocating.
bool number_and_unit(std::string_view s, uint64_t& value, std::string_view& unit) {
  s = trim(s);
  size_t i = 0;
  while (i < s.size() && !is_space(s[i])) ++i;
  auto v = to_u64(s.substr(0, i));
  if (!v) return false;
  value = *v;
  unit = trim(s.substr(i));
  return true;
}

}  // namespace

uint64_t page_size() {
  static const uint64_t ps = [] {
    long p = ::sysconf(_SC_PAGESIZE);
    return p > 0 ? static_cast<uint64_t>(p) : uint64_t{4096};
  }();
  return ps;
}

double round_percent(double x) {
  if (!std::isfinite(x)) return x;
  // glibc's printf is correctly rounded with ties to even on the exact binary value,
  // which is what Python's round(x, 1) does.
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f", x);
  return std::strtod(buf, nullptr);
}

std::vector<MeminfoEntry> parse_meminfo(std::string_view text, const std::string& path) {
  reject_nul(text, path);
  std::vector<MeminfoEntry> out;
  out.reserve(64);
  Lines lines(text);
  std::string_view line;
  SeenNames seen;
  size_t lineno = 0;
  while (lines.next(line)) {
    ++lineno;
    if (trim(line).empty()) continue;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) throw_parse_error(path, "line without ':' '" + std::string(trim(line)) + "'");
    std::string_view name = trim(line.substr(0, colon));
    uint64_t value = 0;
    std::string_view unit;
    // A name with a blank in it ("Buffsr e") is no kernel's: it would become a broken metric
    // name (fuzzing).
    bool blank = std::any_of(name.begin(), name.end(), is_space);
    if (name.empty() || blank || !number_and_unit(line.substr(colon + 1), value, unit))
      throw_parse_error(path, "malformed line '" + std::string(trim(line)) + "'");
    bool kb = unit == "kB";
    if (!kb && !unit.empty())
      throw_parse_error(path, "unknown unit '" + std::string(unit) + "' in line '" + std::string(name) + "'");
    if (kb && value > UINT64_MAX / 1024)
      throw_parse_error(path, "line " + std::to_string(lineno) + ": " + std::string(name) + " " +
                                  std::to_string(value) + " kB is beyond 2^64 bytes");
    if (!seen.add(name))
      throw_parse_error(path, "line " + std::to_string(lineno) + ": duplicate key '" + std::string(name) + "'");
    out.push_back(MeminfoEntry{name, kb ? value * 1024 : value, kb});
  }
  return out;
}

std::vector<VmstatEntry> parse_vmstat(std::string_view text, const std::string& path) {
  reject_nul(text, path);
  if (is_blank(text)) throw_parse_error(path, "empty file");
  std::vector<VmstatEntry> out;
  out.reserve(200);
  Lines lines(text);
  std::string_view line;
  SeenNames seen;
  size_t lineno = 0;
  while (lines.next(line)) {
    ++lineno;
    std::string_view t = trim(line);
    if (t.empty()) continue;
    size_t i = 0;
    while (i < t.size() && !is_space(t[i])) ++i;
    std::string_view name = t.substr(0, i);
    auto v = to_u64(t.substr(i));
    if (!v) throw_parse_error(path, "malformed line '" + std::string(t) + "'");
    if (!seen.add(name))
      throw_parse_error(path, "line " + std::to_string(lineno) + ": duplicate key '" + std::string(name) + "'");
    out.push_back(VmstatEntry{name, *v});
  }
  return out;
}

uint64_t parse_zoneinfo_low_watermarks(std::string_view text, const std::string& path) {
  uint64_t sum = 0;
  Lines lines(text);
  std::string_view line;
  while (lines.next(line)) {
    std::string_view t = trim(line);
    if (!starts_with(t, "low")) continue;
    auto f = fields(t);
    if (f[0] != "low") continue;  // only the watermark line, whatever else starts with "low"
    std::optional<uint64_t> v;
    if (f.size() >= 2) v = to_u64(f[1]);
    if (!v) throw_parse_error(path, "malformed 'low' watermark line");
    sum += *v;
  }
  return sum;
}

int64_t estimate_available(const std::vector<MeminfoEntry>& m, std::optional<uint64_t> low_bytes) {
  const double free = static_cast<double>(find(m, "MemFree").value_or(0));
  const int64_t fallback = static_cast<int64_t>(find(m, "MemFree").value_or(0) + find(m, "Cached").value_or(0));
  auto active_file = find(m, "Active(file)");
  auto inactive_file = find(m, "Inactive(file)");
  auto sreclaimable = find(m, "SReclaimable");
  if (!active_file || !inactive_file || !sreclaimable || !low_bytes) return fallback;
  const double wm = static_cast<double>(*low_bytes);
  double avail = free - wm;
  double pagecache = static_cast<double>(*active_file) + static_cast<double>(*inactive_file);
  pagecache -= std::min(pagecache / 2, wm);
  avail += pagecache;
  const double sr = static_cast<double>(*sreclaimable);
  avail += sr - std::min(sr / 2, wm);
  return static_cast<int64_t>(std::trunc(avail));
}

VirtualMemory compute_virtual_memory(const std::vector<MeminfoEntry>& m, std::optional<uint64_t> zoneinfo_low_bytes,
                                     const std::string& path) {
  VirtualMemory v;
  auto total = find(m, "MemTotal");
  auto free = find(m, "MemFree");
  if (!total) throw_parse_error(path, "no 'MemTotal' line");
  if (!free) throw_parse_error(path, "no 'MemFree' line");
  v.total = *total;
  v.free = *free;
  v.buffers = find(m, "Buffers").value_or(0);
  if (auto cached = find(m, "Cached")) v.cached = *cached + find(m, "SReclaimable").value_or(0);
  if (auto shmem = find(m, "Shmem")) {
    v.shared = *shmem;
  } else {
    v.shared = find(m, "MemShared").value_or(0);  // 2.4 kernels
  }
  v.active = find(m, "Active").value_or(0);
  if (auto inactive = find(m, "Inactive")) {
    v.inactive = *inactive;
  } else {
    auto d = find(m, "Inact_dirty"), c = find(m, "Inact_clean"), l = find(m, "Inact_laundry");
    v.inactive = d && c && l ? *d + *c + *l : 0;
  }
  v.slab = find(m, "Slab").value_or(0);

  int64_t avail;
  auto mem_available = find(m, "MemAvailable");
  if (mem_available && *mem_available != 0) {
    avail = static_cast<int64_t>(*mem_available);
  } else {
    // Missing before 3.14, and 0 on some kernels (psutil gh#1915): the kernel's algorithm.
    avail = estimate_available(m, zoneinfo_low_bytes);
  }
  if (avail < 0) {
    avail = 0;
  } else if (static_cast<uint64_t>(avail) > v.total) {
    // LXC: host values leak in. MemFree can be past MemTotal too (a corrupt file, found by
    // fuzzing): never more available than total, so used and percent stay in range.
    avail = static_cast<int64_t>(std::min(v.free, v.total));
  }
  v.available = static_cast<uint64_t>(avail);
  v.used = v.total - v.available;
  v.percent = v.total == 0
                  ? 0.0
                  : round_percent(static_cast<double>(v.total - v.available) / static_cast<double>(v.total) * 100);
  return v;
}

namespace {

// The zoneinfo low watermarks, read only when MemAvailable is missing or 0.
std::optional<uint64_t> low_watermarks_if_needed(const Roots& r, const std::vector<MeminfoEntry>& entries) {
  auto avail = find(entries, "MemAvailable");
  if (avail && *avail != 0) return std::nullopt;
  std::string zpath = r.proc("zoneinfo");
  try {
    if (auto z = read_file_if_exists(zpath)) return parse_zoneinfo_low_watermarks(*z, zpath) * page_size();
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::Parse) throw;
    // unreadable zoneinfo: psutil falls back to free + cached
  }
  return std::nullopt;
}

// Swap totals from meminfo (sysinfo(2) when it lacks them, as psutil).
void swap_totals(const std::vector<MeminfoEntry>& entries, SwapMemory& s) {
  auto total = find(entries, "SwapTotal"), free = find(entries, "SwapFree");
  if (total && free) {
    s.total = *total;
    s.free = *free;
  } else {
    struct sysinfo si {};
    if (::sysinfo(&si) != 0) throw_os_error(errno, "sysinfo");
    s.total = static_cast<uint64_t>(si.totalswap) * si.mem_unit;
    s.free = static_cast<uint64_t>(si.freeswap) * si.mem_unit;
  }
  s.used = s.total >= s.free ? s.total - s.free : 0;
  s.percent = s.total == 0 ? 0.0 : round_percent(static_cast<double>(s.used) / static_cast<double>(s.total) * 100);
}

// pswpin/pswpout count pages; a missing vmstat (psutil gh#722) or missing lines (gh#313)
// leave them 0.
void swap_io(std::string_view vmstat, const std::string& vpath, SwapMemory& s) {
  bool in = false, out = false;
  Lines lines(vmstat);
  std::string_view line;
  while (lines.next(line) && !(in && out)) {
    if (line.size() < 7 || line[0] != 'p' || !starts_with(line, "pswp")) continue;
    auto f = fields(line);
    if (f.size() < 2) continue;
    auto v = to_u64(f[1]);
    if (!v) throw_parse_error(vpath, "malformed '" + std::string(f[0]) + "' line");
    if (f[0] == "pswpin") {
      s.sin = *v * page_size();
      in = true;
    } else if (f[0] == "pswpout") {
      s.sout = *v * page_size();
      out = true;
    }
  }
}

}  // namespace

VirtualMemory read_virtual_memory(const Roots& r) {
  std::string path = r.proc("meminfo");
  auto entries = parse_meminfo(read_one_shot(path), path);
  return compute_virtual_memory(entries, low_watermarks_if_needed(r, entries), path);
}

SwapMemory read_swap_memory(const Roots& r) {
  SwapMemory s;
  std::string path = r.proc("meminfo");
  swap_totals(parse_meminfo(read_one_shot(path), path), s);
  thread_local std::string buf;
  std::string vpath = r.proc("vmstat");
  if (read_file_into(vpath, buf)) swap_io(buf, vpath, s);
  return s;
}

MemoryReadings read_memory(const Roots& r) {
  MemoryReadings m;
  std::string path = r.proc("meminfo");
  std::string_view text = read_one_shot(path);  // a per-thread buffer: names are copied below
  auto entries = parse_meminfo(text, path);
  m.virt = compute_virtual_memory(entries, low_watermarks_if_needed(r, entries), path);
  swap_totals(entries, m.swap);
  m.meminfo.reserve(entries.size());
  for (auto& e : entries) m.meminfo.push_back(NamedValue{std::string(e.name), e.value});
  thread_local std::string buf;
  std::string vpath = r.proc("vmstat");
  if (read_file_into(vpath, buf)) {
    swap_io(buf, vpath, m.swap);
    auto v = parse_vmstat(buf, vpath);
    m.vmstat.reserve(v.size());
    for (auto& e : v) m.vmstat.push_back(NamedValue{std::string(e.name), e.value});
    m.has_vmstat = true;
  }
  return m;
}

std::vector<NamedValue> read_meminfo(const Roots& r) {
  std::string path = r.proc("meminfo");
  std::vector<NamedValue> out;
  for (auto& e : parse_meminfo(read_one_shot(path), path)) out.push_back(NamedValue{std::string(e.name), e.value});
  return out;
}

std::vector<NamedValue> read_vmstat(const Roots& r) {
  thread_local std::string buf;
  std::string path = r.proc("vmstat");
  std::vector<NamedValue> out;
  for (auto& e : parse_vmstat(read_proc_buffered(path, buf), path))
    out.push_back(NamedValue{std::string(e.name), e.value});
  return out;
}

}  // namespace hp

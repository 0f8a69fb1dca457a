#include "kernel.h"

#include <sys/timex.h>

#include <algorithm>
#include <cerrno>
#include <map>

#include "cpu.h"
#include "error.h"
#include "fs.h"
#include "parse.h"

namespace hp {

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A sysfs number: nullopt when the attribute is absent or unreadable; a value that is not a
// number is a ParseError naming the file (a wrong tree, not a missing counter).
std::optional<uint64_t> read_u64_attr(const std::string& path, std::string& buf) {
  auto v = read_attr_one_shot(path, buf);
  if (!v) return std::nullopt;
  auto n = to_u64(*v);
  if (!n) throw_parse_error(path, "not a number: '" + std::string(*v) + "'");
  return n;
}

}  // namespace

std::vector<SchedstatCpu> parse_schedstat(std::string_view text, const std::string& path) {
  std::vector<SchedstatCpu> out;
  Lines lines(text);
  std::string_view line;
  while (lines.next(line)) {
    if (!starts_with(line, "cpu")) continue;
    auto f = fields(line);
    std::string_view num = f[0].substr(3);
    if (!all_digits(num)) continue;
    if (f.size() < 10)
      throw_parse_error(path, "short line '" + std::string(trim(line)) + "' (want cpuN and 9 numbers)");
    auto run = to_u64(f[7]), wait = to_u64(f[8]), slices = to_u64(f[9]);
    if (!run || !wait || !slices) throw_parse_error(path, "malformed numbers in '" + std::string(trim(line)) + "'");
    out.push_back(SchedstatCpu{std::string(num), *run, *wait, *slices});
  }
  return out;
}

int parse_selinux_config_mode(std::string_view text) {
  Lines lines(text);
  std::string_view line;
  int mode = -1;
  while (lines.next(line)) {
    std::string_view t = trim(line);
    if (t.empty() || t.front() == '#' || t.front() == ';') continue;
    size_t eq = t.find('=');
    if (eq == std::string_view::npos || trim(t.substr(0, eq)) != "SELINUX") continue;
    std::string_view v = trim(t.substr(eq + 1));
    if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front())
      v = v.substr(1, v.size() - 2);
    mode = v == "enforcing" ? 1 : v == "permissive" ? 0 : -1;
  }
  return mode;
}

int parse_selinux_enforce(std::string_view text, const std::string& path) {
  std::string_view t = trim(text);
  if (t == "1") return 1;
  if (t == "0") return 0;
  throw_parse_error(path, "expected 0 or 1, got '" + std::string(t) + "'");
}

std::optional<std::vector<uint64_t>> parse_stat_softirq_vectors(std::string_view stat, const std::string& path) {
  Lines lines(stat);
  std::string_view line;
  while (lines.next(line)) {
    if (!starts_with(line, "softirq ")) continue;
    auto f = fields(line);
    if (f.size() < 12)
      throw_parse_error(
          path, "softirq line with " + std::to_string(f.size() - 1) + " numbers (want the total and 10 vectors)");
    std::vector<uint64_t> out;
    for (size_t i = 2; i < 12; ++i) {
      auto v = to_u64(f[i]);
      if (!v) throw_parse_error(path, "malformed softirq count '" + std::string(f[i]) + "'");
      out.push_back(*v);
    }
    return out;
  }
  return std::nullopt;
}

std::optional<std::vector<uint64_t>> read_stat_softirq_vectors(const Roots& r) {
  std::string path = r.proc("stat");
  return parse_stat_softirq_vectors(read_one_shot(path), path);
}

std::vector<CpuInfoEntry> parse_cpuinfo_entries(std::string_view text, const std::string& path) {
  std::vector<CpuInfoEntry> out;
  Lines lines(text);
  std::string_view line;
  auto words = [](std::string_view v) {
    std::vector<std::string> w;
    for (auto f : fields(v)) w.emplace_back(f);
    return w;
  };
  while (lines.next(line)) {
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      if (out.empty() && !trim(line).empty())
        throw_parse_error(path, "expected 'processor : N' first, got '" + std::string(trim(line)) + "'");
      continue;
    }
    std::string_view key = trim(line.substr(0, colon));
    std::string_view value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);  // procfs splits on ": "
    if (key == "processor") {
      auto n = to_int<uint32_t>(trim(value));
      if (!n) throw_parse_error(path, "malformed processor number '" + std::string(trim(value)) + "'");
      out.emplace_back();
      out.back().processor = *n;
      continue;
    }
    if (out.empty()) throw_parse_error(path, "expected 'processor : N' first, got '" + std::string(trim(line)) + "'");
    CpuInfoEntry& e = out.back();
    if (key == "vendor" || key == "vendor_id")
      e.vendor_id = std::string(value);
    else if (key == "cpu family")
      e.cpu_family = std::string(value);
    else if (key == "model")
      e.model = std::string(value);
    else if (key == "model name")
      e.model_name = std::string(value);
    else if (key == "stepping")
      e.stepping = std::string(value);
    else if (key == "microcode")
      e.microcode = std::string(value);
    else if (key == "cache size")
      e.cache_size = std::string(value);
    else if (key == "physical id")
      e.physical_id = std::string(value);
    else if (key == "core id")
      e.core_id = std::string(value);
    else if (key == "flags")
      e.flags = words(value);
    else if (key == "bugs")
      e.bugs = words(value);
  }
  return out;
}

std::vector<CpuInfoEntry> read_cpuinfo_entries(const Roots& r) {
  std::string path = r.proc("cpuinfo");
  return parse_cpuinfo_entries(read_file(path), path);
}

Timex read_timex() {
  struct timex t {};
  t.modes = 0;
  int state = ::adjtimex(&t);
  if (state < 0) throw_os_error(errno, "adjtimex");
  Timex x;
  x.state = state;
  x.offset = t.offset;
  x.freq = t.freq;
  x.maxerror = t.maxerror;
  x.esterror = t.esterror;
  x.status = t.status;
  x.constant = t.constant;
  x.precision = t.precision;
  x.tolerance = t.tolerance;
  x.tick = t.tick;
  x.ppsfreq = t.ppsfreq;
  x.jitter = t.jitter;
  x.shift = t.shift;
  x.stabil = t.stabil;
  x.jitcnt = t.jitcnt;
  x.calcnt = t.calcnt;
  x.errcnt = t.errcnt;
  x.stbcnt = t.stbcnt;
  x.tai = t.tai;
  return x;
}

std::optional<uint64_t> read_kernel_hung(const Roots& r) {
  thread_local std::string buf;
  std::string path = r.proc("sys/kernel/hung_task_detect_count");
  auto text = read_one_shot(path, buf);
  if (!text) return std::nullopt;
  auto v = to_u64(trim(*text));
  if (!v) throw_parse_error(path, "not a number: '" + std::string(trim(*text)) + "'");
  return *v;
}

Selinux read_selinux(const Roots& r) {
  thread_local std::string buf;
  Selinux s;
  std::string enforce = r.sys("fs/selinux/enforce");
  auto text = read_one_shot(enforce, buf);
  if (!text) return s;  // no selinuxfs: disabled
  s.current_mode = parse_selinux_enforce(*text, enforce);
  // selinuxfs mounted but the kernel labels us "kernel": SELinux is not in use (the
  // selinux library's test). A missing attr file (no LSM stacking support) does not disable.
  auto con = read_attr_one_shot(r.proc("self/attr/current"), buf);
  if (con) {
    while (!con->empty() && (con->back() == '\0' || con->back() == '\n')) con->remove_suffix(1);  // "kernel\0"
  }
  if (con && *con == "kernel") {
    s.current_mode = -1;
    return s;
  }
  s.enabled = true;
  if (auto cfg = read_file_if_exists(r.root("etc/selinux/config"))) s.config_mode = parse_selinux_config_mode(*cfg);
  return s;
}

std::optional<std::vector<SchedstatCpu>> read_schedstat(const Roots& r) {
  thread_local std::string buf;
  std::string path = r.proc("schedstat");
  auto text = read_one_shot(path, buf);
  if (!text) return std::nullopt;
  return parse_schedstat(*text, path);
}

std::optional<std::vector<int>> read_isolated_cpus(const Roots& r) {
  thread_local std::string buf;
  std::string path = r.sys("devices/system/cpu/isolated");
  auto text = read_one_shot(path, buf);
  if (!text) return std::nullopt;
  return parse_cpu_list(*text, path);
}

Throttles read_throttles(const Roots& r) {
  thread_local std::string buf;
  std::string dir = r.sys("devices/system/cpu");
  Throttles t;
  if (!is_directory(dir)) return t;  // node_exporter's glob finds nothing
  std::vector<std::string> cpus;
  for (auto& name : list_dir(dir))
    if (name.size() > 3 && starts_with(name, "cpu") && all_digits(std::string_view(name).substr(3)))
      cpus.push_back(name);
  std::sort(cpus.begin(), cpus.end());  // glob order, as node_exporter reads them
  std::map<uint64_t, std::optional<uint64_t>> packages;
  std::map<std::pair<uint64_t, uint64_t>, std::optional<uint64_t>> cores;
  for (const auto& cpu : cpus) {
    std::string base = dir + "/" + cpu;
    auto pkg = read_u64_attr(base + "/topology/physical_package_id", buf);
    if (!pkg) continue;
    auto core = read_u64_attr(base + "/topology/core_id", buf);
    if (!core) continue;
    auto key = std::make_pair(*pkg, *core);
    // Only a count read is kept: a CPU whose file is missing leaves the next CPU of the same
    // package or core to try (node_exporter's order).
    if (!cores[key]) cores[key] = read_u64_attr(base + "/thermal_throttle/core_throttle_count", buf);
    if (!packages[*pkg]) packages[*pkg] = read_u64_attr(base + "/thermal_throttle/package_throttle_count", buf);
  }
  for (auto& [p, c] : packages)
    if (c) t.packages.push_back(PackageThrottle{p, *c});
  for (auto& [k, c] : cores)
    if (c) t.cores.push_back(CoreThrottle{k.first, k.second, *c});
  return t;
}

}  // namespace hp

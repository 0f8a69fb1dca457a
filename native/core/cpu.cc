#include "cpu.h"

#include <fcntl.h>
#include <sys/sysinfo.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <map>
#include <set>

#include "error.h"
#include "fs.h"
#include "parse.h"

namespace hp {

namespace {

// "cpu" followed by at least one digit and nothing else; returns the number.
std::optional<int> cpu_number(std::string_view name) {
  if (name.size() < 4 || !starts_with(name, "cpu")) return std::nullopt;
  return to_int<int>(name.substr(3));
}

// Opens `path`; returns the errno on failure (0 and a valid fd on success).
int open_ro(const std::string& path, Fd& fd) { return open_for_read(AT_FDCWD, path.c_str(), fd); }

// One read loop of read_one_shot; returns the errno (or a kErr code of fs.h: not a regular
// file, above kReadLimit), or 0 with `len` set.
int read_one_shot_raw(const std::string& path, std::string& buf, size_t& len) {
  Fd fd;
  if (int err = open_ro(path, fd)) return err;
  if (buf.size() < 4096) buf.resize(4096);
  len = 0;
  for (;;) {
    ssize_t n = ::read(fd.get(), buf.data() + len, buf.size() - len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    len += static_cast<size_t>(n);
    if (len > kReadLimit) return kErrTooLarge;
    if (n == 0 || len < buf.size()) return 0;  // short read: the whole file
    buf.resize(buf.size() * 2);                // filled the buffer: there may be more
  }
}

bool is_missing(int err) { return err == ENOENT || err == ENODEV || err == ENXIO; }

std::string_view first_line(std::string_view text) {
  size_t nl = text.find('\n');
  return nl == std::string_view::npos ? text : text.substr(0, nl);
}

// The first whitespace-delimited token of a line.
std::string_view first_token(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && is_space(line[i])) ++i;
  size_t j = i;
  while (j < line.size() && !is_space(line[j])) ++j;
  return line.substr(i, j - i);
}

// The second whitespace-delimited token of a line as an unsigned number, without
// splitting the rest (the intr line can hold thousands of numbers). Parse error naming
// the file and the line's key otherwise.
uint64_t second_u64(std::string_view line, std::string_view key, const std::string& path) {
  size_t i = 0;
  while (i < line.size() && is_space(line[i])) ++i;
  while (i < line.size() && !is_space(line[i])) ++i;
  std::optional<uint64_t> v = to_u64(first_token(line.substr(i)));
  if (!v) throw_parse_error(path, "malformed '" + std::string(key) + "' line");
  return *v;
}

}  // namespace

std::optional<std::string_view> read_one_shot(const std::string& path, std::string& buf) {
  size_t len = 0;
  if (int err = read_one_shot_raw(path, buf, len)) {
    if (is_missing(err)) return std::nullopt;
    throw_read_error(err, "cannot read", path);
  }
  return std::string_view(buf.data(), len);
}

std::string_view read_one_shot(const std::string& path) {
  thread_local std::string buf;
  auto v = read_one_shot(path, buf);
  if (!v) throw_os_error(ENOENT, "cannot read", path);
  return *v;
}

std::optional<std::string_view> read_attr_one_shot(const std::string& path, std::string& buf) {
  size_t len = 0;
  if (int err = read_one_shot_raw(path, buf, len)) {
    if (err < 0) throw_read_error(err, "cannot read", path);  // not a regular file: a wrong tree
    return std::nullopt;
  }
  return trim(first_line(std::string_view(buf.data(), len)));
}

long clock_ticks() {
  static const long ticks = [] {
    long t = ::sysconf(_SC_CLK_TCK);
    return t > 0 ? t : 100;
  }();
  return ticks;
}

// --- parsers ------------------------------------------------------------------------

CpuTimes parse_cpu_line(std::string_view line, long clk_tck, const std::string& path) {
  // Splitting by hand: this runs once per CPU on every sample.
  double v[10] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  size_t i = 0, n = 0;
  // skip the name
  while (i < line.size() && is_space(line[i])) ++i;
  std::string_view name;
  {
    size_t s = i;
    while (i < line.size() && !is_space(line[i])) ++i;
    name = line.substr(s, i - s);
  }
  const double tck = static_cast<double>(clk_tck);
  while (n < 10) {
    while (i < line.size() && is_space(line[i])) ++i;
    if (i >= line.size()) break;
    size_t s = i;
    while (i < line.size() && !is_space(line[i])) ++i;
    auto x = to_u64(line.substr(s, i - s));
    if (!x) throw_parse_error(path, "malformed value in '" + std::string(name) + "' line");
    v[n++] = static_cast<double>(*x) / tck;
  }
  if (n < 4) throw_parse_error(path, "'" + std::string(name) + "' line has fewer than 4 values");
  return CpuTimes{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9]};
}

CpuTimes parse_cpu_times(std::string_view stat, long clk_tck, const std::string& path) {
  std::string_view line = first_line(stat);
  if (first_token(line) != "cpu") throw_parse_error(path, "first line is not the 'cpu' line");
  return parse_cpu_line(line, clk_tck, path);
}

std::vector<CpuTimesEntry> parse_per_cpu_times(std::string_view stat, long clk_tck, const std::string& path) {
  std::vector<CpuTimesEntry> out;
  Lines lines(stat);
  std::string_view line;
  SeenNames seen;
  size_t lineno = 0;
  while (lines.next(line)) {
    ++lineno;
    if (!starts_with(line, "cpu")) {
      // the cpu lines come first; stop at the first other line
      if (!out.empty()) break;
      continue;
    }
    std::string_view token = first_token(line);
    auto num = cpu_number(token);
    if (!num) continue;  // the aggregate "cpu" line
    if (*num < 0)
      throw_parse_error(path, "line " + std::to_string(lineno) + ": bad CPU number '" + std::string(token) + "'");
    if (!seen.add(token))
      throw_parse_error(path, "line " + std::to_string(lineno) + ": duplicate '" + std::string(token) + "' line");
    out.push_back(CpuTimesEntry{*num, parse_cpu_line(line, clk_tck, path)});
  }
  if (out.empty()) throw_parse_error(path, "no per-CPU 'cpuN' lines");
  return out;
}

CpuStats parse_cpu_stats(std::string_view stat, const std::string& path) {
  CpuStats s;
  bool ctxt = false, intr = false, procs = false, running = false, blocked = false;
  Lines lines(stat);
  std::string_view line;
  while (lines.next(line)) {
    if (line.empty() || line[0] == 'c') {
      if (starts_with(line, "ctxt ")) {
        s.ctx_switches = second_u64(line, "ctxt", path);
        ctxt = true;
      }
      continue;
    }
    std::string_view key = first_token(line);
    if (key == "intr") {
      s.interrupts = second_u64(line, key, path);
      intr = true;
    } else if (key == "softirq") {
      s.soft_interrupts = second_u64(line, key, path);
    } else if (key == "processes") {
      s.forks = second_u64(line, key, path);
      procs = true;
    } else if (key == "procs_running") {
      s.procs_running = second_u64(line, key, path);
      running = true;
    } else if (key == "procs_blocked") {
      s.procs_blocked = second_u64(line, key, path);
      blocked = true;
    }
  }
  if (!ctxt) throw_parse_error(path, "no 'ctxt' line");
  if (!intr) throw_parse_error(path, "no 'intr' line");
  if (!procs) throw_parse_error(path, "no 'processes' line");
  if (!running) throw_parse_error(path, "no 'procs_running' line");
  if (!blocked) throw_parse_error(path, "no 'procs_blocked' line");
  return s;
}

double parse_boot_time(std::string_view stat, const std::string& path) {
  Lines lines(stat);
  std::string_view line;
  while (lines.next(line)) {
    if (starts_with(line, "btime")) {
      auto f = fields(line);
      std::optional<double> v;
      if (f.size() >= 2 && f[0] == "btime") v = to_double(f[1]);
      if (!v) throw_parse_error(path, "malformed 'btime' line");
      // Seconds since the epoch: "btime -79500" or "1e999" is no boot time (fuzzing).
      if (!std::isfinite(*v) || *v < 0) throw_parse_error(path, "'btime' out of range (finite, >= 0)");
      return *v;
    }
  }
  throw_parse_error(path, "no 'btime' line");
}

std::vector<int> parse_cpu_list(std::string_view list, const std::string& path) {
  std::vector<int> out;
  list = trim(list);
  if (list.empty()) return out;
  for (std::string_view chunk : split(list, ',')) {
    chunk = trim(chunk);
    if (chunk.empty()) continue;
    size_t dash = chunk.find('-');
    if (dash == std::string_view::npos) {
      auto v = to_int<int>(chunk);
      if (!v || *v < 0) throw_parse_error(path, "malformed CPU list '" + std::string(list) + "'");
      out.push_back(*v);
      continue;
    }
    auto a = to_int<int>(chunk.substr(0, dash));
    auto b = to_int<int>(chunk.substr(dash + 1));
    // Bounded as a whole, not only per range: "0-1000000,0-1000000,..." (fuzzing) is an error,
    // not gigabytes of ids.
    if (!a || !b || *a < 0 || *a > *b || *b - *a > (1 << 16) || out.size() + (*b - *a) > (1u << 16))
      throw_parse_error(path, "malformed CPU range '" + std::string(chunk) + "'");
    for (int c = *a; c <= *b; ++c) out.push_back(c);
  }
  return out;
}

int count_cpu_list(std::string_view list, const std::string& path) {
  int n = 0;
  list = trim(list);
  if (list.empty()) return 0;
  for (std::string_view rest = list; !rest.empty();) {
    size_t comma = rest.find(',');
    std::string_view chunk = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (chunk.empty()) continue;
    size_t dash = chunk.find('-');
    if (dash == std::string_view::npos) {
      auto v = to_int<int>(chunk);
      if (!v || *v < 0) throw_parse_error(path, "malformed CPU list '" + std::string(list) + "'");
      ++n;
      continue;
    }
    auto a = to_int<int>(chunk.substr(0, dash));
    auto b = to_int<int>(chunk.substr(dash + 1));
    // The same bound as parse_cpu_list: the count never overflows an int.
    if (!a || !b || *a < 0 || *a > *b || *b - *a > (1 << 16) || n + (*b - *a) > (1 << 16))
      throw_parse_error(path, "malformed CPU range '" + std::string(chunk) + "'");
    n += *b - *a + 1;
  }
  return n;
}

int count_cpuinfo_processors(std::string_view cpuinfo) {
  int n = 0;
  Lines lines(cpuinfo);
  std::string_view line;
  while (lines.next(line)) {
    if (line.size() >= 9) {
      bool match = true;
      static constexpr std::string_view kw = "processor";
      for (size_t i = 0; i < kw.size(); ++i)
        if ((line[i] | 0x20) != kw[i]) {
          match = false;
          break;
        }
      if (match) ++n;
    }
  }
  return n;
}

int count_stat_cpus(std::string_view stat) {
  int n = 0;
  Lines lines(stat);
  std::string_view line;
  while (lines.next(line))
    if (line.size() > 3 && starts_with(line, "cpu") && line[3] >= '0' && line[3] <= '9') ++n;
  return n;
}

namespace {
std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}
}  // namespace

int cpuinfo_cores(std::string_view cpuinfo) {
  std::map<std::string, int> by_package;
  std::optional<std::string> phys;
  int cores = -1;  // -1: no "cpu cores" line in this section yet
  auto flush = [&] {
    if (phys && cores >= 0) by_package[*phys] = cores;
    phys.reset();
    cores = -1;
  };
  Lines lines(cpuinfo);
  std::string_view line;
  while (lines.next(line)) {
    std::string_view t = trim(line);
    if (t.empty()) {
      flush();
      continue;
    }
    auto kv = split_key_value(t);
    if (!kv) continue;
    std::string key = lower(kv->key);
    if (key == "physical id") {
      phys = std::string(kv->value);
    } else if (key == "cpu cores") {
      if (auto v = to_int<int>(kv->value)) cores = *v < 0 ? -1 : *v;
    }
  }
  flush();
  int sum = 0;
  for (auto& [_, c] : by_package) sum += c;
  return sum;
}

std::vector<CpuinfoMhz> parse_cpuinfo_mhz(std::string_view cpuinfo, const std::string& path) {
  std::vector<CpuinfoMhz> out;
  std::optional<int> processor;
  Lines lines(cpuinfo);
  std::string_view line;
  while (lines.next(line)) {
    if (trim(line).empty()) {
      processor.reset();
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view rawkey = trim(line.substr(0, colon));
    if (rawkey.size() > 15) continue;
    std::string key = lower(rawkey);
    if (key == "processor") {
      processor = to_int<int>(line.substr(colon + 1));
      if (processor && *processor < 0) processor.reset();  // "processor : -3" numbers nothing (fuzzing)
    } else if (key == "cpu mhz" || key == "clock" || key == "cpu mhz dynamic") {
      std::string_view value = trim(line.substr(colon + 1));
      if (value.size() >= 3 && value.substr(value.size() - 3) == "MHz") value.remove_suffix(3);
      auto mhz = to_double(value);
      if (!mhz) throw_parse_error(path, "malformed '" + std::string(rawkey) + "' value");
      if (!std::isfinite(*mhz) || *mhz < 0)  // "cpu MHz : -1e309" (fuzzing)
        throw_parse_error(path, "'" + std::string(rawkey) + "' value out of range (finite, >= 0)");
      out.push_back(CpuinfoMhz{processor, *mhz});
    }
  }
  return out;
}

std::array<double, 3> parse_loadavg(std::string_view text, const std::string& path) {
  auto f = fields(first_line(text));
  std::array<double, 3> out{};
  if (f.size() < 3) throw_parse_error(path, "fewer than 3 load averages");
  for (size_t i = 0; i < 3; ++i) {
    auto v = to_double(f[i]);
    if (!v) throw_parse_error(path, "malformed load average '" + std::string(f[i]) + "'");
    // from_chars takes "nan", "inf" and "-1": none is a load average.
    if (!std::isfinite(*v) || *v < 0)
      throw_parse_error(path, "load average '" + std::string(f[i]) + "' is out of range (finite, >= 0)");
    out[i] = *v;
  }
  return out;
}

// --- readers ------------------------------------------------------------------------

CpuTimes read_cpu_times(const Roots& r, long clk_tck) {
  std::string path = r.proc("stat");
  return parse_cpu_times(read_one_shot(path), clk_tck, path);
}

std::vector<CpuTimesEntry> read_per_cpu_times(const Roots& r, long clk_tck) {
  std::string path = r.proc("stat");
  return parse_per_cpu_times(read_one_shot(path), clk_tck, path);
}

namespace {

constexpr long kSysfsMagic = 0x62656572;  // SYSFS_MAGIC

// `online` of the sysfs root, read through an fd kept open: a sysfs attribute regenerates
// its text on every read from offset 0, so pread() sees hotplug like a fresh open, without
// the path walk that dominates the cost of this call. Kept only on a real sysfs (a fixture
// file could be replaced behind the fd); nullopt when the file cannot be read.
thread_local std::string online_sysfs, online;  // the root, and <root>/devices/system/cpu/online
thread_local Fd online_fd;

std::optional<std::string_view> read_online_cpus(const Roots& r, std::string& buf) {
  std::string& sysfs = online_sysfs;
  Fd& fd = online_fd;
  if (online.empty() || sysfs != r.sysfs) {
    sysfs = r.sysfs;
    online = r.sys("devices/system/cpu/online");
    fd = Fd();
  }
  if (!fd.valid()) {
    Fd f;
    open_for_read(AT_FDCWD, online.c_str(), f);
    struct statfs st {};
    if (f.valid() && ::fstatfs(f.get(), &st) == 0 && static_cast<long>(st.f_type) == kSysfsMagic) fd = std::move(f);
    if (!fd.valid()) return read_attr_one_shot(online, buf);
  }
  if (buf.size() < 4096) buf.resize(4096);
  ssize_t n;
  do n = ::pread(fd.get(), buf.data(), buf.size(), 0);
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    fd = Fd();
    return read_attr_one_shot(online, buf);
  }
  return trim(first_line(std::string_view(buf.data(), static_cast<size_t>(n))));
}

}  // namespace

std::optional<int> read_cpu_count_logical(const Roots& r) {
  thread_local std::string buf;
  if (auto text = read_online_cpus(r, buf)) {
    if (int n = count_cpu_list(*text, online)) return n;
  }
  if (auto cpuinfo = read_file_if_exists(r.proc("cpuinfo"))) {
    if (int n = count_cpuinfo_processors(*cpuinfo)) return n;
  }
  if (auto stat = read_file_if_exists(r.proc("stat"))) {
    if (int n = count_stat_cpus(*stat)) return n;
  }
  return std::nullopt;
}

namespace {
// Names "cpuN" under <sysfs>/devices/system/cpu (empty when the directory is missing).
std::vector<std::pair<int, std::string>> sysfs_cpus(const Roots& r) {
  std::vector<std::pair<int, std::string>> out;
  std::string dir = r.sys("devices/system/cpu");
  if (!is_directory(dir)) return out;
  for (auto& name : list_dir(dir))
    if (auto n = cpu_number(name)) out.emplace_back(*n, dir + "/" + name);
  std::sort(out.begin(), out.end());
  return out;
}
}  // namespace

std::optional<int> read_cpu_count_cores(const Roots& r) {
  auto cpus = sysfs_cpus(r);
  thread_local std::string buf;
  for (const char* file : {"topology/core_cpus_list", "topology/thread_siblings_list"}) {
    std::set<std::string, std::less<>> distinct;
    for (auto& [_, dir] : cpus)
      if (auto v = read_attr_one_shot(dir + "/" + file, buf))
        if (distinct.find(*v) == distinct.end()) distinct.emplace(*v);
    if (!distinct.empty()) return static_cast<int>(distinct.size());
  }
  if (auto cpuinfo = read_file_if_exists(r.proc("cpuinfo"))) {
    if (int n = cpuinfo_cores(*cpuinfo)) return n;
  }
  return std::nullopt;
}

CpuStats read_cpu_stats(const Roots& r) {
  std::string path = r.proc("stat");
  return parse_cpu_stats(read_one_shot(path), path);
}

namespace {
uint64_t read_khz(const std::string& path) {
  auto v = to_u64(trim(read_one_shot(path)));
  if (!v) throw_parse_error(path, "not a frequency in kHz");
  return *v;
}
std::optional<uint64_t> attr_u64(const std::string& path) {
  thread_local std::string buf;
  auto a = read_attr_one_shot(path, buf);
  if (!a) return std::nullopt;
  return to_u64(*a);
}
std::optional<std::string> attr_str(const std::string& path) {
  thread_local std::string buf;
  auto a = read_attr_one_shot(path, buf);
  if (!a) return std::nullopt;
  return std::string(*a);
}
}  // namespace

std::vector<CpuFreq> read_cpu_freq(const Roots& r) {
  std::vector<CpuFreq> out;
  const std::string cpudir = r.sys("devices/system/cpu");
  std::vector<CpuinfoMhz> cpuinfo;
  std::string cpuinfo_path = r.proc("cpuinfo");
  if (auto text = read_file_if_exists(cpuinfo_path)) cpuinfo = parse_cpuinfo_mhz(*text, cpuinfo_path);

  bool have_cpufreq = path_exists(cpudir + "/cpufreq/policy0") || path_exists(cpudir + "/cpu0/cpufreq");
  if (!have_cpufreq) {
    // No cpufreq in sysfs (VMs, containers): the cpuinfo values, min = max = 0.
    for (size_t i = 0; i < cpuinfo.size(); ++i)
      out.push_back(CpuFreq{cpuinfo[i].processor.value_or(static_cast<int>(i)), cpuinfo[i].mhz, 0, 0});
    return out;
  }

  // policyN directories, else cpuN/cpufreq.
  std::vector<std::pair<int, std::string>> paths;
  if (is_directory(cpudir + "/cpufreq")) {
    for (auto& name : list_dir(cpudir + "/cpufreq")) {
      if (!starts_with(name, "policy")) continue;
      if (name.size() > 6 && name[6] >= '0' && name[6] <= '9')
        if (auto n = to_int<int>(std::string_view(name).substr(6))) paths.emplace_back(*n, cpudir + "/cpufreq/" + name);
    }
  }
  if (paths.empty()) {
    for (auto& [n, dir] : sysfs_cpus(r))
      if (is_directory(dir + "/cpufreq")) paths.emplace_back(n, dir + "/cpufreq");
  }

  // One policy can govern several CPUs: ask it which (psutil gh#2512). Offline CPUs are
  // in no policy's affected_cpus, so they drop out here.
  std::map<int, std::string> cpu_to_path;
  for (auto& [n, path] : paths) {
    auto affected = attr_str(path + "/affected_cpus");
    if (!affected) {
      cpu_to_path[n] = path;
      continue;
    }
    for (std::string_view tok : fields(*affected)) {
      auto c = to_int<int>(tok);
      if (!c) throw_parse_error(path + "/affected_cpus", "malformed CPU number '" + std::string(tok) + "'");
      cpu_to_path[*c] = path;
    }
  }

  size_t i = 0;
  for (auto& [cpu, path] : cpu_to_path) {
    size_t idx = i++;
    double curr_khz;
    if (cpu_to_path.size() == cpuinfo.size()) {
      // cpuinfo already has every CPU's current value (psutil gh#1851): cheaper than sysfs.
      curr_khz = cpuinfo[idx].mhz * 1000;
    } else {
      auto cur = attr_u64(path + "/scaling_cur_freq");
      if (!cur) cur = attr_u64(path + "/cpuinfo_cur_freq");  // old kernels (psutil gh#1071)
      if (!cur) {
        auto online = attr_str(cpudir + "/cpu" + std::to_string(cpu) + "/online");
        if (online && *online == "0") continue;  // offline: skip (psutil gh#2628)
        throw Error(ErrorKind::Unsupported, path + ": can't find current frequency file", path);
      }
      curr_khz = static_cast<double>(*cur);
    }
    double max = static_cast<double>(read_khz(path + "/scaling_max_freq")) / 1000;
    double min = static_cast<double>(read_khz(path + "/scaling_min_freq")) / 1000;
    out.push_back(CpuFreq{cpu, curr_khz / 1000, min, max});
  }
  return out;
}

std::vector<CpuFreqInfo> read_cpu_freq_info(const Roots& r) {
  std::vector<CpuFreqInfo> out;
  for (auto& [n, dir] : sysfs_cpus(r)) {
    std::string f = dir + "/cpufreq/";
    if (!is_directory(f)) continue;
    CpuFreqInfo info;
    info.cpu = n;
    info.cpuinfo_cur_khz = attr_u64(f + "cpuinfo_cur_freq");
    info.cpuinfo_min_khz = attr_u64(f + "cpuinfo_min_freq");
    info.cpuinfo_max_khz = attr_u64(f + "cpuinfo_max_freq");
    info.cpuinfo_avg_khz = attr_u64(f + "cpuinfo_avg_freq");
    info.scaling_cur_khz = attr_u64(f + "scaling_cur_freq");
    info.scaling_min_khz = attr_u64(f + "scaling_min_freq");
    info.scaling_max_khz = attr_u64(f + "scaling_max_freq");
    info.governor = attr_str(f + "scaling_governor");
    info.driver = attr_str(f + "scaling_driver");
    if (auto g = attr_str(f + "scaling_available_governors"))
      for (auto tok : fields(*g)) info.available_governors.emplace_back(tok);
    out.push_back(std::move(info));
  }
  return out;
}

std::array<double, 3> read_own_loadavg() {
  // sysinfo(2) has the same fixed-point averages /proc/loadavg prints with 2 decimals, in
  // one syscall (what glibc's getloadavg, and so psutil, use).
  struct sysinfo si {};
  if (::sysinfo(&si) != 0) throw_os_error(errno, "sysinfo");
  constexpr double scale = 1 << SI_LOAD_SHIFT;
  return {si.loads[0] / scale, si.loads[1] / scale, si.loads[2] / scale};
}

std::array<double, 3> read_loadavg(const Roots& r) {
  if (!r.host_mode()) return read_own_loadavg();
  std::string path = r.proc("loadavg");
  return parse_loadavg(read_one_shot(path), path);
}

double read_boot_time(const Roots& r) {
  std::string path = r.proc("stat");
  return parse_boot_time(read_one_shot(path), path);
}

}  // namespace hp

#include "process.h"

#include <dirent.h>
#include <fcntl.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>

#include "error.h"
#include "parse.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

namespace hp::proc {

namespace {

constexpr int kIoprioWhoProcess = 1;
constexpr int kIoprioClassShift = 13;

std::string pid_str(int64_t pid) { return std::to_string(pid); }

// A value computed once per procfs path (boot time, namespace, kernel features).
template <typename T, typename F>
T cached_per_procfs(std::map<std::string, T>& cache, std::mutex& mu, const Roots& roots, F&& compute) {
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(roots.procfs);
    if (it != cache.end()) return it->second;
  }
  T v = compute();
  std::lock_guard<std::mutex> lock(mu);
  cache.emplace(roots.procfs, v);
  return v;
}

// Files the kernel generates with single_open() (one seq_file record): a read with a
// buffer larger than the content returns all of it, so a short first read is the whole
// file and the EOF read can be skipped (one syscall less per file in the scan).
bool single_record(const char* rel) {
  return std::strcmp(rel, "stat") == 0 || std::strcmp(rel, "status") == 0 || std::strcmp(rel, "statm") == 0 ||
         std::strcmp(rel, "io") == 0 || std::strcmp(rel, "limits") == 0;
}

int slurp_at(int dirfd, const char* rel, std::string& out) {
  out.clear();
  Fd guard;
  if (int err = open_for_read(dirfd, rel, guard)) return err;
  const int fd = guard.get();
  // maps/smaps/environ of a huge process can be large; every other per-process file is small.
  const size_t limit = kLargeReadLimit;
  // Read into a per-thread scratch buffer and copy only what came: growing `out` with
  // resize() would zero-fill 32 KiB per file, which costs more than the read itself.
  constexpr size_t kChunk = 32 * 1024;
  thread_local std::unique_ptr<char[]> scratch(new char[kChunk]);
  const bool one_record = single_record(rel);
  for (;;) {
    ssize_t n = ::read(fd, scratch.get(), kChunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      out.clear();
      return e;
    }
    if (n == 0) break;
    out.append(scratch.get(), static_cast<size_t>(n));
    if (out.size() > limit) {
      out.clear();
      return kErrTooLarge;
    }
    if (one_record && static_cast<size_t>(n) < kChunk) break;
  }
  return 0;
}

// True when this process's effective capabilities include CAP_DAC_OVERRIDE or
// CAP_DAC_READ_SEARCH: then every /proc/<pid>/fd passes the permission check and the
// scan's fd count can skip faccessat(). Recomputed when the effective uid changes.
}  // namespace

bool can_read_any_fd_dir() {
  static std::mutex mu;
  static uid_t for_euid = static_cast<uid_t>(-1);
  static bool value = false;
  uid_t euid = ::geteuid();
  std::lock_guard<std::mutex> lock(mu);
  if (euid == for_euid) return value;
  value = false;
  if (auto text = read_file_if_exists("/proc/self/status")) {
    Lines lines(*text);
    std::string_view line;
    while (lines.next(line)) {
      if (!starts_with(line, "CapEff:")) continue;
      auto caps = to_u64(trim(line.substr(7)), 16);
      value = caps && (*caps & ((1ull << 1) | (1ull << 2)));  // CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
    }
  }
  for_euid = euid;
  return value;
}

namespace {

// True when stat(<procfs>/<pid>/fd).st_size is the number of open fds (Linux 6.2+, on a
// real procfs). Decided once per procfs path.
bool fd_count_by_stat(const Roots& roots) {
  static std::map<std::string, bool> cache;
  static std::mutex mu;
  return cached_per_procfs(cache, mu, roots, [&] {
    struct statfs sfs;
    if (::statfs(roots.procfs.c_str(), &sfs) != 0 || sfs.f_type != PROC_SUPER_MAGIC) return false;
    struct stat st;
    // We hold fds ourselves, so a supporting kernel reports a size > 0 here.
    return ::stat("/proc/self/fd", &st) == 0 && st.st_size > 0;
  });
}

}  // namespace

std::string clean_link(const Roots& roots, std::string path) {
  size_t nul = path.find('\0');
  if (nul != std::string::npos) path.resize(nul);
  constexpr std::string_view kDeleted = " (deleted)";
  if (path.size() > kDeleted.size() && std::string_view(path).substr(path.size() - kDeleted.size()) == kDeleted) {
    struct stat st;
    if (::stat(roots.root(path).c_str(), &st) != 0) path.resize(path.size() - kDeleted.size());
  }
  return path;
}

namespace {

bool rooted_path_exists(const std::string& path, const void* ctx) {
  const Roots* roots = static_cast<const Roots*>(ctx);
  struct stat st;
  return ::stat(roots->root(path).c_str(), &st) == 0;
}

ProcStat parse_stat_at(const ProcDir& d, const std::string& text) {
  try {
    return parse_stat(text);
  } catch (const Error& e) {
    throw Error(ErrorKind::Parse, d.path("stat") + ": " + e.what(), d.path("stat"), 0, d.pid());
  }
}

template <typename F>
auto with_path(const ProcDir& d, const char* rel, F&& parse) -> decltype(parse()) {
  try {
    return parse();
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::Parse) throw;
    throw Error(ErrorKind::Parse, d.path(rel) + ": " + e.what(), d.path(rel), 0, d.pid());
  }
}

}  // namespace

long clock_ticks() {
  static const long v = [] {
    long t = ::sysconf(_SC_CLK_TCK);
    return t > 0 ? t : 100;
  }();
  return v;
}

long page_size() {
  static const long v = [] {
    long p = ::sysconf(_SC_PAGESIZE);
    return p > 0 ? p : 4096;
  }();
  return v;
}

double boot_time(const Roots& roots) {
  static std::map<std::string, double> cache;
  static std::mutex mu;
  return cached_per_procfs(cache, mu, roots, [&] {
    std::string text = read_file(roots.proc("stat"));
    Lines lines(text);
    std::string_view line;
    while (lines.next(line)) {
      if (starts_with(line, "btime ")) {
        auto v = to_u64(line.substr(6));
        if (v) return static_cast<double>(*v);
      }
    }
    throw_parse_error(roots.proc("stat"), "no btime line");
  });
}

uint64_t mem_total(const Roots& roots) {
  std::string text = read_file(roots.proc("meminfo"));
  Lines lines(text);
  std::string_view line;
  while (lines.next(line)) {
    if (!starts_with(line, "MemTotal:")) continue;
    auto f = fields(line.substr(9));
    if (!f.empty())
      if (auto v = to_u64(f[0])) return *v * 1024;
  }
  throw_parse_error(roots.proc("meminfo"), "no MemTotal line");
}

// ---------------------------------------------------------------- errors

void throw_nsp(int64_t pid, const std::string& detail, int err) {
  throw Error(ErrorKind::NoSuchProcess,
              "process no longer exists (pid=" + pid_str(pid) + ")" + (detail.empty() ? "" : ": " + detail), detail,
              err, pid);
}

void throw_zombie(int64_t pid, const std::string& detail, int err) {
  throw Error(
      ErrorKind::ZombieProcess,
      "process still exists but it's a zombie (pid=" + pid_str(pid) + ")" + (detail.empty() ? "" : ": " + detail),
      detail, err, pid);
}

void throw_access_denied(int64_t pid, const std::string& detail, int err) {
  throw Error(ErrorKind::AccessDenied,
              "access denied (pid=" + pid_str(pid) + ")" + (detail.empty() ? "" : ": " + detail), detail, err, pid);
}

// ---------------------------------------------------------------- ProcDir

ProcDir::ProcDir(const Roots& roots, int64_t pid) {
  if (pid < 0) throw Error(ErrorKind::InvalidArgument, "pid must be a positive integer (got " + pid_str(pid) + ")");
  int err = open(roots, pid);
  if (err == ENOENT || err == ESRCH || err == ENOTDIR) throw_nsp(pid, roots.proc(pid_str(pid)), err);
  if (err == EACCES || err == EPERM) throw_access_denied(pid, roots.proc(pid_str(pid)), err);
  if (err) {
    try {
      throw_os_error(err, "cannot open", roots.proc(pid_str(pid)));
    } catch (const Error& e) {
      throw Error(e.kind(), e.what(), e.path(), e.err(), pid);
    }
  }
}

int ProcDir::open(const Roots& roots, int64_t pid) {
  roots_ = &roots;
  pid_ = pid;
  fd_ = Fd(::open(roots.proc(pid_str(pid)).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  return fd_.valid() ? 0 : errno;
}

int ProcDir::open_at(const Roots& roots, int procfs_fd, int64_t pid) {
  roots_ = &roots;
  pid_ = pid;
  char name[24];
  char* end = name + sizeof name;
  char* p = end;
  *--p = '\0';
  uint64_t v = pid < 0 ? 0 : static_cast<uint64_t>(pid);
  do {
    *--p = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  std::memmove(name, p, static_cast<size_t>(end - p));
  fd_ = Fd(::openat(procfs_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  return fd_.valid() ? 0 : errno;
}

std::string ProcDir::path(std::string_view rel) const { return roots_->proc(pid_str(pid_) + "/" + std::string(rel)); }

int ProcDir::read(const char* rel, std::string& buf) const { return slurp_at(fd_.get(), rel, buf); }

int ProcDir::readlink(const char* rel, std::string& out) const {
  out.resize(256);
  for (;;) {
    ssize_t n = ::readlinkat(fd_.get(), rel, out.data(), out.size());
    if (n < 0) {
      out.clear();
      return errno;
    }
    if (static_cast<size_t>(n) < out.size()) {
      out.resize(static_cast<size_t>(n));
      return 0;
    }
    out.resize(out.size() * 2);
  }
}

int ProcDir::count_entries(const char* rel, int64_t& n, int privileged) const {
  n = 0;
  if (std::strcmp(rel, "fd") == 0 && fd_count_by_stat(*roots_)) {
    // One fstatat instead of open+getdents+close. The size comes without the
    // permission check a listing gets, so check the same permission first to keep
    // psutil's AccessDenied for other users' processes.
    bool skip_check = privileged < 0 ? can_read_any_fd_dir() : privileged > 0;
    if (!skip_check && ::faccessat(fd_.get(), rel, R_OK, AT_EACCESS) != 0) return errno;
    struct stat st;
    if (::fstatat(fd_.get(), rel, &st, 0) != 0) return errno;
    n = static_cast<int64_t>(st.st_size);
    return 0;
  }
  int dfd = ::openat(fd_.get(), rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return errno;
  DIR* dir = ::fdopendir(dfd);
  if (!dir) {
    int e = errno;
    ::close(dfd);
    return e;
  }
  errno = 0;
  while (struct dirent* e = ::readdir(dir)) {
    if (e->d_name[0] == '.') continue;  // "." and ".." (procfs has no other dot names)
    ++n;
  }
  int e = errno;
  ::closedir(dir);
  return e;
}

int ProcDir::list(const char* rel, std::vector<std::string>& names) const {
  names.clear();
  int dfd = ::openat(fd_.get(), rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return errno;
  DIR* dir = ::fdopendir(dfd);
  if (!dir) {
    int e = errno;
    ::close(dfd);
    return e;
  }
  errno = 0;
  while (struct dirent* e = ::readdir(dir)) {
    if (e->d_name[0] == '.') continue;  // "." and ".." (procfs has no other dot names)
    names.emplace_back(e->d_name);
  }
  int e = errno;
  ::closedir(dir);
  return e;
}

bool ProcDir::is_zombie() const {
  std::string buf;
  return read("stat", buf) == 0 && parse_stat_state(buf) == 'Z';
}

bool ProcDir::alive() const {
  // Through a stale directory fd the lookup fails; reading proves the task is there.
  std::string buf;
  return read("stat", buf) == 0 && !buf.empty();
}

void ProcDir::assert_alive() const {
  if (!alive()) throw_nsp(pid_, path(""));
}

void ProcDir::fail(int err, const char* rel) const {
  std::string p = path(rel);
  if (err < 0) throw_read_error(err, "cannot read", p, kLargeReadLimit);
  if (err == EACCES || err == EPERM) throw_access_denied(pid_, p, err);
  if (err == ESRCH || err == ENOENT) {
    std::string buf;
    int e = read("stat", buf);
    if (e == 0 && parse_stat_state(buf) == 'Z') throw_zombie(pid_, p, err);
    if (err == ESRCH || e != 0 || buf.empty()) throw_nsp(pid_, p, err);
    throw Error(ErrorKind::NotFound, "cannot read " + p + ": " + std::strerror(err), p, err, pid_);
  }
  throw Error(kind_for_errno(err), "cannot read " + p + ": " + std::strerror(err), p, err, pid_);
}

std::string ProcDir::read_or_fail(const char* rel) const {
  std::string buf;
  if (int err = read(rel, buf)) fail(err, rel);
  return buf;
}

std::string ProcDir::readlink_or_fail(const char* rel) const {
  std::string out;
  if (int err = readlink(rel, out)) fail(err, rel);
  return out;
}

// ---------------------------------------------------------------- reads

ProcStat read_stat(const ProcDir& d) {
  std::string text = d.read_or_fail("stat");
  // A dead task's stat file can read empty.
  if (text.empty()) throw_nsp(d.pid(), d.path("stat"));
  return parse_stat_at(d, text);
}

ProcStat read_stat_checked(const ProcDir& d, uint64_t start_ticks) {
  ProcStat st = read_stat(d);
  if (st.starttime != start_ticks)
    throw_nsp(d.pid(), "pid reused by another process (start time " + std::to_string(st.starttime) +
                           " ticks, expected " + std::to_string(start_ticks) + ")");
  return st;
}

ProcStatus read_status(const ProcDir& d) {
  std::string text = d.read_or_fail("status");
  if (text.empty()) throw_nsp(d.pid(), d.path("status"));
  return parse_status(text);
}

ProcStatm read_statm(const ProcDir& d) {
  std::string text = d.read_or_fail("statm");
  return with_path(d, "statm", [&] { return parse_statm(text); });
}

ProcIo read_io(const ProcDir& d) {
  std::string text = d.read_or_fail("io");
  return with_path(d, "io", [&] { return parse_io(text); });
}

std::vector<std::string> read_cmdline(const ProcDir& d) {
  std::string text = d.read_or_fail("cmdline");
  if (text.empty() && d.is_zombie()) throw_zombie(d.pid(), d.path("cmdline"));
  return parse_cmdline(text);
}

std::string read_exe(const ProcDir& d) {
  std::string out;
  int err = d.readlink("exe", out);
  if (err == ENOENT || err == ESRCH) {
    if (d.is_zombie()) throw_zombie(d.pid(), d.path("exe"), err);
    if (d.alive()) return "";  // kernel threads and low pids (psutil gh#2514)
    throw_nsp(d.pid(), d.path("exe"), err);
  }
  if (err) d.fail(err, "exe");
  return clean_link(d.roots(), std::move(out));
}

std::string read_cwd(const ProcDir& d) { return clean_link(d.roots(), d.readlink_or_fail("cwd")); }

std::vector<std::pair<std::string, std::string>> read_environ(const ProcDir& d) {
  std::string text;
  int err = d.read("environ", text);
  if (err == ESRCH && !d.is_zombie() && d.alive()) {
    // A kernel thread has no mm: the kernel answers ESRCH although the process exists.
    // psutil turns that into NoSuchProcess; we return its (empty) environment, as
    // cmdline() does, so that asDict/processIter do not drop live kernel threads.
    return {};
  }
  if (err) d.fail(err, "environ");
  if (text.empty() && d.is_zombie()) throw_zombie(d.pid(), d.path("environ"));
  return parse_environ(text);
}

int64_t read_num_fds(const ProcDir& d) {
  int64_t n = 0;
  if (int err = d.count_entries("fd", n)) d.fail(err, "fd");
  return n;
}

ProcMemFull read_memory_full(const ProcDir& d) {
  std::string text;
  int err = d.read("smaps_rollup", text);
  if (err == ESRCH || err == ENOENT) {
    // A zombie's mappings are gone: ZombieProcess (as psutil). smaps_rollup also answers
    // ESRCH for kernel threads (and is missing before 4.14): fall back to smaps, which
    // reads empty for them (psutil 5.9.4 raised a bogus ZombieProcess there).
    if (d.is_zombie()) throw_zombie(d.pid(), d.path("smaps_rollup"), err);
    text = d.read_or_fail("smaps");
  } else if (err) {
    d.fail(err, "smaps_rollup");
  }
  return parse_smaps_totals(text);
}

std::vector<ProcMap> read_memory_maps(const ProcDir& d, bool grouped) {
  std::string text = d.read_or_fail("smaps");
  if (text.empty()) return {};
  auto maps = with_path(d, "smaps", [&] { return parse_smaps(text, rooted_path_exists, &d.roots()); });
  return grouped ? group_maps(maps) : maps;
}

std::vector<OpenFile> read_open_files(const ProcDir& d) {
  std::vector<std::string> fds;
  if (int err = d.list("fd", fds)) d.fail(err, "fd");
  std::sort(fds.begin(), fds.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() < b.size() : a < b;
  });
  std::vector<OpenFile> out;
  bool hit_enoent = false;
  std::string link, info;
  for (const auto& fd : fds) {
    std::string rel = "fd/" + fd;
    int err = d.readlink(rel.c_str(), link);
    if (err == ENOENT || err == ESRCH) {
      hit_enoent = true;
      continue;
    }
    if (err == EINVAL || err == ENAMETOOLONG) continue;
    if (err) d.fail(err, rel.c_str());
    size_t nul = link.find('\0');
    if (nul != std::string::npos) link.resize(nul);
    if (link.empty() || link[0] != '/') continue;
    struct stat st;
    if (::stat(d.roots().root(link).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    std::string info_rel = "fdinfo/" + fd;
    err = d.read(info_rel.c_str(), info);
    if (err == ENOENT || err == ESRCH) {
      hit_enoent = true;
      continue;
    }
    if (err) d.fail(err, info_rel.c_str());
    FdInfo fi = with_path(d, info_rel.c_str(), [&] { return parse_fdinfo(info); });
    auto fdnum = to_i64(fd);
    out.push_back(OpenFile{link, fdnum ? *fdnum : -1, fi.pos, file_flags_to_mode(fi.flags), fi.flags});
  }
  if (hit_enoent) d.assert_alive();
  return out;
}

std::vector<ThreadTimes> read_threads(const ProcDir& d) {
  std::vector<std::string> tids;
  if (int err = d.list("task", tids)) d.fail(err, "task");
  std::vector<int64_t> ids;
  for (const auto& t : tids)
    if (auto v = to_i64(t)) ids.push_back(*v);
  std::sort(ids.begin(), ids.end());
  std::vector<ThreadTimes> out;
  bool hit_enoent = false;
  std::string buf;
  double hz = static_cast<double>(clock_ticks());
  for (int64_t tid : ids) {
    std::string rel = "task/" + std::to_string(tid) + "/stat";
    int err = d.read(rel.c_str(), buf);
    if (err == ENOENT || err == ESRCH || (err == 0 && buf.empty())) {
      hit_enoent = true;
      continue;
    }
    if (err) d.fail(err, rel.c_str());
    ProcStat st = with_path(d, rel.c_str(), [&] { return parse_stat(buf); });
    out.push_back(ThreadTimes{tid, static_cast<double>(st.utime) / hz, static_cast<double>(st.stime) / hz});
  }
  if (hit_enoent) d.assert_alive();
  return out;
}

std::optional<std::string> TerminalMap::lookup(const Roots& roots, int64_t tty_nr) {
  if (tty_nr == 0) return std::nullopt;
  if (!loaded_) {
    loaded_ = true;
    auto add = [&](const std::string& rel) {
      struct stat st;
      if (::stat(roots.root(rel).c_str(), &st) != 0) return;
      if (!S_ISCHR(st.st_mode)) return;
      uint64_t key = (static_cast<uint64_t>(major(st.st_rdev)) << 32) | minor(st.st_rdev);
      map_.emplace(key, "/" + rel);
    };
    std::vector<std::string> names;
    try {
      names = list_dir(roots.root("dev"));
    } catch (const Error&) {
    }
    std::sort(names.begin(), names.end());
    for (const auto& n : names)
      if (starts_with(n, "tty")) add("dev/" + n);
    try {
      names = list_dir(roots.root("dev/pts"));
    } catch (const Error&) {
      names.clear();
    }
    std::sort(names.begin(), names.end());
    for (const auto& n : names) add("dev/pts/" + n);
  }
  uint64_t nr = static_cast<uint64_t>(tty_nr);
  uint64_t maj = (nr >> 8) & 0xfff;
  uint64_t min = (nr & 0xff) | ((nr >> 12) & 0xfff00);
  auto it = map_.find((maj << 32) | min);
  if (it == map_.end()) return std::nullopt;
  return it->second;
}

std::string resolve_name(const std::string& comm, const std::vector<std::string>* cmdline) {
  if (comm.size() < 15 || !cmdline || cmdline->empty()) return comm;
  const std::string& arg0 = (*cmdline)[0];
  size_t slash = arg0.rfind('/');
  std::string base = slash == std::string::npos ? arg0 : arg0.substr(slash + 1);
  return starts_with(base, comm) ? base : comm;
}

std::string read_name(const ProcDir& d, const ProcStat& st) {
  if (st.comm.size() < 15) return st.comm;
  try {
    auto cmdline = read_cmdline(d);
    return resolve_name(st.comm, &cmdline);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::AccessDenied || e.kind() == ErrorKind::ZombieProcess) return st.comm;
    throw;
  }
}

std::string guess_exe(const Roots& roots, const std::vector<std::string>& cmdline) {
  if (cmdline.empty()) return "";
  const std::string& exe = cmdline[0];
  if (exe.empty() || exe[0] != '/') return "";
  std::string rooted = roots.root(exe);
  struct stat st;
  if (::stat(rooted.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return "";
  if (::access(rooted.c_str(), X_OK) != 0) return "";
  return exe;
}

std::string exe_with_guess(const ProcDir& d) {
  std::string exe;
  try {
    exe = read_exe(d);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::AccessDenied) throw;
    std::string guess = guess_exe(d.roots(), read_cmdline(d));
    if (!guess.empty()) return guess;
    throw;
  }
  if (exe.empty()) {
    try {
      return guess_exe(d.roots(), read_cmdline(d));
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::AccessDenied) throw;
    }
  }
  return exe;
}

// ---------------------------------------------------------------- users

namespace {
std::mutex g_users_mu;
std::map<int64_t, std::string> g_users;  // positive getpwuid_r results for rootfs "/"

bool is_own_root(const Roots& roots) { return roots.rootfs.empty() || roots.rootfs == "/"; }
}  // namespace

std::string UserNames::lookup(const Roots& roots, int64_t uid) {
  auto it = cache_.find(uid);
  if (it != cache_.end()) return it->second;
  std::string name;
  if (is_own_root(roots)) {
    name = username_for(roots, uid);
  } else {
    if (!passwd_loaded_) {
      passwd_loaded_ = true;
      if (auto text = read_file_if_exists(roots.root("etc/passwd")))
        for (auto& [u, n] : parse_passwd(*text)) cache_.emplace(u, n);
      it = cache_.find(uid);
      if (it != cache_.end()) return it->second;
    }
    name = std::to_string(uid);
  }
  cache_.emplace(uid, name);
  return name;
}

std::string username_for(const Roots& roots, int64_t uid) {
  if (!is_own_root(roots)) {
    UserNames u;
    return u.lookup(roots, uid);
  }
  {
    std::lock_guard<std::mutex> lock(g_users_mu);
    auto it = g_users.find(uid);
    if (it != g_users.end()) return it->second;
  }
  std::vector<char> buf(4096);
  struct passwd pw, *res = nullptr;
  for (;;) {
    int rc = ::getpwuid_r(static_cast<uid_t>(uid), &pw, buf.data(), buf.size(), &res);
    if (rc == ERANGE && buf.size() < (1u << 20)) {
      buf.resize(buf.size() * 2);
      continue;
    }
    break;
  }
  if (!res || !res->pw_name) return std::to_string(uid);  // unknown uids are not cached
  std::string name(res->pw_name);
  std::lock_guard<std::mutex> lock(g_users_mu);
  g_users.emplace(uid, name);
  return name;
}

// ---------------------------------------------------------------- the table

std::vector<int64_t> list_pids(const Roots& roots) {
  std::vector<int64_t> out;
  DIR* dir = ::opendir(roots.procfs.c_str());
  if (!dir) throw_os_error(errno, "cannot list", roots.procfs);
  while (struct dirent* e = ::readdir(dir)) {
    const char* n = e->d_name;
    if (*n < '0' || *n > '9') continue;
    int64_t v = 0;
    bool ok = true;
    for (const char* p = n; *p; ++p) {
      if (*p < '0' || *p > '9') {
        ok = false;
        break;
      }
      v = v * 10 + (*p - '0');
    }
    if (ok) out.push_back(v);
  }
  ::closedir(dir);
  std::sort(out.begin(), out.end());
  return out;
}

bool pid_exists(const Roots& roots, int64_t pid) {
  if (pid <= 0) return false;
  if (!roots.host_mode()) {
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) return false;
  }
  std::string text;
  try {
    auto t = read_file_if_exists(roots.proc(pid_str(pid) + "/status"));
    if (t) {
      ProcStatus s = parse_status(*t);
      if (s.tgid >= 0) return s.tgid == pid;
    }
  } catch (const Error&) {
  }
  auto all = list_pids(roots);
  return std::binary_search(all.begin(), all.end(), pid);
}

std::vector<PpidEntry> ppid_map(const Roots& roots) {
  std::vector<PpidEntry> out;
  std::string buf;
  for (int64_t pid : list_pids(roots)) {
    try {
      if (!read_file_into(roots.proc(pid_str(pid) + "/stat"), buf) || buf.empty()) continue;
      ProcStat st = parse_stat(buf);
      out.push_back(PpidEntry{pid, st.ppid, st.starttime});
    } catch (const Error&) {
      // vanished or unreadable: not part of the map (psutil skips NSP/AD here)
    }
  }
  return out;
}

// ---------------------------------------------------------------- syscalls

bool same_pid_namespace(const Roots& roots) {
  if (!roots.host_mode()) return true;
  static std::map<std::string, bool> cache;
  static std::mutex mu;
  return cached_per_procfs(cache, mu, roots, [&] {
    try {
      return read_link("/proc/self/ns/pid") == read_link(roots.proc("1/ns/pid"));
    } catch (const Error&) {
      return false;
    }
  });
}

void require_own_pid_namespace(const Roots& roots, const char* what) {
  if (same_pid_namespace(roots)) return;
  throw Error(ErrorKind::Unsupported,
              std::string(what) + ": the pids under " + roots.procfs +
                  " belong to another PID namespace than this process's, and this syscall would act on "
                  "the wrong process (read-only values come from " +
                  roots.procfs + ")");
}

namespace {

// Identity check for the syscalls: open the dir and compare start times.
void check_identity(const Roots& roots, int64_t pid, uint64_t start_ticks) {
  if (pid <= 0) throw Error(ErrorKind::InvalidArgument, "refusing to act on pid " + pid_str(pid));
  ProcDir d(roots, pid);
  read_stat_checked(d, start_ticks);
}

[[noreturn]] void fail_syscall(const Roots& roots, int64_t pid, int err, const char* what) {
  if (err == EACCES || err == EPERM) throw_access_denied(pid, what, err);
  if (err == ESRCH || err == ENOSYS) {
    ProcDir d;
    if (d.open(roots, pid) == 0 && d.is_zombie()) throw_zombie(pid, what, err);
    throw_nsp(pid, what, err);
  }
  if (err == EINVAL)
    throw Error(ErrorKind::InvalidArgument, std::string(what) + ": invalid argument (pid=" + pid_str(pid) + ")", "",
                err, pid);
  throw Error(kind_for_errno(err), std::string(what) + ": " + std::strerror(err) + " (pid=" + pid_str(pid) + ")", "",
              err, pid);
}

}  // namespace

void set_nice(const Roots& roots, int64_t pid, uint64_t start_ticks, int value) {
  require_own_pid_namespace(roots, "nice");
  check_identity(roots, pid, start_ticks);
  if (::setpriority(PRIO_PROCESS, static_cast<id_t>(pid), value) != 0) fail_syscall(roots, pid, errno, "setpriority");
}

IoPriority get_ionice(const Roots& roots, int64_t pid, uint64_t start_ticks) {
  require_own_pid_namespace(roots, "ionice");
  check_identity(roots, pid, start_ticks);
  long v = ::syscall(SYS_ioprio_get, kIoprioWhoProcess, static_cast<int>(pid));
  if (v < 0) fail_syscall(roots, pid, errno, "ioprio_get");
  return IoPriority{static_cast<int>(v >> kIoprioClassShift), static_cast<int>(v & ((1 << kIoprioClassShift) - 1))};
}

void set_ionice(const Roots& roots, int64_t pid, uint64_t start_ticks, int ioclass, int value) {
  require_own_pid_namespace(roots, "ionice");
  if (ioclass < 0 || ioclass > 3)
    throw Error(ErrorKind::InvalidArgument, "ioclass must be one of IOPriority (0-3), got " + std::to_string(ioclass));
  if (value < 0 || value > 7) throw Error(ErrorKind::InvalidArgument, "ionice value not in 0-7 range");
  if (value != 0 && (ioclass == 0 || ioclass == 3))
    throw Error(ErrorKind::InvalidArgument, "ioclass " + std::to_string(ioclass) + " accepts no value");
  check_identity(roots, pid, start_ticks);
  if (::syscall(SYS_ioprio_set, kIoprioWhoProcess, static_cast<int>(pid), (ioclass << kIoprioClassShift) | value) != 0)
    fail_syscall(roots, pid, errno, "ioprio_set");
}

std::vector<int> get_cpu_affinity(const Roots& roots, int64_t pid, uint64_t start_ticks) {
  if (!same_pid_namespace(roots)) {
    ProcDir d(roots, pid);
    read_stat_checked(d, start_ticks);
    ProcStatus s = read_status(d);
    return with_path(d, "status", [&] { return parse_cpu_list(s.cpus_allowed_list); });
  }
  check_identity(roots, pid, start_ticks);
  for (int ncpus = 1024;; ncpus *= 2) {
    cpu_set_t* set = CPU_ALLOC(ncpus);
    if (!set) throw Error(ErrorKind::Io, "out of memory");
    size_t size = CPU_ALLOC_SIZE(ncpus);
    CPU_ZERO_S(size, set);
    if (::sched_getaffinity(static_cast<pid_t>(pid), size, set) == 0) {
      std::vector<int> out;
      for (int c = 0; c < ncpus; ++c)
        if (CPU_ISSET_S(c, size, set)) out.push_back(c);
      CPU_FREE(set);
      return out;
    }
    int err = errno;
    CPU_FREE(set);
    if (err != EINVAL || ncpus > (1 << 20)) fail_syscall(roots, pid, err, "sched_getaffinity");
  }
}

void set_cpu_affinity(const Roots& roots, int64_t pid, uint64_t start_ticks, const std::vector<int>& cpus_in) {
  require_own_pid_namespace(roots, "cpu_affinity");
  std::vector<int> cpus = cpus_in;
  if (cpus.empty()) {
    // psutil: an empty list means every CPU eligible to the process (gh#956).
    ProcDir d(roots, pid);
    read_stat_checked(d, start_ticks);
    try {
      cpus = parse_cpu_list(read_status(d).cpus_allowed_list);
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::Parse) throw;
    }
    if (cpus.empty()) {
      long n = ::sysconf(_SC_NPROCESSORS_CONF);
      for (long c = 0; c < n; ++c) cpus.push_back(static_cast<int>(c));
    }
  }
  int max = 0;
  for (int c : cpus) {
    if (c < 0) throw Error(ErrorKind::InvalidArgument, "invalid CPU number " + std::to_string(c));
    max = std::max(max, c);
  }
  check_identity(roots, pid, start_ticks);
  int ncpus = std::max(max + 1, 1024);
  cpu_set_t* set = CPU_ALLOC(ncpus);
  if (!set) throw Error(ErrorKind::Io, "out of memory");
  size_t size = CPU_ALLOC_SIZE(ncpus);
  CPU_ZERO_S(size, set);
  for (int c : cpus) CPU_SET_S(c, size, set);
  int rc = ::sched_setaffinity(static_cast<pid_t>(pid), size, set);
  int err = errno;
  CPU_FREE(set);
  if (rc != 0) {
    if (err == EINVAL) {
      long n = ::sysconf(_SC_NPROCESSORS_ONLN);
      std::string list;
      for (int c : cpus) list += (list.empty() ? "" : ", ") + std::to_string(c);
      throw Error(ErrorKind::InvalidArgument,
                  "invalid CPU number(s) [" + list + "]; " + std::to_string(n) + " CPUs online", "", err, pid);
    }
    fail_syscall(roots, pid, err, "sched_setaffinity");
  }
}

RlimitPair get_rlimit(const Roots& roots, int64_t pid, uint64_t start_ticks, int resource) {
  if (resource < 0 || resource >= RLIM_NLIMITS)
    throw Error(ErrorKind::InvalidArgument, "unknown rlimit resource " + std::to_string(resource));
  if (pid == 0) throw Error(ErrorKind::InvalidArgument, "can't use prlimit() against PID 0 process");
  if (!same_pid_namespace(roots)) {
    ProcDir d(roots, pid);
    read_stat_checked(d, start_ticks);
    std::string text = d.read_or_fail("limits");
    auto all = with_path(d, "limits", [&] { return parse_limits(text); });
    const auto& v = all[static_cast<size_t>(resource)];
    if (!v)
      throw Error(ErrorKind::Unsupported, d.path("limits") + ": no line for resource " + std::to_string(resource));
    return *v;
  }
  check_identity(roots, pid, start_ticks);
  struct rlimit old;
  if (::prlimit(static_cast<pid_t>(pid), static_cast<enum __rlimit_resource>(resource), nullptr, &old) != 0)
    fail_syscall(roots, pid, errno, "prlimit");
  return RlimitPair{old.rlim_cur, old.rlim_max};
}

void set_rlimit(const Roots& roots, int64_t pid, uint64_t start_ticks, int resource, RlimitPair limits) {
  require_own_pid_namespace(roots, "rlimit");
  if (resource < 0 || resource >= RLIM_NLIMITS)
    throw Error(ErrorKind::InvalidArgument, "unknown rlimit resource " + std::to_string(resource));
  if (pid == 0) throw Error(ErrorKind::InvalidArgument, "can't use prlimit() against PID 0 process");
  check_identity(roots, pid, start_ticks);
  struct rlimit nw {
    limits.soft, limits.hard
  };
  if (::prlimit(static_cast<pid_t>(pid), static_cast<enum __rlimit_resource>(resource), &nw, nullptr) != 0)
    fail_syscall(roots, pid, errno, "prlimit");
}

void send_signal(const Roots& roots, int64_t pid, uint64_t start_ticks, int sig) {
  require_own_pid_namespace(roots, "send_signal");
  if (pid <= 0) throw Error(ErrorKind::InvalidArgument, "refusing to signal pid " + pid_str(pid));
  int pfd = static_cast<int>(::syscall(SYS_pidfd_open, static_cast<pid_t>(pid), 0));
  if (pfd < 0) {
    int err = errno;
    if (err == ESRCH) throw_nsp(pid, "pidfd_open", err);
    if (err != ENOSYS && err != EPERM) fail_syscall(roots, pid, err, "pidfd_open");
    // No pidfds (old kernel or seccomp): check then kill, as psutil does.
    check_identity(roots, pid, start_ticks);
    if (::kill(static_cast<pid_t>(pid), sig) != 0) fail_syscall(roots, pid, errno, "kill");
    return;
  }
  Fd guard(pfd);
  // The pidfd pins the process that had `pid` when it was opened; if that is still the
  // process we know (same start time), the signal cannot reach anybody else.
  check_identity(roots, pid, start_ticks);
  if (::syscall(SYS_pidfd_send_signal, pfd, sig, nullptr, 0) != 0) fail_syscall(roots, pid, errno, "pidfd_send_signal");
}

WaitState wait_check(const Roots& roots, int64_t pid, uint64_t start_ticks) {
  WaitState ws;
  ProcDir d;
  std::string buf;
  if (d.open(roots, pid) != 0 || d.read("stat", buf) != 0 || buf.empty()) {
    ws.exited = true;
    return ws;
  }
  ProcStat st;
  try {
    st = parse_stat(buf);
  } catch (const Error&) {
    ws.exited = true;
    return ws;
  }
  if (st.starttime != start_ticks) {
    ws.exited = true;
    return ws;
  }
  if (same_pid_namespace(roots)) {
    siginfo_t si;
    std::memset(&si, 0, sizeof si);
    if (::waitid(P_PID, static_cast<id_t>(pid), &si, WEXITED | WNOHANG | WNOWAIT) == 0) {
      if (si.si_pid == static_cast<pid_t>(pid)) {
        ws.exited = true;
        ws.code = si.si_code == CLD_EXITED ? si.si_status : -si.si_status;
      }
      return ws;  // our child: exited (with its status) or still running
    }
    // ECHILD: not our child. A zombie stays "running" until its parent reaps it
    // (psutil polls kill(pid, 0), which succeeds on zombies).
  }
  return ws;
}

}  // namespace hp::proc

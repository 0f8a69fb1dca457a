#include "process_scan.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "error.h"
#include "fs.h"
#include "parse.h"
#include "process.h"
#include "process_parse.h"

namespace hp::proc {

namespace {

struct AttrName {
  const char* name;
  uint32_t bit;
};
constexpr AttrName kAttrNames[] = {
    {"name", kScanName},
    {"cmdline", kScanCmdline},
    {"exe", kScanExe},
    {"cwd", kScanCwd},
    {"status", kScanStatus},
    {"ppid", kScanPpid},
    {"uids", kScanUids},
    {"gids", kScanGids},
    {"username", kScanUsername},
    {"createTime", kScanCreateTime},
    {"cpuTimes", kScanCpuTimes},
    {"memoryInfo", kScanMemoryInfo},
    {"memoryFullInfo", kScanMemoryFullInfo},
    {"memorySwap", kScanMemorySwap},
    {"numThreads", kScanNumThreads},
    {"numFds", kScanNumFds},
    {"fdLimit", kScanFdLimit},
    {"numCtxSwitches", kScanNumCtxSwitches},
    {"ioCounters", kScanIoCounters},
    {"pageFaults", kScanPageFaults},
    {"nice", kScanNice},
    {"cpuNum", kScanCpuNum},
    {"terminal", kScanTerminal},
    {"threadStates", kScanThreadStates},
};

constexpr uint64_t kPfKthread = 0x00200000;  // include/linux/sched.h

constexpr uint32_t kNeedsStatus = kScanUids | kScanGids | kScanUsername | kScanNumCtxSwitches | kScanMemorySwap;

size_t thread_state_column(char c) {
  for (size_t i = 0; i < sizeof(kThreadStateLetters); ++i)
    if (kThreadStateLetters[i] == c) return i;
  return kThreadStateColumns - 1;
}

class RowReader {
 public:
  RowReader(const Roots& roots, uint32_t mask, ScanResult& res)
      : roots_(roots),
        mask_(mask),
        res_(res),
        hz_(static_cast<double>(clock_ticks())),
        page_(static_cast<uint64_t>(page_size())),
        privileged_(can_read_any_fd_dir()) {}

  void read(const ProcDir& d, ScanRow& row);

 private:
  // Records a failed read of `bits`. Returns false when the process is gone (stop reading).
  bool failed(const ProcDir& d, ScanRow& row, int err, uint32_t bits) {
    row.missing |= bits & mask_;
    if (err == EACCES || err == EPERM) {
      row.flags |= kRowAccessDenied;
      return true;
    }
    if (err == ENOENT || err == ESRCH) {
      if (zombie_) return true;  // psutil: ZombieProcess -> ad_value
      if (!d.alive()) {
        row.flags |= kRowVanished;
        return false;
      }
      return true;  // a real ENOENT on an optional file (no io accounting, old kernel)
    }
    row.flags |= kRowError;
    return true;
  }
  void parse_failed(ScanRow& row, uint32_t bits) {
    row.missing |= bits & mask_;
    row.flags |= kRowError;
  }
  // cmdline, read once; false when it could not be read (the reason is in row).
  bool cmdline(const ProcDir& d, ScanRow& row, bool& keep_going);
  // cmdline() and its argument vector in args_.
  bool args(const ProcDir& d, ScanRow& row, bool& keep_going);
  void parse_args(const ScanRow& row);

  const Roots& roots_;
  uint32_t mask_;
  ScanResult& res_;
  double hz_;
  uint64_t page_;
  bool privileged_;
  UserNames users_;
  TerminalMap terminals_;
  std::string buf_;
  std::vector<std::string> args_;
  bool args_parsed_ = false;
  std::vector<std::string> names_;
  bool zombie_ = false;
  bool mem_from_status_ = false;
  int cmdline_state_ = 0;  // 0 unread, 1 read, 2 failed
};

bool RowReader::cmdline(const ProcDir& d, ScanRow& row, bool& keep_going) {
  if (cmdline_state_ == 1) return true;
  if (cmdline_state_ == 2) return false;
  int err = d.read("cmdline", buf_);
  if (err == 0 && buf_.empty() && zombie_) err = ESRCH;  // psutil HEAD: ZombieProcess
  if (err) {
    cmdline_state_ = 2;
    if (mask_ & kScanCmdline) {
      keep_going = failed(d, row, err, kScanCmdline);
    } else if ((err == ENOENT || err == ESRCH) && !zombie_ && !d.alive()) {
      // Needed only for name/exe, whose psutil versions swallow AccessDenied and
      // ZombieProcess here; only a vanished process matters.
      row.flags |= kRowVanished;
      keep_going = false;
    }
    return false;
  }
  cmdline_state_ = 1;
  if (mask_ & kScanCmdline) {
    // The row keeps every argument followed by a NUL. For the common shape (NUL-
    // terminated, and not a single argument holding spaces) that is the file itself.
    const bool nul_ended = !buf_.empty() && buf_.back() == '\0';
    if (nul_ended && (buf_.find('\0') + 1 < buf_.size() || buf_.find(' ') == std::string::npos)) {
      row.cmdline = buf_;
    } else {
      args_ = parse_cmdline(buf_);
      args_parsed_ = true;
      size_t total = 0;
      for (const auto& a : args_) total += a.size() + 1;
      row.cmdline.reserve(total);
      for (const auto& a : args_) {
        row.cmdline.append(a);
        row.cmdline.push_back('\0');
      }
    }
  }
  return true;
}

// The argument vector (psutil's rules): from the row's joined copy when cmdline was
// requested (buf_ has been reused since), else from buf_, which cmdline() just filled.
void RowReader::parse_args(const ScanRow& row) {
  if (args_parsed_) return;
  args_parsed_ = true;
  args_ = parse_cmdline((mask_ & kScanCmdline) ? std::string_view(row.cmdline) : std::string_view(buf_));
}

bool RowReader::args(const ProcDir& d, ScanRow& row, bool& keep_going) {
  if (!cmdline(d, row, keep_going)) return false;
  parse_args(row);
  return true;
}

void RowReader::read(const ProcDir& d, ScanRow& row) {
  const uint32_t m = mask_;
  zombie_ = false;
  mem_from_status_ = false;
  cmdline_state_ = 0;
  args_.clear();
  args_parsed_ = false;

  int err = d.read("stat", buf_);
  if (err || buf_.empty()) {
    if (err == EACCES || err == EPERM) {
      row.flags |= kRowAccessDenied | kRowError;
    } else {
      row.flags |= kRowVanished;
    }
    row.missing = m;
    return;
  }
  ProcStat st;
  try {
    st = parse_stat(buf_);
  } catch (const Error&) {
    row.flags |= kRowError;
    row.missing = m;
    return;
  }
  row.start_ticks = st.starttime;
  row.state = st.state;
  zombie_ = st.state == 'Z';
  if (zombie_) row.flags |= kRowZombie;
  row.ppid = st.ppid;
  row.create_time = res_.boot_time + static_cast<double>(st.starttime) / hz_;
  row.cpu = {static_cast<double>(st.utime) / hz_, static_cast<double>(st.stime) / hz_,
             static_cast<double>(st.cutime) / hz_, static_cast<double>(st.cstime) / hz_,
             static_cast<double>(st.blkio_ticks) / hz_};
  row.num_threads = st.num_threads;
  row.faults = {st.minflt, st.majflt};
  row.nice = st.nice;
  row.cpu_num = st.processor;
  if (m & kScanCpuNum && st.processor < 0) row.missing |= kScanCpuNum;

  bool go = true;

  if (m & kNeedsStatus) {
    err = d.read("status", buf_);
    if (err == 0 && buf_.empty()) err = ESRCH;
    if (err) {
      go = failed(d, row, err, kNeedsStatus);
    } else {
      ProcStatus s = parse_status_numbers(buf_);
      row.uids = s.uids;
      row.gids = s.gids;
      if (s.uids[0] < 0) row.missing |= (kScanUids | kScanUsername) & m, row.flags |= kRowError;
      if (s.gids[0] < 0) row.missing |= kScanGids & m, row.flags |= kRowError;
      if (s.voluntary_ctxt_switches < 0 || s.nonvoluntary_ctxt_switches < 0) {
        if (m & kScanNumCtxSwitches) row.missing |= kScanNumCtxSwitches, row.flags |= kRowError;
      }
      row.ctx = {s.voluntary_ctxt_switches, s.nonvoluntary_ctxt_switches};
      row.swap = s.vm_swap_kb > 0 ? static_cast<uint64_t>(s.vm_swap_kb) * 1024 : 0;
      if (s.has_statm()) {
        // statm's numbers from the status just read: one file less per process.
        auto kb = [](int64_t v) { return static_cast<uint64_t>(v) * 1024; };
        row.mem = {kb(s.vm_rss_kb),
                   kb(s.vm_size_kb),
                   kb(s.rss_file_kb + s.rss_shmem_kb),
                   kb(s.vm_exe_kb),
                   0,
                   kb(s.vm_data_kb + s.vm_stk_kb),
                   0};
        mem_from_status_ = true;
      } else if (zombie_ || (st.flags & kPfKthread)) {
        // No mm (a kernel thread, a zombie): statm reads all zeros; no need to read it.
        row.mem = {};
        mem_from_status_ = true;
      }
      if (m & kScanUsername && s.uids[0] >= 0) {
        for (int64_t uid : {s.uids[0], s.uids[1]}) {
          if (uid >= 0 && !res_.users.count(uid)) res_.users.emplace(uid, users_.lookup(roots_, uid));
        }
      }
    }
  }

  if (go && (m & (kScanMemoryInfo | kScanMemoryFullInfo)) && !mem_from_status_) {
    err = d.read("statm", buf_);
    if (err) {
      go = failed(d, row, err, kScanMemoryInfo | kScanMemoryFullInfo);
    } else {
      try {
        ProcStatm sm = parse_statm(buf_);
        row.mem = {sm.resident * page_, sm.size * page_, sm.shared * page_, sm.text * page_,
                   sm.lib * page_,      sm.data * page_, sm.dirty * page_};
      } catch (const Error&) {
        parse_failed(row, kScanMemoryInfo | kScanMemoryFullInfo);
      }
    }
  }

  if (go && (m & kScanIoCounters)) {
    err = d.read("io", buf_);
    if (err) {
      go = failed(d, row, err, kScanIoCounters);
    } else {
      try {
        ProcIo io = parse_io(buf_);
        row.io = {io.syscr, io.syscw, io.read_bytes, io.write_bytes, io.rchar, io.wchar};
      } catch (const Error&) {
        parse_failed(row, kScanIoCounters);
      }
    }
  }

  if (go && (m & kScanCmdline)) cmdline(d, row, go);

  if (go && (m & kScanName)) {
    row.name = st.comm;
    // AccessDenied / ZombieProcess on cmdline keep the comm (psutil gh#2239).
    if (st.comm.size() >= 15 && args(d, row, go)) row.name = resolve_name(st.comm, &args_);
  }

  if (go && (m & kScanExe)) {
    err = d.readlink("exe", row.exe);
    if (err == 0) {
      row.exe = clean_link(roots_, std::move(row.exe));
      if (row.exe.empty() && args(d, row, go)) row.exe = guess_exe(roots_, args_);
    } else if (err == ENOENT || err == ESRCH) {
      if (zombie_) {
        row.missing |= kScanExe;
      } else if (!d.alive()) {
        row.flags |= kRowVanished;
        go = false;
      } else {
        // A kernel thread (or a low pid): "", then psutil's guess from cmdline[0].
        row.exe.clear();
        if (args(d, row, go)) row.exe = guess_exe(roots_, args_);
      }
    } else if (err == EACCES || err == EPERM) {
      // psutil's top level guesses from an absolute, executable cmdline[0].
      std::string guess;
      bool keep = true;
      if (args(d, row, keep)) guess = guess_exe(roots_, args_);
      if (!keep) go = false;
      if (guess.empty()) {
        row.missing |= kScanExe;
        row.flags |= kRowAccessDenied;
      } else {
        row.exe = std::move(guess);
      }
    } else {
      go = failed(d, row, err, kScanExe);
    }
  }

  if (go && (m & kScanCwd)) {
    err = d.readlink("cwd", row.cwd);
    if (err) {
      go = failed(d, row, err, kScanCwd);
    } else {
      row.cwd = clean_link(roots_, std::move(row.cwd));
    }
  }

  if (go && (m & kScanNumFds)) {
    err = d.count_entries("fd", row.num_fds, privileged_ ? 1 : 0);
    if (err) go = failed(d, row, err, kScanNumFds);
  }

  if (go && (m & kScanFdLimit)) {
    err = d.read("limits", buf_);
    if (err) {
      go = failed(d, row, err, kScanFdLimit);
    } else {
      try {
        auto limits = parse_limits(buf_);
        const auto& nofile = limits[RLIMIT_NOFILE];
        if (nofile) {
          row.fd_limit = {nofile->soft, nofile->hard};
        } else {
          parse_failed(row, kScanFdLimit);
        }
      } catch (const Error&) {
        parse_failed(row, kScanFdLimit);
      }
    }
  }

  if (go && (m & kScanMemoryFullInfo)) {
    err = d.read("smaps_rollup", buf_);
    if ((err == ESRCH || err == ENOENT) && !zombie_) err = d.read("smaps", buf_);
    if (err) {
      go = failed(d, row, err, kScanMemoryFullInfo);
    } else {
      ProcMemFull f = parse_smaps_totals(buf_);
      row.full = {f.uss, f.pss, f.swap};
    }
  }

  if (go && (m & kScanTerminal)) {
    auto t = terminals_.lookup(roots_, st.tty_nr);
    if (t) {
      row.terminal = std::move(*t);
      row.has_terminal = true;
    }
  }

  if (go && (m & kScanThreadStates)) {
    if (st.num_threads <= 1) {
      row.thread_states[thread_state_column(st.state)] = 1;
    } else {
      err = d.list("task", names_);
      if (err) {
        go = failed(d, row, err, kScanThreadStates);
      } else {
        std::string rel;
        for (const auto& tid : names_) {
          if (std::to_string(d.pid()) == tid) {
            ++row.thread_states[thread_state_column(st.state)];
            continue;
          }
          rel = "task/" + tid + "/stat";
          if (d.read(rel.c_str(), buf_) != 0) continue;  // the thread exited
          char c = parse_stat_state(buf_);
          if (c) ++row.thread_states[thread_state_column(c)];
        }
      }
    }
  }

  if (!go || (row.flags & kRowVanished)) {
    row.flags |= kRowVanished;
    row.missing = m;
  }
}

}  // namespace

std::optional<uint32_t> scan_attr_bit(std::string_view name) {
  for (const auto& a : kAttrNames)
    if (name == a.name) return a.bit;
  return std::nullopt;
}

const char* scan_attr_name(uint32_t bit) {
  for (const auto& a : kAttrNames)
    if (a.bit == bit) return a.name;
  return nullptr;
}

ScanResult scan_processes(const Roots& roots, uint32_t mask, const std::vector<int64_t>* pids) {
  ScanResult res;
  res.clock_ticks = clock_ticks();
  if (mask & kScanCreateTime) res.boot_time = boot_time(roots);
  std::vector<int64_t> listed;
  if (!pids) listed = list_pids(roots);
  const std::vector<int64_t>& todo = pids ? *pids : listed;

  Fd procfd(::open(roots.procfs.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!procfd.valid()) throw_os_error(errno, "cannot open", roots.procfs);

  RowReader reader(roots, mask, res);
  res.rows.resize(todo.size());
  size_t n = 0;
  for (int64_t pid : todo) {
    ScanRow& row = res.rows[n++];
    row.pid = pid;
    ProcDir d;
    if (pid < 0 || d.open_at(roots, procfd.get(), pid) != 0) {
      row.flags = kRowVanished;
      row.missing = mask;
      continue;
    }
    reader.read(d, row);
  }
  return res;
}

ProcessesSummary processes_summary(const Roots& roots) {
  ProcessesSummary sum;
  auto read_int = [&](const char* rel) -> std::optional<int64_t> {
    auto v = read_attr(roots.proc(rel));
    if (!v) return std::nullopt;
    return to_i64(*v);
  };
  sum.pid_max = read_int("sys/kernel/pid_max");
  sum.threads_max = read_int("sys/kernel/threads-max");

  Fd procfd(::open(roots.procfs.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!procfd.valid()) throw_os_error(errno, "cannot open", roots.procfs);
  std::string buf;
  std::vector<std::string> tids;
  std::string rel;
  for (int64_t pid : list_pids(roots)) {
    ProcDir d;
    if (d.open_at(roots, procfd.get(), pid) != 0) continue;
    if (d.read("stat", buf) != 0 || buf.empty()) continue;  // vanished
    ProcStat st;
    try {
      st = parse_stat(buf);
    } catch (const Error&) {
      continue;
    }
    ++sum.pids;
    ++sum.states[st.state];
    sum.threads += st.num_threads;
    if (st.num_threads <= 1) {
      ++sum.thread_states[st.state];
      continue;
    }
    if (d.list("task", tids) != 0) continue;
    std::string self = std::to_string(pid);
    for (const auto& tid : tids) {
      if (tid == self) {
        ++sum.thread_states[st.state];
        continue;
      }
      rel = "task/" + tid + "/stat";
      if (d.read(rel.c_str(), buf) != 0) continue;
      char c = parse_stat_state(buf);
      if (c) ++sum.thread_states[c];
    }
  }
  return sum;
}

namespace {

void add_wchan(WchanCounts& out, std::string_view w) {
  w = trim(w);
  if (w.empty() || w == "0") return;
  for (auto& [name, n] : out) {
    if (name == w) {
      ++n;
      return;
    }
  }
  out.emplace_back(std::string(w), 1);
}

}  // namespace

std::optional<ThreadTotals> read_thread_totals(const Roots& roots, int pid, bool wchans, bool ctx, bool threads) {
  ThreadTotals out;
  const std::string dir = roots.proc(std::to_string(pid));
  std::string buf;
  // The process's own wchan (also the existence check).
  try {
    if (!read_file_into(dir + "/wchan", buf)) return std::nullopt;  // gone
    if (wchans) add_wchan(out.wchans, buf);
  } catch (const Error&) {
    // denied (wchan needs ptrace read access): nothing counted for it
  }
  std::vector<std::string> tasks;
  try {
    tasks = list_dir(dir + "/task");
  } catch (const Error&) {
    return out;
  }
  if (tasks.size() <= 1) return out;
  int64_t vol = 0, invol = 0;
  bool any = false;
  for (const auto& tid : tasks) {
    const std::string task = dir + "/task/" + tid;
    try {
      if (wchans && read_file_into(task + "/wchan", buf)) add_wchan(out.wchans, buf);
      ThreadRow row;
      if ((ctx || threads) && read_file_into(task + "/status", buf)) {
        ProcStatus s = parse_status_numbers(buf);
        if (s.voluntary_ctxt_switches >= 0 && s.nonvoluntary_ctxt_switches >= 0) {
          if (ctx) {
            vol += s.voluntary_ctxt_switches;
            invol += s.nonvoluntary_ctxt_switches;
            any = true;
          }
          row.vol = s.voluntary_ctxt_switches;
          row.invol = s.nonvoluntary_ctxt_switches;
        }
      }
      if (threads && read_file_into(task + "/stat", buf)) {
        ProcStat st = parse_stat(buf);
        row.tid = std::strtoll(tid.c_str(), nullptr, 10);
        row.name = st.comm;
        row.utime = st.utime;
        row.stime = st.stime;
        row.minflt = st.minflt;
        row.majflt = st.majflt;
        try {
          if (read_file_into(task + "/io", buf)) {
            ProcIo io = parse_io(buf);
            row.read_bytes = io.read_bytes;
            row.write_bytes = io.write_bytes;
          }
        } catch (const Error&) {
          // io needs ptrace read access: 0, as process-exporter leaves it
        }
        out.threads.push_back(std::move(row));
      }
    } catch (const Error&) {
      // a thread that exited or is denied
    }
  }
  if (ctx && any) out.ctx = std::make_pair(vol, invol);
  return out;
}

}  // namespace hp::proc

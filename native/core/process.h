// Per-process readers with psutil's error decisions, and the syscalls that query or
// change a process (nice, ionice, affinity, rlimit, signals, wait).
//
// Every read of one process goes through a ProcDir: an fd on <procfs>/<pid>, so that all
// the files read through it describe the same process even if the pid is reused while
// we read (a stale directory fd answers ENOENT/ESRCH, never the new process's data).
//
// Errors (psutil HEAD's wrap_exceptions, psutil-linux.md 1.3):
//   EACCES/EPERM            -> AccessDenied
//   ESRCH                   -> ZombieProcess if stat's state is 'Z', else NoSuchProcess
//   ENOENT                  -> ZombieProcess if zombie; NoSuchProcess if stat is gone;
//                              else NotFound (a real ENOENT on an optional file)
// Every thrown hp::Error carries the pid.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fs.h"
#include "process_parse.h"
#include "roots.h"

namespace hp::proc {

// USER_HZ and the page size.
long clock_ticks();
long page_size();
// btime from <procfs>/stat, read once per procfs path and cached: the kernel recomputes
// it on every read and it drifts with NTP, so a process's create time must not move.
double boot_time(const Roots& roots);
// MemTotal from <procfs>/meminfo, bytes (memory_percent's denominator).
uint64_t mem_total(const Roots& roots);

class ProcDir {
 public:
  ProcDir() = default;
  // Opens <procfs>/<pid>; throws NoSuchProcess when it does not exist.
  ProcDir(const Roots& roots, int64_t pid);
  // Non-throwing open; returns 0 or the errno.
  int open(const Roots& roots, int64_t pid);
  // The same, relative to an open fd on <procfs> (the scan's fast path).
  int open_at(const Roots& roots, int procfs_fd, int64_t pid);

  int64_t pid() const { return pid_; }
  int fd() const { return fd_.get(); }
  const Roots& roots() const { return *roots_; }
  std::string path(std::string_view rel) const;

  // Reads <pid>/<rel> into buf; returns 0 or errno. Reuses buf's capacity.
  int read(const char* rel, std::string& buf) const;
  // readlink(<pid>/<rel>); returns 0 or errno.
  int readlink(const char* rel, std::string& out) const;
  // Number of entries in a subdirectory (fd, task); returns 0 or errno. For "fd" on
  // Linux >= 6.2 this is stat()'s st_size after the permission check a listing would
  // get; `privileged` (1/0, or -1 to look it up) says whether that check can be skipped.
  int count_entries(const char* rel, int64_t& n, int privileged = -1) const;
  // Names in a subdirectory; returns 0 or errno.
  int list(const char* rel, std::vector<std::string>& names) const;

  // Throws the psutil error for `err` met while reading `rel` (see the header comment).
  [[noreturn]] void fail(int err, const char* rel) const;
  // Reads or throws with fail().
  std::string read_or_fail(const char* rel) const;
  std::string readlink_or_fail(const char* rel) const;

  bool is_zombie() const;  // stat's state is 'Z'
  bool alive() const;      // stat is still there
  // psutil's _raise_if_not_alive: NoSuchProcess unless alive().
  void assert_alive() const;

 private:
  const Roots* roots_ = nullptr;
  int64_t pid_ = -1;
  Fd fd_;
};

// True when this process holds CAP_DAC_OVERRIDE or CAP_DAC_READ_SEARCH (every
// /proc/<pid>/fd is then listable). Cached per effective uid.
bool can_read_any_fd_dir();

// Thrown-error helpers naming the pid.
[[noreturn]] void throw_nsp(int64_t pid, const std::string& detail, int err = 0);
[[noreturn]] void throw_zombie(int64_t pid, const std::string& detail, int err = 0);
[[noreturn]] void throw_access_denied(int64_t pid, const std::string& detail, int err);

// psutil's readlink(): cut at the first NUL, and drop a " (deleted)" suffix when the path
// (under rootfs) does not exist.
std::string clean_link(const Roots& roots, std::string path);

// --- reads (through a ProcDir, psutil's errors) ---
ProcStat read_stat(const ProcDir& d);
// Reads stat and checks the identity: NoSuchProcess when its start time is not
// `start_ticks` (the pid was reused).
ProcStat read_stat_checked(const ProcDir& d, uint64_t start_ticks);
ProcStatus read_status(const ProcDir& d);
ProcStatm read_statm(const ProcDir& d);
ProcIo read_io(const ProcDir& d);
// Empty data of a zombie -> ZombieProcess (psutil HEAD).
std::vector<std::string> read_cmdline(const ProcDir& d);
// readlink exe: "" for kernel threads, ZombieProcess for zombies, " (deleted)" stripped
// when the path is gone, cut at the first NUL.
std::string read_exe(const ProcDir& d);
std::string read_cwd(const ProcDir& d);
std::vector<std::pair<std::string, std::string>> read_environ(const ProcDir& d);
int64_t read_num_fds(const ProcDir& d);
// smaps_rollup, falling back to smaps on ESRCH/ENOENT (gh#2107).
ProcMemFull read_memory_full(const ProcDir& d);
std::vector<ProcMap> read_memory_maps(const ProcDir& d, bool grouped);

struct OpenFile {
  std::string path;
  int64_t fd = 0;
  uint64_t position = 0;
  std::string mode;
  uint64_t flags = 0;
};
std::vector<OpenFile> read_open_files(const ProcDir& d);

struct ThreadTimes {
  int64_t id = 0;
  double user = 0, system = 0;  // seconds
};
std::vector<ThreadTimes> read_threads(const ProcDir& d);

// The path of the controlling terminal (e.g. "/dev/pts/0"), nullopt when none.
// Matches tty_nr against the rdev of <rootfs>/dev/tty* and <rootfs>/dev/pts/*.
class TerminalMap {
 public:
  std::optional<std::string> lookup(const Roots& roots, int64_t tty_nr);

 private:
  bool loaded_ = false;
  std::map<uint64_t, std::string> map_;  // (major << 32 | minor) -> path
};

// psutil's name(): comm, or basename(cmdline[0]) when comm is 15+ chars long and
// that basename starts with it.
std::string resolve_name(const std::string& comm, const std::vector<std::string>* cmdline);
// psutil's exe guess from cmdline[0] (absolute, a regular file, executable); "" if not.
std::string guess_exe(const Roots& roots, const std::vector<std::string>& cmdline);
// The whole exe() of psutil's top level: read_exe, with the cmdline guess when the
// link is AccessDenied (else rethrown) or empty.
std::string exe_with_guess(const ProcDir& d);
// name() of psutil's top level.
std::string read_name(const ProcDir& d, const ProcStat& st);

// uid -> user name (getpwuid_r, or <rootfs>/etc/passwd when rootfs is not "/"), or the
// decimal uid when unknown, as psutil does. Keeps the names it found.
class UserNames {
 public:
  std::string lookup(const Roots& roots, int64_t uid);

 private:
  std::map<int64_t, std::string> cache_;
  bool passwd_loaded_ = false;
};
std::string username_for(const Roots& roots, int64_t uid);

// --- the process table ---
// Sorted pids (the digit names of <procfs>).
std::vector<int64_t> list_pids(const Roots& roots);
// psutil's pid_exists: kill(pid, 0) (EPERM counts) in the caller's namespace, then the
// status file's Tgid must equal pid. In host mode only the status file decides.
bool pid_exists(const Roots& roots, int64_t pid);

struct PpidEntry {
  int64_t pid = 0, ppid = 0;
  uint64_t start_ticks = 0;
};
// Every process's ppid and start time, one stat read each (psutil's ppid_map).
std::vector<PpidEntry> ppid_map(const Roots& roots);

// --- syscalls on the caller's PID namespace ---
// True when pids in `roots.procfs` are pids of the caller's namespace: always when not in
// host mode; else when <procfs>/1/ns/pid is the caller's /proc/self/ns/pid.
bool same_pid_namespace(const Roots& roots);
// Throws Unsupported naming `what` unless same_pid_namespace().
void require_own_pid_namespace(const Roots& roots, const char* what);

// Each setter first checks the identity (pid, start_ticks): NoSuchProcess on reuse.
void set_nice(const Roots& roots, int64_t pid, uint64_t start_ticks, int value);

struct IoPriority {
  int ioclass = 0;
  int value = 0;
};
IoPriority get_ionice(const Roots& roots, int64_t pid, uint64_t start_ticks);
void set_ionice(const Roots& roots, int64_t pid, uint64_t start_ticks, int ioclass, int value);

// sched_getaffinity; in a foreign PID namespace, status's Cpus_allowed_list instead.
std::vector<int> get_cpu_affinity(const Roots& roots, int64_t pid, uint64_t start_ticks);
void set_cpu_affinity(const Roots& roots, int64_t pid, uint64_t start_ticks, const std::vector<int>& cpus);

// prlimit; in a foreign PID namespace the getter reads <pid>/limits instead.
RlimitPair get_rlimit(const Roots& roots, int64_t pid, uint64_t start_ticks, int resource);
void set_rlimit(const Roots& roots, int64_t pid, uint64_t start_ticks, int resource, RlimitPair limits);

// Sends `sig` to the process only if it is still (pid, start_ticks): opens a pidfd first,
// checks the identity through /proc, then signals through the pidfd, so a pid reused in
// between is never signalled.
void send_signal(const Roots& roots, int64_t pid, uint64_t start_ticks, int sig);

// One non-blocking look at whether the process has exited (the wait loop lives in JS so
// that no pool thread is held). `exited` once the process is gone, its pid reused, or it
// is our child and has exited; then `code` is the exit status (negative signal number) when
// it is our child, which is read with WNOWAIT so whoever reaps it still can.
struct WaitState {
  bool exited = false;
  std::optional<int> code;
};
WaitState wait_check(const Roots& roots, int64_t pid, uint64_t start_ticks);

}  // namespace hp::proc

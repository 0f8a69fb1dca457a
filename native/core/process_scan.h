// The batch scan: the whole process table (or a given list of pids) read for a set of
// attributes in one pass, each /proc file read at most once per process and only when an
// attribute needs it. Nothing throws for one process: each row carries flags (vanished,
// zombie, access denied, error) and a mask of the requested attributes it could not give,
// decided by the same rules as the per-process readers in process.h (psutil's as_dict
// with ad_value: AccessDenied and ZombieProcess leave the attribute out; a process that
// is gone is flagged vanished).
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "roots.h"

namespace hp::proc {

enum ScanAttr : uint32_t {
  kScanName = 1u << 0,             // stat comm, resolved through cmdline when 15+ chars
  kScanCmdline = 1u << 1,          // cmdline
  kScanExe = 1u << 2,              // readlink exe (+ psutil's cmdline guess)
  kScanCwd = 1u << 3,              // readlink cwd
  kScanStatus = 1u << 4,           // stat state
  kScanPpid = 1u << 5,             // stat
  kScanUids = 1u << 6,             // status Uid
  kScanGids = 1u << 7,             // status Gid
  kScanUsername = 1u << 8,         // status Uid (real) -> user name
  kScanCreateTime = 1u << 9,       // stat starttime / CLK_TCK + btime
  kScanCpuTimes = 1u << 10,        // stat utime stime cutime cstime blkio
  kScanMemoryInfo = 1u << 11,      // statm
  kScanMemoryFullInfo = 1u << 12,  // statm + smaps_rollup (uss, pss, swap)
  kScanMemorySwap = 1u << 13,      // status VmSwap
  kScanNumThreads = 1u << 14,      // stat num_threads
  kScanNumFds = 1u << 15,          // fd/ count
  kScanFdLimit = 1u << 16,         // limits "Max open files" (soft, hard)
  kScanNumCtxSwitches = 1u << 17,  // status voluntary/nonvoluntary_ctxt_switches
  kScanIoCounters = 1u << 18,      // io
  kScanPageFaults = 1u << 19,      // stat minflt majflt
  kScanNice = 1u << 20,            // stat nice
  kScanCpuNum = 1u << 21,          // stat processor
  kScanTerminal = 1u << 22,        // stat tty_nr -> /dev path
  kScanThreadStates = 1u << 23,    // task/*/stat state letters, counted
};
constexpr uint32_t kScanAllAttrs = (1u << 24) - 1;

// Attribute name (the TypeScript name, e.g. "cpuTimes") <-> bit.
std::optional<uint32_t> scan_attr_bit(std::string_view name);
const char* scan_attr_name(uint32_t bit);

enum ScanFlag : uint8_t {
  kRowVanished = 1,      // gone between listing and reading: no data (all attrs missing)
  kRowZombie = 2,        // a zombie: cmdline, exe, cwd are missing (psutil's ZombieProcess)
  kRowAccessDenied = 4,  // at least one attribute was AccessDenied
  kRowError = 8,         // an unexpected error (a malformed file): those attributes are missing
};

// The thread-state buckets of kScanThreadStates, in column order.
inline constexpr char kThreadStateLetters[] = {'R', 'S', 'D', 'Z', 'T', 't', 'I', 'X'};
inline constexpr size_t kThreadStateColumns = sizeof(kThreadStateLetters) + 1;  // + "other"

struct ScanRow {
  int64_t pid = 0;
  uint64_t start_ticks = 0;  // with pid, the identity
  uint8_t flags = 0;
  uint32_t missing = 0;  // requested attributes this row does not have

  char state = '?';
  int64_t ppid = 0;
  std::array<int64_t, 3> uids{}, gids{};
  double create_time = 0;
  std::array<double, 5> cpu{};     // user system children_user children_system iowait (s)
  std::array<uint64_t, 7> mem{};   // rss vms shared text lib data dirty (bytes)
  std::array<uint64_t, 3> full{};  // uss pss swap (bytes)
  uint64_t swap = 0;               // VmSwap (bytes)
  int64_t num_threads = 0, num_fds = 0;
  std::array<uint64_t, 2> fd_limit{};  // soft hard (RLIM_INFINITY when unlimited)
  std::array<int64_t, 2> ctx{};        // voluntary involuntary
  std::array<uint64_t, 6> io{};        // read_count write_count read_bytes write_bytes read_chars write_chars
  std::array<uint64_t, 2> faults{};    // minor major
  int64_t nice = 0, cpu_num = -1;
  std::array<uint32_t, kThreadStateColumns> thread_states{};
  bool has_terminal = false;
  std::string name, exe, cwd, terminal;
  std::string cmdline;  // every argument followed by one NUL: [] -> "", [""] -> "\0"
};

struct ScanResult {
  std::vector<ScanRow> rows;             // in pid order
  std::map<int64_t, std::string> users;  // uid -> name, for the real and effective uids seen
  double boot_time = 0;
  long clock_ticks = 100;
};

// Reads every process under roots.procfs (or only `pids`, in that order) for `mask`.
// Throws only when the table itself cannot be listed.
ScanResult scan_processes(const Roots& roots, uint32_t mask, const std::vector<int64_t>* pids = nullptr);

// node_exporter's processes collector: every /proc/<pid>/stat and every
// /proc/<pid>/task/<tid>/stat (the task listing is skipped for single-threaded processes,
// whose only thread is the process itself), plus pid_max and threads-max.
struct ProcessesSummary {
  int64_t pids = 0;                       // processes whose stat could be read
  int64_t threads = 0;                    // sum of stat num_threads
  std::optional<int64_t> pid_max;         // <procfs>/sys/kernel/pid_max
  std::optional<int64_t> threads_max;     // <procfs>/sys/kernel/threads-max
  std::map<char, int64_t> states;         // process state letter -> count
  std::map<char, int64_t> thread_states;  // thread state letter -> count
};
ProcessesSummary processes_summary(const Roots& roots);

// What process-exporter reads per thread of a group member, once the groups are known:
// - wchans (namedprocess_namegroup_threads_wchan): <procfs>/<pid>/wchan once, and, when the
//   process has more than one thread, each <procfs>/<pid>/task/<tid>/wchan too; a running
//   thread ("0" or empty) is not counted;
// - ctx (namedprocess_namegroup_context_switches_total): for a multi-threaded process, the
//   sum of every task/<tid>/status's voluntary/nonvoluntary switches (the process's own
//   status counts its main thread only); nullopt for a single-threaded one.
// nullopt when the process is gone; files that cannot be read are left out.
// - threads (the namedprocess_namegroup_thread_* families): each thread of a multi-threaded
//   process with its name (task stat comm), cpu ticks, faults (task stat), io bytes (task io,
//   0 when denied) and context switches (task status).
using WchanCounts = std::vector<std::pair<std::string, int>>;
struct ThreadRow {
  int64_t tid = 0;
  std::string name;
  uint64_t utime = 0, stime = 0;  // ticks
  uint64_t minflt = 0, majflt = 0, read_bytes = 0, write_bytes = 0;
  int64_t vol = 0, invol = 0;
};
struct ThreadTotals {
  WchanCounts wchans;
  std::optional<std::pair<int64_t, int64_t>> ctx;  // voluntary, nonvoluntary
  std::vector<ThreadRow> threads;
};
std::optional<ThreadTotals> read_thread_totals(const Roots& roots, int pid, bool wchans, bool ctx,
                                               bool threads = false);

}  // namespace hp::proc

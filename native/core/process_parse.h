// Pure parsers for the per-process files under /proc/<pid>/: stat, status, statm, io,
// smaps_rollup / smaps, cmdline, environ, fdinfo, limits. No I/O here: the readers in
// process.h do that and the fixture tests feed these directly. Every parser follows
// psutil's reading of the file (psutil/_pslinux.py, its Process methods).
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hp::proc {

// /proc/<pid>/stat. Field numbering follows psutil ("man proc position minus 3" for the
// fields after the command name). Counts are raw: clock ticks and pages.
struct ProcStat {
  std::string comm;  // between the first '(' and the LAST ')': may hold spaces and ')'
  char state = '?';  // R S D T t Z X x K W I P
  int64_t ppid = 0;
  int64_t pgrp = 0;
  int64_t session = 0;
  int64_t tty_nr = 0;  // kernel-encoded dev_t of the controlling terminal, 0 if none
  int64_t tpgid = 0;
  uint64_t flags = 0;  // PF_* (PF_KTHREAD = 0x00200000 marks a kernel thread)
  uint64_t minflt = 0;
  uint64_t cminflt = 0;
  uint64_t majflt = 0;
  uint64_t cmajflt = 0;
  uint64_t utime = 0;  // ticks
  uint64_t stime = 0;
  int64_t cutime = 0;
  int64_t cstime = 0;
  int64_t priority = 0;
  int64_t nice = 0;
  int64_t num_threads = 0;
  uint64_t starttime = 0;  // ticks since boot: with the pid, the process identity
  uint64_t vsize = 0;      // bytes
  int64_t rss = 0;         // pages
  int64_t processor = -1;  // field 36; -1 when the kernel does not provide it
  uint64_t rt_priority = 0;
  uint64_t policy = 0;
  uint64_t blkio_ticks = 0;  // field 39 (delayacct_blkio_ticks); 0 when missing (gh#2455)
};
// Throws hp::Error(Parse) on a file without "(...)" or with fewer fields than rss.
ProcStat parse_stat(std::string_view text);
// Only the state letter (the byte two after the last ')'), '\0' if malformed. Cheap:
// this is how psutil decides whether an ENOENT/ESRCH means ZombieProcess.
char parse_stat_state(std::string_view text);

// /proc/<pid>/status, the lines psutil uses.
struct ProcStatus {
  std::string name;
  char state = '?';
  int64_t tgid = -1;
  int64_t ppid = -1;
  std::array<int64_t, 3> uids{-1, -1, -1};  // real, effective, saved
  std::array<int64_t, 3> gids{-1, -1, -1};
  int64_t threads = -1;
  int64_t voluntary_ctxt_switches = -1;
  int64_t nonvoluntary_ctxt_switches = -1;
  int64_t vm_swap_kb = -1;  // VmSwap; -1 for kernel threads (no mm)
  // The statm numbers, in kB (parse_status_numbers only); -1 when absent (kernel threads,
  // zombies, kernels before 4.5 without RssFile/RssShmem).
  int64_t vm_size_kb = -1, vm_rss_kb = -1, rss_file_kb = -1, rss_shmem_kb = -1, vm_exe_kb = -1, vm_data_kb = -1,
          vm_stk_kb = -1;
  // True when every statm number above is present.
  bool has_statm() const {
    return vm_size_kb >= 0 && vm_rss_kb >= 0 && rss_file_kb >= 0 && rss_shmem_kb >= 0 && vm_exe_kb >= 0 &&
           vm_data_kb >= 0 && vm_stk_kb >= 0;
  }
  std::string cpus_allowed_list;
};
ProcStatus parse_status(std::string_view text);
// The same numbers (ids, threads, context switches, VmSwap), plus the Vm*/Rss* lines that
// carry statm's numbers, found by key search, without the strings (name,
// Cpus_allowed_list): the scan's fast path. statm = VmSize, VmRSS, RssFile + RssShmem
// (shared), VmExe (text), VmData + VmStk (data): the same mm counters, in kB.
ProcStatus parse_status_numbers(std::string_view text);

// /proc/<pid>/statm, in pages: size resident shared text lib data dt.
struct ProcStatm {
  uint64_t size = 0, resident = 0, shared = 0, text = 0, lib = 0, data = 0, dirty = 0;
};
ProcStatm parse_statm(std::string_view text);

// /proc/<pid>/io. Blank or malformed lines are skipped (gh#1004); an empty file or a
// missing key is a Parse error, as in psutil.
struct ProcIo {
  uint64_t rchar = 0, wchar = 0, syscr = 0, syscw = 0, read_bytes = 0, write_bytes = 0, cancelled_write_bytes = 0;
};
ProcIo parse_io(std::string_view text);

// USS / PSS / swap from smaps_rollup, or summed over every mapping of a full smaps
// file (the same line rules work for both): uss = sum of Private_* lines, pss = sum of
// "Pss:", swap = sum of "Swap:", swap_pss = sum of "SwapPss:". Bytes.
struct ProcMemFull {
  uint64_t uss = 0, pss = 0, swap = 0, swap_pss = 0;
};
ProcMemFull parse_smaps_totals(std::string_view text);

// One mapping of /proc/<pid>/smaps (psutil's memory_maps row). Sizes in bytes.
struct ProcMap {
  std::string addr, perms, path;
  uint64_t rss = 0, size = 0, pss = 0, shared_clean = 0, shared_dirty = 0, private_clean = 0, private_dirty = 0,
           referenced = 0, anonymous = 0, swap = 0;
};
// `path_exists` decides whether a " (deleted)" suffix is stripped (psutil strips it only
// when the path without it does not exist); nullptr means "never strip".
using PathExistsFn = bool (*)(const std::string& path, const void* ctx);
std::vector<ProcMap> parse_smaps(std::string_view text, PathExistsFn path_exists = nullptr, const void* ctx = nullptr);
// psutil's grouped memory_maps: one row per path, fields summed, in first-seen order;
// addr and perms are left empty.
std::vector<ProcMap> group_maps(const std::vector<ProcMap>& maps);

// /proc/<pid>/cmdline with psutil's rules: NUL-separated; when the data does not end in
// NUL the separator is a space (setproctitle, gh#1179); a single NUL-terminated argument
// holding spaces is split on spaces. Empty data gives an empty vector.
std::vector<std::string> parse_cmdline(std::string_view data);

// /proc/<pid>/environ: NUL-separated KEY=VALUE; stops at an empty entry or a missing
// final NUL; entries without '=' (or starting with it) are skipped (psutil's
// parse_environ_block).
std::vector<std::pair<std::string, std::string>> parse_environ(std::string_view data);

// /proc/<pid>/fdinfo/<fd>: "pos:" and "flags:" (octal).
struct FdInfo {
  uint64_t pos = 0;
  uint64_t flags = 0;
};
FdInfo parse_fdinfo(std::string_view text);
// psutil's file_flags_to_mode: r, w, a, r+, a+.
std::string file_flags_to_mode(uint64_t flags);

// /proc/<pid>/limits: RLIMIT_* index -> (soft, hard), with RLIM_INFINITY for "unlimited".
struct RlimitPair {
  uint64_t soft = 0, hard = 0;
};
std::vector<std::optional<RlimitPair>> parse_limits(std::string_view text);

// "0-3,5,7-8" (Cpus_allowed_list, /sys/devices/system/cpu/online) -> sorted CPU numbers.
std::vector<int> parse_cpu_list(std::string_view text);

// /etc/passwd -> (uid, name), for host-mode username lookups.
std::vector<std::pair<int64_t, std::string>> parse_passwd(std::string_view text);

// The psutil status name for a stat state letter ("sleeping", "zombie", ...; "?" unknown).
const char* status_name(char state);

}  // namespace hp::proc

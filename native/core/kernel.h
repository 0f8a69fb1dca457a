// Kernel facts node_exporter reports through small collectors: the NTP clock state
// (adjtimex(2), `timex`), the hung task count (`kernel_hung`), SELinux modes (`selinux`),
// scheduler statistics (/proc/schedstat, `schedstat`), isolated CPUs and thermal throttle
// counts (`cpu`). Pure parsers (parse_*) take the file contents; readers (read_*) do the
// I/O under a Roots.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "roots.h"

namespace hp {

// adjtimex(2) with modes 0: the kernel clock discipline's state, fields as the kernel keeps
// them (offset and jitter in ns when status has STA_NANO, else us; freq, ppsfreq and stabil
// in ppm with a 16-bit fraction; maxerror, esterror and tick in us).
struct Timex {
  int state = 0;  // the return value: TIME_OK .. TIME_ERROR (5)
  int64_t offset = 0, freq = 0, maxerror = 0, esterror = 0, constant = 0, precision = 0, tolerance = 0, tick = 0,
          ppsfreq = 0, jitter = 0, stabil = 0, jitcnt = 0, calcnt = 0, errcnt = 0, stbcnt = 0;
  int status = 0, shift = 0, tai = 0;
};

// SELinux as node_exporter's selinux library sees it. Modes: 1 enforcing, 0 permissive,
// -1 disabled (or unreadable).
struct Selinux {
  bool enabled = false;
  int current_mode = -1;  // <sysfs>/fs/selinux/enforce
  int config_mode = -1;   // SELINUX= of <rootfs>/etc/selinux/config
};

// One cpuN line of /proc/schedstat: fields 7, 8 and 9 (ns running, ns waiting, timeslices).
struct SchedstatCpu {
  std::string cpu;
  uint64_t running_ns = 0, waiting_ns = 0, timeslices = 0;
};

// thermal_throttle counts, read once per package and once per (package, core).
struct PackageThrottle {
  uint64_t package = 0, count = 0;
};
struct CoreThrottle {
  uint64_t package = 0, core = 0, count = 0;
};
struct Throttles {
  std::vector<PackageThrottle> packages;
  std::vector<CoreThrottle> cores;
};

// One processor of /proc/cpuinfo, the fields of node_exporter's node_cpu_info (x86 names;
// "" when the kernel does not print the field).
struct CpuInfoEntry {
  uint32_t processor = 0;
  std::string vendor_id, cpu_family, model, model_name, stepping, microcode, cache_size, physical_id, core_id;
  std::vector<std::string> flags, bugs;
};

// --- pure parsers -------------------------------------------------------------------

std::vector<SchedstatCpu> parse_schedstat(std::string_view text, const std::string& path = "/proc/schedstat");
// The SELINUX= value of an /etc/selinux/config: 1 enforcing, 0 permissive, -1 otherwise.
int parse_selinux_config_mode(std::string_view text);
// "1" enforcing, "0" permissive; anything else throws a ParseError naming the path.
int parse_selinux_enforce(std::string_view text, const std::string& path);
// /proc/cpuinfo's processor blocks as procfs's x86 parser reads them (`key : value` lines;
// `vendor` or `vendor_id`, `flags` and `bugs` split on whitespace). ParseError when the first
// line is not `processor : N`.
// The ten vectors of /proc/stat's `softirq` line (hi, timer, net_tx, net_rx, block,
// block_iopoll, tasklet, sched, hrtimer, rcu); nullopt without the line, ParseError when it
// has fewer than the total and ten numbers.
std::optional<std::vector<uint64_t>> parse_stat_softirq_vectors(std::string_view stat,
                                                                const std::string& path = "/proc/stat");
std::vector<CpuInfoEntry> parse_cpuinfo_entries(std::string_view text, const std::string& path = "/proc/cpuinfo");

// --- readers ------------------------------------------------------------------------

// adjtimex(2) with modes 0 (reads only; the host's clock whatever the roots).
// AccessDenied when a seccomp profile or LSM forbids the call.
Timex read_timex();
// <procfs>/sys/kernel/hung_task_detect_count; nullopt when absent (kernels before 6.11,
// or without CONFIG_DETECT_HUNG_TASK).
std::optional<uint64_t> read_kernel_hung(const Roots& r);
// <sysfs>/fs/selinux and <rootfs>/etc/selinux/config.
Selinux read_selinux(const Roots& r);
// <procfs>/stat's softirq vectors (the file is required).
std::optional<std::vector<uint64_t>> read_stat_softirq_vectors(const Roots& r);
// <procfs>/cpuinfo (required).
std::vector<CpuInfoEntry> read_cpuinfo_entries(const Roots& r);
// <procfs>/schedstat; nullopt when absent (CONFIG_SCHEDSTATS off).
std::optional<std::vector<SchedstatCpu>> read_schedstat(const Roots& r);
// <sysfs>/devices/system/cpu/isolated; nullopt when absent.
std::optional<std::vector<int>> read_isolated_cpus(const Roots& r);
// <sysfs>/devices/system/cpu/cpu[0-9]*/{topology,thermal_throttle}; a CPU without topology
// or a counter is skipped (as node_exporter does), sorted by package then core. Empty
// when <sysfs>/devices/system/cpu is absent.
Throttles read_throttles(const Roots& r);

}  // namespace hp

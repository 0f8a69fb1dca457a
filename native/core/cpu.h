// CPU accounting: /proc/stat times and counters, CPU counts, cpufreq, load average.
// Pure parsers (parse_*) take the file text; readers (read_*) do the I/O under a Roots.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "roots.h"

namespace hp {

// Seconds spent in each mode (ticks / USER_HZ). Fields the kernel does not report
// (old kernels print fewer columns) are 0, as in psutil.
struct CpuTimes {
  double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0, guest = 0,
         guest_nice = 0;
};

// One "cpuN" line. Offline CPUs have no line, so `cpu` is not always the index.
struct CpuTimesEntry {
  int cpu = 0;
  CpuTimes times;
};

// The counter lines of /proc/stat.
struct CpuStats {
  uint64_t ctx_switches = 0;     // ctxt
  uint64_t interrupts = 0;       // intr (first number: the total)
  uint64_t soft_interrupts = 0;  // softirq (first number); 0 on kernels < 2.6.31 without the line
  uint64_t forks = 0;            // processes
  uint64_t procs_running = 0;    // procs_running
  uint64_t procs_blocked = 0;    // procs_blocked
};

// One CPU's frequency in MHz, psutil's cpu_freq(percpu=True) entry.
struct CpuFreq {
  int cpu = 0;
  double current = 0, min = 0, max = 0;
};

// Raw cpufreq sysfs attributes of one CPU, for node_exporter's cpufreq metrics (kHz).
struct CpuFreqInfo {
  int cpu = 0;
  std::optional<uint64_t> cpuinfo_cur_khz, cpuinfo_min_khz, cpuinfo_max_khz, cpuinfo_avg_khz;
  std::optional<uint64_t> scaling_cur_khz, scaling_min_khz, scaling_max_khz;
  std::optional<std::string> governor, driver;
  std::vector<std::string> available_governors;
};

// A "cpu MHz" (x86), "clock" (ppc) or "cpu MHz dynamic" (s390x) value of /proc/cpuinfo,
// with the "processor" number of its section when the section has one.
struct CpuinfoMhz {
  std::optional<int> processor;
  double mhz = 0;
};

// sysconf(_SC_CLK_TCK), USER_HZ (cached).
long clock_ticks();

// Reads a file the kernel generates in one piece -- a single_open procfs file (stat,
// meminfo, loadavg, uptime, pressure/*), a /proc/sys value or a sysfs attribute -- with
// one open, one read and one close: for such files a read shorter than the buffer is the
// whole file, so the read that would only return EOF is skipped (it costs as much as the
// open on a loaded VM). `buf` is reused across calls and only grows. Not for files
// generated record by record (vmstat, cpuinfo, zoneinfo), whose reads can stop short.
// nullopt when the file does not exist (ENOENT/ENODEV/ENXIO); throws hp::Error otherwise.
std::optional<std::string_view> read_one_shot(const std::string& path, std::string& buf);
// read_one_shot into a per-thread buffer, throwing NotFound when the file is missing.
// The view is valid until the next call on the same thread.
std::string_view read_one_shot(const std::string& path);
// A sysfs attribute's first line, trimmed; nullopt when missing or unreadable (like
// read_attr, with one read instead of two).
std::optional<std::string_view> read_attr_one_shot(const std::string& path, std::string& buf);

// --- pure parsers -------------------------------------------------------------------

// The system-wide "cpu" line (the first line of /proc/stat).
CpuTimes parse_cpu_times(std::string_view stat, long clk_tck, const std::string& path = "/proc/stat");
// Every "cpuN" line, in file order.
std::vector<CpuTimesEntry> parse_per_cpu_times(std::string_view stat, long clk_tck,
                                               const std::string& path = "/proc/stat");
// One "cpu..." line (name included). Throws Parse on fewer than 4 values or non-numbers.
CpuTimes parse_cpu_line(std::string_view line, long clk_tck, const std::string& path);
CpuStats parse_cpu_stats(std::string_view stat, const std::string& path = "/proc/stat");
// btime, in seconds since the epoch. Throws Parse when the line is missing.
double parse_boot_time(std::string_view stat, const std::string& path = "/proc/stat");
// A kernel CPU list ("0-3,8,10-11"). Throws Parse on a malformed list.
std::vector<int> parse_cpu_list(std::string_view list, const std::string& path = {});
// Number of CPUs in a kernel CPU list, without building it. Throws Parse like parse_cpu_list.
int count_cpu_list(std::string_view list, const std::string& path = {});
// Number of "processor" lines of /proc/cpuinfo.
int count_cpuinfo_processors(std::string_view cpuinfo);
// Number of "cpuN" lines of /proc/stat.
int count_stat_cpus(std::string_view stat);
// Sum of "cpu cores" over distinct "physical id"s of /proc/cpuinfo (psutil's fallback).
int cpuinfo_cores(std::string_view cpuinfo);
std::vector<CpuinfoMhz> parse_cpuinfo_mhz(std::string_view cpuinfo, const std::string& path = "/proc/cpuinfo");
// The three load averages of /proc/loadavg.
std::array<double, 3> parse_loadavg(std::string_view text, const std::string& path = "/proc/loadavg");

// --- readers ------------------------------------------------------------------------

// `clk_tck` divides the tick counts: USER_HZ gives seconds, 1 gives raw ticks.
CpuTimes read_cpu_times(const Roots& r, long clk_tck = clock_ticks());
std::vector<CpuTimesEntry> read_per_cpu_times(const Roots& r, long clk_tck = clock_ticks());
// Online CPUs: <sysfs>/devices/system/cpu/online, else "processor" lines of cpuinfo,
// else "cpuN" lines of stat. nullopt when all three give nothing.
std::optional<int> read_cpu_count_logical(const Roots& r);
// Physical cores: distinct core_cpus_list (else thread_siblings_list) strings, else the
// cpuinfo "physical id"/"cpu cores" sum. nullopt when unknown.
std::optional<int> read_cpu_count_cores(const Roots& r);
CpuStats read_cpu_stats(const Roots& r);
// psutil's cpu_freq(percpu=True) on Linux: cpufreq policies (affected_cpus), the cpuinfo
// "cpu MHz" shortcut, offline CPUs skipped; cpuinfo only (min=max=0) without cpufreq.
std::vector<CpuFreq> read_cpu_freq(const Roots& r);
std::vector<CpuFreqInfo> read_cpu_freq_info(const Roots& r);
// <procfs>/loadavg; for the reader's own /proc, sysinfo(2) (same values, full precision).
std::array<double, 3> read_loadavg(const Roots& r);
// The reader's own load averages from sysinfo(2) (what glibc's getloadavg returns).
std::array<double, 3> read_own_loadavg();
double read_boot_time(const Roots& r);

}  // namespace hp

// System memory: /proc/meminfo, /proc/vmstat and /proc/zoneinfo, with psutil's formulas.
// Pure parsers (parse_*) take the file text; readers (read_*) do the I/O under a Roots.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "roots.h"

namespace hp {

// One /proc/meminfo line. `value` is in bytes for "kB" lines (kB x 1024), and the bare
// count for lines without a unit (HugePages_Total, ...). `name` points into the text.
struct MeminfoEntry {
  std::string_view name;
  uint64_t value = 0;
  bool bytes = false;
};

// One /proc/vmstat line; `name` points into the text.
struct VmstatEntry {
  std::string_view name;
  uint64_t value = 0;
};

// psutil's virtual_memory(), bytes (percent in %).
struct VirtualMemory {
  uint64_t total = 0, available = 0;
  double percent = 0;
  uint64_t used = 0, free = 0, active = 0, inactive = 0, buffers = 0, cached = 0, shared = 0, slab = 0;
};

// psutil's swap_memory(), bytes (percent in %).
struct SwapMemory {
  uint64_t total = 0, used = 0, free = 0;
  double percent = 0;
  uint64_t sin = 0, sout = 0;
};

// sysconf(_SC_PAGESIZE) (cached).
uint64_t page_size();

// Python's round(x, 1): correctly rounded, ties to even.
double round_percent(double x);

// --- pure parsers -------------------------------------------------------------------

// Every line, in file order. Splits on the first ':' (some lines have no space after
// it, psutil gh#2809). Blank lines are skipped; a line without ':', with a non-number
// value or with a unit other than "kB" is a Parse error naming `path`.
std::vector<MeminfoEntry> parse_meminfo(std::string_view text, const std::string& path = "/proc/meminfo");
// Every "name value" line. Malformed lines are a Parse error naming `path`.
std::vector<VmstatEntry> parse_vmstat(std::string_view text, const std::string& path = "/proc/vmstat");
// Sum of the "low" watermarks of every zone, in pages.
uint64_t parse_zoneinfo_low_watermarks(std::string_view text, const std::string& path = "/proc/zoneinfo");

// The kernel's MemAvailable estimate (commit 34e431b0ae39) for kernels that lack the
// field or report 0: free - low + pagecache - min(pagecache/2, low) + SReclaimable
// - min(SReclaimable/2, low). `low_watermark_bytes` is nullopt when zoneinfo is
// unreadable; then, or when a needed meminfo field is missing, MemFree + Cached.
int64_t estimate_available(const std::vector<MeminfoEntry>& meminfo, std::optional<uint64_t> low_watermark_bytes);

// psutil HEAD's virtual_memory() over parsed meminfo. `zoneinfo_low_bytes` is only
// consulted when MemAvailable is missing or 0.
VirtualMemory compute_virtual_memory(const std::vector<MeminfoEntry>& meminfo,
                                     std::optional<uint64_t> zoneinfo_low_bytes,
                                     const std::string& path = "/proc/meminfo");

// --- readers ------------------------------------------------------------------------

VirtualMemory read_virtual_memory(const Roots& r);
// sin/sout are pswpin/pswpout x the real page size (psutil assumes 4 KiB).
SwapMemory read_swap_memory(const Roots& r);

// Owning versions of the parsed files for the binding (names copied).
struct NamedValue {
  std::string name;
  uint64_t value = 0;
};
std::vector<NamedValue> read_meminfo(const Roots& r);
std::vector<NamedValue> read_vmstat(const Roots& r);

// Everything above from one read of meminfo and one of vmstat (the agent's mem collector):
// the summaries and the raw fields agree with each other. A missing vmstat leaves
// has_vmstat false and sin/sout 0.
struct MemoryReadings {
  VirtualMemory virt;
  SwapMemory swap;
  std::vector<NamedValue> meminfo;
  std::vector<NamedValue> vmstat;
  bool has_vmstat = false;
};
MemoryReadings read_memory(const Roots& r);

}  // namespace hp

// /proc/meminfo (and psutil's virtual_memory over it), /proc/vmstat, /proc/zoneinfo.
#include "memory.h"
#include "../fuzz.h"

using namespace hp;

HP_FUZZ_TARGET(meminfo) {
  const std::string path = "/proc/meminfo";
  std::vector<MeminfoEntry> entries;
  if (!fuzz::returns([&] { entries = parse_meminfo(input, path); }, ErrorKind::Parse, &path)) return;
  for (const auto& e : entries) HP_FUZZ_CHECK(fuzz::name_ok(e.name) && fuzz::no_space(e.name));
  for (std::optional<uint64_t> low : {std::optional<uint64_t>{}, std::optional<uint64_t>{4096}}) {
    VirtualMemory vm;
    if (!fuzz::returns([&] { vm = compute_virtual_memory(entries, low, path); }, ErrorKind::Parse, &path)) continue;
    HP_FUZZ_CHECK(fuzz::percent(vm.percent));
    HP_FUZZ_CHECK(vm.available <= vm.total);
    HP_FUZZ_CHECK(vm.used <= vm.total);
  }
}

HP_FUZZ_TARGET(vmstat) {
  const std::string path = "/proc/vmstat";
  std::vector<VmstatEntry> entries;
  if (fuzz::returns([&] { entries = parse_vmstat(input, path); }, ErrorKind::Parse, &path))
    for (const auto& e : entries) HP_FUZZ_CHECK(fuzz::name_ok(e.name) && fuzz::no_space(e.name));
}

HP_FUZZ_TARGET(zoneinfo) {
  const std::string path = "/proc/zoneinfo";
  fuzz::returns([&] { parse_zoneinfo_low_watermarks(input, path); }, ErrorKind::Parse, &path);
}

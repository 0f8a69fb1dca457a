// mountinfo (with its octal escapes), /proc/filesystems, /proc/diskstats and
// /sys/block/<dev>/stat, and udev's /run/udev/data/b<maj>:<min>.
#include "disk.h"
#include "../fuzz.h"
#include "block_info.h"
#include "parse.h"

using namespace hp;
using hp::fuzz::name_ok;
using hp::fuzz::no_nul;

HP_FUZZ_TARGET(mountinfo) {
  const std::string path = "/proc/1/mountinfo";
  std::vector<MountInfo> mounts;
  if (!fuzz::returns([&] { mounts = parse_mountinfo(input, path); }, ErrorKind::Parse, &path)) return;
  for (const auto& m : mounts) {
    HP_FUZZ_CHECK(name_ok(m.mountpoint));
    HP_FUZZ_CHECK(no_nul(m.root) && no_nul(m.source) && no_nul(m.mount_opts) && no_nul(m.super_opts));
    HP_FUZZ_CHECK(name_ok(m.fstype));
    for (const auto& f : m.optional_fields) HP_FUZZ_CHECK(name_ok(f));
    std::string opts = combine_mount_options(m.mount_opts, m.super_opts);
    HP_FUZZ_CHECK(no_nul(opts));
    bool ro = mount_is_readonly(m.mount_opts, m.super_opts);
    (void)ro;
  }
  PartitionFilter all;
  for (const auto& p : build_partitions(mounts, all)) {
    HP_FUZZ_CHECK(name_ok(p.mountpoint));
    HP_FUZZ_CHECK(no_nul(p.device) && name_ok(p.fstype) && no_nul(p.opts));
  }
}

HP_FUZZ_TARGET(octal_escapes) {
  std::string out = unescape_octal(input);
  HP_FUZZ_CHECK(out.size() <= input.size());
  // Only a complete \ooo escape shrinks the text; nothing else changes.
  if (input.find('\\') == std::string_view::npos) HP_FUZZ_CHECK(out == input);
}

HP_FUZZ_TARGET(filesystems) {
  for (const auto& fs : parse_physical_fstypes(input)) {
    HP_FUZZ_CHECK(name_ok(fs));
    HP_FUZZ_CHECK(fuzz::no_space(fs));
  }
}

static void check_io(const DiskIo& d) {
  HP_FUZZ_CHECK(!d.discard_count || d.discard_merged_count);  // the 4.18 columns come together
}

HP_FUZZ_TARGET(diskstats) {
  const std::string path = "/proc/diskstats";
  std::vector<DiskIo> disks;
  if (fuzz::returns([&] { disks = parse_diskstats(input, path); }, ErrorKind::Parse, &path))
    for (const auto& d : disks) {
      HP_FUZZ_CHECK(name_ok(d.name) && fuzz::no_space(d.name));
      check_io(d);
    }
  const std::string stat = "/sys/block/sda/stat";
  DiskIo one;
  if (fuzz::returns([&] { one = parse_block_stat(input, stat); }, ErrorKind::Parse, &stat)) check_io(one);
}

HP_FUZZ_TARGET(udev_data) {
  for (const auto& [k, v] : parse_udev_properties(input)) {
    HP_FUZZ_CHECK(name_ok(k));
    HP_FUZZ_CHECK(k.find('=') == std::string::npos && k.find('\n') == std::string::npos);
    HP_FUZZ_CHECK(v.find('\n') == std::string::npos);
  }
}

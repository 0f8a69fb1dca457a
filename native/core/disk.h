// The disk area of the core: mounted file systems (mountinfo), disk space (statvfs) and
// block-device I/O counters (diskstats), with psutil's Linux semantics and the extra
// fields node_exporter's filesystem and diskstats collectors need.
//
// Pure parsers (parse_*) take the file text and are what the fixture tests feed; the
// readers (read_*) do the I/O under a hp::Roots.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "roots.h"

namespace hp {

// ---------------------------------------------------------------------------------------
// Mounts

// One line of /proc/<pid>/mountinfo (proc(5)), octal escapes (\040 \011 \012 \134) decoded:
//   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
struct MountInfo {
  uint64_t mount_id = 0;
  uint64_t parent_id = 0;
  unsigned major = 0;
  unsigned minor = 0;
  std::string root;                          // the directory of the file system mounted here (bind mounts)
  std::string mountpoint;                    // relative to the reading process's root
  std::string mount_opts;                    // per-mount options ("rw,nosuid,relatime")
  std::vector<std::string> optional_fields;  // "shared:1", "master:2", ...
  std::string fstype;                        // "ext4", "fuse.sshfs", ...
  std::string source;                        // the mount source ("/dev/sda1", "tmpfs", "none", "")
  std::string super_opts;                    // per-superblock options ("rw,errors=remount-ro")
};

// Parses a whole mountinfo text. A malformed line raises a Parse error naming `path` and
// the line number. Fields are separated by single spaces, so an empty source survives.
std::vector<MountInfo> parse_mountinfo(std::string_view text, const std::string& path = "mountinfo");

// The file-system types psutil counts as physical: the lines of /proc/filesystems without
// the "nodev" flag, plus "zfs" (which is listed as nodev).
std::unordered_set<std::string> parse_physical_fstypes(std::string_view text);

// The options string /proc/mounts (and so getmntent, and so psutil) shows for a mount,
// rebuilt from mountinfo's two option fields: rw|ro (ro when either field says ro), the
// superblock flags (sync, dirsync, mand, lazytime), the per-mount flags, then the file
// system's own options.
std::string combine_mount_options(std::string_view mount_opts, std::string_view super_opts);

// node_exporter's node_filesystem_readonly: "ro" among the mount options or the super
// options, or "emergency_ro" among the super options.
bool mount_is_readonly(std::string_view mount_opts, std::string_view super_opts);

struct DiskPartition {
  std::string device;      // mount source; "none" becomes "" (psutil); /dev/root resolved
  std::string mountpoint;  // relative to the host root (the rootfs prefix stripped)
  std::string fstype;
  std::string opts;        // as /proc/mounts shows them (see combine_mount_options)
  std::string super_opts;  // mountinfo's super options, verbatim
  unsigned major = 0;
  unsigned minor = 0;
  bool readonly = false;
};

struct PartitionFilter {
  // psutil's all=False: keep only entries with a device and a physical fstype. nullptr
  // keeps everything (all=True).
  const std::unordered_set<std::string>* physical = nullptr;
  // The rootfs prefix to strip from mount points ("" or "/" for none). Mounts outside the
  // prefix are dropped: they belong to the reader's own mount namespace, not the host's.
  std::string strip_prefix;
  // Resolves "/dev/root" / "rootfs" to the real device from major:minor; may be empty.
  std::function<std::optional<std::string>(unsigned major, unsigned minor)> resolve_root_device;
};

// Pure: mountinfo entries -> partitions, applying the filter.
std::vector<DiskPartition> build_partitions(const std::vector<MountInfo>& mounts, const PartitionFilter& filter);

// Removes `prefix` from `path` when path is prefix itself or below it ("/host/root/boot"
// -> "/boot", "/host/root" -> "/"); nullopt when the path is outside the prefix.
std::optional<std::string> strip_root_prefix(std::string_view path, std::string_view prefix);

// psutil's RootFsDeviceFinder, for the device numbers of one mount: <procfs>/partitions,
// then <sysfs>/dev/block/M:m/uevent DEVNAME, then <sysfs>/class/block/*/dev. The result
// ("/dev/vda1") must exist under the rootfs. nullopt when nothing matches.
std::optional<std::string> find_block_device(const Roots& roots, unsigned major, unsigned minor);

// psutil.disk_partitions(all). Reads <procfs>/self/mountinfo, or in host mode (procfs is
// not /proc) <procfs>/1/mountinfo whose mount points are already host paths; if that is
// unreadable (hidepid) it falls back to <procfs>/self/mountinfo like node_exporter.
// Mount points read from a self/ view are reported relative to roots.rootfs.
std::vector<DiskPartition> read_partitions(const Roots& roots, bool all);

// ---------------------------------------------------------------------------------------
// Disk usage

// The statvfs(3) numbers the usage is computed from.
struct StatvfsNumbers {
  uint64_t blocks = 0;  // f_blocks, in f_frsize units
  uint64_t bfree = 0;   // f_bfree
  uint64_t bavail = 0;  // f_bavail (free for unprivileged users)
  uint64_t files = 0;   // f_files
  uint64_t ffree = 0;   // f_ffree
  uint64_t frsize = 0;  // f_frsize (f_bsize when 0)
};

struct DiskUsage {
  uint64_t total = 0;        // f_blocks * f_frsize
  uint64_t used = 0;         // (f_blocks - f_bfree) * f_frsize
  uint64_t free = 0;         // f_bavail * f_frsize (psutil's free = df's Avail)
  double percent = 0;        // used / (used + free) * 100, rounded to 1 decimal like Python's round()
  uint64_t avail_bytes = 0;  // = free (node_filesystem_avail_bytes)
  uint64_t free_bytes = 0;   // f_bfree * f_frsize (node_filesystem_free_bytes)
  uint64_t files = 0;        // f_files
  uint64_t files_free = 0;   // f_ffree
};

// Pure: psutil / df formulas over statvfs numbers.
DiskUsage disk_usage_from(const StatvfsNumbers& s);

// Python's round(x, ndigits): correctly rounded, ties to even on the exact binary value.
double python_round(double x, int ndigits);

// The path statvfs runs on for a (host) path: the path itself when rootfs is "/" (so a
// relative path is relative to the working directory, as in psutil), otherwise
// <rootfs>/<path>. Repeated and trailing slashes are removed; nothing touches the disk
// (a realpath could itself hang on a dead mount).
std::string usage_path(const Roots& roots, std::string_view path);

// One blocking statvfs(2). Errors are typed (NotFound, AccessDenied, Io...).
DiskUsage statvfs_usage(const std::string& path);

// ---------------------------------------------------------------------------------------
// I/O counters

// One line of /proc/diskstats. Byte counts are sectors x 512 whatever the device's sector
// size (the kernel's diskstats sectors are always 512 bytes). Times are milliseconds.
struct DiskIo {
  std::string name;
  unsigned major = 0;
  unsigned minor = 0;
  uint64_t read_count = 0;
  uint64_t read_merged_count = 0;
  uint64_t read_bytes = 0;
  uint64_t read_time = 0;
  uint64_t write_count = 0;
  uint64_t write_merged_count = 0;
  uint64_t write_bytes = 0;
  uint64_t write_time = 0;
  uint64_t busy_time = 0;  // io_ticks: ms the device had I/O in flight
  // Absent (nullopt) when the line's layout has no such field.
  std::optional<uint64_t> in_progress;    // I/Os currently in flight (a gauge)
  std::optional<uint64_t> weighted_time;  // ms, weighted by the number in flight
  std::optional<uint64_t> discard_count;  // 4.18+
  std::optional<uint64_t> discard_merged_count;
  std::optional<uint64_t> discard_sectors;  // sectors, not bytes (node_exporter's unit)
  std::optional<uint64_t> discard_time;
  std::optional<uint64_t> flush_count;  // 5.5+
  std::optional<uint64_t> flush_time;
};

// Parses /proc/diskstats in every layout the kernel has used:
//   14 fields  2.6+ disk line: major minor name + 11 stats
//   18 fields  4.18+: + discards completed, merged, sectors, ms
//   20 fields  5.5+: + flushes completed, ms (more fields: a future kernel; extras ignored)
//    7 fields  2.6 before 2.6.25, partition line: reads, read sectors, writes, write sectors
//   15 fields  2.4 (sard patch, /proc/partitions layout): major minor #blocks name + 11 stats
// Any other count, or a non-numeric stat, is a Parse error naming `path` and the line.
std::vector<DiskIo> parse_diskstats(std::string_view text, const std::string& path = "diskstats");

// The same stats from a sysfs <dev>/stat file (11, 15 or 17 fields, no name columns).
DiskIo parse_block_stat(std::string_view text, const std::string& path);

// psutil's is_storage_device(): <sysfs>/block/<name> exists ("/" in a name -> "!").
bool is_storage_device(const Roots& roots, std::string_view name);

// The whole-disk names: the entries of <sysfs>/block with "!" turned back into "/" (one
// readdir instead of one stat per device). Empty when the directory cannot be listed.
std::vector<std::string> list_storage_devices(const Roots& roots);

// Pure: keeps the entries of `all` whose name is in `names` (order kept).
std::vector<DiskIo> keep_storage_devices(std::vector<DiskIo> all, const std::vector<std::string>& names);

// psutil.disk_io_counters(perdisk) before summing: every diskstats line (perdisk), or only
// whole-disk names (!perdisk). Without <procfs>/diskstats it walks <sysfs>/block/*/stat and
// the partitions' stat files, as psutil does.
std::vector<DiskIo> read_disk_io(const Roots& roots, bool perdisk);

}  // namespace hp

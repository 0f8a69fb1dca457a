// Static facts about a block device, as node_exporter's diskstats collector reports them in
// node_disk_info and its udev-derived families: the queue's rotational flag and the
// slaves of a device-mapper device from sysfs, and the device's properties from udev's
// database (<udev data dir>/b<major>:<minor>, the "E:" lines udevadm info prints).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "roots.h"

namespace hp {

using UdevProperties = std::vector<std::pair<std::string, std::string>>;

// The properties ("E:KEY=VALUE" lines) of a udev database entry, in file order. Other
// record types (S: symlinks, I: init time, G:/Q: tags, V: version) are skipped, as are
// lines without '='.
UdevProperties parse_udev_properties(std::string_view text);

struct BlockDeviceInfo {
  // /sys/block/<name>/queue/rotational ("0" or "1"); nullopt for partitions and devices
  // without a queue.
  std::optional<std::string> rotational;
  // nullopt when the device has no udev database entry (or udev_dir is empty).
  std::optional<UdevProperties> udev;
  // /sys/block/<name>/slaves, sorted: the devices under a device-mapper or md device.
  std::vector<std::string> slaves;
};

// Reads the facts of one block device. `udev_dir` is an absolute path ("" skips udev).
// Missing files are not errors; an unreadable udev entry is treated as missing.
BlockDeviceInfo read_block_device_info(const Roots& roots, const std::string& udev_dir, std::string_view name,
                                       unsigned major, unsigned minor);

}  // namespace hp

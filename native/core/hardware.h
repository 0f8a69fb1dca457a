// The hardware area: sysfs device classes (/sys/class/hwmon, thermal, power_supply,
// powercap, ...) read as they are: each entry of a class directory with its attribute files.
// What the files mean (hwmon's temp1_input, power_supply's energy_now, ...) is decided above
// the core, by the library and the collector, so one bounded reader serves every class.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "roots.h"

namespace hp {

// One attribute file: its content (as read, untrimmed), or the errno of its failed open/read.
struct SysAttr {
  std::string name;
  std::optional<std::string> value;
  int err = 0;
};

// One entry of a class directory (hwmon0, BAT0, thermal_zone0, ...).
struct SysClassEntry {
  std::string name;
  // The entry's real path (symlinks resolved); empty when it cannot be resolved.
  std::string real_path;
  // realpath(<entry>/device), when that exists.
  std::optional<std::string> device_real_path;
  // The regular files directly in the entry, sorted by name.
  std::vector<SysAttr> attrs;
  // The regular files in <entry>/device (only when asked for and present), sorted by name.
  std::vector<SysAttr> device_attrs;
};

// The most one attribute read returns: sysfs attributes are one PAGE_SIZE at most, and the
// ones the hardware collectors read are a line. One read(2), as node_exporter does (some
// hwmon drivers answer EAGAIN forever to a read loop).
constexpr size_t kSysAttrReadLimit = 4096;

// `s` with each run of bytes that are not valid UTF-8 replaced by one U+FFFD, as Go's
// strings.ToValidUTF8(s, "\uFFFD") (node_exporter's label values); valid input is returned as is.
std::string to_valid_utf8(std::string_view s);

// Reads one attribute with a single bounded read; returns 0 or the errno. The content is
// made valid UTF-8 (to_valid_utf8).
int read_sys_attr(const std::string& path, std::string& out);

// Lists <sysfs>/<class_rel> and reads every entry that is a directory (or a symlink to one),
// sorted by name. Entries that are not directories are left out. Throws NotFound naming the
// path when the class directory does not exist, other hp::Errors when it cannot be listed.
std::vector<SysClassEntry> read_sys_class(const Roots& roots, std::string_view class_rel, bool with_device);

// The regular files directly in <sysfs>/<dir_rel> (symlinks not followed), sorted by name,
// each read as read_sys_attr does (fibre channel's <host>/statistics). Throws NotFound naming
// the path when the directory does not exist, other hp::Errors when it cannot be listed.
std::vector<SysAttr> read_sys_dir(const Roots& roots, std::string_view dir_rel);

}  // namespace hp

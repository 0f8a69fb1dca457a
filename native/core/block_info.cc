#include "block_info.h"

#include <algorithm>

#include "error.h"
#include "fs.h"
#include "parse.h"

namespace hp {

UdevProperties parse_udev_properties(std::string_view text) {
  UdevProperties out;
  Lines lines(text);
  std::string_view line;
  while (lines.next(line)) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() < 2 || line[0] != 'E' || line[1] != ':') continue;
    line.remove_prefix(2);
    size_t eq = line.find('=');
    // "E:=value" names nothing, and a NUL is no part of a property (fuzzing): skipped like a
    // line without '='.
    if (eq == std::string_view::npos || eq == 0 || line.find('\0') != std::string_view::npos) continue;
    out.emplace_back(std::string(line.substr(0, eq)), std::string(line.substr(eq + 1)));
  }
  return out;
}

BlockDeviceInfo read_block_device_info(const Roots& roots, const std::string& udev_dir, std::string_view name,
                                       unsigned major, unsigned minor) {
  BlockDeviceInfo info;
  const std::string block = roots.sys("block/" + std::string(name));
  info.rotational = read_attr(block + "/queue/rotational");
  const std::string slaves = block + "/slaves";
  if (is_directory(slaves)) {
    try {
      info.slaves = list_dir(slaves);
      std::sort(info.slaves.begin(), info.slaves.end());
    } catch (const Error&) {
      info.slaves.clear();  // vanished or denied between the check and the read
    }
  }
  if (!udev_dir.empty()) {
    const std::string entry = Roots::join(udev_dir, "b" + std::to_string(major) + ":" + std::to_string(minor));
    try {
      if (auto text = read_file_if_exists(entry)) info.udev = parse_udev_properties(*text);
    } catch (const Error&) {
      // Denied or unreadable: the labels stay empty, as node_exporter leaves them.
    }
  }
  return info;
}

}  // namespace hp

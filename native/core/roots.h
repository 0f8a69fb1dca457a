// Where every read is rooted. Tests point these at fixture trees; a container points
// them at the host's /proc, /sys and / mounted under /host.
#pragma once
#include <sys/stat.h>

#include <cerrno>
#include <string>
#include <string_view>

namespace hp {

struct Roots {
  std::string procfs = "/proc";
  std::string sysfs = "/sys";
  std::string rootfs = "/";

  // True when procfs is not the reader's own /proc. Then the namespaced views
  // (<procfs>/net/..., <procfs>/self/mountinfo) would describe the reader, not the
  // host, so they are read through PID 1 instead: <procfs>/1/net/dev, <procfs>/1/mountinfo.
  bool host_mode() const { return procfs != "/proc" && procfs != "/proc/"; }

  std::string proc(std::string_view rel) const { return join(procfs, rel); }
  std::string sys(std::string_view rel) const { return join(sysfs, rel); }
  std::string root(std::string_view rel) const { return join(rootfs, rel); }
  // <procfs>/self/<rel> for the reader's own namespaces, <procfs>/1/<rel> in host mode.
  std::string proc_ns(std::string_view rel) const {
    return join(procfs, std::string(host_mode() ? "1/" : "self/") + std::string(rel));
  }

  // <procfs>/self/net/<rel>, or <procfs>/1/net/<rel> in host mode; there, when <procfs>/1/net
  // does not exist (hidepid hides other users' PIDs, or a fixture tree such as node_exporter's
  // collector/fixtures/proc has none), <procfs>/net/<rel>, the path node_exporter reads.
  std::string proc_net(std::string_view rel) const {
    std::string net = "net/" + std::string(rel);
    if (host_mode()) {
      struct stat st;
      if (::stat(proc("1/net").c_str(), &st) != 0 && errno == ENOENT) return proc(net);
    }
    return proc_ns(net);
  }

  static std::string join(std::string_view base, std::string_view rel) {
    std::string out(base);
    while (out.size() > 1 && out.back() == '/') out.pop_back();
    while (!rel.empty() && rel.front() == '/') rel.remove_prefix(1);
    if (rel.empty()) return out;
    if (out != "/") out.push_back('/');
    out.append(rel);
    return out;
  }
};

}  // namespace hp

#include "net_bonding.h"

#include <cerrno>

#include "error.h"
#include "fs.h"
#include "parse.h"

namespace hp {

bool bonding_mii_up(std::string_view content) { return trim(content) == "up"; }

std::vector<BondingMaster> read_bonding(const Roots& roots) {
  const std::string dir = roots.sys("class/net");
  const std::string masters = read_file(dir + "/bonding_masters");
  std::vector<BondingMaster> out;
  std::string buf;
  for (std::string_view m : fields(masters)) {
    BondingMaster b;
    b.master = std::string(m);
    const std::string master_dir = dir + "/" + b.master;
    const std::string slaves = read_file(master_dir + "/bonding/slaves");
    for (std::string_view s : fields(slaves)) {
      std::string path = master_dir + "/lower_" + std::string(s) + "/bonding_slave/mii_status";
      int err = slurp(path, buf);
      if (err == ENOENT) {
        path = master_dir + "/slave_" + std::string(s) + "/bonding_slave/mii_status";
        err = slurp(path, buf);
      }
      if (err != 0) throw_read_error(err, "read", path);
      ++b.slaves;
      if (bonding_mii_up(buf)) ++b.active;
    }
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace hp

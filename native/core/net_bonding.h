// Linux bonding masters and their slaves' MII state from sysfs, as node_exporter's bonding
// collector reads them: <sysfs>/class/net/bonding_masters, each master's bonding/slaves, and
// each slave's lower_<slave>/bonding_slave/mii_status (slave_<slave>/... on older kernels).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "roots.h"

namespace hp {

struct BondingMaster {
  std::string master;
  uint32_t slaves = 0;  // configured slaves
  uint32_t active = 0;  // slaves whose mii_status is "up"
};

// True when a mii_status file's content (whitespace-trimmed) is "up".
bool bonding_mii_up(std::string_view content);

// Every master of bonding_masters, in the file's order. Throws NotFound naming
// <sysfs>/class/net/bonding_masters when it does not exist (no bonding driver); a missing
// slaves or mii_status file, or any other read error, throws naming that file. Every read is
// bounded (kReadLimit).
std::vector<BondingMaster> read_bonding(const Roots& roots);

}  // namespace hp

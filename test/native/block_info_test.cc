// Block device facts for node_disk_info and the udev families: the "E:" properties of a
// udev database entry, and sysfs rotational/slaves, over test/fixtures/agent-e2e.
#include "block_info.h"

#include <gtest/gtest.h>

#include "support.h"

namespace hp {
namespace {

const std::string kTree = test_support::kFixtures + "/agent-e2e";

Roots tree() {
  Roots r;
  r.procfs = kTree + "/proc";
  r.sysfs = kTree + "/sys";
  r.rootfs = kTree + "/root";
  return r;
}

std::string prop(const UdevProperties& p, const std::string& key) {
  for (const auto& [k, v] : p)
    if (k == key) return v;
  return "<absent>";
}

TEST(ParseUdevProperties, KeepsOnlyPropertyLinesInOrder) {
  UdevProperties p = parse_udev_properties(
      "S:disk/by-id/x\nI:123\nE:ID_MODEL=A B=C\nE:EMPTY=\nE:NOEQUALS\nE:ID_PATH=pci-0\r\nG:systemd\nV:1\nEX:ID_X=1\n");
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p[0], (std::pair<std::string, std::string>{"ID_MODEL", "A B=C"}));  // split on the first '='
  EXPECT_EQ(p[1], (std::pair<std::string, std::string>{"EMPTY", ""}));
  EXPECT_EQ(p[2], (std::pair<std::string, std::string>{"ID_PATH", "pci-0"}));
}

TEST(ParseUdevProperties, EmptyAndTruncatedInput) {
  EXPECT_TRUE(parse_udev_properties("").empty());
  EXPECT_TRUE(parse_udev_properties("E").empty());
  EXPECT_TRUE(parse_udev_properties("E:").empty());
  EXPECT_EQ(parse_udev_properties("E:K=v").size(), 1u);  // no final newline
}

TEST(ReadBlockDeviceInfo, SataDiskWithUdevEntry) {
  BlockDeviceInfo b = read_block_device_info(tree(), kTree + "/root/run/udev/data", "sda", 8, 0);
  EXPECT_EQ(b.rotational, "1");
  ASSERT_TRUE(b.udev.has_value());
  EXPECT_EQ(prop(*b.udev, "ID_MODEL"), "WDC_WD40EFRX-68N32N0");
  EXPECT_EQ(prop(*b.udev, "ID_ATA_ROTATION_RATE_RPM"), "5400");
  EXPECT_TRUE(b.slaves.empty());
}

TEST(ReadBlockDeviceInfo, DeviceMapperSlaves) {
  BlockDeviceInfo b = read_block_device_info(tree(), kTree + "/root/run/udev/data", "dm-0", 252, 0);
  EXPECT_EQ(b.rotational, "0");
  ASSERT_TRUE(b.udev.has_value());
  EXPECT_EQ(prop(*b.udev, "DM_LV_LAYER"), "");
  EXPECT_EQ(b.slaves, std::vector<std::string>{"nvme0n1p1"});
}

TEST(ReadBlockDeviceInfo, MissingPiecesAreNotErrors) {
  // A partition: no /sys/block/<name>, no udev entry.
  BlockDeviceInfo b = read_block_device_info(tree(), kTree + "/root/run/udev/data", "vda1", 254, 1);
  EXPECT_FALSE(b.rotational.has_value());
  EXPECT_FALSE(b.udev.has_value());
  EXPECT_TRUE(b.slaves.empty());
  // No udev directory at all, or udev turned off.
  EXPECT_FALSE(read_block_device_info(tree(), kTree + "/no/such/dir", "sda", 8, 0).udev.has_value());
  EXPECT_FALSE(read_block_device_info(tree(), "", "sda", 8, 0).udev.has_value());
}

}  // namespace
}  // namespace hp

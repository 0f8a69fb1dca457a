// sysfs class reading (hardware.h): entries sorted, symlinked entries followed and resolved,
// only regular files read (a FIFO or a directory in place of an attribute is left out, never
// opened blocking), one bounded read per attribute with its errno kept, a missing class
// directory a NotFound error naming the path; on node_exporter's fixture tree.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "hardware.h"
#include "support.h"

namespace hp {
namespace {

using test_support::expect_error;
namespace fsys = std::filesystem;

const SysAttr* find(const std::vector<SysAttr>& attrs, const std::string& name) {
  for (const auto& a : attrs)
    if (a.name == name) return &a;
  return nullptr;
}

TEST(SysClass, ReadsTheFixtureHwmonTree) {
  Roots r = test_support::fixture("hardware-ne");
  auto rows = read_sys_class(r, "class/hwmon", true);
  ASSERT_GE(rows.size(), 10u);
  EXPECT_EQ(rows[0].name, "hwmon0");
  EXPECT_EQ(rows[2].name, "hwmon10");  // byte order, as Go's ReadDir
  EXPECT_NE(rows[0].real_path.find("/devices/platform/coretemp.0/hwmon/hwmon0"), std::string::npos);
  ASSERT_TRUE(rows[0].device_real_path.has_value());
  const SysAttr* t = find(rows[0].attrs, "temp1_input");
  ASSERT_NE(t, nullptr);
  ASSERT_TRUE(t->value.has_value());
  EXPECT_EQ(*t->value, "55000\n");
  EXPECT_EQ(t->err, 0);
  EXPECT_EQ(find(rows[0].attrs, "device"), nullptr);  // a symlink, not an attribute
}

TEST(SysClass, InvalidUtf8RunsBecomeOneReplacementCharacter) {
  EXPECT_EQ(to_valid_utf8("plain"), "plain");
  EXPECT_EQ(to_valid_utf8("\xC3\xA9t\xC3\xA9"), "\xC3\xA9t\xC3\xA9");  // été stays
  EXPECT_EQ(to_valid_utf8("a\xFF\xFE"
                          "b"),
            "a\xEF\xBF\xBD"
            "b");                                                    // one U+FFFD per run
  EXPECT_EQ(to_valid_utf8("x\xC3"), "x\xEF\xBF\xBD");                // a cut sequence
  EXPECT_EQ(to_valid_utf8("\xED\xA0\x80"), "\xEF\xBF\xBD");          // a surrogate
  EXPECT_EQ(to_valid_utf8("\xC0\xAF"), "\xEF\xBF\xBD");              // overlong
  EXPECT_EQ(to_valid_utf8("\xF0\x9F\x98\x80"), "\xF0\x9F\x98\x80");  // 4 bytes
}

TEST(SysClass, MissingClassIsNotFoundNamingThePath) {
  Roots r = test_support::fixture("hardware-ne");
  expect_error([&] { read_sys_class(r, "class/nope", false); }, ErrorKind::NotFound, "class/nope");
}

TEST(SysClass, NonRegularFilesAreLeftOutAndBoundedReads) {
  char tmpl[] = "/tmp/hp-hw-test-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  fsys::create_directories(dir + "/class/x/a0/sub");
  ASSERT_EQ(::mkfifo((dir + "/class/x/a0/fifo").c_str(), 0600), 0);
  { std::ofstream(dir + "/class/x/a0/big") << std::string(3 * kSysAttrReadLimit, 'x'); }
  { std::ofstream(dir + "/class/x/a0/name") << "chip\n"; }
  { std::ofstream(dir + "/class/x/notadir") << "1\n"; }
  Roots r;
  r.sysfs = dir;
  auto rows = read_sys_class(r, "class/x", false);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].name, "a0");
  ASSERT_EQ(rows[0].attrs.size(), 2u);
  EXPECT_EQ(rows[0].attrs[0].name, "big");
  EXPECT_EQ(rows[0].attrs[0].value->size(), kSysAttrReadLimit);
  EXPECT_EQ(rows[0].attrs[1].name, "name");
  EXPECT_EQ(*rows[0].attrs[1].value, "chip\n");
  EXPECT_FALSE(rows[0].device_real_path.has_value());
  fsys::remove_all(dir);
}

}  // namespace
}  // namespace hp

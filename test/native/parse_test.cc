#include "parse.h"

#include <gtest/gtest.h>

#include "error.h"
#include "fs.h"
#include "roots.h"

namespace hp {
namespace {

TEST(Parse, FieldsSplitsOnWhitespaceRuns) {
  auto f = fields("  cpu0  1 2\t3\n");
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[0], "cpu0");
  EXPECT_EQ(f[3], "3");
  EXPECT_TRUE(fields("   ").empty());
}

TEST(Parse, SplitKeepsEmptyFields) {
  auto f = split("a::b", ':');
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[1], "");
}

TEST(Parse, IntegersRejectGarbage) {
  EXPECT_EQ(to_u64("123"), 123u);
  EXPECT_EQ(to_u64(" 18446744073709551615 "), UINT64_MAX);
  EXPECT_FALSE(to_u64("12x").has_value());
  EXPECT_FALSE(to_u64("").has_value());
  EXPECT_FALSE(to_u64("-1").has_value());
  EXPECT_EQ(to_i64("-5"), -5);
  EXPECT_EQ(to_u64("0A", 16), 10u);
  EXPECT_DOUBLE_EQ(*to_double("2399.998"), 2399.998);
}

TEST(Parse, KeyValue) {
  auto kv = split_key_value("MemTotal:       16318576 kB");
  ASSERT_TRUE(kv);
  EXPECT_EQ(kv->key, "MemTotal");
  EXPECT_EQ(kv->value, "16318576 kB");
  EXPECT_FALSE(split_key_value("no separator"));
}

TEST(Parse, LinesWithoutTrailingNewline) {
  Lines lines("a\nb");
  std::string_view l;
  ASSERT_TRUE(lines.next(l));
  EXPECT_EQ(l, "a");
  ASSERT_TRUE(lines.next(l));
  EXPECT_EQ(l, "b");
  EXPECT_FALSE(lines.next(l));
}

TEST(Parse, UnescapeOctal) {
  EXPECT_EQ(unescape_octal("/mnt/my\\040disk"), "/mnt/my disk");
  EXPECT_EQ(unescape_octal("tab\\011x\\134"), "tab\tx\\");
  EXPECT_EQ(unescape_octal("trailing\\04"), "trailing\\04");
}

TEST(Roots, JoinAndHostMode) {
  Roots r;
  EXPECT_EQ(r.proc("stat"), "/proc/stat");
  EXPECT_EQ(r.proc_ns("net/dev"), "/proc/self/net/dev");
  EXPECT_FALSE(r.host_mode());
  r.procfs = "/host/proc/";
  EXPECT_TRUE(r.host_mode());
  EXPECT_EQ(r.proc("/stat"), "/host/proc/stat");
  EXPECT_EQ(r.proc_ns("mountinfo"), "/host/proc/1/mountinfo");
  EXPECT_EQ(Roots::join("/", "etc/mtab"), "/etc/mtab");
}

TEST(Roots, ProcNetFallsBackToProcNetWithoutPid1) {
  Roots r;
  EXPECT_EQ(r.proc_net("dev"), "/proc/self/net/dev");
  // Host mode through PID 1 when <procfs>/1/net exists...
  r.procfs = "/proc/./";
  EXPECT_TRUE(r.host_mode());
  EXPECT_EQ(r.proc_net("snmp"), "/proc/./1/net/snmp");
  // ...and <procfs>/net (node_exporter's path) when it does not.
  r.procfs = "/nonexistent/hostprobe/proc";
  EXPECT_EQ(r.proc_net("snmp"), "/nonexistent/hostprobe/proc/net/snmp");
}

TEST(Fs, ReadFileErrorsAreTyped) {
  try {
    read_file("/nonexistent/hostprobe");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::NotFound);
    EXPECT_EQ(e.path(), "/nonexistent/hostprobe");
    EXPECT_EQ(e.err(), ENOENT);
  }
  EXPECT_FALSE(read_file_if_exists("/nonexistent/hostprobe").has_value());
  EXPECT_FALSE(read_file("/proc/self/stat").empty());
  EXPECT_GT(read_file("/proc/self/maps").size(), 0u);
}

}  // namespace
}  // namespace hp

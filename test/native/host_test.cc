#include "host.h"

#include <gtest/gtest.h>
#include <sys/utsname.h>
#include <utmp.h>

#include <cstddef>
#include <cstring>
#include <string>

#include "error.h"
#include "fs.h"
#include "roots.h"

#include "support.h"

namespace hp {
namespace {

using test_support::expect_error;
using test_support::fixture;
using test_support::kFixtures;

// The parser's fixed offsets must be glibc's struct utmp on this build.
TEST(HostUtmp, LayoutMatchesGlibc) {
  static_assert(sizeof(struct utmp) == kUtmpRecordSize);
  EXPECT_EQ(offsetof(struct utmp, ut_pid), 4u);
  EXPECT_EQ(offsetof(struct utmp, ut_line), 8u);
  EXPECT_EQ(offsetof(struct utmp, ut_user), 44u);
  EXPECT_EQ(offsetof(struct utmp, ut_host), 76u);
  EXPECT_EQ(offsetof(struct utmp, ut_tv), 340u);
  EXPECT_EQ(USER_PROCESS, kUtmpUserProcess);
}

TEST(HostUtmp, ParsesRecordsBuiltWithGlibcsStruct) {
  struct utmp recs[3];
  std::memset(recs, 0, sizeof recs);
  recs[0].ut_type = BOOT_TIME;
  recs[1].ut_type = USER_PROCESS;
  recs[1].ut_pid = 1234;
  std::strcpy(recs[1].ut_user, "zed");
  std::strcpy(recs[1].ut_line, "pts/3");
  std::strcpy(recs[1].ut_host, "example.org");
  recs[1].ut_tv.tv_sec = 1650000000;
  recs[2].ut_type = DEAD_PROCESS;
  auto users = parse_utmp(std::string_view(reinterpret_cast<const char*>(recs), sizeof recs));
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0].name, "zed");
  EXPECT_EQ(users[0].terminal, "pts/3");
  EXPECT_EQ(users[0].host, "example.org");
  EXPECT_DOUBLE_EQ(users[0].started, 1650000000);
  EXPECT_EQ(users[0].pid, 1234);
  EXPECT_TRUE(parse_utmp("").empty());
  EXPECT_TRUE(parse_utmp(std::string(100, '\7')).empty());  // shorter than one record
}

TEST(HostUtmp, FixtureFile) {
  auto users = read_users(fixture("host-utmp"));
  ASSERT_EQ(users.size(), 4u);  // boot, run level, login and dead records are skipped
  EXPECT_EQ(users[0].name, "alice");
  EXPECT_EQ(users[0].terminal, "pts/0");
  EXPECT_EQ(users[0].host, "203.0.113.5");
  EXPECT_DOUBLE_EQ(users[0].started, 1700000100);
  EXPECT_EQ(users[0].pid, 4242);
  EXPECT_EQ(users[1].host, "localhost");  // empty host
  EXPECT_EQ(users[2].host, "localhost");  // ":0"
  EXPECT_EQ(users[2].terminal, ":0");
  // fields that fill their arrays have no NUL: bounded by their size
  EXPECT_EQ(users[3].name, std::string(32, 'u'));
  EXPECT_EQ(users[3].host, std::string(250, 'h') + ".local");
  EXPECT_FALSE(users[3].terminal.has_value());

  auto var = read_users(fixture("host-varrun"));  // only <rootfs>/var/run/utmp
  ASSERT_EQ(var.size(), 1u);
  EXPECT_EQ(var[0].name, "root");
  EXPECT_EQ(var[0].pid, 31337);
  EXPECT_TRUE(read_users(fixture("host-empty")).empty());  // no utmp at all
}

TEST(HostOsRelease, ShellQuoting) {
  EXPECT_EQ(unquote_shell_value("\"a b\""), "a b");
  EXPECT_EQ(unquote_shell_value("'a \"b\" \\n'"), "a \"b\" \\n");
  EXPECT_EQ(unquote_shell_value("abc\\ def"), "abc def");
  EXPECT_EQ(unquote_shell_value("\"x \\\"y\\\" \\$z \\\\ \\q\""), "x \"y\" $z \\ \\q");
  EXPECT_EQ(unquote_shell_value("\"\""), "");
}

TEST(HostOsRelease, FixtureWithEveryQuotingStyle) {
  OsRelease o = read_os_release(fixture("host-osrel"));
  EXPECT_EQ(o.name, "Fedora Linux");
  EXPECT_EQ(o.id, "fedora");
  EXPECT_EQ(o.id_like, "rhel centos");
  EXPECT_EQ(o.version, "39 (Container Image)");
  EXPECT_EQ(o.version_id, "39");
  EXPECT_EQ(o.version_codename, "");
  EXPECT_EQ(o.pretty_name, "Fedora Linux 39 (Container \"Image\") $5 \\ \\x");
  EXPECT_EQ(o.variant, "Container Image");
  EXPECT_EQ(o.variant_id, "container");
  EXPECT_EQ(o.build_id, "abc def");
  EXPECT_EQ(o.image_id, "img");
  EXPECT_EQ(o.image_version, "1.2.3");
  EXPECT_NE(o.path.find("host-osrel/rootfs/etc/os-release"), std::string::npos);
}

TEST(HostOsRelease, FallbacksAndRootedSymlinks) {
  OsRelease d = read_os_release(fixture("host-osrel-usrlib"));
  EXPECT_EQ(d.id, "debian");
  EXPECT_EQ(d.version_codename, "bookworm");
  EXPECT_FALSE(d.build_id.has_value());
  // etc/os-release -> /usr/lib/os-release (absolute) resolves inside the root.
  OsRelease a = read_os_release(fixture("host-osrel-abslink"));
  EXPECT_EQ(a.id, "alpine");
  EXPECT_EQ(a.version_id, "3.19.1");
  expect_error([] { read_os_release(fixture("host-empty")); }, ErrorKind::NotFound, "os-release");
}

TEST(HostProc, SmallFiles) {
  Roots r = fixture("host-proc");
  FileNr f = read_file_nr(r);
  EXPECT_EQ(f.allocated, 4128u);
  EXPECT_EQ(f.unused, 0u);
  EXPECT_EQ(f.maximum, 9223372036854775807u);
  EXPECT_EQ(read_entropy_avail(r), 256u);
  EXPECT_EQ(read_entropy_pool_size(r), 256u);
  auto c = read_clock_source(r);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->current, "tsc");
  EXPECT_EQ(c->available, (std::vector<std::string>{"tsc", "hpet", "acpi_pm"}));
  HostInfo h = read_host_info(r);
  EXPECT_DOUBLE_EQ(h.boot_time, 1712345678);
  EXPECT_DOUBLE_EQ(h.uptime, 12345.67);
  EXPECT_FALSE(h.uname.sysname.empty());

  expect_error([] { read_file_nr(fixture("host-badpsi")); }, ErrorKind::Parse, "file-nr");
  expect_error([] { read_entropy_avail(fixture("host-empty")); }, ErrorKind::NotFound, "entropy_avail");
  EXPECT_FALSE(read_entropy_pool_size(fixture("host-empty")).has_value());
  EXPECT_FALSE(read_clock_source(fixture("host-empty")).has_value());
}

TEST(HostPressure, Lines) {
  PsiResource p = parse_psi("some avg10=1.23 avg60=0.45 avg300=0.06 total=14356112\n");
  ASSERT_TRUE(p.some);
  EXPECT_FALSE(p.full);
  EXPECT_DOUBLE_EQ(p.some->avg10, 1.23);
  EXPECT_DOUBLE_EQ(p.some->avg300, 0.06);
  EXPECT_EQ(p.some->total_us, 14356112u);
  expect_error([] { parse_psi("some avg10=1 total=2\n", "/p"); }, ErrorKind::Parse, "incomplete");
  expect_error([] { parse_psi("most avg10=1\n", "/p"); }, ErrorKind::Parse, "/p");
}

TEST(HostPressure, Fixtures) {
  auto p = read_pressure(fixture("host-proc"));
  ASSERT_TRUE(p);
  ASSERT_TRUE(p->cpu && p->io && p->memory);
  EXPECT_FALSE(p->irq);
  EXPECT_EQ(p->io->full->total_us, 123456789u);
  EXPECT_DOUBLE_EQ(p->memory->some->avg60, 0.20);

  auto old = read_pressure(fixture("host-oldpsi"));
  ASSERT_TRUE(old);
  EXPECT_FALSE(old->cpu->full);  // before 5.13
  EXPECT_FALSE(old->memory);
  ASSERT_TRUE(old->irq);
  EXPECT_FALSE(old->irq->some);
  EXPECT_EQ(old->irq->full->total_us, 777u);

  EXPECT_FALSE(read_pressure(fixture("host-empty")).has_value());
  expect_error([] { read_pressure(fixture("host-badpsi")); }, ErrorKind::Parse, "host-badpsi/proc/pressure/cpu");
}

TEST(HostUname, MatchesTheSyscall) {
  struct utsname u;
  ASSERT_EQ(::uname(&u), 0);
  Uname n = read_uname();
  EXPECT_EQ(n.sysname, u.sysname);
  EXPECT_EQ(n.release, u.release);
  EXPECT_EQ(n.machine, u.machine);
  EXPECT_EQ(n.domainname, u.domainname);
  std::string joined =
      n.sysname + '\0' + n.nodename + '\0' + n.release + '\0' + n.version + '\0' + n.machine + '\0' + n.domainname;
  EXPECT_EQ(read_uname_joined(), joined);
}

}  // namespace
}  // namespace hp

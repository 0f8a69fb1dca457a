// Bounded, never-blocking reads: a FIFO, socket, device or directory in place of a
// pseudo-file is refused at open (O_NONBLOCK + fstat), a file above its limit is an error
// naming the path and the limit. Every case would hang or allocate without the checks.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "cpu.h"
#include "disk.h"
#include "fs.h"
#include "memory.h"
#include "net.h"
#include "support.h"

namespace hp {
namespace {

using test_support::expect_error;
namespace fsys = std::filesystem;

class FsLimits : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hp-fs-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    fsys::create_directories(dir_ + "/proc/1/net");
    fsys::create_directories(dir_ + "/sys");
    roots_.procfs = dir_ + "/proc";
    roots_.sysfs = dir_ + "/sys";
    roots_.rootfs = dir_;
  }
  void TearDown() override { fsys::remove_all(dir_); }

  std::string fifo(const std::string& rel) {
    std::string p = dir_ + "/" + rel;
    EXPECT_EQ(::mkfifo(p.c_str(), 0600), 0);
    return p;
  }
  std::string socket_file(const std::string& rel) {
    std::string p = dir_ + "/" + rel;
    int s = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::snprintf(a.sun_path, sizeof(a.sun_path), "%s", p.c_str());
    EXPECT_EQ(::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
    ::close(s);
    return p;
  }
  // A sparse regular file of `size` bytes (reads as zeros).
  std::string big(const std::string& rel, off_t size) {
    std::string p = dir_ + "/" + rel;
    int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    EXPECT_GE(fd, 0);
    EXPECT_EQ(::ftruncate(fd, size), 0);
    ::close(fd);
    return p;
  }

  std::string dir_;
  Roots roots_;
};

TEST_F(FsLimits, FifoIsRefusedWithoutBlocking) {
  std::string p = fifo("proc/meminfo");
  expect_error([&] { read_file(p); }, ErrorKind::Io, p + ": not a regular file (a FIFO)");
  // Not "missing": a FIFO where a file should be is an error even for optional reads.
  expect_error([&] { read_file_if_exists(p); }, ErrorKind::Io, "not a regular file (a FIFO)");
  std::string buf;
  expect_error([&] { read_file_into(p, buf); }, ErrorKind::Io, "not a regular file (a FIFO)");
  expect_error([&] { read_attr(p); }, ErrorKind::Io, "not a regular file (a FIFO)");
  // The collectors' own fast paths (per-thread buffers) go through the same check.
  expect_error([&] { read_virtual_memory(roots_); }, ErrorKind::Io, p + ": not a regular file (a FIFO)");
  expect_error([&] { read_meminfo(roots_); }, ErrorKind::Io, p + ": not a regular file (a FIFO)");
}

TEST_F(FsLimits, SocketDeviceAndDirectoryAreRefused) {
  std::string s = socket_file("proc/stat");
  expect_error([&] { read_cpu_stats(roots_); }, ErrorKind::Io, s + ": not a regular file (a socket)");
  expect_error([&] { read_file("/dev/null"); }, ErrorKind::Io, "/dev/null: not a regular file (a character device)");
  fsys::create_directories(dir_ + "/proc/loadavg");
  expect_error([&] { read_loadavg(roots_); }, ErrorKind::Io, "loadavg: not a regular file (a directory)");
  fsys::create_directories(dir_ + "/proc/diskstats");
  expect_error([&] { read_disk_io(roots_, true); }, ErrorKind::Io, "diskstats: not a regular file (a directory)");
}

TEST_F(FsLimits, OversizedFileIsAnErrorNamingTheLimit) {
  std::string p = big("proc/1/net/dev", static_cast<off_t>(kReadLimit) + 4096);
  expect_error([&] { read_file(p); }, ErrorKind::Io, p + ": larger than the read limit of 16 MiB");
  expect_error([&] { read_net_dev(roots_); }, ErrorKind::Io, "larger than the read limit of 16 MiB");
  std::string m = big("proc/meminfo", static_cast<off_t>(kReadLimit) + 4096);
  expect_error([&] { read_meminfo(roots_); }, ErrorKind::Io, m + ": larger than the read limit of 16 MiB");
  // The large limit lets a big socket table through.
  EXPECT_EQ(read_file(p, kLargeReadLimit).size(), kReadLimit + 4096);
  std::string a = big("sys/attr", 128 * 1024);
  expect_error([&] { read_attr(a); }, ErrorKind::Io, "larger than the read limit of 65536 bytes");
}

TEST_F(FsLimits, MissingStaysMissingAndRegularFilesRead) {
  EXPECT_FALSE(read_file_if_exists(dir_ + "/proc/nothing").has_value());
  EXPECT_FALSE(read_attr(dir_ + "/sys/nothing").has_value());
  expect_error([&] { read_file(dir_ + "/proc/nothing"); }, ErrorKind::NotFound, "/proc/nothing");
  std::ofstream(dir_ + "/proc/loadavg") << "0.10 0.20 0.30 1/100 42\n";
  auto l = read_loadavg(roots_);
  EXPECT_DOUBLE_EQ(l[0], 0.10);
  EXPECT_DOUBLE_EQ(l[2], 0.30);
}

}  // namespace
}  // namespace hp

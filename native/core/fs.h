// File-system primitives for the core: RAII fds and whole-file reads sized for /proc
// (whose files report st_size 0), readlink, directory listing. All throw hp::Error.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hp {

// Owns one file descriptor; closes it on scope exit.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Fd& operator=(Fd&& o) noexcept;
  ~Fd();
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() { int f = fd_; fd_ = -1; return f; }

 private:
  int fd_ = -1;
};

// Reads the whole file. Throws hp::Error (NotFound, AccessDenied, Io) naming the path.
std::string read_file(const std::string& path);
// Like read_file, but returns nullopt when the file does not exist (ENOENT/ENODEV/ENXIO).
std::optional<std::string> read_file_if_exists(const std::string& path);
// Reads into `buf` (reused across calls to avoid allocation); returns false on ENOENT/ESRCH.
// Throws on other errors.
bool read_file_into(const std::string& path, std::string& buf);
// First line of a file, trimmed (sysfs attributes). nullopt when missing or unreadable
// (sysfs attributes like speed give EINVAL when the link is down).
std::optional<std::string> read_attr(const std::string& path);
// readlink(2). Throws hp::Error.
std::string read_link(const std::string& path);
// Names in a directory, without "." and "..". Throws hp::Error.
std::vector<std::string> list_dir(const std::string& path);
bool path_exists(const std::string& path);
bool is_directory(const std::string& path);

}  // namespace hp

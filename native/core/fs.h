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
  int release() {
    int f = fd_;
    fd_ = -1;
    return f;
  }

 private:
  int fd_ = -1;
};

// Read limits. Every whole-file read is bounded: a file larger than its limit is an error
// (IoError naming the path and the limit), never a huge heap. The kernel's pseudo-files the
// core reads are a few KiB (meminfo, stat, diskstats) up to hundreds of KiB (/proc/stat with
// thousands of CPUs, mountinfo with thousands of mounts); the socket tables
// (/proc/net/tcp{,6}, udp, unix: ~150 bytes per socket) and a process's smaps/maps/environ
// can be large on a busy host and get kLargeReadLimit.
constexpr size_t kReadLimit = 16u << 20;        // 16 MiB
constexpr size_t kLargeReadLimit = 512u << 20;  // 512 MiB (~3.5 million sockets)

// Error codes of open_for_read/slurp besides errno values (all negative, never an errno):
// the path is not a regular file (procfs and sysfs pseudo-files are regular files; a FIFO,
// socket or device in their place would block a read or have side effects), or it is larger
// than the read limit.
constexpr int kErrFifo = -1001;
constexpr int kErrSocket = -1002;
constexpr int kErrCharDevice = -1003;
constexpr int kErrBlockDevice = -1004;
constexpr int kErrDirectory = -1005;
constexpr int kErrNotRegular = -1006;  // a symlink loop target or any other type
constexpr int kErrTooLarge = -1010;

// Opens `rel` relative to `dirfd` (or an absolute path with AT_FDCWD) for reading without
// ever blocking: O_NONBLOCK (opening a FIFO does not wait for a writer), then fstat, and
// anything but a regular file is refused with one of the kErr codes above. Returns 0 or
// the errno / kErr code.
int open_for_read(int dirfd, const char* rel, Fd& fd);
// Says what a non-errno code means ("not a regular file (a FIFO)", ...); strerror otherwise.
std::string read_error_text(int err, size_t limit = kReadLimit);
// Throws the hp::Error for a failed read of `path`: kErr codes give Io errors naming the
// path (and the limit), errno values go through throw_os_error.
[[noreturn]] void throw_read_error(int err, const std::string& what, const std::string& path,
                                   size_t limit = kReadLimit);

// Reads the whole file. Throws hp::Error (NotFound, AccessDenied, Io) naming the path.
std::string read_file(const std::string& path, size_t limit = kReadLimit);
// Like read_file, but returns nullopt when the file does not exist (ENOENT/ENODEV/ENXIO).
std::optional<std::string> read_file_if_exists(const std::string& path, size_t limit = kReadLimit);
// Reads into `buf` (reused across calls to avoid allocation); returns false on ENOENT/ESRCH.
// Throws on other errors.
bool read_file_into(const std::string& path, std::string& buf, size_t limit = kReadLimit);
// Reads into `out`; returns 0, an errno or a kErr code (never throws).
int slurp(const std::string& path, std::string& out, size_t limit = kReadLimit);
// First line of a file, trimmed (sysfs attributes). nullopt when missing or unreadable
// (sysfs attributes like speed give EINVAL when the link is down). A path that is not a
// regular file, or a file above 64 KiB, throws (a wrong tree, not an absent attribute).
std::optional<std::string> read_attr(const std::string& path);
// readlink(2). Throws hp::Error.
std::string read_link(const std::string& path);
// Names in a directory, without "." and "..". Throws hp::Error.
std::vector<std::string> list_dir(const std::string& path);
bool path_exists(const std::string& path);
bool is_directory(const std::string& path);

}  // namespace hp

#include "fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "error.h"
#include "parse.h"

namespace hp {

Fd& Fd::operator=(Fd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

int open_for_read(int dirfd, const char* rel, Fd& fd) {
  struct stat st;
  fd = Fd(::openat(dirfd, rel, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  if (!fd.valid()) {
    int e = errno;
    // open(2) of a UNIX socket fails with ENXIO, which would read as "missing".
    if (e == ENXIO && ::fstatat(dirfd, rel, &st, 0) == 0 && S_ISSOCK(st.st_mode)) return kErrSocket;
    return e;
  }
  if (::fstat(fd.get(), &st) != 0) {
    int e = errno;
    fd = Fd();
    return e;
  }
  if (S_ISREG(st.st_mode)) return 0;
  fd = Fd();
  if (S_ISFIFO(st.st_mode)) return kErrFifo;
  if (S_ISSOCK(st.st_mode)) return kErrSocket;
  if (S_ISCHR(st.st_mode)) return kErrCharDevice;
  if (S_ISBLK(st.st_mode)) return kErrBlockDevice;
  if (S_ISDIR(st.st_mode)) return kErrDirectory;
  return kErrNotRegular;
}

std::string read_error_text(int err, size_t limit) {
  switch (err) {
    case kErrFifo: return "not a regular file (a FIFO)";
    case kErrSocket: return "not a regular file (a socket)";
    case kErrCharDevice: return "not a regular file (a character device)";
    case kErrBlockDevice: return "not a regular file (a block device)";
    case kErrDirectory: return "not a regular file (a directory)";
    case kErrNotRegular: return "not a regular file";
    case kErrTooLarge: {
      std::string lim =
          limit % (1u << 20) == 0 ? std::to_string(limit >> 20) + " MiB" : std::to_string(limit) + " bytes";
      return "larger than the read limit of " + lim;
    }
    default: return std::strerror(err);
  }
}

void throw_read_error(int err, const std::string& what, const std::string& path, size_t limit) {
  if (err >= 0) throw_os_error(err, what, path);
  throw Error(ErrorKind::Io, what + " " + path + ": " + read_error_text(err, limit), path);
}

int slurp(const std::string& path, std::string& out, size_t limit) {
  out.clear();
  Fd fd;
  if (int err = open_for_read(AT_FDCWD, path.c_str(), fd)) return err;
  // /proc files report size 0; read in 32 KiB chunks (psutil found this the sweet spot).
  constexpr size_t kChunk = 32 * 1024;
  size_t len = 0;
  for (;;) {
    if (out.size() < len + kChunk) out.resize(len + kChunk);
    ssize_t n = ::read(fd.get(), out.data() + len, kChunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      out.clear();
      return e;
    }
    if (n == 0) break;
    len += static_cast<size_t>(n);
    if (len > limit) {
      out.clear();
      return kErrTooLarge;
    }
  }
  out.resize(len);
  return 0;
}

namespace {

bool is_missing(int err) { return err == ENOENT || err == ENODEV || err == ENXIO; }

}  // namespace

std::string read_file(const std::string& path, size_t limit) {
  std::string out;
  if (int err = slurp(path, out, limit)) throw_read_error(err, "cannot read", path, limit);
  return out;
}

std::optional<std::string> read_file_if_exists(const std::string& path, size_t limit) {
  std::string out;
  if (int err = slurp(path, out, limit)) {
    if (is_missing(err)) return std::nullopt;
    throw_read_error(err, "cannot read", path, limit);
  }
  return out;
}

bool read_file_into(const std::string& path, std::string& buf, size_t limit) {
  if (int err = slurp(path, buf, limit)) {
    if (is_missing(err) || err == ESRCH) return false;
    throw_read_error(err, "cannot read", path, limit);
  }
  return true;
}

std::optional<std::string> read_attr(const std::string& path) {
  constexpr size_t kAttrLimit = 64 * 1024;
  std::string out;
  if (int err = slurp(path, out, kAttrLimit)) {
    if (err < 0) throw_read_error(err, "cannot read", path, kAttrLimit);
    return std::nullopt;
  }
  std::string_view v = trim(out);
  return std::string(v);
}

std::string read_link(const std::string& path) {
  std::string buf(256, '\0');
  for (;;) {
    ssize_t n = ::readlink(path.c_str(), buf.data(), buf.size());
    if (n < 0) throw_os_error(errno, "cannot readlink", path);
    if (static_cast<size_t>(n) < buf.size()) {
      buf.resize(static_cast<size_t>(n));
      return buf;
    }
    buf.resize(buf.size() * 2);
  }
}

std::vector<std::string> list_dir(const std::string& path) {
  std::vector<std::string> names;
  DIR* d = ::opendir(path.c_str());
  if (!d) throw_os_error(errno, "cannot list", path);
  struct Closer {
    DIR* d;
    ~Closer() { ::closedir(d); }
  } closer{d};
  errno = 0;
  while (struct dirent* e = ::readdir(d)) {
    std::string_view n(e->d_name);
    if (n == "." || n == "..") continue;
    names.emplace_back(n);
  }
  return names;
}

bool path_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

bool is_directory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace hp

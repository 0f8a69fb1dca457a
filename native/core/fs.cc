#include "fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

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

namespace {

// Returns 0 on success or the errno of the failing call.
int slurp(const std::string& path, std::string& out) {
  out.clear();
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return errno;
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
  }
  out.resize(len);
  return 0;
}

bool is_missing(int err) { return err == ENOENT || err == ENODEV || err == ENXIO; }

}  // namespace

std::string read_file(const std::string& path) {
  std::string out;
  if (int err = slurp(path, out)) throw_os_error(err, "cannot read", path);
  return out;
}

std::optional<std::string> read_file_if_exists(const std::string& path) {
  std::string out;
  if (int err = slurp(path, out)) {
    if (is_missing(err)) return std::nullopt;
    throw_os_error(err, "cannot read", path);
  }
  return out;
}

bool read_file_into(const std::string& path, std::string& buf) {
  if (int err = slurp(path, buf)) {
    if (is_missing(err) || err == ESRCH) return false;
    throw_os_error(err, "cannot read", path);
  }
  return true;
}

std::optional<std::string> read_attr(const std::string& path) {
  std::string out;
  if (slurp(path, out) != 0) return std::nullopt;
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

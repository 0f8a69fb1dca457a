#include "hardware.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "error.h"
#include "fs.h"

namespace hp {

namespace {

std::string real_path_of(const std::string& path) {
  char buf[PATH_MAX];
  if (::realpath(path.c_str(), buf) == nullptr) return {};
  return buf;
}

// The regular files in `dir` (not following symlinks), read one by one.
std::vector<SysAttr> read_attrs(const std::string& dir) {
  std::vector<SysAttr> out;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) throw_os_error(errno, "cannot list", dir);
  struct Closer {
    DIR* d;
    ~Closer() { ::closedir(d); }
  } closer{d};
  std::vector<std::string> names;
  const int dfd = ::dirfd(d);
  while (dirent* e = ::readdir(d)) {
    std::string_view n(e->d_name);
    if (n == "." || n == "..") continue;
    unsigned char type = e->d_type;
    if (type == DT_UNKNOWN) {
      struct stat st {};
      if (::fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
      type = S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
    }
    if (type == DT_REG) names.emplace_back(n);
  }
  std::sort(names.begin(), names.end());
  out.reserve(names.size());
  for (auto& n : names) {
    SysAttr a;
    std::string v;
    a.err = read_sys_attr(dir + "/" + n, v);
    if (a.err == 0) a.value = std::move(v);
    a.name = std::move(n);
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace

namespace {

// Length of the valid UTF-8 sequence at s[i] (1-4), or 0 when the bytes there are not one
// (overlong forms, surrogates and code points above U+10FFFF are invalid, as in Go).
size_t utf8_seq_len(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF)
    n = 2;
  else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (b(i + 1) < lo || b(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k)
    if (b(i + k) < 0x80 || b(i + k) > 0xBF) return 0;
  return n;
}

}  // namespace

std::string to_valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool in_bad_run = false;
  for (size_t i = 0; i < s.size();) {
    const size_t n = utf8_seq_len(s, i);
    if (n == 0) {
      if (!in_bad_run) out.append("\xEF\xBF\xBD");
      in_bad_run = true;
      ++i;
      continue;
    }
    in_bad_run = false;
    out.append(s.data() + i, n);
    i += n;
  }
  return out;
}

int read_sys_attr(const std::string& path, std::string& out) {
  Fd fd;
  int rc = open_for_read(AT_FDCWD, path.c_str(), fd);
  if (rc != 0) return rc < 0 ? EINVAL : rc;
  char buf[kSysAttrReadLimit];
  ssize_t n;
  do {
    n = ::read(fd.get(), buf, sizeof buf);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return errno;
  out = to_valid_utf8(std::string_view(buf, static_cast<size_t>(n)));
  return 0;
}

std::vector<SysAttr> read_sys_dir(const Roots& roots, std::string_view dir_rel) {
  return read_attrs(roots.sys(dir_rel));
}

std::vector<SysClassEntry> read_sys_class(const Roots& roots, std::string_view class_rel, bool with_device) {
  const std::string dir = roots.sys(class_rel);
  std::vector<std::string> names = list_dir(dir);
  std::sort(names.begin(), names.end());
  std::vector<SysClassEntry> out;
  out.reserve(names.size());
  for (auto& n : names) {
    const std::string path = dir + "/" + n;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) continue;  // gone, or a file
    SysClassEntry e;
    e.real_path = real_path_of(path);
    try {
      e.attrs = read_attrs(path);
    } catch (const Error& err) {
      if (err.kind() == ErrorKind::NotFound) continue;  // removed while listing
      throw;
    }
    const std::string dev = path + "/device";
    if (::stat(dev.c_str(), &st) == 0) {
      std::string r = real_path_of(dev);
      if (!r.empty()) e.device_real_path = std::move(r);
      if (with_device && S_ISDIR(st.st_mode)) e.device_attrs = read_attrs(dev);
    }
    e.name = std::move(n);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace hp

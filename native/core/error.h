// Typed errors of the core. They never cross the N-API boundary as C++ exceptions:
// the binding catches hp::Error and turns it into a JS error with kind, errno and path.
#pragma once
#include <cerrno>
#include <stdexcept>
#include <string>

namespace hp {

enum class ErrorKind {
  NoSuchProcess,    // the process is gone (ESRCH, or its /proc dir vanished)
  ZombieProcess,    // the process is a zombie and the data asked for is gone
  AccessDenied,     // EACCES / EPERM
  NotFound,         // a file or device that should exist does not (ENOENT, ENODEV)
  Parse,            // a file had an unexpected format
  Io,               // any other OS error
  Unsupported,      // the kernel or this host does not provide it
  InvalidArgument,  // a caller passed a bad value
  Timeout,          // a wait ran out of time
};

const char* error_kind_name(ErrorKind k);

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string message, std::string path = {}, int err = 0, long pid = -1)
      : std::runtime_error(std::move(message)), kind_(kind), path_(std::move(path)), errno_(err), pid_(pid) {}
  ErrorKind kind() const { return kind_; }
  const std::string& path() const { return path_; }
  int err() const { return errno_; }
  long pid() const { return pid_; }

 private:
  ErrorKind kind_;
  std::string path_;
  int errno_;
  long pid_;
};

// An OS error on `path`, with errno mapped to a kind: ENOENT/ENODEV -> NotFound,
// EACCES/EPERM -> AccessDenied, ESRCH -> NoSuchProcess, else Io.
[[noreturn]] void throw_os_error(int err, const std::string& what, const std::string& path = {});
ErrorKind kind_for_errno(int err);

[[noreturn]] inline void throw_parse_error(const std::string& path, const std::string& what) {
  throw Error(ErrorKind::Parse, (path.empty() ? std::string("parse error") : path) + ": " + what, path);
}

}  // namespace hp

#include "error.h"

#include <cstring>

namespace hp {

const char* error_kind_name(ErrorKind k) {
  switch (k) {
    case ErrorKind::NoSuchProcess: return "NoSuchProcess";
    case ErrorKind::ZombieProcess: return "ZombieProcess";
    case ErrorKind::AccessDenied: return "AccessDenied";
    case ErrorKind::NotFound: return "NotFound";
    case ErrorKind::Parse: return "ParseError";
    case ErrorKind::Io: return "IoError";
    case ErrorKind::Unsupported: return "Unsupported";
    case ErrorKind::InvalidArgument: return "InvalidArgument";
    case ErrorKind::Timeout: return "TimeoutExpired";
  }
  return "IoError";
}

ErrorKind kind_for_errno(int err) {
  switch (err) {
    case ENOENT:
    case ENODEV:
    case ENXIO: return ErrorKind::NotFound;
    case EACCES:
    case EPERM: return ErrorKind::AccessDenied;
    case ESRCH: return ErrorKind::NoSuchProcess;
    case ENOSYS:
    case EOPNOTSUPP: return ErrorKind::Unsupported;
    case EINVAL: return ErrorKind::InvalidArgument;
    default: return ErrorKind::Io;
  }
}

void throw_os_error(int err, const std::string& what, const std::string& path) {
  std::string msg = what;
  if (!path.empty()) msg += " " + path;
  msg += ": ";
  msg += std::strerror(err);
  throw Error(kind_for_errno(err), msg, path, err);
}

}  // namespace hp

#include "platform/system_error.hpp"

#include <cerrno>
#include <cstring>
#include <string>

namespace hvr {

Error ErrnoError(int err, std::string_view what) {
  Code code = Code::kIo;
  switch (err) {
    case ENOENT:
      code = Code::kNotFound;
      break;
    case ENOSPC:
#ifdef EDQUOT
    case EDQUOT:
#endif
      code = Code::kLowDiskSpace;
      break;
    case ENOMEM:
      code = Code::kLowMemory;
      break;
    case EACCES:
    case EPERM:
      code = Code::kAuthFailed;
      break;
    case EEXIST:
      code = Code::kConflict;
      break;
    case EINVAL:
    case EISDIR:
    case ENOTDIR:
    case ENAMETOOLONG:
      code = Code::kInvalidArgument;
      break;
    default:
      break;
  }
  std::string message(what);
  message += ": ";
  message += std::strerror(err);
  return Error(code, std::move(message));
}

Error SystemError(const std::error_code& code, std::string_view what) {
  if (code.category() == std::generic_category()) return ErrnoError(code.value(), what);
  return NativeError(code.value(), what);
}

}  // namespace hvr

#include <cerrno>

#include "platform/system_error.hpp"

namespace hvr {

// POSIX numbers its own errors with errno.
Error NativeError(int value, std::string_view what) { return ErrnoError(value, what); }

Error LastSystemError(std::string_view what) { return ErrnoError(errno, what); }

}  // namespace hvr

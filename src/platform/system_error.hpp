// Errors the operating system reports, as hvr errors: the system's code mapped to an hvr
// code (no space is low disk space, a missing file not found, a file someone else holds a
// conflict...) and a message "what: the system's own words". `what` names the operation
// and the file, so every message says which file failed.
#pragma once

#include <string_view>
#include <system_error>

#include "hvr/error.hpp"

namespace hvr {

// An errno value (the C library's numbering, the same on every platform).
Error ErrnoError(int err, std::string_view what);
// A code from std::filesystem or std::system_error: errno-numbered (generic category) or
// numbered as the system numbers its own errors (system category).
Error SystemError(const std::error_code& code, std::string_view what);
// An error in the system's own numbering: errno on POSIX, a Win32 error code on Windows.
Error NativeError(int value, std::string_view what);
// The error the last failed system call left (errno, or GetLastError()); call it before
// anything else can overwrite that value.
Error LastSystemError(std::string_view what);

}  // namespace hvr

#include <windows.h>

#include "platform/system_error.hpp"
#include "platform/windows/wide_path.hpp"

namespace hvr {
namespace {

Code CodeOf(DWORD value) {
  switch (value) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
    case ERROR_INVALID_DRIVE:
    case ERROR_BAD_NETPATH:
    case ERROR_BAD_NET_NAME:
      return Code::kNotFound;
    case ERROR_DISK_FULL:
    case ERROR_HANDLE_DISK_FULL:
      return Code::kLowDiskSpace;
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY:
    case ERROR_COMMITMENT_LIMIT:
      return Code::kLowMemory;
    case ERROR_ACCESS_DENIED:
    case ERROR_PRIVILEGE_NOT_HELD:
      return Code::kAuthFailed;
    // Someone else holds the file (Hyper-V, another agent): a conflict, not a fault.
    case ERROR_FILE_EXISTS:
    case ERROR_ALREADY_EXISTS:
    case ERROR_SHARING_VIOLATION:
    case ERROR_LOCK_VIOLATION:
    case ERROR_DIR_NOT_EMPTY:
      return Code::kConflict;
    case ERROR_INVALID_PARAMETER:
    case ERROR_INVALID_NAME:
    case ERROR_FILENAME_EXCED_RANGE:
    case ERROR_DIRECTORY:
      return Code::kInvalidArgument;
    default:
      return Code::kIo;
  }
}

// The system's own words for `value`, in English where the system has them, with the
// number so that an error can be looked up whatever the language.
std::string Describe(DWORD value) {
  wchar_t* text = nullptr;
  const DWORD length = ::FormatMessageW(
      FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, nullptr, value,
      MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT), reinterpret_cast<wchar_t*>(&text), 0, nullptr);
  std::string words = length > 0 ? Utf8FromUtf16(std::wstring_view(text, length)) : "";
  ::LocalFree(text);
  while (!words.empty() && (words.back() == '\n' || words.back() == '\r' || words.back() == ' ' ||
                            words.back() == '.')) {
    words.pop_back();
  }
  if (words.empty()) words = "system error";
  return words + " (error " + std::to_string(value) + ")";
}

}  // namespace

Error NativeError(int value, std::string_view what) {
  const DWORD code = static_cast<DWORD>(value);
  std::string message(what);
  message += ": ";
  message += Describe(code);
  return Error(CodeOf(code), std::move(message));
}

Error LastSystemError(std::string_view what) { return NativeError(static_cast<int>(::GetLastError()), what); }

}  // namespace hvr

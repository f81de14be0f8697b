#include "platform/user_folders.hpp"

#include <windows.h>

#include "platform/windows/wide_path.hpp"
#include "util/path.hpp"

namespace hvr {

Result<std::string> UserStateFolder() {
  wchar_t buffer[MAX_PATH + 1];
  const DWORD length = GetEnvironmentVariableW(L"LOCALAPPDATA", buffer, MAX_PATH + 1);
  if (length == 0 || length > MAX_PATH) {
    return Error(Code::kNotFound, "no folder for hvr's own files: LOCALAPPDATA is not set");
  }
  return PathIn(Utf8FromUtf16(std::wstring_view(buffer, length)), "hvr");
}

}  // namespace hvr

#include "platform/os_name.hpp"

#include <windows.h>

namespace hvr {

const char* OperatingSystemName() { return "Windows"; }

// Wine's ntdll says which Wine it is; Windows' has no such export.
bool RunningUnderWine() {
  const HMODULE ntdll = ::GetModuleHandleW(L"ntdll.dll");
  return ntdll != nullptr && ::GetProcAddress(ntdll, "wine_get_version") != nullptr;
}

}  // namespace hvr

#include <windows.h>

#include <string>

#include "platform/pages.hpp"
#include "platform/system_error.hpp"

namespace hvr {

Result<void*> MapPages(size_t size) {
  void* p = ::VirtualAlloc(nullptr, size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
  if (p == nullptr) {
    const Error error = LastSystemError("cannot allocate a " + std::to_string(size) + "-byte buffer");
    return Error(Code::kLowMemory, error.message());
  }
  return p;
}

void UnmapPages(void* pages, size_t) { ::VirtualFree(pages, 0, MEM_RELEASE); }

}  // namespace hvr

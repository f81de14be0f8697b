#include "platform/pages.hpp"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace hvr {

Result<void*> MapPages(size_t size) {
  void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    return Error(Code::kLowMemory,
                 "cannot allocate a " + std::to_string(size) + "-byte buffer: " + std::strerror(errno));
  }
  return p;
}

void UnmapPages(void* pages, size_t size) { ::munmap(pages, size); }

}  // namespace hvr

// Memory taken from the system in whole pages (mmap on POSIX, VirtualAlloc on Windows):
// zero-filled, aligned to a page, costing nothing until first touched, and given back to
// the system when released rather than kept by the allocator.
#pragma once

#include <cstddef>

#include "hvr/error.hpp"

namespace hvr {

// Page-aligned zeroed memory of `size` bytes (a whole number of pages); kLowMemory when
// the system refuses it.
Result<void*> MapPages(size_t size);
// Gives back what MapPages returned, with the same size.
void UnmapPages(void* pages, size_t size);

}  // namespace hvr

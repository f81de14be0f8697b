#include "diff/aligned_buffer.hpp"

#include <string>

namespace hvr {

Result<AlignedBuffer> AlignedBuffer::Allocate(size_t size) {
  // aligned_alloc wants a multiple of the alignment.
  const size_t rounded = (size + kAlignment - 1) / kAlignment * kAlignment;
  void* p = std::aligned_alloc(kAlignment, rounded == 0 ? kAlignment : rounded);
  if (p == nullptr) {
    return Error(Code::kLowMemory, "cannot allocate a " + std::to_string(rounded) + "-byte buffer");
  }
  return AlignedBuffer(static_cast<uint8_t*>(p), size);
}

}  // namespace hvr

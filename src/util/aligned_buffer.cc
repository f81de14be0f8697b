#include "util/aligned_buffer.hpp"

#include <cstdint>
#include <string>
#include <utility>

#include "platform/pages.hpp"

namespace hvr {

Result<AlignedBuffer> AlignedBuffer::Allocate(size_t size) {
  if (size > SIZE_MAX - kAlignment) {
    return Error(Code::kLowMemory, "cannot allocate a " + std::to_string(size) + "-byte buffer");
  }
  // Mappings are whole pages; an empty buffer still maps one, so data() is never null.
  const size_t mapped = size == 0 ? kAlignment : (size + kAlignment - 1) / kAlignment * kAlignment;
  HVR_ASSIGN_OR_RETURN(void* p, MapPages(mapped));
  return AlignedBuffer(static_cast<uint8_t*>(p), size, mapped);
}

AlignedBuffer::AlignedBuffer(AlignedBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      mapped_(std::exchange(other.mapped_, 0)) {}

AlignedBuffer& AlignedBuffer::operator=(AlignedBuffer&& other) noexcept {
  if (this != &other) {
    Release();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    mapped_ = std::exchange(other.mapped_, 0);
  }
  return *this;
}

AlignedBuffer::~AlignedBuffer() { Release(); }

void AlignedBuffer::Release() {
  if (data_ != nullptr) UnmapPages(data_, mapped_);
  data_ = nullptr;
}

}  // namespace hvr

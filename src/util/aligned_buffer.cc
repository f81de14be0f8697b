#include "util/aligned_buffer.hpp"

#include <sys/mman.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

namespace hvr {

Result<AlignedBuffer> AlignedBuffer::Allocate(size_t size) {
  if (size > SIZE_MAX - kAlignment) {
    return Error(Code::kLowMemory, "cannot allocate a " + std::to_string(size) + "-byte buffer");
  }
  // Mappings are whole pages; an empty buffer still maps one, so data() is never null.
  const size_t mapped = size == 0 ? kAlignment : (size + kAlignment - 1) / kAlignment * kAlignment;
  void* p = ::mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    return Error(Code::kLowMemory,
                 "cannot allocate a " + std::to_string(mapped) + "-byte buffer: " + std::strerror(errno));
  }
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
  if (data_ != nullptr) ::munmap(data_, mapped_);
  data_ = nullptr;
}

}  // namespace hvr

// A heap buffer aligned for direct I/O (4096 bytes), so disk readers may read into it
// without bouncing through a copy, whatever their backing store needs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>

#include "hvr/error.hpp"

namespace hvr {

class AlignedBuffer {
 public:
  static constexpr size_t kAlignment = 4096;

  // kLowMemory when the allocation fails.
  static Result<AlignedBuffer> Allocate(size_t size);

  uint8_t* data() { return data_.get(); }
  const uint8_t* data() const { return data_.get(); }
  size_t size() const { return size_; }
  std::span<uint8_t> span() { return {data_.get(), size_}; }

 private:
  struct Free {
    void operator()(uint8_t* p) const { std::free(p); }
  };
  AlignedBuffer(uint8_t* data, size_t size) : data_(data), size_(size) {}
  std::unique_ptr<uint8_t, Free> data_;
  size_t size_ = 0;
};

}  // namespace hvr

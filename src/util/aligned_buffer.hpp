// A large I/O buffer (a disk piece, a page write) aligned for direct I/O (4096 bytes), so
// disk readers may read into it without bouncing through a copy.
//
// Its memory is whole pages from the system (platform/pages.hpp), given back when the
// buffer goes, rather than taken from malloc: glibc keeps freed multi-MiB blocks in the
// arena of the thread that freed them, so a process running many sessions on many
// threads held several times the buffers alive at any moment (463 MiB for 20 VMs whose
// live buffers never exceeded 128 MiB). Such pages also cost nothing until first touched.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "hvr/error.hpp"

namespace hvr {

class AlignedBuffer {
 public:
  static constexpr size_t kAlignment = 4096;

  // Zero-filled. kLowMemory when the system refuses the memory.
  static Result<AlignedBuffer> Allocate(size_t size);

  AlignedBuffer(AlignedBuffer&& other) noexcept;
  AlignedBuffer& operator=(AlignedBuffer&& other) noexcept;
  ~AlignedBuffer();
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  std::span<uint8_t> span() { return {data_, size_}; }

 private:
  AlignedBuffer(uint8_t* data, size_t size, size_t mapped) : data_(data), size_(size), mapped_(mapped) {}
  void Release();

  uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t mapped_ = 0;  // whole pages
};

}  // namespace hvr

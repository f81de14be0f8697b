// Read buffers for a pool of workers: one per worker and role (a source side, a target
// side), allocated on first use and reused for every item the worker takes, so a pass
// over a disk maps its memory once instead of once per piece.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "hvr/error.hpp"
#include "util/aligned_buffer.hpp"

namespace hvr {

class WorkerBuffers {
 public:
  WorkerBuffers(uint64_t size, unsigned workers, unsigned roles)
      : size_(size), roles_(roles), buffers_(static_cast<size_t>(workers) * roles) {}
  // `size` bytes. Workers call this for their own id only.
  Result<std::span<uint8_t>> Get(unsigned worker, unsigned role);

 private:
  uint64_t size_;
  unsigned roles_;
  std::vector<std::optional<AlignedBuffer>> buffers_;
};

}  // namespace hvr

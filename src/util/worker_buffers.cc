#include "util/worker_buffers.hpp"

#include <utility>

namespace hvr {

Result<std::span<uint8_t>> WorkerBuffers::Get(unsigned worker, unsigned role) {
  auto& slot = buffers_.at(static_cast<size_t>(worker) * roles_ + role);
  if (!slot) {
    HVR_ASSIGN_OR_RETURN(AlignedBuffer buffer, AlignedBuffer::Allocate(size_));
    slot.emplace(std::move(buffer));
  }
  return slot->span();
}

}  // namespace hvr

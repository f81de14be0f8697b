#include "hvr/manifest.hpp"

#include <algorithm>
#include <bit>
#include <new>

#include "util/hex.hpp"

namespace hvr {
namespace {

uint64_t ChunkCount(uint64_t disk_size, uint32_t chunk_size) {
  return disk_size / chunk_size + (disk_size % chunk_size != 0 ? 1 : 0);
}

// Allocates `count` entries of `fill`, reporting failure instead of throwing.
Result<std::vector<ChunkHash>> MakeTable(uint64_t count, ChunkHash fill) {
  if (count > std::vector<ChunkHash>().max_size()) {
    return Error(Code::kLowMemory, "a manifest of " + std::to_string(count) + " chunks is too large");
  }
  try {
    return std::vector<ChunkHash>(static_cast<size_t>(count), fill);
  } catch (const std::bad_alloc&) {
    return Error(Code::kLowMemory, "cannot allocate a manifest of " + std::to_string(count) +
                                       " chunks (" + std::to_string(count * sizeof(ChunkHash)) +
                                       " bytes)");
  }
}

}  // namespace

Status ValidateChunkSize(uint64_t chunk_size) {
  if (chunk_size < kMinChunkSize || chunk_size > kMaxChunkSize || !std::has_single_bit(chunk_size)) {
    return Error(Code::kInvalidArgument,
                 "chunk size " + std::to_string(chunk_size) +
                     " is not a power of two from 4096 (4 KiB) to 4194304 (4 MiB)");
  }
  return Ok();
}

std::string ChunkHash::ToString() const { return Hex64(high).substr(2) + Hex64(low).substr(2); }

const char* HashAlgorithmName(HashAlgorithm algorithm) {
  switch (algorithm) {
    case HashAlgorithm::kXxh3_128:
      return "xxh3-128";
  }
  return "unknown";
}

Result<Manifest> Manifest::Zeros(uint64_t disk_size, uint32_t chunk_size) {
  HVR_RETURN_IF_ERROR(ValidateChunkSize(chunk_size));
  HVR_ASSIGN_OR_RETURN(auto hashes, MakeTable(ChunkCount(disk_size, chunk_size), ChunkHash::Zero()));
  return Manifest(disk_size, chunk_size, std::move(hashes));
}

Result<Manifest> Manifest::FromHashes(uint64_t disk_size, uint32_t chunk_size,
                                      std::vector<ChunkHash> hashes) {
  HVR_RETURN_IF_ERROR(ValidateChunkSize(chunk_size));
  const uint64_t expected = ChunkCount(disk_size, chunk_size);
  if (hashes.size() != expected) {
    return Error(Code::kInvalidArgument,
                 "a disk of " + std::to_string(disk_size) + " bytes in chunks of " +
                     std::to_string(chunk_size) + " has " + std::to_string(expected) +
                     " chunks, not " + std::to_string(hashes.size()));
  }
  return Manifest(disk_size, chunk_size, std::move(hashes));
}

ByteRange Manifest::ChunkRange(uint64_t index) const {
  const uint64_t offset = index * chunk_size_;
  return {offset, std::min<uint64_t>(chunk_size_, disk_size_ - offset)};
}

uint64_t Manifest::zero_chunk_count() const {
  return static_cast<uint64_t>(
      std::count_if(hashes_.begin(), hashes_.end(), [](const ChunkHash& h) { return h.is_zero(); }));
}

uint64_t Manifest::unknown_chunk_count() const {
  return static_cast<uint64_t>(std::count_if(hashes_.begin(), hashes_.end(),
                                             [](const ChunkHash& h) { return h.is_unknown(); }));
}

std::pair<uint64_t, uint64_t> Manifest::ChunksTouching(const ByteRange& range) const {
  if (range.length == 0) return {0, 0};
  return {range.offset / chunk_size_, (range.end() - 1) / chunk_size_ + 1};
}

Status Manifest::Invalidate(const ByteRange& range) {
  if (range.offset > disk_size_ || range.length > disk_size_ - range.offset) {
    return Error(Code::kInvalidArgument,
                 "range of " + std::to_string(range.length) + " bytes at offset " +
                     std::to_string(range.offset) + " reaches past the disk size " +
                     std::to_string(disk_size_));
  }
  const auto [first, last] = ChunksTouching(range);
  std::fill(hashes_.begin() + static_cast<ptrdiff_t>(first),
            hashes_.begin() + static_cast<ptrdiff_t>(last), ChunkHash::Unknown());
  return Ok();
}

Status Manifest::Resize(uint64_t disk_size) {
  if (disk_size == disk_size_) return Ok();
  const uint64_t count = ChunkCount(disk_size, chunk_size_);
  // The chunk holding the old end changes length when the old end was inside it.
  const bool old_tail_partial = disk_size_ % chunk_size_ != 0;
  const uint64_t old_tail = disk_size_ / chunk_size_;
  try {
    hashes_.resize(static_cast<size_t>(count), ChunkHash::Unknown());
  } catch (const std::bad_alloc&) {
    return Error(Code::kLowMemory, "cannot grow the manifest to " + std::to_string(count) + " chunks");
  }
  if (old_tail_partial && old_tail < count) hashes_[old_tail] = ChunkHash::Unknown();
  // Shrinking can cut the new last chunk short.
  if (disk_size % chunk_size_ != 0) hashes_[count - 1] = ChunkHash::Unknown();
  disk_size_ = disk_size;
  return Ok();
}

}  // namespace hvr

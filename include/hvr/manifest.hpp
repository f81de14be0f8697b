// Manifests: the chunk hashes of one disk at one point in time (docs/chunk-diff.md).
//
// A disk is cut into fixed-size chunks (a power of two from 4 KiB to 4 MiB); the last
// chunk is short when the disk size is not a multiple of the chunk size. Each chunk has a
// 128-bit XXH3 hash, with two reserved values: all zeros marks a chunk that reads as
// zeros (recognised without hashing), all ones marks a chunk whose content is unknown
// (it differs from everything, so it is always sent). A real hash that happens to equal a
// reserved value is moved off it.
//
// Manifests are built and compared by the functions of hvr/chunk_diff.hpp and persist in
// a versioned binary file (header checksum, hash-table checksum, atomic save).
//
// Thread safety: a Manifest is a value; const methods may run on many threads at once,
// mutation needs exclusive access.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "hvr/byte_range.hpp"
#include "hvr/error.hpp"

namespace hvr {

inline constexpr uint32_t kMinChunkSize = 4u << 10;
inline constexpr uint32_t kMaxChunkSize = 4u << 20;
// Chosen by measurement (docs/chunk-diff.md): a 2 TiB disk's manifest is 128 MiB.
inline constexpr uint32_t kDefaultChunkSize = 256u << 10;

// Ok when `chunk_size` is a power of two in [kMinChunkSize, kMaxChunkSize], else
// kInvalidArgument saying so.
Status ValidateChunkSize(uint64_t chunk_size);

struct ChunkHash {
  uint64_t low = 0;
  uint64_t high = 0;

  static constexpr ChunkHash Zero() { return {0, 0}; }
  static constexpr ChunkHash Unknown() { return {~uint64_t{0}, ~uint64_t{0}}; }
  bool is_zero() const { return *this == Zero(); }
  bool is_unknown() const { return *this == Unknown(); }

  // 32 hex digits, high half first (the usual rendering of an XXH3 128-bit value).
  std::string ToString() const;

  friend bool operator==(const ChunkHash&, const ChunkHash&) = default;
};

// How chunk hashes are computed. The number is stored in manifest files.
enum class HashAlgorithm : uint32_t {
  kXxh3_128 = 1,  // XXH3 128-bit, seed 0, over the chunk's bytes
};

const char* HashAlgorithmName(HashAlgorithm algorithm);  // "xxh3-128"

class Manifest {
 public:
  // The manifest of a disk of `disk_size` bytes that reads as zeros throughout (a new,
  // empty replica). kInvalidArgument for a bad chunk size, kLowMemory when the table
  // cannot be allocated.
  static Result<Manifest> Zeros(uint64_t disk_size, uint32_t chunk_size);
  // A manifest from its parts; kInvalidArgument unless `hashes` has exactly one entry
  // per chunk.
  static Result<Manifest> FromHashes(uint64_t disk_size, uint32_t chunk_size,
                                     std::vector<ChunkHash> hashes);

  uint64_t disk_size() const { return disk_size_; }
  uint32_t chunk_size() const { return chunk_size_; }
  uint64_t chunk_count() const { return hashes_.size(); }
  HashAlgorithm algorithm() const { return HashAlgorithm::kXxh3_128; }

  // The bytes chunk `index` covers; the last one may be short.
  ByteRange ChunkRange(uint64_t index) const;

  const ChunkHash& hash(uint64_t index) const { return hashes_[index]; }
  void set_hash(uint64_t index, const ChunkHash& hash) { hashes_[index] = hash; }
  std::span<const ChunkHash> hashes() const { return hashes_; }

  uint64_t zero_chunk_count() const;
  uint64_t unknown_chunk_count() const;

  // Marks every chunk that `range` touches as unknown, so that no diff trusts them until
  // they are hashed again. A session calls this (and saves) before writing to the
  // replica, then UpdateManifest after: a crash in between costs a resend, never data.
  // kInvalidArgument when the range reaches past the disk size.
  Status Invalidate(const ByteRange& range);

  // Changes the disk size. Chunks added at the end are unknown, and so is the old last
  // chunk when its length changes. UpdateManifest calls this when the replica was
  // resized; it is public for callers that know the new content some other way.
  Status Resize(uint64_t disk_size);

  // The chunk indices [first, last) that `range` touches (empty for an empty range).
  std::pair<uint64_t, uint64_t> ChunksTouching(const ByteRange& range) const;

  friend bool operator==(const Manifest&, const Manifest&) = default;

 private:
  Manifest(uint64_t disk_size, uint32_t chunk_size, std::vector<ChunkHash> hashes)
      : disk_size_(disk_size), chunk_size_(chunk_size), hashes_(std::move(hashes)) {}

  uint64_t disk_size_ = 0;
  uint32_t chunk_size_ = kDefaultChunkSize;
  std::vector<ChunkHash> hashes_;
};

// What a caller knows a manifest must describe; a loaded manifest that disagrees is
// rejected with kInvalidArgument naming the field.
struct ManifestExpectation {
  std::optional<uint64_t> disk_size;
  std::optional<uint32_t> chunk_size;
};

// Reads a manifest file, checking magic, version, header checksum, the table's length
// and checksum, and `expected`. Errors name the file, the offset and the field.
Result<Manifest> LoadManifest(const std::string& path, const ManifestExpectation& expected = {});

// Writes `manifest` to `path` atomically: a crash leaves the old file or the new one.
Status SaveManifest(const Manifest& manifest, const std::string& path);

// The file format in memory, for callers that keep manifests elsewhere (a blob, a
// journal). `where` names the source in error messages.
std::string EncodeManifest(const Manifest& manifest);
Result<Manifest> DecodeManifest(std::span<const uint8_t> bytes, const std::string& where);

// True when `bytes` (the first bytes of a file) start like a manifest file, so a tool can
// tell a manifest from a disk image.
bool LooksLikeManifest(std::span<const uint8_t> bytes);

}  // namespace hvr

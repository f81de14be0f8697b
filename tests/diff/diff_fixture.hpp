// Helpers for the chunk-diff tests: raw images the test writes itself (so it knows every
// byte it changed), a DiskReader wrapper that records what is read and can fail, and the
// chunk-level view of a diff that the tests compare with their own expectations.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "hvr/chunk_diff.hpp"
#include "hvr/disk.hpp"

namespace hvr::test {

// Writes a raw image of `size` bytes of seeded random data.
void WriteRandomImage(const std::string& path, uint64_t size, uint32_t seed);
// Creates a sparse raw image of `size` bytes (all holes).
void WriteSparseImage(const std::string& path, uint64_t size);
void CopyFile(const std::string& from, const std::string& to);
void ResizeFile(const std::string& path, uint64_t size);

// Overwrites [offset, offset + length) so that every byte changes (XOR with a non-zero
// pattern), whatever was there. Changing the same bytes twice restores them.
void ChangeBytes(const std::string& path, uint64_t offset, uint64_t length);
void WriteZeros(const std::string& path, uint64_t offset, uint64_t length);
std::vector<uint8_t> ReadBytes(const std::string& path, uint64_t offset, uint64_t length);

std::unique_ptr<DiskReader> Open(const std::string& path);

// Chunks of `chunk_size` bytes, hashed by `threads` threads.
ChunkOptions Options(uint32_t chunk_size, unsigned threads = 2);

// Wraps a disk: records every read, can report other allocated ranges, can fail reads.
class RecordingDisk final : public DiskReader {
 public:
  explicit RecordingDisk(const DiskReader& inner) : inner_(inner) {}

  const DiskInfo& info() const override { return inner_.info(); }
  Status Read(uint64_t offset, std::span<uint8_t> out) const override;
  Result<std::vector<ByteRange>> AllocatedRanges() const override;

  // Reported instead of the inner disk's allocation.
  void set_allocated(std::vector<ByteRange> ranges) { allocated_ = std::move(ranges); }
  // Reads at or after this offset fail with kIo.
  void fail_reads_from(uint64_t offset) { fail_from_ = offset; }

  std::vector<ByteRange> reads() const;
  uint64_t bytes_read() const;
  bool ReadOverlaps(const ByteRange& range) const;

 private:
  const DiskReader& inner_;
  std::optional<std::vector<ByteRange>> allocated_;
  uint64_t fail_from_ = UINT64_MAX;
  mutable std::mutex mu_;
  mutable std::vector<ByteRange> reads_;
};

// What a diff says about each chunk position, independent of how runs were merged.
struct ChunkView {
  std::map<uint64_t, DiffKind> source_part;    // chunk index -> kData or kZero
  std::set<uint64_t> past_source_end;          // chunks with a part past the source's end
  friend bool operator==(const ChunkView&, const ChunkView&) = default;
};

// Expands runs into chunks, checking on the way (gtest failures) that runs are sorted,
// disjoint, maximal, cut at chunk boundaries or the sizes, and that totals agree.
ChunkView ViewOf(const DiffResult& result);

std::string Describe(const ChunkView& view);

}  // namespace hvr::test

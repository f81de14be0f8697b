// Coalescing writes: from a sequence of writes to a disk, the final content of every
// byte range they touched (the last writer wins), and the fewest 512-byte-aligned page
// writes of at most 4 MiB (the Azure Put Page limit) that carry it to a replica.
//
// A write is recorded either as a copy of its bytes (Add) or as a reference to where
// its bytes already lie, e.g. in an HRL log file (AddReference): the map then holds no
// data at all, only 32 bytes per extent, and reads the bytes back when page data is
// produced. That is how logs larger than memory are coalesced (CoalesceLogs in
// hvr/hrl_coalesce.hpp). docs/extent-map.md explains the structure.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "hvr/byte_range.hpp"
#include "hvr/cancel.hpp"
#include "hvr/error.hpp"

namespace hvr {

// Reads out.size() bytes at `offset` of some content (a disk, a log file).
using ReadFn = std::function<Status(uint64_t offset, std::span<uint8_t> out)>;
// Receives one page write; `data` is valid only during the call.
using PageWriteFn = std::function<Status(uint64_t offset, std::span<const uint8_t> data)>;
// Says whether two page writes separated by `gap` (unwritten, page-aligned) should be
// one write carrying the gap's bytes too, because one request costs more than sending
// them and `base` knows them without asking anyone (they read as zeros, say).
using JoinableFn = std::function<bool(const ByteRange& gap)>;

inline constexpr uint64_t kPageWriteAlignment = 512;
inline constexpr uint64_t kMaxPageWriteBytes = 4 << 20;  // Azure Put Page
// Writes must end at or below this offset (2^63): far beyond any disk, and room to
// round up to a page without overflow.
inline constexpr uint64_t kMaxExtentEnd = uint64_t{1} << 63;

// Memory: the extents (32 bytes each, sorted and merged, plus the ones added since the
// last compaction) and, for copied writes, their bytes: at most twice the copied bytes
// that are still current, plus 64 MiB, because overwritten copies are dropped at each
// compaction. Not thread-safe: one thread at a time.
class ExtentMap {
 public:
  using SourceId = uint32_t;

  ExtentMap();
  ExtentMap(ExtentMap&& other) noexcept;
  ExtentMap& operator=(ExtentMap&& other) noexcept;
  ~ExtentMap();

  // Forgets every write and source but keeps the memory of its lists, so a map reused
  // cycle after cycle (one per replicated disk) does not fault its memory in again.
  void Clear();

  // Registers content that writes may refer to instead of being copied. `read` is
  // called when page data is produced; the content must not change while the map
  // refers to it (closed logs never change).
  SourceId AddSource(ReadFn read);

  // Records that `data` was written at `offset`. The bytes are copied.
  Status Add(uint64_t offset, std::span<const uint8_t> data);
  // Records that the `length` bytes at `source_offset` of `source` were written at
  // `offset`.
  Status AddReference(uint64_t offset, uint64_t length, SourceId source, uint64_t source_offset);

  // Bytes whose content the writes decide (each counted once however often written).
  uint64_t ChangedBytes();
  // The ranges the writes touched: sorted, disjoint, adjacent ones joined.
  std::vector<ByteRange> ChangedRanges();
  // Extents held after compaction, and bytes of copied data held (for measurement).
  size_t ExtentCount();
  uint64_t HeldBytes();

  // The fewest page writes that carry every changed byte: the changed ranges widened to
  // whole 512-byte pages, joined where they meet (and across gaps `joinable` accepts),
  // cut into pieces of at most `max_bytes` (a positive multiple of 512). Sorted and
  // disjoint.
  Result<std::vector<ByteRange>> PageWriteRanges(uint64_t max_bytes = kMaxPageWriteBytes,
                                                 const JoinableFn& joinable = {});

  // The content of `range` (out.size() == range.length) once every write is applied:
  // written bytes from the map, the rest from `base` (the disk before the writes). `base`
  // may be empty when the range holds no unwritten byte.
  Status Read(ByteRange range, std::span<uint8_t> out, const ReadFn& base);

  // PageWriteRanges, then Read of each into one buffer, handed to `sink` in disk order.
  Status ForEachPageWrite(const ReadFn& base, const PageWriteFn& sink,
                          uint64_t max_bytes = kMaxPageWriteBytes,
                          const CancelToken* cancel = nullptr, const JoinableFn& joinable = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hvr

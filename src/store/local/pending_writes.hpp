// Page writes of one local disk that completed but are not in its data file yet.
//
// A write changes the disk only after the undo log holds the content it replaces, and the
// log must be durable before the new content may reach the disk: were the order lost, a
// crash could leave a recovery point reading content written after it. Syncing the log
// before every write costs a sync per 4 KiB page; so writes wait here, and are applied
// many at a time behind one sync of the log (docs/local-store.md, "Durability"). Reads
// see them through Overlay. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <vector>

#include "hvr/byte_range.hpp"
#include "hvr/error.hpp"

namespace hvr {

class PendingWrites {
 public:
  // Whether any held write touches [offset, offset + length).
  bool Overlaps(uint64_t offset, uint64_t length) const;
  // Holds a copy of `data` for `offset`; it must not overlap a held write.
  void Add(uint64_t offset, std::span<const uint8_t> data);
  // Copies the held bytes inside [offset, offset + out.size()) over `out`.
  void Overlay(uint64_t offset, std::span<uint8_t> out) const;

  // The held writes' ranges, sorted.
  std::vector<ByteRange> Ranges() const;
  // Calls apply(offset, data) for each held write in offset order, stopping at the first
  // failure; the writes stay held until Clear.
  Status ForEach(const std::function<Status(uint64_t, std::span<const uint8_t>)>& apply) const;
  void Clear();

  bool empty() const { return writes_.empty(); }
  uint64_t bytes() const { return bytes_; }

 private:
  std::map<uint64_t, std::vector<uint8_t>> writes_;  // offset -> data, disjoint
  uint64_t bytes_ = 0;
};

}  // namespace hvr

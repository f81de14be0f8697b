// The undo log of one recovery point (docs/local-store.md): after recovery point P is
// taken, the first write to any region of the disk first saves that region's old
// content here. P's content is then "what P's log holds, else what later logs hold,
// else the disk", the way Hyper-V Replica keeps its recovery history.
//
// On disk: records appended one after another, each a 32-byte header (8-byte magic,
// disk offset, length, XXH3 of offset, length and data; little-endian) and its data.
// Magic "HVRUNDO1" is followed by `length` bytes of data; "HVRUNDOZ" says the region
// was zeros and carries no data (holes and cleared pages cost nothing). Records never
// overlap: only regions not yet saved are appended. A record torn by a crash can only
// be the last one (the log is synced before the disk is written), and opening the log
// cuts it off.
//
// Not thread-safe; LocalReplica serialises access.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "hvr/byte_range.hpp"
#include "hvr/error.hpp"
#include "util/file.hpp"
#include "util/range_set.hpp"

namespace hvr {

class UndoLog {
 public:
  struct Piece {
    uint64_t offset = 0;
    uint64_t length = 0;
    bool zero = false;  // a zero record: the region was all zeros
  };

  // Opens (creating when asked) the log at `path`, indexing its records and cutting off
  // a torn last record.
  static Result<UndoLog> Open(const std::string& path, bool create);

  const std::string& path() const { return file_.path(); }
  // For a file lock, so that processes appending to one log take turns.
  const File& file() const { return file_; }

  // Indexes records another process appended since the last look. Records appended but
  // not synced (a batch that failed before its Sync) are forgotten first: the disk writes
  // they were to protect never happened.
  Status Refresh();

  // The parts of [offset, offset + length) the log does not hold.
  std::vector<ByteRange> Missing(uint64_t offset, uint64_t length) const {
    return held_.Missing(offset, length);
  }
  // Every record, in disk order.
  std::vector<Piece> Pieces() const;

  // Append the old content of a disk range the log does not hold yet. Records are
  // gathered in memory and written together (about kMaxUnwritten at a time), so that a
  // batch of thousands of 4 KiB pages costs a few writes, not one per record; they reach
  // the file by Sync() at the latest, and are read back only after it.
  Status Append(uint64_t offset, std::span<const uint8_t> data);
  Status AppendZeros(uint64_t offset, uint64_t length);
  // Writes the gathered records and makes the log durable.
  Status Sync();

  // Fills the parts of [offset, offset + out.size()) the log holds and returns them.
  // Data records read whole are checked against their checksum.
  Result<std::vector<Piece>> ReadHeld(uint64_t offset, std::span<uint8_t> out) const;

 private:
  struct Extent {
    uint64_t end;       // disk offset one past the record's region
    uint64_t position;  // file offset of the record's data (after its header)
    bool zero;
  };
  // Records are written without waiting for Sync once they would pass this many bytes;
  // a write is then no larger than one record of the largest size.
  static constexpr size_t kMaxUnwritten = size_t{4} << 20;

  explicit UndoLog(File file) : file_(std::move(file)) {}
  // Writes the gathered records; on failure the index is rebuilt from the file.
  Status WriteGathered();
  // Forgets the index, to rebuild it from the file.
  void ForgetIndex();
  Status Scan(uint64_t from, uint64_t file_size);
  Result<bool> IsZeroTail(uint64_t from, uint64_t file_size) const;
  Status AppendRecord(uint64_t offset, uint64_t length, std::span<const uint8_t> data);

  File file_;
  std::map<uint64_t, Extent> extents_;  // disk offset -> extent
  RangeSet held_;                       // what the extents cover
  uint64_t indexed_size_ = 0;           // file bytes indexed so far, gathered ones included
  std::vector<uint8_t> gathered_;       // records appended, not written yet: the index's tail
};

}  // namespace hvr

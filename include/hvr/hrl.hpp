// Hyper-V Replica Log (.hrl) files (Microsoft's open specification MS-HRL): reading,
// verifying and checking that logs follow one another.
//
// A log records the writes made to one virtual disk: each write's data, then metadata
// blocks that describe the data before them, then (once the log is closed) the end-of-log
// location in the header. HrlReader walks a closed log as MS-HRL 2.5 says, verifies every
// checksum, and hands out the writes in the order they happened, streaming: its memory
// is one metadata block, one read buffer and a fixed index, whatever the log's size.
// docs/hrl-format.md says how hvr reads what the specification leaves open.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "hvr/clock.hpp"
#include "hvr/error.hpp"
#include "hvr/guid.hpp"

namespace hvr {

inline constexpr uint32_t kHrlVersion1 = 0x00010000;  // Windows Server 2012 (R2), no Vhd2DataWriteGuid
inline constexpr uint32_t kHrlVersion2 = 0x00020000;
inline constexpr uint32_t kHrlHeaderSize = 4096;
inline constexpr uint32_t kHrlDefaultMetadataSize = 4096;

// HRL timestamps count seconds since 2000-01-01 00:00:00 UTC.
TimePoint FromHrlTime(uint32_t seconds);
uint32_t ToHrlTime(TimePoint t);  // saturates at the ends of uint32

// The 4096-byte log file header (MS-HRL 2.2), decoded.
struct HrlHeader {
  std::string path;  // the file it was read from, for messages
  uint32_t format_version = kHrlVersion2;
  uint32_t timestamp = 0;  // creation, HRL time
  std::array<char, 4> creator_application{};
  uint32_t creator_version = 0;
  uint64_t original_size = 0;
  uint64_t current_size = 0;
  uint32_t checksum = 0;      // as stored (verified when read)
  uint64_t eol_location = 0;  // 0: the log was not closed properly
  int32_t error_code = 0;
  uint32_t metadata_size = kHrlDefaultMetadataSize;
  Guid unique_id;
  Guid previous_unique_id;  // the log this one follows; zero for the first of a chain
  uint32_t last_modified_timestamp = 0;
  uint64_t total_metadata_entries = 0;
  uint32_t file_type = 0;
  // The disk's DataWriteGuid when the log was written (version 2 only): a disk whose
  // DataWriteGuid differs was modified while not tracked.
  std::optional<Guid> vhd2_data_write_guid;

  bool closed() const { return eol_location != 0; }
};

// Reads and validates the header of any log, closed or not: cookie, header checksum,
// version, file type and metadata size. For a log still being written, or one that was
// never closed, eol_location is 0.
Result<HrlHeader> ReadHrlHeader(const std::string& path);

// One write recorded in a log.
struct HrlEntry {
  uint64_t index = 0;        // 0-based position in log order
  uint64_t disk_offset = 0;  // where on the virtual disk the data goes (ByteOffset)
  uint32_t length = 0;       // bytes of data (DataLength)
  uint32_t timestamp = 0;    // when it was written, HRL time
  uint64_t data_location = 0;      // file offset of the data in the log
  uint64_t metadata_location = 0;  // file offset of the metadata block that describes it
  // DataChecksum as stored. Zero means the writer recorded none (docs/hrl-format.md);
  // the data is then covered only by the metadata entry's own checksum.
  uint32_t data_checksum = 0;

  bool data_checksum_recorded() const { return data_checksum != 0; }
};

struct HrlReaderOptions {
  // Bytes read from the log at a time. Larger than a few hundred KiB only costs cache.
  size_t read_buffer_size = 256 << 10;
  // Metadata block locations the first pass keeps; beyond this many blocks it keeps
  // every n-th and walks the stretches between them again (docs/hrl-format.md).
  size_t index_capacity = 4096;
};

// Reads one closed log, entry by entry, verifying everything on the way. Errors:
//   kLogNotClosed  EOLLocation is zero: the log was not closed properly (resync, not
//                  corruption);
//   kNotFound, kIo and friends for the file itself;
//   kUnsupported   a well-formed log of a version or file type hvr does not know;
//   kResyncRequired the writer recorded an error in the header's ErrorCode;
//   kCorruptData   everything else, naming file, offset, structure, field, expected and
//                  found: cookie, checksums, MetaOperation, entries or data beyond their
//                  place or EOL, back-pointers that go forward or out of the file,
//                  entry counts, and writes beyond `disk_virtual_size`.
// Once a call fails the reader stays failed and returns that error again.
// One thread at a time.
class HrlReader {
 public:
  // Validates the header and walks the metadata chain back from EOLLocation (the first
  // pass of MS-HRL 2.5), so a log whose structure is broken fails here, before any
  // entry is handed out. Data checksums are verified as the entries are read.
  static Result<HrlReader> Open(const std::string& path, uint64_t disk_virtual_size,
                                HrlReaderOptions options = {});

  HrlReader(HrlReader&& other) noexcept;
  HrlReader& operator=(HrlReader&& other) noexcept;
  ~HrlReader();

  const HrlHeader& header() const;
  uint64_t metadata_block_count() const;

  // Moves to the next entry in log order; false after the last one. Whatever data of
  // the previous entry the caller did not read is read and verified here, so every
  // entry is verified whether or not its data is wanted.
  Result<bool> Next(HrlEntry& entry);

  // Reads up to out.size() bytes of the current entry's data, continuing where the last
  // call stopped; returns how many, 0 once all of it was read. The call that reads the
  // last byte verifies DataChecksum: data is trusted once that call (or the next Next)
  // has succeeded.
  Result<size_t> ReadData(std::span<uint8_t> out);

 private:
  struct Impl;
  explicit HrlReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Checks that `logs` follow one another in the given order: each log's
// PreviousUniqueId is the UniqueId of the one before it, and, when given, the first
// log's PreviousUniqueId is `previous_unique_id` (the last log already applied).
// Fails with kLogChainGap naming the two logs that do not follow.
Status CheckLogChain(std::span<const HrlHeader> logs,
                     const std::optional<Guid>& previous_unique_id = std::nullopt);

}  // namespace hvr

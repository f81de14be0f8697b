// The VHDX log (MS-VHDX 2.3): a ring of entries, each a set of 4 KiB metadata sector
// updates. Readers find the active sequence and replay it; writers append one entry per
// metadata commit.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "disk/image_file.hpp"
#include "disk/vhdx_format.hpp"
#include "disk/vhdx_header.hpp"
#include "hvr/error.hpp"

namespace hvr::vhdx {

// One write a replay performs: `length` bytes at `file_offset`, `data` or zeros if empty.
struct ReplayWrite {
  uint64_t file_offset = 0;
  uint64_t length = 0;
  std::vector<uint8_t> data;
};

// The active sequence, flattened to its writes in replay order.
struct ActiveLog {
  std::vector<ReplayWrite> writes;
  uint64_t head_sequence = 0;
  uint64_t flushed_file_offset = 0;  // the file must be at least this large
  uint64_t last_file_offset = 0;     // the file must be grown to at least this size
  size_t entry_count = 0;
};

// Finds the active sequence of the log `header` points to (MS-VHDX 2.3.3). nullopt when
// LogGuid is zero or no valid sequence exists: nothing to replay. A file shorter than the
// head entry's FlushedFileOffset is kCorruptData (truncated).
Result<std::optional<ActiveLog>> FindActiveLog(const ImageFile& file, const Header& header);

// Replays in memory: reads of `file` see the writes; the file is not modified.
void ReplayInMemory(const ActiveLog& log, ImageFile& file);
// Replays into the file, grows it to LastFileOffset and syncs it.
Status ReplayIntoFile(const ActiveLog& log, ImageFile& file);

// A 4 KiB metadata sector update a writer sends through the log.
struct SectorUpdate {
  uint64_t file_offset = 0;  // multiple of 4 KiB
  std::array<uint8_t, kLogSectorSize> data{};
};

struct LogEntryFields {
  Guid log_guid;
  uint64_t sequence_number = 1;
  uint32_t tail = 0;                 // offset in the log of the sequence's first entry
  uint64_t flushed_file_offset = 0;  // multiple of 1 MiB
  uint64_t last_file_offset = 0;     // multiple of 1 MiB
};

// Encodes one entry; all-zero updates become zero descriptors (no data sector).
std::vector<uint8_t> EncodeLogEntry(const LogEntryFields& fields, std::span<const SectorUpdate> updates);
// The size of the entry EncodeLogEntry makes for `updates`.
uint64_t LogEntrySize(std::span<const SectorUpdate> updates);
// The largest number of updates whose entry fits a log of `log_length` bytes, assuming
// none of them is zero.
uint64_t MaxUpdatesPerEntry(uint64_t log_length);

}  // namespace hvr::vhdx

#include "disk/vhdx_log.hpp"

#include <algorithm>
#include <cstring>

#include "util/crc32c.hpp"
#include "util/zero.hpp"
#include "util/endian.hpp"

namespace hvr::vhdx {
namespace {

constexpr size_t kEntryHeaderSize = 64;
constexpr size_t kDescriptorSize = 32;
constexpr size_t kChecksum = 4;
// Headers and the file identifier are never logged (MS-VHDX 2.2.1, 2.2.2): a descriptor
// aimed below the region tables is damage, not an update.
constexpr uint64_t kLowestLoggedOffset = 192 * kKiB;
// No VHDX holds structures beyond 64 TiB of payload plus its tables.
constexpr uint64_t kHighestLoggedOffset = 80 * kTiB;

uint64_t DescriptorSectors(uint64_t descriptor_count) {
  return (kEntryHeaderSize + descriptor_count * kDescriptorSize + kLogSectorSize - 1) / kLogSectorSize;
}

struct ParsedEntry {
  uint64_t position = 0;  // in the log
  uint64_t length = 0;
  uint64_t tail = 0;
  uint64_t sequence = 0;
  uint64_t flushed_file_offset = 0;
  uint64_t last_file_offset = 0;
  std::vector<ReplayWrite> writes;
};

// Parses and fully validates the entry at `position` of the in-memory log; nullopt when
// anything is off (a torn, stale or foreign entry is simply not part of a sequence). The
// writes are kept only when `keep_writes`: the search for the active sequence looks at
// every position and must not hold a copy of the whole log per position.
std::optional<ParsedEntry> ParseEntry(std::span<const uint8_t> log, uint64_t position,
                                      const Guid& log_guid, bool keep_writes) {
  const uint64_t log_length = log.size();
  const uint8_t* h = log.data() + position;
  if (LoadLE<uint32_t>(h) != kLogEntrySignature) return std::nullopt;
  ParsedEntry entry;
  entry.position = position;
  entry.length = LoadLE<uint32_t>(h + 8);
  entry.tail = LoadLE<uint32_t>(h + 12);
  entry.sequence = LoadLE<uint64_t>(h + 16);
  const uint32_t descriptor_count = LoadLE<uint32_t>(h + 24);
  Guid guid;
  std::memcpy(guid.bytes.data(), h + 32, 16);
  entry.flushed_file_offset = LoadLE<uint64_t>(h + 48);
  entry.last_file_offset = LoadLE<uint64_t>(h + 56);
  if (entry.length == 0 || entry.length % kLogSectorSize != 0 || entry.length > log_length ||
      entry.tail % kLogSectorSize != 0 || entry.tail >= log_length || entry.sequence == 0 ||
      guid != log_guid || entry.last_file_offset > kHighestLoggedOffset) {
    return std::nullopt;
  }
  const uint64_t sectors = entry.length / kLogSectorSize;
  const uint64_t descriptor_sectors = DescriptorSectors(descriptor_count);
  if (descriptor_sectors > sectors) return std::nullopt;

  // The entry may wrap around the end of the log: gather it.
  std::vector<uint8_t> bytes(static_cast<size_t>(entry.length));
  const uint64_t first = std::min(entry.length, log_length - position);
  std::memcpy(bytes.data(), log.data() + position, static_cast<size_t>(first));
  std::memcpy(bytes.data() + first, log.data(), static_cast<size_t>(entry.length - first));
  if (LoadLE<uint32_t>(bytes.data() + kChecksum) != Crc32cWithZeroedField(bytes, kChecksum)) {
    return std::nullopt;
  }

  uint64_t data_sector = descriptor_sectors;
  for (uint32_t i = 0; i < descriptor_count; ++i) {
    const uint8_t* d = bytes.data() + kEntryHeaderSize + size_t{i} * kDescriptorSize;
    const uint32_t signature = LoadLE<uint32_t>(d);
    const uint64_t file_offset = LoadLE<uint64_t>(d + 16);
    if (LoadLE<uint64_t>(d + 24) != entry.sequence || file_offset % kLogSectorSize != 0 ||
        file_offset < kLowestLoggedOffset) {
      return std::nullopt;
    }
    ReplayWrite write;
    write.file_offset = file_offset;
    if (signature == kZeroDescriptorSignature) {
      write.length = LoadLE<uint64_t>(d + 8);
      if (write.length % kLogSectorSize != 0) return std::nullopt;
    } else if (signature == kDataDescriptorSignature) {
      if (data_sector >= sectors) return std::nullopt;
      const uint8_t* s = bytes.data() + data_sector * kLogSectorSize;
      if (LoadLE<uint32_t>(s) != kDataSectorSignature ||
          LoadLE<uint32_t>(s + 4) != static_cast<uint32_t>(entry.sequence >> 32) ||
          LoadLE<uint32_t>(s + 4092) != static_cast<uint32_t>(entry.sequence)) {
        return std::nullopt;
      }
      write.length = kLogSectorSize;
      write.data.resize(kLogSectorSize);
      std::memcpy(write.data.data(), d + 8, 8);            // LeadingBytes
      std::memcpy(write.data.data() + 8, s + 8, 4084);     // the sector's own data
      std::memcpy(write.data.data() + 4092, d + 4, 4);     // TrailingBytes
      ++data_sector;
    } else {
      return std::nullopt;
    }
    if (write.length > kHighestLoggedOffset || file_offset > kHighestLoggedOffset - write.length) {
      return std::nullopt;
    }
    if (keep_writes) entry.writes.push_back(std::move(write));
  }
  return entry;
}

}  // namespace

Result<std::optional<ActiveLog>> FindActiveLog(const ImageFile& file, const Header& header) {
  if (header.log_guid.IsZero() || header.log_length == 0) return std::optional<ActiveLog>();
  std::vector<uint8_t> log(header.log_length);
  HVR_RETURN_IF_ERROR(file.ReadAt(header.log_offset, log));
  const uint64_t log_length = log.size();
  const uint64_t positions = log_length / kLogSectorSize;

  // Each position is parsed at most once.
  std::vector<std::optional<std::optional<ParsedEntry>>> memo(static_cast<size_t>(positions));
  const auto entry_at = [&](uint64_t position) -> const std::optional<ParsedEntry>& {
    auto& slot = memo[static_cast<size_t>(position / kLogSectorSize)];
    if (!slot) slot = ParseEntry(log, position, header.log_guid, false);
    return *slot;
  };

  // MS-VHDX 2.3.3, step by step.
  std::vector<const ParsedEntry*> candidate;
  uint64_t candidate_sequence = 0;
  uint64_t current_tail = 0;
  uint64_t old_tail = 0;
  for (uint64_t round = 0; round <= positions; ++round) {
    std::vector<const ParsedEntry*> sequence;
    uint64_t head = current_tail;
    uint64_t covered = 0;
    while (covered < log_length) {
      const auto& entry = entry_at(head);
      if (!entry) break;
      if (!sequence.empty() && entry->sequence != sequence.back()->sequence + 1) break;
      if (covered + entry->length > log_length) break;
      sequence.push_back(&*entry);
      covered += entry->length;
      head = (head + entry->length) % log_length;
    }
    // Valid when the head entry's tail is one of the sequence's entries.
    size_t tail_index = sequence.size();
    if (!sequence.empty()) {
      for (size_t i = 0; i < sequence.size(); ++i) {
        if (sequence[i]->position == sequence.back()->tail) {
          tail_index = i;
          break;
        }
      }
    }
    const bool valid = tail_index < sequence.size();
    if (valid && sequence.back()->sequence > candidate_sequence) {
      candidate.assign(sequence.begin() + static_cast<ptrdiff_t>(tail_index), sequence.end());
      candidate_sequence = sequence.back()->sequence;
    }
    if (!valid) {
      current_tail += kLogSectorSize;
      if (current_tail == log_length) current_tail = 0;
    } else {
      current_tail = head;
    }
    if (round > 0 && current_tail <= old_tail) break;
    old_tail = current_tail;
  }
  if (candidate.empty()) return std::optional<ActiveLog>();

  ActiveLog active;
  active.head_sequence = candidate_sequence;
  active.flushed_file_offset = candidate.back()->flushed_file_offset;
  active.last_file_offset = candidate.back()->last_file_offset;
  active.entry_count = candidate.size();
  for (const ParsedEntry* entry : candidate) {
    auto full = ParseEntry(log, entry->position, header.log_guid, true);
    for (ReplayWrite& w : full->writes) active.writes.push_back(std::move(w));
  }
  if (file.size() < active.flushed_file_offset) {
    return Error(Code::kCorruptData,
                 file.path() + ": log entry " + std::to_string(candidate_sequence) +
                     ": FlushedFileOffset " + std::to_string(active.flushed_file_offset) +
                     " is beyond the file size " + std::to_string(file.size()) +
                     ": the file was truncated");
  }
  return std::optional<ActiveLog>(std::move(active));
}

void ReplayInMemory(const ActiveLog& log, ImageFile& file) {
  for (const ReplayWrite& w : log.writes) file.Patch(w.file_offset, w.length, w.data);
  file.GrowLogicalSize(log.last_file_offset);
}

Status ReplayIntoFile(const ActiveLog& log, ImageFile& file) {
  for (const ReplayWrite& w : log.writes) {
    if (!w.data.empty()) {
      HVR_RETURN_IF_ERROR(file.WriteAt(w.file_offset, w.data));
      continue;
    }
    // Zeros past the end of the file come from growing it; only the part inside is written.
    const uint64_t end = w.file_offset + w.length;
    const uint64_t inside_end = std::min(end, file.size());
    if (end > file.size()) HVR_RETURN_IF_ERROR(file.Resize(end));
    for (uint64_t pos = w.file_offset; pos < inside_end;) {
      const uint64_t n = std::min<uint64_t>(ZeroMiB().size(), inside_end - pos);
      HVR_RETURN_IF_ERROR(file.WriteAt(pos, ZeroMiB().first(static_cast<size_t>(n))));
      pos += n;
    }
  }
  if (file.size() < log.last_file_offset) HVR_RETURN_IF_ERROR(file.Resize(log.last_file_offset));
  return file.Sync();
}

uint64_t LogEntrySize(std::span<const SectorUpdate> updates) {
  uint64_t data = 0;
  for (const SectorUpdate& u : updates) {
    if (!IsAllZero(u.data)) ++data;
  }
  return (DescriptorSectors(updates.size()) + data) * kLogSectorSize;
}

uint64_t MaxUpdatesPerEntry(uint64_t log_length) {
  const uint64_t sectors = log_length / kLogSectorSize;
  uint64_t n = sectors;
  while (n > 0 && DescriptorSectors(n) + n > sectors) --n;
  return n;
}

std::vector<uint8_t> EncodeLogEntry(const LogEntryFields& fields, std::span<const SectorUpdate> updates) {
  const uint64_t descriptor_sectors = DescriptorSectors(updates.size());
  std::vector<uint8_t> out(static_cast<size_t>(LogEntrySize(updates)), 0);
  uint8_t* h = out.data();
  StoreLE<uint32_t>(h, kLogEntrySignature);
  StoreLE<uint32_t>(h + 8, static_cast<uint32_t>(out.size()));
  StoreLE<uint32_t>(h + 12, fields.tail);
  StoreLE<uint64_t>(h + 16, fields.sequence_number);
  StoreLE<uint32_t>(h + 24, static_cast<uint32_t>(updates.size()));
  std::memcpy(h + 32, fields.log_guid.bytes.data(), 16);
  StoreLE<uint64_t>(h + 48, fields.flushed_file_offset);
  StoreLE<uint64_t>(h + 56, fields.last_file_offset);
  uint64_t data_sector = descriptor_sectors;
  for (size_t i = 0; i < updates.size(); ++i) {
    uint8_t* d = out.data() + kEntryHeaderSize + i * kDescriptorSize;
    const SectorUpdate& u = updates[i];
    StoreLE<uint64_t>(d + 16, u.file_offset);
    StoreLE<uint64_t>(d + 24, fields.sequence_number);
    if (IsAllZero(u.data)) {
      StoreLE<uint32_t>(d, kZeroDescriptorSignature);
      StoreLE<uint64_t>(d + 8, kLogSectorSize);
      continue;
    }
    StoreLE<uint32_t>(d, kDataDescriptorSignature);
    std::memcpy(d + 4, u.data.data() + 4092, 4);  // TrailingBytes
    std::memcpy(d + 8, u.data.data(), 8);         // LeadingBytes
    uint8_t* s = out.data() + data_sector * kLogSectorSize;
    StoreLE<uint32_t>(s, kDataSectorSignature);
    StoreLE<uint32_t>(s + 4, static_cast<uint32_t>(fields.sequence_number >> 32));
    std::memcpy(s + 8, u.data.data() + 8, 4084);
    StoreLE<uint32_t>(s + 4092, static_cast<uint32_t>(fields.sequence_number));
    ++data_sector;
  }
  StoreLE<uint32_t>(h + kChecksum, Crc32cWithZeroedField(out, kChecksum));
  return out;
}

}  // namespace hvr::vhdx

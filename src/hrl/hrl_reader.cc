#include <algorithm>
#include <cstring>
#include <optional>
#include <vector>

#include "hrl/checksum.hpp"
#include "hrl/hrl_format.hpp"
#include "hrl/metadata_index.hpp"
#include "hvr/hrl.hpp"
#include "util/file.hpp"
#include "util/hex.hpp"

namespace hvr {

using hrl::Corrupt;
using hrl::Where;

namespace {

// The header of an open log file, validated as far as it can be on its own.
Result<HrlHeader> ReadHeader(const File& file, const std::string& path) {
  HVR_ASSIGN_OR_RETURN(const uint64_t size, file.Size());
  if (size < hrl::kHeaderSize) {
    return Corrupt(Where(path, "log header", 0), "file size",
                   "at least " + std::to_string(hrl::kHeaderSize) + " bytes", std::to_string(size));
  }
  std::array<uint8_t, hrl::kHeaderSize> bytes;
  HVR_RETURN_IF_ERROR(file.ReadAt(0, bytes));
  return hrl::DecodeHeader(bytes, path);
}

}  // namespace

Result<HrlHeader> ReadHrlHeader(const std::string& path) {
  HVR_ASSIGN_OR_RETURN(const File file, File::Open(path, File::Mode::kRead));
  return ReadHeader(file, path);
}

struct HrlReader::Impl {
  File file;
  HrlHeader header;
  uint64_t disk_size = 0;
  uint32_t entry_capacity = 0;
  std::optional<hrl::MetadataIndex> index;
  std::optional<Error> failed;  // sticky: the first error is returned from then on

  // The metadata block being handed out.
  std::vector<uint8_t> block;
  bool have_block = false;
  uint64_t block_location = 0;
  uint64_t previous_block = 0;  // location of the block before it; 0 while it is the first
  uint32_t block_entries = 0;
  uint32_t next_in_block = 0;
  uint64_t data_cursor = 0;  // where the data of the next entry starts
  uint64_t next_index = 0;   // log order index of the next entry

  // The entry handed out last, and how much of its data has been consumed.
  bool in_entry = false;
  bool entry_verified = false;
  HrlEntry entry;
  uint32_t entry_slot = 0;   // its position in the block, for messages
  uint64_t entry_pos = 0;    // next unread byte of its data
  uint64_t entry_end = 0;
  uint32_t entry_sum = 0;

  // A window of the log's data, so 4 KiB entries cost a copy rather than a system call.
  std::vector<uint8_t> buffer;
  uint64_t buffer_offset = 0;
  size_t buffer_length = 0;

  Impl(File f, HrlHeader h) : file(std::move(f)), header(std::move(h)) {}

  std::string BlockWhere(uint64_t location) const {
    return Where(header.path, "metadata block", location);
  }
  std::string EntryWhere() const {
    return BlockWhere(block_location) + ": entry " + std::to_string(entry_slot) + " (log entry " +
           std::to_string(entry.index) + ")";
  }

  // The first pass: one metadata header, checked, and the block before it.
  Result<hrl::MetadataIndex::Step> Step(uint64_t location) {
    std::array<uint8_t, hrl::kMetadataHeaderSize> bytes;
    HVR_RETURN_IF_ERROR(file.ReadAt(location, bytes));
    HVR_ASSIGN_OR_RETURN(const hrl::MetadataHeader mh,
                         hrl::DecodeMetadataHeader(bytes, [&] { return BlockWhere(location); }));
    return CheckedStep(location, mh);
  }

  Result<hrl::MetadataIndex::Step> CheckedStep(uint64_t location, const hrl::MetadataHeader& mh) const {
    const auto where = [&] { return BlockWhere(location); };
    if (mh.valid_metadata_entries > entry_capacity) {
      return Corrupt(where(), "ValidMetadataEntries",
                     "at most " + std::to_string(entry_capacity) + " (what a " +
                         std::to_string(header.metadata_size) + "-byte block holds)",
                     std::to_string(mh.valid_metadata_entries));
    }
    const uint64_t back = mh.previous_metadata_location;
    if (back == 0) return hrl::MetadataIndex::Step{0, mh.valid_metadata_entries};
    // Blocks do not overlap, so the previous one starts at least a block earlier; this
    // also makes every walk strictly backward, so a chain cannot loop.
    if (back < header.metadata_size) {
      return Corrupt(where(), "PreviousMetadataLocation",
                     "0 or at least " + std::to_string(header.metadata_size) +
                         " (a block before this one)",
                     std::to_string(back) + " (which overlaps this block or points forward)");
    }
    if (back > location - hrl::kHeaderSize) {
      return Corrupt(where(), "PreviousMetadataLocation",
                     "at most " + std::to_string(location - hrl::kHeaderSize) +
                         " (a block after the log header)",
                     std::to_string(back) + " (which points before the log header or out of the file)");
    }
    return hrl::MetadataIndex::Step{location - back, mh.valid_metadata_entries};
  }

  Status LoadBlock(uint64_t location) {
    // Usually the window read with the data before it holds the block too.
    const std::span<const uint8_t> window = Buffered(location);
    if (window.size() >= block.size()) {
      std::memcpy(block.data(), window.data(), block.size());
    } else {
      HVR_RETURN_IF_ERROR(file.ReadAt(location, block));
    }
    HVR_ASSIGN_OR_RETURN(const hrl::MetadataHeader mh,
                         hrl::DecodeMetadataHeader(std::span(block).first<hrl::kMetadataHeaderSize>(),
                                                   [&] { return BlockWhere(location); }));
    HVR_ASSIGN_OR_RETURN(const hrl::MetadataIndex::Step step, CheckedStep(location, mh));
    const bool first = !have_block;
    if (step.previous != (first ? 0 : previous_block)) {
      return Corrupt(BlockWhere(location), "PreviousMetadataLocation",
                     "a pointer to offset " + std::to_string(first ? 0 : previous_block) +
                         " as on the first pass",
                     "one to offset " + std::to_string(step.previous) +
                         " (the log changed while it was read)");
    }
    data_cursor = first ? hrl::kHeaderSize : previous_block + header.metadata_size;
    have_block = true;
    block_location = location;
    previous_block = location;
    block_entries = mh.valid_metadata_entries;
    next_in_block = 0;
    return Ok();
  }

  // Makes the window start at `pos`, filled as far as the end of the log allows: past
  // the current data region it holds the next metadata block and the data after it.
  Status Refill(uint64_t pos) {
    buffer_offset = pos;
    buffer_length = static_cast<size_t>(std::min<uint64_t>(buffer.size(), header.eol_location - pos));
    return file.ReadAt(pos, std::span(buffer.data(), buffer_length));
  }

  std::span<const uint8_t> Buffered(uint64_t pos) const {
    if (pos < buffer_offset || pos >= buffer_offset + buffer_length) return {};
    return std::span(buffer.data() + (pos - buffer_offset), buffer_length - (pos - buffer_offset));
  }

  Status VerifyEntry() {
    entry_verified = true;
    if (!entry.data_checksum_recorded()) return Ok();
    const uint32_t computed = ~entry_sum;
    if (computed != entry.data_checksum) {
      return Corrupt(EntryWhere(), "DataChecksum of " + std::to_string(entry.length) +
                                       " bytes at offset " + std::to_string(entry.data_location),
                     Hex32(computed), Hex32(entry.data_checksum));
    }
    return Ok();
  }

  // Reads and sums what the caller left of the current entry's data.
  Status FinishEntry() {
    while (entry_pos < entry_end) {
      std::span<const uint8_t> window = Buffered(entry_pos);
      if (window.empty()) {
        HVR_RETURN_IF_ERROR(Refill(entry_pos));
        window = Buffered(entry_pos);
      }
      window = window.first(static_cast<size_t>(std::min<uint64_t>(window.size(), entry_end - entry_pos)));
      entry_sum += hrl::ByteSum(window);
      entry_pos += window.size();
    }
    return entry_verified ? Ok() : VerifyEntry();
  }

  Result<bool> Next(HrlEntry& out) {
    if (in_entry) {
      HVR_RETURN_IF_ERROR(FinishEntry());
      in_entry = false;
    }
    while (!have_block || next_in_block == block_entries) {
      if (have_block && data_cursor != block_location) {
        return Corrupt(BlockWhere(block_location),
                       "end of the data its " + std::to_string(block_entries) + " entries describe",
                       std::to_string(block_location) + " (where the block starts)",
                       std::to_string(data_cursor) + " (the bytes between belong to no entry)");
      }
      HVR_ASSIGN_OR_RETURN(const std::optional<uint64_t> location, index->Next());
      if (!location) {
        if (next_index != header.total_metadata_entries) {
          return Corrupt(Where(header.path, "log header", 0), "TotalMetadataEntries",
                         std::to_string(next_index) + " (entries read)",
                         std::to_string(header.total_metadata_entries) +
                             " (the log changed while it was read)");
        }
        return false;
      }
      HVR_RETURN_IF_ERROR(LoadBlock(*location));
    }
    entry_slot = next_in_block;
    entry = HrlEntry{};
    entry.index = next_index;
    entry.metadata_location = block_location;
    const size_t at = hrl::kMetadataHeaderSize + size_t{entry_slot} * hrl::kEntrySize;
    HVR_ASSIGN_OR_RETURN(
        const hrl::MetadataEntry e,
        hrl::DecodeEntry(std::span(block).subspan(at).first<hrl::kEntrySize>(), [this] { return EntryWhere(); }));
    if (e.data_length > block_location - data_cursor) {
      return Corrupt(EntryWhere(), "DataLength",
                     "at most " + std::to_string(block_location - data_cursor) +
                         " (its data at offset " + std::to_string(data_cursor) +
                         " must end before its metadata block)",
                     std::to_string(e.data_length));
    }
    if (e.data_length > disk_size || e.byte_offset > disk_size - e.data_length) {
      return Corrupt(EntryWhere(), "ByteOffset + DataLength",
                     "at most the disk size " + std::to_string(disk_size),
                     std::to_string(e.byte_offset) + " + " + std::to_string(e.data_length));
    }
    entry.disk_offset = e.byte_offset;
    entry.length = e.data_length;
    entry.timestamp = e.timestamp;
    entry.data_location = data_cursor;
    entry.data_checksum = e.data_checksum;
    entry_pos = data_cursor;
    entry_end = data_cursor + e.data_length;
    entry_sum = 0;
    entry_verified = false;
    in_entry = true;
    data_cursor = entry_end;
    ++next_in_block;
    ++next_index;
    out = entry;
    return true;
  }

  Result<size_t> ReadData(std::span<uint8_t> out) {
    if (!in_entry) return size_t{0};
    const size_t n = static_cast<size_t>(std::min<uint64_t>(out.size(), entry_end - entry_pos));
    size_t done = 0;
    while (done < n) {
      std::span<const uint8_t> window = Buffered(entry_pos + done);
      if (!window.empty()) {
        const size_t take = std::min(window.size(), n - done);
        std::memcpy(out.data() + done, window.data(), take);
        done += take;
      } else if (n - done >= buffer.size()) {
        // As much as the window holds or more: straight into the caller's buffer.
        HVR_RETURN_IF_ERROR(file.ReadAt(entry_pos + done, out.subspan(done, n - done)));
        done = n;
      } else {
        HVR_RETURN_IF_ERROR(Refill(entry_pos + done));
      }
    }
    entry_sum += hrl::ByteSum(out.first(n));
    entry_pos += n;
    if (entry_pos == entry_end && !entry_verified) HVR_RETURN_IF_ERROR(VerifyEntry());
    return n;
  }
};

Result<HrlReader> HrlReader::Open(const std::string& path, uint64_t disk_virtual_size,
                                  HrlReaderOptions options) {
  HVR_ASSIGN_OR_RETURN(File file, File::Open(path, File::Mode::kRead));
  HVR_ASSIGN_OR_RETURN(HrlHeader header, ReadHeader(file, path));
  HVR_ASSIGN_OR_RETURN(const uint64_t file_size, file.Size());
  const std::string header_where = Where(path, "log header", 0);
  HVR_RETURN_IF_ERROR(hrl::CheckComplete(header));
  const uint64_t min_eol = hrl::kHeaderSize + uint64_t{header.metadata_size};
  if (header.eol_location < min_eol || header.eol_location > file_size) {
    return Corrupt(header_where, "EOLLocation",
                   "between " + std::to_string(min_eol) + " (one metadata block) and the file size " +
                       std::to_string(file_size),
                   std::to_string(header.eol_location));
  }

  auto impl = std::make_unique<Impl>(std::move(file), std::move(header));
  Impl* p = impl.get();
  p->disk_size = disk_virtual_size;
  p->entry_capacity = hrl::EntryCapacity(p->header.metadata_size);
  HVR_ASSIGN_OR_RETURN(
      hrl::MetadataIndex index,
      hrl::MetadataIndex::Build(
          path, p->header.eol_location - p->header.metadata_size,
          [p](uint64_t location) { return p->Step(location); }, options.index_capacity));
  if (index.total_entries() != p->header.total_metadata_entries) {
    return Corrupt(header_where, "TotalMetadataEntries",
                   std::to_string(index.total_entries()) + " (the sum of ValidMetadataEntries over " +
                       std::to_string(index.block_count()) + " metadata blocks)",
                   std::to_string(p->header.total_metadata_entries));
  }
  p->index.emplace(std::move(index));
  p->block.resize(p->header.metadata_size);
  p->buffer.resize(std::max<size_t>(options.read_buffer_size, 4096));
  return HrlReader(std::move(impl));
}

HrlReader::HrlReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HrlReader::HrlReader(HrlReader&& other) noexcept = default;
HrlReader& HrlReader::operator=(HrlReader&& other) noexcept = default;
HrlReader::~HrlReader() = default;

const HrlHeader& HrlReader::header() const { return impl_->header; }

uint64_t HrlReader::metadata_block_count() const { return impl_->index->block_count(); }

Result<bool> HrlReader::Next(HrlEntry& entry) {
  if (impl_->failed) return *impl_->failed;
  Result<bool> result = impl_->Next(entry);
  if (!result.ok()) impl_->failed = result.error();
  return result;
}

Result<size_t> HrlReader::ReadData(std::span<uint8_t> out) {
  if (impl_->failed) return *impl_->failed;
  Result<size_t> result = impl_->ReadData(out);
  if (!result.ok()) impl_->failed = result.error();
  return result;
}

}  // namespace hvr

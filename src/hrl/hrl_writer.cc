#include "hvr/hrl_writer.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include "hrl/checksum.hpp"
#include "hrl/hrl_output.hpp"
#include "hrl/hrl_format.hpp"
#include "hvr/version.hpp"
#include "util/endian.hpp"
#include "util/file.hpp"
#include "util/path.hpp"

namespace hvr {
namespace {

// Largest DataLength the writer records. A byte sum reaches 0xffffffff, the one sum
// whose checksum is 0 ("none recorded"), only past 16,843,009 bytes, so entries of at
// most 16 MiB always carry a checksum the reader verifies.
constexpr size_t kMaxEntryLength = 16 << 20;

constexpr std::array<char, 4> kCreatorApplication = {'h', 'v', 'r', ' '};

}  // namespace

struct HrlWriter::Impl {
  std::unique_ptr<HrlOutput> file;
  HrlHeader header;
  const Clock* clock;
  uint64_t disk_size;
  size_t buffer_size;

  std::vector<uint8_t> block;  // the metadata block being filled, header bytes included
  uint32_t capacity;
  uint32_t block_entries = 0;
  uint64_t last_block = hrl::kHeaderSize;  // the empty first block Create writes
  // Data (and a finished block) not yet written: it belongs at pending_offset, and the
  // log ends where it ends.
  std::vector<uint8_t> pending;
  uint64_t pending_offset;
  uint64_t entries = 0;
  std::optional<Error> failed;
  bool closed = false;

  Impl(std::unique_ptr<HrlOutput> f, HrlHeader h, const HrlWriterOptions& options)
      : file(std::move(f)),
        header(std::move(h)),
        clock(options.clock ? options.clock : &SystemClock::Instance()),
        disk_size(options.disk_virtual_size),
        buffer_size(std::max<size_t>(options.buffer_size, 4096)),
        block(header.metadata_size, 0),
        capacity(hrl::EntryCapacity(header.metadata_size)),
        pending_offset(hrl::kHeaderSize + uint64_t{header.metadata_size}) {}

  uint64_t end() const { return pending_offset + pending.size(); }

  Status Usable() const {
    if (failed) return *failed;
    if (closed) return Error(Code::kInvalidArgument, header.path + ": the log is closed");
    return Ok();
  }

  // Remembers the first failure: the log may now lack a write, so it must stay unclosed.
  Status Check(Status status) {
    if (status.ok()) return status;
    if (!failed) failed = status.error().WithContext(header.path + " stays unclosed");
    return *failed;
  }

  Status WritePending() {
    if (pending.empty()) return Ok();
    HVR_RETURN_IF_ERROR(Check(file->WriteAt(pending_offset, pending)));
    pending_offset += pending.size();
    pending.clear();
    return Ok();
  }

  // Closes the block being filled: it goes right after the data it describes.
  Status WriteBlock() {
    if (block_entries == 0) return Ok();
    const uint64_t location = end();
    hrl::EncodeMetadataHeader({location - last_block, block_entries},
                              std::span(block).first<hrl::kMetadataHeaderSize>());
    pending.insert(pending.end(), block.begin(), block.end());
    HVR_RETURN_IF_ERROR(WritePending());
    last_block = location;
    std::fill(block.begin(), block.end(), 0);
    block_entries = 0;
    return Ok();
  }

  Status AppendEntry(uint64_t disk_offset, std::span<const uint8_t> data) {
    if (block_entries == capacity) HVR_RETURN_IF_ERROR(WriteBlock());
    if (pending.size() + data.size() > buffer_size) HVR_RETURN_IF_ERROR(WritePending());
    if (data.size() >= buffer_size) {
      HVR_RETURN_IF_ERROR(Check(file->WriteAt(pending_offset, data)));
      pending_offset += data.size();
    } else {
      pending.insert(pending.end(), data.begin(), data.end());
    }
    hrl::MetadataEntry entry;
    entry.byte_offset = disk_offset;
    entry.data_length = static_cast<uint32_t>(data.size());
    entry.timestamp = ToHrlTime(clock->Now());
    entry.data_checksum = hrl::Checksum(data);
    const size_t at = hrl::kMetadataHeaderSize + size_t{block_entries} * hrl::kEntrySize;
    hrl::EncodeEntry(entry, std::span(block).subspan(at).first<hrl::kEntrySize>());
    ++block_entries;
    ++entries;
    return Ok();
  }

};

namespace {

// Encodes `header`, recording the checksum it got.
std::array<uint8_t, hrl::kHeaderSize> EncodeAndStamp(HrlHeader& header) {
  const auto bytes = hrl::EncodeHeader(header);
  header.checksum = LoadLE<uint32_t>(bytes.data() + hrl::kHeaderChecksumOffset);
  return bytes;
}

}  // namespace

Result<HrlWriter> HrlWriter::Create(const std::string& path, HrlWriterOptions options) {
  if (options.format_version != kHrlVersion1 && options.format_version != kHrlVersion2) {
    return Error(Code::kInvalidArgument, "HRL writer: format_version must be 0x00010000 or 0x00020000");
  }
  if (options.metadata_size < 512 || options.metadata_size > hrl::kMaxMetadataSize ||
      options.metadata_size % 512 != 0) {
    return Error(Code::kInvalidArgument,
                 "HRL writer: metadata_size must be a multiple of 512 from 512 to 1 MiB; got " +
                     std::to_string(options.metadata_size));
  }
  const Clock& clock = options.clock ? *options.clock : SystemClock::Instance();
  HrlHeader header;
  header.path = path;
  header.format_version = options.format_version;
  header.timestamp = ToHrlTime(clock.Now());
  header.last_modified_timestamp = header.timestamp;
  header.creator_application = kCreatorApplication;
  header.creator_version = (uint32_t{HVR_VERSION_MAJOR} << 16) | HVR_VERSION_MINOR;
  header.metadata_size = options.metadata_size;
  header.unique_id = options.unique_id.IsZero() ? Guid::Random() : options.unique_id;
  header.previous_unique_id = options.previous_unique_id;
  if (options.format_version == kHrlVersion2) header.vhd2_data_write_guid = options.data_write_guid;

  const HrlOutputFactory& outputs = options.output ? *options.output : HrlFiles();
  HVR_ASSIGN_OR_RETURN(std::unique_ptr<HrlOutput> file, outputs.Create(path));
  auto impl = std::make_unique<Impl>(std::move(file), std::move(header), options);
  // The header (EOLLocation 0) and the empty first metadata block that Hyper-V's logs
  // start with (MS-HRL section 3), durable with the folder entry before any write is
  // recorded: a crash from here on leaves a log that says it was not closed.
  const auto header_bytes = EncodeAndStamp(impl->header);
  std::vector<uint8_t> start(header_bytes.begin(), header_bytes.end());
  start.resize(hrl::kHeaderSize + options.metadata_size, 0);
  hrl::EncodeMetadataHeader({0, 0}, std::span(start).subspan(hrl::kHeaderSize).first<hrl::kMetadataHeaderSize>());
  Status written = impl->file->WriteAt(0, start);
  if (written.ok()) written = impl->file->Sync();
  if (written.ok()) written = SyncDirectory(FolderOf(path));
  if (!written.ok()) {
    // Nothing was recorded in it yet, so removing it loses nothing and leaves no
    // half-made log behind.
    static_cast<void>(RemoveFileIfExists(path));
    return std::move(written).error();
  }
  return HrlWriter(std::move(impl));
}

HrlWriter::HrlWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HrlWriter::HrlWriter(HrlWriter&& other) noexcept = default;
HrlWriter& HrlWriter::operator=(HrlWriter&& other) noexcept = default;
HrlWriter::~HrlWriter() = default;

Status HrlWriter::Append(uint64_t disk_offset, std::span<const uint8_t> data) {
  HVR_RETURN_IF_ERROR(impl_->Usable());
  if (data.size() > impl_->disk_size || disk_offset > impl_->disk_size - data.size()) {
    return Error(Code::kInvalidArgument,
                 impl_->header.path + ": a write of " + std::to_string(data.size()) +
                     " bytes at offset " + std::to_string(disk_offset) +
                     " reaches beyond the disk size " + std::to_string(impl_->disk_size));
  }
  for (size_t done = 0; done < data.size();) {
    const size_t n = std::min(kMaxEntryLength, data.size() - done);
    HVR_RETURN_IF_ERROR(impl_->AppendEntry(disk_offset + done, data.subspan(done, n)));
    done += n;
  }
  return Ok();
}

Status HrlWriter::Flush() {
  HVR_RETURN_IF_ERROR(impl_->Usable());
  HVR_RETURN_IF_ERROR(impl_->WriteBlock());
  return impl_->WritePending();
}

Status HrlWriter::Close() {
  HVR_RETURN_IF_ERROR(impl_->Usable());
  Impl& w = *impl_;
  HVR_RETURN_IF_ERROR(w.WriteBlock());
  HVR_RETURN_IF_ERROR(w.WritePending());
  // Data and metadata reach the disk before the header that points at them.
  HVR_RETURN_IF_ERROR(w.Check(w.file->Sync()));
  HrlHeader closed = w.header;
  closed.eol_location = w.end();
  closed.current_size = w.end();
  closed.total_metadata_entries = w.entries;
  closed.last_modified_timestamp = ToHrlTime(w.clock->Now());
  HVR_RETURN_IF_ERROR(w.Check(w.file->WriteAt(0, EncodeAndStamp(closed))));
  HVR_RETURN_IF_ERROR(w.Check(w.file->Sync()));
  w.header = std::move(closed);
  w.closed = true;
  return Ok();
}

const HrlHeader& HrlWriter::header() const { return impl_->header; }
const std::string& HrlWriter::path() const { return impl_->header.path; }
uint64_t HrlWriter::entry_count() const { return impl_->entries; }
uint64_t HrlWriter::size() const { return impl_->end(); }

}  // namespace hvr

#include "hrl/hrl_format.hpp"

#include <cstring>

#include "hrl/checksum.hpp"
#include "util/endian.hpp"
#include "util/hex.hpp"
#include "util/vhd_time.hpp"

namespace hvr {

// HRL time has the VHD epoch (2000-01-01 UTC); one conversion serves both formats.
uint32_t ToHrlTime(TimePoint t) { return VhdTimestamp(t); }

TimePoint FromHrlTime(uint32_t seconds) {
  constexpr int64_t kEpochUnixSeconds = 946684800;
  return TimePoint(std::chrono::seconds(kEpochUnixSeconds + seconds));
}

namespace hrl {
namespace {

// Field offsets of the log file header (MS-HRL 2.2).
constexpr size_t kCookie = 0;
constexpr size_t kLogFormatVersion = 8;
constexpr size_t kTimeStamp = 12;
constexpr size_t kCreatorApplication = 16;
constexpr size_t kCreatorVersion = 20;
constexpr size_t kOriginalSize = 24;
constexpr size_t kCurrentSize = 32;
constexpr size_t kHeaderChecksum = kHeaderChecksumOffset;
constexpr size_t kEolLocation = 44;
constexpr size_t kErrorCode = 52;
constexpr size_t kMetadataSize = 56;
constexpr size_t kUniqueId = 60;
constexpr size_t kPreviousUniqueId = 76;
constexpr size_t kLastModifiedTimeStamp = 92;
constexpr size_t kTotalMetadataEntries = 96;
constexpr size_t kFileType = 104;
constexpr size_t kVhd2DataWriteGuid = 110;  // after the 2-byte Flags at 108

// Metadata header (MS-HRL 2.3).
constexpr size_t kPreviousMetadataLocation = 0;
constexpr size_t kValidMetadataEntries = 8;
constexpr size_t kMetadataChecksum = 12;

// Metadata entry (MS-HRL 2.4).
constexpr size_t kByteOffset = 0;
constexpr size_t kEntryChecksum = 8;
constexpr size_t kDataLength = 12;
constexpr size_t kEntryTimeStamp = 16;
constexpr size_t kMetaOperation = 20;
constexpr size_t kDataChecksum = 21;

// "msctlog" and a NUL. The specification calls the cookie an eight-character string
// of which it names seven; its example prints the eighth as a blank, so a space is
// read as well (docs/hrl-format.md).
constexpr char kCookieValue[8] = {'m', 's', 'c', 't', 'l', 'o', 'g', '\0'};
constexpr uint32_t kFileTypeHrl = 0;

Guid LoadGuid(const uint8_t* p) {
  Guid guid;
  std::memcpy(guid.bytes.data(), p, guid.bytes.size());
  return guid;
}

}  // namespace

std::string Where(const std::string& path, const std::string& what, uint64_t offset) {
  return path + ": " + what + " at offset " + std::to_string(offset);
}

Error Corrupt(const std::string& where, const std::string& field, const std::string& expected,
              const std::string& found) {
  return Error(Code::kCorruptData,
               where + ": " + field + " expected " + expected + ", found " + found);
}

Status CheckComplete(const HrlHeader& header) {
  const std::string where = Where(header.path, "log header", 0);
  if (!header.closed()) {
    return Error(Code::kLogNotClosed,
                 where + ": EOLLocation is 0: the log was not closed properly, so the writes it "
                         "holds cannot be trusted to be complete");
  }
  if (header.error_code != 0) {
    return Error(Code::kResyncRequired, where + ": ErrorCode is " + std::to_string(header.error_code) +
                                            ": its writer recorded a failure, so the log cannot be trusted");
  }
  return Ok();
}

std::array<uint8_t, kHeaderSize> EncodeHeader(const HrlHeader& header) {
  std::array<uint8_t, kHeaderSize> out{};
  uint8_t* p = out.data();
  std::memcpy(p + kCookie, kCookieValue, sizeof kCookieValue);
  StoreLE<uint32_t>(p + kLogFormatVersion, header.format_version);
  StoreLE<uint32_t>(p + kTimeStamp, header.timestamp);
  std::memcpy(p + kCreatorApplication, header.creator_application.data(), 4);
  StoreLE<uint32_t>(p + kCreatorVersion, header.creator_version);
  StoreLE<uint64_t>(p + kOriginalSize, header.original_size);
  StoreLE<uint64_t>(p + kCurrentSize, header.current_size);
  StoreLE<uint64_t>(p + kEolLocation, header.eol_location);
  StoreLE<uint32_t>(p + kErrorCode, static_cast<uint32_t>(header.error_code));
  StoreLE<uint32_t>(p + kMetadataSize, header.metadata_size);
  std::memcpy(p + kUniqueId, header.unique_id.bytes.data(), 16);
  std::memcpy(p + kPreviousUniqueId, header.previous_unique_id.bytes.data(), 16);
  StoreLE<uint32_t>(p + kLastModifiedTimeStamp, header.last_modified_timestamp);
  StoreLE<uint64_t>(p + kTotalMetadataEntries, header.total_metadata_entries);
  StoreLE<uint32_t>(p + kFileType, header.file_type);
  if (header.vhd2_data_write_guid) {
    std::memcpy(p + kVhd2DataWriteGuid, header.vhd2_data_write_guid->bytes.data(), 16);
  }
  StoreLE<uint32_t>(p + kHeaderChecksum, ChecksumExcludingField(out, kHeaderChecksum));
  return out;
}

Result<HrlHeader> DecodeHeader(std::span<const uint8_t, kHeaderSize> bytes, const std::string& path) {
  const uint8_t* p = bytes.data();
  const std::string where = Where(path, "log header", 0);
  if (std::memcmp(p + kCookie, kCookieValue, 7) != 0 || (p[7] != '\0' && p[7] != ' ')) {
    return Corrupt(where, "Cookie", "\"msctlog\"", "0x" + HexBytes(bytes.subspan(kCookie, 8)));
  }
  const uint32_t stored = LoadLE<uint32_t>(p + kHeaderChecksum);
  const uint32_t computed = ChecksumExcludingField(bytes, kHeaderChecksum);
  if (stored != computed) return Corrupt(where, "Checksum", Hex32(computed), Hex32(stored));

  HrlHeader header;
  header.path = path;
  header.format_version = LoadLE<uint32_t>(p + kLogFormatVersion);
  if (header.format_version != kHrlVersion1 && header.format_version != kHrlVersion2) {
    return Error(Code::kUnsupported, where + ": LogFormatVersion " + Hex32(header.format_version) +
                                         " is not one hvr reads (" + Hex32(kHrlVersion1) +
                                         " or " + Hex32(kHrlVersion2) + ")");
  }
  header.file_type = LoadLE<uint32_t>(p + kFileType);
  if (header.file_type != kFileTypeHrl) {
    return Error(Code::kUnsupported, where + ": FileType " + std::to_string(header.file_type) +
                                         " is not a replica log (0)");
  }
  header.metadata_size = LoadLE<uint32_t>(p + kMetadataSize);
  if (header.metadata_size < kMinMetadataSize) {
    return Corrupt(where, "MetadataSize", "at least " + std::to_string(kMinMetadataSize),
                   std::to_string(header.metadata_size));
  }
  if (header.metadata_size > kMaxMetadataSize) {
    return Error(Code::kUnsupported, where + ": MetadataSize " +
                                         std::to_string(header.metadata_size) +
                                         " is larger than hvr reads (" +
                                         std::to_string(kMaxMetadataSize) + ")");
  }
  header.timestamp = LoadLE<uint32_t>(p + kTimeStamp);
  std::memcpy(header.creator_application.data(), p + kCreatorApplication, 4);
  header.creator_version = LoadLE<uint32_t>(p + kCreatorVersion);
  header.original_size = LoadLE<uint64_t>(p + kOriginalSize);
  header.current_size = LoadLE<uint64_t>(p + kCurrentSize);
  header.checksum = stored;
  header.eol_location = LoadLE<uint64_t>(p + kEolLocation);
  header.error_code = static_cast<int32_t>(LoadLE<uint32_t>(p + kErrorCode));
  header.unique_id = LoadGuid(p + kUniqueId);
  header.previous_unique_id = LoadGuid(p + kPreviousUniqueId);
  header.last_modified_timestamp = LoadLE<uint32_t>(p + kLastModifiedTimeStamp);
  header.total_metadata_entries = LoadLE<uint64_t>(p + kTotalMetadataEntries);
  if (header.format_version == kHrlVersion2) {
    header.vhd2_data_write_guid = LoadGuid(p + kVhd2DataWriteGuid);
  }
  return header;
}

void EncodeMetadataHeader(const MetadataHeader& header, std::span<uint8_t, kMetadataHeaderSize> out) {
  std::memset(out.data(), 0, out.size());
  StoreLE<uint64_t>(out.data() + kPreviousMetadataLocation, header.previous_metadata_location);
  StoreLE<uint32_t>(out.data() + kValidMetadataEntries, header.valid_metadata_entries);
  StoreLE<uint32_t>(out.data() + kMetadataChecksum, ChecksumExcludingField(out, kMetadataChecksum));
}

Result<MetadataHeader> DecodeMetadataHeader(std::span<const uint8_t, kMetadataHeaderSize> bytes,
                                            const WhereFn& where) {
  const uint32_t stored = LoadLE<uint32_t>(bytes.data() + kMetadataChecksum);
  const uint32_t computed = ChecksumExcludingField(bytes, kMetadataChecksum);
  if (stored != computed) return Corrupt(where(), "Checksum", Hex32(computed), Hex32(stored));
  MetadataHeader header;
  header.previous_metadata_location = LoadLE<uint64_t>(bytes.data() + kPreviousMetadataLocation);
  header.valid_metadata_entries = LoadLE<uint32_t>(bytes.data() + kValidMetadataEntries);
  return header;
}

void EncodeEntry(const MetadataEntry& entry, std::span<uint8_t, kEntrySize> out) {
  uint8_t* p = out.data();
  std::memset(p, 0, out.size());  // Location and Reserved are zero
  StoreLE<uint64_t>(p + kByteOffset, entry.byte_offset);
  StoreLE<uint32_t>(p + kDataLength, entry.data_length);
  StoreLE<uint32_t>(p + kEntryTimeStamp, entry.timestamp);
  p[kMetaOperation] = entry.meta_operation;
  StoreLE<uint32_t>(p + kDataChecksum, entry.data_checksum);
  StoreLE<uint32_t>(p + kEntryChecksum, ChecksumExcludingField(out, kEntryChecksum));
}

Result<MetadataEntry> DecodeEntry(std::span<const uint8_t, kEntrySize> bytes, const WhereFn& where) {
  const uint8_t* p = bytes.data();
  const uint32_t stored = LoadLE<uint32_t>(p + kEntryChecksum);
  const uint32_t computed = ChecksumExcludingField(bytes, kEntryChecksum);
  if (stored != computed) return Corrupt(where(), "Checksum", Hex32(computed), Hex32(stored));
  MetadataEntry entry;
  entry.meta_operation = p[kMetaOperation];
  if (entry.meta_operation != kMetaOperationWrite) {
    return Corrupt(where(), "MetaOperation", "1 (write)", std::to_string(entry.meta_operation));
  }
  entry.byte_offset = LoadLE<uint64_t>(p + kByteOffset);
  entry.data_length = LoadLE<uint32_t>(p + kDataLength);
  entry.timestamp = LoadLE<uint32_t>(p + kEntryTimeStamp);
  entry.data_checksum = LoadLE<uint32_t>(p + kDataChecksum);
  return entry;
}

}  // namespace hrl
}  // namespace hvr

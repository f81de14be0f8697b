#include "disk/vhdx_header.hpp"

#include <cstring>

#include "disk/utf16.hpp"
#include "util/crc32c.hpp"
#include "util/endian.hpp"
#include "util/hex.hpp"

namespace hvr::vhdx {
namespace {

// Field offsets of the header (MS-VHDX 2.2.2).
constexpr size_t kSignature = 0;
constexpr size_t kChecksum = 4;
constexpr size_t kSequenceNumber = 8;
constexpr size_t kFileWriteGuid = 16;
constexpr size_t kDataWriteGuid = 32;
constexpr size_t kLogGuid = 48;
constexpr size_t kLogVersion = 64;
constexpr size_t kVersion = 66;
constexpr size_t kLogLength = 68;
constexpr size_t kLogOffset = 72;

Guid LoadGuid(const uint8_t* p) {
  Guid g;
  std::memcpy(g.bytes.data(), p, 16);
  return g;
}

}  // namespace

std::array<uint8_t, 1024> EncodeFileIdentifier(const std::string& creator) {
  std::array<uint8_t, 1024> out{};
  StoreLE<uint64_t>(out.data(), kFileSignature);
  const std::vector<uint8_t> name = Utf8ToUtf16Le(creator);
  if (!name.empty()) std::memcpy(out.data() + 8, name.data(), std::min<size_t>(name.size(), 510));
  return out;
}

Status CheckFileIdentifier(std::span<const uint8_t> first_bytes, const std::string& path) {
  if (first_bytes.size() < 8 || LoadLE<uint64_t>(first_bytes.data()) != kFileSignature) {
    return Error(Code::kCorruptData,
                 path + ": file type identifier at offset 0: Signature expected \"vhdxfile\", found 0x" +
                     HexBytes(first_bytes.subspan(0, std::min<size_t>(8, first_bytes.size()))));
  }
  return Ok();
}

std::array<uint8_t, kHeaderSize> EncodeHeader(const Header& header) {
  std::array<uint8_t, kHeaderSize> out{};
  uint8_t* p = out.data();
  StoreLE<uint32_t>(p + kSignature, kHeaderSignature);
  StoreLE<uint64_t>(p + kSequenceNumber, header.sequence_number);
  std::memcpy(p + kFileWriteGuid, header.file_write_guid.bytes.data(), 16);
  std::memcpy(p + kDataWriteGuid, header.data_write_guid.bytes.data(), 16);
  std::memcpy(p + kLogGuid, header.log_guid.bytes.data(), 16);
  StoreLE<uint16_t>(p + kLogVersion, header.log_version);
  StoreLE<uint16_t>(p + kVersion, header.version);
  StoreLE<uint32_t>(p + kLogLength, header.log_length);
  StoreLE<uint64_t>(p + kLogOffset, header.log_offset);
  StoreLE<uint32_t>(p + kChecksum, Crc32cWithZeroedField(out, kChecksum));
  return out;
}

Result<Header> DecodeHeader(std::span<const uint8_t, kHeaderSize> bytes, const std::string& where) {
  const uint8_t* p = bytes.data();
  const uint32_t signature = LoadLE<uint32_t>(p + kSignature);
  if (signature != kHeaderSignature) {
    return Error(Code::kCorruptData, where + ": Signature expected \"head\", found " + Hex32(signature));
  }
  const uint32_t stored = LoadLE<uint32_t>(p + kChecksum);
  const uint32_t computed = Crc32cWithZeroedField(bytes, kChecksum);
  if (stored != computed) {
    return Error(Code::kCorruptData,
                 where + ": Checksum expected " + Hex32(computed) + ", found " + Hex32(stored));
  }
  Header h;
  h.sequence_number = LoadLE<uint64_t>(p + kSequenceNumber);
  h.file_write_guid = LoadGuid(p + kFileWriteGuid);
  h.data_write_guid = LoadGuid(p + kDataWriteGuid);
  h.log_guid = LoadGuid(p + kLogGuid);
  h.log_version = LoadLE<uint16_t>(p + kLogVersion);
  h.version = LoadLE<uint16_t>(p + kVersion);
  h.log_length = LoadLE<uint32_t>(p + kLogLength);
  h.log_offset = LoadLE<uint64_t>(p + kLogOffset);
  return h;
}

Result<CurrentHeader> SelectCurrentHeader(const Result<Header>& first, const Result<Header>& second,
                                          const std::string& path, uint64_t file_size) {
  CurrentHeader current;
  if (first.ok() && second.ok()) {
    if (first->sequence_number == second->sequence_number) {
      // Neither is greater: the specification defines no current header. Both equal
      // happens only when a writer wrote the same header twice, so either will do.
      current = {*first, 0};
    } else {
      current = first->sequence_number > second->sequence_number ? CurrentHeader{*first, 0}
                                                                 : CurrentHeader{*second, 1};
    }
  } else if (first.ok()) {
    current = {*first, 0};
  } else if (second.ok()) {
    current = {*second, 1};
  } else {
    return Error(Code::kCorruptData, path + ": no valid header: " + first.error().message() +
                                         "; " + second.error().message());
  }
  const Header& h = current.header;
  const std::string where =
      path + ": header at offset " + std::to_string(kHeaderOffsets[current.slot]);
  if (h.version != 1) {
    return Error(Code::kUnsupported,
                 where + ": Version expected 1, found " + std::to_string(h.version));
  }
  if (h.log_version != 0 && !h.log_guid.IsZero()) {
    return Error(Code::kUnsupported, where + ": LogVersion expected 0 (the only log format " +
                                         "defined), found " + std::to_string(h.log_version));
  }
  if (h.log_length % kAlignment != 0 || h.log_offset % kAlignment != 0) {
    return Error(Code::kCorruptData, where + ": LogOffset " + std::to_string(h.log_offset) +
                                         " and LogLength " + std::to_string(h.log_length) +
                                         " must be multiples of 1 MiB");
  }
  if (h.log_length != 0 &&
      (h.log_offset < kHeaderSectionSize || h.log_offset > file_size ||
       h.log_length > file_size - h.log_offset)) {
    return Error(Code::kCorruptData,
                 where + ": the log at LogOffset " + std::to_string(h.log_offset) + " with LogLength " +
                     std::to_string(h.log_length) + " lies outside the file (header section ends at " +
                     std::to_string(kHeaderSectionSize) + ", file size " + std::to_string(file_size) + ")");
  }
  return current;
}

}  // namespace hvr::vhdx

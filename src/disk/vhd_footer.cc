#include "disk/vhd_footer.hpp"

#include <algorithm>
#include <cstring>

#include "util/endian.hpp"
#include "util/hex.hpp"

namespace hvr::vhd {
namespace {

// Field offsets of the footer (VHD specification, "Hard Disk Footer Format").
constexpr size_t kCookie = 0;
constexpr size_t kFeatures = 8;
constexpr size_t kFormatVersion = 12;
constexpr size_t kDataOffset = 16;
constexpr size_t kTimestamp = 24;
constexpr size_t kCreatorApplication = 28;
constexpr size_t kCreatorVersion = 32;
constexpr size_t kCreatorHostOs = 36;
constexpr size_t kOriginalSize = 40;
constexpr size_t kCurrentSize = 48;
constexpr size_t kGeometry = 56;
constexpr size_t kDiskType = 60;
constexpr size_t kChecksum = 64;
constexpr size_t kUniqueId = 68;
constexpr size_t kSavedState = 84;

constexpr char kCookieValue[8] = {'c', 'o', 'n', 'e', 'c', 't', 'i', 'x'};
constexpr uint32_t kFeaturesReserved = 0x00000002;  // "must always be set"
constexpr uint32_t kFormatVersionValue = 0x00010000;
constexpr uint64_t kMiB = 1024 * 1024;

}  // namespace

uint32_t Checksum(std::span<const uint8_t> bytes, size_t checksum_offset) {
  uint32_t sum = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i >= checksum_offset && i < checksum_offset + 4) continue;
    sum += bytes[i];
  }
  return ~sum;
}

Geometry GeometryFor(uint64_t size_bytes) {
  // The specification's algorithm, on 512-byte sectors.
  uint64_t total_sectors = std::min<uint64_t>(size_bytes / 512, 65535ull * 16 * 255);
  uint64_t sectors_per_track;
  uint64_t heads;
  uint64_t cylinder_times_heads;
  if (total_sectors >= 65535ull * 16 * 63) {
    sectors_per_track = 255;
    heads = 16;
    cylinder_times_heads = total_sectors / sectors_per_track;
  } else {
    sectors_per_track = 17;
    cylinder_times_heads = total_sectors / sectors_per_track;
    heads = std::max<uint64_t>((cylinder_times_heads + 1023) / 1024, 4);
    if (cylinder_times_heads >= heads * 1024 || heads > 16) {
      sectors_per_track = 31;
      heads = 16;
      cylinder_times_heads = total_sectors / sectors_per_track;
    }
    if (cylinder_times_heads >= heads * 1024) {
      sectors_per_track = 63;
      heads = 16;
      cylinder_times_heads = total_sectors / sectors_per_track;
    }
  }
  return Geometry{static_cast<uint16_t>(cylinder_times_heads / heads), static_cast<uint8_t>(heads),
                  static_cast<uint8_t>(sectors_per_track)};
}

Result<Footer> MakeFixedFooter(uint64_t size_bytes, const Guid& unique_id, TimePoint created) {
  if (size_bytes == 0 || size_bytes % kMiB != 0) {
    return Error(Code::kInvalidArgument,
                 "a fixed VHD for Azure needs a virtual size that is a positive whole number "
                 "of MiB; got " + std::to_string(size_bytes) + " bytes");
  }
  Footer footer;
  footer.data_offset = kNoDataOffset;
  footer.timestamp = VhdTimestamp(created);
  footer.original_size = size_bytes;
  footer.current_size = size_bytes;
  footer.geometry = GeometryFor(size_bytes);
  footer.disk_type = DiskType::kFixed;
  footer.unique_id = unique_id;
  return footer;
}

Result<Footer> GrowFixedFooter(const Footer& footer, uint64_t size_bytes) {
  // The rules for a size (whole MiB, its geometry) are MakeFixedFooter's.
  HVR_ASSIGN_OR_RETURN(const Footer sized, MakeFixedFooter(size_bytes, footer.unique_id, TimePoint{}));
  Footer grown = footer;
  grown.current_size = sized.current_size;
  grown.geometry = sized.geometry;
  return grown;
}

std::array<uint8_t, kFooterSize> Encode(const Footer& footer) {
  std::array<uint8_t, kFooterSize> out{};
  uint8_t* p = out.data();
  std::memcpy(p + kCookie, kCookieValue, sizeof kCookieValue);
  StoreBE<uint32_t>(p + kFeatures, kFeaturesReserved);
  StoreBE<uint32_t>(p + kFormatVersion, kFormatVersionValue);
  StoreBE<uint64_t>(p + kDataOffset, footer.data_offset);
  StoreBE<uint32_t>(p + kTimestamp, footer.timestamp);
  std::memcpy(p + kCreatorApplication, footer.creator_application.data(), 4);
  StoreBE<uint32_t>(p + kCreatorVersion, footer.creator_version);
  std::memcpy(p + kCreatorHostOs, footer.creator_host_os.data(), 4);
  StoreBE<uint64_t>(p + kOriginalSize, footer.original_size);
  StoreBE<uint64_t>(p + kCurrentSize, footer.current_size);
  StoreBE<uint16_t>(p + kGeometry, footer.geometry.cylinders);
  p[kGeometry + 2] = footer.geometry.heads;
  p[kGeometry + 3] = footer.geometry.sectors_per_track;
  StoreBE<uint32_t>(p + kDiskType, static_cast<uint32_t>(footer.disk_type));
  std::memcpy(p + kUniqueId, footer.unique_id.bytes.data(), 16);
  p[kSavedState] = footer.saved_state;
  StoreBE<uint32_t>(p + kChecksum, Checksum(out, kChecksum));
  return out;
}

Result<Footer> Decode(std::span<const uint8_t, kFooterSize> bytes, const std::string& where) {
  const uint8_t* p = bytes.data();
  const auto corrupt = [&](const char* field, const std::string& expected,
                           const std::string& found) {
    return Error(Code::kCorruptData, where + ": " + field + " expected " + expected + ", found " +
                                         found);
  };
  if (std::memcmp(p + kCookie, kCookieValue, sizeof kCookieValue) != 0) {
    return corrupt("Cookie", "\"conectix\"", "0x" + HexBytes(bytes.subspan(kCookie, 8)));
  }
  const uint32_t version = LoadBE<uint32_t>(p + kFormatVersion);
  if ((version >> 16) != 1) {
    return corrupt("File Format Version", "major version 1", Hex32(version));
  }
  const uint32_t stored = LoadBE<uint32_t>(p + kChecksum);
  const uint32_t computed = Checksum(bytes, kChecksum);
  if (stored != computed) return corrupt("Checksum", Hex32(computed), Hex32(stored));
  const uint32_t type = LoadBE<uint32_t>(p + kDiskType);
  if (type != 2 && type != 3 && type != 4) {
    return corrupt("Disk Type", "2 (fixed), 3 (dynamic) or 4 (differencing)", std::to_string(type));
  }
  Footer footer;
  footer.data_offset = LoadBE<uint64_t>(p + kDataOffset);
  footer.timestamp = LoadBE<uint32_t>(p + kTimestamp);
  std::memcpy(footer.creator_application.data(), p + kCreatorApplication, 4);
  footer.creator_version = LoadBE<uint32_t>(p + kCreatorVersion);
  std::memcpy(footer.creator_host_os.data(), p + kCreatorHostOs, 4);
  footer.original_size = LoadBE<uint64_t>(p + kOriginalSize);
  footer.current_size = LoadBE<uint64_t>(p + kCurrentSize);
  footer.geometry = Geometry{LoadBE<uint16_t>(p + kGeometry), p[kGeometry + 2], p[kGeometry + 3]};
  footer.disk_type = static_cast<DiskType>(type);
  std::memcpy(footer.unique_id.bytes.data(), p + kUniqueId, 16);
  footer.saved_state = p[kSavedState];
  return footer;
}

}  // namespace hvr::vhd

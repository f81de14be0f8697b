#include "disk/vhd_dynamic_header.hpp"

#include <cstring>

#include "disk/utf16.hpp"
#include "disk/vhd_footer.hpp"
#include "util/endian.hpp"
#include "util/hex.hpp"

namespace hvr::vhd {
namespace {

constexpr size_t kCookie = 0;
constexpr size_t kDataOffset = 8;
constexpr size_t kTableOffset = 16;
constexpr size_t kHeaderVersion = 24;
constexpr size_t kMaxTableEntries = 28;
constexpr size_t kBlockSize = 32;
constexpr size_t kChecksum = 36;
constexpr size_t kParentUniqueId = 40;
constexpr size_t kParentTimestamp = 56;
constexpr size_t kParentName = 64;
constexpr size_t kParentNameSize = 512;
constexpr size_t kLocators = 576;
constexpr size_t kLocatorSize = 24;

constexpr char kCookieValue[8] = {'c', 'x', 's', 'p', 'a', 'r', 's', 'e'};
constexpr uint32_t kVersion = 0x00010000;

}  // namespace

std::array<uint8_t, kDynamicHeaderSize> EncodeDynamicHeader(const DynamicHeader& header) {
  std::array<uint8_t, kDynamicHeaderSize> out{};
  uint8_t* p = out.data();
  std::memcpy(p + kCookie, kCookieValue, 8);
  StoreBE<uint64_t>(p + kDataOffset, ~uint64_t{0});
  StoreBE<uint64_t>(p + kTableOffset, header.table_offset);
  StoreBE<uint32_t>(p + kHeaderVersion, kVersion);
  StoreBE<uint32_t>(p + kMaxTableEntries, header.max_table_entries);
  StoreBE<uint32_t>(p + kBlockSize, header.block_size);
  std::memcpy(p + kParentUniqueId, header.parent_unique_id.bytes.data(), 16);
  StoreBE<uint32_t>(p + kParentTimestamp, header.parent_timestamp);
  const std::vector<uint8_t> name = Utf8ToUtf16Be(header.parent_name);
  if (!name.empty()) std::memcpy(p + kParentName, name.data(), std::min(name.size(), kParentNameSize));
  for (size_t i = 0; i < header.locators.size(); ++i) {
    uint8_t* e = p + kLocators + i * kLocatorSize;
    StoreBE<uint32_t>(e, header.locators[i].platform_code);
    StoreBE<uint32_t>(e + 4, header.locators[i].data_space);
    StoreBE<uint32_t>(e + 8, header.locators[i].data_length);
    StoreBE<uint64_t>(e + 16, header.locators[i].data_offset);
  }
  StoreBE<uint32_t>(p + kChecksum, Checksum(out, kChecksum));
  return out;
}

Result<DynamicHeader> DecodeDynamicHeader(std::span<const uint8_t, kDynamicHeaderSize> bytes,
                                          const std::string& where) {
  const uint8_t* p = bytes.data();
  const auto corrupt = [&](const std::string& what) { return Error(Code::kCorruptData, where + ": " + what); };
  if (std::memcmp(p + kCookie, kCookieValue, 8) != 0) {
    return corrupt("Cookie expected \"cxsparse\", found 0x" + HexBytes(bytes.subspan(0, 8)));
  }
  const uint32_t version = LoadBE<uint32_t>(p + kHeaderVersion);
  if (version != kVersion) return corrupt("Header Version expected 0x00010000, found " + Hex32(version));
  const uint32_t stored = LoadBE<uint32_t>(p + kChecksum);
  const uint32_t computed = Checksum(bytes, kChecksum);
  if (stored != computed) return corrupt("Checksum expected " + Hex32(computed) + ", found " + Hex32(stored));
  DynamicHeader h;
  h.table_offset = LoadBE<uint64_t>(p + kTableOffset);
  h.max_table_entries = LoadBE<uint32_t>(p + kMaxTableEntries);
  h.block_size = LoadBE<uint32_t>(p + kBlockSize);
  std::memcpy(h.parent_unique_id.bytes.data(), p + kParentUniqueId, 16);
  h.parent_timestamp = LoadBE<uint32_t>(p + kParentTimestamp);
  // The name is NUL-terminated inside its 512 bytes.
  size_t name_length = 0;
  while (name_length + 1 < kParentNameSize && (p[kParentName + name_length] | p[kParentName + name_length + 1]) != 0) {
    name_length += 2;
  }
  h.parent_name = Utf16BeToUtf8(bytes.subspan(kParentName, name_length));
  for (size_t i = 0; i < h.locators.size(); ++i) {
    const uint8_t* e = p + kLocators + i * kLocatorSize;
    h.locators[i] = {LoadBE<uint32_t>(e), LoadBE<uint32_t>(e + 4), LoadBE<uint32_t>(e + 8), LoadBE<uint64_t>(e + 16)};
  }
  return h;
}

}  // namespace hvr::vhd

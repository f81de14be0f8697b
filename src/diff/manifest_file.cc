// The manifest file (docs/chunk-diff.md, "Manifest file"): a 64-byte little-endian header,
// then one 16-byte entry per chunk (low then high half of the hash, little-endian).
#include <bit>
#include <cstring>
#include <new>
#include <type_traits>

#include "diff/chunk_hash.hpp"
#include "hvr/manifest.hpp"
#include "util/endian.hpp"
#include "util/file.hpp"
#include "util/hex.hpp"

namespace hvr {
namespace {

// The hash table is the in-memory table, byte for byte: loading and saving a manifest of
// hundreds of MiB costs no conversion and no second copy.
static_assert(std::endian::native == std::endian::little,
              "manifest tables are stored in memory as in the file (little-endian)");
static_assert(sizeof(ChunkHash) == 16 && std::is_standard_layout_v<ChunkHash> &&
              offsetof(ChunkHash, low) == 0 && offsetof(ChunkHash, high) == 8);

constexpr char kMagic[8] = {'h', 'v', 'r', 'm', 'a', 'n', 'i', 'f'};
constexpr uint32_t kVersion = 1;
constexpr uint32_t kHeaderSize = 64;
constexpr size_t kEntrySize = sizeof(ChunkHash);

// Header fields: offset and name, as error messages give them.
struct Field {
  size_t offset;
  const char* name;
};
constexpr Field kMagicField{0, "Magic"};
constexpr Field kVersionField{8, "Version"};
constexpr Field kHeaderSizeField{12, "HeaderSize"};
constexpr Field kAlgorithmField{16, "Algorithm"};
constexpr Field kChunkSizeField{20, "ChunkSize"};
constexpr Field kDiskSizeField{24, "DiskSize"};
constexpr Field kChunkCountField{32, "ChunkCount"};
constexpr Field kTableChecksumField{40, "TableChecksum"};
constexpr Field kReservedField{48, "Reserved"};  // 8 bytes, zero in version 1
// Every version keeps Magic, Version and this checksum over the first 64 bytes where they
// are, so a damaged header is told apart from one a newer version wrote.
constexpr Field kHeaderChecksumField{56, "HeaderChecksum"};

struct Header {
  uint32_t chunk_size = 0;
  uint64_t disk_size = 0;
  uint64_t chunk_count = 0;
  uint64_t table_checksum = 0;
};

std::span<const uint8_t> TableBytes(std::span<const ChunkHash> table) {
  return {reinterpret_cast<const uint8_t*>(table.data()), table.size_bytes()};
}

uint64_t HeaderChecksum(std::span<const uint8_t, kHeaderSize> header) {
  std::array<uint8_t, kHeaderSize> copy;
  std::memcpy(copy.data(), header.data(), kHeaderSize);
  StoreLE<uint64_t>(copy.data() + kHeaderChecksumField.offset, 0);
  return Checksum64(copy);
}

std::array<uint8_t, kHeaderSize> EncodeHeader(const Manifest& manifest) {
  std::array<uint8_t, kHeaderSize> out{};
  uint8_t* p = out.data();
  std::memcpy(p + kMagicField.offset, kMagic, sizeof kMagic);
  StoreLE<uint32_t>(p + kVersionField.offset, kVersion);
  StoreLE<uint32_t>(p + kHeaderSizeField.offset, kHeaderSize);
  StoreLE<uint32_t>(p + kAlgorithmField.offset, static_cast<uint32_t>(manifest.algorithm()));
  StoreLE<uint32_t>(p + kChunkSizeField.offset, manifest.chunk_size());
  StoreLE<uint64_t>(p + kDiskSizeField.offset, manifest.disk_size());
  StoreLE<uint64_t>(p + kChunkCountField.offset, manifest.chunk_count());
  StoreLE<uint64_t>(p + kTableChecksumField.offset, Checksum64(TableBytes(manifest.hashes())));
  StoreLE<uint64_t>(p + kHeaderChecksumField.offset, HeaderChecksum(out));
  return out;
}

// "where: manifest header at offset 0: Field (offset N) expected X, found Y".
Error HeaderError(Code code, const std::string& where, const Field& field,
                  const std::string& expected, const std::string& found) {
  return Error(code, where + ": manifest header at offset 0: " + field.name + " (offset " +
                         std::to_string(field.offset) + ") expected " + expected + ", found " +
                         found);
}

// Validates the header of a file of `file_size` bytes whose first bytes are `bytes`
// (all of them when shorter than a header).
Result<Header> DecodeHeader(std::span<const uint8_t> bytes, uint64_t file_size,
                            const std::string& where) {
  if (bytes.size() >= sizeof kMagic && std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    return HeaderError(Code::kCorruptData, where + ": not an hvr manifest", kMagicField,
                       "\"hvrmanif\"", "0x" + HexBytes(bytes.subspan(0, sizeof kMagic)));
  }
  if (bytes.size() < kHeaderSize) {
    return Error(Code::kCorruptData, where + ": truncated manifest: the file has " +
                                         std::to_string(file_size) + " bytes, its header needs " +
                                         std::to_string(kHeaderSize));
  }
  const uint8_t* p = bytes.data();
  const uint64_t stored_checksum = LoadLE<uint64_t>(p + kHeaderChecksumField.offset);
  const uint64_t checksum = HeaderChecksum(bytes.first<kHeaderSize>());
  if (stored_checksum != checksum) {
    return HeaderError(Code::kCorruptData, where, kHeaderChecksumField, Hex64(checksum),
                       Hex64(stored_checksum));
  }
  const uint32_t version = LoadLE<uint32_t>(p + kVersionField.offset);
  if (version > kVersion) {
    return HeaderError(Code::kUnsupported, where, kVersionField,
                       std::to_string(kVersion) + " (a newer hvr wrote this manifest)",
                       std::to_string(version));
  }
  if (version != kVersion) {
    return HeaderError(Code::kCorruptData, where, kVersionField, std::to_string(kVersion),
                       std::to_string(version));
  }
  const uint32_t header_size = LoadLE<uint32_t>(p + kHeaderSizeField.offset);
  if (header_size != kHeaderSize) {
    return HeaderError(Code::kCorruptData, where, kHeaderSizeField, std::to_string(kHeaderSize),
                       std::to_string(header_size));
  }
  const uint32_t algorithm = LoadLE<uint32_t>(p + kAlgorithmField.offset);
  if (algorithm != static_cast<uint32_t>(HashAlgorithm::kXxh3_128)) {
    return HeaderError(Code::kUnsupported, where, kAlgorithmField, "1 (xxh3-128)",
                       std::to_string(algorithm));
  }
  if (const uint64_t reserved = LoadLE<uint64_t>(p + kReservedField.offset); reserved != 0) {
    return HeaderError(Code::kCorruptData, where, kReservedField, "0", Hex64(reserved));
  }
  Header header;
  header.chunk_size = LoadLE<uint32_t>(p + kChunkSizeField.offset);
  header.disk_size = LoadLE<uint64_t>(p + kDiskSizeField.offset);
  header.chunk_count = LoadLE<uint64_t>(p + kChunkCountField.offset);
  header.table_checksum = LoadLE<uint64_t>(p + kTableChecksumField.offset);
  if (const Status s = ValidateChunkSize(header.chunk_size); !s.ok()) {
    return HeaderError(Code::kCorruptData, where, kChunkSizeField,
                       "a power of two from 4096 to 4194304", std::to_string(header.chunk_size));
  }
  const uint64_t chunks =
      header.disk_size / header.chunk_size + (header.disk_size % header.chunk_size != 0 ? 1 : 0);
  if (header.chunk_count != chunks) {
    return HeaderError(Code::kCorruptData, where, kChunkCountField,
                       std::to_string(chunks) + " (DiskSize / ChunkSize, rounded up)",
                       std::to_string(header.chunk_count));
  }
  // chunk_count <= 2^52 here, so the table size cannot overflow.
  const uint64_t expected_size = kHeaderSize + header.chunk_count * kEntrySize;
  if (file_size < expected_size) {
    return Error(Code::kCorruptData,
                 where + ": truncated manifest: the hash table of " +
                     std::to_string(header.chunk_count) + " chunks needs " +
                     std::to_string(header.chunk_count * kEntrySize) + " bytes at offset " +
                     std::to_string(kHeaderSize) + ", the file has " + std::to_string(file_size) +
                     " bytes in all");
  }
  if (file_size > expected_size) {
    return Error(Code::kCorruptData, where + ": " + std::to_string(file_size - expected_size) +
                                         " unexpected bytes after the hash table at offset " +
                                         std::to_string(expected_size));
  }
  return header;
}

Result<std::vector<ChunkHash>> AllocateTable(const Header& header, const std::string& where) {
  try {
    return std::vector<ChunkHash>(static_cast<size_t>(header.chunk_count));
  } catch (const std::bad_alloc&) {
    return Error(Code::kLowMemory, where + ": cannot allocate the hash table of " +
                                       std::to_string(header.chunk_count) + " chunks");
  }
}

// Checks the table against the header and `expected`, then makes the manifest.
Result<Manifest> Finish(const Header& header, std::vector<ChunkHash> table,
                        const ManifestExpectation& expected, const std::string& where) {
  const uint64_t checksum = Checksum64(TableBytes(table));
  if (checksum != header.table_checksum) {
    return Error(Code::kCorruptData, where + ": hash table at offset " +
                                         std::to_string(kHeaderSize) +
                                         ": checksum expected " + Hex64(header.table_checksum) +
                                         " (TableChecksum), found " + Hex64(checksum));
  }
  if (expected.disk_size && *expected.disk_size != header.disk_size) {
    return HeaderError(Code::kInvalidArgument, where + ": manifest of another disk size",
                       kDiskSizeField, std::to_string(*expected.disk_size),
                       std::to_string(header.disk_size));
  }
  if (expected.chunk_size && *expected.chunk_size != header.chunk_size) {
    return HeaderError(Code::kInvalidArgument, where + ": manifest of another chunk size",
                       kChunkSizeField, std::to_string(*expected.chunk_size),
                       std::to_string(header.chunk_size));
  }
  return Manifest::FromHashes(header.disk_size, header.chunk_size, std::move(table));
}

}  // namespace

bool LooksLikeManifest(std::span<const uint8_t> bytes) {
  return bytes.size() >= sizeof kMagic && std::memcmp(bytes.data(), kMagic, sizeof kMagic) == 0;
}

std::string EncodeManifest(const Manifest& manifest) {
  const auto header = EncodeHeader(manifest);
  const auto table = TableBytes(manifest.hashes());
  std::string out;
  out.reserve(header.size() + table.size());
  out.append(reinterpret_cast<const char*>(header.data()), header.size());
  out.append(reinterpret_cast<const char*>(table.data()), table.size());
  return out;
}

Result<Manifest> DecodeManifest(std::span<const uint8_t> bytes, const std::string& where) {
  HVR_ASSIGN_OR_RETURN(const Header header, DecodeHeader(bytes, bytes.size(), where));
  HVR_ASSIGN_OR_RETURN(std::vector<ChunkHash> table, AllocateTable(header, where));
  if (!table.empty()) std::memcpy(table.data(), bytes.data() + kHeaderSize, table.size() * kEntrySize);
  return Finish(header, std::move(table), {}, where);
}

Status SaveManifest(const Manifest& manifest, const std::string& path) {
  const auto header = EncodeHeader(manifest);
  const auto table = TableBytes(manifest.hashes());
  const std::string_view pieces[] = {
      {reinterpret_cast<const char*>(header.data()), header.size()},
      {reinterpret_cast<const char*>(table.data()), table.size()}};
  return WriteFileAtomically(path, pieces);
}

Result<Manifest> LoadManifest(const std::string& path, const ManifestExpectation& expected) {
  HVR_ASSIGN_OR_RETURN(File file, File::Open(path, File::Mode::kRead));
  HVR_ASSIGN_OR_RETURN(const uint64_t size, file.Size());
  std::array<uint8_t, kHeaderSize> head{};
  HVR_ASSIGN_OR_RETURN(const size_t got, file.ReadSomeAt(0, head));
  HVR_ASSIGN_OR_RETURN(const Header header, DecodeHeader(std::span(head.data(), got), size, path));
  HVR_ASSIGN_OR_RETURN(std::vector<ChunkHash> table, AllocateTable(header, path));
  HVR_RETURN_IF_ERROR(file.ReadAt(
      kHeaderSize, std::span(reinterpret_cast<uint8_t*>(table.data()), table.size() * kEntrySize)));
  return Finish(header, std::move(table), expected, path);
}

}  // namespace hvr

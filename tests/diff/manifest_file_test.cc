#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "diff/chunk_hash.hpp"
#include "hvr/manifest.hpp"
#include "test_util/sizes.hpp"
#include "test_util/temp_dir.hpp"
#include "util/endian.hpp"
#include "util/file.hpp"

namespace hvr {
namespace {

using test::k4K;

// A manifest with zero, unknown and ordinary entries and a short last chunk.
Manifest Sample() {
  auto m = *Manifest::Zeros(40 * k4K + 1234, k4K);
  std::mt19937_64 rng(7);
  for (uint64_t i = 0; i < m.chunk_count(); i += 2) m.set_hash(i, ChunkHash{rng(), rng()});
  m.set_hash(5, ChunkHash::Unknown());
  return m;
}

std::string Bytes(const std::string& path) { return *ReadWholeFile(path); }

void Write(const std::string& path, std::string_view content) {
  ASSERT_TRUE(WriteFileAtomically(path, content).ok());
}

// Rewrites the header checksum after a deliberate edit, so the edit itself is what the
// loader has to catch.
void Reseal(std::string& file) {
  auto* p = reinterpret_cast<uint8_t*>(file.data());
  StoreLE<uint64_t>(p + 56, 0);
  StoreLE<uint64_t>(p + 56, Checksum64(std::span<const uint8_t>(p, 64)));
}

Error LoadError(const std::string& path, const ManifestExpectation& expected = {}) {
  auto m = LoadManifest(path, expected);
  EXPECT_FALSE(m.ok());
  return m.ok() ? Error(Code::kOk, "") : m.error();
}

void ExpectMessage(const Error& error, Code code, std::initializer_list<std::string> parts) {
  EXPECT_EQ(error.code(), code) << error.ToString();
  for (const auto& part : parts) {
    EXPECT_NE(error.message().find(part), std::string::npos)
        << "'" << part << "' missing from: " << error.message();
  }
}

TEST(ManifestFileTest, SaveAndLoadRoundTrip) {
  TempDir dir;
  const Manifest m = Sample();
  const std::string path = dir.File("m.hvrm");
  ASSERT_TRUE(SaveManifest(m, path).ok());
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  EXPECT_EQ(std::filesystem::file_size(path), 64 + 16 * m.chunk_count());
  auto loaded = LoadManifest(path, {m.disk_size(), m.chunk_size()});
  ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
  EXPECT_EQ(*loaded, m);
  EXPECT_EQ(loaded->algorithm(), HashAlgorithm::kXxh3_128);

  // Saving again replaces the file whole.
  auto smaller = *Manifest::Zeros(k4K, k4K);
  ASSERT_TRUE(SaveManifest(smaller, path).ok());
  EXPECT_EQ(*LoadManifest(path), smaller);
}

TEST(ManifestFileTest, EncodeIsTheFileFormat) {
  TempDir dir;
  const Manifest m = Sample();
  ASSERT_TRUE(SaveManifest(m, dir.File("m")).ok());
  const std::string encoded = EncodeManifest(m);
  EXPECT_EQ(encoded, Bytes(dir.File("m")));
  EXPECT_TRUE(LooksLikeManifest(std::span(reinterpret_cast<const uint8_t*>(encoded.data()), 8)));
  auto decoded = DecodeManifest(std::span(reinterpret_cast<const uint8_t*>(encoded.data()), encoded.size()), "mem");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, m);
  // The header: magic, version 1, header size 64, algorithm 1, chunk size, disk size.
  const auto* p = reinterpret_cast<const uint8_t*>(encoded.data());
  EXPECT_EQ(encoded.substr(0, 8), "hvrmanif");
  EXPECT_EQ(LoadLE<uint32_t>(p + 8), 1u);
  EXPECT_EQ(LoadLE<uint32_t>(p + 12), 64u);
  EXPECT_EQ(LoadLE<uint32_t>(p + 16), 1u);
  EXPECT_EQ(LoadLE<uint32_t>(p + 20), k4K);
  EXPECT_EQ(LoadLE<uint64_t>(p + 24), m.disk_size());
  EXPECT_EQ(LoadLE<uint64_t>(p + 32), m.chunk_count());
  EXPECT_EQ(LoadLE<uint64_t>(p + 64 + 16 * 2), m.hash(2).low);
  EXPECT_EQ(LoadLE<uint64_t>(p + 64 + 16 * 2 + 8), m.hash(2).high);
}

TEST(ManifestFileTest, TruncatedFilesSayWhatIsMissing) {
  TempDir dir;
  const std::string good = EncodeManifest(Sample());
  const std::string path = dir.File("t.hvrm");
  for (size_t cut : {size_t{0}, size_t{5}, size_t{8}, size_t{63}}) {
    Write(path, std::string_view(good).substr(0, cut));
    ExpectMessage(LoadError(path), Code::kCorruptData,
                  {path, "truncated manifest", "the file has " + std::to_string(cut) + " bytes",
                   "header needs 64"});
  }
  for (size_t cut : {size_t{64}, size_t{65}, good.size() - 1}) {
    Write(path, std::string_view(good).substr(0, cut));
    ExpectMessage(LoadError(path), Code::kCorruptData,
                  {path, "truncated manifest", "hash table of 41 chunks needs 656 bytes at offset 64",
                   "the file has " + std::to_string(cut)});
  }
  Write(path, good + "xyz");
  ExpectMessage(LoadError(path), Code::kCorruptData, {"3 unexpected bytes after the hash table at offset 720"});
}

TEST(ManifestFileTest, DamagedHeaderOrTableFailsItsChecksum) {
  TempDir dir;
  const std::string good = EncodeManifest(Sample());
  const std::string path = dir.File("d.hvrm");

  std::string header = good;
  header[24] ^= 0x10;  // DiskSize
  Write(path, header);
  ExpectMessage(LoadError(path), Code::kCorruptData,
                {path, "manifest header at offset 0", "HeaderChecksum (offset 56) expected 0x"});

  std::string table = good;
  table[64 + 16 * 3 + 9] ^= 1;  // one bit of chunk 3's hash
  Write(path, table);
  ExpectMessage(LoadError(path), Code::kCorruptData,
                {path, "hash table at offset 64", "checksum expected 0x", "found 0x"});

  std::string magic = good;
  magic[0] = 'X';
  Write(path, magic);
  ExpectMessage(LoadError(path), Code::kCorruptData, {"not an hvr manifest", "Magic", "\"hvrmanif\""});
}

TEST(ManifestFileTest, FieldsAreCheckedEvenWithAValidChecksum) {
  TempDir dir;
  const std::string good = EncodeManifest(Sample());
  const std::string path = dir.File("f.hvrm");
  const auto edit = [&](size_t offset, auto value) {
    std::string file = good;
    StoreLE(reinterpret_cast<uint8_t*>(file.data()) + offset, value);
    Reseal(file);
    Write(path, file);
    return LoadError(path);
  };
  ExpectMessage(edit(8, uint32_t{2}), Code::kUnsupported, {"Version (offset 8) expected 1", "newer", "found 2"});
  ExpectMessage(edit(8, uint32_t{0}), Code::kCorruptData, {"Version (offset 8) expected 1, found 0"});
  ExpectMessage(edit(12, uint32_t{128}), Code::kCorruptData, {"HeaderSize (offset 12) expected 64, found 128"});
  ExpectMessage(edit(16, uint32_t{9}), Code::kUnsupported, {"Algorithm (offset 16)", "found 9"});
  ExpectMessage(edit(20, uint32_t{3000}), Code::kCorruptData, {"ChunkSize (offset 20)", "found 3000"});
  ExpectMessage(edit(32, uint64_t{40}), Code::kCorruptData, {"ChunkCount (offset 32) expected 41", "found 40"});
  ExpectMessage(edit(48, uint64_t{1}), Code::kCorruptData, {"Reserved (offset 48) expected 0"});
}

TEST(ManifestFileTest, ExpectationsNameTheField) {
  TempDir dir;
  const Manifest m = Sample();
  const std::string path = dir.File("e.hvrm");
  ASSERT_TRUE(SaveManifest(m, path).ok());
  ExpectMessage(LoadError(path, {m.disk_size() + 512, std::nullopt}), Code::kInvalidArgument,
                {path, "another disk size", "DiskSize (offset 24) expected " + std::to_string(m.disk_size() + 512),
                 "found " + std::to_string(m.disk_size())});
  ExpectMessage(LoadError(path, {std::nullopt, 65536u}), Code::kInvalidArgument,
                {path, "another chunk size", "ChunkSize (offset 20) expected 65536, found 4096"});
}

TEST(ManifestFileTest, MissingFileIsNotFound) {
  ExpectMessage(LoadError("/nonexistent/m.hvrm"), Code::kNotFound, {"/nonexistent/m.hvrm"});
}

}  // namespace
}  // namespace hvr

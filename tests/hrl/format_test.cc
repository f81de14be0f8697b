// The structures of MS-HRL section 2, and section 3's example as a test vector.
#include "hrl/hrl_format.hpp"

#include <gtest/gtest.h>

#include "hrl/checksum.hpp"
#include "hrl/hrl_test_util.hpp"
#include "test_util/temp_dir.hpp"
#include "util/endian.hpp"

namespace hvr::hrl {
namespace {

// MS-HRL section 3, metadata #2: MetaDataId, Length, ByteOffset, Timestamp, Checksum, in
// the order they were written (the specification prints them last to first).
struct ExampleEntry {
  uint32_t length;
  uint64_t byte_offset;
  uint32_t timestamp;
  uint32_t checksum;
};
constexpr ExampleEntry kExample[58] = {
    {4096, 3626348544, 539842381, 4294966608}, {4096, 8026886144, 539842381, 4294966558},
    {4096, 3699798016, 539842381, 4294966571}, {4096, 3700805632, 539842381, 4294966460},
    {4096, 4111884288, 539842381, 4294966674}, {2048, 139466752, 539842381, 4294966933},
    {2048, 147937280, 539842381, 4294966740},  {4096, 7792644096, 539842381, 4294966626},
    {4096, 3699830784, 539842381, 4294966443}, {4096, 3709980672, 539842381, 4294966575},
    {4096, 3722543104, 539842381, 4294966463}, {4096, 3626344448, 539842381, 4294966624},
    {4096, 7792652288, 539842381, 4294966594}, {4096, 3699900416, 539842381, 4294966681},
    {4096, 3734429696, 539842381, 4294966441}, {12288, 3699957760, 539842381, 4294966425},
    {4096, 3737313280, 539842381, 4294966397}, {4096, 3743948800, 539842381, 4294966742},
    {512, 138656768, 539842381, 4294966788},   {512, 139058688, 539842381, 4294966748},
    {8192, 3757490176, 539842381, 4294966360}, {4096, 3760070656, 539842381, 4294966751},
    {1024, 135266304, 539842382, 4294967024},  {8192, 3771551744, 539842382, 4294966511},
    {4096, 3771564032, 539842382, 4294966479}, {512, 138656768, 539842382, 4294966787},
    {512, 139058688, 539842382, 4294966747},   {16384, 3774267392, 539842382, 4294966326},
    {4096, 3774308352, 539842382, 4294966469}, {4096, 3774361600, 539842382, 4294966516},
    {8192, 3626414080, 539842382, 4294966590}, {4096, 3777036288, 539842382, 4294966778},
    {8192, 3792945152, 539842382, 4294966583}, {4096, 3626352640, 539842382, 4294966591},
    {8192, 3793145856, 539842382, 4294966564}, {4096, 3793178624, 539842382, 4294966707},
    {512, 3676929536, 539842382, 4294966664},  {4096, 3793252352, 539842382, 4294966674},
    {4096, 3794485248, 539842382, 4294966703}, {31232, 3673733120, 539842382, 4294966280},
    {4096, 3626418176, 539842382, 4294966590}, {31232, 3673764352, 539842382, 4294966413},
    {4096, 3626352640, 539842382, 4294966591}, {4096, 3626418176, 539842382, 4294966590},
    {4096, 3694907392, 539842382, 4294966549}, {8192, 3700453376, 539842382, 4294966544},
    {4096, 3626352640, 539842382, 4294966591}, {4096, 3704586240, 539842382, 4294966481},
    {8192, 3737305088, 539842382, 4294966412}, {4096, 3793489920, 539842382, 4294966766},
    {4096, 10188185600, 539842382, 4294966776}, {4096, 3628867584, 539842382, 4294966712},
    {4096, 3626414080, 539842382, 4294966606}, {4096, 3626340352, 539842382, 4294966639},
    {4096, 3628871680, 539842382, 4294966696}, {8192, 3626348544, 539842382, 4294966591},
    {4096, 3626344448, 539842382, 4294966623}, {4096, 3626340352, 539842382, 4294966639},
};

TEST(HrlFormatTest, ExampleEntryChecksumsAreReproduced) {
  // The example's entries carry no DataChecksum (docs/hrl-format.md): with DataChecksum
  // 0, every entry checksum the specification prints comes out exactly.
  uint64_t total = 0;
  for (const ExampleEntry& e : kExample) {
    std::array<uint8_t, kEntrySize> bytes;
    EncodeEntry({e.byte_offset, e.length, e.timestamp, kMetaOperationWrite, 0}, bytes);
    EXPECT_EQ(LoadLE<uint32_t>(bytes.data() + 8), e.checksum) << e.byte_offset;
    auto decoded = DecodeEntry(bytes, test::At("example"));
    ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
    EXPECT_EQ(decoded->byte_offset, e.byte_offset);
    EXPECT_EQ(decoded->data_length, e.length);
    EXPECT_EQ(decoded->timestamp, e.timestamp);
    total += e.length;
  }
  EXPECT_EQ(total, 320000u);
}

TEST(HrlFormatTest, ExampleMetadataHeaderChecksumsAreReproduced) {
  std::array<uint8_t, kMetadataHeaderSize> first;
  EncodeMetadataHeader({0, 0}, first);
  EXPECT_EQ(LoadLE<uint32_t>(first.data() + 12), 4294967295u);
  std::array<uint8_t, kMetadataHeaderSize> second;
  EncodeMetadataHeader({324096, 58}, second);
  EXPECT_EQ(LoadLE<uint32_t>(second.data() + 12), 4294966991u);
  auto decoded = DecodeMetadataHeader(second, test::At("example"));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->previous_metadata_location, 324096u);
  EXPECT_EQ(decoded->valid_metadata_entries, 58u);
}

// The writer, given the example's writes at the example's times, lays the log out as
// the example shows it: metadata #1 empty at 4096, the data from 8192, metadata #2 at
// 328192 pointing 324096 back with 58 entries, EOL 332288.
TEST(HrlFormatTest, WriterReproducesTheExampleLayout) {
  TempDir dir;
  const std::string path = dir.File("example.hrl");
  ManualClock clock(FromHrlTime(539842380));
  HrlWriterOptions options;
  options.unique_id = *Guid::Parse("572fc7ff-1f03-49ab-b3c5-30a665b8e20c");
  options.previous_unique_id = *Guid::Parse("a8ae4b46-f7ad-4402-87aa-5b33e9f89c77");
  options.data_write_guid = *Guid::Parse("b9be5c57-f8be-5503-98bb-6c44faf9ac87");
  options.clock = &clock;
  auto writer = HrlWriter::Create(path, options);
  ASSERT_TRUE(writer.ok()) << writer.error().ToString();
  for (size_t i = 0; i < 58; ++i) {
    clock.Set(FromHrlTime(kExample[i].timestamp));
    ASSERT_TRUE(writer->Append(kExample[i].byte_offset, test::Pattern(kExample[i].length, i)).ok());
  }
  clock.Set(FromHrlTime(539842384));
  ASSERT_TRUE(writer->Close().ok());

  auto header = ReadHrlHeader(path);
  ASSERT_TRUE(header.ok()) << header.error().ToString();
  EXPECT_EQ(header->format_version, 0x20000u);
  EXPECT_EQ(header->timestamp, 539842380u);
  EXPECT_EQ(header->last_modified_timestamp, 539842384u);
  EXPECT_EQ(header->eol_location, 332288u);
  EXPECT_EQ(header->current_size, 332288u);
  EXPECT_EQ(header->original_size, 0u);
  EXPECT_EQ(header->metadata_size, 4096u);
  EXPECT_EQ(header->total_metadata_entries, 58u);
  EXPECT_EQ(header->error_code, 0);
  EXPECT_EQ(header->file_type, 0u);
  EXPECT_EQ(header->unique_id.ToString(), "572fc7ff-1f03-49ab-b3c5-30a665b8e20c");
  EXPECT_EQ(header->previous_unique_id.ToString(), "a8ae4b46-f7ad-4402-87aa-5b33e9f89c77");
  ASSERT_TRUE(header->vhd2_data_write_guid.has_value());
  EXPECT_EQ(header->vhd2_data_write_guid->ToString(), "b9be5c57-f8be-5503-98bb-6c44faf9ac87");

  const std::vector<uint8_t> bytes = test::ReadFileBytes(path);
  ASSERT_EQ(bytes.size(), 332288u);
  auto first = DecodeMetadataHeader(std::span(bytes).subspan(4096).first<kMetadataHeaderSize>(), test::At("#1"));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->previous_metadata_location, 0u);
  EXPECT_EQ(first->valid_metadata_entries, 0u);
  EXPECT_EQ(LoadLE<uint32_t>(bytes.data() + 4096 + 12), 4294967295u);
  auto second = DecodeMetadataHeader(std::span(bytes).subspan(328192).first<kMetadataHeaderSize>(), test::At("#2"));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->previous_metadata_location, 324096u);
  EXPECT_EQ(second->valid_metadata_entries, 58u);
  EXPECT_EQ(LoadLE<uint32_t>(bytes.data() + 328192 + 12), 4294966991u);

  auto reader = HrlReader::Open(path, 16ull << 30);
  ASSERT_TRUE(reader.ok()) << reader.error().ToString();
  EXPECT_EQ(reader->metadata_block_count(), 2u);
  HrlEntry entry;
  uint64_t data_location = 8192;
  for (size_t i = 0; i < 58; ++i) {
    auto more = reader->Next(entry);
    ASSERT_TRUE(more.ok() && *more) << i;
    EXPECT_EQ(entry.index, i);
    EXPECT_EQ(entry.disk_offset, kExample[i].byte_offset);
    EXPECT_EQ(entry.length, kExample[i].length);
    EXPECT_EQ(entry.timestamp, kExample[i].timestamp);
    EXPECT_EQ(entry.metadata_location, 328192u);
    EXPECT_EQ(entry.data_location, data_location);
    EXPECT_TRUE(entry.data_checksum_recorded());
    data_location += entry.length;
  }
  auto more = reader->Next(entry);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
}

HrlHeader SampleHeader() {
  HrlHeader h;
  h.path = "x.hrl";
  h.timestamp = 100;
  h.creator_application = {'c', 't', ' ', ' '};
  h.creator_version = 0xA0000;
  h.current_size = 8192;
  h.eol_location = 8192;
  h.unique_id = Guid::Random();
  h.previous_unique_id = Guid::Random();
  h.last_modified_timestamp = 200;
  h.total_metadata_entries = 3;
  h.vhd2_data_write_guid = Guid::Random();
  return h;
}

TEST(HrlFormatTest, HeaderRoundTripsInBothVersions) {
  HrlHeader h = SampleHeader();
  auto decoded = DecodeHeader(EncodeHeader(h), "x.hrl");
  ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
  EXPECT_EQ(decoded->unique_id, h.unique_id);
  EXPECT_EQ(decoded->previous_unique_id, h.previous_unique_id);
  EXPECT_EQ(decoded->vhd2_data_write_guid, h.vhd2_data_write_guid);
  EXPECT_EQ(decoded->eol_location, 8192u);
  EXPECT_EQ(decoded->total_metadata_entries, 3u);
  EXPECT_EQ(decoded->creator_application, h.creator_application);

  h.format_version = kHrlVersion1;
  decoded = DecodeHeader(EncodeHeader(h), "x.hrl");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->format_version, kHrlVersion1);
  EXPECT_FALSE(decoded->vhd2_data_write_guid.has_value());
}

Error DecodeError(std::array<uint8_t, kHeaderSize> bytes, bool restamp = true) {
  if (restamp) StoreLE<uint32_t>(bytes.data() + 40, ChecksumExcludingField(bytes, 40));
  auto decoded = DecodeHeader(bytes, "x.hrl");
  EXPECT_FALSE(decoded.ok());
  return decoded.ok() ? Error(Code::kOk, "") : decoded.error();
}

TEST(HrlFormatTest, HeaderDamageIsNamedByField) {
  const auto good = EncodeHeader(SampleHeader());

  auto bytes = good;
  bytes[1] = 'S';  // cookies are case-sensitive
  Error e = DecodeError(bytes);
  EXPECT_EQ(e.code(), Code::kCorruptData);
  EXPECT_EQ(e.message().find("x.hrl: log header at offset 0: Cookie expected \"msctlog\", found 0x6d53"), 0u)
      << e.message();

  bytes = good;
  bytes[7] = ' ';  // a blank eighth byte, as the specification's example prints it
  StoreLE<uint32_t>(bytes.data() + 40, ChecksumExcludingField(bytes, 40));
  EXPECT_TRUE(DecodeHeader(bytes, "x.hrl").ok());

  bytes = good;
  bytes[3000] = 1;  // a reserved byte: only the checksum notices
  e = DecodeError(bytes, false);
  EXPECT_EQ(e.code(), Code::kCorruptData);
  EXPECT_NE(e.message().find("Checksum expected 0x"), std::string::npos) << e.message();

  bytes = good;
  StoreLE<uint32_t>(bytes.data() + 8, 0x00030000);
  e = DecodeError(bytes);
  EXPECT_EQ(e.code(), Code::kUnsupported);
  EXPECT_NE(e.message().find("LogFormatVersion 0x00030000"), std::string::npos) << e.message();

  bytes = good;
  StoreLE<uint32_t>(bytes.data() + 104, 1);
  EXPECT_EQ(DecodeError(bytes).code(), Code::kUnsupported);

  bytes = good;
  StoreLE<uint32_t>(bytes.data() + 56, 32);
  e = DecodeError(bytes);
  EXPECT_EQ(e.code(), Code::kCorruptData);
  EXPECT_NE(e.message().find("MetadataSize expected at least 64, found 32"), std::string::npos);

  bytes = good;
  StoreLE<uint32_t>(bytes.data() + 56, 2u << 20);
  EXPECT_EQ(DecodeError(bytes).code(), Code::kUnsupported);
}

TEST(HrlFormatTest, EntryDamageIsNamedByField) {
  std::array<uint8_t, kEntrySize> bytes;
  EncodeEntry({4096, 512, 7, kMetaOperationWrite, 0x1234}, bytes);
  auto flipped = bytes;
  flipped[0] ^= 1;
  auto e = DecodeEntry(flipped, test::At("x.hrl: entry"));
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message().find("x.hrl: entry: Checksum expected"), std::string::npos);

  EncodeEntry({4096, 512, 7, 2, 0x1234}, bytes);  // MetaOperation 2 with a valid checksum
  e = DecodeEntry(bytes, test::At("x.hrl: entry"));
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code(), Code::kCorruptData);
  EXPECT_NE(e.error().message().find("MetaOperation expected 1 (write), found 2"), std::string::npos);
}

}  // namespace
}  // namespace hvr::hrl

#include <gtest/gtest.h>

#include "hrl/checksum.hpp"
#include "hrl/hrl_format.hpp"
#include "hrl/hrl_test_util.hpp"
#include "hvr/hrl.hpp"
#include "test_util/temp_dir.hpp"
#include "util/endian.hpp"
#include "util/file.hpp"

namespace hvr {
namespace {

using test::Write;

constexpr uint64_t kReaderDisk = 64ull << 20;

// A log of writes in small metadata blocks (512 bytes: 15 entries each), so a few dozen
// writes make many blocks.
struct SmallLog {
  TempDir dir;
  std::string path = dir.File("a.hrl");
  std::vector<Write> writes;
  HrlHeader header;

  explicit SmallLog(size_t count = 40, uint32_t seed = 1) {
    writes = test::RandomWrites(count, kReaderDisk, 9000, seed, /*aligned=*/false);
    HrlWriterOptions options;
    options.metadata_size = 512;
    header = test::WriteLog(path, writes, options);
  }

  // Block locations, first to last, found by walking forward through the data.
  std::vector<uint64_t> Blocks() const {
    std::vector<uint64_t> blocks = {4096};
    uint64_t at = 4096 + 512;
    size_t in_block = 0;
    for (size_t i = 0; i < writes.size(); ++i) {
      at += writes[i].data.size();
      if (++in_block == 15 || i + 1 == writes.size()) {
        blocks.push_back(at);
        at += 512;
        in_block = 0;
      }
    }
    return blocks;
  }

  // Rewrites a metadata header with a valid checksum.
  void SetMetadataHeader(uint64_t location, uint64_t back, uint32_t entries) {
    std::vector<uint8_t> bytes(hrl::kMetadataHeaderSize);
    hrl::EncodeMetadataHeader({back, entries}, std::span(bytes).first<hrl::kMetadataHeaderSize>());
    test::PatchFile(path, location, bytes);
  }

  // Rewrites entry `slot` of the block at `location` with a valid checksum.
  void SetEntry(uint64_t location, size_t slot, const hrl::MetadataEntry& e) {
    std::vector<uint8_t> bytes(hrl::kEntrySize);
    hrl::EncodeEntry(e, std::span(bytes).first<hrl::kEntrySize>());
    test::PatchFile(path, location + 32 + 32 * slot, bytes);
  }

  hrl::MetadataEntry GetEntry(uint64_t location, size_t slot) const {
    const auto bytes = test::ReadFileBytes(path);
    auto e = hrl::DecodeEntry(std::span(bytes).subspan(location + 32 + 32 * slot).first<hrl::kEntrySize>(), test::At(""));
    EXPECT_TRUE(e.ok());
    return *e;
  }

  // Rewrites header fields with a valid checksum.
  void SetHeader(const std::function<void(HrlHeader&)>& change) {
    auto h = ReadHrlHeader(path);
    ASSERT_TRUE(h.ok());
    change(*h);
    const auto bytes = hrl::EncodeHeader(*h);
    test::PatchFile(path, 0, std::vector<uint8_t>(bytes.begin(), bytes.end()));
  }
};

// Reads a log to its end; the first error, or Ok.
Status ReadToEnd(const std::string& path, uint64_t disk_size = kReaderDisk, bool read_data = true,
                 HrlReaderOptions options = {}) {
  HVR_ASSIGN_OR_RETURN(HrlReader reader, HrlReader::Open(path, disk_size, options));
  HrlEntry entry;
  std::vector<uint8_t> buffer(1000);
  for (;;) {
    HVR_ASSIGN_OR_RETURN(const bool more, reader.Next(entry));
    if (!more) return Ok();
    if (!read_data) continue;
    for (;;) {
      HVR_ASSIGN_OR_RETURN(const size_t n, reader.ReadData(buffer));
      if (n == 0) break;
    }
  }
}

void ExpectError(const Status& s, Code code, const std::string& fragment) {
  ASSERT_FALSE(s.ok()) << "expected " << CodeName(code) << " with '" << fragment << "'";
  EXPECT_EQ(s.error().code(), code) << s.error().ToString();
  EXPECT_NE(s.error().message().find(fragment), std::string::npos) << s.error().message();
}

TEST(HrlReaderTest, RoundTripsEveryWriteInOrderWhateverTheBufferSizes) {
  SmallLog log(40);
  for (size_t chunk : {1, 511, 4096, 1 << 20}) {
    const auto back = test::ReadAllWrites(log.path, kReaderDisk, chunk);
    ASSERT_EQ(back.size(), log.writes.size());
    for (size_t i = 0; i < back.size(); ++i) {
      EXPECT_EQ(back[i].offset, log.writes[i].offset) << i;
      EXPECT_EQ(back[i].data, log.writes[i].data) << i;
    }
  }
  auto reader = HrlReader::Open(log.path, kReaderDisk);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(reader->metadata_block_count(), log.Blocks().size());
  EXPECT_EQ(reader->header().total_metadata_entries, 40u);
}

TEST(HrlReaderTest, SmallReadBuffersAndLargeEntriesReadStraightThrough) {
  TempDir dir;
  const std::string path = dir.File("big.hrl");
  const std::vector<Write> writes = {{0, test::Pattern(300000, 1)}, {512, test::Pattern(10, 2)},
                                     {1 << 20, test::Pattern(70000, 3)}};
  test::WriteLog(path, writes);
  HrlReaderOptions options;
  options.read_buffer_size = 4096;
  auto reader = HrlReader::Open(path, kReaderDisk, options);
  ASSERT_TRUE(reader.ok());
  HrlEntry entry;
  for (const Write& w : writes) {
    ASSERT_TRUE(*reader->Next(entry));
    std::vector<uint8_t> data(entry.length);
    size_t done = 0;
    // 5000 bytes at a time: partly from the window, partly straight into the buffer.
    while (done < data.size()) {
      auto n = reader->ReadData(std::span(data).subspan(done, std::min<size_t>(5000, data.size() - done)));
      ASSERT_TRUE(n.ok()) << n.error().ToString();
      done += *n;
    }
    EXPECT_EQ(data, w.data);
  }
}

TEST(HrlReaderTest, ManyBlocksWithASmallIndexComeOutInOrder) {
  // 400 writes make 28 blocks; an index of 2 or 3 marks walks stretches again.
  SmallLog log(400, 9);
  const auto expected = test::ReadAllWrites(log.path, kReaderDisk);
  for (size_t capacity : {2, 3, 5, 4096}) {
    HrlReaderOptions options;
    options.index_capacity = capacity;
    auto reader = HrlReader::Open(log.path, kReaderDisk, options);
    ASSERT_TRUE(reader.ok()) << reader.error().ToString();
    EXPECT_EQ(reader->metadata_block_count(), log.Blocks().size());
    HrlEntry entry;
    for (size_t i = 0; i < expected.size(); ++i) {
      auto more = reader->Next(entry);
      ASSERT_TRUE(more.ok() && *more) << capacity << " " << i;
      EXPECT_EQ(entry.disk_offset, expected[i].offset) << capacity << " " << i;
    }
    EXPECT_FALSE(*reader->Next(entry));
  }
}

TEST(HrlReaderTest, AnEmptyLogHasOneEmptyBlock) {
  TempDir dir;
  const HrlHeader h = test::WriteLog(dir.File("e.hrl"), {});
  EXPECT_EQ(h.eol_location, 8192u);
  auto reader = HrlReader::Open(dir.File("e.hrl"), kReaderDisk);
  ASSERT_TRUE(reader.ok());
  HrlEntry entry;
  EXPECT_FALSE(*reader->Next(entry));
}

TEST(HrlReaderTest, VersionOneLogsHaveNoDataWriteGuid) {
  TempDir dir;
  HrlWriterOptions options;
  options.format_version = kHrlVersion1;
  options.data_write_guid = Guid::Random();  // not stored in version 1
  const std::vector<Write> writes = {{4096, test::Pattern(4096, 5)}};
  test::WriteLog(dir.File("v1.hrl"), writes, options);
  auto reader = HrlReader::Open(dir.File("v1.hrl"), kReaderDisk);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(reader->header().format_version, kHrlVersion1);
  EXPECT_FALSE(reader->header().vhd2_data_write_guid.has_value());
  EXPECT_EQ(test::ReadAllWrites(dir.File("v1.hrl"), kReaderDisk)[0].data, writes[0].data);
}

TEST(HrlReaderTest, AnUnclosedLogIsNotClosedNotCorrupt) {
  TempDir dir;
  const std::string path = dir.File("open.hrl");
  auto writer = HrlWriter::Create(path);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(writer->Append(0, test::Pattern(4096, 1)).ok());
  ASSERT_TRUE(writer->Flush().ok());
  const Status s = ReadToEnd(path);
  ExpectError(s, Code::kLogNotClosed, "open.hrl: log header at offset 0: EOLLocation is 0");
  EXPECT_EQ(ClassOf(s.error().code()), ErrorClass::kResyncRequired);
  // The header alone is readable, to learn the UniqueId of an interrupted log.
  auto header = ReadHrlHeader(path);
  ASSERT_TRUE(header.ok());
  EXPECT_FALSE(header->closed());
  EXPECT_EQ(header->unique_id, writer->header().unique_id);
}

TEST(HrlReaderTest, AnErrorRecordedByTheWriterAsksForResync) {
  SmallLog log(3);
  log.SetHeader([](HrlHeader& h) { h.error_code = -5; });
  ExpectError(ReadToEnd(log.path), Code::kResyncRequired, "ErrorCode is -5");
}

TEST(HrlReaderTest, FlippedDataIsFoundWhetherOrNotTheCallerReadsIt) {
  SmallLog log(10);
  auto first = HrlReader::Open(log.path, kReaderDisk);
  HrlEntry entry;
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(*first->Next(entry));
  const uint64_t location = entry.data_location;
  test::PatchFile(log.path, location, {static_cast<uint8_t>(log.writes[3].data[0] ^ 0x40)});
  const std::string fragment = "entry 3 (log entry 3): DataChecksum of " +
                               std::to_string(log.writes[3].data.size()) + " bytes at offset " +
                               std::to_string(location) + " expected 0x";
  ExpectError(ReadToEnd(log.path, kReaderDisk, /*read_data=*/true), Code::kCorruptData, fragment);
  ExpectError(ReadToEnd(log.path, kReaderDisk, /*read_data=*/false), Code::kCorruptData, fragment);
}

TEST(HrlReaderTest, DataWithoutARecordedChecksumIsAccepted) {
  SmallLog log(3);
  const uint64_t block = log.Blocks()[1];
  hrl::MetadataEntry e = log.GetEntry(block, 1);
  e.data_checksum = 0;  // as in MS-HRL's own example
  log.SetEntry(block, 1, e);
  test::PatchFile(log.path, 4096 + 512 + log.writes[0].data.size(), {0x5a});  // unverifiable now
  auto reader = HrlReader::Open(log.path, kReaderDisk);
  ASSERT_TRUE(reader.ok());
  HrlEntry entry;
  ASSERT_TRUE(*reader->Next(entry));
  EXPECT_TRUE(entry.data_checksum_recorded());
  ASSERT_TRUE(*reader->Next(entry));
  EXPECT_FALSE(entry.data_checksum_recorded());
  EXPECT_TRUE(ReadToEnd(log.path).ok());
}

TEST(HrlReaderTest, EntryDamageIsNamedWithBlockAndEntry) {
  SmallLog log(20);
  const uint64_t block = log.Blocks()[1];
  test::PatchFile(log.path, block + 32 + 32 * 2 + 1, {0x77});
  ExpectError(ReadToEnd(log.path), Code::kCorruptData,
              "a.hrl: metadata block at offset " + std::to_string(block) +
                  ": entry 2 (log entry 2): Checksum expected");
}

TEST(HrlReaderTest, OnlyWritesAreKnownOperations) {
  SmallLog log(5);
  const uint64_t block = log.Blocks()[1];
  hrl::MetadataEntry e = log.GetEntry(block, 0);
  e.meta_operation = 2;
  log.SetEntry(block, 0, e);
  ExpectError(ReadToEnd(log.path), Code::kCorruptData, "MetaOperation expected 1 (write), found 2");
}

TEST(HrlReaderTest, WritesBeyondTheDiskAreRefused) {
  SmallLog log(5);
  uint64_t end = 0;
  for (const Write& w : log.writes) end = std::max<uint64_t>(end, w.offset + w.data.size());
  EXPECT_TRUE(ReadToEnd(log.path, end).ok());
  ExpectError(ReadToEnd(log.path, end - 1), Code::kCorruptData,
              "ByteOffset + DataLength expected at most the disk size " + std::to_string(end - 1));
  // An offset near 2^64 must not wrap around the check.
  const uint64_t block = log.Blocks()[1];
  hrl::MetadataEntry e = log.GetEntry(block, 0);
  e.byte_offset = ~uint64_t{0};
  log.SetEntry(block, 0, e);
  ExpectError(ReadToEnd(log.path, ~uint64_t{0}), Code::kCorruptData, "ByteOffset + DataLength");
}

TEST(HrlReaderTest, DataMustEndExactlyAtItsBlock) {
  {
    SmallLog log(5);  // one block of 5 entries
    const uint64_t block = log.Blocks()[1];
    hrl::MetadataEntry e = log.GetEntry(block, 4);
    e.data_length += 1;  // reaches into the block itself
    log.SetEntry(block, 4, e);
    ExpectError(ReadToEnd(log.path), Code::kCorruptData, "entry 4 (log entry 4): DataLength expected at most");
  }
  {
    SmallLog log(5);
    const uint64_t block = log.Blocks()[1];
    hrl::MetadataEntry e = log.GetEntry(block, 4);
    e.data_length -= 1;  // a byte between the data and the block belongs to no entry
    e.data_checksum = 0;
    log.SetEntry(block, 4, e);
    ExpectError(ReadToEnd(log.path), Code::kCorruptData,
                "metadata block at offset " + std::to_string(block) +
                    ": end of the data its 5 entries describe expected " + std::to_string(block));
  }
  {
    SmallLog log(5);
    const uint64_t block = log.Blocks()[1];
    log.SetMetadataHeader(block, block - 4096, 4);  // one entry fewer
    log.SetHeader([](HrlHeader& h) { h.total_metadata_entries = 4; });
    ExpectError(ReadToEnd(log.path), Code::kCorruptData, "belong to no entry");
  }
}

TEST(HrlReaderTest, BackPointersMustGoBackWithinTheLog) {
  SmallLog log(40);
  const auto blocks = log.Blocks();
  const uint64_t b2 = blocks[2];
  const uint32_t entries = 15;
  // Pointing at itself, into itself, or forward: the walk would loop.
  for (uint64_t back : {uint64_t{1}, uint64_t{511}, ~uint64_t{0} - 100}) {
    SmallLog copy(40);
    copy.SetMetadataHeader(b2, back, entries);
    ExpectError(ReadToEnd(copy.path), Code::kCorruptData,
                "metadata block at offset " + std::to_string(b2) + ": PreviousMetadataLocation expected");
  }
  // Into the log header or before the start of the file.
  SmallLog before(40);
  before.SetMetadataHeader(b2, b2 - 100, entries);
  ExpectError(ReadToEnd(before.path), Code::kCorruptData, "points before the log header");
  // To a place that holds no block.
  SmallLog elsewhere(40);
  elsewhere.SetMetadataHeader(b2, b2 - blocks[1] + 100, entries);
  ExpectError(ReadToEnd(elsewhere.path), Code::kCorruptData,
              "metadata block at offset " + std::to_string(blocks[1] - 100) + ": Checksum expected");
}

TEST(HrlReaderTest, HeaderCountsAndEndOfLogAreChecked) {
  {
    SmallLog log(20);
    log.SetHeader([](HrlHeader& h) { h.total_metadata_entries = 21; });
    ExpectError(ReadToEnd(log.path), Code::kCorruptData,
                "TotalMetadataEntries expected 20 (the sum of ValidMetadataEntries over 3 metadata "
                "blocks), found 21");
  }
  {
    SmallLog log(20);
    const uint64_t eol = log.header.eol_location;
    log.SetHeader([&](HrlHeader& h) { h.eol_location = eol + 1; });
    ExpectError(ReadToEnd(log.path), Code::kCorruptData, "EOLLocation expected between 4608");
  }
  {
    SmallLog log(20);
    log.SetHeader([](HrlHeader& h) { h.eol_location = 4096; });
    ExpectError(ReadToEnd(log.path), Code::kCorruptData, "EOLLocation expected between 4608");
  }
  {
    SmallLog log(20);
    const uint64_t eol = log.header.eol_location;
    log.SetHeader([&](HrlHeader& h) { h.eol_location = eol - 3; });  // not at a block
    ExpectError(ReadToEnd(log.path), Code::kCorruptData, "Checksum expected");
  }
}

TEST(HrlReaderTest, TruncatedFilesAreCorrupt) {
  SmallLog log(20);
  const auto bytes = test::ReadFileBytes(log.path);
  for (size_t keep : {size_t{0}, size_t{100}, size_t{4095}, bytes.size() - 1}) {
    const std::string path = log.dir.File("cut" + std::to_string(keep) + ".hrl");
    auto file = File::Open(path, File::Mode::kCreateExclusive);
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE(file->WriteAt(0, std::span(bytes).first(keep)).ok());
    const Status s = ReadToEnd(path);
    ASSERT_FALSE(s.ok()) << keep;
    EXPECT_EQ(s.error().code(), Code::kCorruptData) << s.error().ToString();
  }
}

TEST(HrlReaderTest, AFailedReaderStaysFailed) {
  SmallLog log(10);
  test::PatchFile(log.path, 4096 + 512, {static_cast<uint8_t>(log.writes[0].data[0] + 1)});
  auto reader = HrlReader::Open(log.path, kReaderDisk);
  ASSERT_TRUE(reader.ok());
  HrlEntry entry;
  ASSERT_TRUE(*reader->Next(entry));
  auto second = reader->Next(entry);
  ASSERT_FALSE(second.ok());
  auto third = reader->Next(entry);
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().message(), second.error().message());
  std::vector<uint8_t> buffer(10);
  EXPECT_FALSE(reader->ReadData(buffer).ok());
}

TEST(HrlReaderTest, MissingFilesAreNotFound) {
  EXPECT_EQ(HrlReader::Open("/nonexistent/x.hrl", kReaderDisk).error().code(), Code::kNotFound);
  EXPECT_EQ(ReadHrlHeader("/nonexistent/x.hrl").error().code(), Code::kNotFound);
}

TEST(HrlChainTest, LogsMustFollowOneAnother) {
  HrlHeader a, b, c;
  a.path = "a.hrl";
  a.unique_id = Guid::Random();
  b.path = "b.hrl";
  b.unique_id = Guid::Random();
  b.previous_unique_id = a.unique_id;
  c.path = "c.hrl";
  c.unique_id = Guid::Random();
  c.previous_unique_id = b.unique_id;
  const std::vector<HrlHeader> chain = {a, b, c};
  EXPECT_TRUE(CheckLogChain(chain).ok());
  EXPECT_TRUE(CheckLogChain(chain, a.previous_unique_id).ok());
  EXPECT_TRUE(CheckLogChain({}).ok());

  const std::vector<HrlHeader> gap = {a, c};
  Status s = CheckLogChain(gap);
  ExpectError(s, Code::kLogChainGap, "c.hrl (UniqueId " + c.unique_id.ToString());
  EXPECT_NE(s.error().message().find("does not follow a.hrl"), std::string::npos);
  EXPECT_EQ(ClassOf(s.error().code()), ErrorClass::kResyncRequired);

  ExpectError(CheckLogChain(std::span(chain).subspan(1), Guid::Random()), Code::kLogChainGap,
              "b.hrl (UniqueId");
  const std::vector<HrlHeader> twice = {a, a};
  ExpectError(CheckLogChain(twice), Code::kLogChainGap, "does not follow");
}

}  // namespace
}  // namespace hvr

// Finding and replaying the active sequence of a VHDX log (MS-VHDX 2.3.3), with logs laid
// out entry by entry.
#include "disk/vhdx_log.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "test_util/disk_tools.hpp"
#include "test_util/temp_dir.hpp"

namespace hvr::vhdx {
namespace {

constexpr uint64_t kLogOffset = 1 << 20;
constexpr uint32_t kLogLength = 1 << 20;
constexpr uint64_t kFileSize = 4 << 20;

SectorUpdate Update(uint64_t offset, uint8_t fill) {
  SectorUpdate u;
  u.file_offset = offset;
  u.data.fill(fill);
  u.data[0] = 0xA0;  // leading and trailing bytes travel in the descriptor
  u.data[4095] = 0xB0;
  return u;
}

class VhdxLogTest : public ::testing::Test {
 protected:
  VhdxLogTest() : log_(kLogLength, 0) {
    header_.log_guid = Guid::Random();
    header_.log_offset = kLogOffset;
    header_.log_length = kLogLength;
  }

  // Places an entry at `position` of the log, wrapping around its end.
  void Put(uint64_t position, uint64_t sequence, uint64_t tail, const std::vector<SectorUpdate>& updates,
           uint64_t flushed = kFileSize, const Guid* guid = nullptr) {
    LogEntryFields f;
    f.log_guid = guid ? *guid : header_.log_guid;
    f.sequence_number = sequence;
    f.tail = static_cast<uint32_t>(tail);
    f.flushed_file_offset = flushed;
    f.last_file_offset = kFileSize;
    const std::vector<uint8_t> bytes = EncodeLogEntry(f, updates);
    for (size_t i = 0; i < bytes.size(); ++i) log_[(position + i) % kLogLength] = bytes[i];
  }

  ImageFile File() {
    std::vector<uint8_t> bytes(kFileSize, 0);
    std::memcpy(bytes.data() + kLogOffset, log_.data(), log_.size());
    testing::WriteFileBytes(dir_.File("f.vhdx"), bytes);
    auto file = ImageFile::Open(dir_.File("f.vhdx"), File::Mode::kRead);
    EXPECT_TRUE(file.ok());
    return std::move(file).value();
  }

  std::optional<ActiveLog> Find() {
    ImageFile file = File();
    auto active = FindActiveLog(file, header_);
    EXPECT_TRUE(active.ok()) << active.error().ToString();
    return active.ok() ? std::move(*active) : std::nullopt;
  }

  TempDir dir_;
  Header header_;
  std::vector<uint8_t> log_;
};

TEST_F(VhdxLogTest, EmptyLogGuidMeansNothingToReplay) {
  header_.log_guid = Guid();
  Put(0, 1, 0, {Update(2 << 20, 1)});
  EXPECT_FALSE(Find().has_value());
}

TEST_F(VhdxLogTest, OneEntryReplaysDataAndZeroDescriptors) {
  SectorUpdate zero;
  zero.file_offset = (2 << 20) + 8192;  // all zero: a zero descriptor
  Put(0, 1, 0, {Update(2 << 20, 7), zero});
  auto active = Find();
  ASSERT_TRUE(active);
  ASSERT_EQ(active->writes.size(), 2u);
  EXPECT_EQ(active->writes[0].file_offset, 2u << 20);
  const SectorUpdate sent = Update(2 << 20, 7);
  EXPECT_EQ(active->writes[0].data, std::vector<uint8_t>(sent.data.begin(), sent.data.end()));
  EXPECT_TRUE(active->writes[1].data.empty());
  EXPECT_EQ(active->writes[1].length, 4096u);
  // One descriptor sector and one data sector: the zero update costs no data sector.
  EXPECT_EQ(LogEntrySize(std::vector<SectorUpdate>{Update(0, 7), zero}), 2u * 4096u);

  ImageFile file = File();
  ReplayInMemory(*active, file);
  std::vector<uint8_t> sector(4096);
  ASSERT_TRUE(file.ReadAt(2 << 20, sector).ok());
  EXPECT_EQ(sector[0], 0xA0);
  EXPECT_EQ(sector[1], 7);
  EXPECT_EQ(sector[4095], 0xB0);
}

TEST_F(VhdxLogTest, OnlyTheNewestSequenceReplays) {
  Put(0, 5, 0, {Update(2 << 20, 1)});
  const uint64_t second = LogEntrySize(std::vector<SectorUpdate>{Update(0, 1)});
  Put(second, 6, second, {Update(2 << 20, 2)});  // its own tail: 5 was applied already
  auto active = Find();
  ASSERT_TRUE(active);
  EXPECT_EQ(active->head_sequence, 6u);
  ASSERT_EQ(active->writes.size(), 1u);
  EXPECT_EQ(active->writes[0].data[1], 2);
}

TEST_F(VhdxLogTest, ASequenceReplaysFromItsTailInOrder) {
  Put(0, 7, 0, {Update(2 << 20, 1), Update((2 << 20) + 4096, 1)});
  const uint64_t second = LogEntrySize(std::vector<SectorUpdate>{Update(0, 1), Update(0, 1)});
  Put(second, 8, 0, {Update(2 << 20, 2)});  // tail: the entry at 0
  auto active = Find();
  ASSERT_TRUE(active);
  EXPECT_EQ(active->entry_count, 2u);
  ASSERT_EQ(active->writes.size(), 3u);
  EXPECT_EQ(active->writes[2].data[1], 2);  // the later entry's write comes last
}

TEST_F(VhdxLogTest, ATornNewestEntryFallsBackToTheOneBefore) {
  Put(0, 5, 0, {Update(2 << 20, 1)});
  const uint64_t second = LogEntrySize(std::vector<SectorUpdate>{Update(0, 1)});
  Put(second, 6, second, {Update(2 << 20, 2)});
  log_[second + 4096 + 100] ^= 0xFF;  // a torn data sector: the checksum fails
  auto active = Find();
  ASSERT_TRUE(active);
  EXPECT_EQ(active->head_sequence, 5u);
}

TEST_F(VhdxLogTest, EntriesOfAnotherSessionAreIgnored) {
  const Guid other = Guid::Random();
  Put(0, 9, 0, {Update(2 << 20, 1)}, kFileSize, &other);
  EXPECT_FALSE(Find().has_value());
}

TEST_F(VhdxLogTest, AnEntryMayWrapAroundTheEndOfTheLog) {
  const uint64_t position = kLogLength - 4096;  // descriptor sector last, data sector first
  Put(position, 3, position, {Update(2 << 20, 9)});
  auto active = Find();
  ASSERT_TRUE(active);
  ASSERT_EQ(active->writes.size(), 1u);
  EXPECT_EQ(active->writes[0].data[1], 9);
}

TEST_F(VhdxLogTest, DescriptorsAimedAtTheHeadersAreNotUpdates) {
  Put(0, 1, 0, {Update(64 * 1024, 1)});  // the first header is never logged
  EXPECT_FALSE(Find().has_value());
}

TEST_F(VhdxLogTest, ATruncatedFileIsCorrupt) {
  Put(0, 1, 0, {Update(2 << 20, 1)}, 64 << 20);  // says the file was 64 MiB
  ImageFile file = File();
  auto active = FindActiveLog(file, header_);
  ASSERT_FALSE(active.ok());
  EXPECT_EQ(active.error().code(), Code::kCorruptData);
  EXPECT_NE(active.error().message().find("FlushedFileOffset"), std::string::npos);
  EXPECT_NE(active.error().message().find("truncated"), std::string::npos);
}

TEST_F(VhdxLogTest, ManyDescriptorsSpanSeveralSectors) {
  std::vector<SectorUpdate> updates;
  for (int i = 0; i < 200; ++i) updates.push_back(Update((2 << 20) + i * 4096ull, static_cast<uint8_t>(i + 1)));
  Put(0, 1, 0, updates);
  auto active = Find();
  ASSERT_TRUE(active);
  ASSERT_EQ(active->writes.size(), 200u);
  EXPECT_EQ(active->writes[199].data[1], 200);
  EXPECT_EQ(MaxUpdatesPerEntry(kLogLength), 254u);  // 256 sectors: 2 for descriptors
}

}  // namespace
}  // namespace hvr::vhdx

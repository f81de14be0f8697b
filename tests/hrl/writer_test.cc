#include <gtest/gtest.h>

#include <filesystem>

#include "hrl/filling_disk.hpp"
#include "hrl/hrl_test_util.hpp"
#include "hvr/hrl_writer.hpp"
#include "test_util/temp_dir.hpp"

namespace hvr {
namespace {

using test::Write;

TEST(HrlWriterTest, ANewLogIsUnclosedAndDurablyEmpty) {
  TempDir dir;
  const std::string path = dir.File("n.hrl");
  auto writer = HrlWriter::Create(path);
  ASSERT_TRUE(writer.ok());
  EXPECT_EQ(std::filesystem::file_size(path), 8192u);  // header and the empty first block
  auto header = ReadHrlHeader(path);
  ASSERT_TRUE(header.ok()) << header.error().ToString();
  EXPECT_EQ(header->eol_location, 0u);
  EXPECT_FALSE(header->unique_id.IsZero());
  EXPECT_EQ(header->unique_id, writer->header().unique_id);
  EXPECT_EQ(std::string(header->creator_application.data(), 4), "hvr ");
  EXPECT_EQ(HrlWriter::Create(path).error().code(), Code::kConflict);
}

TEST(HrlWriterTest, OptionsAreChecked) {
  TempDir dir;
  HrlWriterOptions options;
  options.metadata_size = 1000;
  EXPECT_EQ(HrlWriter::Create(dir.File("a.hrl"), options).error().code(), Code::kInvalidArgument);
  options.metadata_size = 4096;
  options.format_version = 3;
  EXPECT_EQ(HrlWriter::Create(dir.File("a.hrl"), options).error().code(), Code::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(dir.File("a.hrl")));
}

TEST(HrlWriterTest, WritesBeyondTheDiskAreRefused) {
  TempDir dir;
  HrlWriterOptions options;
  options.disk_virtual_size = 1 << 20;
  auto writer = HrlWriter::Create(dir.File("a.hrl"), options);
  ASSERT_TRUE(writer.ok());
  EXPECT_TRUE(writer->Append((1 << 20) - 512, test::Pattern(512, 1)).ok());
  const Status s = writer->Append((1 << 20) - 511, test::Pattern(512, 1));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), Code::kInvalidArgument);
  EXPECT_NE(s.error().message().find("beyond the disk size 1048576"), std::string::npos);
  EXPECT_FALSE(writer->Append(~uint64_t{0}, test::Pattern(2, 1)).ok());
  // A refused write is the caller's mistake, not the log's: it can still be closed.
  EXPECT_TRUE(writer->Close().ok());
}

TEST(HrlWriterTest, FlushWritesAPartialBlockAndTheLogGoesOn) {
  TempDir dir;
  const std::string path = dir.File("f.hrl");
  auto writer = HrlWriter::Create(path);
  ASSERT_TRUE(writer.ok());
  const std::vector<Write> writes = test::RandomWrites(5, 1 << 30, 9000, 3);
  ASSERT_TRUE(writer->Append(writes[0].offset, writes[0].data).ok());
  ASSERT_TRUE(writer->Append(writes[1].offset, writes[1].data).ok());
  ASSERT_TRUE(writer->Flush().ok());
  const uint64_t flushed = 8192 + writes[0].data.size() + writes[1].data.size() + 4096;
  EXPECT_EQ(std::filesystem::file_size(path), flushed);
  EXPECT_EQ(writer->size(), flushed);
  ASSERT_TRUE(writer->Flush().ok());  // nothing pending: no empty block
  EXPECT_EQ(std::filesystem::file_size(path), flushed);
  for (size_t i = 2; i < writes.size(); ++i) ASSERT_TRUE(writer->Append(writes[i].offset, writes[i].data).ok());
  ASSERT_TRUE(writer->Close().ok());
  EXPECT_EQ(writer->header().total_metadata_entries, 5u);
  EXPECT_EQ(writer->header().eol_location, std::filesystem::file_size(path));
  auto reader = HrlReader::Open(path, 1 << 30);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(reader->metadata_block_count(), 3u);
  const auto back = test::ReadAllWrites(path, 1 << 30);
  ASSERT_EQ(back.size(), 5u);
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(back[i].data, writes[i].data);
}

TEST(HrlWriterTest, ClosedLogsTakeNoMoreWork) {
  TempDir dir;
  auto writer = HrlWriter::Create(dir.File("c.hrl"));
  ASSERT_TRUE(writer->Close().ok());
  EXPECT_FALSE(writer->Append(0, test::Pattern(512, 1)).ok());
  EXPECT_FALSE(writer->Flush().ok());
  EXPECT_FALSE(writer->Close().ok());
}

TEST(HrlWriterTest, LargeWritesBecomeEntriesOfAtMost16MiB) {
  TempDir dir;
  const std::string path = dir.File("l.hrl");
  const std::vector<Write> writes = {{4096, test::Pattern((16 << 20) + 1536, 7)}};
  test::WriteLog(path, writes);
  auto reader = HrlReader::Open(path, 1ull << 30);
  ASSERT_TRUE(reader.ok());
  HrlEntry entry;
  ASSERT_TRUE(*reader->Next(entry));
  EXPECT_EQ(entry.disk_offset, 4096u);
  EXPECT_EQ(entry.length, 16u << 20);
  EXPECT_TRUE(entry.data_checksum_recorded());
  ASSERT_TRUE(*reader->Next(entry));
  EXPECT_EQ(entry.disk_offset, 4096u + (16 << 20));
  EXPECT_EQ(entry.length, 1536u);
  std::vector<uint8_t> disk(32 << 20), expected(32 << 20);
  test::ApplyWrites(expected, writes);
  test::ApplyWrites(disk, test::ReadAllWrites(path, 1ull << 30, 1 << 20));
  EXPECT_TRUE(disk == expected);
}

TEST(HrlWriterTest, TimestampsComeFromTheClock) {
  TempDir dir;
  ManualClock clock(FromHrlTime(1000));
  HrlWriterOptions options;
  options.clock = &clock;
  auto writer = HrlWriter::Create(dir.File("t.hrl"), options);
  clock.Set(FromHrlTime(1005));
  ASSERT_TRUE(writer->Append(0, test::Pattern(512, 1)).ok());
  clock.Set(FromHrlTime(1010));
  ASSERT_TRUE(writer->Close().ok());
  EXPECT_EQ(writer->header().timestamp, 1000u);
  EXPECT_EQ(writer->header().last_modified_timestamp, 1010u);
  auto reader = HrlReader::Open(dir.File("t.hrl"), 1 << 20);
  HrlEntry entry;
  ASSERT_TRUE(*reader->Next(entry));
  EXPECT_EQ(entry.timestamp, 1005u);
  EXPECT_EQ(FromHrlTime(1005), TimePoint(std::chrono::seconds(946684800 + 1005)));
  EXPECT_EQ(ToHrlTime(FromHrlTime(1005)), 1005u);
}

// A write the file system refuses leaves the log unclosed, so it is never mistaken for a
// complete record of the disk's changes.
TEST(HrlWriterTest, AFailedWriteLeavesTheLogUnclosedForGood) {
  TempDir dir;
  const std::string path = dir.File("full.hrl");
  test::FillingDisk disk;
  HrlWriterOptions options;
  options.buffer_size = 4096;
  options.output = &disk;
  auto writer = HrlWriter::Create(path, options);
  ASSERT_TRUE(writer.ok());
  disk.Fill(64 << 10);
  Status failed = Ok();
  for (int i = 0; i < 100 && failed.ok(); ++i) failed = writer->Append(uint64_t(i) << 12, test::Pattern(4096, i));
  const Status close = writer->Close();
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code(), Code::kLowDiskSpace);
  EXPECT_NE(failed.error().message().find("full.hrl stays unclosed"), std::string::npos)
      << failed.error().message();
  ASSERT_FALSE(close.ok());
  EXPECT_FALSE(writer->Append(0, test::Pattern(512, 1)).ok());
  auto header = ReadHrlHeader(path);
  ASSERT_TRUE(header.ok());
  EXPECT_FALSE(header->closed());
  EXPECT_EQ(HrlReader::Open(path, 1 << 30).error().code(), Code::kLogNotClosed);
}

}  // namespace
}  // namespace hvr

#include "store/local/undo_log.hpp"

#include <gtest/gtest.h>

#include "test_util/result_assertions.hpp"
#include "test_util/temp_dir.hpp"

namespace hvr {
namespace {

std::vector<uint8_t> Bytes(size_t size, uint8_t seed) {
  std::vector<uint8_t> out(size);
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<uint8_t>(seed + i);
  return out;
}

uint64_t FileSize(const std::string& path) {
  auto file = File::Open(path, File::Mode::kRead);
  return file.ok() ? *file->Size() : 0;
}

TEST(UndoLogTest, RecordsReachTheFileTogetherAtSync) {
  TempDir dir;
  const std::string path = dir.File("p.undo");
  ASSERT_OK_AND_ASSIGN(UndoLog log, UndoLog::Open(path, true));
  for (uint64_t page = 0; page < 1000; ++page) ASSERT_OK(log.AppendZeros(page * 8192, 4096));
  EXPECT_EQ(FileSize(path), 0u) << "a thousand scattered pages are one write, at Sync";
  ASSERT_OK(log.Sync());
  EXPECT_EQ(FileSize(path), 1000u * 32);
  ASSERT_OK_AND_ASSIGN(UndoLog reopened, UndoLog::Open(path, false));
  EXPECT_EQ(reopened.Pieces().size(), 1000u);
}

TEST(UndoLogTest, GatheredRecordsAreWrittenBeforeTheyPassFourMebibytes) {
  TempDir dir;
  const std::string path = dir.File("p.undo");
  ASSERT_OK_AND_ASSIGN(UndoLog log, UndoLog::Open(path, true));
  const auto page = Bytes(1 << 20, 7);
  for (uint64_t i = 0; i < 3; ++i) ASSERT_OK(log.Append(i << 20, page));
  EXPECT_EQ(FileSize(path), 0u);
  ASSERT_OK(log.Append(uint64_t{3} << 20, page));
  EXPECT_EQ(FileSize(path), 3 * (32 + (uint64_t{1} << 20)))
      << "written as the fourth record would pass 4 MiB; no write is larger than a torn tail may be";
  ASSERT_OK(log.Sync());
  EXPECT_EQ(FileSize(path), 4 * (32 + (uint64_t{1} << 20)));
}

TEST(UndoLogTest, RecordsNeverSyncedAreForgottenByRefresh) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(UndoLog log, UndoLog::Open(dir.File("p.undo"), true));
  ASSERT_OK(log.AppendZeros(0, 4096));
  ASSERT_OK(log.Sync());
  ASSERT_OK(log.AppendZeros(8192, 4096));  // a batch that fails before its Sync
  EXPECT_TRUE(log.Missing(8192, 4096).empty());
  ASSERT_OK(log.Refresh());
  EXPECT_EQ(log.Missing(0, 12288), (std::vector<ByteRange>{{4096, 8192}}))
      << "the synced record stays, the other was never in the file";
}

TEST(UndoLogTest, HoldsWhatWasAppendedAndSaysWhatIsMissing) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(UndoLog log, UndoLog::Open(dir.File("p.undo"), true));
  ASSERT_OK(log.Append(4096, Bytes(1024, 1)));
  ASSERT_OK(log.AppendZeros(8192, 4096));
  ASSERT_OK(log.Sync());
  EXPECT_EQ(log.Missing(0, 16384),
            (std::vector<ByteRange>{{0, 4096}, {5120, 3072}, {12288, 4096}}));
  std::vector<uint8_t> out(8192, 0xff);
  ASSERT_OK_AND_ASSIGN(const auto pieces, log.ReadHeld(4096, out));
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(pieces[0].offset, 4096u);
  EXPECT_FALSE(pieces[0].zero);
  EXPECT_EQ(pieces[1].offset, 8192u);
  EXPECT_TRUE(pieces[1].zero);
  EXPECT_EQ(std::vector<uint8_t>(out.begin(), out.begin() + 1024), Bytes(1024, 1));
  EXPECT_EQ(std::vector<uint8_t>(out.begin() + 1024, out.begin() + 4096), std::vector<uint8_t>(3072, 0xff))
      << "bytes the log does not hold are left alone";
  EXPECT_EQ(std::vector<uint8_t>(out.begin() + 4096, out.end()), std::vector<uint8_t>(4096, 0));
  // A zero record costs only its header.
  EXPECT_EQ(FileSize(dir.File("p.undo")), 32u + 1024u + 32u);
}

TEST(UndoLogTest, ReopeningIndexesEveryRecord) {
  TempDir dir;
  {
    ASSERT_OK_AND_ASSIGN(UndoLog log, UndoLog::Open(dir.File("p.undo"), true));
    ASSERT_OK(log.Append(0, Bytes(512, 2)));
    ASSERT_OK(log.Append(1024, Bytes(512, 3)));
    ASSERT_OK(log.Sync());
  }
  ASSERT_OK_AND_ASSIGN(UndoLog log, UndoLog::Open(dir.File("p.undo"), false));
  EXPECT_EQ(log.Pieces().size(), 2u);
  std::vector<uint8_t> out(512);
  ASSERT_OK(log.ReadHeld(1024, out));
  EXPECT_EQ(out, Bytes(512, 3));
  EXPECT_EQ(CodeOf(UndoLog::Open(dir.File("p.undo"), true)), Code::kConflict) << "exists";
}

TEST(UndoLogTest, ATornLastRecordIsCutOff) {
  TempDir dir;
  const std::string path = dir.File("p.undo");
  {
    ASSERT_OK_AND_ASSIGN(UndoLog log, UndoLog::Open(path, true));
    ASSERT_OK(log.Append(0, Bytes(512, 4)));
    ASSERT_OK(log.Append(512, Bytes(512, 5)));
    ASSERT_OK(log.Sync());
  }
  const uint64_t whole = FileSize(path);
  {
    // A crash in the middle of the second append: its data is only half there.
    ASSERT_OK_AND_ASSIGN(File file, File::Open(path, File::Mode::kReadWrite));
    ASSERT_OK(file.Truncate(whole - 300));
  }
  ASSERT_OK_AND_ASSIGN(UndoLog log, UndoLog::Open(path, false));
  EXPECT_EQ(log.Missing(0, 1024), (std::vector<ByteRange>{{512, 512}}));
  EXPECT_EQ(FileSize(path), 32u + 512u);
  // Appending again after the cut works.
  ASSERT_OK(log.Append(512, Bytes(512, 6)));
  EXPECT_TRUE(log.Missing(0, 1024).empty());
}

TEST(UndoLogTest, AZeroFilledTailIsCutOffButDamageInTheMiddleIsAnError) {
  TempDir dir;
  const std::string path = dir.File("p.undo");
  {
    ASSERT_OK_AND_ASSIGN(UndoLog log, UndoLog::Open(path, true));
    ASSERT_OK(log.Append(0, Bytes(512, 7)));
    ASSERT_OK(log.Sync());
    ASSERT_OK_AND_ASSIGN(File file, File::Open(path, File::Mode::kReadWrite));
    ASSERT_OK(file.Truncate(32 + 512 + 4096));  // size grew, data never arrived
  }
  {
    ASSERT_OK_AND_ASSIGN(UndoLog log, UndoLog::Open(path, false));
    EXPECT_EQ(log.Pieces().size(), 1u);
    ASSERT_OK(log.Append(512, Bytes(512, 8)));
    ASSERT_OK(log.Sync());
  }
  {
    ASSERT_OK_AND_ASSIGN(File file, File::Open(path, File::Mode::kReadWrite));
    const uint8_t junk[4] = {'J', 'U', 'N', 'K'};
    ASSERT_OK(file.WriteAt(0, junk));  // the first record's magic
  }
  auto damaged = UndoLog::Open(path, false);
  ASSERT_EQ(CodeOf(damaged), Code::kCorruptData);
  EXPECT_NE(damaged.error().message().find("undo record at offset 0"), std::string::npos)
      << damaged.error().message();
  EXPECT_GT(FileSize(path), 32u + 512u) << "nothing was cut off";
}

TEST(UndoLogTest, DamagedDataIsFoundWhenRead) {
  TempDir dir;
  const std::string path = dir.File("p.undo");
  {
    ASSERT_OK_AND_ASSIGN(UndoLog log, UndoLog::Open(path, true));
    ASSERT_OK(log.Append(0, Bytes(512, 9)));
    ASSERT_OK(log.Append(512, Bytes(512, 10)));
    ASSERT_OK(log.Sync());
  }
  {
    ASSERT_OK_AND_ASSIGN(File file, File::Open(path, File::Mode::kReadWrite));
    const uint8_t flip[1] = {0};
    ASSERT_OK(file.WriteAt(32 + 100, flip));  // inside the first record's data
  }
  ASSERT_OK_AND_ASSIGN(UndoLog log, UndoLog::Open(path, false));
  std::vector<uint8_t> out(512);
  const auto read = log.ReadHeld(0, out);
  ASSERT_EQ(CodeOf(read), Code::kCorruptData);
  EXPECT_NE(read.error().message().find("checksum expected"), std::string::npos);
}

}  // namespace
}  // namespace hvr

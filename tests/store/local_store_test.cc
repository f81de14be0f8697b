// What is particular to the local directory store: files on disk, reopening, several
// store objects on one folder, crash leftovers, damage, time-based leases. The shared
// suite (tests/integration/store_suite_test.cc) covers what all stores do.
#include <gtest/gtest.h>

#include <filesystem>
#include <latch>
#include <thread>

#ifndef _WIN32
#include <sys/wait.h>
#include <unistd.h>
#endif

#include "disk/vhd_footer.hpp"
#include "hvr/sync_store.hpp"
#include "platform/os_name.hpp"
#include "test_util/result_assertions.hpp"
#include "test_util/sizes.hpp"
#include "test_util/temp_dir.hpp"
#include "util/checksummed_json.hpp"
#include "util/file.hpp"
#include "util/path.hpp"

namespace hvr {
namespace {

using test::kMiB;

std::vector<uint8_t> Bytes(size_t size, uint8_t seed) {
  std::vector<uint8_t> out(size);
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<uint8_t>(seed * 31 + i * 7);
  return out;
}

std::unique_ptr<SyncStore> Open(const std::string& dir, const StoreOptions& options = {}) {
  auto store = SyncStore::Open(dir, options);
  EXPECT_TRUE(store.ok()) << store.error().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

std::vector<uint8_t> Read(SyncStore& store, const std::string& name, const std::string& snapshot,
                          uint64_t offset, uint64_t length) {
  std::vector<uint8_t> out(length);
  const Status s = store.Read(name, snapshot, offset, out);
  EXPECT_TRUE(s.ok()) << s.error().ToString();
  return out;
}

uint64_t SizeOf(const std::string& path) { return std::filesystem::file_size(path); }

// Creates disk0 (4 MiB) in `dir` holding `content` at offset 0, and a recovery point of
// it; the point's id. The store is closed again.
std::string DiskWithAPoint(const std::string& dir, const std::vector<uint8_t>& content) {
  auto store = Open(dir);
  EXPECT_OK(store->CreateDisk("disk0", 4 * kMiB));
  EXPECT_OK(store->WritePages("disk0", 0, content));
  auto point = store->CreateSnapshot("disk0");
  EXPECT_TRUE(point.ok()) << point.error().ToString();
  return point.ok() ? point->id : std::string();
}

TEST(LocalStoreTest, ADiskIsAFolderWithASparseFixedVhd) {
  if (RunningUnderWine()) GTEST_SKIP() << "Wine reports every byte of a file as allocated (docs/windows.md)";
  TempDir dir;
  auto store = Open(dir.path());
  ASSERT_OK(store->CreateDisk("disk0", 64 * kMiB));
  ASSERT_OK(store->WritePages("disk0", kMiB, Bytes(4096, 1)));
  const std::string vhd = dir.File("disk0/disk.vhd");
  EXPECT_EQ(SizeOf(vhd), 64 * kMiB + 512);
  ASSERT_OK_AND_ASSIGN(File file, File::Open(vhd, File::Mode::kRead));
  std::array<uint8_t, 512> footer{};
  ASSERT_OK(file.ReadAt(64 * kMiB, footer));
  ASSERT_OK_AND_ASSIGN(const vhd::Footer decoded, vhd::Decode(footer, vhd));
  EXPECT_EQ(decoded.current_size, 64 * kMiB);
  EXPECT_EQ(decoded.disk_type, vhd::DiskType::kFixed);
  ASSERT_OK_AND_ASSIGN(const auto data, file.DataRanges());
  uint64_t allocated = 0;
  for (const auto& [offset, length] : data) allocated += length;
  EXPECT_LT(allocated, kMiB) << "the disk file is sparse";
}

TEST(LocalStoreTest, EverythingSurvivesReopening) {
  TempDir dir;
  std::string point;
  {
    auto store = Open(dir.path());
    ASSERT_OK(store->CreateDisk("disk0", 4 * kMiB, {{"k", "v"}}));
    ASSERT_OK(store->WritePages("disk0", 0, Bytes(kMiB, 2)));
    ASSERT_OK_AND_ASSIGN(const RecoveryPoint p, store->CreateSnapshot("disk0", {true, {{"n", "1"}}}));
    point = p.id;
    ASSERT_OK(store->WritePages("disk0", 0, Bytes(kMiB, 3)));
  }
  auto store = Open(dir.path());
  EXPECT_EQ(Read(*store, "disk0", point, 0, kMiB), Bytes(kMiB, 2));
  EXPECT_EQ(Read(*store, "disk0", "", 0, kMiB), Bytes(kMiB, 3));
  ASSERT_OK_AND_ASSIGN(const auto points, store->ListSnapshots("disk0"));
  ASSERT_EQ(points.size(), 1u);
  EXPECT_TRUE(points[0].app_consistent);
  EXPECT_EQ(points[0].metadata, (Metadata{{"n", "1"}}));
  ASSERT_OK_AND_ASSIGN(const auto metadata, store->GetMetadata("disk0"));
  EXPECT_EQ(metadata, (Metadata{{"k", "v"}}));
}

TEST(LocalStoreTest, TwoStoresOnOneFolderSeeEachOthersWork) {
  TempDir dir;
  auto writer = Open(dir.path());
  auto reader = Open(dir.path());
  ASSERT_OK(writer->CreateDisk("disk0", 4 * kMiB));
  ASSERT_OK(writer->WritePages("disk0", 0, Bytes(kMiB, 4)));
  ASSERT_OK_AND_ASSIGN(const auto none, reader->ListSnapshots("disk0"));
  EXPECT_TRUE(none.empty());
  ASSERT_OK_AND_ASSIGN(const RecoveryPoint p, writer->CreateSnapshot("disk0"));
  ASSERT_OK(writer->WritePages("disk0", 0, Bytes(kMiB, 5)));
  EXPECT_EQ(Read(*reader, "disk0", p.id, 0, kMiB), Bytes(kMiB, 4));
  // Others see a write once it is flushed.
  ASSERT_OK(writer->Flush("disk0"));
  // The reader takes a point; the writer's next write must protect it.
  ASSERT_OK_AND_ASSIGN(const RecoveryPoint q, reader->CreateSnapshot("disk0"));
  ASSERT_OK(writer->WritePages("disk0", 0, Bytes(kMiB, 6)));
  EXPECT_EQ(Read(*writer, "disk0", q.id, 0, kMiB), Bytes(kMiB, 5));
  EXPECT_EQ(Read(*writer, "disk0", p.id, 0, kMiB), Bytes(kMiB, 4));
  // Deleted by one, gone for the other; re-created by one, fresh for the other.
  ASSERT_OK(reader->DeleteDisk("disk0"));
  EXPECT_EQ(CodeOf(writer->WritePages("disk0", 0, Bytes(512, 7))), Code::kNotFound);
  ASSERT_OK(reader->CreateDisk("disk0", kMiB));
  ASSERT_OK_AND_ASSIGN(const DiskProperties props, writer->GetDisk("disk0"));
  EXPECT_EQ(props.virtual_size, kMiB);
}

TEST(LocalStoreTest, OnlyTheFirstWriteAfterAPointIsSaved) {
  TempDir dir;
  auto store = Open(dir.path());
  ASSERT_OK(store->CreateDisk("disk0", 4 * kMiB));
  ASSERT_OK(store->WritePages("disk0", 0, Bytes(kMiB, 8)));
  ASSERT_OK_AND_ASSIGN(const RecoveryPoint p, store->CreateSnapshot("disk0"));
  const std::string undo = dir.File("disk0/points/" + p.id + ".undo");
  EXPECT_EQ(SizeOf(undo), 0u);
  // Undo records are written when held writes are applied: at a flush at the latest.
  ASSERT_OK(store->WritePages("disk0", 0, Bytes(kMiB, 9)));
  ASSERT_OK(store->Flush("disk0"));
  const uint64_t after_first = SizeOf(undo);
  EXPECT_GE(after_first, kMiB);
  ASSERT_OK(store->WritePages("disk0", 0, Bytes(kMiB, 10)));
  ASSERT_OK(store->Flush("disk0"));
  EXPECT_EQ(SizeOf(undo), after_first) << "already saved";
  // Never-written space is saved as a zero record, not as a MiB of zeros.
  ASSERT_OK(store->WritePages("disk0", 2 * kMiB, Bytes(kMiB, 11)));
  ASSERT_OK(store->Flush("disk0"));
  EXPECT_LT(SizeOf(undo), after_first + 4096);
  EXPECT_EQ(Read(*store, "disk0", p.id, 0, 4 * kMiB),
            [] {
              auto v = Bytes(kMiB, 8);
              v.resize(4 * kMiB, 0);
              return v;
            }());
}

TEST(LocalStoreTest, CrashLeftoversAreHarmless) {
  TempDir dir;
  const std::string point = DiskWithAPoint(dir.path(), Bytes(kMiB, 12));
  {
    auto store = Open(dir.path());
    ASSERT_OK(store->WritePages("disk0", 0, Bytes(kMiB, 13)));
  }
  // A torn append at the end of the undo log, a half-built disk, a half-deleted one.
  {
    ASSERT_OK_AND_ASSIGN(File undo, File::Open(dir.File("disk0/points/" + point + ".undo"), File::Mode::kReadWrite));
    ASSERT_OK_AND_ASSIGN(const uint64_t size, undo.Size());
    const std::string torn = "HVRUNDO1\x00\x00\x10";
    ASSERT_OK(undo.WriteAt(size, std::span(reinterpret_cast<const uint8_t*>(torn.data()), torn.size())));
  }
  std::filesystem::create_directories(dir.File(".creating-disk9-x"));
  std::filesystem::create_directories(dir.File(".deleted-disk8-x/points"));
  auto store = Open(dir.path());
  EXPECT_FALSE(std::filesystem::exists(dir.File(".deleted-disk8-x")));
  ASSERT_OK_AND_ASSIGN(const auto disks, store->ListDisks());
  ASSERT_EQ(disks.size(), 1u);
  EXPECT_EQ(disks[0].name, "disk0");
  EXPECT_EQ(Read(*store, "disk0", point, 0, kMiB), Bytes(kMiB, 12));
  ASSERT_OK(store->WritePages("disk0", 2 * kMiB, Bytes(kMiB, 14)));
  EXPECT_EQ(Read(*store, "disk0", point, 2 * kMiB, kMiB), std::vector<uint8_t>(kMiB, 0));
}

// What the data file holds: what a killed process leaves behind.
std::vector<uint8_t> InDataFile(const TempDir& dir, const std::string& name, uint64_t offset, uint64_t length) {
  std::vector<uint8_t> out(length);
  auto file = File::Open(dir.File(name + "/disk.vhd"), File::Mode::kRead);
  EXPECT_TRUE(file.ok()) << file.error().ToString();
  if (file.ok()) EXPECT_OK(file->ReadAt(offset, out));
  return out;
}

TEST(LocalStoreTest, AWriteIsSeenAtOnceAndReachesTheDiskAtAFlush) {
  TempDir dir;
  auto store = Open(dir.path());
  ASSERT_OK(store->CreateDisk("disk0", 4 * kMiB));
  ASSERT_OK_AND_ASSIGN(const RecoveryPoint p, store->CreateSnapshot("disk0"));
  ASSERT_OK(store->WritePages("disk0", kMiB, Bytes(8192, 20)));
  const std::vector<uint8_t> zeros(8192, 0);
  EXPECT_EQ(InDataFile(dir, "disk0", kMiB, 8192), zeros) << "held, not written yet";
  // Everything the store says about the disk as it is now counts the held write.
  EXPECT_EQ(Read(*store, "disk0", "", kMiB, 8192), Bytes(8192, 20));
  std::vector<uint8_t> straddling(4096, 0);  // the held write's second half, then zeros
  const auto held = Bytes(8192, 20);
  straddling.insert(straddling.begin(), held.begin() + 4096, held.end());
  EXPECT_EQ(Read(*store, "disk0", "", kMiB + 4096, 8192), straddling);
  EXPECT_EQ(Read(*store, "disk0", p.id, kMiB, 8192), zeros);
  ASSERT_OK_AND_ASSIGN(const auto changed, store->ChangedRanges("disk0", p.id));
  EXPECT_EQ(changed, (std::vector<ByteRange>{{kMiB, 8192}}));
  // Allocation comes from the file's holes, which Wine does not keep (docs/windows.md).
  if (!RunningUnderWine()) {
    ASSERT_OK_AND_ASSIGN(const auto allocated, store->AllocatedRanges("disk0"));
    EXPECT_EQ(allocated, (std::vector<ByteRange>{{kMiB, 8192}}));
    ASSERT_OK_AND_ASSIGN(const auto in_point, store->AllocatedRanges("disk0", p.id));
    EXPECT_TRUE(in_point.empty());
  }

  ASSERT_OK(store->Flush("disk0"));
  EXPECT_EQ(InDataFile(dir, "disk0", kMiB, 8192), Bytes(8192, 20));
  EXPECT_EQ(Read(*store, "disk0", p.id, kMiB, 8192), zeros) << "saved in the undo log first";
}

// Writes that race to a disk the store has not opened yet all land in one place: each
// store object below starts with no disk open, and its writes open it from several
// threads at once.
TEST(LocalStoreTest, WritesRacingToOpenADiskAllReachIt) {
  TempDir dir;
  ASSERT_OK(Open(dir.path())->CreateDisk("disk0", 4 * kMiB));
  constexpr int kWriters = 8;
  StoreOptions options;
  options.max_in_flight = kWriters;
  for (int round = 0; round < 50; ++round) {
    {
      auto store = Open(dir.path(), options);
      std::latch start(kWriters);
      std::vector<std::thread> writers;
      for (int w = 0; w < kWriters; ++w) {
        writers.emplace_back([&, w] {
          start.arrive_and_wait();
          EXPECT_OK(store->WritePages("disk0", uint64_t(w) * 64 * 1024, Bytes(4096, uint8_t(round + w))));
        });
      }
      for (auto& writer : writers) writer.join();
      ASSERT_OK(store->Flush("disk0"));
    }
    auto reader = Open(dir.path());
    for (int w = 0; w < kWriters; ++w) {
      ASSERT_EQ(Read(*reader, "disk0", "", uint64_t(w) * 64 * 1024, 4096), Bytes(4096, uint8_t(round + w)))
          << "round " << round << ", writer " << w;
    }
  }
}

TEST(LocalStoreTest, HeldWritesKeepTheirOrderAgainstWritesAndClears) {
  TempDir dir;
  auto store = Open(dir.path());
  ASSERT_OK(store->CreateDisk("disk0", 4 * kMiB));
  ASSERT_OK_AND_ASSIGN(const RecoveryPoint p, store->CreateSnapshot("disk0"));
  ASSERT_OK(store->WritePages("disk0", 0, Bytes(8192, 21)));
  ASSERT_OK(store->WritePages("disk0", 4096, Bytes(8192, 22)));  // overlaps the first
  std::vector<uint8_t> expected = Bytes(8192, 21);
  expected.resize(4096);
  const auto second = Bytes(8192, 22);
  expected.insert(expected.end(), second.begin(), second.end());
  EXPECT_EQ(Read(*store, "disk0", "", 0, 12288), expected);
  ASSERT_OK(store->WritePages("disk0", kMiB, Bytes(4096, 23)));
  ASSERT_OK(store->ClearPages("disk0", kMiB, 4096));
  ASSERT_OK(store->Flush("disk0"));
  EXPECT_EQ(InDataFile(dir, "disk0", 0, 12288), expected);
  EXPECT_EQ(InDataFile(dir, "disk0", kMiB, 4096), std::vector<uint8_t>(4096, 0)) << "the clear came last";
  EXPECT_EQ(Read(*store, "disk0", p.id, 0, 12288), std::vector<uint8_t>(12288, 0));
}

TEST(LocalStoreTest, ARecoveryPointHoldsTheWritesBeforeItInTheDisk) {
  TempDir dir;
  auto store = Open(dir.path());
  ASSERT_OK(store->CreateDisk("disk0", 4 * kMiB));
  ASSERT_OK(store->WritePages("disk0", 0, Bytes(4096, 24)));
  ASSERT_OK_AND_ASSIGN(const RecoveryPoint p, store->CreateSnapshot("disk0"));
  EXPECT_EQ(InDataFile(dir, "disk0", 0, 4096), Bytes(4096, 24)) << "no flush asked for: the point made it";
  ASSERT_OK(store->WritePages("disk0", 0, Bytes(4096, 25)));
  ASSERT_OK_AND_ASSIGN(const RecoveryPoint q, store->CreateSnapshot("disk0"));
  auto other = Open(dir.path());
  EXPECT_EQ(Read(*other, "disk0", p.id, 0, 4096), Bytes(4096, 24));
  EXPECT_EQ(Read(*other, "disk0", q.id, 0, 4096), Bytes(4096, 25));
}

#ifndef _WIN32
TEST(LocalStoreTest, AKilledWriterLosesOnlyWhatItDidNotFlushAndNoPointChanges) {
  TempDir dir;
  const std::string point = DiskWithAPoint(dir.path(), Bytes(kMiB, 26));
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Flushes one write, holds another, and dies without closing anything.
    auto store = SyncStore::Open(dir.path());
    const bool ok = store.ok() && (*store)->WritePages("disk0", 0, Bytes(4096, 27)).ok() &&
                    (*store)->Flush("disk0").ok() && (*store)->WritePages("disk0", 2 * kMiB, Bytes(4096, 28)).ok();
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  auto store = Open(dir.path());
  EXPECT_EQ(Read(*store, "disk0", "", 0, 4096), Bytes(4096, 27));
  EXPECT_EQ(Read(*store, "disk0", "", 2 * kMiB, 4096), std::vector<uint8_t>(4096, 0)) << "never flushed";
  EXPECT_EQ(Read(*store, "disk0", point, 0, kMiB), Bytes(kMiB, 26));
  EXPECT_EQ(Read(*store, "disk0", point, 2 * kMiB, 4096), std::vector<uint8_t>(4096, 0));
}
#endif

TEST(LocalStoreTest, AGrowthACrashCutShortIsFinishedWhenTheDiskOpens) {
  TempDir dir;
  const std::string point = DiskWithAPoint(dir.path(), Bytes(kMiB, 40));
  const std::string vhd = dir.File("disk0/disk.vhd");
  std::array<uint8_t, 512> old_footer{};
  {
    ASSERT_OK_AND_ASSIGN(File file, File::Open(vhd, File::Mode::kRead));
    ASSERT_OK(file.ReadAt(4 * kMiB, old_footer));
  }
  // What the file holds after each step of a growth from 4 to 8 MiB that a crash ended
  // there: the record alone, the file lengthened, the new footer written (the old one
  // still in place), the old one cleared (the record not yet removed).
  const auto cut_short = [&](int steps) -> Status {
    boost::json::object record;
    record["from"] = 4 * kMiB;
    record["to"] = 8 * kMiB;
    HVR_RETURN_IF_ERROR(WriteChecksummedJson(dir.File("disk0/growth.json"), record));
    HVR_ASSIGN_OR_RETURN(File file, File::Open(vhd, File::Mode::kReadWrite));
    HVR_RETURN_IF_ERROR(file.Truncate(steps == 0 ? 4 * kMiB + 512 : 8 * kMiB + 512));
    if (steps < 3) HVR_RETURN_IF_ERROR(file.WriteAt(4 * kMiB, old_footer));
    if (steps >= 2) {
      HVR_ASSIGN_OR_RETURN(const vhd::Footer old, vhd::Decode(old_footer, vhd));
      HVR_ASSIGN_OR_RETURN(const vhd::Footer grown, vhd::GrowFixedFooter(old, 8 * kMiB));
      HVR_RETURN_IF_ERROR(file.WriteAt(8 * kMiB, vhd::Encode(grown)));
    }
    return file.Sync();
  };
  for (int steps = 0; steps <= 3; ++steps) {
    SCOPED_TRACE("steps done: " + std::to_string(steps));
    {
      // Back to the disk before the growth.
      ASSERT_OK_AND_ASSIGN(File file, File::Open(vhd, File::Mode::kReadWrite));
      ASSERT_OK(file.Truncate(4 * kMiB));
      ASSERT_OK(file.Truncate(4 * kMiB + 512));
      ASSERT_OK(file.WriteAt(4 * kMiB, old_footer));
    }
    ASSERT_OK(cut_short(steps));
    auto store = Open(dir.path());
    ASSERT_OK_AND_ASSIGN(const DiskProperties props, store->GetDisk("disk0"));
    EXPECT_EQ(props.virtual_size, 8 * kMiB);
    EXPECT_FALSE(std::filesystem::exists(dir.File("disk0/growth.json")));
    EXPECT_EQ(SizeOf(vhd), 8 * kMiB + 512);
    EXPECT_EQ(Read(*store, "disk0", "", 0, kMiB), Bytes(kMiB, 40));
    EXPECT_EQ(Read(*store, "disk0", "", 4 * kMiB, 4 * kMiB), std::vector<uint8_t>(4 * kMiB, 0))
        << "the old footer's place reads as zeros";
    EXPECT_EQ(Read(*store, "disk0", point, 0, kMiB), Bytes(kMiB, 40));
    ASSERT_OK_AND_ASSIGN(File file, File::Open(vhd, File::Mode::kRead));
    std::array<uint8_t, 512> footer{};
    ASSERT_OK(file.ReadAt(8 * kMiB, footer));
    ASSERT_OK_AND_ASSIGN(const vhd::Footer decoded, vhd::Decode(footer, vhd));
    ASSERT_OK_AND_ASSIGN(const vhd::Footer old, vhd::Decode(old_footer, vhd));
    EXPECT_EQ(decoded.current_size, 8 * kMiB);
    EXPECT_EQ(decoded.unique_id, old.unique_id) << "the disk keeps its identity";
  }
}

TEST(LocalStoreTest, PointsWrittenBeforeDisksGrewTakeTheSizeTheyHad) {
  TempDir dir;
  const std::string point = DiskWithAPoint(dir.path(), Bytes(kMiB, 41));
  // A description as versions before growth wrote it: no size.
  const std::string description = dir.File("disk0/points/" + point + ".json");
  ASSERT_OK_AND_ASSIGN(boost::json::object body, ReadChecksummedJson(description));
  body.erase("virtual_size");
  ASSERT_OK(WriteChecksummedJson(description, body));
  auto store = Open(dir.path());
  ASSERT_OK(store->GrowDisk("disk0", 8 * kMiB));
  auto reopened = Open(dir.path());
  ASSERT_OK_AND_ASSIGN(const auto points, reopened->ListSnapshots("disk0"));
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].virtual_size, 4 * kMiB);
  std::vector<uint8_t> past(512);
  EXPECT_EQ(CodeOf(reopened->Read("disk0", point, 4 * kMiB, past)), Code::kInvalidArgument);
}

TEST(LocalStoreTest, DamageIsReportedWithTheFile) {
  TempDir dir;
  auto store = Open(dir.path());
  ASSERT_OK(store->CreateDisk("disk0", kMiB, {{"k", "v"}}));
  ASSERT_OK(WriteFileAtomically(dir.File("disk0/metadata.json"),
                                R"({"body":{"metadata":{"k":"changed"}},"xxh3":"0123456789abcdef"})"));
  const auto metadata = store->GetMetadata("disk0");
  ASSERT_EQ(CodeOf(metadata), Code::kCorruptData);
  EXPECT_NE(metadata.error().message().find(PathIn("disk0", "metadata.json") + ": xxh3 expected"),
            std::string::npos)
      << metadata.error().message();

  ASSERT_OK(store->CreateDisk("disk1", kMiB));
  {
    ASSERT_OK_AND_ASSIGN(File file, File::Open(dir.File("disk1/disk.vhd"), File::Mode::kReadWrite));
    const uint8_t junk[8] = {'n', 'o', 't', 'a', 'v', 'h', 'd', '!'};
    ASSERT_OK(file.WriteAt(kMiB, junk));
  }
  auto fresh = Open(dir.path());
  const auto disk = fresh->GetDisk("disk1");
  ASSERT_EQ(CodeOf(disk), Code::kCorruptData);
  EXPECT_NE(disk.error().message().find(PathIn("disk1", "disk.vhd") + ": footer at offset 1048576: Cookie"),
            std::string::npos)
      << disk.error().message();
}

TEST(LocalStoreTest, LeasesExpireWithTime) {
  TempDir dir;
  ManualClock clock(TimePoint(std::chrono::seconds(1714564800)));
  StoreOptions options;
  options.clock = &clock;
  auto a = Open(dir.path(), options);
  auto b = Open(dir.path(), options);
  ASSERT_OK(a->CreateDisk("disk0", kMiB));
  ASSERT_OK(a->AcquireLease("disk0", std::chrono::seconds(15)));
  EXPECT_EQ(CodeOf(b->AcquireLease("disk0", std::chrono::seconds(15))), Code::kConflict);
  clock.Advance(std::chrono::seconds(10));
  ASSERT_OK(a->RenewLease("disk0"));
  clock.Advance(std::chrono::seconds(14));
  EXPECT_EQ(CodeOf(b->WritePages("disk0", 0, Bytes(512, 1))), Code::kConflict);
  clock.Advance(std::chrono::seconds(2));  // 16 s after the renewal: expired
  ASSERT_OK_AND_ASSIGN(const DiskProperties props, b->GetDisk("disk0"));
  EXPECT_EQ(props.lease_state, LeaseState::kExpired);
  ASSERT_OK(b->AcquireLease("disk0", std::chrono::seconds(15)));
  const Status lost = a->WritePages("disk0", 0, Bytes(512, 2));
  ASSERT_EQ(CodeOf(lost), Code::kConflict);
  ASSERT_OK(b->WritePages("disk0", 0, Bytes(512, 3)));
  // A break with a period lets the holder finish, then frees the disk.
  ASSERT_OK(a->BreakLease("disk0", std::chrono::seconds(5)));
  ASSERT_OK(b->WritePages("disk0", 0, Bytes(512, 4)));
  EXPECT_EQ(CodeOf(a->AcquireLease("disk0", std::chrono::seconds(15))), Code::kConflict);
  clock.Advance(std::chrono::seconds(5));
  ASSERT_OK(a->AcquireLease("disk0", std::chrono::seconds(15)));
}

}  // namespace
}  // namespace hvr

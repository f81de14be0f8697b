#include "hvr/change_tracker.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>

#include "hrl/filling_disk.hpp"
#include "hrl/hrl_test_util.hpp"
#include "hvr/hrl_coalesce.hpp"
#include "test_util/temp_dir.hpp"
#include "util/file.hpp"

namespace hvr {
namespace {

constexpr uint64_t kTrackerDisk = 16 << 20;

TrackedDisk Disk() { return TrackedDisk{kTrackerDisk, *Guid::Parse("b9be5c57-f8be-5503-98bb-6c44faf9ac87")}; }

std::vector<uint8_t> Replay(const std::vector<std::string>& logs) {
  ExtentMap map;
  auto summary = CoalesceLogs(logs, kTrackerDisk, map);
  EXPECT_TRUE(summary.ok()) << summary.error().ToString();
  std::vector<uint8_t> disk(kTrackerDisk, 0);
  const Status s = map.ForEachPageWrite(
      [](uint64_t, std::span<uint8_t> out) {
        std::fill(out.begin(), out.end(), 0);
        return Ok();
      },
      [&](uint64_t offset, std::span<const uint8_t> data) {
        std::copy(data.begin(), data.end(), disk.begin() + static_cast<long>(offset));
        return Ok();
      });
  EXPECT_TRUE(s.ok());
  return disk;
}

TEST(ChangeTrackerTest, RotationClosesChainsAndListsLogs) {
  TempDir dir;
  auto tracker = ChangeTracker::Open(dir.path(), Disk());
  ASSERT_TRUE(tracker.ok()) << tracker.error().ToString();
  EXPECT_EQ((*tracker)->current_log(), dir.File("hvr-0000000000000001.hrl"));
  EXPECT_FALSE((*tracker)->interrupted_log().has_value());
  std::vector<uint8_t> expected(kTrackerDisk, 0);
  const auto first = test::RandomWrites(50, kTrackerDisk, 9000, 1);
  for (const auto& w : first) ASSERT_TRUE((*tracker)->Record(w.offset, w.data).ok());
  test::ApplyWrites(expected, first);

  auto closed = (*tracker)->Rotate();
  ASSERT_TRUE(closed.ok()) << closed.error().ToString();
  EXPECT_EQ(*closed, dir.File("hvr-0000000000000001.hrl"));
  EXPECT_EQ((*tracker)->current_log(), dir.File("hvr-0000000000000002.hrl"));
  auto h1 = ReadHrlHeader(*closed);
  auto h2 = ReadHrlHeader((*tracker)->current_log());
  ASSERT_TRUE(h1.ok() && h2.ok());
  EXPECT_TRUE(h1->closed());
  EXPECT_FALSE(h2->closed());
  EXPECT_TRUE(h1->previous_unique_id.IsZero());
  EXPECT_EQ(h2->previous_unique_id, h1->unique_id);
  EXPECT_EQ(h1->vhd2_data_write_guid, Disk().data_write_guid);
  const auto listed = ListClosedLogs(dir.path());
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(*listed, std::vector<std::string>{*closed});

  const auto second = test::RandomWrites(50, kTrackerDisk, 9000, 2);
  for (const auto& w : second) ASSERT_TRUE((*tracker)->Record(w.offset, w.data).ok());
  test::ApplyWrites(expected, second);
  ASSERT_TRUE((*tracker)->Close().ok());
  ASSERT_TRUE((*tracker)->Close().ok());
  EXPECT_EQ((*tracker)->Record(0, test::Pattern(512, 1)).error().code(), Code::kInvalidArgument);
  EXPECT_FALSE((*tracker)->Rotate().ok());

  const auto logs = ListClosedLogs(dir.path());
  ASSERT_TRUE(logs.ok());
  ASSERT_EQ(logs->size(), 2u);
  EXPECT_TRUE(Replay(*logs) == expected);
}

TEST(ChangeTrackerTest, WritesFromManyThreadsSurviveConstantRotation) {
  TempDir dir;
  ChangeTrackerOptions options;
  options.buffer_size = 64 << 10;
  auto opened = ChangeTracker::Open(dir.path(), Disk(), options);
  ASSERT_TRUE(opened.ok());
  ChangeTracker& tracker = **opened;
  // Each thread owns a quarter of the disk and writes it over and over: whatever the
  // interleaving with rotations, replaying the logs in order must give each thread's
  // last write at every offset.
  constexpr int kThreads = 4;
  constexpr uint64_t kQuarter = kTrackerDisk / kThreads;
  std::vector<std::vector<uint8_t>> last(kThreads, std::vector<uint8_t>(kQuarter, 0));
  std::atomic<bool> failed{false};
  std::mutex rotated_mu;
  std::vector<std::string> rotated;
  const auto rotate = [&] {
    auto closed = tracker.Rotate();
    if (!closed.ok()) failed = true;
    std::lock_guard lock(rotated_mu);
    if (closed.ok()) rotated.push_back(*closed);
  };
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      const auto writes = test::RandomWrites(1500, kQuarter, 16384, 100 + t);
      for (size_t i = 0; i < writes.size(); ++i) {
        const auto& w = writes[i];
        if (!tracker.Record(uint64_t(t) * kQuarter + w.offset, w.data).ok()) failed = true;
        std::copy(w.data.begin(), w.data.end(), last[t].begin() + static_cast<long>(w.offset));
        if (i % 300 == 299) rotate();  // rotations from several threads at once, too
      }
    });
  }
  std::atomic<bool> done{false};
  std::thread rotator([&] {
    while (!done.load()) rotate();
  });
  for (auto& w : writers) w.join();
  done = true;
  rotator.join();
  std::sort(rotated.begin(), rotated.end());
  EXPECT_GE(rotated.size(), 20u);
  ASSERT_FALSE(failed.load());
  ASSERT_TRUE(tracker.Close().ok());

  const auto logs = ListClosedLogs(dir.path());
  ASSERT_TRUE(logs.ok());
  EXPECT_EQ(logs->size(), rotated.size() + 1);
  EXPECT_TRUE(std::equal(rotated.begin(), rotated.end(), logs->begin()));
  std::vector<uint8_t> expected;
  for (const auto& part : last) expected.insert(expected.end(), part.begin(), part.end());
  EXPECT_TRUE(Replay(*logs) == expected);
}

TEST(ChangeTrackerTest, ARestartContinuesTheChain) {
  TempDir dir;
  Guid closed_id;
  {
    auto tracker = ChangeTracker::Open(dir.path(), Disk());
    ASSERT_TRUE((*tracker)->Record(0, test::Pattern(4096, 1)).ok());
    ASSERT_TRUE((*tracker)->Rotate().ok());
    ASSERT_TRUE((*tracker)->Close().ok());
    closed_id = ReadHrlHeader(dir.File("hvr-0000000000000002.hrl"))->unique_id;
  }
  auto tracker = ChangeTracker::Open(dir.path(), Disk());
  ASSERT_TRUE(tracker.ok());
  EXPECT_EQ((*tracker)->current_log(), dir.File("hvr-0000000000000003.hrl"));
  EXPECT_FALSE((*tracker)->interrupted_log().has_value());
  EXPECT_EQ(ReadHrlHeader((*tracker)->current_log())->previous_unique_id, closed_id);
  ASSERT_TRUE((*tracker)->Close().ok());
  std::vector<HrlHeader> headers;
  const auto listed = ListClosedLogs(dir.path());
  ASSERT_TRUE(listed.ok());
  for (const auto& path : *listed) headers.push_back(*ReadHrlHeader(path));
  ASSERT_EQ(headers.size(), 3u);
  EXPECT_TRUE(CheckLogChain(headers).ok());
}

TEST(ChangeTrackerTest, AnUnclosedNewestLogIsReportedAndTheChainGoesOn) {
  TempDir dir;
  {
    auto tracker = ChangeTracker::Open(dir.path(), Disk());
    ASSERT_TRUE((*tracker)->Rotate().ok());
  }  // closes hvr-2 cleanly
  // What a crash leaves: hvr-3 created, written to, never closed.
  const std::string crashed = dir.File(TrackedLogName("hvr", 3));
  Guid crashed_id;
  {
    auto writer = HrlWriter::Create(crashed);
    ASSERT_TRUE(writer->Append(0, test::Pattern(4096, 1)).ok());
    ASSERT_TRUE(writer->Flush().ok());
    crashed_id = writer->header().unique_id;
  }
  std::vector<std::string> warnings;
  ChangeTrackerOptions options;
  options.log = [&](LogLevel level, std::string_view message) {
    if (level == LogLevel::kWarning) warnings.emplace_back(message);
  };
  auto tracker = ChangeTracker::Open(dir.path(), Disk(), options);
  ASSERT_TRUE(tracker.ok());
  EXPECT_EQ((*tracker)->interrupted_log(), crashed);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find(crashed + " was never closed"), std::string::npos);
  EXPECT_NE(warnings[0].find("resync"), std::string::npos);
  EXPECT_EQ((*tracker)->current_log(), dir.File(TrackedLogName("hvr", 4)));
  EXPECT_EQ(ReadHrlHeader((*tracker)->current_log())->previous_unique_id, crashed_id);
  ASSERT_TRUE((*tracker)->Close().ok());

  // The session finds the gap whichever way it looks.
  const auto logs = ListClosedLogs(dir.path());
  ASSERT_TRUE(logs.ok());
  EXPECT_EQ(*logs, (std::vector<std::string>{dir.File(TrackedLogName("hvr", 1)), dir.File(TrackedLogName("hvr", 2)),
                                             dir.File(TrackedLogName("hvr", 4))}));
  ExtentMap map;
  EXPECT_EQ(CoalesceLogs(*logs, kTrackerDisk, map).error().code(), Code::kLogChainGap);
  const std::vector<std::string> with_crashed = {(*logs)[1], crashed, (*logs)[2]};
  EXPECT_EQ(CoalesceLogs(with_crashed, kTrackerDisk, map).error().code(), Code::kLogNotClosed);
}

TEST(ChangeTrackerTest, ADamagedNewestLogStartsANewChain) {
  TempDir dir;
  {
    auto tracker = ChangeTracker::Open(dir.path(), Disk());
    ASSERT_TRUE((*tracker)->Close().ok());
  }
  const std::string damaged = dir.File(TrackedLogName("hvr", 7));
  ASSERT_TRUE(WriteFileAtomically(damaged, "not a log").ok());
  auto tracker = ChangeTracker::Open(dir.path(), Disk());
  ASSERT_TRUE(tracker.ok());
  EXPECT_EQ((*tracker)->interrupted_log(), damaged);
  EXPECT_EQ((*tracker)->current_log(), dir.File(TrackedLogName("hvr", 8)));
  EXPECT_TRUE(ReadHrlHeader((*tracker)->current_log())->previous_unique_id.IsZero());
  ASSERT_TRUE((*tracker)->Close().ok());
  const auto listed = ListClosedLogs(dir.path());
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 2u);  // hvr-1 and hvr-8
}

TEST(ChangeTrackerTest, NamesSortInLogOrderAndOtherFilesAreIgnored) {
  EXPECT_EQ(TrackedLogName("disk0", 12), "disk0-0000000000000012.hrl");
  EXPECT_LT(TrackedLogName("d", 9), TrackedLogName("d", 10));
  TempDir dir;
  ChangeTrackerOptions options;
  options.log_name = "disk0";
  {
    auto tracker = ChangeTracker::Open(dir.path(), Disk(), options);
    ASSERT_TRUE(tracker.ok());
    for (int i = 0; i < 11; ++i) ASSERT_TRUE((*tracker)->Rotate().ok());
  }
  for (const char* other : {"disk1-0000000000000001.hrl", "disk0-12.hrl", "disk0-0000000000000099.hrl.tmp",
                            "disk0-00000000000000x1.hrl"}) {
    ASSERT_TRUE(WriteFileAtomically(dir.File(other), "x").ok());
  }
  const auto logs = ListClosedLogs(dir.path(), "disk0");
  ASSERT_TRUE(logs.ok());
  ASSERT_EQ(logs->size(), 12u);
  for (size_t i = 0; i < logs->size(); ++i) EXPECT_EQ((*logs)[i], dir.File(TrackedLogName("disk0", i + 1)));
  const auto none = ListClosedLogs(dir.path(), "nothing");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(ChangeTrackerTest, BadArgumentsAreRefused) {
  TempDir dir;
  ChangeTrackerOptions options;
  options.log_name = "../escape";
  EXPECT_EQ(ChangeTracker::Open(dir.path(), Disk(), options).error().code(), Code::kInvalidArgument);
  EXPECT_EQ(ChangeTracker::Open(dir.File("missing"), Disk()).error().code(), Code::kNotFound);
  EXPECT_EQ(ListClosedLogs(dir.File("missing")).error().code(), Code::kNotFound);
  auto tracker = ChangeTracker::Open(dir.path(), Disk());
  ASSERT_TRUE(tracker.ok());
  EXPECT_EQ((*tracker)->Record(kTrackerDisk - 100, test::Pattern(512, 1)).error().code(), Code::kInvalidArgument);
  // A refused write is the caller's mistake: tracking goes on.
  ASSERT_TRUE((*tracker)->Record(kTrackerDisk - 512, test::Pattern(512, 1)).ok());
  EXPECT_TRUE((*tracker)->Rotate().ok());
}

TEST(ChangeTrackerTest, AFailedWriteMakesTheNextRotationAskForResync) {
  TempDir dir;
  test::FillingDisk disk;
  ChangeTrackerOptions options;
  options.buffer_size = 4096;
  options.output = &disk;
  auto tracker = ChangeTracker::Open(dir.path(), Disk(), options);
  ASSERT_TRUE(tracker.ok());
  const std::string failing = (*tracker)->current_log();
  Status failed = Ok();
  disk.Fill(64 << 10);
  for (int i = 0; i < 100 && failed.ok(); ++i) failed = (*tracker)->Record(uint64_t(i) << 12, test::Pattern(4096, i));
  disk.Free();
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code(), Code::kLowDiskSpace);
  EXPECT_FALSE((*tracker)->Record(0, test::Pattern(512, 1)).ok());  // stays failed

  auto rotated = (*tracker)->Rotate();
  ASSERT_FALSE(rotated.ok());
  EXPECT_EQ(rotated.error().code(), Code::kLogNotClosed);
  EXPECT_NE(rotated.error().message().find(failing + " stays unclosed"), std::string::npos)
      << rotated.error().message();
  EXPECT_EQ(ClassOf(rotated.error().code()), ErrorClass::kResyncRequired);
  // Tracking goes on in the next log, chained to the failed one.
  ASSERT_TRUE((*tracker)->Record(0, test::Pattern(512, 1)).ok());
  EXPECT_EQ(ReadHrlHeader((*tracker)->current_log())->previous_unique_id, ReadHrlHeader(failing)->unique_id);
  ASSERT_TRUE((*tracker)->Close().ok());
}

}  // namespace
}  // namespace hvr

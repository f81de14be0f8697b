#include "hvr/hrl_coalesce.hpp"

#include <gtest/gtest.h>

#include "hrl/hrl_test_util.hpp"
#include "test_util/temp_dir.hpp"

namespace hvr {
namespace {

using test::Write;

constexpr uint64_t kCoalesceDisk = 8 << 20;

// Three chained logs of overlapping writes, aligned and not.
struct Chain {
  TempDir dir;
  std::vector<std::string> paths;
  std::vector<std::vector<Write>> writes;
  std::vector<HrlHeader> headers;

  Chain() {
    Guid previous;
    for (uint32_t i = 0; i < 3; ++i) {
      paths.push_back(dir.File("log" + std::to_string(i) + ".hrl"));
      writes.push_back(test::RandomWrites(150, kCoalesceDisk, 20000, 10 + i, /*aligned=*/i != 1));
      HrlWriterOptions options;
      options.previous_unique_id = previous;
      options.disk_virtual_size = kCoalesceDisk;
      headers.push_back(test::WriteLog(paths.back(), writes.back(), options));
      previous = headers.back().unique_id;
    }
  }
};

std::vector<uint8_t> Replay(ExtentMap& map, const std::vector<uint8_t>& base) {
  std::vector<uint8_t> replica = base;
  const Status s = map.ForEachPageWrite(
      [&](uint64_t offset, std::span<uint8_t> out) {
        std::copy_n(base.begin() + static_cast<long>(offset), out.size(), out.begin());
        return Ok();
      },
      [&](uint64_t offset, std::span<const uint8_t> data) {
        std::copy(data.begin(), data.end(), replica.begin() + static_cast<long>(offset));
        return Ok();
      });
  EXPECT_TRUE(s.ok()) << s.error().ToString();
  return replica;
}

TEST(CoalesceLogsTest, LogsInOrderGiveTheDiskAfterEveryWrite) {
  Chain chain;
  const std::vector<uint8_t> base = test::Pattern(kCoalesceDisk, 77);
  std::vector<uint8_t> expected = base;
  uint64_t entries = 0;
  for (const auto& w : chain.writes) {
    test::ApplyWrites(expected, w);
    entries += w.size();
  }
  for (bool copy : {false, true}) {
    ExtentMap map;
    CoalesceOptions options;
    options.copy_data = copy;
    options.previous_unique_id = Guid();  // the first log starts a chain
    uint64_t last_done = 0, last_total = 0;
    options.progress = [&](uint64_t done, uint64_t total) {
      EXPECT_GE(done, last_done);
      last_done = done;
      last_total = total;
    };
    auto summary = CoalesceLogs(chain.paths, kCoalesceDisk, map, options);
    ASSERT_TRUE(summary.ok()) << summary.error().ToString();
    EXPECT_EQ(summary->logs.size(), 3u);
    EXPECT_EQ(summary->entries, entries);
    EXPECT_EQ(last_done, last_total);
    EXPECT_EQ(last_total, chain.headers[0].eol_location + chain.headers[1].eol_location +
                              chain.headers[2].eol_location);
    EXPECT_TRUE(Replay(map, base) == expected) << (copy ? "copied" : "referred");
    EXPECT_EQ(map.HeldBytes() == 0, !copy);
  }
}

TEST(CoalesceLogsTest, TheChainIsCheckedBeforeAnyDataIsRead) {
  Chain chain;
  ExtentMap map;
  const std::vector<std::string> gap = {chain.paths[0], chain.paths[2]};
  auto result = CoalesceLogs(gap, kCoalesceDisk, map);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), Code::kLogChainGap);
  EXPECT_NE(result.error().message().find("log2.hrl"), std::string::npos);
  EXPECT_NE(result.error().message().find("does not follow " + chain.paths[0]), std::string::npos);
  EXPECT_EQ(map.ChangedBytes(), 0u);

  CoalesceOptions options;
  options.previous_unique_id = chain.headers[1].unique_id;  // log0 was not the last applied
  result = CoalesceLogs(chain.paths, kCoalesceDisk, map, options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), Code::kLogChainGap);

  options.previous_unique_id = chain.headers[0].unique_id;
  const std::vector<std::string> rest = {chain.paths[1], chain.paths[2]};
  EXPECT_TRUE(CoalesceLogs(rest, kCoalesceDisk, map, options).ok());
}

TEST(CoalesceLogsTest, AnUnclosedLogStopsEverything) {
  Chain chain;
  HrlWriterOptions options;
  options.previous_unique_id = chain.headers[2].unique_id;
  auto open = HrlWriter::Create(chain.dir.File("open.hrl"), options);
  ASSERT_TRUE(open.ok());
  ASSERT_TRUE(open->Append(0, test::Pattern(512, 1)).ok());
  std::vector<std::string> paths = chain.paths;
  paths.push_back(open->path());
  ExtentMap map;
  auto result = CoalesceLogs(paths, kCoalesceDisk, map);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), Code::kLogNotClosed);
  EXPECT_NE(result.error().message().find("open.hrl"), std::string::npos);
  EXPECT_EQ(map.ChangedBytes(), 0u);
}

TEST(CoalesceLogsTest, DamageInALaterLogFailsTheWhole) {
  Chain chain;
  // The first entry's data of the last log, whatever it was, changed.
  const auto bytes = test::ReadFileBytes(chain.paths[2]);
  test::PatchFile(chain.paths[2], 8192, {static_cast<uint8_t>(bytes[8192] ^ 1)});
  ExtentMap map;
  auto result = CoalesceLogs(chain.paths, kCoalesceDisk, map);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), Code::kCorruptData);
  EXPECT_NE(result.error().message().find("log2.hrl: metadata block at offset"), std::string::npos);
  // Writes beyond the disk the caller names are refused too.
  ExtentMap small;
  result = CoalesceLogs(std::span(chain.paths).first(1), kCoalesceDisk / 2, small);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message().find("ByteOffset + DataLength"), std::string::npos);
}

TEST(CoalesceLogsTest, Cancels) {
  Chain chain;
  CancelToken cancel;
  cancel.Cancel();
  CoalesceOptions options;
  options.cancel = &cancel;
  ExtentMap map;
  EXPECT_EQ(CoalesceLogs(chain.paths, kCoalesceDisk, map, options).error().code(), Code::kCancelled);
}

}  // namespace
}  // namespace hvr

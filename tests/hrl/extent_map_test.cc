// The extent map against a model: a byte array the same writes are applied to, and a
// bitmap of the bytes they touched.
#include "hvr/extent_map.hpp"

#include <gtest/gtest.h>

#include <random>

#include "hrl/hrl_test_util.hpp"

namespace hvr {
namespace {

constexpr uint64_t kMapDisk = 1 << 20;

struct Model {
  std::vector<uint8_t> base = test::Pattern(kMapDisk, 99);  // the disk before the writes
  std::vector<uint8_t> disk = base;
  std::vector<bool> written = std::vector<bool>(kMapDisk, false);

  void Apply(uint64_t offset, std::span<const uint8_t> data) {
    std::copy(data.begin(), data.end(), disk.begin() + static_cast<long>(offset));
    for (size_t i = 0; i < data.size(); ++i) written[offset + i] = true;
  }

  std::vector<ByteRange> Runs(uint64_t unit) const {
    std::vector<ByteRange> runs;
    for (uint64_t at = 0; at < kMapDisk; at += unit) {
      bool any = false;
      for (uint64_t i = at; i < at + unit; ++i) any = any || written[i];
      if (!any) continue;
      if (!runs.empty() && runs.back().end() == at) {
        runs.back().length += unit;
      } else {
        runs.push_back({at, unit});
      }
    }
    return runs;
  }

  ReadFn BaseReader() const {
    return [this](uint64_t offset, std::span<uint8_t> out) {
      std::copy_n(base.begin() + static_cast<long>(offset), out.size(), out.begin());
      return Ok();
    };
  }
};

// Random writes, half copied and half referring to a source, many overlapping.
void AddRandomWrites(ExtentMap& map, Model& model, const std::vector<uint8_t>& source,
                     ExtentMap::SourceId id, size_t count, uint32_t seed) {
  std::mt19937_64 rng(seed);
  for (size_t i = 0; i < count; ++i) {
    const uint64_t length = 1 + rng() % (rng() % 8 == 0 ? 70000 : 3000);
    uint64_t offset = rng() % (kMapDisk - length + 1);
    if (rng() % 2) offset = std::min(offset / 512 * 512, kMapDisk - length);
    if (rng() % 2) {
      const std::vector<uint8_t> data = test::Pattern(length, static_cast<uint32_t>(seed + i));
      ASSERT_TRUE(map.Add(offset, data).ok());
      model.Apply(offset, data);
    } else {
      const uint64_t at = rng() % (source.size() - length + 1);
      ASSERT_TRUE(map.AddReference(offset, length, id, at).ok());
      model.Apply(offset, std::span(source).subspan(at, length));
    }
  }
}

void ExpectMatchesModel(ExtentMap& map, const Model& model, uint64_t max_bytes) {
  uint64_t changed = 0;
  for (bool w : model.written) changed += w;
  EXPECT_EQ(map.ChangedBytes(), changed);
  EXPECT_EQ(map.ChangedRanges(), model.Runs(1));

  auto pages = map.PageWriteRanges(max_bytes);
  ASSERT_TRUE(pages.ok());
  // The changed pages exactly, cut into the fewest pieces of at most max_bytes.
  std::vector<ByteRange> expected;
  for (const ByteRange& run : model.Runs(512)) {
    for (uint64_t at = run.offset; at < run.end(); at += max_bytes) {
      expected.push_back({at, std::min(max_bytes, run.end() - at)});
    }
  }
  EXPECT_EQ(*pages, expected);

  std::vector<uint8_t> replica = model.base;
  size_t calls = 0;
  const Status s = map.ForEachPageWrite(
      model.BaseReader(),
      [&](uint64_t offset, std::span<const uint8_t> data) {
        EXPECT_EQ(offset % 512, 0u);
        EXPECT_EQ(data.size() % 512, 0u);
        EXPECT_LE(data.size(), max_bytes);
        std::copy(data.begin(), data.end(), replica.begin() + static_cast<long>(offset));
        ++calls;
        return Ok();
      },
      max_bytes);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(calls, expected.size());
  EXPECT_TRUE(replica == model.disk);
}

TEST(ExtentMapTest, LastWriterWinsAgainstAModel) {
  for (uint32_t seed : {1u, 2u, 3u}) {
    ExtentMap map;
    Model model;
    const std::vector<uint8_t> source = test::Pattern(200000, seed + 50);
    const auto id = map.AddSource([&](uint64_t offset, std::span<uint8_t> out) {
      std::copy_n(source.begin() + static_cast<long>(offset), out.size(), out.begin());
      return Ok();
    });
    AddRandomWrites(map, model, source, id, 300, seed);
    ExpectMatchesModel(map, model, 4 << 20);
    ExpectMatchesModel(map, model, 4096);
    // More writes after the map was read: compaction merges them into what it holds.
    AddRandomWrites(map, model, source, id, 300, seed + 100);
    ExpectMatchesModel(map, model, 1536);
  }
}

TEST(ExtentMapTest, ManyBatchesOfTinyOverlappingWritesCompactCorrectly) {
  // 200,000 writes make several batches, each compacted into the extents before it.
  ExtentMap map;
  Model model;
  const std::vector<uint8_t> source = test::Pattern(1 << 16, 5);
  const auto id = map.AddSource([&](uint64_t offset, std::span<uint8_t> out) {
    std::copy_n(source.begin() + static_cast<long>(offset), out.size(), out.begin());
    return Ok();
  });
  std::mt19937_64 rng(11);
  for (int i = 0; i < 200000; ++i) {
    const uint64_t length = 1 + rng() % 700;
    const uint64_t offset = rng() % (kMapDisk - length);
    const uint64_t at = rng() % (source.size() - length);
    ASSERT_TRUE(map.AddReference(offset, length, id, at).ok());
    model.Apply(offset, std::span(source).subspan(at, length));
  }
  ExpectMatchesModel(map, model, 4 << 20);
}

TEST(ExtentMapTest, SequentialWritesBecomeOneExtent) {
  ExtentMap map;
  std::vector<uint8_t> log(1 << 20);
  const auto id = map.AddSource([&](uint64_t, std::span<uint8_t>) { return Ok(); });
  // As in a log: disk-contiguous writes whose data lies one after another.
  for (uint64_t i = 0; i < 256; ++i) ASSERT_TRUE(map.AddReference(i * 4096, 4096, id, 8192 + i * 4096).ok());
  EXPECT_EQ(map.ExtentCount(), 1u);
  EXPECT_EQ(map.ChangedRanges(), (std::vector<ByteRange>{{0, 1 << 20}}));
  auto pages = map.PageWriteRanges();
  ASSERT_TRUE(pages.ok());
  EXPECT_EQ(*pages, (std::vector<ByteRange>{{0, 1 << 20}}));
}

TEST(ExtentMapTest, UnalignedEdgesAreWidenedWithBaseContent) {
  ExtentMap map;
  Model model;
  const std::vector<uint8_t> data = test::Pattern(10, 1);
  ASSERT_TRUE(map.Add(1000, data).ok());
  model.Apply(1000, data);
  auto pages = map.PageWriteRanges();
  ASSERT_TRUE(pages.ok());
  EXPECT_EQ(*pages, (std::vector<ByteRange>{{512, 512}}));
  std::vector<uint8_t> out(512);
  ASSERT_TRUE(map.Read({512, 512}, out, model.BaseReader()).ok());
  EXPECT_TRUE(std::equal(out.begin(), out.end(), model.disk.begin() + 512));
  // Without base content, unwritten bytes cannot be produced.
  const Status s = map.Read({512, 512}, out, nullptr);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), Code::kInvalidArgument);
  EXPECT_NE(s.error().message().find("bytes 512 to 1000 were not written"), std::string::npos);
  // A range written entirely needs none.
  ASSERT_TRUE(map.Read({1002, 4}, std::span(out).first(4), nullptr).ok());
  EXPECT_TRUE(std::equal(out.begin(), out.begin() + 4, data.begin() + 2));
}

TEST(ExtentMapTest, TouchingPagesJoinIntoOneWrite) {
  ExtentMap map;
  ASSERT_TRUE(map.Add(0, test::Pattern(100, 1)).ok());
  ASSERT_TRUE(map.Add(600, test::Pattern(100, 2)).ok());   // page 1
  ASSERT_TRUE(map.Add(2048, test::Pattern(10, 3)).ok());   // page 4: not touching page 1
  EXPECT_EQ(map.ChangedBytes(), 210u);
  auto pages = map.PageWriteRanges();
  ASSERT_TRUE(pages.ok());
  EXPECT_EQ(*pages, (std::vector<ByteRange>{{0, 1024}, {2048, 512}}));
}

TEST(ExtentMapTest, OverwrittenCopiesAreDropped) {
  ExtentMap map;
  // 100 MiB of copies of the same MiB: more than one 64 MiB batch.
  const std::vector<uint8_t> a = test::Pattern(64 << 10, 1), b = test::Pattern(64 << 10, 2);
  for (int round = 0; round < 100; ++round) {
    for (uint64_t at = 0; at < kMapDisk; at += a.size()) ASSERT_TRUE(map.Add(at, round % 2 ? a : b).ok());
  }
  EXPECT_EQ(map.ChangedBytes(), kMapDisk);
  EXPECT_EQ(map.HeldBytes(), kMapDisk);

  // A large copy overwritten all but 4 KiB is shrunk to what is still current.
  ExtentMap shrink;
  ASSERT_TRUE(shrink.Add(0, test::Pattern(kMapDisk, 1)).ok());
  const std::vector<uint8_t> newer = test::Pattern(kMapDisk - 4096, 2);
  ASSERT_TRUE(shrink.Add(4096, newer).ok());
  EXPECT_EQ(shrink.HeldBytes(), kMapDisk);  // 4 KiB of the first copy and the second one
  std::vector<uint8_t> out(kMapDisk);
  ASSERT_TRUE(shrink.Read({0, kMapDisk}, out, nullptr).ok());
  const std::vector<uint8_t> first = test::Pattern(kMapDisk, 1);
  EXPECT_TRUE(std::equal(out.begin(), out.begin() + 4096, first.begin()));
  EXPECT_TRUE(std::equal(out.begin() + 4096, out.end(), newer.begin()));
}

TEST(ExtentMapTest, BadArgumentsAreRefused) {
  ExtentMap map;
  EXPECT_EQ(map.AddReference(0, 10, 1, 0).error().code(), Code::kInvalidArgument);  // no source 1
  EXPECT_EQ(map.AddReference(0, 10, 0, 0).error().code(), Code::kInvalidArgument);
  EXPECT_EQ(map.Add(kMaxExtentEnd - 5, test::Pattern(10, 1)).error().code(), Code::kInvalidArgument);
  EXPECT_EQ(map.Add(~uint64_t{0}, test::Pattern(10, 1)).error().code(), Code::kInvalidArgument);
  EXPECT_TRUE(map.Add(kMaxExtentEnd - 10, test::Pattern(10, 1)).ok());
  EXPECT_TRUE(map.Add(5, {}).ok());
  EXPECT_EQ(map.ChangedBytes(), 10u);
  EXPECT_EQ(map.PageWriteRanges(0).error().code(), Code::kInvalidArgument);
  EXPECT_EQ(map.PageWriteRanges(1000).error().code(), Code::kInvalidArgument);
  std::vector<uint8_t> small(3);
  EXPECT_EQ(map.Read({0, 4}, small, nullptr).error().code(), Code::kInvalidArgument);
}

TEST(ExtentMapTest, SourceAndSinkFailuresStopPageWrites) {
  ExtentMap map;
  const auto id = map.AddSource([](uint64_t, std::span<uint8_t>) { return Status(Error(Code::kIo, "log gone")); });
  ASSERT_TRUE(map.AddReference(0, 512, id, 0).ok());
  Status s = map.ForEachPageWrite(nullptr, [](uint64_t, std::span<const uint8_t>) { return Ok(); });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message(), "log gone");

  ExtentMap copied;
  ASSERT_TRUE(copied.Add(0, test::Pattern(512, 1)).ok());
  ASSERT_TRUE(copied.Add(8192, test::Pattern(512, 1)).ok());
  int calls = 0;
  s = copied.ForEachPageWrite(nullptr, [&](uint64_t, std::span<const uint8_t>) {
    ++calls;
    return Status(Error(Code::kThrottled, "503"));
  });
  EXPECT_EQ(s.error().code(), Code::kThrottled);
  EXPECT_EQ(calls, 1);

  CancelToken cancel;
  cancel.Cancel();
  s = copied.ForEachPageWrite(nullptr, [](uint64_t, std::span<const uint8_t>) { return Ok(); },
                              kMaxPageWriteBytes, &cancel);
  EXPECT_EQ(s.error().code(), Code::kCancelled);
}

}  // namespace
}  // namespace hvr

namespace hvr {
namespace {

TEST(ExtentMapJoinTest, WritesJoinAcrossGapsTheCallerAccepts) {
  ExtentMap map;
  const std::vector<uint8_t> block(4096, 7);
  for (uint64_t at : {0u, 8192u, 65536u, 1u << 20}) ASSERT_TRUE(map.Add(at, block).ok());
  // Gaps of 4 KiB and 52 KiB are accepted, the one of 956 KiB is not.
  const JoinableFn short_gaps = [](const ByteRange& gap) { return gap.length < (64u << 10); };
  auto joined = map.PageWriteRanges(kMaxPageWriteBytes, short_gaps);
  ASSERT_TRUE(joined.ok());
  ASSERT_EQ(joined->size(), 2u);
  EXPECT_EQ((*joined)[0], (ByteRange{0, 65536 + 4096}));
  EXPECT_EQ((*joined)[1], (ByteRange{1u << 20, 4096}));
  auto apart = map.PageWriteRanges();
  ASSERT_TRUE(apart.ok());
  EXPECT_EQ(apart->size(), 4u) << "without a JoinableFn only touching writes join";
  // The joined write carries the gap's bytes from the base.
  std::vector<std::pair<uint64_t, std::vector<uint8_t>>> writes;
  const ReadFn zeros = [](uint64_t, std::span<uint8_t> out) {
    std::fill(out.begin(), out.end(), uint8_t{0});
    return Ok();
  };
  ASSERT_TRUE(map.ForEachPageWrite(zeros,
                                   [&](uint64_t offset, std::span<const uint8_t> data) {
                                     writes.emplace_back(offset, std::vector<uint8_t>(data.begin(), data.end()));
                                     return Ok();
                                   },
                                   kMaxPageWriteBytes, nullptr, short_gaps)
                  .ok());
  ASSERT_EQ(writes.size(), 2u);
  EXPECT_EQ(writes[0].second[4096], 0);
  EXPECT_EQ(writes[0].second[8192], 7);
}

}  // namespace
}  // namespace hvr

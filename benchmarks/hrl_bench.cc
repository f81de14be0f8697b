// HRL benchmarks (figures in docs/benchmarks.md; benchmarks/compare_hrl_verify.sh prints
// the verify / plain read ratio):
//  - reading and verifying a 1 GiB log of 4 KiB writes from page cache, beside a plain
//    sequential read of the same file in the same run (target: at least half of it);
//  - adding random 4 KiB writes over a 1 TiB disk into the extent map (target: 5 million
//    a second), by reference as logs are coalesced, and by copy;
//  - the byte-sum checksum alone.
// The 1 GiB log is written once per run into a temporary folder and removed at exit.
#include <benchmark/benchmark.h>
#include <boost/icl/interval_map.hpp>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <filesystem>
#include <random>
#include <vector>

#include "hrl/checksum.hpp"
#include "hvr/extent_map.hpp"
#include "hvr/hrl.hpp"
#include "hvr/hrl_writer.hpp"

namespace {

constexpr uint64_t kTiB = uint64_t{1} << 40;
constexpr size_t kWrite = 4096;

std::vector<uint8_t> Bytes(size_t n, uint32_t seed) {
  std::vector<uint8_t> data(n);
  std::mt19937 rng(seed);
  for (auto& b : data) b = static_cast<uint8_t>(rng());
  return data;
}

// 4 KiB-aligned random offsets over a 1 TiB disk.
const std::vector<uint64_t>& RandomOffsets() {
  static const std::vector<uint64_t> offsets = [] {
    std::vector<uint64_t> v(1 << 20);
    std::mt19937_64 rng(42);
    for (auto& o : v) o = rng() % (kTiB / kWrite) * kWrite;
    return v;
  }();
  return offsets;
}

// The 1 GiB log: 4 KiB writes at random offsets, random data, written once per run
// (then in page cache) and removed at exit.
class BigLog {
 public:
  static const BigLog& Get() {
    static const BigLog log;
    return log;
  }
  const std::string& path() const { return path_; }
  uint64_t size() const { return size_; }
  uint64_t entries() const { return entries_; }

 private:
  BigLog() {
    const char* tmp = std::getenv("TMPDIR");
    std::string folder = std::string(tmp && *tmp ? tmp : "/tmp") + "/hvr-hrl-bench-XXXXXX";
    if (::mkdtemp(folder.data()) == nullptr) std::abort();
    folder_ = folder;
    path_ = folder + "/big.hrl";
    auto writer = hvr::HrlWriter::Create(path_);
    if (!writer.ok()) std::abort();
    const std::vector<uint8_t> random = Bytes(1 << 20, 3);
    const auto& offsets = RandomOffsets();
    constexpr uint64_t kLogData = uint64_t{1} << 30;
    for (uint64_t i = 0; i * kWrite < kLogData; ++i) {
      const auto data = std::span(random).subspan((i * 4099) % (random.size() - kWrite), kWrite);
      if (!writer->Append(offsets[i % offsets.size()], data).ok()) std::abort();
    }
    if (!writer->Close().ok()) std::abort();
    size_ = writer->header().eol_location;
    entries_ = writer->entry_count();
  }
  ~BigLog() { std::filesystem::remove_all(folder_); }

  std::string folder_;
  std::string path_;
  uint64_t size_ = 0;
  uint64_t entries_ = 0;
};

// The reference: the same file read front to back in 1 MiB preads, nothing else.
void BM_PlainSequentialRead(benchmark::State& state) {
  const BigLog& log = BigLog::Get();
  const int fd = ::open(log.path().c_str(), O_RDONLY | O_CLOEXEC);
  std::vector<uint8_t> buffer(1 << 20);
  for (auto _ : state) {
    for (uint64_t at = 0; at < log.size(); at += buffer.size()) {
      if (::pread(fd, buffer.data(), buffer.size(), static_cast<off_t>(at)) <= 0) std::abort();
    }
    benchmark::DoNotOptimize(buffer.data());
  }
  ::close(fd);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * log.size()));
}
BENCHMARK(BM_PlainSequentialRead)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2);

// Open, walk and verify every checksum (header, metadata, entries, data) of the log,
// as CoalesceLogs does; or also copy each entry's data out into a 4 KiB buffer.
void BM_VerifyLog(benchmark::State& state) {
  const BigLog& log = BigLog::Get();
  const bool copy_out = state.range(0) != 0;
  std::vector<uint8_t> buffer(kWrite);
  for (auto _ : state) {
    auto reader = hvr::HrlReader::Open(log.path(), kTiB);
    if (!reader.ok()) std::abort();
    hvr::HrlEntry entry;
    uint64_t entries = 0;
    for (;;) {
      auto more = reader->Next(entry);
      if (!more.ok()) std::abort();
      if (!*more) break;
      if (copy_out && !reader->ReadData(buffer).ok()) std::abort();
      ++entries;
    }
    if (entries != log.entries()) std::abort();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * log.size()));
}
BENCHMARK(BM_VerifyLog)->Arg(0)->Arg(1)->ArgName("copy_out")->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2);

// Random 4 KiB writes referring to a log (as CoalesceLogs adds them), `writes` per map,
// then the map's final compaction (ChangedBytes). `reused`: one map, cleared between
// rounds, as a session coalesces cycle after cycle; otherwise a new map each round, whose
// memory is faulted in afresh (docs/benchmarks.md says what that costs here).
void BM_ExtentMapAddReference(benchmark::State& state) {
  const auto& offsets = RandomOffsets();
  const size_t count = static_cast<size_t>(state.range(0));
  const bool reused = state.range(1) != 0;
  hvr::ExtentMap map;
  if (reused) {  // a previous cycle, untimed: the map's lists have their memory
    const auto log = map.AddSource([](uint64_t, std::span<uint8_t>) { return hvr::Ok(); });
    for (size_t i = 0; i < count; ++i) (void)map.AddReference(offsets[i], kWrite, log, i * kWrite);
    benchmark::DoNotOptimize(map.ChangedBytes());
    map.Clear();
  }
  for (auto _ : state) {
    const auto log = map.AddSource([](uint64_t, std::span<uint8_t>) { return hvr::Ok(); });
    for (size_t i = 0; i < count; ++i) {
      benchmark::DoNotOptimize(map.AddReference(offsets[i], kWrite, log, 8192 + i * kWrite));
    }
    benchmark::DoNotOptimize(map.ChangedBytes());
    state.PauseTiming();
    if (reused) {
      map.Clear();
    } else {
      map = hvr::ExtentMap();
    }
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * count));
}
BENCHMARK(BM_ExtentMapAddReference)
    ->ArgsProduct({{1 << 20}, {0, 1}})
    ->ArgNames({"writes", "reused"})
    ->Unit(benchmark::kMillisecond);

// The library alternative, for docs/extent-map.md: Boost.ICL's interval_map with set()
// (last writer wins), holding `source offset - disk offset`, which splits do not change.
void BM_IclIntervalMapSet(benchmark::State& state) {
  const auto& offsets = RandomOffsets();
  const size_t count = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    boost::icl::interval_map<uint64_t, int64_t, boost::icl::partial_absorber, std::less,
                             boost::icl::inplace_identity>
        map;
    for (size_t i = 0; i < count; ++i) {
      map.set({boost::icl::interval<uint64_t>::right_open(offsets[i], offsets[i] + kWrite),
               static_cast<int64_t>(8192 + i * kWrite) - static_cast<int64_t>(offsets[i])});
    }
    benchmark::DoNotOptimize(map.iterative_size());
    state.PauseTiming();
    map.clear();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * count));
}
BENCHMARK(BM_IclIntervalMapSet)->Arg(1 << 20)->ArgName("writes")->Unit(benchmark::kMillisecond)->Iterations(1);

// The same with the bytes copied into the map.
void BM_ExtentMapAddCopy(benchmark::State& state) {
  const auto& offsets = RandomOffsets();
  const size_t count = static_cast<size_t>(state.range(0));
  const std::vector<uint8_t> data = Bytes(kWrite, 1);
  for (auto _ : state) {
    hvr::ExtentMap map;
    for (size_t i = 0; i < count; ++i) benchmark::DoNotOptimize(map.Add(offsets[i], data));
    benchmark::DoNotOptimize(map.ChangedBytes());
    state.PauseTiming();
    map = hvr::ExtentMap();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * count));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * count * kWrite));
}
BENCHMARK(BM_ExtentMapAddCopy)->Arg(1 << 16)->ArgName("writes")->Unit(benchmark::kMillisecond);

// What copying alone costs on this machine: 4 KiB into fresh heap memory, no map.
void BM_CopyIntoFreshMemory(benchmark::State& state) {
  const size_t count = static_cast<size_t>(state.range(0));
  const std::vector<uint8_t> data = Bytes(kWrite, 1);
  std::vector<std::unique_ptr<uint8_t[]>> copies(count);
  for (auto _ : state) {
    for (size_t i = 0; i < count; ++i) {
      copies[i] = std::make_unique_for_overwrite<uint8_t[]>(kWrite);
      std::memcpy(copies[i].get(), data.data(), kWrite);
    }
    state.PauseTiming();
    for (auto& c : copies) c.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * count));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * count * kWrite));
}
BENCHMARK(BM_CopyIntoFreshMemory)->Arg(1 << 16)->ArgName("writes")->Unit(benchmark::kMillisecond);

void BM_ByteSum(benchmark::State& state) {
  const std::vector<uint8_t> data = Bytes(static_cast<size_t>(state.range(0)), 2);
  for (auto _ : state) benchmark::DoNotOptimize(hvr::hrl::ByteSum(data));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}
BENCHMARK(BM_ByteSum)->Arg(4096)->Arg(256 << 10);

}  // namespace

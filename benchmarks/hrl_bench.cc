// HRL benchmarks (figures in docs/benchmarks.md):
//  - reading and verifying a 1 GiB log of 4 KiB writes from page cache, beside a plain
//    sequential read of the same file in the same run (target: at least half of it);
//  - adding random 4 KiB writes over a 1 TiB disk into the extent map (target: 5 million
//    a second), by reference as logs are coalesced, and by copy;
//  - the byte-sum checksum alone.
// The 1 GiB log is written once per run into a temporary folder and removed at exit.
#include <benchmark/benchmark.h>
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

// Random 4 KiB writes referring to a log (as CoalesceLogs adds them), `writes` per map,
// then the map's final compaction (ChangedBytes). `reused`: one map, cleared between
// rounds, as a session coalesces cycle after cycle; otherwise a new map each round, whose
// memory is faulted in afresh (docs/benchmarks.md says what that costs here).
void BM_ExtentMapAddReference(benchmark::State& state) {
  const auto& offsets = RandomOffsets();
  const size_t count = static_cast<size_t>(state.range(0));
  const bool reused = state.range(1) != 0;
  hvr::ExtentMap map;
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

// One delta cycle into the local folder store against the disk's own speed: N MiB of
// 4 KiB writes at distinct random offsets go through PageWriter, as a cycle sends them,
// and a recovery point follows (BM_LocalCycle). Beside it, in the same
// iteration, the reference writes the same bytes at the same offsets into a plain file
// and calls fdatasync once. `ratio` is the cycle's time over the reference's; the goal
// is at most 2 (docs/benchmarks.md).
//
// BM_LocalCyclePerWriteDurable is the store as it was before writes were made durable
// together: each write flushed as it completes (an undo-log sync, the write, a data-file
// sync), 8 at a time, as the session's PageWriter keeps 8 in flight.
//
// The replica already has a recovery point, as every replica after initial replication
// does, so each first write of a page costs its undo record. Files live under
// $HVR_BENCH_DIR (default: the current folder), which should be on the disk measured.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <numeric>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "hvr/sync_store.hpp"
#include "store/page_writer.hpp"
#include "util/file.hpp"

namespace {

using Clock = std::chrono::steady_clock;
constexpr uint64_t kPage = 4096;

struct Workload {
  uint64_t disk_size = 0;
  std::vector<uint64_t> offsets;  // distinct, in the order written
  std::vector<uint8_t> data;      // kPage bytes per offset
};

// The written pages take a quarter of the disk, as scattered guest writes would.
Workload MakeWorkload(uint64_t bytes, unsigned seed) {
  Workload w;
  w.disk_size = bytes * 4;
  std::vector<uint64_t> pages(w.disk_size / kPage);
  std::iota(pages.begin(), pages.end(), uint64_t{0});
  std::mt19937_64 rng(seed);
  std::shuffle(pages.begin(), pages.end(), rng);
  pages.resize(bytes / kPage);
  for (uint64_t p : pages) w.offsets.push_back(p * kPage);
  w.data.resize(bytes);
  for (auto& b : w.data) b = static_cast<uint8_t>(rng());
  return w;
}

std::string BenchDir(const std::string& leaf) {
  const char* root = std::getenv("HVR_BENCH_DIR");
  const std::filesystem::path dir = std::filesystem::path(root ? root : ".") / leaf;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

void Check(const hvr::Status& status, benchmark::State& state) {
  if (!status.ok()) state.SkipWithError(status.error().ToString().c_str());
}

void CheckPoint(const hvr::Result<hvr::RecoveryPoint>& point, benchmark::State& state) {
  if (!point.ok()) state.SkipWithError(point.error().ToString().c_str());
}

enum class Durability { kPerCycle, kPerWrite };
constexpr int kInFlight = 8;

// Each write made durable before the next one of its thread, kInFlight threads.
hvr::Status WriteEachDurably(hvr::SyncStore& store, const Workload& w) {
  std::vector<hvr::Status> results(kInFlight);
  std::vector<std::thread> threads;
  for (int t = 0; t < kInFlight; ++t) {
    threads.emplace_back([&, t] {
      for (size_t i = static_cast<size_t>(t); i < w.offsets.size() && results[t].ok(); i += kInFlight) {
        results[t] = store.WritePages("disk0", w.offsets[i], std::span(w.data).subspan(i * kPage, kPage));
        if (results[t].ok()) results[t] = store.Flush("disk0");
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (auto& r : results) HVR_RETURN_IF_ERROR(r);
  return hvr::Ok();
}

// Writes through PageWriter, kInFlight at a time, as a cycle does; Finish flushes.
hvr::Status WriteAsACycle(hvr::SyncStore& store, const Workload& w) {
  hvr::PageWriter writer(store.async(), "disk0", kInFlight);
  for (size_t i = 0; i < w.offsets.size(); ++i) {
    auto buffer = writer.TakeBuffer();
    if (!buffer.ok()) {
      writer.Fail(buffer.error());
      break;
    }
    std::copy_n(w.data.begin() + static_cast<long>(i * kPage), kPage, buffer->data());
    writer.Write(std::move(*buffer), w.offsets[i], {{size_t{0}, size_t{kPage}}});
  }
  return writer.Finish();
}

// Seconds for the cycle: the writes, then the recovery point.
double Cycle(const Workload& w, Durability durability, benchmark::State& state) {
  const std::string dir = BenchDir("local-cycle-store");
  auto store = hvr::SyncStore::Open(dir, {}, 2);
  if (!store.ok()) {
    Check(store.error(), state);
    return 0;
  }
  Check((*store)->CreateDisk("disk0", w.disk_size), state);
  CheckPoint((*store)->CreateSnapshot("disk0"), state);
  const auto started = Clock::now();
  Check(durability == Durability::kPerCycle ? WriteAsACycle(**store, w) : WriteEachDurably(**store, w), state);
  CheckPoint((*store)->CreateSnapshot("disk0"), state);
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  store->reset();
  std::filesystem::remove_all(dir);
  return seconds;
}

// Seconds for the same bytes at the same offsets into a sparse file, then one fdatasync.
double Reference(const Workload& w, benchmark::State& state) {
  const std::string dir = BenchDir("local-cycle-reference");
  double seconds = 0;
  {
    auto file = hvr::File::Open(dir + "/disk.raw", hvr::File::Mode::kCreateExclusive);
    if (!file.ok()) {
      Check(file.error(), state);
      return 0;
    }
    Check(file->Truncate(w.disk_size), state);
    const auto started = Clock::now();
    for (size_t i = 0; i < w.offsets.size(); ++i) {
      Check(file->WriteAt(w.offsets[i], std::span(w.data).subspan(i * kPage, kPage)), state);
    }
    Check(file->Sync(), state);
    seconds = std::chrono::duration<double>(Clock::now() - started).count();
  }
  std::filesystem::remove_all(dir);
  return seconds;
}

void RunCycles(benchmark::State& state, Durability durability) {
  const uint64_t bytes = static_cast<uint64_t>(state.range(0)) << 20;
  unsigned seed = 1;
  double cycle_total = 0, reference_total = 0;
  for (auto _ : state) {
    const Workload w = MakeWorkload(bytes, seed++);
    // Alternate which goes first, so that neither always finds the other's dirty pages.
    double cycle = 0, reference = 0;
    if (seed % 2 == 0) {
      cycle = Cycle(w, durability, state);
      reference = Reference(w, state);
    } else {
      reference = Reference(w, state);
      cycle = Cycle(w, durability, state);
    }
    state.SetIterationTime(cycle);
    cycle_total += cycle;
    reference_total += reference;
  }
  state.counters["reference_s"] = benchmark::Counter(reference_total / static_cast<double>(state.iterations()));
  state.counters["ratio"] = benchmark::Counter(reference_total > 0 ? cycle_total / reference_total : 0);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}
void BM_LocalCycle(benchmark::State& state) { RunCycles(state, Durability::kPerCycle); }
BENCHMARK(BM_LocalCycle)->Arg(16)->Arg(64)->Arg(256)->Iterations(3)->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_LocalCyclePerWriteDurable(benchmark::State& state) { RunCycles(state, Durability::kPerWrite); }
BENCHMARK(BM_LocalCyclePerWriteDurable)->Arg(16)->Arg(64)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace

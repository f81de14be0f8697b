// Chunk-diff figures (docs/benchmarks.md, "Chunk-diff"):
//  - hashing in-memory data in chunks against one raw XXH3-128 call over the same buffer,
//    in the same run (BM_HashVsRawXxh3 reports the ratio itself);
//  - building a manifest and diffing a disk against one, against merely reading the disk
//    with the same threads and slices (the resync case must run at the speed of reading),
//    from the page cache and from storage (cold=1: the image is evicted before each pass),
//    and paired, pass by pass, in BM_ResyncVsReadCold.
#include <benchmark/benchmark.h>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "diff/chunk_hash.hpp"
#include "diff/chunk_work.hpp"
#include "util/parallel.hpp"
#include "hvr/chunk_diff.hpp"
#include "util/file.hpp"
#include "util/worker_buffers.hpp"

namespace {

constexpr size_t kBufferSize = 64 << 20;

// One buffer of random bytes shared by the in-memory benchmarks.
const std::vector<uint8_t>& Buffer() {
  static const std::vector<uint8_t> buffer = [] {
    std::vector<uint8_t> b(kBufferSize);
    std::mt19937_64 rng(1);
    for (size_t i = 0; i < b.size(); i += 8) {
      const uint64_t v = rng();
      std::memcpy(b.data() + i, &v, 8);
    }
    return b;
  }();
  return buffer;
}

void HashInChunks(std::span<const uint8_t> data, size_t chunk) {
  for (size_t off = 0; off < data.size(); off += chunk) {
    benchmark::DoNotOptimize(hvr::HashChunk(data.subspan(off, chunk)));
  }
}

void BM_RawXxh3(benchmark::State& state) {
  const auto& buffer = Buffer();
  for (auto _ : state) benchmark::DoNotOptimize(hvr::RawXxh3(buffer));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * buffer.size()));
}
BENCHMARK(BM_RawXxh3);

void BM_HashChunks(benchmark::State& state) {
  const auto& buffer = Buffer();
  const auto chunk = static_cast<size_t>(state.range(0));
  for (auto _ : state) HashInChunks(buffer, chunk);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * buffer.size()));
}
BENCHMARK(BM_HashChunks)->RangeMultiplier(4)->Range(4 << 10, 4 << 20);

// CPU time of the calling thread: on a shared machine, time spent preempted is not the
// code's.
double ThreadSeconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Raw XXH3 and chunk hashing alternate on the same buffer, so both see the same machine
// state; "ratio" is chunk-hashing speed over raw speed (1.0 = no overhead), from thread
// CPU time.
void BM_HashVsRawXxh3(benchmark::State& state) {
  const auto& buffer = Buffer();
  const auto chunk = static_cast<size_t>(state.range(0));
  double raw = 0;
  double chunked = 0;
  for (auto _ : state) {
    const double t0 = ThreadSeconds();
    benchmark::DoNotOptimize(hvr::RawXxh3(buffer));
    const double t1 = ThreadSeconds();
    HashInChunks(buffer, chunk);
    const double t2 = ThreadSeconds();
    raw += t1 - t0;
    chunked += t2 - t1;
  }
  const double bytes = static_cast<double>(state.iterations() * buffer.size());
  state.counters["ratio"] = raw / chunked;
  state.counters["raw_GiBps"] = bytes / raw / (1 << 30);
  state.counters["chunked_GiBps"] = bytes / chunked / (1 << 30);
}
BENCHMARK(BM_HashVsRawXxh3)->RangeMultiplier(4)->Range(4 << 10, 4 << 20)->Unit(benchmark::kMillisecond);

void BM_ZeroScan(benchmark::State& state) {
  const std::vector<uint8_t> zeros(kBufferSize, 0);
  for (auto _ : state) benchmark::DoNotOptimize(hvr::IsAllZero(zeros));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * zeros.size()));
}
BENCHMARK(BM_ZeroScan);

// A 1 GiB raw image of random data in the page cache (HVR_BENCH_DIR, else TMPDIR or /tmp).
class DiskImage {
 public:
  static DiskImage& Get() {
    static DiskImage image;
    return image;
  }
  const hvr::DiskReader& disk() const { return *disk_; }
  const hvr::Manifest& manifest() const { return manifest_; }

  // Drops the image from the page cache (this file only), so the next pass reads the
  // storage itself. The benchmarks run on Linux only: the handle is a descriptor.
  void Evict() const {
    auto file = hvr::File::Open(path_, hvr::File::Mode::kRead);
    if (!file.ok()) std::abort();
    const int fd = static_cast<int>(file->native_handle());
    if (::fdatasync(fd) != 0 || ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) != 0) {
      std::abort();
    }
  }
  ~DiskImage() { std::remove(path_.c_str()); }

 private:
  static constexpr uint64_t kSize = 1ull << 30;
  DiskImage() {
    const char* dir = std::getenv("HVR_BENCH_DIR");
    if (dir == nullptr || *dir == '\0') dir = std::getenv("TMPDIR");
    path_ = std::string(dir && *dir ? dir : "/tmp") + "/hvr-diff-bench-" + std::to_string(::getpid()) + ".raw";
    auto file = hvr::File::Open(path_, hvr::File::Mode::kCreateOrTruncate);
    const auto& buffer = Buffer();
    for (uint64_t off = 0; off < kSize; off += buffer.size()) {
      // Vary each copy so no two chunks are alike.
      std::vector<uint8_t> copy = buffer;
      copy[0] ^= static_cast<uint8_t>(off >> 26);
      if (!file->WriteAt(off, copy).ok()) std::abort();
    }
    disk_ = std::move(hvr::OpenDisk(path_)).value();
    manifest_ = std::move(hvr::BuildManifest(*disk_)).value();
  }
  std::string path_;
  std::unique_ptr<hvr::DiskReader> disk_;
  hvr::Manifest manifest_ = *hvr::Manifest::Zeros(0, hvr::kDefaultChunkSize);
};

// Arg 0: threads; arg 1: 1 to start every pass from storage instead of the page cache.
void PrepareCache(benchmark::State& state) {
  if (state.range(1) == 0) return;
  state.PauseTiming();
  DiskImage::Get().Evict();
  state.ResumeTiming();
}

hvr::ChunkOptions Threads(const benchmark::State& state) {
  hvr::ChunkOptions options;
  options.threads = static_cast<unsigned>(state.range(0));
  return options;
}

void SetDiskBytes(benchmark::State& state) {
  state.SetBytesProcessed(
      static_cast<int64_t>(state.iterations() * DiskImage::Get().disk().info().virtual_size));
}

// The baseline: reading the whole disk in the slices and threads the diff uses.
hvr::Status ReadWholeDisk(unsigned threads) {
  const auto& disk = DiskImage::Get().disk();
  const auto spans = hvr::SlicesOf(DiskImage::Get().manifest().chunk_count(), hvr::kDefaultChunkSize);
  const unsigned workers = hvr::WorkerCount(threads, spans.size());
  hvr::WorkerBuffers buffers(hvr::SliceSize(hvr::kDefaultChunkSize), workers, 1);
  return hvr::ParallelFor(spans.size(), workers, nullptr, "read",
                          [&](uint64_t item, unsigned worker) -> hvr::Status {
    const auto bytes = hvr::SpanBytes(spans[item], hvr::kDefaultChunkSize, disk.info().virtual_size);
    auto buffer = buffers.Get(worker, 0);
    if (!buffer.ok()) return buffer.error();
    return disk.Read(bytes.offset, buffer->first(bytes.length));
  });
}

void BM_ReadDisk(benchmark::State& state) {
  for (auto _ : state) {
    PrepareCache(state);
    const hvr::Status s = ReadWholeDisk(static_cast<unsigned>(state.range(0)));
    if (!s.ok()) state.SkipWithError(s.error().message().c_str());
  }
  SetDiskBytes(state);
}
BENCHMARK(BM_ReadDisk)->ArgsProduct({{1, 2}, {0, 1}})->ArgNames({"threads", "cold"})
    ->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_BuildManifest(benchmark::State& state) {
  const auto& disk = DiskImage::Get().disk();
  for (auto _ : state) {
    PrepareCache(state);
    benchmark::DoNotOptimize(hvr::BuildManifest(disk, Threads(state)));
  }
  SetDiskBytes(state);
}
BENCHMARK(BM_BuildManifest)->ArgsProduct({{1, 2}, {0, 1}})->ArgNames({"threads", "cold"})
    ->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_DiffDiskVsManifest(benchmark::State& state) {
  const auto& image = DiskImage::Get();
  for (auto _ : state) {
    PrepareCache(state);
    benchmark::DoNotOptimize(hvr::Diff(image.disk(), image.manifest(), Threads(state)));
  }
  SetDiskBytes(state);
}
BENCHMARK(BM_DiffDiskVsManifest)->ArgsProduct({{1, 2}, {0, 1}})->ArgNames({"threads", "cold"})
    ->Unit(benchmark::kMillisecond)->UseRealTime();

// The resync case side by side with plain reading: each iteration reads the disk, then
// diffs it against its manifest, both from storage (evicted first) with the same threads.
// "ratio" is reading time over diff time (1.0: the diff runs at the speed of reading).
void BM_ResyncVsReadCold(benchmark::State& state) {
  using Clock = std::chrono::steady_clock;
  const auto& image = DiskImage::Get();
  const auto threads = static_cast<unsigned>(state.range(0));
  hvr::ChunkOptions options;
  options.threads = threads;
  double read = 0;
  double diff = 0;
  for (auto _ : state) {
    image.Evict();
    const auto t0 = Clock::now();
    if (!ReadWholeDisk(threads).ok()) state.SkipWithError("read failed");
    const auto t1 = Clock::now();
    image.Evict();
    const auto t2 = Clock::now();
    if (!hvr::Diff(image.disk(), image.manifest(), options).ok()) state.SkipWithError("diff failed");
    const auto t3 = Clock::now();
    read += std::chrono::duration<double>(t1 - t0).count();
    diff += std::chrono::duration<double>(t3 - t2).count();
  }
  const double bytes = static_cast<double>(state.iterations() * image.disk().info().virtual_size);
  state.counters["ratio"] = read / diff;
  state.counters["read_GiBps"] = bytes / read / (1 << 30);
  state.counters["diff_GiBps"] = bytes / diff / (1 << 30);
}
BENCHMARK(BM_ResyncVsReadCold)->Arg(1)->Arg(2)->ArgName("threads")->Iterations(8)
    ->Unit(benchmark::kMillisecond)->UseRealTime();

// Two disks with the same content (the image against itself): every chunk is read on
// both sides and compared in full, the most a disk-vs-disk diff ever does per byte.
void BM_DiffDisks(benchmark::State& state) {
  const auto& disk = DiskImage::Get().disk();
  hvr::ChunkOptions options;
  options.chunk_size = static_cast<uint32_t>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(hvr::Diff(disk, disk, options));
  SetDiskBytes(state);
}
BENCHMARK(BM_DiffDisks)->Arg(4 << 10)->Arg(64 << 10)->Arg(256 << 10)->ArgName("chunk")
    ->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_DiffManifests(benchmark::State& state) {
  const auto& m = DiskImage::Get().manifest();
  for (auto _ : state) benchmark::DoNotOptimize(hvr::Diff(m, m));
  state.counters["chunks"] = static_cast<double>(m.chunk_count());
}
BENCHMARK(BM_DiffManifests)->Unit(benchmark::kMillisecond);

}  // namespace

// Reading virtual disks: allocated ranges of a dynamic VHDX through DiskReader against a
// plain sequential read of the same file, both from the page cache (the reader must run
// at no less than half that speed); opening a VHDX with a large BAT; CRC-32C of the 4 KiB
// structures the log and headers checksum.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "hvr/disk.hpp"
#include "hvr/disk_create.hpp"
#include "hvr/disk_writer.hpp"
#include "util/crc32c.hpp"
#include "util/file.hpp"

namespace {

namespace fs = std::filesystem;
constexpr uint64_t kMiB = 1 << 20;

// The images, made once per process in a temporary folder removed at exit.
class Images {
 public:
  static Images& Get() {
    static Images images;
    return images;
  }
  const std::string& half_full() const { return half_full_; }
  const std::string& huge_bat() const { return huge_bat_; }

 private:
  Images() {
    const char* base = std::getenv("TMPDIR");
    folder_ = fs::path(base && *base ? base : "/tmp") / ("hvr-disk-bench-" + std::to_string(::getpid()));
    fs::create_directories(folder_);
    // 1 GiB dynamic VHDX, 32 MiB blocks, every other block written: 512 MiB of data.
    half_full_ = (folder_ / "half-full.vhdx").string();
    hvr::VhdxCreateOptions o;
    o.virtual_size = 1024 * kMiB;
    Require(hvr::CreateVhdx(half_full_, o));
    auto writer = hvr::OpenDiskForWrite(half_full_);
    Require(writer.ok() ? hvr::Ok() : hvr::Status(writer.error()));
    std::vector<uint8_t> block(32 * kMiB);
    for (size_t i = 0; i < block.size(); ++i) block[i] = static_cast<uint8_t>(i * 7 + 3);
    for (uint64_t b = 0; b < 32; b += 2) Require((*writer)->Write(b * 32 * kMiB, block));
    Require((*writer)->Close());
    // 4 TiB dynamic VHDX with 1 MiB blocks: a 32 MiB BAT to load.
    huge_bat_ = (folder_ / "huge-bat.vhdx").string();
    o.virtual_size = uint64_t{4} << 40;
    o.block_size = static_cast<uint32_t>(kMiB);
    Require(hvr::CreateVhdx(huge_bat_, o));
  }
  ~Images() { fs::remove_all(folder_); }
  static void Require(const hvr::Status& s) {
    if (!s.ok()) {
      std::fprintf(stderr, "disk_bench: %s\n", s.error().ToString().c_str());
      std::exit(1);
    }
  }
  fs::path folder_;
  std::string half_full_;
  std::string huge_bat_;
};

// Every allocated byte of the half-full VHDX, read in pieces of state.range(0) bytes.
void BM_VhdxReadAllocated(benchmark::State& state) {
  auto disk = hvr::OpenDisk(Images::Get().half_full());
  auto ranges = (*disk)->AllocatedRanges();
  std::vector<uint8_t> buffer(static_cast<size_t>(state.range(0)));
  uint64_t bytes = 0;
  for (auto _ : state) {
    for (const hvr::ByteRange& r : *ranges) {
      for (uint64_t at = r.offset; at < r.end(); at += buffer.size()) {
        const size_t n = static_cast<size_t>(std::min<uint64_t>(buffer.size(), r.end() - at));
        if (!(*disk)->Read(at, std::span(buffer.data(), n)).ok()) state.SkipWithError("read failed");
        bytes += n;
      }
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_VhdxReadAllocated)->Arg(256 << 10)->Arg(1 << 20)->Arg(4 << 20)->UseRealTime();

// The same file read front to back with pread, the reference speed.
void BM_FileSequentialRead(benchmark::State& state) {
  auto file = hvr::File::Open(Images::Get().half_full(), hvr::File::Mode::kRead);
  const uint64_t size = *file->Size();
  std::vector<uint8_t> buffer(static_cast<size_t>(state.range(0)));
  uint64_t bytes = 0;
  for (auto _ : state) {
    for (uint64_t at = 0; at < size; at += buffer.size()) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(buffer.size(), size - at));
      if (!file->ReadAt(at, std::span(buffer.data(), n)).ok()) state.SkipWithError("read failed");
      bytes += n;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_FileSequentialRead)->Arg(256 << 10)->Arg(1 << 20)->Arg(4 << 20)->UseRealTime();

// Opening a 4 TiB dynamic VHDX: headers, metadata and 4 Mi BAT entries.
void BM_VhdxOpenHugeBat(benchmark::State& state) {
  for (auto _ : state) {
    auto disk = hvr::OpenDisk(Images::Get().huge_bat());
    if (!disk.ok()) state.SkipWithError("open failed");
    benchmark::DoNotOptimize(disk);
  }
}
BENCHMARK(BM_VhdxOpenHugeBat)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Crc32c4K(benchmark::State& state) {
  std::vector<uint8_t> sector(4096, 0x5A);
  for (auto _ : state) benchmark::DoNotOptimize(hvr::Crc32c(sector));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * 4096);
}
BENCHMARK(BM_Crc32c4K);

}  // namespace

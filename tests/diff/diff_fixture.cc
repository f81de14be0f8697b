#include "diff_fixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <sstream>

#include "util/file.hpp"

namespace hvr::test {
namespace {

File MustOpen(const std::string& path, File::Mode mode) {
  auto file = File::Open(path, mode);
  if (!file.ok()) throw std::runtime_error(file.error().ToString());
  return std::move(file).value();
}

void Must(const Status& status) {
  if (!status.ok()) throw std::runtime_error(status.error().ToString());
}

}  // namespace

void WriteRandomImage(const std::string& path, uint64_t size, uint32_t seed) {
  File file = MustOpen(path, File::Mode::kCreateOrTruncate);
  std::mt19937_64 rng(seed);
  std::vector<uint8_t> block(1 << 20);
  for (uint64_t done = 0; done < size;) {
    const uint64_t n = std::min<uint64_t>(block.size(), size - done);
    for (size_t i = 0; i < n; i += 8) {
      const uint64_t v = rng();
      std::memcpy(block.data() + i, &v, std::min<size_t>(8, n - i));
    }
    Must(file.WriteAt(done, std::span(block.data(), n)));
    done += n;
  }
}

void WriteSparseImage(const std::string& path, uint64_t size) {
  File file = MustOpen(path, File::Mode::kCreateOrTruncate);
  Must(file.Truncate(size));
}

void CopyFile(const std::string& from, const std::string& to) {
  const File in = MustOpen(from, File::Mode::kRead);
  File out = MustOpen(to, File::Mode::kCreateOrTruncate);
  const uint64_t size = *in.Size();
  Must(out.Truncate(size));
  std::vector<uint8_t> block(1 << 20);
  for (uint64_t done = 0; done < size;) {
    const uint64_t n = std::min<uint64_t>(block.size(), size - done);
    const std::span<uint8_t> part(block.data(), n);
    Must(in.ReadAt(done, part));
    // Keep holes holes, so sparse images stay sparse.
    if (std::any_of(part.begin(), part.end(), [](uint8_t b) { return b != 0; })) {
      Must(out.WriteAt(done, part));
    }
    done += n;
  }
}

void ResizeFile(const std::string& path, uint64_t size) {
  File file = MustOpen(path, File::Mode::kReadWrite);
  Must(file.Truncate(size));
}

void ChangeBytes(const std::string& path, uint64_t offset, uint64_t length) {
  File file = MustOpen(path, File::Mode::kReadWrite);
  std::vector<uint8_t> bytes(length);
  Must(file.ReadAt(offset, bytes));
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] ^= static_cast<uint8_t>(0x5a + (i % 7) + 1);
  Must(file.WriteAt(offset, bytes));
}

void WriteZeros(const std::string& path, uint64_t offset, uint64_t length) {
  File file = MustOpen(path, File::Mode::kReadWrite);
  const std::vector<uint8_t> zeros(length, 0);
  Must(file.WriteAt(offset, zeros));
}

std::vector<uint8_t> ReadBytes(const std::string& path, uint64_t offset, uint64_t length) {
  const File file = MustOpen(path, File::Mode::kRead);
  std::vector<uint8_t> bytes(length);
  Must(file.ReadAt(offset, bytes));
  return bytes;
}

std::unique_ptr<DiskReader> Open(const std::string& path) {
  auto disk = OpenDisk(path);
  if (!disk.ok()) throw std::runtime_error(disk.error().ToString());
  return std::move(disk).value();
}

ChunkOptions Options(uint32_t chunk_size, unsigned threads) {
  ChunkOptions o;
  o.chunk_size = chunk_size;
  o.threads = threads;
  return o;
}

Status RecordingDisk::Read(uint64_t offset, std::span<uint8_t> out) const {
  {
    std::lock_guard lock(mu_);
    reads_.push_back({offset, out.size()});
  }
  if (offset + out.size() > fail_from_) {
    return Error(Code::kIo, info().path + ": injected read failure at offset " + std::to_string(offset));
  }
  return inner_.Read(offset, out);
}

Result<std::vector<ByteRange>> RecordingDisk::AllocatedRanges() const {
  if (allocated_) return *allocated_;
  return inner_.AllocatedRanges();
}

std::vector<ByteRange> RecordingDisk::reads() const {
  std::lock_guard lock(mu_);
  return reads_;
}

uint64_t RecordingDisk::bytes_read() const {
  uint64_t total = 0;
  for (const ByteRange& r : reads()) total += r.length;
  return total;
}

bool RecordingDisk::ReadOverlaps(const ByteRange& range) const {
  for (const ByteRange& r : reads()) {
    if (r.offset < range.end() && range.offset < r.end()) return true;
  }
  return false;
}

ChunkView ViewOf(const DiffResult& result) {
  ChunkView view;
  const uint64_t chunk = result.chunk_size;
  DiffTotals totals;
  std::set<uint64_t> chunks;
  const DiffRun* previous = nullptr;
  for (const DiffRun& run : result.runs) {
    EXPECT_GT(run.range.length, 0u);
    if (previous) {
      EXPECT_GE(run.range.offset, previous->range.end()) << "runs overlap or are out of order";
      EXPECT_FALSE(run.range.offset == previous->range.end() && run.kind == previous->kind)
          << "adjacent runs of one kind were not merged at " << run.range.offset;
    }
    // Runs start and end on chunk boundaries or at one of the sizes.
    const auto on_edge = [&](uint64_t at) {
      return at % chunk == 0 || at == result.source_size || at == result.target_size;
    };
    EXPECT_TRUE(on_edge(run.range.offset)) << run.range.offset;
    EXPECT_TRUE(on_edge(run.range.end())) << run.range.end();
    if (run.kind == DiffKind::kPastSourceEnd) {
      EXPECT_GE(run.range.offset, result.source_size);
      EXPECT_LE(run.range.end(), result.target_size);
      totals.past_source_end_bytes += run.range.length;
    } else {
      EXPECT_LE(run.range.end(), result.source_size);
      (run.kind == DiffKind::kZero ? totals.zero_bytes : totals.data_bytes) += run.range.length;
    }
    for (uint64_t i = run.range.offset / chunk; i * chunk < run.range.end(); ++i) {
      chunks.insert(i);
      if (run.kind == DiffKind::kPastSourceEnd) {
        view.past_source_end.insert(i);
      } else {
        EXPECT_EQ(view.source_part.count(i), 0u) << "chunk " << i << " reported twice";
        view.source_part[i] = run.kind;
      }
    }
    previous = &run;
  }
  totals.runs = result.runs.size();
  totals.differing_chunks = chunks.size();
  const uint64_t span = std::max(result.source_size, result.target_size);
  totals.chunks = (span + chunk - 1) / chunk;
  EXPECT_EQ(result.totals, totals);
  return view;
}

std::string Describe(const ChunkView& view) {
  std::ostringstream out;
  out << "source part:";
  for (const auto& [i, kind] : view.source_part) out << " " << i << "=" << DiffKindName(kind);
  out << "; past source end:";
  for (uint64_t i : view.past_source_end) out << " " << i;
  return out.str();
}

}  // namespace hvr::test

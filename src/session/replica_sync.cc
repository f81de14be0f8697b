#include "session/replica_sync.hpp"

#include <atomic>
#include <mutex>
#include <optional>

#include "diff/allocation_map.hpp"
#include "diff/chunk_hash.hpp"
#include "diff/chunk_work.hpp"
#include "util/parallel.hpp"
#include "store/page_writer.hpp"

namespace hvr {
namespace {

using Steady = std::chrono::steady_clock;

// The chunks worth reading: those the source may hold data in, and those the replica
// may (so that what the source no longer has is cleared).
std::vector<ChunkSpan> ChunksToExamine(const std::vector<ByteRange>& allocated, const Manifest& manifest,
                                       uint64_t source_size) {
  const uint64_t chunk = manifest.chunk_size();
  std::vector<ChunkSpan> intervals;
  for (const ByteRange& r : allocated) {
    const uint64_t end = std::min(r.end(), source_size);
    if (r.offset >= end) continue;
    intervals.push_back({r.offset / chunk, (end + chunk - 1) / chunk});
  }
  for (uint64_t i = 0; i < manifest.chunk_count();) {
    if (manifest.hash(i).is_zero()) {
      ++i;
      continue;
    }
    const uint64_t first = i;
    while (i < manifest.chunk_count() && !manifest.hash(i).is_zero()) ++i;
    intervals.push_back({first, i});
  }
  return SpansOf(std::move(intervals), manifest.chunk_size(), kMaxWriteSize);
}

// One sync: the shared pieces the workers use.
class Sync {
 public:
  Sync(const DiskReader& source, Manifest& manifest, ReplicaStore& store, const std::string& replica,
       const ReplicaSyncOptions& options, const AllocationMap& allocation, uint64_t total)
      : source_(source),
        manifest_(manifest),
        options_(options),
        allocation_(allocation),
        writer_(store, replica, options.buffers),
        meter_(options.progress, total),
        last_checkpoint_(Steady::now()) {}

  Status Span(const ChunkSpan& span);
  Status MaybeCheckpoint();
  PageWriter& writer() { return writer_; }
  ReplicaSyncStats stats() const {
    ReplicaSyncStats s;
    s.bytes_examined = examined_;
    s.bytes_sent = sent_;
    s.bytes_cleared = cleared_;
    s.differing_chunks = differing_;
    s.requests = requests_;
    return s;
  }

 private:
  // Records hashes once their chunks are in the replica.
  void Settle(std::vector<std::pair<uint64_t, ChunkHash>> hashes) {
    std::lock_guard lock(manifest_mu_);
    for (const auto& [index, hash] : hashes) manifest_.set_hash(index, hash);
  }

  const DiskReader& source_;
  Manifest& manifest_;
  const ReplicaSyncOptions& options_;
  const AllocationMap& allocation_;
  PageWriter writer_;
  ProgressMeter meter_;
  std::mutex manifest_mu_;     // manifest entries written by completions, copied by checkpoints
  std::mutex checkpoint_mu_;   // one checkpoint at a time
  Steady::time_point last_checkpoint_;
  std::atomic<uint64_t> examined_{0}, sent_{0}, cleared_{0}, differing_{0}, requests_{0};
};

Status Sync::Span(const ChunkSpan& span) {
  const uint32_t chunk = manifest_.chunk_size();
  const ByteRange range = SpanBytes(span, chunk, manifest_.disk_size());
  HVR_ASSIGN_OR_RETURN(auto buffer, writer_.TakeBuffer());
  const std::span<uint8_t> data(buffer.data(), static_cast<size_t>(range.length));
  if (Status read = allocation_.Read(source_, range, data); !read.ok()) {
    writer_.GiveBack(std::move(buffer));
    return read;
  }

  // Differing chunks in runs of one kind: data to send, or zeros to clear.
  struct Run {
    uint64_t first, last;
    bool zero;
    std::vector<std::pair<uint64_t, ChunkHash>> hashes;
  };
  std::vector<Run> runs;
  for (uint64_t i = span.first; i < span.last; ++i) {
    const ByteRange bytes = manifest_.ChunkRange(i);
    const ChunkHash hash = HashChunk(data.subspan(bytes.offset - range.offset, bytes.length));
    // Only this span's completions write these entries, and they come later.
    if (hash == manifest_.hash(i)) continue;
    differing_.fetch_add(1);
    if (runs.empty() || runs.back().last != i || runs.back().zero != hash.is_zero()) {
      runs.push_back(Run{i, i, hash.is_zero(), {}});
    }
    runs.back().last = i + 1;
    runs.back().hashes.emplace_back(i, hash);
  }

  std::vector<std::pair<size_t, size_t>> pieces;
  std::vector<std::pair<uint64_t, ChunkHash>> written;
  for (Run& run : runs) {
    const ByteRange first = manifest_.ChunkRange(run.first);
    const ByteRange last = manifest_.ChunkRange(run.last - 1);
    const size_t begin = static_cast<size_t>(first.offset - range.offset);
    const size_t end = static_cast<size_t>(last.end() - range.offset);
    if (run.zero) {
      writer_.Clear(first.offset, end - begin, [this, hashes = std::move(run.hashes), n = end - begin]() mutable {
        cleared_.fetch_add(n);
        Settle(std::move(hashes));
      });
      requests_.fetch_add(1);
      continue;
    }
    if (options_.replica_zero_or_source) {
      for (const auto& [b, e] : NonZeroRuns(data.subspan(begin, end - begin), options_.join_gap)) pieces.emplace_back(begin + b, begin + e);
    } else {
      pieces.emplace_back(begin, end);
    }
    written.insert(written.end(), run.hashes.begin(), run.hashes.end());
  }
  uint64_t bytes = 0;
  for (const auto& [b, e] : pieces) bytes += e - b;
  requests_.fetch_add(pieces.size());
  writer_.Write(std::move(buffer), range.offset, pieces, [this, written = std::move(written), bytes]() mutable {
    sent_.fetch_add(bytes);
    Settle(std::move(written));
  });
  examined_.fetch_add(range.length);
  meter_.Add(range.length);
  return MaybeCheckpoint();
}

Status Sync::MaybeCheckpoint() {
  if (!options_.checkpoint) return Ok();
  // One worker at a time takes the checkpoint; the others go on.
  std::unique_lock turn(checkpoint_mu_, std::try_to_lock);
  if (!turn.owns_lock() || Steady::now() - last_checkpoint_ < options_.checkpoint_every) return Ok();
  std::optional<Manifest> copy;
  {
    std::lock_guard lock(manifest_mu_);
    copy.emplace(manifest_);
  }
  last_checkpoint_ = Steady::now();
  // The copy names chunks whose writes completed; they must be durable before it is.
  HVR_RETURN_IF_ERROR(writer_.Flush());
  return options_.checkpoint(*copy);
}

}  // namespace

Result<ReplicaSyncStats> SyncToReplica(const DiskReader& source, Manifest& manifest, ReplicaStore& store,
                                       const std::string& replica, const ReplicaSyncOptions& options) {
  const auto started = Steady::now();
  const uint64_t source_size = source.info().virtual_size;
  if (source_size > manifest.disk_size()) {
    return Error(Code::kInvalidReplicaState,
                 source.info().path + " has " + std::to_string(source_size) + " bytes, more than replica '" +
                     replica + "' (" + std::to_string(manifest.disk_size()) +
                     "): the disk grew; protect it again");
  }
  HVR_ASSIGN_OR_RETURN(const AllocationMap allocation, AllocationMap::Of(source));
  HVR_ASSIGN_OR_RETURN(const auto allocated, source.AllocatedRanges());
  const std::vector<ChunkSpan> spans = ChunksToExamine(allocated, manifest, source_size);
  uint64_t total = 0;
  for (const ChunkSpan& s : spans) total += SpanBytes(s, manifest.chunk_size(), manifest.disk_size()).length;

  Sync sync(source, manifest, store, replica, options, allocation, total);
  const unsigned threads = WorkerCount(options.threads, spans.size());
  Status work = ParallelFor(spans.size(), threads, options.cancel, "replica sync",
                            [&](uint64_t item, unsigned) -> Status {
                              // A failed write stops the workers; Finish says why.
                              if (sync.writer().failed()) return Error(Code::kCancelled, "stopped");
                              return sync.Span(spans[item]);
                            });
  Status written = sync.writer().Finish();
  if (!written.ok()) return written.error().WithContext("sync of " + source.info().path + " to '" + replica + "'");
  if (!work.ok()) return work.error().WithContext("sync of " + source.info().path + " to '" + replica + "'");
  ReplicaSyncStats stats = sync.stats();
  stats.elapsed = Steady::now() - started;
  return stats;
}

}  // namespace hvr

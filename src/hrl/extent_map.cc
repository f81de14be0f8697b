#include "hvr/extent_map.hpp"

#include <algorithm>
#include <boost/sort/pdqsort/pdqsort.hpp>
#include <cstring>
#include <optional>
#include <queue>
#include <string>

#include "util/align.hpp"

namespace hvr {
namespace {

// Added extents wait unsorted until this many have gathered (or as many as the map
// already holds): a random add costs a push, and sorting and merging are paid in
// batches whose total work stays proportional to the adds (docs/extent-map.md).
constexpr size_t kMinBatch = size_t{1} << 16;
// Likewise for copied bytes: overwritten copies are dropped at the next compaction.
constexpr uint64_t kMinBatchBytes = uint64_t{64} << 20;
// One copy buffer holds at most this much; larger writes take several.
constexpr size_t kMaxBufferSize = size_t{1} << 30;

constexpr uint32_t kOwnBuffers = 0;  // Piece::source of copied bytes

// A run of disk bytes and where its content lies: for copied bytes, buffer index in the
// high 32 bits of `where` and the position in the buffer in the low ones; for a source,
// the position in the source.
struct Piece {
  uint64_t offset;
  uint64_t length;
  uint64_t where;
  uint32_t source;
  uint32_t seq;  // order of addition, among pending pieces only

  uint64_t end() const { return offset + length; }
};
static_assert(sizeof(Piece) == 32);

Piece Slice(const Piece& p, uint64_t from, uint64_t to) {
  return Piece{from, to - from, p.where + (from - p.offset), p.source, p.seq};
}

// Appends `p`, joining it to the last piece when it continues it on disk and in its
// source alike (sequential writes become one extent).
// Makes room for `need` pieces. Lists grow to twice what is needed, so the next, larger
// compaction fits too: memory reserved but not yet written costs nothing, while every
// reallocation writes a fresh copy (and, in a fresh process, faults in its pages).
void Reserve(std::vector<Piece>& list, size_t need) {
  if (list.capacity() < need) list.reserve(2 * need);
}

inline void Emit(std::vector<Piece>& out, const Piece& p) {
  if (!out.empty()) {
    Piece& last = out.back();
    if (last.end() == p.offset && last.source == p.source && last.where + last.length == p.where) {
      last.length += p.length;
      return;
    }
  }
  out.push_back(p);
}

// Pending pieces (sorted by offset, then age) to disjoint pieces in `out`, the newest
// winning: a sweep over the start and end points with the live pieces in a heap by age.
// Pieces that overlap nothing (most, for random writes) skip the heap.
void Resolve(const std::vector<Piece>& sorted, std::vector<Piece>& out) {
  out.clear();
  Reserve(out, sorted.size());
  const auto older = [&](size_t a, size_t b) { return sorted[a].seq < sorted[b].seq; };
  std::priority_queue<size_t, std::vector<size_t>, decltype(older)> live(older);
  const size_t n = sorted.size();
  size_t next = 0;
  uint64_t pos = 0;
  while (next < n || !live.empty()) {
    if (live.empty()) {
      if (next + 1 == n || sorted[next].end() <= sorted[next + 1].offset) {
        Emit(out, sorted[next++]);
        continue;
      }
      pos = sorted[next].offset;
    }
    while (next < n && sorted[next].offset <= pos) live.push(next++);
    while (!live.empty() && sorted[live.top()].end() <= pos) live.pop();
    if (live.empty()) continue;
    const Piece& top = sorted[live.top()];
    uint64_t until = top.end();
    if (next < n) until = std::min(until, sorted[next].offset);
    Emit(out, Slice(top, pos, until));
    pos = until;
  }
}

// Two sorted lists of disjoint pieces to one in `out`, `newer` winning where they
// overlap. Runs of `older` that `newer` does not touch are copied whole.
void Overlay(std::vector<Piece>& older, const std::vector<Piece>& newer, std::vector<Piece>& out) {
  out.clear();
  Reserve(out, older.size() + newer.size());
  size_t r = 0;
  const auto copy_until = [&](uint64_t offset) {  // older pieces that start before `offset`
    const size_t from = r;
    while (r < older.size() && older[r].end() <= offset) ++r;
    if (r > from) {
      Emit(out, older[from]);  // may continue the piece before it
      out.insert(out.end(), older.begin() + static_cast<long>(from) + 1, older.begin() + static_cast<long>(r));
    }
    if (r < older.size() && older[r].offset < offset) Emit(out, Slice(older[r], older[r].offset, offset));
  };
  for (const Piece& p : newer) {
    copy_until(p.offset);
    Emit(out, p);
    for (; r < older.size() && older[r].offset < p.end(); ++r) {
      if (older[r].end() > p.end()) {
        older[r] = Slice(older[r], p.end(), older[r].end());
        break;
      }
    }
  }
  copy_until(UINT64_MAX);
}

struct Buffer {
  std::unique_ptr<uint8_t[]> data;
  uint64_t size = 0;
  uint64_t live = 0;  // bytes still current, counted at compaction
};

}  // namespace

struct ExtentMap::Impl {
  std::vector<ReadFn> sources;
  std::vector<Piece> resolved;  // sorted, disjoint
  std::vector<Piece> pending;   // in order of addition
  // Compaction's working lists, kept between compactions so their memory is reused.
  std::vector<Piece> batch;
  std::vector<Piece> merged;
  std::vector<Buffer> buffers;
  std::vector<uint32_t> free_buffers;
  uint64_t pending_copied = 0;
  uint64_t live_copied = 0;
  uint64_t changed = 0;

  Status CheckRange(uint64_t offset, uint64_t length) const {
    if (length > kMaxExtentEnd || offset > kMaxExtentEnd - length) {
      return Error(Code::kInvalidArgument, "extent map: a write of " + std::to_string(length) +
                                               " bytes at offset " + std::to_string(offset) +
                                               " ends beyond 2^63");
    }
    return Ok();
  }

  void Push(uint64_t offset, uint64_t length, uint32_t source, uint64_t where) {
    pending.push_back(Piece{offset, length, where, source, static_cast<uint32_t>(pending.size())});
    if (pending.size() >= std::max(kMinBatch, resolved.size()) || pending.size() == UINT32_MAX ||
        pending_copied >= std::max(kMinBatchBytes, live_copied)) {
      Compact();
    }
  }

  uint32_t NewBuffer(uint64_t size) {
    uint32_t id;
    if (!free_buffers.empty()) {
      id = free_buffers.back();
      free_buffers.pop_back();
    } else {
      id = static_cast<uint32_t>(buffers.size());
      buffers.emplace_back();
    }
    buffers[id].data = std::make_unique_for_overwrite<uint8_t[]>(size);
    buffers[id].size = size;
    return id;
  }

  uint8_t* BufferBytes(uint64_t where) {
    return buffers[where >> 32].data.get() + static_cast<uint32_t>(where);
  }

  void Compact() {
    if (pending.empty()) return;
    boost::sort::pdqsort_branchless(pending.begin(), pending.end(), [](const Piece& a, const Piece& b) {
      return a.offset != b.offset ? a.offset < b.offset : a.seq < b.seq;
    });
    Resolve(pending, batch);
    Overlay(resolved, batch, merged);
    resolved.swap(merged);
    // The next batch is as long as this one at least.
    const size_t batch_size = pending.size();
    pending.clear();
    Reserve(pending, std::min(std::max(kMinBatch, resolved.size()), batch_size));
    pending_copied = 0;
    ReclaimBuffers();
    changed = 0;
    for (const Piece& p : resolved) changed += p.length;
  }

  // Frees copies no extent refers to any more and shrinks those mostly overwritten, so
  // copied bytes are held about once.
  void ReclaimBuffers() {
    for (Buffer& b : buffers) b.live = 0;
    live_copied = 0;
    for (const Piece& p : resolved) {
      if (p.source == kOwnBuffers) buffers[p.where >> 32].live += p.length;
    }
    std::vector<uint64_t> cursor(buffers.size(), UINT64_MAX);  // repacked buffers: next free byte
    std::vector<std::unique_ptr<uint8_t[]>> repacked(buffers.size());
    bool any = false;
    for (uint32_t id = 0; id < buffers.size(); ++id) {
      Buffer& b = buffers[id];
      live_copied += b.live;
      if (b.data && b.live == 0) {
        b = Buffer{};
        free_buffers.push_back(id);
      } else if (b.data && b.live < b.size / 2) {
        repacked[id] = std::make_unique_for_overwrite<uint8_t[]>(b.live);
        cursor[id] = 0;
        any = true;
      }
    }
    if (!any) return;
    for (Piece& p : resolved) {
      if (p.source != kOwnBuffers) continue;
      const uint32_t id = static_cast<uint32_t>(p.where >> 32);
      if (cursor[id] == UINT64_MAX) continue;
      std::memcpy(repacked[id].get() + cursor[id], BufferBytes(p.where), p.length);
      p.where = (uint64_t{id} << 32) | cursor[id];
      cursor[id] += p.length;
    }
    for (uint32_t id = 0; id < buffers.size(); ++id) {
      if (!repacked[id]) continue;
      buffers[id].data = std::move(repacked[id]);
      buffers[id].size = buffers[id].live;
    }
    // Neighbours copied side by side may now continue one another.
    merged.clear();
    for (const Piece& p : resolved) Emit(merged, p);
    resolved.swap(merged);
  }

  Status ReadPiece(const Piece& p, uint64_t from, std::span<uint8_t> out) {
    const uint64_t where = p.where + (from - p.offset);
    if (p.source == kOwnBuffers) {
      std::memcpy(out.data(), BufferBytes(where), out.size());
      return Ok();
    }
    return sources[p.source - 1](where, out);
  }
};

ExtentMap::ExtentMap() : impl_(std::make_unique<Impl>()) {}
ExtentMap::ExtentMap(ExtentMap&& other) noexcept = default;
ExtentMap& ExtentMap::operator=(ExtentMap&& other) noexcept = default;
ExtentMap::~ExtentMap() = default;

void ExtentMap::Clear() {
  Impl& m = *impl_;
  m.sources.clear();
  m.resolved.clear();
  m.pending.clear();
  m.buffers.clear();
  m.free_buffers.clear();
  m.pending_copied = 0;
  m.live_copied = 0;
  m.changed = 0;
}

ExtentMap::SourceId ExtentMap::AddSource(ReadFn read) {
  impl_->sources.push_back(std::move(read));
  return static_cast<SourceId>(impl_->sources.size());
}

Status ExtentMap::Add(uint64_t offset, std::span<const uint8_t> data) {
  HVR_RETURN_IF_ERROR(impl_->CheckRange(offset, data.size()));
  for (size_t done = 0; done < data.size();) {
    const size_t n = std::min(kMaxBufferSize, data.size() - done);
    const uint32_t id = impl_->NewBuffer(n);
    std::memcpy(impl_->buffers[id].data.get(), data.data() + done, n);
    impl_->pending_copied += n;
    impl_->Push(offset + done, n, kOwnBuffers, uint64_t{id} << 32);
    done += n;
  }
  return Ok();
}

Status ExtentMap::AddReference(uint64_t offset, uint64_t length, SourceId source,
                               uint64_t source_offset) {
  HVR_RETURN_IF_ERROR(impl_->CheckRange(offset, length));
  if (source == kOwnBuffers || source > impl_->sources.size()) {
    return Error(Code::kInvalidArgument,
                 "extent map: source " + std::to_string(source) + " was not added");
  }
  if (length > 0) impl_->Push(offset, length, source, source_offset);
  return Ok();
}

uint64_t ExtentMap::ChangedBytes() {
  impl_->Compact();
  return impl_->changed;
}

std::vector<ByteRange> ExtentMap::ChangedRanges() {
  impl_->Compact();
  std::vector<ByteRange> ranges;
  for (const Piece& p : impl_->resolved) {
    if (!ranges.empty() && ranges.back().end() == p.offset) {
      ranges.back().length += p.length;
    } else {
      ranges.push_back({p.offset, p.length});
    }
  }
  return ranges;
}

uint64_t ExtentMap::HeldBytes() {
  impl_->Compact();
  uint64_t held = 0;
  for (const Buffer& b : impl_->buffers) held += b.size;
  return held;
}

size_t ExtentMap::ExtentCount() {
  impl_->Compact();
  return impl_->resolved.size();
}

Result<std::vector<ByteRange>> ExtentMap::PageWriteRanges(uint64_t max_bytes, const JoinableFn& joinable) {
  if (max_bytes == 0 || max_bytes % kPageWriteAlignment != 0) {
    return Error(Code::kInvalidArgument, "page writes: max_bytes must be a positive multiple of 512; got " +
                                             std::to_string(max_bytes));
  }
  std::vector<ByteRange> pages;
  std::optional<ByteRange> run;  // changed pages not yet cut
  const auto cut = [&] {
    for (uint64_t at = run->offset; at < run->end(); at += max_bytes) {
      pages.push_back({at, std::min(max_bytes, run->end() - at)});
    }
  };
  for (const ByteRange& r : ChangedRanges()) {
    const uint64_t first = RoundDown(r.offset, kPageWriteAlignment);
    const uint64_t last = RoundUp(r.end(), kPageWriteAlignment);
    if (run && (first <= run->end() || (joinable && joinable(ByteRange{run->end(), first - run->end()})))) {
      run->length = std::max(run->end(), last) - run->offset;
      continue;
    }
    if (run) cut();
    run = ByteRange{first, last - first};
  }
  if (run) cut();
  return pages;
}

Status ExtentMap::Read(ByteRange range, std::span<uint8_t> out, const ReadFn& base) {
  if (out.size() != range.length) {
    return Error(Code::kInvalidArgument, "extent map: a read of " + std::to_string(range.length) +
                                             " bytes was given a buffer of " + std::to_string(out.size()));
  }
  impl_->Compact();
  const std::vector<Piece>& pieces = impl_->resolved;
  // The first piece ending after range.offset.
  auto it = std::upper_bound(pieces.begin(), pieces.end(), range.offset,
                             [](uint64_t at, const Piece& p) { return at < p.offset; });
  if (it != pieces.begin() && std::prev(it)->end() > range.offset) --it;
  uint64_t pos = range.offset;
  const auto fill_from_base = [&](uint64_t until) -> Status {
    if (until <= pos) return Ok();
    if (!base) {
      return Error(Code::kInvalidArgument, "extent map: bytes " + std::to_string(pos) + " to " +
                                               std::to_string(until) +
                                               " were not written and no base content was given");
    }
    return base(pos, out.subspan(pos - range.offset, until - pos));
  };
  for (; it != pieces.end() && it->offset < range.end(); ++it) {
    HVR_RETURN_IF_ERROR(fill_from_base(it->offset));
    pos = std::max(pos, it->offset);
    const uint64_t until = std::min(range.end(), it->end());
    HVR_RETURN_IF_ERROR(impl_->ReadPiece(*it, pos, out.subspan(pos - range.offset, until - pos)));
    pos = until;
  }
  return fill_from_base(range.end());
}

Status ExtentMap::ForEachPageWrite(const ReadFn& base, const PageWriteFn& sink, uint64_t max_bytes,
                                   const CancelToken* cancel, const JoinableFn& joinable) {
  HVR_ASSIGN_OR_RETURN(const std::vector<ByteRange> pages, PageWriteRanges(max_bytes, joinable));
  uint64_t largest = 0;
  for (const ByteRange& r : pages) largest = std::max(largest, r.length);
  std::vector<uint8_t> buffer(largest);
  for (const ByteRange& r : pages) {
    HVR_RETURN_IF_ERROR(CancelToken::Check(cancel, "page writes"));
    const std::span<uint8_t> data(buffer.data(), r.length);
    HVR_RETURN_IF_ERROR(Read(r, data, base));
    HVR_RETURN_IF_ERROR(sink(r.offset, data));
  }
  return Ok();
}

}  // namespace hvr

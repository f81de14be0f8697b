// Writing many pages to one replica disk with several requests in flight and bounded
// memory: the producer (a thread reading a disk or a log) fills buffers from a fixed pool
// and hands them over; writes go out asynchronously and the buffer returns to the pool
// when the last write from it completes. Uploads, initial replication, delta cycles and
// resynchronization all write through this one piece.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "hvr/store.hpp"
#include "util/aligned_buffer.hpp"

namespace hvr {

// The runs of `buffer` worth writing when the destination already reads as zeros: its
// non-zero 4 KiB blocks, joined across zero gaps shorter than `join_gap` (where one
// request costs more than sending the gap: LinkModel::JoinGap), as [begin, end) offsets
// into the buffer.
std::vector<std::pair<size_t, size_t>> NonZeroRuns(std::span<const uint8_t> buffer, uint64_t join_gap);

// Fixed-size buffers handed to one piece of work at a time; the count bounds memory and
// the pieces in flight. A buffer is allocated the first time it is needed (a small cycle
// touches one), and all are released with the pool. Thread-safe.
class BufferPool {
 public:
  using Buffer = AlignedBuffer;

  BufferPool(int count, size_t size);
  // A free buffer, waiting while `count` are taken; kLowMemory when a new one cannot be
  // allocated.
  Result<Buffer> Take();
  void Give(Buffer buffer);
  // Waits until every buffer is back: nothing is in flight any more.
  void WaitAll();

 private:
  const size_t count_;
  const size_t size_;
  std::mutex mu_;
  std::condition_variable cv_;
  size_t allocated_ = 0;
  std::vector<Buffer> free_;
};

class PageWriter {
 public:
  // Called from a store thread after a write or clear of [offset, offset + length)
  // completed successfully, one call at a time. It must not call the PageWriter.
  using DoneFn = std::function<void(uint64_t offset, uint64_t length)>;

  // Up to `buffers` buffers of kMaxWriteSize bytes each (at least one).
  PageWriter(ReplicaStore& store, std::string disk, int buffers, DoneFn done = {});
  // Waits for what is in flight.
  ~PageWriter();
  PageWriter(const PageWriter&) = delete;
  PageWriter& operator=(const PageWriter&) = delete;

  // A buffer of kMaxWriteSize bytes to fill; waits while all are in flight.
  Result<BufferPool::Buffer> TakeBuffer() { return pool_.Take(); }
  // Gives back a buffer that carries nothing to write.
  void GiveBack(BufferPool::Buffer buffer) { pool_.Give(std::move(buffer)); }

  // Called once, from a store thread, when every request of one Write or Clear call
  // succeeded (never when one failed): what depends on the data being in the replica
  // (a manifest entry) is recorded there.
  using WrittenFn = std::function<void()>;

  // Writes pieces of `buffer`: each [begin, end) of it goes to disk offset
  // `offset + begin`. Offsets and lengths follow the store's rules (512-aligned, at most
  // 4 MiB). The buffer returns to the pool after the last piece completes.
  void Write(BufferPool::Buffer buffer, uint64_t offset,
             const std::vector<std::pair<size_t, size_t>>& pieces, WrittenFn on_written = {});
  // Clears [offset, offset + length).
  void Clear(uint64_t offset, uint64_t length, WrittenFn on_cleared = {});

  // True once a write or clear failed; the producer should stop.
  bool failed() const { return failed_.load(); }
  // Records a failure of the producer's own, so that Finish reports the first one.
  void Fail(const Error& error);
  // Makes every write and clear that completed so far durable (ReplicaStore::AsyncFlush):
  // call it before recording what depends on them outside the replica.
  Status Flush();
  // Waits for everything in flight, then flushes; the first failure, if any. What was
  // written is durable once it succeeds.
  Status Finish();

 private:
  void Completed(const Status& status, uint64_t offset, uint64_t length);
  void Wait();

  ReplicaStore& store_;
  const std::string disk_;
  const DoneFn done_;
  BufferPool pool_;
  std::mutex done_mu_;
  std::mutex mu_;
  std::condition_variable idle_;
  size_t pending_ = 0;  // requests outstanding
  std::optional<Error> error_;
  std::atomic<bool> failed_{false};
};

}  // namespace hvr

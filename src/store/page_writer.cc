#include "store/page_writer.hpp"

#include <boost/asio/use_future.hpp>

#include "util/zero.hpp"

namespace hvr {
namespace {

constexpr size_t kBlock = kZeroGranule;

}  // namespace

std::vector<std::pair<size_t, size_t>> NonZeroRuns(std::span<const uint8_t> buffer, uint64_t join_gap) {
  std::vector<std::pair<size_t, size_t>> runs;
  for (size_t pos = 0; pos < buffer.size();) {
    const size_t n = std::min(kBlock, buffer.size() - pos);
    if (!IsAllZero(buffer.subspan(pos, n))) {
      if (!runs.empty() && pos - runs.back().second < join_gap) {
        runs.back().second = pos + n;
      } else {
        runs.emplace_back(pos, pos + n);
      }
    }
    pos += n;
  }
  return runs;
}

BufferPool::BufferPool(int count, size_t size) : count_(static_cast<size_t>(std::max(1, count))), size_(size) {
  free_.reserve(count_);
}

Result<BufferPool::Buffer> BufferPool::Take() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !free_.empty() || allocated_ < count_; });
  if (!free_.empty()) {
    Buffer buffer = std::move(free_.back());
    free_.pop_back();
    return buffer;
  }
  ++allocated_;
  lock.unlock();
  Result<Buffer> made = AlignedBuffer::Allocate(size_);
  if (!made.ok()) {
    lock.lock();
    --allocated_;
    cv_.notify_all();
  }
  return made;
}

void BufferPool::Give(Buffer buffer) {
  {
    std::lock_guard lock(mu_);
    free_.push_back(std::move(buffer));
  }
  cv_.notify_all();
}

void BufferPool::WaitAll() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return free_.size() == allocated_; });
}

PageWriter::PageWriter(ReplicaStore& store, std::string disk, int buffers, DoneFn done)
    : store_(store), disk_(std::move(disk)), done_(std::move(done)), pool_(buffers, kMaxWriteSize) {}

PageWriter::~PageWriter() { Wait(); }

void PageWriter::Write(BufferPool::Buffer buffer, uint64_t offset,
                       const std::vector<std::pair<size_t, size_t>>& pieces, WrittenFn on_written) {
  if (pieces.empty()) {
    pool_.Give(std::move(buffer));
    if (on_written) on_written();
    return;
  }
  // The buffer goes back, and on_written runs, when the last of the call's writes
  // completes.
  struct Shared {
    Shared(BufferPool* p, BufferPool::Buffer b, WrittenFn w)
        : pool(p), buffer(std::move(b)), on_written(std::move(w)) {}
    BufferPool* pool;
    BufferPool::Buffer buffer;
    WrittenFn on_written;
    std::atomic<bool> failed{false};
    ~Shared() {
      pool->Give(std::move(buffer));
      if (on_written && !failed) on_written();
    }
  };
  auto shared = std::make_shared<Shared>(&pool_, std::move(buffer), std::move(on_written));
  {
    std::lock_guard lock(mu_);
    pending_ += pieces.size();
  }
  for (const auto& [begin, end] : pieces) {
    const std::span<const uint8_t> data(shared->buffer.data() + begin, end - begin);
    const uint64_t at = offset + begin;
    store_.AsyncWritePages(disk_, at, data, [this, shared, at, length = end - begin](Status s) mutable {
      if (!s.ok()) shared->failed = true;
      // The last reference runs on_written and gives the buffer back before the count
      // that Finish waits on drops.
      shared.reset();
      Completed(s, at, length);
    });
  }
}

void PageWriter::Clear(uint64_t offset, uint64_t length, WrittenFn on_cleared) {
  {
    std::lock_guard lock(mu_);
    ++pending_;
  }
  store_.AsyncClearPages(disk_, offset, length, [this, offset, length, on_cleared = std::move(on_cleared)](Status s) {
    if (s.ok() && on_cleared) on_cleared();
    Completed(s, offset, length);
  });
}

void PageWriter::Fail(const Error& error) {
  std::lock_guard lock(mu_);
  if (!error_) error_ = error;
  failed_ = true;
}

void PageWriter::Completed(const Status& status, uint64_t offset, uint64_t length) {
  if (status.ok()) {
    if (done_) {
      std::lock_guard lock(done_mu_);  // one call at a time
      done_(offset, length);
    }
  } else {
    Fail(status.error());
  }
  std::lock_guard lock(mu_);
  if (--pending_ == 0) idle_.notify_all();
}

void PageWriter::Wait() {
  std::unique_lock lock(mu_);
  idle_.wait(lock, [&] { return pending_ == 0; });
}

Status PageWriter::Flush() { return store_.AsyncFlush(disk_, boost::asio::use_future).get(); }

Status PageWriter::Finish() {
  Wait();
  pool_.WaitAll();
  {
    std::lock_guard lock(mu_);
    if (error_) return *error_;
  }
  return Flush();
}

}  // namespace hvr

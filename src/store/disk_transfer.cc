#include "hvr/disk_transfer.hpp"

#include <boost/asio/use_future.hpp>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <vector>

#include "disk/disk_checks.hpp"
#include "disk/vhd_footer.hpp"
#include "hvr/guid.hpp"
#include "hvr/replica_reader.hpp"
#include "store/page_writer.hpp"
#include "store/validation.hpp"
#include "util/file.hpp"

namespace hvr {
namespace {

using Steady = std::chrono::steady_clock;

constexpr uint64_t kPiece = kMaxWriteSize;  // one buffer, one request at most

// Shared state of one transfer: the first error, and progress reported one at a time.
class Tally {
 public:
  Tally(const TransferOptions& options, uint64_t total) : options_(options), total_(total) {}
  void Fail(const Error& error) {
    std::lock_guard lock(mu_);
    if (!error_) error_ = error;
  }
  bool failed() {
    std::lock_guard lock(mu_);
    return error_.has_value();
  }
  std::optional<Error> error() {
    std::lock_guard lock(mu_);
    return error_;
  }
  void Settle(uint64_t bytes) {
    std::lock_guard lock(mu_);
    settled_ += bytes;
    if (options_.progress) options_.progress(settled_, total_);
  }

 private:
  const TransferOptions& options_;
  const uint64_t total_;
  std::mutex mu_;
  std::optional<Error> error_;
  uint64_t settled_ = 0;
};

}  // namespace

Result<TransferStats> UploadDisk(const DiskReader& disk, ReplicaStore& store,
                                 const std::string& name, const TransferOptions& options) {
  HVR_RETURN_IF_ERROR(ValidateMaxInFlight(options.max_in_flight));
  const auto started = Steady::now();
  const DiskInfo& info = disk.info();
  TransferStats stats;
  stats.virtual_size = ReplicaSizeFor(info.virtual_size);
  HVR_ASSIGN_OR_RETURN(const auto allocated, disk.AllocatedRanges());
  HVR_RETURN_IF_ERROR(store.AsyncCreateDisk(name, stats.virtual_size, {}, boost::asio::use_future).get());

  Tally tally(options, stats.virtual_size);
  std::mutex stats_mu;
  PageWriter writer(store, name, options.max_in_flight, [&](uint64_t, uint64_t length) {
    {
      std::lock_guard lock(stats_mu);
      stats.bytes_sent += length;
    }
    tally.Settle(length);
  });
  uint64_t covered = 0;      // bytes inside pieces read so far
  uint64_t covered_end = 0;  // where the last piece ended
  for (const ByteRange& range : allocated) {
    // Writes are page-aligned (neighbouring ranges may then touch the same page: it is
    // read once); the image's own bytes end at its size.
    const uint64_t begin = std::max(RoundDown(range.offset, kPageSize), covered_end);
    const uint64_t end = std::min(RoundUp(range.end(), kPageSize), stats.virtual_size);
    for (uint64_t offset = begin; offset < end && !writer.failed();) {
      if (Status cancelled = CancelToken::Check(options.cancel, "upload"); !cancelled.ok()) {
        writer.Fail(cancelled.error());
        break;
      }
      // Pieces end on kPiece boundaries so that one range does not shift them all.
      const uint64_t length = std::min(end, (offset / kPiece + 1) * kPiece) - offset;
      auto taken = writer.TakeBuffer();
      if (!taken.ok()) {
        writer.Fail(taken.error());
        break;
      }
      auto buffer = std::move(*taken);
      std::span<uint8_t> data(buffer.data(), static_cast<size_t>(length));
      const uint64_t readable = offset < info.virtual_size ? std::min(length, info.virtual_size - offset) : 0;
      if (Status read = disk.Read(offset, data.first(static_cast<size_t>(readable))); !read.ok()) {
        writer.Fail(read.error());
        writer.GiveBack(std::move(buffer));
        break;
      }
      std::fill(data.begin() + static_cast<long>(readable), data.end(), uint8_t{0});
      covered += length;
      covered_end = offset + length;
      // A new replica reads as zeros: only non-zero data needs sending.
      const auto runs = NonZeroRuns(data, options.join_gap);
      uint64_t run_bytes = 0;
      for (const auto& [b, e] : runs) run_bytes += e - b;
      {
        std::lock_guard lock(stats_mu);
        stats.bytes_read += readable;
        stats.bytes_skipped += length - run_bytes;
        stats.requests += runs.size();
      }
      tally.Settle(length - run_bytes);
      writer.Write(std::move(buffer), offset, runs);
      offset += length;
    }
    if (writer.failed()) break;
  }
  if (Status done = writer.Finish(); !done.ok()) {
    return done.error().WithContext("upload of " + info.path + " to disk '" + name + "'");
  }
  // What no allocated range covered was never read: it is zeros.
  const uint64_t unread = stats.virtual_size - covered;
  stats.bytes_skipped += unread;
  tally.Settle(unread);
  stats.elapsed = Steady::now() - started;
  return stats;
}

Result<TransferStats> DownloadDisk(ReplicaStore& store, const std::string& name,
                                   const std::string& snapshot, const std::string& path,
                                   bool with_footer, const TransferOptions& options) {
  HVR_RETURN_IF_ERROR(ValidateMaxInFlight(options.max_in_flight));
  HVR_RETURN_IF_ERROR(CheckNameClaims(path, with_footer ? DiskFormat::kVhd : DiskFormat::kRaw));
  const auto started = Steady::now();
  using boost::asio::use_future;
  // A recovery point's own size: the disk may have grown since.
  HVR_ASSIGN_OR_RETURN(const uint64_t virtual_size, ReplicaSize(store, name, snapshot));
  HVR_ASSIGN_OR_RETURN(const auto ranges, store.AsyncAllocatedRanges(name, snapshot, use_future).get());
  TransferStats stats;
  stats.virtual_size = virtual_size;
  HVR_ASSIGN_OR_RETURN(File out, File::Open(path, File::Mode::kCreateExclusive));
  HVR_RETURN_IF_ERROR(out.Truncate(virtual_size + (with_footer ? vhd::kFooterSize : 0)));

  BufferPool pool(options.max_in_flight, kPiece);
  Tally tally(options, stats.virtual_size);
  std::mutex stats_mu;
  uint64_t covered = 0;
  for (const ByteRange& range : ranges) {
    for (uint64_t offset = range.offset; offset < range.end() && !tally.failed();) {
      if (Status cancelled = CancelToken::Check(options.cancel, "download"); !cancelled.ok()) {
        tally.Fail(cancelled.error());
        break;
      }
      const uint64_t length = std::min(range.end(), (offset / kPiece + 1) * kPiece) - offset;
      covered += length;
      auto taken = pool.Take();
      if (!taken.ok()) {
        tally.Fail(taken.error());
        break;
      }
      auto shared = std::make_shared<BufferPool::Buffer>(std::move(*taken));
      const std::span<uint8_t> data(shared->data(), static_cast<size_t>(length));
      {
        std::lock_guard lock(stats_mu);
        ++stats.requests;
      }
      store.AsyncRead(name, snapshot, offset, data, [&, shared, data, offset](Status s) {
        if (!s.ok()) {
          tally.Fail(s.error());
        } else {
          // Sparse: zero runs stay holes in the new file.
          uint64_t written = 0;
          for (const auto& [b, e] : NonZeroRuns(data, options.join_gap)) {
            if (Status w = out.WriteAt(offset + b, data.subspan(b, e - b)); !w.ok()) {
              tally.Fail(w.error());
              break;
            }
            written += e - b;
          }
          {
            std::lock_guard lock(stats_mu);
            stats.bytes_read += data.size();
            stats.bytes_sent += written;
            stats.bytes_skipped += data.size() - written;
          }
          tally.Settle(data.size());
        }
        pool.Give(std::move(*shared));
      });
      offset += length;
    }
    if (tally.failed()) break;
  }
  pool.WaitAll();
  if (auto error = tally.error()) {
    (void)RemoveFileIfExists(path);  // a half-written copy must not pass for a disk
    return error->WithContext("download of disk '" + name + "' to " + path);
  }
  if (with_footer) {
    HVR_ASSIGN_OR_RETURN(const vhd::Footer footer,
                         vhd::MakeFixedFooter(virtual_size, Guid::Random(), std::chrono::system_clock::now()));
    HVR_RETURN_IF_ERROR(out.WriteAt(virtual_size, vhd::Encode(footer)));
  }
  HVR_RETURN_IF_ERROR(out.Sync());
  const uint64_t unread = stats.virtual_size - covered;
  stats.bytes_skipped += unread;
  tally.Settle(unread);
  stats.elapsed = Steady::now() - started;
  return stats;
}

}  // namespace hvr

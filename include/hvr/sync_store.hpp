// A replica store with threads of its own and blocking calls, for programs without an
// event loop: the command line, the C API, tests. Each call waits for its operation;
// calls may come from many threads at once, but never from the store's own threads
// (a completion handler of async() work), which would wait on themselves.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <memory>
#include <string>
#include <vector>

#include "hvr/store.hpp"

namespace hvr {

class SyncStore {
 public:
  // Opens the store `target` names (OpenStore) on `threads` threads.
  static Result<std::unique_ptr<SyncStore>> Open(const std::string& target,
                                                 const StoreOptions& options = {},
                                                 int threads = 2);
  // Waits for outstanding work, then closes the store.
  ~SyncStore();

  // The asynchronous store, for overlapping many operations (it runs on this object's
  // threads).
  ReplicaStore& async() { return *store_; }
  const std::string& description() const { return store_->description(); }

  Status CreateDisk(const std::string& name, uint64_t virtual_size, const Metadata& metadata = {});
  Status GrowDisk(const std::string& name, uint64_t virtual_size);
  Status WritePages(const std::string& name, uint64_t offset, std::span<const uint8_t> data);
  Status ClearPages(const std::string& name, uint64_t offset, uint64_t length);
  Status Flush(const std::string& name);
  Status Read(const std::string& name, const std::string& snapshot, uint64_t offset,
              std::span<uint8_t> out);
  Result<std::vector<ByteRange>> AllocatedRanges(const std::string& name,
                                                 const std::string& snapshot = {});
  Result<std::vector<ByteRange>> ChangedRanges(const std::string& name, const std::string& from,
                                               const std::string& to = {});
  Result<RecoveryPoint> CreateSnapshot(const std::string& name, const SnapshotOptions& options = {});
  Result<std::vector<RecoveryPoint>> ListSnapshots(const std::string& name);
  Status DeleteSnapshot(const std::string& name, const std::string& snapshot);
  Status CopySnapshot(const std::string& name, const std::string& snapshot,
                      const std::string& target, const Metadata& metadata = {});
  Status DeleteDisk(const std::string& name);
  Result<DiskProperties> GetDisk(const std::string& name);
  Result<std::vector<DiskProperties>> ListDisks();
  Status SetMetadata(const std::string& name, const Metadata& metadata);
  Result<Metadata> GetMetadata(const std::string& name);
  Result<std::string> AcquireLease(const std::string& name, std::chrono::seconds duration,
                                   const std::string& proposed_id = {});
  Status RenewLease(const std::string& name);
  Status ReleaseLease(const std::string& name);
  Status BreakLease(const std::string& name, std::chrono::seconds break_period);

 private:
  explicit SyncStore(int threads) : pool_(static_cast<size_t>(threads)) {}
  boost::asio::thread_pool pool_;
  std::unique_ptr<ReplicaStore> store_;
};

}  // namespace hvr

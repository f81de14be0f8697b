// The local directory store, the embedded default: one folder per replica disk
// (local_replica.hpp). File I/O blocks, so operations run on the store's own small thread
// pool and complete on the caller's executor.
#pragma once

#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "hvr/store.hpp"
#include "store/held_leases.hpp"
#include "store/local/local_replica.hpp"

namespace hvr {

class LocalStore final : public ReplicaStore {
 public:
  // Opens (creating when missing) the store folder `dir`.
  static Result<std::unique_ptr<LocalStore>> Open(const std::string& dir,
                                                  const StoreOptions& options,
                                                  boost::asio::any_io_executor executor);
  ~LocalStore() override;

  executor_type get_executor() const override { return executor_; }
  const std::string& description() const override { return description_; }
  StoreStatistics statistics() const override;

 protected:
  void DoCreateDisk(std::string name, uint64_t virtual_size, Metadata metadata,
                    Handler<void> handler) override;
  void DoGrowDisk(std::string name, uint64_t virtual_size, Handler<void> handler) override;
  void DoWritePages(std::string name, uint64_t offset, std::span<const uint8_t> data,
                    Handler<void> handler) override;
  void DoClearPages(std::string name, uint64_t offset, uint64_t length,
                    Handler<void> handler) override;
  void DoFlush(std::string name, Handler<void> handler) override;
  void DoRead(std::string name, std::string snapshot, uint64_t offset, std::span<uint8_t> out,
              Handler<void> handler) override;
  void DoAllocatedRanges(std::string name, std::string snapshot,
                         Handler<std::vector<ByteRange>> handler) override;
  void DoChangedRanges(std::string name, std::string from, std::string to,
                       Handler<std::vector<ByteRange>> handler) override;
  void DoCreateSnapshot(std::string name, SnapshotOptions options,
                        Handler<RecoveryPoint> handler) override;
  void DoListSnapshots(std::string name, Handler<std::vector<RecoveryPoint>> handler) override;
  void DoDeleteSnapshot(std::string name, std::string snapshot, Handler<void> handler) override;
  void DoCopySnapshot(std::string name, std::string snapshot, std::string target,
                      Metadata metadata, Handler<void> handler) override;
  void DoDeleteDisk(std::string name, Handler<void> handler) override;
  void DoGetDisk(std::string name, Handler<DiskProperties> handler) override;
  void DoListDisks(Handler<std::vector<DiskProperties>> handler) override;
  void DoSetMetadata(std::string name, Metadata metadata, Handler<void> handler) override;
  void DoGetMetadata(std::string name, Handler<Metadata> handler) override;
  void DoAcquireLease(std::string name, std::chrono::seconds duration, std::string proposed_id,
                      Handler<std::string> handler) override;
  void DoRenewLease(std::string name, Handler<void> handler) override;
  void DoReleaseLease(std::string name, Handler<void> handler) override;
  void DoBreakLease(std::string name, std::chrono::seconds break_period,
                    Handler<void> handler) override;

 private:
  LocalStore(std::string dir, const StoreOptions& options, boost::asio::any_io_executor executor);

  // Runs `work` on the I/O pool and completes `handler` with its result.
  template <typename T, typename Work>
  void Run(Handler<T> handler, Work work);

  // The open disk `name` (validated), reopened when someone replaced it.
  Result<std::shared_ptr<LocalReplica>> Disk(const std::string& name);
  void Forget(const std::string& name);
  TimePoint Now() const { return clock_->Now(); }

  Status CopySnapshot(const std::string& name, const std::string& snapshot,
                      const std::string& target, const Metadata& metadata);
  Result<std::vector<DiskProperties>> ListDisks();

  const std::string dir_;
  const std::string description_;
  const Clock* clock_;
  const int threads_;
  // Held like the Azure store's: a write waits for its bytes' turn on the link.
  const std::shared_ptr<BandwidthLimiter> bandwidth_;
  std::atomic<uint64_t> operations_{0};
  std::atomic<uint64_t> failures_{0};
  boost::asio::any_io_executor executor_;
  boost::asio::thread_pool pool_;

  std::mutex mu_;
  std::map<std::string, std::shared_ptr<LocalReplica>> disks_;
  HeldLeases leases_;
};

}  // namespace hvr

// A ReplicaStore whose operations are coroutines: each entry point (ReplicaStore's Do*)
// starts the coroutine of the same name on the store's executor and completes the
// caller's handler with its result, an error prefixed with the store's description. A
// store built on it writes its operations and nothing else (the Azure store; Flush,
// which has nothing to wait for there, stays an entry point of the store's own).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "hvr/store.hpp"

namespace hvr {

class CoroutineStore : public ReplicaStore {
 protected:
  template <typename T>
  using Task = boost::asio::awaitable<Result<T>>;

  CoroutineStore() = default;

  // The operations, as ReplicaStore describes them.
  virtual Task<void> CreateDisk(std::string name, uint64_t virtual_size, Metadata metadata) = 0;
  virtual Task<void> GrowDisk(std::string name, uint64_t virtual_size) = 0;
  virtual Task<void> WritePages(std::string name, uint64_t offset, std::span<const uint8_t> data) = 0;
  virtual Task<void> ClearPages(std::string name, uint64_t offset, uint64_t length) = 0;
  virtual Task<void> Read(std::string name, std::string snapshot, uint64_t offset,
                          std::span<uint8_t> out) = 0;
  virtual Task<std::vector<ByteRange>> AllocatedRanges(std::string name, std::string snapshot) = 0;
  virtual Task<std::vector<ByteRange>> ChangedRanges(std::string name, std::string from,
                                                     std::string to) = 0;
  virtual Task<RecoveryPoint> CreateSnapshot(std::string name, SnapshotOptions options) = 0;
  virtual Task<std::vector<RecoveryPoint>> ListSnapshots(std::string name) = 0;
  virtual Task<void> DeleteSnapshot(std::string name, std::string snapshot) = 0;
  virtual Task<void> CopySnapshot(std::string name, std::string snapshot, std::string target,
                                  Metadata metadata) = 0;
  virtual Task<void> DeleteDisk(std::string name) = 0;
  virtual Task<DiskProperties> GetDisk(std::string name) = 0;
  virtual Task<std::vector<DiskProperties>> ListDisks() = 0;
  virtual Task<void> SetMetadata(std::string name, Metadata metadata) = 0;
  virtual Task<Metadata> GetMetadata(std::string name) = 0;
  virtual Task<std::string> AcquireLease(std::string name, std::chrono::seconds duration,
                                         std::string proposed_id) = 0;
  virtual Task<void> RenewLease(std::string name) = 0;
  virtual Task<void> ReleaseLease(std::string name) = 0;
  virtual Task<void> BreakLease(std::string name, std::chrono::seconds break_period) = 0;

  void DoCreateDisk(std::string name, uint64_t virtual_size, Metadata metadata,
                    Handler<void> handler) final;
  void DoGrowDisk(std::string name, uint64_t virtual_size, Handler<void> handler) final;
  void DoWritePages(std::string name, uint64_t offset, std::span<const uint8_t> data,
                    Handler<void> handler) final;
  void DoClearPages(std::string name, uint64_t offset, uint64_t length,
                    Handler<void> handler) final;
  void DoRead(std::string name, std::string snapshot, uint64_t offset, std::span<uint8_t> out,
              Handler<void> handler) final;
  void DoAllocatedRanges(std::string name, std::string snapshot,
                         Handler<std::vector<ByteRange>> handler) final;
  void DoChangedRanges(std::string name, std::string from, std::string to,
                       Handler<std::vector<ByteRange>> handler) final;
  void DoCreateSnapshot(std::string name, SnapshotOptions options,
                        Handler<RecoveryPoint> handler) final;
  void DoListSnapshots(std::string name, Handler<std::vector<RecoveryPoint>> handler) final;
  void DoDeleteSnapshot(std::string name, std::string snapshot, Handler<void> handler) final;
  void DoCopySnapshot(std::string name, std::string snapshot, std::string target,
                      Metadata metadata, Handler<void> handler) final;
  void DoDeleteDisk(std::string name, Handler<void> handler) final;
  void DoGetDisk(std::string name, Handler<DiskProperties> handler) final;
  void DoListDisks(Handler<std::vector<DiskProperties>> handler) final;
  void DoSetMetadata(std::string name, Metadata metadata, Handler<void> handler) final;
  void DoGetMetadata(std::string name, Handler<Metadata> handler) final;
  void DoAcquireLease(std::string name, std::chrono::seconds duration, std::string proposed_id,
                      Handler<std::string> handler) final;
  void DoRenewLease(std::string name, Handler<void> handler) final;
  void DoReleaseLease(std::string name, Handler<void> handler) final;
  void DoBreakLease(std::string name, std::chrono::seconds break_period,
                    Handler<void> handler) final;

 private:
  // Runs `op` on the store's executor and completes `handler` with its result; an
  // exception it throws becomes an error.
  template <typename T>
  void Spawn(Handler<T> handler, Task<T> op);
  template <typename T>
  boost::asio::awaitable<void> Finish(Task<T> op, Handler<T> handler);
};

}  // namespace hvr

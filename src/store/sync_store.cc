#include "hvr/sync_store.hpp"

#include <boost/asio/use_future.hpp>

namespace hvr {
namespace {

using boost::asio::use_future;

}  // namespace

Result<std::unique_ptr<SyncStore>> SyncStore::Open(const std::string& target,
                                                   const StoreOptions& options, int threads) {
  if (threads < 1) return Error(Code::kInvalidArgument, "a store needs at least one thread");
  std::unique_ptr<SyncStore> sync(new SyncStore(threads));
  HVR_ASSIGN_OR_RETURN(sync->store_, OpenStore(target, options, sync->pool_.get_executor()));
  return sync;
}

SyncStore::~SyncStore() {
  pool_.wait();  // outstanding operations finish before the store goes
  store_.reset();
}

Status SyncStore::CreateDisk(const std::string& name, uint64_t virtual_size,
                             const Metadata& metadata) {
  return store_->AsyncCreateDisk(name, virtual_size, metadata, use_future).get();
}

Status SyncStore::GrowDisk(const std::string& name, uint64_t virtual_size) {
  return store_->AsyncGrowDisk(name, virtual_size, use_future).get();
}

Status SyncStore::WritePages(const std::string& name, uint64_t offset,
                             std::span<const uint8_t> data) {
  return store_->AsyncWritePages(name, offset, data, use_future).get();
}

Status SyncStore::Flush(const std::string& name) {
  return store_->AsyncFlush(name, use_future).get();
}

Status SyncStore::ClearPages(const std::string& name, uint64_t offset, uint64_t length) {
  return store_->AsyncClearPages(name, offset, length, use_future).get();
}

Status SyncStore::Read(const std::string& name, const std::string& snapshot, uint64_t offset,
                       std::span<uint8_t> out) {
  return store_->AsyncRead(name, snapshot, offset, out, use_future).get();
}

Result<std::vector<ByteRange>> SyncStore::AllocatedRanges(const std::string& name,
                                                          const std::string& snapshot) {
  return store_->AsyncAllocatedRanges(name, snapshot, use_future).get();
}

Result<std::vector<ByteRange>> SyncStore::ChangedRanges(const std::string& name,
                                                        const std::string& from,
                                                        const std::string& to) {
  return store_->AsyncChangedRanges(name, from, to, use_future).get();
}

Result<RecoveryPoint> SyncStore::CreateSnapshot(const std::string& name,
                                                const SnapshotOptions& options) {
  return store_->AsyncCreateSnapshot(name, options, use_future).get();
}

Result<std::vector<RecoveryPoint>> SyncStore::ListSnapshots(const std::string& name) {
  return store_->AsyncListSnapshots(name, use_future).get();
}

Status SyncStore::DeleteSnapshot(const std::string& name, const std::string& snapshot) {
  return store_->AsyncDeleteSnapshot(name, snapshot, use_future).get();
}

Status SyncStore::CopySnapshot(const std::string& name, const std::string& snapshot,
                               const std::string& target, const Metadata& metadata) {
  return store_->AsyncCopySnapshot(name, snapshot, target, metadata, use_future).get();
}

Status SyncStore::DeleteDisk(const std::string& name) {
  return store_->AsyncDeleteDisk(name, use_future).get();
}

Result<DiskProperties> SyncStore::GetDisk(const std::string& name) {
  return store_->AsyncGetDisk(name, use_future).get();
}

Result<std::vector<DiskProperties>> SyncStore::ListDisks() {
  return store_->AsyncListDisks(use_future).get();
}

Status SyncStore::SetMetadata(const std::string& name, const Metadata& metadata) {
  return store_->AsyncSetMetadata(name, metadata, use_future).get();
}

Result<Metadata> SyncStore::GetMetadata(const std::string& name) {
  return store_->AsyncGetMetadata(name, use_future).get();
}

Result<std::string> SyncStore::AcquireLease(const std::string& name, std::chrono::seconds duration,
                                            const std::string& proposed_id) {
  return store_->AsyncAcquireLease(name, duration, proposed_id, use_future).get();
}

Status SyncStore::RenewLease(const std::string& name) {
  return store_->AsyncRenewLease(name, use_future).get();
}

Status SyncStore::ReleaseLease(const std::string& name) {
  return store_->AsyncReleaseLease(name, use_future).get();
}

Status SyncStore::BreakLease(const std::string& name, std::chrono::seconds break_period) {
  return store_->AsyncBreakLease(name, break_period, use_future).get();
}

}  // namespace hvr

// One replica disk of the local store: a folder holding the disk as a sparse fixed VHD
// and what belongs to it (docs/local-store.md):
//
//   NAME/disk.vhd          virtual content, then the 512-byte fixed-VHD footer
//   NAME/metadata.json     the disk's metadata (checksummed, replaced atomically)
//   NAME/growth.json       while the disk grows: from and to which size (Grow)
//   NAME/lease.json        the lease, when one was taken
//   NAME/.lock             lock file: applying writes holds it shared, snapshot changes exclusive
//   NAME/points/ID.json    a recovery point's description
//   NAME/points/ID.undo    its undo log (both: local_points.hpp)
//
// A write is held in memory when it returns (pending_writes.hpp) and reaches the data
// file with others behind one sync of the undo log; Flush and CreateSnapshot make every
// earlier write durable (docs/local-store.md, "Durability"). Thread-safe; other processes
// sharing the folder are kept in step with file locks, and see a write once it reached
// the data file.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "hvr/store.hpp"
#include "platform/shared_mutex.hpp"
#include "store/local/local_points.hpp"
#include "store/local/pending_writes.hpp"
#include "util/file.hpp"

namespace hvr {

class LocalReplica {
 public:
  // Creates disk `name` in `store_dir`: its folder is built under a temporary name, with
  // `fill` writing initial content into the data file (may be empty), then renamed into
  // place, so a disk appears whole or not at all. kConflict if the name is taken.
  static Status Create(const std::string& store_dir, const std::string& name,
                       uint64_t virtual_size, const Metadata& metadata, TimePoint now,
                       const std::function<Status(File&)>& fill);
  // kNotFound when there is no such disk; kCorruptData when its footer is damaged.
  static Result<std::shared_ptr<LocalReplica>> Open(const std::string& store_dir,
                                                    const std::string& name);

  const std::string& name() const { return name_; }
  uint64_t virtual_size() const { return virtual_size_; }
  // The virtual size of the disk, or of recovery point `snapshot` when it is not empty.
  Result<uint64_t> SizeAt(const std::string& snapshot);
  // True once the folder no longer holds the disk this object opened (deleted, or
  // deleted and created again by someone else), or it no longer has this object's size
  // (another store grew it).
  bool Stale() const;

  // `lease_id` is the lease this store holds on the disk, or empty.
  Status Write(uint64_t offset, std::span<const uint8_t> data, const std::string& lease_id,
               TimePoint now);
  Status Clear(uint64_t offset, uint64_t length, const std::string& lease_id, TimePoint now);
  // Makes every write and clear that returned before it durable.
  Status Flush(const std::string& lease_id, TimePoint now);
  // Grows the disk to `virtual_size` (whole MiB, not smaller than now; equal does
  // nothing). The growth is recorded first and finished by Open after a crash; points
  // keep their own size.
  Status Grow(uint64_t virtual_size, const std::string& lease_id, TimePoint now);
  Status Read(const std::string& snapshot, uint64_t offset, std::span<uint8_t> out);
  Result<std::vector<ByteRange>> AllocatedRanges(const std::string& snapshot);
  Result<std::vector<ByteRange>> ChangedRanges(const std::string& from, const std::string& to);

  Result<RecoveryPoint> CreateSnapshot(const SnapshotOptions& options,
                                       const std::string& lease_id, TimePoint now);
  Result<std::vector<RecoveryPoint>> ListSnapshots();
  Status DeleteSnapshot(const std::string& id);

  // Applies the held writes first, so that the ETag tells of them.
  Result<DiskProperties> Properties(const std::string& lease_id, TimePoint now);
  Result<Metadata> GetMetadata();
  Status SetMetadata(const Metadata& metadata, const std::string& lease_id, TimePoint now);

  Result<std::string> AcquireLease(std::chrono::seconds duration, std::string proposed_id,
                                   TimePoint now);
  Status RenewLease(const std::string& lease_id, TimePoint now);
  Status ReleaseLease(const std::string& lease_id);
  Status BreakLease(std::chrono::seconds period, TimePoint now);

  // Removes the disk with its recovery points: renamed away first, so it disappears at
  // once even if removing the files is interrupted.
  Status Delete(const std::string& lease_id, TimePoint now);

 private:
  LocalReplica(std::string store_dir, std::string name, File data, uint64_t virtual_size,
               FileIdentity identity);

  std::string Path(const std::string& leaf) const;
  // Completes the growth growth.json records in the data file `data` of the disk in
  // `dir`, from its first step or any later one, then removes the record. Requires the
  // .lock file held exclusively.
  static Status FinishGrowth(File& data, const std::string& dir);
  // Saves the old content of `ranges` into the newest undo log and syncs it; requires
  // rw_ (either mode).
  Status SaveUndo(const std::vector<ByteRange>& ranges);
  // Moves the held writes into the data file: their undo records first, one sync of the
  // log, then the writes (not synced). Requires rw_ and the .lock file (either mode) and
  // pending_mu_ alone. The writes stay held when it fails, to be tried again.
  Status ApplyPending(const std::string& lease_id, TimePoint now);
  // ApplyPending with the locks it needs.
  Status DrainPending(const std::string& lease_id, TimePoint now);
  // Syncs the data file when something reached it since the last sync.
  Status SyncData();
  // Reads recovery point `index`; requires exclusive rw_ and state_mu_.
  Status ReadPoint(size_t index, uint64_t offset, std::span<uint8_t> out);
  Status CheckLease(const std::string& lease_id, TimePoint now) const;
  // Whether the data file has data (not a hole) in [offset, end), as ranges.
  Result<std::vector<ByteRange>> DataIn(uint64_t offset, uint64_t end) const;
  // DiskProperties::etag: a digest of what the file system stamps on every change of the
  // data file and the metadata file (docs/local-store.md).
  Result<std::string> Etag() const;

  const std::string store_dir_;
  const std::string name_;
  const std::string dir_;
  File data_;
  std::atomic<uint64_t> virtual_size_;  // changes only by Grow, under rw_ held alone
  const FileIdentity identity_;

  // Writes and plain reads share it; snapshot reads and changes to the points take it
  // alone (in-process twin of the .lock file).
  SharedMutex rw_;
  // Guards pending_: reads share it, adding and applying take it alone. Taken after rw_
  // and the .lock file, before state_mu_.
  SharedMutex pending_mu_;
  PendingWrites pending_;
  std::atomic<bool> data_unsynced_{false};  // the data file was written since its last sync
  std::mutex sync_mu_;                      // one sync of the data file at a time
  std::mutex state_mu_;  // points_, the undo logs, metadata writes
  LocalPoints points_;
};

}  // namespace hvr

// Shipping replica logs: finding the closed logs of a disk that the replica has not
// received, checking that they may be trusted (they follow the last applied one, the
// disk was not written untracked, they are not larger than resending the disk), and
// writing their coalesced content to the replica.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "hvr/cancel.hpp"
#include "hvr/disk.hpp"
#include "hvr/extent_map.hpp"
#include "hvr/hrl.hpp"
#include "hvr/link.hpp"
#include "hvr/manifest.hpp"
#include "hvr/protection.hpp"
#include "hvr/store.hpp"
#include "session/session_state.hpp"

namespace hvr {

struct PendingLogs {
  std::vector<std::string> paths;  // to apply, oldest first
  std::vector<HrlHeader> headers;
  std::vector<std::string> applied;   // already in the replica (a crash kept them): delete
  std::vector<std::string> obsolete;  // made obsolete by a copy from a checkpoint: delete
  uint64_t bytes = 0;                 // of `paths`, as files
};

// The closed logs of `disk` past what `state` says the replica holds.
Result<PendingLogs> FindPendingLogs(const DiskSpec& disk, const DiskState& state);

// The bytes of every log of `disk` the replica does not hold yet, the one being written
// included: what a suspension let accumulate.
Result<uint64_t> UnshippedLogBytes(const DiskSpec& disk, const DiskState& state);

// The logs of `disk` a copy from a checkpoint taken now makes obsolete: every closed
// log, and every unclosed one a newer log follows (a crash of the host left it open; the
// newest log may be the one being written, and is kept while unclosed).
Result<std::vector<std::string>> ListObsoleteAtCheckpoint(const DiskSpec& disk);

// kUntrackedModification when a log carries another DataWriteGuid than the disk was
// tracked with (the first log decides when none is known yet: `identity` receives it).
Status CheckPendingLogs(const PendingLogs& logs, const DiskState& state, Guid& identity);

// kResyncRequired when the logs reach half the disk's size: resending what differs then
// costs less than shipping them.
Status CheckLogVolume(const PendingLogs& logs, uint64_t disk_size);

// CoalesceLogs' kLogChainGap explained: when a log of the disk lies unclosed before the
// newest pending one, tracking was interrupted, which is kLogNotClosed naming it.
Error ExplainChainGap(const Error& gap, const DiskSpec& disk, const PendingLogs& logs);

// Records in `state` what a recovery point made after shipping `logs` says of each disk:
// the newest log applied, the identity its logs carry, the bytes sent for it.
void RecordShipped(SessionState& state, const std::vector<PendingLogs>& logs, const std::vector<Guid>& identities,
                   const std::vector<uint64_t>& bytes_sent);

// Deletes logs; a log already gone is fine.
Status DeleteLogs(const std::vector<std::string>& paths);

// A disk's map (Session::Impl::maps, reused cycle after cycle) for the logs of one cycle:
// empty when taken and emptied again when the cycle is done with it, however it ends. The
// map reads the logs through handles of its own (CoalesceLogs), and a shipped log is then
// deleted: on Windows (before 10 1903, off NTFS, under Wine) the name of a file still open
// stays until its last handle closes, so the log would be seen again, and a removed disk's
// logs would outlive its removal.
class MapForCycle {
 public:
  explicit MapForCycle(ExtentMap& map) : map_(map) { map_.Clear(); }
  ~MapForCycle() { map_.Clear(); }
  MapForCycle(const MapForCycle&) = delete;
  MapForCycle& operator=(const MapForCycle&) = delete;
  ExtentMap& map() { return map_; }

 private:
  ExtentMap& map_;
};

struct ApplyStats {
  uint64_t changed_bytes = 0;
  uint64_t bytes_sent = 0;
  uint64_t page_writes = 0;
};

// Marks the chunks `map` touches unknown, so that no diff trusts them until they are
// hashed again (save the manifest before writing).
Status InvalidateChanged(Manifest& manifest, ExtentMap& map);

// Which bytes of the replica are known to read as zeros: those of the chunks `manifest`
// says are zero, as it was before the writes about to be made.
class KnownZeros {
 public:
  explicit KnownZeros(const Manifest& manifest);
  bool Covers(const ByteRange& range) const;

 private:
  uint32_t chunk_size_;
  std::vector<bool> zero_;
};

// Writes what `map` holds to replica `replica` in page writes of at most 4 MiB, with
// `buffers` in flight. `base` reads the replica's content before the writes, for the
// unwritten bytes of partly written pages; writes join across gaps shorter than
// `join_gap` (LinkModel::JoinGap) that `zeros` knows to be zero (read as zeros, not
// through `base`). Chunks
// the writes cover whole get their new hash in `manifest` once written; chunks written
// in part stay unknown.
struct ApplyOptions {
  int buffers = 8;
  uint64_t join_gap = LinkModel{}.JoinGap();
  const CancelToken* cancel = nullptr;
};
Result<ApplyStats> ApplyToReplica(ExtentMap& map, const ReadFn& base, const KnownZeros& zeros,
                                  ReplicaStore& store, const std::string& replica, Manifest& manifest,
                                  const ApplyOptions& options);

// Reads `disk`, and zeros past its end (a replica is sized in whole MiB, its source may
// not be).
ReadFn ZeroExtended(const DiskReader& disk);

// A disk read as `virtual_size` bytes (at least its own): its content, then zeros.
class PaddedDisk final : public DiskReader {
 public:
  PaddedDisk(const DiskReader& disk, uint64_t virtual_size);
  const DiskInfo& info() const override { return info_; }
  Status Read(uint64_t offset, std::span<uint8_t> out) const override;
  Result<std::vector<ByteRange>> AllocatedRanges() const override { return disk_.AllocatedRanges(); }

 private:
  const DiskReader& disk_;
  const ReadFn read_;
  DiskInfo info_;
};

// A disk seen with the writes of `map` on top: the replica's content after applying them,
// computed locally from the view the replica was copied from, `virtual_size` bytes long
// (the replica's). Reads take turns (the map is single-threaded). The map and the base
// must outlive it.
class OverlayReader final : public DiskReader {
 public:
  OverlayReader(const DiskReader& base, ExtentMap& map, uint64_t virtual_size);
  const DiskInfo& info() const override { return info_; }
  Status Read(uint64_t offset, std::span<uint8_t> out) const override;
  Result<std::vector<ByteRange>> AllocatedRanges() const override;

 private:
  const DiskReader& base_;
  const ReadFn read_base_;
  ExtentMap& map_;
  DiskInfo info_;
  mutable std::mutex mu_;
};

}  // namespace hvr

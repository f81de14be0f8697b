#include "store/local/local_replica.hpp"

#include <xxhash.h>

#include <algorithm>
#include <array>
#include <filesystem>

#include "disk/vhd_footer.hpp"
#include "hvr/guid.hpp"
#include "store/local/json_file.hpp"
#include "store/local/lease_file.hpp"
#include "store/validation.hpp"
#include "platform/file_lock.hpp"
#include "util/file.hpp"
#include "util/hex.hpp"
#include "util/path.hpp"
#include "util/range_set.hpp"
#include "util/zero.hpp"

namespace hvr {
namespace {

constexpr const char* kDataFile = "disk.vhd";
constexpr const char* kMetadataFile = "metadata.json";
constexpr const char* kGrowthFile = "growth.json";
constexpr const char* kLeaseFile = "lease.json";
constexpr const char* kLockFile = ".lock";
constexpr const char* kPointsDir = "points";
// Undo saves and snapshot reads move data in pieces of this size.
constexpr uint64_t kCopyPiece = uint64_t{4} << 20;
// Held writes are applied once they reach this much: it bounds the memory a disk holds,
// and is large enough that the undo log's sync is paid once for thousands of 4 KiB pages.
constexpr uint64_t kMaxPendingBytes = uint64_t{16} << 20;

std::string LockPath(const std::string& dir) { return PathIn(dir, kLockFile); }

}  // namespace

LocalReplica::LocalReplica(std::string store_dir, std::string name, File data, uint64_t virtual_size,
                           FileIdentity identity)
    : store_dir_(std::move(store_dir)),
      name_(std::move(name)),
      dir_(PathIn(store_dir_, name_)),
      data_(std::move(data)),
      virtual_size_(virtual_size),
      identity_(identity),
      points_(PathIn(dir_, kPointsDir), name_) {}

std::string LocalReplica::Path(const std::string& leaf) const { return PathIn(dir_, leaf); }

Status LocalReplica::Create(const std::string& store_dir, const std::string& name,
                            uint64_t virtual_size, const Metadata& metadata, TimePoint now,
                            const std::function<Status(File&)>& fill) {
  HVR_ASSIGN_OR_RETURN(const vhd::Footer footer,
                       vhd::MakeFixedFooter(virtual_size, Guid::Random(), now));
  const std::string temp = PathIn(store_dir, ".creating-" + name + "-" + Guid::Random().ToString());
  HVR_RETURN_IF_ERROR(MakeDirectory(temp));
  const auto build = [&]() -> Status {
    {
      HVR_ASSIGN_OR_RETURN(File data,
                           File::Open(PathIn(temp, kDataFile), File::Mode::kCreateExclusive));
      HVR_RETURN_IF_ERROR(data.Truncate(virtual_size + vhd::kFooterSize));
      HVR_RETURN_IF_ERROR(data.WriteAt(virtual_size, vhd::Encode(footer)));
      if (fill) HVR_RETURN_IF_ERROR(fill(data));
      HVR_RETURN_IF_ERROR(data.Sync());
    }
    HVR_RETURN_IF_ERROR(MakeDirectory(PathIn(temp, kPointsDir)));
    boost::json::object body;
    body["metadata"] = MetadataToJson(metadata);
    HVR_RETURN_IF_ERROR(WriteChecksummedJson(PathIn(temp, kMetadataFile), body));
    HVR_RETURN_IF_ERROR(SyncDirectory(temp));
    const std::string final_path = PathIn(store_dir, name);
    if (Status renamed = RenameNoReplace(temp, final_path); !renamed.ok()) {
      if (renamed.error().code() == Code::kConflict) {
        return Error(Code::kConflict, "disk '" + name + "' already exists");
      }
      return renamed;
    }
    return SyncDirectory(store_dir);
  };
  Status status = build();
  if (!status.ok()) RemoveTree(temp);
  return status;
}

Result<std::shared_ptr<LocalReplica>> LocalReplica::Open(const std::string& store_dir,
                                                         const std::string& name) {
  const std::string dir = PathIn(store_dir, name);
  auto data = File::Open(PathIn(dir, kDataFile), File::Mode::kReadWrite);
  if (!data.ok()) {
    if (data.error().code() == Code::kNotFound) {
      return Error(Code::kNotFound, "disk '" + name + "' does not exist");
    }
    return std::move(data).error();
  }
  std::error_code unreadable;
  if (std::filesystem::exists(PathFromUtf8(PathIn(dir, kGrowthFile)), unreadable)) {
    // A growth a crash cut short: finished before the footer is believed.
    HVR_ASSIGN_OR_RETURN(FileLock lock, FileLock::Acquire(LockPath(dir), FileLock::Mode::kExclusive));
    HVR_RETURN_IF_ERROR(FinishGrowth(*data, dir));
  }
  HVR_ASSIGN_OR_RETURN(const uint64_t size, data->Size());
  HVR_ASSIGN_OR_RETURN(const FileIdentity identity, data->Identity());
  const std::string where = data->path() + ": footer at offset " +
                            std::to_string(size >= vhd::kFooterSize ? size - vhd::kFooterSize : 0);
  if (size < vhd::kFooterSize + kDiskSizeUnit) {
    return Error(Code::kCorruptData, where + ": file of " + std::to_string(size) +
                                         " bytes is too small for a disk and its footer");
  }
  std::array<uint8_t, vhd::kFooterSize> bytes{};
  HVR_RETURN_IF_ERROR(data->ReadAt(size - vhd::kFooterSize, bytes));
  HVR_ASSIGN_OR_RETURN(const vhd::Footer footer, vhd::Decode(bytes, where));
  if (footer.disk_type != vhd::DiskType::kFixed || footer.current_size != size - vhd::kFooterSize) {
    return Error(Code::kCorruptData, where + ": Current Size expected " +
                                         std::to_string(size - vhd::kFooterSize) +
                                         " of a fixed disk, found " +
                                         std::to_string(footer.current_size));
  }
  return std::shared_ptr<LocalReplica>(new LocalReplica(store_dir, name, std::move(data).value(),
                                                        size - vhd::kFooterSize, identity));
}

bool LocalReplica::Stale() const {
  const auto identity = IdentityOfFile(Path(kDataFile));
  if (!identity.ok() || *identity != identity_) return true;
  // Grown by another store (another process) since: its size is no longer this one's.
  const auto length = data_.Size();
  return !length.ok() || *length != virtual_size_ + vhd::kFooterSize;
}

Status LocalReplica::CheckLease(const std::string& lease_id, TimePoint now) const {
  HVR_ASSIGN_OR_RETURN(const auto lease, ReadLease(Path(kLeaseFile)));
  return CheckWriteLease(lease, lease_id, now, name_);
}

Result<uint64_t> LocalReplica::SizeAt(const std::string& snapshot) {
  if (snapshot.empty()) return virtual_size_.load();
  std::lock_guard state(state_mu_);
  HVR_RETURN_IF_ERROR(points_.Load(virtual_size_));
  HVR_ASSIGN_OR_RETURN(const size_t index, points_.Find(snapshot));
  return points_[index].info.virtual_size;
}

Status LocalReplica::Grow(uint64_t virtual_size, const std::string& lease_id, TimePoint now) {
  // Alone: no read or write may see the size change under it.
  std::unique_lock rw(rw_);
  HVR_ASSIGN_OR_RETURN(FileLock lock, FileLock::Acquire(LockPath(dir_), FileLock::Mode::kExclusive));
  HVR_RETURN_IF_ERROR(CheckLease(lease_id, now));
  const uint64_t from = virtual_size_;
  HVR_RETURN_IF_ERROR(ValidateGrowth(name_, from, virtual_size));
  if (virtual_size == from) return Ok();
  {
    std::lock_guard state(state_mu_);
    HVR_RETURN_IF_ERROR(points_.Load(virtual_size_));
    HVR_RETURN_IF_ERROR(points_.RecordSizes());
  }
  // The record first: from here on, Open finishes what a crash cuts short.
  boost::json::object record;
  record["from"] = from;
  record["to"] = virtual_size;
  HVR_RETURN_IF_ERROR(WriteChecksummedJson(Path(kGrowthFile), record));
  HVR_RETURN_IF_ERROR(FinishGrowth(data_, dir_));
  virtual_size_ = virtual_size;
  return Ok();
}

Status LocalReplica::FinishGrowth(File& data, const std::string& dir) {
  const std::string record_path = PathIn(dir, kGrowthFile);
  auto read = ReadChecksummedJson(record_path);
  if (!read.ok() && read.error().code() == Code::kNotFound) return Ok();  // another store finished it
  HVR_ASSIGN_OR_RETURN(const auto record, std::move(read));
  const auto from_size = PositiveSizeIn(record.if_contains("from"));
  const auto to_size = PositiveSizeIn(record.if_contains("to"));
  if (!from_size || !to_size) {
    return Error(Code::kCorruptData, record_path + ": expected \"from\" and \"to\" (virtual sizes)");
  }
  const uint64_t from = *from_size;
  const uint64_t to = *to_size;
  if (to <= from) {
    return Error(Code::kCorruptData, record_path + ": \"to\" (" + std::to_string(to) +
                                         ") must exceed \"from\" (" + std::to_string(from) + ")");
  }
  // Each step repeats safely: the file reaches its new length (the new bytes read as
  // zeros), the old footer is copied to the new end with the new size, and only then is
  // the old one made zeros, which it must read as once it is inside the disk.
  HVR_ASSIGN_OR_RETURN(const uint64_t length, data.Size());
  if (length < to + vhd::kFooterSize) HVR_RETURN_IF_ERROR(data.Truncate(to + vhd::kFooterSize));
  std::array<uint8_t, vhd::kFooterSize> bytes{};
  HVR_RETURN_IF_ERROR(data.ReadAt(from, bytes));
  const std::string old_where = data.path() + ": footer at offset " + std::to_string(from);
  if (!IsAllZero(bytes)) {
    HVR_ASSIGN_OR_RETURN(const vhd::Footer old, vhd::Decode(bytes, old_where));
    HVR_ASSIGN_OR_RETURN(const vhd::Footer grown, vhd::GrowFixedFooter(old, to));
    HVR_RETURN_IF_ERROR(data.WriteAt(to, vhd::Encode(grown)));
    HVR_RETURN_IF_ERROR(data.Sync());
    HVR_RETURN_IF_ERROR(data.PunchHole(from, vhd::kFooterSize));
  }
  HVR_RETURN_IF_ERROR(data.Sync());
  HVR_RETURN_IF_ERROR(RemoveFile(record_path));
  return SyncDirectory(dir);
}

Result<std::vector<ByteRange>> LocalReplica::DataIn(uint64_t offset, uint64_t end) const {
  HVR_ASSIGN_OR_RETURN(const auto ranges, data_.DataRanges(offset, end));
  std::vector<ByteRange> out;
  out.reserve(ranges.size());
  for (const auto& [start, length] : ranges) out.push_back({start, length});
  return out;
}

Status LocalReplica::SaveUndo(const std::vector<ByteRange>& ranges) {
  std::lock_guard state(state_mu_);
  HVR_RETURN_IF_ERROR(points_.Load(virtual_size_));
  if (points_.empty()) return Ok();  // no recovery point to protect
  UndoLog& log = points_.newest().log;
  // Other processes writing this disk append to the same log: take turns.
  HVR_ASSIGN_OR_RETURN(const FileLock::Guard turn, FileLock::LockOpenFile(log.file(), FileLock::Mode::kExclusive));
  HVR_RETURN_IF_ERROR(log.Refresh());
  std::vector<ByteRange> missing;
  for (const auto& r : ranges) {
    for (const auto& m : log.Missing(r.offset, r.length)) missing.push_back(m);
  }
  if (missing.empty()) return Ok();
  // Holes were zeros: a zero record says so without copying anything. The file system is
  // asked about each range alone, which costs a call or two per range. Asking once for
  // the span of the ranges would walk every extent of the disk inside it, and that span
  // is most of the disk for scattered writes: the walk grows with every batch applied,
  // and took most of a 256 MiB cycle's undo work (docs/benchmarks.md).
  std::vector<uint8_t> buffer;
  for (const auto& range : missing) {
    HVR_ASSIGN_OR_RETURN(const auto data, DataIn(range.offset, range.end()));
    uint64_t pos = range.offset;
    for (const auto& d : data) {
      HVR_RETURN_IF_ERROR(log.AppendZeros(pos, d.offset - pos));
      for (uint64_t done = 0; done < d.length;) {
        const uint64_t n = std::min(kCopyPiece, d.length - done);
        buffer.resize(static_cast<size_t>(n));
        HVR_RETURN_IF_ERROR(data_.ReadAt(d.offset + done, buffer));
        if (IsAllZero(buffer)) {
          HVR_RETURN_IF_ERROR(log.AppendZeros(d.offset + done, n));
        } else {
          HVR_RETURN_IF_ERROR(log.Append(d.offset + done, buffer));
        }
        done += n;
      }
      pos = d.end();
    }
    HVR_RETURN_IF_ERROR(log.AppendZeros(pos, range.end() - pos));
  }
  return log.Sync();
}

Status LocalReplica::Write(uint64_t offset, std::span<const uint8_t> data, const std::string& lease_id,
                           TimePoint now) {
  HVR_RETURN_IF_ERROR(
      ValidatePageRange("write", name_, offset, data.size(), kMaxWriteSize, virtual_size_));
  // Holding a write touches neither the data file nor the logs, so it takes no lock
  // file; the lease is checked again, under the lock file, when the write is applied.
  HVR_RETURN_IF_ERROR(CheckLease(lease_id, now));
  for (;;) {
    {
      std::unique_lock pending(pending_mu_);
      if (!pending_.Overlaps(offset, data.size())) {
        pending_.Add(offset, data);
        if (pending_.bytes() < kMaxPendingBytes) return Ok();
        break;
      }
    }
    // A write over a held one goes after it, as it would on a disk.
    HVR_RETURN_IF_ERROR(DrainPending(lease_id, now));
  }
  return DrainPending(lease_id, now);
}

Status LocalReplica::ApplyPending(const std::string& lease_id, TimePoint now) {
  if (pending_.empty()) return Ok();
  // The lease may have been lost since the writes were taken.
  HVR_RETURN_IF_ERROR(CheckLease(lease_id, now));
  // The replaced content is durable in the undo log before any of it is overwritten.
  HVR_RETURN_IF_ERROR(SaveUndo(pending_.Ranges()));
  HVR_RETURN_IF_ERROR(pending_.ForEach(
      [&](uint64_t offset, std::span<const uint8_t> data) { return data_.WriteAt(offset, data); }));
  // Set after the writes: a sync that cleared it before them leaves it set for the next.
  data_unsynced_ = true;
  pending_.Clear();
  return Ok();
}

Status LocalReplica::DrainPending(const std::string& lease_id, TimePoint now) {
  {
    std::shared_lock pending(pending_mu_);
    if (pending_.empty()) return Ok();
  }
  std::shared_lock rw(rw_);
  HVR_ASSIGN_OR_RETURN(FileLock lock, FileLock::Acquire(LockPath(dir_), FileLock::Mode::kShared));
  std::unique_lock pending(pending_mu_);
  return ApplyPending(lease_id, now);
}

Status LocalReplica::SyncData() {
  // One sync at a time: a flush that finds the flag cleared by a sync still running
  // must wait for that sync, which covers its writes.
  std::lock_guard syncing(sync_mu_);
  if (!data_unsynced_.exchange(false)) return Ok();
  Status synced = data_.Sync();
  if (!synced.ok()) data_unsynced_ = true;
  return synced;
}

Status LocalReplica::Flush(const std::string& lease_id, TimePoint now) {
  HVR_RETURN_IF_ERROR(DrainPending(lease_id, now));
  return SyncData();
}

Status LocalReplica::Clear(uint64_t offset, uint64_t length, const std::string& lease_id,
                           TimePoint now) {
  HVR_RETURN_IF_ERROR(ValidatePageRange("clear", name_, offset, length, virtual_size_, virtual_size_));
  std::shared_lock rw(rw_);
  HVR_ASSIGN_OR_RETURN(FileLock lock, FileLock::Acquire(LockPath(dir_), FileLock::Mode::kShared));
  HVR_RETURN_IF_ERROR(CheckLease(lease_id, now));
  // Held writes in the range must not land after the clear.
  std::unique_lock pending(pending_mu_);
  HVR_RETURN_IF_ERROR(ApplyPending(lease_id, now));
  HVR_RETURN_IF_ERROR(SaveUndo({{offset, length}}));
  HVR_RETURN_IF_ERROR(data_.PunchHole(offset, length));
  data_unsynced_ = true;
  return Ok();
}

Status LocalReplica::ReadPoint(size_t index, uint64_t offset, std::span<uint8_t> out) {
  // The point's content: its own log, then each later log, then the disk.
  std::vector<ByteRange> remaining{{offset, out.size()}};
  for (size_t i = index; i < points_.size() && !remaining.empty(); ++i) {
    UndoLog& log = points_[i].log;
    HVR_RETURN_IF_ERROR(log.Refresh());
    RangeSet filled;
    for (const auto& r : remaining) {
      HVR_ASSIGN_OR_RETURN(auto pieces,
                           log.ReadHeld(r.offset, out.subspan(static_cast<size_t>(r.offset - offset),
                                                              static_cast<size_t>(r.length))));
      for (const auto& piece : pieces) filled.Add(piece.offset, piece.length);
    }
    remaining = SubtractRanges(remaining, filled.Ranges());
  }
  for (const auto& r : remaining) {
    HVR_RETURN_IF_ERROR(data_.ReadAt(
        r.offset, out.subspan(static_cast<size_t>(r.offset - offset), static_cast<size_t>(r.length))));
  }
  return Ok();
}

Status LocalReplica::Read(const std::string& snapshot, uint64_t offset, std::span<uint8_t> out) {
  if (snapshot.empty()) {
    HVR_RETURN_IF_ERROR(ValidateReadRange(name_, offset, out.size(), virtual_size_));
    std::shared_lock pending(pending_mu_);
    HVR_RETURN_IF_ERROR(data_.ReadAt(offset, out));
    pending_.Overlay(offset, out);
    return Ok();
  }
  // Held writes came after every point: a point reads the data file where its logs say
  // nothing, and that still holds what they will replace.
  // Writers must not move content between the disk and the logs while we look.
  std::unique_lock rw(rw_);
  HVR_ASSIGN_OR_RETURN(FileLock lock, FileLock::Acquire(LockPath(dir_), FileLock::Mode::kExclusive));
  std::lock_guard state(state_mu_);
  HVR_RETURN_IF_ERROR(points_.Load(virtual_size_));
  HVR_ASSIGN_OR_RETURN(const size_t index, points_.Find(snapshot));
  HVR_RETURN_IF_ERROR(ValidateReadRange(name_, offset, out.size(), points_[index].info.virtual_size));
  return ReadPoint(index, offset, out);
}

Result<std::vector<ByteRange>> LocalReplica::AllocatedRanges(const std::string& snapshot) {
  RangeSet ranges;
  uint64_t size = virtual_size_;
  {
    std::shared_lock pending(pending_mu_);
    HVR_ASSIGN_OR_RETURN(const auto data, DataIn(0, virtual_size_));
    for (const auto& r : data) ranges.Add(r);
    // Held writes are data of the disk as it is now; a point's content is in the data
    // file and the logs.
    if (snapshot.empty()) {
      for (const auto& r : pending_.Ranges()) ranges.Add(r);
    }
  }
  if (!snapshot.empty()) {
    std::unique_lock rw(rw_);
    HVR_ASSIGN_OR_RETURN(FileLock lock,
                         FileLock::Acquire(LockPath(dir_), FileLock::Mode::kExclusive));
    std::lock_guard state(state_mu_);
    HVR_RETURN_IF_ERROR(points_.Load(virtual_size_));
    HVR_ASSIGN_OR_RETURN(const size_t index, points_.Find(snapshot));
    size = points_[index].info.virtual_size;
    for (size_t i = index; i < points_.size(); ++i) {
      HVR_RETURN_IF_ERROR(points_[i].log.Refresh());
      for (const auto& piece : points_[i].log.Pieces()) {
        if (!piece.zero) ranges.Add(piece.offset, piece.length);
      }
    }
  }
  return ranges.Ranges(size);
}

Result<std::vector<ByteRange>> LocalReplica::ChangedRanges(const std::string& from,
                                                           const std::string& to) {
  std::unique_lock rw(rw_);
  HVR_ASSIGN_OR_RETURN(FileLock lock, FileLock::Acquire(LockPath(dir_), FileLock::Mode::kExclusive));
  std::shared_lock pending(pending_mu_);
  std::lock_guard state(state_mu_);
  HVR_RETURN_IF_ERROR(points_.Load(virtual_size_));
  HVR_ASSIGN_OR_RETURN(const size_t first, points_.Find(from));
  size_t last = points_.size();
  uint64_t size = virtual_size_;
  if (!to.empty()) {
    HVR_ASSIGN_OR_RETURN(last, points_.Find(to));
    size = points_[last].info.virtual_size;
    if (last < first) {
      return Error(Code::kInvalidArgument, "disk '" + name_ + "': recovery point '" + to +
                                               "' is older than '" + from + "'");
    }
  }
  // Everything written after point i was first saved in log i, or a later one; held
  // writes are newer than every point and have no undo record yet.
  RangeSet changed;
  if (to.empty()) {
    for (const auto& r : pending_.Ranges()) changed.Add(r);
  }
  for (size_t i = first; i < last; ++i) {
    HVR_RETURN_IF_ERROR(points_[i].log.Refresh());
    for (const auto& piece : points_[i].log.Pieces()) changed.Add(piece.offset, piece.length);
  }
  return changed.Ranges(size);
}

Result<RecoveryPoint> LocalReplica::CreateSnapshot(const SnapshotOptions& options,
                                                   const std::string& lease_id, TimePoint now) {
  HVR_RETURN_IF_ERROR(ValidateMetadata(options.metadata));
  std::unique_lock rw(rw_);
  HVR_ASSIGN_OR_RETURN(FileLock lock, FileLock::Acquire(LockPath(dir_), FileLock::Mode::kExclusive));
  if (!lease_id.empty()) HVR_RETURN_IF_ERROR(CheckLease(lease_id, now));
  {
    // The point holds every write that returned before it, durably.
    std::unique_lock pending(pending_mu_);
    HVR_RETURN_IF_ERROR(ApplyPending(lease_id, now));
  }
  HVR_RETURN_IF_ERROR(SyncData());
  std::lock_guard state(state_mu_);
  HVR_RETURN_IF_ERROR(points_.Load(virtual_size_));
  return points_.Create(options, virtual_size_, now);
}

Result<std::vector<RecoveryPoint>> LocalReplica::ListSnapshots() {
  std::lock_guard state(state_mu_);
  HVR_RETURN_IF_ERROR(points_.Load(virtual_size_));
  return points_.List();
}

Status LocalReplica::DeleteSnapshot(const std::string& id) {
  std::unique_lock rw(rw_);
  HVR_ASSIGN_OR_RETURN(FileLock lock, FileLock::Acquire(LockPath(dir_), FileLock::Mode::kExclusive));
  std::lock_guard state(state_mu_);
  HVR_RETURN_IF_ERROR(points_.Load(virtual_size_));
  return points_.Delete(id);
}

Result<std::string> LocalReplica::Etag() const {
  // What the kernel stamps on every change: the files' identities, and their change times
  // (ctime cannot be set back by anyone but the clock's owner). Metadata is replaced
  // atomically, so each change is a new file.
  HVR_ASSIGN_OR_RETURN(const File metadata, File::Open(Path(kMetadataFile), File::Mode::kRead));
  HVR_ASSIGN_OR_RETURN(const FileIdentity data_id, data_.Identity());
  HVR_ASSIGN_OR_RETURN(const uint64_t data_size, data_.Size());
  HVR_ASSIGN_OR_RETURN(const TimePoint data_modified, data_.ModifiedTime());
  HVR_ASSIGN_OR_RETURN(const TimePoint data_changed, data_.ChangeTime());
  HVR_ASSIGN_OR_RETURN(const FileIdentity metadata_id, metadata.Identity());
  HVR_ASSIGN_OR_RETURN(const TimePoint metadata_changed, metadata.ChangeTime());
  const auto ticks = [](TimePoint t) { return static_cast<uint64_t>(t.time_since_epoch().count()); };
  const uint64_t fields[] = {data_id.file,           data_size, ticks(data_modified), ticks(data_changed),
                             metadata_id.file, ticks(metadata_changed)};
  return Hex64(XXH3_64bits(fields, sizeof fields));
}

Result<DiskProperties> LocalReplica::Properties(const std::string& lease_id, TimePoint now) {
  HVR_RETURN_IF_ERROR(DrainPending(lease_id, now));
  DiskProperties props;
  props.name = name_;
  props.virtual_size = virtual_size_;
  HVR_ASSIGN_OR_RETURN(props.etag, Etag());
  HVR_ASSIGN_OR_RETURN(props.last_modified, data_.ModifiedTime());
  HVR_ASSIGN_OR_RETURN(const auto lease, ReadLease(Path(kLeaseFile)));
  props.lease_state = EffectiveLeaseState(lease, now);
  HVR_ASSIGN_OR_RETURN(props.metadata, GetMetadata());
  HVR_ASSIGN_OR_RETURN(const auto points, ListSnapshots());
  props.snapshot_count = points.size();
  return props;
}

Result<Metadata> LocalReplica::GetMetadata() {
  const std::string path = Path(kMetadataFile);
  HVR_ASSIGN_OR_RETURN(const auto body, ReadChecksummedJson(path));
  const auto* metadata = body.if_contains("metadata");
  if (!metadata) return Error(Code::kCorruptData, path + ": expected \"metadata\"");
  return MetadataFromJson(*metadata, path);
}

Status LocalReplica::SetMetadata(const Metadata& metadata, const std::string& lease_id,
                                 TimePoint now) {
  HVR_RETURN_IF_ERROR(ValidateMetadata(metadata));
  // Exclusive: the atomic replace goes through one temporary name.
  HVR_ASSIGN_OR_RETURN(FileLock lock, FileLock::Acquire(LockPath(dir_), FileLock::Mode::kExclusive));
  std::lock_guard state(state_mu_);
  HVR_RETURN_IF_ERROR(CheckLease(lease_id, now));
  boost::json::object body;
  body["metadata"] = MetadataToJson(metadata);
  return WriteChecksummedJson(Path(kMetadataFile), body);
}

Result<std::string> LocalReplica::AcquireLease(std::chrono::seconds duration, std::string proposed_id,
                                               TimePoint now) {
  HVR_RETURN_IF_ERROR(ValidateLeaseDuration(duration));
  HVR_ASSIGN_OR_RETURN(FileLock lock, FileLock::Acquire(LockPath(dir_), FileLock::Mode::kExclusive));
  HVR_ASSIGN_OR_RETURN(const auto lease, ReadLease(Path(kLeaseFile)));
  HVR_ASSIGN_OR_RETURN(const LeaseRecord record,
                       AcquireLeaseRecord(lease, duration, std::move(proposed_id), now, name_));
  HVR_RETURN_IF_ERROR(WriteLease(Path(kLeaseFile), record));
  return record.id;
}

Status LocalReplica::RenewLease(const std::string& lease_id, TimePoint now) {
  HVR_ASSIGN_OR_RETURN(FileLock lock, FileLock::Acquire(LockPath(dir_), FileLock::Mode::kExclusive));
  HVR_ASSIGN_OR_RETURN(const auto lease, ReadLease(Path(kLeaseFile)));
  HVR_ASSIGN_OR_RETURN(const LeaseRecord record, RenewLeaseRecord(lease, lease_id, now, name_));
  return WriteLease(Path(kLeaseFile), record);
}

Status LocalReplica::ReleaseLease(const std::string& lease_id) {
  HVR_ASSIGN_OR_RETURN(FileLock lock, FileLock::Acquire(LockPath(dir_), FileLock::Mode::kExclusive));
  HVR_ASSIGN_OR_RETURN(const auto lease, ReadLease(Path(kLeaseFile)));
  HVR_RETURN_IF_ERROR(CheckReleaseLease(lease, lease_id, name_));
  return RemoveLease(Path(kLeaseFile));
}

Status LocalReplica::BreakLease(std::chrono::seconds period, TimePoint now) {
  HVR_RETURN_IF_ERROR(ValidateBreakPeriod(period));
  HVR_ASSIGN_OR_RETURN(FileLock lock, FileLock::Acquire(LockPath(dir_), FileLock::Mode::kExclusive));
  HVR_ASSIGN_OR_RETURN(const auto lease, ReadLease(Path(kLeaseFile)));
  HVR_ASSIGN_OR_RETURN(const auto record, BreakLeaseRecord(lease, period, now, name_));
  if (!record) return RemoveLease(Path(kLeaseFile));
  return WriteLease(Path(kLeaseFile), *record);
}

Status LocalReplica::Delete(const std::string& lease_id, TimePoint now) {
  std::unique_lock rw(rw_);
  HVR_ASSIGN_OR_RETURN(FileLock lock, FileLock::Acquire(LockPath(dir_), FileLock::Mode::kExclusive));
  HVR_RETURN_IF_ERROR(CheckLease(lease_id, now));
  const std::string doomed = PathIn(store_dir_, ".deleted-" + name_ + "-" + Guid::Random().ToString());
  HVR_RETURN_IF_ERROR(RenameNoReplace(dir_, doomed));
  {
    std::unique_lock pending(pending_mu_);
    pending_.Clear();  // nothing left to write them to
  }
  HVR_RETURN_IF_ERROR(SyncDirectory(store_dir_));
  RemoveTree(doomed);
  return Ok();
}

}  // namespace hvr

#include "guest_workload.hpp"

#include <xxhash.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "hvr/disk_create.hpp"
#include "hvr/protection.hpp"
#include "util/checksummed_json.hpp"
#include "util/file.hpp"
#include "util/path.hpp"

namespace hvr::guest {
namespace {

std::string IdentityFile(const std::string& base) { return base + ".guest.json"; }

bool SameFile(const std::string& a, const std::string& b) {
  std::error_code ec;
  return std::filesystem::equivalent(PathFromUtf8(a), PathFromUtf8(b), ec);
}

std::string ChildPath(const std::string& base, uint64_t n) {
  const std::filesystem::path p = PathFromUtf8(base);
  return Utf8(p.parent_path() / PathFromUtf8(Utf8(p.stem()) + "-checkpoint" + std::to_string(n) + ".avhdx"));
}

}  // namespace

Result<ChunkHash> DigestOf(const DiskReader& disk) {
  XXH3_state_t* state = XXH3_createState();
  if (!state) return Error(Code::kLowMemory, "digest state");
  XXH3_128bits_reset(state);
  std::vector<uint8_t> buffer(1 << 20);
  const uint64_t size = disk.info().virtual_size;
  Status status;
  for (uint64_t offset = 0; offset < size && status.ok(); offset += buffer.size()) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(buffer.size(), size - offset));
    status = disk.Read(offset, std::span(buffer.data(), n));
    if (status.ok()) XXH3_128bits_update(state, buffer.data(), n);
  }
  const XXH128_hash_t h = XXH3_128bits_digest(state);
  XXH3_freeState(state);
  if (!status.ok()) return status.error();
  return ChunkHash{h.low64, h.high64};
}

Result<std::unique_ptr<GuestWorkload>> GuestWorkload::Start(GuestOptions options) {
  if (options.disks.empty()) return Error(Code::kInvalidArgument, "the guest needs a disk");
  if (options.block_size == 0 || options.block_size % 512 != 0) {
    return Error(Code::kInvalidArgument, "the guest's block size must be a multiple of 512");
  }
  std::unique_ptr<GuestWorkload> guest(new GuestWorkload(std::move(options)));
  // The logs go where a session looks for them by default.
  ProtectionSettings names;
  names.vm_name = "guest";
  for (const std::string& path : guest->options_.disks) names.disks.push_back(DiskSpec{path, {}, {}, {}});
  names = WithDefaults(names);
  for (const DiskSpec& spec : names.disks) {
    Disk disk;
    disk.base = spec.path;
    disk.log_folder = spec.log_folder;
    disk.log_name = spec.log_name;
    guest->disks_.push_back(std::move(disk));
  }
  std::lock_guard lock(guest->mu_);
  HVR_RETURN_IF_ERROR(guest->Boot());
  // Writes land at random whole blocks of each disk, so each disk holds at least one.
  for (const Disk& disk : guest->disks_) {
    const uint64_t size = disk.writer->info().virtual_size;
    if (size < guest->options_.block_size) {
      return Error(Code::kInvalidArgument, disk.base + ": the guest's block of " +
                                               std::to_string(guest->options_.block_size) +
                                               " bytes is larger than the disk's " + std::to_string(size) +
                                               " bytes: the block must be 512 bytes to the disk's size");
    }
  }
  return guest;
}

GuestWorkload::~GuestWorkload() {
  StopWriting();
  std::lock_guard lock(mu_);
  (void)Halt();
}

Status GuestWorkload::SaveIdentity(const Disk& disk) const {
  HVR_ASSIGN_OR_RETURN(auto image, OpenDisk(disk.base));
  return WriteChecksummedJson(IdentityFile(disk.base),
                              boost::json::object{{"tracked", disk.identity.ToString()},
                                                  {"header", image->info().data_write_guid.ToString()},
                                                  {"child", disk.child}});
}

Status GuestWorkload::Boot() {
  if (running_) return Ok();
  for (Disk& disk : disks_) {
    HVR_ASSIGN_OR_RETURN(auto image, OpenDisk(disk.base));
    const Guid header = image->info().data_write_guid;
    image.reset();
    // The identity stays what it was while only this guest wrote the disk; anyone else's
    // write changed the header, and the logs then tell the session so.
    disk.identity = header.IsZero() ? Guid::Random() : header;
    if (auto saved = ReadChecksummedJson(IdentityFile(disk.base)); saved.ok()) {
      const auto* tracked = saved->if_contains("tracked");
      const auto* left = saved->if_contains("header");
      const auto* child = saved->if_contains("child");
      if (tracked && left && tracked->is_string() && left->is_string() &&
          left->get_string() == header.ToString()) {
        if (auto g = Guid::Parse(std::string(tracked->get_string())); g.ok()) disk.identity = *g;
      }
      // A checkpoint the guest left active goes on: the differencing disk is the live one.
      if (child && child->is_string()) disk.child = std::string(child->get_string());
    }
    const std::string live = !disk.child.empty() ? disk.child : disk.base;
    WriteOptions write;
    write.data_write_guid = disk.identity;
    HVR_ASSIGN_OR_RETURN(disk.writer, OpenDiskForWrite(live, write));
    HVR_RETURN_IF_ERROR(StartTracking(disk));
  }
  running_ = true;
  return Ok();
}

Status GuestWorkload::StartTracking(Disk& disk) {
  ChangeTrackerOptions tracking;
  tracking.log_name = disk.log_name;
  tracking.clock = options_.clock;
  HVR_ASSIGN_OR_RETURN(disk.tracker,
                       ChangeTracker::Open(disk.log_folder, TrackedDisk{disk.writer->info().virtual_size, disk.identity},
                                           tracking));
  return Ok();
}

Status GuestWorkload::Halt() {
  if (!running_) return Ok();
  Status first;
  for (Disk& disk : disks_) {
    Status closed = disk.writer->Close();
    if (closed.ok() && disk.tracker) closed = disk.tracker->Close();
    disk.writer.reset();
    disk.tracker.reset();
    if (closed.ok()) closed = SaveIdentity(disk);
    if (!closed.ok() && first.ok()) first = closed;
  }
  running_ = false;
  return first;
}

Status GuestWorkload::WriteLocked(size_t index, uint64_t offset, std::span<const uint8_t> data) {
  if (!running_) return Error(Code::kInvalidReplicaState, "the guest is shut down");
  Disk& disk = disks_.at(index);
  // The write reaches the disk, then the log: a crash between leaves an unclosed log,
  // which the session answers with a resync.
  HVR_RETURN_IF_ERROR(disk.writer->Write(offset, data));
  if (disk.tracker) HVR_RETURN_IF_ERROR(disk.tracker->Record(offset, data));
  ++writes_;
  return Ok();
}

Status GuestWorkload::WriteAt(size_t disk, uint64_t offset, std::span<const uint8_t> data) {
  std::lock_guard lock(mu_);
  return WriteLocked(disk, offset, data);
}

Status GuestWorkload::Write(size_t count) {
  std::lock_guard lock(mu_);
  std::vector<uint8_t> block(options_.block_size);
  for (size_t n = 0; n < count; ++n) {
    const size_t index = static_cast<size_t>(random_() % disks_.size());
    if (!running_) return Error(Code::kInvalidReplicaState, "the guest is shut down");
    const uint64_t blocks = disks_[index].writer->info().virtual_size / options_.block_size;
    const uint64_t offset = (random_() % blocks) * options_.block_size;
    for (size_t i = 0; i < block.size(); i += 8) {
      const uint64_t word = random_();
      std::memcpy(block.data() + i, &word, std::min<size_t>(8, block.size() - i));
    }
    HVR_RETURN_IF_ERROR(WriteLocked(index, offset, block));
  }
  return Ok();
}

Status GuestWorkload::Fill(uint64_t length) {
  std::lock_guard lock(mu_);
  std::vector<uint8_t> piece(1 << 20);
  for (size_t index = 0; index < disks_.size(); ++index) {
    if (!running_) return Error(Code::kInvalidReplicaState, "the guest is shut down");
    const uint64_t end = std::min(length, disks_[index].writer->info().virtual_size);
    for (uint64_t offset = 0; offset < end; offset += piece.size()) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(piece.size(), end - offset));
      for (size_t i = 0; i < n; i += 8) {
        const uint64_t word = random_();
        std::memcpy(piece.data() + i, &word, std::min<size_t>(8, n - i));
      }
      HVR_RETURN_IF_ERROR(WriteLocked(index, offset, std::span(piece.data(), n)));
    }
  }
  return Ok();
}

void GuestWorkload::StartWriting() {
  if (options_.writes_per_second <= 0) return;  // it writes only when asked
  if (writing_.exchange(true)) return;
  writer_ = std::thread([this] { WriterLoop(); });
}

void GuestWorkload::StopWriting() {
  if (!writing_.exchange(false)) return;
  writer_.join();
}

void GuestWorkload::WriterLoop() {
  using Clock = std::chrono::steady_clock;
  const auto period = std::chrono::duration<double>(1.0 / std::max(1.0, options_.writes_per_second));
  auto next = Clock::now();
  while (writing_) {
    // A host action in progress holds the lock: writes wait, as a paused VM's do.
    if (!Write(1).ok()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    next += std::chrono::duration_cast<Clock::duration>(period);
    std::this_thread::sleep_until(next);
  }
}

Result<ChunkHash> GuestWorkload::Digest(size_t disk) const {
  std::lock_guard lock(mu_);
  const Disk& d = disks_.at(disk);
  if (d.writer) return DigestOf(*d.writer);
  HVR_ASSIGN_OR_RETURN(auto image, OpenDisk(d.child.empty() ? d.base : d.child));
  return DigestOf(*image);
}

bool GuestWorkload::running() const {
  std::lock_guard lock(mu_);
  return running_;
}

std::optional<ChunkHash> GuestWorkload::Truth(const Guid& log_id) const {
  std::lock_guard lock(mu_);
  auto it = truth_.find(log_id.ToString());
  if (it == truth_.end()) return std::nullopt;
  return it->second;
}

Status GuestWorkload::RecordTruth(const std::string& key, size_t disk) {
  if (!options_.record_truth) return Ok();
  HVR_ASSIGN_OR_RETURN(const ChunkHash digest, DigestOf(*disks_[disk].writer));
  truth_[key] = digest;
  if (options_.truth_dir.empty()) return Ok();
  return WriteFileAtomically(PathIn(options_.truth_dir, key + ".digest"), digest.ToString() + "\n");
}

Result<std::vector<FrozenDisk>> GuestWorkload::CreateCheckpoint(const HostVm& vm) {
  std::lock_guard lock(mu_);
  // The views of the disks the session protects, in its order (none named: all of them).
  const auto views = [&]() -> Result<std::vector<FrozenDisk>> {
    std::vector<FrozenDisk> frozen;
    if (vm.disks.empty()) {
      for (const Disk& disk : disks_) frozen.push_back(FrozenDisk{disk.base, disk.identity});
      return frozen;
    }
    for (const std::string& path : vm.disks) {
      const auto it = std::find_if(disks_.begin(), disks_.end(), [&](const Disk& d) { return SameFile(path, d.base); });
      if (it == disks_.end()) return Error(Code::kNotFound, "the guest has no disk " + path);
      frozen.push_back(FrozenDisk{it->base, it->identity});
    }
    return frozen;
  };
  // Asked again (the asker crashed before recording the answer): the same checkpoint.
  if (!disks_.front().child.empty()) return views();
  if (!running_) return Error(Code::kInvalidReplicaState, "the guest is shut down");
  HVR_RETURN_IF_ERROR(views());  // a disk it does not have: no checkpoint
  ++checkpoints_;
  // Like Hyper-V's, the checkpoint covers every disk of the VM.
  for (Disk& disk : disks_) {
    // What Hyper-V does: close the disk, put a differencing disk over it, go on there.
    HVR_RETURN_IF_ERROR(disk.writer->Close());
    disk.writer.reset();
    std::string child = ChildPath(disk.base, checkpoints_);
    while (std::filesystem::exists(PathFromUtf8(child))) child = ChildPath(disk.base, ++checkpoints_);
    HVR_RETURN_IF_ERROR(CreateDifferencingVhdx(child, disk.base));
    WriteOptions write;
    write.data_write_guid = disk.identity;
    HVR_ASSIGN_OR_RETURN(disk.writer, OpenDiskForWrite(child, write));
    disk.child = child;
    HVR_RETURN_IF_ERROR(SaveIdentity(disk));
  }
  // A disk whose tracking stopped (removed from protection) and that is named again (added
  // again) is tracked from the checkpoint on, as HostActions promises of every disk named.
  for (Disk& disk : disks_) {
    const bool named = std::any_of(vm.disks.begin(), vm.disks.end(),
                                   [&](const std::string& path) { return SameFile(path, disk.base); });
    if (!disk.tracker && (named || vm.disks.empty())) HVR_RETURN_IF_ERROR(StartTracking(disk));
  }
  return views();
}

Status GuestWorkload::MergeCheckpoint(const HostVm&) {
  std::lock_guard lock(mu_);
  for (Disk& disk : disks_) {
    if (disk.child.empty()) continue;
    if (disk.writer) {
      HVR_RETURN_IF_ERROR(disk.writer->Close());
      disk.writer.reset();
    }
    if (auto merged = MergeDifferencingDisk(disk.child); !merged.ok()) return std::move(merged).error();
    disk.child.clear();
    if (running_) {
      WriteOptions write;
      write.data_write_guid = disk.identity;
      HVR_ASSIGN_OR_RETURN(disk.writer, OpenDiskForWrite(disk.base, write));
    }
    HVR_RETURN_IF_ERROR(SaveIdentity(disk));
  }
  return Ok();
}

Result<RotateResult> GuestWorkload::RotateLogs(const HostVm&, bool quiesce) {
  std::lock_guard lock(mu_);
  // A VM that is off writes nothing: its trackers closed their logs when it stopped.
  if (!running_) return RotateResult{};
  for (size_t i = 0; i < disks_.size(); ++i) {
    Disk& disk = disks_[i];
    if (!disk.tracker) continue;  // no longer tracked: protection was removed
    // Quiescing makes the guest's writes durable before the log closes; a crash-
    // consistent rotation needs the same here, since the digest reads the disk.
    HVR_RETURN_IF_ERROR(disk.writer->Flush());
    HVR_ASSIGN_OR_RETURN(const std::string closed, disk.tracker->Rotate());
    HVR_ASSIGN_OR_RETURN(const HrlHeader header, ReadHrlHeader(closed));
    HVR_RETURN_IF_ERROR(RecordTruth(header.unique_id.ToString(), i));
  }
  return RotateResult{quiesce};
}

Status GuestWorkload::ShutdownVm(const HostVm&) {
  std::lock_guard lock(mu_);
  // The trackers close their logs; the session ships them in its last cycle.
  for (size_t i = 0; i < disks_.size() && running_; ++i) {
    if (!disks_[i].tracker) continue;
    HVR_RETURN_IF_ERROR(disks_[i].writer->Flush());
    const std::string current = disks_[i].tracker->current_log();
    HVR_ASSIGN_OR_RETURN(const HrlHeader header, ReadHrlHeader(current));
    HVR_RETURN_IF_ERROR(RecordTruth(header.unique_id.ToString(), i));
  }
  return Halt();
}

Status GuestWorkload::StartVm(const HostVm&) {
  std::lock_guard lock(mu_);
  return Boot();
}

Result<bool> GuestWorkload::VmRunning(const HostVm&) { return running(); }

Status GuestWorkload::StopTracking(const HostVm& vm) {
  std::lock_guard lock(mu_);
  // No disk named (hvr-guest ctl stop-tracking): all of them.
  const auto named = [&](const Disk& disk) {
    return vm.disks.empty() ||
           std::any_of(vm.disks.begin(), vm.disks.end(), [&](const std::string& path) { return SameFile(path, disk.base); });
  };
  for (Disk& disk : disks_) {
    if (!disk.tracker || !named(disk)) continue;
    HVR_RETURN_IF_ERROR(disk.writer->Flush());
    HVR_RETURN_IF_ERROR(disk.tracker->Close());
    disk.tracker.reset();
  }
  return Ok();
}

bool GuestWorkload::tracking() const {
  std::lock_guard lock(mu_);
  return std::any_of(disks_.begin(), disks_.end(), [](const Disk& d) { return d.tracker != nullptr; });
}

}  // namespace hvr::guest

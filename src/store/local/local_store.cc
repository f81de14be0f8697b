#include "store/local/local_store.hpp"

#include <boost/asio/post.hpp>
#include <filesystem>
#include <system_error>
#include <thread>

#include "store/validation.hpp"
#include "util/catch_all.hpp"
#include "util/file.hpp"
#include "util/path.hpp"
#include "util/range_set.hpp"
#include "util/zero.hpp"

namespace hvr {
namespace {

// Copies move through buffers of this size; only non-zero pieces of this size are written.
constexpr uint64_t kCopyChunk = uint64_t{4} << 20;
constexpr size_t kSparsePiece = 64 * 1024;

}  // namespace

LocalStore::LocalStore(std::string dir, const StoreOptions& options,
                       boost::asio::any_io_executor executor)
    : dir_(std::move(dir)),
      description_("local:" + dir_),
      clock_(options.clock ? options.clock : &SystemClock::Instance()),
      threads_(options.max_in_flight),
      bandwidth_(options.bandwidth),
      executor_(std::move(executor)),
      pool_(static_cast<size_t>(threads_)) {}

LocalStore::~LocalStore() {
  pool_.join();
  // Writes nobody flushed reach the disks now; a failure here has no one to tell, which
  // is why callers flush before they rely on a write (store.hpp).
  for (const auto& [name, disk] : disks_) {
    if (!disk->Stale()) (void)disk->Flush(leases_.Get(name), Now());
  }
}

Result<std::unique_ptr<LocalStore>> LocalStore::Open(const std::string& dir,
                                                     const StoreOptions& options,
                                                     boost::asio::any_io_executor executor) {
  if (dir.empty()) return Error(Code::kInvalidArgument, "local store: empty folder path");
  HVR_RETURN_IF_ERROR(options.Validate());
  std::error_code ec;
  const std::filesystem::path absolute = std::filesystem::absolute(PathFromUtf8(dir), ec);
  if (ec) return Error(Code::kInvalidArgument, "local store " + dir + ": " + ec.message());
  std::filesystem::create_directories(absolute, ec);
  if (ec) return SystemError(ec, "create store folder " + Utf8(absolute));
  if (!std::filesystem::is_directory(absolute, ec)) {
    return Error(Code::kInvalidArgument, "local store " + Utf8(absolute) + " is not a folder");
  }
  // Folders of disks whose deletion was interrupted: already gone from the store's view.
  for (const auto& entry : std::filesystem::directory_iterator(absolute, ec)) {
    if (entry.path().filename().string().rfind(".deleted-", 0) == 0) {
      RemoveTree(Utf8(entry.path()));
    }
  }
  return std::unique_ptr<LocalStore>(
      new LocalStore(Utf8(absolute.lexically_normal()), options, std::move(executor)));
}

template <typename T, typename Work>
void LocalStore::Run(Handler<T> handler, Work work) {
  boost::asio::post(pool_, [this, handler = std::move(handler), work = std::move(work)]() mutable {
    Result<T> result = CatchAll<T>("local store", work);
    operations_.fetch_add(1, std::memory_order_relaxed);
    if (!result.ok()) {
      failures_.fetch_add(1, std::memory_order_relaxed);
      result = result.error().WithContext(description_);
    }
    Complete<T>(std::move(handler), std::move(result));
  });
}

StoreStatistics LocalStore::statistics() const {
  StoreStatistics stats;
  stats.requests = operations_.load(std::memory_order_relaxed);
  stats.failed_requests = failures_.load(std::memory_order_relaxed);
  stats.in_flight_limit = stats.max_in_flight = threads_;
  return stats;
}

Result<std::shared_ptr<LocalReplica>> LocalStore::Disk(const std::string& name) {
  HVR_RETURN_IF_ERROR(ValidateDiskName(name));
  {
    std::lock_guard lock(mu_);
    auto it = disks_.find(name);
    if (it != disks_.end() && !it->second->Stale()) return it->second;
  }
  HVR_ASSIGN_OR_RETURN(auto disk, LocalReplica::Open(dir_, name));
  std::lock_guard lock(mu_);
  // Another operation may have opened the disk meanwhile: its object may already hold
  // writes (they wait for a flush in the object), so it stays the disk's one object.
  auto [it, inserted] = disks_.try_emplace(name, disk);
  if (!inserted && it->second->Stale()) it->second = disk;
  return it->second;
}

void LocalStore::Forget(const std::string& name) {
  {
    std::lock_guard lock(mu_);
    disks_.erase(name);
  }
  leases_.Forget(name);
}

void LocalStore::DoCreateDisk(std::string name, uint64_t virtual_size, Metadata metadata,
                              Handler<void> handler) {
  Run<void>(std::move(handler), [=, this]() -> Status {
    HVR_RETURN_IF_ERROR(ValidateDiskName(name));
    HVR_RETURN_IF_ERROR(ValidateVirtualSize(virtual_size));
    HVR_RETURN_IF_ERROR(ValidateMetadata(metadata));
    return LocalReplica::Create(dir_, name, virtual_size, metadata, Now(), nullptr);
  });
}

void LocalStore::DoGrowDisk(std::string name, uint64_t virtual_size, Handler<void> handler) {
  Run<void>(std::move(handler), [=, this]() -> Status {
    HVR_ASSIGN_OR_RETURN(auto disk, Disk(name));
    return disk->Grow(virtual_size, leases_.Get(name), Now());
  });
}

void LocalStore::DoWritePages(std::string name, uint64_t offset, std::span<const uint8_t> data,
                              Handler<void> handler) {
  Run<void>(std::move(handler), [=, this]() -> Status {
    HVR_ASSIGN_OR_RETURN(auto disk, Disk(name));
    // The limit holds for a folder as for Azure (a folder may be a share across the
    // network): a file write hands its bytes over at once, so it waits on its I/O thread
    // until they would have left at the limit's rate.
    if (bandwidth_) std::this_thread::sleep_for(bandwidth_->ReserveUntilSent(data.size()));
    return disk->Write(offset, data, leases_.Get(name), Now());
  });
}

void LocalStore::DoClearPages(std::string name, uint64_t offset, uint64_t length,
                              Handler<void> handler) {
  Run<void>(std::move(handler), [=, this]() -> Status {
    HVR_ASSIGN_OR_RETURN(auto disk, Disk(name));
    return disk->Clear(offset, length, leases_.Get(name), Now());
  });
}

void LocalStore::DoFlush(std::string name, Handler<void> handler) {
  Run<void>(std::move(handler), [=, this]() -> Status {
    HVR_ASSIGN_OR_RETURN(auto disk, Disk(name));
    return disk->Flush(leases_.Get(name), Now());
  });
}

void LocalStore::DoRead(std::string name, std::string snapshot, uint64_t offset,
                        std::span<uint8_t> out, Handler<void> handler) {
  Run<void>(std::move(handler), [=, this]() -> Status {
    HVR_ASSIGN_OR_RETURN(auto disk, Disk(name));
    return disk->Read(snapshot, offset, out);
  });
}

void LocalStore::DoAllocatedRanges(std::string name, std::string snapshot,
                                   Handler<std::vector<ByteRange>> handler) {
  Run<std::vector<ByteRange>>(std::move(handler),
                              [=, this]() -> Result<std::vector<ByteRange>> {
                                HVR_ASSIGN_OR_RETURN(auto disk, Disk(name));
                                return disk->AllocatedRanges(snapshot);
                              });
}

void LocalStore::DoChangedRanges(std::string name, std::string from, std::string to,
                                 Handler<std::vector<ByteRange>> handler) {
  Run<std::vector<ByteRange>>(std::move(handler),
                              [=, this]() -> Result<std::vector<ByteRange>> {
                                HVR_ASSIGN_OR_RETURN(auto disk, Disk(name));
                                return disk->ChangedRanges(from, to);
                              });
}

void LocalStore::DoCreateSnapshot(std::string name, SnapshotOptions options,
                                  Handler<RecoveryPoint> handler) {
  Run<RecoveryPoint>(std::move(handler), [=, this]() -> Result<RecoveryPoint> {
    HVR_ASSIGN_OR_RETURN(auto disk, Disk(name));
    return disk->CreateSnapshot(options, leases_.Get(name), Now());
  });
}

void LocalStore::DoListSnapshots(std::string name, Handler<std::vector<RecoveryPoint>> handler) {
  Run<std::vector<RecoveryPoint>>(std::move(handler),
                                  [=, this]() -> Result<std::vector<RecoveryPoint>> {
                                    HVR_ASSIGN_OR_RETURN(auto disk, Disk(name));
                                    return disk->ListSnapshots();
                                  });
}

void LocalStore::DoDeleteSnapshot(std::string name, std::string snapshot, Handler<void> handler) {
  Run<void>(std::move(handler), [=, this]() -> Status {
    HVR_ASSIGN_OR_RETURN(auto disk, Disk(name));
    return disk->DeleteSnapshot(snapshot);
  });
}

Status LocalStore::CopySnapshot(const std::string& name, const std::string& snapshot,
                                const std::string& target, const Metadata& metadata) {
  HVR_RETURN_IF_ERROR(ValidateDiskName(target));
  HVR_RETURN_IF_ERROR(ValidateMetadata(metadata));
  HVR_ASSIGN_OR_RETURN(auto source, Disk(name));
  HVR_ASSIGN_OR_RETURN(const auto ranges, source->AllocatedRanges(snapshot));
  // Sparse: only allocated, non-zero pieces are written to the new disk.
  const auto fill = [&](File& out) -> Status {
    std::vector<uint8_t> buffer;
    for (const auto& range : ranges) {
      for (uint64_t done = 0; done < range.length;) {
        const uint64_t n = std::min(kCopyChunk, range.length - done);
        buffer.resize(static_cast<size_t>(n));
        HVR_RETURN_IF_ERROR(source->Read(snapshot, range.offset + done, buffer));
        for (size_t p = 0; p < buffer.size(); p += kSparsePiece) {
          const auto piece = std::span<const uint8_t>(buffer).subspan(
              p, std::min(kSparsePiece, buffer.size() - p));
          if (!IsAllZero(piece)) HVR_RETURN_IF_ERROR(out.WriteAt(range.offset + done + p, piece));
        }
        done += n;
      }
    }
    return Ok();
  };
  HVR_ASSIGN_OR_RETURN(const uint64_t size, source->SizeAt(snapshot));
  return LocalReplica::Create(dir_, target, size, metadata, Now(), fill);
}

void LocalStore::DoCopySnapshot(std::string name, std::string snapshot, std::string target,
                                Metadata metadata, Handler<void> handler) {
  Run<void>(std::move(handler), [=, this]() -> Status {
    if (snapshot.empty()) {
      return Error(Code::kInvalidArgument, "copy of disk '" + name + "': no recovery point given");
    }
    return CopySnapshot(name, snapshot, target, metadata);
  });
}

void LocalStore::DoDeleteDisk(std::string name, Handler<void> handler) {
  Run<void>(std::move(handler), [=, this]() -> Status {
    HVR_ASSIGN_OR_RETURN(auto disk, Disk(name));
    HVR_RETURN_IF_ERROR(disk->Delete(leases_.Get(name), Now()));
    Forget(name);
    return Ok();
  });
}

void LocalStore::DoGetDisk(std::string name, Handler<DiskProperties> handler) {
  Run<DiskProperties>(std::move(handler), [=, this]() -> Result<DiskProperties> {
    HVR_ASSIGN_OR_RETURN(auto disk, Disk(name));
    return disk->Properties(leases_.Get(name), Now());
  });
}

Result<std::vector<DiskProperties>> LocalStore::ListDisks() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(PathFromUtf8(dir_), ec)) {
    const std::string name = Utf8(entry.path().filename());
    if (name.empty() || name[0] == '.' || !ValidateDiskName(name).ok()) continue;
    if (!std::filesystem::exists(entry.path() / "disk.vhd")) continue;
    names.push_back(name);
  }
  if (ec) return SystemError(ec, "list " + dir_);
  std::sort(names.begin(), names.end());
  std::vector<DiskProperties> out;
  for (const auto& name : names) {
    auto disk = Disk(name);
    if (!disk.ok() && disk.error().code() == Code::kNotFound) continue;  // deleted meanwhile
    if (!disk.ok()) return std::move(disk).error();
    HVR_ASSIGN_OR_RETURN(auto props, (*disk)->Properties(leases_.Get(name), Now()));
    out.push_back(std::move(props));
  }
  return out;
}

void LocalStore::DoListDisks(Handler<std::vector<DiskProperties>> handler) {
  Run<std::vector<DiskProperties>>(std::move(handler), [this] { return ListDisks(); });
}

void LocalStore::DoSetMetadata(std::string name, Metadata metadata, Handler<void> handler) {
  Run<void>(std::move(handler), [=, this]() -> Status {
    HVR_ASSIGN_OR_RETURN(auto disk, Disk(name));
    return disk->SetMetadata(metadata, leases_.Get(name), Now());
  });
}

void LocalStore::DoGetMetadata(std::string name, Handler<Metadata> handler) {
  Run<Metadata>(std::move(handler), [=, this]() -> Result<Metadata> {
    HVR_ASSIGN_OR_RETURN(auto disk, Disk(name));
    return disk->GetMetadata();
  });
}

void LocalStore::DoAcquireLease(std::string name, std::chrono::seconds duration,
                                std::string proposed_id, Handler<std::string> handler) {
  Run<std::string>(std::move(handler), [=, this]() -> Result<std::string> {
    HVR_ASSIGN_OR_RETURN(auto disk, Disk(name));
    HVR_ASSIGN_OR_RETURN(std::string id, disk->AcquireLease(duration, proposed_id, Now()));
    leases_.Set(name, id);
    return id;
  });
}

void LocalStore::DoRenewLease(std::string name, Handler<void> handler) {
  Run<void>(std::move(handler), [=, this]() -> Status {
    HVR_ASSIGN_OR_RETURN(auto disk, Disk(name));
    HVR_ASSIGN_OR_RETURN(const std::string id, leases_.Require(name, "renew"));
    return disk->RenewLease(id, Now());
  });
}

void LocalStore::DoReleaseLease(std::string name, Handler<void> handler) {
  Run<void>(std::move(handler), [=, this]() -> Status {
    HVR_ASSIGN_OR_RETURN(auto disk, Disk(name));
    HVR_ASSIGN_OR_RETURN(const std::string id, leases_.Require(name, "release"));
    HVR_RETURN_IF_ERROR(disk->ReleaseLease(id));
    leases_.Forget(name);
    return Ok();
  });
}

void LocalStore::DoBreakLease(std::string name, std::chrono::seconds break_period,
                              Handler<void> handler) {
  Run<void>(std::move(handler), [=, this]() -> Status {
    HVR_ASSIGN_OR_RETURN(auto disk, Disk(name));
    return disk->BreakLease(break_period, Now());
  });
}

}  // namespace hvr

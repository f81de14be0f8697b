// Replica stores: where the replica of each protected disk lives. One interface, two
// implementations: Azure page blobs (src/store/azure/) and a local directory
// (src/store/local/, the embedded default).
//
// Every replica disk is an Azure-ready fixed VHD: the virtual content followed by a
// 512-byte fixed-VHD footer; its virtual size is a whole number of MiB. The content
// operations address the virtual disk (offset 0 is the first byte of the disk); the
// footer is the store's business and cannot be written through this interface.
//
// Operations are asynchronous on the executor the store was opened with and complete
// with one hvr::Result (hvr::Status when there is no value). Any Asio completion token
// works:
//
//   store.AsyncWritePages("disk0", offset, data, [](hvr::Status s) { ... });
//   hvr::Status s = co_await store.AsyncWritePages("disk0", offset, data, asio::use_awaitable);
//   auto future = store.AsyncWritePages("disk0", offset, data, asio::use_future);
//
// Buffers passed as std::span must stay valid until the operation completes. Operations
// never throw. Each request an Azure store makes is retried inside the store on the
// failures the service documents as transient (StoreOptions::retry), in ways that are safe
// when an earlier try was executed after all: an operation fails only when a request
// exhausts its retries, and then the session's retry policy decides (docs/retry-policy.md).
//
// Thread safety: a ReplicaStore may be used from many threads at once, and any number of
// operations may be outstanding; the store bounds what is in flight (StoreOptions). Two
// overlapping writes outstanding at the same time leave either one's data, as on a disk.
// Destroy a store only after its operations have completed.
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "hvr/byte_range.hpp"
#include "hvr/clock.hpp"
#include "hvr/error.hpp"
#include "hvr/store_options.hpp"

namespace hvr {

// Pages are the unit of page blobs: writes and clears are 512-byte aligned.
inline constexpr uint64_t kPageSize = 512;
// The most one write may carry (Azure's Put Page limit).
inline constexpr uint64_t kMaxWriteSize = uint64_t{4} << 20;
// Virtual sizes are whole MiB, as Azure requires of a fixed VHD.
inline constexpr uint64_t kDiskSizeUnit = uint64_t{1} << 20;

// Small key/value pairs kept with a disk or a recovery point. Keys are identifiers
// (a letter or '_' first, then letters, digits, '_'; at most 64 characters) compared
// without regard to case; values are printable ASCII. All pairs together stay under
// 8 KiB. Keys starting with "hvr" are reserved for the stores themselves.
using Metadata = std::map<std::string, std::string>;

enum class LeaseState {
  kAvailable,  // nobody holds a lease
  kLeased,     // someone holds one (maybe this store)
  kBreaking,   // a break was asked for; it ends when the break period does
  kBroken,     // broken; anyone may acquire
  kExpired,    // ran out without renewal; anyone may acquire
};
const char* LeaseStateName(LeaseState state);  // "available", "leased", ...

// Lease durations: 15 to 60 seconds, or infinite.
inline constexpr std::chrono::seconds kInfiniteLease{-1};

struct DiskProperties {
  std::string name;
  // Changes whenever the disk's content or metadata does, whoever writes them; recovery
  // points and leases leave it as it is. Opaque: compare it for equality only (Azure: the
  // blob's ETag without its quotes; local store: docs/local-store.md).
  std::string etag;
  uint64_t virtual_size = 0;
  TimePoint last_modified;
  LeaseState lease_state = LeaseState::kAvailable;
  Metadata metadata;
  size_t snapshot_count = 0;  // filled by ListDisks
};

// A recovery point: a snapshot of one disk with its description.
struct RecoveryPoint {
  // Assigned by the store: an ISO 8601 UTC time with 7 decimals, as Azure names
  // snapshots ("2024-05-01T12:00:00.1234567Z"). Ids sort in creation order.
  std::string id;
  TimePoint created;
  bool app_consistent = false;
  Metadata metadata;  // the caller's pairs, reserved keys removed
  // The disk's virtual size when the point was taken: a point keeps it when the disk
  // grows later (AsyncGrowDisk).
  uint64_t virtual_size = 0;
};

struct SnapshotOptions {
  bool app_consistent = false;
  Metadata metadata;
};

// What a store has done since it was opened, for statistics and monitoring.
struct StoreStatistics {
  uint64_t requests = 0;          // requests sent, each try counted (local: operations)
  uint64_t retries = 0;           // tries after a transient failure
  uint64_t throttled = 0;         // answers asking to slow down (503, 429, 500 OperationTimedOut)
  uint64_t network_failures = 0;  // resets, truncated answers, timeouts, failed connections
  uint64_t failed_requests = 0;   // requests given up after transient failures (retries exhausted)
  int in_flight_limit = 0;        // requests let in flight now (adaptive against Azure)
  int max_in_flight = 0;          // the configured ceiling
};

class ReplicaStore {
 public:
  using executor_type = boost::asio::any_io_executor;
  template <typename T>
  using Handler = boost::asio::any_completion_handler<void(Result<T>)>;

  virtual ~ReplicaStore() = default;
  ReplicaStore(const ReplicaStore&) = delete;
  ReplicaStore& operator=(const ReplicaStore&) = delete;

  // The executor operations run on (completion handlers without an executor of their
  // own are invoked through it).
  virtual executor_type get_executor() const = 0;
  // The target, secrets removed, for messages: "azure:https://acct.blob.../replicas",
  // "local:/srv/replicas".
  virtual const std::string& description() const = 0;
  // Counters since the store was opened; safe to call at any time from any thread.
  virtual StoreStatistics statistics() const = 0;

  // Creates an empty disk of `virtual_size` bytes (a positive whole number of MiB) with
  // its footer. kConflict if a disk of that name exists: nothing is overwritten.
  template <typename Token>
  auto AsyncCreateDisk(std::string name, uint64_t virtual_size, Metadata metadata, Token&& token) {
    return Initiate<void>(std::forward<Token>(token), [=, this](Handler<void> h) mutable {
      DoCreateDisk(std::move(name), virtual_size, std::move(metadata), std::move(h));
    });
  }

  // Grows the disk to `virtual_size` bytes (a whole number of MiB, at least its size): the
  // new bytes read as zeros and the footer moves to the new end. Recovery points taken
  // before keep their own size and content. Growing to the current size succeeds (and
  // finishes a growth a crash cut short); a smaller size is kInvalidArgument: a disk
  // never shrinks, since that would lose what its end holds.
  template <typename Token>
  auto AsyncGrowDisk(std::string name, uint64_t virtual_size, Token&& token) {
    return Initiate<void>(std::forward<Token>(token), [=, this](Handler<void> h) mutable {
      DoGrowDisk(std::move(name), virtual_size, std::move(h));
    });
  }

  // Writes `data` at `offset`: both 512-aligned, at most kMaxWriteSize bytes, inside the
  // virtual size. Once it completes, reads through this store see it; it is durable (it
  // survives a crash of this process or of the machine) once a later AsyncFlush or
  // AsyncCreateSnapshot of the disk completes. Record that data is in the replica only
  // after that.
  template <typename Token>
  auto AsyncWritePages(std::string name, uint64_t offset, std::span<const uint8_t> data,
                       Token&& token) {
    return Initiate<void>(std::forward<Token>(token), [=, this](Handler<void> h) mutable {
      DoWritePages(std::move(name), offset, data, std::move(h));
    });
  }

  // Makes [offset, offset + length) read as zeros and unallocated; 512-aligned, any
  // length inside the virtual size. Durable as writes are.
  template <typename Token>
  auto AsyncClearPages(std::string name, uint64_t offset, uint64_t length, Token&& token) {
    return Initiate<void>(std::forward<Token>(token), [=, this](Handler<void> h) mutable {
      DoClearPages(std::move(name), offset, length, std::move(h));
    });
  }

  // Reads out.size() bytes at `offset` (any alignment) of the disk, or of recovery point
  // `snapshot` when it is not empty.
  template <typename Token>
  auto AsyncRead(std::string name, std::string snapshot, uint64_t offset, std::span<uint8_t> out,
                 Token&& token) {
    return Initiate<void>(std::forward<Token>(token), [=, this](Handler<void> h) mutable {
      DoRead(std::move(name), std::move(snapshot), offset, out, std::move(h));
    });
  }

  // The ranges of the disk (or of recovery point `snapshot`) that may hold data, sorted,
  // disjoint and 512-aligned; everything else reads as zeros.
  template <typename Token>
  auto AsyncAllocatedRanges(std::string name, std::string snapshot, Token&& token) {
    return Initiate<std::vector<ByteRange>>(
        std::forward<Token>(token), [=, this](Handler<std::vector<ByteRange>> h) mutable {
          DoAllocatedRanges(std::move(name), std::move(snapshot), std::move(h));
        });
  }

  // The ranges written or cleared between recovery point `from` and recovery point `to`
  // (or now, when `to` is empty), sorted and disjoint; may over-report, never under-report.
  // kUnsupported where the store cannot tell (then compare content, e.g. chunk-diff).
  template <typename Token>
  auto AsyncChangedRanges(std::string name, std::string from, std::string to, Token&& token) {
    return Initiate<std::vector<ByteRange>>(
        std::forward<Token>(token), [=, this](Handler<std::vector<ByteRange>> h) mutable {
          DoChangedRanges(std::move(name), std::move(from), std::move(to), std::move(h));
        });
  }

  // Makes every write and clear of the disk that completed before this call durable.
  // Writes are made durable together, not one by one, because one sync of many writes
  // costs what one sync of one write costs (docs/local-store.md); Azure acknowledges a
  // write only once it is durable, so there it completes at once.
  template <typename Token>
  auto AsyncFlush(std::string name, Token&& token) {
    return Initiate<void>(std::forward<Token>(token), [=, this](Handler<void> h) mutable {
      DoFlush(std::move(name), std::move(h));
    });
  }

  // Takes a recovery point of the disk as it is now: flushes it first (AsyncFlush), so a
  // point holds every write that completed before it, durably.
  template <typename Token>
  auto AsyncCreateSnapshot(std::string name, SnapshotOptions options, Token&& token) {
    return Initiate<RecoveryPoint>(std::forward<Token>(token),
                                   [=, this](Handler<RecoveryPoint> h) mutable {
                                     DoCreateSnapshot(std::move(name), std::move(options),
                                                      std::move(h));
                                   });
  }

  // The disk's recovery points, oldest first.
  template <typename Token>
  auto AsyncListSnapshots(std::string name, Token&& token) {
    return Initiate<std::vector<RecoveryPoint>>(
        std::forward<Token>(token), [=, this](Handler<std::vector<RecoveryPoint>> h) mutable {
          DoListSnapshots(std::move(name), std::move(h));
        });
  }

  template <typename Token>
  auto AsyncDeleteSnapshot(std::string name, std::string snapshot, Token&& token) {
    return Initiate<void>(std::forward<Token>(token), [=, this](Handler<void> h) mutable {
      DoDeleteSnapshot(std::move(name), std::move(snapshot), std::move(h));
    });
  }

  // Creates disk `target` with the content of recovery point `snapshot` of disk `name`
  // (failover and test failover start from such copies). kConflict if `target` exists.
  template <typename Token>
  auto AsyncCopySnapshot(std::string name, std::string snapshot, std::string target,
                         Metadata metadata, Token&& token) {
    return Initiate<void>(std::forward<Token>(token), [=, this](Handler<void> h) mutable {
      DoCopySnapshot(std::move(name), std::move(snapshot), std::move(target), std::move(metadata),
                     std::move(h));
    });
  }

  // Deletes the disk with all its recovery points.
  template <typename Token>
  auto AsyncDeleteDisk(std::string name, Token&& token) {
    return Initiate<void>(std::forward<Token>(token), [=, this](Handler<void> h) mutable {
      DoDeleteDisk(std::move(name), std::move(h));
    });
  }

  template <typename Token>
  auto AsyncGetDisk(std::string name, Token&& token) {
    return Initiate<DiskProperties>(std::forward<Token>(token),
                                    [=, this](Handler<DiskProperties> h) mutable {
                                      DoGetDisk(std::move(name), std::move(h));
                                    });
  }

  // Every disk of the store, sorted by name, with its snapshot count.
  template <typename Token>
  auto AsyncListDisks(Token&& token) {
    return Initiate<std::vector<DiskProperties>>(
        std::forward<Token>(token),
        [this](Handler<std::vector<DiskProperties>> h) mutable { DoListDisks(std::move(h)); });
  }

  // Replaces the disk's metadata (the session keeps its replication state there).
  template <typename Token>
  auto AsyncSetMetadata(std::string name, Metadata metadata, Token&& token) {
    return Initiate<void>(std::forward<Token>(token), [=, this](Handler<void> h) mutable {
      DoSetMetadata(std::move(name), std::move(metadata), std::move(h));
    });
  }

  template <typename Token>
  auto AsyncGetMetadata(std::string name, Token&& token) {
    return Initiate<Metadata>(std::forward<Token>(token), [=, this](Handler<Metadata> h) mutable {
      DoGetMetadata(std::move(name), std::move(h));
    });
  }

  // Leases: only the holder may write. Acquire gives the lease id; `proposed_id` (a GUID)
  // lets an agent that restarts take back the lease it held. While this store holds a
  // lease on a disk, every write it makes to that disk carries the lease id, and a write
  // after the lease was lost fails with kConflict. kConflict also when another holder has
  // the lease. `duration` is 15 to 60 seconds or kInfiniteLease.
  template <typename Token>
  auto AsyncAcquireLease(std::string name, std::chrono::seconds duration, std::string proposed_id,
                         Token&& token) {
    return Initiate<std::string>(std::forward<Token>(token),
                                 [=, this](Handler<std::string> h) mutable {
                                   DoAcquireLease(std::move(name), duration,
                                                  std::move(proposed_id), std::move(h));
                                 });
  }

  template <typename Token>
  auto AsyncRenewLease(std::string name, Token&& token) {
    return Initiate<void>(std::forward<Token>(token), [=, this](Handler<void> h) mutable {
      DoRenewLease(std::move(name), std::move(h));
    });
  }

  template <typename Token>
  auto AsyncReleaseLease(std::string name, Token&& token) {
    return Initiate<void>(std::forward<Token>(token), [=, this](Handler<void> h) mutable {
      DoReleaseLease(std::move(name), std::move(h));
    });
  }

  // Ends whoever's lease after `break_period` (0 to 60 seconds): the way an
  // administrator takes a disk back from an agent that is gone.
  template <typename Token>
  auto AsyncBreakLease(std::string name, std::chrono::seconds break_period, Token&& token) {
    return Initiate<void>(std::forward<Token>(token), [=, this](Handler<void> h) mutable {
      DoBreakLease(std::move(name), break_period, std::move(h));
    });
  }

 protected:
  ReplicaStore() = default;

  virtual void DoCreateDisk(std::string name, uint64_t virtual_size, Metadata metadata,
                            Handler<void> handler) = 0;
  virtual void DoGrowDisk(std::string name, uint64_t virtual_size, Handler<void> handler) = 0;
  virtual void DoWritePages(std::string name, uint64_t offset, std::span<const uint8_t> data,
                            Handler<void> handler) = 0;
  virtual void DoClearPages(std::string name, uint64_t offset, uint64_t length,
                            Handler<void> handler) = 0;
  virtual void DoFlush(std::string name, Handler<void> handler) = 0;
  virtual void DoRead(std::string name, std::string snapshot, uint64_t offset,
                      std::span<uint8_t> out, Handler<void> handler) = 0;
  virtual void DoAllocatedRanges(std::string name, std::string snapshot,
                                 Handler<std::vector<ByteRange>> handler) = 0;
  virtual void DoChangedRanges(std::string name, std::string from, std::string to,
                               Handler<std::vector<ByteRange>> handler) = 0;
  virtual void DoCreateSnapshot(std::string name, SnapshotOptions options,
                                Handler<RecoveryPoint> handler) = 0;
  virtual void DoListSnapshots(std::string name, Handler<std::vector<RecoveryPoint>> handler) = 0;
  virtual void DoDeleteSnapshot(std::string name, std::string snapshot, Handler<void> handler) = 0;
  virtual void DoCopySnapshot(std::string name, std::string snapshot, std::string target,
                              Metadata metadata, Handler<void> handler) = 0;
  virtual void DoDeleteDisk(std::string name, Handler<void> handler) = 0;
  virtual void DoGetDisk(std::string name, Handler<DiskProperties> handler) = 0;
  virtual void DoListDisks(Handler<std::vector<DiskProperties>> handler) = 0;
  virtual void DoSetMetadata(std::string name, Metadata metadata, Handler<void> handler) = 0;
  virtual void DoGetMetadata(std::string name, Handler<Metadata> handler) = 0;
  virtual void DoAcquireLease(std::string name, std::chrono::seconds duration,
                              std::string proposed_id, Handler<std::string> handler) = 0;
  virtual void DoRenewLease(std::string name, Handler<void> handler) = 0;
  virtual void DoReleaseLease(std::string name, Handler<void> handler) = 0;
  virtual void DoBreakLease(std::string name, std::chrono::seconds break_period,
                            Handler<void> handler) = 0;

  // Completes `handler` with `result` through the handler's executor (the store's when
  // it has none), never inside the initiating call.
  template <typename T>
  void Complete(Handler<T> handler, Result<T> result) const {
    boost::asio::post(get_executor(), [h = std::move(handler), r = std::move(result)]() mutable {
      boost::asio::dispatch(boost::asio::append(std::move(h), std::move(r)));
    });
  }

 private:
  template <typename T, typename Token, typename Start>
  auto Initiate(Token&& token, Start start) {
    return boost::asio::async_initiate<Token, void(Result<T>)>(
        [](auto handler, Start s) { s(Handler<T>(std::move(handler))); }, token, std::move(start));
  }
};

// Opens the store a target string names:
//   - a connection string: "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=k;
//     Container=replicas", "UseDevelopmentStorage=true;Container=replicas", or with
//     BlobEndpoint= and SharedAccessSignature= (Container= names the container; it is
//     created when missing);
//   - a container URL with a SAS token: "https://a.blob.core.windows.net/replicas?sv=..&sig=..";
//   - a local directory (created when missing) as an absolute path or "file:PATH" (a
//     relative PATH is taken from the current directory, once, here).
// Anything else is kInvalidArgument saying what was expected, never a folder: a string
// with "://" is a URL, one starting with KEY= a connection string, and a secret's mark
// (AccountKey=, SharedAccessSignature=, sig=) is never a folder's name. Ports are 1 to
// 65535. Messages never show a secret (docs/store-design.md, "Target strings").
// Operations run on `executor`. Nothing is sent over the network before the first operation.
Result<std::unique_ptr<ReplicaStore>> OpenStore(const std::string& target,
                                                const StoreOptions& options,
                                                boost::asio::any_io_executor executor);

// A disk in a store, as the command line names it: TARGET/NAME[@SNAPSHOT].
struct DiskLocation {
  std::string target;    // what OpenStore takes
  std::string name;      // the disk
  std::string snapshot;  // a recovery point id, or empty
};

// Splits "TARGET/NAME[@SNAPSHOT]": the last path segment of a local path or container
// URL (the SAS query stays with the target), or of the Container= entry of a
// connection string ("...;Container=replicas/disk0"). TARGET follows OpenStore's rules;
// a local one comes back as an absolute path.
Result<DiskLocation> ParseDiskLocation(const std::string& text);

// Disk names: 1 to 128 characters of letters, digits, '.', '_' and '-', not starting
// with '.' or '-' (valid as blob names and file names alike).
Status ValidateDiskName(std::string_view name);

}  // namespace hvr

// The Azure store: every replica disk is a page blob holding the disk and its fixed-VHD
// footer, recovery points are blob snapshots (docs/store-design.md). Operations are
// coroutines on the caller's executor over one HttpTransport; CoroutineStore starts them.
// The class is defined in one file per part (azure_store*.cc), named beside each group of
// members below; the blob fields the parts share are in blob_fields.hpp.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "disk/vhd_footer.hpp"
#include "hvr/store.hpp"
#include "store/azure/azure_target.hpp"
#include "store/azure/blob_pacer.hpp"
#include "store/azure/blob_request.hpp"
#include "store/azure/adaptive_limit.hpp"
#include "store/azure/entra_tokens.hpp"
#include "store/azure/http_transport.hpp"
#include "store/azure/request_retry.hpp"
#include "store/azure/xml.hpp"
#include "store/coroutine_store.hpp"
#include "store/held_leases.hpp"

namespace hvr::azure {

class AzureStore final : public CoroutineStore {
 public:
  static Result<std::unique_ptr<AzureStore>> Open(Target target, const StoreOptions& options,
                                                  boost::asio::any_io_executor executor);

  executor_type get_executor() const override { return executor_; }
  const std::string& description() const override { return description_; }
  StoreStatistics statistics() const override;

 protected:
  // The service acknowledges a Put Page once it is durable: there is nothing to wait for.
  void DoFlush(std::string name, Handler<void> handler) override;

 private:
  AzureStore(Target target, const StoreOptions& options, boost::asio::any_io_executor executor,
             std::unique_ptr<HttpTransport> transport, std::unique_ptr<EntraTokens> tokens);

  // The store itself (azure_store.cc).
  void Log(LogLevel level, const std::string& message) const;
  Task<void> EnsureContainer();
  Task<BlobList> ListBlobs(std::string prefix);

  // Sending (azure_store_requests.cc).
  // Sends a request with the headers every request carries, trying again after transient
  // failures (request_retry.hpp); any final status comes back, with `may_repeat` set when
  // an earlier try may have been carried out.
  Task<HttpResponse> Exchange(BlobRequest& request, std::span<uint8_t> sink = {});
  // One try: the Entra ID token into `bearer` when the target uses one, then the
  // request. Failing to get a token is a try that never left.
  boost::asio::awaitable<SendResult> SendOnce(const std::function<RequestMessage()>& make, std::span<uint8_t> sink,
                                              const std::string& what, std::string& bearer);
  // Waits for the next start the pacer gives a request to `blob` (none for requests on
  // the container).
  boost::asio::awaitable<void> Pace(const std::string& blob);
  // Lets more or fewer requests in flight after a try's outcome.
  void Adapt(const TryOutcome& outcome, const SendResult& sent, uint64_t epoch);
  // The Entra ID token to put on a request; empty with Shared Key (signed per attempt)
  // or a SAS (in the query).
  Task<std::string> BearerToken();
  // As Exchange, with statuses other than 2xx turned into errors.
  Task<HttpResponse> Call(BlobRequest& request, std::span<uint8_t> sink = {});
  Error ResponseError(const HttpResponse& response, const BlobRequest& request) const;
  // The customer-provided key's headers, when the store has one.
  void AddEncryption(BlobRequest& request) const;

  // Disks and their metadata (azure_store_disks.cc; creating and growing them, which
  // write the footer, in azure_store_footer.cc).
  Task<uint64_t> VirtualSize(const std::string& name);
  // The virtual size of recovery point `snapshot` of the disk (its own: the disk may
  // have grown since), or of the disk when `snapshot` is empty.
  Task<uint64_t> SizeAt(const std::string& name, const std::string& snapshot);
  // True when disk `name` carries creation token `token`: a create or copy answered
  // "already exists" after a try that may have been carried out was this call's own.
  boost::asio::awaitable<bool> CreatedBy(const std::string& name, const std::string& token);
  Task<void> CreateDisk(std::string name, uint64_t virtual_size, Metadata metadata) override;
  Task<void> GrowDisk(std::string name, uint64_t virtual_size) override;
  // The footer a disk of `virtual_size` bytes holds at its end, or nullopt where that
  // place reads as zeros (a growth cleared it and was cut short).
  Task<std::optional<vhd::Footer>> ReadFooter(const std::string& name, uint64_t virtual_size);
  Task<void> DeleteDisk(std::string name) override;
  Task<DiskProperties> GetDisk(std::string name) override;
  Task<std::vector<DiskProperties>> ListDisks() override;
  Task<void> SetMetadata(std::string name, Metadata metadata) override;
  Task<Metadata> GetMetadata(std::string name) override;
  // The metadata of the disk, or of recovery point `snapshot` when it is not empty.
  Task<Metadata> GetMetadata(std::string name, std::string snapshot);

  // Page writes (azure_store_writes.cc).
  Task<void> PutPages(std::string name, uint64_t offset, std::span<const uint8_t> data);
  Task<void> WritePages(std::string name, uint64_t offset, std::span<const uint8_t> data) override;
  Task<void> ClearPages(std::string name, uint64_t offset, uint64_t length) override;
  // Put Page clear of any range of the blob, footer included (ClearPages checks first).
  Task<void> ClearRange(std::string name, uint64_t offset, uint64_t length);

  // Reads and page ranges (azure_store_reads.cc).
  Task<void> Read(std::string name, std::string snapshot, uint64_t offset, std::span<uint8_t> out) override;
  Task<PageList> PageRanges(const std::string& name, const std::string& snapshot,
                            const std::string& previous);
  Task<std::vector<ByteRange>> AllocatedRanges(std::string name, std::string snapshot) override;
  Task<std::vector<ByteRange>> ChangedRanges(std::string name, std::string from, std::string to) override;

  // Recovery points: taking one (azure_store_take_snapshot.cc), listing and deleting
  // them (azure_store_snapshots.cc), copying one to a new disk (azure_store_copies.cc).
  Task<RecoveryPoint> CreateSnapshot(std::string name, SnapshotOptions options) override;
  // A snapshot with all its metadata, reserved keys included.
  struct Snapshot {
    RecoveryPoint point;
    Metadata metadata;
  };
  Task<std::vector<Snapshot>> Snapshots(const std::string& name);
  Task<std::vector<RecoveryPoint>> ListSnapshots(std::string name) override;
  // After a snapshot request that was sent again: the snapshots carrying its token other
  // than `kept` are extra copies of the same point, taken by tries whose answer was lost.
  Task<void> DeleteExtraSnapshots(const std::string& name, const std::string& token, const std::string& kept);
  Task<void> DeleteSnapshot(std::string name, std::string snapshot) override;
  Task<void> CopySnapshot(std::string name, std::string snapshot, std::string target,
                          Metadata metadata) override;
  Task<void> CopyByReading(const std::string& name, const std::string& snapshot,
                           const std::string& target, uint64_t virtual_size);

  // Leases (azure_store_leases.cc).
  // The id of the lease this store holds on disk `name`, on requests that need it.
  void AddLease(BlobRequest& request, const std::string& name) const;
  Task<std::string> AcquireLease(std::string name, std::chrono::seconds duration,
                                 std::string proposed_id) override;
  Task<void> RenewLease(std::string name) override;
  Task<void> ReleaseLease(std::string name) override;
  Task<void> BreakLease(std::string name, std::chrono::seconds break_period) override;
  // Lease Blob with `action` (renew, release, break) and the lease this store holds.
  Task<void> LeaseAction(std::string name, std::string action, std::chrono::seconds break_period);

  const Target target_;
  const std::string description_;
  const std::optional<std::array<uint8_t, 32>> encryption_key_;
  const RequestRetryOptions retry_;
  const LogFn log_;
  boost::asio::any_io_executor executor_;
  std::unique_ptr<HttpTransport> transport_;
  AdaptiveLimit in_flight_;
  BlobPacer pacer_;

  struct Counters {
    std::atomic<uint64_t> requests{0}, retries{0}, throttled{0}, network_failures{0}, failed_requests{0};
  };
  mutable Counters counters_;
  std::unique_ptr<EntraTokens> tokens_;  // null unless the target names a service principal

  HeldLeases leases_;
  std::mutex mu_;
  std::map<std::string, uint64_t> sizes_;  // disk (or "disk@snapshot") -> virtual size, as learned
};

}  // namespace hvr::azure

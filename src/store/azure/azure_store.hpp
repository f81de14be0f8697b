// The Azure store: every replica disk is a page blob holding the disk and its fixed-VHD
// footer, recovery points are blob snapshots (docs/store-design.md). Operations are
// coroutines on the caller's executor over one HttpTransport.
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
#include "store/azure/blob_request.hpp"
#include "store/azure/adaptive_limit.hpp"
#include "store/azure/entra_tokens.hpp"
#include "store/azure/http_transport.hpp"
#include "store/azure/request_retry.hpp"
#include "store/azure/xml.hpp"
#include "store/held_leases.hpp"

namespace hvr::azure {

class AzureStore final : public ReplicaStore {
 public:
  static Result<std::unique_ptr<AzureStore>> Open(Target target, const StoreOptions& options,
                                                  boost::asio::any_io_executor executor);

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
  template <typename T>
  using Task = boost::asio::awaitable<Result<T>>;

  AzureStore(Target target, const StoreOptions& options, boost::asio::any_io_executor executor,
             std::unique_ptr<HttpTransport> transport, std::unique_ptr<EntraTokens> tokens);

  // Runs `op` and completes `handler` with its result, errors prefixed with the store.
  template <typename T>
  void Spawn(Handler<T> handler, Task<T> op);
  template <typename T>
  boost::asio::awaitable<void> Finish(Task<T> op, Handler<T> handler);

  // Sends a request with the headers every request carries, trying again after transient
  // failures (request_retry.hpp); any final status comes back, with `may_repeat` set when
  // an earlier try may have been carried out.
  Task<HttpResponse> Exchange(BlobRequest& request, std::span<uint8_t> sink = {});
  // One try: the Entra ID token into `bearer` when the target uses one, then the
  // request. Failing to get a token is a try that never left.
  boost::asio::awaitable<SendResult> SendOnce(const std::function<RequestMessage()>& make, std::span<uint8_t> sink,
                                              const std::string& what, std::string& bearer);
  // Lets more or fewer requests in flight after a try's outcome.
  void Adapt(const TryOutcome& outcome, const SendResult& sent, uint64_t epoch);
  void Log(LogLevel level, const std::string& message) const;
  // The Entra ID token to put on a request; empty with Shared Key (signed per attempt)
  // or a SAS (in the query).
  Task<std::string> BearerToken();
  // As Exchange, with statuses other than 2xx turned into errors.
  Task<HttpResponse> Call(BlobRequest& request, std::span<uint8_t> sink = {});
  Error ResponseError(const HttpResponse& response, const BlobRequest& request) const;

  // Header helpers.
  void AddLease(BlobRequest& request, const std::string& name) const;
  void AddEncryption(BlobRequest& request) const;
  static void AddMetadata(BlobRequest& request, const Metadata& metadata);
  static Metadata MetadataFrom(const http::fields& headers);

  Task<uint64_t> VirtualSize(const std::string& name);
  // The virtual size of recovery point `snapshot` of the disk (its own: the disk may
  // have grown since), or of the disk when `snapshot` is empty.
  Task<uint64_t> SizeAt(const std::string& name, const std::string& snapshot);
  // True when disk `name` carries creation token `token`: a create or copy answered
  // "already exists" after a try that may have been carried out was this call's own.
  boost::asio::awaitable<bool> CreatedBy(const std::string& name, const std::string& token);

  Task<void> EnsureContainer();
  Task<void> CreateDisk(std::string name, uint64_t virtual_size, Metadata metadata);
  Task<void> GrowDisk(std::string name, uint64_t virtual_size);
  // The footer a disk of `virtual_size` bytes holds at its end, or nullopt where that
  // place reads as zeros (a growth cleared it and was cut short).
  Task<std::optional<vhd::Footer>> ReadFooter(const std::string& name, uint64_t virtual_size);
  Task<void> PutPages(std::string name, uint64_t offset, std::span<const uint8_t> data);
  Task<void> WritePages(std::string name, uint64_t offset, std::span<const uint8_t> data);
  Task<void> ClearPages(std::string name, uint64_t offset, uint64_t length);
  // Put Page clear of any range of the blob, footer included (ClearPages checks first).
  Task<void> ClearRange(std::string name, uint64_t offset, uint64_t length);
  Task<void> Read(std::string name, std::string snapshot, uint64_t offset, std::span<uint8_t> out);
  Task<PageList> PageRanges(const std::string& name, const std::string& snapshot,
                            const std::string& previous);
  Task<std::vector<ByteRange>> AllocatedRanges(std::string name, std::string snapshot);
  Task<std::vector<ByteRange>> ChangedRanges(std::string name, std::string from, std::string to);
  Task<RecoveryPoint> CreateSnapshot(std::string name, SnapshotOptions options);
  Task<BlobList> ListBlobs(std::string prefix);
  // A snapshot with all its metadata, reserved keys included.
  struct Snapshot {
    RecoveryPoint point;
    Metadata metadata;
  };
  Task<std::vector<Snapshot>> Snapshots(const std::string& name);
  Task<std::vector<RecoveryPoint>> ListSnapshots(std::string name);
  // After a snapshot request that was sent again: the snapshots carrying its token other
  // than `kept` are extra copies of the same point, taken by tries whose answer was lost.
  Task<void> DeleteExtraSnapshots(const std::string& name, const std::string& token, const std::string& kept);
  Task<void> DeleteSnapshot(std::string name, std::string snapshot);
  Task<void> CopySnapshot(std::string name, std::string snapshot, std::string target,
                          Metadata metadata);
  Task<void> CopyByReading(const std::string& name, const std::string& snapshot,
                           const std::string& target, uint64_t virtual_size);
  Task<void> DeleteDisk(std::string name);
  Task<DiskProperties> GetDisk(std::string name);
  Task<std::vector<DiskProperties>> ListDisks();
  Task<void> SetMetadata(std::string name, Metadata metadata);
  Task<Metadata> GetMetadata(std::string name, std::string snapshot);
  Task<std::string> AcquireLease(std::string name, std::chrono::seconds duration,
                                 std::string proposed_id);
  Task<void> LeaseAction(std::string name, std::string action, std::chrono::seconds break_period);

  const Target target_;
  const std::string description_;
  const std::optional<std::array<uint8_t, 32>> encryption_key_;
  const RequestRetryOptions retry_;
  const LogFn log_;
  boost::asio::any_io_executor executor_;
  std::unique_ptr<HttpTransport> transport_;
  AdaptiveLimit in_flight_;

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

// The Azure store itself: opening it, what it counts, listing the container's blobs.
// Its other parts, each in a file of its own, are named in azure_store.hpp.
#include "store/azure/azure_store.hpp"

#include "store/redact.hpp"
#include "store/validation.hpp"

namespace hvr::azure {

namespace asio = boost::asio;
using asio::awaitable;

AzureStore::AzureStore(Target target, const StoreOptions& options,
                       asio::any_io_executor executor, std::unique_ptr<HttpTransport> transport,
                       std::unique_ptr<EntraTokens> tokens)
    : target_(std::move(target)),
      description_(target_.Describe()),
      encryption_key_(options.encryption_key),
      retry_(options.retry),
      log_(options.log),
      executor_(std::move(executor)),
      transport_(std::move(transport)),
      in_flight_(options.max_in_flight),
      pacer_(options.blob_requests_per_second),
      tokens_(std::move(tokens)) {}

Result<std::unique_ptr<AzureStore>> AzureStore::Open(Target target, const StoreOptions& options,
                                                     asio::any_io_executor executor) {
  HVR_RETURN_IF_ERROR(options.Validate());
  if (options.encryption_key && !target.endpoint.https) {
    return Error(Code::kInvalidArgument,
                 target.Describe() + ": customer-provided encryption keys need an https endpoint");
  }
  HVR_ASSIGN_OR_RETURN(TransportConfig config, TransportConfigFor(target.endpoint, options));
  auto transport = HttpTransport::Create(executor, std::move(config));
  if (!transport.ok()) return transport.error().WithContext(target.Describe());
  std::unique_ptr<EntraTokens> tokens;
  if (target.service_principal) {
    auto created = EntraTokens::Create(executor, *target.service_principal, options);
    if (!created.ok()) return created.error().WithContext(target.Describe());
    tokens = std::move(created).value();
  }
  return std::unique_ptr<AzureStore>(new AzureStore(std::move(target), options, std::move(executor),
                                                    std::move(transport).value(), std::move(tokens)));
}

void AzureStore::Log(LogLevel level, const std::string& message) const {
  if (log_) log_(level, RedactSecrets(description_ + ": " + message));
}

StoreStatistics AzureStore::statistics() const {
  StoreStatistics stats;
  stats.requests = counters_.requests.load(std::memory_order_relaxed);
  stats.retries = counters_.retries.load(std::memory_order_relaxed);
  stats.throttled = counters_.throttled.load(std::memory_order_relaxed);
  stats.network_failures = counters_.network_failures.load(std::memory_order_relaxed);
  stats.failed_requests = counters_.failed_requests.load(std::memory_order_relaxed);
  stats.in_flight_limit = in_flight_.limit();
  stats.max_in_flight = in_flight_.maximum();
  return stats;
}

awaitable<Status> AzureStore::EnsureContainer() {
  BlobRequest request;
  request.method = http::verb::put;
  request.query = {{"restype", "container"}};
  auto response = co_await Exchange(request);
  if (!response.ok()) co_return std::move(response).error();
  if (response->status == 201 || response->status == 409) co_return Ok();  // 409: it exists
  co_return ResponseError(*response, request);
}

awaitable<Result<BlobList>> AzureStore::ListBlobs(std::string prefix) {
  BlobList all;
  std::string marker;
  do {
    BlobRequest request;
    request.method = http::verb::get;
    request.query = {{"restype", "container"}, {"comp", "list"}, {"include", "snapshots,metadata"}};
    if (!prefix.empty()) request.query.push_back({"prefix", prefix});
    if (!marker.empty()) request.query.push_back({"marker", marker});
    auto response = co_await Call(request);
    if (!response.ok()) co_return std::move(response).error();
    auto page = ParseBlobList(response->body);
    if (!page.ok()) co_return page.error().WithContext(request.What());
    for (auto& blob : page->blobs) all.blobs.push_back(std::move(blob));
    marker = page->next_marker;
  } while (!marker.empty());
  co_return all;
}

// Flush is the one entry point that starts no coroutine.
void AzureStore::DoFlush(std::string name, Handler<void> handler) {
  Complete<void>(std::move(handler), ValidateDiskName(name));
}

}  // namespace hvr::azure

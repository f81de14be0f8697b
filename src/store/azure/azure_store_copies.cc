// Copying a recovery point to a new disk: by the service (Copy Blob), or through the
// client when the store encrypts with a customer-provided key.
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "hvr/guid.hpp"
#include "store/azure/azure_store.hpp"
#include "store/azure/blob_fields.hpp"
#include "store/azure/co_result.hpp"
#include "store/validation.hpp"

namespace hvr::azure {
namespace {

// Copies of encrypted snapshots move through the client in pieces this size.
constexpr uint64_t kCopyPiece = uint64_t{4} << 20;

}  // namespace

namespace asio = boost::asio;
using asio::awaitable;

awaitable<Status> AzureStore::CopyByReading(const std::string& name, const std::string& snapshot,
                                            const std::string& target, uint64_t virtual_size) {
  auto ranges = co_await AllocatedRanges(name, snapshot);
  if (!ranges.ok()) co_return std::move(ranges).error();
  std::vector<uint8_t> buffer;
  for (const auto& range : *ranges) {
    for (uint64_t done = 0; done < range.length;) {
      const uint64_t n = std::min(kCopyPiece, range.length - done);
      buffer.resize(static_cast<size_t>(n));
      HVR_CO_RETURN_IF_ERROR(co_await Read(name, snapshot, range.offset + done, buffer));
      HVR_CO_RETURN_IF_ERROR(co_await PutPages(target, range.offset + done, buffer));
      done += n;
    }
  }
  co_return Ok();
}

awaitable<Status> AzureStore::CopySnapshot(std::string name, std::string snapshot, std::string target,
                                           Metadata metadata) {
  HVR_CO_RETURN_IF_ERROR(ValidateDiskName(name));
  HVR_CO_RETURN_IF_ERROR(ValidateDiskName(target));
  HVR_CO_RETURN_IF_ERROR(ValidateMetadata(metadata));
  if (snapshot.empty()) {
    co_return Error(Code::kInvalidArgument, "copy of disk '" + name + "': no recovery point given");
  }
  auto size = co_await SizeAt(name, snapshot);
  if (!size.ok()) co_return std::move(size).error();
  if (encryption_key_) {
    // The service cannot copy from a source encrypted with a customer key: create the
    // target and move the allocated pages through the client.
    HVR_CO_RETURN_IF_ERROR(co_await CreateDisk(target, *size, metadata));
    co_return co_await CopyByReading(name, snapshot, target, *size);
  }
  BlobRequest source;
  source.blob = name;
  source.query = {{"snapshot", snapshot}};
  const std::string token = Guid::Random().ToString();
  metadata[std::string(kCreateTokenKey)] = token;
  BlobRequest request;
  request.method = http::verb::put;
  request.blob = target;
  request.headers.set("x-ms-copy-source", target_.endpoint.Origin() + RequestTarget(target_, source));
  request.headers.set(http::field::if_none_match, "*");
  AddMetadata(request, metadata);
  auto response = co_await Exchange(request);
  if (!response.ok()) co_return std::move(response).error();
  if (response->status == 409 || response->status == 412) {
    const bool ours = response->may_repeat && co_await CreatedBy(target, token);
    if (!ours) co_return Error(Code::kConflict, "disk '" + target + "' already exists");
  } else if (response->status / 100 != 2) {
    co_return ResponseError(*response, request);
  }
  // Copies within an account usually finish at once; otherwise watch the target. A copy
  // found already started by an earlier try is watched the same way.
  std::string status = response->status / 100 == 2 ? Header(response->headers, "x-ms-copy-status") : "pending";
  asio::steady_timer timer(executor_);
  auto wait = std::chrono::milliseconds(100);
  while (status == "pending") {
    timer.expires_after(wait);
    co_await timer.async_wait(asio::use_awaitable);
    wait = std::min(wait * 2, std::chrono::milliseconds(5000));
    BlobRequest probe;
    probe.method = http::verb::head;
    probe.blob = target;
    auto properties = co_await Call(probe);
    if (!properties.ok()) co_return std::move(properties).error();
    status = Header(properties->headers, "x-ms-copy-status");
    if (status != "pending" && status != "success") {
      co_return Error(Code::kNetwork, "copy of disk '" + name + "' at " + snapshot + " to '" + target +
                                          "' ended " + status + ": " +
                                          Header(properties->headers, "x-ms-copy-status-description"));
    }
  }
  if (!status.empty() && status != "success" && status != "pending") {
    co_return Error(Code::kNetwork, "copy of disk '" + name + "' to '" + target + "' ended " + status);
  }
  std::lock_guard lock(mu_);
  sizes_[target] = *size;
  co_return Ok();
}

}  // namespace hvr::azure

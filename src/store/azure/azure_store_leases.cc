// Leases on disks: acquiring, renewing, releasing and breaking them, and the id of the
// lease this store holds on the requests that need it.
#include "hvr/guid.hpp"
#include "store/azure/azure_store.hpp"
#include "store/azure/blob_fields.hpp"
#include "store/azure/co_result.hpp"
#include "store/validation.hpp"

namespace hvr::azure {

namespace asio = boost::asio;
using asio::awaitable;

void AzureStore::AddLease(BlobRequest& request, const std::string& name) const {
  const std::string id = leases_.Get(name);
  if (!id.empty()) request.headers.set("x-ms-lease-id", id);
}

awaitable<Result<std::string>> AzureStore::AcquireLease(std::string name, std::chrono::seconds duration,
                                                        std::string proposed_id) {
  HVR_CO_RETURN_IF_ERROR(ValidateDiskName(name));
  HVR_CO_RETURN_IF_ERROR(ValidateLeaseDuration(duration));
  if (proposed_id.empty()) {
    proposed_id = Guid::Random().ToString();
  } else if (!Guid::Parse(proposed_id).ok()) {
    co_return Error(Code::kInvalidArgument, "proposed lease id '" + proposed_id + "' is not a GUID");
  }
  BlobRequest request;
  request.method = http::verb::put;
  request.blob = name;
  request.query = {{"comp", "lease"}};
  request.headers.set("x-ms-lease-action", "acquire");
  request.headers.set("x-ms-lease-duration", std::to_string(duration.count()));
  request.headers.set("x-ms-proposed-lease-id", proposed_id);
  auto response = co_await Call(request);
  if (!response.ok()) co_return std::move(response).error();
  std::string id = Header(response->headers, "x-ms-lease-id");
  if (id.empty()) id = proposed_id;
  leases_.Set(name, id);
  co_return id;
}

awaitable<Status> AzureStore::LeaseAction(std::string name, std::string action,
                                          std::chrono::seconds break_period) {
  HVR_CO_RETURN_IF_ERROR(ValidateDiskName(name));
  BlobRequest request;
  request.method = http::verb::put;
  request.blob = name;
  request.query = {{"comp", "lease"}};
  request.headers.set("x-ms-lease-action", action);
  if (action == "break") {
    HVR_CO_RETURN_IF_ERROR(ValidateBreakPeriod(break_period));
    request.headers.set("x-ms-lease-break-period", std::to_string(break_period.count()));
  } else {
    HVR_CO_ASSIGN_OR_RETURN(const std::string id, leases_.Require(name, action));
    request.headers.set("x-ms-lease-id", id);
  }
  auto response = co_await Exchange(request);
  if (!response.ok()) co_return std::move(response).error();
  // A release refused because no lease or another one is there, after a try that may
  // have been carried out: that try released it (acquire, renew and break are the same
  // when repeated with the same ids).
  const bool released_before = action == "release" && response->status == 409 && response->may_repeat;
  if (!released_before && response->status / 100 != 2) co_return ResponseError(*response, request);
  if (action == "release") leases_.Forget(name);
  co_return Ok();
}

awaitable<Status> AzureStore::RenewLease(std::string name) { return LeaseAction(std::move(name), "renew", {}); }

awaitable<Status> AzureStore::ReleaseLease(std::string name) {
  return LeaseAction(std::move(name), "release", {});
}

awaitable<Status> AzureStore::BreakLease(std::string name, std::chrono::seconds break_period) {
  return LeaseAction(std::move(name), "break", break_period);
}

}  // namespace hvr::azure

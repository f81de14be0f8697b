// Taking a recovery point: a blob snapshot carrying the point's metadata and a token by
// which copies taken by tries whose answer was lost are found and deleted.
#include "hvr/guid.hpp"
#include "store/azure/azure_store.hpp"
#include "store/azure/blob_fields.hpp"
#include "store/azure/co_result.hpp"
#include "store/time_text.hpp"
#include "store/validation.hpp"

namespace hvr::azure {

namespace asio = boost::asio;
using asio::awaitable;

awaitable<Result<RecoveryPoint>> AzureStore::CreateSnapshot(std::string name, SnapshotOptions options) {
  HVR_CO_RETURN_IF_ERROR(ValidateDiskName(name));
  HVR_CO_RETURN_IF_ERROR(ValidateMetadata(options.metadata));
  BlobRequest request;
  request.method = http::verb::put;
  request.blob = name;
  request.query = {{"comp", "snapshot"}};
  // Metadata given here replaces the disk's on the snapshot, so the point never
  // carries the disk's replication state.
  Metadata metadata = options.metadata;
  metadata[std::string(kAppConsistentKey)] = options.app_consistent ? "true" : "false";
  const std::string token = Guid::Random().ToString();
  metadata[std::string(kSnapshotTokenKey)] = token;
  AddMetadata(request, metadata);
  AddLease(request, name);
  AddEncryption(request);
  auto response = co_await Call(request);
  if (!response.ok()) co_return std::move(response).error();
  RecoveryPoint point;
  point.id = Header(response->headers, "x-ms-snapshot");
  const auto created = ParseSnapshotTime(point.id);
  if (!created) {
    co_return Error(Code::kCorruptData, request.What() + ": x-ms-snapshot '" + point.id +
                                            "' is not an ISO 8601 UTC time");
  }
  if (response->may_repeat) HVR_CO_RETURN_IF_ERROR(co_await DeleteExtraSnapshots(name, token, point.id));
  point.created = *created;
  point.app_consistent = options.app_consistent;
  point.metadata = std::move(options.metadata);
  auto size = co_await VirtualSize(name);
  if (!size.ok()) co_return std::move(size).error();
  point.virtual_size = *size;
  co_return point;
}

}  // namespace hvr::azure

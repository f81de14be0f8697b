// Recovery points, which are blob snapshots: listing and deleting them. Taking one is in
// azure_store_take_snapshot.cc and copying one to a new disk in azure_store_copies.cc:
// in one file with these, GCC 12 reports a false -Wmismatched-new-delete on their
// coroutine frames.
#include "store/azure/azure_store.hpp"
#include "store/azure/blob_fields.hpp"
#include "store/azure/co_result.hpp"
#include "store/time_text.hpp"
#include "store/validation.hpp"

namespace hvr::azure {

namespace asio = boost::asio;
using asio::awaitable;

awaitable<Status> AzureStore::DeleteExtraSnapshots(const std::string& name, const std::string& token,
                                                   const std::string& kept) {
  auto snapshots = co_await Snapshots(name);
  if (!snapshots.ok()) co_return std::move(snapshots).error();
  for (const Snapshot& s : *snapshots) {
    if (s.point.id == kept || FindMetadata(s.metadata, kSnapshotTokenKey) != token) continue;
    Log(LogLevel::kInfo, "snapshot " + s.point.id + " of disk '" + name + "' was taken by a try whose answer was lost; deleting it");
    HVR_CO_RETURN_IF_ERROR(co_await DeleteSnapshot(name, s.point.id));
  }
  co_return Ok();
}

awaitable<Result<std::vector<AzureStore::Snapshot>>> AzureStore::Snapshots(const std::string& name) {
  HVR_CO_RETURN_IF_ERROR(ValidateDiskName(name));
  auto list = co_await ListBlobs(name);
  if (!list.ok()) co_return std::move(list).error();
  std::vector<Snapshot> snapshots;
  bool disk_exists = false;
  for (auto& blob : list->blobs) {
    if (blob.name != name) continue;
    if (blob.snapshot.empty()) {
      disk_exists = true;
      continue;
    }
    Snapshot snapshot;
    snapshot.point.id = blob.snapshot;
    const auto created = ParseSnapshotTime(blob.snapshot);
    if (!created) {
      co_return Error(Code::kCorruptData, "snapshot '" + blob.snapshot + "' of disk '" + name +
                                              "' is not an ISO 8601 UTC time");
    }
    snapshot.point.created = *created;
    auto size = VirtualSizeOf(name, blob.content_length, blob.blob_type);
    if (!size.ok()) co_return std::move(size).error().WithContext("snapshot '" + blob.snapshot + "'");
    snapshot.point.virtual_size = *size;
    snapshot.metadata = std::move(blob.metadata);
    if (encryption_key_) {
      // The service does not list the metadata of blobs encrypted with a customer key.
      auto fetched = co_await GetMetadata(name, blob.snapshot);
      if (!fetched.ok()) co_return std::move(fetched).error();
      snapshot.metadata = std::move(fetched).value();
    }
    snapshot.point.app_consistent = FindMetadata(snapshot.metadata, kAppConsistentKey).value_or("") == "true";
    snapshot.point.metadata = WithoutReserved(snapshot.metadata);
    snapshots.push_back(std::move(snapshot));
  }
  if (!disk_exists) co_return Error(Code::kNotFound, "disk '" + name + "' does not exist");
  std::sort(snapshots.begin(), snapshots.end(),
            [](const Snapshot& a, const Snapshot& b) { return a.point.id < b.point.id; });
  co_return snapshots;
}

awaitable<Result<std::vector<RecoveryPoint>>> AzureStore::ListSnapshots(std::string name) {
  auto snapshots = co_await Snapshots(name);
  if (!snapshots.ok()) co_return std::move(snapshots).error();
  std::vector<RecoveryPoint> points;
  for (Snapshot& s : *snapshots) points.push_back(std::move(s.point));
  co_return points;
}

awaitable<Status> AzureStore::DeleteSnapshot(std::string name, std::string snapshot) {
  HVR_CO_RETURN_IF_ERROR(ValidateDiskName(name));
  if (snapshot.empty()) {
    co_return Error(Code::kInvalidArgument, "delete of a recovery point of disk '" + name + "': no id given");
  }
  BlobRequest request;
  request.method = http::verb::delete_;
  request.blob = name;
  request.query = {{"snapshot", snapshot}};
  auto response = co_await Exchange(request);
  if (!response.ok()) co_return std::move(response).error();
  // Gone after a try that may have been carried out: that try deleted it.
  if (response->status == 404 && response->may_repeat) co_return Ok();
  if (response->status / 100 != 2) co_return ResponseError(*response, request);
  co_return Ok();
}

}  // namespace hvr::azure

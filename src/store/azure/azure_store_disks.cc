// Replica disks: describing, listing and deleting them, their metadata, and the virtual
// sizes the other parts check ranges against. Creating and growing them, which write the
// footer, are in azure_store_footer.cc.
#include "store/azure/azure_store.hpp"
#include "store/azure/blob_fields.hpp"
#include "store/azure/co_result.hpp"
#include "store/time_text.hpp"
#include "store/validation.hpp"

namespace hvr::azure {

namespace asio = boost::asio;
using asio::awaitable;

awaitable<Result<uint64_t>> AzureStore::VirtualSize(const std::string& name) {
  {
    std::lock_guard lock(mu_);
    auto it = sizes_.find(name);
    if (it != sizes_.end()) co_return it->second;
  }
  auto disk = co_await GetDisk(name);
  if (!disk.ok()) co_return std::move(disk).error();
  co_return disk->virtual_size;
}

awaitable<Result<uint64_t>> AzureStore::SizeAt(const std::string& name, const std::string& snapshot) {
  if (snapshot.empty()) co_return co_await VirtualSize(name);
  // A snapshot never changes: its size, once learned, holds for good.
  const std::string key = name + "@" + snapshot;
  {
    std::lock_guard lock(mu_);
    auto it = sizes_.find(key);
    if (it != sizes_.end()) co_return it->second;
  }
  BlobRequest request;
  request.method = http::verb::head;
  request.blob = name;
  request.query = {{"snapshot", snapshot}};
  AddEncryption(request);
  auto response = co_await Exchange(request);
  if (!response.ok()) co_return std::move(response).error();
  if (response->status == 404) {
    co_return Error(Code::kNotFound, "disk '" + name + "' has no recovery point '" + snapshot + "'");
  }
  if (response->status / 100 != 2) co_return ResponseError(*response, request);
  auto size = VirtualSizeFrom(name, response->headers, request.What());
  if (!size.ok()) co_return std::move(size).error();
  std::lock_guard lock(mu_);
  sizes_[key] = *size;
  co_return *size;
}

awaitable<bool> AzureStore::CreatedBy(const std::string& name, const std::string& token) {
  BlobRequest request;
  request.method = http::verb::head;
  request.blob = name;
  AddEncryption(request);
  auto response = co_await Call(request);
  co_return response.ok() && FindMetadata(MetadataFrom(response->headers), kCreateTokenKey) == token;
}


awaitable<Status> AzureStore::DeleteDisk(std::string name) {
  HVR_CO_RETURN_IF_ERROR(ValidateDiskName(name));
  BlobRequest request;
  request.method = http::verb::delete_;
  request.blob = name;
  request.headers.set("x-ms-delete-snapshots", "include");
  AddLease(request, name);
  auto response = co_await Exchange(request);
  if (!response.ok()) co_return std::move(response).error();
  const bool deleted_before = response->status == 404 && response->may_repeat;
  if (!deleted_before && response->status / 100 != 2) co_return ResponseError(*response, request);
  leases_.Forget(name);
  std::lock_guard lock(mu_);
  sizes_.erase(name);
  co_return Ok();
}

awaitable<Result<DiskProperties>> AzureStore::GetDisk(std::string name) {
  HVR_CO_RETURN_IF_ERROR(ValidateDiskName(name));
  BlobRequest request;
  request.method = http::verb::head;
  request.blob = name;
  AddEncryption(request);
  auto response = co_await Exchange(request);
  if (!response.ok()) co_return std::move(response).error();
  if (response->status == 404) co_return Error(Code::kNotFound, "disk '" + name + "' does not exist");
  if (response->status / 100 != 2) co_return ResponseError(*response, request);
  const auto& headers = response->headers;
  DiskProperties props;
  props.name = name;
  auto size = VirtualSizeFrom(name, headers, request.What());
  if (!size.ok()) co_return std::move(size).error();
  props.virtual_size = *size;
  props.lease_state = ParseLeaseState(Header(headers, "x-ms-lease-state"));
  props.etag = ParseEtag(Header(headers, "ETag"));
  if (auto modified = ParseHttpDate(Header(headers, "Last-Modified"))) props.last_modified = *modified;
  props.metadata = WithoutReserved(MetadataFrom(headers));
  std::lock_guard lock(mu_);
  sizes_[name] = props.virtual_size;
  co_return props;
}

awaitable<Result<std::vector<DiskProperties>>> AzureStore::ListDisks() {
  auto list = co_await ListBlobs("");
  if (!list.ok()) {
    // A container is created with its first disk; until then it holds none.
    if (list.error().code() == Code::kNotFound) co_return std::vector<DiskProperties>();
    co_return std::move(list).error();
  }
  std::vector<DiskProperties> disks;
  std::map<std::string, size_t> snapshots;
  for (auto& blob : list->blobs) {
    if (!blob.snapshot.empty()) {
      ++snapshots[blob.name];
      continue;
    }
    auto size = VirtualSizeOf(blob.name, blob.content_length, blob.blob_type);
    if (!size.ok() || !ValidateDiskName(blob.name).ok()) continue;  // not one of ours
    DiskProperties props;
    props.name = blob.name;
    props.virtual_size = *size;
    props.last_modified = blob.last_modified;
    props.lease_state = blob.lease_state;
    props.etag = blob.etag;
    props.metadata = WithoutReserved(blob.metadata);
    disks.push_back(std::move(props));
  }
  for (auto& disk : disks) disk.snapshot_count = snapshots[disk.name];
  std::sort(disks.begin(), disks.end(),
            [](const DiskProperties& a, const DiskProperties& b) { return a.name < b.name; });
  co_return disks;
}

awaitable<Status> AzureStore::SetMetadata(std::string name, Metadata metadata) {
  HVR_CO_RETURN_IF_ERROR(ValidateDiskName(name));
  HVR_CO_RETURN_IF_ERROR(ValidateMetadata(metadata));
  BlobRequest request;
  request.method = http::verb::put;
  request.blob = name;
  request.query = {{"comp", "metadata"}};
  AddMetadata(request, metadata);
  AddLease(request, name);
  AddEncryption(request);
  auto response = co_await Call(request);
  if (!response.ok()) co_return std::move(response).error();
  co_return Ok();
}

awaitable<Result<Metadata>> AzureStore::GetMetadata(std::string name) { return GetMetadata(std::move(name), {}); }

awaitable<Result<Metadata>> AzureStore::GetMetadata(std::string name, std::string snapshot) {
  HVR_CO_RETURN_IF_ERROR(ValidateDiskName(name));
  BlobRequest request;
  request.method = http::verb::get;
  request.blob = name;
  request.query = {{"comp", "metadata"}};
  if (!snapshot.empty()) request.query.push_back({"snapshot", snapshot});
  AddEncryption(request);
  auto response = co_await Call(request);
  if (!response.ok()) co_return std::move(response).error();
  Metadata metadata = MetadataFrom(response->headers);
  co_return snapshot.empty() ? WithoutReserved(metadata) : metadata;
}

}  // namespace hvr::azure

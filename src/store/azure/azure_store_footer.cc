// Creating and growing replica disks: the operations that write the fixed-VHD footer at
// the blob's end, and read it back. Apart from the rest of the disks' part
// (azure_store_disks.cc): in one file with it, GCC 12 reports a false
// -Wmismatched-new-delete on these coroutines' frames.
#include "disk/vhd_footer.hpp"
#include "hvr/guid.hpp"
#include "store/azure/azure_store.hpp"
#include "store/azure/blob_fields.hpp"
#include "store/azure/co_result.hpp"
#include "store/validation.hpp"
#include "util/zero.hpp"

namespace hvr::azure {

namespace asio = boost::asio;
using asio::awaitable;

awaitable<Status> AzureStore::CreateDisk(std::string name, uint64_t virtual_size, Metadata metadata) {
  HVR_CO_RETURN_IF_ERROR(ValidateDiskName(name));
  HVR_CO_RETURN_IF_ERROR(ValidateVirtualSize(virtual_size));
  HVR_CO_RETURN_IF_ERROR(ValidateMetadata(metadata));
  HVR_CO_ASSIGN_OR_RETURN(const vhd::Footer footer,
                       vhd::MakeFixedFooter(virtual_size, Guid::Random(), std::chrono::system_clock::now()));
  metadata[std::string(kCreateTokenKey)] = Guid::Random().ToString();
  const auto make_request = [&] {
    BlobRequest request;
    request.method = http::verb::put;
    request.blob = name;
    request.headers.set("x-ms-blob-type", "PageBlob");
    request.headers.set("x-ms-blob-content-length", std::to_string(virtual_size + vhd::kFooterSize));
    request.headers.set(http::field::if_none_match, "*");  // never replace an existing disk
    AddMetadata(request, metadata);
    AddEncryption(request);
    return request;
  };
  BlobRequest request = make_request();
  auto response = co_await Exchange(request);
  if (!response.ok()) co_return std::move(response).error();
  if (response->status == 404) {
    // The container is created on first use.
    HVR_CO_RETURN_IF_ERROR(co_await EnsureContainer());
    request = make_request();
    response = co_await Exchange(request);
    if (!response.ok()) co_return std::move(response).error();
  }
  if (response->status == 409 || response->status == 412) {
    const bool ours = response->may_repeat && co_await CreatedBy(name, metadata[std::string(kCreateTokenKey)]);
    if (!ours) co_return Error(Code::kConflict, "disk '" + name + "' already exists");
  } else if (response->status / 100 != 2) {
    co_return ResponseError(*response, request);
  }
  {
    std::lock_guard lock(mu_);
    sizes_[name] = virtual_size;
  }
  const auto bytes = vhd::Encode(footer);
  Status written = co_await PutPages(name, virtual_size, bytes);
  if (!written.ok()) {
    // A disk without its footer is not a disk: take it away again (best effort; the
    // error that matters is the write's).
    BlobRequest remove;
    remove.method = http::verb::delete_;
    remove.blob = name;
    [[maybe_unused]] auto ignored = co_await Exchange(remove);
    std::lock_guard lock(mu_);
    sizes_.erase(name);
    co_return written;
  }
  co_return Ok();
}

awaitable<Result<std::optional<vhd::Footer>>> AzureStore::ReadFooter(const std::string& name,
                                                                    uint64_t virtual_size) {
  std::array<uint8_t, vhd::kFooterSize> bytes{};
  BlobRequest request;
  request.method = http::verb::get;
  request.blob = name;
  request.headers.set("x-ms-range", RangeHeader(virtual_size, bytes.size()));
  AddEncryption(request);
  auto response = co_await Call(request, bytes);
  if (!response.ok()) co_return std::move(response).error();
  if (response->sink_bytes != bytes.size()) {
    co_return Error(Code::kNetwork, request.What() + ": received " + std::to_string(response->sink_bytes) +
                                        " of " + std::to_string(bytes.size()) + " bytes");
  }
  if (IsAllZero(bytes)) co_return std::optional<vhd::Footer>();
  const std::string where = "disk '" + name + "': footer at offset " + std::to_string(virtual_size);
  auto footer = vhd::Decode(bytes, where);
  if (!footer.ok()) co_return std::move(footer).error();
  if (footer->current_size != virtual_size) {
    co_return Error(Code::kInvalidReplicaState, where + ": Current Size expected " + std::to_string(virtual_size) +
                                                    ", found " + std::to_string(footer->current_size));
  }
  co_return std::optional<vhd::Footer>(*footer);
}

awaitable<Status> AzureStore::GrowDisk(std::string name, uint64_t virtual_size) {
  HVR_CO_RETURN_IF_ERROR(ValidateDiskName(name));
  // The size the service holds now, not one learned before.
  auto disk = co_await GetDisk(name);
  if (!disk.ok()) co_return std::move(disk).error();
  const uint64_t from = disk->virtual_size;
  HVR_CO_RETURN_IF_ERROR(ValidateGrowth(name, from, virtual_size));
  auto footer = co_await ReadFooter(name, from);
  if (!footer.ok()) co_return std::move(footer).error();
  if (virtual_size == from && *footer) co_return Ok();
  // Steps that each repeat safely: the old footer is cleared (it is inside the grown
  // disk, which reads as zeros there), the blob lengthened, the footer written at the
  // new end. A growth cut short leaves no footer at the blob's end, which the next call
  // finds and finishes; the disk's identity survives unless that happened.
  auto grown = *footer ? vhd::GrowFixedFooter(**footer, virtual_size)
                       : vhd::MakeFixedFooter(virtual_size, Guid::Random(), std::chrono::system_clock::now());
  if (!grown.ok()) co_return std::move(grown).error();
  if (virtual_size > from) {
    if (*footer) {
      HVR_CO_RETURN_IF_ERROR(co_await ClearRange(name, from, vhd::kFooterSize));
    }
    BlobRequest request;
    request.method = http::verb::put;
    request.blob = name;
    request.query = {{"comp", "properties"}};
    request.headers.set("x-ms-blob-content-length", std::to_string(virtual_size + vhd::kFooterSize));
    AddLease(request, name);
    auto response = co_await Call(request);
    if (!response.ok()) co_return std::move(response).error();
    std::lock_guard lock(mu_);
    sizes_[name] = virtual_size;
  }
  const auto bytes = vhd::Encode(*grown);
  co_return co_await PutPages(name, virtual_size, bytes);
}
}  // namespace hvr::azure

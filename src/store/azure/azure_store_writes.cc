// Page writes: Put Page with data, checked by CRC-64, and Put Page clear.
#include "store/azure/azure_store.hpp"
#include "store/azure/blob_fields.hpp"
#include "store/azure/co_result.hpp"
#include "store/azure/crc64.hpp"
#include "store/validation.hpp"

namespace hvr::azure {

namespace asio = boost::asio;
using asio::awaitable;

awaitable<Status> AzureStore::PutPages(std::string name, uint64_t offset, std::span<const uint8_t> data) {
  BlobRequest request;
  request.method = http::verb::put;
  request.blob = name;
  request.query = {{"comp", "page"}};
  request.headers.set("x-ms-page-write", "update");
  request.headers.set("x-ms-range", RangeHeader(offset, data.size()));
  request.headers.set("x-ms-content-crc64", Crc64Header(data));
  AddLease(request, name);
  AddEncryption(request);
  request.body = data;
  auto response = co_await Call(request);
  if (!response.ok()) co_return std::move(response).error();
  co_return Ok();
}

awaitable<Status> AzureStore::WritePages(std::string name, uint64_t offset, std::span<const uint8_t> data) {
  HVR_CO_RETURN_IF_ERROR(ValidateDiskName(name));
  auto size = co_await VirtualSize(name);
  if (!size.ok()) co_return std::move(size).error();
  HVR_CO_RETURN_IF_ERROR(ValidatePageRange("write", name, offset, data.size(), kMaxWriteSize, *size));
  co_return co_await PutPages(std::move(name), offset, data);
}

awaitable<Status> AzureStore::ClearPages(std::string name, uint64_t offset, uint64_t length) {
  HVR_CO_RETURN_IF_ERROR(ValidateDiskName(name));
  auto size = co_await VirtualSize(name);
  if (!size.ok()) co_return std::move(size).error();
  HVR_CO_RETURN_IF_ERROR(ValidatePageRange("clear", name, offset, length, *size, *size));
  co_return co_await ClearRange(std::move(name), offset, length);
}

awaitable<Status> AzureStore::ClearRange(std::string name, uint64_t offset, uint64_t length) {
  BlobRequest request;
  request.method = http::verb::put;
  request.blob = name;
  request.query = {{"comp", "page"}};
  request.headers.set("x-ms-page-write", "clear");
  request.headers.set("x-ms-range", RangeHeader(offset, length));
  AddLease(request, name);
  AddEncryption(request);
  auto response = co_await Call(request);
  if (!response.ok()) co_return std::move(response).error();
  co_return Ok();
}

}  // namespace hvr::azure

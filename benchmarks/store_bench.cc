// The per-request costs of the Azure client on the upload path: the transactional checksum
// of a 4 MiB page (every Put Page carries one: CRC-64, against the Content-MD5 it replaced,
// computed here with OpenSSL as it was), the Shared Key signature of a request, and reading
// a large Get Page Ranges answer.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include <array>
#include <string>
#include <vector>

#include "store/azure/crc64.hpp"
#include "store/azure/crypto.hpp"
#include "store/azure/shared_key.hpp"
#include "store/azure/xml.hpp"

namespace {

std::vector<uint8_t> Page(int64_t size) {
  std::vector<uint8_t> page(static_cast<size_t>(size));
  for (size_t i = 0; i < page.size(); ++i) page[i] = static_cast<uint8_t>(i * 131 + (i >> 12));
  return page;
}

void BM_ContentCrc64(benchmark::State& state) {
  const std::vector<uint8_t> page = Page(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(hvr::azure::Crc64Header(page));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_ContentCrc64)->Arg(4 << 20);

void BM_ContentMd5(benchmark::State& state) {
  const std::vector<uint8_t> page = Page(state.range(0));
  std::array<uint8_t, EVP_MAX_MD_SIZE> digest{};
  for (auto _ : state) {
    unsigned int size = 0;
    EVP_Digest(page.data(), page.size(), digest.data(), &size, EVP_md5(), nullptr);
    benchmark::DoNotOptimize(hvr::azure::Base64Encode(std::span(digest.data(), size)));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_ContentMd5)->Arg(4 << 20);

void BM_SharedKeySignature(benchmark::State& state) {
  hvr::azure::Target target;
  target.endpoint = {false, "127.0.0.1", 10000, "/devstoreaccount1"};
  target.account = "devstoreaccount1";
  target.account_key = *hvr::azure::Base64Decode(hvr::azure::kDevelopmentKey);
  target.container = "replicas";
  hvr::azure::BlobRequest request;
  request.method = hvr::azure::http::verb::put;
  request.blob = "disk0";
  request.query = {{"comp", "page"}};
  request.headers.set("x-ms-version", hvr::azure::kApiVersion);
  request.headers.set("x-ms-client-request-id", "0f8fad5b-d9cb-469f-a165-70867728950e");
  request.headers.set("x-ms-page-write", "update");
  request.headers.set("x-ms-range", "bytes=0-4194303");
  request.headers.set("Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg==");
  for (auto _ : state) {
    hvr::azure::SignSharedKey(target, request, "Wed, 01 May 2024 12:00:00 GMT");
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_SharedKeySignature);

void BM_ParsePageList(benchmark::State& state) {
  std::string xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><PageList>";
  for (int64_t i = 0; i < state.range(0); ++i) {
    const uint64_t start = static_cast<uint64_t>(i) * 8192;
    xml += "<PageRange><Start>" + std::to_string(start) + "</Start><End>" +
           std::to_string(start + 4095) + "</End></PageRange>";
  }
  xml += "</PageList>";
  for (auto _ : state) benchmark::DoNotOptimize(hvr::azure::ParsePageList(xml));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_ParsePageList)->Arg(10000);

}  // namespace

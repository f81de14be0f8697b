// The Azure store against Azurite beyond the shared suite: what lies in the blob, how
// authentication and TLS fail, customer-provided keys, and a bandwidth limit on the wire.
// How the transport behaves when a proxy misbehaves is store_azure_fault_test.cc.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>

#include "disk/vhd_footer.hpp"
#include "hvr/sync_store.hpp"
#include "integration/azure_store_helpers.hpp"
#include "integration/store_backends.hpp"
#include "store/azure/azure_target.hpp"
#include "store/azure/crypto.hpp"
#include "store/azure/sas.hpp"
#include "store/azure/shared_key.hpp"
#include "store/time_text.hpp"
#include "test_util/log_capture.hpp"
#include "test_util/result_assertions.hpp"

namespace hvr::testing {
namespace {

namespace http = boost::beast::http;

// Reads bytes of a blob straight from Azurite with a hand-signed request, bypassing the
// store: ground truth for what the store put there.
std::string RawRange(const Azurite& azurite, const std::string& container, const std::string& blob,
                     uint64_t offset, uint64_t length) {
  azure::Target target;
  target.endpoint = azure::Endpoint{false, "127.0.0.1", azurite.port(), "/devstoreaccount1"};
  target.account = std::string(azure::kDevelopmentAccount);
  target.account_key = *azure::Base64Decode(azure::kDevelopmentKey);
  target.container = container;
  azure::BlobRequest request;
  request.blob = blob;
  request.headers.set("x-ms-version", azure::kApiVersion);
  request.headers.set("x-ms-range", "bytes=" + std::to_string(offset) + "-" +
                                        std::to_string(offset + length - 1));
  azure::SignSharedKey(target, request, FormatHttpDate(std::chrono::system_clock::now()));
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), azurite.port()});
  http::request<http::empty_body> message{http::verb::get, azure::RequestTarget(target, request), 11};
  for (const auto& field : request.headers) message.set(field.name_string(), field.value());
  message.set(http::field::host, "127.0.0.1:" + std::to_string(azurite.port()));
  http::write(socket, message);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response);
  EXPECT_EQ(response.result_int(), 206u) << response.body();
  return response.body();
}
TEST(AzureStoreTest, TheBlobIsAnAzureReadyFixedVhd) {
  Azurite& azurite = HttpAzurite();
  const std::string container = UniqueContainer();
  auto store = OpenStore(azurite.ConnectionString(container), {});
  ASSERT_NE(store, nullptr);
  ASSERT_OK(store->CreateDisk("disk0", 3 * kMiB));
  const auto data = Bytes(4096, 3);
  ASSERT_OK(store->WritePages("disk0", kMiB, data));
  const std::string footer = RawRange(azurite, container, "disk0", 3 * kMiB, vhd::kFooterSize);
  ASSERT_EQ(footer.size(), vhd::kFooterSize);
  ASSERT_OK_AND_ASSIGN(
      const vhd::Footer decoded,
      vhd::Decode(std::span<const uint8_t, vhd::kFooterSize>(
                      reinterpret_cast<const uint8_t*>(footer.data()), vhd::kFooterSize),
                  "blob footer"));
  EXPECT_EQ(decoded.disk_type, vhd::DiskType::kFixed);
  EXPECT_EQ(decoded.current_size, 3 * kMiB);
  EXPECT_EQ(decoded.data_offset, vhd::kNoDataOffset);
  const std::string content = RawRange(azurite, container, "disk0", kMiB, data.size());
  EXPECT_EQ(std::vector<uint8_t>(content.begin(), content.end()), data);
}

TEST(AzureStoreTest, AWrongAccountKeyIsANonRecoverableAuthenticationFailure) {
  Azurite& azurite = HttpAzurite();
  std::vector<uint8_t> wrong(64, 0x5a);
  const std::string wrong_key = azure::Base64Encode(wrong);
  const std::string target = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" +
                             wrong_key + ";BlobEndpoint=" + azurite.BlobEndpoint() +
                             ";Container=" + UniqueContainer();
  LogCapture log;
  StoreOptions options;
  options.log = log.fn();
  auto store = OpenStore(target, options);
  ASSERT_NE(store, nullptr);
  const Status created = store->CreateDisk("disk0", kMiB);
  ASSERT_EQ(CodeOf(created), Code::kAuthFailed) << (created.ok() ? "" : created.error().ToString());
  EXPECT_EQ(created.error().error_class(), ErrorClass::kNonRecoverable);
  EXPECT_NE(created.error().message().find("HTTP 403"), std::string::npos)
      << created.error().message();
  EXPECT_EQ(created.error().message().find(wrong_key.substr(0, 16)), std::string::npos);
  EXPECT_EQ(log.All().find(wrong_key.substr(0, 16)), std::string::npos);
}

TEST(AzureStoreTest, AReadOnlySasCannotWriteAndItsSignatureIsNeverShown) {
  Azurite& azurite = HttpAzurite();
  const std::string container = UniqueContainer();
  auto writer = OpenStore(azurite.ConnectionString(container), {});
  ASSERT_NE(writer, nullptr);
  ASSERT_OK(writer->CreateDisk("disk0", kMiB));
  const auto key = azure::Base64Decode(azure::kDevelopmentKey);
  const std::string sas = azure::MakeAccountSas(azure::kDevelopmentAccount, *key, "rl",
                                                std::chrono::system_clock::now() + std::chrono::hours(1));
  const std::string signature = sas.substr(sas.find("sig=") + 4);
  LogCapture log;
  StoreOptions options;
  options.log = log.fn();
  const std::string url = azurite.BlobEndpoint() + "/" + container + "?" + sas;
  auto reader = OpenStore(url, options);
  ASSERT_NE(reader, nullptr);
  ASSERT_OK_AND_ASSIGN(const auto disks, reader->ListDisks());
  EXPECT_EQ(disks.size(), 1u);
  const Status denied = reader->WritePages("disk0", 0, Bytes(512, 2));
  ASSERT_EQ(CodeOf(denied), Code::kAuthFailed) << (denied.ok() ? "" : denied.error().ToString());
  EXPECT_EQ(denied.error().message().find(signature), std::string::npos) << denied.error().message();
  EXPECT_EQ(log.All().find(signature), std::string::npos);
  // A bad target names the URL without its signature.
  auto bad = SyncStore::Open(azurite.BlobEndpoint() + "/" + container + "/disk0?" + sas);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message().find(signature), std::string::npos) << bad.error().message();
}

TEST(AzureStoreTest, AnUntrustedCertificateFailsWithAClearVerificationError) {
  Azurite& azurite = HttpsAzurite();
  auto store = OpenStore(azurite.ConnectionString(UniqueContainer()), {});  // system CAs only
  ASSERT_NE(store, nullptr);
  const Status s = store->CreateDisk("disk0", kMiB);
  ASSERT_EQ(CodeOf(s), Code::kAuthFailed) << (s.ok() ? "" : s.error().ToString());
  EXPECT_NE(s.error().message().find("TLS certificate verification failed"), std::string::npos)
      << s.error().message();
  EXPECT_NE(s.error().message().find("self-signed"), std::string::npos) << s.error().message();
}

TEST(AzureStoreTest, ACertificateForAnotherNameFailsEvenWhenItsCaIsTrusted) {
  Azurite& azurite = HttpsAzurite();
  // The certificate names IP 127.0.0.1, not "localhost".
  const std::string target = "DefaultEndpointsProtocol=https;AccountName=devstoreaccount1;AccountKey=" +
                             std::string(azure::kDevelopmentKey) + ";BlobEndpoint=https://localhost:" +
                             std::to_string(azurite.port()) + "/devstoreaccount1;Container=" +
                             UniqueContainer();
  StoreOptions options;
  options.tls.ca_file = HttpsAzuriteCa();
  auto store = OpenStore(target, options);
  ASSERT_NE(store, nullptr);
  const Status s = store->CreateDisk("disk0", kMiB);
  ASSERT_EQ(CodeOf(s), Code::kAuthFailed) << (s.ok() ? "" : s.error().ToString());
  EXPECT_NE(s.error().message().find("mismatch"), std::string::npos) << s.error().message();
}

TEST(AzureStoreTest, VerificationOffStillEncryptsAndSaysSo) {
  Azurite& azurite = HttpsAzurite();
  LogCapture log;
  StoreOptions options;
  options.tls.verify = false;
  options.log = log.fn();
  auto store = OpenStore(azurite.ConnectionString(UniqueContainer()), options);
  ASSERT_NE(store, nullptr);
  ASSERT_OK(store->CreateDisk("disk0", kMiB));
  EXPECT_NE(log.All().find("TLS certificate verification is off"), std::string::npos) << log.All();
}

TEST(AzureStoreTest, CustomerProvidedKeysTravelWithEveryRequest) {
  std::array<uint8_t, 32> key{};
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(i * 13 + 1);
  StoreOptions options;
  options.encryption_key = key;
  // Over plain HTTP the key would travel in clear: refused before anything is sent.
  auto insecure = SyncStore::Open(HttpAzurite().ConnectionString(UniqueContainer()), options);
  ASSERT_EQ(CodeOf(insecure), Code::kInvalidArgument);
  EXPECT_NE(insecure.error().message().find("https"), std::string::npos);

  Azurite& azurite = HttpsAzurite();
  options.tls.ca_file = HttpsAzuriteCa();
  auto store = OpenStore(azurite.ConnectionString(UniqueContainer()), options);
  ASSERT_NE(store, nullptr);
  const Status s = store->CreateDisk("disk0", kMiB);
  // Azurite does not implement customer-provided keys; its strict mode refuses the
  // headers, which shows that they were sent (docs/azurite-notes.md).
  ASSERT_EQ(CodeOf(s), Code::kUnsupported) << (s.ok() ? "" : s.error().ToString());
  EXPECT_NE(s.error().message().find("x-ms-encryption-key"), std::string::npos) << s.error().message();
  EXPECT_EQ(s.error().message().find(azure::Base64Encode(key)), std::string::npos);
  GTEST_SKIP() << "Azurite cannot encrypt with a customer-provided key, so reading back "
                  "through the key is not exercised (docs/azurite-notes.md)";
}

TEST(BandwidthTest, TheLimitHoldsOnTheWire) {
  Azurite& azurite = HttpAzurite();
  StoreOptions options;
  options.bandwidth = std::make_shared<BandwidthLimiter>(BandwidthSchedule::Constant(4 * kMiB));
  auto store = OpenStore(azurite.ConnectionString(UniqueContainer()), options);
  ASSERT_NE(store, nullptr);
  ASSERT_OK(store->CreateDisk("disk0", 8 * kMiB));
  const auto data = Bytes(kMiB, 11);
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 4; ++i) ASSERT_OK(store->WritePages("disk0", static_cast<uint64_t>(i) * kMiB, data));
  const auto elapsed = std::chrono::steady_clock::now() - started;
  // 4 MiB at 4 MiB/s, less the allowed burst, cannot take less than 0.9 s.
  EXPECT_GE(elapsed, std::chrono::milliseconds(850));
}

// Each request is charged the bytes it puts on the wire, its head and body, not a whole
// piece of the transport: small page writes (an initial copy of scattered writes, a delta
// cycle) get the whole limit.
TEST(BandwidthTest, EachRequestIsChargedTheBytesItSends) {
  Azurite& azurite = HttpAzurite();
  StoreOptions options;
  options.bandwidth = std::make_shared<BandwidthLimiter>(BandwidthSchedule::Constant(64 * kMiB));
  auto store = OpenStore(azurite.ConnectionString(UniqueContainer()), options);
  ASSERT_NE(store, nullptr);
  ASSERT_OK(store->CreateDisk("disk0", 8 * kMiB));
  const uint64_t before = options.bandwidth->bytes_booked();
  const auto page = Bytes(4096, 3);
  constexpr int kWrites = 64;
  for (int i = 0; i < kWrites; ++i) ASSERT_OK(store->WritePages("disk0", static_cast<uint64_t>(i) * 2 * 4096, page));
  const uint64_t booked = options.bandwidth->bytes_booked() - before;
  EXPECT_GE(booked, kWrites * (4096 + 200)) << "every page and a head of a few hundred bytes";
  EXPECT_LE(booked, kWrites * (4096 + 2048)) << "no more than the page and its head";
}

}  // namespace
}  // namespace hvr::testing

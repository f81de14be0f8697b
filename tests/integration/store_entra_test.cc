// The Azure store signing in with Microsoft Entra ID: Azurite in OAuth mode over HTTPS
// takes the tokens, and a token endpoint the test runs on 127.0.0.1 issues them after
// checking the client secret or the client assertion's signature. What is checked: both
// kinds of credential, refusals and their classes, tokens replaced before they expire,
// one token request for many requests, a 401 answered with one new token, and secrets
// that never show.
#include <gtest/gtest.h>

#include <boost/asio/use_future.hpp>
#include <future>
#include <thread>

#include "hvr/sync_store.hpp"
#include "integration/store_backends.hpp"
#include "test_util/https_server.hpp"
#include "test_util/log_capture.hpp"
#include "test_util/result_assertions.hpp"
#include "test_util/sizes.hpp"
#include "test_util/token_endpoint.hpp"

namespace hvr::testing {
namespace {

namespace http = boost::beast::http;
using std::chrono::milliseconds;
using std::chrono::seconds;

using test::kMiB;
constexpr char kSecret[] = "Ab3~test.SECRET_of-the_app";

TokenEndpoint::Options EndpointOptions(seconds token_lifetime = seconds(3600)) {
  TokenEndpoint::Options options;
  options.tls = LoopbackCertificate();
  options.client_secret = kSecret;
  options.token_lifetime = token_lifetime;
  return options;
}

class EntraStoreTest : public ::testing::Test {
 protected:
  // A store on a new container of the OAuth Azurite, signing in at `endpoint` with
  // `keys` (its Keys()).
  std::unique_ptr<SyncStore> Open(const std::string& keys) {
    options_.tls.ca_file = HttpsAzuriteCa();
    options_.log = log_.fn();
    auto store = SyncStore::Open(
        "BlobEndpoint=" + EntraAzurite().BlobEndpoint() + ";" + keys + ";Container=" + UniqueContainer(),
        options_);
    EXPECT_TRUE(store.ok()) << store.error().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  // Nothing the store said, in errors or logs, holds a secret or a token.
  void ExpectNoSecretsIn(const std::string& text, const TokenEndpoint& endpoint) {
    EXPECT_EQ(text.find(kSecret), std::string::npos) << text;
    for (const auto& token : endpoint.tokens()) EXPECT_EQ(text.find(token), std::string::npos) << text;
  }

  // `count` operations at once, each needing a token; how many succeeded.
  int ConcurrentListings(SyncStore& store, int count) {
    std::vector<std::future<Result<std::vector<DiskProperties>>>> pending;
    for (int i = 0; i < count; ++i) pending.push_back(store.async().AsyncListDisks(boost::asio::use_future));
    int ok = 0;
    for (auto& result : pending) {
      auto listed = result.get();
      EXPECT_TRUE(listed.ok()) << listed.error().ToString();
      ok += listed.ok() ? 1 : 0;
    }
    return ok;
  }

  StoreOptions options_;
  LogCapture log_;
};

TEST_F(EntraStoreTest, AClientSecretSignsInOnceForEveryRequestOfTheStore) {
  TokenEndpoint endpoint(EndpointOptions());
  auto store = Open(endpoint.Keys(kSecret));
  ASSERT_NE(store, nullptr);
  ASSERT_OK(store->CreateDisk("disk0", 2 * kMiB));
  const std::vector<uint8_t> data(64 * 1024, 0x5a);
  ASSERT_OK(store->WritePages("disk0", kMiB, data));
  std::vector<uint8_t> back(data.size());
  ASSERT_OK(store->Read("disk0", "", kMiB, back));
  EXPECT_EQ(back, data);
  ASSERT_OK(store->CreateSnapshot("disk0"));
  EXPECT_EQ(endpoint.requests(), 1);
  EXPECT_EQ(endpoint.last_refusal(), "");
  ExpectNoSecretsIn(log_.All(), endpoint);
}

TEST_F(EntraStoreTest, ACertificateSignsInWithAnAssertionTheEndpointVerifies) {
  TempDir dir;
  const ClientCertificateFiles& app = ApplicationCertificate("app");
  TokenEndpoint::Options options = EndpointOptions();
  options.client_secret.clear();
  options.certificate = app.cert;
  TokenEndpoint endpoint(options);
  auto store = Open(endpoint.Keys("", app.with_key));
  ASSERT_NE(store, nullptr);
  ASSERT_OK(store->CreateDisk("disk0", kMiB));
  ASSERT_OK(store->GetDisk("disk0"));
  EXPECT_EQ(endpoint.requests(), 1);
  EXPECT_EQ(endpoint.last_refusal(), "");

  // Another certificate of the same name is not the one registered.
  const ClientCertificateFiles& other = ApplicationCertificate("other");
  auto impostor = Open(endpoint.Keys("", other.with_key));
  ASSERT_NE(impostor, nullptr);
  const auto refused = impostor->GetDisk("disk0");
  ASSERT_EQ(CodeOf(refused), Code::kAuthFailed);
  EXPECT_NE(refused.error().message().find("invalid_client: AADSTS700027"), std::string::npos)
      << refused.error().message();

  // A certificate file that cannot serve fails when the store opens, naming the file.
  auto missing = SyncStore::Open("BlobEndpoint=" + EntraAzurite().BlobEndpoint() + ";" +
                                     endpoint.Keys("", dir.File("missing.pem")) + ";Container=vms",
                                 options_);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), Code::kNotFound);
  EXPECT_NE(missing.error().message().find(dir.File("missing.pem")), std::string::npos);
}

TEST_F(EntraStoreTest, AWrongSecretIsANonRecoverableAuthenticationFailureThatNeverShowsIt) {
  TokenEndpoint endpoint(EndpointOptions());
  const std::string wrong = "Wr0ng~secret.value";
  auto store = Open(endpoint.Keys(wrong));
  ASSERT_NE(store, nullptr);
  const Status s = store->CreateDisk("disk0", kMiB);
  ASSERT_EQ(CodeOf(s), Code::kAuthFailed);
  EXPECT_FALSE(s.error().recoverable());
  const std::string& message = s.error().message();
  EXPECT_NE(message.find("invalid_client: AADSTS7000215: Invalid client secret provided"),
            std::string::npos) << message;
  EXPECT_NE(message.find("correlation id"), std::string::npos) << message;
  // The endpoint repeated the secret in its description; the store did not.
  EXPECT_NE(endpoint.last_refusal().find(wrong), std::string::npos);
  EXPECT_EQ(message.find(wrong), std::string::npos) << message;
  EXPECT_EQ(log_.All().find(wrong), std::string::npos) << log_.All();
}

TEST_F(EntraStoreTest, ATokenTheServiceRefusesIsAnAuthenticationFailure) {
  // Azurite checks each token's audience, issuer and lifetime: this one is for Key Vault.
  TokenEndpoint::Options options = EndpointOptions();
  options.audience = "https://vault.azure.net";
  TokenEndpoint endpoint(options);
  auto store = Open(endpoint.Keys(kSecret));
  ASSERT_NE(store, nullptr);
  const Status s = store->CreateDisk("disk0", kMiB);
  ASSERT_EQ(CodeOf(s), Code::kAuthFailed) << (s.ok() ? "" : s.error().ToString());
  EXPECT_NE(s.error().message().find("HTTP 403 AuthenticationFailed"), std::string::npos)
      << s.error().message();
  EXPECT_EQ(endpoint.requests(), 1) << "a 403 is an answer about the principal, not the token";
  ExpectNoSecretsIn(s.error().message(), endpoint);
}

TEST_F(EntraStoreTest, TokensAreReplacedBeforeTheyExpire) {
  // A 4-second token is due for replacement after 2 seconds.
  TokenEndpoint endpoint(EndpointOptions(seconds(4)));
  auto store = Open(endpoint.Keys(kSecret));
  ASSERT_NE(store, nullptr);
  ASSERT_OK(store->CreateDisk("disk0", kMiB));
  EXPECT_EQ(endpoint.requests(), 1);
  std::this_thread::sleep_for(milliseconds(2500));
  // Still valid, but due: this request fetches the next one and nothing fails.
  ASSERT_OK(store->GetDisk("disk0"));
  EXPECT_EQ(endpoint.requests(), 2);
  ASSERT_OK(store->GetDisk("disk0"));
  EXPECT_EQ(endpoint.requests(), 2);
  // Long after both expired, a request waits for a new token rather than send a dead one
  // (Azurite refuses expired tokens, so success is the proof).
  std::this_thread::sleep_for(milliseconds(4500));
  ASSERT_OK(store->GetDisk("disk0"));
  EXPECT_EQ(endpoint.requests(), 3);
  EXPECT_EQ(endpoint.tokens().size(), 3u);
}

TEST_F(EntraStoreTest, ManyRequestsAtOnceMakeOneTokenRequest) {
  TokenEndpoint::Options options = EndpointOptions(seconds(4));
  options.delay = milliseconds(300);  // long enough for every request to want a token
  TokenEndpoint endpoint(options);
  options_.max_in_flight = 16;
  auto store = Open(endpoint.Keys(kSecret));
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(ConcurrentListings(*store, 24), 24);
  EXPECT_EQ(endpoint.requests(), 1);
  // Once the token is due, one request replaces it while the others go on with it.
  std::this_thread::sleep_for(milliseconds(2500));
  EXPECT_EQ(ConcurrentListings(*store, 24), 24);
  EXPECT_EQ(endpoint.requests(), 2);
}

TEST_F(EntraStoreTest, ABusyOrUnreachableTokenEndpointIsRecoverable) {
  options_.retry.base_delay = milliseconds(10);
  options_.retry.max_delay = milliseconds(40);
  TokenEndpoint endpoint(EndpointOptions());
  endpoint.FailNext(1, 503, "temporarily_unavailable",
                    "AADSTS50196: The server is temporarily unavailable.");
  auto store = Open(endpoint.Keys(kSecret));
  ASSERT_NE(store, nullptr);
  // A request's retries cover its token: the second try signs in.
  ASSERT_OK(store->CreateDisk("disk0", kMiB));
  EXPECT_EQ(endpoint.requests(), 2);

  // Without retries the failure is the operation's: recoverable, in the endpoint's words.
  options_.retry.max_attempts = 1;
  endpoint.FailNext(1, 503, "temporarily_unavailable",
                    "AADSTS50196: The server is temporarily unavailable.");
  auto once = Open(endpoint.Keys(kSecret));
  ASSERT_NE(once, nullptr);
  const Status busy = once->CreateDisk("disk0", kMiB);
  ASSERT_EQ(CodeOf(busy), Code::kThrottled) << (busy.ok() ? "" : busy.error().ToString());
  EXPECT_TRUE(busy.error().recoverable());
  EXPECT_NE(busy.error().message().find("temporarily_unavailable: AADSTS50196"), std::string::npos)
      << busy.error().message();
  ASSERT_OK(once->CreateDisk("disk0", kMiB));  // the next attempt signs in
  EXPECT_EQ(endpoint.requests(), 4);

  std::string gone;
  {
    TokenEndpoint closed(EndpointOptions());
    gone = closed.Keys(kSecret);
  }
  auto unreachable = Open(gone);
  ASSERT_NE(unreachable, nullptr);
  const Status down = unreachable->CreateDisk("disk0", kMiB);
  ASSERT_EQ(CodeOf(down), Code::kNetwork) << (down.ok() ? "" : down.error().ToString());
  EXPECT_NE(down.error().message().find("token request to https://127.0.0.1:"), std::string::npos)
      << down.error().message();
}

TEST_F(EntraStoreTest, AFailedRefreshKeepsTheValidTokenAndWarns) {
  // Due after 3 seconds, valid for 6: the refresh fails while the token still serves.
  TokenEndpoint endpoint(EndpointOptions(seconds(6)));
  auto store = Open(endpoint.Keys(kSecret));
  ASSERT_NE(store, nullptr);
  ASSERT_OK(store->CreateDisk("disk0", kMiB));
  std::this_thread::sleep_for(milliseconds(3500));
  endpoint.FailNext(1, 503, "temporarily_unavailable", "AADSTS50196: try again later.");
  ASSERT_OK(store->GetDisk("disk0"));
  EXPECT_EQ(endpoint.requests(), 2);
  EXPECT_NE(log_.All().find("Entra ID token refresh failed; the current token serves"),
            std::string::npos) << log_.All();
  // No new attempt for a while: requests do not each wait for a failing endpoint.
  ASSERT_OK(store->GetDisk("disk0"));
  EXPECT_EQ(endpoint.requests(), 2);
  ExpectNoSecretsIn(log_.All(), endpoint);
}

// Azure answers a token it no longer takes with 401 (Azurite, with 403), so a small
// HTTPS server plays the Blob service here: it refuses the first token it sees.
TEST_F(EntraStoreTest, A401FromTheServiceReplacesTheTokenOnce) {
  TokenEndpoint endpoint(EndpointOptions());
  std::mutex mu;
  std::vector<std::string> seen;  // Authorization headers, in order
  bool refuse_all = false;
  HttpsServer blob(LoopbackCertificate(), [&](const HttpsServer::Request& request) {
    std::lock_guard lock(mu);
    seen.emplace_back(request[http::field::authorization]);
    HttpsServer::Reply reply;
    if (seen.size() == 1 || refuse_all) {
      reply.response.result(http::status::unauthorized);
      reply.response.set("x-ms-error-code", "InvalidAuthenticationInfo");
      reply.response.set(http::field::www_authenticate,
                         "Bearer authorization_uri=https://login.microsoftonline.com/t/oauth2/"
                         "authorize resource_id=https://storage.azure.com");
      return reply;
    }
    reply.response.result(http::status::ok);
    reply.response.set(http::field::content_length, std::to_string(kMiB + 512));
    reply.response.set("x-ms-blob-type", "PageBlob");
    return reply;
  });
  options_.tls.ca_file = HttpsAzuriteCa();
  const std::string target = "BlobEndpoint=" + blob.Origin() + "/devstoreaccount1;" +
                             endpoint.Keys(kSecret) + ";Container=vms";
  {
    auto store = SyncStore::Open(target, options_);
    ASSERT_OK(store);
    ASSERT_OK_AND_ASSIGN(const DiskProperties disk, (*store)->GetDisk("disk0"));
    EXPECT_EQ(disk.virtual_size, kMiB);
    ASSERT_EQ(endpoint.tokens().size(), 2u);
    std::lock_guard lock(mu);
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0], "Bearer " + endpoint.tokens()[0]);
    EXPECT_EQ(seen[1], "Bearer " + endpoint.tokens()[1]);
  }
  {
    std::lock_guard lock(mu);
    refuse_all = true;
    seen.clear();
  }
  auto store = SyncStore::Open(target, options_);
  ASSERT_OK(store);
  const auto refused = (*store)->GetDisk("disk0");
  EXPECT_EQ(CodeOf(refused), Code::kAuthFailed);
  EXPECT_EQ(endpoint.requests(), 4) << "one new token, not one per 401";
  std::lock_guard lock(mu);
  EXPECT_EQ(seen.size(), 2u);
}

}  // namespace
}  // namespace hvr::testing

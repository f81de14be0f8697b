// The Azure store against Azurite through a loopback proxy of the test's own
// (test_util/fault_proxy.hpp) that shows what the requests carry, injects throttling,
// stalls and dropped connections, or asks for credentials: how the transport signs,
// retries, resends and limits itself.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>

#include "hvr/sync_store.hpp"
#include "integration/azure_store_helpers.hpp"
#include "integration/store_backends.hpp"
#include "test_util/fault_proxy.hpp"
#include "test_util/log_capture.hpp"
#include "test_util/result_assertions.hpp"

namespace hvr::testing {
namespace {

TEST(AzureStoreTest, RequestsCarryVersionRequestIdUserAgentAndSignature) {
  Azurite& azurite = HttpAzurite();
  FaultProxy proxy;
  StoreOptions options;
  options.proxy = proxy.Url();
  auto store = OpenStore(azurite.ConnectionString(UniqueContainer()), options);
  ASSERT_NE(store, nullptr);
  ASSERT_OK(store->CreateDisk("disk0", kMiB));
  ASSERT_OK(store->WritePages("disk0", 0, Bytes(512, 1)));
  const auto heads = proxy.RequestHeads();
  ASSERT_GE(heads.size(), 3u);  // create (and the container), footer, write
  std::set<std::string> ids;
  for (const auto& head : heads) {
    EXPECT_NE(head.find("x-ms-version: 2024-11-04"), std::string::npos) << head;
    EXPECT_NE(head.find("User-Agent: hvr/"), std::string::npos) << head;
    EXPECT_NE(head.find("Authorization: SharedKey devstoreaccount1:"), std::string::npos) << head;
    const size_t at = head.find("x-ms-client-request-id: ");
    ASSERT_NE(at, std::string::npos) << head;
    ids.insert(head.substr(at, 60));
  }
  EXPECT_EQ(ids.size(), heads.size()) << "request ids must differ";
  EXPECT_NE(heads.back().find("x-ms-content-crc64: "), std::string::npos) << "Put Page carries its CRC-64";
}

// Writes `data` `count` times side by side at the start of disk0, all at once; the
// writes that failed.
int WriteAllAtOnce(SyncStore& store, const std::vector<uint8_t>& data, int count) {
  std::atomic<int> pending{count};
  std::atomic<int> failures{0};
  for (int i = 0; i < count; ++i) {
    store.async().AsyncWritePages("disk0", static_cast<uint64_t>(i) * data.size(), data, [&](Status s) {
      if (!s.ok()) ++failures;
      --pending;
    });
  }
  while (pending > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return failures;
}

// The store behind a proxy that misbehaves: throttling, stalls, dropped connections and
// answers lost after the service carried a request out. Retries wait milliseconds here.
class ProxiedStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    azurite_ = &HttpAzurite();
    options_.proxy = proxy_.Url();
    options_.io_timeout = std::chrono::milliseconds(1500);
    options_.retry.base_delay = std::chrono::milliseconds(10);
    options_.retry.max_delay = std::chrono::milliseconds(40);
    options_.log = log_.fn();
    container_ = UniqueContainer();
    store_ = Open(options_);
    ASSERT_NE(store_, nullptr);
    ASSERT_OK(store_->CreateDisk("disk0", kMiB));
  }

  std::unique_ptr<SyncStore> Open(const StoreOptions& options) {
    return OpenStore(azurite_->ConnectionString(container_), options);
  }
  // The same store with retries turned off: what one failed try looks like.
  std::unique_ptr<SyncStore> OpenWithoutRetries() {
    StoreOptions options = options_;
    options.retry.max_attempts = 1;
    return Open(options);
  }

  Azurite* azurite_ = nullptr;
  FaultProxy proxy_;
  LogCapture log_;
  StoreOptions options_;
  std::string container_;
  std::unique_ptr<SyncStore> store_;
};

TEST_F(ProxiedStoreTest, ServerBusyIsTriedAgainUntilItGoesThrough) {
  const int requests = proxy_.requests();
  proxy_.Inject({FaultProxy::Fault::kServerBusy, FaultProxy::Fault::kServerBusy});
  ASSERT_OK(store_->WritePages("disk0", 0, Bytes(4096, 4)));
  EXPECT_EQ(proxy_.requests(), requests + 3);
  const StoreStatistics stats = store_->async().statistics();
  EXPECT_EQ(stats.retries, 2u);
  EXPECT_EQ(stats.throttled, 2u);
  EXPECT_EQ(stats.failed_requests, 0u);
  std::vector<uint8_t> out(4096);
  ASSERT_OK(store_->Read("disk0", "", 0, out));
  EXPECT_EQ(out, Bytes(4096, 4));
}

TEST_F(ProxiedStoreTest, ARequestThatExhaustsItsRetriesFailsAsRecoverableThrottling) {
  StoreOptions options = options_;
  options.retry.max_attempts = 3;
  auto store = Open(options);
  proxy_.Inject(std::vector<FaultProxy::Fault>(3, FaultProxy::Fault::kServerBusy));
  const Status s = store->WritePages("disk0", 0, Bytes(4096, 4));
  ASSERT_EQ(CodeOf(s), Code::kThrottled) << (s.ok() ? "" : s.error().ToString());
  EXPECT_TRUE(s.error().recoverable());
  EXPECT_NE(s.error().message().find("503 ServerBusy"), std::string::npos) << s.error().message();
  EXPECT_EQ(store->async().statistics().failed_requests, 1u);
  EXPECT_NE(log_.All().find("gave up after 3 tries"), std::string::npos) << log_.All();
  ASSERT_OK(store->WritePages("disk0", 0, Bytes(4096, 4)));
}

TEST_F(ProxiedStoreTest, AStalledRequestTimesOutAndIsTriedAgain) {
  auto once = OpenWithoutRetries();
  proxy_.Inject({FaultProxy::Fault::kStall});
  const auto started = std::chrono::steady_clock::now();
  const Status s = once->WritePages("disk0", 0, Bytes(4096, 5));
  ASSERT_EQ(CodeOf(s), Code::kTimeout) << (s.ok() ? "" : s.error().ToString());
  EXPECT_TRUE(s.error().recoverable());
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(1400));

  proxy_.Inject({FaultProxy::Fault::kStall});
  ASSERT_OK(store_->WritePages("disk0", 0, Bytes(4096, 6)));
  EXPECT_EQ(store_->async().statistics().network_failures, 1u);
}

TEST_F(ProxiedStoreTest, AnAnswerThatKeepsMovingIsNeverCutOffByTheDeadline) {
  ASSERT_OK(store_->WritePages("disk0", 0, Bytes(64 * 1024, 14)));
  auto once = OpenWithoutRetries();
  ASSERT_TRUE(once->GetDisk("disk0").ok());  // the read below needs no HEAD first
  std::vector<uint8_t> out(64 * 1024);
  // 1 KiB every 50 ms: 64 KiB take three seconds, twice the 1.5 s without progress the
  // store allows.
  proxy_.Inject({FaultProxy::Fault::kTrickle});
  const auto started = std::chrono::steady_clock::now();
  ASSERT_OK(once->Read("disk0", "", 0, out));
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(2500));
  EXPECT_EQ(out, Bytes(64 * 1024, 14));
}

TEST_F(ProxiedStoreTest, AConnectionDroppedMidResponseIsTriedAgain) {
  ASSERT_OK(store_->WritePages("disk0", 0, Bytes(kMiB, 6)));
  auto once = OpenWithoutRetries();
  std::vector<uint8_t> out(kMiB);
  proxy_.Inject({FaultProxy::Fault::kCloseMidResponse});
  const Status s = once->Read("disk0", "", 0, out);
  ASSERT_EQ(CodeOf(s), Code::kNetwork) << (s.ok() ? "" : s.error().ToString());
  EXPECT_TRUE(s.error().recoverable());

  std::fill(out.begin(), out.end(), 0);
  proxy_.Inject({FaultProxy::Fault::kCloseMidResponse});
  ASSERT_OK(store_->Read("disk0", "", 0, out));
  EXPECT_EQ(out, Bytes(kMiB, 6));
}

TEST_F(ProxiedStoreTest, AKeptAliveConnectionFoundClosedIsResentAtOnceOnANewOne) {
  auto once = OpenWithoutRetries();
  ASSERT_OK(once->WritePages("disk0", 0, Bytes(4096, 7)));  // a connection to keep alive
  const int tunnels = proxy_.tunnels();
  const int requests = proxy_.requests();
  // The server takes the request on the kept-alive connection and closes it unanswered,
  // as a server does with a connection it timed out just as the request arrived.
  proxy_.Inject({FaultProxy::Fault::kCloseBeforeResponse});
  ASSERT_OK(once->WritePages("disk0", 0, Bytes(4096, 7)));
  EXPECT_EQ(proxy_.requests(), requests + 2);
  EXPECT_EQ(proxy_.tunnels(), tunnels + 1);
  EXPECT_NE(log_.All().find("re-sending"), std::string::npos) << log_.All();
  // Twice in a row is no longer a closed idle connection: a failed try.
  proxy_.Inject({FaultProxy::Fault::kCloseBeforeResponse, FaultProxy::Fault::kCloseBeforeResponse});
  const Status s = once->WritePages("disk0", 0, Bytes(4096, 8));
  EXPECT_EQ(CodeOf(s), Code::kNetwork) << (s.ok() ? "" : s.error().ToString());
}

TEST_F(ProxiedStoreTest, ACreateWhoseAnswerWasLostIsNotAConflict) {
  // The service creates the disk; the answer never arrives; the second try is told the
  // disk exists, and recognises it as its own.
  proxy_.Inject({FaultProxy::Fault::kCloseMidResponse});
  ASSERT_OK(store_->CreateDisk("disk1", 2 * kMiB, {{"owner", "a"}}));
  ASSERT_OK_AND_ASSIGN(const DiskProperties disk, store_->GetDisk("disk1"));
  EXPECT_EQ(disk.virtual_size, 2 * kMiB);
  EXPECT_EQ(disk.metadata, (Metadata{{"owner", "a"}})) << "the store's own keys never show";
  // Another agent's disk of the same name is still a conflict.
  auto other = OpenWithoutRetries();
  EXPECT_EQ(CodeOf(other->CreateDisk("disk1", 2 * kMiB)), Code::kConflict);
  proxy_.Inject({FaultProxy::Fault::kCloseMidResponse});
  EXPECT_EQ(CodeOf(store_->CreateDisk("disk1", 2 * kMiB)), Code::kConflict)
      << "a disk made by an earlier call is not this call's";
}

TEST_F(ProxiedStoreTest, ASnapshotWhoseAnswerWasLostLeavesOnePoint) {
  ASSERT_OK(store_->WritePages("disk0", 0, Bytes(4096, 9)));
  proxy_.Inject({FaultProxy::Fault::kCloseMidResponse});
  ASSERT_OK_AND_ASSIGN(const RecoveryPoint point, store_->CreateSnapshot("disk0", {true, {{"seq", "1"}}}));
  ASSERT_OK_AND_ASSIGN(const auto points, store_->ListSnapshots("disk0"));
  ASSERT_EQ(points.size(), 1u) << "the lost answer's snapshot and the second try's are one point";
  EXPECT_EQ(points[0].id, point.id);
  EXPECT_TRUE(points[0].app_consistent);
  EXPECT_EQ(points[0].metadata, (Metadata{{"seq", "1"}}));
}

TEST_F(ProxiedStoreTest, DeletesWhoseAnswerWasLostSucceed) {
  ASSERT_OK_AND_ASSIGN(const RecoveryPoint point, store_->CreateSnapshot("disk0"));
  proxy_.Inject({FaultProxy::Fault::kCloseMidResponse});
  ASSERT_OK(store_->DeleteSnapshot("disk0", point.id));
  ASSERT_OK_AND_ASSIGN(const auto points, store_->ListSnapshots("disk0"));
  EXPECT_TRUE(points.empty());
  proxy_.Inject({FaultProxy::Fault::kCloseMidResponse});
  ASSERT_OK(store_->DeleteDisk("disk0"));
  EXPECT_EQ(CodeOf(store_->GetDisk("disk0")), Code::kNotFound);
  // Deleting what never was is still an error.
  EXPECT_EQ(CodeOf(store_->DeleteSnapshot("disk0", point.id)), Code::kNotFound);
}

TEST_F(ProxiedStoreTest, LeaseCallsRepeatSafely) {
  const std::string id = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
  proxy_.Inject({FaultProxy::Fault::kCloseMidResponse});
  ASSERT_OK_AND_ASSIGN(const std::string held, store_->AcquireLease("disk0", std::chrono::seconds(60), id));
  EXPECT_EQ(held, id);
  proxy_.Inject({FaultProxy::Fault::kCloseMidResponse});
  ASSERT_OK(store_->RenewLease("disk0"));
  proxy_.Inject({FaultProxy::Fault::kCloseMidResponse});
  ASSERT_OK(store_->ReleaseLease("disk0"));
  // Released for real: another agent takes it at once.
  auto other = OpenWithoutRetries();
  const auto taken = other->AcquireLease("disk0", std::chrono::seconds(15), "");
  EXPECT_TRUE(taken.ok()) << taken.error().ToString();
}

TEST_F(ProxiedStoreTest, ACopyWhoseAnswerWasLostIsNotAConflict) {
  ASSERT_OK(store_->WritePages("disk0", 0, Bytes(4096, 12)));
  ASSERT_OK_AND_ASSIGN(const RecoveryPoint point, store_->CreateSnapshot("disk0"));
  proxy_.Inject({FaultProxy::Fault::kCloseMidResponse});
  ASSERT_OK(store_->CopySnapshot("disk0", point.id, "failed-over", {}));
  std::vector<uint8_t> out(4096);
  ASSERT_OK(store_->Read("failed-over", "", 0, out));
  EXPECT_EQ(out, Bytes(4096, 12));
}

TEST_F(ProxiedStoreTest, BusyAnswersShrinkTheRequestsInFlightOnceAndSuccessesGrowThemBack) {
  StoreOptions options = options_;
  options.max_in_flight = 8;
  auto store = Open(options);
  ASSERT_TRUE(store->GetDisk("disk0").ok());  // the writes below need no HEAD first
  // Eight connections opened first: were they opened by the busy round itself, a request
  // answered busy on the one open connection could be tried again, and answered busy
  // again, before the others had even left, and a second halving would be right.
  ASSERT_EQ(WriteAllAtOnce(*store, Bytes(64 * 1024, 13), 8), 0);
  // The three busy answers are held until all three requests have arrived: on a loaded
  // machine the client may otherwise send one, read its answer and halve, and only then
  // send the next, which is a second halving by the rule.
  proxy_.InjectTogether(std::vector<FaultProxy::Fault>(3, FaultProxy::Fault::kServerBusy));
  EXPECT_EQ(WriteAllAtOnce(*store, Bytes(64 * 1024, 13), 16), 0);
  const StoreStatistics stats = store->async().statistics();
  EXPECT_EQ(stats.throttled, 3u);
  EXPECT_EQ(stats.max_in_flight, 8);
  EXPECT_GE(stats.in_flight_limit, 4);
  // Busy answers to requests sent together halve the limit once, not once each
  // (adaptive_limit_test checks that rule without a network).
  EXPECT_NE(log_.All().find(" 4 requests in flight at most"), std::string::npos) << log_.All();
  EXPECT_EQ(log_.All().find(" 2 requests in flight at most"), std::string::npos) << log_.All();
  EXPECT_EQ(log_.All().find(" 1 requests in flight at most"), std::string::npos) << log_.All();
}

TEST_F(ProxiedStoreTest, ConnectionsNeverExceedTheRequestsInFlight) {
  options_.max_in_flight = 2;
  auto store = OpenStore(azurite_->ConnectionString(UniqueContainer()), options_);
  ASSERT_NE(store, nullptr);
  ASSERT_OK(store->CreateDisk("disk0", kMiB));
  const int before = proxy_.tunnels();
  EXPECT_EQ(WriteAllAtOnce(*store, Bytes(64 * 1024, 9), 16), 0);
  EXPECT_LE(proxy_.tunnels() - before, 2);
}

// Against a front end enforcing a blob's request target (the shaping proxy at 20 a
// second), a store told half that rate is never answered busy, and takes the time the
// rate sets; a store let go as fast as its requests in flight allow is answered busy.
TEST(PacingTest, AStoreKeptUnderABlobsRequestRateIsNeverAnsweredBusy) {
  Azurite& azurite = HttpAzurite();
  FaultProxy::Options shaped;
  shaped.shaping.blob_requests_per_second = 20;
  shaped.shaping.blob_bytes_per_second = 60 << 20;
  FaultProxy proxy(shaped);
  StoreOptions options;
  options.proxy = proxy.Url();
  options.max_in_flight = 8;
  options.retry.base_delay = std::chrono::milliseconds(10);
  options.retry.max_delay = std::chrono::milliseconds(40);
  constexpr int kWrites = 20;
  struct Outcome {
    double seconds = 0;
    int failed = 0;     // writes that used up their tries
    uint64_t busy = 0;  // busy answers the store counted
  };
  const auto write = [&](uint32_t blob_requests_per_second) {
    options.blob_requests_per_second = blob_requests_per_second;
    auto store = OpenStore(azurite.ConnectionString(UniqueContainer()), options);
    EXPECT_NE(store, nullptr);
    EXPECT_OK(store->CreateDisk("disk0", kMiB));
    Outcome outcome;
    const auto started = std::chrono::steady_clock::now();
    outcome.failed = WriteAllAtOnce(*store, Bytes(4096, 21), kWrites);
    outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    outcome.busy = store->async().statistics().throttled;
    return outcome;
  };
  const Outcome paced = write(10);
  EXPECT_EQ(paced.failed, 0);
  EXPECT_EQ(paced.busy, 0u);
  EXPECT_EQ(proxy.counters().blob_throttled, 0u);
  // The first write goes at once, each next one a tenth of a second after.
  EXPECT_GE(paced.seconds, (kWrites - 1) / 10.0 - 0.01);
  // Let go, the writes are answered busy, and with retries a few milliseconds apart some
  // use up their tries.
  const Outcome unpaced = write(LinkModel::kMaxRequestsPerSecond);
  EXPECT_GT(unpaced.busy, 0u);
  EXPECT_EQ(proxy.counters().blob_throttled, unpaced.busy);
}

TEST(ProxyTest, ProxyCredentialsAreSentAndNeverShown) {
  Azurite& azurite = HttpAzurite();
  FaultProxy proxy(FaultProxy::Options{"agent:s3cr3t-word"});
  StoreOptions options;
  options.proxy = "http://agent:s3cr3t-word@127.0.0.1:" + std::to_string(proxy.port());
  auto store = OpenStore(azurite.ConnectionString(UniqueContainer()), options);
  ASSERT_NE(store, nullptr);
  ASSERT_OK(store->CreateDisk("disk0", kMiB));
  options.proxy = "http://agent:wrong-word@127.0.0.1:" + std::to_string(proxy.port());
  auto refused = OpenStore(azurite.ConnectionString(UniqueContainer()), options);
  ASSERT_NE(refused, nullptr);
  const Status s = refused->CreateDisk("disk0", kMiB);
  ASSERT_EQ(CodeOf(s), Code::kAuthFailed) << (s.ok() ? "" : s.error().ToString());
  EXPECT_NE(s.error().message().find("407"), std::string::npos) << s.error().message();
  EXPECT_EQ(s.error().message().find("wrong-word"), std::string::npos) << s.error().message();
}

TEST(ProxyTest, HttpsTravelsThroughTheTunnel) {
  Azurite& azurite = HttpsAzurite();
  FaultProxy proxy;
  StoreOptions options;
  options.proxy = proxy.Url();
  options.tls.ca_file = HttpsAzuriteCa();
  auto store = OpenStore(azurite.ConnectionString(UniqueContainer()), options);
  ASSERT_NE(store, nullptr);
  ASSERT_OK(store->CreateDisk("disk0", kMiB));
  ASSERT_OK(store->WritePages("disk0", 0, Bytes(4096, 10)));
  EXPECT_GE(proxy.tunnels(), 1);
  EXPECT_EQ(proxy.requests(), 0) << "TLS must pass the proxy unread";
}
}  // namespace
}  // namespace hvr::testing

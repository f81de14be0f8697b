// The fault proxy does what each of its faults says, checked on both sides of it
// (fault_proxy_test_peers.hpp): what reached the service, whether it executed the
// request, what the client received and how the connection ended.
#include "test_util/fault_proxy.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cmath>
#include <set>

#include "test_util/fault_proxy_test_peers.hpp"

namespace hvr {
namespace {

using namespace proxy_test;
using Fault = FaultProxy::Fault;

uint64_t Injected(const FaultProxy& proxy, Fault fault) {
  return proxy.counters().faults[static_cast<size_t>(fault)];
}

// One request through a new proxy that meets `fault`: what the client saw, and what
// the service and the proxy counted once the service was done with it.
struct Outcome {
  Exchange exchange;
  int executed = 0;
  int cut_short = 0;
  FaultProxy::Counters counters;
};

Outcome Under(Fault fault, const std::string& request, FaultProxy::Options options = {}) {
  TinyServer server;
  FaultProxy proxy(options);
  TunnelClient client(proxy, server);
  proxy.Inject({fault});
  Outcome outcome;
  outcome.exchange = client.SendAndReadToEnd(request);
  server.Stop();
  outcome.executed = server.executed();
  outcome.cut_short = server.cut_short();
  outcome.counters = proxy.counters();
  return outcome;
}

TEST(FaultProxyTest, RelaysRequestsAndCountsTheirBodies) {
  TinyServer server;
  FaultProxy proxy;
  TunnelClient client(proxy, server);
  EXPECT_EQ(client.Call(TunnelClient::Put(10000))["x-received"], "10000");
  EXPECT_EQ(client.Call(TunnelClient::Get(5000)).body(), std::string(5000, 'x'));
  const FaultProxy::Counters counters = proxy.counters();
  EXPECT_EQ(counters.tunnels, 1u);
  EXPECT_EQ(counters.requests, 2u);
  EXPECT_EQ(counters.faults_injected(), 0u);
  EXPECT_EQ(counters.request_body_bytes, 10000u);
  EXPECT_EQ(counters.response_body_bytes, 5000u);
  EXPECT_EQ(server.executed(), 2);
  ASSERT_EQ(proxy.RequestHeads().size(), 2u);
  EXPECT_EQ(proxy.RequestHeads()[0].rfind("PUT /page HTTP/1.1\r\n", 0), 0u) << proxy.RequestHeads()[0];
}

TEST(FaultProxyTest, AnswersTheServiceErrorsInItsPlaceAndKeepsTheConnection) {
  struct Expected {
    Fault fault;
    unsigned status;
    std::string code;
  };
  const std::vector<Expected> errors = {
      {Fault::kServerBusy, 503, "ServerBusy"},         {Fault::kServerBusyRetryAfter, 503, "ServerBusy"},
      {Fault::kInternalError, 500, "InternalError"},   {Fault::kOperationTimedOut, 500, "OperationTimedOut"},
      {Fault::kRequestTimeout, 408, "RequestTimeout"}, {Fault::kTooManyRequests, 429, "TooManyRequests"},
      {Fault::kBadGateway, 502, "BadGateway"},         {Fault::kGatewayTimeout, 504, "GatewayTimeout"},
  };
  TinyServer server;
  FaultProxy::Options options;
  options.retry_after = 7s;
  FaultProxy proxy(options);
  TunnelClient client(proxy, server);
  for (const Expected& e : errors) {
    proxy.Inject({e.fault});
    const auto reply = client.Call(TunnelClient::Put(100));
    const std::string name(FaultProxy::FaultName(e.fault));
    EXPECT_EQ(reply.result_int(), e.status) << name;
    EXPECT_EQ(reply["x-ms-error-code"], e.code) << name;
    EXPECT_EQ(reply[http::field::content_type], "application/xml") << name;
    EXPECT_NE(reply.body().find("<Error><Code>" + e.code + "</Code><Message>"), std::string::npos) << reply.body();
    EXPECT_EQ(reply[http::field::retry_after], e.fault == Fault::kServerBusyRetryAfter ? "7" : "") << name;
    EXPECT_EQ(Injected(proxy, e.fault), 1u) << name;
  }
  EXPECT_EQ(server.executed(), 0) << "an answer in the service's place never reaches it";
  EXPECT_EQ(client.Call(TunnelClient::Get(10)).body(), "xxxxxxxxxx") << "the connection stays open";
  EXPECT_EQ(proxy.counters().request_body_bytes, 100 * errors.size());
}

TEST(FaultProxyTest, AResetComesBeforeAnyResponse) {
  const Outcome o = Under(Fault::kReset, TunnelClient::Put(1000));
  EXPECT_EQ(o.exchange.end, asio::error::connection_reset) << o.exchange.end.message();
  EXPECT_EQ(o.exchange.received, "");
  EXPECT_EQ(o.executed, 0);
  EXPECT_EQ(o.counters.request_body_bytes, 1000u);
}

TEST(FaultProxyTest, ACloseBeforeTheResponseNeverReachesTheService) {
  const Outcome o = Under(Fault::kCloseBeforeResponse, TunnelClient::Put(1000));
  EXPECT_EQ(o.exchange.end, asio::error::eof) << o.exchange.end.message();
  EXPECT_EQ(o.exchange.received, "");
  EXPECT_EQ(o.executed, 0);
}

TEST(FaultProxyTest, ADroppedResponseFollowsARequestTheServiceExecuted) {
  const Outcome o = Under(Fault::kDropResponse, TunnelClient::Put(1000));
  EXPECT_EQ(o.exchange.end, asio::error::eof) << o.exchange.end.message();
  EXPECT_EQ(o.exchange.received, "");
  EXPECT_EQ(o.executed, 1);
}

TEST(FaultProxyTest, AResponseIsCutInItsHead) {
  const Outcome o = Under(Fault::kCloseMidHead, TunnelClient::Get(3000));
  const std::string& received = o.exchange.received;
  EXPECT_EQ(o.exchange.end, asio::error::eof) << o.exchange.end.message();
  EXPECT_EQ(received.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << received;
  EXPECT_EQ(received.find("\r\n\r\n"), std::string::npos) << "the head must end unfinished: " << received;
  EXPECT_EQ(o.executed, 1);
  EXPECT_EQ(o.counters.response_body_bytes, 0u);
}

TEST(FaultProxyTest, AResponseIsCutInItsBody) {
  const Outcome o = Under(Fault::kCloseMidResponse, TunnelClient::Get(3000));
  const std::string& received = o.exchange.received;
  EXPECT_EQ(o.exchange.end, asio::error::eof) << o.exchange.end.message();
  const size_t head = received.find("\r\n\r\n");
  ASSERT_NE(head, std::string::npos) << received;
  EXPECT_NE(received.find("Content-Length: 3000"), std::string::npos) << received;
  EXPECT_EQ(received.size() - head - 4, 1500u);
  EXPECT_EQ(o.counters.response_body_bytes, 1500u);
}

TEST(FaultProxyTest, ARequestBodyIsCutAndTheServiceNeverExecutesIt) {
  const Outcome o = Under(Fault::kCutRequestBody, TunnelClient::Put(64 * 1024));
  // The reset reaches the client while it sends or, if the rest was on its way, as it
  // waits for the response.
  EXPECT_TRUE(o.exchange.sent == asio::error::connection_reset || o.exchange.end == asio::error::connection_reset)
      << o.exchange.sent.message() << ", then " << o.exchange.end.message();
  EXPECT_EQ(o.exchange.received, "");
  EXPECT_EQ(o.counters.request_body_bytes, 32u * 1024);
  // The service saw the head and half the body, then the connection reset.
  EXPECT_EQ(o.cut_short, 1);
  EXPECT_EQ(o.executed, 0);
}

TEST(FaultProxyTest, AStallAnswersNothingThenCloses) {
  FaultProxy::Options options;
  options.stall = 300ms;
  const Outcome o = Under(Fault::kStall, TunnelClient::Get(10), options);
  EXPECT_EQ(o.exchange.end, asio::error::eof) << o.exchange.end.message();
  EXPECT_EQ(o.exchange.received, "");
  EXPECT_GE(o.exchange.elapsed, 300ms);
  EXPECT_LT(o.exchange.elapsed, 5s);
  EXPECT_EQ(o.executed, 0);
}

TEST(FaultProxyTest, ATrickleDeliversTheWholeResponseSlowlyButSteadily) {
  TinyServer server;
  FaultProxy::Options options;
  options.trickle_bytes = 1024;
  options.trickle_interval = 20ms;
  FaultProxy proxy(options);
  TunnelClient client(proxy, server);
  proxy.Inject({Fault::kTrickle, Fault::kCloseAfterResponse});
  const auto started = SteadyClock::now();
  const auto response = client.Call(TunnelClient::Get(16 * 1024));
  // 16 KiB and a head: 17 pieces, 16 pauses.
  EXPECT_GE(SteadyClock::now() - started, 16 * 20ms);
  EXPECT_EQ(response.body(), std::string(16 * 1024, 'x'));
  EXPECT_EQ(proxy.counters().response_body_bytes, 16u * 1024);
  // The connection stays open; the next fault closes it after its response.
  const Exchange e = client.SendAndReadToEnd(TunnelClient::Get(5));
  EXPECT_EQ(e.end, asio::error::eof) << e.end.message();
  EXPECT_NE(e.received.find("\r\n\r\nxxxxx"), std::string::npos) << e.received;
  EXPECT_LT(e.first_byte, 1s);
  EXPECT_EQ(server.executed(), 2);
}

// Statuses of `count` requests through a proxy faulting at random with `random`.
std::vector<unsigned> StatusesUnder(FaultProxy::RandomFaults random, int count, FaultProxy::Counters* counters) {
  TinyServer server;
  FaultProxy proxy;
  proxy.SetRandom(std::move(random));
  TunnelClient client(proxy, server);
  std::vector<unsigned> statuses;
  for (int i = 0; i < count; ++i) statuses.push_back(client.Call(TunnelClient::Get(1)).result_int());
  *counters = proxy.counters();
  return statuses;
}

TEST(FaultProxyTest, RandomFaultsFollowTheSeedAndDealEveryKindInTurn) {
  const std::vector<Fault> kinds = {Fault::kServerBusy, Fault::kInternalError, Fault::kBadGateway};
  FaultProxy::Counters first, again, other;
  const auto statuses = StatusesUnder({0.25, kinds, 42}, 400, &first);
  EXPECT_EQ(StatusesUnder({0.25, kinds, 42}, 400, &again), statuses) << "the same seed, the same faults";
  EXPECT_NE(StatusesUnder({0.25, kinds, 43}, 400, &other), statuses);
  // 100 expected; far outside this would not be a rate of 25 %.
  EXPECT_GT(first.faults_injected(), 60u);
  EXPECT_LT(first.faults_injected(), 140u);
  std::multiset<uint64_t> per_kind;
  for (const Fault kind : kinds) per_kind.insert(first.faults[static_cast<size_t>(kind)]);
  EXPECT_LE(*per_kind.rbegin() - *per_kind.begin(), 1u) << "kinds are dealt in turn";
  EXPECT_EQ(first.faults_injected(), first.faults[static_cast<size_t>(Fault::kServerBusy)] +
                                         first.faults[static_cast<size_t>(Fault::kInternalError)] +
                                         first.faults[static_cast<size_t>(Fault::kBadGateway)]);
}

TEST(FaultProxyTest, RatesZeroAndOneAndQueuedFaultsFirst) {
  FaultProxy::Counters counters;
  const auto none = StatusesUnder({0, {Fault::kServerBusy}, 1}, 50, &counters);
  EXPECT_EQ(counters.faults_injected(), 0u);
  EXPECT_EQ(none, std::vector<unsigned>(50, 200));
  const auto all = StatusesUnder({1, {Fault::kServerBusy}, 1}, 50, &counters);
  EXPECT_EQ(all, std::vector<unsigned>(50, 503));

  TinyServer server;
  FaultProxy proxy;
  proxy.SetRandom({1, {Fault::kServerBusy}, 1});
  proxy.Inject({Fault::kInternalError});
  TunnelClient client(proxy, server);
  EXPECT_EQ(client.Call(TunnelClient::Get(1)).result_int(), 500u);
  EXPECT_EQ(client.Call(TunnelClient::Get(1)).result_int(), 503u);
  proxy.Clear();
  EXPECT_EQ(client.Call(TunnelClient::Get(1)).result_int(), 200u) << "Clear stops random faults too";
}

// Shaping: the proxy as a WAN in front of the service's per-blob targets. The checks are
// on what the proxy let through and how long it took to, never on a client's speed.
FaultProxy::Options Shaped(const TinyServer& server, FaultProxy::Options::Shaping shaping) {
  FaultProxy::Options options;
  options.shaping = shaping;
  options.upstream = server.port();
  return options;
}

TEST(FaultProxyShapingTest, ForwardsEveryConnectionToItsUpstreamWithoutConnect) {
  TinyServer server;
  FaultProxy proxy(Shaped(server, {}));
  TunnelClient client(proxy);
  EXPECT_EQ(client.Call(TunnelClient::Put(1000)).at("x-received"), "1000");
  EXPECT_EQ(client.Call(TunnelClient::Get(300)).body().size(), 300u);
  server.Stop();
  EXPECT_EQ(server.executed(), 2);
  EXPECT_EQ(proxy.counters().tunnels, 1u);
}

TEST(FaultProxyShapingTest, AnswersServerBusyBeyondABlobsRequestRateAndCountsEachBlobApart) {
  TinyServer server;
  // 20 requests a second: a burst of 2 (a tenth of a second), then one every 50 ms.
  FaultProxy proxy(Shaped(server, {.blob_requests_per_second = 20, .blob_bytes_per_second = 60 << 20}));
  TunnelClient client(proxy);
  const auto started = SteadyClock::now();
  int busy = 0;
  int ok = 0;
  for (int i = 0; i < 40; ++i) {
    const auto response = client.Call(TunnelClient::Put(512, "/c/disk0"));
    if (response.result() == http::status::service_unavailable) {
      ++busy;
      EXPECT_EQ(response.at("x-ms-error-code"), "ServerBusy");
      EXPECT_NE(response.body().find("<Code>ServerBusy</Code>"), std::string::npos);
    } else {
      EXPECT_EQ(response.result(), http::status::created);
      ++ok;
    }
  }
  const double seconds = std::chrono::duration<double>(SteadyClock::now() - started).count();
  // Another blob has its own budget, however spent the first one's is.
  EXPECT_EQ(client.Call(TunnelClient::Put(512, "/c/disk1")).result(), http::status::created);
  server.Stop();
  EXPECT_GT(busy, 0);
  EXPECT_LE(ok, 2 + static_cast<int>(20 * seconds) + 1) << "in " << seconds << " s";
  EXPECT_EQ(server.executed(), ok + 1);  // a refused request never reaches the service
  EXPECT_EQ(proxy.counters().blob_throttled, static_cast<uint64_t>(busy));
  EXPECT_EQ(proxy.counters().faults_injected(), 0u);
}

TEST(FaultProxyShapingTest, AnswersServerBusyBeyondABlobsByteRateCountingBothDirections) {
  TinyServer server;
  // 4 MiB a second: the bucket holds one 4 MiB page; a read of 8 MiB leaves it 4 MiB in
  // debt, a second of refusals.
  FaultProxy proxy(Shaped(server, {.blob_requests_per_second = 1000, .blob_bytes_per_second = 4 << 20}));
  TunnelClient client(proxy);
  EXPECT_EQ(client.Call(TunnelClient::Get(8 << 20)).result(), http::status::ok);
  const std::string same_blob = "/bytes/" + std::to_string(8 << 20);
  EXPECT_EQ(client.Call(TunnelClient::Put(4096, same_blob)).result(), http::status::service_unavailable);
  server.Stop();
  EXPECT_EQ(proxy.counters().blob_throttled, 1u);
}

TEST(FaultProxyShapingTest, CarriesBytesNoFasterThanTheLinkInEitherDirection) {
  TinyServer server;
  constexpr double kRate = 8 << 20;  // 8 MiB a second
  FaultProxy proxy(Shaped(server, {.link_bytes_per_second = 8 << 20}));
  TunnelClient client(proxy);
  constexpr size_t kBytes = 4 << 20;
  // The link's burst (a piece of 64 KiB, or 10 ms of its rate) is all that may pass
  // without waiting.
  const double least = (kBytes - std::max(64.0 * 1024, kRate / 100)) / kRate;
  for (const std::string& request : {TunnelClient::Put(kBytes), TunnelClient::Get(kBytes)}) {
    const auto started = SteadyClock::now();
    const auto status = client.Call(request).result();
    EXPECT_TRUE(status == http::status::ok || status == http::status::created) << status;
    const double seconds = std::chrono::duration<double>(SteadyClock::now() - started).count();
    EXPECT_GE(seconds, least);
    // Loose: the machine may be busy, but an unpaced proxy moves 4 MiB in milliseconds.
    EXPECT_LT(seconds, least * 4);
  }
}

TEST(FaultProxyShapingTest, DelaysEachNewConnectionAndEachRequestByTheRoundTripTime) {
  TinyServer server;
  FaultProxy proxy(Shaped(server, {.rtt = 100ms}));
  const auto started = SteadyClock::now();
  TunnelClient client(proxy);
  client.Call(TunnelClient::Get(10));
  const auto first = SteadyClock::now() - started;
  client.Call(TunnelClient::Get(10));
  const auto both = SteadyClock::now() - started;
  EXPECT_GE(first, 200ms);  // the handshake and the request
  EXPECT_GE(both - first, 100ms);
}

TEST(FaultProxyShapingTest, RefusesOneBlobTargetWithoutTheOther) {
  FaultProxy::Options options;
  options.shaping.blob_requests_per_second = 500;
  EXPECT_THROW(FaultProxy{options}, std::invalid_argument);
}

TEST(FaultProxyTest, RefusesRatesOutsideZeroToOneAnEmptySetOfKindsAndAnEmptyTrickle) {
  FaultProxy::Options empty_trickle;
  empty_trickle.trickle_bytes = 0;
  EXPECT_THROW(FaultProxy{empty_trickle}, std::invalid_argument);
  FaultProxy proxy;
  EXPECT_THROW(proxy.SetRandom({1.5, {Fault::kReset}, 1}), std::invalid_argument);
  EXPECT_THROW(proxy.SetRandom({-0.1, {Fault::kReset}, 1}), std::invalid_argument);
  EXPECT_THROW(proxy.SetRandom({std::nan(""), {Fault::kReset}, 1}), std::invalid_argument);
  EXPECT_THROW(proxy.SetRandom({0.1, {}, 1}), std::invalid_argument);
}

TEST(FaultProxyTest, EveryFaultHasANameThatReadsBackAndACounterInTheJson) {
  std::set<std::string_view> names;
  for (const Fault fault : FaultProxy::AllFaults()) {
    const std::string_view name = FaultProxy::FaultName(fault);
    EXPECT_EQ(FaultProxy::ParseFault(name), fault) << name;
    names.insert(name);
  }
  EXPECT_EQ(names.size(), FaultProxy::kFaultCount - 1);
  EXPECT_EQ(FaultProxy::ParseFault("server_busy"), std::nullopt);

  FaultProxy::Counters counters;
  counters.requests = 9;
  counters.faults[static_cast<size_t>(Fault::kTrickle)] = 2;
  counters.faults[static_cast<size_t>(Fault::kReset)] = 1;
  counters.request_body_bytes = 1234;
  const auto json = boost::json::parse(counters.ToJson()).as_object();
  EXPECT_EQ(json.at("requests").to_number<uint64_t>(), 9u);
  EXPECT_EQ(json.at("faults_injected").to_number<uint64_t>(), 3u);
  EXPECT_EQ(json.at("request_body_bytes").to_number<uint64_t>(), 1234u);
  EXPECT_EQ(json.at("faults").as_object().size(), FaultProxy::kFaultCount - 1);
  EXPECT_EQ(json.at("faults").at("trickle").to_number<uint64_t>(), 2u);
}

TEST(FaultProxyTest, CountersOfSeveralRunsAddUp) {
  FaultProxy::Counters total, run;
  run.tunnels = 2;
  run.requests = 10;
  run.faults[static_cast<size_t>(Fault::kStall)] = 1;
  run.request_body_bytes = 100;
  run.response_body_bytes = 7;
  total += run;
  total += run;
  EXPECT_EQ(total.tunnels, 4u);
  EXPECT_EQ(total.requests, 20u);
  EXPECT_EQ(total.faults[static_cast<size_t>(Fault::kStall)], 2u);
  EXPECT_EQ(total.faults_injected(), 2u);
  EXPECT_EQ(total.request_body_bytes, 200u);
  EXPECT_EQ(total.response_body_bytes, 14u);
}

}  // namespace
}  // namespace hvr

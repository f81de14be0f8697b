// The fault proxy does what each of its faults says: a small HTTP server on loopback
// stands for the service (it counts the requests it executed and the ones that arrived
// cut short), and a client speaks to it through the proxy's tunnel byte by byte, so
// that what reaches each side can be checked exactly.
#include "test_util/fault_proxy.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "test_util/build_paths.hpp"
#include "test_util/command.hpp"
#include "test_util/temp_dir.hpp"
#include "util/file.hpp"

namespace hvr {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Fault = FaultProxy::Fault;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// The service: GET /bytes/N answers N bytes; PUT answers 201 with the body's size in
// `x-received`. Each connection has its own thread, as each tunnel does.
class TinyServer {
 public:
  TinyServer() : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    acceptor_thread_ = std::thread([this] { Accept(); });
  }
  ~TinyServer() { Stop(); }

  // Serves the connections already made until the proxy ends them (ending them itself
  // after a while) and waits for their threads: what they counted is then final.
  void Stop() {
    if (stopping_.exchange(true)) return;
    boost::system::error_code ec;
    // Wakes the blocking accept; connections made before it are served first.
    tcp::socket(io_).connect(acceptor_.local_endpoint(), ec);
    acceptor_thread_.join();
    for (int i = 0; i < 300 && serving_ > 0; ++i) std::this_thread::sleep_for(10ms);
    {
      std::lock_guard lock(mu_);
      for (auto& socket : sockets_) socket->shutdown(tcp::socket::shutdown_both, ec);
    }
    for (auto& t : threads_) t.join();
  }

  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  int executed() const { return executed_; }
  int cut_short() const { return cut_short_; }

 private:
  void Accept() {
    while (true) {
      auto socket = std::make_shared<tcp::socket>(io_);
      boost::system::error_code ec;
      acceptor_.accept(*socket, ec);
      if (ec) return;
      std::lock_guard lock(mu_);
      sockets_.push_back(socket);
      ++serving_;
      threads_.emplace_back([this, socket] {
        Serve(*socket);
        --serving_;
      });
      if (stopping_) return;
    }
  }

  // Until the connection ends.
  void Serve(tcp::socket& socket) {
    beast::flat_buffer buffer;
    while (true) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(64 << 20);
      boost::system::error_code ec;
      http::read_header(socket, buffer, parser, ec);
      if (ec) return;
      http::read(socket, buffer, parser, ec);
      if (ec) {
        ++cut_short_;
        return;
      }
      ++executed_;
      const auto& request = parser.get();
      http::response<http::string_body> response{http::status::ok, 11};
      if (request.method() == http::verb::put) {
        response.result(http::status::created);
        response.set("x-received", std::to_string(request.body().size()));
      } else {
        const std::string target(request.target());
        response.body() = std::string(std::stoul(target.substr(target.rfind('/') + 1)), 'x');
      }
      response.prepare_payload();
      http::write(socket, response, ec);
      if (ec) return;
    }
  }

  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> serving_{0};  // connections
  std::atomic<int> executed_{0};
  std::atomic<int> cut_short_{0};
  std::mutex mu_;
  std::vector<std::shared_ptr<tcp::socket>> sockets_;
  std::vector<std::thread> threads_;
  std::thread acceptor_thread_;
};

// What a client saw of one exchange.
struct Exchange {
  boost::system::error_code sent;  // how sending the request ended
  std::string received;            // every byte that arrived
  boost::system::error_code end;   // how the connection ended after them
  std::chrono::milliseconds elapsed{0};
  std::chrono::milliseconds first_byte{0};
};

// A client in a tunnel through the proxy to the server.
class TunnelClient {
 public:
  TunnelClient(const FaultProxy& proxy, const TinyServer& server) : TunnelClient(proxy.port(), server) {}
  // Through a proxy that forwards every connection (Options::upstream): no CONNECT.
  explicit TunnelClient(const FaultProxy& proxy) : socket_(io_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), proxy.port()));
  }
  TunnelClient(uint16_t proxy_port, const TinyServer& server) : socket_(io_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), proxy_port));
    const std::string target = "127.0.0.1:" + std::to_string(server.port());
    asio::write(socket_, asio::buffer("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n"));
    http::response_parser<http::empty_body> established;
    established.skip(true);  // a CONNECT answer has no body, whatever its headers say
    http::read_header(socket_, buffer_, established);
    EXPECT_EQ(established.get().result(), http::status::ok);
  }

  static std::string Get(size_t size) {
    return "GET /bytes/" + std::to_string(size) + " HTTP/1.1\r\nHost: service\r\n\r\n";
  }
  static std::string Put(size_t size, const std::string& blob = "/page") {
    return "PUT " + blob + " HTTP/1.1\r\nHost: service\r\nContent-Length: " + std::to_string(size) + "\r\n\r\n" +
           std::string(size, 'p');
  }

  // Sends a request and reads one whole response; fails the test if none arrives.
  http::response<http::string_body> Call(const std::string& request) {
    boost::system::error_code ec;
    asio::write(socket_, asio::buffer(request), ec);
    EXPECT_FALSE(ec) << ec.message();
    http::response_parser<http::string_body> response;
    response.body_limit(64 << 20);
    http::read(socket_, buffer_, response, ec);
    EXPECT_FALSE(ec) << ec.message();
    return response.release();
  }

  // Sends a request (as much of it as the connection takes) and reads everything that
  // arrives until the connection ends.
  Exchange SendAndReadToEnd(const std::string& request) {
    Exchange exchange;
    const auto started = Clock::now();
    boost::system::error_code ec;
    asio::write(socket_, asio::buffer(request), exchange.sent);
    exchange.received.assign(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    char chunk[4096];
    while (true) {
      const size_t n = socket_.read_some(asio::buffer(chunk), ec);
      if (ec) break;
      if (exchange.received.empty()) exchange.first_byte = Since(started);
      exchange.received.append(chunk, n);
    }
    exchange.end = ec;
    exchange.elapsed = Since(started);
    return exchange;
  }

 private:
  static std::chrono::milliseconds Since(Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t);
  }

  asio::io_context io_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

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
  const auto started = Clock::now();
  const auto response = client.Call(TunnelClient::Get(16 * 1024));
  // 16 KiB and a head: 17 pieces, 16 pauses.
  EXPECT_GE(Clock::now() - started, 16 * 20ms);
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
  const auto started = Clock::now();
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
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
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
    const auto started = Clock::now();
    const auto status = client.Call(request).result();
    EXPECT_TRUE(status == http::status::ok || status == http::status::created) << status;
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    EXPECT_GE(seconds, least);
    // Loose: the machine may be busy, but an unpaced proxy moves 4 MiB in milliseconds.
    EXPECT_LT(seconds, least * 4);
  }
}

TEST(FaultProxyShapingTest, DelaysEachNewConnectionAndEachRequestByTheRoundTripTime) {
  TinyServer server;
  FaultProxy proxy(Shaped(server, {.rtt = 100ms}));
  const auto started = Clock::now();
  TunnelClient client(proxy);
  client.Call(TunnelClient::Get(10));
  const auto first = Clock::now() - started;
  client.Call(TunnelClient::Get(10));
  const auto both = Clock::now() - started;
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

// hvr-fault-proxy: the same proxy as a program, bounded in time, its counters in a file.
class FaultProxyProgramTest : public ::testing::Test {
 protected:
  // Starts the program and waits for the port it prints.
  uint16_t Start(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {testing::kFaultProxyPath, "--counters", Counters()};
    argv.insert(argv.end(), args.begin(), args.end());
    program_ = std::make_unique<testing::ChildProcess>(argv, dir_.File("out"));
    for (int i = 0; i < 500; ++i) {
      const auto out = ReadWholeFile(dir_.File("out"));
      if (out.ok() && out->find('\n') != std::string::npos) return static_cast<uint16_t>(std::stoi(*out));
      std::this_thread::sleep_for(10ms);
    }
    ADD_FAILURE() << "hvr-fault-proxy printed no port";
    return 0;
  }
  std::string Counters() const { return dir_.File("counters.json"); }
  boost::json::object ReadCounters() const {
    const auto text = ReadWholeFile(Counters());
    return text.ok() ? boost::json::parse(*text).as_object() : boost::json::object{};
  }

  TempDir dir_;
  std::unique_ptr<testing::ChildProcess> program_;
};

TEST_F(FaultProxyProgramTest, FaultsAtTheRateItIsGivenAndWritesItsCounters) {
  TinyServer server;
  const uint16_t port = Start({"--seconds", "60", "--rate", "1", "--kinds", "internal-error,bad-gateway"});
  ASSERT_NE(port, 0);
  TunnelClient client(port, server);
  const std::set<unsigned> statuses = {client.Call(TunnelClient::Put(100)).result_int(),
                                       client.Call(TunnelClient::Put(100)).result_int()};
  EXPECT_EQ(statuses, (std::set<unsigned>{500, 502})) << "each kind in turn";
  program_->Kill(SIGUSR1);
  for (int i = 0; i < 200 && ReadCounters()["requests"] != 2; ++i) std::this_thread::sleep_for(10ms);
  const auto counters = ReadCounters();
  EXPECT_EQ(counters.at("requests").to_number<uint64_t>(), 2u) << boost::json::serialize(counters);
  EXPECT_EQ(counters.at("request_body_bytes").to_number<uint64_t>(), 200u);
  EXPECT_EQ(counters.at("faults").at("internal-error").to_number<uint64_t>(), 1u);
  EXPECT_EQ(counters.at("faults").at("bad-gateway").to_number<uint64_t>(), 1u);
  program_->Kill(SIGTERM);
  EXPECT_EQ(program_->Wait(), 0);
  EXPECT_EQ(server.executed(), 0);
}

TEST_F(FaultProxyProgramTest, EndsByItselfAfterItsSeconds) {
  const auto started = Clock::now();
  ASSERT_NE(Start({"--seconds", "0.5"}), 0);
  EXPECT_EQ(program_->Wait(), 0);
  EXPECT_LT(Clock::now() - started, 10s);
  EXPECT_EQ(ReadCounters().at("requests").to_number<uint64_t>(), 0u);
}

TEST_F(FaultProxyProgramTest, RefusesBadArgumentsNamingTheValidOnes) {
  const auto rate = testing::RunCommand({testing::kFaultProxyPath, "--seconds", "1", "--rate", "1.5"});
  EXPECT_EQ(rate.exit_code, 2);
  EXPECT_NE(rate.output.find("--rate: between 0 and 1"), std::string::npos) << rate.output;
  const auto kinds = testing::RunCommand({testing::kFaultProxyPath, "--seconds", "1", "--kinds", "reset,gremlins"});
  EXPECT_EQ(kinds.exit_code, 2);
  EXPECT_NE(kinds.output.find("unknown fault 'gremlins'"), std::string::npos) << kinds.output;
  EXPECT_NE(kinds.output.find("cut-request-body"), std::string::npos) << kinds.output;
  const auto bounded = testing::RunCommand({testing::kFaultProxyPath, "--rate", "0.1"});
  EXPECT_EQ(bounded.exit_code, 2) << "it runs for a bounded time only";
  EXPECT_NE(bounded.output.find("seconds"), std::string::npos) << bounded.output;
}

}  // namespace
}  // namespace hvr

// An HTTP CONNECT proxy on loopback for tests: it opens tunnels like any proxy and, for
// plain-HTTP targets, reads the requests inside the tunnel so it can misbehave the way
// networks and storage services do (docs/fault-injection.md): answer with the errors
// Azure Storage is allowed to answer, reset or close the connection before, during or
// after a response, cut a request's body, stall, or trickle a response. Faults are given
// one by one in order (Inject) or drawn at random at a rate with a seed (SetRandom).
// TLS traffic is relayed untouched. Each client connection is served by its own thread.
//
// It also shapes what it relays (Options::shaping), for benchmarks that stand for a WAN
// and the real service on loopback (docs/benchmarks.md): a link of limited bandwidth in
// each direction and a round-trip time, and the service's targets per blob, beyond which
// it answers 503 ServerBusy. With Options::upstream it is a reverse proxy, so that clients
// that cannot tunnel plain HTTP through CONNECT (the Azure JS SDK) can use it too.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "test_util/token_bucket.hpp"

namespace hvr {

class FaultProxy {
 public:
  // What the proxy does to one request it reads inside a tunnel.
  enum class Fault {
    kNone,  // relay the request and its response
    // Answers in place of the service, with its XML error body and x-ms-error-code
    // (fault_replies.hpp); the request is read whole and never reaches the service.
    kServerBusy,            // 503 ServerBusy
    kServerBusyRetryAfter,  // 503 ServerBusy with Retry-After (Options::retry_after)
    kInternalError,         // 500 InternalError
    kOperationTimedOut,     // 500 OperationTimedOut
    kRequestTimeout,        // 408
    kTooManyRequests,       // 429
    kBadGateway,            // 502
    kGatewayTimeout,        // 504
    // The connection fails.
    kReset,                // read the request, then reset the connection (RST): no response
    kCloseBeforeResponse,  // read the request, then close the client's connection
    kDropResponse,         // relay the request (the service executes it), then close unanswered
    kCloseMidHead,         // relay the request, send half the response's head, close
    kCloseMidResponse,     // relay the request, send the head and half the body (half the
                           // head when there is no body), close
    kCutRequestBody,       // relay the head and half the request's body, then end the
                           // service's connection and reset the client's
    kCloseAfterResponse,   // relay both, then close although keep-alive was promised
    kStall,                // never answer; close after Options::stall
    kTrickle,              // relay the response Options::trickle_bytes at a time
  };
  static constexpr size_t kFaultCount = static_cast<size_t>(Fault::kTrickle) + 1;

  // "server-busy", "reset", ... (the names hvr-fault-proxy --kinds takes).
  static std::string_view FaultName(Fault fault);
  static std::optional<Fault> ParseFault(std::string_view name);
  // Every fault, kNone excepted.
  static std::vector<Fault> AllFaults();

  struct Options {
    Options() = default;
    explicit Options(std::string proxy_credentials) : credentials(std::move(proxy_credentials)) {}

    std::string credentials;  // "user:password": demand Proxy-Authorization (407 otherwise)
    // How long a stall holds the connection before closing it; empty: until the proxy
    // stops (the client's own timeout ends it).
    std::optional<std::chrono::milliseconds> stall;
    // A trickle sends this many bytes of the response every interval (at least 1).
    size_t trickle_bytes = 1024;
    std::chrono::milliseconds trickle_interval{50};
    std::chrono::seconds retry_after{1};  // what kServerBusyRetryAfter asks for

    // A WAN and the service's limits, applied to plain-HTTP requests (TLS is relayed
    // untouched). Zero turns each off.
    struct Shaping {
      // The link, each direction shared by every connection: request bytes are read
      // from clients and response bytes written to them at most this fast.
      uint64_t link_bytes_per_second = 0;
      // Paid once by each new connection (the TCP handshake) and once by each request
      // between its last byte arriving and its forwarding (the request's and the
      // response's way through the WAN).
      std::chrono::milliseconds rtt{0};
      // The Blob service's targets for one page blob (500 requests and 60 MiB a second,
      // "Scalability and performance targets for Blob storage"): a request beyond them is
      // answered 503 ServerBusy and never reaches the service. Both or neither.
      double blob_requests_per_second = 0;
      uint64_t blob_bytes_per_second = 0;
    };
    Shaping shaping;
    // When set, the proxy forwards every connection to 127.0.0.1:upstream as if it were
    // the service (a reverse proxy), instead of waiting for CONNECT.
    std::optional<uint16_t> upstream;
  };

  // Faults drawn at random: each request, in the order requests arrive, takes the next
  // draw of a generator seeded with `seed` and is faulted when it falls under `rate`, so
  // a run that makes its requests in the same order meets the same faults. The kinds are dealt in turn from a shuffle of
  // `kinds` (reshuffled when used up), so every kind comes up as often as the others.
  struct RandomFaults {
    double rate = 0;  // 0..1
    std::vector<Fault> kinds = AllFaults();
    uint64_t seed = 1;
  };

  struct Counters {
    uint64_t tunnels = 0;   // CONNECTs accepted (connections forwarded, with Options::upstream)
    uint64_t requests = 0;  // requests read inside tunnels, faulted ones included
    std::array<uint64_t, kFaultCount> faults{};  // faults injected, by kind (kNone: 0)
    // Body bytes read from clients: what they put on the wire, requests sent again and
    // bodies cut short included.
    uint64_t request_body_bytes = 0;
    uint64_t response_body_bytes = 0;  // body bytes sent to clients
    // Requests answered 503 ServerBusy because their blob was past its targets
    // (Options::shaping); faults are counted apart, in `faults`.
    uint64_t blob_throttled = 0;
    uint64_t faults_injected() const;
    Counters& operator+=(const Counters& other);
    // {"tunnels":..,"requests":..,"faults_injected":..,"faults":{"reset":..},...}
    std::string ToJson() const;
  };

  // Throws std::invalid_argument for a trickle of 0 bytes or only one of the blob
  // targets, std::runtime_error when it cannot listen on 127.0.0.1.
  explicit FaultProxy(Options options);
  FaultProxy() : FaultProxy(Options{}) {}
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  uint16_t port() const { return port_; }
  std::string Url() const;  // "http://127.0.0.1:PORT"

  // Faults for the next requests seen in tunnels, one each, in order; they come before
  // random ones.
  void Inject(std::vector<Fault> faults);
  // Faults for the next faults.size() requests whose answers are all held until the last of
  // them has arrived (or `wait` passed), so the client receives them as answers to requests
  // it had in flight together, however a loaded machine schedules its sending. Throws
  // std::logic_error when faults injected earlier are still queued.
  void InjectTogether(std::vector<Fault> faults, std::chrono::milliseconds wait = std::chrono::seconds(10));
  // Forgets the faults not used yet and stops drawing random ones: the network is
  // healthy again.
  void Clear();
  // Throws std::invalid_argument for a rate outside 0..1 or no kinds to draw from.
  void SetRandom(RandomFaults random);

  int tunnels() const { return static_cast<int>(counters().tunnels); }
  int requests() const { return static_cast<int>(counters().requests); }
  Counters counters() const;
  // The start line and headers of the last kHeadsKept requests read inside tunnels, in
  // order.
  static constexpr size_t kHeadsKept = 1000;
  std::vector<std::string> RequestHeads() const;

 private:
  class Tunnel;
  class Listener;  // the socket it listens on, and what accepts on it
  class Socket;    // one end of a connection it relays

  void AcceptLoop();
  // Serves one client connection to its end, on a thread of its own.
  void Serve(Socket& client);
  // Relays the bytes of a TLS tunnel both ways, untouched.
  void Relay(Socket& client, Socket& upstream);
  void ReapFinished();
  struct Draw {
    Fault fault = Fault::kNone;
    bool together = false;  // one of InjectTogether's: answer only after AwaitTogether
  };
  // Counts a request (its head kept for RequestHeads) and decides its fault.
  Draw NextFault(std::string head);
  // Waits until every fault injected together has been drawn; false if the proxy stopped.
  bool AwaitTogether();
  void Add(uint64_t Counters::*counter, uint64_t n);
  // Sleeps `for_how_long` unless the proxy stops first; false if it stopped.
  bool Wait(std::optional<std::chrono::steady_clock::duration> for_how_long);
  // The sockets that stopping shuts down, which ends every blocking call on them.
  void Track(Socket& socket);
  void Untrack(Socket& socket);
  // Books `bytes` on the link in one direction and waits for them; false if the proxy
  // stopped meanwhile.
  bool Pace(std::optional<TokenBucket>& direction, size_t bytes);

  const Options options_;
  std::unique_ptr<Listener> listener_;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mu_;
  std::condition_variable stopped_;
  Counters counters_;
  std::deque<std::string> heads_;
  std::deque<Fault> faults_;
  size_t together_left_ = 0;  // the first faults_ injected together and not drawn yet
  std::chrono::milliseconds together_wait_{0};
  std::condition_variable together_drawn_;
  RandomFaults random_;
  std::mt19937_64 draws_;    // seeded with random_.seed
  std::vector<Fault> deck_;  // the shuffled kinds random faults are dealt from
  size_t dealt_ = 0;         // random faults dealt so far
  std::vector<Socket*> open_;  // sockets to shut down when stopping
  std::map<std::thread::id, std::thread> threads_;
  std::vector<std::thread::id> finished_;  // threads to join
  std::thread acceptor_;
  std::optional<TokenBucket> uplink_;    // client to service (shaping), under mu_
  std::optional<TokenBucket> downlink_;  // service to client
  std::optional<BlobLimits> blob_limits_;
};

}  // namespace hvr

// HTTP/1.1 over TCP or TLS for one endpoint, with Boost.Beast (docs/transport.md): a
// pool of kept-alive connections, a bound on requests in flight (which the caller may
// change at any time), timeouts on connecting and on every stretch of a request without
// progress, an HTTP CONNECT proxy, and the bandwidth limiter consulted before each piece
// of a request leaves. Send() is one try: a request is re-sent, on a new connection, only
// when a reused connection turns out to have been closed before any of the response
// arrived (the request never reached the server); every other failure goes back to the
// caller, which decides about retries (AzureStore, request_retry.hpp).
//
// Its parts: the pool and Send here (http_transport.cc), opening connections
// (http_connect.cc) and one request's exchange (http_exchange.cc).
//
// Thread-safe: any number of Send() coroutines may run at once, on any threads of the
// executor.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/span_body.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "hvr/bandwidth.hpp"
#include "hvr/error.hpp"
#include "hvr/progress.hpp"
#include "hvr/store_options.hpp"
#include "store/azure/async_semaphore.hpp"
#include "store/azure/azure_target.hpp"
#include "store/azure/proxy_config.hpp"

namespace hvr::azure {

namespace http = boost::beast::http;

using RequestMessage = http::request<http::span_body<const uint8_t>>;

struct HttpResponse {
  unsigned status = 0;
  http::fields headers;
  std::string body;        // the body, unless it went into the caller's sink
  size_t sink_bytes = 0;   // bytes of a 2xx body written into the sink
  // Set by the caller's retries, not by the transport: an earlier try of this request
  // failed after it left, so the service may have carried it out already.
  bool may_repeat = false;
};

// One try of a request.
struct SendResult {
  Result<HttpResponse> response;
  // For failures: some of the request was written to a connection, so the server may
  // have received it (and carried it out).
  bool request_left = false;
};

struct TransportConfig {
  Endpoint endpoint;
  int max_in_flight = 8;
  std::chrono::milliseconds connect_timeout{30'000};
  std::chrono::milliseconds io_timeout{60'000};
  std::chrono::milliseconds idle_timeout{20'000};
  TlsOptions tls;
  std::optional<ProxyConfig> proxy;
  std::shared_ptr<BandwidthLimiter> bandwidth;
  LogFn log;
};

// A store's options applied to a transport for `endpoint` (the Blob service, or Entra
// ID's authority): limits, timeouts, TLS, bandwidth, log, and the proxy for that host.
Result<TransportConfig> TransportConfigFor(const Endpoint& endpoint, const StoreOptions& options);

// "hvr/VERSION (Linux)": the User-Agent of every request hvr sends.
std::string UserAgent();

class HttpTransport {
 public:
  static Result<std::unique_ptr<HttpTransport>> Create(boost::asio::any_io_executor executor,
                                                       TransportConfig config);
  ~HttpTransport();

  // Sends the request `make` builds (once per connection tried, so each carries a fresh
  // signature) and reads the response. A 2xx response body goes into `sink` when it is
  // not empty and must fill it exactly. `what` names the request in errors and logs.
  boost::asio::awaitable<SendResult> Send(const std::function<RequestMessage()>& make,
                                          std::span<uint8_t> sink, std::string what);

  // Requests let in flight from now on (at least 1); those already in flight go on.
  void SetInFlightLimit(int limit);

  const TransportConfig& config() const { return config_; }

 private:
  struct Connection;
  struct ExchangeState {
    bool request_left = false;  // writing the request began
    bool got_some = false;     // any byte of a response arrived
    bool keep_alive = false;   // the connection may serve another request
    bool peer_closed = false;  // failed because the server had closed the connection
  };
  HttpTransport(boost::asio::any_io_executor executor, TransportConfig config);
  // Builds the TLS context of an https endpoint: TLS 1.2 or later, the CA file or the
  // system's trusted certificates, or no verification when the options say so.
  Status SetUpTls();

  // A kept-alive connection still worth using, or nullptr.
  std::unique_ptr<Connection> TakeIdle();
  void ReturnIdle(std::unique_ptr<Connection> connection);
  boost::asio::awaitable<Result<std::unique_ptr<Connection>>> Connect();
  boost::asio::awaitable<Result<HttpResponse>> Exchange(Connection& connection,
                                                        RequestMessage& request,
                                                        std::span<uint8_t> sink,
                                                        ExchangeState& state);
  template <typename Stream>
  boost::asio::awaitable<Result<HttpResponse>> ExchangeOn(Stream& stream, Connection& connection,
                                                          RequestMessage& request,
                                                          std::span<uint8_t> sink,
                                                          ExchangeState& state);
  template <typename Stream>
  boost::asio::awaitable<boost::beast::error_code> WriteRequest(Stream& stream, Connection& connection,
                                                                RequestMessage& request);
  template <typename Stream, typename Parser>
  boost::asio::awaitable<boost::beast::error_code> ReadBody(Stream& stream, Connection& connection,
                                                            Parser& parser);
  void Log(LogLevel level, const std::string& message) const;
  std::string Where() const;

  boost::asio::any_io_executor executor_;
  const TransportConfig config_;
  std::optional<boost::asio::ssl::context> tls_context_;
  AsyncSemaphore in_flight_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace hvr::azure

#include "store/azure/http_transport.hpp"

#include <boost/asio/use_awaitable.hpp>

#include "hvr/version.hpp"
#include "platform/os_name.hpp"
#include "store/azure/http_connection.hpp"
#include "store/azure/proxy_config.hpp"
#include "store/redact.hpp"
#include "util/connection_ended.hpp"

namespace hvr::azure {
namespace {

namespace asio = boost::asio;
using asio::awaitable;

}  // namespace

Result<TransportConfig> TransportConfigFor(const Endpoint& endpoint, const StoreOptions& options) {
  TransportConfig config;
  config.endpoint = endpoint;
  config.max_in_flight = options.max_in_flight;
  config.connect_timeout = options.connect_timeout;
  config.io_timeout = options.io_timeout;
  config.idle_timeout = options.idle_timeout;
  config.tls = options.tls;
  HVR_ASSIGN_OR_RETURN(config.proxy, ResolveProxy(options.proxy, endpoint));
  config.bandwidth = options.bandwidth;
  config.log = options.log;
  return config;
}

std::string UserAgent() { return std::string("hvr/") + VersionString() + " (" + OperatingSystemName() + ")"; }

HttpTransport::HttpTransport(asio::any_io_executor executor, TransportConfig config)
    : executor_(executor),
      config_(std::move(config)),
      in_flight_(executor, static_cast<size_t>(std::max(1, config_.max_in_flight))) {}

HttpTransport::~HttpTransport() = default;

Result<std::unique_ptr<HttpTransport>> HttpTransport::Create(asio::any_io_executor executor,
                                                             TransportConfig config) {
  std::unique_ptr<HttpTransport> transport(new HttpTransport(executor, std::move(config)));
  if (transport->config_.endpoint.https) HVR_RETURN_IF_ERROR(transport->SetUpTls());
  return transport;
}

std::string HttpTransport::Where() const { return config_.endpoint.Url(); }

void HttpTransport::Log(LogLevel level, const std::string& message) const {
  if (config_.log) config_.log(level, RedactSecrets(message));
}

std::unique_ptr<HttpTransport::Connection> HttpTransport::TakeIdle() {
  std::lock_guard lock(mu_);
  while (!idle_.empty()) {
    std::unique_ptr<Connection> connection = std::move(idle_.back());
    idle_.pop_back();
    if (HttpClock::now() - connection->last_used > config_.idle_timeout) continue;
    if (ConnectionEnded(connection->lowest().socket())) continue;  // the server closed it meanwhile
    return connection;
  }
  return nullptr;
}

void HttpTransport::ReturnIdle(std::unique_ptr<Connection> connection) {
  connection->last_used = HttpClock::now();
  connection->lowest().expires_never();
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(connection));
}

awaitable<SendResult> HttpTransport::Send(const std::function<RequestMessage()>& make, std::span<uint8_t> sink,
                                          std::string what) {
  co_await in_flight_.AsyncAcquire(asio::use_awaitable);
  struct Slot {
    AsyncSemaphore& semaphore;
    ~Slot() { semaphore.Release(); }
  } slot{in_flight_};
  const auto started = HttpClock::now();
  for (int attempt = 0;; ++attempt) {
    std::unique_ptr<Connection> connection = attempt == 0 ? TakeIdle() : nullptr;
    const bool reused = connection != nullptr;
    if (!connection) {
      auto connected = co_await Connect();
      if (!connected.ok()) co_return SendResult{connected.error().WithContext(what), false};
      connection = std::move(connected).value();
    }
    RequestMessage request = make();
    ExchangeState state;
    auto result = co_await Exchange(*connection, request, sink, state);
    if (result.ok()) {
      if (state.keep_alive) ReturnIdle(std::move(connection));
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(HttpClock::now() - started);
      Log(LogLevel::kDebug, what + " -> " + std::to_string(result->status) + " in " +
                                std::to_string(ms.count()) + " ms");
      co_return SendResult{std::move(result), true};
    }
    // The server had closed a kept-alive connection before this request reached it
    // (nothing of a response came back): the request was not received, send it again.
    if (reused && state.peer_closed && !state.got_some && attempt == 0) {
      Log(LogLevel::kDebug, what + ": kept-alive connection was closed by the server; re-sending");
      continue;
    }
    co_return SendResult{result.error().WithContext(what), state.request_left};
  }
}

void HttpTransport::SetInFlightLimit(int limit) { in_flight_.SetLimit(static_cast<size_t>(std::max(1, limit))); }

}  // namespace hvr::azure

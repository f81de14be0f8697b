#include "store/azure/http_transport.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "hvr/version.hpp"
#include "platform/os_name.hpp"
#include "platform/trust_store.hpp"
#include "store/azure/proxy_config.hpp"
#include "store/redact.hpp"

namespace hvr::azure {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::awaitable;
using namespace asio::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
// Bodies that are read into memory (error documents, page and blob lists) stay below
// this; a List Blobs page of 5000 blobs with metadata is a few MiB.
constexpr uint64_t kMaxTextBody = uint64_t{64} << 20;
// Pieces in which a request leaves and a response is read: each is booked with the
// bandwidth limiter (when there is one) and has its own deadline.
constexpr size_t kPiece = 64 * 1024;

std::string HostPort(const std::string& host, uint16_t port) {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Error NetworkError(const beast::error_code& ec, const std::string& what) {
  // Nothing here cancels operations but the streams' own timers, which may surface as
  // "operation aborted" rather than beast's timeout code.
  if (ec == beast::error::timeout || ec == asio::error::operation_aborted) {
    return Error(Code::kTimeout, what + ": timed out");
  }
  return Error(Code::kNetwork, what + ": " + ec.message());
}

// Errors of a connection the peer had already closed: the request never reached it.
bool ClosedByPeer(const beast::error_code& ec) {
  return ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::error::connection_aborted ||
         ec == asio::ssl::error::stream_truncated || ec == http::error::end_of_stream;
}

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

struct HttpTransport::Connection {
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;
  Clock::time_point last_used;

  beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
};

HttpTransport::HttpTransport(asio::any_io_executor executor, TransportConfig config)
    : executor_(executor),
      config_(std::move(config)),
      in_flight_(executor, static_cast<size_t>(std::max(1, config_.max_in_flight))) {}

HttpTransport::~HttpTransport() = default;

Result<std::unique_ptr<HttpTransport>> HttpTransport::Create(asio::any_io_executor executor,
                                                             TransportConfig config) {
  std::unique_ptr<HttpTransport> transport(new HttpTransport(executor, std::move(config)));
  if (!transport->config_.endpoint.https) return transport;
  auto& ctx = transport->tls_context_.emplace(asio::ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  const TlsOptions& tls = transport->config_.tls;
  if (!tls.verify) {
    ctx.set_verify_mode(asio::ssl::verify_none);
    transport->Log(LogLevel::kWarning,
                   "TLS certificate verification is off for " + transport->Where() +
                       ": the traffic is encrypted but the server is not authenticated");
    return transport;
  }
  ctx.set_verify_mode(asio::ssl::verify_peer);
  boost::system::error_code ec;
  if (!tls.ca_file.empty()) {
    ctx.load_verify_file(tls.ca_file, ec);
    if (ec) {
      return Error(Code::kInvalidArgument,
                   "CA file " + tls.ca_file + " cannot be loaded: " + ec.message());
    }
  } else {
    ctx.set_default_verify_paths(ec);
    if (ec) return Error(Code::kInternal, "system CA store cannot be loaded: " + ec.message());
    HVR_RETURN_IF_ERROR(AddSystemTrustedCertificates(SSL_CTX_get_cert_store(ctx.native_handle())));
  }
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
    if (Clock::now() - connection->last_used > config_.idle_timeout) continue;
    // A server that closed the connection while it sat idle left an end-of-file behind;
    // a live one has nothing to read (would_block).
    auto& socket = connection->lowest().socket();
    char byte;
    boost::system::error_code ec;
    socket.non_blocking(true, ec);
    if (!ec) socket.receive(asio::buffer(&byte, 1), asio::socket_base::message_peek, ec);
    boost::system::error_code ignored;
    socket.non_blocking(false, ignored);
    if (ec == asio::error::eof) continue;
    return connection;
  }
  return nullptr;
}

void HttpTransport::ReturnIdle(std::unique_ptr<Connection> connection) {
  connection->last_used = Clock::now();
  connection->lowest().expires_never();
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(connection));
}

awaitable<Result<std::unique_ptr<HttpTransport::Connection>>> HttpTransport::Connect() {
  const Endpoint& endpoint = config_.endpoint;
  const auto& proxy = config_.proxy;
  const std::string host = proxy ? proxy->host : endpoint.host;
  const uint16_t port = proxy ? proxy->port : endpoint.port;
  const std::string where = proxy ? "proxy " + proxy->display : HostPort(endpoint.host, endpoint.port);

  // The resolver has no deadline of its own: race it against a timer (the loser is
  // cancelled).
  asio::ip::tcp::resolver resolver(executor_);
  asio::steady_timer deadline(executor_, config_.connect_timeout);
  auto resolved = co_await (resolver.async_resolve(host, std::to_string(port), kTuple) ||
                            deadline.async_wait(kTuple));
  if (resolved.index() == 1) co_return Error(Code::kTimeout, "resolve " + host + ": timed out");
  auto [resolve_ec, results] = std::get<0>(std::move(resolved));
  if (resolve_ec) co_return NetworkError(resolve_ec, "resolve " + host);
  beast::tcp_stream tcp(executor_);
  tcp.expires_after(config_.connect_timeout);
  auto [connect_ec, connected] = co_await tcp.async_connect(results, kTuple);
  if (connect_ec) co_return NetworkError(connect_ec, "connect to " + where);
  tcp.socket().set_option(asio::ip::tcp::no_delay(true));

  if (proxy) {
    const std::string authority = HostPort(endpoint.host, endpoint.port);
    http::request<http::empty_body> connect{http::verb::connect, authority, 11};
    connect.set(http::field::host, authority);
    if (!proxy->authorization.empty()) connect.set(http::field::proxy_authorization, proxy->authorization);
    tcp.expires_after(config_.connect_timeout);
    auto [write_ec, written] = co_await http::async_write(tcp, connect, kTuple);
    if (write_ec) co_return NetworkError(write_ec, "CONNECT through " + where);
    beast::flat_buffer buffer;
    http::response_parser<http::empty_body> reply;
    reply.skip(true);  // a successful CONNECT answer has no body
    auto [read_ec, read] = co_await http::async_read_header(tcp, buffer, reply, kTuple);
    if (read_ec) co_return NetworkError(read_ec, "CONNECT through " + where);
    const unsigned status = reply.get().result_int();
    if (status != 200) {
      co_return Error(status == 407 ? Code::kAuthFailed : Code::kNetwork,
                      where + " refused CONNECT " + authority + ": HTTP " + std::to_string(status) +
                          " " + std::string(reply.get().reason()));
    }
  }

  auto connection = std::make_unique<Connection>();
  // Beast reads as much as the buffer has room for, at least 512 bytes, and a body read
  // into a sink is consumed at once, so a buffer left to grow by itself stays at the size of
  // the headers: a page range of 4 MiB then took some 8000 reads, each a system call (and
  // under Wine a round trip to its server, which made a GET of 8 MiB take 17 s). Room for a
  // piece makes it 64.
  connection->buffer.reserve(kPiece);
  if (!endpoint.https) {
    connection->plain = std::make_unique<beast::tcp_stream>(std::move(tcp));
    co_return connection;
  }
  connection->secure =
      std::make_unique<beast::ssl_stream<beast::tcp_stream>>(std::move(tcp), *tls_context_);
  SSL* ssl = connection->secure->native_handle();
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  boost::system::error_code address_ec;
  asio::ip::make_address(endpoint.host, address_ec);
  if (address_ec) {
    SSL_set_tlsext_host_name(ssl, endpoint.host.c_str());  // SNI is for names only
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    X509_VERIFY_PARAM_set1_host(param, endpoint.host.c_str(), 0);
  } else {
    X509_VERIFY_PARAM_set1_ip_asc(param, endpoint.host.c_str());
  }
  connection->lowest().expires_after(config_.connect_timeout);
  auto [tls_ec] =
      co_await connection->secure->async_handshake(asio::ssl::stream_base::client, kTuple);
  if (tls_ec) {
    const long verify = SSL_get_verify_result(ssl);
    if (config_.tls.verify && verify != X509_V_OK) {
      co_return Error(Code::kAuthFailed,
                      "TLS certificate verification failed for " +
                          HostPort(endpoint.host, endpoint.port) + ": " +
                          X509_verify_cert_error_string(verify) +
                          " (trust its CA with a CA file, or fix the server's certificate)");
    }
    co_return NetworkError(tls_ec, "TLS handshake with " + HostPort(endpoint.host, endpoint.port));
  }
  co_return connection;
}

template <typename Stream>
awaitable<beast::error_code> HttpTransport::WriteRequest(Stream& stream, Connection& connection,
                                                         RequestMessage& request) {
  // In pieces, each with its own deadline: a body that keeps moving on a slow link is
  // never cut off, one that stops is. With a bandwidth limit each piece is booked first;
  // waiting for the limiter does not count against the deadline.
  http::request_serializer<http::span_body<const uint8_t>> serializer(request);
  asio::steady_timer timer(executor_);
  while (!serializer.is_done()) {
    if (config_.bandwidth) {
      const Duration wait = config_.bandwidth->Reserve(kPiece);
      if (wait > Duration::zero()) {
        timer.expires_after(wait);
        co_await timer.async_wait(kTuple);
      }
    }
    serializer.limit(kPiece);
    connection.lowest().expires_after(config_.io_timeout);
    auto [ec, n] = co_await http::async_write_some(stream, serializer, kTuple);
    if (ec) co_return ec;
  }
  co_return beast::error_code();
}

template <typename Stream, typename Parser>
awaitable<beast::error_code> HttpTransport::ReadBody(Stream& stream, Connection& connection, Parser& parser) {
  // Piece by piece, each with its own deadline, for the same reason as WriteRequest.
  while (!parser.is_done()) {
    connection.lowest().expires_after(config_.io_timeout);
    auto [ec, n] = co_await http::async_read_some(stream, connection.buffer, parser, kTuple);
    if (ec) co_return ec;
  }
  co_return beast::error_code();
}

template <typename Stream>
awaitable<Result<HttpResponse>> HttpTransport::ExchangeOn(Stream& stream, Connection& connection,
                                                          RequestMessage& request,
                                                          std::span<uint8_t> sink,
                                                          ExchangeState& state) {
  const std::string where = HostPort(config_.endpoint.host, config_.endpoint.port);
  state.request_left = true;
  if (auto ec = co_await WriteRequest(stream, connection, request)) {
    state.peer_closed = ClosedByPeer(ec);
    co_return NetworkError(ec, "send to " + where);
  }
  http::response_parser<http::empty_body> head;
  head.body_limit(boost::none);
  if (request.method() == http::verb::head) head.skip(true);
  connection.lowest().expires_after(config_.io_timeout);
  auto [head_ec, head_n] = co_await http::async_read_header(stream, connection.buffer, head, kTuple);
  state.got_some = head.got_some();
  if (head_ec) {
    state.peer_closed = ClosedByPeer(head_ec);
    co_return NetworkError(head_ec, "receive from " + where);
  }

  HttpResponse response;
  response.status = head.get().result_int();
  if (head.is_done()) {
    response.headers = head.get().base();
    state.keep_alive = head.keep_alive();
    co_return response;
  }
  if (response.status / 100 == 2 && !sink.empty()) {
    http::response_parser<http::span_body<uint8_t>> parser(std::move(head));
    parser.get().body() = http::span_body<uint8_t>::value_type(sink.data(), sink.size());
    const beast::error_code ec = co_await ReadBody(stream, connection, parser);
    if (ec == http::error::buffer_overflow) {
      co_return Error(Code::kNetwork, where + " answered more than the " +
                                          std::to_string(sink.size()) + " bytes asked for");
    }
    if (ec) co_return NetworkError(ec, "receive from " + where);
    response.sink_bytes = sink.size() - parser.get().body().size();
    response.headers = parser.get().base();
    state.keep_alive = parser.keep_alive();
    co_return response;
  }
  http::response_parser<http::string_body> parser(std::move(head));
  parser.body_limit(kMaxTextBody);
  if (auto ec = co_await ReadBody(stream, connection, parser)) co_return NetworkError(ec, "receive from " + where);
  response.body = std::move(parser.get().body());
  response.headers = parser.get().base();
  state.keep_alive = parser.keep_alive();
  co_return response;
}

awaitable<Result<HttpResponse>> HttpTransport::Exchange(Connection& connection,
                                                        RequestMessage& request,
                                                        std::span<uint8_t> sink,
                                                        ExchangeState& state) {
  if (connection.secure) {
    co_return co_await ExchangeOn(*connection.secure, connection, request, sink, state);
  }
  co_return co_await ExchangeOn(*connection.plain, connection, request, sink, state);
}

awaitable<SendResult> HttpTransport::Send(const std::function<RequestMessage()>& make, std::span<uint8_t> sink,
                                          std::string what) {
  co_await in_flight_.AsyncAcquire(asio::use_awaitable);
  struct Slot {
    AsyncSemaphore& semaphore;
    ~Slot() { semaphore.Release(); }
  } slot{in_flight_};
  const auto started = Clock::now();
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
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
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

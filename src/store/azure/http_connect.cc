// Opening a connection for HttpTransport: resolving, TCP, the tunnel through an HTTP
// proxy, and TLS (its context once per transport, the handshake per connection).
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "platform/trust_store.hpp"
#include "store/azure/http_connection.hpp"
#include "store/azure/http_transport.hpp"

namespace hvr::azure {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::awaitable;
using namespace asio::experimental::awaitable_operators;

}  // namespace

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

Status HttpTransport::SetUpTls() {
  auto& ctx = tls_context_.emplace(asio::ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  const TlsOptions& tls = config_.tls;
  if (!tls.verify) {
    ctx.set_verify_mode(asio::ssl::verify_none);
    Log(LogLevel::kWarning,
        "TLS certificate verification is off for " + Where() +
            ": the traffic is encrypted but the server is not authenticated");
    return Ok();
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
  return Ok();
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

}  // namespace hvr::azure

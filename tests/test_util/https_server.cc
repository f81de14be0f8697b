#include "test_util/https_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <stdexcept>

namespace hvr {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

asio::awaitable<void> Serve(asio::ssl::stream<tcp::socket> stream,
                            const HttpsServer::Handler& handler) {
  auto [handshake_ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kTuple);
  if (handshake_ec) co_return;
  beast::flat_buffer buffer;
  asio::steady_timer timer(stream.get_executor());
  for (;;) {
    HttpsServer::Request request;
    auto [read_ec, read_n] = co_await http::async_read(stream, buffer, request, kTuple);
    if (read_ec) co_return;
    HttpsServer::Reply reply = handler(request);
    if (reply.delay.count() > 0) {
      timer.expires_after(reply.delay);
      co_await timer.async_wait(kTuple);
    }
    if (reply.response.find(http::field::content_length) == reply.response.end()) {
      reply.response.prepare_payload();
    }
    reply.response.keep_alive(request.keep_alive());
    auto [write_ec, write_n] = co_await http::async_write(stream, reply.response, kTuple);
    if (write_ec || !request.keep_alive()) co_return;
  }
}

asio::awaitable<void> Accept(tcp::acceptor& acceptor, asio::ssl::context& tls,
                             const HttpsServer::Handler& handler) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(kTuple);
    if (ec) co_return;
    asio::co_spawn(acceptor.get_executor(),
                   Serve(asio::ssl::stream<tcp::socket>(std::move(socket), tls), handler),
                   asio::detached);
  }
}

}  // namespace

HttpsServer::HttpsServer(const CertificateFiles& certificate, Handler handler)
    : handler_(std::move(handler)), tls_(asio::ssl::context::tls_server), acceptor_(io_) {
  boost::system::error_code ec;
  tls_.use_certificate_chain_file(certificate.cert, ec);
  if (!ec) tls_.use_private_key_file(certificate.key, asio::ssl::context::pem, ec);
  if (ec) throw std::runtime_error("https server: cannot load " + certificate.cert + ": " + ec.message());
  const tcp::endpoint loopback(asio::ip::make_address("127.0.0.1"), 0);
  acceptor_.open(loopback.protocol());
  acceptor_.bind(loopback);
  acceptor_.listen();
  port_ = acceptor_.local_endpoint().port();
  asio::co_spawn(io_, Accept(acceptor_, tls_, handler_), asio::detached);
  thread_ = std::thread([this] { io_.run(); });
}

HttpsServer::~HttpsServer() {
  io_.stop();
  thread_.join();
}

std::string HttpsServer::Origin() const { return "https://127.0.0.1:" + std::to_string(port_); }

}  // namespace hvr

// What the parts of HttpTransport share (http_transport.cc keeps the pool and sends,
// http_connect.cc opens connections, http_exchange.cc carries a request and its response
// over one): a connection, and how its failures read. Internal to them.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "hvr/error.hpp"
#include "store/azure/http_transport.hpp"

namespace hvr::azure {

using HttpClock = std::chrono::steady_clock;

// Completion token of every asynchronous step: errors come back as values, not exceptions.
inline constexpr auto kTuple = boost::asio::as_tuple(boost::asio::use_awaitable);

// Pieces in which a request leaves and a response is read: each is booked with the
// bandwidth limiter (when there is one) and has its own deadline.
inline constexpr size_t kPiece = 64 * 1024;

struct HttpTransport::Connection {
  std::unique_ptr<boost::beast::tcp_stream> plain;
  std::unique_ptr<boost::beast::ssl_stream<boost::beast::tcp_stream>> secure;
  // Beast reads as much as the buffer has room for, at least 512 bytes, and a body read
  // into a sink is consumed at once, so a buffer left to grow by itself stays at the size
  // of the headers: a page range of 4 MiB then took some 8000 reads, each a system call
  // (and under Wine a round trip to its server, which made a GET of 8 MiB take 17 s).
  // Room for a piece makes it 64.
  boost::beast::flat_buffer buffer;
  Connection() { buffer.reserve(kPiece); }
  HttpClock::time_point last_used;

  boost::beast::tcp_stream& lowest() { return secure ? boost::beast::get_lowest_layer(*secure) : *plain; }
};

// "host:port", with an IPv6 address in brackets.
std::string HostPort(const std::string& host, uint16_t port);

// kTimeout for the streams' deadlines, kNetwork for the rest; `what` names the step.
Error NetworkError(const boost::beast::error_code& ec, const std::string& what);

}  // namespace hvr::azure

// Carrying one request and its response over a connection of HttpTransport, in pieces
// that each have a deadline and, going out, a booking with the bandwidth limiter.
#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "store/azure/http_connection.hpp"
#include "store/azure/http_transport.hpp"

namespace hvr::azure {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::awaitable;

// Bodies that are read into memory (error documents, page and blob lists) stay below
// this; a List Blobs page of 5000 blobs with metadata is a few MiB.
constexpr uint64_t kMaxTextBody = uint64_t{64} << 20;

// Errors of a connection the peer had already closed: the request never reached it.
bool ClosedByPeer(const beast::error_code& ec) {
  return ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::error::connection_aborted ||
         ec == asio::ssl::error::stream_truncated || ec == http::error::end_of_stream;
}

// The bytes a request takes on the wire: its head (start line, fields, the blank line
// after them) and its body.
uint64_t WireSize(const RequestMessage& request) {
  uint64_t size = request.method_string().size() + 1 + request.target().size() + sizeof(" HTTP/1.1\r\n") - 1;
  for (const auto& field : request.base()) size += field.name_string().size() + 2 + field.value().size() + 2;
  return size + 2 + request.body().size();
}

}  // namespace

template <typename Stream>
awaitable<beast::error_code> HttpTransport::WriteRequest(Stream& stream, Connection& connection,
                                                         RequestMessage& request) {
  // In pieces, each with its own deadline: a body that keeps moving on a slow link is
  // never cut off, one that stops is. With a bandwidth limit each piece is booked first;
  // waiting for the limiter does not count against the deadline. A piece is booked at
  // what it carries: a page write of 4 KiB booked as a whole piece was charged 16 times its
  // size, and held a copy of scattered writes to a small part of the limit.
  http::request_serializer<http::span_body<const uint8_t>> serializer(request);
  asio::steady_timer timer(executor_);
  uint64_t left = WireSize(request);
  while (!serializer.is_done()) {
    if (config_.bandwidth) {
      const Duration wait = config_.bandwidth->Reserve(std::min<uint64_t>(left, kPiece));
      if (wait > Duration::zero()) {
        timer.expires_after(wait);
        co_await timer.async_wait(kTuple);
      }
    }
    serializer.limit(kPiece);
    connection.lowest().expires_after(config_.io_timeout);
    auto [ec, n] = co_await http::async_write_some(stream, serializer, kTuple);
    if (ec) co_return ec;
    left -= std::min<uint64_t>(left, n);
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

}  // namespace hvr::azure

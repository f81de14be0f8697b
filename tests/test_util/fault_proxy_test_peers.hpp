// The two ends of the fault proxy's tests (fault_proxy_test.cc, and the program's in
// fault_proxy_program_test.cc): a small HTTP server on loopback that stands for the
// service and counts the requests it executed and the ones that arrived cut short, and a
// client that speaks to it through the proxy's tunnel byte by byte, so that what reaches
// each side can be checked exactly.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "test_util/fault_proxy.hpp"

namespace hvr::proxy_test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
using namespace std::chrono_literals;

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
    const auto started = SteadyClock::now();
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
  static std::chrono::milliseconds Since(SteadyClock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - t);
  }

  asio::io_context io_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

}  // namespace hvr::proxy_test

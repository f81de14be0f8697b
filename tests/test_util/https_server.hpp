// A small HTTPS server on 127.0.0.1 for tests, with Boost.Beast: each request gets what a
// handler answers, after a delay the handler may ask for. One thread serves every
// connection with Asio coroutines, so the handler runs on that thread one request at a
// time, and a delayed answer holds up no other connection.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include "test_util/certificates.hpp"

namespace hvr {

class HttpsServer {
 public:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using Response = boost::beast::http::response<boost::beast::http::string_body>;
  struct Reply {
    Response response;  // Content-Length follows the body unless the handler set it
    std::chrono::milliseconds delay{0};
  };
  using Handler = std::function<Reply(const Request&)>;

  // Serves with `certificate` (one for 127.0.0.1, so clients can check the name).
  // Throws std::runtime_error if it cannot listen.
  HttpsServer(const CertificateFiles& certificate, Handler handler);
  ~HttpsServer();
  HttpsServer(const HttpsServer&) = delete;
  HttpsServer& operator=(const HttpsServer&) = delete;

  uint16_t port() const { return port_; }
  std::string Origin() const;  // "https://127.0.0.1:PORT"

 private:
  Handler handler_;
  boost::asio::io_context io_;
  boost::asio::ssl::context tls_;
  boost::asio::ip::tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace hvr

#include "test_util/fault_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <sstream>
#include <stdexcept>

#include "store/azure/crypto.hpp"

namespace hvr {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

void WriteAll(tcp::socket& socket, std::string_view bytes) {
  boost::system::error_code ec;
  asio::write(socket, asio::buffer(bytes.data(), bytes.size()), ec);
}

std::string Serialize(const http::response<http::string_body>& response) {
  std::ostringstream out;
  out << response;
  return out.str();
}

}  // namespace

FaultProxy::FaultProxy(Options options) : options_(std::move(options)) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener_, 64) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("fault proxy: cannot listen on 127.0.0.1");
  }
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

FaultProxy::~FaultProxy() {
  stopping_ = true;
  {
    std::lock_guard lock(mu_);
    for (int fd : open_) ::shutdown(fd, SHUT_RDWR);
  }
  stopped_.notify_all();
  acceptor_.join();
  for (auto& t : threads_) t.join();
  ::close(listener_);
}

std::vector<std::string> FaultProxy::RequestHeads() const {
  std::lock_guard lock(mu_);
  return heads_;
}

std::string FaultProxy::Url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void FaultProxy::Inject(std::vector<Fault> faults) {
  std::lock_guard lock(mu_);
  faults_.insert(faults_.end(), faults.begin(), faults.end());
}

void FaultProxy::Clear() {
  std::lock_guard lock(mu_);
  faults_.clear();
}

FaultProxy::Fault FaultProxy::NextFault() {
  std::lock_guard lock(mu_);
  if (faults_.empty()) return Fault::kNone;
  const Fault fault = faults_.front();
  faults_.pop_front();
  return fault;
}

void FaultProxy::Track(int fd) {
  std::lock_guard lock(mu_);
  open_.push_back(fd);
  if (stopping_) ::shutdown(fd, SHUT_RDWR);
}

void FaultProxy::Untrack(int fd) {
  std::lock_guard lock(mu_);
  open_.erase(std::remove(open_.begin(), open_.end(), fd), open_.end());
}

void FaultProxy::AcceptLoop() {
  while (!stopping_) {
    pollfd pfd{listener_, POLLIN, 0};
    if (::poll(&pfd, 1, 50) <= 0) continue;
    const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    Track(client);
    std::lock_guard lock(mu_);
    threads_.emplace_back([this, client] { Serve(client); });
  }
}

void FaultProxy::Serve(int client_fd) {
  asio::io_context io;
  tcp::socket client(io);
  client.assign(tcp::v4(), client_fd);
  beast::flat_buffer buffer;
  http::request_parser<http::empty_body> parser;
  boost::system::error_code ec;
  http::read_header(client, buffer, parser, ec);
  const auto& request = parser.get();
  if (!ec && request.method() == http::verb::connect) {
    const std::string expected =
        options_.credentials.empty()
            ? std::string()
            : "Basic " + azure::Base64Encode(std::span(
                             reinterpret_cast<const uint8_t*>(options_.credentials.data()),
                             options_.credentials.size()));
    auto auth = request.find(http::field::proxy_authorization);
    const std::string given = auth == request.end() ? std::string() : std::string(auth->value());
    if (given != expected) {
      WriteAll(client, "HTTP/1.1 407 Proxy Authentication Required\r\n"
                       "Proxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n");
    } else {
      const std::string target(request.target());
      const size_t colon = target.rfind(':');
      tcp::socket upstream(io);
      upstream.connect(tcp::endpoint(asio::ip::make_address(target.substr(0, colon)),
                                     static_cast<uint16_t>(std::stoi(target.substr(colon + 1)))),
                       ec);
      if (ec) {
        WriteAll(client, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
      } else {
        Track(upstream.native_handle());
        ++tunnels_;
        WriteAll(client, "HTTP/1.1 200 Connection established\r\n\r\n");
        // TLS starts with a handshake record (0x16); plain HTTP with a method name.
        char first = 0;
        const ssize_t n = ::recv(client_fd, &first, 1, MSG_PEEK);
        if (n == 1 && first == 0x16) {
          Relay(client_fd, upstream.native_handle());
        } else if (n == 1) {
          Inspect(client_fd, upstream.native_handle());
        }
        Untrack(upstream.native_handle());
      }
    }
  }
  Untrack(client_fd);
}

void FaultProxy::Relay(int client, int upstream) {
  const auto pump = [this](int from, int to) {
    char buf[64 * 1024];
    while (!stopping_) {
      const ssize_t n = ::recv(from, buf, sizeof buf, 0);
      if (n <= 0) break;
      if (::send(to, buf, static_cast<size_t>(n), MSG_NOSIGNAL) != n) break;
    }
    ::shutdown(to, SHUT_WR);
  };
  std::thread back([&] { pump(upstream, client); });
  pump(client, upstream);
  back.join();
}

void FaultProxy::Inspect(int client_fd, int upstream_fd) {
  asio::io_context io;
  tcp::socket client(io);
  tcp::socket upstream(io);
  client.assign(tcp::v4(), ::dup(client_fd));
  upstream.assign(tcp::v4(), ::dup(upstream_fd));
  Track(client.native_handle());
  Track(upstream.native_handle());
  beast::flat_buffer from_client;
  beast::flat_buffer from_upstream;
  while (!stopping_) {
    http::request_parser<http::string_body> request;
    request.body_limit(64 << 20);
    boost::system::error_code ec;
    http::read(client, from_client, request, ec);
    if (ec) break;
    ++requests_;
    {
      std::ostringstream head;
      head << request.get().base();
      std::lock_guard lock(mu_);
      heads_.push_back(head.str());
    }
    const Fault fault = NextFault();
    if (fault == Fault::kServerBusy) {
      http::response<http::string_body> busy{http::status::service_unavailable, 11};
      busy.set(http::field::content_type, "application/xml");
      busy.set("x-ms-error-code", "ServerBusy");
      busy.body() =
          "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>ServerBusy</Code><Message>The "
          "server is busy.\nRequestId:00000000-0000-0000-0000-000000000000</Message></Error>";
      busy.prepare_payload();
      WriteAll(client, Serialize(busy));
      continue;
    }
    if (fault == Fault::kStall) {
      std::unique_lock lock(mu_);
      stopped_.wait(lock, [this] { return stopping_.load(); });
      break;
    }
    if (fault == Fault::kCloseBeforeResponse) break;
    const bool head = request.get().method() == http::verb::head;
    http::write(upstream, request.get(), ec);
    if (ec) break;
    http::response_parser<http::string_body> response;
    response.body_limit(64 << 20);
    if (head) response.skip(true);
    http::read(upstream, from_upstream, response, ec);
    if (ec) break;
    const std::string bytes = Serialize(response.get());
    if (fault == Fault::kCloseMidResponse) {
      WriteAll(client, std::string_view(bytes).substr(0, bytes.size() / 2));
      break;
    }
    WriteAll(client, bytes);
    if (fault == Fault::kCloseAfterResponse) break;
  }
  Untrack(client.native_handle());
  Untrack(upstream.native_handle());
  ::shutdown(client_fd, SHUT_RDWR);
}

}  // namespace hvr

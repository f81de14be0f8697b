#include "host_relay.hpp"

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/parse.hpp>
#include <stdexcept>

#include "platform/local_endpoint.hpp"

namespace hvr::testing {
namespace asio = boost::asio;
namespace json = boost::json;

struct HostRelay::Server {
  asio::io_context io;
  LocalAcceptor acceptor{io};
  std::atomic<bool> stopping{false};
  std::thread thread;
};

namespace {

// One line of `socket`, its newline dropped; "" when it ended first.
std::string ReadLine(LocalStream::socket& socket) {
  std::string line;
  boost::system::error_code ec;
  asio::read_until(socket, asio::dynamic_buffer(line), '\n', ec);
  if (ec) return {};
  line.resize(line.find('\n'));
  return line;
}

std::string FieldOf(const std::string& line, const char* key) {
  boost::system::error_code ec;
  const json::value v = json::parse(line, ec);
  const auto* object = v.if_object();
  const auto* field = object ? object->if_contains(key) : nullptr;
  if (ec || !field) return {};
  if (field->is_string()) return std::string(field->get_string());
  if (field->is_bool()) return field->get_bool() ? "true" : "false";
  return {};
}

}  // namespace

HostRelay::HostRelay(std::string path, std::string guest)
    : path_(std::move(path)), guest_(std::move(guest)), server_(std::make_unique<Server>()) {
  if (Status listening = ListenLocal(server_->acceptor, path_); !listening.ok()) {
    throw std::runtime_error("the relay cannot listen at " + path_ + ": " + listening.error().ToString());
  }
  // One connection at a time, as hvrepl makes them: a request, then its answer.
  server_->thread = std::thread([this] {
    for (;;) {
      boost::system::error_code ec;
      LocalStream::socket client(server_->io);
      server_->acceptor.accept(client, ec);
      if (ec || server_->stopping) return;
      const std::string request = ReadLine(client);
      if (request.empty()) continue;
      const std::string answer = Relay(request) + "\n";
      asio::write(client, asio::buffer(answer), ec);
    }
  });
}

HostRelay::~HostRelay() {
  // The accepting thread blocks: a connection wakes it, and it sees it is to stop.
  server_->stopping = true;
  boost::system::error_code ec;
  if (auto endpoint = LocalEndpoint(path_); endpoint.ok()) {
    LocalStream::socket poke(server_->io);
    poke.connect(*endpoint, ec);
  }
  server_->thread.join();
  server_->acceptor.close(ec);
  RemoveLocalEndpoint(path_);
}

void HostRelay::After(const std::string& action, std::function<void()> hook) {
  std::lock_guard lock(mu_);
  hooks_[action] = std::move(hook);
}

void HostRelay::Settle() {
  auto endpoint = LocalEndpoint(path_);
  if (!endpoint.ok()) throw std::runtime_error("the relay at " + path_ + " does not listen");
  asio::io_context io;
  LocalStream::socket relay(io);
  boost::system::error_code ec;
  relay.connect(*endpoint, ec);
  if (!ec) asio::write(relay, asio::buffer(std::string(R"({"action":"status"})") + "\n"), ec);
  if (ec || ReadLine(relay).empty()) throw std::runtime_error("the relay at " + path_ + " did not answer");
}

int HostRelay::Answered(const std::string& action) const {
  std::lock_guard lock(mu_);
  auto it = answered_.find(action);
  return it == answered_.end() ? 0 : it->second;
}

std::string HostRelay::Relay(const std::string& request) {
  const std::string unanswered = R"({"ok":false,"code":)" + std::to_string(static_cast<int>(Code::kNetwork)) +
                                 R"(,"message":"the relay could not reach the guest"})";
  auto endpoint = LocalEndpoint(guest_);
  if (!endpoint.ok()) return unanswered;
  LocalStream::socket guest(server_->io);
  boost::system::error_code ec;
  guest.connect(*endpoint, ec);
  if (!ec) asio::write(guest, asio::buffer(request + "\n"), ec);
  if (ec) return unanswered;
  const std::string answer = ReadLine(guest);
  if (answer.empty()) return unanswered;
  if (FieldOf(answer, "ok") == "true") {
    const std::string action = FieldOf(request, "action");
    std::function<void()> hook;
    {
      std::lock_guard lock(mu_);
      ++answered_[action];
      if (auto it = hooks_.find(action); it != hooks_.end()) hook = it->second;
    }
    if (hook) hook();
  }
  return answer;
}

}  // namespace hvr::testing

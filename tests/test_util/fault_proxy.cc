#include "test_util/fault_proxy.hpp"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <sstream>
#include <stdexcept>

#include "store/azure/crypto.hpp"
#include "test_util/fault_replies.hpp"
#include "test_util/socket_inheritance.hpp"
#include "util/connection_ended.hpp"

namespace hvr {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Fault = FaultProxy::Fault;

// Larger than any request or response hvr makes (4 MiB pages, 4 MiB reads).
constexpr uint64_t kMaxBody = 64 << 20;
// Bytes cross the shaped link in pieces of this size, each booked before it moves.
constexpr size_t kLinkPiece = 64 * 1024;

constexpr std::pair<Fault, std::string_view> kFaultNames[] = {
    {Fault::kNone, "none"},
    {Fault::kServerBusy, "server-busy"},
    {Fault::kServerBusyRetryAfter, "server-busy-retry-after"},
    {Fault::kInternalError, "internal-error"},
    {Fault::kOperationTimedOut, "operation-timed-out"},
    {Fault::kRequestTimeout, "request-timeout"},
    {Fault::kTooManyRequests, "too-many-requests"},
    {Fault::kBadGateway, "bad-gateway"},
    {Fault::kGatewayTimeout, "gateway-timeout"},
    {Fault::kReset, "reset"},
    {Fault::kCloseBeforeResponse, "close-before-response"},
    {Fault::kDropResponse, "drop-response"},
    {Fault::kCloseMidHead, "close-mid-head"},
    {Fault::kCloseMidResponse, "close-mid-response"},
    {Fault::kCutRequestBody, "cut-request-body"},
    {Fault::kCloseAfterResponse, "close-after-response"},
    {Fault::kStall, "stall"},
    {Fault::kTrickle, "trickle"},
};
static_assert(std::size(kFaultNames) == FaultProxy::kFaultCount, "every fault has a name");

bool WriteAll(tcp::socket& socket, std::string_view bytes) {
  boost::system::error_code ec;
  asio::write(socket, asio::buffer(bytes.data(), bytes.size()), ec);
  return !ec;
}

template <class Message>
std::string Serialize(const Message& message) {
  std::ostringstream out;
  out << message;
  return out.str();
}

}  // namespace

// Where the proxy listens, and the context its accepts wait in.
class FaultProxy::Listener {
 public:
  asio::io_context io;
  tcp::acceptor acceptor{io};
};

// A socket of the proxy's, kept from the programs a test starts (socket_inheritance.hpp).
class FaultProxy::Socket : public tcp::socket {
 public:
  using tcp::socket::socket;

  // False if it cannot connect to `to`.
  bool ConnectTo(const tcp::endpoint& to) {
    boost::system::error_code ec;
    open(to.protocol(), ec);
    if (!ec) KeepFromChildren(native_handle());
    if (!ec) connect(to, ec);
    return !ec;
  }
};

// One plain-HTTP tunnel: reads each request from the client, decides its fault, and
// relays (or does not relay) it and its response.
class FaultProxy::Tunnel {
 public:
  Tunnel(FaultProxy& proxy, Socket& client, Socket& upstream)
      : proxy_(proxy), client_(client), upstream_(upstream), service_(upstream.remote_endpoint()) {}

  // Serves requests until a fault ends the connection or either side closes it.
  void Run() {
    while (!proxy_.stopping_) {
      http::request_parser<http::string_body> request;
      request.body_limit(kMaxBody);
      boost::system::error_code ec;
      const size_t head = http::read_header(client_, from_client_, request, ec);
      if (ec || !proxy_.Pace(proxy_.uplink_, head)) return;
      const auto [fault, together] = proxy_.NextFault(Serialize(request.get().base()));
      if (fault == Fault::kCutRequestBody) return CutRequestBody(request);
      const auto fault_reply = ServiceErrorReply(fault, proxy_.options_.retry_after);
      // The service decides when a request begins; its bytes count as they arrive.
      const std::string blob = BlobOfTarget(request.get().target());
      const bool limited = proxy_.blob_limits_ && !blob.empty();
      const bool admitted = fault_reply || !limited || proxy_.blob_limits_->Admit(blob, TokenBucket::Clock::now());
      if (!ReadBody(request, limited ? blob : std::string())) return;
      proxy_.Add(&Counters::request_body_bytes, request.get().body().size());
      if (!proxy_.Wait(proxy_.options_.shaping.rtt)) return;
      if (fault_reply) {
        if (together && !proxy_.AwaitTogether()) return;
        if (!WriteAll(client_, *fault_reply)) return;
        continue;
      }
      if (!admitted) {
        proxy_.Add(&Counters::blob_throttled, 1);
        if (!WriteAll(client_, *ServiceErrorReply(Fault::kServerBusy, proxy_.options_.retry_after))) return;
        continue;
      }
      if (fault == Fault::kReset) return ResetClient();
      if (fault == Fault::kCloseBeforeResponse) return;
      if (fault == Fault::kStall) {
        proxy_.Wait(proxy_.options_.stall);
        return;
      }
      // From here on the service executes the request.
      auto response = Forward(request.get());
      if (!response) return;
      const size_t size = response->bytes.size();
      if (limited) proxy_.blob_limits_->CountBytes(blob, size - response->head, TokenBucket::Clock::now());
      switch (fault) {
        case Fault::kDropResponse:
          return;
        case Fault::kCloseMidHead:
          Send(*response, response->head / 2);
          return;
        case Fault::kCloseMidResponse:
          Send(*response, response->head < size ? response->head + (size - response->head) / 2 : size / 2);
          return;
        case Fault::kCloseAfterResponse:
          Send(*response, size);
          return;
        case Fault::kTrickle:
          if (!Trickle(*response)) return;
          break;
        default:
          if (!Send(*response, size)) return;
          break;
      }
    }
  }

 private:
  struct Response {
    std::string bytes;  // as the client receives it
    size_t head = 0;    // bytes of the start line and headers
    size_t sent = 0;
  };

  // Reads the rest of the request at the link's pace (all at once when it has none),
  // counting its bytes against `blob`'s target unless that is empty.
  bool ReadBody(http::request_parser<http::string_body>& request, const std::string& blob) {
    boost::system::error_code ec;
    while (!request.is_done()) {
      const size_t n = http::read_some(client_, from_client_, request, ec);
      if (ec || !proxy_.Pace(proxy_.uplink_, n)) return false;
      if (!blob.empty()) proxy_.blob_limits_->CountBytes(blob, n, TokenBucket::Clock::now());
    }
    return true;
  }

  // Resets the client's connection (RST) instead of ending it in order (FIN): a close
  // with a linger time of zero. It closes here, as Asio turns lingering off again when
  // the socket is destroyed still open, so that its destructor never waits.
  void ResetClient() {
    boost::system::error_code ignored;
    client_.set_option(asio::socket_base::linger(true, 0), ignored);
    proxy_.Untrack(client_);
    client_.close(ignored);
  }

  // Connects to the service again, as a proxy does when its idle connection was closed.
  bool Reconnect() {
    boost::system::error_code ec;
    proxy_.Untrack(upstream_);
    upstream_.close(ec);
    from_upstream_.clear();
    if (!upstream_.ConnectTo(service_)) return false;
    proxy_.Track(upstream_);
    return true;
  }

  std::optional<Response> Forward(const http::request<http::string_body>& request) {
    boost::system::error_code ec;
    // Azurite closes a connection after 5 idle seconds, which a request read slowly
    // through a shaped link can take.
    if (ConnectionEnded(upstream_) && !Reconnect()) return std::nullopt;
    http::write(upstream_, request, ec);
    if (ec) return std::nullopt;
    http::response_parser<http::string_body> response;
    response.body_limit(kMaxBody);
    if (request.method() == http::verb::head) response.skip(true);
    http::read(upstream_, from_upstream_, response, ec);
    if (ec) return std::nullopt;
    return Response{Serialize(response.get()), Serialize(response.get().base()).size()};
  }

  // Sends the response up to byte `end`, counting the body bytes among them first: a
  // client that has them sees them counted.
  bool Send(Response& response, size_t end) {
    const size_t from = response.sent;
    const size_t body_from = std::max(from, response.head);
    if (end > body_from) proxy_.Add(&Counters::response_body_bytes, end - body_from);
    response.sent = end;
    for (size_t at = from; at < end; at += kLinkPiece) {
      const size_t n = std::min(kLinkPiece, end - at);
      if (!proxy_.Pace(proxy_.downlink_, n) || !WriteAll(client_, std::string_view(response.bytes).substr(at, n))) {
        return false;
      }
    }
    return true;
  }

  bool Trickle(Response& response) {
    while (response.sent < response.bytes.size()) {
      if (response.sent > 0 && !proxy_.Wait(proxy_.options_.trickle_interval)) return false;
      if (!Send(response, std::min(response.bytes.size(), response.sent + proxy_.options_.trickle_bytes))) return false;
    }
    return true;
  }

  // Relays the head and the first half of the body (what has arrived of it), then ends
  // the connection to the service, which sees a request end before its body does, and
  // resets the client's, which sees it reset while it sends. The service's connection is
  // closed in order: a reset could make it drop what it had not read yet.
  void CutRequestBody(http::request_parser<http::string_body>& request) {
    const uint64_t half = request.content_length().value_or(0) / 2;
    boost::system::error_code ec;
    while (from_client_.size() < half && !ec) {
      const size_t n = client_.read_some(from_client_.prepare(64 * 1024), ec);
      from_client_.commit(n);
    }
    const size_t cut = static_cast<size_t>(std::min<uint64_t>(from_client_.size(), half));
    proxy_.Add(&Counters::request_body_bytes, cut);
    const auto* body = static_cast<const char*>(from_client_.data().data());
    WriteAll(upstream_, Serialize(request.get().base()) + std::string(body, cut));
    ResetClient();
  }

  FaultProxy& proxy_;
  Socket& client_;
  Socket& upstream_;
  const tcp::endpoint service_;
  beast::flat_buffer from_client_;
  beast::flat_buffer from_upstream_;
};

std::string_view FaultProxy::FaultName(Fault fault) { return kFaultNames[static_cast<size_t>(fault)].second; }

std::optional<Fault> FaultProxy::ParseFault(std::string_view name) {
  for (const auto& [fault, fault_name] : kFaultNames) {
    if (fault_name == name) return fault;
  }
  return std::nullopt;
}

std::vector<Fault> FaultProxy::AllFaults() {
  std::vector<Fault> all;
  for (const auto& [fault, name] : kFaultNames) {
    if (fault != Fault::kNone) all.push_back(fault);
  }
  return all;
}

uint64_t FaultProxy::Counters::faults_injected() const {
  uint64_t total = 0;
  for (uint64_t n : faults) total += n;
  return total;
}

FaultProxy::Counters& FaultProxy::Counters::operator+=(const Counters& other) {
  tunnels += other.tunnels;
  requests += other.requests;
  for (size_t i = 0; i < faults.size(); ++i) faults[i] += other.faults[i];
  request_body_bytes += other.request_body_bytes;
  response_body_bytes += other.response_body_bytes;
  blob_throttled += other.blob_throttled;
  return *this;
}

std::string FaultProxy::Counters::ToJson() const {
  boost::json::object by_kind;
  for (const Fault fault : AllFaults()) by_kind[FaultName(fault)] = faults[static_cast<size_t>(fault)];
  return boost::json::serialize(boost::json::object{{"tunnels", tunnels},
                                                    {"requests", requests},
                                                    {"faults_injected", faults_injected()},
                                                    {"faults", std::move(by_kind)},
                                                    {"request_body_bytes", request_body_bytes},
                                                    {"response_body_bytes", response_body_bytes},
                                                    {"blob_throttled", blob_throttled}});
}

FaultProxy::FaultProxy(Options options) : options_(std::move(options)) {
  if (options_.trickle_bytes == 0) throw std::invalid_argument("fault proxy: a trickle needs at least 1 byte a time");
  const auto& shaping = options_.shaping;
  if ((shaping.blob_requests_per_second > 0) != (shaping.blob_bytes_per_second > 0)) {
    throw std::invalid_argument("fault proxy: give both blob targets (requests and bytes a second) or neither");
  }
  const auto now = TokenBucket::Clock::now();
  if (shaping.link_bytes_per_second > 0) {
    // Ten milliseconds of burst, and at least a piece: pacing stays smooth.
    const double rate = static_cast<double>(shaping.link_bytes_per_second);
    const double burst = std::max<double>(kLinkPiece, rate / 100);
    uplink_.emplace(rate, burst, now);
    downlink_.emplace(rate, burst, now);
  }
  if (shaping.blob_requests_per_second > 0) {
    blob_limits_.emplace(shaping.blob_requests_per_second, static_cast<double>(shaping.blob_bytes_per_second));
  }
  listener_ = std::make_unique<Listener>();
  tcp::acceptor& acceptor = listener_->acceptor;
  const tcp::endpoint loopback(asio::ip::address_v4::loopback(), 0);
  boost::system::error_code ec;
  acceptor.open(loopback.protocol(), ec);
  if (!ec) KeepFromChildren(acceptor.native_handle());
  if (!ec) acceptor.bind(loopback, ec);
  if (!ec) acceptor.listen(64, ec);
  if (ec) throw std::runtime_error("fault proxy: cannot listen on 127.0.0.1: " + ec.message());
  port_ = acceptor.local_endpoint().port();
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

FaultProxy::~FaultProxy() {
  stopping_ = true;
  {
    std::lock_guard lock(mu_);
    boost::system::error_code ignored;
    for (Socket* socket : open_) socket->shutdown(tcp::socket::shutdown_both, ignored);
  }
  stopped_.notify_all();
  together_drawn_.notify_all();
  acceptor_.join();
  // No thread starts any more; the ones left end now that their sockets are shut down.
  for (auto& [id, thread] : threads_) thread.join();
}

std::vector<std::string> FaultProxy::RequestHeads() const {
  std::lock_guard lock(mu_);
  return {heads_.begin(), heads_.end()};
}

std::string FaultProxy::Url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void FaultProxy::Inject(std::vector<Fault> faults) {
  std::lock_guard lock(mu_);
  faults_.insert(faults_.end(), faults.begin(), faults.end());
}

void FaultProxy::InjectTogether(std::vector<Fault> faults, std::chrono::milliseconds wait) {
  std::lock_guard lock(mu_);
  if (!faults_.empty()) throw std::logic_error("fault proxy: faults injected together follow queued ones");
  faults_.assign(faults.begin(), faults.end());
  together_left_ = faults_.size();
  together_wait_ = wait;
}

bool FaultProxy::AwaitTogether() {
  std::unique_lock lock(mu_);
  together_drawn_.wait_for(lock, together_wait_, [this] { return together_left_ == 0 || stopping_; });
  return !stopping_;
}

void FaultProxy::Clear() {
  std::lock_guard lock(mu_);
  faults_.clear();
  together_left_ = 0;
  together_drawn_.notify_all();
  random_.rate = 0;
}

void FaultProxy::SetRandom(RandomFaults random) {
  if (!(random.rate >= 0 && random.rate <= 1)) {
    throw std::invalid_argument("fault proxy: the fault rate must be between 0 and 1");
  }
  if (random.rate > 0 && random.kinds.empty()) throw std::invalid_argument("fault proxy: no fault kinds to draw from");
  std::lock_guard lock(mu_);
  random_ = std::move(random);
  draws_.seed(random_.seed);
  deck_ = random_.kinds;
  dealt_ = 0;
}

FaultProxy::Counters FaultProxy::counters() const {
  std::lock_guard lock(mu_);
  return counters_;
}

void FaultProxy::Add(uint64_t Counters::*counter, uint64_t n) {
  std::lock_guard lock(mu_);
  counters_.*counter += n;
}

FaultProxy::Draw FaultProxy::NextFault(std::string head) {
  std::lock_guard lock(mu_);
  ++counters_.requests;
  heads_.push_back(std::move(head));
  if (heads_.size() > kHeadsKept) heads_.pop_front();
  // Every request takes its draw, so that which requests are faulted depends only on
  // the seed and their order, not on the queued faults.
  const bool drawn = random_.rate > 0 && std::generate_canonical<double, 53>(draws_) < random_.rate;
  Fault fault = Fault::kNone;
  bool together = false;
  if (!faults_.empty()) {
    fault = faults_.front();
    faults_.pop_front();
    if (together_left_ > 0) {
      together = true;
      if (--together_left_ == 0) together_drawn_.notify_all();
    }
  } else if (drawn) {
    if (dealt_ % deck_.size() == 0) std::shuffle(deck_.begin(), deck_.end(), draws_);
    fault = deck_[dealt_++ % deck_.size()];
  }
  if (fault != Fault::kNone) ++counters_.faults[static_cast<size_t>(fault)];
  return {fault, together};
}

bool FaultProxy::Pace(std::optional<TokenBucket>& direction, size_t bytes) {
  if (!direction) return !stopping_;
  TokenBucket::Clock::duration wait;
  {
    std::lock_guard lock(mu_);
    wait = direction->Book(static_cast<double>(bytes), TokenBucket::Clock::now());
  }
  return wait == wait.zero() ? !stopping_.load() : Wait(wait);
}

bool FaultProxy::Wait(std::optional<std::chrono::steady_clock::duration> for_how_long) {
  if (for_how_long && *for_how_long <= for_how_long->zero()) return !stopping_;
  std::unique_lock lock(mu_);
  const auto stopped = [this] { return stopping_.load(); };
  if (!for_how_long) {
    stopped_.wait(lock, stopped);
    return false;
  }
  return !stopped_.wait_for(lock, *for_how_long, stopped);
}

void FaultProxy::Track(Socket& socket) {
  std::lock_guard lock(mu_);
  open_.push_back(&socket);
  boost::system::error_code ignored;
  if (stopping_) socket.shutdown(tcp::socket::shutdown_both, ignored);
}

void FaultProxy::Untrack(Socket& socket) {
  std::lock_guard lock(mu_);
  open_.erase(std::remove(open_.begin(), open_.end(), &socket), open_.end());
}

void FaultProxy::ReapFinished() {
  std::vector<std::thread> done;
  {
    std::lock_guard lock(mu_);
    for (const auto id : finished_) {
      done.push_back(std::move(threads_.at(id)));
      threads_.erase(id);
    }
    finished_.clear();
  }
  for (auto& thread : done) thread.join();
}

void FaultProxy::AcceptLoop() {
  auto& [io, acceptor] = *listener_;
  std::unique_ptr<Socket> next;  // the connection being accepted
  while (!stopping_) {
    ReapFinished();
    if (!next) {
      next = std::make_unique<Socket>(io);
      acceptor.async_accept(*next, [this, &next](const boost::system::error_code& ec) {
        std::unique_ptr<Socket> client = std::move(next);
        if (ec) return;
        KeepFromChildren(client->native_handle());
        Track(*client);
        std::lock_guard lock(mu_);
        std::thread thread([this, client = std::move(client)] {
          Serve(*client);
          std::lock_guard done(mu_);
          finished_.push_back(std::this_thread::get_id());
        });
        const auto id = thread.get_id();
        threads_.emplace(id, std::move(thread));
      });
    }
    // A connection is served as soon as it is accepted; a stop is seen within 50 ms.
    io.restart();
    io.run_for(std::chrono::milliseconds(50));
  }
  boost::system::error_code ignored;
  acceptor.close(ignored);
  io.restart();
  io.poll();  // the accept still waiting ends, cancelled
}

void FaultProxy::Serve(Socket& client) {
  Socket upstream(client.get_executor());
  // The handshake of a new connection crosses the WAN once.
  if (!Wait(options_.shaping.rtt)) return Untrack(client);
  if (options_.upstream) {
    if (upstream.ConnectTo(tcp::endpoint(asio::ip::address_v4::loopback(), *options_.upstream))) {
      Track(upstream);
      Add(&Counters::tunnels, 1);
      Tunnel(*this, client, upstream).Run();
      Untrack(upstream);
    }
    return Untrack(client);
  }
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
      if (!upstream.ConnectTo(tcp::endpoint(asio::ip::make_address(target.substr(0, colon)),
                                            static_cast<uint16_t>(std::stoi(target.substr(colon + 1)))))) {
        WriteAll(client, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
      } else {
        Track(upstream);
        Add(&Counters::tunnels, 1);
        WriteAll(client, "HTTP/1.1 200 Connection established\r\n\r\n");
        // TLS starts with a handshake record (0x16); plain HTTP with a method name.
        char first = 0;
        client.receive(asio::buffer(&first, 1), tcp::socket::message_peek, ec);
        if (!ec && first == 0x16) {
          Relay(client, upstream);
        } else if (!ec) {
          Tunnel(*this, client, upstream).Run();
        }
        Untrack(upstream);
      }
    }
  }
  // Untracked before the sockets close, so that stopping never shuts down a socket that
  // is gone.
  Untrack(client);
}

void FaultProxy::Relay(Socket& client, Socket& upstream) {
  const auto pump = [this](Socket& from, Socket& to) {
    std::vector<char> buffer(64 * 1024);
    boost::system::error_code ec;
    while (!stopping_) {
      const size_t n = from.read_some(asio::buffer(buffer), ec);
      if (ec || !WriteAll(to, std::string_view(buffer.data(), n))) break;
    }
    to.shutdown(tcp::socket::shutdown_send, ec);
  };
  std::thread back([&] { pump(upstream, client); });
  pump(client, upstream);
  back.join();
}

}  // namespace hvr

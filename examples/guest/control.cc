#include "control.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "platform/interrupt.hpp"

namespace hvr::guest {
namespace json = boost::json;
namespace asio = boost::asio;

namespace {

std::string Failure(const Error& error) {
  return json::serialize(json::object{
             {"ok", false}, {"code", static_cast<int>(error.code())}, {"message", error.message()}}) +
         "\n";
}

}  // namespace

Result<std::unique_ptr<ControlServer>> ControlServer::Start(const std::string& path, GuestWorkload& guest) {
  std::unique_ptr<ControlServer> server(new ControlServer(path, guest));
  HVR_RETURN_IF_ERROR(ListenLocal(server->acceptor_, path));
  server->Accept();
  server->thread_ = std::thread([s = server.get()] { s->io_.run(); });
  return server;
}

ControlServer::~ControlServer() {
  Stop();
  Wait();
  RemoveLocalEndpoint(path_);
}

void ControlServer::Stop() {
  asio::post(io_, [this] { acceptor_.close(); });
}

void ControlServer::StopOnSignals() {
  OnInterrupt([this](const std::string&) { Stop(); });
}

void ControlServer::Wait() {
  if (thread_.joinable()) thread_.join();
}

void ControlServer::Accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, LocalStream::socket socket) {
    if (ec) return;  // closed: the server stops
    std::string request;
    boost::system::error_code io;
    asio::read_until(socket, asio::dynamic_buffer(request), '\n', io);
    if (!io) {
      request.resize(request.find('\n'));
      asio::write(socket, asio::buffer(Handle(request)), io);
    }
    socket.close(io);
    if (exit_) {
      acceptor_.close();
      return;
    }
    Accept();
  });
}

std::string ControlServer::Handle(const std::string& text) {
  boost::system::error_code ec;
  const json::value request = json::parse(text, ec);
  const auto* object = request.if_object();
  const auto* action_value = object ? object->if_contains("action") : nullptr;
  if (ec || !action_value || !action_value->is_string()) {
    return Failure(Error(Code::kInvalidArgument, "not a control request: " + text));
  }
  const std::string action(action_value->get_string());
  const auto* q = object->if_contains("quiesce");
  const bool quiesce = q && q->is_bool() && q->get_bool();
  json::object response{{"ok", true}};
  HostVm vm;
  if (const auto* disks = object->if_contains("disks"); disks && disks->is_array()) {
    for (const json::value& d : disks->get_array()) {
      if (d.is_string()) vm.disks.emplace_back(d.get_string());
    }
  }
  if (action == "checkpoint") {
    auto frozen = guest_.CreateCheckpoint(vm);
    if (!frozen.ok()) return Failure(frozen.error());
    json::array disks;
    for (const FrozenDisk& d : *frozen) {
      disks.push_back(json::object{{"path", d.path}, {"identity", d.tracked_identity.ToString()}});
    }
    response["disks"] = std::move(disks);
  } else if (action == "merge") {
    if (Status s = guest_.MergeCheckpoint(vm); !s.ok()) return Failure(s.error());
  } else if (action == "rotate") {
    auto rotated = guest_.RotateLogs(vm, quiesce);
    if (!rotated.ok()) return Failure(rotated.error());
    response["quiesced"] = rotated->quiesced;
  } else if (action == "shutdown") {
    guest_.StopWriting();
    if (Status s = guest_.ShutdownVm(vm); !s.ok()) return Failure(s.error());
  } else if (action == "start") {
    if (Status s = guest_.StartVm(vm); !s.ok()) return Failure(s.error());
    guest_.StartWriting();
  } else if (action == "stop-tracking") {
    if (Status s = guest_.StopTracking(vm); !s.ok()) return Failure(s.error());
  } else if (action == "write") {
    const auto* c = object->if_contains("count");
    const uint64_t count = c && c->is_int64() && c->get_int64() > 0 ? static_cast<uint64_t>(c->get_int64()) : 0;
    if (Status s = guest_.Write(count); !s.ok()) return Failure(s.error());
  } else if (action == "pause") {
    guest_.StopWriting();
  } else if (action == "resume") {
    guest_.StartWriting();
  } else if (action == "exit") {
    exit_ = true;
  } else if (action != "status") {
    return Failure(Error(Code::kInvalidArgument, "unknown control action '" + action + "'"));
  }
  response["writes"] = guest_.writes();
  response["running"] = guest_.running();
  response["tracking"] = guest_.tracking();
  return json::serialize(response) + "\n";
}

Result<json::object> ControlClient::Call(const std::string& action, bool quiesce, uint64_t count,
                                         const std::vector<std::string>& disks) const {
  // The host is not there (yet): worth retrying.
  const auto endpoint = LocalEndpoint(path_);
  if (!endpoint.ok()) {
    return Error(Code::kNetwork, "the VM's host at " + path_ + " does not answer: " + endpoint.error().message());
  }
  asio::io_context io;
  LocalStream::socket socket(io);
  boost::system::error_code ec;
  socket.connect(*endpoint, ec);
  if (ec) return Error(Code::kNetwork, "the VM's host at " + path_ + " does not answer: " + ec.message());
  const std::string request =
      json::serialize(json::object{{"action", action},
                                   {"quiesce", quiesce},
                                   {"count", count},
                                   {"disks", json::array(disks.begin(), disks.end())}}) +
      "\n";
  std::string line;
  asio::write(socket, asio::buffer(request), ec);
  if (!ec) asio::read_until(socket, asio::dynamic_buffer(line), '\n', ec);
  if (ec) return Error(Code::kNetwork, "the VM's host at " + path_ + ": " + ec.message());
  line.resize(line.find('\n'));
  boost::system::error_code parse;
  json::value response = json::parse(line, parse);
  auto* object = response.if_object();
  const auto* ok = object ? object->if_contains("ok") : nullptr;
  if (parse || !ok || !ok->is_bool()) return Error(Code::kCorruptData, "the VM's host answered: " + line);
  if (!ok->get_bool()) {
    const auto* code = object->if_contains("code");
    const auto* message = object->if_contains("message");
    const int n = code && code->is_int64() ? static_cast<int>(code->get_int64()) : static_cast<int>(Code::kInternal);
    return Error(n > 0 && n < kCodeCount ? static_cast<Code>(n) : Code::kInternal,
                 "the VM's host: " + (message && message->is_string() ? std::string(message->get_string()) : line));
  }
  return std::move(*object);
}

Result<std::vector<FrozenDisk>> ControlClient::CreateCheckpoint(const HostVm& vm) {
  HVR_ASSIGN_OR_RETURN(const json::object response, Call("checkpoint", false, 0, vm.disks));
  std::vector<FrozenDisk> disks;
  const auto* list = response.if_contains("disks");
  if (!list || !list->is_array()) {
    return Error(Code::kCorruptData, "the VM's host sent no disks: " + json::serialize(response));
  }
  for (const auto& d : list->get_array()) {
    const auto* path = d.is_object() ? d.get_object().if_contains("path") : nullptr;
    const auto* identity = d.is_object() ? d.get_object().if_contains("identity") : nullptr;
    if (!path || !path->is_string() || !identity || !identity->is_string()) {
      return Error(Code::kCorruptData, "the VM's host sent a bad disk: " + json::serialize(d));
    }
    HVR_ASSIGN_OR_RETURN(const Guid id, Guid::Parse(std::string(identity->get_string())));
    disks.push_back(FrozenDisk{std::string(path->get_string()), id});
  }
  return disks;
}

Status ControlClient::MergeCheckpoint(const HostVm&) {
  HVR_ASSIGN_OR_RETURN(const json::object answer, Call("merge"));
  return Ok();
}

Result<RotateResult> ControlClient::RotateLogs(const HostVm&, bool quiesce) {
  HVR_ASSIGN_OR_RETURN(const json::object response, Call("rotate", quiesce));
  const auto* q = response.if_contains("quiesced");
  return RotateResult{q && q->is_bool() && q->get_bool()};
}

Status ControlClient::ShutdownVm(const HostVm&) {
  HVR_ASSIGN_OR_RETURN(const json::object answer, Call("shutdown"));
  return Ok();
}

Status ControlClient::StartVm(const HostVm&) {
  HVR_ASSIGN_OR_RETURN(const json::object answer, Call("start"));
  return Ok();
}

Status ControlClient::StopTracking(const HostVm& vm) {
  HVR_ASSIGN_OR_RETURN(const json::object answer, Call("stop-tracking", false, 0, vm.disks));
  return Ok();
}

Result<bool> ControlClient::VmRunning(const HostVm&) {
  HVR_ASSIGN_OR_RETURN(const json::object response, Call("status"));
  const auto* running = response.if_contains("running");
  // Failback must not guess the disks free.
  if (!running || !running->is_bool()) {
    return Error(Code::kCorruptData, "the VM's host did not say whether the VM runs: " + json::serialize(response));
  }
  return running->get_bool();
}

}  // namespace hvr::guest

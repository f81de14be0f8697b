// The reference host's control channel: a line of JSON each way over a local endpoint (a
// Unix socket on POSIX, a port on 127.0.0.1 on Windows: platform/local_endpoint.hpp), so
// that hvrepl (a separate process, as a replication agent is) can ask the guest's host
// for checkpoints, log rotations, a shut down or a start, and whether the VM runs.
//
//   request:  {"action": "checkpoint" | "merge" | "rotate" | "shutdown" | "start"
//                        | "stop-tracking" | "write" | "pause" | "resume" | "status" | "exit",
//              "quiesce": true, "count": 1000}
//   response: {"ok": true, "disks": [{"path": ..., "identity": ...}], "quiesced": false,
//              "writes": 1234, "running": true, "tracking": true}
//             {"ok": false, "code": 17, "message": "..."}
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/json/object.hpp>
#include <memory>
#include <string>
#include <thread>

#include "guest_workload.hpp"
#include "hvr/host.hpp"
#include "platform/local_endpoint.hpp"

namespace hvr::guest {

// Serves `guest` on a local endpoint at `path` (replacing one a killed guest left) until
// an "exit" request or Stop().
class ControlServer {
 public:
  static Result<std::unique_ptr<ControlServer>> Start(const std::string& path, GuestWorkload& guest);
  ~ControlServer();
  // Blocks until an "exit" request arrives or Stop is called.
  void Wait();
  void Stop();
  // Ctrl+C (and SIGTERM on POSIX) stop the server too. Once per process.
  void StopOnSignals();

 private:
  ControlServer(std::string path, GuestWorkload& guest) : path_(std::move(path)), guest_(guest), acceptor_(io_) {}
  // One request per connection, answered in turn on the server's thread.
  void Accept();
  std::string Handle(const std::string& request);

  const std::string path_;
  GuestWorkload& guest_;
  boost::asio::io_context io_;
  hvr::LocalAcceptor acceptor_;
  std::atomic<bool> exit_{false};
  std::thread thread_;
};

// HostActions over a control endpoint: what hvrepl hands a session when the VM's host is
// a reference guest. Each action is one connection.
class ControlClient final : public HostActions {
 public:
  explicit ControlClient(std::string path) : path_(std::move(path)) {}

  Result<std::vector<FrozenDisk>> CreateCheckpoint(const HostVm& vm) override;
  Status MergeCheckpoint(const HostVm& vm) override;
  Result<RotateResult> RotateLogs(const HostVm& vm, bool quiesce) override;
  Status ShutdownVm(const HostVm& vm) override;
  Status StartVm(const HostVm& vm) override;
  Result<bool> VmRunning(const HostVm& vm) override;
  Status StopTracking(const HostVm& vm) override;

  // Sends one request; the response's fields, or its error. `count` is for "write":
  // blocks the guest writes (tracked) before it answers.
  // `disks`: the VM's disks the action is about (stop-tracking).
  Result<boost::json::object> Call(const std::string& action, bool quiesce = false, uint64_t count = 0,
                                   const std::vector<std::string>& disks = {}) const;

 private:
  std::string path_;
};

}  // namespace hvr::guest

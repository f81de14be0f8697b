// A control endpoint in front of the reference guest's (hvr-guest's): every request hvrepl
// makes of its host is relayed to the guest, and the guest's answer back; a hook a test
// sets runs after the guest answered an action and before hvrepl hears the answer. So
// what happens to a VM at that moment (another agent leasing a replica once the host
// holds a checkpoint) happens at the same point of every run, whatever the timing.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace hvr::testing {

class HostRelay {
 public:
  // Listens at `path`, relaying to the guest listening at `guest`.
  HostRelay(std::string path, std::string guest);
  ~HostRelay();
  HostRelay(const HostRelay&) = delete;
  HostRelay& operator=(const HostRelay&) = delete;

  // Runs `hook` after each successful answer to `action` ("checkpoint", "merge", ...);
  // none: nothing runs. Replaces the action's earlier hook.
  void After(const std::string& action, std::function<void()> hook);
  // Returns once the requests made before it were answered and their hooks ran (the
  // relay answers one at a time: this asks it the guest's status).
  void Settle();
  // How many times the guest answered `action` successfully through the relay.
  int Answered(const std::string& action) const;
  const std::string& path() const { return path_; }

 private:
  struct Server;
  // The guest's answer to one request line, the hook run.
  std::string Relay(const std::string& request);

  const std::string path_;
  const std::string guest_;
  mutable std::mutex mu_;
  std::map<std::string, std::function<void()>> hooks_;
  std::map<std::string, int> answered_;
  std::unique_ptr<Server> server_;
};

}  // namespace hvr::testing

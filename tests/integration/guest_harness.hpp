// A reference guest as a process of its own (hvr-guest, docs/reference-host.md), hvrepl
// run against it the way a replication agent runs beside a VM, and the checks of what
// replication made against the guest's truth: every recovery point holds what the
// guest's disks held when the log it shipped was closed, and a failed-over disk holds
// what the source holds. Everything lives in a temporary folder of its own.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "hvr/engine.hpp"
#include "test_util/command.hpp"
#include "test_util/temp_dir.hpp"

namespace hvr::testing {

class GuestHarness {
 public:
  struct GuestOptions {
    std::string disk_size = "48M";   // each of the two disks, created as dynamic VHDX
    uint64_t initial_writes = 3000;  // blocks written before the guest serves
    double rate = 400;               // writes a second in the background; 0: only Write
    uint64_t seed = 7;               // the same seed and requests make the same writes
  };

  // What a run of hvrepl that may be killed came to.
  struct RunOutcome {
    bool killed = false;  // it was still running after its delay, and was killed
    int exit_code = 0;
  };

  GuestHarness();
  ~GuestHarness();  // asks the guest to exit
  GuestHarness(const GuestHarness&) = delete;
  GuestHarness& operator=(const GuestHarness&) = delete;

  // Starts the guest on two disks, recording its truth at every rotation.
  void StartGuest(const GuestOptions& options);
  // `hvrepl protect`: the VM `name` to `target`, 30 s interval, 64 KiB chunks, this
  // guest as its host (or what RouteHostThrough named); `extra` arguments follow.
  void Protect(const std::string& name, const std::string& target, const std::vector<std::string>& extra = {},
               int disks = 2);
  // hvrepl reaches the VM's host at `socket` from the next Protect on (a HostRelay in
  // front of the guest's), instead of at the guest's own.
  void RouteHostThrough(const std::string& socket) { host_ = socket; }
  // An action on the guest's control socket; its answer.
  std::string Guest(const std::string& action, uint64_t count = 0);
  // `write`: `count` more blocks, tracked, before it answers.
  void Write(uint64_t count);

  // hvrepl with `args`, its output captured.
  CommandResult Hvrepl(std::vector<std::string> args);
  // hvrepl with `args`, killed with SIGKILL if still running after `delay`; its output
  // goes to hvrepl.log.
  RunOutcome RunAndKill(std::vector<std::string> args, std::chrono::milliseconds delay);
  // hvrepl with `args`, killed with SIGKILL as soon as `now` says so (asked every
  // millisecond while it runs); its output goes to hvrepl.log.
  RunOutcome RunAndKillWhen(std::vector<std::string> args, const std::function<bool()>& now);

  // What ExpectEveryPointTrue has seen across calls.
  struct PointsChecked {
    uint64_t points = 0;              // points checked, each time it was checked
    std::set<std::string> snapshots;  // "replica@snapshot" read and found true
  };
  // Every recovery point that exists holds what the source held when its log closed.
  // `when` names the moment in failures. With `seen`, a snapshot read before is not
  // read again (a snapshot never changes), though its point is checked again.
  void ExpectEveryPointTrue(const std::string& when, PointsChecked* seen = nullptr);
  // After a failover, each failed-over disk holds exactly what its source disk holds.
  void ExpectFailedOverDisksAreTheSource();

  static std::string FailedOverName(const std::string& replica) { return replica + "-failover"; }
  std::string Disk(int i) const { return dir_.File("vm/disk" + std::to_string(i) + ".vhdx"); }
  std::string State() const { return dir_.File("state"); }
  std::string File(const std::string& name) const { return dir_.File(name); }
  // The guest's control socket, which --host names as unix:SOCKET.
  const std::string& socket() const { return socket_; }
  // A file of the folder (guest.log, hvrepl.log), or "" when there is none.
  std::string ReadLog(const std::string& name) const;
  Engine& engine() { return *engine_; }
  const std::string& target() const { return target_; }

 private:
  TempDir dir_;
  std::string socket_;
  std::string host_;  // what Protect names as the host; the guest's socket unless routed
  std::string target_;
  std::unique_ptr<ChildProcess> guest_;
  std::unique_ptr<Engine> engine_;
};

}  // namespace hvr::testing

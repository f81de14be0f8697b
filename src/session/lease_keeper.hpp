// The leases a session holds on its replica disks: taken before the first write, renewed
// in the background on the engine's executor while the session lives, released when it
// ends. Only the lease holder may write a replica, so two agents replicating one VM never
// both succeed; a lease that could not be renewed makes the next write fail with
// kConflict rather than let two writers interleave.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "hvr/progress.hpp"
#include "hvr/store.hpp"

namespace hvr {

class LeaseKeeper {
 public:
  static constexpr std::chrono::seconds kDuration{60};
  static constexpr std::chrono::seconds kRenewEvery{20};

  // Whether a disk whose lease is held may be written by this holder: a lease says who
  // writes now, not whose the replica is (another agent may have adopted it meanwhile
  // and let its lease go).
  using Check = std::function<Status(const std::string& disk)>;

  // `id` is proposed on every acquire, so a restarted agent takes back its own lease.
  // `check`, when given, runs for each disk whose lease Hold takes (rather than renews).
  LeaseKeeper(ReplicaStore& store, std::string id, LogFn log, Check check = {});
  // Stops renewing and releases the leases held.
  ~LeaseKeeper();
  LeaseKeeper(const LeaseKeeper&) = delete;
  LeaseKeeper& operator=(const LeaseKeeper&) = delete;

  // Takes the leases of `disks` not yet held and renews the others (blocking), so an
  // operation starts with a full term; kConflict when another agent holds one. A disk
  // whose lease was taken (not renewed) and that fails the check is let go, and Hold
  // returns why.
  Status Hold(const std::vector<std::string>& disks);
  // Takes the leases of `disks` whoever holds them, breaking another agent's at once (its
  // next write fails with kConflict), without the check: for an agent taking a VM over.
  Status TakeOver(const std::vector<std::string>& disks);
  // Releases the lease of one disk (before deleting it, or when it stops being ours).
  Status Let(const std::string& disk);

 private:
  void Arm();
  void Renew();
  // Takes or renews the lease of `disk`; `break_other` breaks another holder's first.
  // True when it was taken (not renewed): someone else may have held it meanwhile.
  Result<bool> Take(const std::string& disk, bool break_other);
  void Start();

  ReplicaStore& store_;
  const std::string id_;
  const LogFn log_;
  const Check check_;
  std::mutex mu_;
  std::condition_variable idle_;
  std::vector<std::string> held_;
  std::unique_ptr<boost::asio::steady_timer> timer_;
  bool stopping_ = false;
  int callbacks_ = 0;  // timer waits and renewals outstanding
};

}  // namespace hvr

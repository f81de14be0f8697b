#include "session/lease_keeper.hpp"

#include <boost/asio/use_future.hpp>
#include <algorithm>

namespace hvr {

LeaseKeeper::LeaseKeeper(ReplicaStore& store, std::string id, LogFn log, Check check)
    : store_(store), id_(std::move(id)), log_(std::move(log)), check_(std::move(check)) {}

LeaseKeeper::~LeaseKeeper() {
  std::vector<std::string> held;
  {
    std::unique_lock lock(mu_);
    stopping_ = true;
    if (timer_) timer_->cancel();
    idle_.wait(lock, [&] { return callbacks_ == 0; });
    held.swap(held_);
  }
  for (const std::string& disk : held) {
    Status released = store_.AsyncReleaseLease(disk, boost::asio::use_future).get();
    if (!released.ok() && log_) log_(LogLevel::kWarning, "release lease: " + released.error().ToString());
  }
}

Result<bool> LeaseKeeper::Take(const std::string& disk, bool break_other) {
  bool held;
  {
    std::lock_guard lock(mu_);
    held = std::find(held_.begin(), held_.end(), disk) != held_.end();
  }
  if (held) {
    // A fresh term for the operation about to start, whatever the timer managed.
    Status renewed = store_.AsyncRenewLease(disk, boost::asio::use_future).get();
    if (renewed.ok()) return false;
    if (renewed.error().code() != Code::kConflict) return renewed.error();
    // Lost (broken, or released by whoever broke it): take it again if it is free.
  }
  auto acquired = store_.AsyncAcquireLease(disk, kDuration, id_, boost::asio::use_future).get();
  if (!acquired.ok() && break_other && acquired.error().code() == Code::kConflict) {
    HVR_RETURN_IF_ERROR(store_.AsyncBreakLease(disk, std::chrono::seconds(0), boost::asio::use_future).get());
    acquired = store_.AsyncAcquireLease(disk, kDuration, id_, boost::asio::use_future).get();
  }
  if (!acquired.ok()) return std::move(acquired).error();
  std::lock_guard lock(mu_);
  if (!held) held_.push_back(disk);
  return true;
}

void LeaseKeeper::Start() {
  std::lock_guard lock(mu_);
  if (!timer_ && !held_.empty()) {
    timer_ = std::make_unique<boost::asio::steady_timer>(store_.get_executor());
    Arm();
  }
}

Status LeaseKeeper::Hold(const std::vector<std::string>& disks) {
  for (const std::string& disk : disks) {
    HVR_ASSIGN_OR_RETURN(const bool taken, Take(disk, false));
    // A lease renewed was never lost: nobody else held the disk meanwhile.
    if (!taken || !check_) continue;
    if (Status allowed = check_(disk); !allowed.ok()) {
      // Not ours to hold, or not known to be: let go, so that the next Hold takes it
      // afresh and checks again. The check's answer is what matters.
      (void)Let(disk);
      return allowed;
    }
  }
  Start();
  return Ok();
}

Status LeaseKeeper::TakeOver(const std::vector<std::string>& disks) {
  for (const std::string& disk : disks) {
    HVR_ASSIGN_OR_RETURN(const bool taken, Take(disk, true));
    (void)taken;
  }
  Start();
  return Ok();
}

Status LeaseKeeper::Let(const std::string& disk) {
  {
    std::lock_guard lock(mu_);
    auto it = std::find(held_.begin(), held_.end(), disk);
    if (it == held_.end()) return Ok();
    held_.erase(it);
  }
  return store_.AsyncReleaseLease(disk, boost::asio::use_future).get();
}

// With mu_ held.
void LeaseKeeper::Arm() {
  if (stopping_) return;
  ++callbacks_;
  timer_->expires_after(kRenewEvery);
  timer_->async_wait([this](const boost::system::error_code& ec) {
    if (!ec) Renew();
    std::lock_guard lock(mu_);
    if (--callbacks_ == 0) idle_.notify_all();
  });
}

void LeaseKeeper::Renew() {
  std::lock_guard lock(mu_);
  if (stopping_) return;
  for (const std::string& disk : held_) {
    ++callbacks_;
    store_.AsyncRenewLease(disk, [this, disk](Status s) {
      if (!s.ok() && log_) log_(LogLevel::kWarning, "renew lease of '" + disk + "': " + s.error().ToString());
      std::lock_guard done(mu_);
      if (--callbacks_ == 0) idle_.notify_all();
    });
  }
  Arm();
}

}  // namespace hvr

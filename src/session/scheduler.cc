#include "hvr/scheduler.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <condition_variable>
#include <map>
#include <mutex>

#include "hvr/cancel.hpp"
#include "hvr/engine.hpp"
#include "hvr/session.hpp"

namespace hvr {

struct Scheduler::Impl : std::enable_shared_from_this<Scheduler::Impl> {
  explicit Impl(Engine& e) : engine(e), workers(static_cast<size_t>(e.options().max_active_sessions)) {}

  struct Entry {
    Session* session = nullptr;
    std::unique_ptr<boost::asio::steady_timer> timer;
    bool running = false;  // RunDue in progress on a worker
    bool removed = false;
  };

  void Arm(Entry& entry);
  void Fire(Session* session);
  void RunOn(Session* session);

  Engine& engine;
  boost::asio::thread_pool workers;
  CancelToken cancel;
  std::mutex mu;
  std::condition_variable idle;
  std::map<Session*, Entry> entries;
  bool stopped = false;
};

namespace {
// Waits never exceed this, so requests and a moved clock are noticed.
constexpr auto kLongestWait = std::chrono::seconds(1);
}  // namespace

// With mu held.
void Scheduler::Impl::Arm(Entry& entry) {
  if (stopped || entry.removed) return;
  const auto due = entry.session->NextDue();
  auto wait = std::chrono::duration_cast<std::chrono::steady_clock::duration>(kLongestWait);
  if (due) {
    const auto until = *due - engine.clock().Now();
    if (until < wait) wait = std::max(until, Duration::zero());
  }
  Session* session = entry.session;
  entry.timer->expires_after(wait);
  // A timer that fired just as the scheduler went must not reach it.
  entry.timer->async_wait([weak = weak_from_this(), session](const boost::system::error_code& ec) {
    if (auto self = weak.lock(); self && !ec) self->Fire(session);
  });
}

void Scheduler::Impl::Fire(Session* session) {
  std::lock_guard lock(mu);
  auto it = entries.find(session);
  if (it == entries.end() || it->second.removed || stopped) return;
  it->second.running = true;
  boost::asio::post(workers, [this, session] { RunOn(session); });
}

void Scheduler::Impl::RunOn(Session* session) {
  // Failures of the operation are in the session's status; those of the session itself
  // (its state directory) show up again on the next call.
  (void)session->RunDue(&cancel);
  std::lock_guard lock(mu);
  Entry& entry = entries.at(session);
  entry.running = false;
  idle.notify_all();
  Arm(entry);
}

Scheduler::Scheduler(Engine& engine) : impl_(std::make_shared<Impl>(engine)) {}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Add(Session& session) {
  std::lock_guard lock(impl_->mu);
  if (impl_->stopped || impl_->entries.count(&session)) return;
  Impl::Entry& entry = impl_->entries[&session];
  entry.session = &session;
  entry.timer = std::make_unique<boost::asio::steady_timer>(impl_->engine.executor());
  impl_->Arm(entry);
}

void Scheduler::Remove(Session& session) {
  std::unique_lock lock(impl_->mu);
  auto it = impl_->entries.find(&session);
  if (it == impl_->entries.end()) return;
  it->second.removed = true;
  it->second.timer->cancel();
  impl_->idle.wait(lock, [&] { return !it->second.running; });
  impl_->entries.erase(it);
}

void Scheduler::Stop() {
  {
    std::unique_lock lock(impl_->mu);
    if (!impl_->stopped) {
      impl_->stopped = true;
      impl_->cancel.Cancel();
      for (auto& [session, entry] : impl_->entries) entry.timer->cancel();
    }
    impl_->idle.wait(lock, [&] {
      for (const auto& [session, entry] : impl_->entries) {
        if (entry.running) return false;
      }
      return true;
    });
  }
  impl_->workers.join();
}

}  // namespace hvr

// Bounds the requests a store has in flight. Waiters queue in order and resume through
// their own executor, never inside Release(). The limit may change while units are
// taken: lowering it lets no one in until enough units came back. Thread-safe.
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <deque>
#include <mutex>
#include <utility>
#include <vector>

namespace hvr::azure {

class AsyncSemaphore {
 public:
  AsyncSemaphore(boost::asio::any_io_executor executor, size_t limit)
      : executor_(std::move(executor)), limit_(limit) {}

  // Completes once a unit is taken; give it back with Release().
  template <typename Token>
  auto AsyncAcquire(Token&& token) {
    return boost::asio::async_initiate<Token, void()>(
        [this](auto handler) {
          boost::asio::any_io_executor ex = boost::asio::get_associated_executor(handler, executor_);
          std::unique_lock lock(mu_);
          if (taken_ < limit_ && waiters_.empty()) {
            ++taken_;
            lock.unlock();
            boost::asio::post(ex, std::move(handler));
            return;
          }
          waiters_.push_back(Waiter{std::move(ex), std::move(handler)});
        },
        token);
  }

  void Release() {
    std::unique_lock lock(mu_);
    --taken_;
    Admit(lock);
  }

  // Units that may be taken at once from now on.
  void SetLimit(size_t limit) {
    std::unique_lock lock(mu_);
    limit_ = limit;
    Admit(lock);
  }

 private:
  struct Waiter {
    boost::asio::any_io_executor executor;
    boost::asio::any_completion_handler<void()> handler;
  };

  // Hands free units to waiters, in order, and resumes them outside the lock.
  void Admit(std::unique_lock<std::mutex>& lock) {
    std::vector<Waiter> admitted;
    while (taken_ < limit_ && !waiters_.empty()) {
      ++taken_;
      admitted.push_back(std::move(waiters_.front()));
      waiters_.pop_front();
    }
    lock.unlock();
    for (Waiter& w : admitted) boost::asio::post(w.executor, std::move(w.handler));
  }

  boost::asio::any_io_executor executor_;
  std::mutex mu_;
  size_t limit_;
  size_t taken_ = 0;
  std::deque<Waiter> waiters_;
};

}  // namespace hvr::azure

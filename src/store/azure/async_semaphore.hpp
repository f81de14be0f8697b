// Bounds the requests a store has in flight. Waiters queue in order and resume through
// their own executor, never inside Release(). Thread-safe.
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <deque>
#include <mutex>
#include <utility>

namespace hvr::azure {

class AsyncSemaphore {
 public:
  AsyncSemaphore(boost::asio::any_io_executor executor, size_t count)
      : executor_(std::move(executor)), available_(count) {}

  // Completes once a unit is taken; give it back with Release().
  template <typename Token>
  auto AsyncAcquire(Token&& token) {
    return boost::asio::async_initiate<Token, void()>(
        [this](auto handler) {
          boost::asio::any_io_executor ex = boost::asio::get_associated_executor(handler, executor_);
          std::unique_lock lock(mu_);
          if (available_ > 0) {
            --available_;
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
    if (waiters_.empty()) {
      ++available_;
      return;
    }
    Waiter next = std::move(waiters_.front());
    waiters_.pop_front();
    lock.unlock();
    boost::asio::post(next.executor, std::move(next.handler));
  }

 private:
  struct Waiter {
    boost::asio::any_io_executor executor;
    boost::asio::any_completion_handler<void()> handler;
  };
  boost::asio::any_io_executor executor_;
  std::mutex mu_;
  size_t available_;
  std::deque<Waiter> waiters_;
};

}  // namespace hvr::azure

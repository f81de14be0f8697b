// The engine: what many replication sessions in one process share. One boost::asio execution context carries every store's network I/O and
// every schedule's timers; a bounded pool of workers runs the sessions' operations
// (reading disks and logs blocks, so it happens there, never on the I/O threads); and an
// admission limit keeps the number of sessions doing I/O at once, and with it memory
// and requests in flight, bounded however many VMs are protected.
//
// Thread-safe. Create one per process (or per tenant) and destroy it after every
// session made with it.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <string>

#include "hvr/clock.hpp"
#include "hvr/error.hpp"
#include "hvr/progress.hpp"
#include "hvr/store.hpp"
#include "hvr/store_options.hpp"

namespace hvr {

struct EngineOptions {
  // The most of each, part of the options' documented ranges (the least is 1).
  static constexpr int kMaxIoThreads = 64;
  static constexpr int kMaxActiveSessions = 1024;

  // Threads running network I/O and timers (1 to kMaxIoThreads).
  int io_threads = 1;
  // Sessions doing work (copying, shipping logs, resynchronizing) at once (1 to
  // kMaxActiveSessions); the others wait their turn. Each active session holds its
  // max_in_flight buffers of 4 MiB.
  int max_active_sessions = 4;
  // Time for schedules, retries, recovery points and leases; null: the system clock.
  // Must outlive the engine.
  const Clock* clock = nullptr;
  // Engine-wide log lines (stores' requests at debug level); never given secrets.
  LogFn log;

  // The ranges above, each option named with its value; Engine::Create checks them.
  Status Validate() const;
};

class Engine {
 public:
  static Result<std::unique_ptr<Engine>> Create(EngineOptions options = {});
  // Stops the I/O threads once every session is gone.
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  boost::asio::any_io_executor executor();
  const Clock& clock() const;
  const EngineOptions& options() const;

  // The store `target` names, opened on the engine's executor; sessions naming the
  // same target with the same options share one store (one connection pool, one bound
  // on requests in flight).
  Result<std::shared_ptr<ReplicaStore>> Store(const std::string& target, const StoreOptions& options);

  // A turn to do I/O work: blocks while max_active_sessions others hold one. Released
  // when the Turn is destroyed.
  class Turn {
   public:
    Turn(Turn&& other) noexcept;
    Turn& operator=(Turn&&) = delete;
    ~Turn();

   private:
    friend class Engine;
    explicit Turn(Engine* engine) : engine_(engine) {}
    Engine* engine_;
  };
  Turn Admit();

 private:
  struct Impl;
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hvr

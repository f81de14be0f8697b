// Running many sessions by themselves: each session's RunDue is called when its
// schedule, the retry policy or a request says so (and at least every second, so that
// requests other processes leave are seen), on a pool of as many workers as the
// engine admits active sessions. Timers run on the engine's executor.
//
// Thread-safe. Sessions must outlive their time in the scheduler (Remove, or Stop).
#pragma once

#include <memory>

namespace hvr {

class Engine;
class Session;

class Scheduler {
 public:
  explicit Scheduler(Engine& engine);
  // Stops.
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Starts running what is due for `session`.
  void Add(Session& session);
  // Stops scheduling `session`, waiting for an operation it runs to finish.
  void Remove(Session& session);
  // Cancels the operations running (they stop at their next safe point) and waits for
  // them; nothing runs afterwards.
  void Stop();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace hvr

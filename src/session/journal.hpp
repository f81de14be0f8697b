// A session's journal: its state as last saved in the state directory (state.json), and
// the one way to change it. Commit saves the changed copy before anyone sees it, so that
// what the session shows and acts on is never ahead of what a crash would leave. Every
// reader takes a snapshot, a copy, so no reader holds a lock while it works.
#pragma once

#include <functional>
#include <mutex>

#include "hvr/error.hpp"
#include "session/session_state.hpp"
#include "session/state_dir.hpp"

namespace hvr {

class Journal {
 public:
  // Told what each commit changed, on the thread that committed, after the save.
  using Observer = std::function<void(const SessionState& before, const SessionState& after)>;

  // `dir` outlives the journal.
  Journal(StateDir& dir, SessionState state, Observer observer);

  // The state now. A read-only session watches another process's journal, so it reads
  // the file afresh; one caught being replaced or damaged leaves the last state read.
  SessionState Snapshot() const;
  // Applies `change` to a copy of the state, saves it, and makes it current.
  Status Commit(const std::function<void(SessionState&)>& change);

 private:
  StateDir& dir_;
  const Observer observer_;
  mutable std::mutex mu_;
  mutable SessionState state_;  // under mu_; read-only sessions refresh it in Snapshot
};

}  // namespace hvr

// What the session commands share: the engine, opening a VM's session with the host
// hvrepl remembers for it, stopping on Ctrl+C, and printing jobs as they go.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hvr/cancel.hpp"
#include "hvr/engine.hpp"
#include "hvr/host.hpp"
#include "hvr/session.hpp"
#include "program.hpp"

namespace hvrepl {

// --state-dir DIR: the VM's state directory, which every command of one VM names.
CLI::Option* AddStateDir(CLI::App& app, std::string& dir);
// --point POINT: latest, latest-app-consistent or a point's id; `what` says what it is for.
CLI::Option* AddPoint(CLI::App& app, std::string& point, const std::string& what = "the recovery point");

// The host a VM's session talks to, as `protect --host` gave it: "unix:SOCKET" (a
// reference guest's control socket) or empty (disks nothing writes). hvrepl keeps it in
// <state-dir>/hvrepl.json; the library does not need it.
hvr::Status SaveHost(const std::string& state_dir, const std::string& host);
hvr::Result<std::unique_ptr<hvr::HostActions>> LoadHost(const std::string& state_dir);

// Ctrl+C (and SIGTERM on POSIX, Ctrl+Break on Windows: platform/interrupt.hpp) cancel the
// token: operations stop at their next safe point.
// Failover is never cancelled half way (the library does not look at the token there).
// One per process, for its whole life: Signals() starts it.
class StopOnSignals {
 public:
  const hvr::CancelToken* token() const { return &token_; }
  bool stopped() const { return token_.cancelled(); }
  // Sleeps up to `duration`, waking when a signal arrives.
  void SleepFor(std::chrono::milliseconds duration) const;

 private:
  friend StopOnSignals& Signals();
  StopOnSignals();
  hvr::CancelToken token_;
};
StopOnSignals& Signals();

// An engine and the sessions of the state directories one command names.
class SessionContext {
 public:
  static hvr::Result<std::unique_ptr<SessionContext>> Create();

  // Opens the VM of `state_dir` with its host; progress on stderr when `progress`.
  hvr::Result<hvr::Session*> Open(const std::string& state_dir, bool read_only, bool progress);
  // Protects the VM `settings` names, keeping the relationship in `state_dir` with its
  // host (unix:SOCKET of a reference guest, or empty); or adopts it from what its
  // replicas hold (docs/session.md "Adopt").
  hvr::Result<hvr::Session*> Protect(const std::string& state_dir, const hvr::ProtectionSettings& settings,
                                     const std::string& host, bool progress, const hvr::ProtectOptions& protect = {});
  hvr::Result<hvr::Session*> Adopt(const std::string& state_dir, const hvr::ProtectionSettings& settings,
                                   const std::string& host, bool progress, const hvr::AdoptOptions& adopt);
  hvr::Engine& engine() { return *engine_; }
  // What the sessions opened after this call tell: each event, and each job as it ends.
  void Observe(std::function<void(const hvr::Event&)> on_event, std::function<void(const hvr::Job&)> on_job_end);

 private:
  using MakeSession = std::function<hvr::Result<std::unique_ptr<hvr::Session>>(hvr::SessionOptions options)>;
  // A new relationship `make` establishes with the host `host` names, which is saved with it.
  hvr::Result<hvr::Session*> Establish(const std::string& state_dir, const std::string& host, bool progress,
                                       const MakeSession& make);
  hvr::SessionOptions OptionsFor(hvr::HostActions* host, bool progress);

  std::unique_ptr<hvr::Engine> engine_;
  std::vector<std::unique_ptr<hvr::HostActions>> hosts_;
  std::vector<std::unique_ptr<hvr::Session>> sessions_;
  std::function<void(const hvr::Event&)> on_event_;
  std::function<void(const hvr::Job&)> on_job_end_;
};

// Runs `body` on the VM of the parsed "--state-dir": an engine, the session opened
// (read-only when `read_only`; progress lines on stderr when `progress`), errors reported
// as exit codes. Returns body's exit code.
int WithSession(const std::string& state_dir, bool read_only, bool progress,
                const std::function<int(hvr::Session& session)>& body);

// A command that takes only --state-dir and runs `act` on the VM's session, opened for
// writing (progress lines on stderr when `progress`).
Runner ActOnVm(CLI::App& app, bool progress, std::function<int(hvr::Session& session)> act);

// The same for an operator's change (set, suspend, resume): the session is opened
// read-only, and the library runs the change through the process running the VM, or here
// when none does (docs/session.md "Beside a running replication").
Runner ChangeVm(CLI::App& app, std::function<int(hvr::Session& session)> act);

}  // namespace hvrepl

// How a session runs in its process: its host, callbacks, bounds and retries, given as
// a session is protected, adopted or opened, and checked in one place
// (ValidateSessionOptions).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "hvr/error.hpp"
#include "hvr/event.hpp"
#include "hvr/host.hpp"
#include "hvr/job.hpp"
#include "hvr/progress.hpp"
#include "hvr/store_options.hpp"

namespace hvr {

struct SessionOptions {
  // Null: DefaultHost(). Must outlive the session.
  HostActions* host = nullptr;
  // Called whenever a job starts, changes step, makes progress (at most every half
  // second) or ends; on the operation's thread.
  std::function<void(const Job& job)> on_job;
  // Called for every event (hvr/event.hpp: health, state, resync required, recovery point,
  // retry scheduled, failover steps) as it happens; on the thread of the operation, or of
  // RunDue for health the passing time changed. Writable sessions only.
  std::function<void(const Event& event)> on_event;
  LogFn log;
  // Sessions a single Engine runs at once share its bound; this bounds this session's
  // writes in flight: 1 to kMaxInFlight overrides the settings' max_in_flight, 0 keeps it.
  int max_in_flight = 0;
  // How the store retries each request on transient failures (docs/transport.md).
  RequestRetryOptions request_retry;
  // Replication operations (initial replication, resync, cycles) that fail the way the
  // network or the service does (network, timeout, throttled), after the store's own
  // request retries, run again within the same job after these waits, before the VM-level
  // retry policy takes over (docs/session.md "Retries"). Empty: never.
  std::vector<std::chrono::milliseconds> operation_retry_delays = {std::chrono::seconds(5), std::chrono::seconds(20)};
  // The file that keeps this agent's id, which the replica leases are taken in
  // (docs/session.md "Leases"); its folder is made when missing. Empty: the file the
  // environment variable HVR_AGENT_ID_FILE names, else "agent-id" in the user's own
  // folder for hvr ($XDG_STATE_HOME/hvr or ~/.local/state/hvr; %LOCALAPPDATA%\hvr on
  // Windows).
  std::string agent_id_file;
};

// kInvalidArgument unless the request retries are valid (ValidateRequestRetryOptions),
// there are at most kMaxOperationRetries operation retry delays of 0 to 10 minutes, and
// the agent id file, when named, names a file (not a folder).
inline constexpr size_t kMaxOperationRetries = 10;
Status ValidateSessionOptions(const SessionOptions& options);

}  // namespace hvr

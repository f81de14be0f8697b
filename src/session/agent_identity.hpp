// Who holds a replica's lease. A lease must belong to one agent: one installation of hvr
// on one host, running one state directory. Nothing a copy of the state directory carries
// may make a second agent: its lease id is derived from an agent id kept outside it (per
// user, in the user's own folder), the state directory's own path and the VM's id
// (docs/session.md "Leases").
#pragma once

#include <string>

#include "hvr/error.hpp"
#include "hvr/guid.hpp"

namespace hvr {

// The environment variable that names the agent id file when the session options name
// none (a service account's, a test's own).
inline constexpr const char* kAgentIdFileVariable = "HVR_AGENT_ID_FILE";

// kInvalidArgument, naming `what` (the option or the variable that gave it), unless
// `file` names a file: not empty, not ending in a separator, not an existing folder.
Status ValidateAgentIdFile(const std::string& file, const std::string& what);

// The file that keeps this installation's agent id when no other is named: the one
// HVR_AGENT_ID_FILE names (checked by ValidateAgentIdFile), else UserStateFolder()/agent-id.
Result<std::string> DefaultAgentIdFile();

// The agent id kept in `file` (empty: DefaultAgentIdFile()), made the first time: a
// random GUID in a file only its owner may read.
Result<Guid> LoadAgentId(const std::string& file);

// The lease id the agent `agent` takes the replicas of VM `vm_id` with while it runs the
// state directory at `state_dir`: the same for every run of that directory on this
// installation, another for a copy of it at another path or on another host.
std::string LeaseIdFor(const Guid& agent, const std::string& state_dir, const Guid& vm_id);

}  // namespace hvr

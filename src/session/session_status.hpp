// What a session shows, projected from its journal alone: the status and when its next
// operation is due. Pure functions of the state, the settings and the moment, so that the
// rules (health, its reason, the schedule) are tested without a session (docs/session.md).
#pragma once

#include <optional>

#include "hvr/clock.hpp"
#include "hvr/protection.hpp"
#include "hvr/session_status.hpp"
#include "session/session_state.hpp"

namespace hvr {

// When the next operation is due at `now`: at once while a copy, a resync by hand or a
// failover waits; the next interval's cycle; an automatic resync outside office hours;
// never later than the retry policy allows, never before `now`. nullopt while an operator
// must act first (critical error, suspension, removal) or nothing replicates by itself.
std::optional<TimePoint> NextDueOf(const SessionState& state, const ProtectionSettings& settings, TimePoint now);

// The status at `now`, health and its reason among it. Leaves empty what only the open
// session knows: the target's description, the store's statistics and the running job's
// progress.
SessionStatus StatusOf(const SessionState& state, const ProtectionSettings& settings, TimePoint now);

}  // namespace hvr

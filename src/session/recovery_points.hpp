// Recovery points of a VM: how a point is recorded on each replica disk's snapshot, and
// which points retention keeps (docs/session.md).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hvr/guid.hpp"
#include "hvr/session.hpp"
#include "hvr/store.hpp"

namespace hvr {

// What each disk's snapshot of a VM point carries in its metadata, so that the store
// alone says which snapshots make up which point (a crash between taking snapshots and
// recording them leaves no doubt).
struct PointTag {
  Guid vm_id;
  uint64_t sequence = 0;
  TimePoint source_time;
  // The UniqueId of the newest log the point contains; empty for a point made without
  // logs (the first point after a copy from a checkpoint with nothing logged).
  std::string log_id;
};

Metadata ToMetadata(const PointTag& tag);
// nullopt for snapshots hvr did not tag.
std::optional<PointTag> PointTagOf(const Metadata& metadata);

// Retention: the points to delete (by sequence) from `points` (oldest first) at `now`.
// The newest point always stays. Points older than `history` go. Of the rest, every point
// of the last hour stays; older ones are thinned to the newest of each hour plus every
// app-consistent one, as Hyper-V Replica keeps one additional point per hour.
std::vector<uint64_t> PointsToPrune(const std::vector<VmRecoveryPoint>& points, TimePoint now,
                                    std::chrono::hours history);

// The point an operator names: "latest", "latest-app-consistent" (or
// "latest_app_consistent"), or an id. kNotFound when there is none.
Result<VmRecoveryPoint> ChoosePoint(const std::vector<VmRecoveryPoint>& points, const std::string& which);

}  // namespace hvr

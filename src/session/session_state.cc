#include "session/session_state.hpp"

namespace hvr {

uint64_t PointDiskSize(const VmRecoveryPoint& point, const SessionState& state, size_t disk) {
  return disk < point.disk_sizes.size() ? point.disk_sizes[disk] : state.disks.at(disk).replica_size;
}

void RecordPointSizes(SessionState& state) {
  for (VmRecoveryPoint& point : state.points) {
    for (size_t i = point.disk_sizes.size(); i < point.snapshots.size() && i < state.disks.size(); ++i) {
      point.disk_sizes.push_back(state.disks[i].replica_size);
    }
  }
}

}  // namespace hvr

// The recovery points of one local replica disk, as its NAME/points folder holds them
// (docs/local-store.md): for each point a description, ID.json (point_json.hpp), and an
// undo log, ID.undo (undo_log.hpp), that keeps what the disk held at the point wherever
// it has changed since. Point i reads its own log, then each later log, then the disk.
//
// Not thread-safe, and it keeps no lock file: the replica that owns it guards it, and
// holds the disk's lock file while the folder changes.
#pragma once

#include <string>
#include <vector>

#include "hvr/error.hpp"
#include "hvr/store.hpp"
#include "store/local/undo_log.hpp"

namespace hvr {

class LocalPoints {
 public:
  struct Point {
    RecoveryPoint info;  // info.virtual_size: the point's own size
    UndoLog log;
    bool size_recorded = true;  // false for a description written before disks grew
  };

  // `folder` is NAME/points; `disk_name` names the disk in messages.
  LocalPoints(std::string folder, std::string disk_name);

  // Brings the list in line with the folder (other processes add and remove points),
  // keeping the logs already open. A point without a recorded size gets `disk_size`.
  Status Load(uint64_t disk_size);
  // Writes each point's size into its description where an older version left it out
  // (it was the disk's size, which is about to change).
  Status RecordSizes();

  // Index of recovery point `id`, or kNotFound.
  Result<size_t> Find(const std::string& id) const;
  // Adds the newest point, of size `virtual_size`, at `now`: its log first, so that a
  // description never exists without its log. Ids grow even when the clock does not.
  Result<RecoveryPoint> Create(const SnapshotOptions& options, uint64_t virtual_size,
                               TimePoint now);
  // Removes point `id`, first handing the next older point the content it read through
  // this one's log.
  Status Delete(const std::string& id);
  // Oldest first.
  std::vector<RecoveryPoint> List() const;

  bool empty() const { return points_.empty(); }
  size_t size() const { return points_.size(); }
  Point& operator[](size_t index) { return points_[index]; }
  Point& newest() { return points_.back(); }

 private:
  std::string PathOf(const std::string& id, const char* extension) const;

  const std::string folder_;
  const std::string disk_name_;
  std::vector<Point> points_;  // oldest first
};

}  // namespace hvr

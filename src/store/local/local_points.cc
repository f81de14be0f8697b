#include "store/local/local_points.hpp"

#include <algorithm>

#include "store/local/point_json.hpp"
#include "store/time_text.hpp"
#include "util/checksummed_json.hpp"
#include "util/file.hpp"
#include "util/list_directory.hpp"
#include "util/path.hpp"

namespace hvr {

LocalPoints::LocalPoints(std::string folder, std::string disk_name)
    : folder_(std::move(folder)), disk_name_(std::move(disk_name)) {}

std::string LocalPoints::PathOf(const std::string& id, const char* extension) const {
  return PathIn(folder_, id + extension);
}

Status LocalPoints::Load(uint64_t disk_size) {
  HVR_ASSIGN_OR_RETURN(const auto names, ListDirectory(folder_));
  std::vector<std::string> ids;
  for (const auto& file : names) {
    if (file.size() > 5 && file.compare(file.size() - 5, 5, ".json") == 0) {
      ids.push_back(file.substr(0, file.size() - 5));
    }
  }
  std::sort(ids.begin(), ids.end());
  std::vector<Point> points;
  points.reserve(ids.size());
  size_t reuse = 0;
  for (const auto& id : ids) {
    while (reuse < points_.size() && points_[reuse].info.id < id) ++reuse;
    if (reuse < points_.size() && points_[reuse].info.id == id) {
      points.push_back(std::move(points_[reuse++]));
      continue;
    }
    const std::string json_path = PathOf(id, ".json");
    auto body = ReadChecksummedJson(json_path);
    if (!body.ok() && body.error().code() == Code::kNotFound) continue;  // deleted meanwhile
    if (!body.ok()) return std::move(body).error();
    HVR_ASSIGN_OR_RETURN(RecoveryPoint info, PointFromJson(*body, json_path));
    // A point without a recorded size is older than any growth (Grow records them first).
    const bool size_recorded = info.virtual_size != 0;
    if (!size_recorded) info.virtual_size = disk_size;
    auto log = UndoLog::Open(PathOf(id, ".undo"), false);
    if (!log.ok()) {
      if (log.error().code() == Code::kNotFound) {
        // The log is created before the description and removed after it, so this is
        // damage: reading the point would silently give later content.
        return Error(Code::kCorruptData, json_path + ": recovery point has no undo log " +
                                             PathOf(id, ".undo"));
      }
      return std::move(log).error();
    }
    points.push_back(Point{std::move(info), std::move(log).value(), size_recorded});
  }
  points_ = std::move(points);
  return Ok();
}

Status LocalPoints::RecordSizes() {
  for (Point& point : points_) {
    if (point.size_recorded) continue;
    HVR_RETURN_IF_ERROR(WriteChecksummedJson(PathOf(point.info.id, ".json"), PointToJson(point.info)));
    point.size_recorded = true;
  }
  return Ok();
}

Result<size_t> LocalPoints::Find(const std::string& id) const {
  for (size_t i = 0; i < points_.size(); ++i) {
    if (points_[i].info.id == id) return i;
  }
  return Error(Code::kNotFound, "disk '" + disk_name_ + "' has no recovery point '" + id + "'");
}

Result<RecoveryPoint> LocalPoints::Create(const SnapshotOptions& options, uint64_t virtual_size,
                                          TimePoint now) {
  RecoveryPoint point;
  point.created = FloorToSnapshotTick(now);
  // Ids must grow even when the clock does not (two points in one tick, a clock set back).
  if (!points_.empty() && point.created <= points_.back().info.created) {
    point.created = points_.back().info.created + SnapshotTicks(1);
  }
  point.id = FormatSnapshotTime(point.created);
  point.app_consistent = options.app_consistent;
  point.metadata = options.metadata;
  point.virtual_size = virtual_size;
  // The log first: a description never exists without its log.
  HVR_ASSIGN_OR_RETURN(UndoLog log, UndoLog::Open(PathOf(point.id, ".undo"), true));
  HVR_RETURN_IF_ERROR(WriteChecksummedJson(PathOf(point.id, ".json"), PointToJson(point)));
  points_.push_back(Point{point, std::move(log)});
  return point;
}

Status LocalPoints::Delete(const std::string& id) {
  HVR_ASSIGN_OR_RETURN(const size_t index, Find(id));
  UndoLog& log = points_[index].log;
  HVR_RETURN_IF_ERROR(log.Refresh());
  if (index > 0) {
    // The older point read through this log for what its own log lacks; it must now
    // hold that content itself. A crash after this step leaves the older log holding a
    // copy of content it would have read anyway.
    UndoLog& older = points_[index - 1].log;
    HVR_RETURN_IF_ERROR(older.Refresh());
    std::vector<uint8_t> buffer;
    for (const auto& piece : log.Pieces()) {
      for (const auto& m : older.Missing(piece.offset, piece.length)) {
        if (piece.zero) {
          HVR_RETURN_IF_ERROR(older.AppendZeros(m.offset, m.length));
          continue;
        }
        buffer.resize(static_cast<size_t>(m.length));
        HVR_ASSIGN_OR_RETURN(const auto got, log.ReadHeld(m.offset, buffer));
        if (got.size() != 1 || got[0].length != m.length) {
          return Error(Code::kInternal, log.path() + ": record at disk offset " +
                                            std::to_string(m.offset) + " vanished while merging");
        }
        HVR_RETURN_IF_ERROR(older.Append(m.offset, buffer));
      }
    }
    HVR_RETURN_IF_ERROR(older.Sync());
  }
  const std::string json_path = PathOf(id, ".json");
  HVR_RETURN_IF_ERROR(RemoveFile(json_path));
  HVR_RETURN_IF_ERROR(SyncDirectory(folder_));
  const std::string undo_path = PathOf(id, ".undo");
  HVR_RETURN_IF_ERROR(RemoveFileIfExists(undo_path));
  points_.erase(points_.begin() + static_cast<long>(index));
  return Ok();
}

std::vector<RecoveryPoint> LocalPoints::List() const {
  std::vector<RecoveryPoint> out;
  out.reserve(points_.size());
  for (const auto& p : points_) out.push_back(p.info);
  return out;
}

}  // namespace hvr

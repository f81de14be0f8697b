#include "store/local/point_json.hpp"

#include <optional>

#include "store/local/json_file.hpp"
#include "store/time_text.hpp"

namespace hvr {

boost::json::object PointToJson(const RecoveryPoint& point) {
  boost::json::object body;
  body["id"] = point.id;
  body["created"] = FormatSnapshotTime(point.created);
  body["app_consistent"] = point.app_consistent;
  body["metadata"] = MetadataToJson(point.metadata);
  body["virtual_size"] = point.virtual_size;
  return body;
}

Result<RecoveryPoint> PointFromJson(const boost::json::object& body, const std::string& path) {
  const auto* id = body.if_contains("id");
  const auto* created = body.if_contains("created");
  const auto* app = body.if_contains("app_consistent");
  const auto* metadata = body.if_contains("metadata");
  std::optional<TimePoint> when;
  if (created && created->is_string()) when = ParseSnapshotTime(created->get_string());
  if (!id || !id->is_string() || !when || !app || !app->is_bool() || !metadata) {
    return Error(Code::kCorruptData, path + ": expected \"id\", \"created\" (ISO 8601 UTC), "
                                            "\"app_consistent\" and \"metadata\"");
  }
  RecoveryPoint point;
  point.id = std::string(id->get_string());
  point.created = *when;
  point.app_consistent = app->get_bool();
  HVR_ASSIGN_OR_RETURN(point.metadata, MetadataFromJson(*metadata, path));
  // Descriptions written before disks could grow have no size: 0, the disk's own.
  if (const auto* field = body.if_contains("virtual_size")) {
    const auto size = PositiveSizeIn(field);
    if (!size) return Error(Code::kCorruptData, path + ": \"virtual_size\" is not a positive number of bytes");
    point.virtual_size = *size;
  }
  return point;
}

}  // namespace hvr

// A recovery point's description in the local store, NAME/points/ID.json (checksummed
// JSON, json_file.hpp): {"id", "created" (ISO 8601 UTC), "app_consistent", "metadata",
// "virtual_size"}.
#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "hvr/error.hpp"
#include "hvr/store.hpp"

namespace hvr {

boost::json::object PointToJson(const RecoveryPoint& point);
// `path` names the file for messages. A description without "virtual_size" (written
// before disks could grow) gives 0: the disk's own size.
Result<RecoveryPoint> PointFromJson(const boost::json::object& body, const std::string& path);

}  // namespace hvr

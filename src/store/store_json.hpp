// JSON renderings of store listings and transfer figures, shared by the command line
// (--json) and the C API (which returns JSON documents).
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "hvr/disk_transfer.hpp"
#include "hvr/store.hpp"

namespace hvr {

// {"name", "virtual_size", "recovery_points", "lease_state", "etag", "last_modified",
//  "metadata"}
boost::json::object DiskToJson(const DiskProperties& disk);
// {"id", "created", "app_consistent", "metadata"}
boost::json::object RecoveryPointToJson(const RecoveryPoint& point);
// {"virtual_size", "bytes_read", "bytes_sent", "bytes_skipped", "requests", "seconds",
//  "bytes_per_second"}
boost::json::object TransferStatsToJson(const TransferStats& stats);
// {"requests", "retries", "throttled", "network_failures", "failed_requests",
//  "in_flight_limit", "max_in_flight"}
boost::json::object StoreStatisticsToJson(const StoreStatistics& stats);

}  // namespace hvr

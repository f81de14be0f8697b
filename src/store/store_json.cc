#include "store/store_json.hpp"

#include "store/time_text.hpp"

namespace hvr {
namespace {

boost::json::object MetadataJson(const Metadata& metadata) {
  boost::json::object out;
  for (const auto& [key, value] : metadata) out[key] = value;
  return out;
}

}  // namespace

boost::json::object DiskToJson(const DiskProperties& disk) {
  return {{"name", disk.name},
          {"virtual_size", disk.virtual_size},
          {"recovery_points", disk.snapshot_count},
          {"lease_state", LeaseStateName(disk.lease_state)},
          {"etag", disk.etag},
          {"last_modified", FormatSnapshotTime(disk.last_modified)},
          {"metadata", MetadataJson(disk.metadata)}};
}

boost::json::object RecoveryPointToJson(const RecoveryPoint& point) {
  return {{"id", point.id},
          {"created", FormatSnapshotTime(point.created)},
          {"app_consistent", point.app_consistent},
          {"metadata", MetadataJson(point.metadata)}};
}

boost::json::object TransferStatsToJson(const TransferStats& stats) {
  const double seconds = std::chrono::duration<double>(stats.elapsed).count();
  return {{"virtual_size", stats.virtual_size},
          {"bytes_read", stats.bytes_read},
          {"bytes_sent", stats.bytes_sent},
          {"bytes_skipped", stats.bytes_skipped},
          {"requests", stats.requests},
          {"seconds", seconds},
          {"bytes_per_second", seconds > 0 ? static_cast<double>(stats.bytes_sent) / seconds : 0.0}};
}

boost::json::object StoreStatisticsToJson(const StoreStatistics& stats) {
  return {{"requests", stats.requests},
          {"retries", stats.retries},
          {"throttled", stats.throttled},
          {"network_failures", stats.network_failures},
          {"failed_requests", stats.failed_requests},
          {"in_flight_limit", stats.in_flight_limit},
          {"max_in_flight", stats.max_in_flight}};
}

}  // namespace hvr

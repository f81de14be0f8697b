#include "store/local/lease_file.hpp"

#include "hvr/guid.hpp"
#include "store/local/json_file.hpp"
#include "util/file.hpp"

namespace hvr {
namespace {

int64_t ToMillis(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

TimePoint FromMillis(int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }

Error Conflict(const std::string& disk, const std::string& what) {
  return Error(Code::kConflict, "disk '" + disk + "': " + what);
}

bool Active(LeaseState state) { return state == LeaseState::kLeased || state == LeaseState::kBreaking; }

std::optional<TimePoint> ExpiryFor(std::chrono::seconds duration, TimePoint now) {
  if (duration == kInfiniteLease) return std::nullopt;
  return now + duration;
}

}  // namespace

Result<std::optional<LeaseRecord>> ReadLease(const std::string& path) {
  auto body = ReadChecksummedJson(path);
  if (!body.ok()) {
    if (body.error().code() == Code::kNotFound) return std::optional<LeaseRecord>();
    return std::move(body).error();
  }
  LeaseRecord lease;
  const auto* id = body->if_contains("id");
  const auto* duration = body->if_contains("duration_s");
  const auto* expires = body->if_contains("expires_ms");
  const auto* break_ends = body->if_contains("break_ends_ms");
  if (!id || !id->is_string() || !duration || !duration->is_int64() || (expires && !expires->is_int64()) ||
      (break_ends && !break_ends->is_int64())) {
    return Error(Code::kCorruptData, path + ": expected \"id\", \"duration_s\" and optional "
                                            "integer \"expires_ms\" and \"break_ends_ms\"");
  }
  lease.id = std::string(id->get_string());
  lease.duration = std::chrono::seconds(duration->get_int64());
  if (expires) lease.expires = FromMillis(expires->get_int64());
  if (break_ends) lease.break_ends = FromMillis(break_ends->get_int64());
  return std::optional<LeaseRecord>(std::move(lease));
}

Status WriteLease(const std::string& path, const LeaseRecord& lease) {
  boost::json::object body;
  body["id"] = lease.id;
  body["duration_s"] = static_cast<int64_t>(lease.duration.count());
  if (lease.expires) body["expires_ms"] = ToMillis(*lease.expires);
  if (lease.break_ends) body["break_ends_ms"] = ToMillis(*lease.break_ends);
  return WriteChecksummedJson(path, body);
}

Status RemoveLease(const std::string& path) {
  return RemoveFileIfExists(path);
}

LeaseState EffectiveLeaseState(const std::optional<LeaseRecord>& lease, TimePoint now) {
  if (!lease) return LeaseState::kAvailable;
  if (lease->break_ends) return now < *lease->break_ends ? LeaseState::kBreaking : LeaseState::kBroken;
  if (!lease->expires || now < *lease->expires) return LeaseState::kLeased;
  return LeaseState::kExpired;
}

Status CheckWriteLease(const std::optional<LeaseRecord>& lease, const std::string& lease_id,
                       TimePoint now, const std::string& disk) {
  const bool active = Active(EffectiveLeaseState(lease, now));
  if (active && lease_id.empty()) {
    return Conflict(disk, "another agent holds its lease; this store holds none");
  }
  if (active && lease->id != lease_id) return Conflict(disk, "another agent holds its lease");
  if (!active && !lease_id.empty()) {
    return Conflict(disk, "the lease this store held has expired or was broken");
  }
  return Ok();
}

Result<LeaseRecord> AcquireLeaseRecord(const std::optional<LeaseRecord>& lease,
                                       std::chrono::seconds duration, std::string proposed_id,
                                       TimePoint now, const std::string& disk) {
  const LeaseState state = EffectiveLeaseState(lease, now);
  if (state == LeaseState::kBreaking) return Conflict(disk, "its lease is being broken");
  if (state == LeaseState::kLeased && lease->id != proposed_id) {
    return Conflict(disk, "another agent holds its lease");
  }
  LeaseRecord out;
  out.id = proposed_id.empty() ? Guid::Random().ToString() : std::move(proposed_id);
  out.duration = duration;
  out.expires = ExpiryFor(duration, now);
  return out;
}

Result<LeaseRecord> RenewLeaseRecord(const std::optional<LeaseRecord>& lease,
                                     const std::string& lease_id, TimePoint now,
                                     const std::string& disk) {
  // An expired lease may be renewed as long as nobody else acquired it since.
  if (!lease || lease->id != lease_id) return Conflict(disk, "the lease to renew is no longer held");
  if (lease->break_ends) return Conflict(disk, "the lease was broken and cannot be renewed");
  LeaseRecord out = *lease;
  out.expires = ExpiryFor(out.duration, now);
  return out;
}

Status CheckReleaseLease(const std::optional<LeaseRecord>& lease, const std::string& lease_id,
                         const std::string& disk) {
  if (!lease || lease->id != lease_id) return Conflict(disk, "the lease to release is no longer held");
  return Ok();
}

Result<std::optional<LeaseRecord>> BreakLeaseRecord(const std::optional<LeaseRecord>& lease,
                                                    std::chrono::seconds period, TimePoint now,
                                                    const std::string& disk) {
  const LeaseState state = EffectiveLeaseState(lease, now);
  if (state == LeaseState::kAvailable) return Conflict(disk, "there is no lease to break");
  if (state != LeaseState::kLeased || period == std::chrono::seconds(0)) {
    return std::optional<LeaseRecord>();  // broken at once
  }
  LeaseRecord out = *lease;
  // Like Azure: the break ends at the earlier of the period and the lease's own end.
  TimePoint ends = now + period;
  if (out.expires && *out.expires < ends) ends = *out.expires;
  out.break_ends = ends;
  return std::optional<LeaseRecord>(std::move(out));
}

}  // namespace hvr

#include "session/recovery_points.hpp"

#include <array>
#include <boost/asio/use_future.hpp>
#include <charconv>
#include <set>

#include "diff/chunk_hash.hpp"
#include "session/replica_mirror.hpp"
#include "session/session_state.hpp"
#include "util/endian.hpp"
#include "util/hex.hpp"

namespace hvr {
namespace {

using boost::asio::use_future;

std::optional<uint64_t> ParseNumber(const std::string& text) {
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::optional<int64_t> ParseSigned(const std::string& text) {
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::string Lookup(const Metadata& m, const char* key) {
  auto it = m.find(key);
  return it == m.end() ? std::string() : it->second;
}

std::string Joined(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : ",") + item;
  return text;
}

std::vector<std::string> SplitAtCommas(const std::string& text) {
  std::vector<std::string> items;
  if (text.empty()) return items;
  size_t start = 0;
  for (size_t comma; (comma = text.find(',', start)) != std::string::npos; start = comma + 1) {
    items.push_back(text.substr(start, comma - start));
  }
  items.push_back(text.substr(start));
  return items;
}

}  // namespace

std::string DiskDigest(const std::string& replica) {
  std::array<uint8_t, 8> hash;
  StoreBE(hash.data(), Checksum64({reinterpret_cast<const uint8_t*>(replica.data()), replica.size()}));
  return HexBytes(hash);
}

std::vector<std::string> DiskSet(const std::vector<DiskState>& disks) {
  std::vector<std::string> set;
  for (const DiskState& d : disks) set.push_back(DiskDigest(d.replica));
  return set;
}

Metadata ToMetadata(const PointTag& tag) {
  Metadata m{{"vm_id", tag.vm_id.ToString()},
             {"point", std::to_string(tag.sequence)},
             {"source_time", std::to_string(ToUnixSeconds(tag.source_time))},
             {"log_id", tag.log_id.empty() ? "none" : tag.log_id},
             {"disks", std::to_string(tag.disk_count)}};
  if (!tag.disk_set.empty()) m["disk_set"] = Joined(tag.disk_set);
  return m;
}

std::optional<PointTag> PointTagOf(const Metadata& metadata) {
  auto vm = Guid::Parse(Lookup(metadata, "vm_id"));
  const auto sequence = ParseNumber(Lookup(metadata, "point"));
  const auto seconds = ParseSigned(Lookup(metadata, "source_time"));
  const auto source_time = seconds ? FromUnixSeconds(*seconds) : std::nullopt;
  if (!vm.ok() || !sequence || !source_time) return std::nullopt;
  std::string log_id = Lookup(metadata, "log_id");
  if (log_id == "none") log_id.clear();
  // An unreadable count is no count: such a point must then be on every disk, as before.
  const auto disk_count = ParseNumber(Lookup(metadata, "disks"));
  return PointTag{*vm, *sequence, *source_time, log_id, disk_count ? static_cast<size_t>(*disk_count) : 0,
                  SplitAtCommas(Lookup(metadata, "disk_set"))};
}

std::vector<uint64_t> PointsToPrune(const std::vector<VmRecoveryPoint>& points, TimePoint now,
                                    std::chrono::hours history) {
  std::vector<uint64_t> prune;
  if (points.empty()) return prune;
  const TimePoint oldest_kept = now - history;
  const TimePoint recent = now - std::chrono::hours(1);
  // Newest first, so the first point met in an hour is the one that stays.
  std::set<int64_t> hours_kept;
  for (size_t i = points.size(); i-- > 0;) {
    const VmRecoveryPoint& p = points[i];
    if (i + 1 == points.size()) continue;  // the newest always stays
    if (p.source_time < oldest_kept) {
      prune.push_back(p.sequence);
      continue;
    }
    if (p.source_time >= recent || p.app_consistent) continue;
    const int64_t hour = std::chrono::duration_cast<std::chrono::hours>(p.source_time.time_since_epoch()).count();
    if (!hours_kept.insert(hour).second) prune.push_back(p.sequence);
  }
  return prune;
}

Result<VmRecoveryPoint> ChoosePoint(const std::vector<VmRecoveryPoint>& points, const std::string& which) {
  if (points.empty()) return Error(Code::kNotFound, "the VM has no recovery point");
  if (which.empty() || which == "latest") return points.back();
  if (which == "latest-app-consistent" || which == "latest_app_consistent") {
    for (size_t i = points.size(); i-- > 0;) {
      if (points[i].app_consistent) return points[i];
    }
    return Error(Code::kNotFound, "the VM has no app-consistent recovery point");
  }
  for (const VmRecoveryPoint& p : points) {
    if (p.id == which) return p;
  }
  return Error(Code::kNotFound, "no recovery point '" + which + "' (see the list of points)");
}

Result<VmRecoveryPoint> RecoveryPoints::Take(ReplicaStore& store, uint64_t sequence, TimePoint source_time,
                                             bool app_consistent, const std::vector<std::string>& log_ids) const {
  const SessionState s = journal_.Snapshot();
  VmRecoveryPoint point;
  point.sequence = sequence;
  point.id = std::to_string(sequence);
  point.source_time = source_time;
  point.app_consistent = app_consistent;
  const std::vector<std::string> disk_set = DiskSet(s.disks);
  for (size_t i = 0; i < s.disks.size(); ++i) {
    const std::string& replica = s.disks[i].replica;
    HVR_ASSIGN_OR_RETURN(const auto existing, store.AsyncListSnapshots(replica, use_future).get());
    std::optional<RecoveryPoint> taken;
    for (const RecoveryPoint& rp : existing) {
      const auto tag = PointTagOf(rp.metadata);
      if (!tag || tag->vm_id != s.vm_id || tag->sequence != sequence) continue;
      if (tag->log_id == log_ids[i] && rp.app_consistent == app_consistent && tag->disk_set == disk_set) {
        taken = rp;  // a crashed attempt took it after the same logs, of the same disks: same content
      } else {
        HVR_RETURN_IF_ERROR(store.AsyncDeleteSnapshot(replica, rp.id, use_future).get());
      }
    }
    if (!taken) {
      SnapshotOptions snapshot;
      snapshot.app_consistent = app_consistent;
      snapshot.metadata = ToMetadata(PointTag{s.vm_id, sequence, source_time, log_ids[i], s.disks.size(), disk_set});
      HVR_ASSIGN_OR_RETURN(taken, store.AsyncCreateSnapshot(replica, snapshot, use_future).get());
    }
    point.snapshots.push_back(taken->id);
    point.disk_sizes.push_back(s.disks[i].replica_size);
    point.created = taken->created;
  }
  return point;
}

Status RecoveryPoints::Prune(ReplicaStore& store, TimePoint now, std::chrono::hours history) {
  const SessionState s = journal_.Snapshot();
  const std::vector<uint64_t> drop = PointsToPrune(s.points, now, history);
  const std::set<uint64_t> dropped(drop.begin(), drop.end());
  if (!dropped.empty()) {
    HVR_RETURN_IF_ERROR(journal_.Commit([&](SessionState& st) {
      std::erase_if(st.points, [&](const VmRecoveryPoint& p) { return dropped.count(p.sequence) > 0; });
    }));
  }
  const SessionState after = journal_.Snapshot();
  std::set<uint64_t> kept;
  for (const VmRecoveryPoint& p : after.points) kept.insert(p.sequence);
  const uint64_t newest = after.points.empty() ? 0 : after.points.back().sequence;
  // Every snapshot of ours that no kept point names and that is older than the newest
  // point: pruned points, and the leftovers of attempts a crash interrupted.
  for (const DiskState& d : after.disks) {
    HVR_ASSIGN_OR_RETURN(const auto snapshots, store.AsyncListSnapshots(d.replica, use_future).get());
    for (const RecoveryPoint& rp : snapshots) {
      const auto tag = PointTagOf(rp.metadata);
      if (!tag || tag->vm_id != after.vm_id || kept.count(tag->sequence) || tag->sequence >= newest) continue;
      HVR_RETURN_IF_ERROR(UnlessNotFound(store.AsyncDeleteSnapshot(d.replica, rp.id, use_future).get()));
    }
  }
  return Ok();
}

Status RecoveryPoints::Mirror(ReplicaStore& store, const ProtectionSettings& settings) const {
  const SessionState s = journal_.Snapshot();
  for (size_t i = 0; i < s.disks.size(); ++i) {
    HVR_RETURN_IF_ERROR(store.AsyncSetMetadata(s.disks[i].replica, MirrorMetadata(settings, s, i), use_future).get());
  }
  return Ok();
}

}  // namespace hvr

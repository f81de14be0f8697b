#include "session/recovery_points.hpp"

#include <charconv>
#include <set>

#include "session/session_state.hpp"

namespace hvr {
namespace {

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

}  // namespace

Metadata ToMetadata(const PointTag& tag) {
  return {{"vm_id", tag.vm_id.ToString()},
          {"point", std::to_string(tag.sequence)},
          {"source_time", std::to_string(ToUnixSeconds(tag.source_time))},
          {"log_id", tag.log_id.empty() ? "none" : tag.log_id}};
}

std::optional<PointTag> PointTagOf(const Metadata& metadata) {
  auto vm = Guid::Parse(Lookup(metadata, "vm_id"));
  const auto sequence = ParseNumber(Lookup(metadata, "point"));
  const auto seconds = ParseSigned(Lookup(metadata, "source_time"));
  const auto source_time = seconds ? FromUnixSeconds(*seconds) : std::nullopt;
  if (!vm.ok() || !sequence || !source_time) return std::nullopt;
  std::string log_id = Lookup(metadata, "log_id");
  if (log_id == "none") log_id.clear();
  return PointTag{*vm, *sequence, *source_time, log_id};
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

}  // namespace hvr

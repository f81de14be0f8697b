// Times as text, the way Azure writes them: RFC 1123 for HTTP dates ("Sun, 06 Nov 1994
// 08:49:37 GMT") and ISO 8601 with seven decimals for snapshot ids
// ("2024-05-01T12:00:00.1234567Z"). Formatted by hand, never through the C locale, so an
// embedding program's locale cannot change them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "hvr/clock.hpp"

namespace hvr {

std::string FormatHttpDate(TimePoint t);
std::optional<TimePoint> ParseHttpDate(std::string_view text);

// Snapshot times have 100-nanosecond resolution.
using SnapshotTicks = std::chrono::duration<int64_t, std::ratio<1, 10'000'000>>;
inline TimePoint FloorToSnapshotTick(TimePoint t) {
  return std::chrono::time_point_cast<Duration>(std::chrono::floor<SnapshotTicks>(t));
}

// 100-nanosecond resolution, UTC, "Z" suffix. Ids in this form sort as their times do.
std::string FormatSnapshotTime(TimePoint t);
// The same to the whole second, for people: "2024-05-01T12:00:00Z".
std::string FormatUtcSeconds(TimePoint t);
// Accepts 0 to 7 decimals.
std::optional<TimePoint> ParseSnapshotTime(std::string_view text);

}  // namespace hvr

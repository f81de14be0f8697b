// The settings a SettingsChange can give, in one table: each one's key (in the requests
// other processes leave: operator_request.cc), its name in words (job summaries: never a
// value, the target holds a secret), whether a change gives it, and how a change takes it
// from whole settings.
#pragma once

#include "hvr/protection.hpp"

namespace hvr {

struct SettingsChangeField {
  const char* key;
  const char* words;
  bool (*given)(const SettingsChange& change);
  void (*take)(SettingsChange& change, const ProtectionSettings& from);
};

inline constexpr SettingsChangeField kSettingsChangeFields[] = {
    {"target", "target credential", [](const SettingsChange& c) { return c.target.has_value(); },
     [](SettingsChange& c, const ProtectionSettings& s) { c.target = s.target; }},
    {"interval", "interval", [](const SettingsChange& c) { return c.interval.has_value(); },
     [](SettingsChange& c, const ProtectionSettings& s) { c.interval = s.interval; }},
    {"recovery_history", "recovery point history",
     [](const SettingsChange& c) { return c.recovery_history.has_value(); },
     [](SettingsChange& c, const ProtectionSettings& s) { c.recovery_history = s.recovery_history; }},
    {"app_consistent_frequency", "app-consistent frequency",
     [](const SettingsChange& c) { return c.app_consistent_frequency.has_value(); },
     [](SettingsChange& c, const ProtectionSettings& s) { c.app_consistent_frequency = s.app_consistent_frequency; }},
    {"bandwidth", "bandwidth", [](const SettingsChange& c) { return c.bandwidth.has_value(); },
     [](SettingsChange& c, const ProtectionSettings& s) { c.bandwidth = s.bandwidth.value_or(BandwidthSchedule{}); }},
    {"resync", "resync window", [](const SettingsChange& c) { return c.resync.has_value(); },
     [](SettingsChange& c, const ProtectionSettings& s) { c.resync = s.resync; }},
    {"max_in_flight", "requests in flight", [](const SettingsChange& c) { return c.max_in_flight.has_value(); },
     [](SettingsChange& c, const ProtectionSettings& s) { c.max_in_flight = s.max_in_flight; }},
    {"link", "link", [](const SettingsChange& c) { return c.link.has_value(); },
     [](SettingsChange& c, const ProtectionSettings& s) { c.link = s.link; }},
};

}  // namespace hvr

#include "hvr/protection.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>

#include "hvr/azure_limits.hpp"
#include "hvr/change_tracker.hpp"
#include "hvr/manifest.hpp"
#include "hvr/store.hpp"
#include "store/store_target.hpp"
#include "util/ascii.hpp"
#include "util/file.hpp"
#include "util/path.hpp"

namespace hvr {
namespace {

Error Invalid(const std::string& message) { return Error(Code::kInvalidArgument, message); }

// A file stem turned into a valid log name: other characters become '_'.
std::string LogNameFor(const std::string& path) {
  std::string stem = std::filesystem::path(path).stem().string();
  for (char& c : stem) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    if (!ok) c = '_';
  }
  return stem.empty() ? "disk" : stem;
}

// The key in an encryption key file: 32 raw bytes, or 64 hex digits (whitespace around
// them ignored).
Result<std::array<uint8_t, 32>> ReadEncryptionKey(const std::string& path) {
  HVR_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path));
  std::array<uint8_t, 32> key{};
  if (text.size() == key.size()) {
    std::copy(text.begin(), text.end(), key.begin());
    return key;
  }
  text.erase(std::remove_if(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); }), text.end());
  const auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (text.size() != 64) {
    return Invalid("encryption key file " + path + ": expected 32 bytes or 64 hex digits");
  }
  for (size_t i = 0; i < key.size(); ++i) {
    const int hi = nibble(text[2 * i]);
    const int lo = nibble(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return Invalid("encryption key file " + path + ": not a hex digit");
    key[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return key;
}

Status ValidateInterval(ReplicationInterval interval) {
  HVR_RETURN_IF_ERROR(IntervalFromSeconds(static_cast<int64_t>(interval)));
  return Ok();
}

// Site Recovery keeps recovery points up to 15 days and takes app-consistent ones at most
// every 12 hours, within the history.
Status ValidateRecoveryHistory(std::chrono::hours history) {
  if (history < std::chrono::hours(0) || history > std::chrono::hours(360)) {
    return Invalid("recovery point history must be 0 to 360 hours");
  }
  return Ok();
}

Status ValidateAppConsistentFrequency(std::chrono::hours frequency) {
  if (frequency < std::chrono::hours(0) || frequency > std::chrono::hours(12)) {
    return Invalid("app-consistent snapshot frequency must be 0 (never) to 12 hours");
  }
  return Ok();
}

Status ValidateResyncWindow(const ResyncWindow& window) { return window.office_hours.Validate("resync window"); }

}  // namespace

const char* IntervalName(ReplicationInterval interval) {
  switch (interval) {
    case ReplicationInterval::k30Seconds: return "30s";
    case ReplicationInterval::k5Minutes: return "5m";
    case ReplicationInterval::k15Minutes: return "15m";
  }
  return "unknown";
}

Result<ReplicationInterval> ParseInterval(std::string_view text) {
  const std::string t = AsciiLower(text);
  if (t == "30s" || t == "30" || t == "30sec") return ReplicationInterval::k30Seconds;
  if (t == "5m" || t == "300s" || t == "300" || t == "5min") return ReplicationInterval::k5Minutes;
  if (t == "15m" || t == "900s" || t == "900" || t == "15min") return ReplicationInterval::k15Minutes;
  return Invalid("replication interval '" + std::string(text) + "': choose 30s, 5m or 15m");
}

Result<ReplicationInterval> IntervalFromSeconds(int64_t seconds) {
  for (ReplicationInterval interval :
       {ReplicationInterval::k30Seconds, ReplicationInterval::k5Minutes, ReplicationInterval::k15Minutes}) {
    if (seconds == static_cast<int64_t>(interval)) return interval;
  }
  return Invalid("replication interval of " + std::to_string(seconds) + " s: choose 30, 300 or 900 seconds");
}

ProtectionSettings WithDefaults(ProtectionSettings settings) {
  // Paths are kept absolute, so that a session opened from another directory finds its
  // disks, logs and key where protection found them.
  for (size_t i = 0; i < settings.disks.size(); ++i) {
    DiskSpec& disk = settings.disks[i];
    if (disk.path.empty()) continue;  // ValidateSettings refuses it
    disk.path = AbsolutePath(disk.path);
    disk.log_folder = disk.log_folder.empty() ? FolderOf(disk.path) : AbsolutePath(disk.log_folder);
    if (disk.log_name.empty()) disk.log_name = LogNameFor(disk.path);
    if (disk.replica_name.empty()) disk.replica_name = settings.vm_name + "-disk" + std::to_string(i);
  }
  if (!settings.encryption_key_file.empty()) settings.encryption_key_file = AbsolutePath(settings.encryption_key_file);
  if (settings.chunk_size == 0) settings.chunk_size = kDefaultChunkSize;
  // A local folder is kept absolute, so that the settings never depend on the current
  // directory; a bad target is left for ValidateSettings to refuse.
  if (auto target = ParseStoreTarget(settings.target); target.ok()) settings.target = std::move(target->text);
  return settings;
}

Status ValidateSettings(const ProtectionSettings& input) {
  const ProtectionSettings settings = WithDefaults(input);
  HVR_RETURN_IF_ERROR(CheckVmName(settings.vm_name));
  HVR_RETURN_IF_ERROR(CheckDiskCount(settings.disks.size()));
  if (settings.target.empty()) return Invalid("no target store given");
  HVR_RETURN_IF_ERROR(ParseStoreTarget(settings.target));
  std::set<std::string> paths, replicas, logs;
  for (size_t i = 0; i < settings.disks.size(); ++i) {
    const DiskSpec& disk = settings.disks[i];
    const std::string which = "disk " + std::to_string(i);
    if (disk.path.empty()) return Invalid(which + ": no path");
    if (!paths.insert(disk.path).second) {
      return Invalid(which + ": " + disk.path + " is protected twice");
    }
    if (Status name = ValidateDiskName(disk.replica_name); !name.ok()) {
      return name.error().WithContext(which + ": replica name");
    }
    // Azure compares blob names exactly, the local store's file system may not.
    if (!replicas.insert(AsciiLower(disk.replica_name)).second) {
      return Invalid(which + ": replica name '" + disk.replica_name + "' is used twice");
    }
    HVR_RETURN_IF_ERROR(ValidateLogName(disk.log_name));
    const std::string log_key = PathIn(disk.log_folder, disk.log_name);
    if (!logs.insert(log_key).second) {
      return Invalid(which + ": its logs (" + log_key + "-*.hrl) are another disk's");
    }
  }
  HVR_RETURN_IF_ERROR(ValidateMaxInFlight(settings.max_in_flight));
  HVR_RETURN_IF_ERROR(ValidateInterval(settings.interval));
  HVR_RETURN_IF_ERROR(ValidateRecoveryHistory(settings.recovery_history));
  HVR_RETURN_IF_ERROR(ValidateAppConsistentFrequency(settings.app_consistent_frequency));
  if (settings.app_consistent_frequency > std::chrono::hours(0) &&
      settings.app_consistent_frequency > settings.recovery_history) {
    return Invalid("app-consistent snapshot frequency must not exceed the recovery point history");
  }
  // Thirty days is far beyond any useful alert, and keeps the threshold within the clock.
  if (settings.rpo_threshold &&
      (*settings.rpo_threshold <= std::chrono::seconds(0) || *settings.rpo_threshold > std::chrono::hours(24 * 30))) {
    return Invalid("the RPO threshold must be positive and at most 30 days");
  }
  if (settings.bandwidth) HVR_RETURN_IF_ERROR(settings.bandwidth->Validate());
  HVR_RETURN_IF_ERROR(settings.link.Validate());
  HVR_RETURN_IF_ERROR(ValidateResyncWindow(settings.resync));
  HVR_RETURN_IF_ERROR(ValidateChunkSize(settings.chunk_size));
  for (const auto& [key, value] : settings.failover_vm) {
    const bool printable = std::all_of(value.begin(), value.end(), [](unsigned char c) { return c >= 0x20 && c < 0x7f; });
    if (key.empty() || !printable) return Invalid("failover VM setting '" + key + "': printable ASCII only");
  }
  return Ok();
}

bool SettingsChange::empty() const {
  return !target && !interval && !recovery_history && !app_consistent_frequency && !bandwidth && !resync &&
         !max_in_flight && !link;
}

Status SettingsChange::Validate() const {
  if (target) HVR_RETURN_IF_ERROR(ParseStoreTarget(*target));
  if (interval) HVR_RETURN_IF_ERROR(ValidateInterval(*interval));
  if (recovery_history) HVR_RETURN_IF_ERROR(ValidateRecoveryHistory(*recovery_history));
  if (app_consistent_frequency) HVR_RETURN_IF_ERROR(ValidateAppConsistentFrequency(*app_consistent_frequency));
  if (bandwidth) HVR_RETURN_IF_ERROR(bandwidth->Validate());
  if (resync) HVR_RETURN_IF_ERROR(ValidateResyncWindow(*resync));
  if (max_in_flight) HVR_RETURN_IF_ERROR(ValidateMaxInFlight(*max_in_flight));
  if (link) HVR_RETURN_IF_ERROR(link->Validate());
  return Ok();
}

ProtectionSettings SettingsChange::ApplyTo(ProtectionSettings settings) const {
  if (target) settings.target = *target;
  if (interval) settings.interval = *interval;
  if (recovery_history) settings.recovery_history = *recovery_history;
  if (app_consistent_frequency) settings.app_consistent_frequency = *app_consistent_frequency;
  if (bandwidth) {
    const bool unlimited = bandwidth->work_bytes_per_second == 0 && bandwidth->non_work_bytes_per_second == 0;
    settings.bandwidth = unlimited ? std::nullopt : bandwidth;
  }
  if (resync) settings.resync = *resync;
  if (max_in_flight) settings.max_in_flight = *max_in_flight;
  if (link) settings.link = *link;
  return WithDefaults(std::move(settings));
}

Result<StoreOptions> StoreOptionsFor(const ProtectionSettings& settings, StoreOptions base) {
  base.max_in_flight = settings.max_in_flight;
  base.blob_requests_per_second = settings.link.requests_per_second;
  base.tls = settings.tls;
  base.proxy = settings.proxy;
  if (!settings.encryption_key_file.empty()) {
    HVR_ASSIGN_OR_RETURN(base.encryption_key, ReadEncryptionKey(settings.encryption_key_file));
  }
  if (settings.bandwidth) {
    const Clock& clock = base.clock ? *base.clock : SystemClock::Instance();
    base.bandwidth = std::make_shared<BandwidthLimiter>(*settings.bandwidth, clock);
  }
  return base;
}

}  // namespace hvr

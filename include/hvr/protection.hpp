// What protecting a VM means: its disks, where they replicate to, and the settings of the
// replication relationship. Sessions persist these in their state
// directory; the CLI and the C API fill them in.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hvr/bandwidth.hpp"
#include "hvr/link.hpp"
#include "hvr/error.hpp"
#include "hvr/store_options.hpp"
#include "hvr/work_hours.hpp"

namespace hvr {

// One protected virtual disk.
struct DiskSpec {
  // The disk as the VM uses it (VHDX, VHD or raw). Differencing chains are followed.
  std::string path;
  // Where the host's change tracker writes this disk's replica logs, and their name:
  // <log_folder>/<log_name>-<sequence>.hrl (hvr/change_tracker.hpp). Empty: the disk's
  // folder, and the disk file's name without its extension.
  std::string log_folder;
  std::string log_name;
  // The replica disk in the target. Empty: "<vm>-disk<index>".
  std::string replica_name;
};

// The replication frequencies Hyper-V Replica offers.
enum class ReplicationInterval : int { k30Seconds = 30, k5Minutes = 300, k15Minutes = 900 };

// "30s", "5m", "15m".
const char* IntervalName(ReplicationInterval interval);
// Parses "30s", "5m", "15m" (also "300s", "15min"...): only the three frequencies.
Result<ReplicationInterval> ParseInterval(std::string_view text);
// 30, 300 or 900 seconds: only the three frequencies.
Result<ReplicationInterval> IntervalFromSeconds(int64_t seconds);
inline std::chrono::seconds IntervalDuration(ReplicationInterval interval) {
  return std::chrono::seconds(static_cast<int>(interval));
}

// When resynchronization may start by itself: outside office hours by default
// (08:00-18:00, Monday to Friday, local time). A resync started by hand runs at once,
// and one already started goes on until it ends.
struct ResyncWindow {
  bool automatic = true;  // false: only by hand
  WorkHours office_hours = WorkHours::Weekdays(8, 18);

  bool Allows(TimePoint t) const { return automatic && !office_hours.Contains(t); }
};

struct ProtectionSettings {
  // The VM's name, valid as an Azure VM name (docs/azure-limits.md).
  std::string vm_name;
  std::vector<DiskSpec> disks;

  // The target store (hvr/store.hpp, OpenStore). It may hold a secret (an account key,
  // a SAS token): the state directory keeps it in a file only its owner can read, and it
  // is never logged. A SAS must grant read, add, create, write, delete and list
  // (sp=racwdl); Session::Protect refuses one that does not, before anything is made.
  std::string target;
  // Store options that persist with the relationship. The bandwidth schedule below, not
  // store.bandwidth, limits the VM's traffic.
  int max_in_flight = 8;           // requests in flight, 4 MiB buffer each
  TlsOptions tls;
  std::optional<std::string> proxy;
  // A file holding a customer-provided AES-256 key (32 bytes, or 64 hex digits), so
  // Azure encrypts the replica with it (customer-provided keys, docs/transport.md).
  std::string encryption_key_file;

  ReplicationInterval interval = ReplicationInterval::k5Minutes;
  // Recovery points are kept this long (0: only the latest one).
  std::chrono::hours recovery_history{24};
  // How often a point is made app-consistent (the host quiesces the guest); 0: never.
  std::chrono::hours app_consistent_frequency{0};
  // Health turns Warning when the newest recovery point is older than this; unset: three
  // intervals.
  std::optional<std::chrono::seconds> rpo_threshold;
  std::optional<BandwidthSchedule> bandwidth;
  // The link to the target, which decides how far writes join across zeros
  // (hvr/link.hpp).
  LinkModel link;
  ResyncWindow resync;
  uint32_t chunk_size = 0;  // of the replica manifests; 0: the default (hvr/manifest.hpp)

  // Passed to the host when a VM is created from the replica (failover): VM size,
  // network, subnet... whatever the host's callback needs. Printable ASCII.
  std::map<std::string, std::string> failover_vm;
};

// Checks everything that can be checked without touching disks or the target: the VM
// name and disk count against Azure's limits, disk paths present and distinct, replica
// names valid and distinct, the target string (OpenStore's rules), the interval,
// history and app-consistent frequency, the windows, the chunk size. kInvalidArgument
// naming the setting.
Status ValidateSettings(const ProtectionSettings& settings);

// The settings with defaults filled in: log folders and names, replica names, chunk
// size; a local target folder ("file:PATH" or an absolute path) as its absolute path.
ProtectionSettings WithDefaults(ProtectionSettings settings);

// A change of a protection's settings (Set-VMReplication): each setting given replaces
// the protection's, those left empty stay as they are.
struct SettingsChange {
  // The target with a new credential (account key, SAS or service principal) for the same
  // account and container, or the same folder: the session checks it against the target
  // before it saves it.
  std::optional<std::string> target;
  std::optional<ReplicationInterval> interval;
  std::optional<std::chrono::hours> recovery_history;
  std::optional<std::chrono::hours> app_consistent_frequency;
  // Rates of 0 at all hours remove the limit.
  std::optional<BandwidthSchedule> bandwidth;
  std::optional<ResyncWindow> resync;
  std::optional<int> max_in_flight;
  std::optional<LinkModel> link;

  bool empty() const;
  // Each setting given, by the rule ValidateSettings applies to it (kInvalidArgument
  // naming it). Rules that join two settings (an app-consistent frequency within the
  // history) are checked when the change meets the protection's settings.
  Status Validate() const;
  // `settings` with the change made.
  ProtectionSettings ApplyTo(ProtectionSettings settings) const;
};

// The store options the settings ask for; `base` provides what does not persist (log
// callback, clock).
Result<StoreOptions> StoreOptionsFor(const ProtectionSettings& settings, StoreOptions base = {});

}  // namespace hvr

// Leases of the local store: a small checksummed JSON file beside the disk, read and
// changed only under the disk's exclusive lock file, checked under its shared lock by
// every write. The rules follow Azure's Lease Blob so both stores behave alike:
// an active lease (leased or breaking) admits only writes carrying its id; a write that
// carries an id while no lease is active has lost its lease; anyone may acquire an
// expired or broken lease.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "hvr/clock.hpp"
#include "hvr/error.hpp"
#include "hvr/store.hpp"

namespace hvr {

struct LeaseRecord {
  std::string id;
  std::chrono::seconds duration{0};     // as acquired; renewals extend by it
  std::optional<TimePoint> expires;     // unset: infinite
  std::optional<TimePoint> break_ends;  // set once a break was asked for
};

// nullopt when there is no lease file.
Result<std::optional<LeaseRecord>> ReadLease(const std::string& path);
Status WriteLease(const std::string& path, const LeaseRecord& lease);
Status RemoveLease(const std::string& path);

LeaseState EffectiveLeaseState(const std::optional<LeaseRecord>& lease, TimePoint now);

// Whether a write carrying `lease_id` (empty: none) may change disk `disk` now.
Status CheckWriteLease(const std::optional<LeaseRecord>& lease, const std::string& lease_id,
                       TimePoint now, const std::string& disk);

// The lease operations: each returns the record to write (or nullopt to remove the
// file), or kConflict as Azure would answer.
Result<LeaseRecord> AcquireLeaseRecord(const std::optional<LeaseRecord>& lease,
                                       std::chrono::seconds duration, std::string proposed_id,
                                       TimePoint now, const std::string& disk);
Result<LeaseRecord> RenewLeaseRecord(const std::optional<LeaseRecord>& lease,
                                     const std::string& lease_id, TimePoint now,
                                     const std::string& disk);
Status CheckReleaseLease(const std::optional<LeaseRecord>& lease, const std::string& lease_id,
                         const std::string& disk);
Result<std::optional<LeaseRecord>> BreakLeaseRecord(const std::optional<LeaseRecord>& lease,
                                                    std::chrono::seconds period, TimePoint now,
                                                    const std::string& disk);

}  // namespace hvr

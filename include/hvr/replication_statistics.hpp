// Replication statistics of one VM, as Hyper-V's Measure-VMReplication gives them: what
// the cycles sent and how long they took, how many succeeded, were missed or failed, and
// what resyncs cost; kept since protection and since the last reset
// (docs/monitoring.md says exactly what each counts).
#pragma once

#include <cstdint>
#include <optional>

#include "hvr/clock.hpp"

namespace hvr {

struct ReplicationStatistics {
  TimePoint since;  // protection, or the last reset

  uint64_t successful_cycles = 0;  // delta cycles that completed (with or without new logs)
  // Intervals that passed without a cycle starting: counted when the next one starts.
  uint64_t missed_cycles = 0;
  uint64_t failed_cycles = 0;      // replication attempts that failed (after their retries)
  // Attempts, retried ones included, that failed on the network (kNetwork, kTimeout).
  uint64_t network_failures = 0;
  // App-consistent points due whose guest could not be quiesced (a crash-consistent point
  // was taken instead).
  uint64_t app_consistent_failures = 0;
  uint64_t resyncs = 0;            // resyncs that completed
  uint64_t resync_bytes = 0;       // what they sent
  uint64_t bytes_sent = 0;         // by cycles, initial replication and resyncs

  // Of the cycles that took a recovery point: bytes sent, and latency (cycle start to
  // point taken).
  uint64_t cycles_with_point = 0;
  uint64_t cycle_bytes_total = 0;
  uint64_t cycle_bytes_max = 0;
  Duration latency_total{0};
  Duration latency_max{0};
  std::optional<Duration> last_cycle_duration;  // of the last cycle that completed

  uint64_t average_cycle_bytes() const { return cycles_with_point ? cycle_bytes_total / cycles_with_point : 0; }
  Duration average_latency() const {
    return cycles_with_point ? latency_total / static_cast<int64_t>(cycles_with_point) : Duration{0};
  }
};

}  // namespace hvr

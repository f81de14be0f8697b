// The health of a protected VM (docs/session.md), derived, never stored.
#pragma once

#include <optional>

#include "hvr/clock.hpp"
#include "hvr/error.hpp"

namespace hvr {

enum class Health : int {
  kNormal = 0,
  kWarning = 1,   // recoverable errors being retried, a resync pending, or RPO over threshold
  kCritical = 2,  // a non-recoverable error: an administrator must act
};

struct HealthInputs {
  // The error of the current failure run, if the last attempt failed.
  std::optional<Error> unresolved_error;
  // Time since the newest recovery point, and the RPO above which health is Warning.
  Duration rpo{0};
  Duration rpo_threshold{Duration::max()};
  // An operator suspended replication: Warning, as Hyper-V shows a suspended VM.
  bool suspended = false;
};

Health EvaluateHealth(const HealthInputs& inputs);

const char* HealthName(Health health);  // "normal", "warning", "critical"

}  // namespace hvr

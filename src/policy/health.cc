#include "hvr/health.hpp"

namespace hvr {

Health EvaluateHealth(const HealthInputs& inputs) {
  if (inputs.unresolved_error) {
    switch (inputs.unresolved_error->error_class()) {
      case ErrorClass::kNonRecoverable:
        return Health::kCritical;
      case ErrorClass::kRecoverable:
      case ErrorClass::kResyncRequired:
        return Health::kWarning;
      case ErrorClass::kNone:
        break;
    }
  }
  if (inputs.suspended) return Health::kWarning;
  return inputs.rpo > inputs.rpo_threshold ? Health::kWarning : Health::kNormal;
}

const char* HealthName(Health health) {
  switch (health) {
    case Health::kNormal:
      return "normal";
    case Health::kWarning:
      return "warning";
    case Health::kCritical:
      return "critical";
  }
  return "unknown";
}

}  // namespace hvr

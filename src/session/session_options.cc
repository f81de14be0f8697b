#include "hvr/session_options.hpp"

#include <string>

#include "session/agent_identity.hpp"

namespace hvr {

Status ValidateSessionOptions(const SessionOptions& options) {
  // 0 keeps the settings' requests in flight.
  if (options.max_in_flight != 0) {
    const Status valid = ValidateMaxInFlight(options.max_in_flight);
    if (!valid.ok()) return valid.error().WithContext("session options");
  }
  HVR_RETURN_IF_ERROR(ValidateRequestRetryOptions(options.request_retry));
  if (!options.agent_id_file.empty()) {
    HVR_RETURN_IF_ERROR(ValidateAgentIdFile(options.agent_id_file, "session options: agent id file"));
  }
  if (options.operation_retry_delays.size() > kMaxOperationRetries) {
    return Error(Code::kInvalidArgument, "operation retries: at most " + std::to_string(kMaxOperationRetries) +
                                             " delays, not " + std::to_string(options.operation_retry_delays.size()));
  }
  for (const auto delay : options.operation_retry_delays) {
    if (delay < std::chrono::milliseconds(0) || delay > std::chrono::minutes(10)) {
      return Error(Code::kInvalidArgument, "operation retries: each delay must be 0 to 600000 ms, not " +
                                               std::to_string(delay.count()));
    }
  }
  return Ok();
}

}  // namespace hvr

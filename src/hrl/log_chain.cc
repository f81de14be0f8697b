#include "hvr/hrl.hpp"

namespace hvr {
namespace {

std::string Describe(const HrlHeader& log) {
  return log.path + " (UniqueId " + log.unique_id.ToString() + ", PreviousUniqueId " +
         log.previous_unique_id.ToString() + ")";
}

}  // namespace

Status CheckLogChain(std::span<const HrlHeader> logs, const std::optional<Guid>& previous_unique_id) {
  if (logs.empty()) return Ok();
  if (previous_unique_id && logs.front().previous_unique_id != *previous_unique_id) {
    return Error(Code::kLogChainGap,
                 "log chain gap: " + Describe(logs.front()) +
                     " does not follow the last log applied (UniqueId " +
                     previous_unique_id->ToString() + ")");
  }
  for (size_t i = 1; i < logs.size(); ++i) {
    if (logs[i].previous_unique_id != logs[i - 1].unique_id) {
      return Error(Code::kLogChainGap, "log chain gap: " + Describe(logs[i]) + " does not follow " +
                                           Describe(logs[i - 1]));
    }
  }
  return Ok();
}

}  // namespace hvr

#include "hvr/cancel.hpp"

#include <string>

namespace hvr {

Status CancelToken::Check(const CancelToken* token, const char* what) {
  if (token == nullptr || !token->cancelled()) return Ok();
  return Error(Code::kCancelled, std::string(what) + ": cancelled");
}

}  // namespace hvr

// Cancellation tokens and library-allocated strings.
#include <cstdlib>
#include <cstring>

#include "capi_internal.hpp"

namespace hvr::capi {

char* CopyString(std::string_view text) {
  // malloc, not new: hvr_string_free is the one way back, and C callers may pass the
  // pointer through code that expects C allocation semantics.
  char* out = static_cast<char*>(std::malloc(text.size() + 1));
  if (out == nullptr) throw std::bad_alloc();
  std::memcpy(out, text.data(), text.size());
  out[text.size()] = '\0';
  return out;
}

}  // namespace hvr::capi

using hvr::capi::Guard;
using hvr::capi::RequireNonNull;

extern "C" {

hvr_status hvr_cancel_token_create(hvr_cancel_token** out) {
  return hvr::capi::CreateHandle(__func__, out);
}

void hvr_cancel_token_cancel(hvr_cancel_token* token) {
  if (token != nullptr) token->token.Cancel();
}

int hvr_cancel_token_is_cancelled(const hvr_cancel_token* token) {
  return token != nullptr && token->token.cancelled() ? 1 : 0;
}

void hvr_cancel_token_destroy(hvr_cancel_token* token) { delete token; }

void hvr_string_free(char* string) { std::free(string); }

}  // extern "C"

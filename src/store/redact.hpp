// Secrets never reach logs or error messages (REQUIREMENTS.md §11). Every text that may
// carry a URL, a target string or request headers passes through RedactSecrets first.
#pragma once

#include <string>
#include <string_view>

namespace hvr {

// Replaces the values of SAS signatures (sig=), account keys (AccountKey=), encryption
// keys (x-ms-encryption-key) and passwords in URLs (user:password@) with "REDACTED".
std::string RedactSecrets(std::string_view text);

// Whether `text` holds `mark` (lower case, e.g. "sig=") where RedactSecrets looks for
// one: ignoring case, and not right after a letter or digit ("&sig=" counts, "consig="
// does not).
bool HasMark(std::string_view text, std::string_view mark);

}  // namespace hvr

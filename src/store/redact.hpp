// Secrets never reach logs or error messages. Every text that may
// carry a URL, a target string or request headers passes through RedactSecrets first.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace hvr {

// Replaces the values of SAS signatures (sig=), account keys (AccountKey=), encryption
// keys (x-ms-encryption-key), Entra ID client secrets and assertions (ClientSecret=,
// client_secret=, client_assertion=) and passwords in URLs (user:password@) with
// "REDACTED".
std::string RedactSecrets(std::string_view text);

// RedactSecrets, and every occurrence of the given values (secrets the caller holds)
// replaced with "REDACTED" too: for text from elsewhere, such as a server's error
// description, in which no key announces a secret.
std::string RedactSecrets(std::string_view text, std::initializer_list<std::string_view> values);

// Whether `text` holds `mark` (lower case, e.g. "sig=") where RedactSecrets looks for
// one: ignoring case, and not right after a letter or digit ("&sig=" counts, "consig="
// does not).
bool HasMark(std::string_view text, std::string_view mark);

}  // namespace hvr

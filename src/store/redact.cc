#include "store/redact.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "util/ascii.hpp"

namespace hvr {
namespace {

constexpr std::string_view kMask = "REDACTED";

bool StartsWithIgnoreCase(std::string_view text, size_t pos, std::string_view prefix) {
  return pos + prefix.size() <= text.size() && AsciiEqualsIgnoreCase(text.substr(pos, prefix.size()), prefix);
}

// Where a secret value ends: at the next parameter of a query string ('&'), the next
// entry of a connection string (';'), a closing quote, or the end of the line. Not at a
// space: a signature typed unencoded ("sig=abc def") is one value, and hiding more of a
// line than the secret is the safe mistake.
bool EndsValue(char c) { return c == '&' || c == ';' || c == '\'' || c == '"' || c == '\n' || c == '\r'; }

// The user information of a URL ends where its host or path starts; a URL never holds
// white space, so a space ends it too.
bool EndsUserinfo(char c) { return c == '/' || c == '@' || EndsValue(c) || std::isspace(static_cast<unsigned char>(c)); }

// Marks that introduce a secret value.
constexpr std::array<std::string_view, 7> kMarks = {
    "sig=",          "accountkey=",    "x-ms-encryption-key:", "x-ms-encryption-key=",
    "clientsecret=", "client_secret=", "client_assertion="};

// A mark must not follow a letter or digit, so "consig=" is left alone while "?sig=" and
// "&sig=" are caught.
bool MarkAt(std::string_view text, size_t pos, std::string_view mark) {
  const bool boundary = pos == 0 || !std::isalnum(static_cast<unsigned char>(text[pos - 1]));
  return boundary && StartsWithIgnoreCase(text, pos, mark);
}

}  // namespace

bool HasMark(std::string_view text, std::string_view mark) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (MarkAt(text, i, mark)) return true;
  }
  return false;
}

std::string RedactSecrets(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    bool matched = false;
    for (std::string_view mark : kMarks) {
      if (!MarkAt(text, i, mark)) continue;
      out.append(text.substr(i, mark.size()));
      i += mark.size();
      while (i < text.size() && text[i] == ' ') out += text[i++];
      size_t end = i;
      while (end < text.size() && !EndsValue(text[end])) ++end;
      if (end > i) out.append(kMask);
      i = end;
      matched = true;
      break;
    }
    if (matched) continue;
    // user:password@ in a URL: keep the user, hide the password.
    if (text.compare(i, 3, "://") == 0) {
      const size_t start = i + 3;
      size_t end = start;
      while (end < text.size() && !EndsUserinfo(text[end])) ++end;
      if (end < text.size() && text[end] == '@') {
        const std::string_view userinfo = text.substr(start, end - start);
        const size_t colon = userinfo.find(':');
        out.append("://");
        if (colon == std::string_view::npos) {
          out.append(userinfo);
        } else {
          out.append(userinfo.substr(0, colon + 1));
          out.append(kMask);
        }
        i = end;
        continue;
      }
    }
    out += text[i++];
  }
  return out;
}

std::string RedactSecrets(std::string_view text, std::initializer_list<std::string_view> values) {
  std::string out = RedactSecrets(text);
  for (std::string_view value : values) {
    if (value.empty()) continue;
    for (size_t at = out.find(value); at != std::string::npos; at = out.find(value, at + kMask.size())) {
      out.replace(at, value.size(), kMask);
    }
  }
  return out;
}

}  // namespace hvr
